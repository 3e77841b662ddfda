//! The commands that run without the UI, as the real binary against the demo server on
//! loopback, with stdin not a terminal (as in a script): exit codes, stderr, and what the
//! server received (each message exactly once).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use common::*;
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use vocechat_tui::demo::DemoServer;
use vocechat_tui::paths::Paths;
use vocechat_tui::protocol::types::{MessageDetail, Target};
use vocechat_tui::runtime::api::ApiClient;
use vocechat_tui::runtime::session_store::{InstanceLock, SavedLogin, SessionStore};

const GENERAL: Target = Target::Group { gid: 1 };

/// A demo server, and a data directory holding admin's saved session for it (what logging
/// in once in the UI leaves behind).
struct Setup {
    rt: tokio::runtime::Runtime,
    server: DemoServer,
    data: tempfile::TempDir,
    api: ApiClient,
}

fn setup() -> Setup {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(server());
    let data = tempfile::tempdir().unwrap();
    let device = Paths::at(data.path()).device_id().unwrap();
    let api = rt.block_on(login(&server, ADMIN, &device));
    let session = rt.block_on(api.session()).unwrap();
    SessionStore::new(data.path())
        .save(&SavedLogin {
            server: api.base_url().to_string(),
            email: ADMIN.0.into(),
            session,
        })
        .unwrap();
    Setup {
        rt,
        server,
        data,
        api,
    }
}

fn command(data: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vocechat-tui"));
    c.args(args)
        .env("VOCECHAT_TUI_DATA", data)
        .env("VOCECHAT_TUI_CONFIG", data)
        .env_remove("TMUX")
        .stdin(Stdio::null());
    c
}

