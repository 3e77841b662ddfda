//! What a newer server keeps for contacts and private invite links (the newer profile's
//! state, `vocechat-newer-servers.md` §5, §13), and the rules it enforces on sending:
//! `dm_enable`, blocks, contact verification and `only_owner_can_send_msg` (the exact
//! server rules are not visible; these are the plausible ones the reference describes).
//! In the 0.3.3 profile none of this can be set, so none of it refuses anything.

use super::{Outcome, Refusal, State};
use crate::protocol::ServerEvent;
use crate::protocol::contacts::{ContactAction, SearchType, UpdateContactStatus, UserSearch};
use crate::protocol::newer::{ContactEntry, ContactInfo};
use crate::protocol::settings::{ContactChange, UserSettingsChanged};
use crate::protocol::types::{Group, Target, UserInfo};
use std::collections::{BTreeMap, HashMap};

/// The text newer servers answer (with 403) when an administrator switched a thing off.
const DISABLED: &str = "disabled by the administrator";

/// A private channel's invite token: its channel, until when (ms) and how often it works.
#[derive(Debug, Clone)]
pub struct PrivateInvite {
    pub gid: i64,
    pub expires_at: i64,
    pub uses_left: i64,
}

/// Contacts and private invite tokens.
#[derive(Debug, Clone, Default)]
pub struct ContactBook {
    /// (owner, target) → the owner's status for the target.
    pub entries: BTreeMap<(i64, i64), ContactInfo>,
    /// token → what it invites to.
    pub invites: HashMap<String, PrivateInvite>,
}

impl State {
    fn admin(&self, uid: i64) -> bool {
        self.users.get(&uid).is_some_and(|u| u.info.is_admin)
    }

    fn contact_status(&self, owner: i64, target: i64) -> &str {
        self.newer
            .contacts
            .entries
            .get(&(owner, target))
            .map_or("", |c| c.status.as_str())
    }

    /// `GET /user/contacts`.
    pub fn contacts_of(&self, uid: i64) -> Vec<ContactEntry> {
        self.newer
            .contacts
            .entries
            .range((uid, i64::MIN)..=(uid, i64::MAX))
            .map(|((_, target), info)| ContactEntry {
                target_uid: *target,
                target_info: self.users.get(target).map(|u| u.info.clone()),
                contact_info: info.clone(),
            })
            .collect()
    }

    /// `POST /user/update_contact_status`: the status changes and your other devices hear
    /// of it (`user_settings_changed`).
    pub fn update_contact(
        &mut self,
        uid: i64,
        device: &str,
        body: UpdateContactStatus,
    ) -> Outcome<()> {
        let target = body.target_uid;
        if !self.users.contains_key(&target) {
            return Err(Refusal::Empty(404));
        }
        if target == uid {
            return Err(Refusal::Empty(400));
        }
        if body.action == ContactAction::Add
            && !self.newer.common.add_friend_enabled()
            && !self.admin(uid)
        {
            return Err(Refusal::Text(403, format!("add friend is {DISABLED}")));
        }
        let mut change = UserSettingsChanged {
            from_device: device.to_string(),
            ..Default::default()
        };
        let now = crate::clock::now_ms();
        match body.action.status_after() {
            "" => {
                self.newer.contacts.entries.remove(&(uid, target));
                change.remove_contacts.push(target);
            }
            status => {
                let info = self
                    .newer
                    .contacts
                    .entries
                    .entry((uid, target))
                    .or_insert_with(|| ContactInfo {
                        status: String::new(),
                        created_at: now,
                        updated_at: now,
                    });
                info.status = status.to_string();
                info.updated_at = now;
                change.add_contacts.push(ContactChange {
                    target_uid: target,
                    info: info.clone(),
                });
            }
        }
        self.settings_changed(uid, change);
        Ok(())
    }

