//! Faults at the app's edge against the demo server: a send whose answer is lost must not
//! be posted twice when retried, a send that failed before anything was stored is posted
//! once on retry, and a refresh token rotated by another device ends the stream with the
//! state that sends the user back to the login form.

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
use vocechat_tui::app::conn::{ConnState, StopReason, SyncMsg};
use vocechat_tui::clock::now_ms;
use vocechat_tui::model::ConvKey;
use vocechat_tui::protocol::types::{Content, Properties};
use vocechat_tui::runtime::account::send_once;
use vocechat_tui::runtime::api::{ApiClient, ApiError};
use vocechat_tui::runtime::sync::Cursor;

/// Messages in `key` carrying `local_id`.
async fn copies(api: &ApiClient, key: ConvKey, local_id: i64) -> usize {
    api.history(key.target(), None, 100)
        .await
        .unwrap()
        .iter()
        .filter(|m| m.local_id() == Some(local_id))
        .count()
}

#[tokio::test]
async fn a_retry_after_a_lost_answer_does_not_post_twice() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let key = ConvKey::Group(1);
    let local_id = 4_242;
    let content = Content::Text("only once, please".into());
    let props = Properties::with_local_id(local_id);
    server.faults().lose_next_send_answers(1);
    let first = send_once(&api, key, local_id, &content, &props, None, false).await;
    let err = first.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    // The server stored it although the client saw an error.
    assert_eq!(copies(&api, key, local_id).await, 1);
    let mid = send_once(&api, key, local_id, &content, &props, None, true)
        .await
        .unwrap();
    assert_eq!(copies(&api, key, local_id).await, 1, "posted twice");
    let newest = api.history(key.target(), None, 1).await.unwrap();
    assert_eq!(newest.last().map(|m| m.mid), Some(mid));
}

#[tokio::test]
async fn a_retry_after_a_failed_send_posts_it_once() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let key = ConvKey::Group(1);
    let local_id = 777;
    let content = Content::Text("second time lucky".into());
    let props = Properties::with_local_id(local_id);
    server.faults().fail_next_sends(1);
    let err = send_once(&api, key, local_id, &content, &props, None, false)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ApiError::Server { status: 500, .. }),
        "{err:?}"
    );
    assert_eq!(copies(&api, key, local_id).await, 0);
    send_once(&api, key, local_id, &content, &props, None, true)
        .await
        .unwrap();
    assert_eq!(copies(&api, key, local_id).await, 1);
}

#[tokio::test]
async fn a_refresh_token_rotated_by_another_device_stops_the_stream_as_expired() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    // A second copy of the same session (another process with the saved file) renews
    // first: the refresh token rotates and this client's copy is dead.
    let other = ApiClient::new(&server.base_url()).unwrap();
    let mut stale = api.session().await.unwrap();
    other.set_session(Some(stale.clone())).await;
    stale.expires_at_ms = now_ms();
    other.set_session(Some(stale.clone())).await;
    other.access_token().await.unwrap();
    api.set_session(Some(stale)).await;
    let mut s = stream(&api, Cursor::default(), fast_sync());
    let seen = s
        .until(Duration::from_secs(10), |m| {
            matches!(m, SyncMsg::State(ConnState::Stopped(_)))
        })
        .await;
    assert!(
        matches!(
            seen.last(),
            Some(SyncMsg::State(ConnState::Stopped(
                StopReason::SessionExpired
            )))
        ),
        "{seen:?}"
    );
}

#[tokio::test]
async fn processes_sharing_the_saved_session_take_turns_to_renew_it() {
    use std::sync::Arc;
    use vocechat_tui::runtime::session_store::{SavedLogin, SessionStore, SharedSession};
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SessionStore::new(dir.path()));
    let base = server.base_url();
    let share = || {
        Arc::new(SharedSession {
            store: store.clone(),
            server: base.clone(),
            email: "admin@example.com".into(),
            uid: 1,
        })
    };
    // Both copies (the UI and, say, `vocechat-tui send`) hold an expiring access token.
    let mut session = api.session().await.unwrap();
    session.expires_at_ms = now_ms();
    store
        .save(&SavedLogin {
            server: base.clone(),
            email: "admin@example.com".into(),
            session: session.clone(),
        })
        .unwrap();
    api.set_session(Some(session.clone())).await;
    api.share_session(share());
    let other = ApiClient::new(&base).unwrap();
    other.set_session(Some(session)).await;
    other.share_session(share());
    let before = server.renewals();
    let renewed = other.access_token().await.unwrap();
    // The first copy takes the rotated session from the file instead of renewing with the
    // refresh token the server no longer accepts.
    assert_eq!(api.access_token().await.unwrap(), renewed);
    assert_eq!(server.renewals(), before + 1);
    api.me().await.unwrap();
    let saved = store.load(&base, 1).unwrap();
    assert_eq!(saved.session.token, renewed);
    // An older copy saved late (a delayed write) does not undo the renewal.
    let mut old = saved.clone();
    old.session.expires_at_ms -= 60_000;
    old.session.refresh_token = "stale".into();
    store.save(&old).unwrap();
    assert_eq!(store.load(&base, 1).unwrap().session.token, renewed);
}
