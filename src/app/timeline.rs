//! The timeline's state: which conversation is open, how far it is scrolled (and how far it
//! can be, as the renderer last reported), the "new messages" line, and history paging: at
//! most one request per conversation in flight, and never the same request twice in a row.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the open conversation, its scroll and history paging; the messages that change
//! them (`Msg::History`, `Msg::View`) are handled here, and so is opening a conversation and
//! stepping to the next one. A page is folded into the chat here too, and hands on to the
//! jump under way (`jump.rs`) and the unread filler (`unread_fill.rs`).

use super::{App, Effect, Mode, Outcome, View};
use crate::model::{ChatModel, ConvKey};
use crate::protocol::types::ChatMessage;
use std::collections::{HashMap, HashSet};

/// How many messages one history request asks for.
pub const HISTORY_PAGE: u32 = 100;

#[derive(Debug, Default)]
pub struct Timeline {
    pub open: Option<ConvKey>,
    /// Lines scrolled up from the bottom.
    pub scroll: usize,
    pub max_scroll: usize,
    /// Read index of the open conversation when it was opened: the "new messages" line.
    pub unread_marker: Option<(ConvKey, i64)>,
    history_requested: HashSet<ConvKey>,
    /// The last history request per conversation (`before`), never repeated back to back.
    last_history: HashMap<ConvKey, Option<i64>>,
    /// During a replay, each conversation's oldest replayed mid (a capped replay leaves gaps
    /// below them).
    pub replay_first: HashMap<ConvKey, i64>,
    /// A message being jumped to (conversation, mid): history is paged back until it loads.
    pub seek: Option<(ConvKey, i64)>,
    /// Where each jump left from, newest last (Backspace in selection mode goes back).
    pub back: Vec<(ConvKey, i64)>,
    /// The messages marked in the selection (to delete several at once).
    pub marked: std::collections::BTreeSet<i64>,
    /// The oldest and newest message on screen at the last frame (the renderer says).
    pub shown: Option<(i64, i64)>,
}

impl Timeline {
    /// Opens `key` at the bottom, with the "new messages" line at its read index.
    pub fn show(&mut self, key: ConvKey, read_index: i64) {
        self.open = Some(key);
        self.scroll = 0;
        self.marked.clear();
        self.unread_marker = Some((key, read_index));
    }

    /// A request for older history of `key` when the view (`rows` high) is near its oldest
    /// loaded message, or when a conversation is being opened with little loaded.
    pub fn history_request(
        &mut self,
        chat: &ChatModel,
        key: ConvKey,
        rows: u16,
        opening: bool,
    ) -> Option<Effect> {
        let conv = chat.convs.get(&key)?;
        if conv.history_complete || self.history_requested.contains(&key) {
            return None;
        }
        let before = conv.history_before();
        if self.last_history.get(&key) == Some(&before) {
            // The same request again would bring the same page: never loop on it.
            return None;
        }
        let loaded = conv.visible().count();
        let page = usize::from(rows);
        // Every message takes at least two lines (header and body).
        let near_top = self.scroll + 2 * page >= loaded * 2;
        if !((opening && loaded < 50) || near_top) {
            return None;
        }
        self.history_requested.insert(key);
        self.last_history.insert(key, before);
        Some(Effect::LoadHistory {
            key,
            before,
            limit: HISTORY_PAGE,
        })
    }

    /// The next page into `key`'s gap (at once, whatever the scroll), unless one is on its way.
    pub fn gap_request(&mut self, chat: &ChatModel, key: ConvKey) -> Option<Effect> {
        let (_, high) = chat.convs.get(&key)?.gap?;
        self.request(key, Some(high), false)
    }

    /// Asks for the page before `before`, unless one is on its way (or, with `once`, it
    /// would repeat the last request).
    fn request(&mut self, key: ConvKey, before: Option<i64>, once: bool) -> Option<Effect> {
        if self.history_requested.contains(&key)
            || (once && self.last_history.get(&key) == Some(&before))
        {
            return None;
        }
        self.history_requested.insert(key);
        self.last_history.insert(key, before);
        Some(Effect::LoadHistory {
            key,
            before,
            limit: HISTORY_PAGE,
        })
    }

    /// A page of `limit` records before `before` for work the user does not wait on (see
    /// `unread_fill.rs`), unless one is on its way or it would repeat the last request.
    pub fn background_request(
        &mut self,
        key: ConvKey,
        before: Option<i64>,
        limit: u32,
    ) -> Option<Effect> {
        if self.history_requested.contains(&key) || self.last_history.get(&key) == Some(&before) {
            return None;
        }
        self.history_requested.insert(key);
        self.last_history.insert(key, before);
        Some(Effect::LoadHistory { key, before, limit })
    }

    /// The next page back toward a message being jumped to, whatever the scroll, unless one
    /// is on its way or it would repeat the last request.
    pub fn seek_request(&mut self, chat: &ChatModel, key: ConvKey) -> Option<Effect> {
        let before = chat.convs.get(&key)?.history_before();
        self.request(key, before, true)
    }

    /// Whether a history request for `key` is on its way.
    pub fn history_pending(&self, key: ConvKey) -> bool {
        self.history_requested.contains(&key)
    }

    /// A history request for `key` came back; a failed one may be asked for again.
    pub fn history_answered(&mut self, key: ConvKey, ok: bool) {
        self.history_requested.remove(&key);
        if !ok {
            self.last_history.remove(&key);
        }
    }
}

