//! Marking messages in the selection and deleting the marked ones after one confirm: where
//! the server has bulk delete (newer servers, reference §9) in one request, elsewhere one by
//! one. Each delete is a queued change either way (`changes.rs`), so a delete that cannot go
//! out now waits and is retried like a single one. Only your own messages, unless you are an
//! admin (the rule of a single delete).
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the marks and the bulk request; the message that answers it
//! (`Msg::BulkDeleted`) is handled here.

use super::{App, Confirm, Effect, Failure, Mode};
use crate::keymap::Action;
use crate::model::{Change, Feature};

/// At most this many messages per bulk request (its path lists them all).
pub const BULK_CHUNK: usize = 100;

impl App {
    /// Marks `mid`, or unmarks it.
    pub(super) fn toggle_mark(&mut self, mid: i64) -> Vec<Effect> {
        if !self.timeline.marked.remove(&mid) {
            self.timeline.marked.insert(mid);
        }
        let n = self.timeline.marked.len();
        if n == 0 {
            self.info("nothing marked");
        } else {
            self.info(format!(
                "{n} marked ({} deletes them)",
                self.keymap.hint(Action::Delete)
            ));
        }
        vec![]
    }

    /// The marked messages still here, of the open conversation (what a delete or a forward
    /// of the marked messages acts on).
    pub(super) fn marked_here(&self) -> Vec<i64> {
        let open = self.timeline.open;
        self.timeline
            .marked
            .iter()
            .copied()
            .filter(|m| self.chat.message(*m).is_some() && self.chat.conv_of_mid(*m) == open)
            .collect()
    }

    /// The delete key with messages marked: one question for all of them.
    pub(super) fn ask_delete_marked(&mut self) -> Vec<Effect> {
        let mids = self.marked_here();
        let me = self.chat.me;
        let admin = me
            .and_then(|me| self.chat.users.get(&me))
            .is_some_and(|u| u.is_admin);
        let theirs = mids
            .iter()
            .filter(|m| {
                self.chat
                    .message(**m)
                    .is_some_and(|m| Some(m.from_uid) != me)
            })
            .count();
        match mids.as_slice() {
            [] => {
                self.timeline.marked.clear();
                self.info("nothing marked here");
            }
            _ if theirs > 0 && !admin => self.error(format!(
                "you can only delete your own messages ({theirs} marked are not yours)"
            )),
            [one] => self.popups.push(Confirm::Delete(*one)),
            _ => self.popups.push(Confirm::DeleteMany(mids)),
        }
        vec![]
    }

    /// The confirm said yes: every one of `mids` is deleted, in one request where the server
    /// can.
    pub(super) fn delete_many(&mut self, mids: &[i64]) -> Vec<Effect> {
        if matches!(self.mode, Mode::Select(_)) {
            self.mode = Mode::Chat;
        }
        self.timeline.marked.clear();
        let mut effects = Vec::new();
        // A message the server cleared (or deleted) since the question is gone already.
        let mids: Vec<i64> = mids
            .iter()
            .copied()
            .filter(|m| self.chat.message(*m).is_some())
            .collect();
        for mid in &mids {
            effects.extend(self.change(*mid, Change::Delete));
        }
        if !self.offers(Feature::BulkDelete) {
            return effects;
        }
        let (changes, mut rest): (Vec<Effect>, Vec<Effect>) = effects
            .into_iter()
            .partition(|e| matches!(e, Effect::Change(_)));
        let changes: Vec<_> = changes
            .into_iter()
            .filter_map(|e| match e {
                Effect::Change(c) => Some(c),
                _ => None,
            })
            .collect();
        if changes.len() > 1 {
            // A bounded path per request.
            rest.extend(
                changes
                    .chunks(BULK_CHUNK)
                    .map(|chunk| Effect::DeleteMany(chunk.to_vec())),
            );
        } else {
            rest.extend(changes.into_iter().map(Effect::Change));
        }
        rest
    }

    /// The server answered a bulk delete of the queued changes `ids`. On 404, 405 or 400
    /// they go one by one, and a server of unknown version is not asked again.
    pub(super) fn on_bulk_deleted(
        &mut self,
        ids: Vec<i64>,
        result: Result<(), Failure>,
    ) -> Vec<Effect> {
        let mut effects = Vec::new();
        match result {
            Ok(()) => {
                effects.extend(self.supported(Feature::BulkDelete));
                for id in ids {
                    effects.extend(self.on_changed(id, Ok(())));
                }
            }
            Err(e) if e.is_unsupported() => {
                // Tried on a server of unknown version: it has none. A server whose version
                // has it (bulk delete is only tried there) more likely lacks a message: the
                // single deletes tell which, and bulk delete stays.
                if self.chat.server.version.is_none() {
                    effects.extend(self.unsupported(Feature::BulkDelete));
                }
                for id in ids {
                    if let Some(c) = self.chat.changes.iter().find(|c| c.id == id).cloned() {
                        effects.push(Effect::Change(c));
                    }
                }
            }
            Err(e) => {
                for id in ids {
                    effects.extend(self.on_changed(id, Err(e.clone())));
                }
            }
        }
        effects
    }
}
