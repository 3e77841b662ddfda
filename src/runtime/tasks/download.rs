//! Downloads of file messages into the platform download directory, streamed to disk, never
//! overwriting an existing file (`name (1).ext`, …). Opened with the system opener on request
//! when running locally. File names come from message properties (untrusted) and go through
//! [`crate::files::safe_file_name`]; a download that stalls fails instead of hanging, and its partial file
//! is removed.

use crate::files::{safe_file_name, split_ext};
use futures::StreamExt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// A download fails when no byte arrives for this long.
pub const STALL_TIMEOUT: Duration = Duration::from_secs(30);
/// Where downloads go: the platform download directory, else `~/Downloads`, else the cwd.
pub fn download_dir() -> PathBuf {
    directories::UserDirs::new()
        .and_then(|d| {
            d.download_dir()
                .map(Path::to_path_buf)
                .or_else(|| Some(d.home_dir().join("Downloads")))
        })
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Opens `name` (made safe with [`safe_file_name`]) in `dir` without replacing anything
/// already there.
pub fn create_unique(dir: &Path, name: &str) -> std::io::Result<(std::fs::File, PathBuf)> {
    let name = safe_file_name(name);
    let (stem, ext) = split_ext(&name);
    for i in 0..1000 {
        let candidate = if i == 0 {
            dir.join(&name)
        } else {
            dir.join(format!("{stem} ({i}){ext}"))
        };
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(f) => return Ok((f, candidate)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("too many files with that name"))
}

/// Why a fetch failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The server answered with this non-success status.
    Status(u16),
    /// The body is longer than the cap.
    TooLarge,
    /// No byte arrived for this long.
    Stalled(Duration),
    /// The connection failed or broke.
    Network(String),
    /// Writing to disk failed.
    Disk(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Status(404) => {
                write!(f, "the file is gone (expired or deleted on the server)")
            }
            FetchError::Status(s) => write!(f, "the server answered {s}"),
            FetchError::TooLarge => write!(f, "too large"),
            FetchError::Stalled(d) => write!(
                f,
                "the download stalled: no data from the server for {}",
                human_duration(*d)
            ),
            FetchError::Network(e) | FetchError::Disk(e) => write!(f, "{e}"),
        }
    }
}

