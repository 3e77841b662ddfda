//! Live event streams: registering a device's stream with its whole initial batch (users,
//! presence, groups, settings, replay, `ready`), closing it, presence, and the fan-out of
//! events to users' open streams.

use super::{Conn, Frame, REPLAY_CAP, State};
use crate::protocol::ServerEvent;
use crate::protocol::types::{Target, UserPresence, UserUpdateLog};
use tokio::sync::mpsc;

impl State {
    /// Registers a stream for (uid, device), kicking an older one on the same device, and
    /// queues the whole initial batch on it. Runs under the state lock, so no live event can
    /// slip between the batch and the live tail. With `stale_loops` (0.3.3's same-device
    /// defect) the older stream gets its `kick` but is neither closed nor kept registered: its
    /// loop sees the registration go, ends, and clears whatever the device holds then.
    pub fn open_stream(
        &mut self,
        uid: i64,
        device: &str,
        after_mid: Option<i64>,
        users_version: Option<i64>,
        stale_loops: bool,
    ) -> (u64, mpsc::UnboundedReceiver<Frame>) {
        let key = (uid, device.to_string());
        self.last_after_mid = after_mid;
        if self.stream_after_mids.len() == 1000 {
            self.stream_after_mids.pop_front();
        }
        self.stream_after_mids.push_back(after_mid);
        if stale_loops {
            if let Some(old) = self.conns.remove(&key) {
                let kick = ServerEvent::Kick {
                    reason: "login_from_other_device".into(),
                };
                let _ = old.tx.send(Frame::Event(super::event_json(&kick)));
            }
        } else {
            self.kick(uid, device, "login_from_other_device");
        }
        let was_online = self.is_online(uid);
        let (tx, rx) = mpsc::unbounded_channel();
        self.next_conn += 1;
        let id = self.next_conn;
        let send = |ev: &ServerEvent| {
            let _ = tx.send(Frame::Event(super::event_json(ev)));
        };
        match users_version {
            None => send(&ServerEvent::UsersSnapshot {
                users: self.users.values().map(|u| u.info.clone()).collect(),
                version: self.users_version(),
            }),
            Some(v) => {
                let logs: Vec<UserUpdateLog> = self
                    .user_log
                    .iter()
                    .filter(|l| l.log_id > v)
                    .cloned()
                    .collect();
                if !logs.is_empty() {
                    send(&ServerEvent::UsersLog { logs });
                }
            }
        }
        send(&ServerEvent::UsersState {
            users: self
                .users
                .keys()
                .filter(|u| **u != uid)
                .map(|u| UserPresence {
                    uid: *u,
                    online: self.is_online(*u),
                })
                .collect(),
        });
        send(&ServerEvent::RelatedGroups {
            groups: self
                .groups
                .values()
                .filter(|g| g.is_public || g.members.contains(&uid))
                .cloned()
                .collect(),
        });
        send(&ServerEvent::UserSettings(self.settings_snapshot(uid)));
        for remark in self.remark_events(uid) {
            send(&remark);
        }
        let after = after_mid.unwrap_or(0);
        let inbox = self.inbox.get(&uid).map(Vec::as_slice).unwrap_or(&[]);
        let start = inbox.partition_point(|i| self.log[*i].msg.mid <= after);
        let pending = &inbox[start..];
        let pending = &pending[pending.len().saturating_sub(REPLAY_CAP)..];
        for i in pending {
            let msg = &self.log[*i].msg;
            if let Target::Group { gid } = msg.target
                && !self.groups.contains_key(&gid)
            {
                continue; // deleted groups are skipped; groups you left are not (as 0.3.3)
            }
            if self.is_cleared(msg) {
                continue; // cleared history is gone (newer servers)
            }
            send(&ServerEvent::Chat(msg.clone()));
        }
        send(&ServerEvent::Ready);
        self.conns.insert(key, Conn { id, tx });
        if !was_online {
            self.broadcast_except(uid, &ServerEvent::UsersStateChanged { uid, online: true });
        }
        (id, rx)
    }

    /// Called when a stream's loop ends; only removes the registration if it is still this
    /// one, unless `stale_loops`: then, as 0.3.3 does, it clears the device's registration
    /// whoever owns it (a newer stream on the device goes silent).
    pub fn close_stream(&mut self, uid: i64, device: &str, id: u64, stale_loops: bool) {
        let key = (uid, device.to_string());
        if self
            .conns
            .get(&key)
            .is_some_and(|c| stale_loops || c.id == id)
        {
            self.conns.remove(&key);
            if !self.is_online(uid) {
                self.broadcast_except(uid, &ServerEvent::UsersStateChanged { uid, online: false });
            }
        }
    }

    pub fn is_online(&self, uid: i64) -> bool {
        self.conns.keys().any(|(u, _)| *u == uid)
    }

    pub(super) fn send_to_user(&self, uid: i64, json: &str) {
        for ((u, _), conn) in &self.conns {
            if *u == uid {
                let _ = conn.tx.send(Frame::Event(json.to_string()));
            }
        }
    }

    pub(super) fn send_event_to(&self, uids: impl IntoIterator<Item = i64>, ev: &ServerEvent) {
        let json = super::event_json(ev);
        for uid in uids {
            self.send_to_user(uid, &json);
        }
    }

    pub(super) fn broadcast_all(&self, ev: &ServerEvent) {
        self.send_event_to(self.users.keys().copied().collect::<Vec<_>>(), ev);
    }

    fn broadcast_except(&self, except: i64, ev: &ServerEvent) {
        self.send_event_to(
            self.users
                .keys()
                .copied()
                .filter(|u| *u != except)
                .collect::<Vec<_>>(),
            ev,
        );
    }
}
