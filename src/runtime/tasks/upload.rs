//! File uploads (protocol §5.1): prepare, chunks streamed from disk, then the `vocechat/file`
//! message. Memory stays flat whatever the file size: one chunk buffer is reused.
//!
//! The file is opened once, when staged, and read through that handle by position, so a file
//! renamed or replaced afterwards cannot change what is sent, and a FIFO or device is refused
//! before anything is read. The server appends chunks as they arrive, so a chunk is never sent
//! twice into one upload: after a failure that may have reached the server (timeout, broken
//! connection, 5xx) the whole upload starts again with a new `prepare`, a bounded number of
//! times. The size and SHA-256 the server reports for the finished file are compared with the
//! bytes read; a mismatch fails the upload and no message is sent. A 401 renews inside the API
//! client; 413 ends the upload with a clear error. Cancel by aborting the task.

use crate::app::Failure;
use crate::model::{OpenFile, Staged};
use crate::protocol::types::{Content, FileProperties, Properties, Target, UploadedFile};
use crate::runtime::api::{ApiClient, ApiError, ApiResult};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// 200 KiB, as the server docs advise.
pub const DEFAULT_CHUNK: usize = 200 * 1024;

/// How hard an upload tries before it gives up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Fresh starts (new `prepare`) after an ambiguous failure.
    pub restarts: u32,
    /// Longest wait for the answer to one API call (prepare or chunk).
    pub request_timeout: Duration,
    /// Pause before the first restart; doubled for each further one.
    pub backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            restarts: 3,
            // Above the API client's own 30 s, which allows for one token renewal.
            request_timeout: Duration::from_secs(90),
            backoff: Duration::from_millis(500),
        }
    }
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

/// Opens a path and describes it for staging (blocking file-system calls: run off the UI).
/// Only regular files are accepted.
pub fn stage(path: &str) -> Result<Staged, String> {
    let p = expand_tilde(path.trim());
    let file = open_regular(&p)?;
    let size = file
        .metadata()
        .map_err(|e| format!("{}: {}", p.display(), io_reason(&e)))?
        .len();
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
        size,
        content_type,
        file: OpenFile::new(file),
    })
}

/// Opens `p` for reading if it is a regular file. The type is checked on the open handle, so
/// what is checked is what is read; on unix the open is non-blocking, so a FIFO without a
/// writer cannot hang it (the flag changes nothing for reading a regular file).
fn open_regular(p: &Path) -> Result<std::fs::File, String> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let reason = |e: std::io::Error| format!("{}: {}", p.display(), io_reason(&e));
    let file = options.open(p).map_err(reason)?;
    if !file.metadata().map_err(reason)?.is_file() {
        return Err(format!("{} is not a file", p.display()));
    }
    Ok(file)
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
    // Slices at rfind('/') and one byte after it (the '/' is one byte): char boundaries.
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
        .filter_map(Result::ok)
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
    /// The first chunk's size.
    pub chunk_size: usize,
    /// Chunks grow while they go fast and shrink when they are slow (see [`next_chunk`]);
    /// otherwise every chunk is `chunk_size`.
    pub adaptive: bool,
}

/// Chunks never get smaller or larger than these when they adapt to the link.
pub const MIN_CHUNK: usize = 64 * 1024;
pub const MAX_CHUNK: usize = 4 * 1024 * 1024;
/// A chunk answered within this grows the next ones; one slower than [`SLOW_CHUNK`] shrinks
/// them, so a slow link keeps small chunks that are cheap to send again.
const FAST_CHUNK: Duration = Duration::from_millis(250);
const SLOW_CHUNK: Duration = Duration::from_secs(2);

/// The size of the chunks after one of `size` took `took`: doubled when fast (up to
/// [`MAX_CHUNK`]), halved when slow (down to [`MIN_CHUNK`]), else the same.
pub fn next_chunk(size: usize, took: Duration) -> usize {
    if took <= FAST_CHUNK {
        (size * 2).min(MAX_CHUNK).max(size)
    } else if took >= SLOW_CHUNK {
        (size / 2).max(MIN_CHUNK).min(size)
    } else {
        size
    }
}

/// Runs an upload with the default [`RetryPolicy`]; `progress(sent, total)` is called after
/// every chunk. Returns the mid of the file message. At most two chunk buffers are held,
/// whatever the file size.
pub async fn run(
    api: &ApiClient,
    job: &UploadJob,
    progress: impl FnMut(u64, u64),
) -> Result<i64, Failure> {
    run_with(api, job, &RetryPolicy::default(), progress).await
}