fn human_duration(d: Duration) -> String {
    if d.as_secs() >= 1 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// `fut`, failing with [`FetchError::Stalled`] after `stall`.
async fn within<T>(stall: Duration, fut: impl Future<Output = T>) -> Result<T, FetchError> {
    tokio::time::timeout(stall, fut)
        .await
        .map_err(|_| FetchError::Stalled(stall))
}

fn network(e: &reqwest::Error) -> FetchError {
    FetchError::Network(crate::runtime::api::network_error(e).to_string())
}

/// GETs `url`: the response once its status is 200.
async fn get_ok(
    http: &reqwest::Client,
    url: &str,
    stall: Duration,
) -> Result<reqwest::Response, FetchError> {
    let resp = within(stall, http.get(url).send())
        .await?
        .map_err(|e| network(&e))?;
    match resp.status().as_u16() {
        200 => Ok(resp),
        s => Err(FetchError::Status(s)),
    }
}

/// The body of `url`, refused once it grows past `cap` bytes (checked against the announced
/// length first, then while streaming, so at most `cap` bytes are held).
pub async fn fetch_capped(
    http: &reqwest::Client,
    url: &str,
    cap: usize,
    stall: Duration,
) -> Result<Vec<u8>, FetchError> {
    let resp = get_ok(http, url, stall).await?;
    if resp.content_length().is_some_and(|n| n > cap as u64) {
        return Err(FetchError::TooLarge);
    }
    let mut body = resp.bytes_stream();
    let mut out = Vec::new();
    while let Some(piece) = within(stall, body.next()).await? {
        let piece = piece.map_err(|e| network(&e))?;
        if out.len() + piece.len() > cap {
            return Err(FetchError::TooLarge);
        }
        out.extend_from_slice(&piece);
    }
    Ok(out)
}

/// Downloads `url` as `name` into `dir`; `progress(bytes, total)` after each piece. Returns
/// the path it was saved at. Fails after [`STALL_TIMEOUT`] without data.
pub async fn run(
    http: &reqwest::Client,
    url: &str,
    name: &str,
    dir: &Path,
    open: bool,
    progress: impl FnMut(u64, Option<u64>),
) -> Result<String, String> {
    run_with_stall(http, url, name, dir, open, STALL_TIMEOUT, progress).await
}

/// [`run`] with the stall timeout given.
pub async fn run_with_stall(
    http: &reqwest::Client,
    url: &str,
    name: &str,
    dir: &Path,
    open: bool,
    stall: Duration,
    progress: impl FnMut(u64, Option<u64>),
) -> Result<String, String> {
    let resp = get_ok(http, url, stall).await.map_err(|e| e.to_string())?;
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let (file, path) = create_unique(dir, name).map_err(|e| format!("{}: {e}", dir.display()))?;
    if let Err(e) = save(resp, tokio::fs::File::from_std(file), stall, progress).await {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(e.to_string());
    }
    if open
        && std::env::var_os("SSH_CONNECTION").is_none()
        && let Err(e) = super::open_externally(&path).await
    {
        tracing::info!("saved, but not opened: {e}");
    }
    Ok(path.display().to_string())
}

/// Streams the body into `file`.
async fn save(
    resp: reqwest::Response,
    mut file: tokio::fs::File,
    stall: Duration,
    mut progress: impl FnMut(u64, Option<u64>),
) -> Result<(), FetchError> {
    let total = resp.content_length();
    let mut body = resp.bytes_stream();
    let mut got = 0u64;
    let disk = |e: std::io::Error| FetchError::Disk(e.to_string());
    while let Some(piece) = within(stall, body.next()).await? {
        let piece = piece.map_err(|e| network(&e))?;
        file.write_all(&piece).await.map_err(disk)?;
        got += piece.len() as u64;
        progress(got, total);
    }
    file.flush().await.map_err(disk)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::{NAME_MAX, SUFFIX_ROOM};

    #[test]
    fn existing_files_are_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let (_, a) = create_unique(dir.path(), "notes.txt").unwrap();
        let (_, b) = create_unique(dir.path(), "notes.txt").unwrap();
        let (_, c) = create_unique(dir.path(), "README").unwrap();
        let (_, d) = create_unique(dir.path(), "README").unwrap();
        assert_eq!(a.file_name().unwrap(), "notes.txt");
        assert_eq!(b.file_name().unwrap(), "notes (1).txt");
        assert_eq!(
            (c.file_name().unwrap(), d.file_name().unwrap()),
            ("README".as_ref(), "README (1)".as_ref())
        );
    }

    #[test]
    fn long_names_fit_the_file_system_with_their_suffix_and_extension() {
        let cjk = format!("{}.pdf", "文".repeat(100)); // 304 bytes
        let safe = safe_file_name(&cjk);
        assert!(safe.len() <= NAME_MAX - SUFFIX_ROOM, "{}", safe.len());
        assert!(safe.ends_with(".pdf") && safe.starts_with("文文"), "{safe}");
        assert_eq!(safe.chars().filter(|c| *c == '文').count(), 81);
        // The file system takes it, and the numbered copies too.
        let dir = tempfile::tempdir().unwrap();
        let (_, first) = create_unique(dir.path(), &cjk).unwrap();
        for _ in 0..11 {
            create_unique(dir.path(), &cjk).unwrap();
        }
        let (_, twelfth) = create_unique(dir.path(), &cjk).unwrap();
        assert_eq!(first.file_name().unwrap().to_str(), Some(safe.as_str()));
        let last = twelfth.file_name().unwrap().to_str().unwrap();
        assert!(
            last.ends_with(" (12).pdf") && last.len() <= NAME_MAX,
            "{last}"
        );
        // No extension, or one too long to be one: cut on a character boundary.
        let plain = safe_file_name(&"é".repeat(200));
        assert_eq!(plain, "é".repeat(124));
        let odd = safe_file_name(&format!("a.{}", "x".repeat(300)));
        assert_eq!(odd.len(), NAME_MAX - SUFFIX_ROOM);
        // A four-byte character at the cut is left out whole.
        let emoji = safe_file_name(&format!("{}😀😀.txt", "a".repeat(241)));
        assert_eq!(emoji, format!("{}😀.txt", "a".repeat(241)));
    }

    #[test]
    fn windows_device_names_get_a_prefix() {
        for raw in [
            "CON",
            "nul.txt",
            "Aux.tar.gz",
            "com1",
            "LPT9.log",
            "prn ",
            "con .txt",
        ] {
            let safe = safe_file_name(raw);
            assert!(safe.starts_with('_'), "{raw} → {safe}");
        }
        for raw in [
            "CONSOLE.txt",
            "com10",
            "lpt0",
            "nul_file",
            "icon.png",
            "COM.txt",
        ] {
            assert_eq!(safe_file_name(raw), raw);
        }
    }

    #[test]
    fn paths_dots_and_control_characters_cannot_escape_or_confuse() {
        assert_eq!(safe_file_name(".."), "download");
        assert_eq!(safe_file_name("."), "download");
        assert_eq!(safe_file_name(""), "download");
        assert_eq!(safe_file_name("   "), "download");
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name("/etc/passwd"), "_etc_passwd");
        assert_eq!(safe_file_name("..\\..\\boot.ini"), "_.._boot.ini");
        assert_eq!(safe_file_name(".bashrc"), "bashrc");
        assert_eq!(safe_file_name("a\u{0}b\u{7}c.txt"), "abc.txt");
        assert_eq!(safe_file_name("a\nb\tc.txt"), "a b c.txt");
        assert_eq!(safe_file_name("red\u{1b}[31mtext.txt"), "redtext.txt");
        assert_eq!(safe_file_name("evil\u{202e}txt.exe"), "eviltxt.exe");
        assert_eq!(safe_file_name("what?<x>|\"y\":*.txt"), "what__x___y___.txt");
        assert_eq!(safe_file_name("trailing. . "), "trailing");
        assert_eq!(safe_file_name("report 2026.pdf"), "report 2026.pdf");
        for raw in ["../x", "CON", &"文".repeat(100), "a\u{1b}b", " .x. "] {
            let once = safe_file_name(raw);
            assert_eq!(safe_file_name(&once), once, "idempotent for {raw:?}");
            assert!(!once.contains('/') && !once.starts_with('.') && !once.is_empty());
        }
    }
}
