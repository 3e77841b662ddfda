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
//! 4. Three cold logins at once through relays sharing one 256 kbit/s line with 150 ms RTT:
//!    each account's latest message in its model (budget 5 s), the parked accounts' streams
//!    staggered as at a start, and not.
//!
//! `cargo bench --bench accounts` (`-- --smoke` for small stores and few runs).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

#[path = "accounts/measure.rs"]
mod measure;
mod support;
#[path = "accounts/window.rs"]
mod window;

use measure::{cpu_between, cpu_ms_except, percentile, rss_kib, wait_for_no_thread};
use std::path::Path;
use std::time::{Duration, Instant};
use support::{SlowLink, build_store};
use tokio::sync::mpsc;
use vocechat_tui::app::conn::ConnState;
use vocechat_tui::app::{AccountId, App, Msg, Settings, update};
use vocechat_tui::config::Config;
use vocechat_tui::demo::{DemoConfig, DemoServer};
use vocechat_tui::keymap::{Keymap, Preset};
use vocechat_tui::protocol::types::Target;
use vocechat_tui::runtime::account::Source;
use vocechat_tui::runtime::api::ApiClient;
use vocechat_tui::runtime::executor::Executor;
use vocechat_tui::runtime::session_store::{SavedLogin, SessionStore};
use vocechat_tui::runtime::store::{Store, store_path};
use vocechat_tui::secret::Secret;
use window::{
    HEIGHT, STAGGER, WIDTH, Window, account_of, adopt, adopt_parked, setup, tagged_context, view_of,
};

const CHANNELS: i64 = 50;
/// The threads of the demo servers and relays (not the client's).
const SERVER_THREADS: &str = "demo-server";

/// Each part runs in a process of its own (this one, run again with `--part`), so that
/// none inherits another's memory or threads.
const PARTS: [&str; 4] = ["first-frame", "idle", "cold", "cold-unstaggered"];

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
        Some("cold") => cold_logins(smoke, true),
        Some("cold-unstaggered") => cold_logins(smoke, false),
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
    open_steps(data.path(), &saved[0], if smoke { 2 } else { 11 });
}

/// Where opening one store goes (`runtime/account/store.rs`'s `local_store`, step by step,
/// on this thread, after the HTTP client `account::open` makes first): each step's median
/// over `runs`.
fn open_steps(dir: &Path, saved: &SavedLogin, runs: usize) {
    let path = store_path(dir, &saved.server, saved.session.uid);
    let mut steps: Vec<Vec<(&str, f64)>> = Vec::new();
    for _ in 0..runs {
        let mut times = Vec::new();
        let mut at = Instant::now();
        let mut step = |name: &'static str| {
            times.push((name, at.elapsed().as_secs_f64() * 1e3));
            at = Instant::now();
        };
        // `account::open` makes the account's HTTP client first.
        drop(ApiClient::new(&saved.server).unwrap());
        step("an HTTP client");
        let mut store = Store::open(&path, saved.session.uid).unwrap();
        step("open");
        store.check_server(&saved.session.server_id).unwrap();
        step("check the server");
        store.purge_expired(vocechat_tui::clock::now_ms()).unwrap();
        step("purge expired");
        let loaded = store.load().unwrap();
        step("load");
        store.compact_users(&loaded.chat).unwrap();
        step("compact users");
        store.interrupted_uploads().unwrap();
        step("interrupted uploads");
        drop(store);
        step("close");
        steps.push(times);
    }
    let spent: Vec<String> = (0..steps[0].len())
        .map(|i| {
            let mut ms: Vec<f64> = steps.iter().map(|s| s[i].1).collect();
            ms.sort_by(f64::total_cmp);
            format!("{} {:.1} ms", steps[0][i].0, percentile(&ms, 0.5))
        })
        .collect();
    println!(
        "  one store opened step by step (medians of {runs}): {}",
        spent.join(", ")
    );
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
        "3 accounts idle for {} s: {} (the servers' heartbeats, every 15 s), client CPU {:.1} ms ({:.3} % of one core), {} messages handled, {} frames drawn; resident memory after it {:+.1} MiB (budget 0 B and 0 CPU besides the heartbeats)",
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

