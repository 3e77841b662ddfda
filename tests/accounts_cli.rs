//! The headless commands with several accounts saved, as the real binary against the demo
//! server on loopback: `--account` by a config name, an e-mail or a host; no flag with one
//! saved session works as before, with several it is an error listing them; `tail` on one
//! account runs beside a client holding another.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use vocechat_tui::paths::Paths;
use vocechat_tui::protocol::types::Target;
use vocechat_tui::runtime::api::ApiClient;
use vocechat_tui::runtime::session_store::{SavedLogin, SessionStore};

const LOBBY: Target = Target::Group { gid: 1 };

/// Logs `who` in and saves the session, as a login in the UI does.
fn save_login(
    rt: &tokio::runtime::Runtime,
    server: &vocechat_tui::demo::DemoServer,
    data: &Path,
    who: (&str, &str),
) -> ApiClient {
    let device = Paths::at(data).device_id().unwrap();
    let api = rt.block_on(login(server, who, &device));
    let session = rt.block_on(api.session()).unwrap();
    SessionStore::new(data)
        .save(&SavedLogin {
            server: api.base_url().to_string(),
            email: who.0.into(),
            session,
        })
        .unwrap();
    api
}

fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vocechat-tui"))
        .args(args)
        .env("VOCECHAT_TUI_DATA", data)
        .env("VOCECHAT_TUI_CONFIG", data)
        .env_remove("TMUX")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Who sent the message `mid` of #lobby.
fn sender(rt: &tokio::runtime::Runtime, api: &ApiClient, out: &Output) -> i64 {
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mid: i64 = text(&out.stdout).trim().parse().unwrap();
    let page = rt.block_on(api.history(LOBBY, None, 100)).unwrap();
    page.iter().find(|m| m.mid == mid).unwrap().from_uid
}

