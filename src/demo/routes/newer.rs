//! The routes a newer (0.5.x) server adds, answered only in the newer profile
//! (`DemoConfig::newer`). In the 0.3.3 profile they answer as 0.3.3 does: 404 `not found`, or
//! 400 where a route collides with one of 0.3.3's path parameters (`vocechat-newer-servers.md`
//! §1.3). Each feature's routes sit here, their state in `state/newer.rs`.

use super::{Resp, S, authed, parse_body, respond, respond_empty, text};
use crate::protocol::newer::SystemCommon;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;

/// The version the newer profile reports.
pub(super) const VERSION: &str = "0.5.31";

/// 0.3.3's answer to a route it does not have.
fn not_here() -> Resp {
    text(404, "not found")
}

/// `GET /admin/system/common`.
pub(super) async fn common(State(s): S, headers: HeaderMap) -> Resp {
    if !s.config.newer {
        return not_here();
    }
    respond(authed(&s, &headers, |st, _, _| Ok(st.newer.common.clone())))
}

/// `PUT /admin/system/common` (admins): a partial object, announced with
/// `server_config_changed`.
pub(super) async fn set_common(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
    if !s.config.newer {
        return not_here();
    }
    let patch: SystemCommon = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, _| {
        st.set_common(uid, &patch)
    }))
}