    /// `POST /user/search`: one user or nobody.
    pub fn search_user(&self, uid: i64, body: &UserSearch) -> Outcome<Option<UserInfo>> {
        if !self.newer.common.search_user_enabled() && !self.admin(uid) {
            return Err(Refusal::Text(403, format!("search user is {DISABLED}")));
        }
        let key = body.keyword.trim();
        Ok(self
            .users
            .values()
            .map(|u| &u.info)
            .find(|u| match body.search_type {
                SearchType::Id => key.parse() == Ok(u.uid),
                SearchType::Email => u
                    .email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(key)),
                SearchType::Name => u.name.eq_ignore_ascii_case(key),
            })
            .cloned())
    }

    /// Whether the newer server lets `from` send to `target` (checked before 0.3.3's rules).
    pub fn newer_send_rule(&self, from: i64, target: Target) -> Outcome<()> {
        if self.admin(from) {
            return Ok(());
        }
        match target {
            Target::User { uid } if uid != from => {
                if !self.newer.common.dm_enabled() {
                    return Err(Refusal::Text(403, format!("direct message is {DISABLED}")));
                }
                if self.contact_status(uid, from) == "blocked"
                    || self.contact_status(from, uid) == "blocked"
                {
                    return Err(Refusal::Empty(403));
                }
                if self.newer.common.contact_verification()
                    && !self.admin(uid)
                    && self.contact_status(from, uid) != "added"
                {
                    return Err(Refusal::Empty(403));
                }
                Ok(())
            }
            Target::User { .. } => Ok(()),
            Target::Group { gid } => match self.groups.get(&gid) {
                Some(g) if g.flags.only_owner_can_send() && g.owner != Some(from) => {
                    Err(Refusal::Empty(403))
                }
                _ => Ok(()),
            },
        }
    }

    /// `PUT /group/{gid}` with channel flags (owner or admin): they apply, and the channel's
    /// audience hears of them (`group_changed` with the flags).
    pub fn set_group_flags(
        &mut self,
        uid: i64,
        gid: i64,
        flags: &crate::protocol::newer::GroupFlags,
    ) -> Outcome<()> {
        let admin = self.admin(uid);
        let g = self.groups.get_mut(&gid).ok_or(Refusal::Empty(404))?;
        if g.owner != Some(uid) && !admin {
            return Err(Refusal::Empty(403));
        }
        g.flags.merge(flags);
        let audience = self.audience(&self.groups[&gid]);
        self.send_event_to(
            audience,
            &ServerEvent::GroupChanged(crate::protocol::event::GroupChange {
                gid,
                name: None,
                description: None,
                owner: None,
                avatar_updated_at: None,
                is_public: None,
                flags: flags.clone(),
            }),
        );
        Ok(())
    }

    /// `GET /group/create_invite_private_magic_link`: a member of private channel `gid` gets
    /// a link (`base` is the server's address as the request named it).
    pub fn private_invite_link(
        &mut self,
        uid: i64,
        gid: i64,
        expired_in: i64,
        max_times: i64,
        base: &str,
    ) -> Outcome<String> {
        let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
        if g.is_public {
            return Err(Refusal::Empty(400));
        }
        if !g.members.contains(&uid) && !self.admin(uid) {
            return Err(Refusal::Empty(403));
        }
        let token = uuid::Uuid::new_v4().simple().to_string();
        self.newer.contacts.invites.insert(
            token.clone(),
            PrivateInvite {
                gid,
                expires_at: crate::clock::now_ms()
                    .saturating_add(expired_in.clamp(1, 31_536_000).saturating_mul(1000)),
                uses_left: max_times.max(1),
            },
        );
        Ok(format!("{base}/#/invite_private/{gid}?magic_token={token}"))
    }

    /// `POST /user/join_private`: 409 for an unknown, expired or used-up token, 412 when
    /// already a member; else the channel, announced as any join is.
    pub fn join_private(&mut self, uid: i64, token: &str) -> Outcome<Group> {
        let now = crate::clock::now_ms();
        let invite = match self.newer.contacts.invites.get(token) {
            Some(i) if i.expires_at > now && i.uses_left > 0 => i.clone(),
            _ => return Err(Refusal::Empty(409)),
        };
        let g = self.groups.get(&invite.gid).ok_or(Refusal::Empty(409))?;
        if g.members.contains(&uid) {
            return Err(Refusal::Empty(412));
        }
        let previous = g.members.clone();
        if let Some(i) = self.newer.contacts.invites.get_mut(token) {
            i.uses_left -= 1;
        }
        let g = self
            .groups
            .get_mut(&invite.gid)
            .ok_or(Refusal::Empty(409))?;
        g.members.push(uid);
        g.members.sort_unstable();
        let group = g.clone();
        self.send_event_to(
            [uid],
            &ServerEvent::JoinedGroup {
                group: group.clone(),
            },
        );
        self.send_event_to(
            previous,
            &ServerEvent::UserJoinedGroup {
                gid: invite.gid,
                uid: vec![uid],
            },
        );
        Ok(group)
    }
}
