//! Contacts and the rules newer servers set on who may write to whom
//! (`vocechat-newer-servers.md` §5, §10, §2): your contacts' statuses (the list each connect
//! brings, and the `user_settings_changed` deltas), and from them and the server's switches
//! and channel flags: whom the switcher and completion offer, whether a direct message to a
//! person is offered, and why the composer of a conversation cannot post. Pure.

use super::{ChatModel, ConvKey};
use crate::protocol::newer::ContactEntry;
use crate::protocol::settings::ContactChange;
use std::collections::{BTreeMap, BTreeSet};

/// A contact's status with you (no entry: neither).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactStatus {
    Added,
    Blocked,
}

impl ContactStatus {
    /// The wire status (`added`, `blocked`; anything else is none).
    pub fn parse(status: &str) -> Option<ContactStatus> {
        match status {
            "added" => Some(ContactStatus::Added),
            "blocked" => Some(ContactStatus::Blocked),
            _ => None,
        }
    }
}

/// The channel rules on direct messages for every person at once ([`ChatModel::dm_gate`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DmGate {
    /// Nothing forbids them (you are an admin, or no channel you share forbids it).
    Open,
    /// Direct messages are switched off on the server.
    Closed,
    /// Some channels forbid messaging their members: a person is refused when a channel you
    /// share forbids it (every public one is shared) and none you share allows it.
    Channels {
        everyone_forbidden: bool,
        forbidden: BTreeSet<i64>,
        allowed: BTreeSet<i64>,
    },
}

impl DmGate {
    /// Whether a direct message to `uid` is offered ([`ChatModel::dm_offered`]).
    pub fn offers(&self, chat: &ChatModel, uid: i64) -> bool {
        if !chat.may_reach(uid) {
            return false;
        }
        match self {
            DmGate::Open => true,
            DmGate::Closed => false,
            DmGate::Channels {
                everyone_forbidden,
                forbidden,
                allowed,
            } => allowed.contains(&uid) || !(*everyone_forbidden || forbidden.contains(&uid)),
        }
    }
}

/// Your contacts as the server keeps them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contacts {
    /// The list arrived this session (until then nobody is filtered out).
    pub loaded: bool,
    statuses: BTreeMap<i64, ContactStatus>,
}

impl Contacts {
    pub fn status(&self, uid: i64) -> Option<ContactStatus> {
        self.statuses.get(&uid).copied()
    }

    /// Sets one status from its wire text (`""`: none).
    pub fn set(&mut self, uid: i64, status: &str) {
        match ContactStatus::parse(status) {
            Some(s) => {
                self.statuses.insert(uid, s);
            }
            None => {
                self.statuses.remove(&uid);
            }
        }
    }

    /// A `user_settings_changed` delta.
    pub fn apply_change(&mut self, add: &[ContactChange], remove: &[i64]) {
        for c in add {
            self.set(c.target_uid, &c.info.status);
        }
        for uid in remove {
            self.statuses.remove(uid);
        }
    }
}

impl ChatModel {
    /// `GET /user/contacts` answered: the statuses replace what was known, and people only
    /// that answer names (a newer server may not list everyone to non-admins) become known.
    pub fn load_contacts(&mut self, entries: Vec<ContactEntry>) {
        self.contacts.statuses.clear();
        self.contacts.loaded = true;
        for e in entries {
            self.contacts.set(e.target_uid, &e.contact_info.status);
            if let Some(info) = e.target_info.filter(|i| i.uid == e.target_uid) {
                self.users.entry(info.uid).or_insert(info);
            }
        }
        self.order.mark_stale();
    }

    fn is_admin(&self, uid: i64) -> bool {
        self.users.get(&uid).is_some_and(|u| u.is_admin)
    }

    fn me_admin(&self) -> bool {
        self.me.is_some_and(|me| self.is_admin(me))
    }

    /// Whether `uid` may be offered in pickers: with contact verification on, a non-admin
    /// sees only their added contacts and the admins (§5.3). Everyone until the list arrives.
    pub fn may_reach(&self, uid: i64) -> bool {
        if Some(uid) == self.me
            || !self.server.switches().contact_verification()
            || !self.contacts.loaded
            || self.me_admin()
        {
            return true;
        }
        self.contacts.status(uid) == Some(ContactStatus::Added) || self.is_admin(uid)
    }

    /// Whether a direct message to `uid` is offered: they may be reached, direct messages
    /// are on (`dm_enable`), and not every channel you share with them forbids messaging its
    /// members (`dm_to_member`). Admins are not held to the last two. For many people at
    /// once (the switcher), take [`ChatModel::dm_gate`] once and ask it.
    pub fn dm_offered(&self, uid: i64) -> bool {
        self.dm_gate().offers(self, uid)
    }

