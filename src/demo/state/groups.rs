//! Channels: who sees which, creation (with the read-only-field rule of 0.3.3), members
//! added, removed and leaving, renames and pins, each with the events it sends.

use super::{Outcome, Refusal, State};
use crate::protocol::ServerEvent;
use crate::protocol::event::GroupChange;
use crate::protocol::requests::{GROUP_READ_ONLY_FIELDS, NewGroup};
use crate::protocol::types::{Group, MessageDetail, PinnedMessage, ReactionDetail};
use serde_json::Value;

impl State {
    pub(super) fn audience(&self, g: &Group) -> Vec<i64> {
        if g.is_public {
            self.users.keys().copied().collect()
        } else {
            g.members.clone()
        }
    }

    pub fn visible_groups(&self, uid: i64) -> Vec<Group> {
        self.groups
            .values()
            .filter(|g| g.is_public || g.members.contains(&uid))
            .cloned()
            .collect()
    }

    /// `body` is the create body as sent: its read-only keys are refused first (as 0.3.3
    /// does), then it is read as a [`NewGroup`].
    pub fn create_group(&mut self, uid: i64, body: Value) -> Outcome<(i64, i64)> {
        let obj = body.as_object().ok_or(Refusal::Text(
            400,
            "parse request payload error: expect object".into(),
        ))?;
        for ro in GROUP_READ_ONLY_FIELDS {
            if obj.contains_key(ro) {
                return Err(Refusal::Text(
                    400,
                    format!(
                        "parse request payload error: failed to parse \"Group\": properties `{ro}` is read only."
                    ),
                ));
            }
        }
        let NewGroup {
            name,
            description,
            mut members,
            is_public,
        } = serde_json::from_value(body)
            .map_err(|e| Refusal::Text(400, format!("parse request payload error: {e}")))?;
        let is_admin = self.users.get(&uid).is_some_and(|u| u.info.is_admin);
        if is_public && !is_admin {
            return Err(Refusal::Empty(403));
        }
        if is_public && !members.is_empty() {
            return Err(Refusal::Empty(400));
        }
        if members.iter().any(|m| !self.users.contains_key(m)) {
            return Err(Refusal::Empty(400));
        }
        if !is_public && !members.contains(&uid) {
            members.push(uid);
        }
        members.sort_unstable();
        members.dedup();
        let description = description.filter(|d| !d.is_empty());
        Ok(self.insert_group(
            &name,
            description,
            if is_public { None } else { Some(uid) },
            members,
            is_public,
        ))
    }

    /// Creates a group and tells its audience. Returns (gid, created_at).
    pub fn insert_group(
        &mut self,
        name: &str,
        description: Option<String>,
        owner: Option<i64>,
        members: Vec<i64>,
        is_public: bool,
    ) -> (i64, i64) {
        let gid = self.next_gid;
        self.next_gid += 1;
        let now = crate::clock::now_ms();
        let group = Group {
            gid,
            owner,
            name: name.to_string(),
            description,
            members: if is_public { vec![] } else { members },
            is_public,
            avatar_updated_at: 0,
            pinned_messages: vec![],
            flags: Default::default(),
        };
        let audience = self.audience(&group);
        self.groups.insert(gid, group.clone());
        self.send_event_to(audience, &ServerEvent::JoinedGroup { group });
        (gid, now)
    }

    pub fn add_members(&mut self, uid: i64, gid: i64, new: &[i64]) -> Outcome<()> {
        let is_admin = self.users.get(&uid).is_some_and(|u| u.info.is_admin);
        let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
        if g.is_public || (!g.members.contains(&uid) && !is_admin) {
            return Err(Refusal::Empty(403));
        }
        if new
            .iter()
            .any(|m| !self.users.contains_key(m) || g.members.contains(m))
        {
            return Err(Refusal::Empty(400));
        }
        let previous = g.members.clone();
        let g = self.groups.get_mut(&gid).ok_or(Refusal::Empty(404))?;
        g.members.extend_from_slice(new);
        g.members.sort_unstable();
        g.members.dedup();
        let group = g.clone();
        self.send_event_to(new.to_vec(), &ServerEvent::JoinedGroup { group });
        self.send_event_to(
            previous,
            &ServerEvent::UserJoinedGroup {
                gid,
                uid: new.to_vec(),
            },
        );
        Ok(())
    }

    pub fn remove_members(&mut self, uid: i64, gid: i64, gone: &[i64]) -> Outcome<()> {
        let is_admin = self.users.get(&uid).is_some_and(|u| u.info.is_admin);
        let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
        if g.is_public
            || (g.owner != Some(uid) && !is_admin)
            || gone.iter().any(|m| Some(*m) == g.owner)
        {
            return Err(Refusal::Empty(403));
        }
        if gone.iter().any(|m| !g.members.contains(m)) {
            return Err(Refusal::Empty(404));
        }
        let g = self.groups.get_mut(&gid).ok_or(Refusal::Empty(404))?;
        g.members.retain(|m| !gone.contains(m));
        let remaining = g.members.clone();
        self.send_event_to(
            gone.to_vec(),
            &ServerEvent::KickFromGroup {
                gid,
                reason: "kick".into(),
            },
        );
        self.send_event_to(
            remaining,
            &ServerEvent::UserLeavedGroup {
                gid,
                uid: gone.to_vec(),
            },
        );
        Ok(())
    }

