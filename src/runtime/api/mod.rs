//! The typed REST client for a VoceChat server (0.3.3 API, tolerant of newer servers).
//!
//! Owns the HTTP stack (reqwest + rustls), the session (tokens, device) and single-flight token
//! renewal. Every request carries `Referer: <base>/` (login is refused with 451 without it) and
//! authenticated ones carry `X-API-Key`. A 401 triggers exactly one renew-and-retry.
//!
//! Redirects are never followed: a redirected request would carry `X-API-Key`, the refresh
//! token or the password (and, for the event stream, the token in the URL) to another host.
//! A 3xx answer becomes [`ApiError::Redirected`], naming only the target's origin.

mod error;
mod session;

pub use crate::protocol::ApiError;
use crate::protocol::requests::*;
use crate::protocol::types::*;
pub use error::network_error;
pub use session::Session;

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
}

impl ApiClient {
    /// A client for the server at `base` (e.g. `https://chat.example.com`).
    pub fn new(base: &str) -> ApiResult<ApiClient> {
        ApiClient::with_timeout(base, REQUEST_TIMEOUT)
    }

    /// Like [`ApiClient::new`], with another limit on each REST request (30 s by default).
    pub fn with_timeout(base: &str, request_timeout: Duration) -> ApiResult<ApiClient> {
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

    async fn renew_locked(&self, guard: &mut Option<Session>) -> ApiResult<String> {
        let session = guard.as_ref().ok_or(ApiError::NoSession)?;
        let body = RenewRequest {
            token: session.token.clone(),
            refresh_token: session.refresh_token.clone(),
        };
        let resp = self
            .send_plain(self.request(Method::POST, "/api/token/renew").json(&body))
            .await?;
        let status = resp.status();
        if !status.is_success() {
            let text = error_text(resp).await;
            return Err(match status {
                StatusCode::UNAUTHORIZED => ApiError::Unauthorized,
                _ => ApiError::from_status(status, &text, "token renewal"),
            });
        }
        let renewed: RenewResponse = read_json(resp).await?;
        let mut next = session.clone();
        next.apply_renew(&renewed);
        tracing::debug!(uid = next.uid, "access token renewed");
        let token = next.token.clone();
        *guard = Some(next.clone());
        self.inner.session_tx.send_replace(Some(next));
        Ok(token)
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

    /// Moves read markers forward (the server ignores values that go backwards).
    pub async fn read_index(
        &self,
        users: &[UserReadIndex],
        groups: &[GroupReadIndex],
    ) -> ApiResult<()> {
        let body = ReadIndexRequest {
            users: users.to_vec(),
            groups: groups.to_vec(),
        };
        self.authed(Method::POST, "/api/user/read-index", "read markers", |r| {
            r.json(&body)
        })
        .await?;
        Ok(())
    }

    /// Mutes (for `expired_in` seconds, or forever) or unmutes conversations.
    pub async fn mute(&self, change: &MuteChange) -> ApiResult<()> {
        self.authed(Method::POST, "/api/user/mute", "mute", |r| {
            r.json(&change.to_request())
        })
        .await?;
        Ok(())
    }

    /// Sets burn-after-reading for your future messages to `target` (0 turns it off).
    pub async fn burn_after_reading(&self, target: Target, expires_in: i64) -> ApiResult<()> {
        let body = match target {
            Target::User { uid } => BurnRequest {
                users: vec![UserBurn { uid, expires_in }],
                ..BurnRequest::default()
            },
            Target::Group { gid } => BurnRequest {
                groups: vec![GroupBurn { gid, expires_in }],
                ..BurnRequest::default()
            },
        };
        self.authed(
            Method::POST,
            "/api/user/burn-after-reading",
            "burn after reading",
            |r| r.json(&body),
        )
        .await?;
        Ok(())
    }

    // ---------------------------------------------------------------- server & files

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

    pub async fn organization(&self) -> ApiResult<Organization> {
        let resp = self
            .send_plain(self.request(Method::GET, "/api/admin/system/organization"))
            .await?;
        let resp = check_status(resp, "organization").await?;
        read_json(resp).await
    }

    /// Step 1 of an upload: returns the file id.
    pub async fn file_prepare(
        &self,
        content_type: Option<&str>,
        filename: Option<&str>,
    ) -> ApiResult<String> {
        let body = FilePrepareRequest {
            content_type: content_type.map(str::to_string),
            filename: filename.map(str::to_string),
        };
        let resp = self
            .authed(
                Method::POST,
                "/api/resource/file/prepare",
                "file upload",
                |r| r.json(&body),
            )
            .await?;
        read_json(resp).await
    }

    /// Step 2 of an upload: appends one chunk. Returns the stored file after the last chunk.
    pub async fn file_upload_chunk(
        &self,
        file_id: &str,
        chunk: bytes::Bytes,
        is_last: bool,
    ) -> ApiResult<Option<UploadedFile>> {
        let file_id = file_id.to_string();
        let resp = self
            .authed(
                Method::POST,
                "/api/resource/file/upload",
                "file upload",
                move |r| {
                    let part = reqwest::multipart::Part::stream(chunk.clone())
                        .file_name("blob")
                        .mime_str("application/octet-stream")
                        .expect("static mime type parses");
                    let form = reqwest::multipart::Form::new()
                        .text("file_id", file_id.clone())
                        .part("chunk_data", part)
                        .text("chunk_is_last", if is_last { "true" } else { "false" });
                    r.multipart(form)
                },
            )
            .await?;
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

    /// Avatar URL of a user (no auth needed).
    pub fn avatar_url(&self, uid: i64) -> Url {
        let mut url = self.url("/api/resource/avatar");
        url.query_pairs_mut().append_pair("uid", &uid.to_string());
        url
    }

    /// Download URL of an uploaded file (downloads need no auth).
    pub fn file_url(&self, path: &str, thumbnail: bool) -> Url {
        let mut url = self.url("/api/resource/file");
        url.query_pairs_mut().append_pair("file_path", path);
        if thumbnail {
            url.query_pairs_mut().append_pair("thumbnail", "true");
        }
        url
    }

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

/// A mute/unmute request body (`POST /api/user/mute`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MuteChange {
    /// (uid, seconds or forever)
    pub add_users: Vec<(i64, Option<i64>)>,
    pub add_groups: Vec<(i64, Option<i64>)>,
    pub remove_users: Vec<i64>,
    pub remove_groups: Vec<i64>,
}

impl MuteChange {
    /// The wire body.
    pub fn to_request(&self) -> MuteRequest {
        MuteRequest {
            add_users: self
                .add_users
                .iter()
                .map(|&(uid, expired_in)| UserMuteRequest { uid, expired_in })
                .collect(),
            add_groups: self
                .add_groups
                .iter()
                .map(|&(gid, expired_in)| GroupMuteRequest { gid, expired_in })
                .collect(),
            remove_users: self.remove_users.clone(),
            remove_groups: self.remove_groups.clone(),
        }
    }
}

async fn check_status(resp: Response, what: &str) -> ApiResult<Response> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let text = error_text(resp).await;
    Err(ApiError::from_status(status, &text, what))
}

async fn read_json<T: DeserializeOwned>(resp: Response) -> ApiResult<T> {
    let is_html = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let too_large = ApiError::AnswerTooLarge {
        limit_bytes: MAX_JSON_BYTES as u64,
    };
    // A declared length over the limit is not read at all.
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_JSON_BYTES as u64)
    {
        return Err(too_large);
    }
    let (bytes, complete) = read_capped(resp, MAX_JSON_BYTES).await?;
    if !complete {
        return Err(too_large);
    }
    if is_html {
        return Err(ApiError::NotVoceChat(
            "got an HTML page instead of an API answer".into(),
        ));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::NotVoceChat(format!("unexpected answer ({e})")))
}

/// Where a 3xx answer to a request for `from` points, safe to show and log: only the
/// target's origin (scheme, host, port), never its path or query string, which may carry a
/// token.
pub(crate) fn redirect_target(from: &Url, headers: &reqwest::header::HeaderMap) -> String {
    let location = headers
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok());
    let Some(location) = location else {
        return "an unspecified address".into();
    };
    match from.join(location.trim()) {
        Ok(target) if matches!(target.scheme(), "http" | "https") => {
            crate::sanitize::one_line(&target.origin().ascii_serialization(), 120)
        }
        Ok(target) => format!(
            "a {}: address",
            crate::sanitize::one_line(target.scheme(), 20)
        ),
        Err(_) => "an unreadable address".into(),
    }
}

