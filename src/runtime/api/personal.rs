//! Newer servers' pinned chats, remarks and channel announcements
//! (`vocechat-newer-servers.md` §4, §6, §7). On 0.3.3 each answers 404 (`ApiError::NotFound`),
//! which the app takes as the feature missing.

use super::{ApiClient, ApiResult, read_json};
use crate::protocol::newer::{AnnouncementAnswer, GroupAnnouncement};
use crate::protocol::personal::{AnnouncementRequest, PinChatRequest, RemarkRequest};
use crate::protocol::types::Target;
use reqwest::Method;

impl ApiClient {
    /// Pins (`pin`) or unpins a chat for you, on every device.
    pub async fn pin_chat(&self, target: Target, pin: bool) -> ApiResult<()> {
        let (path, what) = if pin {
            ("/api/user/pin_chat", "pin")
        } else {
            ("/api/user/unpin_chat", "unpin")
        };
        let body = PinChatRequest { target };
        self.authed(Method::POST, path, what, |r| r.json(&body))
            .await?;
        Ok(())
    }

    /// Sets your remark for `uid` (empty clears it).
    pub async fn set_remark(&self, uid: i64, remark: &str) -> ApiResult<()> {
        let body = RemarkRequest {
            contact_uid: uid,
            remark: remark.to_string(),
        };
        self.authed(Method::PUT, "/api/user/contact_remark", "remark", |r| {
            r.json(&body)
        })
        .await?;
        Ok(())
    }

    /// A channel's announcement (`None`: it has none).
    pub async fn announcement(&self, gid: i64) -> ApiResult<Option<GroupAnnouncement>> {
        let answer: AnnouncementAnswer = self
            .get_json(&format!("/api/group/{gid}/announcement"), "announcement")
            .await?;
        Ok(answer.announcement)
    }

    /// Sets a channel's announcement; what the server kept (asked again if its answer is
    /// not one).
    pub async fn set_announcement(&self, gid: i64, content: &str) -> ApiResult<GroupAnnouncement> {
        let path = format!("/api/group/{gid}/announcement");
        let body = AnnouncementRequest {
            content: content.to_string(),
        };
        let resp = self
            .authed(Method::POST, &path, "announcement", |r| r.json(&body))
            .await?;
        let answer: Option<GroupAnnouncement> = read_json::<serde_json::Value>(resp)
            .await
            .ok()
            .and_then(|v| serde_json::from_value(v).ok())
            .filter(|a: &GroupAnnouncement| a.gid == gid && !a.content.is_empty());
        match answer {
            Some(a) => Ok(a),
            None => Ok(self.announcement(gid).await?.unwrap_or(GroupAnnouncement {
                gid,
                content: content.to_string(),
                created_by: 0,
                created_at: 0,
                updated_at: 0,
            })),
        }
    }

    /// Removes a channel's announcement.
    pub async fn clear_announcement(&self, gid: i64) -> ApiResult<()> {
        self.authed(
            Method::DELETE,
            &format!("/api/group/{gid}/announcement"),
            "announcement",
            |r| r,
        )
        .await?;
        Ok(())
    }
}
