//! The typed REST client for a VoceChat server (0.3.3 API, tolerant of newer servers).
//!
//! Owns the HTTP stack (reqwest + rustls), the session (tokens, device) and single-flight token
//! renewal. Every request carries `Referer: <base>/` (login is refused with 451 without it) and
//! authenticated ones carry `X-API-Key`. A 401 triggers exactly one renew-and-retry.
//!
//! Redirects are never followed: a redirected request would carry `X-API-Key`, the refresh
//! token or the password (and, for the event stream, the token in the URL) to another host.
//! A 3xx answer becomes [`ApiError::Redirected`], naming only the target's origin.
//!
//! This file owns the client, the session and auth, users, groups, messages and the request
//! plumbing; beside it: `settings` (read markers, mutes, burn-after-reading), `files`
//! (uploads and file URLs), `server` (version, organization, VoceSpace), `register` (invite and
//! login links), `answers` (reading
//! answers safely), `session` and `error`. Request bodies are `protocol::requests` types.

mod answers;
mod archive;
mod clear;
mod contacts;
mod error;
mod favorites;
mod files;
mod open_graph;
mod personal;
mod register;
mod renew;
mod server;
mod session;
mod settings;

pub use crate::protocol::ApiError;
use crate::protocol::requests::*;
use crate::protocol::types::*;
pub use error::network_error;
pub use session::Session;
pub use settings::MuteChange;

pub(crate) use answers::redirect_target;
use answers::{check_status, error_text, read_capped, read_json};
pub use renew::SessionShare;

use reqwest::header::{HeaderMap, HeaderValue, REFERER};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, watch};
use url::Url;

/// Per-request timeout for ordinary REST calls (never applied to the SSE stream).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest JSON answer read (a 300-message history page is well under 1 MiB).
pub const MAX_JSON_BYTES: usize = 32 << 20;

/// The most of an error or text answer read; the rest is ignored.
pub const MAX_TEXT_BYTES: usize = 64 << 10;

pub type ApiResult<T> = Result<T, ApiError>;

/// A cheap-to-clone handle on one server; all clones share the session.
#[derive(Clone)]
pub struct ApiClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: Url,
    session: Mutex<Option<Session>>,
    session_tx: watch::Sender<Option<Session>>,
    /// Renew when the access token has less than this left.
    renew_margin_ms: i64,
    /// Applied to every REST request, body included (never to the SSE stream).
    request_timeout: Duration,
    /// Where the session is shared with other processes (set once, after login).
    share: std::sync::OnceLock<Arc<dyn SessionShare>>,
}

impl ApiClient {
    /// A client for the server at `base` (e.g. `https://chat.example.com`).
    pub fn new(base: &str) -> ApiResult<ApiClient> {
        ApiClient::with_timeout(base, REQUEST_TIMEOUT)
    }

