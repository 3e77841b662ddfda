//! Typed SSE events of `/api/user/events` (protocol §3.4) and their tolerant decoder.

use crate::protocol::types::*;
use serde::{Deserialize, Serialize};

/// Every event type a 0.3.3 server emits, and those newer servers add (`newer.rs`). Dispatch is
/// on the JSON `type` field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerEvent {
    Ready,
    Heartbeat {
        #[serde(default)]
        time: i64,
    },
    UsersSnapshot {
        users: Vec<UserInfo>,
        #[serde(default)]
        version: i64,
    },
    UsersLog {
        logs: Vec<UserUpdateLog>,
    },
    UsersState {
        users: Vec<UserPresence>,
    },
    UsersStateChanged {
        uid: i64,
        online: bool,
    },
    UserSettings(UserSettings),
    UserSettingsChanged(UserSettingsChanged),
    RelatedGroups {
        groups: Vec<Group>,
    },
    JoinedGroup {
        group: Group,
    },
    UserJoinedGroup {
        gid: i64,
        uid: Vec<i64>,
    },
    UserLeavedGroup {
        gid: i64,
        uid: Vec<i64>,
    },
    KickFromGroup {
        gid: i64,
        #[serde(default)]
        reason: String,
    },
    GroupChanged(GroupChange),
    PinnedMessageUpdated {
        gid: i64,
        mid: i64,
        #[serde(default)]
        msg: Option<PinnedMessage>,
    },
    Chat(ChatMessage),
    Kick {
        #[serde(default)]
        reason: String,
    },
    /// Newer servers: server-wide switches changed (absent keys: unchanged).
    ServerConfigChanged(crate::protocol::newer::ServerConfigChanged),
    /// Newer servers: your own name for a person (empty: none).
    UserRemark {
        contact_uid: i64,
        #[serde(default)]
        remark: String,
    },
    /// Newer servers: a channel's announcement was set (or removed: `None`).
    GroupAnnouncementChanged {
        gid: i64,
        #[serde(default)]
        announcement: Option<crate::protocol::newer::GroupAnnouncement>,
    },
    /// Newer servers: an admin cleared every message up to this mid. Missing or `null`
    /// (reference §8.1: the web client ignores it and wipes everything): every message
    /// known here.
    MessageCleared {
        #[serde(default)]
        latest_deleted_mid: Option<i64>,
    },
    /// Newer servers: a channel's messages were cleared.
    GroupMessageCleared {
        gid: i64,
    },
    /// Newer servers: `uid` is calling `target`.
    UserCalling {
        uid: i64,
        #[serde(default)]
        target: i64,
    },
}

/// `group_changed`: `None` fields are unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupChange {
    pub gid: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub owner: Option<i64>,
    #[serde(default)]
    pub avatar_updated_at: Option<i64>,
    #[serde(default)]
    pub is_public: Option<bool>,
    /// Newer servers' channel flags, when the change carries them (null or absent:
    /// unchanged).
    #[serde(flatten)]
    pub flags: super::newer::GroupFlags,
}

/// Why the server closed this device's stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KickReason {
    LoginFromOtherDevice,
    Logout,
    DeleteDevice,
    DeleteUser,
    Frozen,
    Other(String),
}

impl KickReason {
    pub fn parse(reason: &str) -> KickReason {
        match reason {
            "login_from_other_device" => KickReason::LoginFromOtherDevice,
            "logout" => KickReason::Logout,
            "delete_device" => KickReason::DeleteDevice,
            "delete_user" => KickReason::DeleteUser,
            "frozen" => KickReason::Frozen,
            other => KickReason::Other(crate::sanitize::one_line(other, 60)),
        }
    }

    /// What to tell the user.
    pub fn explain(&self) -> String {
        match self {
            KickReason::LoginFromOtherDevice => {
                "another client connected with this device id; this one stopped syncing".into()
            }
            KickReason::Logout => "this device was logged out".into(),
            KickReason::DeleteDevice => "this device was removed from your account".into(),
            KickReason::DeleteUser => "your account was deleted".into(),
            KickReason::Frozen => "your account was frozen by an admin".into(),
            KickReason::Other(r) => format!("the server ended the session ({r})"),
        }
    }
}

/// The outcome of decoding one `data:` payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    Event(Box<ServerEvent>),
    /// A well-formed event of a type this client does not know (newer servers): skip it.
    Unknown(String),
    /// Not valid JSON, or a known type with a bad shape: skip it, never fail.
    Malformed(String),
}

#[derive(Deserialize)]
struct TypeOnly {
    #[serde(rename = "type")]
    kind: String,
}

/// The most chat records a (re)connection replays (the newest ones above `after_mid`): a
/// replay this long may have left older records out (protocol §3.5).
pub const REPLAY_CAP: usize = 5000;

