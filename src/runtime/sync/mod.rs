//! The live stream: a supervisor task that keeps one SSE connection to `/api/user/events`
//! alive, decodes its events and reports them (and every connection state change) as messages.
//!
//! Each attempt gets a fresh token and the current cursor (`after_mid`, `users_version`) in its
//! URL. The supervisor owns the reconnect policy: exponential backoff with jitter, a heartbeat
//! watchdog (the server can leave a connection open but silent, protocol §3.6), renewal before
//! reconnecting, and `kick` turned into a final state instead of a reconnect loop. How a
//! restart or a reconnect stays clear of 0.3.3's silenced streams is in `stale.rs`.

mod gate;
mod probe;
pub mod stale;
mod transport;

use crate::app::conn::{ConnState, StopReason, SyncMsg};
use crate::protocol::event::{self, Decoded, KickReason, ServerEvent};

use crate::runtime::api::{ApiClient, ApiError};
use eventsource_client::{self as es, Client as _};
use futures::StreamExt;
use rand::Rng;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep, sleep_until};

/// Tunables of the supervisor.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Reconnect when no heartbeat (or event) arrived for this long since the stream opened
    /// or since the last one. The server sends the first 15 s after a stream opens, then one
    /// every 15 s; keep-alive comments do not count, a silent connection still gets those.
    pub heartbeat_timeout: Duration,
    pub backoff_min: Duration,
    pub backoff_max: Duration,
    /// Renew before connecting when the token has less than this left (it cannot be renewed
    /// on an open stream).
    pub token_min_left: Duration,
    /// The wait before a connect that follows one which ended older loops of this device
    /// ([`stale::SETTLE`]; tests against a server without the defect may shorten it).
    pub settle: Duration,
    /// The data directory, where each account keeps the mark of when its stream was last
    /// known open (`stale.rs`). Without one (the demo) a start never suspects that a stream
    /// of a previous run still lives on the server.
    pub marks_dir: Option<std::path::PathBuf>,
}

/// The server's heartbeat interval, and the margin the watchdog gives it.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(15);
pub const HEARTBEAT_MARGIN: Duration = Duration::from_secs(5);

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            heartbeat_timeout: HEARTBEAT_EVERY + HEARTBEAT_MARGIN,
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(30),
            token_min_left: Duration::from_secs(60),
            settle: stale::SETTLE,
            marks_dir: None,
        }
    }
}

/// Where the stream resumes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    /// Highest mid of any chat event received (reactions included).
    pub after_mid: Option<i64>,
    /// Version of the users log last applied.
    pub users_version: Option<i64>,
}

enum Control {
    ReconnectNow,
    Stop,
}

/// Owns the supervisor task; dropping it stops the stream.
pub struct SyncHandle {
    control: mpsc::UnboundedSender<Control>,
    task: JoinHandle<()>,
}

impl SyncHandle {
    /// Skip the backoff wait, or drop a connection that looks stuck and open a new one.
    pub fn reconnect_now(&self) {
        let _ = self.control.send(Control::ReconnectNow);
    }

    pub fn stop(&self) {
        let _ = self.control.send(Control::Stop);
    }

    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Stops the stream and waits at most `within` for the supervisor to end. On its way out
    /// it records the stream's mark: the server's loop of this stream outlives it, and a
    /// restart soon after must know (`stale.rs`).
    pub async fn shutdown(&mut self, within: Duration) {
        self.stop();
        let _ = tokio::time::timeout(within, &mut self.task).await;
    }
}

impl Drop for SyncHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the supervisor. Messages go to `out` as `M::from(SyncMsg)`; it ends when `out` closes.
pub fn spawn<M>(
    api: ApiClient,
    cursor: Cursor,
    config: SyncConfig,
    out: mpsc::UnboundedSender<M>,
) -> SyncHandle
where
    M: From<SyncMsg> + Send + 'static,
{
    spawn_after(api, std::future::ready(cursor), config, out)
}

