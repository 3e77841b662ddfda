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

/// An app (times in UTC) whose server has me (uid 1) and bob (uid 2), in the public
/// channels `channels`; not ready yet.
pub(crate) fn me_and_bob(channels: &[(i64, &str)]) -> App {
    let mut settings = Settings::from(&Config::default());
    settings.utc = true;
    let mut app = App::logged_in(1, Keymap::new(Preset::Default), settings, "t".into());
    event(
        &mut app,
        json!({"type":"users_snapshot","version":1,"users":[
            {"uid":1,"name":"me","gender":0,"language":"en","is_admin":false,"is_bot":false,"avatar_updated_at":0,"create_by":"password"},
            {"uid":2,"name":"bob","gender":0,"language":"en","is_admin":false,"is_bot":false,"avatar_updated_at":0,"create_by":"password"}]}),
    );
    let groups: Vec<serde_json::Value> = channels
        .iter()
        .map(|(gid, name)| json!({"gid":gid,"name":name,"owner":null,"is_public":true,"avatar_updated_at":0,"members":[]}))
        .collect();
    event(&mut app, json!({"type":"related_groups","groups":groups}));
    app
}

#[test]
fn history_is_taken_in_silently_then_each_new_message_is_said_once() {
    let mut app = me_and_bob(&[(1, "lobby"), (2, "dev")]);
    let mut t = Transcript::default();
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

/// One channel (lobby) with `n` messages from bob, the open conversation.
fn lobby(n: i64) -> App {
    let mut settings = Settings::from(&Config::default());
    settings.utc = true;
    let mut app = App::logged_in(1, Keymap::new(Preset::Default), settings, "t".into());
    event(
        &mut app,
        json!({"type":"related_groups","groups":[
            {"gid":1,"name":"lobby","owner":null,"is_public":true,"avatar_updated_at":0,"members":[]}]}),
    );
    for mid in 1..=n {
        chat(&mut app, mid, 1, &format!("message {mid}"));
    }
    event(&mut app, json!({"type":"ready"}));
    app
}

#[test]
fn links_by_number_copy_and_goto() {
    use crate::app::{Act, Effect};
    let mut app = lobby(3);
    chat(
        &mut app,
        4,
        1,
        "see https://one.example/a and https://two.example/b",
    );
    let key = ConvKey::Group(1);
    let me = app.focused;
    // Two links and none named: they are listed, numbered, and nothing opens.
    let effects = app.act_on(me, key, 4, Act::OpenLink(None));
    assert!(!effects.iter().any(|e| matches!(e, Effect::OpenUrl(_))));
    let listed = &app.status.notice.as_ref().unwrap().text;
    assert!(
        listed.contains("1 https://one.example/a") && listed.contains("2 https://two.example/b"),
        "{listed}"
    );
    // The second, by its number.
    let effects = app.act_on(me, key, 4, Act::OpenLink(Some(2)));
    assert!(
        effects
            .iter()
            .any(|e| *e == Effect::OpenUrl("https://two.example/b".into())),
        "{effects:?}"
    );
    // A third there is not: said, nothing opened.
    let effects = app.act_on(me, key, 4, Act::OpenLink(Some(3)));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(app.status.notice.as_ref().unwrap().error);
    // A message without links says so.
    app.act_on(me, key, 1, Act::OpenLink(None));
    assert!(app.status.notice.as_ref().unwrap().text.contains("no link"));
    // Copy: the text as shown.
    let effects = app.act_on(me, key, 2, Act::Copy);
    assert_eq!(effects, vec![Effect::CopyText("message 2".into())]);
    // Goto selects the message (it is loaded); the linear mode says what is around it.
    app.act_on(me, key, 2, Act::Goto);
    assert_eq!(app.selection_said(), Some(2));
    assert_eq!(
        app.selection_said(),
        None,
        "the line is the composer's again"
    );
    let mut t = Transcript::default();
    let around = t.around(&app, 2);
    assert!(
        around[0].starts_with("[#lobby] around the message"),
        "{around:?}"
    );
    assert_eq!(around.len(), 1 + 4, "mids 1-4: {around:?}");
    assert!(around[2].ends_with(" (this one): message 2"), "{around:?}");
    let n: u64 = around[2].split(' ').next().unwrap().parse().unwrap();
    assert_eq!(t.numbered(n), Some((me, key, 2)));
}

#[test]
fn what_a_search_found_is_said_numbered_with_unread_ones_named() {
    use crate::model::SearchHit;
    use crate::protocol::types::ContentKind;
    let mut app = lobby(20);
    let hit = |mid: i64| SearchHit {
        mid,
        key: ConvKey::Group(1),
        from_uid: 2,
        created_at: 1_795_338_000_000 + mid * 60_000,
        kind: ContentKind::Text,
        text: format!("message {mid}"),
        author: None,
    };
    app.search.kind = crate::app::SearchKind::Inbox;
    app.search.results.hits = vec![hit(20), hit(3)];
    // Read up to message 10: the hit of message 20 is unread, the one of message 3 is not.
    app.chat
        .convs
        .get_mut(&ConvKey::Group(1))
        .unwrap()
        .read_index = 10;
    let mut t = Transcript::default();
    let said = t.found(&app);
    assert_eq!(
        said[0],
        "inbox (mentions of you and replies to you): 2 found, 1 unread"
    );
    assert!(
        said[1].starts_with("1 [#lobby] user 2 2026-11-22 09:20, unread: message 20"),
        "{said:?}"
    );
    assert!(said[2].ends_with("09:03: message 3"), "{said:?}");
    assert_eq!(t.numbered(2), Some((app.focused, ConvKey::Group(1), 3)));
    assert!(said.last().unwrap().starts_with("/goto"));
    // Nothing found says so, and offers nothing to go to.
    app.search.results.hits.clear();
    let said = t.found(&app);
    assert_eq!(
        said,
        vec!["inbox (mentions of you and replies to you): nothing found"]
    );
}

#[test]
fn picked_files_and_an_uploads_quarters_are_said_once_each() {
    use crate::app::TaskKind;
    use crate::model::{OpenFile, Staged};
    let mut app = lobby(1);
    let mut t = Transcript::default();
    t.lines(&app);
    assert!(t.work(&app).is_empty());
    app.composer.stage(vec![Staged {
        path: "/tmp/a.png".into(),
        name: "a.png".into(),
        size: 2048,
        content_type: "image/png".into(),
        file: OpenFile::new(tempfile::tempfile().unwrap()),
    }]);
    assert_eq!(
        t.work(&app),
        ["picked to send with the next Enter: a.png (2.0 KB)"]
    );
    assert!(t.work(&app).is_empty(), "said once");
    // Sent: the upload starts (said), the pick is not said to be gone.
    app.composer.staged.clear();
    let task = app.tasks.start(
        TaskKind::Upload {
            local_id: 1,
            name: "a.png".into(),
        },
        0,
    );
    assert_eq!(t.work(&app), ["uploading a.png"]);
    // Progress by quarters: 10% says nothing, 55% says 50%, 60% nothing new.
    for (done, said) in [(10, vec![]), (55, vec!["a.png: 50%"]), (60, vec![])] {
        app.tasks.progress(task, done, Some(100), 0);
        assert_eq!(t.work(&app), said, "at {done}%");
    }
    app.tasks.finish(task);
    assert!(t.work(&app).is_empty());
}

#[test]
fn the_login_form_is_said_as_it_changes() {
    use crate::app::{LoginForm, Mode};
    let mut app = lobby(0);
    let mut t = Transcript::default();
    let mut form = LoginForm::new(Some("http://chat.example.org".into()), None, None);
    app.mode = Mode::Login(form.clone());
    let said = t.login(&app);
    assert!(
        said[0].starts_with("log in to VoceChat at chat.example.org"),
        "{said:?}"
    );
    // The server, given, is plain HTTP across a network: said before any password.
    assert!(
        said.iter()
            .any(|l| *l == crate::app::insecure_warning("chat.example.org")),
        "{said:?}"
    );
    assert!(t.login(&app).is_empty(), "said once");
    form.focus = crate::app::LoginField::Password;
    app.mode = Mode::Login(form.clone());
    assert!(t.login(&app).is_empty(), "the warning is not said again");
    // Logging in, then refused.
    form.busy = true;
    app.mode = Mode::Login(form.clone());
    assert_eq!(t.login(&app), ["logging in…"]);
    form.busy = false;
    form.error = Some("wrong password".into());
    app.mode = Mode::Login(form.clone());
    assert_eq!(t.login(&app), ["wrong password"]);
    // In: how to go on.
    form.busy = true;
    app.mode = Mode::Login(form);
    t.login(&app);
    app.mode = Mode::Chat;
    assert_eq!(t.login(&app), [HINT]);
    assert!(t.login(&app).is_empty());
}

/// A forwarded archive (issue 23, item 4): said as "loading" when it arrives, then, once
/// fetched, its messages as indented lines under the message's number; `/history` says them
/// too.
#[test]
fn a_forwarded_archive_is_said_with_its_messages_once_fetched() {
    use crate::protocol::types::{Archive, ArchiveMessage, ArchiveUser, Target};
    let mut app = me_and_bob(&[(1, "lobby")]);
    let mut t = Transcript::default();
    chat(&mut app, 1, 1, "old news");
    event(&mut app, json!({"type":"ready"}));
    update(&mut app, Msg::Sync(SyncMsg::State(ConnState::Live)));
    t.lines(&app);
    event(
        &mut app,
        json!({"type":"chat","mid":2,"from_uid":2,"created_at":1_795_338_120_000i64,"target":{"gid":1},
            "detail":{"type":"normal","content_type":"vocechat/archive","content":"2026/1/1/f","properties":null}}),
    );
    let said = t.lines(&app);
    assert_eq!(
        said,
        ["2 bob 09:02: 🗂 forwarded messages (loading…)"],
        "{said:?}"
    );
    let archive = Archive {
        users: vec![ArchiveUser {
            name: "carol".into(),
            avatar: None,
        }],
        messages: vec![
            ArchiveMessage {
                from_user: 0,
                created_at: 1,
                mid: 7,
                source: Target::Group { gid: 2 },
                properties: None,
                content_type: "text/plain".into(),
                content: Some("hello\nworld".into()),
                file_id: None,
                thumbnail_id: None,
            },
            ArchiveMessage {
                from_user: 0,
                created_at: 1,
                mid: 8,
                source: Target::Group { gid: 2 },
                properties: Some(json!({"name": "a.pdf"})),
                content_type: "vocechat/file".into(),
                content: None,
                file_id: Some(0),
                thumbnail_id: None,
            },
        ],
        num_attachments: 1,
    };
    update(
        &mut app,
        Msg::ArchiveFetched {
            path: "2026/1/1/f".into(),
            result: Ok(Box::new(archive)),
        },
    );
    assert_eq!(
        t.lines(&app),
        [
            "message 2: 🗂 forwarded, 2 messages",
            "    carol: hello",
            "      world",
            "    carol: 📎 a.pdf",
        ]
    );
    // Said once.
    assert!(t.lines(&app).is_empty());
    let history = t.history(&app, 1);
    assert_eq!(history[1], "3 bob 09:02: 🗂 forwarded, 2 messages");
    assert_eq!(history[2], "    carol: hello");
}
