//! Clearing history and bulk delete (newer servers, reference §8 and §9), answered only in
//! the newer profile; 0.3.3 answers 404 `not found` to all three.

use super::{Resp, S, authed, respond, respond_empty, text};
use axum::extract::{Path, State};
use axum::http::HeaderMap;

/// 0.3.3's answer to a route it does not have.
fn not_here() -> Resp {
    text(404, "not found")
}

/// `DELETE /admin/system/message/clear` (admins).
pub(super) async fn clear_all(State(s): S, headers: HeaderMap) -> Resp {
    if !s.config.newer {
        return not_here();
    }
    respond_empty(authed(&s, &headers, |st, uid, _| st.clear_all(uid)))
}

/// `DELETE /group/{gid}/clear` (the channel's owner, admins).
pub(super) async fn clear_group(State(s): S, headers: HeaderMap, Path(gid): Path<String>) -> Resp {
    if !s.config.newer {
        return not_here();
    }
    let Ok(gid) = gid.parse::<i64>() else {
        return text(400, "failed to parse path `gid`");
    };
    let echo = s.faults.clear_echo();
    respond_empty(authed(&s, &headers, |st, uid, _| {
        st.clear_group(uid, gid, echo)
    }))
}

/// `DELETE /message/bulk/{mids}`, the mids joined by commas: how many were deleted.
pub(super) async fn delete_bulk(State(s): S, headers: HeaderMap, Path(mids): Path<String>) -> Resp {
    if !s.config.newer {
        return not_here();
    }
    let parsed: Result<Vec<i64>, _> = mids
        .split(',')
        .take(crate::demo::state::BULK_MAX + 1)
        .map(|m| m.trim().parse::<i64>())
        .collect();
    let Ok(mids) = parsed else {
        return text(400, "failed to parse path `mids`");
    };
    respond(authed(&s, &headers, |st, uid, _| {
        st.delete_bulk(uid, &mids)
    }))
}