/// Starts the supervisor once `cursor` is known (a cold start first learns where a bounded
/// replay should begin); the handle works at once.
pub fn spawn_after<M>(
    api: ApiClient,
    cursor: impl Future<Output = Cursor> + Send + 'static,
    config: SyncConfig,
    out: mpsc::UnboundedSender<M>,
) -> SyncHandle
where
    M: From<SyncMsg> + Send + 'static,
{
    let (control_tx, control_rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let _ = out.send(M::from(SyncMsg::State(ConnState::Connecting {
            attempt: 0,
        })));
        let cursor = cursor.await;
        let mark = match (&config.marks_dir, api.session().await) {
            (Some(dir), Some(session)) => {
                Some(stale::mark_path(dir, api.base_url().as_str(), session.uid))
            }
            _ => None,
        };
        let suspect = match &mark {
            Some(path) => stale::may_outlive(stale::read_mark(path).await, crate::clock::now_ms()),
            None => false,
        };
        if suspect {
            tracing::info!("a stream of the previous run may still be open on the server");
        }
        let supervisor = Supervisor {
            api,
            cursor,
            config,
            out,
            control: control_rx,
            gate: gate::ChatGate::default(),
            live: false,
            held: None,
            suspect,
            quiet: false,
            mark,
        };
        supervisor.run().await;
    });
    SyncHandle {
        control: control_tx,
        task,
    }
}

struct Supervisor<M> {
    api: ApiClient,
    cursor: Cursor,
    config: SyncConfig,
    out: mpsc::UnboundedSender<M>,
    control: mpsc::UnboundedReceiver<Control>,
    /// Duplicate and backwards-mid detection across connections.
    gate: gate::ChatGate,
    /// Whether the current connection sent `ready`.
    live: bool,
    /// The previous connection, kept open until the current one proves alive (`stale.rs`).
    held: Option<stale::Held>,
    /// A loop of this device may still run on the server with nobody holding its stream:
    /// the next stream is a probe.
    suspect: bool,
    /// The next connection replaces one the user already sees live: no state changes.
    quiet: bool,
    /// Where the account's stream mark is written.
    mark: Option<std::path::PathBuf>,
}

/// How one connection attempt ended.
enum Outcome {
    Retry { reason: String, pause: Pause },
    Stop(StopReason),
}

/// What comes before the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pause {
    /// The backoff (the server or the network failed, or the stream fell silent).
    Backoff,
    /// Nothing: the token was renewed after a rejection (at most twice in a row).
    Renewed,
    /// Nothing: the user asked.
    Now,
    /// Nothing, and without showing it: a probe, or the stream the server silenced.
    Quiet,
}

