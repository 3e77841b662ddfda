//! Pinned chats, remarks and channel announcements (issue 20 items 3, 5, 6) against the demo
//! server's two profiles: what the newer one answers and streams, and 0.3.3's 404s.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use common::*;
use std::time::Duration;
use vocechat_tui::app::conn::SyncMsg;
use vocechat_tui::demo::{DemoConfig, DemoServer};
use vocechat_tui::protocol::types::Target;
use vocechat_tui::protocol::{ApiError, ServerEvent};
use vocechat_tui::runtime::sync::Cursor;

/// A demo server with fast timings, as 0.3.3 or as a newer server.
async fn profile(newer: bool) -> DemoServer {
    DemoServer::start(DemoConfig {
        newer,
        ..fast_config()
    })
    .await
    .expect("demo server starts")
}

/// The events of a new stream's initial batch.
async fn initial_batch(api: &vocechat_tui::runtime::api::ApiClient) -> Vec<ServerEvent> {
    let mut s = stream(api, Cursor::default(), fast_sync());
    events(&s.until_live().await)
}

fn is_event(m: &SyncMsg, pred: impl Fn(&ServerEvent) -> bool) -> bool {
    matches!(m, SyncMsg::Event(e) if pred(e))
}

fn pinned(batch: &[ServerEvent]) -> Option<Vec<Target>> {
    batch.iter().find_map(|e| match e {
        ServerEvent::UserSettings(s) => Some(
            s.pinned_chats
                .as_ref()
                .map(|p| p.iter().map(|p| p.target).collect()),
        ),
        _ => None,
    })?
}

