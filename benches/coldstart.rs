//! Cold login and restart through a throttled loopback link (256 kbit/s down, 150 ms RTT, the
//! relay in `support/`), with the real binary in a PTY against the demo server holding a
//! 2,000-message channel: time from Enter on the login form to the latest message, to live,
//! and the bytes downloaded; then a restart after 10 new messages. Budgets (design.md):
//! cold login ≤ 3 s, restart ≤ 1 s and ≤ 20 KB. `cargo bench --bench coldstart`
//! (`-- --smoke` for 200 messages).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

mod support;

use std::time::Duration;
use support::{SlowLink, Tui};
use vocechat_tui::demo::{DemoConfig, DemoServer};
use vocechat_tui::protocol::types::Target;

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let messages = if smoke { 200 } else { 2_000 };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(DemoServer::start(DemoConfig::for_tests()))
        .unwrap();
    server
        .post_as(2, Target::Group { gid: 2 }, "an older message in dev")
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
    let link = rt.block_on(SlowLink::start(
        server.addr(),
        256,
        Duration::from_millis(150),
    ));
    let url = format!("http://{}", link.addr);
    let data = tempfile::tempdir().unwrap();

    let mut tui = Tui::spawn(&[&url, "--email", "admin@example.com"], data.path());
    tui.wait_for("the login form", |s| s.contains("log in to VoceChat"));
    let before = link.down_bytes();
    tui.send(b"admin-pass\r");
    let entered = std::time::Instant::now();
    let newest = format!("lobby {:05}", messages - 1);
    let shown = tui.wait_for("the latest message", |s| s.contains(&newest));
    let live = tui.wait_for("live", |s| s.contains("● live"));
    std::thread::sleep(Duration::from_millis(500));
    let cold_bytes = link.down_bytes() - before;
    println!(
        "cold login, {messages}-message channel, 256 kbit/s 150 ms: latest message {:.2} s, live {:.2} s, {:.1} KB (budget 3 s)",
        (shown - entered).as_secs_f64(),
        (live - entered).as_secs_f64(),
        cold_bytes as f64 / 1000.0
    );
    tui.quit();

    for i in 0..10 {
        server
            .post_as(2, Target::Group { gid: 1 }, &format!("while away {i}"))
            .unwrap();
    }
    let before = link.down_bytes();
    let mut again = Tui::spawn(&[&url], data.path());
    let cached = again.wait_for("the cached frame", |s| s.contains(&newest));
    let caught_up = again.wait_for("the new messages", |s| s.contains("while away 9"));
    std::thread::sleep(Duration::from_millis(500));
    println!(
        "restart after 10 new messages: cached frame {:.0} ms, new messages {:.2} s, {:.1} KB (budget 1 s, 20 KB)",
        (cached - again.started).as_secs_f64() * 1000.0,
        (caught_up - again.started).as_secs_f64(),
        (link.down_bytes() - before) as f64 / 1000.0
    );
    again.quit();
    drop(server);
}
