//! Newer (0.5.x) servers against the demo server's two profiles: what the client learns of a
//! server (its version and switches) and how each newer feature behaves where the server has
//! it, and hides itself where it has not (0.3.3).

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
use vocechat_tui::protocol::newer::Version;
use vocechat_tui::runtime::sync::Cursor;

/// A demo server with fast timings, as 0.3.3 or as a newer server.
pub async fn profile(newer: bool) -> DemoServer {
    DemoServer::start(DemoConfig {
        newer,
        ..fast_config()
    })
    .await
    .expect("demo server starts")
}

#[tokio::test]
async fn the_version_and_switches_tell_a_newer_server_from_0_3_3() {
    let old = profile(false).await;
    let api = login(&old, ADMIN, "tui:a").await;
    assert_eq!(
        Version::parse(&api.version().await.unwrap()),
        Some(Version(0, 3, 3))
    );
    assert_eq!(
        api.system_common().await.unwrap(),
        None,
        "0.3.3 answers 404"
    );

    let new = profile(true).await;
    let api = login(&new, ADMIN, "tui:a").await;
    let version = Version::parse(&api.version().await.unwrap()).unwrap();
    assert!(version >= Version(0, 5, 0), "{version}");
    let common = api.system_common().await.unwrap().expect("switches");
    assert!(common.dm_enabled());
}

#[tokio::test]
async fn a_switch_an_admin_changes_reaches_every_stream() {
    let server = profile(true).await;
    let admin = login(&server, ADMIN, "tui:a").await;
    let bob = login(&server, BOB, "tui:b").await;
    let mut s = stream(&bob, Cursor::default(), fast_sync());
    s.until_live().await;
    let resp = admin
        .http()
        .put(admin.url("/api/admin/system/common"))
        .header("X-API-Key", admin.access_token().await.unwrap())
        .header("Referer", server.base_url())
        .json(&serde_json::json!({"dm_enable": false}))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    let seen = s
        .until(Duration::from_secs(5), |m| {
            matches!(m, SyncMsg::Event(e) if matches!(&**e, ServerEvent::ServerConfigChanged(_)))
        })
        .await;
    match events(&seen).last() {
        Some(ServerEvent::ServerConfigChanged(c)) => {
            assert_eq!(c.common.dm_enable, Some(false));
            assert_eq!(c.common.search_user_enable, None, "only what changed");
        }
        other => panic!("{other:?}"),
    }
    assert!(!bob.system_common().await.unwrap().unwrap().dm_enabled());
    // Not an admin: refused.
    let resp = bob
        .http()
        .put(bob.url("/api/admin/system/common"))
        .header("X-API-Key", bob.access_token().await.unwrap())
        .header("Referer", server.base_url())
        .json(&serde_json::json!({"dm_enable": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
}