/// [`run`] with the retry policy given.
pub async fn run_with(
    api: &ApiClient,
    job: &UploadJob,
    policy: &RetryPolicy,
    mut progress: impl FnMut(u64, u64),
) -> Result<i64, Failure> {
    let file = handle(job).map_err(Failure::Local)?;
    let total = file
        .metadata()
        .map_err(|e| Failure::local(format!("{}: {}", job.file.name, io_reason(&e))))?
        .len();
    let image = image_size(job, total).await.map_err(Failure::Local)?;
    let mut restarts = 0;
    let stored = loop {
        match attempt(api, job, total, policy, &mut progress).await {
            Ok(stored) => break stored,
            Err(Attempt::Ambiguous(e)) if restarts < policy.restarts => {
                restarts += 1;
                tracing::info!(restarts, "upload failed ({e}); starting it again");
                tokio::time::sleep(policy.backoff * (1 << (restarts - 1).min(16))).await;
            }
            Err(Attempt::Ambiguous(e)) => {
                return Err(Failure::local(format!(
                    "{e} (gave up after {} tries)",
                    restarts + 1
                )));
            }
            Err(Attempt::Final(e)) => return Err(Failure::Local(e)),
            Err(Attempt::Refused(e)) => return Err(Failure::Api(e)),
        }
    };
    let props = file_properties(job, &stored, image);
    Ok(api
        .send(job.to, &Content::File { path: stored.path }, &props)
        .await?)
}

/// The file message's properties, as the web client sends them.
fn file_properties(
    job: &UploadJob,
    stored: &UploadedFile,
    image: Option<imagesize::ImageSize>,
) -> Properties {
    let mut props = Properties::with_local_id(job.local_id);
    let dims = stored
        .image_properties
        .map(|p| (u64::from(p.width), u64::from(p.height)))
        .or(image.map(|s| (s.width as u64, s.height as u64)));
    FileProperties {
        name: Some(job.file.name.clone()),
        size: stored.size,
        content_type: Some(job.file.content_type.clone()),
        width: dims.map(|d| d.0),
        height: dims.map(|d| d.1),
    }
    .write_into(&mut props.extra);
    props
}

/// Image size from the first bytes (the web client sends width and height).
async fn image_size(job: &UploadJob, total: u64) -> Result<Option<imagesize::ImageSize>, String> {
    if !job.file.content_type.starts_with("image/") {
        return Ok(None);
    }
    let file = job.file.file.clone();
    let len = total.min(256 * 1024) as usize;
    let head = tokio::task::spawn_blocking(move || {
        let file = file
            .get::<std::fs::File>()
            .ok_or_else(|| std::io::Error::other("not an open file"))?;
        let mut head = vec![0u8; len];
        let n = fill_at(file, &mut head, 0)?;
        head.truncate(n);
        Ok(head)
    })
    .await
    .map_err(std::io::Error::other)
    .and_then(|r| r)
    .map_err(|e| format!("{}: {}", job.file.name, io_reason(&e)))?;
    Ok(imagesize::blob_size(&head).ok())
}

/// The open file a staged upload reads (the runtime put it there when staging).
fn handle(job: &UploadJob) -> Result<&std::fs::File, String> {
    job.file
        .file
        .get::<std::fs::File>()
        .ok_or_else(|| format!("{}: the file is no longer open", job.file.name))
}

/// Why one attempt at an upload failed.
enum Attempt {
    /// The server may have taken part of the request: start again from `prepare`.
    Ambiguous(String),
    /// Starting again cannot help (a local problem, or a bad copy on the server).
    Final(String),
    /// The server refused the request (413, 403…): starting again cannot help.
    Refused(ApiError),
}

/// One upload from `prepare` to the last chunk, the stored file checked against the bytes
/// read. The next chunk is read from the handle while the current one is on the wire.
async fn attempt(
    api: &ApiClient,
    job: &UploadJob,
    total: u64,
    policy: &RetryPolicy,
    progress: &mut impl FnMut(u64, u64),
) -> Result<UploadedFile, Attempt> {
    handle(job).map_err(Attempt::Final)?;
    let file = &job.file.file;
    let name = &job.file.name;
    let read_err =
        |e: std::io::Error| Attempt::Final(format!("{name} could not be read: {}", io_reason(&e)));
    let prepare = api.file_prepare(Some(&job.file.content_type), Some(name));
    let file_id = answer_within(policy, prepare).await?;
    let mut size = job.chunk_size.max(1);
    let first = read_hashed(file, vec![0u8; size], 0, Sha256::new()).await;
    let (mut buf, mut n, mut hasher) = first.map_err(read_err)?;
    let mut sent = 0u64;
    loop {
        let chunk = bytes::Bytes::copy_from_slice(&buf[..n]);
        sent += n as u64;
        // A short read is the end of the file.
        if sent >= total || n < buf.len() {
            if sent != total {
                return Err(Attempt::Final(format!(
                    "{name} changed size while uploading"
                )));
            }
            let answer =
                answer_within(policy, api.file_upload_chunk(&file_id, chunk, true)).await?;
            progress(sent, total);
            return verified(answer, sent, &hasher.finalize(), name);
        }
        // The next chunk is read (at the size the last answer suggested) while this one is
        // on the wire.
        buf.resize(size, 0);
        let started = std::time::Instant::now();
        let (answer, read) = tokio::join!(
            async {
                let answer =
                    answer_within(policy, api.file_upload_chunk(&file_id, chunk, false)).await;
                (answer, started.elapsed())
            },
            read_hashed(file, buf, sent, hasher)
        );
        let (answer, took) = answer;
        answer?;
        if job.adaptive {
            size = next_chunk(size, took);
        }
        progress(sent, total);
        (buf, n, hasher) = read.map_err(read_err)?;
    }
}