/// Declares `EventKind` (one per `ServerEvent` variant, with its wire name) and the list of
/// known types from one table, so the list cannot miss a kind.
macro_rules! event_kinds {
    ($($kind:ident => $name:literal,)*) => {
        /// What kind of event a `ServerEvent` is, without its data: `ServerEvent::kind` maps
        /// every variant (an exhaustive match), and a test checks each name is the variant's
        /// serde `type`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventKind { $($kind),* }

        impl EventKind {
            pub const ALL: &[EventKind] = &[$(EventKind::$kind),*];

            /// The JSON `type` of the event (also the store's `state.kind`).
            pub fn name(self) -> &'static str {
                match self { $(EventKind::$kind => $name),* }
            }

            pub fn from_name(name: &str) -> Option<EventKind> {
                match name { $($name => Some(EventKind::$kind),)* _ => None }
            }
        }

        /// Every event `type` this client decodes (others are skipped as unknown).
        pub const KNOWN_TYPES: &[&str] = &[$($name),*];
    };
}

event_kinds! {
    Ready => "ready",
    Heartbeat => "heartbeat",
    UsersSnapshot => "users_snapshot",
    UsersLog => "users_log",
    UsersState => "users_state",
    UsersStateChanged => "users_state_changed",
    UserSettings => "user_settings",
    UserSettingsChanged => "user_settings_changed",
    RelatedGroups => "related_groups",
    JoinedGroup => "joined_group",
    UserJoinedGroup => "user_joined_group",
    UserLeavedGroup => "user_leaved_group",
    KickFromGroup => "kick_from_group",
    GroupChanged => "group_changed",
    PinnedMessageUpdated => "pinned_message_updated",
    Chat => "chat",
    Kick => "kick",
    ServerConfigChanged => "server_config_changed",
    UserRemark => "user_remark",
    GroupAnnouncementChanged => "group_announcement_changed",
    MessageCleared => "message_cleared",
    GroupMessageCleared => "group_message_cleared",
    UserCalling => "user_calling",
}

impl ServerEvent {
    /// The event's kind: a new variant does not build until it has one.
    pub fn kind(&self) -> EventKind {
        match self {
            ServerEvent::Ready => EventKind::Ready,
            ServerEvent::Heartbeat { .. } => EventKind::Heartbeat,
            ServerEvent::UsersSnapshot { .. } => EventKind::UsersSnapshot,
            ServerEvent::UsersLog { .. } => EventKind::UsersLog,
            ServerEvent::UsersState { .. } => EventKind::UsersState,
            ServerEvent::UsersStateChanged { .. } => EventKind::UsersStateChanged,
            ServerEvent::UserSettings(_) => EventKind::UserSettings,
            ServerEvent::UserSettingsChanged(_) => EventKind::UserSettingsChanged,
            ServerEvent::RelatedGroups { .. } => EventKind::RelatedGroups,
            ServerEvent::JoinedGroup { .. } => EventKind::JoinedGroup,
            ServerEvent::UserJoinedGroup { .. } => EventKind::UserJoinedGroup,
            ServerEvent::UserLeavedGroup { .. } => EventKind::UserLeavedGroup,
            ServerEvent::KickFromGroup { .. } => EventKind::KickFromGroup,
            ServerEvent::GroupChanged(_) => EventKind::GroupChanged,
            ServerEvent::PinnedMessageUpdated { .. } => EventKind::PinnedMessageUpdated,
            ServerEvent::Chat(_) => EventKind::Chat,
            ServerEvent::Kick { .. } => EventKind::Kick,
            ServerEvent::ServerConfigChanged(_) => EventKind::ServerConfigChanged,
            ServerEvent::UserRemark { .. } => EventKind::UserRemark,
            ServerEvent::GroupAnnouncementChanged { .. } => EventKind::GroupAnnouncementChanged,
            ServerEvent::MessageCleared { .. } => EventKind::MessageCleared,
            ServerEvent::GroupMessageCleared { .. } => EventKind::GroupMessageCleared,
            ServerEvent::UserCalling { .. } => EventKind::UserCalling,
        }
    }
}

/// Decodes one SSE `data` payload.
pub fn decode(data: &str) -> Decoded {
    match serde_json::from_str::<ServerEvent>(data) {
        Ok(ev) => Decoded::Event(Box::new(ev)),
        Err(err) => match serde_json::from_str::<TypeOnly>(data) {
            Ok(t) if EventKind::from_name(&t.kind).is_none() => {
                Decoded::Unknown(crate::sanitize::one_line(&t.kind, 60))
            }
            Ok(t) => Decoded::Malformed(format!("bad {} event: {err}", t.kind)),
            Err(_) => Decoded::Malformed(format!("not an event: {err}")),
        },
    }
}

