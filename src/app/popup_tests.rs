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
    app.popups.push(Confirm::Delete(12));
    assert!(update(&mut app, key(KeyCode::Char('y'))).is_empty());
    assert_eq!((&app.mode, app.popups.top()), (&Mode::Chat, None));
    assert_eq!(app.status.notice.as_ref().unwrap().text, "cancelled");
    app.popups.push(Confirm::Delete(12));
    assert_eq!(update(&mut app, key(KeyCode::Char('j'))), changes_of(&app));
    assert_eq!(
        app.chat.changes.last().map(|c| (c.mid, c.change.clone())),
        Some((12, Change::Delete))
    );
    // The default: y and Y confirm, anything else cancels.
    let mut app = app_with("");
    app.popups.push(Confirm::Leave(2));
    assert!(update(&mut app, key(KeyCode::Char('j'))).is_empty());
    app.popups.push(Confirm::Leave(2));
    assert_eq!(
        update(&mut app, with(KeyCode::Char('Y'), KeyModifiers::SHIFT)),
        vec![Effect::Leave { gid: 2 }]
    );
}

/// The reaction picker over the selection of message 12, as `+` opens it.
fn picker(app: &mut App) {
    app.mode = Mode::Select(12);
    app.popups.push(React { mid: 12, index: 0 });
}

fn top(app: &App) -> Option<&Popup> {
    app.popups.top()
}

#[test]
fn remapped_reaction_keys_move_and_pick() {
    let mut app = app_with("react_right = \"n\"\nreact_pick = \"space\"\nreact_3 = \"ctrl+t\"\n");
    picker(&mut app);
    update(&mut app, key(KeyCode::Char('n')));
    assert_eq!(top(&app), Some(&Popup::React(React { mid: 12, index: 1 })));
    // Left is untouched.
    update(&mut app, key(KeyCode::Left));
    update(&mut app, key(KeyCode::Left));
    assert_eq!(top(&app), Some(&Popup::React(React { mid: 12, index: 7 })));
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
    assert_eq!((&app.mode, top(&app)), (&Mode::Select(12), None));
    // The old keys close the picker now.
    picker(&mut app);
    assert!(update(&mut app, key(KeyCode::Right)).is_empty());
    assert_eq!((&app.mode, top(&app)), (&Mode::Select(12), None));
    picker(&mut app);
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert_eq!((&app.mode, top(&app)), (&Mode::Select(12), None));
    picker(&mut app);
    assert!(update(&mut app, key(KeyCode::Char('3'))).is_empty());
    picker(&mut app);
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
    assert!(
        matches!(top(&app), Some(Popup::Switcher(s)) if s.results.len() == 2 && s.selected == 1)
    );
    // The old keys do nothing now; the new ones move.
    update(&mut app, key(KeyCode::Up));
    assert!(matches!(top(&app), Some(Popup::Switcher(s)) if s.selected == 1));
    update(&mut app, with(KeyCode::Char('p'), KeyModifiers::CONTROL));
    assert!(matches!(top(&app), Some(Popup::Switcher(s)) if s.selected == 0));
    update(&mut app, key(KeyCode::Down));
    update(&mut app, key(KeyCode::Tab));
    assert!(matches!(top(&app), Some(Popup::Switcher(s)) if s.selected == 0));
    update(&mut app, with(KeyCode::Char('n'), KeyModifiers::CONTROL));
    assert!(matches!(top(&app), Some(Popup::Switcher(s)) if s.selected == 1));
    // Letters, the bound one's included, are text for the query.
    typed(&mut app, "dne");
    assert!(matches!(top(&app), Some(Popup::Switcher(s)) if s.query == "dne"));
    update(&mut app, key(KeyCode::Backspace));
    update(&mut app, key(KeyCode::Backspace));
    assert!(matches!(top(&app), Some(Popup::Switcher(s)) if s.query == "d"));
    update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(top(&app), Some(Popup::Switcher(_))),
        "Enter is not bound"
    );
    update(&mut app, with(KeyCode::Char('o'), KeyModifiers::CONTROL));
    assert_eq!((&app.mode, top(&app)), (&Mode::Chat, None));
    assert_eq!(app.timeline.open, Some(ConvKey::Group(2)));
    // Its global key closes it again; Esc too.
    update(&mut app, with(KeyCode::Char('k'), KeyModifiers::CONTROL));
    update(&mut app, with(KeyCode::Char('k'), KeyModifiers::CONTROL));
    assert_eq!((&app.mode, top(&app)), (&Mode::Chat, None));
    update(&mut app, with(KeyCode::Char('k'), KeyModifiers::CONTROL));
    update(&mut app, key(KeyCode::Esc));
    assert_eq!((&app.mode, top(&app)), (&Mode::Chat, None));
}

#[test]
fn remapped_help_and_call_keys() {
    let mut app = app_with("help_down = \"n\"\ncall_open = \"b\"\n");
    app.popups.push(Help::default());
    update(&mut app, key(KeyCode::Char('n')));
    update(&mut app, key(KeyCode::Char('n')));
    update(&mut app, key(KeyCode::Char('k')));
    assert_eq!(top(&app), Some(&Popup::Help(Help { scroll: 1 })));
    update(&mut app, key(KeyCode::PageDown));
    assert_eq!(top(&app), Some(&Popup::Help(Help { scroll: 11 })));
    update(&mut app, key(KeyCode::Char('j')));
    assert_eq!(top(&app), None, "j is no longer bound: it closes");
    let link = crate::protocol::vocespace::CallLink {
        url: "https://m.example.com/x".into(),
        space: "channel_1".into(),
        base: "https://m.example.com".into(),
        room: None,
        expires_at: 0,
    };
    app.popups.push(link.clone());
    assert!(update(&mut app, key(KeyCode::Char('o'))).is_empty());
    assert_eq!(top(&app), None);
    app.popups.push(link.clone());
    assert_eq!(
        update(&mut app, key(KeyCode::Char('b'))),
        vec![Effect::OpenUrl(link.url.clone())]
    );
    app.popups.push(link.clone());
    assert_eq!(
        update(&mut app, key(KeyCode::Char('y'))),
        vec![Effect::CopyText(link.url.clone())]
    );
}

