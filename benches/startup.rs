//! Exec to the first frame drawn from the local store, through a PTY with the real binary:
//! a saved session and a store of 100,000 messages in 50 channels, the server down (so
//! everything on screen came from the store). Also the resident memory once that frame is
//! up. `cargo bench --bench startup` (`-- --smoke` for a 2,000-message store).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

mod support;

use std::time::{Duration, Instant};
use support::{Tui, build_store};
use vocechat_tui::demo::{DemoConfig, DemoServer};
use vocechat_tui::runtime::api::ApiClient;
use vocechat_tui::runtime::session_store::{SavedLogin, SessionStore};

const CHANNELS: i64 = 50;

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let messages: i64 = if smoke { 2_000 } else { 100_000 };
    let data = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server_url = rt.block_on(async {
        let server = DemoServer::start(DemoConfig::for_tests()).await.unwrap();
        let api = ApiClient::new(&server.base_url()).unwrap();
        let session = api
            .login("admin@example.com", "admin-pass", "tui:bench")
            .await
            .unwrap();
        let url = api.base_url().to_string();
        SessionStore::new(data.path())
            .save(&SavedLogin {
                server: url.clone(),
                email: "admin@example.com".into(),
                session: session.clone(),
            })
            .unwrap();
        let built = Instant::now();
        build_store(
            data.path(),
            &url,
            session.uid,
            &session.server_id,
            messages,
            CHANNELS,
        );
        println!(
            "store of {messages} messages in {CHANNELS} channels built in {:.1} s",
            built.elapsed().as_secs_f64()
        );
        // The server goes away: the first frame can only come from the store.
        drop(server);
        url
    });
    let newest = format!("message {:06}", messages - 1);
    let mut times = Vec::new();
    let mut rss = 0;
    for _ in 0..5 {
        let (elapsed, kib) = first_frame(data.path(), &server_url, &newest);
        times.push(elapsed);
        rss = kib;
    }
    times.sort();
    println!(
        "exec → first frame from the store: median {:.1} ms, best {:.1} ms (budget 50 ms)",
        times[times.len() / 2].as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0
    );
    println!(
        "resident memory with the first frame up: {:.1} MiB (budget 50 MB)",
        rss as f64 / 1024.0
    );
}

/// Spawns the binary and waits until `text` is on its screen; the time since exec and the
/// process's resident memory then (KiB).
fn first_frame(data: &std::path::Path, server: &str, text: &str) -> (Duration, u64) {
    let mut tui = Tui::spawn(&[server], data);
    let shown = tui.wait_for("the first frame", |s| s.contains(text));
    let elapsed = shown - tui.started;
    let rss = tui.rss_kib();
    tui.kill();
    (elapsed, rss)
}
