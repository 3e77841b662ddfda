//! Clearing history (newer servers, reference §8) and bulk delete (§9) in the demo: an admin
//! clears every message (`message_cleared` to every stream), a channel's owner or an admin
//! clears the channel (`group_message_cleared` to its audience); cleared records are gone
//! from history pages, replays and every action on them. A bulk delete deletes each message
//! as a single delete does (one deletion record each), after checking all of them.

use super::{Outcome, Refusal, State};
use crate::protocol::ServerEvent;
use crate::protocol::types::{ChatMessage, Target};
use std::collections::BTreeMap;

/// How many mids one bulk delete takes at most (a bound on the path, not a server rule).
pub const BULK_MAX: usize = 500;

/// What was cleared: every record up to `through`, and each channel's up to its mid.
#[derive(Debug, Default)]
pub struct Cleared {
    through: Option<i64>,
    groups: BTreeMap<i64, i64>,
}

impl State {
    /// Whether record `m` was cleared.
    pub(super) fn is_cleared(&self, m: &ChatMessage) -> bool {
        let c = &self.cleared;
        c.through.is_some_and(|t| m.mid <= t)
            || matches!(m.target, Target::Group { gid }
                if c.groups.get(&gid).is_some_and(|f| m.mid <= *f))
    }

    /// `DELETE /admin/system/message/clear`: every message so far, for everybody.
    pub fn clear_all(&mut self, uid: i64) -> Outcome<()> {
        if !self.users.get(&uid).is_some_and(|u| u.info.is_admin) {
            return Err(Refusal::Empty(403));
        }
        let latest = self.last_mid();
        self.cleared.through = Some(latest);
        self.broadcast_all(&ServerEvent::MessageCleared {
            latest_deleted_mid: Some(latest),
        });
        Ok(())
    }

    /// `DELETE /group/{gid}/clear`: the channel's messages so far (its owner or an admin);
    /// the event goes to the streams of the one who cleared it too when `echo`.
    pub fn clear_group(&mut self, uid: i64, gid: i64, echo: bool) -> Outcome<()> {
        let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
        let is_admin = self.users.get(&uid).is_some_and(|u| u.info.is_admin);
        if g.owner != Some(uid) && !is_admin {
            return Err(Refusal::Empty(403));
        }
        let mut audience = self.audience(g);
        if !echo {
            audience.retain(|u| *u != uid);
        }
        let latest = self.last_mid();
        self.cleared.groups.insert(gid, latest);
        self.send_event_to(audience, &ServerEvent::GroupMessageCleared { gid });
        Ok(())
    }

    /// `DELETE /message/bulk/{mids}`: all of them, or none when one may not be deleted;
    /// how many were.
    pub fn delete_bulk(&mut self, uid: i64, mids: &[i64]) -> Outcome<usize> {
        if mids.is_empty() || mids.len() > BULK_MAX {
            return Err(Refusal::Empty(400));
        }
        let is_admin = self.users.get(&uid).is_some_and(|u| u.info.is_admin);
        for mid in mids {
            let (msg, _, _) = self.reaction_target(uid, *mid)?;
            if msg.from_uid != uid && !is_admin {
                return Err(Refusal::Empty(403));
            }
        }
        self.bulk_deletes += 1;
        let mut done = 0;
        for mid in mids {
            // A mid twice in the list is deleted once.
            if self.delete(uid, *mid).is_ok() {
                done += 1;
            }
        }
        Ok(done)
    }
}
