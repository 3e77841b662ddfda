//! Typed SSE events of `/api/user/events` (protocol §3.4) and their tolerant decoder.

use crate::protocol::types::*;
use serde::{Deserialize, Serialize};

/// Every event type a 0.3.3 server emits. Dispatch is on the JSON `type` field.
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

/// Every event `type` this client decodes (others are skipped as unknown).
/// The most chat records a (re)connection replays (the newest ones above `after_mid`): a
/// replay this long may have left older records out (protocol §3.5).
pub const REPLAY_CAP: usize = 5000;

pub const KNOWN_TYPES: &[&str] = &[
    "ready",
    "heartbeat",
    "users_snapshot",
    "users_log",
    "users_state",
    "users_state_changed",
    "user_settings",
    "user_settings_changed",
    "related_groups",
    "joined_group",
    "user_joined_group",
    "user_leaved_group",
    "kick_from_group",
    "group_changed",
    "pinned_message_updated",
    "chat",
    "kick",
];

/// Decodes one SSE `data` payload.
pub fn decode(data: &str) -> Decoded {
    match serde_json::from_str::<ServerEvent>(data) {
        Ok(ev) => Decoded::Event(Box::new(ev)),
        Err(err) => match serde_json::from_str::<TypeOnly>(data) {
            Ok(t) if !KNOWN_TYPES.contains(&t.kind.as_str()) => {
                Decoded::Unknown(crate::sanitize::one_line(&t.kind, 60))
            }
            Ok(t) => Decoded::Malformed(format!("bad {} event: {err}", t.kind)),
            Err(_) => Decoded::Malformed(format!("not an event: {err}")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_known_unknown_and_malformed() {
        assert_eq!(
            decode(r#"{"type":"ready"}"#),
            Decoded::Event(Box::new(ServerEvent::Ready))
        );
        assert_eq!(
            decode(r#"{"type":"user_calling","uid":2}"#),
            Decoded::Unknown("user_calling".into())
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
