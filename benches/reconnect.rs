//! Reconnect after the server comes back (budget ≤ 2 s, however long it was away), through a
//! PTY with the real binary and its default reconnect policy: the demo server behind a relay
//! that is switched off for 3, 10 and 30 s; a message is sent as it is switched on again, and
//! timed until it is on screen. `cargo bench --bench reconnect` (`-- --smoke`: one 1 s outage).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

mod support;

use std::time::{Duration, Instant};
use support::{Switch, Tui};
use vocechat_tui::demo::{DemoConfig, DemoServer};
use vocechat_tui::protocol::types::Target;

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let outages: &[u64] = if smoke { &[1] } else { &[3, 10, 30] };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(DemoServer::start(DemoConfig::for_tests()))
        .unwrap();
    // The lobby is the most active conversation: it opens first.
    server
        .post_as(2, Target::Group { gid: 1 }, "before the outages")
        .unwrap();
    let relay = rt.block_on(Switch::start(server.addr()));
    let url = format!("http://{}", relay.addr);
    let data = tempfile::tempdir().unwrap();
    let mut tui = Tui::spawn(&[&url, "--email", "admin@example.com"], data.path());
    tui.wait_for("the login form", |s| s.contains("log in to VoceChat"));
    tui.send(b"admin-pass\r");
    tui.wait_for("live", |s| s.contains("● live"));
    for (i, secs) in outages.iter().enumerate() {
        relay.set(false);
        tui.wait_for("the stream lost", |s| !s.contains("● live"));
        std::thread::sleep(Duration::from_secs(*secs));
        relay.set(true);
        let text = format!("back after {secs} s, number {i}");
        let sent = Instant::now();
        server.post_as(2, Target::Group { gid: 1 }, &text).unwrap();
        let seen = tui.wait_for("the message after the outage", |s| s.contains(&text));
        println!(
            "outage of {secs} s: the message sent as the server came back was on screen {:.2} s later (budget 2 s)",
            (seen - sent).as_secs_f64()
        );
        tui.wait_for("live again", |s| s.contains("● live"));
    }
    tui.quit();
}
