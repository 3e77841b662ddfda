//! The live stream against the demo server: token renewal while streaming, kicks, the
//! heartbeat watchdog, and resume without loss or duplication under repeated stream drops.

mod common;

use common::*;
use rand::Rng;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use vocechat_tui::api::types::*;
use vocechat_tui::api::{ApiError, now_ms};
use vocechat_tui::demo::{DemoConfig, DemoServer};
use vocechat_tui::sync::{
    ConnState, Cursor, KickReason, ServerEvent, StopReason, SyncConfig, SyncMsg,
};

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
            assert!(reason.contains("heartbeat"), "{reason}")
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

#[tokio::test]
async fn the_stream_resumes_exactly_once_in_order_across_200_random_drops() {
    let server = Arc::new(server().await);
    let api = login(&server, ADMIN, "tui:a").await;
    let config = SyncConfig {
        backoff_min: Duration::from_millis(1),
        backoff_max: Duration::from_millis(10),
        ..fast_sync()
    };
    let mut s = stream(&api, Cursor::default(), config);
    s.until_live().await;

    // Bob and carol talk in the lobby and in dev while the stream keeps getting cut.
    let done = Arc::new(AtomicBool::new(false));
    let sender = {
        let (server, done) = (server.clone(), done.clone());
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
    };
    let mut received: Vec<i64> = Vec::new();
    let mut drops = 0;
    while drops < 200 {
        // Read what has arrived, then cut the stream at a random moment.
        let wait = Duration::from_millis(rand::rng().random_range(1..25));
        let deadline = tokio::time::Instant::now() + wait;
        while let Ok(Some(msg)) = tokio::time::timeout_at(deadline, s.rx.recv()).await {
            if let SyncMsg::Event(ev) = msg
                && let ServerEvent::Chat(c) = *ev
            {
                received.push(c.mid);
            }
        }
        if server.open_streams() > 0 {
            server.faults().drop_streams();
            drops += 1;
        }
    }
    done.store(true, Ordering::Relaxed);
    let sent = sender.await.unwrap();
    let last = *sent.last().unwrap();
    if !received.contains(&last) {
        for e in events(&s.until_mid(last).await) {
            if let ServerEvent::Chat(c) = e {
                received.push(c.mid);
            }
        }
    }
    assert!(sent.len() > 200, "only {} messages flowed", sent.len());
    assert_eq!(received.len(), sent.len(), "every message exactly once");
    assert_eq!(received, sent, "and in order");
}
