//! Saved logins and the single-instance lock.
//!
//! A session (server URL, e-mail, tokens, device id) is saved as JSON in the data directory,
//! one file per account, `sessions/<server>-<uid>.json` (two accounts on one server keep
//! one each; an earlier version's `<server>.json` is moved there on first use), written to a
//! fresh file created with mode 0600 and renamed into place, so the tokens are never
//! readable by other users, not even for a moment. An account's instance lock makes a second
//! client streaming the same account (same device id) refuse: two streams on one account and
//! device break each other.

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

/// A file name's start for an account: its server's host, port and path with everything else
/// replaced, then its uid (two accounts on one server have a file each).
pub fn account_stem(server: &str, uid: i64) -> String {
    format!("{}-{uid}", crate::files::server_file_stem(server))
}

/// Whether two server URLs name the same server (as their files do).
fn same_server(a: &str, b: &str) -> bool {
    crate::files::server_file_stem(a) == crate::files::server_file_stem(b)
}

impl SessionStore {
    pub fn new(data_dir: &Path) -> SessionStore {
        SessionStore {
            dir: data_dir.join("sessions"),
        }
    }

    fn path(&self, server: &str, uid: i64) -> PathBuf {
        self.dir.join(format!("{}.json", account_stem(server, uid)))
    }

    /// The file of an earlier version, one per server: `<server>.json`.
    fn legacy_path(&self, server: &str) -> PathBuf {
        self.dir
            .join(format!("{}.json", crate::files::server_file_stem(server)))
    }

