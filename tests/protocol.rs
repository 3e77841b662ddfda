//! The REST client against the demo server over loopback: login and its failures, every
//! message kind, folding, history paging, read markers, settings, error mapping.

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
use vocechat_tui::model::{ChatModel, ConvKey};
use vocechat_tui::protocol::ServerEvent;
use vocechat_tui::protocol::types::*;
use vocechat_tui::runtime::api::{ApiClient, ApiError, MuteChange};
use vocechat_tui::runtime::sync::Cursor;

#[tokio::test]
async fn login_without_referer_is_refused_with_451() {
    let server = server().await;
    let resp = reqwest::Client::new()
        .post(format!("{}/api/token/login", server.base_url()))
        .json(&serde_json::json!({"credential": {"type": "password", "email": ADMIN.0, "password": ADMIN.1}, "device": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 451);
    assert!(resp.headers().get("content-type").is_none());
    assert_eq!(
        resp.text().await.unwrap(),
        "License error: Referer is empty."
    );
    // Our client always sends the Referer, so it gets in.
    let api = login(&server, ADMIN, "tui:a").await;
    assert_eq!(api.me().await.unwrap().name, "admin");
}

#[tokio::test]
async fn login_failures_are_told_apart() {
    let server = server().await;
    let api = ApiClient::new(&server.base_url()).unwrap();
    assert_eq!(
        api.login(ADMIN.0, "nope", "tui:a").await.unwrap_err(),
        ApiError::WrongPassword
    );
    assert_eq!(
        api.login("who@example.com", "x", "tui:a")
            .await
            .unwrap_err(),
        ApiError::UnknownEmail
    );
    // E-mail case does not matter: the client lower-cases it like the web client.
    api.login("Admin@Example.com", ADMIN.1, "tui:a")
        .await
        .unwrap();
    assert_eq!(api.version().await.unwrap(), "0.3.3");
}

#[tokio::test]
async fn network_and_non_vocechat_failures_are_clear() {
    // A closed port.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let api = ApiClient::new(&format!("http://127.0.0.1:{port}")).unwrap();
    let err = api.login("a@b.c", "x", "d").await.unwrap_err();
    assert!(matches!(err, ApiError::Network(_)), "{err:?}");
    assert!(err.to_string().contains("cannot reach"));
    // Some other web server.
    let app = axum::Router::new()
        .fallback(|| async { axum::response::Html("<html><body>hello</body></html>") });
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    let api = ApiClient::new(&format!("http://{addr}")).unwrap();
    assert!(matches!(
        api.version().await.unwrap_err(),
        ApiError::NotVoceChat(_)
    ));
    assert!(matches!(
        api.login("a@b.c", "x", "d").await.unwrap_err(),
        ApiError::NotVoceChat(_)
    ));
}

#[tokio::test]
async fn sync_reaches_ready_after_the_initial_batch_in_order() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let mut s = stream(&api, Cursor::default(), fast_sync());
    let seen = s.until_live().await;
    let kinds: Vec<&'static str> = events(&seen)
        .iter()
        .map(|e| match e {
            ServerEvent::UsersSnapshot { .. } => "users_snapshot",
            ServerEvent::UsersState { .. } => "users_state",
            ServerEvent::RelatedGroups { .. } => "related_groups",
            ServerEvent::UserSettings(_) => "user_settings",
            ServerEvent::Ready => "ready",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "users_snapshot",
            "users_state",
            "related_groups",
            "user_settings",
            "ready"
        ]
    );
    // Admin sees lobby and dev, not carol's secret group.
    let groups = events(&seen)
        .into_iter()
        .find_map(|e| match e {
            ServerEvent::RelatedGroups { groups } => Some(groups),
            _ => None,
        })
        .unwrap();
    assert_eq!(groups.iter().map(|g| g.gid).collect::<Vec<_>>(), vec![1, 2]);
    // Heartbeats keep coming (they are not forwarded, but the stream stays live).
    tokio::time::sleep(Duration::from_millis(600)).await;
    while let Ok(msg) = s.rx.try_recv() {
        assert!(
            !matches!(msg, SyncMsg::State(_)),
            "no reconnect while heartbeats flow: {msg:?}"
        );
    }
}

/// Sends each content type and folds the echoes.
#[tokio::test]
async fn messages_of_every_kind_round_trip_and_fold() {
    let server = server().await;
    let admin = login(&server, ADMIN, "tui:a").await;
    let bob = login(&server, BOB, "tui:b").await;
    let mut s = stream(&admin, Cursor::default(), fast_sync());
    let mut model = ChatModel::new(1);
    for e in events(&s.until_live().await) {
        model.apply(e);
    }
    let dev = Target::Group { gid: 2 };
    let mut props = Properties::with_local_id(1_700_000_000_001);
    props.mentions = vec![2];
    let m1 = admin
        .send(dev, &Content::Text("hi @2 ".into()), &props)
        .await
        .unwrap();
    let m2 = admin
        .send(
            dev,
            &Content::Markdown("**bold**".into()),
            &Properties::default(),
        )
        .await
        .unwrap();
    let m3 = bob
        .send(
            Target::User { uid: 1 },
            &Content::Text("dm to admin".into()),
            &Properties::default(),
        )
        .await
        .unwrap();
    // A file: prepare, two chunks, send.
    let file_id = admin
        .file_prepare(Some("text/plain"), Some("notes.txt"))
        .await
        .unwrap();
    assert!(
        admin
            .file_upload_chunk(&file_id, "hello ".into(), false)
            .await
            .unwrap()
            .is_none()
    );
    let stored = admin
        .file_upload_chunk(&file_id, "world".into(), true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.size, 11);
    let m4 = admin
        .send(
            dev,
            &Content::File {
                path: stored.path.clone(),
            },
            &Properties::with_local_id(7),
        )
        .await
        .unwrap();
    // An archive message carries its path as text under the exact type.
    let m5 = admin
        .send(
            Target::User { uid: 3 },
            &Content::Archive("2026/1/5/some-archive".into()),
            &Properties::default(),
        )
        .await
        .unwrap();
    // Reactions and a reply.
    let r1 = bob.like(m1, "👍").await.unwrap();
    let r2 = bob.like(m1, "👍").await.unwrap();
    let r3 = admin.like(m1, "🎉").await.unwrap();
    let e1 = admin
        .edit(
            m2,
            &Content::Markdown("**bolder**".into()),
            &Properties::default(),
        )
        .await
        .unwrap();
    let rp = bob
        .reply(m2, &Content::Text("nice".into()), &Properties::default())
        .await
        .unwrap();
    let d1 = admin.delete_message(m4).await.unwrap();
    assert!(
        [m1, m2, m3, m4, r1, r2, r3, e1, rp, d1]
            .windows(2)
            .all(|w| w[0] < w[1])
    );
    for e in events(&s.until_mid(d1).await) {
        model.apply(e);
    }
    let msg1 = model.message(m1).unwrap();
    assert_eq!(msg1.content, "hi @2 ");
    assert_eq!(
        local_id_of(msg1.properties.as_ref()),
        Some(1_700_000_000_001)
    );
    assert_eq!(mentions_of(msg1.properties.as_ref()), vec![2]);
    assert_eq!(
        msg1.reactions.keys().collect::<Vec<_>>(),
        vec!["🎉"],
        "bob's second 👍 undid the first"
    );
    let msg2 = model.message(m2).unwrap();
    assert_eq!(
        (msg2.kind.content_type(), msg2.content.as_str(), msg2.edited),
        ("text/markdown", "**bolder**", true)
    );
    assert_eq!(model.message(rp).unwrap().reply_to, Some(m2));
    assert!(model.message(m4).unwrap().deleted);
    assert_eq!(
        model.message(m4).unwrap().properties.as_ref().unwrap()["name"],
        "notes.txt"
    );
    assert_eq!(server.stored_file(&stored.path).unwrap(), b"hello world");
    let archive = model.message(m5).unwrap();
    assert_eq!(
        (archive.kind.content_type(), archive.content.as_str()),
        ("vocechat/archive", "2026/1/5/some-archive")
    );
    // Bob's DM is keyed by bob from admin's side; it is unread.
    assert_eq!(model.convs[&ConvKey::User(2)].unread, 1);
    // Rules the server enforces come back as clear errors.
    assert!(matches!(
        bob.edit(m1, &Content::Text("x".into()), &Properties::default())
            .await,
        Err(ApiError::Forbidden(_))
    ));
    assert!(matches!(
        admin.like(9999, "👍").await,
        Err(ApiError::NotFound(_))
    ));
    assert!(matches!(
        admin.like(m1, "🙂").await,
        Err(ApiError::BadRequest(_))
    ));
    assert!(matches!(
        bob.send(
            Target::Group { gid: 3 },
            &Content::Text("x".into()),
            &Properties::default()
        )
        .await,
        Err(ApiError::Forbidden(_))
    ));
    assert!(matches!(
        bob.send(
            Target::User { uid: 99 },
            &Content::Text("x".into()),
            &Properties::default()
        )
        .await,
        Err(ApiError::NotFound(_))
    ));
}

#[tokio::test]
async fn exact_content_types_are_enforced_like_the_real_server() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let token = api.access_token().await.unwrap();
    let post = |ct: Option<&'static str>| {
        let mut r = reqwest::Client::new()
            .post(format!("{}/api/group/1/send", server.base_url()))
            .header("X-API-Key", token.clone())
            .body("x");
        if let Some(ct) = ct {
            r = r.header("Content-Type", ct);
        }
        r.send()
    };
    assert_eq!(
        post(Some("text/plain; charset=utf-8"))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        post(Some("text/markdown; charset=utf-8"))
            .await
            .unwrap()
            .status(),
        415
    );
    assert_eq!(post(None).await.unwrap().status(), 415);
    assert_eq!(post(Some("application/json")).await.unwrap().status(), 415);
}