    /// Like [`ApiClient::new`], with another limit on each REST request (30 s by default).
    pub fn with_timeout(base: &str, request_timeout: Duration) -> ApiResult<ApiClient> {
        // TLS runs on ring, the process's one provider (installed once; later calls do
        // nothing).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let base = normalize_base(base)?;
        let mut headers = HeaderMap::new();
        let referer = HeaderValue::from_str(base.as_str())
            .map_err(|_| ApiError::BadRequest("server URL is not a valid header value".into()))?;
        headers.insert(REFERER, referer);
        let http = reqwest::Client::builder()
            .default_headers(headers)
            // Never follow a redirect, and never let reqwest add a Referer of its own (it
            // would carry the previous URL, query string and all).
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("vocechat-tui/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::Network(e.to_string()))?;
        let (session_tx, _) = watch::channel(None);
        Ok(ApiClient {
            inner: Arc::new(Inner {
                http,
                base,
                session: Mutex::new(None),
                session_tx,
                renew_margin_ms: 20_000,
                request_timeout,
                share: std::sync::OnceLock::new(),
            }),
        })
    }

    /// The server's base URL, always ending in `/`.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// The shared reqwest client, so the SSE stream rides on the same HTTP stack.
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    #[allow(clippy::expect_used)] // every path is a "/api/…" string built in this module
    pub fn url(&self, path: &str) -> Url {
        // `path` starts with `/api/...`; join keeps any prefix the base URL has.
        self.inner
            .base
            .join(path.trim_start_matches('/'))
            .expect("API paths are valid relative URLs")
    }

    /// Installs (or clears) a session, e.g. one loaded from disk.
    pub async fn set_session(&self, session: Option<Session>) {
        let mut guard = self.inner.session.lock().await;
        *guard = session.clone();
        self.inner.session_tx.send_replace(session);
    }

    pub async fn session(&self) -> Option<Session> {
        self.inner.session.lock().await.clone()
    }

    /// Every session change (login, renew with the rotated refresh token, logout), so the
    /// owner can persist it.
    pub fn watch_session(&self) -> watch::Receiver<Option<Session>> {
        self.inner.session_tx.subscribe()
    }

    // ---------------------------------------------------------------- auth

    /// Password login on `device`. Installs the new session.
    pub async fn login(&self, email: &str, password: &str, device: &str) -> ApiResult<Session> {
        let body = LoginRequest {
            credential: Credential::Password {
                email: email.trim().to_lowercase(),
                password: password.to_string(),
            },
            device: device.to_string(),
            device_token: None,
        };
        let resp = self
            .send_plain(self.request(Method::POST, "/api/token/login").json(&body))
            .await?;
        let status = resp.status();
        if !status.is_success() {
            let text = error_text(resp).await;
            return Err(match status.as_u16() {
                401 => ApiError::WrongPassword,
                404 if text.trim().is_empty() => ApiError::UnknownEmail,
                404 => ApiError::NotVoceChat("no login endpoint at this address".into()),
                403 => ApiError::LoginDisabled,
                _ => ApiError::from_status(status, &text, "login"),
            });
        }
        let login: LoginResponse = read_json(resp).await?;
        let session = Session::from_login(&login, device);
        self.set_session(Some(session.clone())).await;
        Ok(session)
    }

    /// A valid access token, renewed first if it is about to expire. Concurrent callers wait
    /// for the one renew in flight instead of starting their own (the refresh token rotates, so
    /// two renews would race and one would fail).
    pub async fn access_token(&self) -> ApiResult<String> {
        let mut guard = self.inner.session.lock().await;
        let session = guard.as_ref().ok_or(ApiError::NoSession)?;
        if session.ms_left() > session.renew_margin_ms(self.inner.renew_margin_ms) {
            return Ok(session.token.clone());
        }
        self.renew_locked(&mut guard).await
    }

    /// A token with at least `min_left` of life: used before opening the SSE stream, which
    /// cannot renew once connected.
    pub async fn fresh_token(&self, min_left: Duration) -> ApiResult<String> {
        let mut guard = self.inner.session.lock().await;
        let session = guard.as_ref().ok_or(ApiError::NoSession)?;
        let min_left = i64::try_from(min_left.as_millis()).unwrap_or(i64::MAX);
        if session.ms_left() > min_left {
            return Ok(session.token.clone());
        }
        self.renew_locked(&mut guard).await
    }

    /// Renews after the server answered 401 to `stale`. If another caller already renewed,
    /// the newer token is returned without a second renew.
    pub async fn renew_after_rejection(&self, stale: &str) -> ApiResult<String> {
        let mut guard = self.inner.session.lock().await;
        let session = guard.as_ref().ok_or(ApiError::NoSession)?;
        if session.token != stale {
            return Ok(session.token.clone());
        }
        self.renew_locked(&mut guard).await
    }

    /// Ends the session on the server (its SSE stream gets `kick`/`logout`) and forgets it.
    pub async fn logout(&self) -> ApiResult<()> {
        let result = self
            .authed(Method::GET, "/api/token/logout", "logout", |r| r)
            .await
            .map(|_| ());
        self.set_session(None).await;
        match result {
            Err(ApiError::Unauthorized) | Err(ApiError::NoSession) => Ok(()),
            other => other,
        }
    }

    // ---------------------------------------------------------------- users & groups

    pub async fn me(&self) -> ApiResult<UserInfo> {
        self.get_json("/api/user/me", "your account").await
    }

    pub async fn users(&self) -> ApiResult<Vec<UserInfo>> {
        self.get_json("/api/user", "users").await
    }

    pub async fn user(&self, uid: i64) -> ApiResult<UserInfo> {
        self.get_json(&format!("/api/user/{uid}"), &format!("user {uid}"))
            .await
    }

    pub async fn devices(&self) -> ApiResult<Vec<String>> {
        self.get_json("/api/user/devices", "devices").await
    }

    /// Logs one of your devices out (its stream gets `kick`/`delete_device`). 0.3.3 answers
    /// 401 for a device it does not know, so the token is made fresh first and a 401 then
    /// means "no such device", never "log in again".
    pub async fn delete_device(&self, device: &str) -> ApiResult<()> {
        if device.is_empty() || device == "." || device == ".." {
            // A URL path cannot carry these as a segment: it would name another endpoint.
            return Err(ApiError::BadRequest(format!(
                "a device named {device:?} cannot be addressed"
            )));
        }
        let token = self.fresh_token(Duration::from_secs(60)).await?;
        let mut url = self.url("/api/user/devices");
        url.path_segments_mut()
            .map_err(|()| ApiError::BadRequest("server URL cannot have a path".into()))?
            .push(device);
        let req = self
            .inner
            .http
            .request(Method::DELETE, url)
            .timeout(self.inner.request_timeout)
            .header("X-API-Key", token);
        let resp = self.send_plain(req).await?;
        match resp.status() {
            s if s.is_success() => Ok(()),
            StatusCode::UNAUTHORIZED => Err(ApiError::NotFound(
                "the server has no such device (logged out already?)".into(),
            )),
            s => {
                let text = error_text(resp).await;
                Err(ApiError::from_status(s, &text, "logging the device out"))
            }
        }
    }

    pub async fn groups(&self) -> ApiResult<Vec<Group>> {
        self.get_json("/api/group", "channels").await
    }

    pub async fn group(&self, gid: i64) -> ApiResult<Group> {
        self.get_json(&format!("/api/group/{gid}"), &format!("channel {gid}"))
            .await
    }

    pub async fn create_group(&self, group: &NewGroup) -> ApiResult<CreatedGroup> {
        let resp = self
            .authed(Method::POST, "/api/group", "create channel", |r| {
                r.json(group)
            })
            .await?;
        read_json(resp).await
    }

    pub async fn add_members(&self, gid: i64, uids: &[i64]) -> ApiResult<()> {
        let path = format!("/api/group/{gid}/members/add");
        self.authed(Method::POST, &path, "add members", |r| r.json(uids))
            .await?;
        Ok(())
    }

    pub async fn remove_members(&self, gid: i64, uids: &[i64]) -> ApiResult<()> {
        let path = format!("/api/group/{gid}/members/remove");
        self.authed(Method::POST, &path, "remove members", |r| r.json(uids))
            .await?;
        Ok(())
    }

    /// Leaves a private channel (the method really is GET).
    pub async fn leave_group(&self, gid: i64) -> ApiResult<()> {
        let path = format!("/api/group/{gid}/leave");
        self.authed(Method::GET, &path, "leave channel", |r| r)
            .await?;
        Ok(())
    }

    pub async fn pin(&self, gid: i64, mid: i64) -> ApiResult<()> {
        let path = format!("/api/group/{gid}/pin");
        self.authed(Method::POST, &path, "pin", |r| r.json(&PinRequest { mid }))
            .await?;
        Ok(())
    }

    pub async fn unpin(&self, gid: i64, mid: i64) -> ApiResult<()> {
        let path = format!("/api/group/{gid}/unpin");
        self.authed(Method::POST, &path, "unpin", |r| {
            r.json(&PinRequest { mid })
        })
        .await?;
        Ok(())
    }

    // ---------------------------------------------------------------- messages

    /// Sends a new message; returns its mid.
    pub async fn send(&self, to: Target, content: &Content, props: &Properties) -> ApiResult<i64> {
        let path = match to {
            Target::User { uid } => format!("/api/user/{uid}/send"),
            Target::Group { gid } => format!("/api/group/{gid}/send"),
        };
        let what = match to {
            Target::User { uid } => format!("user {uid}"),
            Target::Group { gid } => format!("channel {gid}"),
        };
        self.content_call(Method::POST, &path, &what, content, props)
            .await
    }

    /// Replaces the content of your message `mid`; returns the mid of the edit record.
    pub async fn edit(&self, mid: i64, content: &Content, props: &Properties) -> ApiResult<i64> {
        let path = format!("/api/message/{mid}/edit");
        self.content_call(
            Method::PUT,
            &path,
            &format!("message {mid}"),
            content,
            props,
        )
        .await
    }

    /// Quotes `mid` in a new message in the same conversation.
    pub async fn reply(&self, mid: i64, content: &Content, props: &Properties) -> ApiResult<i64> {
        let path = format!("/api/message/{mid}/reply");
        self.content_call(
            Method::POST,
            &path,
            &format!("message {mid}"),
            content,
            props,
        )
        .await
    }

    /// Adds (or, by convention, toggles off) a reaction. `action` must be one of [`REACTIONS`].
    pub async fn like(&self, mid: i64, action: &str) -> ApiResult<i64> {
        if !REACTIONS.contains(&action) {
            return Err(ApiError::BadRequest(format!(
                "{action} is not a reaction the server accepts"
            )));
        }
        let path = format!("/api/message/{mid}/like");
        let resp = self
            .authed(Method::PUT, &path, &format!("message {mid}"), |r| {
                r.json(&LikeRequest {
                    action: action.to_string(),
                })
            })
            .await?;
        read_json(resp).await
    }

    pub async fn delete_message(&self, mid: i64) -> ApiResult<i64> {
        let path = format!("/api/message/{mid}");
        let resp = self
            .authed(Method::DELETE, &path, &format!("message {mid}"), |r| r)
            .await?;
        read_json(resp).await
    }

    /// Up to `limit` of the newest messages with `mid < before` (exclusive), ascending.
    pub async fn history(
        &self,
        of: Target,
        before: Option<i64>,
        limit: u32,
    ) -> ApiResult<Vec<ChatMessage>> {
        let path = match of {
            Target::User { uid } => format!("/api/user/{uid}/history"),
            Target::Group { gid } => format!("/api/group/{gid}/history"),
        };
        let query = HistoryQuery {
            limit: Some(limit as usize),
            before,
        };
        let resp = self
            .authed(Method::GET, &path, "history", |r| r.query(&query))
            .await?;
        read_json(resp).await
    }

    // ---------------------------------------------------------------- event stream

    /// The SSE URL: the token goes in the query string (the header is ignored there).
    pub fn events_url(
        &self,
        token: &str,
        after_mid: Option<i64>,
        users_version: Option<i64>,
    ) -> Url {
        let mut url = self.url("/api/user/events");
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("api-key", token);
            // 0 would replay everything; the web client leaves both out when unset.
            if let Some(m) = after_mid.filter(|m| *m > 0) {
                q.append_pair("after_mid", &m.to_string());
            }
            if let Some(v) = users_version.filter(|v| *v > 0) {
                q.append_pair("users_version", &v.to_string());
            }
        }
        url
    }

