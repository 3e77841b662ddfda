//! Whole-screen snapshots of a window holding several accounts: the list of what needs you
//! across accounts, a section per account with its state in words, the account named in the
//! composer's title and the status bar; the same window after Alt+U crossed into the
//! other account; and a search, and the saved messages, from both accounts, each row naming
//! its own.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};
use vocechat_tui::app::conn::{ConnState, SyncMsg};
use vocechat_tui::app::{Account, AccountId, App, Msg, Settings, update};
use vocechat_tui::config::Config;
use vocechat_tui::keymap::{Keymap, Preset};
use vocechat_tui::model::{ConvKey, SavedItem, SavedPlace, SearchHit, SearchResults};
use vocechat_tui::protocol::ServerEvent;
use vocechat_tui::protocol::types::{ContentKind, Target};
use vocechat_tui::theme::Theme;
use vocechat_tui::ui::{RenderCache, draw};

/// 2026-11-21 09:00 UTC.
const T0: i64 = 1_795_338_000_000;
const HOME: AccountId = AccountId(2);

fn event(v: Value) -> Msg {
    let ev: ServerEvent = serde_json::from_value(v).unwrap();
    Msg::Sync(SyncMsg::Event(Box::new(ev)))
}

fn user(uid: i64, name: &str) -> Value {
    json!({"uid":uid,"name":name,"email":null,"gender":0,"language":"en-US","is_admin":false,"is_bot":false,"avatar_updated_at":0,"create_by":"password"})
}

fn group(gid: i64, name: &str) -> Value {
    json!({"gid":gid,"name":name,"owner":null,"is_public":true,"avatar_updated_at":0,"members":[]})
}

fn chat(mid: i64, from: i64, target: Value, content: &str, mentions: &[i64]) -> Msg {
    event(
        json!({"type":"chat","mid":mid,"from_uid":from,"created_at":T0 + mid * 60_000,"target":target,
        "detail":{"type":"normal","content_type":"text/plain","content":content,
        "properties":{"mentions":mentions},"expires_in":null}}),
    )
}

/// Both accounts' first events: users, channels, a few messages, ready.
fn fill(app: &mut App, tag: Option<AccountId>, users: &[Value], groups: &[Value], msgs: Vec<Msg>) {
    let send = |app: &mut App, m: Msg| {
        update(
            app,
            match tag {
                Some(id) => Msg::For(id, Box::new(m)),
                None => m,
            },
        );
    };
    send(
        app,
        event(json!({"type":"users_snapshot","users":users,"version":1})),
    );
    send(app, event(json!({"type":"related_groups","groups":groups})));
    for m in msgs {
        send(app, m);
    }
    send(app, event(json!({"type":"ready"})));
    send(app, Msg::Sync(SyncMsg::State(ConnState::Live)));
}

fn scene() -> App {
    let mut settings = Settings::from(&Config::default());
    settings.utc = true;
    let mut app = App::logged_in(
        1,
        Keymap::new(Preset::Default),
        settings,
        "chat.work.example".into(),
    );
    app.now_ms = T0 + 3_600_000;
    app.account.name = "work".into();
    app.account.login = Some((
        "https://chat.work.example/".into(),
        "me@work.example".into(),
    ));
    let home = Account {
        name: "home".into(),
        login: Some(("https://home.example/".into(), "me@home.example".into())),
        ..Account::default()
    };
    assert!(app.add_account(HOME, Some(1), home));
    fill(
        &mut app,
        None,
        &[user(1, "me"), user(2, "alice"), user(3, "bob")],
        &[group(1, "ops"), group(2, "general")],
        vec![
            chat(1, 2, json!({"gid":2}), "morning all", &[]),
            chat(2, 3, json!({"gid":1}), "deploy at noon", &[]),
        ],
    );
    fill(
        &mut app,
        Some(HOME),
        &[user(1, "me"), user(4, "dad")],
        &[group(1, "family")],
        vec![
            chat(5, 4, json!({"gid":1}), "dinner at 7?", &[]),
            chat(6, 4, json!({"uid":1}), "can you bring bread @me", &[1]),
        ],
    );
    // Work's general gets news after it was opened and read.
    update(&mut app, chat(3, 2, json!({"gid":2}), "standup moved", &[]));
    // Home's server goes away for a while.
    update(
        &mut app,
        Msg::For(
            HOME,
            Box::new(Msg::Sync(SyncMsg::State(ConnState::Waiting {
                retry_at_ms: T0 + 3_700_000,
                attempt: 2,
                reason: "connection refused".into(),
            }))),
        ),
    );
    app.status.notice = None;
    app
}

