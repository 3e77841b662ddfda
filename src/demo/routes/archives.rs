//! Archive routes (protocol §4.10): `POST /api/resource/archive` makes one from a list of
//! mids (auth), `GET /api/resource/archive?file_path=` reads it and
//! `GET /api/resource/archive/attachment?file_path=&attachment_id=` serves one of its files,
//! both without auth, as 0.3.3 does.

use super::{Resp, S, authed, empty, json_ok, parse_body, refusal, respond};
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Response, header};
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
    let mut r = Response::new(Body::from(file.data.clone()));
    if let Ok(ct) = HeaderValue::from_str(&file.content_type) {
        r.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    if let Some(name) = &file.filename {
        let kind = if q.get("download").is_some_and(|v| v == "true") {
            "attachment"
        } else {
            "inline"
        };
        let safe: String = name
            .chars()
            .filter(|c| *c != '"' && !c.is_control())
            .collect();
        if let Ok(v) = HeaderValue::from_str(&format!("{kind}; filename=\"{safe}\"")) {
            r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
    }
    r
}
