//! Pinned messages of a channel in the app: `/pins` and its list (live, Enter jumps, `d`
//! unpins), `P` in selection, and what the server's answers say.

use super::tests::{chat, event, key, synced};
use super::*;
use crate::protocol::{ApiError, ServerEvent};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

fn command(app: &mut App, text: &str) -> Vec<Effect> {
    for c in text.chars() {
        update(app, key(KeyCode::Char(c)));
    }
    update(app, key(KeyCode::Enter))
}

fn notice(app: &App) -> String {
    app.status
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

fn pinned(gid: i64, mid: i64, by: i64, at: i64, content_type: &str, content: &str) -> Msg {
    event(
        serde_json::from_value(json!({"type":"pinned_message_updated","gid":gid,"mid":mid,
            "msg":{"mid":mid,"created_by":by,"created_at":at,"properties":{"name":"plan\u{1b}[2J.pdf","size":3},
                   "content_type":content_type,"content":content}}))
        .unwrap(),
    )
}

fn unpinned(gid: i64, mid: i64) -> Msg {
    event(ServerEvent::PinnedMessageUpdated {
        gid,
        mid,
        msg: None,
    })
}

fn shift_p() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char('P'), KeyModifiers::SHIFT))
}

/// The synced app with lobby (1, public) open: bob's messages 11 and 12 in it, 13 mine.
fn in_lobby() -> App {
    let mut app = synced();
    update(&mut app, event(ServerEvent::Chat(chat(12, 2, 1, "second"))));
    update(&mut app, event(ServerEvent::Chat(chat(13, 1, 1, "third"))));
    app.open_conversation(ConvKey::Group(1));
    app
}

fn view(app: &App) -> Option<&PinnedView> {
    match app.popups.top() {
        Some(Popup::Pinned(v)) => Some(v),
        _ => None,
    }
}

#[test]
fn pins_lists_the_channels_pins_newest_first_and_follows_them_while_open() {
    let mut app = in_lobby();
    command(&mut app, "/pins");
    assert_eq!(view(&app), Some(&PinnedView::new(1)));
    assert!(app.pin_rows(ConvKey::Group(1), 60).is_empty());
    // Pinned while the list is open: it shows at once, newest pin first.
    update(
        &mut app,
        pinned(
            1,
            11,
            1,
            5_000,
            "text/plain",
            "\n  \nnew\u{1b}[31m line\nmore",
        ),
    );
    update(
        &mut app,
        pinned(1, 12, 1, 6_000, "text/markdown", "**bold** start"),
    );
    update(
        &mut app,
        pinned(1, 99, 3, 7_000, "vocechat/file", "2026/11/01/x"),
    );
    let rows = app.pin_rows(ConvKey::Group(1), 60);
    let mids: Vec<i64> = rows.iter().map(|r| r.mid).collect();
    assert_eq!(mids, vec![99, 12, 11]);
    // A file by its name, sanitized; markdown as text; the first line that says something.
    assert!(rows[0].text.contains("plan") && rows[0].text.contains(".pdf"));
    assert!(!rows[0].text.contains('\u{1b}'));
    assert_eq!(rows[1].text, "bold start");
    assert!(rows[2].text.starts_with("new") && !rows[2].text.contains('\u{1b}'));
    assert!(!rows[2].text.contains("more"));
    // The author when the message is here; else only the pinner and the pin's time.
    assert_eq!(
        (rows[2].author, rows[2].pinned_by, rows[2].at),
        (Some(2), 1, 11_000)
    );
    assert_eq!(
        (rows[0].author, rows[0].pinned_by, rows[0].at),
        (None, 3, 7_000)
    );
    // Unpinned elsewhere while the second row is selected: the selection stays in the list.
    update(&mut app, key(KeyCode::Down));
    update(&mut app, key(KeyCode::Down));
    assert_eq!(view(&app).map(|v| v.selected), Some(2));
    update(&mut app, unpinned(1, 11));
    assert_eq!(app.pin_rows(ConvKey::Group(1), 60).len(), 2);
    assert_eq!(view(&app).map(|v| v.selected_in(2)), Some(1));
    update(&mut app, key(KeyCode::Esc));
    assert!(app.popups.is_empty());
}

