//! Request bodies of newer servers' pinned chats, remarks and channel announcements
//! (`vocechat-newer-servers.md` §4, §6, §7), typed once for the client and the demo server.
//! The answers and events are in `newer.rs` and `settings.rs`.

use super::types::Target;
use serde::{Deserialize, Serialize};

/// `POST /user/pin_chat` and `POST /user/unpin_chat`: `{"target": {"gid": 5}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinChatRequest {
    pub target: Target,
}

/// `PUT /user/contact_remark`: an empty `remark` clears it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemarkRequest {
    pub contact_uid: i64,
    #[serde(default)]
    pub remark: String,
}

/// `POST /group/{gid}/announcement`: creates or replaces the channel's announcement
/// (markdown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncementRequest {
    pub content: String,
}

/// The longest announcement the web client lets one write, in characters.
pub const ANNOUNCEMENT_MAX_CHARS: usize = 5000;

/// The longest remark this client keeps or sends, in characters (the web client states no
/// limit; a remark is a short name).
pub const REMARK_MAX_CHARS: usize = 64;
