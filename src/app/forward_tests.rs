//! Forwarding (`forward.rs`): `F` in selection opens the switcher to pick where, Enter
//! forwards the selected message or the marked ones there (a task while it goes), Esc
//! cancels; what the answer says; forwarded archives fetched once when shown.

use super::tests::{alt, chat, event, key, synced};
use super::*;
use crate::protocol::types::{Archive, ArchiveMessage, ArchiveUser, ChatMessage, Target};
use crate::protocol::{ApiError, ServerEvent};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

fn shift_f() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char('F'), KeyModifiers::SHIFT))
}

fn archive_chat(mid: i64, path: &str) -> ChatMessage {
    serde_json::from_value(json!({"mid":mid,"from_uid":2,"created_at":mid * 1000,"target":{"gid":1},
        "detail":{"type":"normal","content_type":"vocechat/archive","content":path,"properties":null,"expires_in":null}}))
    .unwrap()
}

/// Synced with lobby open and message 11 selected.
fn selecting() -> App {
    let mut app = synced();
    assert_eq!(app.timeline.open, Some(ConvKey::Group(1)));
    update(&mut app, alt(KeyCode::Char('s')));
    assert_eq!(app.mode, Mode::Select(11));
    app
}

fn the_switcher(app: &App) -> &Switcher {
    match app.popups.top() {
        Some(Popup::Switcher(s)) => s,
        other => panic!("the switcher, not {other:?}"),
    }
}

#[test]
fn f_forwards_the_selected_message_to_the_conversation_picked() {
    let mut app = selecting();
    assert!(update(&mut app, shift_f()).is_empty());
    assert_eq!(the_switcher(&app).forward, Some(vec![11]));
    assert_eq!(
        app.popups.top().map(|p| p.state().hints(&app.keymap).0),
        Some("FORWARD")
    );
    for c in "dev".chars() {
        update(&mut app, key(KeyCode::Char(c)));
    }
    let effects = update(&mut app, key(KeyCode::Enter));
    let [Effect::Forward { task, mids, to }] = effects.as_slice() else {
        panic!("one forward: {effects:?}");
    };
    assert_eq!((mids.as_slice(), *to), (&[11][..], ConvKey::Group(2)));
    assert!(app.popups.top().is_none());
    assert_eq!(app.mode, Mode::Chat);
    // The open conversation stays; the task shows while it goes.
    assert_eq!(app.timeline.open, Some(ConvKey::Group(1)));
    assert_eq!(
        app.tasks.get(*task).map(|t| t.kind.clone()),
        Some(TaskKind::Forward {
            count: 1,
            to: "#dev".into()
        })
    );
    update(
        &mut app,
        Msg::Forwarded {
            task: *task,
            to: ConvKey::Group(2),
            count: 1,
            result: Ok(40),
        },
    );
    assert!(app.tasks.is_empty());
    let notice = app.status.notice.clone().unwrap();
    assert_eq!(
        (notice.text.as_str(), notice.error),
        ("forwarded to #dev", false)
    );
}

#[test]
fn f_with_marked_messages_forwards_every_one_of_them() {
    let mut app = synced();
    update(&mut app, event(ServerEvent::Chat(chat(12, 3, 1, "one"))));
    update(&mut app, event(ServerEvent::Chat(chat(13, 2, 1, "two"))));
    update(&mut app, alt(KeyCode::Char('s')));
    update(&mut app, key(KeyCode::Char(' ')));
    update(&mut app, key(KeyCode::Up));
    update(&mut app, key(KeyCode::Char(' ')));
    update(&mut app, shift_f());
    assert_eq!(the_switcher(&app).forward, Some(vec![12, 13]));
    // The open conversation is a choice too (first); a person without a DM is one as well.
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(effects.as_slice(), [Effect::Forward { mids, to: ConvKey::Group(1), .. }] if *mids == vec![12, 13]),
        "{effects:?}"
    );
    assert!(app.timeline.marked.is_empty());
}

#[test]
fn esc_cancels_a_forward_and_goes_back_to_the_selection() {
    let mut app = selecting();
    update(&mut app, shift_f());
    let effects = update(&mut app, key(KeyCode::Esc));
    assert!(effects.is_empty());
    assert!(app.popups.top().is_none());
    assert_eq!(app.mode, Mode::Select(11));
    assert!(app.tasks.is_empty());
}

#[test]
fn a_refused_forward_says_why_and_ends_its_task() {
    let mut app = selecting();
    update(&mut app, shift_f());
    let effects = update(&mut app, key(KeyCode::Enter));
    let Some(Effect::Forward { task, to, .. }) = effects.first().cloned() else {
        panic!("{effects:?}");
    };
    update(
        &mut app,
        Msg::Forwarded {
            task,
            to,
            count: 1,
            result: Err(ApiError::Forbidden("forward".into()).into()),
        },
    );
    assert!(app.tasks.is_empty());
    let notice = app.status.notice.clone().unwrap();
    assert!(notice.error);
    assert!(
        notice.text.contains("you cannot see one of them"),
        "{}",
        notice.text
    );
}