    // ---------------------------------------------------------------- plumbing

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.inner
            .http
            .request(method, self.url(path))
            .timeout(self.inner.request_timeout)
    }

    /// Sends `req`; a redirect answer is an error (see the module docs), never followed.
    async fn send_plain(&self, req: RequestBuilder) -> ApiResult<Response> {
        let resp = req.send().await.map_err(|e| network_error(&e))?;
        if resp.status().is_redirection() {
            let to = redirect_target(resp.url(), resp.headers());
            tracing::warn!(status = resp.status().as_u16(), %to, "not following a redirect");
            return Err(ApiError::Redirected { to });
        }
        Ok(resp)
    }

    /// Sends an authenticated request; on 401 renews once and retries. Non-success statuses
    /// become errors naming `what`.
    async fn authed<F>(
        &self,
        method: Method,
        path: &str,
        what: &str,
        build: F,
    ) -> ApiResult<Response>
    where
        F: Fn(RequestBuilder) -> RequestBuilder,
    {
        let token = self.access_token().await?;
        let send = |token: &str| {
            let req = self
                .request(method.clone(), path)
                .header("X-API-Key", token);
            self.send_plain(build(req))
        };
        let mut resp = send(&token).await?;
        if resp.status() == StatusCode::UNAUTHORIZED {
            let token = self.renew_after_rejection(&token).await?;
            resp = send(&token).await?;
        }
        check_status(resp, what).await
    }

    async fn get_json<T: DeserializeOwned>(&self, path: &str, what: &str) -> ApiResult<T> {
        let resp = self.authed(Method::GET, path, what, |r| r).await?;
        read_json(resp).await
    }

    async fn content_call(
        &self,
        method: Method,
        path: &str,
        what: &str,
        content: &Content,
        props: &Properties,
    ) -> ApiResult<i64> {
        let header = props.header_value();
        let body = content.body();
        let resp = self
            .authed(method, path, what, |r| {
                let r = r
                    .header(reqwest::header::CONTENT_TYPE, content.content_type())
                    .body(body.clone());
                match &header {
                    Some(h) => r.header("X-Properties", h.as_str()),
                    None => r,
                }
            })
            .await?;
        read_json(resp).await
    }
}

