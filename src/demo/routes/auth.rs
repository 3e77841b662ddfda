//! System and auth routes: initialized, version (text/plain), organization, login config,
//! the VoceSpace config of newer servers, and login (Referer rule first), renew, logout.

use super::{
    Resp, S, authed, empty, json_ok, parse_body, reply_with, respond, respond_empty, text,
};
use crate::protocol::requests::*;
use crate::protocol::types::*;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Response, header};
use serde_json::json;

pub(super) async fn initialized(State(s): S) -> Resp {
    json_ok(&!s.state().users.is_empty())
}

pub(super) async fn version(State(s): S) -> Resp {
    let version = if s.config.newer {
        super::newer::VERSION
    } else {
        "0.3.3"
    };
    let mut r = Response::new(Body::from(version));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

pub(super) async fn organization(State(s): S) -> Resp {
    json_ok(&s.state().organization)
}

pub(super) async fn vocespace_config(State(s): S, headers: HeaderMap) -> Resp {
    let Some(url) = s.config.vocespace_url.clone() else {
        return text(404, "not found");
    };
    respond(authed(&s, &headers, |_, _, _| {
        Ok(VoceSpaceConfig {
            enabled: true,
            url,
            state: "success".into(),
            password: String::new(),
            license: String::new(),
        })
    }))
}

pub(super) async fn login_config() -> Resp {
    json_ok(&json!({
        "who_can_sign_up": "EveryOne", "guest": false, "password": true, "magic_link": true,
        "google": false, "github": false, "oidc": [], "metamask": false, "third_party": false,
    }))
}

pub(super) async fn login(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
    // The license check runs first: no Referer, no login (protocol §0.1).
    let referer_ok = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| url::Url::parse(v).is_ok());
    if !referer_ok {
        return text(451, "License error: Referer is empty.");
    }
    let body: LoginRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    match &body.credential {
        Credential::Password { email, password } => {
            reply_with(s.state().login(email, password, &body.device))
        }
        Credential::MagicLink { magic_token, .. } => {
            super::invites::login_with_link(&s, magic_token, &body.device)
        }
        Credential::Other => empty(403),
    }
}

pub(super) async fn renew(State(s): S, body: Bytes) -> Resp {
    let body: RenewRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    reply_with(s.state().renew(&body.token, &body.refresh_token))
}

pub(super) async fn logout(State(s): S, headers: HeaderMap) -> Resp {
    respond_empty(authed(&s, &headers, |st, uid, device| {
        st.logout(uid, device);
        Ok(())
    }))
}
