//! An in-process VoceChat-compatible server: real HTTP and real SSE on 127.0.0.1, faithful to
//! protocol §12 of `vocechat-protocol.md`. `--demo` runs it with a seeded world and a chatty
//! bot; the tests run it with small timings and flip its fault switches.

mod invites;
mod routes;
mod seed;
mod state;
mod stream;
mod voice;

pub use routes::open_graph::{HOSTILE_PAGE as OG_HOSTILE_PAGE, PAGES as OG_PAGES};
pub use seed::{DEMO_EMAIL, DEMO_PASSWORD, Seed};

use crate::protocol::types::{ContentKind, Target};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Timings and seeding of a demo server.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Access-token lifetime (300 s on a real server).
    pub token_ttl: Duration,
    /// `heartbeat` event interval (15 s on a real server).
    pub heartbeat_interval: Duration,
    /// `:` keep-alive comment interval (5 s on a real server).
    pub keepalive_interval: Duration,
    pub seed: Seed,
    /// Interval of the bot's messages; `None` = no bot.
    pub bot_interval: Option<Duration>,
    /// Answer `/api/admin/vocespace/config` like a newer server with this deployment URL
    /// (0.3.3 has no such endpoint: `None` answers 404).
    pub vocespace_url: Option<String>,
    /// Keep favorites (saved messages) as 0.3.3 does; `false` answers 404 like a server
    /// without them.
    pub favorites: bool,
    /// Behave as a newer (0.5.x) server (`--demo-newer`): its version, switches, routes and
    /// events (`vocechat-newer-servers.md`). Off: 0.3.3, which answers those routes 404 (or
    /// 400 where one collides with a 0.3.3 path parameter) and never sends those events.
    pub newer: bool,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            token_ttl: Duration::from_secs(300),
            heartbeat_interval: Duration::from_secs(15),
            keepalive_interval: Duration::from_secs(5),
            seed: Seed::Demo { history: 3000 },
            bot_interval: Some(Duration::from_secs(4)),
            vocespace_url: None,
            favorites: true,
            newer: false,
        }
    }
}

impl DemoConfig {
    /// Small and quiet: the test cast, no history, no bot.
    pub fn for_tests() -> Self {
        DemoConfig {
            seed: Seed::TestCast,
            bot_interval: None,
            ..DemoConfig::default()
        }
    }
}

/// Fault switches, flipped from tests (and from nowhere else).
#[derive(Debug)]
pub struct Faults {
    drop_gen: watch::Sender<u64>,
    freeze_gen: watch::Sender<u64>,
    heartbeats_paused: AtomicBool,
    silent: AtomicBool,
    stale_loops: AtomicBool,
    slow_ms: AtomicU64,
    /// Total upload size above which the server answers 413 (0 = no limit).
    upload_limit: AtomicU64,
    failing_chunks: AtomicU32,
    lost_send_answers: AtomicU32,
    failing_sends: AtomicU32,
    failing_history: AtomicU32,
    /// A channel's clear is not told to the streams of the one who cleared it.
    no_clear_echo: AtomicBool,
    /// A fault for one chunk further on: (chunks left before it, the fault).
    chunk_fault: Mutex<Option<(u32, ChunkFault)>>,
}

/// Something that goes wrong with one chunk upload once the server has read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkFault {
    /// Store the chunk, then break the connection instead of answering (a lost response).
    CutAfterStoring,
    /// Store the chunk, then never answer.
    HangAfterStoring,
    /// Store the chunk twice and answer as if once.
    StoreTwice,
    /// Flip a bit of the chunk before storing it.
    Corrupt,
}

impl Faults {
    fn new() -> Faults {
        Faults {
            drop_gen: watch::channel(0).0,
            freeze_gen: watch::channel(0).0,
            heartbeats_paused: AtomicBool::new(false),
            silent: AtomicBool::new(false),
            stale_loops: AtomicBool::new(false),
            slow_ms: AtomicU64::new(0),
            upload_limit: AtomicU64::new(0),
            failing_chunks: AtomicU32::new(0),
            lost_send_answers: AtomicU32::new(0),
            failing_sends: AtomicU32::new(0),
            failing_history: AtomicU32::new(0),
            no_clear_echo: AtomicBool::new(false),
            chunk_fault: Mutex::new(None),
        }
    }

