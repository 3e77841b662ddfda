//! The request bodies (and the history query) a client sends to VoceChat, typed once: the
//! client (`runtime::api`) serializes them and the demo server deserializes the same structs.
//!
//! Field names, optionality and null-versus-absent are the server's (protocol §2, §4, §5,
//! §6.6): a field the client always sends (possibly as `null`) is always serialized here, and
//! one it leaves out when empty is skipped. Fields the server treats as optional carry
//! `#[serde(default)]` so the demo accepts what a real server accepts.

use super::types::{GroupBurn, GroupReadIndex, UserBurn, UserReadIndex};
use serde::{Deserialize, Serialize};

/// `POST /api/token/login` (protocol §2.2).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub credential: Credential,
    /// The session slot; the server's default is `"unknown"`.
    #[serde(default = "unknown_device")]
    pub device: String,
    /// FCM push token: a terminal client sends `null`.
    #[serde(default)]
    pub device_token: Option<String>,
}

fn unknown_device() -> String {
    "unknown".into()
}

/// The `credential` of a login, tagged by `type`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Credential {
    Password {
        email: String,
        password: String,
    },
    /// The token of an e-mailed login link (protocol §2.2); `extra_name` would create the
    /// account, which this client never asks for.
    #[serde(rename = "magiclink")]
    MagicLink {
        magic_token: String,
        #[serde(default)]
        extra_name: String,
    },
    /// Any other login method (OIDC, third party…): never sent by this client, refused by the
    /// demo server.
    #[serde(other)]
    Other,
}

/// `POST /api/token/renew` (protocol §2.3): the old access token may be expired.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewRequest {
    pub token: String,
    pub refresh_token: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("credential", &self.credential)
            .field("device", &self.device)
            .field("device_token", &self.device_token.as_ref().map(|_| "…"))
            .finish()
    }
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Password { email, .. } => f
                .debug_struct("Password")
                .field("email", email)
                .field("password", &crate::secret::REDACTED)
                .finish(),
            Credential::MagicLink { extra_name, .. } => f
                .debug_struct("MagicLink")
                .field("magic_token", &crate::secret::REDACTED)
                .field("extra_name", extra_name)
                .finish(),
            Credential::Other => f.write_str("Other"),
        }
    }
}

impl std::fmt::Debug for RenewRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenewRequest")
            .field("token", &crate::secret::REDACTED)
            .field("refresh_token", &crate::secret::REDACTED)
            .finish()
    }
}

/// Body of `POST /api/group` (protocol §6.6). Read-only fields (gid, owner, …) must never be
/// sent: the server answers 400 when they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NewGroup {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    #[serde(default)]
    pub members: Vec<i64>,
    #[serde(default)]
    pub is_public: bool,
}

/// The fields of a group that a create body must not carry (protocol §0, §6.6).
pub const GROUP_READ_ONLY_FIELDS: [&str; 4] =
    ["gid", "owner", "avatar_updated_at", "pinned_messages"];

/// Body of `POST /api/group/{gid}/pin` and `/unpin` (protocol §4.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinRequest {
    pub mid: i64,
}

/// Body of `PUT /api/message/{mid}/like` (protocol §4.3): one of [`super::types::REACTIONS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LikeRequest {
    pub action: String,
}

/// The body of a `vocechat/file` message (send, edit, reply): the path of an uploaded file,
/// sent as JSON text (protocol §3.5, §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMessageBody {
    pub path: String,
}

/// Query of `GET /api/{user|group}/{id}/history` (protocol §4.6). The client sends `limit`
/// always and `before` only when paging back; the server's default limit is 300.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct HistoryQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<i64>,
}

/// Body of `POST /api/user/read-index` (protocol §4.7): both arrays are optional on the
/// server; the client always sends both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReadIndexRequest {
    #[serde(default)]
    pub users: Vec<UserReadIndex>,
    #[serde(default)]
    pub groups: Vec<GroupReadIndex>,
}

