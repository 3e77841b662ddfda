//! The linear transcript (`linear.rs`): history taken in silently, each message said once
//! and numbered, replies, edits, reactions, deletions, the outbox, `/list`, `/open`, `/history`.

use super::*;
use crate::app::conn::SyncMsg;
use crate::app::{Msg, Settings, update};
use crate::config::Config;
use crate::keymap::{Keymap, Preset};
use crate::protocol::ServerEvent;
use serde_json::json;

fn event(app: &mut App, v: serde_json::Value) {
    let ev: ServerEvent = serde_json::from_value(v).unwrap();
    update(app, Msg::Sync(SyncMsg::Event(Box::new(ev))));
}

fn chat(app: &mut App, mid: i64, gid: i64, text: &str) {
    event(
        app,
        json!({"type":"chat","mid":mid,"from_uid":2,"created_at":1_795_338_000_000i64 + mid * 60_000,
            "target":{"gid":gid},"detail":{"type":"normal","content_type":"text/plain","content":text}}),
    );
}

#[test]
fn history_is_taken_in_silently_then_each_new_message_is_said_once() {
    let mut settings = Settings::from(&Config::default());
    settings.utc = true;
    let mut app = App::logged_in(1, Keymap::new(Preset::Default), settings, "t".into());
    let mut t = Transcript::default();
    event(
        &mut app,
        json!({"type":"users_snapshot","version":1,"users":[
            {"uid":1,"name":"me","gender":0,"language":"en","is_admin":false,"is_bot":false,"avatar_updated_at":0,"create_by":"password"},
            {"uid":2,"name":"bob","gender":0,"language":"en","is_admin":false,"is_bot":false,"avatar_updated_at":0,"create_by":"password"}]}),
    );
    event(
        &mut app,
        json!({"type":"related_groups","groups":[
            {"gid":1,"name":"lobby","owner":null,"is_public":true,"avatar_updated_at":0,"members":[]},
            {"gid":2,"name":"dev","owner":null,"is_public":true,"avatar_updated_at":0,"members":[]}]}),
    );
    chat(&mut app, 1, 1, "old news");
    chat(&mut app, 2, 2, "older news");
    // Not live yet: nothing said.
    assert!(t.lines(&app).is_empty());
    event(&mut app, json!({"type":"ready"}));
    update(&mut app, Msg::Sync(SyncMsg::State(ConnState::Live)));
    // Live: the open conversation's last messages, then the state.
    let open = crate::app::label_of(&app.chat, app.timeline.open.unwrap());
    let first = t.lines(&app);
    assert!(
        first[0].starts_with(&format!("1 [{open}] bob ")),
        "{first:?}"
    );
    assert_eq!(first.last().map(String::as_str), Some("live"));
    // Nothing new: nothing said again.
    assert!(t.lines(&app).is_empty());
    // Two in dev, one in lobby: the conversation named when it changes, each once.
    chat(&mut app, 3, 2, "first\nsecond line");
    chat(&mut app, 4, 2, "again");
    chat(&mut app, 5, 1, "lobby news");
    let said = t.lines(&app);
    // Dev's first (named only if dev was not the last said), its second line indented,
    // its next without the name again; then the lobby's, named.
    let dev_at = said.iter().position(|l| l.ends_with(": first")).unwrap();
    let number = |l: &str| l.split(' ').next().unwrap().parse::<u64>().unwrap();
    let n = number(&said[dev_at]);
    assert_eq!(
        said[dev_at].contains(" [#dev] bob"),
        open != "#dev",
        "{said:?}"
    );
    assert_eq!(said[dev_at + 1], "  second line");
    assert!(said[dev_at + 2].starts_with(&format!("{} bob ", n + 1)));
    assert!(said[dev_at + 2].ends_with(": again"));
    let last = said.last().unwrap();
    assert!(
        last.starts_with(&format!("{} [#lobby] bob", n + 2)),
        "{said:?}"
    );
    assert!(last.ends_with(": lobby news"));
    // Each number names its message.
    assert_eq!(t.numbered(n), Some((app.focused, ConvKey::Group(2), 3)));
    assert_eq!(t.numbered(n + 2), Some((app.focused, ConvKey::Group(1), 5)));
    assert_eq!(t.numbered(n + 3), None);
    assert!(t.lines(&app).is_empty());
}

#[test]
fn list_numbers_every_conversation_and_open_finds_by_number_or_name() {
    let settings = Settings::from(&Config::default());
    let mut app = App::logged_in(1, Keymap::new(Preset::Default), settings, "t".into());
    event(
        &mut app,
        json!({"type":"related_groups","groups":[
            {"gid":1,"name":"lobby","owner":null,"is_public":true,"avatar_updated_at":0,"members":[]},
            {"gid":2,"name":"dev","owner":null,"is_public":true,"avatar_updated_at":0,"members":[]}]}),
    );
    chat(&mut app, 1, 1, "old news");
    chat(&mut app, 2, 2, "newer news");
    event(&mut app, json!({"type":"ready"}));
    let mut t = Transcript::default();
    let listed = t.list(&app);
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed[0].starts_with("1 #dev"), "{listed:?}");
    assert!(listed[1].starts_with("2 #lobby"), "{listed:?}");
    assert!(listed.iter().any(|l| l.contains("open")));
    assert_eq!(
        t.find_conversation(&app, "2"),
        Some((app.focused, ConvKey::Group(1)))
    );
    assert_eq!(
        t.find_conversation(&app, "#DEV"),
        Some((app.focused, ConvKey::Group(2)))
    );
    assert_eq!(
        t.find_conversation(&app, "lobby"),
        Some((app.focused, ConvKey::Group(1)))
    );
    assert_eq!(t.find_conversation(&app, "3"), None);
    assert_eq!(t.find_conversation(&app, "#nope"), None);
    // /history numbers the open conversation's last messages anew.
    let said = t.history(&app, 5);
    assert!(said[0].ends_with("the last message:"), "{said:?}");
    let n: u64 = said[1].split(' ').next().unwrap().parse().unwrap();
    assert_eq!(
        t.numbered(n),
        Some((app.focused, app.timeline.open.unwrap(), 2))
    );
}

