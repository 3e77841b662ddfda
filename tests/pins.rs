//! Pinned messages in a channel (issue 23 item 3) against the demo server over loopback: who
//! may pin where (protocol §4.9), what a pin holds, the `pinned_message_updated` every member
//! gets (the pinner's own stream too), and pins gone after a restart (pitfall 20).

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
use vocechat_tui::protocol::types::Target;
use vocechat_tui::protocol::types::{Content, Properties};
use vocechat_tui::protocol::{ApiError, ServerEvent};
use vocechat_tui::runtime::api::ApiClient;
use vocechat_tui::runtime::sync::Cursor;

async fn say(api: &ApiClient, gid: i64, text: &str) -> i64 {
    api.send(
        Target::Group { gid },
        &Content::Text(text.into()),
        &Properties::default(),
    )
    .await
    .unwrap()
}

fn status(r: Result<(), ApiError>) -> &'static str {
    match r {
        Ok(()) => "ok",
        Err(ApiError::Forbidden(_)) => "403",
        Err(ApiError::NotFound(_)) => "404",
        Err(ApiError::Conflict(_)) => "409",
        Err(e) => panic!("unexpected: {e:?}"),
    }
}

/// The test cast: admin (1), bob (2) owning the private `dev` (2: admin and bob), carol (3)
/// owning `secret` (3); the public `lobby` (1).
#[tokio::test]
async fn who_may_pin_follows_0_3_3() {
    let server = server().await;
    let admin = login(&server, ADMIN, "tui:a").await;
    let bob = login(&server, BOB, "tui:b").await;
    let carol = login(&server, CAROL, "tui:c").await;
    bob.add_members(2, &[3]).await.unwrap();
    let in_dev = say(&bob, 2, "release notes").await;
    let in_lobby = say(&carol, 1, "hello lobby").await;

    // A member who is not the owner: 403; the owner: yes; again: 409.
    assert_eq!(status(carol.pin(2, in_dev).await), "403");
    assert_eq!(status(bob.pin(2, in_dev).await), "ok");
    assert_eq!(status(bob.pin(2, in_dev).await), "409");
    assert_eq!(status(carol.unpin(2, in_dev).await), "403");
    // A public channel: only an admin, not even the author.
    assert_eq!(status(carol.pin(1, in_lobby).await), "403");
    assert_eq!(status(bob.pin(1, in_lobby).await), "403");
    assert_eq!(status(admin.pin(1, in_lobby).await), "ok");
    // An admin pins in a private channel too.
    let second = say(&bob, 2, "second").await;
    assert_eq!(status(admin.pin(2, second).await), "ok");
    // Unknown channel or message: 404; unpinning what is not pinned: 404.
    assert_eq!(status(admin.pin(99, in_dev).await), "404");
    assert_eq!(status(admin.pin(2, 9_999).await), "404");
    assert_eq!(status(bob.unpin(2, in_lobby).await), "404");
    assert_eq!(status(bob.unpin(2, in_dev).await), "ok");
    assert_eq!(status(bob.unpin(2, in_dev).await), "404");

    let dev = admin.group(2).await.unwrap();
    let pins: Vec<(i64, i64)> = dev
        .pinned_messages
        .iter()
        .map(|p| (p.mid, p.created_by))
        .collect();
    assert_eq!(pins, vec![(second, 1)], "the pinner, not the author");
}