    /// Cuts every open event stream now (the client sees the body end).
    pub fn drop_streams(&self) {
        self.drop_gen.send_modify(|g| *g += 1);
    }

    /// Every open stream's connection dies silently (a network change, no reset reaching
    /// either end): the client hears nothing more on it, not even keep-alive comments, while
    /// the server's side goes on writing into it as if the client were there.
    pub fn freeze_streams(&self) {
        self.freeze_gen.send_modify(|g| *g += 1);
    }

    /// Stops heartbeats while keeping streams open and events flowing.
    pub fn pause_heartbeats(&self, paused: bool) {
        self.heartbeats_paused.store(paused, Ordering::Relaxed);
    }

    /// Makes open streams silent: only keep-alive comments, no events, no heartbeats
    /// (the same-device bug of protocol §3.6).
    pub fn silence_streams(&self, silent: bool) {
        self.silent.store(silent, Ordering::Relaxed);
    }

    /// Behaves as every 0.3.3 server does with two streams of one device (protocol §3.6; the
    /// server's `events_loop`): a stream's loop notices its client has gone only when one of
    /// its own writes (a heartbeat, an event) fails, or when a newer stream of the device
    /// kicks it; on its way out it clears the device's registration whoever owns it by then,
    /// so the newer stream keeps only its keep-alive comments: no events, no heartbeats. A
    /// restart or a reconnect within a heartbeat of the last stream goes deaf. Applies to
    /// streams opened after the call.
    pub fn same_device_bug(&self, on: bool) {
        self.stale_loops.store(on, Ordering::Relaxed);
    }

    /// Delays every HTTP response.
    pub fn slow_responses(&self, delay: Duration) {
        self.slow_ms
            .store(delay.as_millis() as u64, Ordering::Relaxed);
    }

    /// Answers 413 once an upload grows past `bytes` (None = unlimited, as 0.3.3).
    pub fn limit_uploads(&self, bytes: Option<u64>) {
        self.upload_limit
            .store(bytes.unwrap_or(0), Ordering::Relaxed);
    }

    /// The next `n` chunk uploads fail with 500.
    pub fn fail_next_chunks(&self, n: u32) {
        self.failing_chunks.store(n, Ordering::Relaxed);
    }

    /// The next `n` sends (messages, edits, likes, deletes) are stored (and streamed) but
    /// answered 500, as when the answer is lost on the way back: the client cannot tell
    /// whether they arrived.
    pub fn lose_next_send_answers(&self, n: u32) {
        self.lost_send_answers.store(n, Ordering::Relaxed);
    }

    /// The next `n` sends (messages, edits, likes, deletes) fail with 500 before anything is
    /// stored.
    pub fn fail_next_sends(&self, n: u32) {
        self.failing_sends.store(n, Ordering::Relaxed);
    }

    /// The `nth` chunk the server reads from now on (1 = the next) meets `fault`.
    pub fn chunk_fault(&self, nth: u32, fault: ChunkFault) {
        *self
            .chunk_fault
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some((nth.saturating_sub(1), fault));
    }

    /// Counts one chunk read; its fault if it is the one.
    fn take_chunk_fault(&self) -> Option<ChunkFault> {
        let mut slot = self
            .chunk_fault
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match *slot {
            Some((0, fault)) => {
                *slot = None;
                Some(fault)
            }
            Some((left, fault)) => {
                *slot = Some((left - 1, fault));
                None
            }
            None => None,
        }
    }

    fn take_lost_send_answer(&self) -> bool {
        take_one(&self.lost_send_answers)
    }

    fn take_send_failure(&self) -> bool {
        take_one(&self.failing_sends)
    }

    fn take_chunk_failure(&self) -> bool {
        take_one(&self.failing_chunks)
    }

    /// The next `n` history requests fail with 500 (empty body, as the real server's
    /// internal errors).
    pub fn fail_next_history(&self, n: u32) {
        self.failing_history.store(n, Ordering::Relaxed);
    }

    /// `DELETE /group/{gid}/clear` tells the channel's other members but not the streams of
    /// the one who cleared it (whether a newer server does is not known, reference §8.2).
    pub fn no_clear_echo(&self, on: bool) {
        self.no_clear_echo.store(on, Ordering::Relaxed);
    }

    fn clear_echo(&self) -> bool {
        !self.no_clear_echo.load(Ordering::Relaxed)
    }

    fn take_history_failure(&self) -> bool {
        take_one(&self.failing_history)
    }
}