#[tokio::test]
async fn pins_reach_the_other_devices_and_the_next_snapshot() {
    let server = profile(true).await;
    let bob = login(&server, BOB, "tui:b1").await;
    let other = login(&server, BOB, "tui:b2").await;
    assert_eq!(pinned(&initial_batch(&bob).await), Some(vec![]));
    let mut s = stream(&other, Cursor::default(), fast_sync());
    s.until_live().await;
    bob.pin_chat(Target::Group { gid: 2 }, true).await.unwrap();
    bob.pin_chat(Target::User { uid: 3 }, true).await.unwrap();
    let seen = s
        .until(Duration::from_secs(5), |m| {
            is_event(m, |e| matches!(e, ServerEvent::UserSettingsChanged(c) if c.add_pin_chats.iter().any(|p| p.target == Target::User { uid: 3 })))
        })
        .await;
    assert!(events(&seen).iter().any(|e| matches!(e,
        ServerEvent::UserSettingsChanged(c) if c.add_pin_chats.iter().any(|p| p.target == Target::Group { gid: 2 }))));
    // Newest first, as the web client lists them.
    assert_eq!(
        pinned(&initial_batch(&bob).await),
        Some(vec![Target::User { uid: 3 }, Target::Group { gid: 2 }])
    );
    bob.pin_chat(Target::Group { gid: 2 }, false).await.unwrap();
    let seen = s
        .until(Duration::from_secs(5), |m| {
            is_event(m, |e| matches!(e, ServerEvent::UserSettingsChanged(c) if !c.remove_pin_chats.is_empty()))
        })
        .await;
    match events(&seen).last() {
        Some(ServerEvent::UserSettingsChanged(c)) => {
            assert_eq!(c.remove_pin_chats, vec![Target::Group { gid: 2 }]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        pinned(&initial_batch(&bob).await),
        Some(vec![Target::User { uid: 3 }])
    );
    // A channel you cannot see is not pinned.
    assert!(bob.pin_chat(Target::Group { gid: 3 }, true).await.is_err());
}

#[tokio::test]
async fn remarks_are_streamed_to_you_and_come_back_with_each_connection() {
    let server = profile(true).await;
    let bob = login(&server, BOB, "tui:b").await;
    let mut s = stream(&bob, Cursor::default(), fast_sync());
    s.until_live().await;
    bob.set_remark(3, "Carol from QA").await.unwrap();
    let seen = s
        .until(Duration::from_secs(5), |m| {
            is_event(m, |e| matches!(e, ServerEvent::UserRemark { .. }))
        })
        .await;
    assert_eq!(
        events(&seen).last(),
        Some(&ServerEvent::UserRemark {
            contact_uid: 3,
            remark: "Carol from QA".into()
        })
    );
    let batch = initial_batch(&bob).await;
    assert!(batch.contains(&ServerEvent::UserRemark {
        contact_uid: 3,
        remark: "Carol from QA".into()
    }));
    // Someone else's remarks are theirs.
    let carol = login(&server, CAROL, "tui:c").await;
    assert!(
        !initial_batch(&carol)
            .await
            .iter()
            .any(|e| matches!(e, ServerEvent::UserRemark { .. }))
    );
    bob.set_remark(3, "").await.unwrap();
    assert!(
        !initial_batch(&bob)
            .await
            .iter()
            .any(|e| matches!(e, ServerEvent::UserRemark { .. }))
    );
    assert!(bob.set_remark(2, "me").await.is_err(), "not for yourself");
}

#[tokio::test]
async fn announcements_are_set_by_the_owner_and_admins_and_streamed_to_the_channel() {
    let server = profile(true).await;
    let admin = login(&server, ADMIN, "tui:a").await;
    let bob = login(&server, BOB, "tui:b").await;
    let carol = login(&server, CAROL, "tui:c").await;
    assert_eq!(bob.announcement(1).await.unwrap(), None);
    let mut s = stream(&bob, Cursor::default(), fast_sync());
    s.until_live().await;
    // Carol neither owns the lobby nor is an admin.
    match carol.set_announcement(1, "mine").await {
        Err(ApiError::Forbidden(_)) => {}
        other => panic!("{other:?}"),
    }
    let set = admin
        .set_announcement(1, "**Welcome!** Read the rules.")
        .await
        .unwrap();
    assert_eq!(
        (set.gid, set.content.as_str(), set.created_by),
        (1, "**Welcome!** Read the rules.", 1)
    );
    let seen = s
        .until(Duration::from_secs(5), |m| {
            is_event(m, |e| {
                matches!(e, ServerEvent::GroupAnnouncementChanged { .. })
            })
        })
        .await;
    assert_eq!(
        events(&seen).last(),
        Some(&ServerEvent::GroupAnnouncementChanged {
            gid: 1,
            announcement: Some(set.clone())
        })
    );
    assert_eq!(carol.announcement(1).await.unwrap(), Some(set));
    // Bob owns dev; carol cannot see it.
    bob.set_announcement(2, "standup at 10").await.unwrap();
    match carol.announcement(2).await {
        Err(ApiError::Forbidden(_)) => {}
        other => panic!("{other:?}"),
    }
    admin.clear_announcement(1).await.unwrap();
    let seen = s
        .until(Duration::from_secs(5), |m| {
            is_event(m, |e| {
                matches!(
                    e,
                    ServerEvent::GroupAnnouncementChanged {
                        gid: 1,
                        announcement: None
                    }
                )
            })
        })
        .await;
    assert!(!seen.is_empty());
    assert_eq!(bob.announcement(1).await.unwrap(), None);
}

#[tokio::test]
async fn a_0_3_3_server_answers_404_and_its_snapshot_has_no_pins() {
    let server = profile(false).await;
    let admin = login(&server, ADMIN, "tui:a").await;
    let not_found = |r: Result<(), ApiError>| matches!(r, Err(ApiError::NotFound(_)));
    assert!(not_found(
        admin.pin_chat(Target::Group { gid: 1 }, true).await
    ));
    assert!(not_found(
        admin.pin_chat(Target::Group { gid: 1 }, false).await
    ));
    assert!(not_found(admin.set_remark(2, "Bob").await));
    assert!(not_found(admin.announcement(1).await.map(|_| ())));
    assert!(not_found(admin.set_announcement(1, "x").await.map(|_| ())));
    assert!(not_found(admin.clear_announcement(1).await));
    let batch = initial_batch(&admin).await;
    assert_eq!(pinned(&batch), None);
    assert!(
        !batch
            .iter()
            .any(|e| matches!(e, ServerEvent::UserRemark { .. }))
    );
}

#[tokio::test]
async fn the_newer_demo_world_has_an_announcement_to_try() {
    use vocechat_tui::demo::{DEMO_EMAIL, DEMO_PASSWORD, Seed};
    let server = DemoServer::start(DemoConfig {
        newer: true,
        seed: Seed::Demo { history: 10 },
        ..fast_config()
    })
    .await
    .unwrap();
    let api = login(&server, (DEMO_EMAIL, DEMO_PASSWORD), "tui:d").await;
    let mut found = None;
    for g in api.groups().await.unwrap() {
        if let Some(a) = api.announcement(g.gid).await.unwrap() {
            found = Some(a);
        }
    }
    assert!(found.unwrap().content.contains("/pin"));
}
