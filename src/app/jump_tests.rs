//! Reply chains: following a reply to its original (however far back) and coming back.

use super::tests::{alt, chat, event, key, synced};
use super::*;
use crate::protocol::ServerEvent;
use crate::protocol::types::ChatMessage;
use crossterm::event::KeyCode;
use serde_json::json;

fn reply(mid: i64, from: i64, gid: i64, to: i64) -> ChatMessage {
    serde_json::from_value(json!({"mid":mid,"from_uid":from,"created_at":mid * 1000,
        "target":{"gid":gid},
        "detail":{"type":"reply","mid":to,"content_type":"text/plain","content":"re","properties":null}}))
    .unwrap()
}

fn history(
    app: &mut App,
    key: ConvKey,
    before: i64,
    limit: u32,
    page: Vec<ChatMessage>,
) -> Vec<Effect> {
    update(
        app,
        Msg::History {
            key,
            before: Some(before),
            limit,
            result: Ok(page),
        },
    )
}

fn asks_before(effects: &[Effect], key: ConvKey) -> Option<i64> {
    effects.iter().find_map(|e| match e {
        Effect::LoadHistory {
            key: k,
            before: Some(b),
            ..
        } if *k == key => Some(*b),
        _ => None,
    })
}

#[test]
fn tab_goes_to_the_quoted_message_and_backspace_comes_back() {
    let mut app = synced();
    update(&mut app, event(ServerEvent::Chat(reply(12, 2, 1, 11))));
    update(&mut app, alt(KeyCode::Char('s')));
    assert_eq!(app.mode, Mode::Select(12));
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.mode, Mode::Select(11));
    update(&mut app, key(KeyCode::Backspace));
    assert_eq!(app.mode, Mode::Select(12));
    // Nothing left to go back to.
    update(&mut app, key(KeyCode::Backspace));
    assert_eq!(app.mode, Mode::Select(12));
    assert_eq!(
        app.status.notice.as_ref().unwrap().text,
        strings::NOWHERE_TO_GO_BACK
    );
}

#[test]
fn a_quoted_original_far_back_is_paged_to_across_a_gap() {
    let mut app = synced();
    let lobby = ConvKey::Group(1);
    // Loaded: 4 and 5, then a hole (a capped replay), then 1000..; the reply quotes 2.
    history(
        &mut app,
        lobby,
        11,
        2,
        vec![chat(4, 2, 1, "four"), chat(5, 2, 1, "five")],
    );
    for mid in 1000..1003 {
        update(&mut app, event(ServerEvent::Chat(chat(mid, 3, 1, "newer"))));
    }
    update(&mut app, event(ServerEvent::Chat(reply(1003, 3, 1, 2))));
    app.chat.mark_gap(lobby, 1000);
    app.timeline.history_answered(lobby, true);
    update(&mut app, alt(KeyCode::Char('s')));
    assert_eq!(app.mode, Mode::Select(1003));
    // Into the gap first, from its top.
    let effects = update(&mut app, key(KeyCode::Tab));
    assert_eq!(asks_before(&effects, lobby), Some(1000), "{effects:?}");
    let page: Vec<ChatMessage> = (900..1000).map(|m| chat(m, 2, 1, "gap")).collect();
    let effects = history(&mut app, lobby, 1000, 100, page);
    assert_eq!(asks_before(&effects, lobby), Some(900), "{effects:?}");
    // The page that closes the gap; then on below the oldest loaded message.
    let effects = history(&mut app, lobby, 900, 100, vec![chat(6, 2, 1, "six")]);
    assert_eq!(app.chat.convs[&lobby].gap, None);
    assert_eq!(asks_before(&effects, lobby), Some(4), "{effects:?}");
    history(
        &mut app,
        lobby,
        4,
        100,
        vec![chat(2, 2, 1, "the original"), chat(3, 2, 1, "three")],
    );
    assert_eq!(app.mode, Mode::Select(2));
    update(&mut app, key(KeyCode::Backspace));
    assert_eq!(app.mode, Mode::Select(1003));
}

#[test]
fn a_deleted_original_says_so() {
    let mut app = synced();
    update(&mut app, event(ServerEvent::Chat(reply(12, 2, 1, 11))));
    let delete: ChatMessage = serde_json::from_value(json!({"mid":13,"from_uid":2,
        "created_at":13_000,"target":{"gid":1},
        "detail":{"type":"reaction","mid":11,"detail":{"type":"delete"}}}))
    .unwrap();
    update(&mut app, event(ServerEvent::Chat(delete)));
    update(&mut app, alt(KeyCode::Char('s')));
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.mode, Mode::Select(12));
    assert_eq!(
        app.status.notice.as_ref().unwrap().text,
        strings::SOUGHT_DELETED
    );
}

#[test]
fn replies_are_counted_and_listed() {
    let mut app = synced();
    update(&mut app, event(ServerEvent::Chat(reply(12, 2, 1, 11))));
    update(&mut app, event(ServerEvent::Chat(reply(13, 3, 1, 11))));
    assert_eq!(app.chat.replies_to(11), 2);
    update(&mut app, alt(KeyCode::Char('s')));
    update(&mut app, key(KeyCode::Up));
    update(&mut app, key(KeyCode::Up));
    assert_eq!(app.mode, Mode::Select(11));
    let effects = update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('R'),
            crossterm::event::KeyModifiers::SHIFT,
        )),
    );
    let [Effect::Search { query, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(query.replies_to, Some(11));
    assert_eq!(app.search.kind, SearchKind::Replies);
}

#[test]
fn a_jump_under_way_is_off_once_you_go_elsewhere() {
    let mut app = synced();
    let dev = ConvKey::Group(2);
    update(&mut app, event(ServerEvent::Chat(reply(12, 2, 1, 3))));
    update(&mut app, alt(KeyCode::Char('s')));
    update(&mut app, key(KeyCode::Tab));
    assert!(app.timeline.seek.is_some());
    // Off to another conversation before the page comes back.
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, alt(KeyCode::Down));
    assert_eq!(app.timeline.open, Some(dev));
    assert_eq!(app.timeline.seek, None);
    history(
        &mut app,
        ConvKey::Group(1),
        11,
        100,
        vec![chat(3, 2, 1, "late")],
    );
    assert_eq!(app.mode, Mode::Chat, "nothing is selected behind your back");
}

#[test]
fn a_jump_stops_once_history_is_older_than_the_message() {
    let mut app = synced();
    let lobby = ConvKey::Group(1);
    // The original (5) was deleted before it was ever loaded: pages go past it.
    update(&mut app, event(ServerEvent::Chat(reply(12, 2, 1, 5))));
    update(&mut app, alt(KeyCode::Char('s')));
    update(&mut app, key(KeyCode::Tab));
    let effects = history(
        &mut app,
        lobby,
        11,
        2,
        vec![chat(3, 2, 1, "x"), chat(4, 2, 1, "y")],
    );
    assert_eq!(asks_before(&effects, lobby), None, "{effects:?}");
    assert_eq!(app.timeline.seek, None);
    assert_eq!(
        app.status.notice.as_ref().unwrap().text,
        strings::SOUGHT_GONE
    );
}
