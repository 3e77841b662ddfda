//! Playing a voice message: the file is fetched into the data directory's `voice/` cache
//! (once: a second play of the same message uses the cached file) and the configured player
//! is started on it. The player is a program and its arguments, run directly, never through
//! a shell: the file's path is one argument, whatever its name holds. It is not waited for
//! (its exit is collected in the background) and it has no terminal: its output would draw
//! over the UI.

use super::download::{self, STALL_TIMEOUT};
use crate::files::{safe_file_name, split_ext};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where a voice message at server `path`, named `name`, is cached: one file per message,
/// its name made from the server path (unique) and the extension of `name` (for the player).
pub fn cache_file(dir: &Path, path: &str, name: &str) -> PathBuf {
    let (_, ext) = split_ext(name);
    let stem: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(120)
        .collect();
    dir.join(safe_file_name(&format!("{stem}{ext}")))
}

/// Fetches the file at `url` into `cache_dir` unless it is there already, then starts
/// `player` on it. Returns the cached file's path.
pub async fn play(
    http: &reqwest::Client,
    url: &str,
    path: &str,
    name: &str,
    cache_dir: &Path,
    player: &[String],
) -> Result<String, String> {
    play_with_stall(http, url, path, name, cache_dir, player, STALL_TIMEOUT).await
}

/// [`play`] with the stall timeout given.
pub async fn play_with_stall(
    http: &reqwest::Client,
    url: &str,
    path: &str,
    name: &str,
    cache_dir: &Path,
    player: &[String],
    stall: Duration,
) -> Result<String, String> {
    let (program, args) = player
        .split_first()
        .ok_or_else(|| "no audio player is set".to_string())?;
    let cached = cache_file(cache_dir, path, name);
    let file = if tokio::fs::metadata(&cached)
        .await
        .is_ok_and(|m| m.is_file() && m.len() > 0)
    {
        cached
    } else {
        let file_name = cached
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        PathBuf::from(
            download::run_with_stall(http, url, &file_name, cache_dir, false, stall, |_, _| {})
                .await?,
        )
    };
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .arg(&file)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(false)
        .spawn()
        .map_err(|e| format!("could not start {program}: {e}"))?;
    tokio::spawn(async move {
        if let Ok(status) = child.wait().await
            && !status.success()
        {
            tracing::info!(%status, "the audio player ended with an error");
        }
    });
    Ok(file.display().to_string())
}
