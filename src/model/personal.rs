//! What newer servers keep for you and for a channel beyond 0.3.3: the chats you pinned
//! (`user_settings.pinned_chats` and its changes), your own names for people (remarks, from
//! `user_remark`), and channels' announcements (`group_announcement_changed`, and the
//! answers of `GET /group/{gid}/announcement` folded as that event).
//!
//! Everything here is untrusted text from the server: a remark is cut to one line of
//! [`REMARK_MAX_CHARS`], an announcement to [`ANNOUNCEMENT_MAX_BYTES`] and sanitized again
//! where it is drawn.

use super::{ChatModel, ConvKey};
use crate::protocol::newer::GroupAnnouncement;
use crate::protocol::personal::REMARK_MAX_CHARS;
use crate::protocol::settings::PinChat;
use crate::protocol::types::Target;

/// The most of an announcement kept (the web client lets one write 5,000 characters; a
/// hostile server may send more).
pub const ANNOUNCEMENT_MAX_BYTES: usize = 64 * 1024;

/// The most chats a pinned list keeps (a hostile server may send any number).
const PINS_MAX: usize = 500;

/// The most remarks kept: a remark may come before the people it names (the order of a
/// connect's first events is not known), so it is bounded rather than checked.
pub const REMARKS_MAX: usize = 10_000;

/// The most announcements kept (one per channel you are in).
pub const ANNOUNCEMENTS_MAX: usize = 1_000;

/// The conversation a pinned chat's target names.
pub fn pinned_key(target: Target) -> ConvKey {
    match target {
        Target::Group { gid } => ConvKey::Group(gid),
        Target::User { uid } => ConvKey::User(uid),
    }
}

impl ChatModel {
    /// The server's pinned chats replace the list (`user_settings`); absent (0.3.3), the
    /// list is left as it is.
    pub(super) fn set_pins(&mut self, pins: Option<Vec<PinChat>>) {
        let Some(pins) = pins else {
            return;
        };
        let mut list: Vec<ConvKey> = Vec::new();
        for p in pins {
            let key = pinned_key(p.target);
            if !list.contains(&key) && list.len() < PINS_MAX {
                list.push(key);
            }
        }
        self.pins = Some(list);
        self.server.found(super::Feature::PinChats);
    }

    /// Chats pinned (first, as the web client lists them) and unpinned elsewhere, or here
    /// (the echo of a pin already applied changes nothing).
    pub(super) fn change_pins(&mut self, add: &[PinChat], remove: &[Target]) {
        if add.is_empty() && remove.is_empty() {
            return;
        }
        let list = self.pins.get_or_insert_with(Vec::new);
        for key in remove.iter().map(|t| pinned_key(*t)) {
            list.retain(|k| *k != key);
        }
        for key in add.iter().map(|p| pinned_key(p.target)) {
            if !list.contains(&key) {
                list.insert(0, key);
            }
        }
        list.truncate(PINS_MAX);
        self.server.found(super::Feature::PinChats);
    }

    /// Whether `key` is pinned on the server.
    pub fn is_pinned(&self, key: ConvKey) -> bool {
        self.pins.as_ref().is_some_and(|p| p.contains(&key))
    }

    /// Your name for `uid` (`user_remark`): one line, bounded; empty clears it.
    pub(super) fn set_remark(&mut self, uid: i64, remark: &str) {
        let remark = crate::sanitize::one_line(remark.trim(), REMARK_MAX_CHARS);
        let remark = remark.trim();
        let changed = if remark.is_empty() {
            self.remarks.remove(&uid).is_some()
        } else if self.remarks.len() >= REMARKS_MAX && !self.remarks.contains_key(&uid) {
            false
        } else {
            self.remarks.insert(uid, remark.to_string()).as_deref() != Some(remark)
        };
        if changed {
            // Names order the sidebar where activity ties, and by name.
            self.order.mark_stale();
        }
        self.server.found(super::Feature::Remarks);
    }

    /// A person as the screen shows them: `remark (name)` when you gave them one.
    pub fn display_name(&self, uid: i64) -> String {
        let name = self.user_name(uid);
        match self.remarks.get(&uid) {
            Some(remark) if Some(uid) != self.me => format!("{remark} ({name})"),
            _ => name,
        }
    }

