//! Which chat events the supervisor forwards, and how they move the resume cursor.
//!
//! A new mid (above the cursor) is forwarded and becomes the cursor. A message already
//! forwarded (same mid and timestamp, remembered for the last [`RECENT`] messages) is dropped,
//! live or replayed. A mid at or below the cursor that was never seen is dropped while a
//! connection replays (a replay starts after the cursor, so that is old news), but on a live
//! connection it is new: the server's mids went backwards, as after a restore from a backup.
//! Then the cursor is lowered to it and the event is forwarded, instead of every later message
//! being dropped forever.

use crate::protocol::types::ChatMessage;
use std::collections::{HashSet, VecDeque};

/// How many forwarded messages are remembered for duplicate detection.
pub const RECENT: usize = 4096;

/// What to do with one chat event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Forward,
    Drop,
    /// Forward it, and warn: the mid went backwards from `cursor`.
    Backwards {
        cursor: i64,
    },
}

/// Remembers recently forwarded messages by (mid, created_at).
#[derive(Debug, Default)]
pub struct ChatGate {
    order: VecDeque<(i64, i64)>,
    seen: HashSet<(i64, i64)>,
}

impl ChatGate {
    /// Judges `msg` against `cursor` (the highest mid received), updating both. `live` is
    /// whether this connection already sent `ready`.
    pub fn judge(&mut self, cursor: &mut Option<i64>, msg: &ChatMessage, live: bool) -> Verdict {
        let key = (msg.mid, msg.created_at);
        if self.seen.contains(&key) {
            return Verdict::Drop;
        }
        let verdict = match *cursor {
            Some(c) if msg.mid <= c && !live => return Verdict::Drop,
            Some(c) if msg.mid <= c => Verdict::Backwards { cursor: c },
            _ => Verdict::Forward,
        };
        *cursor = Some(msg.mid);
        self.remember(key);
        verdict
    }

    fn remember(&mut self, key: (i64, i64)) {
        if self.order.len() == RECENT
            && let Some(old) = self.order.pop_front()
        {
            self.seen.remove(&old);
        }
        self.order.push_back(key);
        self.seen.insert(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::types::{MessageDetail, Target};

    fn msg(mid: i64, created_at: i64) -> ChatMessage {
        ChatMessage {
            mid,
            from_uid: 2,
            created_at,
            target: Target::Group { gid: 1 },
            detail: MessageDetail::Unknown,
        }
    }

    #[test]
    fn replays_drop_old_mids_and_live_streams_take_mids_that_went_backwards() {
        let mut gate = ChatGate::default();
        let mut cursor = Some(10);
        // Replay: at or below the cursor is old news.
        assert_eq!(gate.judge(&mut cursor, &msg(9, 1), false), Verdict::Drop);
        assert_eq!(
            gate.judge(&mut cursor, &msg(11, 1), false),
            Verdict::Forward
        );
        assert_eq!(cursor, Some(11));
        // The same message again, replayed or live: dropped.
        assert_eq!(gate.judge(&mut cursor, &msg(11, 1), false), Verdict::Drop);
        assert_eq!(gate.judge(&mut cursor, &msg(11, 1), true), Verdict::Drop);
        // Live, unseen, below the cursor: the server went backwards.
        assert_eq!(
            gate.judge(&mut cursor, &msg(4, 2), true),
            Verdict::Backwards { cursor: 11 }
        );
        assert_eq!(cursor, Some(4));
        assert_eq!(gate.judge(&mut cursor, &msg(5, 2), true), Verdict::Forward);
        // A reused mid with another timestamp is another message.
        assert_eq!(
            gate.judge(&mut cursor, &msg(5, 3), true),
            Verdict::Backwards { cursor: 5 }
        );
        assert_eq!(gate.judge(&mut cursor, &msg(5, 3), true), Verdict::Drop);
    }

    #[test]
    fn memory_is_bounded() {
        let mut gate = ChatGate::default();
        let mut cursor = None;
        for mid in 0..(RECENT as i64 * 3) {
            gate.judge(&mut cursor, &msg(mid, 0), true);
        }
        assert_eq!(gate.order.len(), RECENT);
        assert_eq!(gate.seen.len(), RECENT);
        // Forgotten, and below the cursor on a replay: still dropped.
        assert_eq!(gate.judge(&mut cursor, &msg(0, 0), false), Verdict::Drop);
    }
}
