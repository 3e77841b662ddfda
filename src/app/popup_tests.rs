//! Popup keys through the keymap: defaults as before, remaps from the config's `[keys]`
//! (the new key works, the old one no longer does), and popups ignoring modifiers.

use super::tests::changes_of;
use super::*;
use crate::app::conn::SyncMsg;
use crate::config::Config;
use crate::keymap::Action;
use crate::model::Change;
use crate::protocol::ServerEvent;
use crate::protocol::types::{ChatMessage, Group};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn with(code: KeyCode, mods: KeyModifiers) -> Msg {
    Msg::Key(KeyEvent::new(code, mods))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, key(KeyCode::Char(c)));
    }
}

fn event(ev: ServerEvent) -> Msg {
    Msg::Sync(SyncMsg::Event(Box::new(ev)))
}

fn group(gid: i64, name: &str) -> Group {
    serde_json::from_value(
        json!({"gid":gid,"name":name,"is_public":true,"members":[],"owner":null}),
    )
    .unwrap()
}

fn chat(mid: i64, from: i64, gid: i64, text: &str) -> ChatMessage {
    serde_json::from_value(json!({"mid":mid,"from_uid":from,"created_at":mid * 1000,"target":{"gid":gid},
        "detail":{"type":"normal","content_type":"text/plain","content":text,"properties":null,"expires_in":null}}))
    .unwrap()
}

/// An app whose keymap has the config's `[keys]` applied, with #lobby (1) and #dev (2) and a
/// message of mine (12) in #lobby.
fn app_with(keys: &str) -> App {
    let config = Config::parse(&format!("[keys]\n{keys}")).unwrap();
    let keymap = Keymap::new(config.preset().unwrap())
        .with_overrides(&config.key_overrides())
        .unwrap();
    let mut app = App::logged_in(1, keymap, Settings::from(&config), "test".into());
    app.now_ms = 1_000_000;
    app.screen.size = (100, 30);
    update(
        &mut app,
        event(ServerEvent::RelatedGroups {
            groups: vec![group(1, "lobby"), group(2, "dev")],
        }),
    );
    update(&mut app, event(ServerEvent::Chat(chat(10, 2, 2, "old"))));
    update(&mut app, event(ServerEvent::Chat(chat(12, 1, 1, "mine"))));
    update(&mut app, event(ServerEvent::Ready));
    assert_eq!(app.timeline.open, Some(ConvKey::Group(1)));
    app
}

#[test]
fn a_remapped_confirm_key_confirms_and_the_old_one_no_longer_does() {
    let mut app = app_with("confirm_yes = \"j\"\n");
    assert_eq!(app.keymap.hint(Action::ConfirmYes), "j");
    app.mode = Mode::Confirm(Confirm::Delete(12));
    assert!(update(&mut app, key(KeyCode::Char('y'))).is_empty());
    assert_eq!(app.mode, Mode::Chat);
    assert_eq!(app.status.notice.as_ref().unwrap().text, "cancelled");
    app.mode = Mode::Confirm(Confirm::Delete(12));
    assert_eq!(update(&mut app, key(KeyCode::Char('j'))), changes_of(&app));
    assert_eq!(
        app.chat.changes.last().map(|c| (c.mid, c.change.clone())),
        Some((12, Change::Delete))
    );
    // The default: y and Y confirm, anything else cancels.
    let mut app = app_with("");
    app.mode = Mode::Confirm(Confirm::Leave(2));
    assert!(update(&mut app, key(KeyCode::Char('j'))).is_empty());
    app.mode = Mode::Confirm(Confirm::Leave(2));
    assert_eq!(
        update(&mut app, with(KeyCode::Char('Y'), KeyModifiers::SHIFT)),
        vec![Effect::Leave { gid: 2 }]
    );
}

