//! Jumping to a message (a search hit, later a quoted original): its conversation opens and
//! it is selected, once loaded. Until then history is paged back, from the store and then the
//! server, a page at a time without blocking anything, however far back it is.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This is
//! the timeline's jumping: the jump under way and the way back (`Timeline::seek`,
//! `Timeline::back`) change here; a page that comes back (`Msg::History`, `timeline.rs`) takes
//! the next step through `seek_on_history`.

use super::{App, Effect, Mode, strings};
use crate::model::ConvKey;

/// How many jumps Backspace can go back.
const BACK_LIMIT: usize = 50;

impl App {
    /// Opens `key` and selects message `mid`, loading history back to it when needed. Where
    /// you were (the selected message) is remembered for [`App::jump_back`].
    pub(super) fn jump_to_message(&mut self, key: ConvKey, mid: i64) -> Vec<Effect> {
        let from = match (&self.mode, self.timeline.open) {
            (Mode::Select(from), Some(open)) => Some((open, *from)),
            _ => None,
        };
        self.jump_from(from, key, mid)
    }

    /// Opens `key` and selects message `mid`, remembering `from` (a conversation and a
    /// message) as where you were.
    pub(super) fn jump_from(
        &mut self,
        from: Option<(ConvKey, i64)>,
        key: ConvKey,
        mid: i64,
    ) -> Vec<Effect> {
        if let Some(from) = from {
            if self.timeline.back.len() >= BACK_LIMIT {
                self.timeline.back.remove(0);
            }
            self.timeline.back.push(from);
        }
        self.chat.convs.entry(key).or_default();
        let mut effects = self.open_conversation(key);
        self.timeline.seek = Some((key, mid));
        effects.extend(self.seek_step(key));
        effects
    }

    /// Goes to the quoted original of reply `mid`.
    pub(super) fn follow_reply(&mut self, mid: i64) -> Vec<Effect> {
        let Some(key) = self.timeline.open else {
            return vec![];
        };
        match self.chat.message(mid).and_then(|m| m.reply_to) {
            Some(quoted) => self.jump_to_message(key, quoted),
            None => {
                self.info(strings::NOT_A_REPLY);
                vec![]
            }
        }
    }

    /// Back to where the last jump left from.
    pub(super) fn jump_back(&mut self) -> Vec<Effect> {
        match self.timeline.back.pop() {
            Some((key, mid)) => {
                let depth = self.timeline.back.len();
                let effects = self.jump_to_message(key, mid);
                // Going back is not a jump to come back from.
                self.timeline.back.truncate(depth);
                effects
            }
            None => {
                self.info(strings::NOWHERE_TO_GO_BACK);
                vec![]
            }
        }
    }

    /// Selects the message sought when it is loaded; otherwise asks for the next page back,
    /// or gives up once the conversation's start is reached.
    fn seek_step(&mut self, key: ConvKey) -> Vec<Effect> {
        let Some((k, mid)) = self.timeline.seek.filter(|(k, _)| *k == key) else {
            return vec![];
        };
        // You went elsewhere (another conversation, a popup): the jump is off.
        if self.timeline.open != Some(k)
            || !self.popups.is_empty()
            || !matches!(self.mode, Mode::Chat | Mode::Select(_))
        {
            self.timeline.seek = None;
            return vec![];
        }
        let conv = self.chat.convs.get(&k);
        match conv.and_then(|c| c.messages.get(&mid)) {
            Some(m) if m.deleted || m.is_expired(self.now_ms) => {
                self.timeline.seek = None;
                self.info(strings::SOUGHT_DELETED);
                return vec![];
            }
            Some(_) => {
                self.timeline.seek = None;
                self.mode = Mode::Select(mid);
                return vec![];
            }
            None => {}
        }
        // Paged past it (outside any gap still to fill): it is not there any more, e.g.
        // deleted before it was ever loaded.
        let passed = conv.is_some_and(|c| {
            c.oldest_mid().is_some_and(|o| o < mid)
                && !c.gap.is_some_and(|(low, high)| low < mid && mid < high)
        });
        if passed || conv.is_none_or(|c| c.history_complete) {
            self.timeline.seek = None;
            self.info(strings::SOUGHT_GONE);
            return vec![];
        }
        match self.timeline.seek_request(&self.chat, key) {
            Some(next) => vec![next],
            // A request is on its way: its answer takes the next step.
            None if self.timeline.history_pending(key) => vec![],
            None => {
                self.timeline.seek = None;
                self.info(strings::SOUGHT_GONE);
                vec![]
            }
        }
    }

    /// A history page for `key` came back: the next step of a seek, if one is under way
    /// there (`None` when not).
    pub(super) fn seek_on_history(&mut self, key: ConvKey, ok: bool) -> Option<Vec<Effect>> {
        self.timeline.seek.filter(|(k, _)| *k == key)?;
        if !ok {
            self.timeline.seek = None;
            return Some(vec![]);
        }
        Some(self.seek_step(key))
    }
}
