//! Acting on a message named by its account, conversation and number rather than selected on
//! screen: the linear mode's numbered messages (`/reply <n> text`, `/edit <n> text`,
//! `/react <n> 👍`, `/delete <n>`, issue 22).
//! The message's account is focused and its conversation opened first, so the reply or edit
//! goes through the account the message is of.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns nothing of its own: it focuses and opens through `sections.rs` and sends through
//! the composer (`composer.rs`), as the keys of selection mode do.

use super::{AccountId, App, ComposeTarget, Effect};
use crate::model::ConvKey;

/// What to do with the message named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    /// Reply to it with this text.
    Reply(String),
    /// Replace its text with this (your own text messages only).
    Edit(String),
    /// Put this reaction on it, or take it back (one of the server's eight, or its number
    /// 1–8 as the picker shows them).
    React(String),
    /// Delete it (yours, or any as an administrator): the command itself is the confirmation.
    Delete,
    /// Copy its text as shown, or its file's link (`/copy <n>`).
    Copy,
    /// Copy part of it (`/copy <n> lines 2-4 | code 1 | link 1`).
    CopyPart(super::Part),
    /// Open its link `k` (from 1), or its file; without `k` its only link (`/open-link <n> [k]`).
    OpenLink(Option<usize>),
    /// Open its conversation at it, selected (`/goto <n>`, for a search hit): the messages
    /// around it load as they would on screen.
    Goto,
}

impl App {
    /// Opens conversation `key` of `account` (focusing the account): `/open` of the linear
    /// mode.
    pub fn open_conversation_in(&mut self, account: AccountId, key: ConvKey) -> Vec<Effect> {
        self.open_in(account, key)
    }

    /// The message a jump selected, if one is (the linear mode says the messages around
    /// it); the input goes back to the composer.
    pub fn selection_said(&mut self) -> Option<i64> {
        match self.mode {
            super::Mode::Select(mid) => {
                self.mode = super::Mode::Chat;
                Some(mid)
            }
            _ => None,
        }
    }

    /// Does `act` to message `mid` of `key` in `account`: that account focused and the
    /// conversation opened first. A message no longer there (deleted, cleared) says so.
    pub fn act_on(&mut self, account: AccountId, key: ConvKey, mid: i64, act: Act) -> Vec<Effect> {
        let mut effects = self.open_in(account, key);
        if self.focused != account || self.timeline.open != Some(key) {
            self.error("that message's account is no longer open");
            return effects;
        }
        if act == Act::Goto {
            effects.extend(self.jump_from(None, key, mid));
            return effects;
        }
        if self.chat.message(mid).is_none() {
            self.error("that message is no longer here");
            return effects;
        }
        match act {
            Act::Goto => {}
            Act::Copy => {
                effects.extend(self.copy_message(mid));
                return effects;
            }
            Act::CopyPart(part) => {
                effects.extend(self.copy_part(mid, part));
                return effects;
            }
            Act::OpenLink(k) => {
                effects.extend(self.open_link_of(mid, k));
                return effects;
            }
            Act::React(emoji) => {
                let reactions = crate::protocol::types::REACTIONS;
                let picked = emoji
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .and_then(|i| reactions.get(i))
                    .or_else(|| reactions.iter().find(|r| **r == emoji.trim()));
                match picked {
                    Some(r) => effects.extend(self.toggle_reaction(mid, r)),
                    None => self.error(format!("the reactions are {}", reactions.join(" "))),
                }
                return effects;
            }
            Act::Delete => {
                let mine = self
                    .chat
                    .message(mid)
                    .is_some_and(|m| Some(m.from_uid) == self.chat.me);
                let admin = self
                    .chat
                    .me
                    .and_then(|me| self.chat.users.get(&me))
                    .is_some_and(|u| u.is_admin);
                if mine || admin {
                    effects.extend(self.change(mid, crate::model::Change::Delete));
                } else {
                    self.error("you can only delete your own messages");
                }
                return effects;
            }
            Act::Reply(text) => {
                self.composer.set_text(&text);
                self.composer.target = ComposeTarget::Reply(mid);
            }
            Act::Edit(text) => {
                self.start_edit(mid);
                if self.composer.target != ComposeTarget::Edit(mid) {
                    // Not yours to edit: said by `start_edit`.
                    return effects;
                }
                self.composer.set_text(&text);
            }
        }
        effects.extend(self.submit());
        effects
    }
}

#[cfg(test)]
mod tests {
    use super::super::accounts_tests::{HOME, two_accounts};
    use super::*;

    #[test]
    fn a_reply_by_number_goes_out_in_the_messages_account() {
        let mut app = two_accounts();
        let effects = app.act_on(HOME, ConvKey::Group(1), 5, Act::Reply("on my way".into()));
        assert_eq!(app.focused, HOME);
        assert!(
            effects.iter().any(|e| matches!(
                e,
                Effect::Send {
                    reply_to: Some(5),
                    key: ConvKey::Group(1),
                    ..
                }
            )),
            "{effects:?}"
        );
        assert_eq!(app.composer.text(), "");
    }

    #[test]
    fn an_edit_by_number_of_someone_elses_message_is_refused() {
        let mut app = two_accounts();
        let effects = app.act_on(HOME, ConvKey::Group(1), 5, Act::Edit("changed".into()));
        assert!(!effects.iter().any(|e| matches!(e, Effect::Change(_))));
        assert!(app.status.notice.as_ref().unwrap().error);
        // A message no longer there says so.
        app.act_on(HOME, ConvKey::Group(1), 999, Act::Reply("hm".into()));
        assert!(
            app.status
                .notice
                .as_ref()
                .unwrap()
                .text
                .contains("no longer here")
        );
    }
}

#[cfg(test)]
mod more_tests {
    use super::super::accounts_tests::{HOME, two_accounts};
    use super::*;
    use crate::model::{Change, PendingChange};

    fn changes(effects: &[Effect]) -> Vec<Change> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Change(PendingChange { change, .. }) => Some(change.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_reaction_by_number_or_emoji_and_a_delete_by_number() {
        let mut app = two_accounts();
        let first = crate::protocol::types::REACTIONS[0].to_string();
        let effects = app.act_on(HOME, ConvKey::Group(1), 5, Act::React("1".into()));
        assert_eq!(
            changes(&effects),
            [Change::React {
                emoji: first.clone(),
                on: true
            }]
        );
        // An emoji the server does not take names the ones it does.
        let effects = app.act_on(HOME, ConvKey::Group(1), 5, Act::React("🦀".into()));
        assert!(changes(&effects).is_empty());
        assert!(app.status.notice.as_ref().unwrap().text.contains(&first));
        // Dad's message is not mine to delete.
        let effects = app.act_on(HOME, ConvKey::Group(1), 5, Act::Delete);
        assert!(changes(&effects).is_empty());
        assert!(app.status.notice.as_ref().unwrap().error);
    }
}
