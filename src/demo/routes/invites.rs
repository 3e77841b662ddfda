//! Invite links, registration and login with an e-mailed link, answered in both profiles as
//! 0.3.3 does (protocol §2.8): `GET /group/create_reg_magic_link` (text/plain link),
//! `POST /user/check_magic_token` (bare bool), `POST /user/register` (a `LoginResponse`;
//! 412, 409, 400) and the `magiclink` credential of `POST /token/login` (see `auth.rs`).

use super::{Resp, S, authed, empty, json_ok, parse_body, reply_with, text};
use crate::protocol::invite::{CheckMagicToken, RegisterRequest};
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Response, header};
use std::collections::HashMap;
use std::time::Duration;

/// How long an invite lasts unless asked otherwise (`magic_token_expiry_seconds`).
const DEFAULT_EXPIRY: Duration = Duration::from_secs(900);

/// The link a server makes for `token`: its own address (the demo has no `frontend_url`).
fn frontend(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// `GET /group/create_reg_magic_link?gid=&expired_in=&max_times=` (token).
pub(super) async fn create_reg_magic_link(
    State(s): S,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Resp {
    let number = |k: &str| q.get(k).map(|v| v.parse::<i64>());
    let gid = match number("gid") {
        Some(Ok(g)) => Some(g),
        Some(Err(_)) => return text(400, "failed to parse parameter `gid`"),
        None => None,
    };
    let ttl = match number("expired_in") {
        Some(Ok(secs)) => Duration::from_secs(secs.clamp(1, 1 << 32) as u64),
        Some(Err(_)) => return text(400, "failed to parse parameter `expired_in`"),
        None => DEFAULT_EXPIRY,
    };
    let made = authed(&s, &headers, |st, uid, _| st.make_invite(uid, gid, ttl));
    match made {
        Ok(token) => {
            let link = format!("{}/?magic_token={token}#/register", frontend(&headers));
            let mut r = Response::new(Body::from(link));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            r
        }
        Err(e) => e,
    }
}

/// `POST /user/check_magic_token` → a bare JSON bool.
pub(super) async fn check_magic_token(State(s): S, body: Bytes) -> Resp {
    let body: CheckMagicToken = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    json_ok(&s.state().token_is_good(&body.magic_token))
}

/// `POST /user/register`: no auth and no Referer rule.
pub(super) async fn register(State(s): S, body: Bytes) -> Resp {
    let body: RegisterRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let result = s.state().register(&body);
    match result {
        // The conflict's reason is a JSON body, as the real server sends it.
        Err(super::Refusal::Text(409, reason)) => {
            let mut r =
                json_ok(&serde_json::from_str::<serde_json::Value>(&reason).unwrap_or_default());
            *r.status_mut() = axum::http::StatusCode::CONFLICT;
            r
        }
        other => reply_with(other),
    }
}

/// Login with a login link's token (the `magiclink` credential).
pub(super) fn login_with_link(s: &super::Shared, token: &str, device: &str) -> Resp {
    if token.is_empty() {
        return empty(400);
    }
    reply_with(s.state().login_with_token(token, device))
}
