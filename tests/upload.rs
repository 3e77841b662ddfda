//! Uploads against the demo server: 0 B, 1 B, exactly one chunk, many chunks and 50 MB, with
//! the stored bytes' hash compared to the source; cancel mid-way; injected chunk failures and
//! lost answers recovered by starting again; a stored copy that differs refused; 413; the file
//! read through the handle opened at staging; FIFOs refused; the file message's properties.
//! Downloads: streamed, never overwriting, stalls and oversized thumbnails stopped.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use common::*;
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use vocechat_tui::app::Failure;
use vocechat_tui::app::conn::SyncMsg;
use vocechat_tui::demo::{ChunkFault, DemoServer};
use vocechat_tui::protocol::ApiError;
use vocechat_tui::protocol::ServerEvent;
use vocechat_tui::protocol::types::{MessageDetail, Target};
use vocechat_tui::runtime::api::ApiClient;
use vocechat_tui::runtime::sync::Cursor;
use vocechat_tui::runtime::tasks::upload::{self, DEFAULT_CHUNK, RetryPolicy, UploadJob};

fn file_of(dir: &std::path::Path, name: &str, size: usize) -> std::path::PathBuf {
    let path = dir.join(name);
    // Not all one byte, so a reordered or repeated chunk would change the hash.
    let data: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
    std::fs::write(&path, data).unwrap();
    path
}

/// The detail of message `mid`, read back from the lobby's history.
async fn sent_detail(api: &vocechat_tui::runtime::api::ApiClient, mid: i64) -> MessageDetail {
    let history = api
        .history(Target::Group { gid: 1 }, None, 5)
        .await
        .unwrap();
    history.into_iter().find(|m| m.mid == mid).unwrap().detail
}

fn job(path: &std::path::Path, local_id: i64, chunk: usize) -> UploadJob {
    UploadJob {
        to: Target::Group { gid: 1 },
        file: upload::stage(path.to_str().unwrap()).unwrap(),
        local_id,
        chunk_size: chunk,
        adaptive: false,
    }
}

#[tokio::test]
async fn files_of_every_size_arrive_intact() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let mut s = stream(&api, Cursor::default(), fast_sync());
    s.until_live().await;
    let dir = tempfile::tempdir().unwrap();
    for (i, size) in [
        0,
        1,
        DEFAULT_CHUNK,
        DEFAULT_CHUNK * 3 + 17,
        50 * 1024 * 1024,
    ]
    .into_iter()
    .enumerate()
    {
        let path = file_of(dir.path(), &format!("f{i}.bin"), size);
        let reports = Arc::new(Mutex::new(Vec::new()));
        let r = reports.clone();
        let mid = upload::run(
            &api,
            &job(&path, 100 + i as i64, DEFAULT_CHUNK),
            move |sent, total| r.lock().unwrap().push((sent, total)),
        )
        .await
        .unwrap_or_else(|e| panic!("{size} B: {e}"));
        let seen = s.until_mid(mid).await;
        let msg = events(&seen)
            .into_iter()
            .find_map(|e| match e {
                ServerEvent::Chat(c) if c.mid == mid => Some(c),
                _ => None,
            })
            .unwrap();
        let MessageDetail::Normal {
            content_type,
            content,
            properties,
            ..
        } = msg.detail
        else {
            panic!()
        };
        assert_eq!(content_type, "vocechat/file");
        let props = properties.unwrap();
        assert_eq!(props["local_id"], 100 + i as i64);
        assert_eq!(props["size"], size as u64);
        assert_eq!(props["name"], format!("f{i}.bin"));
        let stored = server.stored_file(&content).unwrap();
        assert_eq!(
            Sha256::digest(&stored),
            Sha256::digest(std::fs::read(&path).unwrap()),
            "{size} B"
        );
        let chunks = size.div_ceil(DEFAULT_CHUNK).max(1);
        let reports = reports.lock().unwrap();
        assert_eq!(
            reports.len(),
            chunks,
            "{size} B: one progress report per chunk"
        );
        assert_eq!(*reports.last().unwrap(), (size as u64, size as u64));
    }
}

