//! History the server cleared (newer servers): an admin cleared every message up to a mid
//! (`message_cleared`), or a channel's owner cleared the channel (`group_message_cleared`).
//! What was cleared leaves the model at once (messages, the reply counts they made, unread
//! counts, reactions waiting for them, queued changes to them, quotes of them in unsent
//! replies), and a fence remembers the clear, so that nothing at or below it comes back: not
//! a history page that was on its way, not a replay, not the store (which keeps the same
//! fences). Read indexes, mutes and pins stay.

use super::{ChatModel, ConvKey};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The most channels' fences kept (one per channel you are in; a hostile server may clear
/// any number of gids).
pub const FENCES_MAX: usize = 1_000;

/// The clears seen: every record at or below a fence is gone for good, unless it was made
/// after the clear (a server restored from a backup gives old mids to new messages).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cleared {
    /// Every conversation's records up to this fence (`message_cleared`).
    #[serde(default)]
    pub through: Option<Fence>,
    /// A channel's records up to its fence (`group_message_cleared`), by gid.
    #[serde(default)]
    pub groups: BTreeMap<i64, Fence>,
}

/// One clear: the highest mid it took, and when it was received (ms; `None` for a fence
/// kept before times were, which holds off every record at or below its mid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "FenceForm")]
pub struct Fence {
    pub mid: i64,
    pub at: Option<i64>,
}

/// A fence as kept: a bare mid (before times were kept), or with its time.
#[derive(Deserialize)]
#[serde(untagged)]
enum FenceForm {
    Mid(i64),
    Timed { mid: i64, at: Option<i64> },
}

impl From<FenceForm> for Fence {
    fn from(form: FenceForm) -> Fence {
        match form {
            FenceForm::Mid(mid) => Fence { mid, at: None },
            FenceForm::Timed { mid, at } => Fence { mid, at },
        }
    }
}

impl Fence {
    /// Whether it holds off record `mid` made at `created_at`.
    fn holds(&self, mid: i64, created_at: i64) -> bool {
        mid <= self.mid && self.at.is_none_or(|at| created_at <= at)
    }
}

impl Cleared {
    /// Whether `mid` of `key` was cleared, for what was here when the clear came (a
    /// message, a mark, a queued change): by its mid alone.
    pub fn covers(&self, key: ConvKey, mid: i64) -> bool {
        self.fences(key).any(|f| mid <= f.mid)
    }

    /// Whether a record arriving now (a history page, a replay, the store) about `mid` of
    /// `key`, made at `created_at`, is something a clear took: at or below a fence and not
    /// made after the clear.
    pub fn covers_record(&self, key: ConvKey, mid: i64, created_at: i64) -> bool {
        self.fences(key).any(|f| f.holds(mid, created_at))
    }

    fn fences(&self, key: ConvKey) -> impl Iterator<Item = &Fence> {
        let group = match key {
            ConvKey::Group(gid) => self.groups.get(&gid),
            ConvKey::User(_) => None,
        };
        self.through.iter().chain(group)
    }

    /// The fence of `message_cleared` with `latest` (the server's `latest_deleted_mid`),
    /// given the highest mid known here: never above what is known (a mid the client never
    /// had cannot come back from a clear, and a bogus huge one must not fence off every
    /// message to come); everything known when the server did not say (`None`, or 0).
    pub fn fence_through(latest: Option<i64>, known: i64) -> i64 {
        match latest {
            Some(latest) if latest > 0 => latest.min(known),
            _ => known,
        }
    }

    /// Raises the fences by a clear of `scope` (a channel, or everything) up to `fence`,
    /// received at `at`; whether that is news. A clear below the fence (a server restored
    /// from a backup, its mids lower) moves the time on: what was made before it is gone.
    pub fn raise(&mut self, scope: Option<i64>, fence: i64, at: Option<i64>) -> bool {
        if let Some(gid) = scope
            && self.groups.len() >= FENCES_MAX
            && !self.groups.contains_key(&gid)
        {
            return false;
        }
        let slot = match scope {
            Some(gid) => self.groups.get_mut(&gid),
            None => self.through.as_mut(),
        };
        let Some(slot) = slot else {
            let new = Fence { mid: fence, at };
            match scope {
                Some(gid) => self.groups.insert(gid, new),
                None => self.through.replace(new),
            };
            return true;
        };
        let news = fence > slot.mid;
        if fence != slot.mid {
            slot.mid = slot.mid.max(fence);
            slot.at = match (slot.at, at) {
                (_, None) => None,
                (old, Some(now)) => Some(old.map_or(now, |o| o.max(now))),
            };
        }
        news
    }
}

/// What one clear took from the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClearedNow {
    /// The channel cleared, or `None` for every conversation.
    pub conv: Option<ConvKey>,
    /// How many loaded messages went (deleted ones not counted).
    pub messages: usize,
    /// Whether the fence moved (a clear seen again moves nothing).
    pub news: bool,
}

