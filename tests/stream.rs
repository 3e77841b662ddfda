//! The live stream against the demo server: token renewal while streaming, kicks, the
//! heartbeat watchdog, and resume without loss or duplication under repeated stream drops.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use common::*;
use rand::Rng;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use vocechat_tui::app::conn::{ConnState, StopReason, SyncMsg};
use vocechat_tui::clock::now_ms;
use vocechat_tui::demo::{DemoConfig, DemoServer};
use vocechat_tui::protocol::types::*;
use vocechat_tui::protocol::{KickReason, ServerEvent};
use vocechat_tui::runtime::api::ApiError;
use vocechat_tui::runtime::sync::{Cursor, SyncConfig};

type Stream = common::Stream;

fn stopped(m: &SyncMsg) -> bool {
    matches!(m, SyncMsg::State(ConnState::Stopped(_)))
}

fn stop_reason(seen: &[SyncMsg]) -> StopReason {
    match seen.last() {
        Some(SyncMsg::State(ConnState::Stopped(r))) => r.clone(),
        other => panic!("not stopped: {other:?}"),
    }
}

#[tokio::test]
async fn tokens_renew_while_streaming_with_a_two_second_lifetime() {
    let server = DemoServer::start(DemoConfig {
        token_ttl: Duration::from_secs(2),
        ..fast_config()
    })
    .await
    .unwrap();
    let api = login(&server, ADMIN, "tui:a").await;
    let mut s = stream(&api, Cursor::default(), fast_sync());
    s.until_live().await;
    // Six seconds of traffic: three token lifetimes. Every send must succeed and be echoed.
    let start = tokio::time::Instant::now();
    let mut sent = 0;
    while start.elapsed() < Duration::from_secs(6) {
        let mid = api
            .send(
                Target::Group { gid: 1 },
                &Content::Text(format!("tick {sent}")),
                &Properties::default(),
            )
            .await
            .expect("sends keep working across expiry");
        s.until_mid(mid).await;
        sent += 1;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        server.renewals() >= 2,
        "renewed {} times",
        server.renewals()
    );
    // The open stream outlives its token; a reconnect needs a fresh one and gets it.
    let before = server.renewals();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    server.faults().drop_streams();
    s.until_live().await;
    assert!(server.renewals() > before, "reconnect renewed first");
    let mid = server
        .post_as(2, Target::Group { gid: 1 }, "after reconnect")
        .unwrap();
    s.until_mid(mid).await;
}

#[tokio::test]
async fn concurrent_calls_share_one_renewal() {
    let server = DemoServer::start(DemoConfig {
        token_ttl: Duration::from_secs(1),
        ..fast_config()
    })
    .await
    .unwrap();
    let api = login(&server, ADMIN, "tui:a").await;
    // Make the client believe its token is good for an hour, then let the server expire it:
    // every call gets a 401 and must renew, but only one renew may happen (the refresh token
    // rotates, a second renew with the old one would fail).
    let mut session = api.session().await.unwrap();
    session.expires_at_ms = now_ms() + 3_600_000;
    session.lifetime_ms = 3_600_000;
    api.set_session(Some(session)).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let before = server.renewals();
    let calls = (0..8).map(|_| {
        let api = api.clone();
        tokio::spawn(async move { api.me().await })
    });
    for c in calls {
        assert_eq!(c.await.unwrap().unwrap().uid, 1);
    }
    assert_eq!(server.renewals() - before, 1);
    // A session the server no longer knows ends with a clear error.
    server.logout_device(1, "tui:a");
    let mut session = api.session().await.unwrap();
    session.expires_at_ms = 0;
    api.set_session(Some(session)).await;
    assert_eq!(api.me().await.unwrap_err(), ApiError::Unauthorized);
}

