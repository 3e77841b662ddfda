//! Opening accounts (`runtime/account`) against the demo server, with a real store and real
//! saved sessions: a login saves its session and opens its store; a saved session opens with
//! the server gone (nothing is asked of the network) and restores what its store holds; the
//! executor tells the app of a login only once the account is in, so the effects the app
//! answers with find it; an effect tagged with an account runs on that account's session only;
//! one executor holds two accounts on two servers and routes each effect to its own; what
//! each session sends the app comes tagged with its account, and one server going away leaves
//! the other account sending and hearing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use common::*;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use vocechat_tui::app::{AccountId, Effect, Msg};
use vocechat_tui::protocol::types::Target;
use vocechat_tui::runtime::account::Source;
use vocechat_tui::runtime::executor::{Executor, Setup};
use vocechat_tui::runtime::session_store::SessionStore;
use vocechat_tui::secret::Secret;

fn setup(dir: &std::path::Path) -> Setup {
    Setup {
        data_dir: Some(dir.to_path_buf()),
        sessions: Some(Arc::new(SessionStore::new(dir))),
        device: "tui:account-test".into(),
        sync: fast_sync(),
        vocespace: Default::default(),
        chunk_size: 200 * 1024,
    }
}

fn login(server: &str, password: &str) -> Effect {
    Effect::Login {
        server: server.into(),
        email: ADMIN.0.into(),
        password: Secret::new(password),
        password_command: false,
    }
}

/// The message `msg` if it is tagged with account `id`.
fn of(id: AccountId, msg: &Msg) -> Option<&Msg> {
    match msg {
        Msg::For(tag, inner) if *tag == id => Some(inner),
        _ => None,
    }
}

fn is_live(msg: &Msg) -> bool {
    matches!(
        msg,
        Msg::Sync(vocechat_tui::app::conn::SyncMsg::State(
            vocechat_tui::app::conn::ConnState::Live
        ))
    )
}

/// Reads app messages until one matches, within five seconds.
async fn until_msg(rx: &mut mpsc::UnboundedReceiver<Msg>, pred: impl Fn(&Msg) -> bool) -> Msg {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let msg = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("in time")
            .expect("open");
        if pred(&msg) {
            return msg;
        }
    }
}

#[tokio::test]
async fn a_login_becomes_an_account_before_the_app_hears_of_it() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut executor = Executor::new(setup(dir.path()), tx);
    // A wrong password: the app hears of the failure, no account.
    executor.run(login(&server.base_url(), "wrong"));
    let event = executor.next_event().await.unwrap();
    executor.on_event(event);
    let msg = until_msg(&mut rx, |m| matches!(m, Msg::LoggedIn(_))).await;
    assert!(matches!(msg, Msg::LoggedIn(Err(_))), "{msg:?}");
    assert_eq!(executor.file_url(None, "a/b"), None);
    // The right one.
    executor.run(login(&server.base_url(), ADMIN.1));
    let event = executor.next_event().await.unwrap();
    executor.on_event(event);
    let msg = until_msg(&mut rx, |m| matches!(m, Msg::LoggedIn(_))).await;
    let Msg::LoggedIn(Ok(logged_in)) = &msg else {
        panic!("{msg:?}")
    };
    assert_eq!(logged_in.uid, 1);
    // The login tells the app which account it opened (the failed one spent a number).
    let id = logged_in.account;
    assert_eq!(executor.accounts(), vec![id]);
    assert_ne!(id, AccountId(1));
    // The account is in as the app hears of it: what the app answers with (start the
    // stream) reaches the server, and what the stream says comes tagged with the account.
    assert!(executor.file_url(None, "a/b").is_some());
    executor.run(Effect::StartSync);
    until_msg(&mut rx, |m| of(id, m).is_some_and(is_live)).await;
    // The session was saved (by a task of its own), for the next start.
    let sessions = SessionStore::new(dir.path());
    let base = format!("{}/", server.base_url());
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while sessions.load(&base, 1).is_none() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(sessions.load(&base, 1).map(|s| s.session.uid), Some(1));
    executor.shutdown().await;
}