fn normalize_base(base: &str) -> ApiResult<Url> {
    let trimmed = base.trim();
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_string()
    } else {
        format!("https://{trimmed}")
    };
    let mut url = Url::parse(&with_scheme)
        .map_err(|e| ApiError::BadRequest(format!("invalid server URL {trimmed:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ApiError::BadRequest(format!(
            "unsupported URL scheme {}",
            url.scheme()
        )));
    }
    url.set_query(None);
    url.set_fragment(None);
    if !url.path().ends_with('/') {
        let p = format!("{}/", url.path());
        url.set_path(&p);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn base_urls_are_normalized() {
        assert_eq!(
            normalize_base("chat.example.com").unwrap().as_str(),
            "https://chat.example.com/"
        );
        assert_eq!(
            normalize_base("http://127.0.0.1:3000").unwrap().as_str(),
            "http://127.0.0.1:3000/"
        );
        assert_eq!(
            normalize_base("https://x.org/vc?a=1#f").unwrap().as_str(),
            "https://x.org/vc/"
        );
        assert!(normalize_base("ftp://x").is_err());
    }

    #[test]
    fn urls_keep_a_path_prefix_and_never_add_a_trailing_slash() {
        let api = ApiClient::new("https://x.org/vc").unwrap();
        assert_eq!(api.url("/api/user").as_str(), "https://x.org/vc/api/user");
        let ev = api.events_url("tok", Some(0), Some(7));
        assert_eq!(
            ev.as_str(),
            "https://x.org/vc/api/user/events?api-key=tok&users_version=7"
        );
        let f = api.file_url("2026/1/5/abc", true);
        assert_eq!(
            f.as_str(),
            "https://x.org/vc/api/resource/file?file_path=2026%2F1%2F5%2Fabc&thumbnail=true"
        );
    }

    #[test]
    fn properties_encode_as_base64_json() {
        use base64::Engine;
        let mut p = Properties::with_local_id(17);
        p.mentions = vec![2, 3];
        let raw = base64::engine::general_purpose::STANDARD
            .decode(p.header_value().unwrap())
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&raw).unwrap();
        assert_eq!(v, json!({"local_id": 17, "mentions": [2, 3]}));
        assert_eq!(Properties::default().header_value(), None);
    }
}