#[tokio::test]
async fn a_pin_holds_the_edited_text_and_reaches_every_member_and_the_pinner() {
    let server = server().await;
    let admin = login(&server, ADMIN, "tui:a").await;
    let bob = login(&server, BOB, "tui:b").await;
    let mid = say(&bob, 2, "draft").await;
    bob.edit(mid, &Content::Text("final".into()), &Properties::default())
        .await
        .unwrap();
    let mut bob_s = stream(&bob, Cursor::default(), fast_sync());
    bob_s.until_live().await;
    let mut admin_s = stream(&admin, Cursor::default(), fast_sync());
    admin_s.until_live().await;
    bob.pin(2, mid).await.unwrap();
    let pinned = |m: &SyncMsg| matches!(m, SyncMsg::Event(e) if matches!(&**e, ServerEvent::PinnedMessageUpdated { .. }));
    for s in [&mut bob_s, &mut admin_s] {
        let seen = s.until(Duration::from_secs(5), pinned).await;
        match events(&seen).last() {
            Some(ServerEvent::PinnedMessageUpdated {
                gid: 2,
                mid: m,
                msg: Some(p),
            }) => {
                assert_eq!(*m, mid);
                assert_eq!((p.content.as_str(), p.created_by), ("final", 2));
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        admin.group(2).await.unwrap().pinned_messages[0].content,
        "final"
    );
    bob.unpin(2, mid).await.unwrap();
    let seen = admin_s.until(Duration::from_secs(5), pinned).await;
    assert_eq!(
        events(&seen).last(),
        Some(&ServerEvent::PinnedMessageUpdated {
            gid: 2,
            mid,
            msg: None
        })
    );
}

#[tokio::test]
async fn pins_are_gone_after_a_restart_as_on_0_3_3() {
    let server = server().await;
    let bob = login(&server, BOB, "tui:b").await;
    let mid = say(&bob, 2, "pin me").await;
    bob.pin(2, mid).await.unwrap();
    assert_eq!(bob.group(2).await.unwrap().pinned_messages.len(), 1);
    server.restart_skipping_mids(32);
    assert!(bob.group(2).await.unwrap().pinned_messages.is_empty());
    // Pinned again as if new.
    bob.pin(2, mid).await.unwrap();
}

/// The demo's answers to pin and unpin as the real 0.3.3 gave them (fixtures 086-092): the
/// statuses, empty bodies without a content type, and a pin's keys in the group.
#[tokio::test]
async fn pin_answers_match_the_recorded_0_3_3() {
    let Some(ok) = recorded("086_pin.json") else {
        return;
    };
    let server = server().await;
    let bob = login(&server, BOB, "tui:b").await;
    let carol = login(&server, CAROL, "tui:c").await;
    bob.add_members(2, &[3]).await.unwrap();
    let mid = say(&bob, 2, "notes").await;
    let raw = |who: &ApiClient, path: &'static str| {
        let who = who.clone();
        let url = format!("{}{path}", server.base_url());
        async move {
            let token = who.access_token().await.unwrap();
            let resp = reqwest::Client::new()
                .post(url)
                .header("X-API-Key", token)
                .header("Referer", "http://localhost/")
                .json(&serde_json::json!({ "mid": mid }))
                .send()
                .await
                .unwrap();
            let status = resp.status().as_u16();
            let typed = resp.headers().contains_key("content-type");
            (status, typed, resp.text().await.unwrap())
        }
    };
    for (file, answer) in [
        ("086_pin.json", raw(&bob, "/api/group/2/pin").await),
        (
            "087_pin_again_conflict.json",
            raw(&bob, "/api/group/2/pin").await,
        ),
        (
            "088_pin_not_owner.json",
            raw(&carol, "/api/group/2/pin").await,
        ),
        ("091_unpin.json", raw(&bob, "/api/group/2/unpin").await),
        (
            "092_unpin_again.json",
            raw(&bob, "/api/group/2/unpin").await,
        ),
    ] {
        let real = &recorded(file).unwrap()["response"];
        assert_eq!(
            answer,
            (
                real["status"].as_u64().unwrap() as u16,
                real["headers"].get("content-type").is_some(),
                real["body"].as_str().unwrap().to_string()
            ),
            "{file}"
        );
    }
    assert_eq!(ok["response"]["status"], 200);
    // A pin in the group: the same keys as the recorded one.
    bob.pin(2, mid).await.unwrap();
    let url = format!("{}/api/group/2", server.base_url());
    let ours: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    let real = recorded("090_group_get_with_pin.json").unwrap();
    let keys = |v: &serde_json::Value| -> Vec<String> {
        v["pinned_messages"][0]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(keys(&ours), keys(&real["response"]["body"]));
}

/// The recorded group with its pinned markdown message (fixture 090) as the /pins list shows
/// it: the markdown's text, pinned by bob (the message itself is not loaded).
#[test]
fn the_recorded_pin_is_listed_by_its_text_and_its_pinner() {
    use vocechat_tui::app::conn::SyncMsg;
    use vocechat_tui::app::{App, Msg, Settings, update};
    use vocechat_tui::model::ConvKey;
    let Some(real) = recorded("090_group_get_with_pin.json") else {
        return;
    };
    let mut app = App::logged_in(
        1,
        vocechat_tui::keymap::Keymap::new(vocechat_tui::keymap::Preset::Default),
        Settings::from(&vocechat_tui::config::Config::default()),
        "t".into(),
    );
    let groups = serde_json::json!({"type":"related_groups","groups":[real["response"]["body"]]});
    let event: ServerEvent = serde_json::from_value(groups).unwrap();
    update(&mut app, Msg::Sync(SyncMsg::Event(Box::new(event))));
    let rows = app.pin_rows(ConvKey::Group(2), 80);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].mid, rows[0].author, rows[0].pinned_by),
        (4, None, 2)
    );
    assert_eq!(rows[0].text, "release notes: v0.3.3 (final)");
}