#[tokio::test]
async fn a_saved_session_opens_with_the_server_gone_and_restores_its_store() {
    let server = server().await;
    server
        .post_as(2, Target::Group { gid: 1 }, "kept in the store")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let base = format!("{}/", server.base_url());
    {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut executor = Executor::new(setup(dir.path()), tx);
        executor.run(login(&server.base_url(), ADMIN.1));
        let event = executor.next_event().await.unwrap();
        executor.on_event(event);
        executor.run(Effect::StartSync);
        // Hand the store what arrives, as the loop does, until the stream is live.
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(5), rx.recv())
                .await
                .unwrap()
                .unwrap();
            executor.observe(&msg);
            if let Msg::For(_, inner) = &msg
                && is_live(inner)
            {
                break;
            }
        }
        executor.shutdown().await;
    }
    drop(server);
    let saved = SessionStore::new(dir.path()).load(&base, 1).expect("saved");
    let (tx, _rx) = mpsc::unbounded_channel();
    let mut executor = Executor::new(setup(dir.path()), tx);
    let opened = executor.open(Source::Saved(saved)).await.unwrap();
    assert_eq!(opened.logged_in.uid, 1);
    assert!(opened.broken.is_none());
    let restored = opened.restored.expect("the store was read");
    let texts: Vec<String> = restored
        .chat
        .convs
        .values()
        .flat_map(|c| c.messages.values())
        .map(|m| m.content.clone())
        .collect();
    assert!(texts.iter().any(|t| t == "kept in the store"), "{texts:?}");
}