/// Body of `POST /api/user/mute` (protocol §4.8). Every key is optional on the server; the
/// client always sends all four.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MuteRequest {
    #[serde(default)]
    pub add_users: Vec<UserMuteRequest>,
    #[serde(default)]
    pub add_groups: Vec<GroupMuteRequest>,
    #[serde(default)]
    pub remove_users: Vec<i64>,
    #[serde(default)]
    pub remove_groups: Vec<i64>,
}

/// Mute a user for `expired_in` seconds; `null` (always sent) or absent means forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserMuteRequest {
    pub uid: i64,
    #[serde(default)]
    pub expired_in: Option<i64>,
}

/// Mute a group for `expired_in` seconds; `null` (always sent) or absent means forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMuteRequest {
    pub gid: i64,
    #[serde(default)]
    pub expired_in: Option<i64>,
}

/// Body of `POST /api/user/burn-after-reading` (protocol §4.8): seconds, 0 turns it off. The
/// client sends only the array it changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct BurnRequest {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<UserBurn>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupBurn>,
}

/// Body of `POST /api/resource/file/prepare` (protocol §5.1): both keys are always sent,
/// `null` when unknown (the server then guesses the type from the name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FilePrepareRequest {
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub filename: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn wire<T: Serialize>(v: &T) -> Value {
        serde_json::to_value(v).unwrap()
    }

    #[test]
    fn bodies_serialize_as_the_server_expects() {
        let login = LoginRequest {
            credential: Credential::Password {
                email: "a@b.c".into(),
                password: "pw".into(),
            },
            device: "tui:x".into(),
            device_token: None,
        };
        assert_eq!(
            wire(&login),
            json!({"credential":{"type":"password","email":"a@b.c","password":"pw"},"device":"tui:x","device_token":null})
        );
        assert!(!format!("{login:?}").contains("pw\""));
        assert_eq!(
            wire(&FilePrepareRequest::default()),
            json!({"content_type":null,"filename":null})
        );
        assert_eq!(
            wire(&MuteRequest {
                add_users: vec![UserMuteRequest {
                    uid: 2,
                    expired_in: None
                }],
                ..Default::default()
            }),
            json!({"add_users":[{"uid":2,"expired_in":null}],"add_groups":[],"remove_users":[],"remove_groups":[]})
        );
        assert_eq!(
            wire(&BurnRequest {
                groups: vec![GroupBurn {
                    gid: 5,
                    expires_in: 0
                }],
                ..Default::default()
            }),
            json!({"groups":[{"gid":5,"expires_in":0}]})
        );
        assert_eq!(
            wire(&ReadIndexRequest::default()),
            json!({"users":[],"groups":[]})
        );
    }

    #[test]
    fn bodies_read_what_the_real_server_accepts() {
        // The recorded 0.3.3 mute body leaves `expired_in` out for "forever".
        let m: MuteRequest = serde_json::from_value(
            json!({"add_users":[{"uid":2,"expired_in":3600}],"add_groups":[{"gid":2}]}),
        )
        .unwrap();
        assert_eq!(m.add_groups[0].expired_in, None);
        assert!(m.remove_users.is_empty());
        let l: LoginRequest =
            serde_json::from_value(json!({"credential":{"type":"magiclink","magic_token":"t"}}))
                .unwrap();
        assert_eq!(
            (l.credential, l.device.as_str()),
            (
                Credential::MagicLink {
                    magic_token: "t".into(),
                    extra_name: String::new()
                },
                "unknown"
            )
        );
        let l: LoginRequest =
            serde_json::from_value(json!({"credential":{"type":"oidc","code":"c"}})).unwrap();
        assert_eq!(l.credential, Credential::Other);
        let magic = Credential::MagicLink {
            magic_token: "s3cr3t".into(),
            extra_name: String::new(),
        };
        assert_eq!(
            serde_json::to_value(&magic).unwrap(),
            json!({"type":"magiclink","magic_token":"s3cr3t","extra_name":""})
        );
        assert!(!format!("{magic:?}").contains("s3cr3t"));
    }
}

/// `POST /api/favorite`: save these messages (as one favorite).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FavoriteRequest {
    pub mid_list: Vec<i64>,
}
