//! Bounded memory in a long session: a conversation keeps a window of its newest messages.
//! Past [`TRIM_ABOVE`] loaded messages it drops the oldest down to [`TRIM_TO`]; the store
//! still has them, and scrolling up pages them back in (with their edits and likes).

use super::{ChatModel, ConvKey};

/// A conversation with more loaded messages than this is trimmed…
pub const TRIM_ABOVE: usize = 2_000;
/// …to this many, its newest.
pub const TRIM_TO: usize = 1_000;
/// At most this many reactions wait for a target that is not loaded.
pub const ORPHAN_CAP: usize = 20_000;

impl ChatModel {
    /// Whether `key` holds more messages than a window.
    pub fn needs_trim(&self, key: ConvKey) -> bool {
        self.convs
            .get(&key)
            .is_some_and(|c| c.messages.len() > TRIM_ABOVE)
    }

    /// Drops the oldest messages of `key` beyond its newest `keep`; how many went. Paging
    /// back starts again just below what stays. Unread messages that go leave the count
    /// "at least" (the sidebar shows `N+`), as after a bounded start.
    pub fn trim(&mut self, key: ConvKey, keep: usize) -> usize {
        let Some(conv) = self.convs.get_mut(&key) else {
            return 0;
        };
        let excess = conv.messages.len().saturating_sub(keep);
        let Some(&cut) = conv.messages.keys().nth(excess) else {
            return 0;
        };
        let kept = conv.messages.split_off(&cut);
        let dropped = std::mem::replace(&mut conv.messages, kept);
        for (mid, m) in &dropped {
            self.mid_conv.remove(mid);
            // Its quote is counted again if it is read back.
            if !m.deleted
                && let Some(count) = m.reply_to.and_then(|q| self.reply_counts.get_mut(&q))
            {
                *count = count.saturating_sub(1);
            }
        }
        conv.history_complete = false;
        conv.history_cursor = None;
        // A hole below the window is the store's business now: its pages stop at it and the
        // server's fill it.
        if conv.gap.is_some_and(|(_, high)| high <= cut) {
            conv.gap = None;
        }
        conv.recount(self.me);
        dropped.len()
    }
}