    /// The channel rules on direct messages, worked out once for asking about many people:
    /// nothing is scanned when no channel forbids messaging its members (every server
    /// without the newer flag), else every channel once, not once per person.
    pub fn dm_gate(&self) -> DmGate {
        if self.me_admin() {
            return DmGate::Open;
        }
        if !self.server.switches().dm_enabled() {
            return DmGate::Closed;
        }
        // A public channel is shared with everyone: one that allows it allows everyone.
        if self.groups.values().all(|g| g.flags.dm_to_member())
            || self
                .groups
                .values()
                .any(|g| g.is_public && g.flags.dm_to_member())
        {
            return DmGate::Open;
        }
        let mut everyone_forbidden = false;
        let mut forbidden = BTreeSet::new();
        let mut allowed = BTreeSet::new();
        for g in self.groups.values() {
            if g.is_public {
                // Forbidding (an allowing public channel returned above).
                everyone_forbidden = true;
            } else if self.me.is_some_and(|me| g.members.contains(&me)) {
                let set = if g.flags.dm_to_member() {
                    &mut allowed
                } else {
                    &mut forbidden
                };
                set.extend(g.members.iter().copied());
            }
        }
        DmGate::Channels {
            everyone_forbidden,
            forbidden,
            allowed,
        }
    }

