//! Archive routes (protocol §4.10): `POST /api/resource/archive` makes one from a list of
//! mids (auth), `GET /api/resource/archive?file_path=` reads it and
//! `GET /api/resource/archive/attachment?file_path=&attachment_id=` serves one of its files,
//! both without auth, as 0.3.3 does.

use super::{Resp, S, authed, empty, json_ok, parse_body, refusal, respond};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use std::collections::HashMap;

pub(super) async fn create(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
    let body: crate::protocol::requests::FavoriteRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let date = super::files::chrono_like_date();
    respond(authed(&s, &headers, |st, uid, _| {
        st.create_archive(uid, &body.mid_list, &date)
    }))
}

pub(super) async fn get(State(s): S, Query(q): Query<HashMap<String, String>>) -> Resp {
    let Some(path) = q.get("file_path") else {
        return empty(400);
    };
    match s.state().archive(path) {
        Ok(archive) => json_ok(&archive),
        Err(e) => refusal(e),
    }
}

pub(super) async fn attachment(State(s): S, Query(q): Query<HashMap<String, String>>) -> Resp {
    let (Some(path), Some(Ok(id))) = (
        q.get("file_path"),
        q.get("attachment_id").map(|v| v.parse::<usize>()),
    ) else {
        return empty(400);
    };
    let st = s.state();
    let file = match st.archive_attachment(path, id) {
        Ok(f) => f,
        Err(e) => return refusal(e),
    };
    super::files::served(file, q.get("download").is_some_and(|v| v == "true"))
}
