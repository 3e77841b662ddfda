//! Folding the directory: the users log (joins, edits, deletions), your settings snapshot and
//! its changes (mutes, read markers, burn-after-reading, pins), and read indexes.

use super::{ChatModel, ConvKey, Mute};
use crate::protocol::types::*;

impl ChatModel {
    pub(super) fn apply_user_log(&mut self, log: UserUpdateLog) {
        if self.users_version.is_some_and(|v| log.log_id <= v) {
            return; // already in the snapshot or applied before
        }
        self.users_version = Some(log.log_id);
        match log.action {
            UserLogAction::Create => {
                self.users.insert(
                    log.uid,
                    UserInfo {
                        uid: log.uid,
                        email: log.email,
                        name: log.name.unwrap_or_default(),
                        gender: log.gender.unwrap_or_default(),
                        language: log.language.unwrap_or_default(),
                        is_admin: log.is_admin.unwrap_or_default(),
                        is_bot: log.is_bot.unwrap_or_default(),
                        avatar_updated_at: log.avatar_updated_at.unwrap_or_default(),
                        create_by: String::new(),
                    },
                );
            }
            UserLogAction::Update => {
                let u = self.users.entry(log.uid).or_insert_with(|| UserInfo {
                    uid: log.uid,
                    ..UserInfo::default()
                });
                if let Some(v) = log.email {
                    u.email = Some(v);
                }
                if let Some(v) = log.name {
                    u.name = v;
                }
                if let Some(v) = log.gender {
                    u.gender = v;
                }
                if let Some(v) = log.language {
                    u.language = v;
                }
                if let Some(v) = log.is_admin {
                    u.is_admin = v;
                }
                if let Some(v) = log.is_bot {
                    u.is_bot = v;
                }
                if let Some(v) = log.avatar_updated_at {
                    u.avatar_updated_at = v;
                }
            }
            UserLogAction::Delete => {
                self.users.remove(&log.uid);
                self.online.remove(&log.uid);
            }
            UserLogAction::Unknown => {}
        }
    }

    pub(super) fn apply_settings(&mut self, s: UserSettings) {
        self.set_pins(s.pinned_chats);
        self.mutes.clear();
        for m in s.mute_users {
            self.mutes.insert(
                ConvKey::User(m.uid),
                Mute {
                    until: m.expired_at,
                },
            );
        }
        for m in s.mute_groups {
            self.mutes.insert(
                ConvKey::Group(m.gid),
                Mute {
                    until: m.expired_at,
                },
            );
        }
        self.burn.clear();
        for b in s
            .burn_after_reading_users
            .iter()
            .filter(|b| b.expires_in > 0)
        {
            self.burn.insert(ConvKey::User(b.uid), b.expires_in);
        }
        for b in s
            .burn_after_reading_groups
            .iter()
            .filter(|b| b.expires_in > 0)
        {
            self.burn.insert(ConvKey::Group(b.gid), b.expires_in);
        }
        self.apply_read_indexes(&s.read_index_users, &s.read_index_groups);
    }

    pub(super) fn apply_settings_change(&mut self, c: UserSettingsChanged) {
        self.change_pins(&c.add_pin_chats, &c.remove_pin_chats);
        for m in c.add_mute_users {
            self.mutes.insert(
                ConvKey::User(m.uid),
                Mute {
                    until: m.expired_at,
                },
            );
        }
        for m in c.add_mute_groups {
            self.mutes.insert(
                ConvKey::Group(m.gid),
                Mute {
                    until: m.expired_at,
                },
            );
        }
        for uid in c.remove_mute_users {
            self.mutes.remove(&ConvKey::User(uid));
        }
        for gid in c.remove_mute_groups {
            self.mutes.remove(&ConvKey::Group(gid));
        }
        let burns = c
            .burn_after_reading_users
            .iter()
            .map(|b| (ConvKey::User(b.uid), b.expires_in))
            .chain(
                c.burn_after_reading_groups
                    .iter()
                    .map(|b| (ConvKey::Group(b.gid), b.expires_in)),
            );
        for (key, secs) in burns {
            if secs > 0 {
                self.burn.insert(key, secs);
            } else {
                self.burn.remove(&key);
            }
        }
        self.apply_read_indexes(&c.read_index_users, &c.read_index_groups);
    }

    pub(super) fn apply_read_indexes(
        &mut self,
        users: &[UserReadIndex],
        groups: &[GroupReadIndex],
    ) {
        let pairs = users
            .iter()
            .map(|r| (ConvKey::User(r.uid), r.mid))
            .chain(groups.iter().map(|r| (ConvKey::Group(r.gid), r.mid)));
        for (key, mid) in pairs {
            if let ConvKey::Group(gid) = key
                && self.groups_known
                && !self.groups.contains_key(&gid)
            {
                continue; // a group you have left can linger in the settings
            }
            self.set_read_index(key, mid);
        }
    }

    /// Moves a read marker forward (never back) and recounts. Returns true if it moved.
    pub fn set_read_index(&mut self, key: ConvKey, mid: i64) -> bool {
        let me = self.me;
        let conv = self.conv_mut(key);
        if mid <= conv.read_index {
            return false;
        }
        conv.read_index = mid;
        conv.recount(me);
        true
    }
}
