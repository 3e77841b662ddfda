//! No secret reaches the log: the real binary, in a pseudo-terminal, logs in through the form
//! at `VOCECHAT_LOG=trace`, sends a message, makes a VoceSpace link with a custom secret and
//! quits; the log then holds none of the password, the access or refresh token (read back
//! from the saved session) or the VoceSpace secret, and it is 0600 in a 0700 directory.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vocechat_tui::demo::{DemoConfig, DemoServer};

const PASSWORD: &str = "admin-pass";
const VOCESPACE_SECRET: &str = "vs-secret-7f3a9c-never-logged";

/// The screen so far, fed by a reader thread.
struct Screen(Arc<Mutex<vt100::Parser>>);

impl Screen {
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = self.0.lock().unwrap().screen().contents();
            if pred(&text) {
                return;
            }
            assert!(Instant::now() < deadline, "waiting for {what}:\n{text}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn a_whole_session_at_trace_level_logs_no_secret() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(DemoServer::start(DemoConfig::for_tests()))
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    std::fs::write(
        data.path().join("config.toml"),
        format!("[vocespace]\nbase_url = \"https://meet.example.com\"\nsecret = \"{VOCESPACE_SECRET}\"\n"),
    )
    .unwrap();
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_vocechat-tui"));
    cmd.args([server.base_url().as_str(), "--email", "admin@example.com"]);
    cmd.env("VOCECHAT_TUI_DATA", data.path());
    cmd.env("VOCECHAT_TUI_CONFIG", data.path());
    cmd.env("VOCECHAT_LOG", "trace");
    cmd.env("TERM", "xterm-256color");
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut writer = pair.master.take_writer().unwrap();
    let screen = Screen(Arc::new(Mutex::new(vt100::Parser::new(30, 100, 0))));
    let feed = screen.0.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            feed.lock().unwrap().process(&buf[..n]);
        }
    });
    let mut send = |bytes: &[u8]| {
        writer.write_all(bytes).unwrap();
        writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(80));
    };
    screen.wait_for("the login form", |s| s.contains("log in to VoceChat"));
    send(format!("{PASSWORD}\r").as_bytes());
    screen.wait_for("the live stream", |s| s.contains("● live"));
    send("a message for the log test\r".as_bytes());
    screen.wait_for("the echo", |s| {
        s.contains("a message for the log test") && !s.contains("sending…")
    });
    send(b"/call\r");
    screen.wait_for("the meeting link", |s| s.contains("Your personal link"));
    send(b"\x1b");
    send(b"\x11"); // Ctrl+Q
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "did not quit");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(pair.master);

    let saved = std::fs::read_dir(data.path().join("sessions"))
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.path().extension().is_some_and(|x| x == "json"))
        .expect("a saved session")
        .path();
    let session: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(saved).unwrap()).unwrap();
    let token = session["session"]["token"].as_str().unwrap().to_string();
    let refresh = session["session"]["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(token.len() > 8 && refresh.len() > 8);
    let log_path = data.path().join("vocechat-tui.log");
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("TRACE") || log.contains("DEBUG"),
        "the log ran at trace level: {log}"
    );
    for (what, secret) in [
        ("the password", PASSWORD),
        ("the access token", token.as_str()),
        ("the refresh token", refresh.as_str()),
        ("the VoceSpace secret", VOCESPACE_SECRET),
    ] {
        assert!(!log.contains(secret), "the log holds {what}:\n{log}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&log_path), 0o600);
        assert_eq!(mode(data.path()), 0o700);
    }
}
