//! HTTP routes of the demo server, with the status codes, bodies and header rules of
//! VoceChat 0.3.3 (protocol §12): the Referer rule on login, plain-text error bodies without a
//! content type, bare JSON scalars, exact content-type matching, `X-Properties`.

// Helpers return a ready axum response as their error; this is a test/demo server where
// the size of that error value does not matter.
#![allow(clippy::result_large_err)]

use super::state::{Refusal, Upload};
use super::{ChunkFault, Shared};
use crate::protocol::requests::*;
use crate::protocol::types::*;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use axum::routing::{delete, get, post, put};
use base64::Engine;
use serde::Deserialize;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::Digest;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

type S = State<Arc<Shared>>;
type Resp = Response<Body>;

pub fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/admin/system/initialized", get(initialized))
        .route("/admin/system/version", get(version))
        .route("/admin/system/organization", get(organization))
        .route("/admin/login/config", get(login_config))
        .route("/admin/vocespace/config", get(vocespace_config))
        .route("/token/login", post(login))
        .route("/token/renew", post(renew))
        .route("/token/logout", get(logout))
        .route("/user", get(users))
        .route("/user/me", get(me))
        .route("/user/devices", get(devices))
        .route("/user/events", get(events))
        .route("/user/read-index", post(read_index))
        .route("/user/mute", post(mute))
        .route("/user/burn-after-reading", post(burn))
        .route("/user/{uid}", get(user))
        .route("/user/{uid}/send", post(send_user))
        .route("/user/{uid}/history", get(history_user))
        .route("/group", get(groups).post(create_group))
        .route("/group/{gid}", get(group))
        .route("/group/{gid}/send", post(send_group))
        .route("/group/{gid}/history", get(history_group))
        .route("/group/{gid}/members/add", post(members_add))
        .route("/group/{gid}/members/remove", post(members_remove))
        .route("/group/{gid}/leave", get(leave))
        .route("/group/{gid}/pin", post(pin))
        .route("/group/{gid}/unpin", post(unpin))
        .route("/message/{mid}/edit", put(edit))
        .route("/message/{mid}/like", put(like))
        .route("/message/{mid}/reply", post(reply))
        .route("/message/{mid}", delete(delete_message))
        .route("/resource/file/prepare", post(file_prepare))
        .route("/resource/file/upload", post(file_upload))
        .route("/resource/file", get(file_get));
    Router::new()
        .nest("/api", api)
        .route("/health", get(|| async { "" }))
        .fallback(|| async { text(404, "not found") })
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            slow_down,
        ))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(shared)
}

