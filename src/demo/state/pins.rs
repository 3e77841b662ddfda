//! What the newer profile keeps per user and per channel for pinned chats, remarks and
//! announcements (`vocechat-newer-servers.md` §4, §6, §7), and the events each change sends:
//! a pin to the user's other devices as `user_settings_changed`, a remark to all of the
//! user's devices as `user_remark` (the web client waits for it), an announcement to the
//! channel's audience as `group_announcement_changed`. With `on` false (0.3.3) the settings
//! snapshot has no `pinned_chats` and the stream no remarks.

use super::{Outcome, Refusal, State};
use crate::protocol::ServerEvent;
use crate::protocol::newer::GroupAnnouncement;
use crate::protocol::personal::ANNOUNCEMENT_MAX_CHARS;
use crate::protocol::settings::{PinChat, UserSettingsChanged};
use crate::protocol::types::Target;
use std::collections::{BTreeMap, HashMap};

/// Pinned chats, remarks and announcements (the newer profile only).
#[derive(Debug, Clone, Default)]
pub struct Personal {
    /// The newer profile: the snapshot carries pins and the stream remarks.
    pub on: bool,
    /// uid → their pinned chats, newest first.
    pins: HashMap<i64, Vec<PinChat>>,
    /// uid → (contact uid → remark).
    remarks: HashMap<i64, BTreeMap<i64, String>>,
    /// gid → its announcement.
    announcements: BTreeMap<i64, GroupAnnouncement>,
}

impl State {
    /// `pinned_chats` of `uid`'s settings snapshot: absent on 0.3.3.
    pub fn pins_of(&self, uid: i64) -> Option<Vec<PinChat>> {
        self.personal
            .on
            .then(|| self.personal.pins.get(&uid).cloned().unwrap_or_default())
    }

    /// `uid`'s remarks, as the events the stream's initial batch carries.
    pub fn remark_events(&self, uid: i64) -> Vec<ServerEvent> {
        if !self.personal.on {
            return vec![];
        }
        self.personal
            .remarks
            .get(&uid)
            .into_iter()
            .flatten()
            .map(|(contact, remark)| ServerEvent::UserRemark {
                contact_uid: *contact,
                remark: remark.clone(),
            })
            .collect()
    }

    fn target_exists(&self, uid: i64, target: Target) -> bool {
        match target {
            Target::User { uid: other } => other != uid && self.users.contains_key(&other),
            Target::Group { gid } => self
                .groups
                .get(&gid)
                .is_some_and(|g| g.is_public || g.members.contains(&uid)),
        }
    }

    /// `POST /user/pin_chat` (`pin`) or `/user/unpin_chat`.
    pub fn pin_chat(&mut self, uid: i64, device: &str, target: Target, pin: bool) -> Outcome<()> {
        if !self.target_exists(uid, target) {
            return Err(Refusal::Empty(404));
        }
        let now = crate::clock::now_ms();
        let list = self.personal.pins.entry(uid).or_default();
        let had = list.iter().any(|p| p.target == target);
        list.retain(|p| p.target != target);
        let mut change = UserSettingsChanged {
            from_device: device.to_string(),
            ..Default::default()
        };
        if pin {
            let p = PinChat {
                target,
                updated_at: now,
            };
            list.insert(0, p);
            change.add_pin_chats.push(p);
        } else if had {
            change.remove_pin_chats.push(target);
        } else {
            return Ok(());
        }
        self.settings_changed(uid, change);
        Ok(())
    }

    /// `PUT /user/contact_remark`: an empty remark clears it.
    pub fn set_remark(&mut self, uid: i64, contact: i64, remark: &str) -> Outcome<()> {
        if contact == uid || !self.users.contains_key(&contact) {
            return Err(Refusal::Empty(400));
        }
        let remarks = self.personal.remarks.entry(uid).or_default();
        if remark.is_empty() {
            remarks.remove(&contact);
        } else {
            remarks.insert(contact, remark.to_string());
        }
        self.send_event_to(
            [uid],
            &ServerEvent::UserRemark {
                contact_uid: contact,
                remark: remark.to_string(),
            },
        );
        Ok(())
    }

    /// Who sees channel `gid` (everyone for a public one), if `uid` may see it.
    fn seen_by(&self, uid: i64, gid: i64) -> Outcome<Vec<i64>> {
        let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
        if !g.is_public && !g.members.contains(&uid) {
            return Err(Refusal::Empty(403));
        }
        Ok(self.audience(g))
    }

    /// `GET /group/{gid}/announcement`.
    pub fn announcement(&self, uid: i64, gid: i64) -> Outcome<Option<GroupAnnouncement>> {
        self.seen_by(uid, gid)?;
        Ok(self.personal.announcements.get(&gid).cloned())
    }

    /// `POST /group/{gid}/announcement` (`Some`) or `DELETE` (`None`): the owner and admins.
    pub fn set_announcement(
        &mut self,
        uid: i64,
        gid: i64,
        content: Option<&str>,
    ) -> Outcome<Option<GroupAnnouncement>> {
        let audience = self.seen_by(uid, gid)?;
        let is_admin = self.users.get(&uid).is_some_and(|u| u.info.is_admin);
        let owner = self.groups.get(&gid).and_then(|g| g.owner);
        if !is_admin && owner != Some(uid) {
            return Err(Refusal::Text(403, "forbidden".into()));
        }
        let now = crate::clock::now_ms();
        let announcement = match content.map(str::trim) {
            Some(c) if c.is_empty() || c.chars().count() > ANNOUNCEMENT_MAX_CHARS => {
                return Err(Refusal::Empty(400));
            }
            Some(c) => {
                let created_at = self
                    .personal
                    .announcements
                    .get(&gid)
                    .map_or(now, |a| a.created_at);
                let a = GroupAnnouncement {
                    gid,
                    content: c.to_string(),
                    created_by: uid,
                    created_at,
                    updated_at: now,
                };
                self.personal.announcements.insert(gid, a.clone());
                Some(a)
            }
            None => {
                self.personal.announcements.remove(&gid);
                None
            }
        };
        self.send_event_to(
            audience,
            &ServerEvent::GroupAnnouncementChanged {
                gid,
                announcement: announcement.clone(),
            },
        );
        Ok(announcement)
    }
}

impl State {
    /// The `--demo-newer` world: its first public channel has an announcement, so the line
    /// over its timeline and `Alt+N` can be tried.
    pub fn seed_announcement(&mut self) {
        let Some(g) = self.groups.values().find(|g| g.is_public) else {
            return;
        };
        let gid = g.gid;
        let by = g
            .owner
            .or_else(|| {
                self.users
                    .values()
                    .find(|u| u.info.is_admin)
                    .map(|u| u.info.uid)
            })
            .unwrap_or(1);
        let now = crate::clock::now_ms();
        self.personal.announcements.insert(
            gid,
            GroupAnnouncement {
                gid,
                content: "**Welcome to the demo!** Be kind, keep threads on topic.\n\n\
                          - `/pin` pins a chat for all your devices\n\
                          - `/remark @name text` gives someone your own name for them"
                    .into(),
                created_by: by,
                created_at: now,
                updated_at: now,
            },
        );
    }
}
