//! Folding what the stream reports into the app: connection states (a stopped session asks to
//! log in again), and events (the first conversation opened once ready, notifications, read
//! markers for the open conversation). Also the reaction to a failure that needs more than a
//! notice.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the chat as the stream and the store bring it, and the connection's state; the
//! messages that change them (`Msg::Sync`, `Msg::Restored`, `Msg::Latest`) are handled here.

use super::conn::{self, ConnState, SyncMsg};
use super::{App, Effect, Failure, LoginForm, Mode, Restored};
use crate::model::ConvKey;
use crate::protocol::ServerEvent;
use crate::protocol::types::ChatMessage;

impl App {
    /// Takes over what the store remembered (for this account only): the conversations, the
    /// drafts, and the conversation that was open. Whatever the stream already brought is
    /// folded on top by the stream itself (the fold ignores what it has).
    pub(super) fn restore(&mut self, restored: Restored) -> Vec<Effect> {
        if restored.chat.me != self.chat.me || !self.chat.convs.is_empty() {
            return vec![];
        }
        self.chat = restored.chat;
        for (key, pending) in restored.outbox {
            self.last_local_id = self.last_local_id.max(pending.local_id);
            self.chat.add_pending(key, pending);
        }
        for (key, text) in restored.drafts {
            self.composer.keep_draft(key, &text);
        }
        let reopened = restored.open.filter(|k| self.chat.convs.contains_key(k));
        let Some(key) = reopened.or_else(|| self.sidebar().first().copied()) else {
            return vec![];
        };
        let mut effects = self.open_conversation(key);
        // Uploads the stop interrupted: this conversation's are picked again (Enter sends
        // them; the server has no resumable uploads, so they start over), others are named.
        let (here, elsewhere): (Vec<_>, Vec<_>) =
            restored.uploads.into_iter().partition(|(k, _)| *k == key);
        if !elsewhere.is_empty() {
            let names: Vec<String> = elsewhere
                .iter()
                .map(|(k, path)| {
                    format!(
                        "{} in {}",
                        crate::sanitize::one_line(path, 60),
                        self.conv_label(*k)
                    )
                })
                .collect();
            self.info(format!(
                "interrupted uploads, /upload to send again: {}",
                names.join(", ")
            ));
        }
        if !here.is_empty() {
            self.info(format!("{} interrupted upload(s) picked again", here.len()));
            effects.push(Effect::StageFiles {
                paths: here.into_iter().map(|(_, path)| path).collect(),
                paste: None,
            });
        }
        // The reply or edit that was in progress, if its message is still there.
        let target_exists = match restored.target {
            super::ComposeTarget::New => false,
            super::ComposeTarget::Reply(mid) | super::ComposeTarget::Edit(mid) => {
                self.chat.message(mid).is_some()
            }
        };
        if reopened == Some(key) && target_exists {
            self.composer.target = restored.target;
        }
        effects
    }

    /// After a capped replay, every conversation with older messages may miss some in
    /// between: the gap is marked (the timeline shows it) and the open one is filled at once.
    fn mark_replay_gaps(&mut self) -> Vec<Effect> {
        let replay = std::mem::take(&mut self.timeline.replay_first);
        if (self.status.replayed as usize) < crate::protocol::event::REPLAY_CAP {
            return vec![];
        }
        for (key, first) in replay {
            self.chat.mark_gap(key, first);
        }
        self.info("more messages came while you were away than the server replays; the gap is marked and fills as you scroll");
        match self.timeline.open {
            Some(key) => self
                .timeline
                .gap_request(&self.chat, key)
                .into_iter()
                .collect(),
            None => vec![],
        }
    }

    /// Opens the most active conversation that is not muted (or the most active one).
    pub(super) fn open_first(&mut self) -> Vec<Effect> {
        self.chat.ensure_order();
        let now = self.now_ms;
        let list = self.sidebar();
        let first = list
            .iter()
            .find(|k| !self.chat.is_muted(**k, now))
            .or(list.first())
            .copied();
        match first {
            Some(key) => self.open_conversation(key),
            None => vec![],
        }
    }

    /// Each conversation's newest records (a cold start learns them before a bounded
    /// replay): folded as history pages, and the most active conversation opens at once
    /// instead of after the replay.
    pub(super) fn latest(&mut self, pages: Vec<(ConvKey, Vec<ChatMessage>)>) -> Vec<Effect> {
        for (key, page) in pages {
            let limit = page.len().max(1);
            self.chat.apply_history_page(key, None, page, limit);
        }
        if self.timeline.open.is_none() {
            self.open_first()
        } else {
            vec![]
        }
    }

    /// The session is gone: the login form for the same account, everything else kept (the
    /// draft, the conversations, unsent messages).
    pub(super) fn log_in_again(&mut self, why: String) {
        let Some((server, email)) = self.account.login.clone() else {
            return;
        };
        if matches!(self.mode, Mode::Login(_)) {
            return;
        }
        let mut form = LoginForm::new(
            Some(server),
            Some(email),
            self.account.password_command.clone(),
        );
        form.error = Some(why);
        self.popups.clear();
        self.mode = Mode::Login(form);
    }

