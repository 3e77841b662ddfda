//! The newer profile's pinned chats, remarks and channel announcements
//! (`vocechat-newer-servers.md` §4, §6, §7; state in `state/pins.rs`). In the 0.3.3 profile
//! each answers 404 `not found`, as 0.3.3 does.

use super::{Resp, S, authed, parse_body, respond, respond_empty, text};
use crate::protocol::newer::AnnouncementAnswer;
use crate::protocol::personal::{AnnouncementRequest, PinChatRequest, RemarkRequest};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;

fn not_here() -> Resp {
    text(404, "not found")
}

async fn pin_or_unpin(s: S, headers: HeaderMap, body: Bytes, pin: bool) -> Resp {
    let State(s) = s;
    if !s.config.newer {
        return not_here();
    }
    let req: PinChatRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, device| {
        st.pin_chat(uid, device, req.target, pin)
    }))
}

/// `POST /user/pin_chat`.
pub(super) async fn pin_chat(s: S, headers: HeaderMap, body: Bytes) -> Resp {
    pin_or_unpin(s, headers, body, true).await
}

/// `POST /user/unpin_chat`.
pub(super) async fn unpin_chat(s: S, headers: HeaderMap, body: Bytes) -> Resp {
    pin_or_unpin(s, headers, body, false).await
}

/// `PUT /user/contact_remark`.
pub(super) async fn contact_remark(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
    if !s.config.newer {
        return not_here();
    }
    let req: RemarkRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, _| {
        st.set_remark(uid, req.contact_uid, &req.remark)
    }))
}

/// `GET /group/{gid}/announcement`.
pub(super) async fn announcement(State(s): S, headers: HeaderMap, Path(gid): Path<i64>) -> Resp {
    if !s.config.newer {
        return not_here();
    }
    respond(authed(&s, &headers, |st, uid, _| {
        Ok(AnnouncementAnswer {
            announcement: st.announcement(uid, gid)?,
        })
    }))
}

/// `POST /group/{gid}/announcement`: the announcement as kept.
pub(super) async fn set_announcement(
    State(s): S,
    headers: HeaderMap,
    Path(gid): Path<i64>,
    body: Bytes,
) -> Resp {
    if !s.config.newer {
        return not_here();
    }
    let req: AnnouncementRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    respond(authed(&s, &headers, |st, uid, _| {
        st.set_announcement(uid, gid, Some(&req.content))
    }))
}

/// `DELETE /group/{gid}/announcement`.
pub(super) async fn clear_announcement(
    State(s): S,
    headers: HeaderMap,
    Path(gid): Path<i64>,
) -> Resp {
    if !s.config.newer {
        return not_here();
    }
    respond_empty(authed(&s, &headers, |st, uid, _| {
        st.set_announcement(uid, gid, None).map(|_| ())
    }))
}