/// The stored file, if the server kept exactly the `sent` bytes hashed to `sha256`.
fn verified(
    answer: Option<UploadedFile>,
    sent: u64,
    sha256: &[u8],
    name: &str,
) -> Result<UploadedFile, Attempt> {
    let stored =
        answer.ok_or_else(|| Attempt::Final("the server did not confirm the upload".into()))?;
    if stored.size != sent {
        return Err(Attempt::Final(format!(
            "{name}: the server stored {} bytes, the file has {sent}",
            stored.size
        )));
    }
    let local = hex(sha256);
    if !stored.hash.is_empty() && !stored.hash.eq_ignore_ascii_case(&local) {
        return Err(Attempt::Final(format!(
            "{name}: the server's copy differs from the file (SHA-256 {} there, {} here)",
            crate::sanitize::one_line(&stored.hash, 64),
            local
        )));
    }
    Ok(stored)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Awaits an API call for at most the policy's timeout, sorting failures: a timeout, network
/// trouble or a 5xx may have reached the server; anything else is final.
async fn answer_within<T>(
    policy: &RetryPolicy,
    call: impl Future<Output = ApiResult<T>>,
) -> Result<T, Attempt> {
    match tokio::time::timeout(policy.request_timeout, call).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) if e.is_transient() => Err(Attempt::Ambiguous(e.to_string())),
        Ok(Err(e)) => Err(Attempt::Refused(e)),
        Err(_) => Err(Attempt::Ambiguous(format!(
            "no answer from the server within {} s",
            policy.request_timeout.as_secs_f32()
        ))),
    }
}

/// Fills `buf` from `offset` and adds what was read to `hasher`, on a blocking thread (so the
/// hashing overlaps the previous chunk's upload); gives both back with the count read.
async fn read_hashed(
    file: &OpenFile,
    mut buf: Vec<u8>,
    offset: u64,
    mut hasher: Sha256,
) -> std::io::Result<(Vec<u8>, usize, Sha256)> {
    let file = file.clone();
    tokio::task::spawn_blocking(move || {
        let file = file
            .get::<std::fs::File>()
            .ok_or_else(|| std::io::Error::other("not an open file"))?;
        let n = fill_at(file, &mut buf, offset)?;
        hasher.update(&buf[..n]);
        Ok((buf, n, hasher))
    })
    .await
    .map_err(std::io::Error::other)?
}

/// Reads from `offset` until `buf` is full or the file ends; the count read.
fn fill_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match read_at(file, &mut buf[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// One read at `offset`, leaving no shared file position behind.
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    #[cfg(unix)]
    return std::os::unix::fs::FileExt::read_at(file, buf, offset);
    #[cfg(windows)]
    return std::os::windows::fs::FileExt::seek_read(file, buf, offset);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_grow_while_fast_and_shrink_when_slow_within_bounds() {
        let fast = Duration::from_millis(20);
        let slow = Duration::from_secs(5);
        let mut size = DEFAULT_CHUNK;
        for _ in 0..10 {
            size = next_chunk(size, fast);
        }
        assert_eq!(size, MAX_CHUNK);
        assert_eq!(
            next_chunk(size, Duration::from_secs(1)),
            MAX_CHUNK,
            "in between: kept"
        );
        for _ in 0..10 {
            size = next_chunk(size, slow);
        }
        assert_eq!(size, MIN_CHUNK);
        // A size set outside the bounds is never pushed across them the wrong way.
        assert_eq!(next_chunk(8 * MAX_CHUNK, fast), 8 * MAX_CHUNK);
        assert_eq!(next_chunk(1024, slow), 1024);
    }

    #[test]
    fn tildes_and_file_urls_expand() {
        if let Some(home) = std::env::var_os("HOME") {
            assert_eq!(expand_tilde("~/x.txt"), PathBuf::from(home).join("x.txt"));
        }
        assert_eq!(
            expand_tilde("file:///tmp/a.png"),
            PathBuf::from("/tmp/a.png")
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
        #[cfg(unix)]
        assert_eq!(stage("/dev/null").unwrap_err(), "/dev/null is not a file");
        let prefix = format!("{}/c", dir.path().display());
        assert_eq!(
            complete_path(&prefix),
            vec![format!("{}/cat.png", dir.path().display())]
        );
    }
}
