//! The cache of played voice messages (`data_dir/voice/`): one file per message, named by
//! its conversation and mid (`g5-120-…`, `u7-121-…`) so a clear of history can find it. A
//! download goes to a `.part` name and is renamed when complete, so a download killed
//! halfway is never taken for the message. The directory is private (0700, files 0600) and
//! bounded: at most [`MAX_FILES`] files and [`MAX_BYTES`] bytes, the oldest removed first,
//! pruned when a file is added and when the account opens; at that opening, what the
//! store's fences cover (cleared history) and unfinished downloads go too.

use crate::model::{Cleared, ConvKey, Fence};
use crate::protocol::ServerEvent;
use std::path::{Path, PathBuf};

/// The most voice messages kept.
pub const MAX_FILES: usize = 50;

/// The most bytes kept.
pub const MAX_BYTES: u64 = 100 * 1024 * 1024;

/// What an unfinished download's name ends with.
const PART: &str = ".part";

/// Where the voice message `mid` of conversation `key`, at server `path`, named `name`, is
/// cached: its conversation and mid, then its server path (unique on its server) and the
/// extension of `name` (for the player).
pub fn cache_file(dir: &Path, key: ConvKey, mid: i64, path: &str, name: &str) -> PathBuf {
    let (_, ext) = crate::files::split_ext(name);
    let stem: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(120)
        .collect();
    let conv = match key {
        ConvKey::Group(gid) => format!("g{gid}"),
        ConvKey::User(uid) => format!("u{uid}"),
    };
    dir.join(crate::files::safe_file_name(&format!(
        "{conv}-{mid}-{stem}{ext}"
    )))
}

/// The temporary name a download of `file` is written under.
pub fn part_name(file: &Path) -> String {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{name}{PART}")
}

/// The conversation and mid a cached file's name gives.
fn parse(name: &str) -> Option<(ConvKey, i64)> {
    let mut parts = name.splitn(3, '-');
    let conv = parts.next()?;
    let mid = parts.next()?.parse().ok()?;
    parts.next()?;
    let id = conv.get(1..)?.parse().ok()?;
    match conv.as_bytes().first()? {
        b'g' => Some((ConvKey::Group(id), mid)),
        b'u' => Some((ConvKey::User(id), mid)),
        _ => None,
    }
}

/// Creates the directory, private to the user.
pub fn ensure_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    private(dir, 0o700)
}

/// A complete download at `part` becomes the cached `file` (0600), then the directory is
/// pruned to its bounds (`file` kept).
pub fn finish(part: &Path, file: &Path) -> std::io::Result<()> {
    private(part, 0o600)?;
    std::fs::rename(part, file)?;
    if let Some(dir) = file.parent() {
        prune(dir, MAX_FILES, MAX_BYTES, Some(file));
    }
    Ok(())
}

#[cfg(unix)]
fn private(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn private(_: &Path, _: u32) -> std::io::Result<()> {
    Ok(())
}

/// The finished cache files in `dir` (named by [`cache_file`]): path, size and modified
/// time.
fn finished(dir: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    entries
        .flatten()
        // Only the cache's own files: never anything else the directory holds.
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            !name.ends_with(PART) && parse(&name).is_some()
        })
        .filter_map(|e| {
            let meta = e.metadata().ok().filter(std::fs::Metadata::is_file)?;
            let modified = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
            Some((e.path(), meta.len(), modified))
        })
        .collect()
}

/// Removes the oldest finished files until at most `max_files` and `max_bytes` are left,
/// never `keep` (the file just added). How many went.
pub fn prune(dir: &Path, max_files: usize, max_bytes: u64, keep: Option<&Path>) -> usize {
    let mut files = finished(dir);
    // Newest first: what is kept is a prefix.
    files.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| b.0.cmp(&a.0)));
    if let Some(keep) = keep
        && let Some(i) = files.iter().position(|f| f.0 == keep)
    {
        let kept = files.remove(i);
        files.insert(0, kept);
    }
    let (mut count, mut bytes, mut removed) = (0usize, 0u64, 0);
    for (path, len, _) in files {
        count += 1;
        bytes = bytes.saturating_add(len);
        if (count > max_files || bytes > max_bytes) && Some(path.as_path()) != keep {
            if std::fs::remove_file(&path).is_ok() {
                removed += 1;
            }
            count -= 1;
            bytes = bytes.saturating_sub(len);
        }
    }
    removed
}