#[tokio::test]
async fn history_pages_back_to_the_start() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let mut sent = Vec::new();
    for i in 0..25 {
        sent.push(
            server
                .post_as(2, Target::Group { gid: 2 }, &format!("m{i}"))
                .unwrap(),
        );
        // Noise in other conversations must not leak into the page.
        server
            .post_as(2, Target::Group { gid: 1 }, "lobby noise")
            .unwrap();
    }
    let key = ConvKey::Group(2);
    let mut model = ChatModel::new(1);
    let mut before = None;
    let mut pages = 0;
    loop {
        let page = api.history(key.target(), before, 10).await.unwrap();
        pages += 1;
        assert!(
            page.windows(2).all(|w| w[0].mid < w[1].mid),
            "pages are ascending"
        );
        before = page.first().map(|m| m.mid);
        model.apply_history(key, page, 10);
        if model.convs[&key].history_complete {
            break;
        }
        assert!(pages < 10, "paging never ended");
    }
    assert_eq!(pages, 3);
    let got: Vec<i64> = model.convs[&key].messages.keys().copied().collect();
    assert_eq!(got, sent);
    assert!(
        api.history(key.target(), Some(sent[0]), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        api.history(Target::Group { gid: 3 }, None, 10).await,
        Err(ApiError::Forbidden(_))
    ));
}

