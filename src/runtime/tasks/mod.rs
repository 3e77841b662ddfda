//! Background work that is more than one API call: VoceSpace meeting links, file uploads
//! and downloads, voice messages played. Each runs as a task and reports progress and results as messages.

pub mod download;
pub mod play;
pub mod upload;
pub mod voice_cache;

/// Opens a URL or file with the system opener (`open` on macOS, `xdg-open` elsewhere). Only
/// ever called on an explicit user action, and only when running locally.
pub async fn open_externally(target: impl AsRef<std::ffi::OsStr>) -> Result<(), String> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let status = tokio::process::Command::new(opener)
        .arg(target)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .await;
    match status {
        Ok(s) if s.success() => Ok(()),
        _ => Err(format!("could not start {opener}")),
    }
}