    /// A channel's announcement set, replaced or (None, or empty) removed; one of a channel
    /// you are not in is ignored.
    pub(super) fn set_announcement(&mut self, gid: i64, announcement: Option<GroupAnnouncement>) {
        let unknown = self.groups_known && !self.groups.contains_key(&gid);
        let full =
            self.announcements.len() >= ANNOUNCEMENTS_MAX && !self.announcements.contains_key(&gid);
        match announcement.filter(|a| !a.content.trim().is_empty()) {
            Some(_) if unknown || full => {}
            Some(mut a) => {
                a.gid = gid;
                let end = a.content.floor_char_boundary(ANNOUNCEMENT_MAX_BYTES);
                a.content.truncate(end);
                self.announcements.insert(gid, a);
            }
            None => {
                self.announcements.remove(&gid);
            }
        }
        self.server.found(super::Feature::Announcements);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ServerEvent;

    fn event(json: &str) -> ServerEvent {
        serde_json::from_str(json).unwrap()
    }

    /// `user_settings_with_pins` and `user_settings_changed_pin_add` of examples.json.
    const SETTINGS_WITH_PINS: &str = r#"{"type": "user_settings", "mute_users": [], "mute_groups": [{"gid": 3, "expired_at": null}], "read_index_users": [{"uid": 2, "mid": 118}], "read_index_groups": [{"gid": 1, "mid": 121}, {"gid": 3, "mid": 97}], "burn_after_reading_users": [], "burn_after_reading_groups": [], "pinned_chats": [{"target": {"gid": 1}, "updated_at": 1783913600000}, {"target": {"uid": 2}, "updated_at": 1783996400000}]}"#;
    const PIN_ADD: &str = r#"{"type": "user_settings_changed", "from_device": "web:Vx3kQ9aLmP2sT7bN1cD4e", "add_mute_users": [], "remove_mute_users": [], "add_mute_groups": [], "remove_mute_groups": [], "read_index_users": [], "read_index_groups": [], "burn_after_reading_users": [], "burn_after_reading_groups": [], "add_pin_chats": [{"target": {"gid": 3}, "updated_at": 1784000000000}], "remove_pin_chats": [], "add_contacts": [], "remove_contacts": []}"#;

    #[test]
    fn the_snapshot_replaces_the_pins_and_changes_add_first_and_remove() {
        let mut chat = ChatModel::new(1);
        assert_eq!(chat.pins, None, "nothing said: the config's list applies");
        chat.apply(event(SETTINGS_WITH_PINS));
        assert_eq!(chat.pins, Some(vec![ConvKey::Group(1), ConvKey::User(2)]));
        assert_eq!(
            chat.server.support(crate::model::Feature::PinChats),
            crate::model::Support::Yes
        );
        chat.apply(event(PIN_ADD));
        chat.apply(event(PIN_ADD)); // the echo of a pin made here
        assert_eq!(
            chat.pins,
            Some(vec![ConvKey::Group(3), ConvKey::Group(1), ConvKey::User(2)])
        );
        // Removals are bare targets; a one-element array as `target` is taken too.
        chat.apply(event(
            r#"{"type":"user_settings_changed","remove_pin_chats":[{"gid":1}],
                "add_pin_chats":[{"target":[{"uid":5}],"updated_at":1}]}"#,
        ));
        assert_eq!(
            chat.pins,
            Some(vec![ConvKey::User(5), ConvKey::Group(3), ConvKey::User(2)])
        );
        // A 0.3.3 snapshot (no key) leaves them; an empty list empties them.
        chat.apply(event(r#"{"type":"user_settings"}"#));
        assert_eq!(chat.pins.as_ref().map(Vec::len), Some(3));
        chat.apply(event(r#"{"type":"user_settings","pinned_chats":[]}"#));
        assert_eq!(chat.pins, Some(vec![]));
    }

    #[test]
    fn a_remark_is_one_bounded_line_shown_before_the_name() {
        let mut chat = ChatModel::new(1);
        chat.apply(event(
            r#"{"type":"users_snapshot","version":1,"users":[{"uid":1,"name":"me"},{"uid":2,"name":"bob"}]}"#,
        ));
        // `user_remark_event` of examples.json.
        chat.apply(event(
            r#"{"type": "user_remark", "contact_uid": 2, "remark": "Bob (design team)"}"#,
        ));
        assert_eq!(chat.display_name(2), "Bob (design team) (bob)");
        assert_eq!(chat.user_name(2), "bob", "lookups keep the real name");
        assert_eq!(chat.conv_name(ConvKey::User(2)), "Bob (design team) (bob)");
        let hostile = format!("\u{1b}[2J\u{202e}evil\nline{}", "x".repeat(500));
        chat.apply(ServerEvent::UserRemark {
            contact_uid: 2,
            remark: hostile,
        });
        let remark = &chat.remarks[&2];
        assert!(remark.chars().count() <= REMARK_MAX_CHARS, "{remark}");
        assert!(!remark.contains(['\u{1b}', '\u{202e}', '\n']), "{remark:?}");
        chat.apply(ServerEvent::UserRemark {
            contact_uid: 2,
            remark: "  ".into(),
        });
        assert_eq!(chat.display_name(2), "bob", "an empty remark clears it");
        // Your own name is never shown with a remark.
        chat.apply(ServerEvent::UserRemark {
            contact_uid: 1,
            remark: "myself".into(),
        });
        assert_eq!(chat.display_name(1), "me");
    }

    #[test]
    fn announcements_are_set_replaced_and_removed() {
        let mut chat = ChatModel::new(1);
        // `group_announcement_changed_event` of examples.json.
        chat.apply(event(
            r#"{"type": "group_announcement_changed", "gid": 3, "announcement": {"gid": 3, "content": "**Welcome!** Read the pinned rules before posting.", "created_by": 1, "created_at": 1783992800000, "updated_at": 1784000000000}}"#,
        ));
        assert_eq!(
            chat.announcements[&3].content,
            "**Welcome!** Read the pinned rules before posting."
        );
        chat.apply(ServerEvent::GroupAnnouncementChanged {
            gid: 3,
            announcement: Some(GroupAnnouncement {
                gid: 99, // the event's gid wins
                content: "x".repeat(ANNOUNCEMENT_MAX_BYTES * 2),
                created_by: 1,
                created_at: 0,
                updated_at: 0,
            }),
        });
        assert_eq!(chat.announcements[&3].gid, 3);
        assert_eq!(chat.announcements[&3].content.len(), ANNOUNCEMENT_MAX_BYTES);
        assert!(!chat.announcements.contains_key(&99));
        chat.apply(event(
            r#"{"type":"group_announcement_changed","gid":3,"announcement":null}"#,
        ));
        assert!(chat.announcements.is_empty());
    }
}
