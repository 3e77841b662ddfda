//! Several accounts in one window (issue 21, item 7), in-process: the library's executor,
//! app and `ui::draw` on a ratatui `TestBackend`, put together as `main.rs` and
//! `runtime/run.rs` put them (the focused account, then the others parked, their streams
//! started 400 ms apart).
//! 1. Three accounts with 100,000 stored messages each, opened from their stores, to the first
//!    frame (budget 60 ms); one account the same way, for comparison.
//! 2. Three accounts live on three demo servers, each behind a relay that counts the bytes:
//!    the resident memory each adds (budget 3 MB), then an idle minute: bytes each way, the
//!    client's CPU (the servers run on threads of their own), messages handled, frames drawn
//!    (budget: nothing but the servers' heartbeats).
//! 3. A message posted on a parked account's server: from the post to the batch that folded
//!    it (its unread count up) and drew the frame, against the focused account and a window
//!    of one account (budget: the single-account latency of `benches/live.rs`).
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
use support::{SlowLink, build_store};
use tokio::sync::mpsc;
use vocechat_tui::app::conn::ConnState;
use vocechat_tui::app::{Account, AccountId, AccountView, App, Effect, Msg, Settings, update};
use vocechat_tui::config::Config;
use vocechat_tui::demo::{DemoConfig, DemoServer};
use vocechat_tui::keymap::{Keymap, Preset};
use vocechat_tui::protocol::types::Target;
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
/// The threads of the demo servers and relays (not the client's).
const SERVER_THREADS: &str = "demo-server";

/// Each part runs in a process of its own (this one, run again with `--part`), so that
/// none inherits another's memory or threads.
const PARTS: [&str; 2] = ["first-frame", "idle"];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let smoke = args.iter().any(|a| a == "--smoke");
    match args
        .iter()
        .position(|a| a == "--part")
        .map(|i| args[i + 1].as_str())
    {
        Some("first-frame") => first_frame(smoke),
        Some("idle") => idle_and_latency(smoke),
        Some(other) => panic!("no part {other}"),
        None => {
            for part in PARTS {
                let status = std::process::Command::new(std::env::current_exe().unwrap())
                    .args(smoke.then_some("--smoke"))
                    .args(["--part", part])
                    .status()
                    .unwrap();
                assert!(status.success(), "part {part}: {status}");
            }
        }
    }
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
    rx: mpsc::UnboundedReceiver<Msg>,
    /// Messages handled and frames drawn since the start.
    handled: u64,
    frames: u64,
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
        let mut window = Window::new(app, executor, rx);
        window.draw();
        phase("draw the first frame");
        window.phases = phases;
        window
    }

    fn new(app: App, executor: Executor, rx: mpsc::UnboundedReceiver<Msg>) -> Window {
        Window {
            app,
            executor,
            rx,
            handled: 0,
            frames: 0,
            term: Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap(),
            theme: Theme::dark(),
            cache: RenderCache::default(),
            phases: Vec::new(),
        }
    }

    /// Opens `saved` into the running window, parked, its stream started now (an account
    /// added while the others run); its id.
    async fn add_parked(&mut self, saved: &SavedLogin, name: &str) -> AccountId {
        let opened = self
            .executor
            .open(Source::Saved(saved.clone()))
            .await
            .unwrap();
        let id = opened.session.id;
        let account = account_of(&opened, name);
        for effect in adopt_parked(&mut self.app, &mut self.executor, opened, account) {
            self.executor.run(effect);
        }
        if self.app.dirty {
            self.draw();
        }
        id
    }

    /// `run.rs`'s loop until `done` holds after a batch of messages (the moment it did), or
    /// until `until` (`None`).
    async fn run_until(&mut self, until: Instant, done: impl Fn(&App) -> bool) -> Option<Instant> {
        let until = tokio::time::Instant::from_std(until);
        loop {
            let deadline = self.app.next_deadline();
            let first = tokio::select! {
                msg = self.rx.recv() => msg.unwrap(),
                () = sleep_until_ms(deadline) => Msg::Tick,
                Some(event) = self.executor.next_event() => {
                    self.executor.on_event(event);
                    continue;
                }
                () = tokio::time::sleep_until(until) => return None,
            };
            self.handle(first);
            if done(&self.app) {
                return Some(Instant::now());
            }
        }
    }

    /// One batch, as `run.rs` handles it: every message waiting, the effects (those for the
    /// terminal left out: nothing here has one), a frame if anything changed.
    fn handle(&mut self, first: Msg) {
        update(&mut self.app, Msg::Clock(vocechat_tui::clock::now_ms()));
        let mut batch = vec![first];
        while let Ok(more) = self.rx.try_recv() {
            batch.push(more);
        }
        let mut effects = Vec::new();
        let mut dirty = false;
        for msg in batch {
            self.handled += 1;
            self.executor.observe(&msg);
            effects.extend(update(&mut self.app, msg));
            dirty |= self.app.dirty;
        }
        self.executor.focus(self.app.focused);
        for effect in effects {
            match effect {
                Effect::Bell
                | Effect::CopyText(_)
                | Effect::CopyFileUrl { .. }
                | Effect::Notify { .. }
                | Effect::OpenUrl(_)
                | Effect::OpenEditor(_) => {}
                other => self.executor.run(other),
            }
        }
        self.executor.save_view(&self.app);
        if dirty {
            self.frames += 1;
            self.draw();
        }
    }

    /// Account `id` as the screen reads it.
    fn account(&self, id: AccountId) -> AccountView<'_> {
        view_of(&self.app, id)
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