fn render(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    update(app, Msg::Resize(w, h));
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut cache = RenderCache::default();
    term.draw(|f| {
        draw(f, app, &Theme::dark(), &mut cache);
    })
    .unwrap();
    term
}

#[test]
fn two_accounts_80x24() {
    let mut app = scene();
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

#[test]
fn two_accounts_after_alt_u_crossed_into_home_80x24() {
    let mut app = scene();
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::ALT)),
    );
    assert_eq!(app.focused, HOME);
    app.status.notice = None;
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

fn hit(mid: i64, key: ConvKey, from: i64, text: &str) -> SearchHit {
    SearchHit {
        mid,
        key,
        from_uid: from,
        created_at: T0 + mid * 60_000,
        kind: ContentKind::Text,
        text: text.into(),
        author: None,
    }
}

#[test]
fn two_accounts_search_80x24() {
    let mut app = scene();
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::ALT)),
    );
    for c in "at".chars() {
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    let seq = app.search.seq;
    let answer = |hits| {
        Msg::Searched(Ok(SearchResults {
            seq,
            hits,
            coverage: vec![],
        }))
    };
    // Each account answers from its own store; the view merges them newest first.
    update(
        &mut app,
        Msg::For(
            HOME,
            Box::new(answer(vec![hit(5, ConvKey::Group(1), 4, "dinner at 7?")])),
        ),
    );
    update(
        &mut app,
        Msg::For(
            AccountId(1),
            Box::new(answer(vec![hit(2, ConvKey::Group(1), 3, "deploy at noon")])),
        ),
    );
    app.status.notice = None;
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

fn saved(mid: i64, saved_at: i64, author: &str, text: &str) -> SavedItem {
    SavedItem {
        id: String::new(),
        saved_at,
        mid,
        source: Target::Group { gid: 1 },
        from_uid: None,
        author: Some(author.into()),
        created_at: T0 + mid * 60_000,
        kind: ContentKind::Text,
        text: text.into(),
    }
}

#[test]
fn two_accounts_saved_80x24() {
    let mut app = scene();
    for c in "/saved".chars() {
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    // Work's server keeps them; home's does not, so home's are kept here.
    update(
        &mut app,
        Msg::For(
            HOME,
            Box::new(Msg::SavedList(Ok((
                SavedPlace::Local,
                vec![saved(5, T0 + 600_000, "dad", "dinner at 7?")],
            )))),
        ),
    );
    update(
        &mut app,
        Msg::For(
            AccountId(1),
            Box::new(Msg::SavedList(Ok((
                SavedPlace::Server,
                vec![saved(2, T0 + 900_000, "bob", "deploy at noon")],
            )))),
        ),
    );
    app.status.notice = None;
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

#[test]
fn two_accounts_search_before_typing_80x24() {
    let mut app = scene();
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::ALT)),
    );
    app.status.notice = None;
    let term = render(&mut app, 80, 24);
    // The filters say how to narrow to one account.
    let row: String = (24..80)
        .map(|x| term.backend().buffer()[(x, 2)].symbol().to_string())
        .collect();
    assert!(row.contains("in:<account>"), "{row}");
    insta::assert_snapshot!(term.backend());
}

#[test]
fn a_muted_account_says_so_in_its_header() {
    let mut app = scene();
    for c in "/account mute home".chars() {
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    // Wide enough for the name, both states and the counts (narrower, the words are cut
    // before the name is).
    app.settings.sidebar_width = 32;
    let term = render(&mut app, 100, 24);
    let screen: String = term
        .backend()
        .buffer()
        .content()
        .iter()
        .map(ratatui::buffer::Cell::symbol)
        .collect();
    assert!(screen.contains("home offline, muted"), "{screen}");
}
