//! Serde models for every JSON shape a VoceChat client meets on the wire (protocol §2–§6).
//!
//! Fields carry `#[serde(default)]` where newer (0.5.x) servers may omit or add them, so a
//! shape change on the server degrades to a default value instead of a decode failure.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Public view of a user (`UserInfo`, protocol §6.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UserInfo {
    pub uid: i64,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub gender: i32,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub is_admin: bool,
    #[serde(default)]
    pub is_bot: bool,
    #[serde(default)]
    pub avatar_updated_at: i64,
    #[serde(default)]
    pub create_by: String,
}

/// `POST /api/token/login` answer.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    #[serde(default)]
    pub server_id: String,
    pub token: String,
    pub refresh_token: String,
    #[serde(default = "default_token_lifetime")]
    pub expired_in: i64,
    pub user: UserInfo,
}

/// `POST /api/token/renew` answer; the refresh token rotates on every renew.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewResponse {
    pub token: String,
    pub refresh_token: String,
    #[serde(default = "default_token_lifetime")]
    pub expired_in: i64,
}

fn default_token_lifetime() -> i64 {
    300
}

impl std::fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginResponse")
            .field("server_id", &self.server_id)
            .field("token", &crate::secret::REDACTED)
            .field("refresh_token", &crate::secret::REDACTED)
            .field("expired_in", &self.expired_in)
            .field("user", &self.user)
            .finish()
    }
}

impl std::fmt::Debug for RenewResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenewResponse")
            .field("token", &crate::secret::REDACTED)
            .field("refresh_token", &crate::secret::REDACTED)
            .field("expired_in", &self.expired_in)
            .finish()
    }
}

/// A pinned message as carried inside [`Group`] and `pinned_message_updated`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PinnedMessage {
    pub mid: i64,
    #[serde(default)]
    pub created_by: i64,
    #[serde(default)]
    pub created_at: i64,
    #[serde(default)]
    pub properties: Option<Value>,
    #[serde(default)]
    pub content_type: String,
    #[serde(default)]
    pub content: String,
}

/// A channel (`Group`, protocol §6.5). Public groups have `owner: None` and `members: []`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub gid: i64,
    #[serde(default)]
    pub owner: Option<i64>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub members: Vec<i64>,
    #[serde(default)]
    pub is_public: bool,
    #[serde(default)]
    pub avatar_updated_at: i64,
    #[serde(default)]
    pub pinned_messages: Vec<PinnedMessage>,
}

/// `POST /api/group` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedGroup {
    pub gid: i64,
    #[serde(default)]
    pub created_at: i64,
}

/// Body of `POST /api/group`. Read-only fields (gid, owner, …) must never be sent.
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

/// Who a chat message is addressed to. The wire form has no tag: `{"uid":n}` or `{"gid":n}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Target {
    Group { gid: i64 },
    User { uid: i64 },
}

/// One entry of the append-only message log (SSE `chat` or a history item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub mid: i64,
    pub from_uid: i64,
    #[serde(default)]
    pub created_at: i64,
    pub target: Target,
    pub detail: MessageDetail,
}

impl ChatMessage {
    /// The `local_id` in a message's or reply's properties: how a client finds its own send.
    pub fn local_id(&self) -> Option<i64> {
        match &self.detail {
            MessageDetail::Normal { properties, .. } | MessageDetail::Reply { properties, .. } => {
                local_id_of(properties.as_ref())
            }
            _ => None,
        }
    }
}

/// The `detail` of a chat message, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MessageDetail {
    Normal {
        content_type: String,
        #[serde(default)]
        content: String,
        #[serde(default)]
        properties: Option<Value>,
        #[serde(default)]
        expires_in: Option<i64>,
    },
    Reply {
        mid: i64,
        content_type: String,
        #[serde(default)]
        content: String,
        #[serde(default)]
        properties: Option<Value>,
    },
    Reaction {
        mid: i64,
        detail: ReactionDetail,
    },
    /// A detail kind this client does not know (newer servers).
    #[serde(other)]
    Unknown,
}

/// What a `reaction` does to its target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReactionDetail {
    Edit {
        content_type: String,
        #[serde(default)]
        content: String,
        #[serde(default)]
        properties: Option<Value>,
    },
    Like {
        action: String,
    },
    Delete,
    #[serde(other)]
    Unknown,
}

/// The eight reactions a 0.3.3 server accepts (note the U+FE0F in the heart).
pub const REACTIONS: [&str; 8] = ["❤️", "😄", "👀", "👍", "👎", "🎉", "🙁", "🚀"];

/// `POST /api/resource/file/upload` answer for the last chunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedFile {
    pub path: String,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub hash: String,
    #[serde(default)]
    pub image_properties: Option<ImageProperties>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageProperties {
    pub width: u32,
    pub height: u32,
}

