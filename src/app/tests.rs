//! `update` tests: feed messages, assert state and effects.

use super::*;
use crate::api::types::{Group, Target};
use crate::sync::{ServerEvent, StopReason};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;
use std::time::Duration;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn event(ev: ServerEvent) -> Msg {
    Msg::Sync(SyncMsg::Event(Box::new(ev)))
}

fn chat(mid: i64, from: i64, gid: i64, text: &str) -> ChatMessage {
    serde_json::from_value(json!({"mid":mid,"from_uid":from,"created_at":mid,"target":{"gid":gid},
        "detail":{"type":"normal","content_type":"text/plain","content":text,"properties":null,"expires_in":null}}))
    .unwrap()
}

fn group(gid: i64, name: &str) -> Group {
    serde_json::from_value(json!({"gid":gid,"name":name,"is_public":true})).unwrap()
}

/// An app that has synced two channels, with lobby (1) more recently active.
fn synced() -> App {
    let mut app = App::new(1, "test".into());
    app.now_ms = 1_000;
    update(
        &mut app,
        event(ServerEvent::RelatedGroups {
            groups: vec![group(1, "lobby"), group(2, "dev")],
        }),
    );
    update(&mut app, event(ServerEvent::Chat(chat(10, 2, 2, "old"))));
    update(&mut app, event(ServerEvent::Chat(chat(11, 2, 1, "new"))));
    app
}

#[test]
fn ready_opens_the_most_active_conversation_loads_history_and_marks_it_read() {
    let mut app = synced();
    assert_eq!(app.open, None);
    let effects = update(&mut app, event(ServerEvent::Ready));
    assert_eq!(app.open, Some(ConvKey::Group(1)));
    assert!(effects.contains(&Effect::LoadHistory {
        key: ConvKey::Group(1),
        before: Some(11),
        limit: HISTORY_PAGE
    }));
    assert!(effects.contains(&Effect::MarkRead {
        key: ConvKey::Group(1),
        mid: 11
    }));
    assert_eq!(app.chat.convs[&ConvKey::Group(1)].unread, 0);
    assert_eq!(app.chat.convs[&ConvKey::Group(2)].unread, 1);
}

#[test]
fn new_messages_in_the_open_conversation_are_read_at_once() {
    let mut app = synced();
    update(&mut app, event(ServerEvent::Ready));
    let effects = update(&mut app, event(ServerEvent::Chat(chat(12, 3, 1, "live"))));
    assert_eq!(
        effects,
        vec![Effect::MarkRead {
            key: ConvKey::Group(1),
            mid: 12
        }]
    );
    let effects = update(
        &mut app,
        event(ServerEvent::Chat(chat(13, 3, 2, "elsewhere"))),
    );
    assert!(effects.is_empty());
    assert_eq!(app.chat.convs[&ConvKey::Group(2)].unread, 2);
}

#[test]
fn switching_conversations_cycles_through_the_sidebar() {
    let mut app = synced();
    update(&mut app, event(ServerEvent::Ready));
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.open, Some(ConvKey::Group(2)));
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.open, Some(ConvKey::Group(1)));
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Up, KeyModifiers::ALT)),
    );
    assert_eq!(app.open, Some(ConvKey::Group(2)));
}

#[test]
fn typing_and_enter_sends_optimistically() {
    let mut app = synced();
    update(&mut app, event(ServerEvent::Ready));
    for c in "hi there".chars() {
        update(&mut app, key(KeyCode::Char(c)));
    }
    update(&mut app, key(KeyCode::Backspace));
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.input, "");
    let [
        Effect::Send {
            key: k,
            local_id,
            content,
            properties,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(*k, ConvKey::Group(1));
    assert_eq!(*content, Content::Text("hi ther".into()));
    assert_eq!(properties.local_id, Some(*local_id));
    assert_eq!(app.chat.convs[&ConvKey::Group(1)].pending.len(), 1);
    // The POST answers, then the echo removes the pending copy.
    update(
        &mut app,
        Msg::Sent {
            key: ConvKey::Group(1),
            local_id: *local_id,
            result: Ok(20),
        },
    );
    update(
        &mut app,
        event(ServerEvent::Chat(chat(20, 1, 1, "hi ther"))),
    );
    assert!(app.chat.convs[&ConvKey::Group(1)].pending.is_empty());
    // Blank input sends nothing.
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
}

#[test]
fn a_failed_send_stays_visible_with_the_error() {
    let mut app = synced();
    update(&mut app, event(ServerEvent::Ready));
    update(&mut app, key(KeyCode::Char('x')));
    let effects = update(&mut app, key(KeyCode::Enter));
    let Effect::Send { local_id, .. } = effects[0].clone() else {
        panic!()
    };
    update(
        &mut app,
        Msg::Sent {
            key: ConvKey::Group(1),
            local_id,
            result: Err("cannot reach the server".into()),
        },
    );
    assert_eq!(
        app.chat.convs[&ConvKey::Group(1)].pending[0].state,
        PendingState::Failed("cannot reach the server".into())
    );
    assert!(app.notice.as_deref().unwrap().contains("not sent"));
}

#[test]
fn history_pages_fold_in_and_errors_are_shown() {
    let mut app = synced();
    update(&mut app, event(ServerEvent::Ready));
    let page = vec![chat(3, 2, 1, "older"), chat(5, 2, 1, "old")];
    update(
        &mut app,
        Msg::History {
            key: ConvKey::Group(1),
            limit: 100,
            result: Ok(page),
        },
    );
    let conv = &app.chat.convs[&ConvKey::Group(1)];
    assert_eq!(
        conv.messages.keys().copied().collect::<Vec<_>>(),
        vec![3, 5, 11]
    );
    assert!(conv.history_complete);
    update(
        &mut app,
        Msg::History {
            key: ConvKey::Group(2),
            limit: 100,
            result: Err("timed out".into()),
        },
    );
    assert!(app.notice.as_deref().unwrap().contains("timed out"));
}

#[test]
fn connection_states_are_tracked_and_stops_explained() {
    let mut app = synced();
    update(
        &mut app,
        Msg::Sync(SyncMsg::State(ConnState::Waiting {
            retry_in: Duration::from_secs(2),
            attempt: 2,
            reason: "x".into(),
        })),
    );
    assert!(matches!(app.conn, ConnState::Waiting { .. }));
    update(
        &mut app,
        Msg::Sync(SyncMsg::State(ConnState::Stopped(
            StopReason::SessionExpired,
        ))),
    );
    assert!(app.notice.as_deref().unwrap().contains("log in again"));
    assert_eq!(update(&mut app, ctrl('r')), vec![Effect::ReconnectNow]);
}

#[test]
fn quit_and_paste() {
    let mut app = synced();
    update(&mut app, Msg::Paste("a\x1b[2Jb\nc".into()));
    assert_eq!(app.input, "ab c");
    update(&mut app, ctrl('q'));
    assert!(app.quit);
}

#[test]
fn sending_without_an_open_conversation_explains_why() {
    let mut app = App::new(1, "t".into());
    update(&mut app, key(KeyCode::Char('x')));
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert!(app.notice.is_some());
    let _ = Target::Group { gid: 1 };
}