fn run(data: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut c = command(data, args);
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl Setup {
    fn url(&self) -> String {
        self.server.base_url()
    }

    /// The texts of the newest messages of #lobby, oldest first.
    fn general(&self) -> Vec<(i64, String, String)> {
        let mut page = self
            .rt
            .block_on(self.api.history(GENERAL, None, 100))
            .unwrap();
        page.sort_by_key(|m| m.mid);
        page.into_iter()
            .filter_map(|m| match m.detail {
                MessageDetail::Normal {
                    content_type,
                    content,
                    ..
                } => Some((m.mid, content_type, content)),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn send_posts_text_stdin_markdown_and_files_once_each() {
    let s = setup();
    let url = s.url();
    let out = run(
        s.data.path(),
        &["send", "#lobby", "hello from a script", "--server", &url],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mid: i64 = text(&out.stdout).trim().parse().unwrap();
    let out = run(
        s.data.path(),
        &["send", "#LOBBY", "-", "--markdown", "--server", &url],
        Some("line one\n**two**\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file = s.data.path().join("notes.txt");
    std::fs::write(&file, "some notes").unwrap();
    let out = run(
        s.data.path(),
        &[
            "send",
            "#lobby",
            "--file",
            file.to_str().unwrap(),
            "--server",
            &url,
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().count(), 1);
    let general = s.general();
    let ours: Vec<_> = general.iter().filter(|(m, _, _)| *m >= mid).collect();
    assert_eq!(ours.len(), 3, "{general:?}");
    assert_eq!(ours[0].1, "text/plain");
    assert_eq!(ours[0].2, "hello from a script");
    assert_eq!(ours[1].1, "text/markdown");
    assert_eq!(ours[1].2, "line one\n**two**");
    assert_eq!(ours[2].1, "vocechat/file");
}

#[test]
fn send_errors_name_the_problem_and_send_nothing() {
    let s = setup();
    let url = s.url();
    let before = s.general().len();
    for (args, stdin, says) in [
        (vec!["send", "#nope", "hi"], None, "no channel named #nope"),
        (vec!["send", "general", "hi"], None, "#channel or @person"),
        (vec!["send", "#lobby"], None, "nothing to send"),
        (vec!["send", "#lobby", "-"], Some("  \n"), "nothing to send"),
        (
            vec!["send", "#lobby", "hi", "--file", "/no/such/file"],
            None,
            "/no/such/file",
        ),
    ] {
        let mut args = args.clone();
        args.extend(["--server", &url]);
        let out = run(s.data.path(), &args, stdin);
        assert!(!out.status.success(), "{args:?} succeeded");
        let err = text(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(s.general().len(), before, "something was sent");
    // Without a saved session there is nothing to use, and no prompt.
    let empty = tempfile::tempdir().unwrap();
    let out = run(
        empty.path(),
        &["send", "#lobby", "hi", "--server", &url],
        None,
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("not logged in"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn export_prints_the_history_resolved_in_both_formats() {
    let s = setup();
    let url = s.url();
    let out = run(
        s.data.path(),
        &["send", "@bob", "a direct word", "--server", &url],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(
        s.data.path(),
        &["export", "@Bob", "--format", "jsonl", "--server", &url],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let last = lines.last().unwrap();
    assert_eq!(last["content"], "a direct word");
    assert_eq!(last["from"], "admin");
    run(
        s.data.path(),
        &["send", "#lobby", "first", "--server", &url],
        None,
    );
    run(
        s.data.path(),
        &["send", "#lobby", "second", "--server", &url],
        None,
    );
    let out = run(s.data.path(), &["export", "#lobby", "--server", &url], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(md.starts_with("# #lobby\n\n**admin** · "), "{md}");
    let (first, second) = (
        md.find("\nfirst\n").unwrap(),
        md.find("\nsecond\n").unwrap(),
    );
    assert!(first < second, "oldest first: {md}");
    // A date in the future leaves nothing but the title.
    let out = run(
        s.data.path(),
        &[
            "export",
            "#lobby",
            "--since",
            "2999-01-01",
            "--server",
            &url,
        ],
        None,
    );
    assert_eq!(text(&out.stdout), "# #lobby\n\n");
    let out = run(
        s.data.path(),
        &["export", "#lobby", "--since", "yesterday", "--server", &url],
        None,
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("YYYY-MM-DD"));
}

#[test]
fn tail_prints_what_send_sends_and_runs_the_hook() {
    let s = setup();
    let url = s.url();
    let hooked = s.data.path().join("hooked.jsonl");
    let exec = format!("cat >> '{}'", hooked.display());
    let mut tail = command(
        s.data.path(),
        &[
            "tail", "#lobby", "--jsonl", "--exec", &exec, "--server", &url,
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = tail.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    // Until the stream is live nothing is printed: poke until a message comes through.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    'live: while Instant::now() < deadline {
        let out = run(
            s.data.path(),
            &["send", "#lobby", "are you there?", "--server", &url],
            None,
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(500)) {
            seen.push(line);
            break 'live;
        }
    }
    assert!(!seen.is_empty(), "tail printed nothing");
    let out = run(
        s.data.path(),
        &["send", "#lobby", "-", "--server", &url],
        Some("the one\nwe look for"),
    );
    let mid: i64 = text(&out.stdout).trim().parse().unwrap();
    // Other conversations are left out.
    run(
        s.data.path(),
        &["send", "@bob", "not for tail", "--server", &url],
        None,
    );
    let line = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["mid"], mid);
    assert_eq!(v["content"], "the one\nwe look for");
    assert_eq!(v["conversation"], "#lobby");
    assert_eq!(v["from"], "admin");
    assert!(
        rx.recv_timeout(Duration::from_millis(800)).is_err(),
        "printed more"
    );
    let hooked_text = std::fs::read_to_string(&hooked).unwrap();
    assert_eq!(
        hooked_text
            .lines()
            .filter(|l| l.contains("we look for"))
            .count(),
        1,
        "{hooked_text}"
    );
    tail.kill().unwrap();
    let _ = tail.wait();
}

#[test]
fn tail_refuses_while_the_ui_holds_the_account_and_runs_beside_another() {
    let s = setup();
    let base = s.api.base_url().to_string();
    // The UI on this account (admin, uid 1): tail refuses, saying why.
    let ui = InstanceLock::acquire(s.data.path(), &base, 1).unwrap();
    let out = run(s.data.path(), &["tail", "--server", &s.url()], None);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("already running") && err.contains("quit the UI first"),
        "{err}"
    );
    drop(ui);
    // The UI on another account (another user of the same server): tail runs.
    let _other = InstanceLock::acquire(s.data.path(), &base, 2).unwrap();
    let (_tail, _lines, _) = tail_live(&s, &["tail", "--server", &s.url()]);
}

#[test]
fn completions_and_the_man_page_come_from_the_same_definitions() {
    let data = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let out = run(data.path(), &["completions", shell], None);
        assert!(out.status.success());
        let script = text(&out.stdout);
        assert!(
            script.contains("vocechat-tui") && script.contains("export"),
            "{shell}"
        );
    }
    let out = run(data.path(), &["man"], None);
    assert!(out.status.success());
    let man = text(&out.stdout);
    assert!(man.starts_with(".ie") || man.contains(".TH"), "{man}");
    assert!(man.contains("send"));
    let out = run(data.path(), &["completions", "tcsh"], None);
    assert!(!out.status.success());
}

/// Issue 23: `--version` names the package version and the git revision built from (the
/// commit checked out here, since the tests build from this checkout).
#[test]
fn the_version_names_the_git_revision() {
    let data = tempfile::tempdir().unwrap();
    let out = run(data.path(), &["--version"], None);
    assert!(out.status.success());
    let printed = text(&out.stdout);
    let head = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| text(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    assert_eq!(
        printed.trim(),
        format!("vocechat-tui {} ({head})", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn export_works_from_the_local_store_when_the_server_is_gone() {
    use vocechat_tui::protocol::ServerEvent;
    use vocechat_tui::runtime::store::{Store, store_path};
    let s = setup();
    let url = s.url();
    let uid = s.rt.block_on(s.api.session()).unwrap().uid;
    let server = s.api.base_url().to_string();
    // What a UI session left in the store: the names, and a conversation's records (one
    // of them edited later).
    let users = s.rt.block_on(s.api.users()).unwrap();
    let groups = s.rt.block_on(s.api.groups()).unwrap();
    let chat = |mid: i64, detail: serde_json::Value| {
        ServerEvent::Chat(
            serde_json::from_value(serde_json::json!({
                "mid": mid, "from_uid": 2, "created_at": 1_700_000_000_000i64 + mid,
                "target": {"gid": 1}, "detail": detail
            }))
            .unwrap(),
        )
    };
    let plain =
        |t: &str| serde_json::json!({"type": "normal", "content_type": "text/plain", "content": t});
    {
        let mut store = Store::open(&store_path(s.data.path(), &server, uid), uid).unwrap();
        store
            .write_events(&[
                ServerEvent::UsersSnapshot { users, version: 1 },
                ServerEvent::RelatedGroups { groups },
                chat(1, plain("kept in the store")),
                chat(2, plain("a typo")),
                chat(
                    3,
                    serde_json::json!({"type": "reaction", "mid": 2,
                    "detail": {"type": "edit", "content_type": "text/plain", "content": "fixed"}}),
                ),
            ])
            .unwrap();
    }
    // The server goes away (its port kept taken, so nothing else answers there).
    let addr = s.server.addr();
    let Setup {
        rt,
        server: demo,
        data,
        api,
    } = s;
    drop(demo);
    hold_port_closed(addr);
    let out = run(data.path(), &["export", "#lobby", "--server", &url], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(
        md.contains("kept in the store") && md.contains("· edited\n\n```text\nfixed\n```\n"),
        "{md}"
    );
    assert!(md.contains("**bob**"), "{md}");
    assert!(!md.contains("a typo"), "{md}");
    assert!(
        text(&out.stderr).contains("exporting what is stored"),
        "{}",
        text(&out.stderr)
    );
    drop((rt, api));
}

#[test]
fn tail_of_a_person_shows_both_sides_of_the_direct_messages() {
    let s = setup();
    let url = s.url();
    let mut tail = command(
        s.data.path(),
        &["tail", "@bob", "--jsonl", "--server", &url],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = tail.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    let to_me = Target::User { uid: 1 };
    // Bob writes to admin until tail is live and prints one.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut first = None;
    while first.is_none() && Instant::now() < deadline {
        s.server.post_as(2, to_me, "bob says hi").unwrap();
        first = rx.recv_timeout(Duration::from_millis(500)).ok();
    }
    let first: serde_json::Value =
        serde_json::from_str(&first.expect("tail printed nothing")).unwrap();
    assert_eq!(first["conversation"], "@bob");
    assert_eq!(first["from"], "bob");
    while rx.recv_timeout(Duration::from_millis(300)).is_ok() {}
    // The lobby is left out; admin's own message to bob is in.
    s.server.post_as(2, GENERAL, "not for this tail").unwrap();
    let out = run(
        s.data.path(),
        &["send", "@bob", "and back", "--server", &url],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let line: serde_json::Value =
        serde_json::from_str(&rx.recv_timeout(Duration::from_secs(10)).unwrap()).unwrap();
    assert_eq!(line["content"], "and back");
    assert_eq!(line["conversation"], "@bob");
    assert!(
        rx.recv_timeout(Duration::from_millis(800)).is_err(),
        "printed more"
    );
    tail.kill().unwrap();
    let _ = tail.wait();
}

#[test]
fn send_with_a_file_before_the_text_sends_the_text_as_text() {
    // Exactly `send '#lobby' --file A "$TEXT"`: one path per --file, the text positional.
    let s = setup();
    let url = s.url();
    let file = s.data.path().join("report.pdf");
    std::fs::write(&file, "%PDF-1.4 numbers").unwrap();
    let text_arg = "the Q3 numbers, see attached";
    let out = run(
        s.data.path(),
        &[
            "send",
            "#lobby",
            "--file",
            file.to_str().unwrap(),
            text_arg,
            "--server",
            &url,
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).lines().count(),
        2,
        "{}",
        text(&out.stdout)
    );
    let first: i64 = text(&out.stdout).lines().next().unwrap().parse().unwrap();
    let general = s.general();
    let ours: Vec<_> = general.iter().filter(|(m, _, _)| *m >= first).collect();
    assert_eq!(ours.len(), 2, "{general:?}");
    assert_eq!(
        (ours[0].1.as_str(), ours[0].2.as_str()),
        ("text/plain", text_arg)
    );
    assert_eq!(ours[1].1, "vocechat/file");
    // Two files are two --file options; a second path after one --file is not a file.
    let other = s.data.path().join("notes.txt");
    std::fs::write(&other, "notes").unwrap();
    let out = run(
        s.data.path(),
        &[
            "send",
            "#lobby",
            "--file",
            file.to_str().unwrap(),
            "--file",
            other.to_str().unwrap(),
            "--server",
            &url,
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().count(), 2);
    let help = run(s.data.path(), &["send", "--help"], None);
    assert!(
        text(&help.stdout).contains("repeat it for each file"),
        "{}",
        text(&help.stdout)
    );
}

#[test]
fn a_member_renamed_to_differ_only_by_case_takes_no_script_messages() {
    let s = setup();
    let url = s.url();
    // bob is uid 2; a member now calls himself `Bob`.
    let impostor = s.server.add_user("Bob", "mallory@example.com", "pw");
    let out = run(
        s.data.path(),
        &["send", "@bob", "the wire details", "--server", &url],
        None,
    );
    assert!(!out.status.success(), "sent to one of them");
    assert_eq!(
        text(&out.stderr).trim(),
        format!(
            "Error: @bob is ambiguous: @bob (@uid:2), @Bob (@uid:{impostor}); name one as @uid:N"
        )
    );
    let to_bob = |api: &ApiClient| {
        s.rt.block_on(api.history(Target::User { uid: 2 }, None, 10))
            .unwrap()
            .len()
    };
    let before = to_bob(&s.api);
    // The stable form reaches bob, whatever anyone is called.
    let out = run(
        s.data.path(),
        &["send", "@uid:2", "the wire details", "--server", &url],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(to_bob(&s.api), before + 1);
    let out = run(
        s.data.path(),
        &["export", "#gid:1", "--format", "jsonl", "--server", &url],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// A running command, killed (and waited for) if a test ends without ending it.
struct Running(std::process::Child);

impl std::ops::Deref for Running {
    type Target = std::process::Child;
    fn deref(&self) -> &std::process::Child {
        &self.0
    }
}

impl std::ops::DerefMut for Running {
    fn deref_mut(&mut self) -> &mut std::process::Child {
        &mut self.0
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `tail` started and live, its printed lines read off its stdout on a thread, and how many
/// lines beyond the first it printed while being poked (each also went to a hook).
fn tail_live(s: &Setup, args: &[&str]) -> (Running, std::sync::mpsc::Receiver<String>, usize) {
    let mut tail = command(s.data.path(), args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = tail.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    // Until the stream is live nothing is printed: poke until a message comes through.
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        s.server.post_as(2, GENERAL, "are you there?").unwrap();
        if rx.recv_timeout(Duration::from_millis(500)).is_ok() {
            let mut extra = 0;
            while rx.recv_timeout(Duration::from_millis(300)).is_ok() {
                extra += 1;
            }
            return (Running(tail), rx, extra);
        }
    }
    let _ = tail.kill();
    let _ = tail.wait();
    panic!("tail printed nothing");
}

const FORGED: &str = "[#lobby] ceo 09:12: wire the money";

#[test]
fn tail_prints_one_line_per_message_whatever_names_and_texts_hold() {
    let s = setup();
    let url = s.url();
    // A member whose name carries a forged line, known before tail starts.
    let mallory = s
        .server
        .add_user(&format!("mallory\n{FORGED}"), "m@example.com", "pw");
    let (mut tail, rx, _) = tail_live(&s, &["tail", "#lobby", "--server", &url]);
    s.server
        .post_file_as(2, GENERAL, &format!("a.pdf\n{FORGED}"), b"%PDF")
        .unwrap();
    s.server.post_as(mallory, GENERAL, "hello").unwrap();
    s.server
        .post_as(
            2,
            GENERAL,
            &format!("one\u{2028}{FORGED}\u{2029}{FORGED}\r\n{FORGED}"),
        )
        .unwrap();
    let lines: Vec<String> = (0..3)
        .map(|_| rx.recv_timeout(Duration::from_secs(10)).unwrap())
        .collect();
    assert!(
        rx.recv_timeout(Duration::from_millis(800)).is_err(),
        "more lines than messages: {lines:?}"
    );
    for line in &lines {
        assert!(!line.starts_with("[#lobby] ceo"), "{lines:?}");
        assert!(!line.contains(['\u{2028}', '\u{2029}', '\r']), "{line:?}");
    }
    assert!(
        lines[0].ends_with(&format!(": 📎 a.pdf ⏎ {FORGED}")),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with(&format!("[#lobby] mallory ⏎ {FORGED} ")),
        "{lines:?}"
    );
    tail.kill().unwrap();
    let _ = tail.wait();
}

#[test]
fn markdown_export_keeps_each_message_in_its_own_block() {
    let s = setup();
    let url = s.url();
    let mallory = s
        .server
        .add_user("ceo** · 2026-01-01 09:12\n\n**admin", "m@example.com", "pw");
    // A body that fakes the next message's header, and tries to close its block.
    let fake = "fine\n```\n\n**admin** · 2026-01-01 09:12\n\nwire the money to [the bank](https://evil.example)";
    s.server.post_as(mallory, GENERAL, fake).unwrap();
    s.server
        .post_file_as(2, GENERAL, "report](https://evil.example) [x.pdf", b"%PDF")
        .unwrap();
    let out = run(s.data.path(), &["export", "#lobby", "--server", &url], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    // Parsed as markdown: the only headers are the two real messages' (strong text at the
    // start of a paragraph), the fake header is inside a code block, and the only link is
    // the file's, to the server.
    let parser = pulldown_cmark::Parser::new(&md);
    let mut headers = 0;
    let mut links = Vec::new();
    let mut in_code = false;
    let mut code = String::new();
    for event in parser {
        use pulldown_cmark::{Event, Tag, TagEnd};
        match event {
            Event::Start(Tag::Strong) => headers += 1,
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if in_code => code.push_str(&t),
            _ => {}
        }
    }
    assert_eq!(headers, 2, "{md}");
    assert_eq!(links.len(), 1, "{md}");
    assert!(links[0].starts_with(&url), "{links:?}");
    assert!(code.contains(fake), "the body, whole and as written: {md}");
}

/// What a process writes to stderr, line by line, read on a thread.
fn stderr_lines(child: &mut Running) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    rx
}

/// Ctrl+C, as a terminal sends it.
fn interrupt(child: &Running) {
    let ok = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

/// Whether process `pid` is gone (reaped, or a zombie no longer running).
fn gone(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z')),
    }
}

/// Waits until `what` holds, for at most `secs`.
fn eventually(secs: u64, what: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if what() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    what()
}

#[test]
fn a_hook_that_never_ends_is_killed_with_what_it_started_and_tail_goes_on() {
    let s = setup();
    let url = s.url();
    let pids = s.data.path().join("pids");
    // Records its own pid and the pid of what it starts, then waits forever.
    let exec = format!(
        "cat >/dev/null; sleep 1000 & echo \"$$ $!\" >> '{}'; wait",
        pids.display()
    );
    let (mut tail, rx, _) = tail_live(
        &s,
        &[
            "tail",
            "#lobby",
            "--exec",
            &exec,
            "--exec-timeout",
            "1",
            "--server",
            &url,
        ],
    );
    let errors = stderr_lines(&mut tail);
    let said = errors.recv_timeout(Duration::from_secs(20)).unwrap();
    assert!(said.contains("ran past 1 s"), "{said}");
    let runs = || std::fs::read_to_string(&pids).unwrap_or_default();
    let first = runs();
    let first: Vec<&str> = first.split_whitespace().collect();
    assert_eq!(first.len(), 2, "{first:?}");
    assert!(
        eventually(10, || first.iter().all(|p| gone(p))),
        "the hook or what it started still runs: {first:?}"
    );
    // Tailing goes on: the next message is printed and runs the hook again.
    s.server.post_as(2, GENERAL, "still there?").unwrap();
    let line = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(line.ends_with("still there?"), "{line}");
    assert!(eventually(10, || runs().lines().count() == 2), "{}", runs());
    // Ctrl+C while it runs: tail ends, and the hook with it.
    interrupt(&tail);
    let status = tail.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let second = runs();
    let second: Vec<&str> = second.lines().nth(1).unwrap().split_whitespace().collect();
    assert!(
        eventually(10, || second.iter().all(|p| gone(p))),
        "left running after tail ended: {second:?}"
    );
}

#[test]
fn a_flood_while_a_slow_hook_runs_is_printed_whole_and_dropped_for_the_hook_with_a_count() {
    const FLOOD: usize = 250;
    let s = setup();
    let url = s.url();
    let started = s.data.path().join("started");
    let exec = format!("cat >> '{}'; sleep 30", started.display());
    let (mut tail, rx, extra) =
        tail_live(&s, &["tail", "#lobby", "--exec", &exec, "--server", &url]);
    let errors = stderr_lines(&mut tail);
    // The first hook is running (it holds the message tail went live with).
    assert!(eventually(10, || started.exists()));
    for i in 0..FLOOD {
        s.server.post_as(2, GENERAL, &format!("flood {i}")).unwrap();
    }
    // Every message is printed, none waits for the hook.
    let printed: Vec<String> = (0..FLOOD)
        .map(|_| rx.recv_timeout(Duration::from_secs(20)).unwrap())
        .collect();
    assert!(
        printed
            .last()
            .unwrap()
            .ends_with(&format!("flood {}", FLOOD - 1))
    );
    interrupt(&tail);
    assert!(tail.wait().unwrap().success());
    let said: Vec<String> = errors.iter().collect();
    assert!(said[0].contains("--exec is behind"), "{said:?}");
    let missed: usize = said
        .iter()
        .find_map(|l| l.split("--exec missed ").nth(1))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count: {said:?}"));
    // The first message runs, 100 wait, the rest are counted.
    let queue = vocechat_tui::runtime::cli::hook::QUEUE;
    assert_eq!(missed, FLOOD + extra - queue, "{said:?}");
}

/// Issue 22: the linear mode from a pipe: a cold login field by field, then a message, then
/// end of input. The message typed while the login was under way goes out before the
/// program ends (it is not dropped with the input's end), once.
#[test]
fn the_linear_mode_from_a_pipe_logs_in_and_sends_before_it_ends() {
    let s = setup();
    let data = tempfile::tempdir().unwrap();
    let url = s.url();
    let input = format!(
        "{}\n{}\n/open #lobby\nfrom a pipe, at the end\n",
        ADMIN.0, ADMIN.1
    );
    let out = run(data.path(), &["--screen-reader", &url], Some(&input));
    let said = text(&out.stdout);
    assert!(out.status.success(), "{said}\n{}", text(&out.stderr));
    assert!(
        !said.contains(ADMIN.1),
        "the password is never written: {said}"
    );
    let sent: Vec<_> = s
        .general()
        .into_iter()
        .filter(|(_, _, t)| t == "from a pipe, at the end")
        .collect();
    assert_eq!(sent.len(), 1, "sent once: {said}");
}
