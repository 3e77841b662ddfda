//! Clearing history and bulk delete (newer servers, reference §8 and §9). The answers'
//! bodies are not used; 0.3.3 answers all three with 404 (`ApiError::NotFound`, which the app
//! takes as "this server has no such thing").

use super::{ApiClient, ApiResult};
use reqwest::Method;

impl ApiClient {
    /// `DELETE /admin/system/message/clear`: every message on the server (admins).
    pub async fn clear_all_messages(&self) -> ApiResult<()> {
        self.authed(
            Method::DELETE,
            "/api/admin/system/message/clear",
            "the server's messages",
            |r| r,
        )
        .await
        .map(drop)
    }

    /// `DELETE /group/{gid}/clear`: every message of a channel (its owner, admins).
    pub async fn clear_group(&self, gid: i64) -> ApiResult<()> {
        let path = format!("/api/group/{gid}/clear");
        self.authed(Method::DELETE, &path, "the channel's messages", |r| r)
            .await
            .map(drop)
    }

    /// `DELETE /message/bulk/41,42,57`: several messages in one request.
    pub async fn delete_messages(&self, mids: &[i64]) -> ApiResult<()> {
        let list: Vec<String> = mids.iter().map(i64::to_string).collect();
        let path = format!("/api/message/bulk/{}", list.join(","));
        self.authed(Method::DELETE, &path, "messages", |r| r)
            .await
            .map(drop)
    }
}