#[test]
fn send_goes_through_the_account_named_and_several_without_a_flag_are_listed() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(server());
    let data = tempfile::tempdir().unwrap();
    let admin = save_login(&rt, &server, data.path(), ADMIN);
    let url = server.base_url();
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();

    // One saved session: no flag needed, as before.
    let out = run(data.path(), &["send", "#lobby", "from the only one"]);
    assert_eq!(sender(&rt, &admin, &out), 1);

    save_login(&rt, &server, data.path(), BOB);
    // Both sessions kept (two accounts on one server).
    assert_eq!(SessionStore::new(data.path()).all().len(), 2);
    // Two, no flag, no configured server: an error listing them, nothing sent.
    let out = run(data.path(), &["send", "#lobby", "whoever"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("--account")
            && err.contains(&format!("admin@example.com @ {host}"))
            && err.contains(&format!("bob@example.com @ {host}")),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    // By e-mail, with no config.
    let out = run(
        data.path(),
        &["send", "#lobby", "hi", "--account", "bob@example.com"],
    );
    assert_eq!(sender(&rt, &admin, &out), 2);

    // By the config's names; the error then lists the names.
    std::fs::write(
        data.path().join("config.toml"),
        format!(
            "[[account]]\nname = \"boss\"\nserver = \"{url}\"\nemail = \"admin@example.com\"\n\
             [[account]]\nname = \"bob\"\nserver = \"{url}\"\nemail = \"bob@example.com\"\n"
        ),
    )
    .unwrap();
    let out = run(
        data.path(),
        &["send", "#lobby", "as boss", "--account", "boss"],
    );
    assert_eq!(sender(&rt, &admin, &out), 1);
    let out = run(
        data.path(),
        &["send", "#lobby", "as bob", "--account", "bob"],
    );
    assert_eq!(sender(&rt, &admin, &out), 2);
    let out = run(data.path(), &["export", "#lobby", "--account", "bob"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("as bob"));
    let out = run(data.path(), &["send", "#lobby", "x", "--account", "nobody"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("no account named \"nobody\"")
            && err.contains(&format!("boss (admin@example.com @ {host})"))
            && err.contains(&format!("bob (bob@example.com @ {host})")),
        "{err}"
    );
    let out = run(data.path(), &["send", "#lobby", "x"]);
    assert!(
        text(&out.stderr).contains("boss (admin"),
        "{}",
        text(&out.stderr)
    );
    // --server with two accounts on it says which flag to use; both flags at once is refused.
    let out = run(data.path(), &["send", "#lobby", "x", "--server", &url]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--account"),
        "{}",
        text(&out.stderr)
    );
    let out = run(
        data.path(),
        &["send", "#lobby", "x", "--server", &url, "--account", "bob"],
    );
    assert!(!out.status.success());
}

#[test]
fn tail_on_one_account_runs_beside_a_client_holding_another() {
    use std::io::BufRead;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(server());
    let data = tempfile::tempdir().unwrap();
    let admin = save_login(&rt, &server, data.path(), ADMIN);
    save_login(&rt, &server, data.path(), BOB);
    let base = admin.base_url().to_string();
    // A UI (or tail) holds admin's account.
    let _ui =
        vocechat_tui::runtime::session_store::InstanceLock::acquire(data.path(), &base, 1).unwrap();
    let out = run(data.path(), &["tail", "--account", "admin@example.com"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("quit the UI first"),
        "{}",
        text(&out.stderr)
    );
    // Bob's tail runs and prints.
    let mut tail = Command::new(env!("CARGO_BIN_EXE_vocechat-tui"))
        .args(["tail", "--account", "bob@example.com"])
        .env("VOCECHAT_TUI_DATA", data.path())
        .env("VOCECHAT_TUI_CONFIG", data.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = tail.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut seen = None;
    while std::time::Instant::now() < deadline && seen.is_none() {
        server.post_as(1, LOBBY, "for bob's tail").unwrap();
        seen = rx.recv_timeout(std::time::Duration::from_millis(500)).ok();
    }
    let _ = tail.kill();
    let _ = tail.wait();
    let line = seen.expect("bob's tail printed nothing");
    assert!(line.contains("for bob's tail"), "{line}");
}

/// `tail` with these arguments, until a poke posted by carol reached it from each of
/// `accounts`: the lines printed by then.
fn tail_until_each(
    server: &vocechat_tui::demo::DemoServer,
    data: &Path,
    args: &[&str],
    accounts: &[&str],
) -> Vec<String> {
    use std::io::BufRead;
    let mut tail = Command::new(env!("CARGO_BIN_EXE_vocechat-tui"))
        .args(args)
        .env("VOCECHAT_TUI_DATA", data)
        .env("VOCECHAT_TUI_CONFIG", data)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = tail.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut lines: Vec<String> = Vec::new();
    let reached = |lines: &[String]| {
        accounts
            .iter()
            .all(|a| lines.iter().any(|l| l.contains(a) && l.contains("poke")))
    };
    while std::time::Instant::now() < deadline && !reached(&lines) {
        server.post_as(3, LOBBY, "poke").unwrap();
        while let Ok(line) = rx.recv_timeout(std::time::Duration::from_millis(400)) {
            lines.push(line);
        }
    }
    let _ = tail.kill();
    let _ = tail.wait();
    assert!(reached(&lines), "{lines:#?}");
    lines
}

#[test]
fn tail_follows_several_accounts_in_one_process_each_line_tagged() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(server());
    let data = tempfile::tempdir().unwrap();
    save_login(&rt, &server, data.path(), ADMIN);
    save_login(&rt, &server, data.path(), BOB);
    let url = server.base_url();
    std::fs::write(
        data.path().join("config.toml"),
        format!(
            "[[account]]\nname = \"boss\"\nserver = \"{url}\"\nemail = \"admin@example.com\"\n"
        ),
    )
    .unwrap();
    // Every saved account: the config's name, else the e-mail.
    let lines = tail_until_each(
        &server,
        data.path(),
        &["tail", "--all-accounts"],
        &["boss · [#lobby]", "bob@example.com · [#lobby]"],
    );
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("boss · ") || l.starts_with("bob@example.com · ")),
        "{lines:#?}"
    );
    // Named ones, as JSON lines with the account.
    let lines = tail_until_each(
        &server,
        data.path(),
        &[
            "tail",
            "--account",
            "boss",
            "--account",
            "bob@example.com",
            "--jsonl",
        ],
        &["\"account\":\"boss\"", "\"account\":\"bob@example.com\""],
    );
    for line in &lines {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["conversation"], "#lobby", "{line}");
    }
    // One account: lines as before, untagged.
    let lines = tail_until_each(
        &server,
        data.path(),
        &["tail", "--account", "boss"],
        &["[#lobby]"],
    );
    assert!(
        lines.iter().all(|l| l.starts_with("[#lobby]")),
        "{lines:#?}"
    );
    // send and export take one.
    let out = run(
        data.path(),
        &[
            "send",
            "#lobby",
            "x",
            "--account",
            "boss",
            "--account",
            "bob",
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--account is given once"),
        "{}",
        text(&out.stderr)
    );
}