/// Fault switch: delay every response.
async fn slow_down(
    State(shared): S,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Resp {
    let ms = shared.faults.slow_ms.load(Ordering::Relaxed);
    if ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    next.run(req).await
}

// ------------------------------------------------------------------ response helpers

fn empty(status: u16) -> Resp {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::from_u16(status).expect("valid status");
    r
}

/// A plain-text body with no Content-Type header, as the real server sends errors.
fn text(status: u16, body: &str) -> Resp {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = StatusCode::from_u16(status).expect("valid status");
    r
}

fn json_ok<T: Serialize>(value: &T) -> Resp {
    let mut r = Response::new(Body::from(serde_json::to_vec(value).expect("serializable")));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

fn refusal(r: Refusal) -> Resp {
    match r {
        Refusal::Empty(s) => empty(s),
        Refusal::Text(s, body) => text(s, &body),
    }
}

fn reply_with<T: Serialize>(r: Result<T, Refusal>) -> Resp {
    match r {
        Ok(v) => json_ok(&v),
        Err(e) => refusal(e),
    }
}

/// A JSON request body as its protocol type; 400 with the server's text when it is not one.
fn parse_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, Resp> {
    serde_json::from_slice(body)
        .map_err(|e| text(400, &format!("parse request payload error: {e}")))
}

/// Runs `f` with the authenticated (uid, device) under the state lock.
fn authed<T>(
    shared: &Shared,
    headers: &HeaderMap,
    f: impl FnOnce(&mut super::state::State, i64, &str) -> Result<T, Refusal>,
) -> Result<T, Resp> {
    let token = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    let mut state = shared.state.lock().expect("demo state lock");
    let (uid, device) = state.authenticate(token).map_err(refusal)?;
    f(&mut state, uid, &device).map_err(refusal)
}

fn respond<T: Serialize>(r: Result<T, Resp>) -> Resp {
    match r {
        Ok(v) => json_ok(&v),
        Err(e) => e,
    }
}

fn respond_empty(r: Result<(), Resp>) -> Resp {
    match r {
        Ok(()) => empty(200),
        Err(e) => e,
    }
}

// ------------------------------------------------------------------ system and auth

async fn initialized(State(s): S) -> Resp {
    json_ok(&!s.state.lock().expect("lock").users.is_empty())
}

async fn version() -> Resp {
    let mut r = Response::new(Body::from("0.3.3"));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

async fn organization(State(s): S) -> Resp {
    json_ok(&s.state.lock().expect("lock").organization)
}

async fn vocespace_config(State(s): S, headers: HeaderMap) -> Resp {
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

async fn login_config() -> Resp {
    json_ok(&json!({
        "who_can_sign_up": "EveryOne", "guest": false, "password": true, "magic_link": true,
        "google": false, "github": false, "oidc": [], "metamask": false, "third_party": false,
    }))
}

async fn login(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
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
    let Credential::Password { email, password } = &body.credential else {
        return empty(403);
    };
    reply_with(
        s.state
            .lock()
            .expect("lock")
            .login(email, password, &body.device),
    )
}

async fn renew(State(s): S, body: Bytes) -> Resp {
    let body: RenewRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    reply_with(
        s.state
            .lock()
            .expect("lock")
            .renew(&body.token, &body.refresh_token),
    )
}

async fn logout(State(s): S, headers: HeaderMap) -> Resp {
    respond_empty(authed(&s, &headers, |st, uid, device| {
        st.logout(uid, device);
        Ok(())
    }))
}

// ------------------------------------------------------------------ users

async fn users(State(s): S) -> Resp {
    let st = s.state.lock().expect("lock");
    json_ok(&st.users.values().map(|u| &u.info).collect::<Vec<_>>())
}

async fn user(State(s): S, Path(uid): Path<String>) -> Resp {
    let Ok(uid) = uid.parse::<i64>() else {
        return text(400, "failed to parse parameter `uid`");
    };
    let st = s.state.lock().expect("lock");
    match st.users.get(&uid) {
        Some(u) => json_ok(&u.info),
        None => empty(404),
    }
}

async fn me(State(s): S, headers: HeaderMap) -> Resp {
    respond(authed(&s, &headers, |st, uid, _| {
        st.users
            .get(&uid)
            .map(|u| u.info.clone())
            .ok_or(Refusal::Text(401, "authorization error".into()))
    }))
}

async fn devices(State(s): S, headers: HeaderMap) -> Resp {
    respond(authed(&s, &headers, |st, uid, _| Ok(st.devices_of(uid))))
}

#[derive(Deserialize)]
struct EventsQuery {
    #[serde(rename = "api-key")]
    api_key: Option<String>,
    after_mid: Option<i64>,
    users_version: Option<i64>,
}

async fn events(State(s): S, Query(q): Query<EventsQuery>) -> Resp {
    let (uid, device) = {
        let st = s.state.lock().expect("lock");
        match st.authenticate(q.api_key.as_deref()) {
            Ok(who) => who,
            Err(r) => return refusal(r),
        }
    };
    if !s.state.lock().expect("lock").device_known(uid, &device) {
        return empty(403);
    }
    super::stream::open(s.clone(), uid, device, q.after_mid, q.users_version)
}

async fn read_index(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
    let body: ReadIndexRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, device| {
        st.read_index(uid, device, body.users, body.groups)
    }))
}

async fn mute(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
    let body: MuteRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, device| {
        st.mute(uid, device, body)
    }))
}

async fn burn(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
    let body: BurnRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, device| {
        st.burn(uid, device, body.users, body.groups)
    }))
}

// ------------------------------------------------------------------ groups

