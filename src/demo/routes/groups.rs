//! Group routes: list (with `public_only`), one group, create, members add/remove (bare
//! arrays), leave (a GET, as 0.3.3), pin and unpin.

use super::{Resp, S, authed, empty, json_ok, parse_body, respond, respond_empty};
use crate::protocol::requests::*;
use crate::protocol::types::*;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use serde_json::Value;
use std::collections::HashMap;

pub(super) async fn groups(
    State(s): S,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Resp {
    let public_only = q.get("public_only").is_some_and(|v| v == "true");
    respond(authed(&s, &headers, |st, uid, _| {
        Ok(st
            .visible_groups(uid)
            .into_iter()
            .filter(|g| !public_only || g.is_public)
            .collect::<Vec<_>>())
    }))
}

pub(super) async fn group(State(s): S, Path(gid): Path<i64>) -> Resp {
    match s.state().groups.get(&gid) {
        Some(g) => json_ok(g),
        None => empty(404),
    }
}

pub(super) async fn create_group(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
    // The read-only check needs the keys as sent, so the body is read as JSON first.
    let body: Value = match parse_body(&body) {
        Ok(v) => v,
        Err(e) => return e,
    };
    respond(authed(&s, &headers, |st, uid, _| {
        st.create_group(uid, body)
            .map(|(gid, created_at)| CreatedGroup { gid, created_at })
    }))
}

pub(super) async fn members_add(
    State(s): S,
    headers: HeaderMap,
    Path(gid): Path<i64>,
    body: Bytes,
) -> Resp {
    let uids: Vec<i64> = match parse_body(&body) {
        Ok(u) => u,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, _| {
        st.add_members(uid, gid, &uids)
    }))
}

pub(super) async fn members_remove(
    State(s): S,
    headers: HeaderMap,
    Path(gid): Path<i64>,
    body: Bytes,
) -> Resp {
    let uids: Vec<i64> = match parse_body(&body) {
        Ok(u) => u,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, _| {
        st.remove_members(uid, gid, &uids)
    }))
}

pub(super) async fn leave(State(s): S, headers: HeaderMap, Path(gid): Path<i64>) -> Resp {
    respond_empty(authed(&s, &headers, |st, uid, _| st.leave_group(uid, gid)))
}

pub(super) async fn pin(
    State(s): S,
    headers: HeaderMap,
    Path(gid): Path<i64>,
    body: Bytes,
) -> Resp {
    let mid = match parse_body::<PinRequest>(&body) {
        Ok(p) => p.mid,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, _| {
        st.pin(uid, gid, mid, true)
    }))
}

pub(super) async fn unpin(
    State(s): S,
    headers: HeaderMap,
    Path(gid): Path<i64>,
    body: Bytes,
) -> Resp {
    let mid = match parse_body::<PinRequest>(&body) {
        Ok(p) => p.mid,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, _| {
        st.pin(uid, gid, mid, false)
    }))
}
