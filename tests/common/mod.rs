//! Shared helpers for the integration tests: a demo server with fast timings, logins, and a
//! live stream whose messages can be awaited with timeouts.
#![allow(dead_code)]

use std::time::Duration;
use tokio::sync::mpsc;
use vocechat_tui::app::conn::{ConnState, SyncMsg};
use vocechat_tui::demo::{DemoConfig, DemoServer};
use vocechat_tui::protocol::ServerEvent;
use vocechat_tui::runtime::api::ApiClient;
use vocechat_tui::runtime::sync::{self, Cursor, SyncConfig, SyncHandle};

pub const ADMIN: (&str, &str) = ("admin@example.com", "admin-pass");
pub const BOB: (&str, &str) = ("bob@example.com", "bob-pass");
pub const CAROL: (&str, &str) = ("carol@example.com", "carol-pass");

/// The recorded 0.3.3 exchange `name` (`shared/fixtures/vocechat-0.3.3/http/`), beside the
/// repository or beside its worktree folder; `None` (the check skipped, said) when absent.
pub fn recorded(name: &str) -> Option<serde_json::Value> {
    let here = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let Some(dir) = ["../shared", "../../shared"]
        .iter()
        .map(|up| here.join(up).join("fixtures/vocechat-0.3.3/http"))
        .find(|d| d.is_dir())
    else {
        eprintln!("the 0.3.3 fixtures are not beside the repository; skipped");
        return None;
    };
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    Some(serde_json::from_str(&text).unwrap())
}

pub fn fast_config() -> DemoConfig {
    DemoConfig {
        heartbeat_interval: Duration::from_millis(200),
        keepalive_interval: Duration::from_millis(100),
        ..DemoConfig::for_tests()
    }
}

pub async fn server() -> DemoServer {
    DemoServer::start(fast_config())
        .await
        .expect("demo server starts")
}

pub async fn login(server: &DemoServer, who: (&str, &str), device: &str) -> ApiClient {
    let api = ApiClient::new(&server.base_url()).expect("valid URL");
    api.login(who.0, who.1, device).await.expect("login works");
    api
}

pub fn fast_sync() -> SyncConfig {
    SyncConfig {
        heartbeat_timeout: Duration::from_secs(5),
        backoff_min: Duration::from_millis(5),
        backoff_max: Duration::from_millis(50),
        token_min_left: Duration::from_secs(60),
        // The demo's default streams have no same-device defect to wait out.
        settle: Duration::from_millis(5),
        marks_dir: None,
    }
}

/// A running supervisor and what it reported.
pub struct Stream {
    pub rx: mpsc::UnboundedReceiver<SyncMsg>,
    pub handle: SyncHandle,
}

pub fn stream(api: &ApiClient, cursor: Cursor, config: SyncConfig) -> Stream {
    let (tx, rx) = mpsc::unbounded_channel();
    let handle = sync::spawn(api.clone(), cursor, config, tx);
    Stream { rx, handle }
}

impl Stream {
    pub async fn next(&mut self, within: Duration) -> SyncMsg {
        tokio::time::timeout(within, self.rx.recv())
            .await
            .expect("timed out waiting for the stream")
            .expect("supervisor ended")
    }

    /// Collects messages until `pred` matches one (returned last).
    pub async fn until(
        &mut self,
        within: Duration,
        mut pred: impl FnMut(&SyncMsg) -> bool,
    ) -> Vec<SyncMsg> {
        let deadline = tokio::time::Instant::now() + within;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let msg = match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some(m)) => m,
                Ok(None) => panic!("supervisor ended; saw {seen:#?}"),
                Err(_) => panic!("timed out; saw {seen:#?}"),
            };
            let done = pred(&msg);
            seen.push(msg);
            if done {
                return seen;
            }
        }
    }

    pub async fn until_live(&mut self) -> Vec<SyncMsg> {
        self.until(Duration::from_secs(10), |m| {
            matches!(m, SyncMsg::State(ConnState::Live))
        })
        .await
    }

    /// Waits for the chat event with `mid`.
    pub async fn until_mid(&mut self, mid: i64) -> Vec<SyncMsg> {
        self.until(Duration::from_secs(10), |m| {
            matches!(m, SyncMsg::Event(ev) if matches!(&**ev, ServerEvent::Chat(c) if c.mid == mid))
        })
        .await
    }
}

pub fn events(msgs: &[SyncMsg]) -> Vec<ServerEvent> {
    msgs.iter()
        .filter_map(|m| match m {
            SyncMsg::Event(e) => Some((**e).clone()),
            _ => None,
        })
        .collect()
}

mod switch;
#[allow(unused_imports)] // Not every test or bench uses it.
pub use switch::Switch;

/// Takes `addr` (once its server has let it go) and closes every connection made to it, so a
/// client sees the server down, and no other test's demo server can be given the port and
/// answer the client's token with a 401. Held for the rest of the test process.
pub fn hold_port_closed(addr: std::net::SocketAddr) {
    let listener = (0..100)
        .find_map(|_| {
            std::net::TcpListener::bind(addr).ok().or_else(|| {
                std::thread::sleep(Duration::from_millis(20));
                None
            })
        })
        .expect("the port is free again");
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            drop(conn);
        }
    });
}
