//! Forwarding (protocol §4.10): an archive of messages made on the server, sent as a
//! `vocechat/archive` message, and an archive read back by its path (no auth, as 0.3.3
//! serves it; the path is the server's, untrusted, so it goes as a query value only).

use super::answers::{check_status, read_json};
use super::{ApiClient, ApiResult};
use crate::protocol::requests::FavoriteRequest;
use crate::protocol::types::{Archive, Content, Properties, Target};
use reqwest::Method;

impl ApiClient {
    /// Makes an archive of `mids` (every one a text, markdown or file message you can see):
    /// its path.
    pub async fn create_archive(&self, mids: &[i64]) -> ApiResult<String> {
        let body = FavoriteRequest {
            mid_list: mids.to_vec(),
        };
        let resp = self
            .authed(Method::POST, "/api/resource/archive", "forward", |r| {
                r.json(&body)
            })
            .await?;
        read_json(resp).await
    }

    /// Forwards `mids` to `to`: an archive made of them, then sent there. The new message's
    /// mid.
    pub async fn forward(&self, mids: &[i64], to: Target) -> ApiResult<i64> {
        let path = self.create_archive(mids).await?;
        self.send(to, &Content::Archive(path), &Properties::default())
            .await
    }

    /// The archive at `path` (a forwarded message's content).
    pub async fn archive(&self, path: &str) -> ApiResult<Archive> {
        let req = self
            .request(Method::GET, "/api/resource/archive")
            .query(&[("file_path", path)]);
        let resp = self.send_plain(req).await?;
        read_json(check_status(resp, "forwarded messages").await?).await
    }
}
