//! Voice messages played (issue 20 item 8): the file is fetched from the demo server into
//! the cache once, and the configured player gets its path as exactly one argument, without
//! a shell; a player that cannot start says so.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use common::*;
use std::time::{Duration, Instant};
use vocechat_tui::model::ConvKey;
use vocechat_tui::protocol::types::{ChatMessage, Target};
use vocechat_tui::runtime::tasks::play::{Voice, play, play_with_stall};

/// The server path of the file message `mid`.
async fn file_path(api: &vocechat_tui::runtime::api::ApiClient, mid: i64) -> String {
    let page: Vec<ChatMessage> = api
        .history(Target::Group { gid: 1 }, None, 10)
        .await
        .unwrap();
    let m = page.iter().find(|m| m.mid == mid).unwrap();
    serde_json::to_value(&m.detail).unwrap()["content"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The voice message `mid` of #1.
fn voice<'a>(mid: i64, path: &'a str, name: &'a str) -> Voice<'a> {
    Voice {
        key: ConvKey::Group(1),
        mid,
        path,
        name,
    }
}

fn wait_for_file(path: &std::path::Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && text.ends_with('\n')
        {
            return text;
        }
        assert!(Instant::now() < deadline, "the player never ran");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn the_player_gets_the_cached_file_as_one_argument() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let audio = b"OggS\x00\x02voice bytes".to_vec();
    let mid = server
        .post_file_as(2, Target::Group { gid: 1 }, "memo; touch pwned.ogg", &audio)
        .unwrap();
    let path = file_path(&api, mid).await;
    let url = api.file_url(&path, false).to_string();
    let dir = tempfile::tempdir().unwrap();
    // A cache directory with a space in it: still one argument.
    let cache = dir.path().join("voice cache");
    let out = dir.path().join("argv.txt");
    // Prints each argument it got on a line of its own, then the count.
    let player = vec![
        "sh".to_string(),
        "-c".to_string(),
        format!(
            "for a in \"$@\"; do printf '%s|' \"$a\"; done > '{0}'; echo \"$#\" >> '{0}'",
            out.display()
        ),
        "player".to_string(),
    ];
    let played = play(
        api.http(),
        &url,
        voice(mid, &path, "memo; touch pwned.ogg"),
        &cache,
        &player,
    )
    .await
    .unwrap();
    assert!(played.starts_with(&cache.display().to_string()), "{played}");
    assert!(
        played.ends_with(".ogg"),
        "the extension the player needs: {played}"
    );
    assert_eq!(wait_for_file(&out), format!("{played}|1\n"));
    assert_eq!(std::fs::read(&played).unwrap(), audio);
    assert!(!dir.path().join("pwned.ogg").exists() && !std::path::Path::new("pwned.ogg").exists());

    // Played again: the cached file, not a second copy.
    std::fs::remove_file(&out).unwrap();
    let again = play(
        api.http(),
        &url,
        voice(mid, &path, "memo; touch pwned.ogg"),
        &cache,
        &player,
    )
    .await
    .unwrap();
    assert_eq!(again, played);
    wait_for_file(&out);
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 1);

    // A player that is not there: said, with its name.
    let err = play(
        api.http(),
        &url,
        voice(mid, &path, "memo.ogg"),
        &cache,
        &["no-such-player-xyz".to_string()],
    )
    .await
    .unwrap_err();
    assert!(err.contains("could not start no-such-player-xyz"), "{err}");
}

/// A download killed halfway (the client quit, the task was dropped) leaves no file the cache
/// takes for the message: the next play fetches all of it.
#[tokio::test]
async fn a_download_killed_halfway_is_never_played_from_the_cache() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let audio = b"OggS\x00\x02the whole voice message".to_vec();
    let mid = server
        .post_file_as(2, Target::Group { gid: 1 }, "memo.ogg", &audio)
        .unwrap();
    let path = file_path(&api, mid).await;
    // A server that sends the first bytes of a long body, then nothing.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let stalled = format!("http://{}/file", listener.local_addr().unwrap());
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = sock.read(&mut buf).await;
        sock.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nOggS half")
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_secs(60)).await;
    });
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("voice");
    let player = vec!["true".to_string()];
    let task = {
        let (http, cache, player, path) = (
            api.http().clone(),
            cache.clone(),
            player.clone(),
            path.clone(),
        );
        tokio::spawn(async move {
            let v = voice(mid, &path, "memo.ogg");
            play_with_stall(&http, &stalled, v, &cache, &player, Duration::from_secs(60)).await
        })
    };
    // The first bytes are on disk, then the download is killed.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !std::fs::read_dir(&cache)
        .is_ok_and(|d| d.flatten().any(|e| e.metadata().is_ok_and(|m| m.len() > 0)))
    {
        assert!(Instant::now() < deadline, "the download never started");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    task.abort();
    let _ = task.await;
    let url = api.file_url(&path, false).to_string();
    let played = play(
        api.http(),
        &url,
        voice(mid, &path, "memo.ogg"),
        &cache,
        &player,
    )
    .await
    .unwrap();
    assert_eq!(std::fs::read(&played).unwrap(), audio, "the whole message");
    assert!(
        played.contains(&format!("g1-{mid}-")),
        "named by conversation and mid: {played}"
    );
}

/// What the demo answers a `vocechat/audio` send, by profile: 0.3.3's 415 with its exact
/// text, a newer server's mid with the bare path stored (the client itself never sends one).
#[tokio::test]
async fn a_voice_message_send_is_refused_by_0_3_3_and_stored_by_a_newer_server() {
    for newer in [false, true] {
        let server = vocechat_tui::demo::DemoServer::start(vocechat_tui::demo::DemoConfig {
            newer,
            ..fast_config()
        })
        .await
        .unwrap();
        let api = login(&server, ADMIN, "tui:a").await;
        let token = api.access_token().await.unwrap();
        let resp = reqwest::Client::new()
            .post(format!("{}/api/group/1/send", server.base_url()))
            .header("X-API-Key", token)
            .header("Content-Type", "vocechat/audio")
            .body(r#"{"path":"2026/7/24/memo"}"#)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        if newer {
            assert_eq!(status, 200, "{text}");
            let mid: i64 = text.parse().unwrap();
            let page = api
                .history(Target::Group { gid: 1 }, None, 5)
                .await
                .unwrap();
            let m = page.iter().find(|m| m.mid == mid).unwrap();
            let detail = serde_json::to_value(&m.detail).unwrap();
            assert_eq!(
                (detail["content_type"].as_str(), detail["content"].as_str()),
                (Some("vocechat/audio"), Some("2026/7/24/memo"))
            );
        } else {
            assert_eq!(
                (status, text.as_str()),
                (
                    415,
                    "the `Content-Type` requested by the client is not supported: vocechat/audio"
                )
            );
        }
    }
}