    fn read(path: &Path) -> Option<SavedLogin> {
        let text = std::fs::read_to_string(path).ok()?;
        match serde_json::from_str::<SavedLogin>(&text) {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!("ignoring unreadable saved session {}: {e}", path.display());
                None
            }
        }
    }

    /// The session saved for the account `uid` on `server`.
    pub fn load(&self, server: &str, uid: i64) -> Option<SavedLogin> {
        if let Some(saved) = Self::read(&self.path(server, uid)) {
            return Some(saved);
        }
        self.migrate(&self.legacy_path(server))
            .filter(|s| s.session.uid == uid && same_server(&s.server, server))
    }

    /// The session saved on `server` for `email` (ignoring case), or, without one, the only
    /// session saved on `server`.
    pub fn find(&self, server: &str, email: Option<&str>) -> Option<SavedLogin> {
        let mut on_server: Vec<SavedLogin> = self
            .all()
            .into_iter()
            .filter(|s| same_server(&s.server, server))
            .collect();
        match email {
            Some(email) => on_server
                .into_iter()
                .find(|s| s.email.eq_ignore_ascii_case(email)),
            None if on_server.len() == 1 => on_server.pop(),
            None => None,
        }
    }

    /// Every saved session, in file-name order; a file of an earlier version (one per
    /// server) is moved to its account's name on the way.
    pub fn all(&self) -> Vec<SavedLogin> {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut names: Vec<PathBuf> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        let mut all: Vec<SavedLogin> = Vec::new();
        for path in names {
            let Some(saved) = Self::read(&path) else {
                continue;
            };
            let saved = if path == self.path(&saved.server, saved.session.uid) {
                saved
            } else {
                self.migrate(&path).unwrap_or(saved)
            };
            let (server, uid) = (&saved.server, saved.session.uid);
            if !all
                .iter()
                .any(|s| s.session.uid == uid && same_server(&s.server, server))
            {
                all.push(saved);
            }
        }
        all
    }

    /// Moves an earlier version's file (`<server>.json`) to its account's name: read, saved
    /// under the new name (unless a newer session is there), removed. If that fails the
    /// session read is still returned, and the move is tried again next time.
    fn migrate(&self, old: &Path) -> Option<SavedLogin> {
        let saved = Self::read(old)?;
        let target = self.path(&saved.server, saved.session.uid);
        if target == old {
            return Some(saved);
        }
        let moved = self.save(&saved).and_then(|()| std::fs::remove_file(old));
        match moved {
            Ok(()) => tracing::info!("saved session moved to {}", target.display()),
            Err(e) => tracing::warn!("could not move the saved session {}: {e}", old.display()),
        }
        Some(saved)
    }

    /// Waits for, then holds (until the file is dropped), the lock on the saved session of
    /// the account `uid` on `server`. Every process on this install that renews or saves
    /// that session holds it, so a renewal always starts from the newest refresh token (the
    /// server rotates it).
    pub fn lock(&self, server: &str, uid: i64) -> std::io::Result<File> {
        std::fs::create_dir_all(&self.dir)?;
        restrict_dir(&self.dir);
        let path = self.dir.join(format!("{}.lock", account_stem(server, uid)));
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
        let _lock = self.lock(&login.server, login.session.uid)?;
        self.save_locked(login)
    }

    /// [`SessionStore::save`] for a caller that holds the lock.
    pub fn save_locked(&self, login: &SavedLogin) -> std::io::Result<()> {
        if let Some(saved) = Self::read(&self.path(&login.server, login.session.uid))
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
        let target = self.path(&login.server, login.session.uid);
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

    /// Forgets the session of the account `uid` on `server`.
    pub fn delete(&self, server: &str, uid: i64) -> std::io::Result<()> {
        match std::fs::remove_file(self.path(server, uid)) {
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
    /// The account's user id (with the server, what names its file).
    pub uid: i64,
}

impl crate::runtime::api::SessionShare for SharedSession {
    fn lock(&self) -> std::io::Result<Box<dyn Send>> {
        Ok(Box::new(self.store.lock(&self.server, self.uid)?))
    }

    fn load(&self) -> Option<Session> {
        self.store.load(&self.server, self.uid).map(|s| s.session)
    }

    fn save(&self, session: &Session) -> std::io::Result<()> {
        self.store.save_locked(&SavedLogin {
            server: self.server.clone(),
            email: self.email.clone(),
            session: session.clone(),
        })
    }
}

/// One account's hold on its event stream, taken when an account that streams is opened (the
/// UI, `tail`) and held as long as it is; the OS releases it if the process dies. Two
/// clients on one account and device id would knock each other off the server's stream, so
/// a second one refuses; other accounts are free (`tail` on one beside the UI on another).
pub struct InstanceLock {
    _file: File,
}

/// The locks this process holds, by file: a new login of an account the window already holds
/// shares its lock instead of refusing itself.
static HELD: std::sync::Mutex<Vec<(PathBuf, std::sync::Weak<InstanceLock>)>> =
    std::sync::Mutex::new(Vec::new());

impl InstanceLock {
    /// The lock file of the account `uid` on `server`: `<server>-<uid>.instance.lock` in the
    /// data directory.
    pub fn path(data_dir: &Path, server: &str, uid: i64) -> PathBuf {
        data_dir.join(format!("{}.instance.lock", account_stem(server, uid)))
    }

    /// Takes the lock of the account `uid` on `server`, or says who holds it.
    pub fn acquire(data_dir: &Path, server: &str, uid: i64) -> Result<InstanceLock, String> {
        let path = Self::path(data_dir, server, uid);
        let _ = std::fs::create_dir_all(data_dir);
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

    /// [`InstanceLock::acquire`], or the lock this process already holds for the account.
    pub fn shared(
        data_dir: &Path,
        server: &str,
        uid: i64,
    ) -> Result<std::sync::Arc<InstanceLock>, String> {
        let path = Self::path(data_dir, server, uid);
        let mut held = HELD
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        held.retain(|(_, lock)| lock.strong_count() > 0);
        if let Some(lock) = held
            .iter()
            .find(|(p, _)| *p == path)
            .and_then(|(_, lock)| lock.upgrade())
        {
            return Ok(lock);
        }
        let lock = std::sync::Arc::new(Self::acquire(data_dir, server, uid)?);
        held.push((path, std::sync::Arc::downgrade(&lock)));
        Ok(lock)
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

    const SERVER: &str = "https://chat.example.com:8443/vc";

    fn account(uid: i64, email: &str, expires_at_ms: i64) -> SavedLogin {
        let mut login = sample();
        login.email = email.into();
        login.session.uid = uid;
        login.session.token = format!("tok{uid}");
        login.session.expires_at_ms = expires_at_ms;
        login
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn sessions_round_trip_with_private_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let store = SessionStore::new(dir.path());
        assert!(store.load(SERVER, 3).is_none());
        store.save(&sample()).unwrap();
        store.save(&sample()).unwrap(); // overwrite works
        assert_eq!(store.load(&format!("{SERVER}/"), 3), Some(sample()));
        let path = store.path(SERVER, 3);
        assert!(path.ends_with("sessions/chat.example.com_8443_vc-3.json"));
        #[cfg(unix)]
        {
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&dir.path().join("sessions")), 0o700);
        }
        assert!(!format!("{:?}", sample()).contains("tok\""));
        store.delete(SERVER, 3).unwrap();
        assert!(store.load(SERVER, 3).is_none());
        store.delete(SERVER, 3).unwrap();
    }

    /// Two accounts on one server: each keeps its own file, found by uid, by e-mail, and
    /// listed; one's renewal (through its shared session) leaves the other alone.
    #[test]
    fn two_accounts_on_one_server_keep_and_renew_their_own_sessions() {
        use crate::runtime::api::SessionShare;
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(SessionStore::new(dir.path()));
        let (alice, bob) = (account(3, "alice@x.org", 5), account(4, "bob@x.org", 5));
        store.save(&alice).unwrap();
        store.save(&bob).unwrap();
        assert_eq!(store.load(SERVER, 3), Some(alice.clone()));
        assert_eq!(store.load(SERVER, 4), Some(bob.clone()));
        assert_eq!(store.all(), vec![alice.clone(), bob.clone()]);
        assert_eq!(store.find(SERVER, Some("BOB@x.org")), Some(bob.clone()));
        assert_eq!(store.find(SERVER, Some("carol@x.org")), None);
        assert_eq!(
            store.find(SERVER, None),
            None,
            "two: which one is not known"
        );
        assert_eq!(store.find("https://other.example.com", None), None);

        let share = |uid: i64| SharedSession {
            store: store.clone(),
            server: SERVER.into(),
            email: String::new(),
            uid,
        };
        let (for_alice, for_bob) = (share(3), share(4));
        let mut renewed = alice.session.clone();
        renewed.token = "renewed".into();
        renewed.expires_at_ms = 9;
        {
            let _held = for_alice.lock().unwrap();
            // The other account's lock is free meanwhile.
            drop(for_bob.lock().unwrap());
            for_alice.save(&renewed).unwrap();
        }
        assert_eq!(for_alice.load(), Some(renewed));
        assert_eq!(for_bob.load(), Some(bob.session.clone()));
        store.delete(SERVER, 3).unwrap();
        assert_eq!(store.find(SERVER, None), Some(bob), "now the only one");
    }

    /// A file of an earlier version (`<server>.json`) is read, moved to its account's name on
    /// first use, with its permissions; a move that cannot be made still gives the session.
    #[test]
    fn an_earlier_versions_session_file_is_moved_to_its_accounts_name() {
        let dir = tempfile::tempdir().unwrap();
        let store = SessionStore::new(dir.path());
        let sessions = dir.path().join("sessions");
        std::fs::create_dir_all(&sessions).unwrap();
        let old = sessions.join("chat.example.com_8443_vc.json");
        let write_old = || {
            std::fs::write(&old, serde_json::to_string(&sample()).unwrap()).unwrap();
        };
        write_old();
        assert_eq!(store.find(SERVER, Some("a@b.c")), Some(sample()));
        assert!(!old.exists(), "the old file is gone");
        assert_eq!(SessionStore::read(&store.path(SERVER, 3)), Some(sample()));
        #[cfg(unix)]
        assert_eq!(mode(&store.path(SERVER, 3)), 0o600);

        // By uid too; another uid's old file is not this account's.
        store.delete(SERVER, 3).unwrap();
        write_old();
        assert_eq!(store.load(SERVER, 4), None);
        assert_eq!(
            store.load(SERVER, 3),
            Some(sample()),
            "moved by the first look"
        );
        assert!(!old.exists());

        // A move that fails (a directory in the way): the old file still works, and stays.
        store.delete(SERVER, 3).unwrap();
        write_old();
        std::fs::create_dir(store.path(SERVER, 3)).unwrap();
        assert_eq!(store.all(), vec![sample()]);
        assert_eq!(store.load(SERVER, 3), Some(sample()));
        assert_eq!(store.find(SERVER, None), Some(sample()));
        assert!(old.exists());
    }

    #[test]
    fn a_second_instance_on_the_same_account_is_refused_another_account_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let first = InstanceLock::acquire(dir.path(), SERVER, 3).unwrap();
        assert!(
            dir.path()
                .join("chat.example.com_8443_vc-3.instance.lock")
                .exists()
        );
        let err = InstanceLock::acquire(dir.path(), &format!("{SERVER}/"), 3)
            .err()
            .unwrap();
        assert!(err.contains("already running"), "{err}");
        assert!(err.contains(&std::process::id().to_string()), "{err}");
        // Another user on the same server, the same uid on another server.
        let other_user = InstanceLock::acquire(dir.path(), SERVER, 4).unwrap();
        let other_server = InstanceLock::acquire(dir.path(), "https://b.example", 3).unwrap();
        drop(first);
        assert!(InstanceLock::acquire(dir.path(), SERVER, 3).is_ok());
        drop((other_user, other_server));
    }

    /// Within one process the same account shares its lock (a new login of the window's
    /// account), and it is free again once nobody holds it.
    #[test]
    fn one_process_shares_an_accounts_lock() {
        let dir = tempfile::tempdir().unwrap();
        let a = InstanceLock::shared(dir.path(), SERVER, 3).unwrap();
        let b = InstanceLock::shared(dir.path(), SERVER, 3).unwrap();
        assert!(std::sync::Arc::ptr_eq(&a, &b));
        assert!(InstanceLock::acquire(dir.path(), SERVER, 3).is_err());
        drop((a, b));
        assert!(InstanceLock::acquire(dir.path(), SERVER, 3).is_ok());
    }
}
