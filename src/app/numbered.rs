//! Acting on a message named by its account, conversation and number rather than selected on
//! screen: the linear mode's numbered messages (`/reply <n> text`, `/edit <n> text`, issue 22).
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
}

impl App {
    /// Opens conversation `key` of `account` (focusing the account): `/open` of the linear
    /// mode.
    pub fn open_conversation_in(&mut self, account: AccountId, key: ConvKey) -> Vec<Effect> {
        self.open_in(account, key)
    }

    /// Does `act` to message `mid` of `key` in `account`: that account focused and the
    /// conversation opened first. A message no longer there (deleted, cleared) says so.
    pub fn act_on(&mut self, account: AccountId, key: ConvKey, mid: i64, act: Act) -> Vec<Effect> {
        let mut effects = self.open_in(account, key);
        if self.focused != account || self.timeline.open != Some(key) {
            self.error("that message's account is no longer open");
            return effects;
        }
        if self.chat.message(mid).is_none() {
            self.error("that message is no longer here");
            return effects;
        }
        match act {
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
