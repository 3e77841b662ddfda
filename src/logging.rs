//! Logging to a file under the data directory (never to the screen). Level from
//! `VOCECHAT_LOG` (e.g. `debug`), default `info`. The file is 0600 in a 0700 directory; a bare
//! level applies to this crate only (the HTTP and TLS libraries stay at `info`, their trace
//! output carries headers and URLs), and tokens never reach the log: every type that holds a
//! secret has a redacting `Debug` and URLs with the SSE token are stripped from errors.

use std::path::Path;
use std::sync::Mutex;
use tracing_subscriber::EnvFilter;

pub fn init(file: &Path) -> anyhow::Result<()> {
    let log = open_private(file)?;
    let filter = EnvFilter::new(directives(std::env::var("VOCECHAT_LOG").ok().as_deref()));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(Mutex::new(log))
        .with_ansi(false)
        .init();
    Ok(())
}

/// The filter for a `VOCECHAT_LOG` value: a bare level (`debug`, `trace`) raises this crate
/// only; anything naming targets (`hyper=trace`) is taken as written.
pub fn directives(value: Option<&str>) -> String {
    const LEVELS: [&str; 6] = ["off", "error", "warn", "info", "debug", "trace"];
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => "info".into(),
        Some(v) if LEVELS.contains(&v.to_ascii_lowercase().as_str()) => {
            format!("info,vocechat_tui={}", v.to_ascii_lowercase())
        }
        Some(v) => v.to_string(),
    }
}

/// Opens `file` for appending, created 0600 (and tightened to 0600 if it existed), in a
/// directory made 0700.
pub fn open_private(file: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        opts.mode(0o600);
        let f = opts.open(file)?;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(f)
    }
    #[cfg(not(unix))]
    {
        opts.open(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_levels_raise_this_crate_only() {
        assert_eq!(directives(None), "info");
        assert_eq!(directives(Some("trace")), "info,vocechat_tui=trace");
        assert_eq!(directives(Some(" DEBUG ")), "info,vocechat_tui=debug");
        assert_eq!(directives(Some("hyper=trace")), "hyper=trace");
    }

    #[cfg(unix)]
    #[test]
    fn the_log_is_private_even_if_it_existed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        let file = data.join("vocechat-tui.log");
        std::fs::write(&file, "old\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        open_private(&file).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!((mode(&data), mode(&file)), (0o700, 0o600));
    }
}
