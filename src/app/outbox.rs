//! Messages that wait to be sent: resent as retries (each looks for its own earlier attempt
//! first, so none is posted twice) when the stream's replay is in, a few seconds after a
//! transient failure while the stream stays up, or on the retry key.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the pending messages (texts and uploads) and when they are tried again: queuing
//! one, cancelling uploads, and the messages that change them (`Msg::Sent`, `Msg::Uploaded`,
//! `Msg::Tick`) are here. Queued edits, reactions and deletes are `changes.rs`.

use super::{App, Effect, Outcome, TaskKind, conn, strings};
use crate::model::{ConvKey, PendingMessage, PendingState, UploadProgress};
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

    /// Queues a text message (optimistically shown as pending).
    pub(super) fn send_text(&mut self, text: String, reply_to: Option<i64>) -> Vec<Effect> {
        let Some(key) = self.timeline.open else {
            self.error(strings::open_a_conversation(&self.keymap));
            return vec![];
        };
        let markdown = self
            .composer
            .sends_markdown(&text, self.settings.send_markdown);
        let (content, properties) = self.composer.outgoing(text, markdown);
        let local_id = self.next_local_id();
        let mut properties = properties;
        properties.local_id = Some(local_id);
        self.chat.add_pending(
            key,
            PendingMessage {
                local_id,
                content: content.clone(),
                reply_to,
                created_at: self.now_ms,
                state: PendingState::Sending,
                upload: None,
            },
        );
        self.timeline.scroll = 0;
        vec![Effect::Send {
            key,
            local_id,
            content,
            properties,
            reply_to,
            retry: false,
        }]
    }

    /// Starts an upload for every staged file (each shown at once as a pending message).
    pub(super) fn send_staged(&mut self) -> Vec<Effect> {
        if self.composer.staged.is_empty() {
            return vec![];
        }
        let Some(key) = self.timeline.open else {
            self.error(strings::open_a_conversation(&self.keymap));
            return vec![];
        };
        let mut effects = Vec::new();
        for file in std::mem::take(&mut self.composer.staged) {
            let local_id = self.next_local_id();
            self.chat.add_pending(
                key,
                PendingMessage {
                    local_id,
                    content: Content::File {
                        path: file.name.clone(),
                    },
                    reply_to: None,
                    created_at: self.now_ms,
                    state: PendingState::Sending,
                    upload: Some(UploadProgress {
                        file: file.clone(),
                        sent: 0,
                        started_ms: self.now_ms,
                    }),
                },
            );
            let task = self.tasks.start(
                TaskKind::Upload {
                    local_id,
                    name: file.name.clone(),
                },
                self.now_ms,
            );
            self.status.notice = None;
            effects.push(Effect::Upload {
                task,
                key,
                local_id,
                file,
            });
        }
        self.timeline.scroll = 0;
        effects
    }

    /// `/cancel`: the uploads running in `key` stop, and their messages go.
    pub(super) fn cancel_uploads(&mut self, key: ConvKey) -> Vec<Effect> {
        let running: Vec<i64> = self
            .chat
            .convs
            .get(&key)
            .map(|c| {
                c.pending
                    .iter()
                    .filter(|p| !matches!(p.state, PendingState::Failed(_)))
                    .filter(|p| p.upload.is_some())
                    .map(|p| p.local_id)
                    .collect()
            })
            .unwrap_or_default();
        if running.is_empty() {
            self.info("no uploads running here");
            return vec![];
        }
        if let Some(conv) = self.chat.convs.get_mut(&key) {
            conv.pending.retain(|p| !running.contains(&p.local_id));
        }
        let mut effects = Vec::new();
        for local_id in &running {
            if let Some(task) = self.tasks.upload(*local_id) {
                self.tasks.finish(task);
                effects.push(Effect::CancelUpload {
                    task,
                    local_id: *local_id,
                });
            }
        }
        self.info(format!("cancelled {} upload(s)", running.len()));
        effects
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
                    self.send_refusal(key, &e).unwrap_or_else(|| e.to_string())
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
        let mut effects = Vec::new();
        match result {
            Ok(mid) => self.chat.pending_sent(key, local_id, mid),
            Err(e) => {
                let why = if e.is_too_large() {
                    effects.extend(self.upload_refused(key, local_id));
                    strings::FILE_TOO_LARGE.to_string()
                } else {
                    e.to_string()
                };
                self.error(strings::upload_failed(&why, &self.keymap));
                self.chat.pending_failed(key, local_id, why);
                self.on_failure(&e);
            }
        }
        effects
    }

    /// A 413 for an upload: the server's limit is below its size (for `/server`).
    fn upload_refused(&mut self, key: ConvKey, local_id: i64) -> Vec<Effect> {
        let size = self
            .chat
            .convs
            .get(&key)
            .and_then(|c| c.pending.iter().find(|p| p.local_id == local_id))
            .and_then(|p| p.upload.as_ref())
            .map(|u| u.file.size);
        let Some(size) = size else { return vec![] };
        let known = &mut self.chat.server.upload_refused_at;
        if known.is_some_and(|k| k <= size) {
            return vec![];
        }
        *known = Some(size);
        vec![Effect::SaveCapabilities(Box::new(self.chat.server.clone()))]
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
