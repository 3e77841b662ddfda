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
/// server-to-client bandwidth, counting the bytes it passes down.
pub struct SlowLink {
    pub addr: std::net::SocketAddr,
    down: Arc<AtomicU64>,
}

impl SlowLink {
    pub async fn start(target: std::net::SocketAddr, kbit: u64, rtt: Duration) -> SlowLink {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let down = Arc::new(AtomicU64::new(0));
        let counted = down.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = tokio::net::TcpStream::connect(target).await else {
                    continue;
                };
                let (cr, cw) = client.into_split();
                let (sr, sw) = server.into_split();
                let counted = counted.clone();
                tokio::spawn(pipe(cr, sw, None, rtt / 2, None));
                tokio::spawn(pipe(sr, cw, Some(kbit * 1000 / 8), rtt / 2, Some(counted)));
            }
        });
        SlowLink { addr, down }
    }

    /// Bytes passed to the client so far.
    pub fn down_bytes(&self) -> u64 {
        self.down.load(Ordering::Relaxed)
    }
}

/// Copies `from` to `to`: each chunk leaves `delay` after it arrived, no sooner than the
/// previous one has drained at `rate` bytes/s.
async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    rate: Option<u64>,
    delay: Duration,
    count: Option<Arc<AtomicU64>>,
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
    let mut free_at = tokio::time::Instant::now();
    while let Some((arrived, chunk)) = rx.recv().await {
        let mut at = (arrived + delay).max(free_at);
        if let Some(rate) = rate {
            at += Duration::from_secs_f64(chunk.len() as f64 / rate as f64);
        }
        tokio::time::sleep_until(at).await;
        free_at = at;
        if to.write_all(&chunk).await.is_err() {
            break;
        }
        if let Some(c) = &count {
            c.fetch_add(chunk.len() as u64, Ordering::Relaxed);
        }
    }
    reader.abort();
}

/// The switchable relay the integration tests use too.
#[path = "../../tests/common/switch.rs"]
mod switch;
#[allow(unused_imports)] // Not every test or bench uses it.
pub use switch::Switch;
