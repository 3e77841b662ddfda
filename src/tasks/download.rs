//! Downloads of file messages into the platform download directory, streamed to disk, never
//! overwriting an existing file (`name (1).ext`, …). Opened with the system opener on request
//! when running locally.

use futures::StreamExt;
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

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

/// Opens `name` in `dir` without replacing anything already there.
pub fn create_unique(dir: &Path, name: &str) -> std::io::Result<(std::fs::File, PathBuf)> {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_string(), format!(".{e}")),
        _ => (name.to_string(), String::new()),
    };
    for i in 0..1000 {
        let candidate = if i == 0 {
            dir.join(name)
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

/// Downloads `url` as `name` into `dir`; `progress(bytes, total)` after each piece. Returns
/// the path it was saved at.
pub async fn run(
    http: &reqwest::Client,
    url: &str,
    name: &str,
    dir: &Path,
    open: bool,
    mut progress: impl FnMut(u64, Option<u64>),
) -> Result<String, String> {
    let resp = http
        .get(url)
        .send()
        .await
        .map_err(|e| crate::api::ApiError::from_reqwest(&e).to_string())?;
    match resp.status().as_u16() {
        200 => {}
        404 => return Err("the file is gone (expired or deleted on the server)".into()),
        s => return Err(format!("the server answered {s}")),
    }
    let total = resp.content_length();
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let (file, path) = create_unique(dir, name).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut file = tokio::fs::File::from_std(file);
    let mut body = resp.bytes_stream();
    let mut got = 0u64;
    let result: Result<(), String> = async {
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| crate::api::ApiError::from_reqwest(&e).to_string())?;
            file.write_all(&chunk).await.map_err(|e| e.to_string())?;
            got += chunk.len() as u64;
            progress(got, total);
        }
        file.flush().await.map_err(|e| e.to_string())
    }
    .await;
    if let Err(e) = result {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(e);
    }
    if open
        && std::env::var_os("SSH_CONNECTION").is_none()
        && let Err(e) = super::open_externally(&path).await
    {
        tracing::info!("saved, but not opened: {e}");
    }
    Ok(path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
