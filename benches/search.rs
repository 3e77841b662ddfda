//! Search over the local store: 100,000 messages in 50 channels (some Chinese), each query
//! timed as the store task runs it (the UI never waits for it). `cargo bench --bench search`
//! (`-- --smoke` for 2,000 messages). Then two clears a newer server sends (a channel, then the
//! older half of everything), timed the same way. Last, one message of 4 Mi characters stored
//! and indexed (only its first 64 KiB are: it used to take seconds of the store task).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

use serde_json::json;
use std::time::{Duration, Instant};
use vocechat_tui::model::{ConvKey, SearchQuery};
use vocechat_tui::protocol::ServerEvent;
use vocechat_tui::runtime::store::{Store, store_path};

const CHANNELS: i64 = 50;
const ME: i64 = 1;

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let messages: i64 = if smoke { 2_000 } else { 100_000 };
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&store_path(dir.path(), "https://bench.example", ME), ME).unwrap();
    let words = [
        "deploy",
        "release",
        "coffee",
        "北京开会",
        "東京",
        "review",
        "lunch",
        "wiki",
    ];
    let started = Instant::now();
    let mut batch = Vec::new();
    for i in 0..messages {
        let gid = i % CHANNELS + 1;
        let from = i % 7 + 1;
        let word = words[(i % words.len() as i64) as usize];
        let text = if i % 97 == 0 {
            format!("@{ME} please look at the {word} notes, message {i}")
        } else {
            format!("message {i:06} about the {word} with some ordinary words in it")
        };
        batch.push(
            serde_json::from_value::<ServerEvent>(json!({"type": "chat", "mid": i + 1,
                "from_uid": from, "created_at": 1_700_000_000_000i64 + i * 1000,
                "target": {"gid": gid},
                "detail": {"type": "normal", "content_type": "text/plain", "content": text,
                           "properties": null}}))
            .unwrap(),
        );
        if batch.len() == 5_000 {
            store.write_events(&batch).unwrap();
            batch.clear();
        }
    }
    store.write_events(&batch).unwrap();
    println!(
        "stored and indexed {messages} messages in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let q = |f: &dyn Fn(&mut SearchQuery)| {
        let mut q = SearchQuery::default();
        f(&mut q);
        q
    };
    let cases: Vec<(&str, SearchQuery)> = vec![
        (
            "a word (trigram index)",
            q(&|q| q.terms = vec!["release".into()]),
        ),
        ("a rare word", q(&|q| q.terms = vec!["000042".into()])),
        (
            "two Chinese characters (scan)",
            q(&|q| q.terms = vec!["北京".into()]),
        ),
        (
            "four Chinese characters",
            q(&|q| q.terms = vec!["北京开会".into()]),
        ),
        (
            "a phrase, from one author, in one channel",
            q(&|q| {
                q.terms = vec!["the coffee".into()];
                q.from = vec![3];
                q.within = vec![ConvKey::Group(7)];
            }),
        ),
        (
            "filters only (has:link, nothing matches)",
            q(&|q| q.has_link = true),
        ),
        ("the inbox (to:me)", q(&|q| q.to_me = true)),
    ];
    let runs = if smoke { 3 } else { 20 };
    for (name, query) in cases {
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                let hits = store.search(&query, 200).unwrap();
                std::hint::black_box(hits);
                t.elapsed()
            })
            .collect();
        times.sort();
        let hits = store.search(&query, 200).unwrap().len();
        println!(
            "{name}: median {:.2} ms, worst {:.2} ms ({hits} hits)",
            times[times.len() / 2].as_secs_f64() * 1e3,
            times[times.len() - 1].as_secs_f64() * 1e3
        );
    }
    let t = Instant::now();
    let cov = store.coverage(&[]).unwrap();
    println!(
        "coverage of {} conversations: {:.2} ms",
        cov.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    clears(&mut store, messages);
    huge_message();
}

/// History a newer server cleared, gone from the rows, the search index and the saved list
/// in one transaction of the store task: one channel of 1/50th of the messages, then
/// everything older than the newest half.
fn clears(store: &mut Store, messages: i64) {
    let cases = [
        (
            "one channel cleared",
            json!({"type": "group_message_cleared", "gid": 7}),
        ),
        (
            "the older half of the server cleared",
            json!({"type": "message_cleared", "latest_deleted_mid": messages / 2}),
        ),
    ];
    for (name, event) in cases {
        let event: ServerEvent = serde_json::from_value(event).unwrap();
        let t = Instant::now();
        store.write_events(&[event]).unwrap();
        let took = t.elapsed();
        let gone: usize = store.take_cleared().iter().map(|c| c.messages).sum();
        println!(
            "{name}: {gone} messages deleted and unindexed in {:.0} ms",
            took.as_secs_f64() * 1e3
        );
    }
}

/// One message of 4 Mi characters in a fresh store: the time to store and index it, and
/// the store file's size after.
fn huge_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(dir.path(), "https://bench.example", ME);
    let mut store = Store::open(&path, ME).unwrap();
    let text: String = (0..)
        .map(|i| format!("word{i} "))
        .flat_map(|w| w.chars().collect::<Vec<_>>())
        .take(4 << 20)
        .collect();
    let event: ServerEvent = serde_json::from_value(json!({"type": "chat", "mid": 1,
        "from_uid": 2, "created_at": 1_700_000_000_000i64, "target": {"gid": 1},
        "detail": {"type": "normal", "content_type": "text/plain", "content": text,
                   "properties": null}}))
    .unwrap();
    let t = Instant::now();
    store.write_events(&[event]).unwrap();
    let took = t.elapsed();
    drop(store);
    let size: u64 = std::fs::read_dir(dir.path().join("store"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    println!(
        "one message of 4 Mi characters stored and indexed in {:.0} ms; store files {:.1} MiB (the text alone is 4.0 MiB)",
        took.as_secs_f64() * 1e3,
        size as f64 / (1 << 20) as f64
    );
}