#[tokio::test]
async fn kicks_become_final_states_and_close_the_stream() {
    let server = server().await;
    // Logout from this client: kick/logout.
    let api = login(&server, ADMIN, "tui:a").await;
    let mut s = stream(&api, Cursor::default(), fast_sync());
    s.until_live().await;
    assert_eq!(server.open_streams(), 1);
    api.logout().await.unwrap();
    let seen = s.until(Duration::from_secs(5), stopped).await;
    assert_eq!(stop_reason(&seen), StopReason::Kicked(KickReason::Logout));
    assert!(stop_reason(&seen).explain().contains("logged out"));
    // The client hung up itself (the server would keep a kicked body open).
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.open_streams(), 0);
    assert!(s.handle.is_finished());

    // Frozen by an admin.
    let bob = login(&server, BOB, "tui:b").await;
    let mut s = stream(&bob, Cursor::default(), fast_sync());
    s.until_live().await;
    server.kick(2, "tui:b", "frozen");
    let seen = s.until(Duration::from_secs(5), stopped).await;
    assert_eq!(stop_reason(&seen), StopReason::Kicked(KickReason::Frozen));

    // A second client on the same device id kicks the first.
    let carol1 = login(&server, CAROL, "tui:c").await;
    let mut first = stream(&carol1, Cursor::default(), fast_sync());
    first.until_live().await;
    let carol2 = login(&server, CAROL, "tui:c").await;
    let mut second = stream(&carol2, Cursor::default(), fast_sync());
    second.until_live().await;
    let seen = first.until(Duration::from_secs(5), stopped).await;
    assert_eq!(
        stop_reason(&seen),
        StopReason::Kicked(KickReason::LoginFromOtherDevice)
    );
    // The second one keeps working.
    let mid = server
        .post_as(1, Target::Group { gid: 1 }, "still here?")
        .unwrap();
    second.until_mid(mid).await;

    // A device logged out elsewhere: the stream gets 403 and stops instead of looping.
    drop(second);
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.logout_device(3, "tui:c");
    let mut third = stream(&carol2, Cursor::default(), fast_sync());
    let seen = third.until(Duration::from_secs(5), stopped).await;
    assert_eq!(stop_reason(&seen), StopReason::DeviceRevoked);
}

