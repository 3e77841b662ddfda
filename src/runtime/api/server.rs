//! Server-level calls: the version probe (which also tells a VoceChat server from anything
//! else), the organization, and the VoceSpace deployment of newer servers.

use super::{ApiClient, ApiError, ApiResult, MAX_TEXT_BYTES, check_status, read_capped, read_json};
use crate::protocol::newer::SystemCommon;
use crate::protocol::types::{Organization, VoceSpaceConfig};
use reqwest::Method;

impl ApiClient {
    /// The server version text (`0.3.3`). Also tells whether the URL is a VoceChat server.
    pub async fn version(&self) -> ApiResult<String> {
        let resp = self
            .send_plain(self.request(Method::GET, "/api/admin/system/version"))
            .await?;
        let status = resp.status();
        if !status.is_success() {
            return Err(ApiError::NotVoceChat(format!(
                "version endpoint answered {status}"
            )));
        }
        // A version is a few bytes; anything past the text cap is not one.
        let (body, complete) = read_capped(resp, MAX_TEXT_BYTES).await?;
        let text = String::from_utf8_lossy(&body);
        let version = text.trim().trim_matches('"').to_string();
        if !complete
            || version.is_empty()
            || version.len() > 40
            || !version.chars().next().is_some_and(|c| c.is_ascii_digit())
        {
            return Err(ApiError::NotVoceChat(
                "unexpected answer from the version endpoint".into(),
            ));
        }
        Ok(version)
    }

    /// The server-wide switches of newer servers: `Ok(None)` when the server has no such
    /// endpoint (0.3.3 answers 404; 405 and 400 are taken the same way).
    pub async fn system_common(&self) -> ApiResult<Option<SystemCommon>> {
        let result = self
            .authed(
                Method::GET,
                "/api/admin/system/common",
                "server settings",
                |r| r,
            )
            .await;
        match result {
            Ok(resp) => Ok(Some(read_json(resp).await?)),
            Err(ApiError::NotFound(_))
            | Err(ApiError::BadRequest(_))
            | Err(ApiError::Server { status: 405, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn organization(&self) -> ApiResult<Organization> {
        let resp = self
            .send_plain(self.request(Method::GET, "/api/admin/system/organization"))
            .await?;
        let resp = check_status(resp, "organization").await?;
        read_json(resp).await
    }

    /// The server's VoceSpace deployment (newer servers only): `Ok(None)` when the server has
    /// no such endpoint or nothing is deployed.
    pub async fn vocespace_base(&self) -> ApiResult<Option<String>> {
        let result = self
            .authed(
                Method::GET,
                "/api/admin/vocespace/config",
                "VoceSpace settings",
                |r| r,
            )
            .await;
        let resp = match result {
            Ok(r) => r,
            Err(ApiError::NotFound(_))
            | Err(ApiError::Server { status: 405, .. })
            | Err(ApiError::Forbidden(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let v: serde_json::Value = read_json(resp).await?;
        Ok(VoceSpaceConfig::from_json(&v)
            .deployed_url()
            .and_then(crate::protocol::vocespace::normalize_base))
    }
}
