//! Readings for `benches/accounts.rs` (Linux): this process's threads, resident memory and
//! CPU time by thread, and percentiles.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// The names of this process's threads (Linux), by thread id.
pub fn threads() -> Vec<(String, String)> {
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
pub fn wait_for_no_thread(name: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while threads().iter().any(|(_, comm)| comm == name) {
        assert!(
            Instant::now() < deadline,
            "a {name} thread is still running"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Resident memory of this process: (all, anonymous), in KiB.
pub fn rss_kib() -> (u64, u64) {
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
pub fn cpu_ms_except(except: &str) -> BTreeMap<String, f64> {
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
pub fn cpu_between(before: &BTreeMap<String, f64>, after: &BTreeMap<String, f64>) -> f64 {
    after
        .iter()
        .map(|(tid, ms)| ms - before.get(tid).copied().unwrap_or(0.0))
        .sum()
}
