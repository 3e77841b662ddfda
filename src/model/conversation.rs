//! A conversation's keys and folded state: which conversation (`ConvKey`), where a record
//! came from (`Source`), its messages, read marker, counts and pending sends, and mutes.

use super::{Message, PendingMessage};
use crate::protocol::types::Target;
use std::collections::BTreeMap;

/// A conversation: a channel (group) or a DM with one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConvKey {
    Group(i64),
    User(i64),
}

impl ConvKey {
    /// The conversation a message target names (for a DM, the other person).
    pub fn of(target: crate::protocol::types::Target) -> ConvKey {
        match target {
            crate::protocol::types::Target::Group { gid } => ConvKey::Group(gid),
            crate::protocol::types::Target::User { uid } => ConvKey::User(uid),
        }
    }

    pub fn target(self) -> Target {
        match self {
            ConvKey::Group(gid) => Target::Group { gid },
            ConvKey::User(uid) => Target::User { uid },
        }
    }
}

/// Where a chat record came from: only the stream advances `after_mid` (a history page can
/// hold mids above the stream's cursor for one conversation while others are behind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Stream,
    History,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Conversation {
    pub messages: BTreeMap<i64, Message>,
    /// Everything up to and including this mid has been read.
    pub read_index: i64,
    pub unread: u32,
    pub mentions: u32,
    /// `created_at` of the newest message, for sorting by activity.
    pub last_activity: i64,
    /// History paging reached the first message.
    pub history_complete: bool,
    /// The smallest mid any history page brought (reactions and edits included): the next
    /// page is asked for before it, so a page of reaction records still moves paging on.
    pub history_cursor: Option<i64>,
    /// Records between these mids may be missing (a capped replay skipped them): history is
    /// paged from `high` down until it reaches `low`, and the timeline marks the hole.
    pub gap: Option<(i64, i64)>,
    pub pending: Vec<PendingMessage>,
    /// What trims let go of that still counts: unread messages no longer loaded.
    pub dropped: Option<Dropped>,
}

/// The unread messages (and mentions among them) that trims dropped from memory, so the
/// counts stay what they were: all of them have mids below `below`, the lowest is `lowest`.
/// They count while the read marker is below `lowest`; once it passes `below` they are
/// read. A marker between the two leaves the count a lower bound, as does a message read
/// back below `below` (it would be counted twice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dropped {
    pub below: i64,
    /// The lowest unread mid dropped (`i64::MAX` when none was unread).
    pub lowest: i64,
    pub unread: u32,
    pub mentions: u32,
    /// The counts were exact when the first of these trims ran (not an "at least" after a
    /// bounded start).
    pub exact: bool,
}

impl Conversation {
    /// Whether the unread count is only a lower bound: messages older than the oldest loaded
    /// one, or in a gap above the read marker, are unread too, perhaps (a bounded start loads
    /// the newest records only).
    pub fn unread_is_partial(&self) -> bool {
        let unread_in_gap = self
            .gap
            .is_some_and(|(_, high)| high > self.read_index.saturating_add(1));
        self.unread > 0
            && (unread_in_gap
                || !self.history_complete
                    && self
                        .oldest_mid()
                        .is_some_and(|oldest| oldest > self.read_index.saturating_add(1))
                    && !self.counted_dropped().is_some_and(|d| d.exact))
    }

    /// The dropped messages while they still count (the read marker is below all of them).
    fn counted_dropped(&self) -> Option<&Dropped> {
        self.dropped.as_ref().filter(|d| self.read_index < d.lowest)
    }

    pub fn oldest_mid(&self) -> Option<i64> {
        self.messages.keys().next().copied()
    }

    /// Where the next history page starts (exclusive): below every record seen so far.
    pub fn history_before(&self) -> Option<i64> {
        if let Some((_, high)) = self.gap {
            return Some(high);
        }
        match (self.history_cursor, self.oldest_mid()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Visible (not deleted) messages in mid order.
    pub fn visible(&self) -> impl DoubleEndedIterator<Item = &Message> {
        self.messages.values().filter(|m| !m.deleted)
    }

    pub(super) fn counts(&self, me: Option<i64>) -> (u32, u32) {
        let mut unread = 0u32;
        let mut mentions = 0u32;
        for m in self
            .messages
            .range((
                std::ops::Bound::Excluded(self.read_index),
                std::ops::Bound::Unbounded,
            ))
            .map(|(_, m)| m)
        {
            if m.deleted || Some(m.from_uid) == me {
                continue;
            }
            unread += 1;
            if m.concerns_me() {
                mentions += 1;
            }
        }
        if let Some(d) = self.counted_dropped() {
            unread = unread.saturating_add(d.unread);
            mentions = mentions.saturating_add(d.mentions);
        }
        (unread, mentions)
    }

    pub(super) fn recount(&mut self, me: Option<i64>) {
        (self.unread, self.mentions) = self.counts(me);
    }
}

/// A mute: `until` in ms since the epoch, `None` = forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mute {
    pub until: Option<i64>,
}

impl Mute {
    pub fn active(&self, now_ms: i64) -> bool {
        self.until.is_none_or(|u| u > now_ms)
    }
}
