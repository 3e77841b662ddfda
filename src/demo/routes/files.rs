//! File routes: prepare, chunked multipart upload (with the chunk fault switches), and
//! download with its content type and disposition. Files are kept in memory.

use super::{Resp, S, authed, empty, json_ok, parse_body, respond, text};
use crate::demo::ChunkFault;
use crate::demo::Shared;
use crate::demo::state::{StoredFile, Upload};
use crate::protocol::requests::*;
use crate::protocol::types::*;
use axum::body::{Body, Bytes};
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, HeaderValue, Response, header};
use serde_json::Value;
use sha2::Digest;
use std::collections::HashMap;
use std::sync::atomic::Ordering;

pub(super) async fn file_prepare(State(s): S, headers: HeaderMap, body: Bytes) -> Resp {
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

/// A file's type from its name, as the server guesses it when prepare names none.
fn guess_type(name: &str) -> &'static str {
    mime_guess::from_path(name)
        .first_raw()
        .unwrap_or("application/octet-stream")
}

pub(super) async fn file_upload(State(s): S, headers: HeaderMap, mut form: Multipart) -> Resp {
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
    let mut st = s.state();
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
    let Some(upload) = st.uploads.remove(file_id) else {
        return empty(404);
    };
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
        StoredFile {
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
pub(super) fn chrono_like_date() -> String {
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

pub(super) async fn file_get(State(s): S, Query(q): Query<HashMap<String, String>>) -> Resp {
    let path = q.get("file_path").cloned().unwrap_or_default();
    if path.is_empty() || path.contains('.') {
        return empty(400);
    }
    if q.get("thumbnail").is_some_and(|v| v == "true") {
        return text(404, "not found"); // the demo makes no thumbnails
    }
    let st = s.state();
    let Some(file) = st.files.get(&path) else {
        return text(404, "not found");
    };
    served(file, q.get("download").is_some_and(|v| v == "true"))
}

/// A stored file as served: its content type, and its name as `attachment` (`download=true`)
/// or `inline`, quotes and controls taken out (an uploaded file's, or an archive's).
pub(super) fn served(file: &StoredFile, download: bool) -> Resp {
    let mut r = Response::new(Body::from(file.data.clone()));
    if let Ok(ct) = HeaderValue::from_str(&file.content_type) {
        r.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    if let Some(name) = &file.filename {
        let kind = if download { "attachment" } else { "inline" };
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
}