#[test]
fn only_text_markdown_and_files_are_forwarded() {
    let mut app = synced();
    update(
        &mut app,
        event(ServerEvent::Chat(archive_chat(12, "2026/1/1/a"))),
    );
    update(&mut app, alt(KeyCode::Char('s')));
    assert_eq!(app.mode, Mode::Select(12));
    update(&mut app, shift_f());
    assert!(app.popups.top().is_none());
    assert_eq!(
        app.status.notice.as_ref().map(|n| n.text.as_str()),
        Some(strings::FORWARD_ONLY)
    );
}

#[test]
fn a_forwarded_archive_shown_is_fetched_once_and_kept() {
    let mut app = synced();
    let effects = update(
        &mut app,
        event(ServerEvent::Chat(archive_chat(12, "2026/1/1/a"))),
    );
    assert!(
        effects.contains(&Effect::FetchArchive {
            path: "2026/1/1/a".into()
        }),
        "{effects:?}"
    );
    assert_eq!(
        app.chat.archives.get("2026/1/1/a"),
        Some(&crate::model::ArchiveState::Loading)
    );
    // Not asked again while it loads, nor once it is here.
    let again = update(&mut app, key(KeyCode::Char('x')));
    assert!(
        !again
            .iter()
            .any(|e| matches!(e, Effect::FetchArchive { .. }))
    );
    let archive = Archive {
        users: vec![ArchiveUser {
            name: "carol".into(),
            avatar: None,
        }],
        messages: vec![ArchiveMessage {
            from_user: 0,
            created_at: 5,
            mid: 4,
            source: Target::Group { gid: 2 },
            properties: None,
            content_type: "text/plain".into(),
            content: Some("hello".into()),
            file_id: None,
            thumbnail_id: None,
        }],
        num_attachments: 0,
    };
    update(
        &mut app,
        Msg::ArchiveFetched {
            path: "2026/1/1/a".into(),
            result: Ok(Box::new(archive)),
        },
    );
    let Some(crate::model::ArchiveState::Ready(f)) = app.chat.archives.get("2026/1/1/a") else {
        panic!("ready");
    };
    assert_eq!((f.total, f.messages[0].author.as_str()), (1, "carol"));
    let again = update(&mut app, key(KeyCode::Char('y')));
    assert!(
        !again
            .iter()
            .any(|e| matches!(e, Effect::FetchArchive { .. }))
    );
    // A failure is kept as such (shown in its place), not asked for in a loop.
    update(
        &mut app,
        event(ServerEvent::Chat(archive_chat(13, "2026/1/1/b"))),
    );
    update(
        &mut app,
        Msg::ArchiveFetched {
            path: "2026/1/1/b".into(),
            result: Err(ApiError::NotFound("forwarded messages".into()).into()),
        },
    );
    assert!(matches!(
        app.chat.archives.get("2026/1/1/b"),
        Some(crate::model::ArchiveState::Failed(_))
    ));
    let again = update(&mut app, key(KeyCode::Char('z')));
    assert!(
        !again
            .iter()
            .any(|e| matches!(e, Effect::FetchArchive { .. }))
    );
    // A new connection asks again for the one that failed, not for the one kept.
    let effects = update(&mut app, event(ServerEvent::Ready));
    let fetched: Vec<&Effect> = effects
        .iter()
        .filter(|e| matches!(e, Effect::FetchArchive { .. }))
        .collect();
    assert_eq!(
        fetched,
        [&Effect::FetchArchive {
            path: "2026/1/1/b".into()
        }]
    );
}

#[test]
fn an_archive_in_a_conversation_not_open_is_not_fetched() {
    let mut app = synced();
    let msg: ChatMessage = serde_json::from_value(json!({"mid":12,"from_uid":2,"created_at":12000,"target":{"gid":2},
        "detail":{"type":"normal","content_type":"vocechat/archive","content":"p","properties":null,"expires_in":null}}))
    .unwrap();
    let effects = update(&mut app, event(ServerEvent::Chat(msg)));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::FetchArchive { .. }))
    );
}

/// The linear mode says messages of every conversation: an archive in one that is not open
/// is fetched when asked for by its message, once.
#[test]
fn an_archive_outside_the_open_conversation_is_fetched_when_asked_for_once() {
    let mut app = synced();
    app.open_conversation(ConvKey::Group(1));
    let mut archive = archive_chat(80, "2026/12/8/abc");
    archive.target = Target::Group { gid: 2 };
    update(&mut app, event(ServerEvent::Chat(archive)));
    let me = app.focused;
    assert_eq!(
        app.fetch_archive_in(me, ConvKey::Group(2), 80),
        vec![Effect::FetchArchive {
            path: "2026/12/8/abc".into()
        }]
    );
    assert!(
        app.fetch_archive_in(me, ConvKey::Group(2), 80).is_empty(),
        "once"
    );
    // A message that is no archive asks nothing.
    assert!(app.fetch_archive_in(me, ConvKey::Group(2), 10).is_empty());
}
