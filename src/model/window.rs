//! Bounded memory in a long session: a conversation keeps a window of its newest messages.
//! The open one, past [`TRIM_ABOVE`] loaded messages, drops the oldest down to [`TRIM_TO`];
//! every other one keeps [`BACKGROUND_TO`] to [`BACKGROUND_ABOVE`] (what a start loads), so
//! memory stays flat however many conversations are busy. The store still has what goes,
//! and scrolling up pages it back in (with its edits and likes). The unread messages dropped
//! still count (`Conversation::dropped`).

use super::conversation::Dropped;
use super::{ChatModel, ConvKey};

/// The open conversation with more loaded messages than this is trimmed…
pub const TRIM_ABOVE: usize = 1_000;
/// …to this many, its newest.
pub const TRIM_TO: usize = 500;
/// Any other conversation with more loaded messages than this (as many records as a start
/// loads of each) is trimmed…
pub const BACKGROUND_ABOVE: usize = 100;
/// …to this many, its newest: more than a screenful, so opening it shows a full page at
/// once while the store pages back the rest.
pub const BACKGROUND_TO: usize = 50;
/// At most this many reactions wait for a target that is not loaded.
pub const ORPHAN_CAP: usize = 20_000;

impl ChatModel {
    /// Whether `key` holds more messages than a window: the open conversation's
    /// ([`TRIM_ABOVE`]) or another's ([`BACKGROUND_ABOVE`]).
    pub fn needs_trim(&self, key: ConvKey, open: bool) -> bool {
        let above = if open { TRIM_ABOVE } else { BACKGROUND_ABOVE };
        self.convs
            .get(&key)
            .is_some_and(|c| c.messages.len() > above)
    }

    /// Drops the oldest messages of `key` beyond its newest `keep`; how many went. Paging
    /// back starts again just below what stays. The unread messages that go still count
    /// (exactly while the read marker stays below them; see `Conversation::dropped`).
    pub fn trim(&mut self, key: ConvKey, keep: usize) -> usize {
        let me = self.me;
        let Some(conv) = self.convs.get_mut(&key) else {
            return 0;
        };
        let excess = conv.messages.len().saturating_sub(keep);
        let Some(&cut) = conv.messages.keys().nth(excess) else {
            return 0;
        };
        let exact = !conv.unread_is_partial();
        let kept = conv.messages.split_off(&cut);
        let dropped = std::mem::replace(&mut conv.messages, kept);
        let read_index = conv.read_index;
        let fresh = |exact| Dropped {
            below: cut,
            lowest: i64::MAX,
            unread: 0,
            mentions: 0,
            exact,
        };
        let mut gone = match conv.dropped.take() {
            // Still counted: more of the same.
            Some(d) if read_index < d.lowest => Dropped { below: cut, ..d },
            // The marker is among them: how many of them are read is not known.
            Some(d) if read_index < d.below.saturating_sub(1) => fresh(false),
            // All read, or none before: only what goes now counts.
            _ => fresh(exact),
        };
        for (mid, m) in &dropped {
            self.mid_conv.remove(mid);
            // Its quote is counted again if it is read back.
            if !m.deleted
                && let Some(quoted) = m.reply_to
            {
                super::unquote(&mut self.reply_counts, quoted);
            }
            if *mid > read_index && !m.deleted && Some(m.from_uid) != me {
                gone.lowest = gone.lowest.min(*mid);
                gone.unread = gone.unread.saturating_add(1);
                if m.concerns_me() {
                    gone.mentions = gone.mentions.saturating_add(1);
                }
            }
        }
        conv.dropped = Some(gone);
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