async fn groups(State(s): S, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Resp {
    let public_only = q.get("public_only").is_some_and(|v| v == "true");
    respond(authed(&s, &headers, |st, uid, _| {
        Ok(st
            .visible_groups(uid)
            .into_iter()
            .filter(|g| !public_only || g.is_public)
            .collect::<Vec<_>>())
    }))
}

async fn group(State(s): S, Path(gid): Path<i64>) -> Resp {
    match s.state.lock().expect("lock").groups.get(&gid) {
        Some(g) => json_ok(g),
        None => empty(404),
    }
}

async fn create_group(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
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

async fn members_add(State(s): S, headers: HeaderMap, Path(gid): Path<i64>, body: Bytes) -> Resp {
    let uids: Vec<i64> = match parse_body(&body) {
        Ok(u) => u,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, _| {
        st.add_members(uid, gid, &uids)
    }))
}

async fn members_remove(
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

async fn leave(State(s): S, headers: HeaderMap, Path(gid): Path<i64>) -> Resp {
    respond_empty(authed(&s, &headers, |st, uid, _| st.leave_group(uid, gid)))
}

async fn pin(State(s): S, headers: HeaderMap, Path(gid): Path<i64>, body: Bytes) -> Resp {
    let mid = match parse_body::<PinRequest>(&body) {
        Ok(p) => p.mid,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, _| {
        st.pin(uid, gid, mid, true)
    }))
}

async fn unpin(State(s): S, headers: HeaderMap, Path(gid): Path<i64>, body: Bytes) -> Resp {
    let mid = match parse_body::<PinRequest>(&body) {
        Ok(p) => p.mid,
        Err(e) => return e,
    };
    respond_empty(authed(&s, &headers, |st, uid, _| {
        st.pin(uid, gid, mid, false)
    }))
}

// ------------------------------------------------------------------ messages

/// Checks the Content-Type exactly as 0.3.3 does: `text/plain` by MIME type (parameters
/// allowed), every other type as an exact string.
fn message_content_type(headers: &HeaderMap) -> Result<&'static str, Resp> {
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(text(
            415,
            "the client request does not include the `Content-Type` header",
        ));
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match ct {
        _ if essence == "text/plain" => Ok("text/plain"),
        "text/markdown" => Ok("text/markdown"),
        "vocechat/file" => Ok("vocechat/file"),
        "vocechat/archive" => Ok("vocechat/archive"),
        other => Err(text(
            415,
            &format!("the `Content-Type` requested by the client is not supported: {other}"),
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
    content_type: &'static str,
    content: String,
    properties: Option<Value>,
}

fn incoming(headers: &HeaderMap, body: &Bytes) -> Result<Incoming, Resp> {
    let content_type = message_content_type(headers)?;
    let content = String::from_utf8(body.to_vec())
        .map_err(|_| text(400, "parse request payload error: invalid utf-8"))?;
    Ok(Incoming {
        content_type,
        content,
        properties: properties(headers),
    })
}

async fn send_to(s: Arc<Shared>, headers: HeaderMap, target: Target, body: Bytes) -> Resp {
    let msg = match incoming(&headers, &body) {
        Ok(m) => m,
        Err(e) => return e,
    };
    if s.faults.take_send_failure() {
        return text(500, "injected send failure");
    }
    let answer = respond(authed(&s, &headers, |st, uid, _| {
        st.send(uid, target, msg.content_type, msg.content, msg.properties)
    }));
    if answer.status().is_success() && s.faults.take_lost_send_answer() {
        return text(500, "injected lost answer");
    }
    answer
}

async fn send_user(State(s): S, headers: HeaderMap, Path(uid): Path<i64>, body: Bytes) -> Resp {
    send_to(s, headers, Target::User { uid }, body).await
}

async fn send_group(State(s): S, headers: HeaderMap, Path(gid): Path<i64>, body: Bytes) -> Resp {
    send_to(s, headers, Target::Group { gid }, body).await
}

async fn edit(State(s): S, headers: HeaderMap, Path(mid): Path<i64>, body: Bytes) -> Resp {
    let msg = match incoming(&headers, &body) {
        Ok(m) => m,
        Err(e) => return e,
    };
    respond(authed(&s, &headers, |st, uid, _| {
        st.edit(uid, mid, msg.content_type, msg.content, msg.properties)
    }))
}

async fn reply(State(s): S, headers: HeaderMap, Path(mid): Path<i64>, body: Bytes) -> Resp {
    let msg = match incoming(&headers, &body) {
        Ok(m) => m,
        Err(e) => return e,
    };
    respond(authed(&s, &headers, |st, uid, _| {
        st.reply(uid, mid, msg.content_type, msg.content, msg.properties)
    }))
}

async fn like(State(s): S, headers: HeaderMap, Path(mid): Path<i64>, body: Bytes) -> Resp {
    let body: LikeRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    respond(authed(&s, &headers, |st, uid, _| {
        st.like(uid, mid, &body.action)
    }))
}

async fn delete_message(State(s): S, headers: HeaderMap, Path(mid): Path<i64>) -> Resp {
    respond(authed(&s, &headers, |st, uid, _| st.delete(uid, mid)))
}

async fn history_user(
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

async fn history_group(
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

// ------------------------------------------------------------------ files

async fn file_prepare(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
    let body: FilePrepareRequest = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let filename = body.filename;
    let content_type = body
        .content_type
        .unwrap_or_else(|| guess_type(filename.as_deref().unwrap_or("")).to_string());
    respond(authed(&s, &headers, |st, _, _| {
        let id = uuid::Uuid::new_v4().to_string();
        st.uploads.insert(
            id.clone(),
            Upload {
                content_type,
                filename,
                data: Vec::new(),
            },
        );
        Ok(id)
    }))
}

fn guess_type(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "txt" => "text/plain",
        "md" => "text/markdown",
        "pdf" => "application/pdf",
        "json" => "application/json",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

async fn file_upload(State(s): S, headers: HeaderMap, mut form: Multipart) -> Resp {
    if let Err(e) = authed(&s, &headers, |_, _, _| Ok(())) {
        return e;
    }
    if s.faults.take_chunk_failure() {
        return text(500, "injected chunk failure");
    }
    let mut file_id = String::new();
    let mut chunk = Bytes::new();
    let mut is_last = false;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                let data = match field.bytes().await {
                    Ok(d) => d,
                    Err(e) => return text(400, &format!("parse request payload error: {e}")),
                };
                match name.as_str() {
                    "file_id" => file_id = String::from_utf8_lossy(&data).into_owned(),
                    "chunk_data" => chunk = data,
                    "chunk_is_last" => is_last = &data[..] == b"true",
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(e) => return text(400, &format!("parse request payload error: {e}")),
        }
    }
    let fault = s.faults.take_chunk_fault();
    let chunk = match fault {
        Some(ChunkFault::Corrupt) => corrupted(&chunk),
        _ => chunk,
    };
    let answer = store_chunk(&s, &file_id, &chunk, is_last, fault);
    match fault {
        Some(ChunkFault::CutAfterStoring) => cut_connection(),
        Some(ChunkFault::HangAfterStoring) => std::future::pending().await,
        _ => answer,
    }
}

/// `chunk` with its first bit flipped.
fn corrupted(chunk: &Bytes) -> Bytes {
    let mut bytes = chunk.to_vec();
    if let Some(b) = bytes.first_mut() {
        *b ^= 1;
    }
    Bytes::from(bytes)
}

/// A 200 whose body breaks at once: the connection closes without an answer.
fn cut_connection() -> Resp {
    let broken = futures::stream::once(async {
        Err::<Bytes, _>(std::io::Error::other("injected lost response"))
    });
    Response::new(Body::from_stream(broken))
}

/// Appends a chunk (twice under [`ChunkFault::StoreTwice`]); after the last one, stores the
/// file and answers with it.
fn store_chunk(
    s: &Shared,
    file_id: &str,
    chunk: &Bytes,
    is_last: bool,
    fault: Option<ChunkFault>,
) -> Resp {
    let limit = s.faults.upload_limit.load(Ordering::Relaxed);
    let mut st = s.state.lock().expect("lock");
    let Some(upload) = st.uploads.get_mut(file_id) else {
        return empty(400);
    };
    if limit > 0 && (upload.data.len() + chunk.len()) as u64 > limit {
        st.uploads.remove(file_id);
        return empty(413);
    }
    upload.data.extend_from_slice(chunk);
    if fault == Some(ChunkFault::StoreTwice) {
        upload.data.extend_from_slice(chunk);
    }
    if !is_last {
        return json_ok(&Value::Null);
    }
    let upload = st.uploads.remove(file_id).expect("present");
    let date = chrono_like_date();
    let path = format!("{date}/{file_id}");
    let hash = hex(&sha2::Sha256::digest(&upload.data));
    let image_properties = upload
        .content_type
        .starts_with("image/")
        .then(|| png_size(&upload.data))
        .flatten();
    let result = UploadedFile {
        path: path.clone(),
        size: upload.data.len() as u64,
        hash,
        image_properties,
    };
    st.files.insert(
        path,
        super::state::StoredFile {
            content_type: upload.content_type,
            filename: upload.filename,
            data: upload.data,
        },
    );
    json_ok(&result)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Width and height from a PNG header (the demo decodes no other image format).
fn png_size(data: &[u8]) -> Option<ImageProperties> {
    if data.len() < 24 || &data[..8] != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    let w = u32::from_be_bytes(data[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(data[20..24].try_into().ok()?);
    Some(ImageProperties {
        width: w,
        height: h,
    })
}

/// `Y/M/D` of today in UTC, month and day not zero-padded (as the real server writes paths).
fn chrono_like_date() -> String {
    let days = crate::clock::now_ms().div_euclid(86_400_000);
    // Civil-from-days (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y}/{m}/{d}")
}

async fn file_get(State(s): S, Query(q): Query<HashMap<String, String>>) -> Resp {
    let path = q.get("file_path").cloned().unwrap_or_default();
    if path.is_empty() || path.contains('.') {
        return empty(400);
    }
    if q.get("thumbnail").is_some_and(|v| v == "true") {
        return text(404, "not found"); // the demo makes no thumbnails
    }
    let st = s.state.lock().expect("lock");
    let Some(file) = st.files.get(&path) else {
        return text(404, "not found");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_and_unpadded() {
        let d = chrono_like_date();
        let parts: Vec<&str> = d.split('/').collect();
        assert_eq!(parts.len(), 3);
        assert!(parts[0].parse::<i32>().unwrap() >= 2024);
        assert!(!parts[1].starts_with('0') && !parts[2].starts_with('0'));
    }

    #[test]
    fn content_types_match_like_the_real_server() {
        let mut h = HeaderMap::new();
        assert!(message_content_type(&h).is_err());
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        assert_eq!(message_content_type(&h).unwrap(), "text/plain");
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
