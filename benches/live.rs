//! On loopback, through a PTY with the real binary and the demo server: cold login to the
//! latest message of a 2,000-message channel (budget 500 ms), then the latency of incoming
//! messages, from the server's send to the text on screen (budget 20 ms). `cargo bench --bench
//! live` (`-- --smoke` for 200 messages and 5 samples).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

mod support;

use std::time::{Duration, Instant};
use support::Tui;
use vocechat_tui::demo::{DemoConfig, DemoServer};
use vocechat_tui::protocol::types::Target;

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let messages = if smoke { 200 } else { 2_000 };
    let samples = if smoke { 5 } else { 30 };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(DemoServer::start(DemoConfig::for_tests()))
        .unwrap();
    for i in 0..messages {
        server
            .post_as(
                2,
                Target::Group { gid: 1 },
                &format!("lobby {i:05} and some words"),
            )
            .unwrap();
    }
    let url = server.base_url();
    let data = tempfile::tempdir().unwrap();
    let mut tui = Tui::spawn(&[&url, "--email", "admin@example.com"], data.path());
    tui.wait_for("the login form", |s| s.contains("log in to VoceChat"));
    tui.send(b"admin-pass\r");
    let entered = Instant::now();
    let newest = format!("lobby {:05}", messages - 1);
    let shown = tui.wait_for("the latest message", |s| s.contains(&newest));
    let live = tui.wait_for("live", |s| s.contains("● live"));
    println!(
        "cold login on loopback, {messages}-message channel: latest message {:.0} ms, live {:.0} ms (budget 500 ms)",
        (shown - entered).as_secs_f64() * 1e3,
        (live - entered).as_secs_f64() * 1e3
    );
    std::thread::sleep(Duration::from_millis(300));
    let mut lat = Vec::new();
    for i in 0..samples {
        let text = format!("incoming {i:03} now");
        let sent = Instant::now();
        server.post_as(2, Target::Group { gid: 1 }, &text).unwrap();
        let seen = tui.wait_for("the incoming message", |s| s.contains(&text));
        lat.push((seen - sent).as_secs_f64() * 1e3);
        std::thread::sleep(Duration::from_millis(50));
    }
    lat.sort_by(f64::total_cmp);
    println!(
        "incoming message, server send → on screen: median {:.1} ms, best {:.1} ms, worst {:.1} ms over {samples} (budget 20 ms)",
        lat[lat.len() / 2],
        lat[0],
        lat[lat.len() - 1]
    );
    tui.quit();
}