#[tokio::test]
async fn an_effect_tagged_with_an_account_runs_on_its_session_and_no_other() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut executor = Executor::new(setup(dir.path()), tx);
    let opened = executor
        .open(Source::Login {
            server: server.base_url(),
            email: ADMIN.0.into(),
            password: Secret::new(ADMIN.1),
            from_command: false,
        })
        .await
        .unwrap();
    let id = opened.session.id;
    executor.adopt(opened.session);
    let probe = || Box::new(Effect::ProbeServer);
    // Another account's: not run on this session (no answer), and not answered as needing one.
    executor.run(Effect::For(AccountId(id.0 + 1), probe()));
    // This account's: run, answered once.
    executor.run(Effect::For(id, probe()));
    until_msg(&mut rx, |m| {
        of(id, m).is_some_and(|m| matches!(m, Msg::ServerInfo(_)))
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    while let Ok(msg) = rx.try_recv() {
        let msg = of(id, &msg).unwrap_or(&msg);
        assert!(
            !matches!(msg, Msg::ServerInfo(_) | Msg::Done { .. }),
            "{msg:?}"
        );
    }
    executor.shutdown().await;
}

/// Opens an account on `server` as the admin.
async fn open_on(executor: &mut Executor, server: &vocechat_tui::demo::DemoServer) -> AccountId {
    let opened = executor
        .open(Source::Login {
            server: server.base_url(),
            email: ADMIN.0.into(),
            password: Secret::new(ADMIN.1),
            from_command: false,
        })
        .await
        .unwrap();
    let id = opened.session.id;
    executor.adopt(opened.session);
    id
}

/// Waits until `server` has `n` open streams, within five seconds.
async fn until_streams(server: &vocechat_tui::demo::DemoServer, n: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while server.open_streams() != n {
        assert!(
            std::time::Instant::now() < deadline,
            "{} streams, not {n}",
            server.open_streams()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn one_executor_holds_two_accounts_and_routes_each_effect_to_its_own() {
    let (work, home) = (server().await, server().await);
    let dir = tempfile::tempdir().unwrap();
    let (tx, _rx) = mpsc::unbounded_channel();
    let mut executor = Executor::new(setup(dir.path()), tx);
    let w = open_on(&mut executor, &work).await;
    let h = open_on(&mut executor, &home).await;
    assert_ne!(w, h);
    assert_eq!(executor.accounts(), vec![w, h]);
    // Untagged: the focused account's (the first taken in).
    executor.run(Effect::StartSync);
    until_streams(&work, 1).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(home.open_streams(), 0);
    // Tagged: its own account's, whichever is focused.
    executor.run(Effect::For(h, Box::new(Effect::StartSync)));
    until_streams(&home, 1).await;
    assert_eq!(work.open_streams(), 1);
    // The focus moves: the untagged effects follow it.
    let on = |url: Option<String>, server: &vocechat_tui::demo::DemoServer| {
        url.is_some_and(|u| u.starts_with(&server.base_url()))
    };
    assert!(on(executor.file_url(None, "a"), &work));
    executor.focus(h);
    assert!(on(executor.file_url(None, "a"), &home));
    // A link made in an account is on that account's server, whichever is focused.
    assert!(on(executor.file_url(Some(w), "a"), &work));
    // Quitting ends every account's stream.
    executor.shutdown().await;
    until_streams(&work, 0).await;
    until_streams(&home, 0).await;
}

/// A text for the lobby of the account the effect is run for.
fn send(local_id: i64, text: &str) -> Effect {
    Effect::Send {
        key: vocechat_tui::model::ConvKey::Group(1),
        local_id,
        content: vocechat_tui::protocol::content::Content::Text(text.into()),
        properties: Default::default(),
        reply_to: None,
        retry: false,
    }
}

/// The texts of the server's events in `msg`.
fn chat_text(msg: &Msg) -> Option<String> {
    let Msg::Sync(vocechat_tui::app::conn::SyncMsg::Event(event)) = msg else {
        return None;
    };
    let vocechat_tui::protocol::ServerEvent::Chat(chat) = event.as_ref() else {
        return None;
    };
    Some(format!("{chat:?}"))
}

#[tokio::test]
async fn two_accounts_on_two_servers_each_hear_their_own_and_one_going_away_leaves_the_other() {
    let (work, home) = (server().await, server().await);
    let dir = tempfile::tempdir().unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut executor = Executor::new(setup(dir.path()), tx);
    let w = open_on(&mut executor, &work).await;
    let h = open_on(&mut executor, &home).await;
    // Both streams start; each one's state comes back tagged with its own account.
    executor.run(Effect::StartSync);
    executor.run(Effect::For(h, Box::new(Effect::StartSync)));
    until_msg(&mut rx, |m| of(w, m).is_some_and(is_live)).await;
    until_msg(&mut rx, |m| of(h, m).is_some_and(is_live)).await;
    // A send tagged with home reaches home's server only, and its answer comes back as home's.
    let (work_count, home_count) = (work.message_count(), home.message_count());
    executor.run(Effect::For(h, Box::new(send(1, "to home"))));
    until_msg(&mut rx, |m| {
        of(h, m).is_some_and(|m| matches!(m, Msg::Sent { result: Ok(_), .. }))
    })
    .await;
    assert_eq!(home.message_count(), home_count + 1);
    assert_eq!(work.message_count(), work_count);
    // What each server says reaches the app as its account's, never the other's.
    work.post_as(2, Target::Group { gid: 1 }, "said at work")
        .unwrap();
    home.post_as(2, Target::Group { gid: 1 }, "said at home")
        .unwrap();
    let (mut at_work, mut at_home) = (false, false);
    while !(at_work && at_home) {
        let msg = until_msg(&mut rx, |m| matches!(m, Msg::For(..))).await;
        let Msg::For(id, inner) = &msg else { continue };
        let Some(text) = chat_text(inner) else {
            continue;
        };
        if text.contains("said at work") {
            assert_eq!(*id, w, "{text}");
            at_work = true;
        }
        if text.contains("said at home") {
            assert_eq!(*id, h, "{text}");
            at_home = true;
        }
    }
    // Work's server goes away: home keeps sending and hearing.
    drop(work);
    let home_count = home.message_count();
    executor.run(Effect::For(h, Box::new(send(2, "still here"))));
    until_msg(&mut rx, |m| {
        of(h, m).is_some_and(|m| matches!(m, Msg::Sent { result: Ok(_), .. }))
    })
    .await;
    assert_eq!(home.message_count(), home_count + 1);
    home.post_as(2, Target::Group { gid: 1 }, "home again")
        .unwrap();
    until_msg(&mut rx, |m| {
        of(h, m)
            .and_then(chat_text)
            .is_some_and(|t| t.contains("home again"))
    })
    .await;
    executor.shutdown().await;
}

/// A draft typed in one account just before a key focused another is saved with its own
/// account's store at the end of that batch (the loop saves every account's view), so a
/// crash right after loses nothing typed.
#[tokio::test]
async fn the_draft_of_an_account_left_is_saved_in_its_own_store() {
    use vocechat_tui::app::{Account, App, Settings};
    use vocechat_tui::keymap::{Keymap, Preset};
    use vocechat_tui::model::ConvKey;
    let (work, home) = (server().await, server().await);
    let dir = tempfile::tempdir().unwrap();
    let home_base = format!("{}/", home.base_url());
    {
        let (tx, _rx) = mpsc::unbounded_channel();
        let mut executor = Executor::new(setup(dir.path()), tx);
        let w = open_on(&mut executor, &work).await;
        let h = open_on(&mut executor, &home).await;
        let settings = Settings::from(&vocechat_tui::config::Config::default());
        let mut app = App::logged_in(1, Keymap::new(Preset::Default), settings, "work".into());
        app.focused = w;
        assert!(app.add_account(h, Some(1), Account::default()));
        // Home: its lobby open, a draft typed; then work is focused (the key that left home).
        app.focus(h);
        app.chat.convs.entry(ConvKey::Group(1)).or_default();
        app.timeline.open = Some(ConvKey::Group(1));
        app.composer.set_text("half a thought for home");
        app.focus(w);
        executor.save_view(&app);
        executor.shutdown().await;
    }
    drop(home);
    let saved = SessionStore::new(dir.path())
        .load(&home_base, 1)
        .expect("saved");
    let (tx, _rx) = mpsc::unbounded_channel();
    let mut executor = Executor::new(setup(dir.path()), tx);
    let restored = executor
        .open(Source::Saved(saved))
        .await
        .unwrap()
        .restored
        .expect("the store was read");
    assert_eq!(restored.open, Some(ConvKey::Group(1)));
    assert_eq!(
        restored.drafts,
        [(ConvKey::Group(1), "half a thought for home".to_string())]
    );
}

/// A start opens every saved account at the same time; the answers come in the order asked,
/// each from its own store, and one that cannot be opened fails alone.
#[tokio::test]
async fn every_saved_account_opens_at_once_in_the_order_asked() {
    let (work, home) = (server().await, server().await);
    work.post_as(2, Target::Group { gid: 1 }, "stored at work")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    {
        let (tx, _rx) = mpsc::unbounded_channel();
        let mut executor = Executor::new(setup(dir.path()), tx);
        open_on(&mut executor, &work).await;
        open_on(&mut executor, &home).await;
        executor.shutdown().await;
    }
    let sessions = SessionStore::new(dir.path());
    let at = |s: &vocechat_tui::demo::DemoServer| {
        sessions
            .load(&format!("{}/", s.base_url()), 1)
            .expect("saved")
    };
    let (work_saved, home_saved) = (at(&work), at(&home));
    let mut broken = home_saved.clone();
    broken.server = "not a server".into();
    let (tx, _rx) = mpsc::unbounded_channel();
    let mut executor = Executor::new(setup(dir.path()), tx);
    let answers = executor
        .open_all(vec![
            Source::Saved(home_saved),
            Source::Saved(broken),
            Source::Saved(work_saved),
        ])
        .await;
    assert_eq!(answers.len(), 3);
    let servers: Vec<Option<String>> = answers
        .iter()
        .map(|a| a.as_ref().ok().map(|o| o.logged_in.server.clone()))
        .collect();
    assert_eq!(
        servers,
        [
            Some(format!("{}/", home.base_url())),
            None,
            Some(format!("{}/", work.base_url())),
        ]
    );
    let ids: Vec<u32> = answers
        .iter()
        .filter_map(|a| a.as_ref().ok().map(|o| o.session.id.0))
        .collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
}

/// Waits until the saved session of the admin on `server` is there (or gone), within five
/// seconds.
async fn until_saved(dir: &std::path::Path, server: &vocechat_tui::demo::DemoServer, there: bool) {
    let sessions = SessionStore::new(dir);
    let base = format!("{}/", server.base_url());
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while sessions.load(&base, 1).is_some() != there {
        assert!(
            std::time::Instant::now() < deadline,
            "saved session there: {}",
            !there
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn an_added_account_opens_beside_the_focused_one_which_keeps_running() {
    let (work, home) = (server().await, server().await);
    let dir = tempfile::tempdir().unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut executor = Executor::new(setup(dir.path()), tx);
    let w = open_on(&mut executor, &work).await;
    executor.run(Effect::StartSync);
    until_msg(&mut rx, |m| of(w, m).is_some_and(is_live)).await;
    // `/account add` for home: a login that opens a new account.
    executor.run(Effect::AddAccount(Box::new(login(
        &home.base_url(),
        ADMIN.1,
    ))));
    let event = executor.next_event().await.unwrap();
    executor.on_event(event);
    let msg = until_msg(&mut rx, |m| matches!(m, Msg::LoggedIn(_))).await;
    let Msg::LoggedIn(Ok(logged_in)) = &msg else {
        panic!("{msg:?}")
    };
    let h = logged_in.account;
    assert_ne!(h, w);
    // Beside work, not in its place; focused: the untagged effects are home's now.
    assert_eq!(executor.accounts(), vec![w, h]);
    assert!(
        executor
            .file_url(None, "a")
            .is_some_and(|u| u.starts_with(&home.base_url()))
    );
    executor.run(Effect::StartSync);
    until_msg(&mut rx, |m| of(h, m).is_some_and(is_live)).await;
    // Work's stream kept running, and work still sends through its own server.
    assert_eq!(work.open_streams(), 1);
    let work_count = work.message_count();
    executor.run(Effect::For(w, Box::new(send(1, "still at work"))));
    until_msg(&mut rx, |m| {
        of(w, m).is_some_and(|m| matches!(m, Msg::Sent { result: Ok(_), .. }))
    })
    .await;
    assert_eq!(work.message_count(), work_count + 1);
    // Its session was saved: the next start opens it.
    until_saved(dir.path(), &home, true).await;
    executor.shutdown().await;
}

#[tokio::test]
async fn ending_an_account_stops_its_stream_and_forgets_its_session_but_keeps_its_store() {
    let (work, home) = (server().await, server().await);
    let dir = tempfile::tempdir().unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut executor = Executor::new(setup(dir.path()), tx);
    let w = open_on(&mut executor, &work).await;
    let h = open_on(&mut executor, &home).await;
    executor.run(Effect::StartSync);
    executor.run(Effect::For(h, Box::new(Effect::StartSync)));
    until_msg(&mut rx, |m| of(w, m).is_some_and(is_live)).await;
    until_msg(&mut rx, |m| of(h, m).is_some_and(is_live)).await;
    until_saved(dir.path(), &home, true).await;
    until_saved(dir.path(), &work, true).await;
    let stores = || {
        std::fs::read_dir(dir.path().join("store"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sqlite3"))
            })
            .count()
    };
    assert_eq!(stores(), 2);
    // `/account remove home`: its session ends, its saved session goes, its store stays.
    executor.run(Effect::EndAccount {
        account: h,
        forget_session: true,
    });
    assert_eq!(executor.accounts(), vec![w]);
    until_streams(&home, 0).await;
    until_saved(dir.path(), &home, false).await;
    assert_eq!(stores(), 2);
    // Its effects go nowhere now; work keeps its stream, its saved session and its sends.
    executor.run(Effect::For(h, Box::new(send(1, "lost"))));
    let home_count = home.message_count();
    assert_eq!(work.open_streams(), 1);
    let work_count = work.message_count();
    executor.run(send(2, "at work"));
    until_msg(&mut rx, |m| {
        of(w, m).is_some_and(|m| matches!(m, Msg::Sent { result: Ok(_), .. }))
    })
    .await;
    assert_eq!(work.message_count(), work_count + 1);
    assert_eq!(home.message_count(), home_count);
    tokio::time::sleep(Duration::from_millis(200)).await;
    until_saved(dir.path(), &work, true).await;
    // Ending the focused one: the untagged effects have no account until the app focuses
    // another.
    executor.run(Effect::EndAccount {
        account: w,
        forget_session: false,
    });
    assert!(executor.accounts().is_empty());
    assert_eq!(executor.file_url(None, "a"), None);
    until_streams(&work, 0).await;
    // Without forgetting: its saved session stays.
    tokio::time::sleep(Duration::from_millis(200)).await;
    until_saved(dir.path(), &work, true).await;
    executor.shutdown().await;
}

#[tokio::test]
async fn adding_an_account_already_open_keeps_the_open_session_alone() {
    let work = server().await;
    let dir = tempfile::tempdir().unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut executor = Executor::new(setup(dir.path()), tx);
    let w = open_on(&mut executor, &work).await;
    executor.run(Effect::StartSync);
    until_msg(&mut rx, |m| of(w, m).is_some_and(is_live)).await;
    // The same user on the same server, added again.
    executor.run(Effect::AddAccount(Box::new(login(
        &work.base_url(),
        ADMIN.1,
    ))));
    let event = executor.next_event().await.unwrap();
    executor.on_event(event);
    let msg = until_msg(&mut rx, |m| matches!(m, Msg::LoggedIn(_))).await;
    let Msg::LoggedIn(Ok(logged_in)) = &msg else {
        panic!("{msg:?}")
    };
    assert_ne!(logged_in.account, w);
    // Not taken in: the open account stays the one, focused, its stream alone.
    assert_eq!(executor.accounts(), vec![w]);
    assert!(executor.file_url(None, "a").is_some());
    tokio::time::sleep(Duration::from_millis(300)).await;
    while let Ok(msg) = rx.try_recv() {
        assert!(
            !matches!(msg, Msg::Restored(_) | Msg::StoreUnusable(_)),
            "{msg:?}"
        );
    }
    assert_eq!(work.open_streams(), 1);
    executor.shutdown().await;
}

/// Staging a file and completing a path are answered as the account whose composer asked,
/// even when another account is focused by then.
#[tokio::test]
async fn staging_and_path_completion_answer_the_account_that_asked() {
    let (work, home) = (server().await, server().await);
    let dir = tempfile::tempdir().unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut executor = Executor::new(setup(dir.path()), tx);
    let w = open_on(&mut executor, &work).await;
    let h = open_on(&mut executor, &home).await;
    executor.focus(w);
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, b"hello").unwrap();
    executor.run(Effect::For(
        h,
        Box::new(Effect::StageFiles {
            paths: vec![file.to_string_lossy().into_owned()],
            paste: None,
        }),
    ));
    let staged = until_msg(
        &mut rx,
        |m| matches!(m, Msg::For(_, inner) if matches!(inner.as_ref(), Msg::Staged { .. })),
    )
    .await;
    assert!(matches!(staged, Msg::For(id, _) if id == h), "{staged:?}");
    let prefix = format!("{}/no", dir.path().display());
    executor.run(Effect::For(h, Box::new(Effect::CompletePath { prefix })));
    let completed = until_msg(
        &mut rx,
        |m| matches!(m, Msg::For(_, inner) if matches!(inner.as_ref(), Msg::PathCompleted { .. })),
    )
    .await;
    assert!(
        matches!(completed, Msg::For(id, _) if id == h),
        "{completed:?}"
    );
    executor.shutdown().await;
}

/// Logging in again in the window (a session that expired) keeps the account's id, so what
/// the app keeps by account (search hits, folded sections) still names it.
#[tokio::test]
async fn a_login_again_keeps_the_accounts_id() {
    let work = server().await;
    let dir = tempfile::tempdir().unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut executor = Executor::new(setup(dir.path()), tx);
    let w = open_on(&mut executor, &work).await;
    executor.run(login(&work.base_url(), ADMIN.1));
    let event = executor.next_event().await.unwrap();
    executor.on_event(event);
    let msg = until_msg(&mut rx, |m| matches!(m, Msg::LoggedIn(_))).await;
    let Msg::LoggedIn(Ok(logged_in)) = &msg else {
        panic!("{msg:?}")
    };
    assert_eq!(logged_in.account, w);
    assert_eq!(executor.accounts(), vec![w]);
    executor.shutdown().await;
}