#[test]
fn remapped_reaction_keys_move_and_pick() {
    let mut app = app_with("react_right = \"n\"\nreact_pick = \"space\"\nreact_3 = \"ctrl+t\"\n");
    app.mode = Mode::React { mid: 12, index: 0 };
    update(&mut app, key(KeyCode::Char('n')));
    assert_eq!(app.mode, Mode::React { mid: 12, index: 1 });
    // Left is untouched.
    update(&mut app, key(KeyCode::Left));
    update(&mut app, key(KeyCode::Left));
    assert_eq!(app.mode, Mode::React { mid: 12, index: 7 });
    update(&mut app, key(KeyCode::Char('n')));
    assert_eq!(update(&mut app, key(KeyCode::Char(' '))), changes_of(&app));
    assert_eq!(
        app.chat.changes.last().map(|c| (c.mid, c.change.clone())),
        Some((
            12,
            Change::React {
                emoji: "❤️".into(),
                on: true
            }
        ))
    );
    assert_eq!(app.mode, Mode::Select(12));
    // The old keys close the picker now.
    app.mode = Mode::React { mid: 12, index: 0 };
    assert!(update(&mut app, key(KeyCode::Right)).is_empty());
    assert_eq!(app.mode, Mode::Select(12));
    app.mode = Mode::React { mid: 12, index: 0 };
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert_eq!(app.mode, Mode::Select(12));
    app.mode = Mode::React { mid: 12, index: 0 };
    assert!(update(&mut app, key(KeyCode::Char('3'))).is_empty());
    app.mode = Mode::React { mid: 12, index: 0 };
    assert_eq!(
        update(&mut app, with(KeyCode::Char('t'), KeyModifiers::CONTROL)),
        changes_of(&app)
    );
    assert_eq!(
        app.chat.changes.last().map(|c| (c.mid, c.change.clone())),
        Some((
            12,
            Change::React {
                emoji: "👀".into(),
                on: true
            }
        ))
    );
}

#[test]
fn remapped_switcher_keys_move_and_open_and_letters_still_type() {
    let mut app = app_with(
        "switcher_up = \"ctrl+p\"\nswitcher_down = \"ctrl+n\"\nswitcher_open = \"ctrl+o\"\n",
    );
    update(&mut app, with(KeyCode::Char('k'), KeyModifiers::CONTROL));
    // It starts on the conversation after the open one.
    assert!(matches!(&app.mode, Mode::Switcher(s) if s.results.len() == 2 && s.selected == 1));
    // The old keys do nothing now; the new ones move.
    update(&mut app, key(KeyCode::Up));
    assert!(matches!(&app.mode, Mode::Switcher(s) if s.selected == 1));
    update(&mut app, with(KeyCode::Char('p'), KeyModifiers::CONTROL));
    assert!(matches!(&app.mode, Mode::Switcher(s) if s.selected == 0));
    update(&mut app, key(KeyCode::Down));
    update(&mut app, key(KeyCode::Tab));
    assert!(matches!(&app.mode, Mode::Switcher(s) if s.selected == 0));
    update(&mut app, with(KeyCode::Char('n'), KeyModifiers::CONTROL));
    assert!(matches!(&app.mode, Mode::Switcher(s) if s.selected == 1));
    // Letters, the bound one's included, are text for the query.
    typed(&mut app, "dne");
    assert!(matches!(&app.mode, Mode::Switcher(s) if s.query == "dne"));
    update(&mut app, key(KeyCode::Backspace));
    update(&mut app, key(KeyCode::Backspace));
    assert!(matches!(&app.mode, Mode::Switcher(s) if s.query == "d"));
    update(&mut app, key(KeyCode::Enter));
    assert!(matches!(app.mode, Mode::Switcher(_)), "Enter is not bound");
    update(&mut app, with(KeyCode::Char('o'), KeyModifiers::CONTROL));
    assert_eq!(app.mode, Mode::Chat);
    assert_eq!(app.timeline.open, Some(ConvKey::Group(2)));
    // Its global key closes it again; Esc too.
    update(&mut app, with(KeyCode::Char('k'), KeyModifiers::CONTROL));
    update(&mut app, with(KeyCode::Char('k'), KeyModifiers::CONTROL));
    assert_eq!(app.mode, Mode::Chat);
    update(&mut app, with(KeyCode::Char('k'), KeyModifiers::CONTROL));
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Chat);
}

