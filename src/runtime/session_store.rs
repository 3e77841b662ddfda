//! Saved logins and the single-instance lock.
//!
//! A session (server URL, e-mail, tokens, device id) is saved as JSON in the data directory,
//! written to a fresh file created with mode 0600 and renamed into place, so the tokens are
//! never readable by other users, not even for a moment. The lock file makes a second
//! instance on the same device id refuse to start: two streams on one device break each other.

use crate::runtime::api::Session;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedLogin {
    pub server: String,
    pub email: String,
    pub session: Session,
}

impl std::fmt::Debug for SavedLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SavedLogin")
            .field("server", &self.server)
            .field("email", &self.email)
            .field("session", &self.session)
            .finish()
    }
}

/// The longest wait for another process's hold on a saved session.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

pub struct SessionStore {
    dir: PathBuf,
}

/// A file name for a server URL: its host, port and path with everything else replaced.
fn file_name(server: &str) -> String {
    format!("{}.json", crate::files::server_file_stem(server))
}

impl SessionStore {
    pub fn new(data_dir: &Path) -> SessionStore {
        SessionStore {
            dir: data_dir.join("sessions"),
        }
    }

    fn path(&self, server: &str) -> PathBuf {
        self.dir.join(file_name(server))
    }

    pub fn load(&self, server: &str) -> Option<SavedLogin> {
        let text = std::fs::read_to_string(self.path(server)).ok()?;
        match serde_json::from_str::<SavedLogin>(&text) {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!("ignoring unreadable saved session: {e}");
                None
            }
        }
    }

    /// Every saved session, in file-name order.
    pub fn all(&self) -> Vec<SavedLogin> {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut names: Vec<PathBuf> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .filter_map(|t| serde_json::from_str(&t).ok())
            .collect()
    }

    /// Waits for, then holds (until the file is dropped), the lock on `server`'s saved
    /// session. Every process on this install that renews or saves that session holds it,
    /// so a renewal always starts from the newest refresh token (the server rotates it).
    pub fn lock(&self, server: &str) -> std::io::Result<File> {
        std::fs::create_dir_all(&self.dir)?;
        restrict_dir(&self.dir);
        let path = self
            .dir
            .join(format!("{}.lock", crate::files::server_file_stem(server)));
        let mut opts = OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts.open(path)?;
        // Never waits for ever: a holder stopped with Ctrl+Z, or a stuck network file
        // system, must not hang every request of the UI behind it.
        let deadline = std::time::Instant::now() + LOCK_WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(file),
                Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "another vocechat-tui held the saved session's lock for 10 s",
                    ));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(e),
            }
        }
    }

    /// Saves `login` under the lock, unless the saved session is a newer one of the same
    /// account and device (another process renewed it since: it must not be undone).
    pub fn save(&self, login: &SavedLogin) -> std::io::Result<()> {
        let _lock = self.lock(&login.server)?;
        self.save_locked(login)
    }

    /// [`SessionStore::save`] for a caller that holds the lock.
    pub fn save_locked(&self, login: &SavedLogin) -> std::io::Result<()> {
        if let Some(saved) = self.load(&login.server)
            && saved.session.uid == login.session.uid
            && saved.session.device == login.session.device
            && saved.session.expires_at_ms > login.session.expires_at_ms
        {
            return Ok(());
        }
        self.write(login)
    }

    fn write(&self, login: &SavedLogin) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        restrict_dir(&self.dir);
        let target = self.path(&login.server);
        let tmp = target.with_extension(format!("tmp{}", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(
            serde_json::to_string_pretty(login)
                .map_err(std::io::Error::other)?
                .as_bytes(),
        )?;
        f.sync_all()?;
        std::fs::rename(&tmp, &target)
    }

    pub fn delete(&self, server: &str) -> std::io::Result<()> {
        match std::fs::remove_file(self.path(server)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

fn restrict_dir(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// One saved session shared by every process on this install (the UI, `send`, `export`):
/// the API client renews it under the file lock, starting from whatever was saved last.
pub struct SharedSession {
    pub store: std::sync::Arc<SessionStore>,
    pub server: String,
    pub email: String,
}

impl crate::runtime::api::SessionShare for SharedSession {
    fn lock(&self) -> std::io::Result<Box<dyn Send>> {
        Ok(Box::new(self.store.lock(&self.server)?))
    }

    fn load(&self) -> Option<Session> {
        self.store.load(&self.server).map(|s| s.session)
    }

    fn save(&self, session: &Session) -> std::io::Result<()> {
        self.store.save_locked(&SavedLogin {
            server: self.server.clone(),
            email: self.email.clone(),
            session: session.clone(),
        })
    }
}

/// Held for the life of the process; the OS releases it if the process dies.
pub struct InstanceLock {
    _file: File,
}

impl InstanceLock {
    /// Takes the lock for `device`, or says who holds it.
    pub fn acquire(data_dir: &Path, device: &str) -> Result<InstanceLock, String> {
        let safe: String = device
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let path = data_dir.join(format!("{safe}.lock"));
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {
                let _ = file.set_len(0);
                let _ = write!(file, "{}", std::process::id());
                Ok(InstanceLock { _file: file })
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                Err(format!(
                    "another vocechat-tui (pid {}) is already running with this device id; \
                     two clients on one device id knock each other off the server's event stream",
                    holder.trim()
                ))
            }
            Err(std::fs::TryLockError::Error(e)) => {
                Err(format!("cannot lock {}: {e}", path.display()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SavedLogin {
        SavedLogin {
            server: "https://chat.example.com:8443/vc".into(),
            email: "a@b.c".into(),
            session: Session {
                server_id: "s".into(),
                uid: 3,
                device: "tui:x".into(),
                token: "tok".into(),
                refresh_token: "ref".into(),
                expires_at_ms: 5,
                lifetime_ms: 300_000,
            },
        }
    }

    #[test]
    fn sessions_round_trip_with_private_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let store = SessionStore::new(dir.path());
        assert!(store.load("https://chat.example.com:8443/vc").is_none());
        store.save(&sample()).unwrap();
        store.save(&sample()).unwrap(); // overwrite works
        assert_eq!(
            store.load("https://chat.example.com:8443/vc/"),
            Some(sample())
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = store.path("https://chat.example.com:8443/vc");
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        assert!(!format!("{:?}", sample()).contains("tok\""));
        store.delete("https://chat.example.com:8443/vc").unwrap();
        assert!(store.load("https://chat.example.com:8443/vc").is_none());
        store.delete("https://chat.example.com:8443/vc").unwrap();
    }

    #[test]
    fn a_second_instance_on_the_same_device_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let first = InstanceLock::acquire(dir.path(), "tui:abc").unwrap();
        let err = InstanceLock::acquire(dir.path(), "tui:abc").err().unwrap();
        assert!(err.contains("already running"), "{err}");
        assert!(InstanceLock::acquire(dir.path(), "tui:other").is_ok());
        drop(first);
        assert!(InstanceLock::acquire(dir.path(), "tui:abc").is_ok());
    }
}