/// Reads the body, but no more than `limit` bytes of it: returns what was read and whether
/// that was all. A longer body is abandoned (dropping it closes the connection).
async fn read_capped(mut resp: Response, limit: usize) -> ApiResult<(Vec<u8>, bool)> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| network_error(&e))? {
        let room = limit - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, false));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, true))
}

/// The text of an error answer, cut at [`MAX_TEXT_BYTES`]; empty if it cannot be read.
async fn error_text(resp: Response) -> String {
    match read_capped(resp, MAX_TEXT_BYTES).await {
        Ok((body, _)) => String::from_utf8_lossy(&body).into_owned(),
        Err(_) => String::new(),
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
    fn redirect_targets_show_only_an_origin() {
        let from = Url::parse("https://chat.example.com/api/user/events?api-key=T").unwrap();
        let target = |location: &str| {
            let mut h = reqwest::header::HeaderMap::new();
            h.insert(
                reqwest::header::LOCATION,
                HeaderValue::from_str(location).unwrap(),
            );
            redirect_target(&from, &h)
        };
        assert_eq!(
            target("http://evil.example:8080/steal?api-key=T#x"),
            "http://evil.example:8080"
        );
        assert_eq!(target("//evil.example/x?t=1"), "https://evil.example");
        assert_eq!(target("/elsewhere?api-key=T"), "https://chat.example.com");
        assert_eq!(
            target("https://user:SECRET@evil.example/"),
            "https://evil.example"
        );
        assert_eq!(target("ftp://evil.example/file"), "a ftp: address");
        assert_eq!(target("http://[::1"), "an unreadable address");
        assert_eq!(
            redirect_target(&from, &reqwest::header::HeaderMap::new()),
            "an unspecified address"
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