#[tokio::test]
async fn images_carry_their_size() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let dir = tempfile::tempdir().unwrap();
    // A PNG header: 24×16.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x18\0\0\0\x10\x08\x06\0\0\0".to_vec();
    png.extend_from_slice(&[0; 64]);
    let path = dir.path().join("pixel.png");
    std::fs::write(&path, &png).unwrap();
    let mid = upload::run(&api, &job(&path, 1, DEFAULT_CHUNK), |_, _| {})
        .await
        .unwrap();
    let detail = sent_detail(&api, mid).await;
    let MessageDetail::Normal {
        properties: Some(p),
        ..
    } = &detail
    else {
        panic!()
    };
    assert_eq!(
        (
            p["width"].as_u64(),
            p["height"].as_u64(),
            p["content_type"].as_str()
        ),
        (Some(24), Some(16), Some("image/png"))
    );
}

/// Retries fast, with a short wait for answers, so fault tests take about a second.
fn quick() -> RetryPolicy {
    RetryPolicy {
        restarts: 3,
        request_timeout: Duration::from_secs(2),
        backoff: Duration::from_millis(20),
    }
}

/// SHA-256 of `data` in hex (short failure messages, unlike whole files).
fn sha(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// SHA-256 of the file message `mid` as the server stored it.
async fn stored_sha(server: &DemoServer, api: &ApiClient, mid: i64) -> String {
    let MessageDetail::Normal { content, .. } = sent_detail(api, mid).await else {
        panic!("not a normal message")
    };
    sha(&server.stored_file(&content).unwrap())
}

#[tokio::test]
async fn failures_are_retried_or_reported() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let dir = tempfile::tempdir().unwrap();
    let path = file_of(dir.path(), "data.bin", 5000);
    // Two failed chunks: the upload starts again twice and completes.
    server.faults().fail_next_chunks(2);
    let mid = upload::run_with(&api, &job(&path, 1, 1000), &quick(), |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        stored_sha(&server, &api, mid).await,
        sha(&std::fs::read(&path).unwrap())
    );
    assert_eq!(server.unfinished_uploads(), 2, "two abandoned starts");
    // A chunk answered 500 every time: bounded restarts, then a clear error, nothing sent.
    let last_mid = server.last_mid();
    server.faults().fail_next_chunks(100);
    let err = upload::run_with(&api, &job(&path, 2, 1000), &quick(), |_, _| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("500") && err.contains("after 4 tries"),
        "{err}"
    );
    assert_eq!(server.unfinished_uploads(), 2 + 4, "one prepare per try");
    assert_eq!(server.last_mid(), last_mid, "no message sent");
    server.faults().fail_next_chunks(0);
    // Over the server's limit: final at once.
    server.faults().limit_uploads(Some(3000));
    let err = upload::run_with(&api, &job(&path, 3, 1000), &quick(), |_, _| {})
        .await
        .unwrap_err();
    assert_eq!(err, Failure::Api(ApiError::TooLarge), "413 stays a 413");
    server.faults().limit_uploads(None);
    // No answer at all: every try times out, then a clear error; the upload never hangs.
    server.faults().slow_responses(Duration::from_secs(5));
    let mut policy = quick();
    policy.request_timeout = Duration::from_millis(200);
    let err = upload::run_with(&api, &job(&path, 4, 1000), &policy, |_, _| {})
        .await
        .unwrap_err();
    assert_eq!(
        err,
        Failure::local("no answer from the server within 0.2 s (gave up after 4 tries)")
    );
    server.faults().slow_responses(Duration::ZERO);
}

#[tokio::test]
async fn a_lost_chunk_response_restarts_the_upload_and_never_doubles_a_chunk() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let dir = tempfile::tempdir().unwrap();
    let path = file_of(dir.path(), "data.bin", 5000);
    let local = sha(&std::fs::read(&path).unwrap());
    for (i, fault) in [ChunkFault::CutAfterStoring, ChunkFault::HangAfterStoring]
        .into_iter()
        .enumerate()
    {
        let before = server.unfinished_uploads();
        // The third chunk is stored, but its answer is lost.
        server.faults().chunk_fault(3, fault);
        let mid = upload::run_with(&api, &job(&path, i as i64, 1000), &quick(), |_, _| {})
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        assert_eq!(stored_sha(&server, &api, mid).await, local, "{fault:?}");
        assert_eq!(
            server.unfinished_uploads(),
            before + 1,
            "{fault:?}: the first try is abandoned, not continued"
        );
    }
}

