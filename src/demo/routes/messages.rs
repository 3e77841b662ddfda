//! Message routes: send to a user or a group, edit, reply, like, delete and history, with
//! 0.3.3's exact content-type matching and the base64 `X-Properties` header.

use super::{Resp, S, authed, empty, parse_body, respond, text};
use crate::demo::Shared;
use crate::protocol::requests::*;
use crate::protocol::types::*;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use base64::Engine;
use serde_json::Value;
use std::sync::Arc;

/// Checks the Content-Type exactly as 0.3.3 does: `text/plain` by MIME type (parameters
/// allowed), every other type as an exact string (`ContentKind::parse`); 0.3.3 takes no
/// `vocechat/audio`.
fn message_content_type(headers: &HeaderMap) -> Result<ContentKind, Resp> {
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(text(
            415,
            "the client request does not include the `Content-Type` header",
        ));
    };
    match ContentKind::parse(ct) {
        kind @ (ContentKind::Text
        | ContentKind::Markdown
        | ContentKind::File
        | ContentKind::Archive) => Ok(kind),
        ContentKind::Audio | ContentKind::Unknown(_) => Err(text(
            415,
            &format!("the `Content-Type` requested by the client is not supported: {ct}"),
        )),
    }
}

/// `X-Properties`: base64 of a JSON object; anything else is silently ignored.
fn properties(headers: &HeaderMap) -> Option<Value> {
    let raw = headers.get("x-properties")?.to_str().ok()?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(raw.trim())
        .ok()?;
    let v: Value = serde_json::from_slice(&decoded).ok()?;
    v.is_object().then_some(v)
}

struct Incoming {
    content_type: ContentKind,
    content: String,
    properties: Option<Value>,
}

/// A message's type, content and properties; `newer` takes a voice message as a newer server
/// does (newer-servers §12): exactly `vocechat/audio`, a JSON `{"path"}` body, stored as the
/// bare path.
fn incoming(headers: &HeaderMap, body: &Bytes, newer: bool) -> Result<Incoming, Resp> {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(ContentKind::parse);
    let content_type = match message_content_type(headers) {
        Err(_) if newer && declared == Some(ContentKind::Audio) => ContentKind::Audio,
        other => other?,
    };
    let content = String::from_utf8(body.to_vec())
        .map_err(|_| text(400, "parse request payload error: invalid utf-8"))?;
    let content = if content_type == ContentKind::Audio {
        let parsed: Value = serde_json::from_str(&content)
            .map_err(|e| text(400, &format!("parse request payload error: {e}")))?;
        parsed
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| text(400, "parse request payload error: `path` is required"))?
            .to_string()
    } else {
        content
    };
    Ok(Incoming {
        content_type,
        content,
        properties: properties(headers),
    })
}

async fn send_to(s: Arc<Shared>, headers: HeaderMap, target: Target, body: Bytes) -> Resp {
    let msg = match incoming(&headers, &body, s.config.newer) {
        Ok(m) => m,
        Err(e) => return e,
    };
    with_send_faults(&s, || {
        respond(authed(&s, &headers, |st, uid, _| {
            st.send(
                uid,
                target,
                msg.content_type.content_type(),
                msg.content,
                msg.properties,
            )
        }))
    })
}

/// A send, edit, like or delete under the injected faults: refused before anything is
/// stored, or stored and answered 500 (a lost answer).
fn with_send_faults(s: &Shared, write: impl FnOnce() -> Resp) -> Resp {
    if s.faults.take_send_failure() {
        return text(500, "injected send failure");
    }
    let answer = write();
    if answer.status().is_success() && s.faults.take_lost_send_answer() {
        return text(500, "injected lost answer");
    }
    answer
}

pub(super) async fn send_user(
    State(s): S,
    headers: HeaderMap,
    Path(uid): Path<i64>,
    body: Bytes,
) -> Resp {
    send_to(s, headers, Target::User { uid }, body).await
}

