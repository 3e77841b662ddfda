//! `tail --exec`: the hook runs once per message, one at a time and in order, with the
//! message as JSON on its stdin, beside the printing (a slow hook never holds up what is
//! printed). While it runs, at most [`QUEUE`] messages ([`QUEUE_BYTES`] of JSON) wait for
//! it; more are printed but not given to it, and stderr says how many it missed. Each run
//! has a time limit; past it the hook's whole process group is killed (what it started
//! too) and tailing goes on. A hook still running when `tail` ends is killed the same way.

use anyhow::{Context, bail};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

/// Messages waiting for the hook, at most.
pub const QUEUE: usize = 100;
/// JSON bytes waiting for the hook, at most (one message alone may be larger).
pub const QUEUE_BYTES: usize = 8 << 20;
/// The default time limit of one run (`--exec-timeout`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

fn warn(text: &str) {
    let _ = writeln!(std::io::stderr(), "vocechat-tui tail: {text}");
}

/// The hook's queue and the task that runs it.
pub struct Hooks {
    tx: mpsc::Sender<String>,
    /// JSON bytes queued and not yet taken by the runner.
    queued: Arc<AtomicUsize>,
    /// Messages not given to the hook since the last report.
    missed: u64,
    runner: tokio::task::JoinHandle<()>,
}

impl Hooks {
    pub fn start(cmd: String, limit: Duration) -> Hooks {
        let (tx, mut rx) = mpsc::channel::<String>(QUEUE);
        let queued = Arc::new(AtomicUsize::new(0));
        let taken = queued.clone();
        let runner = tokio::spawn(async move {
            while let Some(json) = rx.recv().await {
                taken.fetch_sub(json.len(), Ordering::Relaxed);
                if let Err(e) = run(&cmd, &json, limit).await {
                    warn(&format!("{e:#}"));
                }
            }
        });
        Hooks {
            tx,
            queued,
            missed: 0,
            runner,
        }
    }

    /// Queues one message (a JSON line) for the hook, or counts it missed when the queue is
    /// full.
    pub fn offer(&mut self, json: String) {
        let size = json.len();
        let waiting = self.queued.load(Ordering::Relaxed);
        let fits = waiting == 0 || waiting + size <= QUEUE_BYTES;
        let sent = fits
            && match self.tx.try_send(json) {
                Ok(()) => true,
                Err(mpsc::error::TrySendError::Full(_)) => false,
                Err(mpsc::error::TrySendError::Closed(_)) => return,
            };
        if sent {
            self.queued.fetch_add(size, Ordering::Relaxed);
            self.report();
            return;
        }
        if self.missed == 0 {
            warn(&format!(
                "--exec is behind ({QUEUE} messages or {} MiB wait for it): new messages are \
                 printed but not given to it until it catches up",
                QUEUE_BYTES >> 20
            ));
        }
        self.missed += 1;
    }

    /// Says how many messages the hook missed since the last report, if any.
    fn report(&mut self) {
        if self.missed > 0 {
            warn(&format!(
                "--exec missed {} message{} while it was behind",
                self.missed,
                if self.missed == 1 { "" } else { "s" }
            ));
            self.missed = 0;
        }
    }
}

impl Drop for Hooks {
    fn drop(&mut self) {
        self.report();
        // A run in progress is dropped with it, which kills its process group.
        self.runner.abort();
    }
}

/// The process group of a running hook, killed when this is dropped while armed.
struct Group(Option<u32>);

impl Drop for Group {
    fn drop(&mut self) {
        if let Some(pgid) = self.0.take() {
            kill_group(pgid);
        }
    }
}

#[cfg(unix)]
#[allow(unsafe_code)] // audited below, like the terminal's Ctrl+Z
fn kill_group(pgid: u32) {
    let Ok(pgid) = i32::try_from(pgid) else {
        return;
    };
    if pgid <= 1 {
        return; // never our own group, or every process we may signal
    }
    // SAFETY: kill(2) has no memory-safety preconditions. `-pgid` names the group the hook
    // was started in as its leader (process_group(0)), which holds only the hook and what
    // it started.
    let _ = unsafe { libc::kill(-pgid, libc::SIGKILL) };
}

#[cfg(not(unix))]
fn kill_group(_pgid: u32) {}

/// One run of the hook: `sh -c CMD` in a process group of its own, `json` on its stdin,
/// killed with its group after `limit`. A failure is the caller's to report.
async fn run(cmd: &str, json: &str, limit: Duration) -> anyhow::Result<()> {
    let mut command = tokio::process::Command::new("sh");
    command
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    command.process_group(0);
    let mut child = command.spawn().context("starting the --exec command")?;
    let mut group = Group(child.id());
    let stdin = child.stdin.take();
    let finished = tokio::time::timeout(limit, async {
        if let Some(mut stdin) = stdin {
            // A hook that does not read its stdin is fine.
            let _ = stdin.write_all(json.as_bytes()).await;
        }
        child.wait().await
    })
    .await;
    match finished {
        Ok(status) => {
            // It ended: what it left running in the background is its own business.
            group.0 = None;
            let status = status.context("waiting for the --exec command")?;
            if !status.success() {
                bail!("the --exec command failed: {status}");
            }
            Ok(())
        }
        Err(_) => {
            drop(group);
            let _ = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
            bail!(
                "the --exec command ran past {} s (--exec-timeout): stopped it and everything it started",
                limit.as_secs()
            )
        }
    }
}
