//! The unread filler (`unread_fill.rs`): counts that are lower bounds after a bounded start
//! become exact from one background page each, in order, two at a time.

use super::tests::{chat, event};
use super::*;
use crate::app::error::Failure;
use crate::config::Config;
use crate::keymap::Preset;
use crate::protocol::ServerEvent;
use crate::protocol::types::ChatMessage;
use serde_json::json;

fn dm(mid: i64, from: i64, to: i64) -> ChatMessage {
    serde_json::from_value(json!({"mid":mid,"from_uid":from,"created_at":mid * 1000,"target":{"uid":to},
        "detail":{"type":"normal","content_type":"text/plain","content":"hi","properties":null,"expires_in":null}}))
    .unwrap()
}

/// As after a cold login: me(1), bob(2), carol(3); lobby(1), dev(2), ops(3); the newest
/// message of each conversation only, each above its read marker (so every count is `1+`).
/// Activity, newest first: carol's DM, ops, bob's DM, dev, lobby. Returns the effects of
/// `ready`.
fn cold_start(app: &mut App) -> Vec<Effect> {
    let settings = json!({
        "read_index_groups": [{"gid":1,"mid":10},{"gid":2,"mid":20},{"gid":3,"mid":30}],
        "read_index_users": [{"uid":2,"mid":40},{"uid":3,"mid":50}],
    });
    let groups = json!([
        {"gid":1,"name":"lobby","is_public":true,"members":[]},
        {"gid":2,"name":"dev","is_public":true,"members":[]},
        {"gid":3,"name":"ops","is_public":true,"members":[]},
    ]);
    let users = json!([{"uid":1,"name":"me"},{"uid":2,"name":"bob"},{"uid":3,"name":"carol"}]);
    for ev in [
        ServerEvent::UsersSnapshot {
            users: serde_json::from_value(users).unwrap(),
            version: 1,
        },
        ServerEvent::RelatedGroups {
            groups: serde_json::from_value(groups).unwrap(),
        },
        ServerEvent::UserSettings(serde_json::from_value(settings).unwrap()),
        ServerEvent::Chat(chat(15, 2, 1, "lobby")),
        ServerEvent::Chat(chat(25, 2, 2, "dev")),
        ServerEvent::Chat(dm(45, 2, 1)),
        ServerEvent::Chat(chat(46, 3, 3, "ops")),
        ServerEvent::Chat(dm(55, 3, 1)),
    ] {
        update(app, event(ev));
    }
    update(app, event(ServerEvent::Ready))
}

fn new_app() -> App {
    let mut app = App::logged_in(
        1,
        Keymap::new(Preset::Default),
        Settings::from(&Config::default()),
        "test".into(),
    );
    app.now_ms = 1_000_000;
    app.screen.size = (100, 30);
    app
}

fn requested(effects: &[Effect]) -> Vec<(ConvKey, Option<i64>)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadHistory { key, before, .. } => Some((*key, *before)),
            _ => None,
        })
        .collect()
}

fn answer(app: &mut App, key: ConvKey, before: Option<i64>, page: Vec<ChatMessage>) -> Vec<Effect> {
    update(
        app,
        Msg::History {
            key,
            before,
            limit: unread_fill::FILL_LIMIT,
            result: Ok(page),
        },
    )
}