pub(super) async fn send_group(
    State(s): S,
    headers: HeaderMap,
    Path(gid): Path<i64>,
    body: Bytes,
) -> Resp {
    send_to(s, headers, Target::Group { gid }, body).await
}

pub(super) async fn edit(
    State(s): S,
    headers: HeaderMap,
    Path(mid): Path<i64>,
    body: Bytes,
) -> Resp {
    let msg = match incoming(&headers, &body, s.config.newer) {
        Ok(m) => m,
        Err(e) => return e,
    };
    with_send_faults(&s, || {
        respond(authed(&s, &headers, |st, uid, _| {
            st.edit(
                uid,
                mid,
                msg.content_type.content_type(),
                msg.content,
                msg.properties,
            )
        }))
    })
}

pub(super) async fn reply(
    State(s): S,
    headers: HeaderMap,
    Path(mid): Path<i64>,
    body: Bytes,
) -> Resp {
    let msg = match incoming(&headers, &body, s.config.newer) {
        Ok(m) => m,
        Err(e) => return e,
    };
    respond(authed(&s, &headers, |st, uid, _| {
        st.reply(
            uid,
            mid,
            msg.content_type.content_type(),
            msg.content,
            msg.properties,
        )
    }))
}

pub(super) async fn like(
    State(s): S,
    headers: HeaderMap,
    Path(mid): Path<i64>,
    body: Bytes,
) -> Resp {
    let body: LikeRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    with_send_faults(&s, || {
        respond(authed(&s, &headers, |st, uid, _| {
            st.like(uid, mid, &body.action)
        }))
    })
}

pub(super) async fn delete_message(State(s): S, headers: HeaderMap, Path(mid): Path<i64>) -> Resp {
    with_send_faults(&s, || {
        respond(authed(&s, &headers, |st, uid, _| st.delete(uid, mid)))
    })
}

pub(super) async fn history_user(
    State(s): S,
    headers: HeaderMap,
    Path(peer): Path<i64>,
    Query(q): Query<HistoryQuery>,
) -> Resp {
    if s.faults.take_history_failure() {
        return empty(500);
    }
    respond(authed(&s, &headers, |st, uid, _| {
        st.history(
            uid,
            Target::User { uid: peer },
            q.before,
            q.limit.unwrap_or(300),
        )
    }))
}

pub(super) async fn history_group(
    State(s): S,
    headers: HeaderMap,
    Path(gid): Path<i64>,
    Query(q): Query<HistoryQuery>,
) -> Resp {
    if s.faults.take_history_failure() {
        return empty(500);
    }
    respond(authed(&s, &headers, |st, uid, _| {
        st.history(uid, Target::Group { gid }, q.before, q.limit.unwrap_or(300))
    }))
}

pub(super) async fn favorites(State(s): S, headers: HeaderMap) -> Resp {
    if !s.config.favorites {
        return empty(404);
    }
    respond(authed(&s, &headers, |st, uid, _| Ok(st.favorites(uid))))
}

pub(super) async fn create_favorite(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
    if !s.config.favorites {
        return empty(404);
    }
    let body: crate::protocol::requests::FavoriteRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    respond(authed(&s, &headers, |st, uid, _| {
        st.create_favorite(uid, &body.mid_list)
    }))
}

pub(super) async fn favorite(State(s): S, headers: HeaderMap, Path(id): Path<String>) -> Resp {
    respond(authed(&s, &headers, |st, uid, _| st.favorite(uid, &id)))
}

pub(super) async fn delete_favorite(
    State(s): S,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Resp {
    super::respond_empty(authed(&s, &headers, |st, uid, _| {
        st.delete_favorite(uid, &id)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn content_types_match_like_the_real_server() {
        let mut h = HeaderMap::new();
        assert!(message_content_type(&h).is_err());
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        assert_eq!(message_content_type(&h).unwrap(), ContentKind::Text);
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/markdown; charset=utf-8"),
        );
        assert!(message_content_type(&h).is_err());
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        assert!(message_content_type(&h).is_err());
    }
}