#[tokio::test]
async fn history_500s_and_timeouts_are_typed_transient_errors() {
    let server = server().await;
    let lobby = Target::Group { gid: 1 };
    let mid = server.post_as(2, lobby, "still there").unwrap();
    // A short request timeout, so a stalled server is noticed quickly.
    let api = ApiClient::with_timeout(&server.base_url(), Duration::from_millis(300)).unwrap();
    api.login(ADMIN.0, ADMIN.1, "tui:a").await.unwrap();

    server.faults().fail_next_history(2);
    for _ in 0..2 {
        let err = api.history(lobby, None, 10).await.unwrap_err();
        assert_eq!(
            err,
            ApiError::Server {
                status: 500,
                body: "Internal Server Error".into()
            }
        );
        assert!(err.is_transient());
    }
    let page = api.history(lobby, None, 10).await.unwrap();
    assert_eq!(page.last().map(|m| m.mid), Some(mid));

    // A server that stops answering: the call ends with a timeout instead of hanging.
    server.faults().slow_responses(Duration::from_secs(5));
    let err = tokio::time::timeout(Duration::from_secs(3), api.history(lobby, None, 10))
        .await
        .expect("the request timeout ends the call")
        .unwrap_err();
    assert!(
        matches!(&err, ApiError::Network(m) if m.starts_with("timed out")),
        "{err:?}"
    );
    assert!(err.is_transient());
    server.faults().slow_responses(Duration::ZERO);
    let page = api.history(lobby, None, 10).await.unwrap();
    assert_eq!(page.last().map(|m| m.mid), Some(mid));
}

