//! Changes to sent messages (edits, reactions, deletes) that the server has not acknowledged.
//! They wait like unsent messages and go out in order when the connection is back (also after
//! a restart). Each states the end it wants (this text, this reaction on or off, deleted) rather
//! than the request that gets there, so a retry whose first attempt did land is seen to be done
//! and is not sent again: a like sent twice would undo itself.

use super::{ChatModel, ConvKey, Message, PendingState};
use crate::protocol::types::Content;

/// What a change wants a message to become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// This content (mentions as `@<uid>`).
    Edit(Content),
    /// `emoji` from you on (`true`) or off.
    React {
        emoji: String,
        on: bool,
    },
    Delete,
}

/// A change waiting for the server.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingChange {
    /// From the same sequence as pending messages' local ids.
    pub id: i64,
    pub key: ConvKey,
    pub mid: i64,
    pub change: Change,
    pub state: PendingState,
}

impl PendingChange {
    /// True when message `m` already shows what this change wants (`me` is the user).
    pub fn is_done(&self, m: &Message, me: Option<i64>) -> bool {
        match &self.change {
            Change::Edit(content) => {
                m.deleted || (m.edited && m.content == content.body() && m.kind == content.kind())
            }
            Change::React { emoji, on } => {
                let mine =
                    me.is_some_and(|me| m.reactions.get(emoji).is_some_and(|u| u.contains(&me)));
                m.deleted || mine == *on
            }
            Change::Delete => m.deleted,
        }
    }

    /// Whether it is still to be sent (not in flight, not refused).
    pub fn is_waiting(&self) -> bool {
        matches!(self.state, PendingState::Waiting(_))
    }
}

/// What queuing a change did.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    /// The change to send, unless it cancelled one not sent yet.
    pub sent: Option<PendingChange>,
    /// A change not sent yet that it replaced (or cancelled).
    pub replaced: Option<i64>,
}

impl ChatModel {
    /// Queues `change`. A waiting or refused change of the same kind to the same message is
    /// replaced by it (a newer edit wins); two reactions with the same emoji cancel out
    /// instead, and nothing is to be sent.
    pub fn add_change(&mut self, change: PendingChange) -> Queued {
        let same = self.changes.iter().position(|c| {
            c.mid == change.mid
                && !matches!(c.state, PendingState::Sending | PendingState::Sent(_))
                && match (&c.change, &change.change) {
                    (Change::Edit(_), Change::Edit(_)) | (Change::Delete, Change::Delete) => true,
                    (Change::React { emoji: a, .. }, Change::React { emoji: b, .. }) => a == b,
                    _ => false,
                }
        });
        let replaced = same.map(|i| self.changes.remove(i));
        if let Some(old) = &replaced
            && matches!(old.change, Change::React { .. })
        {
            return Queued {
                sent: None,
                replaced: Some(old.id),
            };
        }
        self.changes.push(change.clone());
        Queued {
            sent: Some(change),
            replaced: replaced.map(|c| c.id),
        }
    }

    /// The conversation message `mid` is in, when it is loaded.
    pub fn conv_of_mid(&self, mid: i64) -> Option<ConvKey> {
        self.mid_conv.get(&mid).copied()
    }

    /// Whether you have reacted to `mid` with `emoji`, counting changes not yet sent.
    pub fn reacted(&self, mid: i64, emoji: &str) -> bool {
        let pending = self.changes.iter().rev().find_map(|c| match &c.change {
            Change::React { emoji: e, on } if c.mid == mid && e == emoji => Some(*on),
            _ => None,
        });
        pending.unwrap_or_else(|| {
            self.message(mid).is_some_and(|m| {
                self.me
                    .is_some_and(|me| m.reactions.get(emoji).is_some_and(|u| u.contains(&me)))
            })
        })
    }

    pub fn change_state(&mut self, id: i64, state: PendingState) {
        if let Some(c) = self.changes.iter_mut().find(|c| c.id == id) {
            c.state = state;
        }
    }

    /// Drops change `id` (acknowledged, discarded, or found done).
    pub fn remove_change(&mut self, id: i64) -> Option<PendingChange> {
        let i = self.changes.iter().position(|c| c.id == id)?;
        Some(self.changes.remove(i))
    }

    /// The changes waiting for message `mid` that it does not show yet, oldest first.
    pub fn changes_of(&self, mid: i64) -> impl Iterator<Item = &PendingChange> {
        let message = self.message(mid);
        self.changes
            .iter()
            .filter(move |c| c.mid == mid && !message.is_some_and(|m| c.is_done(m, self.me)))
    }
}
