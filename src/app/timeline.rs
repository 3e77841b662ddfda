//! The timeline's state: which conversation is open, how far it is scrolled (and how far it
//! can be, as the renderer last reported), the "new messages" line, and history paging: at
//! most one request per conversation in flight, and never the same request twice in a row.

use super::Effect;
use crate::model::{ChatModel, ConvKey};
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
}

impl Timeline {
    /// Opens `key` at the bottom, with the "new messages" line at its read index.
    pub fn show(&mut self, key: ConvKey, read_index: i64) {
        self.open = Some(key);
        self.scroll = 0;
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