impl<M: From<SyncMsg> + Send + 'static> Supervisor<M> {
    fn report(&self, msg: SyncMsg) -> bool {
        self.out.send(M::from(msg)).is_ok()
    }

    fn state(&self, state: ConnState) -> bool {
        self.report(SyncMsg::State(state))
    }

    async fn run(mut self) {
        let mut attempt: u32 = 0;
        let mut auth_retries = 0u32;
        loop {
            attempt += 1;
            let quiet = std::mem::take(&mut self.quiet);
            if !quiet && !self.state(ConnState::Connecting { attempt }) {
                return;
            }
            let outcome = self.connect_once(&mut attempt, quiet).await;
            let (reason, pause) = match outcome {
                Outcome::Stop(reason) => {
                    tracing::info!(?reason, "sync stopped");
                    // The server's loop of this stream outlives it: a restart must know.
                    if let Some(path) = &self.mark {
                        let _ = stale::write_mark(path.clone(), crate::clock::now_ms()).await;
                    }
                    self.state(ConnState::Stopped(reason));
                    return;
                }
                Outcome::Retry { reason, pause } => (reason, pause),
            };
            tracing::info!(%reason, attempt, "stream ended; reconnecting");
            match pause {
                Pause::Quiet => {
                    self.quiet = true;
                    // Let the server's loops that the last connect doomed finish their
                    // cleanup first: one that ends after the next stream registers clears it
                    // too (stale.rs). The user already sees the stream live meanwhile.
                    tokio::select! {
                        _ = sleep(self.config.settle) => {}
                        ctrl = self.control.recv() => match ctrl {
                            Some(Control::ReconnectNow) => {}
                            Some(Control::Stop) | None => {
                                self.state(ConnState::Stopped(StopReason::Shutdown));
                                return;
                            }
                        },
                    }
                    continue;
                }
                Pause::Now => continue,
                Pause::Renewed => {
                    auth_retries += 1;
                    if auth_retries <= 2 {
                        continue;
                    }
                }
                Pause::Backoff => auth_retries = 0,
            }
            let delay = backoff(&self.config, attempt);
            let delay_ms = i64::try_from(delay.as_millis()).unwrap_or(i64::MAX);
            if !self.state(ConnState::Waiting {
                retry_at_ms: crate::clock::now_ms().saturating_add(delay_ms),
                attempt,
                reason,
            }) {
                return;
            }
            tokio::select! {
                _ = sleep(delay) => {}
                // The server was unreachable and answers again: no need to wait out the rest.
                () = probe::back_online(&self.api) => {
                    tracing::info!(attempt, "the server answers again; reconnecting now");
                }
                ctrl = self.control.recv() => match ctrl {
                    Some(Control::ReconnectNow) => {}
                    Some(Control::Stop) | None => {
                        self.state(ConnState::Stopped(StopReason::Shutdown));
                        return;
                    }
                },
            }
        }
    }

    /// Records that this account's stream is open now, off the way of the stream.
    fn write_mark(&self) {
        if let Some(path) = &self.mark {
            stale::write_mark(path.clone(), crate::clock::now_ms());
        }
    }

    /// The stream broke or the server ended it: its loop may live on unheld.
    fn broke(&mut self, reason: String) -> Outcome {
        self.held = None;
        self.suspect = true;
        Outcome::Retry {
            reason,
            pause: Pause::Backoff,
        }
    }

    async fn connect_once(&mut self, attempt: &mut u32, quiet: bool) -> Outcome {
        self.live = false;
        let token = match self.api.fresh_token(self.config.token_min_left).await {
            Ok(t) => t,
            Err(ApiError::Unauthorized) | Err(ApiError::NoSession) => {
                return Outcome::Stop(StopReason::SessionExpired);
            }
            Err(e) => {
                return Outcome::Retry {
                    reason: e.to_string(),
                    pause: Pause::Backoff,
                };
            }
        };
        let url = self
            .api
            .events_url(&token, self.cursor.after_mid, self.cursor.users_version);
        let client = match transport::one_shot_client(self.api.http(), url.as_str()) {
            Ok(c) => c,
            Err(e) => {
                return Outcome::Retry {
                    reason: format!("invalid stream URL: {e}"),
                    pause: Pause::Backoff,
                };
            }
        };
        let mut stream = client.stream();
        let mut deadline = Instant::now() + self.config.heartbeat_timeout;
        loop {
            let item = tokio::select! {
                item = stream.next() => item,
                _ = sleep_until(deadline) => {
                    // Hold the silent stream: if its loop was alive after all, the next
                    // stream's kick of it says the next one is silenced. A connection that
                    // died silently (a network change) never brings that kick, so the next
                    // stream is probed too.
                    self.held = Some(stale::Held::new(stream));
                    self.suspect = true;
                    return Outcome::Retry {
                        reason: format!("no heartbeat for {}s", self.config.heartbeat_timeout.as_secs()),
                        pause: Pause::Backoff,
                    };
                }
                news = held_news(&mut self.held) => match news {
                    stale::HeldNews::Kicked => {
                        // The held stream's loop was alive, and on its way out it silenced
                        // this one. No loop of the device is left now: the next is sound.
                        self.held = None;
                        self.suspect = false;
                        return Outcome::Retry {
                            reason: "the server silenced this stream (a previous stream of \
                                     this device was still open there)"
                                .into(),
                            pause: Pause::Quiet,
                        };
                    }
                    stale::HeldNews::Ended => {
                        self.held = None;
                        continue;
                    }
                },
                ctrl = self.control.recv() => match ctrl {
                    Some(Control::ReconnectNow) => {
                        // As for the watchdog: asked for because the stream looks stuck.
                        self.held = Some(stale::Held::new(stream));
                        self.suspect = true;
                        return Outcome::Retry { reason: "reconnect requested".into(), pause: Pause::Now };
                    }
                    Some(Control::Stop) | None => return Outcome::Stop(StopReason::Shutdown),
                },
            };
            match item {
                None => return self.broke("the server closed the stream".into()),
                Some(Ok(es::SSE::Connected(_))) => {
                    if !quiet && !self.state(ConnState::Syncing) {
                        return Outcome::Stop(StopReason::Shutdown);
                    }
                }
                // Until `ready` the server is sending its initial batch, which a silenced
                // stream gets whole: a long one (a big users snapshot on a slow link) is
                // progress, comments between its events too.
                Some(Ok(es::SSE::Comment(_))) => {
                    if !self.live {
                        deadline = Instant::now() + self.config.heartbeat_timeout;
                    }
                }
                Some(Ok(es::SSE::Event(ev))) => {
                    deadline = Instant::now() + self.config.heartbeat_timeout;
                    match event::decode(&ev.data) {
                        Decoded::Event(ev) => match self.handle(*ev, attempt).await {
                            Handled::Go => {}
                            Handled::End(outcome) => return outcome,
                            Handled::Probe => {
                                // A loop of an earlier stream may have silenced this one
                                // unseen: open the next while holding this one (stale.rs).
                                self.held = Some(stale::Held::new(stream));
                                self.suspect = false;
                                return Outcome::Retry {
                                    reason: "checking the stream against an older one of \
                                             this device"
                                        .into(),
                                    pause: Pause::Quiet,
                                };
                            }
                        },
                        Decoded::Unknown(kind) => {
                            tracing::debug!(%kind, "skipping unknown event type");
                        }
                        Decoded::Malformed(why) => tracing::warn!(%why, "skipping malformed event"),
                    }
                }
                Some(Err(es::Error::UnexpectedResponse(resp, _))) => {
                    return self.rejected(resp.status(), &token).await;
                }
                Some(Err(e)) => return self.broke(describe_stream_error(&e)),
            }
        }
    }

    /// Applies one decoded event to the cursor and forwards it.
    async fn handle(&mut self, ev: ServerEvent, attempt: &mut u32) -> Handled {
        match &ev {
            ServerEvent::Chat(m) => {
                // Never forward a message twice, whatever the server does; but a live mid
                // that went backwards is news, not a duplicate (see gate.rs).
                match self.gate.judge(&mut self.cursor.after_mid, m, self.live) {
                    gate::Verdict::Drop => return Handled::Go,
                    gate::Verdict::Forward => {}
                    gate::Verdict::Backwards { cursor } => tracing::warn!(
                        cursor,
                        mid = m.mid,
                        "server mids went backwards: cursor {cursor}, got {}; the server may \
                         have been restored from a backup (resuming from the lower mid)",
                        m.mid
                    ),
                }
            }
            ServerEvent::UsersSnapshot { version, .. } => {
                self.cursor.users_version = Some(*version);
            }
            ServerEvent::UsersLog { logs } => {
                if let Some(max) = logs.iter().map(|l| l.log_id).max() {
                    self.cursor.users_version =
                        Some(self.cursor.users_version.map_or(max, |v| v.max(max)));
                }
            }
            ServerEvent::Ready => {
                *attempt = 0;
                self.live = true;
                self.write_mark();
            }
            ServerEvent::Heartbeat { .. } => {
                // This stream's loop is alive: the held one has nothing more to tell.
                self.held = None;
                self.write_mark();
                return Handled::Go;
            }
            ServerEvent::Kick { reason } => {
                // Stop applying anything after a kick and hang up ourselves: the server keeps
                // the body open.
                return Handled::End(Outcome::Stop(StopReason::Kicked(KickReason::parse(reason))));
            }
            _ => {}
        }
        let ready = matches!(ev, ServerEvent::Ready);
        if !self.report(SyncMsg::Event(Box::new(ev))) {
            return Handled::End(Outcome::Stop(StopReason::Shutdown));
        }
        if ready && !self.state(ConnState::Live) {
            return Handled::End(Outcome::Stop(StopReason::Shutdown));
        }
        if ready && self.suspect {
            return Handled::Probe;
        }
        Handled::Go
    }

    async fn rejected(&self, status: u16, token: &str) -> Outcome {
        match status {
            401 => match self.api.renew_after_rejection(token).await {
                Ok(_) => Outcome::Retry {
                    reason: "token rejected; renewed".into(),
                    pause: Pause::Renewed,
                },
                Err(ApiError::Unauthorized) | Err(ApiError::NoSession) => {
                    Outcome::Stop(StopReason::SessionExpired)
                }
                Err(e) => Outcome::Retry {
                    reason: e.to_string(),
                    pause: Pause::Backoff,
                },
            },
            403 => Outcome::Stop(StopReason::DeviceRevoked),
            404 => Outcome::Retry {
                reason: "the server has no event stream at this address (404)".into(),
                pause: Pause::Backoff,
            },
            s => Outcome::Retry {
                reason: format!("the server answered {s}"),
                pause: Pause::Backoff,
            },
        }
    }
}

