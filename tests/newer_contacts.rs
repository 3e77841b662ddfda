//! Contacts, channel rules and private invite links (issue 20 items 4, 7, 9b) against the
//! demo server's two profiles: what a newer server answers and announces, and that 0.3.3
//! answers these routes as it does (400 where they collide with its path parameters, 404
//! otherwise), so the client hides them.

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
use vocechat_tui::protocol::contacts::{
    ContactAction, SearchType, UserSearch, parse_private_invite,
};
use vocechat_tui::protocol::newer::ContactEntry;
use vocechat_tui::protocol::types::*;
use vocechat_tui::protocol::{ApiError, ServerEvent};
use vocechat_tui::runtime::api::ApiClient;
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

/// The newer-server examples of the reference (`contacts_answer`, a group with flags).
fn examples() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/fixtures/vocechat-newer/examples.json"
    );
    let text = std::fs::read_to_string(path)
        .or_else(|_| std::fs::read_to_string("/work/shared/fixtures/vocechat-newer/examples.json"))
        .expect("the reference's examples");
    serde_json::from_str(&text).unwrap()
}

async fn put_json(
    api: &ApiClient,
    server: &DemoServer,
    path: &str,
    body: serde_json::Value,
) -> u16 {
    api.http()
        .put(api.url(path))
        .header("X-API-Key", api.access_token().await.unwrap())
        .header("Referer", server.base_url())
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn text(s: &str) -> (Content, Properties) {
    (Content::Text(s.into()), Properties::with_local_id(1))
}

async fn dm(api: &ApiClient, uid: i64) -> Result<i64, ApiError> {
    let (c, p) = text("hi");
    api.send(Target::User { uid }, &c, &p).await
}

#[test]
fn the_references_examples_decode() {
    let ex = examples();
    let list: Vec<ContactEntry> = serde_json::from_value(ex["contacts_answer"].clone()).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].contact_info.status, "blocked");
    assert_eq!(list[1].target_info.as_ref().unwrap().name, "mallory");
    let event: ServerEvent =
        serde_json::from_value(ex["related_groups_group_with_new_flags"].clone()).unwrap();
    let ServerEvent::RelatedGroups { groups } = event else {
        panic!("{event:?}")
    };
    assert!(groups[0].flags.only_owner_can_send());
    assert!(!groups[0].flags.dm_to_member());
}

#[tokio::test]
async fn the_open_source_profile_answers_these_routes_as_0_3_3_does() {
    let server = profile(false).await;
    let bob = login(&server, BOB, "tui:b").await;
    assert!(matches!(bob.contacts().await, Err(ApiError::BadRequest(_))));
    assert!(matches!(
        bob.update_contact_status(3, ContactAction::Add).await,
        Err(ApiError::NotFound(_))
    ));
    let search = UserSearch {
        search_type: SearchType::Name,
        keyword: "carol".into(),
    };
    assert!(matches!(
        bob.search_user(&search).await,
        Err(ApiError::NotFound(_))
    ));
    assert!(matches!(
        bob.private_invite_link(2, 3600, 1).await,
        Err(ApiError::BadRequest(_))
    ));
    assert!(matches!(
        bob.join_private("x").await,
        Err(ApiError::NotFound(_))
    ));
    assert_eq!(
        put_json(
            &bob,
            &server,
            "/api/group/2",
            serde_json::json!({"only_owner_can_send_msg": true})
        )
        .await,
        400
    );
    // Nothing a 0.3.3 client does is refused by the newer rules.
    dm(&bob, 3).await.unwrap();
}

#[tokio::test]
async fn contacts_are_listed_changed_announced_and_enforced() {
    let server = profile(true).await;
    let admin = login(&server, ADMIN, "tui:a").await;
    let bob = login(&server, BOB, "tui:b").await;
    let carol = login(&server, CAROL, "tui:c").await;
    assert_eq!(bob.contacts().await.unwrap(), vec![]);
    // bob's other device hears of his changes.
    let bob2 = login(&server, BOB, "tui:b2").await;
    let mut s = stream(&bob2, Cursor::default(), fast_sync());
    s.until_live().await;

    bob.update_contact_status(3, ContactAction::Add)
        .await
        .unwrap();
    let list = bob.contacts().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].target_uid, 3);
    assert_eq!(list[0].contact_info.status, "added");
    assert_eq!(list[0].target_info.as_ref().unwrap().name, "carol");
    let seen = s
        .until(Duration::from_secs(5), |m| {
            matches!(m, SyncMsg::Event(e) if matches!(&**e, ServerEvent::UserSettingsChanged(c) if !c.add_contacts.is_empty()))
        })
        .await;
    assert!(!seen.is_empty());

    // Contact verification: carol (no contact of bob's) may not write to him; bob may.
    assert_eq!(
        put_json(
            &admin,
            &server,
            "/api/admin/system/common",
            serde_json::json!({"contact_verification_enable": true})
        )
        .await,
        200
    );
    dm(&bob, 3).await.unwrap();
    assert!(matches!(dm(&carol, 2).await, Err(ApiError::Forbidden(_))));
    dm(&carol, 1).await.unwrap();

    // A block refuses both ways; unblocking clears the status.
    bob.update_contact_status(3, ContactAction::Block)
        .await
        .unwrap();
    assert_eq!(
        bob.contacts().await.unwrap()[0].contact_info.status,
        "blocked"
    );
    assert!(matches!(dm(&bob, 3).await, Err(ApiError::Forbidden(_))));
    bob.update_contact_status(3, ContactAction::Unblock)
        .await
        .unwrap();
    assert_eq!(bob.contacts().await.unwrap(), vec![]);

    // Switched off by the administrator: the 403 says so, and the client tells it apart.
    assert_eq!(
        put_json(&admin, &server, "/api/admin/system/common",
            serde_json::json!({"dm_enable": false, "add_friend_enable": false, "contact_verification_enable": false})).await,
        200
    );
    assert!(matches!(dm(&bob, 3).await, Err(ApiError::Disabled(_))));
    assert!(matches!(
        bob.update_contact_status(3, ContactAction::Add).await,
        Err(ApiError::Disabled(_))
    ));
}

