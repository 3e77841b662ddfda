//! Several accounts in one window (issue 21, item 7), in-process: the library's executor,
//! app and `ui::draw` on a ratatui `TestBackend`, put together as `main.rs` and
//! `runtime/run.rs` put them (the focused account, then the others parked, their streams
//! started 400 ms apart).
//! 1. Three accounts with 100,000 stored messages each, opened from their stores, to the first
//!    frame (budget 60 ms); one account the same way, for comparison.
//!
//! `cargo bench --bench accounts` (`-- --smoke` for small stores and few runs).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

mod support;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::build_store;
use tokio::sync::mpsc;
use vocechat_tui::app::{Account, App, Effect, Msg, Settings, update};
use vocechat_tui::config::Config;
use vocechat_tui::demo::{DemoConfig, DemoServer};
use vocechat_tui::keymap::{Keymap, Preset};
use vocechat_tui::runtime::account::{Opened, Source};
use vocechat_tui::runtime::api::ApiClient;
use vocechat_tui::runtime::executor::{Executor, Setup};
use vocechat_tui::runtime::session_store::{SavedLogin, SessionStore};
use vocechat_tui::runtime::store::{Store, store_path};
use vocechat_tui::runtime::sync::SyncConfig;
use vocechat_tui::theme::Theme;
use vocechat_tui::ui::RenderCache;

/// `main.rs`: each further account opened at a start connects this long after the one before.
const STAGGER: Duration = Duration::from_millis(400);
const CHANNELS: i64 = 50;
const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    first_frame(smoke);
}

/// The executor's setup as `main.rs` makes it for the data directory `dir`.
fn setup(dir: &Path) -> Setup {
    Setup {
        data_dir: Some(dir.to_path_buf()),
        sessions: Some(Arc::new(SessionStore::new(dir))),
        device: "tui:bench-accounts".into(),
        sync: SyncConfig {
            marks_dir: Some(dir.to_path_buf()),
            ..SyncConfig::default()
        },
        vocespace: Default::default(),
        chunk_size: 200 * 1024,
    }
}

fn account_of(opened: &Opened, name: &str) -> Account {
    Account {
        name: name.into(),
        login: Some((
            opened.logged_in.server.clone(),
            opened.logged_in.email.clone(),
        )),
        ..Default::default()
    }
}

/// `main.rs`'s `adopt`: the window's account, from its store, then its stream.
fn adopt(app: &mut App, executor: &mut Executor, opened: Opened) -> Vec<Effect> {
    let mut initial = match (opened.restored, opened.broken) {
        (Some(restored), _) => update(app, Msg::Restored(Box::new(restored))),
        (None, Some(why)) => update(app, Msg::StoreUnusable(why)),
        (None, None) => vec![],
    };
    app.focused = opened.session.id;
    executor.adopt(opened.session);
    initial.push(Effect::StartSync);
    initial
}

/// `main.rs`'s `adopt_parked`: a further account, parked, from its store, then its stream.
fn adopt_parked(
    app: &mut App,
    executor: &mut Executor,
    opened: Opened,
    account: Account,
) -> Vec<Effect> {
    let id = opened.session.id;
    app.add_account(id, Some(opened.logged_in.uid), account);
    let mut initial = match (opened.restored, opened.broken) {
        (Some(restored), _) => update(
            app,
            Msg::For(id, Box::new(Msg::Restored(Box::new(restored)))),
        ),
        (None, Some(why)) => update(app, Msg::For(id, Box::new(Msg::StoreUnusable(why)))),
        (None, None) => vec![],
    };
    executor.adopt(opened.session);
    initial.push(Effect::For(id, Box::new(Effect::StartSync)));
    initial
}