fn view_of(app: &App, id: AccountId) -> AccountView<'_> {
    app.accounts().into_iter().find(|a| a.id == id).unwrap()
}

/// `run.rs`: sleep until the app's next deadline (a little after it), or for ever.
async fn sleep_until_ms(deadline: Option<i64>) {
    match deadline {
        Some(at) => {
            let wait = (at - vocechat_tui::clock::now_ms()).max(0) as u64;
            tokio::time::sleep(Duration::from_millis(wait + 5)).await;
        }
        None => std::future::pending().await,
    }
}

/// Resident memory of this process: (all, anonymous), in KiB.
fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("RssAnon:"))
}

/// CPU time (ms) each thread of this process but those called `except` has used, by thread
/// id (`se.sum_exec_runtime` in `/proc/self/task/*/sched`: sub-millisecond, unlike the
/// 10 ms ticks of `stat`).
fn cpu_ms_except(except: &str) -> std::collections::BTreeMap<String, f64> {
    threads()
        .into_iter()
        .filter(|(_, comm)| comm != except)
        .filter_map(|(tid, _)| {
            let sched = std::fs::read_to_string(format!("/proc/self/task/{tid}/sched")).ok()?;
            let ms = sched
                .lines()
                .find(|l| l.starts_with("se.sum_exec_runtime"))?
                .split(':')
                .nth(1)?
                .trim()
                .parse()
                .ok()?;
            Some((tid, ms))
        })
        .collect()
}

/// CPU used between two readings of [`cpu_ms_except`] (a thread that ended meanwhile is
/// not counted: the loop's threads all live through an idle spell).
fn cpu_between(
    before: &std::collections::BTreeMap<String, f64>,
    after: &std::collections::BTreeMap<String, f64>,
) -> f64 {
    after
        .iter()
        .map(|(tid, ms)| ms - before.get(tid).copied().unwrap_or(0.0))
        .sum()
}

