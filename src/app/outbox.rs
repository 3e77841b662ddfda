//! Messages that wait to be sent: resent as retries (each looks for its own earlier attempt
//! first, so none is posted twice) when the stream's replay is in, a few seconds after a
//! transient failure while the stream stays up, or on the retry key.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the pending messages (texts and uploads) and when they are tried again; the
//! messages that change them (`Msg::Sent`, `Msg::Uploaded`, `Msg::Tick`) are handled here.
//! Queued edits, reactions and deletes are `changes.rs`.

use super::{App, Effect, Outcome, conn, strings};
use crate::model::{ConvKey, PendingState};
use crate::protocol::types::{Content, Properties};

/// How long waiting messages wait before a retry while the stream stays up.
const RESEND_AFTER_MS: i64 = 5_000;

impl App {
    /// A send failed for a reason that may pass: with the stream live, waiting messages are
    /// tried again after a few seconds (otherwise they go out at the next `ready`).
    pub(super) fn retry_later(&mut self) {
        if matches!(self.status.conn, conn::ConnState::Live) && self.resend_at.is_none() {
            self.resend_at = Some(self.now_ms + RESEND_AFTER_MS);
        }
    }

    /// The "not sent yet" notice goes once nothing waits any more.
    pub(super) fn clear_waiting_notice(&mut self) {
        let waiting = self.chat.convs.values().any(|c| {
            c.pending
                .iter()
                .any(|p| matches!(p.state, PendingState::Waiting(_)))
        }) || self
            .chat
            .changes
            .iter()
            .any(crate::model::PendingChange::is_waiting);
        if !waiting
            && self
                .status
                .notice
                .as_ref()
                .is_some_and(|n| n.text.starts_with(strings::NOT_SENT_YET))
        {
            self.status.notice = None;
        }
    }

    /// A send finished: the message is sent (its echo replaces it), waits to be tried again
    /// (a failure that may pass), or failed (shown with the reason until retried or dropped).
    pub(super) fn on_sent(
        &mut self,
        key: ConvKey,
        local_id: i64,
        result: Outcome<i64>,
    ) -> Vec<Effect> {
        match result {
            Ok(mid) => {
                self.chat.pending_sent(key, local_id, mid);
                self.clear_waiting_notice();
            }
            Err(e) if e.is_transient() => {
                self.error(strings::not_sent_yet(&e.to_string()));
                self.chat.pending_waiting(key, local_id, e.to_string());
                self.retry_later();
            }
            Err(e) => {
                let why = if e.is_too_large() {
                    strings::MESSAGE_TOO_LARGE.to_string()
                } else {
                    e.to_string()
                };
                self.error(strings::not_sent(&why, &self.keymap));
                self.chat.pending_failed(key, local_id, why);
                self.on_failure(&e);
            }
        }
        vec![]
    }

    /// An upload finished: its task ends, and the file message is sent or failed (it stays,
    /// with the reason, until retried or dropped).
    pub(super) fn on_uploaded(
        &mut self,
        key: ConvKey,
        local_id: i64,
        result: Outcome<i64>,
    ) -> Vec<Effect> {
        // The echo may have replaced the pending copy already: find the task by id.
        if let Some(task) = self.tasks.upload(local_id) {
            self.tasks.finish(task);
        }
        match result {
            Ok(mid) => self.chat.pending_sent(key, local_id, mid),
            Err(e) => {
                let why = if e.is_too_large() {
                    strings::FILE_TOO_LARGE.to_string()
                } else {
                    e.to_string()
                };
                self.error(strings::upload_failed(&why, &self.keymap));
                self.chat.pending_failed(key, local_id, why);
                self.on_failure(&e);
            }
        }
        vec![]
    }

    /// `now_ms` moved on to a deadline the loop woke up for: expired messages drop out of the
    /// view (the frame is drawn again), and once it passes `resend_at` the waiting messages
    /// go out again.
    pub(super) fn on_tick(&mut self) -> Vec<Effect> {
        match self.resend_at {
            Some(at) if at <= self.now_ms => {
                self.resend_at = None;
                self.send_waiting()
            }
            _ => vec![],
        }
    }

    /// Sends again the pending messages of `key` whose state matches `which`, oldest first,
    /// as retries (each looks for its own earlier attempt first, so none is posted twice).
    /// One whose echo is already here was sent: it is dropped instead.
    pub(super) fn resend(
        &mut self,
        key: ConvKey,
        which: impl Fn(&PendingState) -> bool,
    ) -> Vec<Effect> {
        let now = self.now_ms;
        let me = self.chat.me;
        let mut effects = self.resend_changes(key, &which);
        let Some(conv) = self.chat.convs.get_mut(&key) else {
            return effects;
        };
        let echoed: Vec<i64> = conv
            .messages
            .values()
            .rev()
            .take(500)
            .filter(|m| Some(m.from_uid) == me)
            .filter_map(|m| crate::protocol::types::local_id_of(m.properties.as_ref()))
            .collect();
        conv.pending.retain(|p| !echoed.contains(&p.local_id));
        conv.pending.sort_by_key(|p| p.local_id);
        for p in conv.pending.iter_mut().filter(|p| which(&p.state)) {
            p.state = PendingState::Sending;
            if let Some(u) = &mut p.upload {
                u.sent = 0;
                u.started_ms = now;
                // Tried again: a task row again (the failed try's was finished).
                let task = self.tasks.upload(p.local_id).unwrap_or_else(|| {
                    self.tasks.start(
                        crate::app::TaskKind::Upload {
                            local_id: p.local_id,
                            name: u.file.name.clone(),
                        },
                        now,
                    )
                });
                effects.push(Effect::Upload {
                    task,
                    key,
                    local_id: p.local_id,
                    file: u.file.clone(),
                });
                continue;
            }
            let mut properties = Properties::with_local_id(p.local_id);
            if let Content::Text(t) = &p.content {
                properties.mentions = crate::protocol::mention::uids(t);
            }
            effects.push(Effect::Send {
                key,
                local_id: p.local_id,
                content: p.content.clone(),
                properties,
                reply_to: p.reply_to,
                retry: true,
            });
        }
        effects
    }

    /// The connection is back: every waiting message goes out, conversation by conversation,
    /// oldest first.
    pub(super) fn send_waiting(&mut self) -> Vec<Effect> {
        let mut keys: Vec<ConvKey> = self
            .chat
            .convs
            .iter()
            .filter(|(_, c)| {
                c.pending
                    .iter()
                    .any(|p| matches!(p.state, PendingState::Waiting(_)))
            })
            .map(|(k, _)| *k)
            .chain(
                self.chat
                    .changes
                    .iter()
                    .filter(|c| c.is_waiting())
                    .map(|c| c.key),
            )
            .collect();
        keys.sort();
        keys.dedup();
        let mut effects = Vec::new();
        for key in keys {
            effects.extend(self.resend(key, |s| matches!(s, PendingState::Waiting(_))));
        }
        effects
    }
}