#[test]
fn enter_goes_to_the_pinned_message_in_the_timeline() {
    let mut app = in_lobby();
    update(&mut app, pinned(1, 12, 1, 6_000, "text/plain", "second"));
    update(&mut app, pinned(1, 13, 1, 7_000, "text/plain", "third"));
    // From the other channel: the jump opens the lobby and selects the message.
    app.open_conversation(ConvKey::Group(2));
    app.popups.push(PinnedView::new(1));
    update(&mut app, key(KeyCode::Down));
    update(&mut app, key(KeyCode::Enter));
    assert!(app.popups.is_empty());
    assert_eq!(app.timeline.open, Some(ConvKey::Group(1)));
    assert_eq!(app.mode, Mode::Select(12));
}

#[test]
fn pins_in_a_direct_message_says_pins_are_for_channels() {
    let mut app = synced();
    app.open_conversation(ConvKey::User(2));
    command(&mut app, "/pins");
    assert!(app.popups.is_empty());
    assert_eq!(notice(&app), strings::PINS_FOR_CHANNELS);
}

#[test]
fn shift_p_pins_the_selected_message_and_unpins_it_once_pinned() {
    let mut app = in_lobby();
    app.mode = Mode::Select(12);
    let fx = update(&mut app, shift_p());
    assert_eq!(
        fx,
        vec![Effect::PinMessage {
            gid: 1,
            mid: 12,
            pin: true
        }]
    );
    // Applied from the event, not from the answer.
    update(
        &mut app,
        Msg::MessagePinned {
            gid: 1,
            mid: 12,
            pin: true,
            result: Ok(()),
        },
    );
    assert!(!app.chat.is_message_pinned(ConvKey::Group(1), 12));
    assert!(notice(&app).starts_with("pinned"));
    update(&mut app, pinned(1, 12, 1, 6_000, "text/plain", "second"));
    let fx = update(&mut app, shift_p());
    assert_eq!(
        fx,
        vec![Effect::PinMessage {
            gid: 1,
            mid: 12,
            pin: false
        }]
    );
    // In a direct message there is nothing to pin.
    update(
        &mut app,
        event(ServerEvent::Chat(super::tests::chat_json(
            20,
            2,
            json!({"uid": 1}),
            "psst",
            json!(null),
        ))),
    );
    app.open_conversation(ConvKey::User(2));
    app.mode = Mode::Select(20);
    assert!(update(&mut app, shift_p()).is_empty());
    assert_eq!(notice(&app), strings::PINS_FOR_CHANNELS);
}

#[test]
fn d_in_the_list_unpins_the_selected_pin() {
    let mut app = in_lobby();
    update(&mut app, pinned(1, 12, 1, 6_000, "text/plain", "second"));
    command(&mut app, "/pins");
    let fx = update(&mut app, key(KeyCode::Char('d')));
    assert_eq!(
        fx,
        vec![Effect::PinMessage {
            gid: 1,
            mid: 12,
            pin: false
        }]
    );
    assert!(
        view(&app).is_some(),
        "the list stays; the event takes the pin off"
    );
}

fn answer(app: &mut App, gid: i64, pin: bool, e: ApiError) -> Vec<Effect> {
    update(
        app,
        Msg::MessagePinned {
            gid,
            mid: 12,
            pin,
            result: Err(Failure::Api(e)),
        },
    )
}

#[test]
fn the_servers_refusals_say_who_may_pin_and_what_was_so_already() {
    let mut app = in_lobby();
    answer(&mut app, 1, true, ApiError::Forbidden(String::new()));
    assert_eq!(notice(&app), strings::PIN_ADMIN_ONLY);
    answer(&mut app, 2, true, ApiError::Forbidden(String::new()));
    assert_eq!(notice(&app), strings::PIN_OWNER_OR_ADMIN);
    answer(&mut app, 1, true, ApiError::Conflict(String::new()));
    assert_eq!(notice(&app), strings::PINNED_ALREADY);
    answer(&mut app, 1, true, ApiError::NotFound(String::new()));
    assert_eq!(notice(&app), strings::PIN_GONE);
    // An unpin of a pin the server no longer has: the stale pin goes, kept as the event.
    update(&mut app, pinned(1, 12, 1, 6_000, "text/plain", "second"));
    let fx = answer(&mut app, 1, false, ApiError::NotFound(String::new()));
    assert_eq!(notice(&app), strings::NOT_PINNED);
    assert!(!app.chat.is_message_pinned(ConvKey::Group(1), 12));
    assert_eq!(
        fx,
        vec![Effect::Keep(Box::new(ServerEvent::PinnedMessageUpdated {
            gid: 1,
            mid: 12,
            msg: None
        }))]
    );
}
