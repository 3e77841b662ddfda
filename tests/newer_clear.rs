//! Clearing history and bulk delete (newer servers, reference §8 and §9) against the demo
//! server's two profiles: 0.3.3 answers 404 to all three; a newer server clears a channel
//! (its owner or an admin) or everything (admins), tells the streams, and the cleared
//! history is gone from history pages and replays; a bulk delete deletes every listed
//! message with one request, or none when one is not yours.

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
use vocechat_tui::protocol::ServerEvent;
use vocechat_tui::protocol::error::ApiError;
use vocechat_tui::protocol::types::{MessageDetail, ReactionDetail, Target};
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

const LOBBY: Target = Target::Group { gid: 1 };
const DEV: Target = Target::Group { gid: 2 };

async fn mids(api: &vocechat_tui::runtime::api::ApiClient, of: Target) -> Vec<i64> {
    api.history(of, None, 100)
        .await
        .unwrap()
        .iter()
        .map(|m| m.mid)
        .collect()
}

#[tokio::test]
async fn an_open_source_server_has_none_of_them() {
    let server = profile(false).await;
    let admin = login(&server, ADMIN, "tui:a").await;
    let mid = server.post_as(1, LOBBY, "mine").unwrap();
    assert!(matches!(
        admin.clear_all_messages().await,
        Err(ApiError::NotFound(_))
    ));
    assert!(matches!(
        admin.clear_group(1).await,
        Err(ApiError::NotFound(_))
    ));
    assert!(matches!(
        admin.delete_messages(&[mid]).await,
        Err(ApiError::NotFound(_))
    ));
    assert_eq!(mids(&admin, LOBBY).await, vec![mid], "nothing went");
}

#[tokio::test]
async fn a_channel_clear_empties_its_history_and_replay_and_tells_its_streams() {
    let server = profile(true).await;
    let admin = login(&server, ADMIN, "tui:a").await;
    let carol = login(&server, CAROL, "tui:c").await;
    let bob = login(&server, BOB, "tui:b").await;
    let old = server.post_as(2, LOBBY, "old one").unwrap();
    server.post_as(3, LOBBY, "old two").unwrap();
    let dev = server.post_as(2, DEV, "dev").unwrap();
    let mut s = stream(&carol, Cursor::default(), fast_sync());
    s.until_live().await;

    assert!(
        matches!(carol.clear_group(1).await, Err(ApiError::Forbidden(_))),
        "not the owner, not an admin"
    );
    admin.clear_group(1).await.unwrap();
    let seen = s
        .until(Duration::from_secs(5), |m| {
            matches!(m, SyncMsg::Event(e) if matches!(&**e, ServerEvent::GroupMessageCleared { .. }))
        })
        .await;
    assert!(matches!(
        events(&seen).last(),
        Some(ServerEvent::GroupMessageCleared { gid: 1 })
    ));
    assert!(mids(&bob, LOBBY).await.is_empty());
    assert_eq!(
        mids(&bob, DEV).await,
        vec![dev],
        "other channels keep theirs"
    );
    assert!(
        matches!(bob.like(old, "👍").await, Err(ApiError::NotFound(_))),
        "a cleared message is gone"
    );
    // dev's owner clears dev.
    bob.clear_group(2).await.unwrap();
    assert!(mids(&bob, DEV).await.is_empty());

    // What is written after the clear stays; a replay from the start has nothing older.
    let after = server.post_as(2, LOBBY, "after").unwrap();
    assert_eq!(mids(&bob, LOBBY).await, vec![after]);
    let mut replay = stream(&bob, Cursor::default(), fast_sync());
    let chat: Vec<i64> = events(&replay.until_live().await)
        .iter()
        .filter_map(|e| match e {
            ServerEvent::Chat(m) => Some(m.mid),
            _ => None,
        })
        .collect();
    assert_eq!(chat, vec![after]);
}