#[tokio::test]
async fn a_stored_file_that_differs_from_the_local_one_fails_visibly() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let dir = tempfile::tempdir().unwrap();
    let path = file_of(dir.path(), "data.bin", 5000);
    let last_mid = server.last_mid();
    server.faults().chunk_fault(2, ChunkFault::StoreTwice);
    let err = upload::run_with(&api, &job(&path, 1, 1000), &quick(), |_, _| {})
        .await
        .unwrap_err();
    assert_eq!(
        err,
        Failure::local("data.bin: the server stored 6000 bytes, the file has 5000")
    );
    server.faults().chunk_fault(4, ChunkFault::Corrupt);
    let err = upload::run_with(&api, &job(&path, 2, 1000), &quick(), |_, _| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("data.bin: the server's copy differs"),
        "{err}"
    );
    assert_eq!(server.last_mid(), last_mid, "no message for a bad copy");
}

#[tokio::test]
async fn the_upload_reads_the_file_opened_at_staging() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let dir = tempfile::tempdir().unwrap();
    let path = file_of(dir.path(), "data.bin", 5000);
    let original = std::fs::read(&path).unwrap();
    // Renamed away and replaced by another file after staging.
    let swapped = job(&path, 1, 1000);
    std::fs::rename(&path, dir.path().join("moved.bin")).unwrap();
    std::fs::write(&path, b"something else entirely").unwrap();
    let mid = upload::run_with(&api, &swapped, &quick(), |_, _| {})
        .await
        .unwrap();
    assert_eq!(stored_sha(&server, &api, mid).await, sha(&original));
    // Deleted after staging.
    let gone = job(&path, 2, 1000);
    let replaced = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let mid = upload::run_with(&api, &gone, &quick(), |_, _| {})
        .await
        .unwrap();
    assert_eq!(stored_sha(&server, &api, mid).await, sha(&replaced));
}

#[cfg(unix)]
#[tokio::test]
async fn fifos_are_refused_and_cannot_hang_an_upload() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.txt");
    mkfifo(&fifo);
    // Staging runs on a blocking thread in the app; a hang here would hang the test.
    let err = upload::stage(fifo.to_str().unwrap()).unwrap_err();
    assert!(err.ends_with("pipe.txt is not a file"), "{err}");
    // A regular file staged, then replaced by a FIFO: the staged content is still sent.
    let path = file_of(dir.path(), "data.bin", 3000);
    let staged = job(&path, 1, 1000);
    std::fs::rename(&fifo, &path).unwrap();
    let policy = quick();
    let upload = upload::run_with(&api, &staged, &policy, |_, _| {});
    let mid = tokio::time::timeout(Duration::from_secs(30), upload)
        .await
        .expect("the upload does not block on the FIFO")
        .unwrap();
    let expected: Vec<u8> = (0..3000).map(|i| (i * 31 % 251) as u8).collect();
    assert_eq!(stored_sha(&server, &api, mid).await, sha(&expected));
}

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo");
}

#[tokio::test]
async fn a_cancelled_upload_sends_nothing() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let dir = tempfile::tempdir().unwrap();
    let path = file_of(dir.path(), "big.bin", 40 * 1024);
    server.faults().slow_responses(Duration::from_millis(40));
    let files_before = server.stored_files();
    let last_mid = server.last_mid();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let j = job(&path, 1, 1024);
    let api2 = api.clone();
    let task = tokio::spawn(async move {
        upload::run(&api2, &j, move |sent, _| {
            let _ = tx.send(sent);
        })
        .await
    });
    // Wait until a few chunks went through, then cancel.
    for _ in 0..3 {
        rx.recv().await.unwrap();
    }
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.stored_files(), files_before, "no file completed");
    assert_eq!(server.last_mid(), last_mid, "no message sent");
    assert_eq!(
        server.unfinished_uploads(),
        1,
        "the server is left with a partial upload it expires"
    );
    let _ = SyncMsg::State(vocechat_tui::app::conn::ConnState::Live);
}

