//! History the server cleared (`message_cleared`, `group_message_cleared`, newer servers): the
//! model lets it go at once (`model::cleared`), the selection and the composer let go of a
//! cleared message, and a notice says how many messages went. With a store the count is what
//! the store took from the disk (it answers with `Msg::Cleared` once written); without one it
//! is what the model held.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the reaction to a clear of history by the server; the message the store answers
//! a clear with (`Msg::Cleared`) is handled here.

use super::{App, ComposeTarget, Confirm, Effect, Failure, Mode, Popup};
use crate::model::{ClearedNow, ConvKey, Feature};
use crate::protocol::ServerEvent;

impl App {
    /// A clear from the stream: applied to the model; `None` when `event` is no clear.
    pub(super) fn on_server_clear(&mut self, event: &ServerEvent) -> Option<Vec<Effect>> {
        let now = match event {
            ServerEvent::MessageCleared { latest_deleted_mid } => self
                .chat
                .clear_through_at(*latest_deleted_mid, Some(self.now_ms)),
            ServerEvent::GroupMessageCleared { gid } => {
                self.chat.clear_group_at(*gid, Some(self.now_ms))
            }
            _ => return None,
        };
        if let Mode::Select(mid) = self.mode
            && self.chat.message(mid).is_none()
        {
            self.mode = Mode::Chat;
        }
        if let ComposeTarget::Reply(mid) | ComposeTarget::Edit(mid) = self.composer.target
            && self.chat.message(mid).is_none()
        {
            self.composer.target = ComposeTarget::New;
        }
        // Marks of cleared messages go, and a jump to one ends (it will never load).
        let chat = &self.chat;
        self.timeline.marked.retain(|m| chat.message(*m).is_some());
        if let Some((key, mid)) = self.timeline.seek
            && self.chat.cleared.covers(key, mid)
        {
            self.timeline.seek = None;
        }
        self.let_go_of_cleared_views();
        if self
            .timeline
            .open
            .is_some_and(|k| now.conv.is_none_or(|c| c == k))
        {
            self.timeline.scroll = 0;
        }
        if self.account.without_store {
            self.on_cleared(now);
        }
        Some(vec![])
    }

    /// A question to delete messages the clear took closes (they are gone already), and
    /// the search view drops what it found of them (the store has let go of it too).
    fn let_go_of_cleared_views(&mut self) {
        let chat = &self.chat;
        let mut closed = false;
        self.popups.retain(|p| {
            let keep = match p {
                Popup::Confirm(Confirm::Delete(mid)) => chat.message(*mid).is_some(),
                Popup::Confirm(Confirm::DeleteMany(mids)) => {
                    mids.iter().all(|m| chat.message(*m).is_some())
                }
                _ => true,
            };
            closed |= !keep;
            keep
        });
        if closed {
            self.info("the messages to delete were cleared by the server");
        }
        let chat = &self.chat;
        let found = &mut self.search;
        let gone: Vec<bool> = found
            .results
            .hits
            .iter()
            .map(|h| chat.cleared.covers(h.key, h.mid))
            .collect();
        if gone.iter().any(|g| *g) {
            let mut it = gone.iter();
            found
                .results
                .hits
                .retain(|_| !it.next().is_some_and(|g| *g));
            if let super::popups::SearchKind::Saved { items, .. } = &mut found.kind
                && items.len() == gone.len()
            {
                let mut it = gone.iter();
                items.retain(|_| !it.next().is_some_and(|g| *g));
            }
            found.selected = found
                .selected
                .min(found.results.hits.len().saturating_sub(1));
        }
    }

    /// `/clear`: the open channel's owner or an admin, on a server that can, after a confirm.
    pub(super) fn ask_clear_channel(&mut self) -> Vec<Effect> {
        let Some(ConvKey::Group(gid)) = self.timeline.open else {
            self.error("/clear works in a channel");
            return vec![];
        };
        if !self.offers(Feature::ClearGroup) {
            self.error(format!("this server has no {}", Feature::ClearGroup.name()));
            return vec![];
        }
        let me = self.chat.me;
        let admin = me
            .and_then(|me| self.chat.users.get(&me))
            .is_some_and(|u| u.is_admin);
        let owner = self.chat.groups.get(&gid).and_then(|g| g.owner);
        if !admin && (owner.is_none() || owner != me) {
            self.error("only the channel's owner or an admin can clear it");
            return vec![];
        }
        self.popups.push(Confirm::ClearChannel(gid));
        vec![]
    }

    /// The server answered `/clear`: on success the channel is cleared here at once, as its
    /// `group_message_cleared` would (whether the server sends that to the one who cleared is
    /// not known, reference §8.2), and the store is handed the same event; an echo later is
    /// no news.
    pub(super) fn on_channel_cleared(
        &mut self,
        gid: i64,
        result: Result<(), Failure>,
    ) -> Vec<Effect> {
        match result {
            Ok(()) => {
                let event = ServerEvent::GroupMessageCleared { gid };
                let mut effects = self.on_server_clear(&event).unwrap_or_default();
                effects.push(Effect::Keep(Box::new(event)));
                effects.extend(self.supported(Feature::ClearGroup));
                effects
            }
            Err(e) if e.is_unsupported() => self.unsupported(Feature::ClearGroup),
            Err(e) => {
                let name = self.conv_label(ConvKey::Group(gid));
                self.error(format!("{name} was not cleared: {e}"));
                self.on_failure(&e);
                vec![]
            }
        }
    }

    /// What a clear took (from the disk, or from the model without a store): the notice.
    pub(super) fn on_cleared(&mut self, now: ClearedNow) -> Vec<Effect> {
        // A channel this client does not know of, with nothing of it here: nothing to say.
        let unknown = now
            .conv
            .is_some_and(|k| now.messages == 0 && !self.chat.convs.contains_key(&k));
        if now.news && !unknown {
            let text = cleared_notice(now.messages, now.conv.map(|k| self.conv_label(k)));
            self.info(text);
        }
        vec![]
    }
}

/// "the server cleared 1,204 messages" / "… in #dev".
pub fn cleared_notice(messages: usize, conv: Option<String>) -> String {
    let what = match messages {
        0 => "the history".to_string(),
        1 => "1 message".to_string(),
        n => format!("{} messages", thousands(n)),
    };
    match conv {
        Some(name) => format!("the server cleared {what} in {name}"),
        None => format!("the server cleared {what}"),
    }
}

/// 1204 → "1,204".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
