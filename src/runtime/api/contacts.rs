//! Contacts, user search and private-channel invite links of newer servers
//! (`vocechat-newer-servers.md` §5, §13). 0.3.3 answers these 400 (the contact list and the
//! invite link collide with its `/user/{uid}` and `/group/{gid}`) or 404.

use super::answers::{read_capped, read_json};
use super::{ApiClient, ApiError, ApiResult, MAX_TEXT_BYTES};
use crate::protocol::contacts::{
    ContactAction, INVITE_LINK_ACCEPT, MagicToken, UpdateContactStatus, UserSearch,
};
use crate::protocol::newer::ContactEntry;
use crate::protocol::types::{Group, UserInfo};
use reqwest::Method;

impl ApiClient {
    pub async fn contacts(&self) -> ApiResult<Vec<ContactEntry>> {
        let resp = self
            .authed(Method::GET, "/api/user/contacts", "contacts", |r| r)
            .await?;
        read_json(resp).await
    }

    pub async fn update_contact_status(&self, uid: i64, action: ContactAction) -> ApiResult<()> {
        let body = UpdateContactStatus {
            action,
            target_uid: uid,
        };
        self.authed(
            Method::POST,
            "/api/user/update_contact_status",
            "contact",
            |r| r.json(&body),
        )
        .await?;
        Ok(())
    }

    /// One user, or nobody (the server answers an empty or `null` body).
    pub async fn search_user(&self, search: &UserSearch) -> ApiResult<Option<UserInfo>> {
        let resp = self
            .authed(Method::POST, "/api/user/search", "user search", |r| {
                r.json(search)
            })
            .await?;
        let value: Option<serde_json::Value> = match read_json(resp).await {
            Ok(v) => v,
            // "No match" may be an empty body.
            Err(ApiError::NotVoceChat(_)) => None,
            Err(e) => return Err(e),
        };
        match value {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(v) if v.as_object().is_some_and(serde_json::Map::is_empty) => Ok(None),
            Some(v) => serde_json::from_value(v)
                .map(Some)
                .map_err(|e| ApiError::NotVoceChat(format!("unexpected answer ({e})"))),
        }
    }

    /// A link that joins private channel `gid` (text/plain).
    pub async fn private_invite_link(
        &self,
        gid: i64,
        expired_in: i64,
        max_times: i64,
    ) -> ApiResult<String> {
        let path = format!(
            "/api/group/create_invite_private_magic_link?expired_in={expired_in}&max_times={max_times}&gid={gid}"
        );
        let resp = self
            .authed(Method::GET, &path, "invite link", |r| {
                r.header(reqwest::header::ACCEPT, INVITE_LINK_ACCEPT)
            })
            .await?;
        let (body, complete) = read_capped(resp, MAX_TEXT_BYTES).await?;
        if !complete {
            return Err(ApiError::AnswerTooLarge {
                limit_bytes: MAX_TEXT_BYTES as u64,
            });
        }
        Ok(String::from_utf8_lossy(&body)
            .trim()
            .trim_matches('"')
            .to_string())
    }

    /// Joins the private channel an invite link's token is for: the channel.
    pub async fn join_private(&self, magic_token: &str) -> ApiResult<Group> {
        let body = MagicToken {
            magic_token: magic_token.to_string(),
        };
        let resp = self
            .authed(Method::POST, "/api/user/join_private", "join", |r| {
                r.json(&body)
            })
            .await?;
        read_json(resp).await
    }
}