#[test]
fn partial_counts_are_paged_open_first_then_people_then_channels_two_at_a_time() {
    let mut app = new_app();
    let effects = cold_start(&mut app);
    let carol = ConvKey::User(3);
    let bob = ConvKey::User(2);
    assert_eq!(app.timeline.open, Some(carol), "the most active opens");
    // Opening it read it; every other count is a lower bound.
    assert_eq!(app.chat.convs[&carol].unread, 0);
    for key in [bob, ConvKey::Group(1), ConvKey::Group(2), ConvKey::Group(3)] {
        assert!(app.chat.convs[&key].unread_is_partial(), "{key:?}");
    }
    // The open one's page (the timeline's own, as it opens), then two in the background:
    // the other person first, then the most active channel.
    assert_eq!(
        requested(&effects),
        vec![
            (carol, Some(55)),
            (bob, Some(45)),
            (ConvKey::Group(3), Some(46))
        ]
    );
    // Bob's page reaches his read marker: his count is exact, and the next channel goes.
    let more = answer(
        &mut app,
        bob,
        Some(45),
        vec![dm(41, 2, 1), dm(43, 2, 1), dm(44, 2, 1)],
    );
    let conv = &app.chat.convs[&bob];
    assert_eq!((conv.unread, conv.unread_is_partial()), (4, false));
    assert_eq!(requested(&more), vec![(ConvKey::Group(2), Some(25))]);
    // The open conversation's page comes back: exact, and nothing more is asked while two
    // background pages are out.
    let more = answer(&mut app, carol, Some(55), vec![dm(52, 3, 1)]);
    assert!(!app.chat.convs[&carol].unread_is_partial());
    assert!(
        requested(&more).iter().all(|(k, _)| *k == carol),
        "{more:?}"
    );
    // Ops answers: the last one, lobby, goes.
    let more = answer(
        &mut app,
        ConvKey::Group(3),
        Some(46),
        vec![chat(31, 3, 3, "x")],
    );
    assert_eq!(requested(&more), vec![(ConvKey::Group(1), Some(15))]);
    assert!(!app.chat.convs[&ConvKey::Group(3)].unread_is_partial());
    assert_eq!(app.chat.convs[&ConvKey::Group(3)].unread, 2);
}

#[test]
fn a_count_still_short_after_its_page_stays_a_lower_bound_and_is_not_asked_again() {
    let mut app = new_app();
    let dev = ConvKey::Group(2);
    let groups = json!([
        {"gid":1,"name":"lobby","is_public":true,"members":[]},
        {"gid":2,"name":"dev","is_public":true,"members":[]},
    ]);
    let settings = json!({"read_index_groups": [{"gid":2,"mid":40}]});
    update(
        &mut app,
        event(ServerEvent::RelatedGroups {
            groups: serde_json::from_value(groups).unwrap(),
        }),
    );
    update(
        &mut app,
        event(ServerEvent::UserSettings(
            serde_json::from_value(settings).unwrap(),
        )),
    );
    update(&mut app, event(ServerEvent::Chat(chat(2000, 2, 2, "dev"))));
    update(
        &mut app,
        event(ServerEvent::Chat(chat(5000, 2, 1, "lobby"))),
    );
    let effects = update(&mut app, event(ServerEvent::Ready));
    assert_eq!(app.timeline.open, Some(ConvKey::Group(1)));
    assert!(
        requested(&effects).contains(&(dev, Some(2000))),
        "{effects:?}"
    );
    // A full page that stops far above the read marker (40).
    let page: Vec<ChatMessage> = (1900..2000).map(|mid| chat(mid, 2, 2, "x")).collect();
    let more = answer(&mut app, dev, Some(2000), page);
    let conv = &app.chat.convs[&dev];
    assert!(conv.unread_is_partial(), "still a lower bound");
    assert_eq!(conv.unread, 101);
    assert!(
        requested(&more).is_empty(),
        "one page per conversation: {more:?}"
    );
    // A reconnect queues what is still partial, but never dev again.
    let again = update(&mut app, event(ServerEvent::Ready));
    assert!(
        requested(&again).iter().all(|(k, _)| *k != dev),
        "{again:?}"
    );
}

#[test]
fn a_failed_page_frees_its_place_for_the_next() {
    let mut app = new_app();
    cold_start(&mut app);
    let more = update(
        &mut app,
        Msg::History {
            key: ConvKey::User(2),
            before: Some(45),
            limit: unread_fill::FILL_LIMIT,
            result: Err(Failure::Local("timed out".into())),
        },
    );
    assert_eq!(requested(&more), vec![(ConvKey::Group(2), Some(25))]);
    // Nobody asked for that page: its failure is not shown.
    assert!(
        !app.status
            .notice
            .as_ref()
            .is_some_and(|n| n.text.contains("could not load history")),
        "{:?}",
        app.status.notice
    );
    // The next `ready` (a reconnect) queues bob's page again: it goes once a place is free.
    let mut asked = requested(&update(&mut app, event(ServerEvent::Ready)));
    asked.extend(requested(&answer(
        &mut app,
        ConvKey::Group(3),
        Some(46),
        vec![],
    )));
    asked.extend(requested(&answer(
        &mut app,
        ConvKey::Group(2),
        Some(25),
        vec![],
    )));
    assert!(asked.contains(&(ConvKey::User(2), Some(45))), "{asked:?}");
}