#[test]
fn remapped_help_and_call_keys() {
    let mut app = app_with("help_down = \"n\"\ncall_open = \"b\"\n");
    app.mode = Mode::Help { scroll: 0 };
    update(&mut app, key(KeyCode::Char('n')));
    update(&mut app, key(KeyCode::Char('n')));
    update(&mut app, key(KeyCode::Char('k')));
    assert_eq!(app.mode, Mode::Help { scroll: 1 });
    update(&mut app, key(KeyCode::PageDown));
    assert_eq!(app.mode, Mode::Help { scroll: 11 });
    update(&mut app, key(KeyCode::Char('j')));
    assert_eq!(app.mode, Mode::Chat, "j is no longer bound: it closes");
    let link = crate::protocol::vocespace::CallLink {
        url: "https://m.example.com/x".into(),
        space: "channel_1".into(),
        base: "https://m.example.com".into(),
        room: None,
        expires_at: 0,
    };
    app.mode = Mode::Call(link.clone());
    assert!(update(&mut app, key(KeyCode::Char('o'))).is_empty());
    assert_eq!(app.mode, Mode::Chat);
    app.mode = Mode::Call(link.clone());
    assert_eq!(
        update(&mut app, key(KeyCode::Char('b'))),
        vec![Effect::OpenUrl(link.url.clone())]
    );
    app.mode = Mode::Call(link.clone());
    assert_eq!(
        update(&mut app, key(KeyCode::Char('y'))),
        vec![Effect::CopyText(link.url.clone())]
    );
}

#[test]
fn popups_match_their_keys_whatever_the_modifiers_as_before() {
    let mut app = app_with("");
    app.mode = Mode::Confirm(Confirm::Leave(2));
    assert_eq!(
        update(&mut app, with(KeyCode::Char('y'), KeyModifiers::CONTROL)),
        vec![Effect::Leave { gid: 2 }]
    );
    app.mode = Mode::Help { scroll: 0 };
    update(&mut app, with(KeyCode::Down, KeyModifiers::ALT));
    assert_eq!(app.mode, Mode::Help { scroll: 1 });
    app.mode = Mode::React { mid: 12, index: 0 };
    update(&mut app, with(KeyCode::Right, KeyModifiers::SHIFT));
    assert_eq!(app.mode, Mode::React { mid: 12, index: 1 });
    // Shift+Enter opens the switcher's match; Alt+letters type.
    app.mode = Mode::Chat;
    update(&mut app, with(KeyCode::Char('k'), KeyModifiers::CONTROL));
    update(&mut app, with(KeyCode::Char('d'), KeyModifiers::ALT));
    assert!(matches!(&app.mode, Mode::Switcher(s) if s.query == "d"));
    update(&mut app, with(KeyCode::Enter, KeyModifiers::SHIFT));
    assert_eq!(app.mode, Mode::Chat);
    assert_eq!(app.timeline.open, Some(ConvKey::Group(2)));
}

#[test]
fn each_mode_resolves_keys_in_its_own_context() {
    use crate::keymap::Context;
    let app = app_with("");
    assert_eq!(key_context(&app.mode), Context::Composer);
    assert_eq!(key_context(&Mode::Select(1)), Context::Select);
    assert_eq!(
        key_context(&Mode::Confirm(Confirm::Leave(2))),
        Context::Confirm
    );
    assert_eq!(
        key_context(&Mode::React { mid: 1, index: 0 }),
        Context::React
    );
    assert_eq!(key_context(&Mode::Help { scroll: 0 }), Context::Help);
    assert_eq!(
        key_context(&Mode::Info {
            title: String::new(),
            lines: vec![]
        }),
        Context::Global
    );
}