/// A window: the app, its executor and its channel, drawn on a `TestBackend` as the loop
/// draws (a frame, then again if the frame's view changed the app).
struct Window {
    app: App,
    executor: Executor,
    /// The app's channel, which the executor's tasks report to.
    _rx: mpsc::UnboundedReceiver<Msg>,
    term: Terminal<TestBackend>,
    theme: Theme,
    cache: RenderCache,
    /// Where the start's time went: (phase, ms).
    phases: Vec<(&'static str, f64)>,
}

impl Window {
    /// Opens `saved` (the first focused, the others parked with their streams staggered) as a
    /// start does, runs the effects the loop runs before its first frame, and draws it.
    async fn start(dir: &Path, saved: &[SavedLogin]) -> Window {
        let mut phases = Vec::new();
        let mut at = Instant::now();
        let mut phase = |name: &'static str| {
            phases.push((name, at.elapsed().as_secs_f64() * 1e3));
            at = Instant::now();
        };
        let (tx, rx) = mpsc::unbounded_channel();
        let mut executor = Executor::new(setup(dir), tx);
        let keymap = Keymap::new(Preset::Default);
        let settings = Settings::from(&Config::default());
        let first = executor
            .open(Source::Saved(saved[0].clone()))
            .await
            .unwrap();
        phase("open the focused store");
        let label = vocechat_tui::app::url_label(&first.logged_in.server);
        let mut app = App::logged_in(first.logged_in.uid, keymap, settings, label);
        app.account = account_of(&first, "one");
        let mut initial = adopt(&mut app, &mut executor, first);
        phase("fold it into the app");
        for (n, other) in saved.iter().enumerate().skip(1) {
            let mut opened = executor.open(Source::Saved(other.clone())).await.unwrap();
            phase("open a parked store");
            opened.session.delay_start(STAGGER * n as u32);
            let account = account_of(&opened, ["one", "two", "three"][n.min(2)]);
            initial.extend(adopt_parked(&mut app, &mut executor, opened, account));
            phase("fold it in, parked");
        }
        update(&mut app, Msg::Clock(vocechat_tui::clock::now_ms()));
        update(&mut app, Msg::Resize(WIDTH, HEIGHT));
        for effect in initial {
            executor.run(effect);
        }
        phase("run the initial effects");
        let mut window = Window {
            app,
            executor,
            _rx: rx,
            term: Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap(),
            theme: Theme::dark(),
            cache: RenderCache::default(),
            phases: Vec::new(),
        };
        window.draw();
        phase("draw the first frame");
        window.phases = phases;
        window
    }

    /// `run.rs`'s `draw`.
    fn draw(&mut self) {
        let mut view = None;
        self.term
            .draw(|f| {
                view = Some(vocechat_tui::ui::draw(
                    f,
                    &self.app,
                    &self.theme,
                    &mut self.cache,
                ));
            })
            .unwrap();
        if let Some(v) = view
            && v.differs_from(&self.app)
        {
            update(&mut self.app, Msg::View(v));
            if self.app.dirty {
                self.term
                    .draw(|f| {
                        vocechat_tui::ui::draw(f, &self.app, &self.theme, &mut self.cache);
                    })
                    .unwrap();
            }
        }
        self.app.dirty = false;
    }

    /// The text on the last frame.
    fn screen(&self) -> String {
        let buffer = self.term.backend().buffer();
        buffer
            .content
            .iter()
            .map(ratatui::buffer::Cell::symbol)
            .collect()
    }

    async fn close(mut self) {
        self.executor.shutdown().await;
    }
}