#[tokio::test]
async fn the_watchdog_replaces_a_silent_connection() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let config = SyncConfig {
        heartbeat_timeout: Duration::from_millis(800),
        ..fast_sync()
    };
    let mut s = stream(&api, Cursor::default(), config);
    s.until_live().await;
    // Silent: keep-alive comments still flow, nothing else. Messages sent meanwhile must
    // come back through the replay of the next connection.
    server.faults().silence_streams(true);
    let missed = server
        .post_as(2, Target::Group { gid: 1 }, "sent into the void")
        .unwrap();
    let seen = s
        .until(Duration::from_secs(5), |m| {
            matches!(m, SyncMsg::State(ConnState::Waiting { .. }))
        })
        .await;
    match seen.last() {
        Some(SyncMsg::State(ConnState::Waiting { reason, .. })) => {
            assert!(reason.contains("heartbeat"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    server.faults().silence_streams(false);
    s.until_mid(missed).await;
    // Paused heartbeats alone trip it too.
    server.faults().pause_heartbeats(true);
    s.until(Duration::from_secs(5), |m| {
        matches!(m, SyncMsg::State(ConnState::Waiting { .. }))
    })
    .await;
    server.faults().pause_heartbeats(false);
    s.until_live().await;
}

/// Bob and carol talk in the lobby and in dev until `done`, a message every 0–3 ms; returns
/// the mids in send order.
fn flood(server: Arc<DemoServer>, done: Arc<AtomicBool>) -> tokio::task::JoinHandle<Vec<i64>> {
    tokio::spawn(async move {
        let mut mids = Vec::new();
        let mut i = 0;
        while !done.load(Ordering::Relaxed) {
            let (from, target) = if i % 3 == 0 {
                (2, Target::Group { gid: 2 })
            } else {
                (3, Target::Group { gid: 1 })
            };
            mids.push(server.post_as(from, target, &format!("msg {i}")).unwrap());
            i += 1;
            let pause = Duration::from_millis(rand::rng().random_range(0..4));
            tokio::time::sleep(pause).await;
        }
        mids
    })
}

fn chat_mids(msgs: &[SyncMsg]) -> Vec<i64> {
    events(msgs)
        .into_iter()
        .filter_map(|e| match e {
            ServerEvent::Chat(c) => Some(c.mid),
            _ => None,
        })
        .collect()
}

/// Appends the chat mids that arrive within `wait`.
async fn drain_chats(s: &mut Stream, wait: Duration, into: &mut Vec<i64>) {
    let deadline = tokio::time::Instant::now() + wait;
    while let Ok(Some(msg)) = tokio::time::timeout_at(deadline, s.rx.recv()).await {
        into.extend(chat_mids(std::slice::from_ref(&msg)));
    }
}

/// Stops the flood, reads up to its last message and checks every one came exactly once and
/// in order.
async fn finish_flood(
    s: &mut Stream,
    done: &AtomicBool,
    sender: tokio::task::JoinHandle<Vec<i64>>,
    mut received: Vec<i64>,
    at_least: usize,
) {
    done.store(true, Ordering::Relaxed);
    let sent = sender.await.unwrap();
    let last = *sent.last().unwrap();
    if !received.contains(&last) {
        received.extend(chat_mids(&s.until_mid(last).await));
    }
    assert!(sent.len() > at_least, "only {} messages flowed", sent.len());
    assert_eq!(received.len(), sent.len(), "every message exactly once");
    assert_eq!(received, sent, "and in order");
}

/// Cuts the stream `drops` times at random moments (each after up to `max_wait` of traffic)
/// while the flood runs; everything must arrive exactly once, in order.
async fn drops_during_a_flood(drops: usize, max_wait: Duration) {
    let server = Arc::new(server().await);
    let api = login(&server, ADMIN, "tui:a").await;
    let config = SyncConfig {
        backoff_min: Duration::from_millis(1),
        backoff_max: Duration::from_millis(10),
        ..fast_sync()
    };
    let mut s = stream(&api, Cursor::default(), config);
    s.until_live().await;
    let done = Arc::new(AtomicBool::new(false));
    let sender = flood(server.clone(), done.clone());
    let mut received = Vec::new();
    let mut cut = 0;
    let give_up = tokio::time::Instant::now() + Duration::from_secs(120);
    while cut < drops {
        assert!(tokio::time::Instant::now() < give_up, "only {cut} drops");
        let wait = rand::rng().random_range(Duration::from_millis(1)..=max_wait);
        drain_chats(&mut s, wait, &mut received).await;
        if server.open_streams() > 0 {
            server.faults().drop_streams();
            cut += 1;
        }
    }
    finish_flood(&mut s, &done, sender, received, drops).await;
}

#[tokio::test]
async fn the_stream_resumes_exactly_once_in_order_across_200_random_drops() {
    drops_during_a_flood(200, Duration::from_millis(25)).await;
}

#[tokio::test]
async fn the_stream_resumes_exactly_once_in_order_across_1000_quick_drops() {
    drops_during_a_flood(1000, Duration::from_millis(4)).await;
}

#[tokio::test]
async fn heartbeats_stopping_on_an_open_socket_lose_nothing() {
    let server = Arc::new(server().await);
    let api = login(&server, ADMIN, "tui:a").await;
    let config = SyncConfig {
        heartbeat_timeout: Duration::from_millis(400),
        ..fast_sync()
    };
    let mut s = stream(&api, Cursor::default(), config);
    s.until_live().await;
    let done = Arc::new(AtomicBool::new(false));
    let sender = flood(server.clone(), done.clone());
    let mut received = Vec::new();
    for _ in 0..3 {
        drain_chats(&mut s, Duration::from_millis(150), &mut received).await;
        // The same-device bug: the socket stays open, keep-alives flow, events do not.
        server.faults().silence_streams(true);
        let seen = s
            .until(Duration::from_secs(5), |m| {
                matches!(m, SyncMsg::State(ConnState::Waiting { .. }))
            })
            .await;
        received.extend(chat_mids(&seen));
        assert!(
            matches!(seen.last(), Some(SyncMsg::State(ConnState::Waiting { reason, .. })) if reason.contains("heartbeat")),
            "{:?}",
            seen.last()
        );
        server.faults().silence_streams(false);
        received.extend(chat_mids(&s.until_live().await));
    }
    finish_flood(&mut s, &done, sender, received, 50).await;
}

#[tokio::test]
async fn a_restart_with_mids_jumping_forward_loses_nothing() {
    let server = Arc::new(server().await);
    let api = login(&server, ADMIN, "tui:a").await;
    let mut s = stream(&api, Cursor::default(), fast_sync());
    s.until_live().await;
    let done = Arc::new(AtomicBool::new(false));
    let sender = flood(server.clone(), done.clone());
    let mut received = Vec::new();
    for gap in [1000, 1, 50_000] {
        drain_chats(&mut s, Duration::from_millis(100), &mut received).await;
        let before = server.last_mid();
        server.restart_skipping_mids(gap);
        received.extend(chat_mids(&s.until_live().await));
        // The next message really jumped.
        let next = server
            .post_as(1, Target::Group { gid: 1 }, "after the restart")
            .unwrap();
        assert!(next > before + gap, "{next} after {before}");
        received.extend(chat_mids(&s.until_mid(next).await));
        received.retain(|m| *m != next);
    }
    finish_flood(&mut s, &done, sender, received, 50).await;
}

#[tokio::test]
async fn a_server_restored_from_a_backup_keeps_delivering_messages() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let mut s = stream(&api, Cursor::default(), fast_sync());
    s.until_live().await;
    let lobby = Target::Group { gid: 1 };
    let post = |n: usize, what: &str| -> Vec<i64> {
        (0..n)
            .map(|i| server.post_as(2, lobby, &format!("{what} {i}")).unwrap())
            .collect()
    };
    let old = post(10, "old");
    assert_eq!(chat_mids(&s.until_mid(old[9]).await), old);

    // Restored to a backup taken after the third message: the restart cuts the stream, the
    // client resumes after the tenth, and the server has nothing that high.
    server.restore_backup(old[2]);
    assert_eq!(chat_mids(&s.until_live().await), Vec::<i64>::new());
    assert_eq!(server.last_stream_after_mid(), Some(old[9]));
    // (Real restores take minutes: the new messages carry later timestamps.)
    tokio::time::sleep(Duration::from_millis(20)).await;
    let new = post(5, "new");
    assert_eq!(new, old[3..8].to_vec(), "the server reuses the lost mids");
    assert_eq!(chat_mids(&s.until_mid(new[4]).await), new);

    // The cursor came down with them: the next connection resumes from the newest one.
    server.faults().drop_streams();
    assert_eq!(chat_mids(&s.until_live().await), Vec::<i64>::new());
    assert_eq!(server.last_stream_after_mid(), Some(new[4]));
    let more = post(4, "more");
    assert_eq!(chat_mids(&s.until_mid(more[3]).await), more);
}

#[tokio::test]
async fn tokens_expiring_mid_stream_lose_nothing() {
    let server = Arc::new(
        DemoServer::start(DemoConfig {
            token_ttl: Duration::from_secs(1),
            ..fast_config()
        })
        .await
        .unwrap(),
    );
    let api = login(&server, ADMIN, "tui:a").await;
    let mut s = stream(&api, Cursor::default(), fast_sync());
    s.until_live().await;
    let done = Arc::new(AtomicBool::new(false));
    let sender = flood(server.clone(), done.clone());
    let mut received = Vec::new();
    // Three and a half token lifetimes: the open stream outlives its token, REST calls renew
    // it meanwhile, and every reconnect needs a fresh one.
    for round in 0..14 {
        drain_chats(&mut s, Duration::from_millis(250), &mut received).await;
        api.me().await.expect("REST keeps working across expiry");
        if round % 4 == 3 {
            server.faults().drop_streams();
        }
    }
    assert!(
        server.renewals() >= 3,
        "renewed {} times",
        server.renewals()
    );
    finish_flood(&mut s, &done, sender, received, 100).await;
}

#[tokio::test]
async fn a_replay_is_capped_at_the_newest_5000_and_resumes_after_them() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let sent: Vec<i64> = (0..6000)
        .map(|i| {
            server
                .post_as(2, Target::Group { gid: 1 }, &format!("backlog {i}"))
                .unwrap()
        })
        .collect();
    let mut s = stream(&api, Cursor::default(), fast_sync());
    let replayed = chat_mids(
        &s.until(Duration::from_secs(60), |m| {
            matches!(m, SyncMsg::State(ConnState::Live))
        })
        .await,
    );
    assert_eq!(replayed.len(), 5000);
    assert_eq!(replayed, sent[1000..].to_vec());
    // The cursor is the newest mid: the next connection asks for what comes after it.
    server.faults().drop_streams();
    assert_eq!(chat_mids(&s.until_live().await), Vec::<i64>::new());
    assert_eq!(server.last_stream_after_mid(), sent.last().copied());
    let next = server
        .post_as(3, Target::Group { gid: 1 }, "after the backlog")
        .unwrap();
    assert_eq!(chat_mids(&s.until_mid(next).await), vec![next]);
}

/// A server away for a long time is reconnected to as soon as it answers again: the backoff
/// here is far longer than the test waits, so only the probe can bring the stream back.
#[tokio::test]
async fn a_server_back_after_a_long_absence_is_reconnected_to_at_once() {
    let server = server().await;
    let relay = Switch::start(server.addr()).await;
    let api = vocechat_tui::runtime::api::ApiClient::new(&relay.url()).unwrap();
    api.login(ADMIN.0, ADMIN.1, "tui:a").await.unwrap();
    let config = SyncConfig {
        backoff_min: Duration::from_secs(120),
        backoff_max: Duration::from_secs(120),
        ..fast_sync()
    };
    let mut s = stream(&api, Cursor::default(), config);
    s.until_live().await;
    relay.set(false);
    s.until(Duration::from_secs(5), |m| {
        matches!(m, SyncMsg::State(ConnState::Waiting { .. }))
    })
    .await;
    // Away long enough for a few probes to go unanswered.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mid = server
        .post_as(
            2,
            Target::Group { gid: 1 },
            "said while the client could not hear",
        )
        .unwrap();
    relay.set(true);
    s.until_mid(mid).await;
}

#[tokio::test]
async fn logging_out_another_device_kicks_it_and_an_unknown_one_is_not_a_logout() {
    let server = server().await;
    let laptop = login(&server, CAROL, "tui:laptop").await;
    let phone = login(&server, CAROL, "tui:phone").await;
    let mut s = stream(&phone, Cursor::default(), fast_sync());
    s.until_live().await;
    let mut devices = laptop.devices().await.unwrap();
    devices.sort();
    assert_eq!(devices, vec!["tui:laptop", "tui:phone"]);
    laptop.delete_device("tui:phone").await.unwrap();
    let seen = s.until(Duration::from_secs(5), stopped).await;
    assert_eq!(
        stop_reason(&seen),
        StopReason::Kicked(KickReason::DeleteDevice)
    );
    assert_eq!(laptop.devices().await.unwrap(), vec!["tui:laptop"]);
    // 0.3.3 answers 401 for a device it does not know: that is "no such device", and this
    // session goes on.
    let err = laptop.delete_device("tui:phone").await.unwrap_err();
    assert!(matches!(err, ApiError::NotFound(_)), "{err:?}");
    laptop.me().await.unwrap();
    // A device id with a slash cannot reach another path.
    let err = laptop
        .delete_device("../../token/logout")
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::NotFound(_)), "{err:?}");
    laptop.me().await.unwrap();
}