/// `GET /api/admin/system/organization`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Organization {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserMute {
    pub uid: i64,
    #[serde(default)]
    pub expired_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMute {
    pub gid: i64,
    #[serde(default)]
    pub expired_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserReadIndex {
    pub uid: i64,
    pub mid: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupReadIndex {
    pub gid: i64,
    pub mid: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserBurn {
    pub uid: i64,
    pub expires_in: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupBurn {
    pub gid: i64,
    pub expires_in: i64,
}

/// The `user_settings` snapshot sent on every connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UserSettings {
    #[serde(default)]
    pub mute_users: Vec<UserMute>,
    #[serde(default)]
    pub mute_groups: Vec<GroupMute>,
    #[serde(default)]
    pub read_index_users: Vec<UserReadIndex>,
    #[serde(default)]
    pub read_index_groups: Vec<GroupReadIndex>,
    #[serde(default)]
    pub burn_after_reading_users: Vec<UserBurn>,
    #[serde(default)]
    pub burn_after_reading_groups: Vec<GroupBurn>,
}

/// The `user_settings_changed` delta sent to your other devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UserSettingsChanged {
    #[serde(default)]
    pub from_device: String,
    #[serde(default)]
    pub add_mute_users: Vec<UserMute>,
    #[serde(default)]
    pub remove_mute_users: Vec<i64>,
    #[serde(default)]
    pub add_mute_groups: Vec<GroupMute>,
    #[serde(default)]
    pub remove_mute_groups: Vec<i64>,
    #[serde(default)]
    pub read_index_users: Vec<UserReadIndex>,
    #[serde(default)]
    pub read_index_groups: Vec<GroupReadIndex>,
    #[serde(default)]
    pub burn_after_reading_users: Vec<UserBurn>,
    #[serde(default)]
    pub burn_after_reading_groups: Vec<GroupBurn>,
}

/// One entry of the users log (`users_log`). In `update`, `None` means unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserUpdateLog {
    pub log_id: i64,
    pub action: UserLogAction,
    pub uid: i64,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub gender: Option<i32>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub is_admin: Option<bool>,
    #[serde(default)]
    pub is_bot: Option<bool>,
    #[serde(default)]
    pub avatar_updated_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserLogAction {
    Create,
    Update,
    Delete,
    #[serde(other)]
    Unknown,
}

/// Presence of one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPresence {
    pub uid: i64,
    pub online: bool,
}

/// Client-defined message properties sent base64-encoded in `X-Properties`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Properties {
    pub local_id: Option<i64>,
    pub mentions: Vec<i64>,
    /// Any other keys (file name, size, width, height…).
    pub extra: Map<String, Value>,
}

impl Properties {
    pub fn with_local_id(local_id: i64) -> Self {
        Properties {
            local_id: Some(local_id),
            ..Properties::default()
        }
    }

    /// The JSON object this encodes to; `None` when there is nothing to send.
    pub fn to_json(&self) -> Option<Value> {
        let mut map = self.extra.clone();
        if let Some(id) = self.local_id {
            map.insert("local_id".into(), Value::from(id));
        }
        if !self.mentions.is_empty() {
            map.insert("mentions".into(), Value::from(self.mentions.clone()));
        }
        (!map.is_empty()).then_some(Value::Object(map))
    }

    /// The `X-Properties` header value: standard base64 of the JSON object.
    pub fn header_value(&self) -> Option<String> {
        use base64::Engine;
        self.to_json()
            .map(|v| base64::engine::general_purpose::STANDARD.encode(v.to_string()))
    }
}

/// Reads `properties.local_id` from a message's properties, if present and numeric.
pub fn local_id_of(properties: Option<&Value>) -> Option<i64> {
    properties?.get("local_id")?.as_i64()
}

/// Reads `properties.mentions` (uids) from a message's properties.
pub fn mentions_of(properties: Option<&Value>) -> Vec<i64> {
    properties
        .and_then(|p| p.get("mentions"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}

/// What a message carries, with its exact wire content type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Text(String),
    Markdown(String),
    /// A file already uploaded; `path` as returned by the upload.
    File {
        path: String,
    },
    /// An archive path from `POST /api/resource/archive`.
    Archive(String),
}

impl Content {
    /// The exact `Content-Type` header; anything but `text/plain` is matched as an exact string.
    pub fn content_type(&self) -> &'static str {
        match self {
            Content::Text(_) => "text/plain",
            Content::Markdown(_) => "text/markdown",
            Content::File { .. } => "vocechat/file",
            Content::Archive(_) => "vocechat/archive",
        }
    }

    pub fn body(&self) -> String {
        match self {
            Content::Text(t) | Content::Markdown(t) | Content::Archive(t) => t.clone(),
            Content::File { path } => serde_json::json!({ "path": path }).to_string(),
        }
    }
}
