//! File uploads (protocol §5.1): prepare, chunks streamed from disk, then the `vocechat/file`
//! message. Memory stays flat whatever the file size: one chunk buffer is reused. A failed
//! chunk is retried with backoff; a 401 renews inside the API client; 413 and a vanished
//! file end the upload with a clear error. Cancel by aborting the task.

use crate::api::types::{Content, Properties, Target};
use crate::api::{ApiClient, ApiError};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::AsyncReadExt;

/// 200 KiB, as the server docs advise.
pub const DEFAULT_CHUNK: usize = 200 * 1024;
const CHUNK_RETRIES: u32 = 3;

/// A file picked for upload (checked to exist and be a regular file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staged {
    pub path: PathBuf,
    pub name: String,
    pub size: u64,
    pub content_type: String,
}

/// `~` and `~/…` expanded with `$HOME`.
pub fn expand_tilde(path: &str) -> PathBuf {
    match path.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => match std::env::var_os("HOME") {
            Some(home) => PathBuf::from(home).join(rest.trim_start_matches('/')),
            None => PathBuf::from(path),
        },
        _ => PathBuf::from(path.strip_prefix("file://").unwrap_or(path)),
    }
}

/// Splits `/upload` arguments: spaces separate paths, quotes or backslashes keep spaces.
pub fn split_paths(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = args.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (None, c) if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            (_, c) => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Checks a path and describes it for staging (blocking file-system calls: run off the UI).
pub fn stage(path: &str) -> Result<Staged, String> {
    let p = expand_tilde(path.trim());
    let meta = std::fs::metadata(&p).map_err(|e| format!("{}: {}", p.display(), io_reason(&e)))?;
    if !meta.is_file() {
        return Err(format!("{} is not a file", p.display()));
    }
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let content_type = mime_guess::from_path(&p)
        .first_or_octet_stream()
        .essence_str()
        .to_string();
    Ok(Staged {
        path: p,
        name,
        size: meta.len(),
        content_type,
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Candidates for completing a path prefix (blocking; run off the UI).
pub fn complete_path(prefix: &str) -> Vec<String> {
    let expanded = expand_tilde(prefix);
    let text = expanded.to_string_lossy().into_owned();
    let (dir, start) = match text.rfind('/') {
        Some(i) => (
            PathBuf::from(if i == 0 { "/" } else { &text[..i] }),
            text[i + 1..].to_string(),
        ),
        None => (PathBuf::from("."), text.clone()),
    };
    let typed_dir = prefix.rfind('/').map(|i| &prefix[..=i]).unwrap_or("");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return vec![];
    };
    let mut out: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(&start) || (name.starts_with('.') && !start.starts_with('.')) {
                return None;
            }
            let slash = if e.file_type().ok()?.is_dir() {
                "/"
            } else {
                ""
            };
            Some(format!("{typed_dir}{name}{slash}"))
        })
        .collect();
    out.sort();
    out.truncate(50);
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadJob {
    pub to: Target,
    pub file: Staged,
    pub local_id: i64,
    pub chunk_size: usize,
}

/// Runs an upload; `progress(sent, total)` is called after every chunk. Returns the mid of
/// the file message. At most two chunk buffers are held, whatever the file size.
pub async fn run(
    api: &ApiClient,
    job: &UploadJob,
    mut progress: impl FnMut(u64, u64),
) -> Result<i64, String> {
    let mut file = tokio::fs::File::open(&job.file.path)
        .await
        .map_err(|e| format!("{}: {}", job.file.name, io_reason(&e)))?;
    let total = file.metadata().await.map_err(|e| e.to_string())?.len();
    // Image size from the first bytes (the web client sends width and height).
    let mut head = vec![0u8; total.min(256 * 1024) as usize];
    let image = if job.file.content_type.starts_with("image/") {
        file.read_exact(&mut head)
            .await
            .map_err(|e| format!("{}: {}", job.file.name, io_reason(&e)))?;
        imagesize::blob_size(&head).ok()
    } else {
        None
    };
    drop(head);
    let mut file = tokio::fs::File::open(&job.file.path)
        .await
        .map_err(|e| format!("{}: {}", job.file.name, io_reason(&e)))?;
    let file_id = api
        .file_prepare(Some(&job.file.content_type), Some(&job.file.name))
        .await
        .map_err(describe)?;
    let chunk_size = job.chunk_size.max(1);
    // Two buffers: the next chunk is read from disk while the current one is on the wire.
    let mut next = vec![0u8; chunk_size];
    let read_err = |e: std::io::Error| {
        format!(
            "{} changed while uploading: {}",
            job.file.name,
            io_reason(&e)
        )
    };
    let mut n = read_full(&mut file, &mut next).await.map_err(read_err)?;
    let mut sent = 0u64;
    let stored = loop {
        let last = sent + n as u64 >= total || n < chunk_size;
        let chunk = bytes::Bytes::copy_from_slice(&next[..n]);
        let (answer, read) = if last {
            (upload_chunk(api, &file_id, chunk, true).await, Ok(0))
        } else {
            tokio::join!(
                upload_chunk(api, &file_id, chunk, false),
                read_full(&mut file, &mut next)
            )
        };
        let answer = answer?;
        sent += n as u64;
        progress(sent, total.max(sent));
        if last {
            break answer.ok_or("the server did not confirm the upload")?;
        }
        n = read.map_err(read_err)?;
    };
    if sent != total {
        return Err(format!("{} changed size while uploading", job.file.name));
    }
    let mut props = Properties::with_local_id(job.local_id);
    props.extra.insert("name".into(), json!(job.file.name));
    props.extra.insert("size".into(), json!(stored.size));
    props
        .extra
        .insert("content_type".into(), json!(job.file.content_type));
    let dims = stored
        .image_properties
        .map(|p| (p.width as usize, p.height as usize))
        .or(image.map(|s| (s.width, s.height)));
    if let Some((w, h)) = dims {
        props.extra.insert("width".into(), json!(w));
        props.extra.insert("height".into(), json!(h));
    }
    api.send(job.to, &Content::File { path: stored.path }, &props)
        .await
        .map_err(describe)
}

/// Reads until the buffer is full or the file ends.
async fn read_full(file: &mut tokio::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = file.read(&mut buf[filled..]).await?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

async fn upload_chunk(
    api: &ApiClient,
    file_id: &str,
    chunk: bytes::Bytes,
    last: bool,
) -> Result<Option<crate::api::types::UploadedFile>, String> {
    let mut attempt = 0;
    loop {
        match api.file_upload_chunk(file_id, chunk.clone(), last).await {
            Ok(r) => return Ok(r),
            Err(e) if e.is_transient() && attempt < CHUNK_RETRIES => {
                attempt += 1;
                tracing::info!(attempt, "upload chunk failed ({e}); retrying");
                tokio::time::sleep(Duration::from_millis(200 * (1 << attempt))).await;
            }
            Err(e) => return Err(describe(e)),
        }
    }
}

fn describe(e: ApiError) -> String {
    match e {
        ApiError::TooLarge => "the file is over the server's size limit".into(),
        other => other.to_string(),
    }
}

/// Rate and time left from bytes sent since `started_ms`.
pub fn progress_text(sent: u64, total: u64, started_ms: i64, now_ms: i64) -> String {
    let pct = (sent * 100).checked_div(total).unwrap_or(100);
    let secs = ((now_ms - started_ms).max(1) as f64) / 1000.0;
    let rate = sent as f64 / secs;
    let left = if rate > 0.0 {
        ((total - sent.min(total)) as f64 / rate).ceil() as u64
    } else {
        0
    };
    format!(
        "{pct}% {}/s ETA {left}s",
        crate::ui::human_size(rate as u64)
    )
}

pub fn is_path_like(text: &str) -> bool {
    let t = text.trim();
    !t.contains('\n')
        && (t.starts_with('/') || t.starts_with("~/") || t.starts_with("file://"))
        && Path::new(t.trim_start_matches("file://"))
            .extension()
            .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_and_expand() {
        assert_eq!(
            split_paths(r#"a.txt "my file.png" b\ c.pdf"#),
            vec!["a.txt", "my file.png", "b c.pdf"]
        );
        if let Some(home) = std::env::var_os("HOME") {
            assert_eq!(expand_tilde("~/x.txt"), PathBuf::from(home).join("x.txt"));
        }
        assert_eq!(
            expand_tilde("file:///tmp/a.png"),
            PathBuf::from("/tmp/a.png")
        );
        assert!(
            is_path_like("/tmp/photo.jpg")
                && is_path_like("~/a.pdf")
                && !is_path_like("hello /tmp")
                && !is_path_like("/tmp")
        );
    }

    #[test]
    fn staging_checks_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("cat.png");
        std::fs::write(&f, b"x").unwrap();
        let s = stage(f.to_str().unwrap()).unwrap();
        assert_eq!(
            (s.name.as_str(), s.size, s.content_type.as_str()),
            ("cat.png", 1, "image/png")
        );
        assert!(
            stage(dir.path().to_str().unwrap())
                .unwrap_err()
                .contains("not a file")
        );
        assert!(
            stage("/no/such/file.txt")
                .unwrap_err()
                .contains("no such file")
        );
        let prefix = format!("{}/c", dir.path().display());
        assert_eq!(
            complete_path(&prefix),
            vec![format!("{}/cat.png", dir.path().display())]
        );
    }

    #[test]
    fn progress_reads_well() {
        assert_eq!(progress_text(50, 100, 0, 1000), "50% 50 B/s ETA 1s");
        assert_eq!(progress_text(0, 0, 0, 10), "100% 0 B/s ETA 0s");
    }
}
