//! The contacts, user search, channel flags and private invite link routes of a newer server
//! (`vocechat-newer-servers.md` §5, §10, §13), answered only in the newer profile. In the
//! 0.3.3 profile they answer as 0.3.3 does (§1.3): `/user/contacts` and the invite link 400
//! (they collide with `/user/{uid}` and `/group/{gid}`), a flags-only `PUT /group/{gid}` 400
//! with an empty body, the rest 404 `not found`.

use super::{Resp, S, authed, empty, parse_body, respond, respond_empty, text};
use crate::protocol::contacts::{MagicToken, UpdateContactStatus, UserSearch};
use crate::protocol::newer::GroupFlags;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Response, header};
use std::collections::HashMap;

fn not_here() -> Resp {
    text(404, "not found")
}

/// `GET /user/contacts`.
pub(super) async fn contacts(State(s): S, headers: HeaderMap) -> Resp {
    if !s.config.newer {
        return text(400, "failed to parse parameter `uid`");
    }
    respond(authed(&s, &headers, |st, uid, _| Ok(st.contacts_of(uid))))
}

/// `POST /user/update_contact_status`.
pub(super) async fn update_contact_status(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
    if !s.config.newer {
        return not_here();
    }
    let body: UpdateContactStatus = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, device| {
        st.update_contact(uid, device, body)
    }))
}

/// `POST /user/search`: the user, or an empty 200 when nobody matches.
pub(super) async fn search(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
    if !s.config.newer {
        return not_here();
    }
    let body: UserSearch = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    match authed(&s, &headers, |st, uid, _| st.search_user(uid, &body)) {
        Ok(Some(user)) => super::json_ok(&user),
        Ok(None) => empty(200),
        Err(e) => e,
    }
}

/// `PUT /group/{gid}` with channel flags (owner or admin).
pub(super) async fn update_group(
    State(s): S,
    headers: HeaderMap,
    Path(gid): Path<i64>,
    body: Bytes,
) -> Resp {
    if !s.config.newer {
        // 0.3.3 knows none of the flags: a body of flags only has no field it takes.
        return empty(400);
    }
    let flags: GroupFlags = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, _| {
        st.set_group_flags(uid, gid, &flags)
    }))
}

/// `GET /group/create_invite_private_magic_link?expired_in=&max_times=&gid=` (text/plain).
pub(super) async fn invite_link(
    State(s): S,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Resp {
    if !s.config.newer {
        return text(400, "failed to parse parameter `gid`");
    }
    let number = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok());
    let (Some(gid), Some(expired_in), Some(max_times)) =
        (number("gid"), number("expired_in"), number("max_times"))
    else {
        return text(400, "missing query parameters");
    };
    let base = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| format!("http://{h}"))
        .unwrap_or_default();
    match authed(&s, &headers, |st, uid, _| {
        st.private_invite_link(uid, gid, expired_in, max_times, &base)
    }) {
        Ok(link) => {
            let mut r = Response::new(Body::from(link));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            r
        }
        Err(e) => e,
    }
}

/// `POST /user/join_private`.
pub(super) async fn join_private(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
    if !s.config.newer {
        return not_here();
    }
    let body: MagicToken = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    respond(authed(&s, &headers, |st, uid, _| {
        st.join_private(uid, &body.magic_token)
    }))
}
