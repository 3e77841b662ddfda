//! The live stream: a supervisor task that keeps one SSE connection to `/api/user/events`
//! alive, decodes its events and reports them (and every connection state change) as messages.
//!
//! Each attempt gets a fresh token and the current cursor (`after_mid`, `users_version`) in its
//! URL. The supervisor owns the reconnect policy: exponential backoff with jitter, a heartbeat
//! watchdog (the server can leave a connection open but silent, protocol §3.6), renewal before
//! reconnecting, and `kick` turned into a final state instead of a reconnect loop.

mod gate;
mod probe;
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
    /// Reconnect when no heartbeat (or event) arrived for this long. The server sends one every
    /// 15 s; keep-alive comments do not count, a silent connection still gets those.
    pub heartbeat_timeout: Duration,
    pub backoff_min: Duration,
    pub backoff_max: Duration,
    /// Renew before connecting when the token has less than this left (it cannot be renewed
    /// on an open stream).
    pub token_min_left: Duration,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            heartbeat_timeout: Duration::from_secs(30),
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(30),
            token_min_left: Duration::from_secs(60),
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
        let supervisor = Supervisor {
            api,
            cursor: cursor.await,
            config,
            out,
            control: control_rx,
            gate: gate::ChatGate::default(),
            live: false,
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
}

/// How one connection attempt ended.
enum Outcome {
    Retry { reason: String, immediately: bool },
    Stop(StopReason),
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
            if !self.state(ConnState::Connecting { attempt }) {
                return;
            }
            let outcome = self.connect_once(&mut attempt).await;
            let (reason, immediately) = match outcome {
                Outcome::Stop(reason) => {
                    tracing::info!(?reason, "sync stopped");
                    self.state(ConnState::Stopped(reason));
                    return;
                }
                Outcome::Retry {
                    reason,
                    immediately,
                } => (reason, immediately),
            };
            tracing::info!(%reason, attempt, "stream ended; reconnecting");
            if immediately {
                auth_retries += 1;
                if auth_retries <= 2 {
                    continue;
                }
            } else {
                auth_retries = 0;
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

    async fn connect_once(&mut self, attempt: &mut u32) -> Outcome {
        self.live = false;
        let token = match self.api.fresh_token(self.config.token_min_left).await {
            Ok(t) => t,
            Err(ApiError::Unauthorized) | Err(ApiError::NoSession) => {
                return Outcome::Stop(StopReason::SessionExpired);
            }
            Err(e) => {
                return Outcome::Retry {
                    reason: e.to_string(),
                    immediately: false,
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
                    immediately: false,
                };
            }
        };
        let mut stream = client.stream();
        let mut deadline = Instant::now() + self.config.heartbeat_timeout;
        loop {
            let item = tokio::select! {
                item = stream.next() => item,
                _ = sleep_until(deadline) => {
                    return Outcome::Retry {
                        reason: format!("no heartbeat for {}s", self.config.heartbeat_timeout.as_secs()),
                        immediately: false,
                    };
                }
                ctrl = self.control.recv() => match ctrl {
                    Some(Control::ReconnectNow) => return Outcome::Retry { reason: "reconnect requested".into(), immediately: true },
                    Some(Control::Stop) | None => return Outcome::Stop(StopReason::Shutdown),
                },
            };
            match item {
                None => {
                    return Outcome::Retry {
                        reason: "the server closed the stream".into(),
                        immediately: false,
                    };
                }
                Some(Ok(es::SSE::Connected(_))) => {
                    if !self.state(ConnState::Syncing) {
                        return Outcome::Stop(StopReason::Shutdown);
                    }
                }
                Some(Ok(es::SSE::Comment(_))) => {}
                Some(Ok(es::SSE::Event(ev))) => {
                    deadline = Instant::now() + self.config.heartbeat_timeout;
                    match event::decode(&ev.data) {
                        Decoded::Event(ev) => {
                            if let Some(outcome) = self.handle(*ev, attempt) {
                                return outcome;
                            }
                        }
                        Decoded::Unknown(kind) => {
                            tracing::debug!(%kind, "skipping unknown event type");
                        }
                        Decoded::Malformed(why) => tracing::warn!(%why, "skipping malformed event"),
                    }
                }
                Some(Err(es::Error::UnexpectedResponse(resp, _))) => {
                    return self.rejected(resp.status(), &token).await;
                }
                Some(Err(e)) => {
                    return Outcome::Retry {
                        reason: describe_stream_error(&e),
                        immediately: false,
                    };
                }
            }
        }
    }

    /// Applies one decoded event to the cursor and forwards it. Returns `Some` to end the
    /// connection.
    fn handle(&mut self, ev: ServerEvent, attempt: &mut u32) -> Option<Outcome> {
        match &ev {
            ServerEvent::Chat(m) => {
                // Never forward a message twice, whatever the server does; but a live mid
                // that went backwards is news, not a duplicate (see gate.rs).
                match self.gate.judge(&mut self.cursor.after_mid, m, self.live) {
                    gate::Verdict::Drop => return None,
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
            }
            ServerEvent::Heartbeat { .. } => return None,
            ServerEvent::Kick { reason } => {
                // Stop applying anything after a kick and hang up ourselves: the server keeps
                // the body open.
                return Some(Outcome::Stop(StopReason::Kicked(KickReason::parse(reason))));
            }
            _ => {}
        }
        let ready = matches!(ev, ServerEvent::Ready);
        if !self.report(SyncMsg::Event(Box::new(ev))) {
            return Some(Outcome::Stop(StopReason::Shutdown));
        }
        if ready && !self.state(ConnState::Live) {
            return Some(Outcome::Stop(StopReason::Shutdown));
        }
        None
    }

    async fn rejected(&self, status: u16, token: &str) -> Outcome {
        match status {
            401 => match self.api.renew_after_rejection(token).await {
                Ok(_) => Outcome::Retry {
                    reason: "token rejected; renewed".into(),
                    immediately: true,
                },
                Err(ApiError::Unauthorized) | Err(ApiError::NoSession) => {
                    Outcome::Stop(StopReason::SessionExpired)
                }
                Err(e) => Outcome::Retry {
                    reason: e.to_string(),
                    immediately: false,
                },
            },
            403 => Outcome::Stop(StopReason::DeviceRevoked),
            404 => Outcome::Retry {
                reason: "the server has no event stream at this address (404)".into(),
                immediately: false,
            },
            s => Outcome::Retry {
                reason: format!("the server answered {s}"),
                immediately: false,
            },
        }
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