impl ChatModel {
    /// The highest mid known: the stream's cursor or a loaded message, whichever is higher.
    fn known_mid(&self, only: Option<ConvKey>) -> i64 {
        let loaded = self
            .convs
            .iter()
            .filter(|(k, _)| only.is_none_or(|o| o == **k))
            .filter_map(|(_, c)| c.messages.keys().next_back().copied())
            .max();
        self.after_mid.into_iter().chain(loaded).max().unwrap_or(0)
    }

    /// `message_cleared`: every message up to `latest` is gone (everything known when the
    /// server gave no mid).
    pub fn clear_through(&mut self, latest: Option<i64>) -> ClearedNow {
        self.clear_through_at(latest, None)
    }

    /// [`ChatModel::clear_through`] received at `at` (ms): records made after it pass.
    pub fn clear_through_at(&mut self, latest: Option<i64>, at: Option<i64>) -> ClearedNow {
        let fence = Cleared::fence_through(latest, self.known_mid(None));
        let at = self.clear_time(None, fence, at);
        let news = self.cleared.raise(None, fence, at);
        ClearedNow {
            conv: None,
            messages: self.drop_cleared(None, fence),
            news,
        }
    }

    /// `group_message_cleared`: channel `gid` is empty. Every record of it the stream has
    /// brought so far was there when it was cleared (the stream is in order), so the fence is
    /// the cursor, or its newest loaded message if that is higher.
    pub fn clear_group(&mut self, gid: i64) -> ClearedNow {
        self.clear_group_at(gid, None)
    }

    /// [`ChatModel::clear_group`] received at `at` (ms): records made after it pass.
    pub fn clear_group_at(&mut self, gid: i64, at: Option<i64>) -> ClearedNow {
        let key = ConvKey::Group(gid);
        if self.groups_known && !self.groups.contains_key(&gid) {
            // A channel you are not in: nothing of it is here, no fence to keep.
            return ClearedNow {
                conv: Some(key),
                messages: 0,
                news: false,
            };
        }
        let fence = self.known_mid(Some(key)).max(self.after_mid.unwrap_or(0));
        let at = self.clear_time(Some(key), fence, at);
        let news = self.cleared.raise(Some(gid), fence, at);
        ClearedNow {
            conv: Some(key),
            messages: self.drop_cleared(Some(key), fence),
            news,
        }
    }

    /// The time of a clear received at `at`: never before a message it takes was made (a
    /// clock behind the server's must not let a cleared message back in).
    fn clear_time(&self, only: Option<ConvKey>, fence: i64, at: Option<i64>) -> Option<i64> {
        let newest = self
            .convs
            .iter()
            .filter(|(k, _)| only.is_none_or(|o| o == **k))
            .flat_map(|(_, c)| c.messages.range(..=fence).map(|(_, m)| m.created_at))
            .max();
        at.map(|at| newest.map_or(at, |n| n.max(at)))
    }

    /// Drops what `fence` covers in `only` (or everywhere); how many messages went.
    fn drop_cleared(&mut self, only: Option<ConvKey>, fence: i64) -> usize {
        let me = self.me;
        let keys: Vec<ConvKey> = match only {
            Some(k) => vec![k],
            None => self.convs.keys().copied().collect(),
        };
        let mut gone = 0;
        for key in keys {
            let Some(conv) = self.convs.get_mut(&key) else {
                continue;
            };
            let kept = match fence.checked_add(1) {
                Some(above) => conv.messages.split_off(&above),
                None => std::collections::BTreeMap::new(),
            };
            let cleared = std::mem::replace(&mut conv.messages, kept);
            for (mid, m) in &cleared {
                self.mid_conv.remove(mid);
                if !m.deleted {
                    gone += 1;
                    if let Some(quoted) = m.reply_to {
                        super::unquote(&mut self.reply_counts, quoted);
                    }
                }
            }
            // Trimmed unread messages that still counted: some of them went.
            if conv.dropped.is_some_and(|d| fence >= d.lowest) {
                conv.dropped = None;
            }
            conv.gap = match conv.gap {
                Some((_, high)) if high <= fence => None,
                Some((low, high)) => Some((low.max(fence), high)),
                None => None,
            };
            if conv.history_cursor.is_some_and(|c| c <= fence) {
                conv.history_cursor = None;
            }
            // An unsent reply to a cleared message goes as a plain message.
            for p in &mut conv.pending {
                if p.reply_to.is_some_and(|q| q <= fence) {
                    p.reply_to = None;
                }
            }
            conv.recount(me);
        }
        let cleared = &self.cleared;
        // Reactions waiting for a cleared message, and changes queued for one.
        let mut orphans = 0;
        self.orphan_reactions.retain(|target, waiting| {
            waiting.retain(|r| !cleared.covers(super::conv_of(me, r), *target));
            orphans += waiting.len();
            !waiting.is_empty()
        });
        self.orphans = orphans;
        self.changes.retain(|c| !cleared.covers(c.key, c.mid));
        self.order.mark_stale();
        gone
    }
}
