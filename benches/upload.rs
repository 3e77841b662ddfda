//! Upload budgets (design.md): memory flat in file size, throughput ≥ 90 % of one raw HTTP
//! upload to the same server. Run with `cargo bench --bench upload`.
//!
//! The demo server runs in a child process (this binary with `--serve`), so the copy it
//! stores does not count toward the client's memory.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;
use vocechat_tui::demo::{DemoConfig, DemoServer};
use vocechat_tui::protocol::types::Target;
use vocechat_tui::runtime::api::ApiClient;
use vocechat_tui::runtime::tasks::upload::{self, DEFAULT_CHUNK, UploadJob};

/// (current, peak) resident memory in KiB, from /proc.
fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    if std::env::args().any(|a| a == "--serve") {
        rt.block_on(async {
            let server = DemoServer::start(DemoConfig::for_tests()).await.unwrap();
            println!("{}", server.base_url());
            // Serve until the parent closes our stdin.
            let _ = tokio::task::spawn_blocking(|| std::io::stdin().read_line(&mut String::new()))
                .await;
        });
        return;
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .arg("--serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let url = url.trim().to_string();

    let dir = tempfile::tempdir().unwrap();
    // `-- --smoke`: a 2 MiB file, to keep the bench compiling and running in CI.
    let size = if std::env::args().any(|a| a == "--smoke") {
        2 * 1024 * 1024
    } else {
        50 * 1024 * 1024
    };
    let path = dir.path().join("big.bin");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&path).unwrap();
        let block: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
        for _ in 0..size / block.len() {
            f.write_all(&block).unwrap();
        }
    }
    rt.block_on(async {
        let api = ApiClient::new(&url).unwrap();
        api.login("admin@example.com", "admin-pass", "tui:bench")
            .await
            .unwrap();
        let file = upload::stage(path.to_str().unwrap()).unwrap();
        let (rss_before, _) = rss_kib();
        let mut results = Vec::new();
        // The default (adaptive, from 200 KiB), then fixed chunks of 200 KiB and 1 MiB.
        for (chunk_size, adaptive) in [
            (DEFAULT_CHUNK, true),
            (DEFAULT_CHUNK, false),
            (1024 * 1024, false),
        ] {
            let job = UploadJob {
                to: Target::Group { gid: 1 },
                file: file.clone(),
                local_id: 1,
                chunk_size,
                adaptive,
            };
            let mut times = Vec::new();
            for _ in 0..5 {
                let t = Instant::now();
                upload::run(&api, &job, |_, _| {}).await.unwrap();
                times.push(t.elapsed().as_secs_f64());
            }
            times.sort_by(f64::total_cmp);
            results.push((chunk_size, adaptive, times[2]));
        }
        let (_, peak) = rss_kib();
        println!(
            "client memory: {} MiB resident before, peak {} MiB during (+{} MiB for {} MiB files)",
            rss_before / 1024,
            peak / 1024,
            peak.saturating_sub(rss_before) / 1024,
            size >> 20
        );
        // Same three steps (prepare, upload, file message), the upload as one request.
        let bytes = bytes::Bytes::from(std::fs::read(&path).unwrap());
        let mut raws = Vec::new();
        for i in 0..5 {
            let t = Instant::now();
            let id = api
                .file_prepare(Some("application/octet-stream"), Some("raw.bin"))
                .await
                .unwrap();
            let stored = api
                .file_upload_chunk(&id, bytes.clone(), true)
                .await
                .unwrap()
                .unwrap();
            let props = vocechat_tui::protocol::types::Properties::with_local_id(2 + i);
            api.send(
                Target::Group { gid: 1 },
                &vocechat_tui::protocol::types::Content::File { path: stored.path },
                &props,
            )
            .await
            .unwrap();
            raws.push(t.elapsed().as_secs_f64());
        }
        raws.sort_by(f64::total_cmp);
        let raw = raws[2];
        println!(
            "raw single-request upload of {} MiB: {raw:.3} s (median of 5)",
            size >> 20
        );
        for (chunk, adaptive, secs) in results {
            println!(
                "{} chunks from {} KiB: {secs:.3} s ({:.0} MiB/s, median of 5) = {:.0} % of raw",
                if adaptive { "adaptive" } else { "fixed" },
                chunk / 1024,
                (size >> 20) as f64 / secs,
                raw / secs * 100.0
            );
        }
    });
    drop(child.stdin.take());
    let _ = child.wait();
}
