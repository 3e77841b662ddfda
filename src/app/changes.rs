//! Edits, reactions and deletes as queued changes: written to the outbox and sent; made once
//! the server answers; kept while it cannot be reached, and sent again with the waiting
//! messages. A change the server refused stays, shown with the reason, until the retry key
//! sends it again or the discard key drops it.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the queued changes; the message that answers one (`Msg::Changed`) is handled
//! here. Pending messages are `outbox.rs`.

use super::{App, Effect, Failure, strings};
use crate::model::{Change, ConvKey, PendingChange, PendingState};

impl App {
    /// Queues `change` to message `mid` (of the open conversation when the model does not
    /// know it) and sends it.
    pub(super) fn change(&mut self, mid: i64, change: Change) -> Vec<Effect> {
        let Some(key) = self.chat.conv_of_mid(mid).or(self.timeline.open) else {
            return vec![];
        };
        let id = self.next_local_id();
        let queued = self.chat.add_change(PendingChange {
            id,
            key,
            mid,
            change,
            state: PendingState::Sending,
        });
        let mut effects: Vec<Effect> = queued.replaced.into_iter().map(Effect::Forget).collect();
        match queued.sent {
            Some(c) => effects.push(Effect::Change(c)),
            None => self.info(strings::CHANGE_CANCELLED),
        }
        effects
    }

    /// Your reaction `emoji` on `mid` goes on, or off when it is there (counting one not sent
    /// yet).
    pub(super) fn toggle_reaction(&mut self, mid: i64, emoji: &str) -> Vec<Effect> {
        let on = !self.chat.reacted(mid, emoji);
        self.change(
            mid,
            Change::React {
                emoji: emoji.to_string(),
                on,
            },
        )
    }

    /// The server answered change `id`.
    pub(super) fn on_changed(&mut self, id: i64, result: Result<(), Failure>) -> Vec<Effect> {
        let Some(change) = self.chat.changes.iter().find(|c| c.id == id).cloned() else {
            return vec![];
        };
        match result {
            Ok(()) => {
                self.chat.remove_change(id);
                self.clear_waiting_notice();
            }
            Err(e) if e.is_transient() => {
                self.error(strings::not_sent_yet(&e.to_string()));
                self.chat
                    .change_state(id, PendingState::Waiting(e.to_string()));
                self.retry_later();
            }
            Err(e) => {
                let why = e.to_string();
                self.error(strings::change_not_made(
                    strings::change_name(&change.change),
                    &why,
                    &self.keymap,
                ));
                self.chat.change_state(id, PendingState::Failed(why));
                self.on_failure(&e);
            }
        }
        vec![]
    }

    /// Sends again the changes of `key` whose state matches `which`, oldest first. One the
    /// message already shows (its first attempt did land) is dropped instead.
    pub(super) fn resend_changes(
        &mut self,
        key: ConvKey,
        which: &impl Fn(&PendingState) -> bool,
    ) -> Vec<Effect> {
        let me = self.chat.me;
        let mut ids: Vec<i64> = self
            .chat
            .changes
            .iter()
            .filter(|c| c.key == key && which(&c.state))
            .map(|c| c.id)
            .collect();
        ids.sort_unstable();
        let mut effects = Vec::new();
        for id in ids {
            let Some(c) = self.chat.changes.iter().find(|c| c.id == id).cloned() else {
                continue;
            };
            let message = self.chat.message(c.mid);
            if message.is_some_and(|m| c.is_done(m, me)) {
                self.chat.remove_change(id);
                effects.push(Effect::Forget(id));
            } else if message.is_none() && matches!(c.change, Change::React { .. }) {
                // Whether it landed cannot be told without the message, and a like sent twice
                // undoes itself: it waits for the retry key with the message in view.
                self.chat
                    .change_state(id, PendingState::Failed(strings::REACTION_UNSURE.into()));
            } else {
                self.chat.change_state(id, PendingState::Sending);
                effects.push(Effect::Change(PendingChange {
                    state: PendingState::Sending,
                    ..c
                }));
            }
        }
        effects
    }

    /// Drops the open conversation's refused messages and changes (the discard key).
    pub(super) fn discard_failed(&mut self) -> Vec<Effect> {
        let Some(key) = self.timeline.open else {
            return vec![];
        };
        let failed = |s: &PendingState| matches!(s, PendingState::Failed(_));
        let mut ids: Vec<i64> = self
            .chat
            .changes
            .iter()
            .filter(|c| c.key == key && failed(&c.state))
            .map(|c| c.id)
            .collect();
        self.chat.changes.retain(|c| !ids.contains(&c.id));
        if let Some(conv) = self.chat.convs.get_mut(&key) {
            ids.extend(
                conv.pending
                    .iter()
                    .filter(|p| failed(&p.state))
                    .map(|p| p.local_id),
            );
            conv.pending.retain(|p| !failed(&p.state));
        }
        if ids.is_empty() {
            self.info(strings::NOTHING_TO_DISCARD);
        } else {
            self.info(strings::discarded(ids.len()));
        }
        ids.into_iter().map(Effect::Forget).collect()
    }
}