#[tokio::test]
async fn downloads_stream_to_disk_without_overwriting() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let dir = tempfile::tempdir().unwrap();
    let src = file_of(dir.path(), "report.bin", 300_000);
    let mid = upload::run(&api, &job(&src, 1, DEFAULT_CHUNK), |_, _| {})
        .await
        .unwrap();
    let detail = sent_detail(&api, mid).await;
    let MessageDetail::Normal { content: path, .. } = &detail else {
        panic!()
    };
    let out = tempfile::tempdir().unwrap();
    let url = api.file_url(path, false).to_string();
    let mut seen = 0;
    let first = vocechat_tui::runtime::tasks::download::run(
        api.http(),
        &url,
        "report.bin",
        out.path(),
        false,
        |got, total| {
            seen = got;
            assert_eq!(total, Some(300_000));
        },
    )
    .await
    .unwrap();
    assert_eq!(seen, 300_000);
    let second = vocechat_tui::runtime::tasks::download::run(
        api.http(),
        &url,
        "report.bin",
        out.path(),
        false,
        |_, _| {},
    )
    .await
    .unwrap();
    assert!(
        first.ends_with("report.bin") && second.ends_with("report (1).bin"),
        "{first} {second}"
    );
    assert_eq!(std::fs::read(&first).unwrap(), std::fs::read(&src).unwrap());
    let missing = api.file_url("2026/1/1/nope", false).to_string();
    let err = vocechat_tui::runtime::tasks::download::run(
        api.http(),
        &missing,
        "x",
        out.path(),
        false,
        |_, _| {},
    )
    .await
    .unwrap_err();
    assert!(err.contains("gone"), "{err}");
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        2,
        "no partial file left behind"
    );
}

/// A server on 127.0.0.1 that answers the first request with `response` (head and body) and
/// then, if `hang`, holds the connection open without sending more; else closes it.
async fn raw_server(response: Vec<u8>, hang: bool) -> (String, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let url = format!("http://{}/file", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let Ok((mut sock, _)) = listener.accept().await else {
            return;
        };
        let mut request = [0u8; 4096];
        let _ = sock.read(&mut request).await;
        let _ = sock.write_all(&response).await;
        let _ = sock.flush().await;
        if hang {
            // Until the test drops this task.
            std::future::pending::<()>().await;
        }
    });
    (url, task)
}

/// A 200 promising `len` bytes that sends `sent` of them and then goes quiet.
async fn stalling_server(len: usize, sent: &[u8]) -> (String, tokio::task::JoinHandle<()>) {
    let mut response = format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\n\r\n").into_bytes();
    response.extend_from_slice(sent);
    raw_server(response, true).await
}

#[tokio::test]
async fn a_stalled_download_fails_and_leaves_no_partial_file() {
    let (url, server) = stalling_server(1000, b"a few bytes").await;
    let out = tempfile::tempdir().unwrap();
    let http = reqwest::Client::new();
    let mut got = 0;
    let err = vocechat_tui::runtime::tasks::download::run_with_stall(
        &http,
        &url,
        "slow.bin",
        out.path(),
        false,
        Duration::from_millis(200),
        |n, _| got = n,
    )
    .await
    .unwrap_err();
    server.abort();
    assert_eq!(got, 11, "the first bytes arrived");
    assert!(err.contains("stalled") && err.contains("200 ms"), "{err}");
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "the partial file is removed"
    );
}

#[tokio::test]
async fn a_stalled_or_oversized_thumbnail_fetch_stops() {
    use vocechat_tui::runtime::tasks::download::{FetchError, fetch_capped};
    let http = reqwest::Client::new();
    let (url, stalled) = stalling_server(1000, b"PNG").await;
    let err = fetch_capped(&http, &url, 8 << 20, Duration::from_millis(200))
        .await
        .unwrap_err();
    stalled.abort();
    assert_eq!(err, FetchError::Stalled(Duration::from_millis(200)));
    // No length announced: the cap stops the stream.
    let mut unannounced = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
    unannounced.extend_from_slice(&[7u8; 5000]);
    let (url, closing) = raw_server(unannounced, false).await;
    let err = fetch_capped(&http, &url, 4000, Duration::from_secs(5)).await;
    closing.abort();
    assert_eq!(err, Err(FetchError::TooLarge));
    // A body over the cap is refused, whether announced or not (the demo streams files with
    // their length; the cap is checked on both paths).
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let dir = tempfile::tempdir().unwrap();
    let src = file_of(dir.path(), "big.bin", 300_000);
    let mid = upload::run(&api, &job(&src, 1, DEFAULT_CHUNK), |_, _| {})
        .await
        .unwrap();
    let MessageDetail::Normal { content: path, .. } = sent_detail(&api, mid).await else {
        panic!()
    };
    let url = api.file_url(&path, false).to_string();
    let small = fetch_capped(&http, &url, 299_999, Duration::from_secs(5)).await;
    assert_eq!(small, Err(FetchError::TooLarge));
    let whole = fetch_capped(&http, &url, 300_000, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(whole, std::fs::read(&src).unwrap());
}