#[tokio::test]
async fn an_admin_clear_takes_every_message_for_everybody() {
    let server = profile(true).await;
    let admin = login(&server, ADMIN, "tui:a").await;
    let bob = login(&server, BOB, "tui:b").await;
    server.post_as(2, LOBBY, "lobby").unwrap();
    let last = server.post_as(1, Target::User { uid: 2 }, "dm").unwrap();
    let mut s = stream(&bob, Cursor::default(), fast_sync());
    s.until_live().await;
    assert!(matches!(
        bob.clear_all_messages().await,
        Err(ApiError::Forbidden(_))
    ));
    admin.clear_all_messages().await.unwrap();
    let seen = s
        .until(Duration::from_secs(5), |m| {
            matches!(m, SyncMsg::Event(e) if matches!(&**e, ServerEvent::MessageCleared { .. }))
        })
        .await;
    match events(&seen).last() {
        Some(ServerEvent::MessageCleared { latest_deleted_mid }) => {
            assert_eq!(*latest_deleted_mid, Some(last));
        }
        other => panic!("{other:?}"),
    }
    assert!(mids(&bob, LOBBY).await.is_empty());
    assert!(mids(&bob, Target::User { uid: 1 }).await.is_empty());
}

#[tokio::test]
async fn a_bulk_delete_deletes_every_listed_message_or_none() {
    let server = profile(true).await;
    let bob = login(&server, BOB, "tui:b").await;
    let admin = login(&server, ADMIN, "tui:a").await;
    let a = server.post_as(2, LOBBY, "a").unwrap();
    let b = server.post_as(2, LOBBY, "b").unwrap();
    let theirs = server.post_as(3, LOBBY, "carol's").unwrap();
    let c = server.post_as(2, LOBBY, "c").unwrap();
    let mut s = stream(
        &admin,
        Cursor {
            after_mid: Some(c),
            users_version: None,
        },
        fast_sync(),
    );
    s.until_live().await;

    assert!(
        matches!(
            bob.delete_messages(&[a, theirs]).await,
            Err(ApiError::Forbidden(_))
        ),
        "not all his"
    );
    assert_eq!(mids(&bob, LOBBY).await, vec![a, b, theirs, c], "none went");
    bob.delete_messages(&[a, c]).await.unwrap();
    // One deletion record per message.
    let seen = s.until_mid(c + 2).await;
    let deleted: Vec<i64> = events(&seen)
        .iter()
        .filter_map(|e| match e {
            ServerEvent::Chat(m) => match &m.detail {
                MessageDetail::Reaction {
                    mid,
                    detail: ReactionDetail::Delete,
                } => Some(*mid),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(deleted, vec![a, c]);
    // An admin deletes anybody's.
    admin.delete_messages(&[b, theirs]).await.unwrap();
}

/// The fault switch `no_clear_echo`: the one who clears a channel hears nothing of it on
/// their own streams (reference §8.2 does not say whether a newer server tells them); the
/// channel's other members do.
#[tokio::test]
async fn without_the_echo_the_clearer_s_own_stream_hears_nothing() {
    let server = profile(true).await;
    server.faults().no_clear_echo(true);
    let admin = login(&server, ADMIN, "tui:a").await;
    let bob = login(&server, BOB, "tui:b").await;
    server.post_as(2, LOBBY, "old").unwrap();
    let mut mine = stream(&admin, Cursor::default(), fast_sync());
    mine.until_live().await;
    let mut his = stream(&bob, Cursor::default(), fast_sync());
    his.until_live().await;
    admin.clear_group(1).await.unwrap();
    his.until(Duration::from_secs(5), |m| {
        matches!(m, SyncMsg::Event(e) if matches!(&**e, ServerEvent::GroupMessageCleared { gid: 1 }))
    })
    .await;
    let after = server.post_as(2, LOBBY, "after").unwrap();
    let seen = mine.until_mid(after).await;
    assert!(
        !events(&seen)
            .iter()
            .any(|e| matches!(e, ServerEvent::GroupMessageCleared { .. })),
        "{seen:#?}"
    );
}