    /// Reacts to a failure by kind where a kind needs more than a notice: a 401 (renewal
    /// already failed) asks to log in again.
    pub(super) fn on_failure(&mut self, failure: &Failure) {
        if failure.is_unauthorized() {
            self.log_in_again(failure.to_string());
        }
    }

    pub(super) fn on_sync(&mut self, msg: SyncMsg) -> Vec<Effect> {
        match msg {
            SyncMsg::State(state) => {
                if let ConnState::Stopped(reason) = &state {
                    self.error(reason.explain());
                    let must_log_in = matches!(
                        reason,
                        conn::StopReason::SessionExpired | conn::StopReason::DeviceRevoked
                    );
                    if must_log_in {
                        self.log_in_again(reason.explain());
                    }
                }
                if matches!(state, ConnState::Connecting { .. }) {
                    self.chat.ready = false;
                }
                if matches!(state, ConnState::Syncing) {
                    self.status.replayed = 0;
                    self.timeline.replay_first.clear();
                }
                self.status.conn = state;
                vec![]
            }
            SyncMsg::Event(event) => {
                let resend_unread = matches!(*event, ServerEvent::Ready);
                // Events that can teach what the server has (switches, pins, remarks…).
                let caps_before = matches!(
                    *event,
                    ServerEvent::ServerConfigChanged(_)
                        | ServerEvent::UserSettings(_)
                        | ServerEvent::UserSettingsChanged(_)
                        | ServerEvent::UserRemark { .. }
                        | ServerEvent::GroupAnnouncementChanged { .. }
                )
                .then(|| self.chat.server.clone());
                if matches!(self.status.conn, ConnState::Syncing)
                    && let ServerEvent::Chat(m) = &*event
                {
                    self.status.replayed = self.status.replayed.saturating_add(1);
                    let key = self.chat.conv_of(m);
                    let first = self.timeline.replay_first.entry(key).or_insert(m.mid);
                    *first = (*first).min(m.mid);
                }
                if let Some(effects) = self.on_server_clear(&event) {
                    return effects;
                }
                let applied = self.chat.apply(*event);
                if let Some(key) = applied.conv {
                    self.trim_window(key);
                }
                let mut effects = Vec::new();
                if self.timeline.open.is_none() && self.chat.ready {
                    effects.extend(self.open_first());
                }
                if let Some(open) = self.timeline.open
                    && !self.chat.convs.contains_key(&open)
                {
                    // Kicked from the open channel, or it was deleted.
                    self.timeline.open = None;
                    self.info("you are no longer in that channel");
                }
                if let (Some(key), Some(mid)) = (applied.conv, applied.new_message) {
                    effects.extend(self.notify(key, mid));
                }
                if caps_before.is_some_and(|before| before != self.chat.server) {
                    // Kept with the store, so the next start knows them before its probe.
                    effects.push(Effect::SaveCapabilities(Box::new(self.chat.server.clone())));
                }
                if resend_unread {
                    // The replay is in: whatever waited for the connection goes out now
                    // (an echo in the replay has already removed what was delivered).
                    effects.extend(self.send_waiting());
                    effects.extend(self.mark_replay_gaps());
                    effects.extend(self.fill_unread());
                    // The first connect asks the server about itself (the contacts follow its
                    // answer); a reconnect reads the contacts again at once.
                    let probe = self.probe_server_once();
                    if probe.is_none() {
                        effects.extend(self.refetch_contacts());
                    }
                    effects.extend(probe);
                    effects.extend(self.refetch_announcement());
                    // Archives that could not be fetched are asked for again when shown.
                    self.chat.archives.forget_failed();
                    effects.extend(self.relink_previews());
                }
                if applied.conv.is_some() && applied.conv == self.timeline.open || resend_unread {
                    effects.extend(self.mark_open_read());
                }
                effects
            }
        }
    }

    /// Keeps the memory of a long session bounded: a conversation past its window (a small
    /// one unless it is open) drops its oldest messages (the store pages them back). Not
    /// during a replay (its gaps are marked at its end), not without a store, and not the
    /// open conversation while you read back in it or its gap is being filled.
    pub(super) fn trim_window(&mut self, key: ConvKey) {
        let open = self.timeline.open == Some(key);
        if !self.chat.needs_trim(key, open)
            || matches!(self.status.conn, ConnState::Syncing)
            || self.account.without_store
        {
            return;
        }
        let busy = open
            && (self.timeline.scroll > 0
                || self.timeline.seek.is_some_and(|(k, _)| k == key)
                || matches!(self.mode, Mode::Select(_))
                || self.chat.convs.get(&key).is_some_and(|c| c.gap.is_some()));
        if !busy {
            let keep = if open {
                crate::model::TRIM_TO
            } else {
                crate::model::BACKGROUND_TO
            };
            self.chat.trim(key, keep);
        }
    }
}
