//! Playing a voice message: the file is fetched into the data directory's `voice/` cache
//! (once: a second play of the same message uses the cached file; the cache's names, bounds
//! and clears are `voice_cache`'s) and the configured player is started on it. The player
//! is a program and its arguments, run directly, never through a shell: the file's path is
//! one argument, whatever its name holds. It is not waited for (its exit is collected in the
//! background) and it has no terminal: its output would draw over the UI.

use super::download::{self, STALL_TIMEOUT};
use super::voice_cache;
use crate::model::ConvKey;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Which voice message is played: its conversation and mid (what names its cached file, so a
/// clear finds it), its server path and its name.
#[derive(Debug, Clone, Copy)]
pub struct Voice<'a> {
    pub key: ConvKey,
    pub mid: i64,
    pub path: &'a str,
    pub name: &'a str,
}

/// Fetches the file at `url` into `cache_dir` unless it is there already, then starts
/// `player` on it. Returns the cached file's path.
pub async fn play(
    http: &reqwest::Client,
    url: &str,
    voice: Voice<'_>,
    cache_dir: &Path,
    player: &[String],
) -> Result<String, String> {
    play_with_stall(http, url, voice, cache_dir, player, STALL_TIMEOUT).await
}

/// [`play`] with the stall timeout given.
pub async fn play_with_stall(
    http: &reqwest::Client,
    url: &str,
    voice: Voice<'_>,
    cache_dir: &Path,
    player: &[String],
    stall: Duration,
) -> Result<String, String> {
    let (program, args) = player
        .split_first()
        .ok_or_else(|| "no audio player is set".to_string())?;
    let cached = voice_cache::cache_file(cache_dir, voice.key, voice.mid, voice.path, voice.name);
    // Only a complete download ever has the cached name.
    let file = if tokio::fs::metadata(&cached)
        .await
        .is_ok_and(|m| m.is_file() && m.len() > 0)
    {
        cached
    } else {
        let dir = cache_dir.to_path_buf();
        tokio::task::spawn_blocking(move || voice_cache::ensure_dir(&dir))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| format!("{}: {e}", cache_dir.display()))?;
        let part = PathBuf::from(
            download::run_with_stall(
                http,
                url,
                &voice_cache::part_name(&cached),
                cache_dir,
                false,
                stall,
                |_, _| {},
            )
            .await?,
        );
        let done = cached.clone();
        tokio::task::spawn_blocking(move || voice_cache::finish(&part, &done))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| format!("{}: {e}", cached.display()))?;
        cached
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