#[test]
fn popups_match_their_keys_whatever_the_modifiers_as_before() {
    let mut app = app_with("");
    app.popups.push(Confirm::Leave(2));
    assert_eq!(
        update(&mut app, with(KeyCode::Char('y'), KeyModifiers::CONTROL)),
        vec![Effect::Leave { gid: 2 }]
    );
    app.popups.push(Help::default());
    update(&mut app, with(KeyCode::Down, KeyModifiers::ALT));
    assert_eq!(top(&app), Some(&Popup::Help(Help { scroll: 1 })));
    app.popups.clear();
    picker(&mut app);
    update(&mut app, with(KeyCode::Right, KeyModifiers::SHIFT));
    assert_eq!(top(&app), Some(&Popup::React(React { mid: 12, index: 1 })));
    // Shift+Enter opens the switcher's match; Alt+letters type.
    app.popups.clear();
    app.mode = Mode::Chat;
    update(&mut app, with(KeyCode::Char('k'), KeyModifiers::CONTROL));
    update(&mut app, with(KeyCode::Char('d'), KeyModifiers::ALT));
    assert!(matches!(top(&app), Some(Popup::Switcher(s)) if s.query == "d"));
    update(&mut app, with(KeyCode::Enter, KeyModifiers::SHIFT));
    assert_eq!((&app.mode, top(&app)), (&Mode::Chat, None));
    assert_eq!(app.timeline.open, Some(ConvKey::Group(2)));
}

#[test]
fn each_mode_resolves_keys_in_its_own_context() {
    use crate::keymap::Context;
    let mut app = app_with("");
    assert_eq!(key_context(&app), Context::Composer);
    app.mode = Mode::Select(1);
    assert_eq!(key_context(&app), Context::Select);
    let contexts = [
        (Popup::from(Confirm::Leave(2)), Context::Confirm),
        (Popup::from(React { mid: 1, index: 0 }), Context::React),
        (Popup::from(Help::default()), Context::Help),
        (Popup::from(Info::default()), Context::Global),
    ];
    for (popup, context) in contexts {
        app.popups.push(popup);
        assert_eq!(key_context(&app), context);
    }
    // The popup on top decides.
    app.popups.pop();
    assert_eq!(key_context(&app), Context::Help);
}

#[test]
fn no_to_a_delete_goes_back_to_the_selection() {
    let mut app = app_with("");
    update(&mut app, with(KeyCode::Char('s'), KeyModifiers::ALT));
    assert_eq!(app.mode, Mode::Select(12));
    update(&mut app, key(KeyCode::Char('d')));
    assert_eq!(top(&app), Some(&Popup::Confirm(Confirm::Delete(12))));
    assert!(update(&mut app, key(KeyCode::Char('n'))).is_empty());
    assert_eq!(app.status.notice.as_ref().unwrap().text, "cancelled");
    assert_eq!(
        (&app.mode, top(&app)),
        (&Mode::Select(12), None),
        "still selecting, the same message"
    );
    // The selection's keys work on.
    update(&mut app, key(KeyCode::Char('d')));
    assert_eq!(top(&app), Some(&Popup::Confirm(Confirm::Delete(12))));
}

#[test]
fn popups_opened_from_the_selection_close_back_to_it() {
    let mut app = app_with("");
    update(&mut app, with(KeyCode::Char('s'), KeyModifiers::ALT));
    // Help (`?`), the switcher and the list of replies each close back to the selection.
    for open in [
        key(KeyCode::Char('?')),
        with(KeyCode::Char('k'), KeyModifiers::CONTROL),
        with(KeyCode::Char('R'), KeyModifiers::SHIFT),
    ] {
        update(&mut app, open);
        assert!(top(&app).is_some());
        update(&mut app, key(KeyCode::Esc));
        assert_eq!((&app.mode, top(&app)), (&Mode::Select(12), None));
    }
}

#[test]
fn a_popup_opened_over_another_closes_back_to_it() {
    let mut app = app_with("");
    update(&mut app, with(KeyCode::Char('k'), KeyModifiers::CONTROL));
    update(&mut app, key(KeyCode::Char('d')));
    // A preview asked for earlier comes while the switcher is open: it goes on top.
    let preview = Preview {
        name: "cat.png".into(),
        image: std::sync::Arc::new(image::DynamicImage::new_rgb8(1, 1)),
    };
    let task = app.tasks.start(TaskKind::Preview, app.now_ms);
    update(
        &mut app,
        Msg::Preview {
            task,
            result: Ok(preview),
        },
    );
    assert!(matches!(top(&app), Some(Popup::Preview(_))));
    assert_eq!(key_context(&app), crate::keymap::Context::Global);
    update(&mut app, key(KeyCode::Esc));
    assert!(matches!(top(&app), Some(Popup::Switcher(s)) if s.query == "d"));
    assert_eq!(app.popups.iter().count(), 1);
}