/// 2 and 3. Three accounts on three demo servers, each behind a counting relay: the memory
/// each adds once live, then an idle spell (bytes each way, the client's CPU, messages and
/// frames), then the latency of a message posted on each account's server, the window
/// holding one account and then three (the focused one and the two parked).
fn idle_and_latency(smoke: bool) {
    let messages = if smoke { 200 } else { 2_000 };
    let idle = Duration::from_secs(if smoke { 1 } else { 60 });
    let samples = if smoke { 5 } else { 30 };
    // The servers and relays run on threads of their own, so the client's CPU can be told
    // from theirs.
    let servers_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name(SERVER_THREADS)
        .enable_all()
        .build()
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let (servers, links, saved) = servers_rt.block_on(async {
        let (mut servers, mut links, mut saved) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..3 {
            let server = DemoServer::start(DemoConfig::for_tests()).await.unwrap();
            for i in 0..messages {
                server
                    .post_as(
                        2,
                        Target::Group { gid: 1 },
                        &format!("lobby {i:05} and some words"),
                    )
                    .unwrap();
            }
            // No delay, no cap worth the name: it only counts.
            let link = SlowLink::start(server.addr(), 8_000_000, Duration::ZERO).await;
            saved.push(
                save_login(data.path(), &format!("http://{}", link.addr))
                    .await
                    .0,
            );
            servers.push(server);
            links.push(link);
        }
        (servers, links, saved)
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .thread_name("client")
        .enable_all()
        .build()
        .unwrap();
    let settle = Duration::from_secs(2);
    let live_with = |id: AccountId, mid: i64| {
        move |app: &App| {
            let a = view_of(app, id);
            matches!(a.status.conn, ConnState::Live) && a.chat.message(mid).is_some()
        }
    };
    let (rss0, anon0) = rss_kib();
    // The first account, as a window of one.
    let mut window = rt.block_on(async {
        let mut window = Window::start(data.path(), &saved[..1]).await;
        let id = window.app.focused;
        let latest = servers[0].last_mid();
        let ready = window.run_until(
            Instant::now() + Duration::from_secs(30),
            live_with(id, latest),
        );
        assert!(ready.await.is_some(), "account one never caught up");
        window.run_until(Instant::now() + settle, |_| false).await;
        window
    });
    let mut rss = vec![rss_kib()];
    let one = window.app.focused;
    let single = latencies(&rt, &mut window, &servers[0], one, samples);
    // The two others, parked, added one after the other.
    let mut ids = vec![one];
    for (n, name) in [(1, "two"), (2, "three")] {
        let id = rt.block_on(async {
            let id = window.add_parked(&saved[n], name).await;
            let latest = servers[n].last_mid();
            let ready = window.run_until(
                Instant::now() + Duration::from_secs(30),
                live_with(id, latest),
            );
            assert!(ready.await.is_some(), "account {name} never caught up");
            window.run_until(Instant::now() + settle, |_| false).await;
            id
        });
        ids.push(id);
        rss.push(rss_kib());
    }
    let added: Vec<String> = std::iter::once((rss0, anon0))
        .chain(rss.iter().copied())
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| {
            format!(
                "+{:.1} MiB ({:+.1} MiB anonymous)",
                (w[1].0 as f64 - w[0].0 as f64) / 1024.0,
                (w[1].1 as f64 - w[0].1 as f64) / 1024.0
            )
        })
        .collect();
    println!(
        "resident memory, {messages}-message lobby per account, each live and settled: {:.1} MiB before, then {} for accounts one, two (parked), three (parked) (budget +3 MB per idle account)",
        rss0 as f64 / 1024.0,
        added.join(", ")
    );

    // Idle.
    let bytes = |links: &[SlowLink]| -> Vec<(u64, u64)> {
        links
            .iter()
            .map(|l| (l.up_bytes(), l.down_bytes()))
            .collect()
    };
    let (bytes0, cpu0, handled0, frames0) = (
        bytes(&links),
        cpu_ms_except(SERVER_THREADS),
        window.handled,
        window.frames,
    );
    rt.block_on(window.run_until(Instant::now() + idle, |_| false));
    let (bytes1, cpu1) = (bytes(&links), cpu_ms_except(SERVER_THREADS));
    let rss_idle = rss_kib();
    let per_account: Vec<String> = bytes0
        .iter()
        .zip(&bytes1)
        .map(|(b0, b1)| format!("{} B up / {} B down", b1.0 - b0.0, b1.1 - b0.1))
        .collect();
    println!(
        "3 accounts idle for {} s: {} (the servers' heartbeats every 15 s and their answers), client CPU {:.1} ms ({:.3} % of one core), {} messages handled, {} frames drawn; resident memory after it {:+.1} MiB (budget 0 B and 0 CPU besides the heartbeats)",
        idle.as_secs(),
        per_account.join(", "),
        cpu_between(&cpu0, &cpu1),
        cpu_between(&cpu0, &cpu1) / idle.as_secs_f64() / 10.0,
        window.handled - handled0,
        window.frames - frames0,
        (rss_idle.0 as f64 - rss[2].0 as f64) / 1024.0
    );

    // Latency, three accounts: the focused one and the two parked.
    let focused = latencies(&rt, &mut window, &servers[0], ids[0], samples);
    let parked: Vec<Vec<f64>> = [1, 2]
        .iter()
        .map(|&n| latencies(&rt, &mut window, &servers[n], ids[n], samples))
        .collect();
    let line = |lat: &[f64]| {
        format!(
            "median {:.2} ms, p95 {:.2} ms, worst {:.2} ms",
            percentile(lat, 0.5),
            percentile(lat, 0.95),
            lat[lat.len() - 1]
        )
    };
    println!(
        "incoming message, server send → handled and drawn (in-process, {samples} each): one account alone {}; of three, the focused {}; parked two {}; parked three {} (budget: the single-account latency, `live`)",
        line(&single),
        line(&focused),
        line(&parked[0]),
        line(&parked[1])
    );
    rt.block_on(window.close());
    drop(servers);
}

/// `samples` messages posted on `server` one at a time: from the post to the batch that
/// folded it into account `id` (and drew the frame), sorted (ms). A parked account's unread
/// count must rise with each.
fn latencies(
    rt: &tokio::runtime::Runtime,
    window: &mut Window,
    server: &DemoServer,
    id: AccountId,
    samples: usize,
) -> Vec<f64> {
    let mut lat = Vec::new();
    for i in 0..samples {
        let parked = !window.account(id).focused;
        let unread = window.account(id).chat.total_unread();
        let sent = Instant::now();
        let mid = server
            .post_as(2, Target::Group { gid: 1 }, &format!("incoming {i:03} now"))
            .unwrap();
        let seen = rt
            .block_on(window.run_until(sent + Duration::from_secs(5), |app| {
                view_of(app, id).chat.message(mid).is_some()
            }))
            .expect("the message arrives");
        lat.push((seen - sent).as_secs_f64() * 1e3);
        if parked {
            assert!(
                window.account(id).chat.total_unread() > unread,
                "unread rises"
            );
        }
        rt.block_on(window.run_until(Instant::now() + Duration::from_millis(50), |_| false));
    }
    lat.sort_by(f64::total_cmp);
    lat
}