#[tokio::test]
async fn users_are_found_by_name_email_or_id_and_nobody_is_no_error() {
    let server = profile(true).await;
    let bob = login(&server, BOB, "tui:b").await;
    for (search_type, keyword) in [
        (SearchType::Name, "Carol"),
        (SearchType::Email, "carol@example.com"),
        (SearchType::Id, "3"),
    ] {
        let found = bob
            .search_user(&UserSearch {
                search_type,
                keyword: keyword.into(),
            })
            .await
            .unwrap();
        assert_eq!(found.map(|u| u.uid), Some(3), "{keyword}");
    }
    let nobody = UserSearch {
        search_type: SearchType::Name,
        keyword: "zed".into(),
    };
    assert_eq!(bob.search_user(&nobody).await.unwrap(), None);
}

#[tokio::test]
async fn a_read_only_channel_refuses_members_and_its_flags_reach_the_stream() {
    let server = profile(true).await;
    let admin = login(&server, ADMIN, "tui:a").await;
    let bob = login(&server, BOB, "tui:b").await;
    let mut s = stream(&admin, Cursor::default(), fast_sync());
    s.until_live().await;
    // dev (2) is bob's; admin is a member.
    assert_eq!(
        put_json(
            &admin,
            &server,
            "/api/group/2",
            serde_json::json!({"only_owner_can_send_msg": true})
        )
        .await,
        200,
        "admins may set flags"
    );
    let seen = s
        .until(
            Duration::from_secs(5),
            |m| matches!(m, SyncMsg::Event(e) if matches!(&**e, ServerEvent::GroupChanged(_))),
        )
        .await;
    let Some(ServerEvent::GroupChanged(change)) = events(&seen).last().cloned() else {
        panic!("{seen:?}")
    };
    assert_eq!(change.flags.only_owner_can_send_msg, Some(true));
    assert!(bob.group(2).await.unwrap().flags.only_owner_can_send());
    let (c, p) = text("news");
    bob.send(Target::Group { gid: 2 }, &c, &p).await.unwrap();
    let carol = login(&server, CAROL, "tui:c").await;
    assert_eq!(
        put_json(
            &carol,
            &server,
            "/api/group/2",
            serde_json::json!({"dm_to_member": false})
        )
        .await,
        403
    );
    // Owned by bob: an admin posts; a plain member may not.
    admin.send(Target::Group { gid: 2 }, &c, &p).await.unwrap();
    bob.add_members(2, &[3]).await.unwrap();
    assert!(matches!(
        carol.send(Target::Group { gid: 2 }, &c, &p).await,
        Err(ApiError::Forbidden(_))
    ));
}

#[tokio::test]
async fn a_private_invite_link_joins_once_and_then_is_spent() {
    let server = profile(true).await;
    let carol = login(&server, CAROL, "tui:c").await;
    let bob = login(&server, BOB, "tui:b").await;
    let mut s = stream(&bob, Cursor::default(), fast_sync());
    s.until_live().await;
    // secret (3) is carol's alone.
    let link = carol.private_invite_link(3, 3600, 1).await.unwrap();
    assert!(link.starts_with("http://"), "{link}");
    let invite = parse_private_invite(&link).expect("a link the client reads");
    assert_eq!(invite.gid, Some(3));
    let group = bob.join_private(invite.magic_token.expose()).await.unwrap();
    assert_eq!(group.gid, 3);
    assert!(group.members.contains(&2));
    let seen = s
        .until(
            Duration::from_secs(5),
            |m| matches!(m, SyncMsg::Event(e) if matches!(&**e, ServerEvent::JoinedGroup { .. })),
        )
        .await;
    assert!(!seen.is_empty());
    assert!(
        matches!(
            bob.join_private(invite.magic_token.expose()).await,
            Err(ApiError::Conflict(_))
        ),
        "used up"
    );
    let link = carol.private_invite_link(3, 3600, 5).await.unwrap();
    let again = parse_private_invite(&link).unwrap();
    assert!(
        matches!(
            bob.join_private(again.magic_token.expose()).await,
            Err(ApiError::Server { status: 412, .. })
        ),
        "already in"
    );
    assert!(
        matches!(
            bob.private_invite_link(1, 3600, 1).await,
            Err(ApiError::BadRequest(_))
        ),
        "not for a public channel"
    );
}