/// Logs in as the admin of a demo server for the tests (`url` may be a relay before it) and
/// saves the session in `dir`, as a login does.
async fn save_login(dir: &Path, url: &str) -> (SavedLogin, String) {
    let api = ApiClient::new(url).unwrap();
    let session = api
        .login("admin@example.com", "admin-pass", "tui:bench-accounts")
        .await
        .unwrap();
    let saved = SavedLogin {
        server: api.base_url().to_string(),
        email: "admin@example.com".into(),
        session: session.clone(),
    };
    SessionStore::new(dir).save(&saved).unwrap();
    (saved, session.server_id)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// 1. Three accounts, 100k stored messages each, their servers down: the start to the first
///    frame, against one account started the same way.
fn first_frame(smoke: bool) {
    let messages: i64 = if smoke { 2_000 } else { 100_000 };
    let runs = if smoke { 2 } else { 21 };
    let data = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let saved: Vec<SavedLogin> = rt.block_on(async {
        let mut saved = Vec::new();
        for _ in 0..3 {
            let server = DemoServer::start(DemoConfig::for_tests()).await.unwrap();
            let (login, server_id) = save_login(data.path(), &server.base_url()).await;
            let built = Instant::now();
            build_store(
                data.path(),
                &login.server,
                login.session.uid,
                &server_id,
                messages,
                CHANNELS,
            );
            // Indexed for search, as a store in use is: otherwise the first start indexes it
            // on the store thread, beside the start being measured.
            let path = store_path(data.path(), &login.server, login.session.uid);
            Store::open(&path, login.session.uid)
                .unwrap()
                .index_if_needed()
                .unwrap();
            println!(
                "store of {messages} messages in {CHANNELS} channels built and indexed in {:.1} s",
                built.elapsed().as_secs_f64()
            );
            // The server goes away: every frame comes from the store.
            drop(server);
            saved.push(login);
        }
        saved
    });
    let newest = format!("message {:06}", messages - 1);
    let (mut one, mut three) = (Vec::new(), Vec::new());
    let mut phases: Vec<Vec<(&str, f64)>> = Vec::new();
    for _ in 0..runs {
        for (n, times) in [(1, &mut one), (3, &mut three)] {
            // A runtime of its own, as a process has: what the run leaves behind (a stream
            // waiting to retry) ends with it, and with that the stores close.
            let rt = tokio::runtime::Runtime::new().unwrap();
            let (elapsed, window) = rt.block_on(async {
                let started = Instant::now();
                let window = Window::start(data.path(), &saved[..n]).await;
                (started.elapsed(), window)
            });
            assert!(window.screen().contains(&newest), "{}", window.screen());
            assert_eq!(window.app.accounts().len(), n);
            if n == 3 {
                phases.push(window.phases.clone());
            }
            rt.block_on(window.close());
            rt.shutdown_timeout(Duration::from_secs(1));
            // The next start finds the stores closed, as a new process would.
            wait_for_no_thread("store");
            times.push(elapsed.as_secs_f64() * 1e3);
        }
    }
    for (n, times) in [(1, &mut one), (3, &mut three)] {
        times.sort_by(f64::total_cmp);
        println!(
            "{n} account(s) × {messages} stored messages, open → first frame (in-process, TestBackend {WIDTH}×{HEIGHT}): median {:.1} ms, p95 {:.1} ms, best {:.1} ms over {runs} (budget 60 ms for 3)",
            percentile(times, 0.5),
            percentile(times, 0.95),
            times[0]
        );
    }
    // Where the three accounts' start spends its time: each phase's median.
    let spent: Vec<String> = (0..phases[0].len())
        .map(|i| {
            let mut ms: Vec<f64> = phases.iter().map(|p| p[i].1).collect();
            ms.sort_by(f64::total_cmp);
            format!("{} {:.1} ms", phases[0][i].0, percentile(&ms, 0.5))
        })
        .collect();
    println!(
        "  3 accounts, phase by phase (medians): {}",
        spent.join(", ")
    );
}

/// The names of this process's threads (Linux), by thread id.
fn threads() -> Vec<(String, String)> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let tid = entry.file_name().to_string_lossy().into_owned();
        if let Ok(comm) = std::fs::read_to_string(entry.path().join("comm")) {
            all.push((tid, comm.trim().to_string()));
        }
    }
    all
}

/// Waits (at most 10 s) until no thread of this process is called `name`.
fn wait_for_no_thread(name: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while threads().iter().any(|(_, comm)| comm == name) {
        assert!(
            Instant::now() < deadline,
            "a {name} thread is still running"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}
