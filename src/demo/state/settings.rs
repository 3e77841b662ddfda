//! Per-user settings: the `user_settings` snapshot, read indexes, mutes and
//! burn-after-reading, each mirrored to the user's other devices as `user_settings_changed`.

use super::{Frame, Outcome, Refusal, State};
use crate::protocol::ServerEvent;
use crate::protocol::requests::MuteRequest;
use crate::protocol::types::{
    GroupBurn, GroupMute, GroupReadIndex, UserBurn, UserMute, UserReadIndex, UserSettings,
    UserSettingsChanged,
};

impl State {
    pub fn settings_snapshot(&self, uid: i64) -> UserSettings {
        let now = crate::clock::now_ms();
        let Some(s) = self.settings.get(&uid) else {
            return UserSettings::default();
        };
        let live = |e: &Option<i64>| e.is_none_or(|t| t > now);
        UserSettings {
            mute_users: s
                .mute_users
                .iter()
                .filter(|(_, e)| live(e))
                .map(|(uid, e)| UserMute {
                    uid: *uid,
                    expired_at: *e,
                })
                .collect(),
            mute_groups: s
                .mute_groups
                .iter()
                .filter(|(_, e)| live(e))
                .map(|(gid, e)| GroupMute {
                    gid: *gid,
                    expired_at: *e,
                })
                .collect(),
            read_index_users: s
                .read_users
                .iter()
                .map(|(uid, mid)| UserReadIndex {
                    uid: *uid,
                    mid: *mid,
                })
                .collect(),
            read_index_groups: s
                .read_groups
                .iter()
                .map(|(gid, mid)| GroupReadIndex {
                    gid: *gid,
                    mid: *mid,
                })
                .collect(),
            burn_after_reading_users: s
                .burn_users
                .iter()
                .map(|(uid, e)| UserBurn {
                    uid: *uid,
                    expires_in: *e,
                })
                .collect(),
            burn_after_reading_groups: s
                .burn_groups
                .iter()
                .map(|(gid, e)| GroupBurn {
                    gid: *gid,
                    expires_in: *e,
                })
                .collect(),
            pinned_chats: None,
        }
    }

    fn check_ids(&self, uid: i64, users: &[i64], groups: &[i64]) -> Outcome<()> {
        if users
            .iter()
            .any(|u| *u == uid || !self.users.contains_key(u))
            || groups.iter().any(|g| !self.groups.contains_key(g))
        {
            return Err(Refusal::Empty(400));
        }
        Ok(())
    }

    /// Sends a settings delta to the user's devices other than `from_device`.
    pub(super) fn settings_changed(&self, uid: i64, change: UserSettingsChanged) {
        let json = super::event_json(&ServerEvent::UserSettingsChanged(change.clone()));
        for ((u, device), conn) in &self.conns {
            if *u == uid && *device != change.from_device {
                let _ = conn.tx.send(Frame::Event(json.clone()));
            }
        }
    }

    pub fn read_index(
        &mut self,
        uid: i64,
        device: &str,
        users: Vec<UserReadIndex>,
        groups: Vec<GroupReadIndex>,
    ) -> Outcome<()> {
        self.check_ids(
            uid,
            &users.iter().map(|r| r.uid).collect::<Vec<_>>(),
            &groups.iter().map(|r| r.gid).collect::<Vec<_>>(),
        )?;
        let s = self.settings.entry(uid).or_default();
        let mut change = UserSettingsChanged {
            from_device: device.to_string(),
            ..Default::default()
        };
        for r in users {
            let cur = s.read_users.entry(r.uid).or_insert(0);
            if r.mid > *cur {
                *cur = r.mid;
                change.read_index_users.push(r);
            }
        }
        for r in groups {
            let cur = s.read_groups.entry(r.gid).or_insert(0);
            if r.mid > *cur {
                *cur = r.mid;
                change.read_index_groups.push(r);
            }
        }
        if !change.read_index_users.is_empty() || !change.read_index_groups.is_empty() {
            self.settings_changed(uid, change);
        }
        Ok(())
    }

    pub fn mute(&mut self, uid: i64, device: &str, body: MuteRequest) -> Outcome<()> {
        let add_users: Vec<(i64, Option<i64>)> = body
            .add_users
            .iter()
            .map(|m| (m.uid, m.expired_in))
            .collect();
        let add_groups: Vec<(i64, Option<i64>)> = body
            .add_groups
            .iter()
            .map(|m| (m.gid, m.expired_in))
            .collect();
        let (remove_users, remove_groups) = (body.remove_users, body.remove_groups);
        let all_users: Vec<i64> = add_users
            .iter()
            .map(|p| p.0)
            .chain(remove_users.iter().copied())
            .collect();
        let all_groups: Vec<i64> = add_groups
            .iter()
            .map(|p| p.0)
            .chain(remove_groups.iter().copied())
            .collect();
        self.check_ids(uid, &all_users, &all_groups)?;
        let now = crate::clock::now_ms();
        let at = |secs: Option<i64>| secs.map(|s| now + s * 1000);
        let s = self.settings.entry(uid).or_default();
        let mut change = UserSettingsChanged {
            from_device: device.to_string(),
            ..Default::default()
        };
        for (u, e) in add_users {
            s.mute_users.insert(u, at(e));
            change.add_mute_users.push(UserMute {
                uid: u,
                expired_at: at(e),
            });
        }
        for (g, e) in add_groups {
            s.mute_groups.insert(g, at(e));
            change.add_mute_groups.push(GroupMute {
                gid: g,
                expired_at: at(e),
            });
        }
        for u in remove_users {
            s.mute_users.remove(&u);
            change.remove_mute_users.push(u);
        }
        for g in remove_groups {
            s.mute_groups.remove(&g);
            change.remove_mute_groups.push(g);
        }
        self.settings_changed(uid, change);
        Ok(())
    }

    pub fn burn(
        &mut self,
        uid: i64,
        device: &str,
        users: Vec<UserBurn>,
        groups: Vec<GroupBurn>,
    ) -> Outcome<()> {
        if users.iter().any(|b| b.expires_in < 0) || groups.iter().any(|b| b.expires_in < 0) {
            return Err(Refusal::Empty(400));
        }
        self.check_ids(
            uid,
            &users.iter().map(|b| b.uid).collect::<Vec<_>>(),
            &groups.iter().map(|b| b.gid).collect::<Vec<_>>(),
        )?;
        let s = self.settings.entry(uid).or_default();
        for b in &users {
            if b.expires_in == 0 {
                s.burn_users.remove(&b.uid);
            } else {
                s.burn_users.insert(b.uid, b.expires_in);
            }
        }
        for b in &groups {
            if b.expires_in == 0 {
                s.burn_groups.remove(&b.gid);
            } else {
                s.burn_groups.insert(b.gid, b.expires_in);
            }
        }
        let change = UserSettingsChanged {
            from_device: device.to_string(),
            burn_after_reading_users: users,
            burn_after_reading_groups: groups,
            ..Default::default()
        };
        self.settings_changed(uid, change);
        Ok(())
    }
}
