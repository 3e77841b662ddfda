//! User routes: the user list and one user, `me`, devices, the event stream's entry point,
//! and the per-user settings (read index, mute, burn-after-reading).

use super::{Resp, S, authed, empty, json_ok, parse_body, refusal, respond, respond_empty, text};
use crate::demo::state::Refusal;
use crate::protocol::requests::*;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use serde::Deserialize;

pub(super) async fn users(State(s): S) -> Resp {
    let st = s.state();
    json_ok(&st.users.values().map(|u| &u.info).collect::<Vec<_>>())
}

pub(super) async fn user(State(s): S, Path(uid): Path<String>) -> Resp {
    let Ok(uid) = uid.parse::<i64>() else {
        return text(400, "failed to parse parameter `uid`");
    };
    let st = s.state();
    match st.users.get(&uid) {
        Some(u) => json_ok(&u.info),
        None => empty(404),
    }
}

pub(super) async fn me(State(s): S, headers: HeaderMap) -> Resp {
    respond(authed(&s, &headers, |st, uid, _| {
        st.users
            .get(&uid)
            .map(|u| u.info.clone())
            .ok_or(Refusal::Text(401, "authorization error".into()))
    }))
}

pub(super) async fn devices(State(s): S, headers: HeaderMap) -> Resp {
    respond(authed(&s, &headers, |st, uid, _| Ok(st.devices_of(uid))))
}

/// `DELETE /user/devices/{device}`: like 0.3.3, 401 for a device it does not know
/// (recorded exchanges 140 and 141); the device's stream gets `kick`/`delete_device`.
pub(super) async fn delete_device(
    State(s): S,
    headers: HeaderMap,
    axum::extract::Path(device): axum::extract::Path<String>,
) -> Resp {
    respond_empty(authed(&s, &headers, |st, uid, _| {
        if !st.devices_of(uid).contains(&device) {
            return Err(Refusal::Empty(401));
        }
        st.remove_device(uid, &device);
        Ok(())
    }))
}

#[derive(Deserialize)]
pub(super) struct EventsQuery {
    #[serde(rename = "api-key")]
    api_key: Option<String>,
    after_mid: Option<i64>,
    users_version: Option<i64>,
}

pub(super) async fn events(State(s): S, Query(q): Query<EventsQuery>) -> Resp {
    let (uid, device) = {
        let st = s.state();
        match st.authenticate(q.api_key.as_deref()) {
            Ok(who) => who,
            Err(r) => return refusal(r),
        }
    };
    if !s.state().device_known(uid, &device) {
        return empty(403);
    }
    crate::demo::stream::open(s.clone(), uid, device, q.after_mid, q.users_version)
}

pub(super) async fn read_index(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
    let body: ReadIndexRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, device| {
        st.read_index(uid, device, body.users, body.groups)
    }))
}

pub(super) async fn mute(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
    let body: MuteRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, device| {
        st.mute(uid, device, body)
    }))
}

pub(super) async fn burn(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
    let body: BurnRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, device| {
        st.burn(uid, device, body.users, body.groups)
    }))
}