#[tokio::test]
async fn read_index_and_settings_reach_only_the_other_devices() {
    let server = server().await;
    let a = login(&server, ADMIN, "tui:a").await;
    let b = login(&server, ADMIN, "tui:b").await;
    let mid = server
        .post_as(2, Target::Group { gid: 2 }, "read me")
        .unwrap();
    let mut sa = stream(&a, Cursor::default(), fast_sync());
    let mut sb = stream(&b, Cursor::default(), fast_sync());
    let mut model_b = ChatModel::new(1);
    sa.until_live().await;
    for e in events(&sb.until_live().await) {
        model_b.apply(e);
    }
    assert_eq!(model_b.convs[&ConvKey::Group(2)].unread, 1);
    a.read_index(&[], &[GroupReadIndex { gid: 2, mid }])
        .await
        .unwrap();
    a.read_index(
        &[],
        &[GroupReadIndex {
            gid: 2,
            mid: mid - 1,
        }],
    )
    .await
    .unwrap(); // backwards: ignored
    a.mute(&MuteChange {
        add_groups: vec![(2, None)],
        ..Default::default()
    })
    .await
    .unwrap();
    a.burn_after_reading(Target::Group { gid: 2 }, 60)
        .await
        .unwrap();
    let seen = sb
        .until(Duration::from_secs(5), |m| {
            matches!(m, SyncMsg::Event(e) if matches!(&**e, ServerEvent::UserSettingsChanged(c) if !c.burn_after_reading_groups.is_empty()))
        })
        .await;
    let changes: Vec<_> = events(&seen)
        .into_iter()
        .filter(|e| matches!(e, ServerEvent::UserSettingsChanged(_)))
        .collect();
    assert_eq!(
        changes.len(),
        3,
        "read index (once: the backwards one is ignored), mute, burn"
    );
    for e in events(&seen) {
        model_b.apply(e);
    }
    assert_eq!(model_b.convs[&ConvKey::Group(2)].unread, 0);
    assert!(model_b.is_muted(ConvKey::Group(2), 0));
    assert_eq!(model_b.burn.get(&ConvKey::Group(2)), Some(&60));
    // Device A got none of its own changes.
    tokio::time::sleep(Duration::from_millis(300)).await;
    while let Ok(m) = sa.rx.try_recv() {
        assert!(
            !matches!(&m, SyncMsg::Event(e) if matches!(&**e, ServerEvent::UserSettingsChanged(_))),
            "{m:?}"
        );
    }
    // The next message you send in that conversation burns after 60 s.
    let m = a
        .send(
            Target::Group { gid: 2 },
            &Content::Text("secret".into()),
            &Properties::default(),
        )
        .await
        .unwrap();
    let seen = sb.until_mid(m).await;
    for e in events(&seen) {
        model_b.apply(e);
    }
    assert_eq!(model_b.message(m).unwrap().expires_in, Some(60));
    // Unknown ids are refused.
    assert!(matches!(
        a.read_index(&[UserReadIndex { uid: 1, mid: 1 }], &[]).await,
        Err(ApiError::BadRequest(_))
    ));
}

#[tokio::test]
async fn groups_can_be_created_joined_and_left() {
    let server = server().await;
    let admin = login(&server, ADMIN, "tui:a").await;
    let carol = login(&server, CAROL, "tui:c").await;
    let mut sc = stream(&carol, Cursor::default(), fast_sync());
    let mut model = ChatModel::new(3);
    for e in events(&sc.until_live().await) {
        model.apply(e);
    }
    let created = admin
        .create_group(&NewGroup {
            name: "ops".into(),
            description: None,
            members: vec![],
            is_public: false,
        })
        .await
        .unwrap();
    admin.add_members(created.gid, &[3]).await.unwrap();
    let seen = sc
        .until(
            Duration::from_secs(5),
            |m| matches!(m, SyncMsg::Event(e) if matches!(&**e, ServerEvent::JoinedGroup { .. })),
        )
        .await;
    for e in events(&seen) {
        model.apply(e);
    }
    assert_eq!(model.groups[&created.gid].members, vec![1, 3]);
    assert!(matches!(
        admin.add_members(created.gid, &[3]).await,
        Err(ApiError::BadRequest(_))
    ));
    carol.leave_group(created.gid).await.unwrap();
    let seen = sc
        .until(Duration::from_secs(5), |m| matches!(m, SyncMsg::Event(e) if matches!(&**e, ServerEvent::UserLeavedGroup { .. })))
        .await;
    for e in events(&seen) {
        model.apply(e);
    }
    assert!(!model.groups.contains_key(&created.gid));
    assert!(
        matches!(
            admin.leave_group(created.gid).await,
            Err(ApiError::Forbidden(_))
        ),
        "the owner cannot leave"
    );
    assert!(
        matches!(carol.leave_group(1).await, Err(ApiError::Forbidden(_))),
        "nobody leaves a public group"
    );
    // Pins.
    let mid = admin
        .send(
            Target::Group { gid: created.gid },
            &Content::Text("pin me".into()),
            &Properties::default(),
        )
        .await
        .unwrap();
    admin.pin(created.gid, mid).await.unwrap();
    assert!(matches!(
        admin.pin(created.gid, mid).await,
        Err(ApiError::Conflict(_))
    ));
    assert_eq!(
        admin
            .group(created.gid)
            .await
            .unwrap()
            .pinned_messages
            .len(),
        1
    );
    admin.unpin(created.gid, mid).await.unwrap();
    let groups = admin.groups().await.unwrap();
    assert!(groups.iter().any(|g| g.gid == created.gid));
    assert_eq!(admin.users().await.unwrap().len(), 3);
}