/// A demo server with the real server's timings (first heartbeat 15 s after a stream opens,
/// keep-alive comments every 5 s), behaving as 0.3.3 with two streams of one device when
/// `same_device_bug`.
async fn server_with_real_timings(same_device_bug: bool) -> DemoServer {
    let server = DemoServer::start(DemoConfig {
        heartbeat_interval: Duration::from_secs(15),
        keepalive_interval: Duration::from_secs(5),
        ..DemoConfig::for_tests()
    })
    .await
    .unwrap();
    server.faults().same_device_bug(same_device_bug);
    server
}

/// Waits at most `within` for the chat event with `mid`.
async fn sees_within(s: &mut Stream, mid: i64, within: Duration) {
    s.until(within, |m| {
        matches!(m, SyncMsg::Event(ev) if matches!(&**ev, ServerEvent::Chat(c) if c.mid == mid))
    })
    .await;
}

/// Quits and restarts within a second, twice; each time bob writes 2 s after the start, and
/// the message must arrive within 1 s (a 0.3.3 server silences a stream opened while the
/// previous one's loop still runs there, for about 28 s).
async fn quick_restarts_hear_at_once(same_device_bug: bool) {
    let server = server_with_real_timings(same_device_bug).await;
    let data = tempfile::tempdir().unwrap();
    let config = SyncConfig {
        marks_dir: Some(data.path().to_path_buf()),
        heartbeat_timeout: Duration::from_secs(20),
        settle: SyncConfig::default().settle,
        ..fast_sync()
    };
    let api = login(&server, ADMIN, "tui:a").await;
    for round in 0..3 {
        let mut s = stream(&api, Cursor::default(), config.clone());
        s.until_live().await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let mid = server
            .post_as(2, Target::Group { gid: 1 }, &format!("after start {round}"))
            .unwrap();
        sees_within(&mut s, mid, Duration::from_secs(1)).await;
        // Quit: the supervisor goes, its connection with it.
        drop(s);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn quick_restarts_are_not_deaf_on_a_0_3_3_server() {
    quick_restarts_hear_at_once(true).await;
}

#[tokio::test]
async fn quick_restarts_are_not_deaf_on_a_server_without_the_defect() {
    quick_restarts_hear_at_once(false).await;
}

/// The connection breaks (the server's loop lives on until its next write) and the client
/// reconnects: a message 2 s later arrives within 1 s, each of three times.
#[tokio::test]
async fn a_reconnect_after_a_broken_connection_is_not_deaf_on_a_0_3_3_server() {
    let server = server_with_real_timings(true).await;
    let api = login(&server, ADMIN, "tui:a").await;
    let config = SyncConfig {
        heartbeat_timeout: Duration::from_secs(20),
        settle: SyncConfig::default().settle,
        ..fast_sync()
    };
    let mut s = stream(&api, Cursor::default(), config);
    s.until_live().await;
    for round in 0..3 {
        server.faults().drop_streams();
        s.until(Duration::from_secs(5), |m| {
            matches!(m, SyncMsg::State(ConnState::Waiting { .. }))
        })
        .await;
        s.until_live().await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let mid = server
            .post_as(
                2,
                Target::Group { gid: 1 },
                &format!("after reconnect {round}"),
            )
            .unwrap();
        sees_within(&mut s, mid, Duration::from_secs(1)).await;
    }
}

/// A connection that dies silently (a network change: no reset reaches either end, and the
/// server's side goes on writing into it): the watchdog replaces it, and the new stream,
/// which the dead one's loop silences on its way out, is found out at once. Twice, each time
/// with a message 2 s after the new stream is live, seen within 1 s.
#[tokio::test]
async fn a_connection_that_died_silently_is_replaced_by_a_live_one_on_a_0_3_3_server() {
    let server = DemoServer::start(DemoConfig {
        heartbeat_interval: Duration::from_secs(1),
        keepalive_interval: Duration::from_millis(500),
        ..DemoConfig::for_tests()
    })
    .await
    .unwrap();
    server.faults().same_device_bug(true);
    let api = login(&server, ADMIN, "tui:a").await;
    let config = SyncConfig {
        heartbeat_timeout: Duration::from_secs(6),
        settle: SyncConfig::default().settle,
        ..fast_sync()
    };
    let mut s = stream(&api, Cursor::default(), config);
    s.until_live().await;
    for round in 0..2 {
        server.faults().freeze_streams();
        let seen = s
            .until(Duration::from_secs(15), |m| {
                matches!(m, SyncMsg::State(ConnState::Waiting { .. }))
            })
            .await;
        assert!(
            matches!(seen.last(), Some(SyncMsg::State(ConnState::Waiting { reason, .. })) if reason.contains("heartbeat")),
            "{seen:?}"
        );
        s.until_live().await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let mid = server
            .post_as(
                2,
                Target::Group { gid: 1 },
                &format!("after a silent death {round}"),
            )
            .unwrap();
        sees_within(&mut s, mid, Duration::from_secs(1)).await;
    }
}