/// What one event did to the connection.
enum Handled {
    Go,
    End(Outcome),
    /// `ready` on a stream an unheld older loop may have silenced: probe.
    Probe,
}

/// Resolves with the held stream's news; never without a held stream.
async fn held_news(held: &mut Option<stale::Held>) -> stale::HeldNews {
    match held {
        Some(h) => h.news().await,
        None => std::future::pending().await,
    }
}

/// Exponential backoff with jitter: attempt 1 waits about `min`, doubling up to `max`; the
/// wait is drawn from [½·d, d] so many clients do not reconnect in lockstep.
fn backoff(config: &SyncConfig, attempt: u32) -> Duration {
    let exp = attempt.saturating_sub(1).min(16);
    let base = config
        .backoff_min
        .saturating_mul(1u32 << exp)
        .min(config.backoff_max);
    let factor = rand::rng().random_range(0.5..=1.0);
    base.mul_f64(factor)
}

fn describe_stream_error(e: &es::Error) -> String {
    match e {
        es::Error::TimedOut => "the stream timed out".into(),
        es::Error::Eof | es::Error::UnexpectedEof => "the server closed the stream".into(),
        // The inner error: our transport's own text (redacted, or a StreamFault).
        es::Error::Transport(t) => t.inner().to_string(),
        es::Error::HttpStream(inner) => format!("connection broke: {inner}"),
        es::Error::InvalidLine(_) | es::Error::InvalidEvent => {
            "the server sent a malformed stream".into()
        }
        other => crate::sanitize::one_line(&other.to_string(), 120),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let c = SyncConfig {
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(30),
            ..SyncConfig::default()
        };
        for _ in 0..50 {
            let d1 = backoff(&c, 1);
            assert!(d1 >= Duration::from_millis(500) && d1 <= Duration::from_secs(1));
            let d3 = backoff(&c, 3);
            assert!(d3 >= Duration::from_secs(2) && d3 <= Duration::from_secs(4));
            let d20 = backoff(&c, 20);
            assert!(d20 >= Duration::from_secs(15) && d20 <= Duration::from_secs(30));
        }
    }
}