    /// Why you cannot post in `key`, before you type: a channel only its owner (and admins)
    /// may post in, a person you blocked, direct messages switched off.
    pub fn post_refusal(&self, key: ConvKey) -> Option<String> {
        let me = self.me?;
        match key {
            ConvKey::Group(gid) => {
                let g = self.groups.get(&gid)?;
                (g.flags.only_owner_can_send() && g.owner != Some(me) && !self.me_admin())
                    .then(|| "only the channel's owner and admins can post here".to_string())
            }
            ConvKey::User(uid) if uid == me => None,
            ConvKey::User(uid) => {
                if self.contacts.status(uid) == Some(ContactStatus::Blocked) {
                    let name = crate::sanitize::one_line(&self.user_name(uid), 40);
                    return Some(format!("you blocked {name} (/contact unblock @{name})"));
                }
                (!self.server.switches().dm_enabled() && !self.me_admin())
                    .then(|| "direct messages are disabled on this server".to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::newer::SystemCommon;
    use crate::protocol::types::{Group, UserInfo};

    fn user(uid: i64, name: &str, admin: bool) -> UserInfo {
        UserInfo {
            uid,
            email: None,
            name: name.into(),
            gender: 0,
            language: String::new(),
            is_admin: admin,
            is_bot: false,
            avatar_updated_at: 0,
            create_by: String::new(),
        }
    }

    fn model() -> ChatModel {
        let mut m = ChatModel::new(2);
        for u in [
            user(1, "admin", true),
            user(2, "bob", false),
            user(3, "carol", false),
        ] {
            m.users.insert(u.uid, u);
        }
        m
    }

    fn verify(m: &mut ChatModel, on: bool) {
        m.server.learn_common(Some(SystemCommon {
            contact_verification_enable: Some(on),
            ..SystemCommon::default()
        }));
    }

    #[test]
    fn the_contacts_answer_fills_statuses_and_unknown_people() {
        // The shape of the reference's `contacts_answer` (the fixture itself is decoded in
        // tests/newer_contacts.rs).
        let text = serde_json::json!([
            {"target_uid": 2, "target_info": {"uid": 2, "name": "bob"},
             "contact_info": {"status": "added", "created_at": 1, "updated_at": 1}},
            {"target_uid": 4, "target_info": {"uid": 4, "name": "mallory"},
             "contact_info": {"status": "blocked", "created_at": 1, "updated_at": 2}}
        ]);
        let entries: Vec<ContactEntry> = serde_json::from_value(text).unwrap();
        let mut m = model();
        m.me = Some(3);
        m.load_contacts(entries);
        assert_eq!(m.contacts.status(2), Some(ContactStatus::Added));
        assert_eq!(m.contacts.status(4), Some(ContactStatus::Blocked));
        assert_eq!(m.user_name(4), "mallory");
        m.contacts.apply_change(&[], &[4]);
        assert_eq!(m.contacts.status(4), None);
    }

    #[test]
    fn with_contact_verification_non_admins_reach_contacts_and_admins_only() {
        let mut m = model();
        assert!(m.may_reach(3), "no switches: everyone");
        verify(&mut m, true);
        assert!(m.may_reach(3), "the list has not arrived yet");
        m.load_contacts(vec![]);
        assert!(!m.may_reach(3));
        assert!(!m.dm_offered(3));
        assert!(m.may_reach(1), "admins always");
        assert!(m.may_reach(2), "yourself");
        m.contacts.set(3, "added");
        assert!(m.may_reach(3));
        verify(&mut m, false);
        m.contacts.set(3, "");
        assert!(m.may_reach(3));
        // An admin sees everybody.
        m.me = Some(1);
        verify(&mut m, true);
        assert!(m.may_reach(3));
    }

    #[test]
    fn channel_rules_and_blocks_say_why_you_cannot_post() {
        let mut m = model();
        let mut g: Group = serde_json::from_value(serde_json::json!({
            "gid": 3, "owner": 1, "name": "news", "members": [1, 2, 3], "is_public": false,
            "only_owner_can_send_msg": true, "dm_to_member": false
        }))
        .unwrap();
        m.groups.insert(3, g.clone());
        assert!(
            m.post_refusal(ConvKey::Group(3))
                .unwrap()
                .contains("only the channel's owner")
        );
        assert!(!m.dm_offered(3), "the one shared channel forbids it");
        m.me = Some(1);
        assert_eq!(m.post_refusal(ConvKey::Group(3)), None, "the owner posts");
        m.me = Some(2);
        g.flags.only_owner_can_send_msg = Some(false);
        g.flags.dm_to_member = Some(true);
        m.groups.insert(3, g);
        assert_eq!(m.post_refusal(ConvKey::Group(3)), None);
        assert!(m.dm_offered(3));
        m.contacts.set(3, "blocked");
        assert!(
            m.post_refusal(ConvKey::User(3))
                .unwrap()
                .contains("/contact unblock @carol")
        );
        m.contacts.set(3, "");
        m.server.learn_common(Some(SystemCommon {
            dm_enable: Some(false),
            ..SystemCommon::default()
        }));
        assert!(
            m.post_refusal(ConvKey::User(3))
                .unwrap()
                .contains("direct messages are disabled")
        );
        assert!(!m.dm_offered(3));
    }

    /// The rule as it reads, person by person (what `dm_offered` scanned before the gate).
    fn offered_by_scan(m: &ChatModel, uid: i64) -> bool {
        if !m.may_reach(uid) {
            return false;
        }
        if m.me_admin() {
            return true;
        }
        if !m.server.switches().dm_enabled() {
            return false;
        }
        let shared: Vec<bool> = m
            .groups
            .values()
            .filter(|g| {
                g.is_public
                    || (g.members.contains(&uid) && m.me.is_some_and(|me| g.members.contains(&me)))
            })
            .map(|g| g.flags.dm_to_member())
            .collect();
        shared.is_empty() || shared.iter().any(|allowed| *allowed)
    }

    #[test]
    fn the_gate_taken_once_answers_as_the_rule_does_for_every_person() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut refused_somewhere = 0;
        for case in 0..600 {
            let mut m = model();
            for uid in 4..=6 {
                m.users.insert(uid, user(uid, &format!("u{uid}"), false));
            }
            m.me = Some(if case % 7 == 0 { 1 } else { 2 });
            for gid in 0..next(4) as i64 {
                let members: Vec<i64> = (1..=6).filter(|_| next(2) == 0).collect();
                let dm = match next(3) {
                    0 => serde_json::Value::Null,
                    1 => serde_json::Value::Bool(true),
                    _ => serde_json::Value::Bool(false),
                };
                let g: Group = serde_json::from_value(serde_json::json!({
                    "gid": gid, "owner": 1, "name": format!("g{gid}"), "members": members,
                    "is_public": next(3) == 0, "dm_to_member": dm
                }))
                .unwrap();
                m.groups.insert(gid, g);
            }
            if case % 11 == 0 {
                m.server.learn_common(Some(SystemCommon {
                    dm_enable: Some(false),
                    ..SystemCommon::default()
                }));
            }
            let gate = m.dm_gate();
            for uid in 1..=7 {
                let want = offered_by_scan(&m, uid);
                refused_somewhere += usize::from(!want);
                assert_eq!(gate.offers(&m, uid), want, "case {case}, uid {uid}: {m:?}");
                assert_eq!(m.dm_offered(uid), want);
            }
        }
        assert!(refused_somewhere > 100, "the cases refuse someone");
    }

    #[test]
    fn without_a_forbidding_channel_the_gate_scans_nothing() {
        let mut m = model();
        let g: Group = serde_json::from_value(serde_json::json!({
            "gid": 1, "owner": 1, "name": "all", "members": [1, 2, 3], "is_public": false
        }))
        .unwrap();
        m.groups.insert(1, g);
        assert_eq!(m.dm_gate(), DmGate::Open);
    }
}