/// 4. Three cold logins at once (no store, no saved session) on three demo servers with a
///    2,000-message lobby each, through relays sharing one 256 kbit/s line with 150 ms RTT:
///    the time from the start to each login, and to each account's latest message in its
///    model. The first login to finish is the focused account, the others are parked as they
///    finish; with `stagger`, the n-th parked account's stream waits n × 400 ms as at a start
///    (`main.rs`).
fn cold_logins(smoke: bool, stagger: bool) {
    let messages = if smoke { 200 } else { 2_000 };
    let servers_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name(SERVER_THREADS)
        .enable_all()
        .build()
        .unwrap();
    let line = support::Line::default();
    let (servers, links) = servers_rt.block_on(async {
        let (mut servers, mut links) = (Vec::new(), Vec::new());
        for _ in 0..3 {
            let server = DemoServer::start(DemoConfig::for_tests()).await.unwrap();
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
            let link = SlowLink::start_on(
                server.addr(),
                256,
                Duration::from_millis(150),
                Some(line.clone()),
            )
            .await;
            servers.push(server);
            links.push(link);
        }
        (servers, links)
    });
    let latest: Vec<i64> = servers.iter().map(DemoServer::last_mid).collect();
    let data = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .thread_name("client")
        .enable_all()
        .build()
        .unwrap();
    let names = ["one", "two", "three"];
    let (logged, shown, total) = rt.block_on(async {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut executor = Executor::new(setup(data.path()), tx.clone());
        let (done_tx, mut done_rx) = mpsc::unbounded_channel();
        let started = Instant::now();
        // Ids the executor will not hand out: it opens nothing itself here.
        let ids: Vec<AccountId> = (0..3).map(|k| AccountId(100 + k)).collect();
        for (k, link) in links.iter().enumerate() {
            let ctx = tagged_context(ids[k], data.path(), &tx);
            let source = Source::Login {
                server: format!("http://{}", link.addr),
                email: "admin@example.com".into(),
                password: Secret::new("admin-pass"),
                from_command: false,
            };
            let (id, done) = (ids[k], done_tx.clone());
            tokio::spawn(async move {
                let opened = vocechat_tui::runtime::account::open(id, source, &ctx).await;
                let _ = done.send((k, opened));
            });
        }
        let mut logged = [None; 3];
        let mut shown = [None; 3];
        // The first login in: the window's account.
        let (k, first) = done_rx.recv().await.unwrap();
        let first = first.unwrap();
        logged[k] = Some(started.elapsed());
        let label = vocechat_tui::app::url_label(&first.logged_in.server);
        let mut app = App::logged_in(
            first.logged_in.uid,
            Keymap::new(Preset::Default),
            Settings::from(&Config::default()),
            label,
        );
        app.account = account_of(&first, names[k]);
        let initial = adopt(&mut app, &mut executor, first);
        update(&mut app, Msg::Clock(vocechat_tui::clock::now_ms()));
        update(&mut app, Msg::Resize(WIDTH, HEIGHT));
        for effect in initial {
            executor.run(effect);
        }
        let mut window = Window::new(app, executor, rx);
        window.draw();
        let mut parked = 0u32;
        let deadline = started + Duration::from_secs(60);
        while shown.iter().any(Option::is_none) && Instant::now() < deadline {
            while let Ok((k, opened)) = done_rx.try_recv() {
                let mut opened = opened.unwrap();
                logged[k] = Some(started.elapsed());
                parked += 1;
                if stagger {
                    opened.session.delay_start(STAGGER * parked);
                }
                let account = account_of(&opened, names[k]);
                for effect in adopt_parked(&mut window.app, &mut window.executor, opened, account) {
                    window.executor.run(effect);
                }
            }
            let waiting: Vec<(usize, AccountId, i64)> = (0..3)
                .filter(|&k| logged[k].is_some() && shown[k].is_none())
                .map(|k| (k, ids[k], latest[k]))
                .collect();
            let has = |app: &App, id: AccountId, mid: i64| {
                app.accounts()
                    .iter()
                    .any(|a| a.id == id && a.chat.message(mid).is_some())
            };
            // A short turn, so a login that lands is taken in at once.
            let turn = Instant::now() + Duration::from_millis(5);
            if let Some(at) = window
                .run_until(turn, |app| {
                    waiting.iter().any(|&(_, id, mid)| has(app, id, mid))
                })
                .await
            {
                for &(k, id, mid) in &waiting {
                    if has(&window.app, id, mid) {
                        shown[k] = Some(at - started);
                    }
                }
            }
        }
        window.close().await;
        (logged, shown, started.elapsed())
    });
    let down: u64 = links.iter().map(SlowLink::down_bytes).sum();
    let each: Vec<String> = (0..3)
        .map(|k| {
            let s = |d: Option<Duration>| {
                d.map_or("never".into(), |d| format!("{:.2} s", d.as_secs_f64()))
            };
            format!(
                "{}: logged in {}, latest message {}",
                names[k],
                s(logged[k]),
                s(shown[k])
            )
        })
        .collect();
    println!(
        "3 cold logins at once, {messages}-message lobbies, one 256 kbit/s line, 150 ms RTT, streams {}: {}; {:.1} KB down in {:.1} s (budget 5 s each)",
        if stagger {
            "staggered 400 ms"
        } else {
            "not staggered"
        },
        each.join("; "),
        down as f64 / 1000.0,
        total.as_secs_f64()
    );
    drop(servers);
}