impl App {
    /// Opens conversation `key` (its draft back in the composer, the one left kept and its
    /// loaded history trimmed), asking for history and marking it read as needed.
    pub(super) fn open_conversation(&mut self, key: ConvKey) -> Vec<Effect> {
        if self.timeline.open == Some(key) {
            return self.mark_open_read().into_iter().collect();
        }
        // Keep the draft of the conversation we leave, and trim what it loaded.
        self.composer.switch(self.timeline.open, key);
        let left = self.timeline.open;
        // A jump under way elsewhere is off.
        if self.timeline.seek.is_some_and(|(k, _)| k != key) {
            self.timeline.seek = None;
        }
        if matches!(self.mode, Mode::Select(_)) {
            self.mode = Mode::Chat;
        }
        let read_index = self.chat.convs.get(&key).map_or(0, |c| c.read_index);
        self.timeline.show(key, read_index);
        if let Some(left) = left {
            self.trim_window(left);
        }
        let mut effects = self.maybe_load_history(key, true);
        effects.extend(self.mark_open_read());
        effects.extend(self.fetch_announcement(key));
        effects
    }

    /// Asks for older history when the view is near the oldest loaded message.
    pub(super) fn maybe_load_history(&mut self, key: ConvKey, opening: bool) -> Vec<Effect> {
        self.timeline
            .history_request(&self.chat, key, self.screen.size.1, opening)
            .into_iter()
            .collect()
    }

    /// The open conversation is on screen: everything in it is read (when you are looking).
    pub(super) fn mark_open_read(&mut self) -> Option<Effect> {
        let key = self.timeline.open?;
        if !self.screen.focused || self.timeline.scroll > 0 || matches!(self.mode, Mode::Login(_)) {
            return None;
        }
        let newest = self
            .chat
            .convs
            .get(&key)?
            .messages
            .keys()
            .next_back()
            .copied()?;
        self.chat
            .set_read_index(key, newest)
            .then_some(Effect::MarkRead { key, mid: newest })
    }

    /// Opens the conversation `delta` places from the open one in the sidebar (wrapping),
    /// whose order holds still while you step.
    pub(super) fn step_conversation(&mut self, delta: isize) -> Vec<Effect> {
        let list = self.hold_sidebar();
        if list.is_empty() {
            return vec![];
        }
        let pos = self
            .timeline
            .open
            .and_then(|k| list.iter().position(|x| *x == k));
        let next = match pos {
            Some(p) => (p as isize + delta).rem_euclid(list.len() as isize) as usize,
            None => 0,
        };
        self.open_conversation(list[next])
    }

    /// The next conversation (after the open one, wrapping) that matches `pred`.
    pub(super) fn jump_to(
        &mut self,
        what: &str,
        pred: impl Fn(&crate::model::Conversation) -> bool,
    ) -> Vec<Effect> {
        let list = self.sidebar();
        let start = self
            .timeline
            .open
            .and_then(|k| list.iter().position(|x| *x == k))
            .map_or(0, |p| p + 1);
        let found = (0..list.len())
            .map(|i| list[(start + i) % list.len()])
            .find(|k| Some(*k) != self.timeline.open && self.chat.convs.get(k).is_some_and(&pred));
        match found {
            Some(k) => self.open_conversation(k),
            None => {
                self.info(format!("no {what}"));
                vec![]
            }
        }
    }

    /// A history page came back (or failed): fold it, and page on where a jump, the open
    /// conversation or the unread filler wants more.
    pub(super) fn on_history(
        &mut self,
        key: ConvKey,
        before: Option<i64>,
        limit: u32,
        result: Outcome<Vec<ChatMessage>>,
    ) -> Vec<Effect> {
        self.timeline.history_answered(key, result.is_ok());
        let background = self.unread_fill.answered(key, result.is_ok());
        let mut effects = self.history_page(key, before, limit, result, background);
        // The next conversation whose unread count is a lower bound, if one waits.
        effects.extend(self.pump_unread_fill());
        effects
    }

    /// Folds a history page (or reports its failure), and pages on where a jump or the open
    /// conversation wants more. `background`: nobody waits on it (see `unread_fill.rs`).
    fn history_page(
        &mut self,
        key: ConvKey,
        before: Option<i64>,
        limit: u32,
        result: Outcome<Vec<ChatMessage>>,
        background: bool,
    ) -> Vec<Effect> {
        let ok = result.is_ok();
        match result {
            Ok(page) => {
                self.chat
                    .apply_history_page(key, before, page, limit as usize);
            }
            Err(e) => {
                // A failed request may be asked for again (scroll up to retry). One the user
                // did not ask for (the unread filler's) is no news, unless it means logging in
                // again.
                if !background {
                    self.error(format!("could not load history: {e}"));
                }
                self.on_failure(&e);
            }
        }
        // A jump to a message pages on until it is loaded.
        if let Some(effects) = self.seek_on_history(key, ok) {
            return effects;
        }
        if ok && self.timeline.open == Some(key) {
            let mut effects: Vec<Effect> = self.mark_open_read().into_iter().collect();
            // The open conversation's gap fills at once, page after page.
            match self.timeline.gap_request(&self.chat, key) {
                Some(next) => effects.push(next),
                None => effects.extend(self.maybe_load_history(key, false)),
            }
            return effects;
        }
        vec![]
    }

    /// What the renderer found out about the last frame: how far the timeline can scroll, the
    /// scroll it used, and where the sidebar's rows are. Drawn again only if the scroll moved.
    pub(super) fn on_view(&mut self, view: View) -> Vec<Effect> {
        self.dirty = view.scroll != self.timeline.scroll;
        self.timeline.max_scroll = view.max_scroll;
        self.timeline.scroll = view.scroll;
        self.screen.sidebar_rows = view.sidebar_rows;
        self.timeline.shown = view.shown;
        // The messages drawn may have a link to preview (`link_previews.rs`).
        self.ask_link_previews()
    }
}