    pub fn leave_group(&mut self, uid: i64, gid: i64) -> Outcome<()> {
        let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
        if g.is_public || !g.members.contains(&uid) || g.owner == Some(uid) {
            return Err(Refusal::Empty(403));
        }
        let everyone = g.members.clone();
        self.groups
            .get_mut(&gid)
            .ok_or(Refusal::Empty(404))?
            .members
            .retain(|m| *m != uid);
        self.send_event_to(
            everyone,
            &ServerEvent::UserLeavedGroup {
                gid,
                uid: vec![uid],
            },
        );
        Ok(())
    }

    pub fn rename_group(&mut self, gid: i64, name: &str) {
        if let Some(g) = self.groups.get_mut(&gid) {
            g.name = name.to_string();
            let audience = self.audience(&self.groups[&gid]);
            self.send_event_to(
                audience,
                &ServerEvent::GroupChanged(GroupChange {
                    gid,
                    name: Some(name.to_string()),
                    description: None,
                    owner: None,
                    avatar_updated_at: None,
                    is_public: None,
                    flags: Default::default(),
                }),
            );
        }
    }

    /// `POST /group/{gid}/pin|unpin` as 0.3.3 answers it: 404 for an unknown channel; 403
    /// unless an admin (public channel) or its owner or an admin (private); then 409 for a
    /// pin already there or 404 for an unpin of one that is not, and 404 for a pin of a
    /// message that does not exist. A pin holds the message's current (edited) content and
    /// the pin's time and pinner; the list stays in pin order. Every member (public: every
    /// user), the pinner's own devices too, gets `pinned_message_updated`.
    pub fn pin(&mut self, uid: i64, gid: i64, mid: i64, pin: bool) -> Outcome<()> {
        let is_admin = self.users.get(&uid).is_some_and(|u| u.info.is_admin);
        let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
        let allowed = is_admin || (!g.is_public && g.owner == Some(uid));
        if !allowed {
            return Err(Refusal::Empty(403));
        }
        let at = g.pinned_messages.iter().position(|p| p.mid == mid);
        let update = match (pin, at) {
            (true, Some(_)) => return Err(Refusal::Empty(409)),
            (false, None) => return Err(Refusal::Empty(404)),
            (true, None) => {
                let (content_type, content, properties) =
                    self.current_content(mid).ok_or(Refusal::Empty(404))?;
                let p = PinnedMessage {
                    mid,
                    created_by: uid,
                    created_at: crate::clock::now_ms(),
                    properties,
                    content_type,
                    content,
                };
                let list = &mut self
                    .groups
                    .get_mut(&gid)
                    .ok_or(Refusal::Empty(404))?
                    .pinned_messages;
                list.push(p.clone());
                list.sort_by_key(|p| p.created_at);
                Some(p)
            }
            (false, Some(i)) => {
                self.groups
                    .get_mut(&gid)
                    .ok_or(Refusal::Empty(404))?
                    .pinned_messages
                    .remove(i);
                None
            }
        };
        let audience = self.audience(&self.groups[&gid]);
        self.send_event_to(
            audience,
            &ServerEvent::PinnedMessageUpdated {
                gid,
                mid,
                msg: update,
            },
        );
        Ok(())
    }

    /// The content type, content and properties of text, markdown or file message `mid` as
    /// it reads now (its newest edit), as 0.3.3's merged message holds it; `None` for a
    /// message that does not exist or is a reaction.
    fn current_content(&self, mid: i64) -> Option<(String, String, Option<Value>)> {
        let msg = &self.log[*self.by_mid.get(&mid)?].msg;
        let (MessageDetail::Normal {
            content_type,
            content,
            properties,
            ..
        }
        | MessageDetail::Reply {
            content_type,
            content,
            properties,
            ..
        }) = &msg.detail
        else {
            return None;
        };
        let mut now = (content_type.clone(), content.clone(), properties.clone());
        for entry in &self.log[*self.by_mid.get(&mid)?..] {
            if let MessageDetail::Reaction {
                mid: target,
                detail:
                    ReactionDetail::Edit {
                        content_type,
                        content,
                        properties,
                    },
            } = &entry.msg.detail
                && *target == mid
            {
                now = (content_type.clone(), content.clone(), properties.clone());
            }
        }
        Some(now)
    }

    /// A restart of 0.3.3: its loader never reads the pins back (protocol pitfall 20), so
    /// every channel comes back with none, although they were never unpinned.
    pub fn forget_pins(&mut self) {
        for g in self.groups.values_mut() {
            g.pinned_messages.clear();
        }
    }
}
