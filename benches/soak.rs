//! A long session (budget: resident memory flat within 20 % after the first 10,000 records):
//! the real binary in a PTY, logged in to the demo server on loopback, receives 200,000 chat
//! records over 100 conversations (80 channels, 20 DMs): new messages (some replies, some
//! mentioning you), edits, likes and deletes. The lobby stays open; each batch ends with a
//! marker in it, and the next batch is posted once the marker is on screen. At 10k, 100k and
//! 200k records, once the store has written everything, the client's RSS is read. Then the
//! store: its size per record, searches on it, and exec → first frame from it.
//! `cargo bench --bench soak` (`-- --smoke`: 3,000 records over 10 conversations).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

mod support;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::Tui;
use vocechat_tui::demo::{DemoConfig, DemoServer};
use vocechat_tui::model::SearchQuery;
use vocechat_tui::protocol::types::Target;
use vocechat_tui::runtime::store::Store;

/// You: the test cast's admin.
const ME: i64 = 1;
const BOB: i64 = 2;
const WORDS: [&str; 8] = [
    "deploy",
    "release",
    "coffee",
    "北京开会",
    "東京",
    "review",
    "lunch",
    "wiki",
];

/// A conversation and who posts in it.
struct Conv {
    target: Target,
    senders: Vec<i64>,
}

/// A message that may still be edited, liked or deleted.
#[derive(Clone, Copy)]
struct Recent {
    mid: i64,
    from: i64,
}

/// A small deterministic generator (xorshift), so every run posts the same records.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// What was posted, by kind.
#[derive(Default)]
struct Posted {
    messages: u64,
    replies: u64,
    edits: u64,
    likes: u64,
    deletes: u64,
}

