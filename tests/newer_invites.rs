//! Joining from a link (issue 20 item 10), against the demo server in both profiles (0.3.3
//! and newer servers have the same flow, protocol §2.8): an admin's invite link, its token
//! checked, a new account registered with it and logged in; an expired or foreign token
//! refused; a private channel's invite adding the newcomer to it; the e-mailed login link
//! logging in without a password.

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
use vocechat_tui::demo::{DemoConfig, DemoServer};
use vocechat_tui::protocol::ApiError;
use vocechat_tui::protocol::invite::{LinkKind, parse_link};
use vocechat_tui::runtime::account::check_invite;
use vocechat_tui::runtime::api::ApiClient;

/// A demo server with fast timings, as 0.3.3 or as a newer server.
async fn profile(newer: bool) -> DemoServer {
    DemoServer::start(DemoConfig {
        newer,
        ..fast_config()
    })
    .await
    .expect("demo server starts")
}

/// An invite link as an admin makes it: `GET /group/create_reg_magic_link` (text/plain).
async fn make_invite(server: &DemoServer, query: &str) -> (u16, String) {
    let admin = login(server, ADMIN, "tui:admin").await;
    let token = admin.access_token().await.unwrap();
    let resp = reqwest::Client::new()
        .get(format!(
            "{}/api/group/create_reg_magic_link{query}",
            server.base_url()
        ))
        .header("X-API-Key", token)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    let body = resp.text().await.unwrap();
    if status == 200 {
        assert_eq!(ct.as_deref(), Some("text/plain; charset=utf-8"));
    }
    (status, body)
}

#[tokio::test]
async fn an_invite_link_registers_a_new_account_on_both_profiles() {
    for newer in [false, true] {
        let server = profile(newer).await;
        let (status, link) = make_invite(&server, "?expired_in=3600&max_times=5").await;
        assert_eq!(status, 200, "{link}");
        let link = parse_link(&link).expect("the server's link reads");
        assert_eq!(link.kind, LinkKind::Register);
        assert_eq!(link.server, format!("{}/", server.base_url()));
        assert!(
            check_invite(&link.server, link.token.expose())
                .await
                .unwrap()
        );

        let api = ApiClient::new(&link.server).unwrap();
        let (session, user) = api
            .register(
                link.token.expose(),
                "dora",
                "Dora@Example.com",
                "dora-pass",
                "tui:dora",
            )
            .await
            .unwrap();
        assert_eq!((user.name.as_str(), session.uid), ("dora", user.uid));
        // Lower-cased: 0.3.3 keeps it as sent, and its password login lower-cases the input.
        assert_eq!(user.email.as_deref(), Some("dora@example.com"));
        // Logged in at once: the session works.
        assert_eq!(api.me().await.unwrap().uid, user.uid);
        assert_eq!(server.uid_of("dora@example.com"), Some(user.uid));

        // The same link again: a taken name gets four digits, a taken e-mail is a conflict.
        let other = ApiClient::new(&link.server).unwrap();
        let (_, renamed) = other
            .register(link.token.expose(), "bob", "b2@example.com", "pw", "tui:b2")
            .await
            .unwrap();
        assert!(
            renamed.name.len() == 7 && renamed.name.starts_with("bob"),
            "{}",
            renamed.name
        );
        let err = other
            .register(link.token.expose(), "x", "dora@example.com", "pw", "tui:x")
            .await
            .unwrap_err();
        assert_eq!(
            err,
            ApiError::Conflict("that e-mail address is already registered".into())
        );
        // And the new account logs in with its password like any other.
        login(&server, ("Dora@Example.com", "dora-pass"), "tui:d2").await;
    }
}

#[tokio::test]
async fn an_expired_or_foreign_invite_is_refused() {
    for newer in [false, true] {
        let server = profile(newer).await;
        let link = parse_link(&server.invite_link(None, Duration::from_secs(60)).unwrap()).unwrap();
        server.expire_links();
        assert!(
            !check_invite(&link.server, link.token.expose())
                .await
                .unwrap()
        );
        let api = ApiClient::new(&link.server).unwrap();
        let err = api
            .register(link.token.expose(), "eve", "eve@example.com", "pw", "tui:e")
            .await
            .unwrap_err();
        assert_eq!(err, ApiError::InviteExpired);
        assert!(err.to_string().contains("this invite link has expired"));
        let err = api
            .register("not-a-token", "eve", "eve@example.com", "pw", "tui:e")
            .await
            .unwrap_err();
        assert_eq!(err, ApiError::InviteExpired);
        assert_eq!(server.uid_of("eve@example.com"), None, "nobody was made");

        // A link that lives a second is good, then not.
        let link = parse_link(&server.invite_link(None, Duration::from_secs(1)).unwrap()).unwrap();
        assert!(
            check_invite(&link.server, link.token.expose())
                .await
                .unwrap()
        );
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert!(
            !check_invite(&link.server, link.token.expose())
                .await
                .unwrap()
        );
    }
}

#[tokio::test]
async fn a_private_channels_invite_adds_the_newcomer_and_is_refused_to_outsiders() {
    let server = profile(false).await;
    // #dev (gid 2) is private: bob owns it, the admin is a member.
    let link = parse_link(
        &server
            .invite_link(Some(2), Duration::from_secs(60))
            .unwrap(),
    )
    .unwrap();
    let api = ApiClient::new(&link.server).unwrap();
    api.register(link.token.expose(), "fay", "fay@example.com", "pw", "tui:f")
        .await
        .unwrap();
    let dev = api.group(2).await.unwrap();
    assert!(
        dev.members
            .contains(&server.uid_of("fay@example.com").unwrap())
    );
    // #secret (gid 3) is carol's alone: the admin may, an unknown channel is 404.
    assert_eq!(make_invite(&server, "?gid=3").await.0, 200);
    assert_eq!(make_invite(&server, "?gid=99").await.0, 404);
}

#[tokio::test]
async fn an_emailed_login_link_logs_in_without_a_password() {
    for newer in [false, true] {
        let server = profile(newer).await;
        let link = parse_link(&server.login_link(BOB.0)).unwrap();
        assert_eq!(link.kind, LinkKind::Login);
        let api = ApiClient::new(&link.server).unwrap();
        assert!(api.check_magic_token(link.token.expose()).await.unwrap());
        let (session, user) = api
            .login_with_link(link.token.expose(), "tui:bob-link")
            .await
            .unwrap();
        assert_eq!((user.name.as_str(), session.uid), ("bob", 2));
        assert_eq!(api.me().await.unwrap().uid, 2);

        // An invite is no login link (401), a stale link no token at all (400): both say the
        // link has expired.
        let invite =
            parse_link(&server.invite_link(None, Duration::from_secs(60)).unwrap()).unwrap();
        let other = ApiClient::new(&link.server).unwrap();
        assert_eq!(
            other
                .login_with_link(invite.token.expose(), "tui:x")
                .await
                .unwrap_err(),
            ApiError::LoginLinkExpired
        );
        // A newer link replaces the older one.
        let newer_link = parse_link(&server.login_link(BOB.0)).unwrap();
        assert_eq!(
            other
                .login_with_link(link.token.expose(), "tui:x")
                .await
                .unwrap_err(),
            ApiError::LoginLinkExpired
        );
        other
            .login_with_link(newer_link.token.expose(), "tui:x")
            .await
            .unwrap();
    }
}