#[tokio::test]
async fn uploads_over_the_servers_limit_get_a_clear_413() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    server.faults().limit_uploads(Some(10));
    let id = api.file_prepare(None, Some("big.bin")).await.unwrap();
    api.file_upload_chunk(&id, vec![0u8; 8].into(), false)
        .await
        .unwrap();
    let err = api
        .file_upload_chunk(&id, vec![0u8; 8].into(), true)
        .await
        .unwrap_err();
    assert_eq!(err, ApiError::TooLarge);
    assert!(err.to_string().contains("size limit"));
    // A chunk failure injected by the server is reported, and the next one goes through.
    server.faults().limit_uploads(None);
    server.faults().fail_next_chunks(1);
    let id = api.file_prepare(None, Some("ok.bin")).await.unwrap();
    assert!(matches!(
        api.file_upload_chunk(&id, vec![1u8; 4].into(), true).await,
        Err(ApiError::Server { status: 500, .. })
    ));
    let stored = api
        .file_upload_chunk(&id, vec![1u8; 4].into(), true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.size, 4);
}

#[tokio::test]
async fn the_vocespace_base_comes_from_newer_servers_and_is_absent_on_0_3_3() {
    let old = server().await;
    let api = login(&old, ADMIN, "tui:a").await;
    assert_eq!(
        api.vocespace_base().await.unwrap(),
        None,
        "0.3.3 answers 404"
    );
    let newer = vocechat_tui::demo::DemoServer::start(vocechat_tui::demo::DemoConfig {
        vocespace_url: Some("meet.example.com:7880".into()),
        ..fast_config()
    })
    .await
    .unwrap();
    let api = login(&newer, ADMIN, "tui:a").await;
    assert_eq!(
        api.vocespace_base().await.unwrap().as_deref(),
        Some("https://meet.example.com:3008")
    );
}

/// Favorites as 0.3.3 keeps them (the shapes of the recorded `128`–`133` exchanges): saved
/// with the current, edited content, listed, read back as an archive, deleted, and a second
/// delete is a 404.
#[tokio::test]
async fn favorites_save_list_read_and_delete() {
    let server = server().await;
    let api = login(&server, ADMIN, "tui:a").await;
    let lobby = Target::Group { gid: 1 };
    let mid = api
        .send(
            lobby,
            &Content::Text("worth keeping".into()),
            &Properties::default(),
        )
        .await
        .unwrap();
    api.edit(
        mid,
        &Content::Text("worth keeping, edited".into()),
        &Properties::default(),
    )
    .await
    .unwrap();
    let saved = api.create_favorite(&[mid]).await.unwrap();
    assert!(saved.created_at > 0);
    let list = api.favorites().await.unwrap();
    assert_eq!(list, vec![saved.clone()]);
    let archive = api.favorite(&saved.id).await.unwrap();
    assert_eq!(archive.messages.len(), 1);
    let m = &archive.messages[0];
    assert_eq!((m.mid, m.source), (mid, lobby));
    assert_eq!(m.content.as_deref(), Some("worth keeping, edited"));
    assert_eq!(archive.users[m.from_user].name, "admin");
    // Someone else's favorites are their own.
    let bob = login(&server, BOB, "tui:b").await;
    assert!(bob.favorites().await.unwrap().is_empty());
    assert!(matches!(
        bob.favorite(&saved.id).await,
        Err(ApiError::NotFound(_))
    ));
    api.delete_favorite(&saved.id).await.unwrap();
    assert!(api.favorites().await.unwrap().is_empty());
    assert!(matches!(
        api.delete_favorite(&saved.id).await,
        Err(ApiError::NotFound(_))
    ));
}

/// HTTPS goes through rustls on ring: against a listener that answers the TLS hello with
/// plain text, the call fails as a network error (the TLS stack ran), never a panic for a
/// missing crypto provider.
#[tokio::test]
async fn https_runs_on_the_one_tls_stack() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut hello = [0u8; 5];
        s.read_exact(&mut hello).await.unwrap();
        // A TLS handshake record: content type 22, version 3.x.
        assert_eq!(hello[0], 22, "a TLS ClientHello");
        let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
    });
    let api = ApiClient::new(&format!("https://{addr}")).unwrap();
    let err = api.version().await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    server.await.unwrap();
}