impl Posted {
    fn total(&self) -> u64 {
        self.messages + self.replies + self.edits + self.likes + self.deletes
    }
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let (total, checkpoints, batch, channels, people): (u64, [u64; 3], u64, usize, usize) = if smoke
    {
        (3_000, [300, 1_500, 3_000], 100, 8, 2)
    } else {
        (200_000, [10_000, 100_000, 200_000], 1_000, 80, 20)
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(DemoServer::start(DemoConfig::for_tests()))
        .unwrap();
    // The test cast has bob and carol, the lobby and dev (you and bob); add the rest.
    let members: Vec<i64> = (0..people)
        .map(|i| {
            let name = format!("member{i:02}");
            server.add_user(&name, &format!("{name}@example.com"), "member-pass")
        })
        .collect();
    let mut everyone = vec![BOB, 3];
    everyone.extend(&members);
    let mut convs = vec![
        Conv {
            target: Target::Group { gid: 1 },
            senders: everyone.clone(),
        },
        Conv {
            target: Target::Group { gid: 2 },
            senders: vec![BOB],
        },
    ];
    for i in 0..channels - 2 {
        let gid = server.add_channel(&format!("channel-{i:02}"));
        convs.push(Conv {
            target: Target::Group { gid },
            senders: everyone.clone(),
        });
    }
    for &uid in &members {
        convs.push(Conv {
            target: Target::User { uid: ME },
            senders: vec![uid],
        });
    }
    // The lobby is the most active conversation: it opens first, and stays open.
    server
        .post_as(BOB, Target::Group { gid: 1 }, "the soak starts")
        .unwrap();
    let url = server.base_url();
    let data = tempfile::tempdir().unwrap();
    let mut tui = Tui::spawn(&[&url, "--email", "admin@example.com"], data.path());
    tui.wait_for("the login form", |s| s.contains("log in to VoceChat"));
    tui.send(b"admin-pass\r");
    tui.wait_for("live", |s| s.contains("● live"));
    tui.wait_for("the lobby", |s| s.contains("the soak starts"));
    let store = store_file(data.path());
    println!(
        "soak: {total} records over {} conversations ({channels} channels, {people} DMs), batches of {batch}",
        convs.len()
    );

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut recent: VecDeque<Recent> = VecDeque::new();
    let mut posted = Posted::default();
    let started = Instant::now();
    let mut rss = Vec::new();
    let mut next_checkpoint = 0;
    while posted.total() < total {
        for _ in 0..batch - 1 {
            post_one(&server, &convs, &mut rng, &mut recent, &mut posted);
        }
        // The marker: the newest message in the open lobby.
        let marker = format!("soak marker {:06}", posted.total() + 1);
        let mid = server
            .post_as(BOB, Target::Group { gid: 1 }, &marker)
            .unwrap();
        recent.push_back(Recent { mid, from: BOB });
        posted.messages += 1;
        tui.wait_for("the batch's marker", |s| s.contains(&marker));
        // As in a real session, the store keeps up: messages do not arrive faster than it
        // writes them (a flood that outruns it is a burst, not a long session).
        wait_for_store(&store, server.last_mid());
        if posted.total() >= checkpoints[next_checkpoint] {
            std::thread::sleep(Duration::from_millis(500));
            let kib = tui.rss_kib();
            println!(
                "after {:>7} records ({:.0} s): RSS {:.1} MiB ({}), store {:.1} MiB",
                posted.total(),
                started.elapsed().as_secs_f64(),
                kib as f64 / 1024.0,
                rss_parts(tui.pid()),
                store_bytes(&store) as f64 / (1 << 20) as f64
            );
            rss.push(kib);
            next_checkpoint += 1;
        }
    }
    let base = rss[0] as f64;
    println!(
        "RSS at {} / {} / {} records: {:.1} / {:.1} / {:.1} MiB; the later ones are {:+.0} % and {:+.0} % of the first (budget ±20 %)",
        checkpoints[0],
        checkpoints[1],
        checkpoints[2],
        base / 1024.0,
        rss[1] as f64 / 1024.0,
        rss[2] as f64 / 1024.0,
        (rss[1] as f64 / base - 1.0) * 100.0,
        (rss[2] as f64 / base - 1.0) * 100.0
    );
    println!(
        "posted: {} messages, {} replies, {} edits, {} likes, {} deletes in {:.0} s",
        posted.messages,
        posted.replies,
        posted.edits,
        posted.likes,
        posted.deletes,
        started.elapsed().as_secs_f64()
    );
    let last_marker = format!("soak marker {:06}", posted.total());
    tui.quit();

    let wal = store_bytes(&store);
    let bytes = checkpointed_bytes(&store);
    let rows = stored_rows(&store);
    println!(
        "store: {:.1} MiB with its write-ahead log as the client left it; checkpointed, {:.1} MiB for {} records received, {rows} kept (a deleted message's row goes): {:.0} bytes per record received, {:.0} per record kept",
        wal as f64 / (1 << 20) as f64,
        bytes as f64 / (1 << 20) as f64,
        posted.total(),
        bytes as f64 / posted.total() as f64,
        bytes as f64 / rows as f64
    );
    search_times(&store, if smoke { 3 } else { 10 });
    startup_times(data.path(), &url, &last_marker, if smoke { 2 } else { 5 });
}

/// Posts one record of the mix: of 20, 14 new messages (every 7th a reply, every 50th
/// mentioning you), 2 edits, 3 likes and 1 delete of recent messages.
fn post_one(
    server: &DemoServer,
    convs: &[Conv],
    rng: &mut Rng,
    recent: &mut VecDeque<Recent>,
    posted: &mut Posted,
) {
    let n = posted.total();
    let kind = n % 20;
    if kind >= 14 && recent.len() > 50 {
        let pick = rng.below(recent.len());
        let r = recent[pick];
        match kind {
            14 | 15 => {
                server
                    .edit_as(r.from, r.mid, &format!("edited in record {n}: {}", text(n)))
                    .unwrap();
                posted.edits += 1;
            }
            16..=18 => {
                let emoji = ["👍", "❤️", "😄"][rng.below(3)];
                // Anyone in the conversation likes it: its author will do.
                server.like_as(r.from, r.mid, emoji).unwrap();
                posted.likes += 1;
            }
            _ => {
                server.delete_as(r.from, r.mid).unwrap();
                recent.remove(pick);
                posted.deletes += 1;
            }
        }
        return;
    }
    let conv = &convs[rng.below(convs.len())];
    let from = conv.senders[rng.below(conv.senders.len())];
    let mut body = text(n);
    if n.is_multiple_of(50) {
        body = format!("@{ME} {body}");
    }
    let quoted = if n.is_multiple_of(7) {
        recent
            .iter()
            .rev()
            .take(200)
            .find(|r| r.from == from)
            .copied()
    } else {
        None
    };
    let mid = match quoted {
        Some(q) => {
            posted.replies += 1;
            server.reply_as(from, q.mid, &body).unwrap()
        }
        None => {
            posted.messages += 1;
            server.post_as(from, conv.target, &body).unwrap()
        }
    };
    recent.push_back(Recent { mid, from });
    if recent.len() > 2_000 {
        recent.pop_front();
    }
}

fn text(n: u64) -> String {
    let word = WORDS[(n % WORDS.len() as u64) as usize];
    format!("record {n:06} about the {word}, with some ordinary words after it")
}

/// What the resident memory is: the heap and other private memory, mapped files (the
/// binary, libraries), shared memory (SQLite's WAL index).
fn rss_parts(pid: u32) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    format!(
        "anonymous {:.1}, files {:.1}, shared {:.1}",
        field("RssAnon:"),
        field("RssFile:"),
        field("RssShmem:")
    )
}

