//! Where things live on disk: the data directory (log, device id) from the platform
//! conventions (directories crate), created on first use.

use anyhow::Context;
use std::path::{Path, PathBuf};

pub struct Paths {
    data: PathBuf,
    config: PathBuf,
}

impl Paths {
    /// The platform directories, or `VOCECHAT_TUI_DATA` / `VOCECHAT_TUI_CONFIG` when set.
    pub fn discover() -> anyhow::Result<Paths> {
        let dirs = directories::ProjectDirs::from("", "", "vocechat-tui");
        let data = match std::env::var_os("VOCECHAT_TUI_DATA") {
            Some(dir) => PathBuf::from(dir),
            None => dirs
                .as_ref()
                .map(|d| d.data_dir().to_path_buf())
                .unwrap_or_else(|| std::env::temp_dir().join("vocechat-tui")),
        };
        let config = match std::env::var_os("VOCECHAT_TUI_CONFIG") {
            Some(dir) => PathBuf::from(dir),
            None => dirs
                .as_ref()
                .map(|d| d.config_dir().to_path_buf())
                .unwrap_or_else(|| data.clone()),
        };
        std::fs::create_dir_all(&data).with_context(|| format!("creating {}", data.display()))?;
        #[cfg(unix)]
        {
            // Sessions, the log and the store live here: nobody else may list or read them.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700))
                .with_context(|| format!("making {} private", data.display()))?;
        }
        Ok(Paths { data, config })
    }

    pub fn at(data: &Path) -> Paths {
        Paths {
            data: data.to_path_buf(),
            config: data.to_path_buf(),
        }
    }

    pub fn data_dir(&self) -> &Path {
        &self.data
    }

    pub fn config_file(&self) -> PathBuf {
        self.config.join("config.toml")
    }

    pub fn themes_dir(&self) -> PathBuf {
        self.config.join("themes")
    }

    pub fn log_file(&self) -> PathBuf {
        self.data.join("vocechat-tui.log")
    }

    /// A stable device id for this install (`tui:<uuid>`), created once. Clients sharing a
    /// device id kick each other off the event stream, so it is never shared between installs.
    pub fn device_id(&self) -> anyhow::Result<String> {
        let path = self.data.join("device_id");
        if let Ok(id) = std::fs::read_to_string(&path) {
            let id = id.trim();
            if id.starts_with("tui:") && id.len() > 4 {
                return Ok(id.to_string());
            }
        }
        let id = format!("tui:{}", uuid::Uuid::new_v4());
        std::fs::write(&path, &id).with_context(|| format!("writing {}", path.display()))?;
        Ok(id)
    }
}

/// Creates `dir` (and its parents) and makes it 0700: only its owner may list it.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Creates (or truncates) the file at `path` as 0600: only its owner may read it.
pub fn create_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        opts.mode(0o600);
        let file = opts.open(path)?;
        // An existing file keeps its mode through open(2): narrow it too.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    opts.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_id_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        let a = paths.device_id().unwrap();
        assert!(a.starts_with("tui:"));
        assert_eq!(paths.device_id().unwrap(), a);
        assert_ne!(
            Paths::at(tempfile::tempdir().unwrap().path())
                .device_id()
                .unwrap(),
            a
        );
    }
}