/// Files an earlier version cached straight in `data_dir/voice/` (before each account had its
/// own directory there): nobody's any more, they go (blocking). How many went.
pub fn drop_unowned(data_dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(data_dir.join("voice")) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// At an account's opening: unfinished downloads and the messages `cleared` covers leave,
/// then the directory is pruned to its bounds (blocking). How many files went.
pub fn sweep(dir: &Path, cleared: &Cleared) -> usize {
    remove_where(dir, |name| {
        name.ends_with(PART) || parse(name).is_some_and(|(key, mid)| cleared.covers(key, mid))
    }) + prune(dir, MAX_FILES, MAX_BYTES, None)
}

/// What a clear arriving live takes from the cache, from the event alone: every cached file
/// is of a message known here, so a channel's clear (fenced at the highest mid known) covers
/// all of the channel's, and `message_cleared` all up to its `latest_deleted_mid` (all when
/// it says 0 or nothing). `None` for any other event.
pub fn covered_by(ev: &ServerEvent) -> Option<Cleared> {
    let mut cleared = Cleared::default();
    match ev {
        ServerEvent::MessageCleared { latest_deleted_mid } => {
            let mid = latest_deleted_mid.filter(|m| *m > 0).unwrap_or(i64::MAX);
            cleared.through = Some(Fence { mid, at: None });
        }
        ServerEvent::GroupMessageCleared { gid } => {
            cleared.groups.insert(
                *gid,
                Fence {
                    mid: i64::MAX,
                    at: None,
                },
            );
        }
        _ => return None,
    }
    Some(cleared)
}

/// The cache of one account (`data_dir/voice/<server>-<uid>/`): two servers number their
/// channels and messages alike, and one's clear must not empty the other's cache.
pub fn account_dir(data_dir: &Path, server: &str, uid: i64) -> PathBuf {
    data_dir
        .join("voice")
        .join(crate::runtime::session_store::account_stem(server, uid))
}

/// A clear arriving live: the played messages it covers leave the account's cache `dir`
/// (off the UI task). Any other event does nothing.
pub fn on_event(dir: Option<PathBuf>, ev: &ServerEvent) {
    if let (Some(dir), Some(cleared)) = (dir, covered_by(ev)) {
        tokio::task::spawn_blocking(move || {
            remove_where(&dir, |name| {
                parse(name).is_some_and(|(key, mid)| cleared.covers(key, mid))
            })
        });
    }
}

/// Removes the files of `dir` whose name `gone` picks. How many went.
fn remove_where(dir: &Path, gone: impl Fn(&str) -> bool) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| gone(&e.file_name().to_string_lossy()))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_conversation_and_mid() {
        let dir = Path::new("/v");
        let f = cache_file(dir, ConvKey::Group(5), 120, "2026/7/24/a b", "memo.ogg");
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(name, "g5-120-2026_7_24_a_b.ogg");
        assert_eq!(parse(&name), Some((ConvKey::Group(5), 120)));
        assert_eq!(parse("u7-3-x"), Some((ConvKey::User(7), 3)));
        for other in ["x", "g-1-x", "g5-x-y", "q5-1-x", "g5-1", ""] {
            assert_eq!(parse(other), None, "{other}");
        }
        assert_eq!(part_name(&f), "g5-120-2026_7_24_a_b.ogg.part");
    }

    /// Writes `len` bytes to `name` in `dir`, modified `age` seconds before now.
    fn put(dir: &Path, name: &str, len: usize, age: u64) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, vec![1u8; len]).unwrap();
        let when = std::time::SystemTime::now() - std::time::Duration::from_secs(age);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(when)
            .unwrap();
        path
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn the_cache_keeps_the_newest_within_its_bounds() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..55 {
            // g1-0 is the oldest.
            put(dir.path(), &format!("g1-{i:02}-x.ogg"), 10, 1_000 - i);
        }
        // A download under way is not counted, nor removed; nor is what is not the cache's.
        put(dir.path(), "g1-99-x.ogg.part", 10, 5_000);
        put(dir.path(), "thesis.pdf", 10, 9_000);
        assert_eq!(prune(dir.path(), MAX_FILES, MAX_BYTES, None), 5);
        let left = names(dir.path());
        assert_eq!(left.len(), 52);
        assert_eq!(left[0], "g1-05-x.ogg", "the five oldest went");
        assert!(left.contains(&"g1-99-x.ogg.part".to_string()));
        // By bytes: 35 bytes keep the three newest; the one just added is kept whatever
        // its age.
        let kept = dir.path().join("g1-05-x.ogg");
        assert_eq!(prune(dir.path(), 50, 35, Some(&kept)), 47);
        assert_eq!(
            names(dir.path()),
            [
                "g1-05-x.ogg",
                "g1-53-x.ogg",
                "g1-54-x.ogg",
                "g1-99-x.ogg.part",
                "thesis.pdf"
            ]
        );
    }

    #[test]
    fn a_finished_download_is_private_and_prunes_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let voice = dir.path().join("voice");
        ensure_dir(&voice).unwrap();
        for i in 0..MAX_FILES {
            put(&voice, &format!("u2-{i}-old.ogg"), 1, 100);
        }
        let file = cache_file(&voice, ConvKey::User(2), 999, "2026/1/1/new", "new.ogg");
        let part = voice.join(part_name(&file));
        std::fs::write(&part, b"all of it").unwrap();
        finish(&part, &file).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"all of it");
        assert!(!part.exists());
        assert_eq!(names(&voice).len(), MAX_FILES);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&voice), 0o700);
            assert_eq!(mode(&file), 0o600);
        }
    }

    #[test]
    fn opening_an_account_removes_cleared_messages_and_unfinished_downloads() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "g1-10-a.ogg",
            "g1-30-a.ogg",
            "g2-10-a.ogg",
            "u3-5-a.ogg",
            "u3-50-a.ogg",
            "u3-60-a.ogg.part",
            "notes.txt",
        ] {
            put(dir.path(), name, 3, 10);
        }
        let mut cleared = Cleared::default();
        cleared.groups.insert(1, Fence { mid: 20, at: None });
        cleared.through = Some(Fence { mid: 8, at: None });
        assert_eq!(sweep(dir.path(), &cleared), 3);
        assert_eq!(
            names(dir.path()),
            ["g1-30-a.ogg", "g2-10-a.ogg", "notes.txt", "u3-50-a.ogg"]
        );
        // No directory yet: nothing to do.
        assert_eq!(sweep(&dir.path().join("none"), &cleared), 0);
    }

    #[test]
    fn a_clear_arriving_live_covers_what_it_cleared() {
        let group = covered_by(&ServerEvent::GroupMessageCleared { gid: 1 }).unwrap();
        assert!(group.covers(ConvKey::Group(1), 1_000_000));
        assert!(!group.covers(ConvKey::Group(2), 1) && !group.covers(ConvKey::User(1), 1));
        let through = covered_by(&ServerEvent::MessageCleared {
            latest_deleted_mid: Some(40),
        })
        .unwrap();
        assert!(through.covers(ConvKey::User(3), 40) && !through.covers(ConvKey::User(3), 41));
        let all = covered_by(&ServerEvent::MessageCleared {
            latest_deleted_mid: Some(0),
        })
        .unwrap();
        assert!(all.covers(ConvKey::Group(9), 1_000_000));
        let unsaid = covered_by(&ServerEvent::MessageCleared {
            latest_deleted_mid: None,
        })
        .unwrap();
        assert!(unsaid.covers(ConvKey::User(2), 1_000_000));
        assert_eq!(covered_by(&ServerEvent::Ready), None);
    }

    #[tokio::test]
    async fn a_clear_arriving_live_removes_the_played_messages_it_covers() {
        let dir = tempfile::tempdir().unwrap();
        let voice = dir.path().join("voice");
        std::fs::create_dir(&voice).unwrap();
        for name in ["g1-10-a.ogg", "g2-10-a.ogg", "u3-5-a.ogg"] {
            put(&voice, name, 3, 10);
        }
        on_event(
            Some(voice.clone()),
            &ServerEvent::GroupMessageCleared { gid: 1 },
        );
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while names(&voice).len() == 3 {
            assert!(std::time::Instant::now() < deadline, "nothing went");
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert_eq!(names(&voice), ["g2-10-a.ogg", "u3-5-a.ogg"]);
    }
}