/// Counts one use of a "fail the next n" switch; false once it is used up.
fn take_one(counter: &AtomicU32) -> bool {
    counter
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
        .is_ok()
}

pub(crate) struct Shared {
    state: Mutex<state::State>,
    config: DemoConfig,
    faults: Faults,
}

impl Shared {
    /// The server's state. A handler that panicked while holding it leaves it usable: the
    /// demo keeps serving (each change is applied whole before the lock is released).
    fn state(&self) -> std::sync::MutexGuard<'_, state::State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A running demo server; dropping it stops the server.
pub struct DemoServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
}

impl DemoServer {
    /// Binds 127.0.0.1 on a free port, seeds and starts serving.
    pub async fn start(config: DemoConfig) -> std::io::Result<DemoServer> {
        let mut st = state::State::new(config.token_ttl);
        seed::seed(&mut st, &config.seed);
        st.personal.on = config.newer;
        if config.newer && matches!(config.seed, Seed::Demo { .. }) {
            st.seed_announcement();
        }
        let shared = Arc::new(Shared {
            state: Mutex::new(st),
            config: config.clone(),
            faults: Faults::new(),
        });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        // Small SSE frames written one by one would otherwise wait on delayed ACKs (~40 ms).
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!("demo server: TCP_NODELAY not set: {e}");
            }
        });
        let app = routes::router(shared.clone());
        let mut tasks = vec![tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!("demo server stopped: {e}");
            }
        })];
        if let Some(every) = config.bot_interval {
            tasks.push(tokio::spawn(seed::run_bot(shared.clone(), every)));
        }
        Ok(DemoServer {
            addr,
            shared,
            tasks,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    fn with_state<T>(&self, f: impl FnOnce(&mut state::State) -> T) -> T {
        f(&mut self.shared.state())
    }

    /// Sends a text message as `from` (as if another client had); returns its mid.
    pub fn post_as(&self, from: i64, target: Target, text: &str) -> Result<i64, String> {
        self.with_state(|s| {
            s.send(
                from,
                target,
                ContentKind::Text.content_type(),
                text.to_string(),
                None,
            )
        })
        .map_err(|r| format!("{r:?}"))
    }

    /// Clears channel `gid`'s history as `uid` would (newer profile): what
    /// `DELETE /group/{gid}/clear` does.
    pub fn clear_group_as(&self, uid: i64, gid: i64) -> Result<(), String> {
        let echo = self.faults().clear_echo();
        self.with_state(|s| s.clear_group(uid, gid, echo))
            .map_err(|r| format!("{r:?}"))
    }

    /// How many bulk deletes (`DELETE /message/bulk/…`) were made.
    pub fn bulk_deletes(&self) -> u64 {
        self.with_state(|s| s.bulk_deletes)
    }

    /// A file message from `from` with the file's `name` as given (the server keeps any
    /// name an upload declares); returns its mid.
    pub fn post_file_as(
        &self,
        from: i64,
        target: Target,
        name: &str,
        data: &[u8],
    ) -> Result<i64, String> {
        self.with_state(|s| {
            let path = format!("tests/{}", s.files.len() + 1);
            s.files.insert(
                path.clone(),
                state::StoredFile {
                    content_type: "application/pdf".into(),
                    filename: Some(name.to_string()),
                    data: data.to_vec(),
                },
            );
            let body = crate::protocol::types::Content::File { path }.body();
            s.send(from, target, ContentKind::File.content_type(), body, None)
        })
        .map_err(|r| format!("{r:?}"))
    }

    /// A new member called `name` (announced to every stream); returns the uid.
    pub fn add_user(&self, name: &str, email: &str, password: &str) -> i64 {
        self.with_state(|s| s.add_user(name, email, password, false, false))
    }

    /// Kicks the stream of (uid, device) with `reason`, as a real server does on logout,
    /// freeze, account or device deletion.
    pub fn kick(&self, uid: i64, device: &str, reason: &str) {
        self.with_state(|s| s.kick(uid, device, reason));
    }

    /// Logs a device out server-side (its refresh token and device row go, its stream is kicked).
    pub fn logout_device(&self, uid: i64, device: &str) {
        self.with_state(|s| s.logout(uid, device));
    }

    /// How many successful token renewals the server has seen.
    pub fn renewals(&self) -> u64 {
        self.with_state(|s| s.renewals)
    }

    pub fn open_streams(&self) -> usize {
        self.with_state(|s| s.conns.len())
    }

    pub fn last_mid(&self) -> i64 {
        self.with_state(|s| s.last_mid())
    }

    pub fn message_count(&self) -> usize {
        self.with_state(|s| s.message_count())
    }

    /// The bytes stored for an uploaded file path.
    pub fn stored_file(&self, path: &str) -> Option<Vec<u8>> {
        self.with_state(|s| s.files.get(path).map(|f| f.data.clone()))
    }

    /// How many uploads are prepared but not finished.
    pub fn unfinished_uploads(&self) -> usize {
        self.with_state(|s| s.uploads.len())
    }

    /// How many files are stored.
    pub fn stored_files(&self) -> usize {
        self.with_state(|s| s.files.len())
    }

    pub fn rename_group(&self, gid: i64, name: &str) {
        self.with_state(|s| s.rename_group(gid, name));
    }

    /// Edits message `mid` as `from` (its author) to `text`; returns the edit's mid.
    pub fn edit_as(&self, from: i64, mid: i64, text: &str) -> Result<i64, String> {
        self.with_state(|s| {
            s.edit(
                from,
                mid,
                ContentKind::Text.content_type(),
                text.to_string(),
                None,
            )
        })
        .map_err(|r| format!("{r:?}"))
    }

    /// Replies to message `mid` as `from`; returns the reply's mid.
    pub fn reply_as(&self, from: i64, mid: i64, text: &str) -> Result<i64, String> {
        self.with_state(|s| {
            s.reply(
                from,
                mid,
                ContentKind::Text.content_type(),
                text.to_string(),
                None,
            )
        })
        .map_err(|r| format!("{r:?}"))
    }

    /// Likes message `mid` as `from` with `emoji` (one of the server's eight; the same again
    /// takes it back); returns the like's mid.
    pub fn like_as(&self, from: i64, mid: i64, emoji: &str) -> Result<i64, String> {
        self.with_state(|s| s.like(from, mid, emoji))
            .map_err(|r| format!("{r:?}"))
    }

    /// Deletes message `mid` as `from` (its author or an admin); returns the delete's mid.
    pub fn delete_as(&self, from: i64, mid: i64) -> Result<i64, String> {
        self.with_state(|s| s.delete(from, mid))
            .map_err(|r| format!("{r:?}"))
    }

    /// Adds a public channel `name`; its gid.
    pub fn add_channel(&self, name: &str) -> i64 {
        self.with_state(|s| s.insert_group(name, None, None, vec![], true).0)
    }

    /// The `after_mid` of the latest `/api/user/events` request (`None` if it had none, or
    /// no stream was opened yet): the client's resume cursor as it went over the wire.
    pub fn last_stream_after_mid(&self) -> Option<i64> {
        self.with_state(|s| s.last_after_mid)
    }

    /// How many `/api/user/events` requests the server has had.
    pub fn stream_requests(&self) -> usize {
        self.with_state(|s| s.stream_after_mids.len())
    }

    /// The `after_mid` of the `nth` `/api/user/events` request (0 = the first), while the
    /// newest 1,000 are remembered.
    pub fn stream_after_mid(&self, nth: usize) -> Option<Option<i64>> {
        self.with_state(|s| s.stream_after_mids.get(nth).copied())
    }

    /// A restart after a restore from a backup taken when `last_mid` was the newest message:
    /// later messages are gone, new ones reuse their mids, every stream is cut. The message
    /// log is rolled back (users, groups and tokens stay as they are) and, as after any
    /// restart of 0.3.3, the channels' pins are gone (protocol pitfall 20).
    pub fn restore_backup(&self, last_mid: i64) {
        self.with_state(|s| {
            s.restore_backup(last_mid);
            s.forget_pins();
        });
        self.faults().drop_streams();
    }

    /// A restart after which mids continue `gap` higher (ids reserved but never used, as a
    /// database sequence can do after a crash); every stream is cut, and the channels' pins
    /// are gone as after any restart of 0.3.3 (protocol pitfall 20).
    pub fn restart_skipping_mids(&self, gap: i64) {
        self.with_state(|s| {
            s.skip_mids(gap);
            s.forget_pins();
        });
        self.faults().drop_streams();
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        self.faults().drop_streams();
        for t in &self.tasks {
            t.abort();
        }
    }
}
