//! Link previews: `GET /api/resource/open_graphic_parse?url=<link>` on the account's own
//! server (which fetches the page; the client never contacts the link's site). The endpoint
//! takes no token, so none is sent. The answer is read up to
//! [`OPEN_GRAPH_MAX_BYTES`](crate::protocol::open_graph::OPEN_GRAPH_MAX_BYTES): a longer one
//! is refused while streaming.

use super::{ApiClient, ApiError, ApiResult, check_status, read_capped};
use crate::protocol::open_graph::{OPEN_GRAPH_MAX_BYTES, OPEN_GRAPH_PATH, OpenGraph};
use reqwest::Method;

impl ApiClient {
    /// What the server found at `url` (an all-empty answer when it could not fetch it).
    pub async fn open_graph(&self, url: &str) -> ApiResult<OpenGraph> {
        let req = self
            .request(Method::GET, OPEN_GRAPH_PATH)
            .query(&[("url", url)]);
        let resp = check_status(self.send_plain(req).await?, "link preview").await?;
        let too_large = ApiError::AnswerTooLarge {
            limit_bytes: OPEN_GRAPH_MAX_BYTES as u64,
        };
        if resp
            .content_length()
            .is_some_and(|n| n > OPEN_GRAPH_MAX_BYTES as u64)
        {
            return Err(too_large);
        }
        let (bytes, complete) = read_capped(resp, OPEN_GRAPH_MAX_BYTES).await?;
        if !complete {
            return Err(too_large);
        }
        serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::NotVoceChat(format!("unexpected link preview ({e})")))
    }
}
