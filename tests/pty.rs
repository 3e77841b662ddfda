//! End to end: the real binary in a pseudo-terminal against a demo server over loopback.
//! Logs in through the form, switches channel, sends a message and sees the server's echo,
//! quits with the terminal restored; then a second instance is refused, and a restart
//! reuses the saved session without asking for the password.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use vocechat_tui::api::types::Target;
use vocechat_tui::demo::{DemoConfig, DemoServer};

struct Tui {
    parser: vt100::Parser,
    rx: mpsc::Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Tui {
    fn spawn(args: &[&str], data: &std::path::Path) -> Tui {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 30,
                cols: 100,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_vocechat-tui"));
        cmd.args(args);
        cmd.env("VOCECHAT_TUI_DATA", data);
        cmd.env("VOCECHAT_TUI_CONFIG", data);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(cmd).expect("the binary starts");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _master = pair.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Tui {
            parser: vt100::Parser::new(30, 100, 0),
            rx,
            writer,
            child,
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Reads output until `pred` holds for the screen, or fails with the screen shown.
    fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if pred(&self.screen()) {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left.min(Duration::from_millis(200))) {
                Ok(bytes) => self.parser.process(&bytes),
                Err(mpsc::RecvTimeoutError::Timeout) if Instant::now() < deadline => {}
                Err(_) => panic!("waiting for {what}; the screen is:\n{}", self.screen()),
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(60));
    }

    fn quit(mut self) -> vt100::Parser {
        self.send(b"\x11"); // Ctrl+Q
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            while let Ok(bytes) = self.rx.try_recv() {
                self.parser.process(&bytes);
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(
                    status.success(),
                    "exit status {status:?}\n{}",
                    self.screen()
                );
                // Drain what was written on the way out (leaving the alternate screen).
                std::thread::sleep(Duration::from_millis(100));
                while let Ok(bytes) = self.rx.try_recv() {
                    self.parser.process(&bytes);
                }
                return self.parser;
            }
            assert!(
                Instant::now() < deadline,
                "did not quit:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn log_in_switch_send_see_the_echo_quit_and_come_back() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(DemoServer::start(DemoConfig::for_tests()))
        .unwrap();
    // Something to read in the lobby.
    server
        .post_as(2, Target::Group { gid: 1 }, "welcome to the lobby")
        .unwrap();
    let url = server.base_url();
    let data = tempfile::tempdir().unwrap();

    let mut tui = Tui::spawn(&[&url, "--email", "admin@example.com"], data.path());
    tui.wait_for("the login form", |s| {
        s.contains("log in to VoceChat") && s.contains("admin@example.com")
    });
    tui.send(b"wrong-password\r");
    tui.wait_for("the login error", |s| s.contains("wrong password"));
    tui.send(b"admin-pass\r");
    tui.wait_for("the live stream", |s| s.contains("● live"));
    tui.wait_for("the lobby", |s| s.contains("welcome to the lobby"));

    // Switch to #dev with the fuzzy switcher and send a message.
    tui.send(b"\x0b"); // Ctrl+K
    tui.send(b"dev");
    tui.send(b"\r");
    tui.wait_for("#dev open", |s| s.contains("─ #dev"));
    tui.send("hello from the pty test ✓".as_bytes());
    tui.send(b"\r");
    tui.wait_for("the echo", |s| {
        s.contains("hello from the pty test ✓") && !s.contains("sending…")
    });
    let mid = server.last_mid();
    assert!(mid >= 2, "the server stored the message");

    // A second instance with the same device id refuses to start.
    let second = std::process::Command::new(env!("CARGO_BIN_EXE_vocechat-tui"))
        .arg(&url)
        .env("VOCECHAT_TUI_DATA", data.path())
        .env("VOCECHAT_TUI_CONFIG", data.path())
        .output()
        .unwrap();
    assert!(!second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("already running"),
        "{second:?}"
    );

    let parser = tui.quit();
    assert!(
        !parser.screen().alternate_screen(),
        "the terminal is restored"
    );

    // The session was saved privately and is reused: no password asked.
    let saved = std::fs::read_dir(data.path().join("sessions"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&saved).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let mut again = Tui::spawn(&[&url], data.path());
    again.wait_for("live without a login form", |s| {
        s.contains("● live") && !s.contains("log in to VoceChat")
    });
    again.wait_for("history of #dev or the lobby", |s| {
        s.contains("hello from the pty test") || s.contains("welcome to the lobby")
    });
    again.quit();
    drop(server);
}