fn record(app: &mut App, mid: i64, of: i64, detail: serde_json::Value) {
    event(
        app,
        json!({"type":"chat","mid":mid,"from_uid":2,"created_at":1_795_338_000_000i64 + mid * 60_000,
            "target":{"gid":1},"detail":{"type":"reaction","mid":of,"detail":detail}}),
    );
}

#[test]
fn replies_edits_reactions_and_deletions_are_said_as_short_lines() {
    let mut settings = Settings::from(&Config::default());
    settings.utc = true;
    let mut app = App::logged_in(1, Keymap::new(Preset::Default), settings, "t".into());
    event(
        &mut app,
        json!({"type":"related_groups","groups":[
            {"gid":1,"name":"lobby","owner":null,"is_public":true,"avatar_updated_at":0,"members":[]}]}),
    );
    event(&mut app, json!({"type":"ready"}));
    update(&mut app, Msg::Sync(SyncMsg::State(ConnState::Live)));
    let mut t = Transcript::default();
    t.lines(&app);
    chat(&mut app, 3, 1, "first");
    event(
        &mut app,
        json!({"type":"chat","mid":4,"from_uid":2,"created_at":1_795_338_300_000i64,
            "target":{"gid":1},"detail":{"type":"reply","mid":3,"content_type":"text/plain","content":"an answer"}}),
    );
    let said = t.lines(&app);
    let number = |l: &str| l.split(' ').next().unwrap().to_string();
    let first = number(&said[0]);
    assert!(said[1].contains("replied to "), "{said:?}");
    assert!(said[1].ends_with(": an answer"));
    record(
        &mut app,
        5,
        3,
        json!({"type":"edit","content_type":"text/plain","content":"first, fixed"}),
    );
    record(&mut app, 6, 3, json!({"type":"like","action":"👍"}));
    let said = t.lines(&app);
    assert!(
        said.iter()
            .any(|l| l.starts_with(&format!("{first} ")) && l.ends_with("edited: first, fixed")),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|l| *l == format!("message {first} reactions: 👍 1")),
        "{said:?}"
    );
    record(&mut app, 7, 3, json!({"type":"delete"}));
    assert_eq!(t.lines(&app), [format!("message {first} was deleted")]);
    assert!(t.lines(&app).is_empty());
}

#[test]
fn the_outbox_is_said_in_words() {
    let settings = Settings::from(&Config::default());
    let mut app = App::logged_in(1, Keymap::new(Preset::Default), settings, "t".into());
    event(
        &mut app,
        json!({"type":"related_groups","groups":[
            {"gid":1,"name":"lobby","owner":null,"is_public":true,"avatar_updated_at":0,"members":[]}]}),
    );
    chat(&mut app, 1, 1, "hi");
    event(&mut app, json!({"type":"ready"}));
    let mut t = Transcript::default();
    t.lines(&app);
    // Offline: two typed messages wait, and it is said.
    update(
        &mut app,
        Msg::Sync(SyncMsg::State(ConnState::Waiting {
            retry_at_ms: 0,
            attempt: 1,
            reason: "down".into(),
        })),
    );
    for text in ["one", "two"] {
        app.composer.set_text(text);
        update(
            &mut app,
            Msg::Key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Enter,
                crossterm::event::KeyModifiers::NONE,
            )),
        );
    }
    let said = t.lines(&app);
    assert!(
        said.iter().any(|l| l.contains("2 messages wait")),
        "{said:?}"
    );
    // Both acknowledged: "2 messages sent".
    let key = app.timeline.open.unwrap();
    let ids: Vec<i64> = app.chat.convs[&key]
        .pending
        .iter()
        .map(|p| p.local_id)
        .collect();
    for (i, local_id) in ids.into_iter().enumerate() {
        update(
            &mut app,
            Msg::Sent {
                key,
                local_id,
                result: Ok(100 + i as i64),
            },
        );
    }
    let said = t.lines(&app);
    assert!(said.iter().any(|l| l == "2 messages sent"), "{said:?}");
    // Live, a message sent at once is said by its echo alone.
    update(&mut app, Msg::Sync(SyncMsg::State(ConnState::Live)));
    t.lines(&app);
    app.composer.set_text("three");
    update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Enter,
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    let local_id = app.chat.convs[&key].pending.last().unwrap().local_id;
    update(
        &mut app,
        Msg::Sent {
            key,
            local_id,
            result: Ok(200),
        },
    );
    assert!(
        !t.lines(&app)
            .iter()
            .any(|l| l.contains("sent") || l.contains("wait"))
    );
}
