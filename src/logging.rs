//! Logging to a file under the data directory (never to the screen). Level from
//! `VOCECHAT_LOG` (e.g. `debug`), default `info`. Tokens never reach the log: `Session`'s
//! Debug redacts them and URLs with the SSE token are stripped from errors.

use std::path::Path;
use std::sync::Mutex;
use tracing_subscriber::EnvFilter;

pub fn init(file: &Path) -> anyhow::Result<()> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)?;
    let filter = EnvFilter::try_from_env("VOCECHAT_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(Mutex::new(log))
        .with_ansi(false)
        .init();
    Ok(())
}
