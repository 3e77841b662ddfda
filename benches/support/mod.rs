//! Shared by the whole-process benches: the real binary in a PTY with its screen parsed, and
//! a throttling TCP relay (bandwidth and delay, bytes counted) to put a slow link between it
//! and a server on loopback.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The binary running in a 120×40 PTY.
pub struct Tui {
    parser: vt100::Parser,
    rx: mpsc::Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    pub started: Instant,
}

impl Tui {
    pub fn spawn(args: &[&str], data: &std::path::Path) -> Tui {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_vocechat-tui"));
        cmd.args(args);
        cmd.env("VOCECHAT_TUI_DATA", data);
        cmd.env("VOCECHAT_TUI_CONFIG", data);
        cmd.env("TERM", "xterm-256color");
        let started = Instant::now();
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Tui {
            parser: vt100::Parser::new(40, 120, 0),
            rx,
            writer,
            child,
            _master: pair.master,
            started,
        }
    }

    /// Waits (at most 60 s) until `pred` holds for the screen; the moment it did.
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> Instant {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if pred(&self.parser.screen().contents()) {
                return Instant::now();
            }
            match self.rx.recv_timeout(Duration::from_millis(20)) {
                Ok(bytes) => self.parser.process(&bytes),
                Err(_) if Instant::now() < deadline => {}
                Err(_) => panic!("waiting for {what}:\n{}", self.parser.screen().contents()),
            }
        }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    /// Resident memory in KiB (Linux).
    pub fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0)
    }

    /// Ctrl+Q, then waits for the exit.
    pub fn quit(mut self) {
        self.send(b"\x11");
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.child.try_wait().unwrap().is_none() {
            while self.rx.try_recv().is_ok() {}
            if Instant::now() > deadline {
                self.child.kill().unwrap();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// A TCP relay on loopback that delays each direction by half the RTT and caps the
/// server-to-client bandwidth, counting the bytes it passes each way.
pub struct SlowLink {
    pub addr: std::net::SocketAddr,
    down: Arc<AtomicU64>,
    up: Arc<AtomicU64>,
}

/// One downlink several relays share: its bandwidth is spent by whichever connection sends
/// next, as on one slow line.
#[derive(Clone, Default)]
pub struct Line {
    free_at: Arc<std::sync::Mutex<Option<tokio::time::Instant>>>,
}

impl SlowLink {
    pub async fn start(target: std::net::SocketAddr, kbit: u64, rtt: Duration) -> SlowLink {
        SlowLink::start_on(target, kbit, rtt, None).await
    }

    /// The same, on `line` when given (shared with other relays), else on a line of each
    /// connection's own.
    pub async fn start_on(
        target: std::net::SocketAddr,
        kbit: u64,
        rtt: Duration,
        line: Option<Line>,
    ) -> SlowLink {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let down = Arc::new(AtomicU64::new(0));
        let up = Arc::new(AtomicU64::new(0));
        let (counted_down, counted_up) = (down.clone(), up.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = tokio::net::TcpStream::connect(target).await else {
                    continue;
                };
                let (cr, cw) = client.into_split();
                let (sr, sw) = server.into_split();
                let down_line = line.clone().unwrap_or_default();
                tokio::spawn(pipe(
                    cr,
                    sw,
                    None,
                    rtt / 2,
                    Line::default(),
                    counted_up.clone(),
                ));
                tokio::spawn(pipe(
                    sr,
                    cw,
                    Some(kbit * 1000 / 8),
                    rtt / 2,
                    down_line,
                    counted_down.clone(),
                ));
            }
        });
        SlowLink { addr, down, up }
    }

    /// Bytes passed to the client so far.
    pub fn down_bytes(&self) -> u64 {
        self.down.load(Ordering::Relaxed)
    }

    /// Bytes passed to the server so far.
    pub fn up_bytes(&self) -> u64 {
        self.up.load(Ordering::Relaxed)
    }
}

/// Copies `from` to `to`: each chunk leaves `delay` after it arrived, no sooner than the
/// previous one on `line` has drained at `rate` bytes/s.
async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    rate: Option<u64>,
    delay: Duration,
    line: Line,
    count: Arc<AtomicU64>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(tokio::time::Instant, Vec<u8>)>();
    let reader = tokio::spawn(async move {
        let mut buf = vec![0u8; 1460];
        while let Ok(n) = from.read(&mut buf).await {
            if n == 0
                || tx
                    .send((tokio::time::Instant::now(), buf[..n].to_vec()))
                    .is_err()
            {
                break;
            }
        }
    });
    while let Some((arrived, chunk)) = rx.recv().await {
        let at = {
            let mut free_at = line.free_at.lock().unwrap();
            let mut at = free_at.map_or(arrived + delay, |free| (arrived + delay).max(free));
            if let Some(rate) = rate {
                at += Duration::from_secs_f64(chunk.len() as f64 / rate as f64);
            }
            *free_at = Some(at);
            at
        };
        tokio::time::sleep_until(at).await;
        if to.write_all(&chunk).await.is_err() {
            break;
        }
        count.fetch_add(chunk.len() as u64, Ordering::Relaxed);
    }
    reader.abort();
}

/// A real store for account `uid` of `server` in `dir`, as a long use leaves it: `messages`
/// messages spread over `channels` channels, the newest one's channel open.
pub fn build_store(
    dir: &std::path::Path,
    server: &str,
    uid: i64,
    server_id: &str,
    messages: i64,
    channels: i64,
) {
    let mut store = vocechat_tui::runtime::store::Store::open(
        &vocechat_tui::runtime::store::store_path(dir, server, uid),
        uid,
    )
    .unwrap();
    store.check_server(server_id).unwrap();
    let groups: Vec<serde_json::Value> = (1..=channels)
        .map(|gid| {
            serde_json::json!({"gid": gid, "owner": uid, "name": format!("channel-{gid:02}"),
                   "description": "", "members": [], "is_public": true,
                   "avatar_updated_at": 0, "pinned_messages": []})
        })
        .collect();
    let directory: vocechat_tui::protocol::ServerEvent =
        serde_json::from_value(serde_json::json!({"type": "related_groups", "groups": groups}))
            .unwrap();
    store.write_events(&[directory]).unwrap();
    let mut batch = Vec::new();
    for i in 0..messages {
        let gid = i % channels + 1;
        batch.push(
            serde_json::from_value(
                serde_json::json!({"type": "chat", "mid": i + 1, "from_uid": uid,
                "created_at": 1_700_000_000_000i64 + i * 1000, "target": {"gid": gid},
                "detail": {"type": "normal", "content_type": "text/plain",
                           "content": format!("message {i:06} with some ordinary words in it"),
                           "properties": null}}),
            )
            .unwrap(),
        );
        if batch.len() == 5_000 {
            store.write_events(&batch).unwrap();
            batch.clear();
        }
    }
    store.write_events(&batch).unwrap();
    // The newest message's channel was open.
    let last_gid = (messages - 1) % channels + 1;
    store
        .save_view(
            Some(vocechat_tui::model::ConvKey::Group(last_gid)),
            &[],
            vocechat_tui::app::ComposeTarget::New,
        )
        .unwrap();
}

/// The switchable relay the integration tests use too.
#[path = "../../tests/common/switch.rs"]
mod switch;
#[allow(unused_imports)] // Not every test or bench uses it.
pub use switch::Switch;