/// The one store file under the data directory.
fn store_file(data: &Path) -> PathBuf {
    std::fs::read_dir(data.join("store"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "sqlite3"))
        .unwrap()
}

/// The store file and its write-ahead log, in bytes.
fn store_bytes(store: &Path) -> u64 {
    let wal = PathBuf::from(format!("{}-wal", store.display()));
    [store.to_path_buf(), wal]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

fn read_only(store: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap()
}

/// Waits (at most 5 minutes) until the store's cursor has reached `mid`.
fn wait_for_store(store: &Path, mid: i64) {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let stored: Option<i64> = read_only(store)
            .query_row("SELECT value FROM meta WHERE key = 'after_mid'", [], |r| {
                r.get::<_, String>(0)
            })
            .ok()
            .and_then(|v| v.parse().ok());
        if stored.is_some_and(|s| s >= mid) {
            return;
        }
        assert!(Instant::now() < deadline, "the store stopped at {stored:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The store file's size once its write-ahead log is folded in (and emptied).
fn checkpointed_bytes(store: &Path) -> u64 {
    let conn = rusqlite::Connection::open(store).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(conn);
    store_bytes(store)
}

fn stored_rows(store: &Path) -> u64 {
    read_only(store)
        .query_row("SELECT count(*) FROM chat", [], |r| r.get(0))
        .unwrap()
}

/// Searches on the store as the store task runs them: medians of `runs`.
fn search_times(store: &Path, runs: usize) {
    let store = Store::open(store, ME).unwrap();
    let q = |f: &dyn Fn(&mut SearchQuery)| {
        let mut q = SearchQuery::default();
        f(&mut q);
        q
    };
    let cases: Vec<(&str, SearchQuery)> = vec![
        ("a word", q(&|q| q.terms = vec!["release".into()])),
        (
            "a rare word",
            q(&|q| q.terms = vec!["record 004242".into()]),
        ),
        (
            "two Chinese characters",
            q(&|q| q.terms = vec!["北京".into()]),
        ),
        ("an edited text", q(&|q| q.terms = vec!["edited in".into()])),
        ("the inbox", q(&|q| q.to_me = true)),
    ];
    let mut line = Vec::new();
    for (name, query) in cases {
        let mut times: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(store.search(&query, 200).unwrap());
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let hits = store.search(&query, 200).unwrap().len();
        line.push(format!("{name} {:.1} ms ({hits})", times[times.len() / 2]));
    }
    println!(
        "search on the soaked store (median of {runs}, hits): {}",
        line.join(", ")
    );
}

/// Exec → the lobby's newest marker on screen, from the soaked store (the server still up),
/// and RSS then: median and best of `runs`.
fn startup_times(data: &Path, url: &str, marker: &str, runs: usize) {
    let mut times = Vec::new();
    let mut rss = 0;
    for _ in 0..runs {
        let mut tui = Tui::spawn(&[url], data);
        let shown = tui.wait_for("the first frame", |s| s.contains(marker));
        times.push((shown - tui.started).as_secs_f64() * 1e3);
        rss = tui.rss_kib();
        tui.quit();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "exec → first frame from the soaked store: median {:.0} ms, best {:.0} ms over {runs}; RSS then {:.1} MiB",
        times[times.len() / 2],
        times[0],
        rss as f64 / 1024.0
    );
}
