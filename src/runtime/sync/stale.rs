//! Keeps a restart or a reconnect from going deaf on 0.3.3 servers: a stream opened while an
//! older one of the same device still runs on the server is silenced by it.
//!
//! In 0.3.3 (`events_loop` and `create_user_event_receiver`, `src/api/user.rs`) each stream
//! has a loop on the server that learns its client has gone only when one of its own writes
//! fails: its heartbeat (15 s after it opened, then every 15 s) or an event for the user. A
//! new stream of the device kicks the old loop, which ends at once, and on its way out clears
//! the device's event sender, which by then is the new stream's: the new stream keeps its
//! initial batch and `ready`, then gets keep-alive comments only, with no heartbeat and no
//! event, until a watchdog notices. Once that happened no loop of the device is left, so the
//! next stream is sound.
//!
//! The defence, measured against the real server (see the README):
//! - **Hold the previous stream** while the next one opens, until the new one's first
//!   heartbeat. A `kick` (`login_from_other_device`) on the held stream proves its loop was
//!   alive, so it took the new stream down with it: reconnect at once, holding nothing (on a
//!   server without the defect that costs one spare connection, never a loop).
//! - When an old loop may run with nobody holding its stream (the previous run of the
//!   program, or a connection that broke or fell silent), the first stream is a **probe**:
//!   once its `ready` is in, open the next one while holding it. Whichever of the two the
//!   server silenced, the held-stream rule above finds out at once.
//! - Both wait [`SETTLE`] before that next connect, so the loops the last one ended are gone.
//! - Whether the previous run's loop may still run is read from a **mark**: the last time a
//!   stream of this account on this device was known open, written on `ready`, on every
//!   heartbeat and when the stream stops (a small file beside the account's store).
//! - The watchdog expects the first heartbeat 15 s after a stream opens (plus a margin), not
//!   a long timeout, for what the rest cannot see.

use crate::protocol::event::{self, Decoded};
use crate::protocol::{KickReason, ServerEvent};
use eventsource_client as es;
use futures::StreamExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long after its stream was last known open a loop of 0.3.3 can still be running: its
/// next heartbeat write (at most 15 s on), after the server noticed the closed connection
/// (its keep-alive comments every 5 s, later behind a proxy), with room to spare. Guessing
/// too long costs a probe (one or two spare connections); too short, a deaf stream until the
/// watchdog.
pub const LOOP_OUTLIVES: Duration = Duration::from_secs(60);

/// How long to wait, after a connect that ends older loops (a probe's first stream, or the
/// one a kick showed silenced), before the next connect. Those loops clear the device's
/// sender on their way out, after the server's lock is free and their task has run: on a
/// fast link the next connect could otherwise register first and be silenced in turn (seen
/// against the real server on loopback, where the client reconnected within 6 ms).
pub const SETTLE: Duration = Duration::from_millis(300);

/// The stream of a previous connection, kept open to learn whether the current one was
/// silenced.
pub struct Held {
    stream: es::BoxStream<es::Result<es::SSE>>,
}

/// What the held stream told.
#[derive(Debug, PartialEq, Eq)]
pub enum HeldNews {
    /// Its loop was alive and a newer stream kicked it: that newer stream is silenced.
    Kicked,
    /// It ended (or broke) without a kick: it can tell nothing more.
    Ended,
}

impl Held {
    pub fn new(stream: es::BoxStream<es::Result<es::SSE>>) -> Held {
        Held { stream }
    }

    /// Reads the held stream until a kick of this device or its end. What else it carries
    /// the current stream brings too: messages in its replay (which starts where this one
    /// stopped being read) or live, and presence, settings and groups in its initial batch.
    pub async fn news(&mut self) -> HeldNews {
        while let Some(item) = self.stream.next().await {
            let ev = match item {
                Ok(es::SSE::Event(ev)) => ev,
                Ok(_) => continue,
                Err(_) => return HeldNews::Ended,
            };
            let Decoded::Event(ev) = event::decode(&ev.data) else {
                continue;
            };
            if let ServerEvent::Kick { reason } = *ev {
                return match KickReason::parse(&reason) {
                    KickReason::LoginFromOtherDevice => HeldNews::Kicked,
                    _ => HeldNews::Ended,
                };
            }
        }
        HeldNews::Ended
    }
}

/// Whether a loop of the previous run may still be running, from its mark.
pub fn may_outlive(last_open_ms: Option<i64>, now_ms: i64) -> bool {
    let window = i64::try_from(LOOP_OUTLIVES.as_millis()).unwrap_or(i64::MAX);
    last_open_ms.is_some_and(|t| now_ms.saturating_sub(t) < window && t <= now_ms)
}

/// Where the mark of `uid` on `server` lives under the data directory `dir`: beside the
/// account's store, under the same name.
pub fn mark_path(dir: &Path, server: &str, uid: i64) -> PathBuf {
    crate::runtime::store::store_path(dir, server, uid).with_extension("stream")
}

/// Reads a mark (ms since the epoch); none when missing or unreadable.
pub async fn read_mark(path: &Path) -> Option<i64> {
    let text = tokio::fs::read_to_string(path).await.ok()?;
    text.trim().parse().ok()
}

/// Writes a mark, 0600 in a 0700 directory like the store, in the background; a failure is
/// logged, not fatal (without it a quick restart may wait for the watchdog). Not flushed to
/// the disk: a mark lost in a crash of the system costs one probe, never a message.
pub fn write_mark(path: PathBuf, now_ms: i64) -> tokio::task::JoinHandle<()> {
    tokio::task::spawn_blocking(move || {
        if let Err(e) = write_mark_blocking(&path, now_ms) {
            tracing::debug!("stream mark not written: {e}");
        }
    })
}

fn write_mark_blocking(path: &Path, now_ms: i64) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        crate::paths::create_private_dir(dir)?;
    }
    let tmp = path.with_extension("stream.tmp");
    let mut file = crate::paths::create_private_file(&tmp)?;
    file.write_all(now_ms.to_string().as_bytes())?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loop_may_outlive_its_stream_for_a_while_only() {
        let now = 1_000_000_000;
        assert!(!may_outlive(None, now));
        assert!(may_outlive(Some(now - 1_000), now));
        assert!(may_outlive(Some(now - 59_000), now));
        assert!(!may_outlive(Some(now - 60_000), now));
        // A mark from the future (a clock set back) proves nothing.
        assert!(!may_outlive(Some(now + 60_000), now));
        assert!(!may_outlive(Some(i64::MIN), now));
        assert!(!may_outlive(Some(i64::MAX), i64::MIN));
    }

    #[tokio::test]
    async fn marks_are_written_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = mark_path(dir.path(), "https://chat.example.com", 7);
        assert_eq!(read_mark(&path).await, None);
        write_mark(path.clone(), 1234).await.unwrap();
        assert_eq!(read_mark(&path).await, Some(1234));
        write_mark(path.clone(), 5678).await.unwrap();
        assert_eq!(read_mark(&path).await, Some(5678));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "not a number").unwrap();
        assert_eq!(read_mark(&path).await, None);
    }
}
