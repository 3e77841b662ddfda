//! Saved messages on the server (favorites: per-user archives of messages). A server without
//! the endpoint answers 404 to the list; the executor then keeps saved messages locally.

use super::answers::read_json;
use super::{ApiClient, ApiResult};
use crate::protocol::requests::FavoriteRequest;
use crate::protocol::types::{Archive, FavoriteInfo};
use reqwest::Method;

impl ApiClient {
    pub async fn favorites(&self) -> ApiResult<Vec<FavoriteInfo>> {
        let resp = self
            .authed(Method::GET, "/api/favorite", "saved messages", |r| r)
            .await?;
        read_json(resp).await
    }

    pub async fn favorite(&self, id: &str) -> ApiResult<Archive> {
        let path = format!("/api/favorite/{}", urlencoding(id));
        let resp = self
            .authed(Method::GET, &path, "saved message", |r| r)
            .await?;
        read_json(resp).await
    }

    pub async fn create_favorite(&self, mids: &[i64]) -> ApiResult<FavoriteInfo> {
        let body = FavoriteRequest {
            mid_list: mids.to_vec(),
        };
        let resp = self
            .authed(Method::POST, "/api/favorite", "save", |r| r.json(&body))
            .await?;
        read_json(resp).await
    }

    pub async fn delete_favorite(&self, id: &str) -> ApiResult<()> {
        let path = format!("/api/favorite/{}", urlencoding(id));
        self.authed(Method::DELETE, &path, "saved message", |r| r)
            .await?;
        Ok(())
    }
}

/// A favorite id (the server's, untrusted) as one path segment: anything but letters, digits
/// and `-` is percent-encoded, so it cannot reach another path.
fn urlencoding(id: &str) -> String {
    let mut out = String::new();
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_id_stays_one_path_segment() {
        assert_eq!(super::urlencoding("9c33-ab"), "9c33-ab");
        assert_eq!(super::urlencoding("../admin?x"), "%2E%2E%2Fadmin%3Fx");
    }
}
