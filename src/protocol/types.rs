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
    /// Newer servers' channel flags (all absent on 0.3.3).
    #[serde(flatten)]
    pub flags: super::newer::GroupFlags,
}

/// `POST /api/group` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedGroup {
    pub gid: i64,
    #[serde(default)]
    pub created_at: i64,
}

/// Body of `POST /api/group`; typed with the other request bodies.
pub use super::requests::NewGroup;

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

/// `GET /api/admin/vocespace/config` (newer servers only; admin settings of the VoceSpace
/// deployment). Read with [`VoceSpaceConfig::from_json`], which tolerates odd fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct VoceSpaceConfig {
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub url: String,
    /// `"success"` once deployed.
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub license: String,
}

impl VoceSpaceConfig {
    /// Reads the answer field by field: a missing or mistyped field is its default, never an
    /// error (newer servers may change the shape).
    pub fn from_json(v: &Value) -> VoceSpaceConfig {
        let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        VoceSpaceConfig {
            enabled: v.get("enabled").and_then(Value::as_bool).unwrap_or(false),
            url: text("url"),
            state: text("state"),
            password: text("password"),
            license: text("license"),
        }
    }

    /// The deployment URL when VoceSpace is enabled and deployed.
    pub fn deployed_url(&self) -> Option<&str> {
        (self.enabled && self.state == "success").then_some(self.url.as_str())
    }
}

pub use super::settings::*;

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

/// What a `vocechat/file` message's properties say about its file (protocol §3.5): the server
/// adds `content_type`, `size` and `name` (only if a name was given at prepare); clients add
/// `width` and `height` for images. Untrusted: read with [`FileProperties::from_properties`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FileProperties {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Bytes; 0 when missing or not a non-negative integer.
    #[serde(default)]
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u64>,
}

impl FileProperties {
    /// Reads the file keys of a message's properties, key by key: a missing or mistyped key
    /// is `None` (or a size of 0), never an error; other keys are ignored.
    pub fn from_properties(properties: Option<&Value>) -> FileProperties {
        let get = |k: &str| properties.and_then(|p| p.get(k));
        let text = |k: &str| get(k).and_then(Value::as_str).map(str::to_string);
        FileProperties {
            name: text("name"),
            size: get("size").and_then(Value::as_u64).unwrap_or(0),
            content_type: text("content_type"),
            width: get("width").and_then(Value::as_u64),
            height: get("height").and_then(Value::as_u64),
        }
    }

    /// Writes these keys into a properties object, replacing the same keys and keeping every
    /// other one (`local_id`, `mentions`, …). Absent optional keys are left as they were.
    pub fn write_into(&self, map: &mut Map<String, Value>) {
        if let Ok(Value::Object(mine)) = serde_json::to_value(self) {
            map.extend(mine);
        }
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

pub use super::content::{Content, ContentKind};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn file_properties_tolerate_missing_and_odd_keys() {
        let p =
            json!({"name": 7, "size": -1, "content_type": "image/png", "width": 3, "local_id": 1});
        let f = FileProperties::from_properties(Some(&p));
        assert_eq!(
            f,
            FileProperties {
                name: None,
                size: 0,
                content_type: Some("image/png".into()),
                width: Some(3),
                height: None,
            }
        );
        assert_eq!(
            FileProperties::from_properties(None),
            FileProperties::default()
        );
        assert_eq!(
            FileProperties::from_properties(Some(&json!("not an object"))),
            FileProperties::default()
        );
    }

    #[test]
    fn file_properties_keep_the_other_keys() {
        let mut map = json!({"local_id": 4, "name": "old", "width": 9})
            .as_object()
            .unwrap()
            .clone();
        FileProperties {
            name: Some("new.txt".into()),
            size: 12,
            content_type: Some("text/plain".into()),
            width: None,
            height: None,
        }
        .write_into(&mut map);
        assert_eq!(
            Value::Object(map),
            json!({"local_id": 4, "name": "new.txt", "size": 12, "content_type": "text/plain", "width": 9})
        );
    }

    #[test]
    fn vocespace_config_reads_leniently() {
        let c =
            VoceSpaceConfig::from_json(&json!({"enabled": "yes", "state": "success", "url": 5}));
        assert_eq!(c.deployed_url(), None);
        let c = VoceSpaceConfig::from_json(
            &json!({"enabled": true, "state": "success", "url": "https://s"}),
        );
        assert_eq!(c.deployed_url(), Some("https://s"));
    }
}

/// A saved message set (`GET /api/favorite`, `POST /api/favorite`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FavoriteInfo {
    pub id: String,
    #[serde(default)]
    pub created_at: i64,
}

/// An archive: what a favorite (`GET /api/favorite/{id}`) or a forwarded message set
/// (`GET /api/resource/archive?file_path=…`, protocol §4.10) holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Archive {
    #[serde(default)]
    pub users: Vec<ArchiveUser>,
    #[serde(default)]
    pub messages: Vec<ArchiveMessage>,
    /// How many files it carries (`…/archive/attachment?attachment_id=` 0 to this − 1).
    #[serde(default)]
    pub num_attachments: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ArchiveUser {
    #[serde(default)]
    pub name: String,
    /// The attachment index of their avatar, if the archive carries one.
    #[serde(default)]
    pub avatar: Option<usize>,
}

/// A message as an archive keeps it: its author is an index into the archive's users.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchiveMessage {
    #[serde(default)]
    pub from_user: usize,
    #[serde(default)]
    pub created_at: i64,
    pub mid: i64,
    pub source: Target,
    #[serde(default)]
    pub properties: Option<Value>,
    #[serde(default)]
    pub content_type: String,
    #[serde(default)]
    pub content: Option<String>,
    /// A file message's file, as an attachment index (its content is then `null`).
    #[serde(default)]
    pub file_id: Option<usize>,
    /// An image's thumbnail, as an attachment index.
    #[serde(default)]
    pub thumbnail_id: Option<usize>,
}
