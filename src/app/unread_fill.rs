//! Makes unread counts exact after a bounded start. A cold login (or a capped replay) loads
//! only the newest records of each conversation, so a count can be a lower bound (`3+`).
//! Once live, each such conversation gets one history page back toward its read marker, in
//! the background: at most [`FILL_LIMIT`] records each, the open conversation first, then
//! direct messages, then channels (newest activity first within each), never more than
//! [`IN_FLIGHT`] requests at a time. A count still short after its page stays `N+`.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the filler's queue and changes it only here; its pages come back as
//! `Msg::History`, which the timeline (`timeline.rs`) hands over to `answered` and
//! `pump_unread_fill`.

use super::{App, Effect, HISTORY_PAGE};
use crate::model::ConvKey;
use std::collections::{HashSet, VecDeque};

/// Records asked for per conversation (one page).
pub const FILL_LIMIT: u32 = 100;
/// Background requests at a time.
pub const IN_FLIGHT: usize = 2;

const _: () = assert!(FILL_LIMIT <= HISTORY_PAGE);

/// Which conversations wait for their page, and which pages are on their way.
#[derive(Debug, Default)]
pub struct UnreadFill {
    queue: VecDeque<ConvKey>,
    /// What `queue` holds, to ask in constant time (thousands of channels).
    queued: HashSet<ConvKey>,
    in_flight: HashSet<ConvKey>,
    /// Conversations that had their page (or are having it): never asked twice a session.
    asked: HashSet<ConvKey>,
}

impl UnreadFill {
    /// A page for `key` came back (or failed: then a later `ready` may ask again); whether
    /// it was this filler's (nobody waits on it: a failure is no news for the user).
    pub fn answered(&mut self, key: ConvKey, ok: bool) -> bool {
        let ours = self.in_flight.remove(&key);
        if ours && !ok {
            self.asked.remove(&key);
        }
        ours
    }
}

impl App {
    /// The stream is live: queue every conversation whose count is a lower bound, then start
    /// the first requests.
    pub(super) fn fill_unread(&mut self) -> Vec<Effect> {
        let open = self.timeline.open;
        let fill = &mut self.unread_fill;
        let mut wanted: Vec<(ConvKey, &crate::model::Conversation)> = self
            .chat
            .convs
            .iter()
            .filter(|(k, c)| {
                c.unread_is_partial() && !fill.asked.contains(k) && !fill.queued.contains(k)
            })
            .map(|(k, c)| (*k, c))
            .collect();
        // The open one, then people, then channels; the newest activity first in each.
        wanted.sort_by_key(|(k, c)| {
            let rank = match k {
                _ if Some(*k) == open => 0,
                ConvKey::User(_) => 1,
                ConvKey::Group(_) => 2,
            };
            (rank, std::cmp::Reverse(c.last_activity))
        });
        for (key, _) in wanted {
            fill.queue.push_back(key);
            fill.queued.insert(key);
        }
        self.pump_unread_fill()
    }

    /// Starts queued requests while fewer than [`IN_FLIGHT`] are on their way. A
    /// conversation whose count became exact meanwhile (scrolled, read) is skipped; one whose
    /// history the timeline is already fetching waits for that answer.
    pub(super) fn pump_unread_fill(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        let mut waiting = VecDeque::new();
        while self.unread_fill.in_flight.len() < IN_FLIGHT {
            let Some(key) = self.unread_fill.queue.pop_front() else {
                break;
            };
            self.unread_fill.queued.remove(&key);
            let Some(conv) = self.chat.convs.get(&key) else {
                continue;
            };
            if !conv.unread_is_partial() {
                continue;
            }
            if self.timeline.history_pending(key) {
                self.unread_fill.queued.insert(key);
                waiting.push_back(key);
                continue;
            }
            let before = conv.history_before();
            if let Some(effect) = self.timeline.background_request(key, before, FILL_LIMIT) {
                self.unread_fill.asked.insert(key);
                self.unread_fill.in_flight.insert(key);
                effects.push(effect);
            }
        }
        waiting.append(&mut self.unread_fill.queue);
        self.unread_fill.queue = waiting;
        effects
    }
}
