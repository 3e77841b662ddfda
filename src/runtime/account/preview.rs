//! Image previews: the thumbnail fetched with a size cap and decoded off the UI task.

use crate::app::Failure;

/// The largest thumbnail a preview fetches; the body is refused past it while streaming.
const PREVIEW_CAP: usize = 8 * 1024 * 1024;

/// Fetches a thumbnail and decodes it off the UI task. The server labels thumbnails with the
/// original's type even when it re-encoded them, so the format is sniffed from the bytes.
pub(super) async fn preview(
    http: &reqwest::Client,
    url: &str,
) -> Result<image::DynamicImage, Failure> {
    use crate::runtime::tasks::download::{FetchError, STALL_TIMEOUT, fetch_capped};
    let bytes = fetch_capped(http, url, PREVIEW_CAP, STALL_TIMEOUT)
        .await
        .map_err(|e| match e {
            FetchError::Status(s) => format!("no thumbnail ({s})"),
            FetchError::TooLarge => "thumbnail too large".into(),
            other => other.to_string(),
        })
        .map_err(Failure::Local)?;
    tokio::task::spawn_blocking(move || {
        image::load_from_memory(&bytes)
            .map_err(|e| Failure::local(format!("cannot decode the thumbnail: {e}")))
    })
    .await
    .map_err(|e| Failure::local(e.to_string()))?
}
