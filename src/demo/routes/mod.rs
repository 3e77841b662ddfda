//! HTTP routes of the demo server, with the status codes, bodies and header rules of
//! VoceChat 0.3.3 (protocol §12): the Referer rule on login, plain-text error bodies without a
//! content type, bare JSON scalars, exact content-type matching, `X-Properties`.
//!
//! This file owns the router and the response helpers; the handlers live by area in `auth`,
//! `users` (with the settings endpoints), `groups`, `messages`, `files` and `invites`. Request bodies
//! are read as their `protocol::requests` types.

// Helpers return a ready axum response as their error; this is a test/demo server where
// the size of that error value does not matter.
#![allow(clippy::result_large_err)]

use super::Shared;
use super::state::Refusal;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use axum::routing::{delete, get, post, put};
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::Ordering;

mod archives;
mod auth;
mod clear;
mod contacts;
mod files;
mod groups;
mod invites;
mod messages;
mod newer;
pub mod open_graph;
mod pins;
mod users;

type S = State<Arc<Shared>>;
type Resp = Response<Body>;

pub fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/admin/system/initialized", get(auth::initialized))
        .route("/admin/system/version", get(auth::version))
        .route("/admin/system/organization", get(auth::organization))
        .route(
            "/admin/system/common",
            get(newer::common).put(newer::set_common),
        )
        .route("/admin/system/message/clear", delete(clear::clear_all))
        .route("/admin/login/config", get(auth::login_config))
        .route("/admin/vocespace/config", get(auth::vocespace_config))
        .route("/token/login", post(auth::login))
        .route("/token/renew", post(auth::renew))
        .route("/token/logout", get(auth::logout))
        .route("/user/register", post(invites::register))
        .route("/user/check_magic_token", post(invites::check_magic_token))
        .route(
            "/group/create_reg_magic_link",
            get(invites::create_reg_magic_link),
        )
        .route("/user", get(users::users))
        .route("/user/me", get(users::me))
        .route("/user/devices", get(users::devices))
        .route("/user/devices/{device}", delete(users::delete_device))
        .route("/user/events", get(users::events))
        .route("/user/read-index", post(users::read_index))
        .route("/user/mute", post(users::mute))
        .route("/user/burn-after-reading", post(users::burn))
        .route("/user/pin_chat", post(pins::pin_chat))
        .route("/user/unpin_chat", post(pins::unpin_chat))
        .route("/user/contact_remark", put(pins::contact_remark))
        .route("/user/contacts", get(contacts::contacts))
        .route(
            "/user/update_contact_status",
            post(contacts::update_contact_status),
        )
        .route("/user/search", post(contacts::search))
        .route("/user/join_private", post(contacts::join_private))
        .route("/user/{uid}", get(users::user))
        .route("/user/{uid}/send", post(messages::send_user))
        .route("/user/{uid}/history", get(messages::history_user))
        .route("/group", get(groups::groups).post(groups::create_group))
        .route(
            "/group/create_invite_private_magic_link",
            get(contacts::invite_link),
        )
        .route(
            "/group/{gid}",
            get(groups::group).put(contacts::update_group),
        )
        .route("/group/{gid}/send", post(messages::send_group))
        .route("/group/{gid}/history", get(messages::history_group))
        .route("/group/{gid}/members/add", post(groups::members_add))
        .route("/group/{gid}/members/remove", post(groups::members_remove))
        .route("/group/{gid}/leave", get(groups::leave))
        .route(
            "/group/{gid}/announcement",
            get(pins::announcement)
                .post(pins::set_announcement)
                .delete(pins::clear_announcement),
        )
        .route("/group/{gid}/pin", post(groups::pin))
        .route("/group/{gid}/unpin", post(groups::unpin))
        .route("/group/{gid}/clear", delete(clear::clear_group))
        .route("/message/{mid}/edit", put(messages::edit))
        .route("/message/{mid}/like", put(messages::like))
        .route("/message/{mid}/reply", post(messages::reply))
        .route("/message/{mid}", delete(messages::delete_message))
        .route("/message/bulk/{mids}", delete(clear::delete_bulk))
        .route(
            "/favorite",
            get(messages::favorites).post(messages::create_favorite),
        )
        .route(
            "/favorite/{id}",
            get(messages::favorite).delete(messages::delete_favorite),
        )
        .route("/resource/file/prepare", post(files::file_prepare))
        .route("/resource/file/upload", post(files::file_upload))
        .route("/resource/file", get(files::file_get))
        .route(
            "/resource/archive",
            get(archives::get).post(archives::create),
        )
        .route("/resource/archive/attachment", get(archives::attachment))
        .route(
            "/resource/open_graphic_parse",
            get(open_graph::open_graphic_parse),
        );
    Router::new()
        .nest("/api", api)
        .route("/health", get(|| async { "" }))
        .fallback(|| async { text(404, "not found") })
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            slow_down,
        ))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(shared)
}

/// Fault switch: delay every response.
async fn slow_down(
    State(shared): S,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Resp {
    let ms = shared.faults.slow_ms.load(Ordering::Relaxed);
    if ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    next.run(req).await
}

// ------------------------------------------------------------------ response helpers

fn empty(status: u16) -> Resp {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r
}

/// A plain-text body with no Content-Type header, as the real server sends errors.
fn text(status: u16, body: &str) -> Resp {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r
}

fn json_ok<T: Serialize>(value: &T) -> Resp {
    let mut r = Response::new(Body::from(serde_json::to_vec(value).unwrap_or_default()));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

fn refusal(r: Refusal) -> Resp {
    match r {
        Refusal::Empty(s) => empty(s),
        Refusal::Text(s, body) => text(s, &body),
    }
}

fn reply_with<T: Serialize>(r: Result<T, Refusal>) -> Resp {
    match r {
        Ok(v) => json_ok(&v),
        Err(e) => refusal(e),
    }
}

/// A JSON request body as its protocol type; 400 with the server's text when it is not one.
fn parse_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, Resp> {
    serde_json::from_slice(body)
        .map_err(|e| text(400, &format!("parse request payload error: {e}")))
}

/// Runs `f` with the authenticated (uid, device) under the state lock.
fn authed<T>(
    shared: &Shared,
    headers: &HeaderMap,
    f: impl FnOnce(&mut super::state::State, i64, &str) -> Result<T, Refusal>,
) -> Result<T, Resp> {
    let token = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    let mut state = shared.state();
    let (uid, device) = state.authenticate(token).map_err(refusal)?;
    f(&mut state, uid, &device).map_err(refusal)
}

fn respond<T: Serialize>(r: Result<T, Resp>) -> Resp {
    match r {
        Ok(v) => json_ok(&v),
        Err(e) => e,
    }
}

fn respond_empty(r: Result<(), Resp>) -> Resp {
    match r {
        Ok(()) => empty(200),
        Err(e) => e,
    }
}