/// One event of each kind, as the server sends it (for the tests that walk every kind).
#[cfg(test)]
pub(crate) mod samples {
    use super::{EventKind, ServerEvent};
    use serde_json::json;

    /// A small event of `kind`: an exhaustive match, so a new kind needs its sample.
    pub(crate) fn sample(kind: EventKind) -> ServerEvent {
        let body = match kind {
            EventKind::Ready => json!({}),
            EventKind::Heartbeat => json!({"time": 5}),
            EventKind::UsersSnapshot => json!({"version": 3, "users": [{"uid": 2, "name": "bob"}]}),
            EventKind::UsersLog => json!({"logs": [
                {"log_id": 4, "action": "update", "uid": 2, "name": "robert"}]}),
            EventKind::UsersState => json!({"users": [{"uid": 2, "online": true}]}),
            EventKind::UsersStateChanged => json!({"uid": 2, "online": false}),
            EventKind::UserSettings => json!({"mute_groups": [{"gid": 1}]}),
            EventKind::UserSettingsChanged => json!({"remove_mute_groups": [1]}),
            EventKind::RelatedGroups => json!({"groups": [{"gid": 1, "name": "lobby"}]}),
            EventKind::JoinedGroup => json!({"group": {"gid": 2, "name": "dev"}}),
            EventKind::UserJoinedGroup => json!({"gid": 2, "uid": [2]}),
            EventKind::UserLeavedGroup => json!({"gid": 2, "uid": [2]}),
            EventKind::KickFromGroup => json!({"gid": 2}),
            EventKind::GroupChanged => json!({"gid": 1, "name": "hall"}),
            EventKind::PinnedMessageUpdated => json!({"gid": 1, "mid": 7}),
            EventKind::Chat => json!({"mid": 7, "from_uid": 2, "created_at": 1000,
                "target": {"gid": 1}, "detail": {"type": "normal",
                "content_type": "text/plain", "content": "hi", "properties": null}}),
            EventKind::Kick => json!({"reason": "logout"}),
            EventKind::ServerConfigChanged => json!({"dm_enable": false}),
            EventKind::UserRemark => json!({"contact_uid": 2, "remark": "Bobby"}),
            EventKind::GroupAnnouncementChanged => json!({"gid": 1, "announcement": {
                "gid": 1, "content": "read the **rules**", "created_by": 1,
                "created_at": 5, "updated_at": 6}}),
            EventKind::MessageCleared => json!({"latest_deleted_mid": 40}),
            EventKind::GroupMessageCleared => json!({"gid": 1}),
            EventKind::UserCalling => json!({"uid": 2, "target": 1}),
        };
        let mut body = body;
        body["type"] = json!(kind.name());
        serde_json::from_value(body).unwrap_or_else(|e| panic!("{kind:?}: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::samples::sample;
    use super::*;

    /// The list of known types is every kind, each named as serde names its variant: a sample
    /// of each kind serializes with that `type` and decodes back to the same event.
    #[test]
    fn every_kind_is_known_by_its_wire_name() {
        let mut names: Vec<&str> = EventKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names, KNOWN_TYPES);
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), KNOWN_TYPES.len(), "a name twice");
        for &kind in EventKind::ALL {
            let event = sample(kind);
            assert_eq!(event.kind(), kind);
            let wire = serde_json::to_value(&event).unwrap();
            assert_eq!(wire["type"], kind.name(), "{kind:?}");
            assert_eq!(EventKind::from_name(kind.name()), Some(kind));
            assert_eq!(
                decode(&wire.to_string()),
                Decoded::Event(Box::new(event)),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn decodes_known_unknown_and_malformed() {
        assert_eq!(
            decode(r#"{"type":"ready"}"#),
            Decoded::Event(Box::new(ServerEvent::Ready))
        );
        assert_eq!(
            decode(r#"{"type":"user_typing_soon","uid":2}"#),
            Decoded::Unknown("user_typing_soon".into())
        );
        assert!(matches!(
            decode(r#"{"type":"chat","mid":"x"}"#),
            Decoded::Malformed(_)
        ));
        assert!(matches!(decode("not json"), Decoded::Malformed(_)));
        assert!(matches!(decode(r#"{"no_type":1}"#), Decoded::Malformed(_)));
    }

    #[test]
    fn unknown_detail_kinds_still_decode() {
        let d = decode(
            r#"{"type":"chat","mid":9,"from_uid":1,"created_at":5,"target":{"gid":1},"detail":{"type":"call","x":1}}"#,
        );
        match d {
            Decoded::Event(ev) => match *ev {
                ServerEvent::Chat(m) => assert_eq!(m.detail, MessageDetail::Unknown),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }
}
