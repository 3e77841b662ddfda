//! Several accounts in one app: parked accounts keep their own chat, drafts and open
//! conversation (`accounts.rs`).

use super::conn::{ConnState, SyncMsg};
use super::tests::{chat, event, synced, typed, user};
use super::*;
use crate::model::ConvKey;
use crate::protocol::ServerEvent;
use crate::protocol::types::Group;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

pub(super) const HOME: AccountId = AccountId(2);

fn group(gid: i64, name: &str) -> Group {
    serde_json::from_value(
        json!({"gid":gid,"name":name,"is_public":true,"members":[],"owner":null}),
    )
    .unwrap()
}

fn mids(app: &App, key: ConvKey) -> Vec<i64> {
    app.chat.convs[&key].visible().map(|m| m.mid).collect()
}

/// `synced()` as the work account, and a second one, "home", parked, whose only channel has
/// the same id as work's lobby (ConvKey::Group(1)) and one message, read and open there.
pub(super) fn two_accounts() -> App {
    let mut app = synced();
    let home_account = || Account {
        name: "home".into(),
        login: Some(("https://home.example/".into(), "me@home.example".into())),
        ..Account::default()
    };
    app.account.name = "work".into();
    assert!(app.add_account(HOME, Some(1), home_account()));
    assert!(!app.add_account(HOME, Some(1), home_account()));
    let mut home = app.parked.remove(&HOME).unwrap();
    app.swap_account(&mut home);
    for ev in [
        ServerEvent::UsersSnapshot {
            users: vec![user(1, "me"), user(4, "dad")],
            version: 1,
        },
        ServerEvent::RelatedGroups {
            groups: vec![group(1, "family")],
        },
        ServerEvent::Chat(chat(5, 4, 1, "dinner at 7")),
        ServerEvent::Ready,
    ] {
        update(&mut app, event(ev));
    }
    app.swap_account(&mut home);
    app.parked.insert(HOME, home);
    app
}

#[test]
fn two_accounts_with_the_same_channel_id_keep_their_messages_drafts_and_open_conversation() {
    let mut app = two_accounts();
    // Work: a draft in lobby (Group 1), then dev (Group 2) open with another draft.
    typed(&mut app, "work lobby draft");
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::ALT)),
    );
    typed(&mut app, "dev draft");
    assert_eq!(app.timeline.open, Some(ConvKey::Group(2)));

    let mut home = app.parked.remove(&HOME).unwrap();
    app.swap_account(&mut home);
    // Home: its own Group 1, open, with only its own message; nothing typed.
    assert_eq!(app.timeline.open, Some(ConvKey::Group(1)));
    assert_eq!(app.conv_label(ConvKey::Group(1)), "#family");
    assert_eq!(mids(&app, ConvKey::Group(1)), vec![5]);
    assert!(!app.chat.convs.contains_key(&ConvKey::Group(2)));
    assert_eq!(app.composer.text(), "");
    typed(&mut app, "home draft");

    app.swap_account(&mut home);
    // Work again: as it was left.
    assert_eq!(app.timeline.open, Some(ConvKey::Group(2)));
    assert_eq!(app.composer.text(), "dev draft");
    assert_eq!(app.conv_label(ConvKey::Group(1)), "#lobby");
    assert_eq!(mids(&app, ConvKey::Group(1)), vec![11]);
    assert!(
        app.composer
            .drafts(app.timeline.open)
            .contains(&(ConvKey::Group(1), "work lobby draft".to_string()))
    );

    app.swap_account(&mut home);
    // Home again: its draft and conversation kept.
    assert_eq!(app.timeline.open, Some(ConvKey::Group(1)));
    assert_eq!(app.composer.text(), "home draft");
    assert_eq!(mids(&app, ConvKey::Group(1)), vec![5]);
}

pub(super) fn home_chat(mid: i64, text: &str, mentions: &[i64]) -> Msg {
    let msg = super::tests::chat_json(
        mid,
        4,
        json!({"gid": 1}),
        text,
        json!({ "mentions": mentions }),
    );
    Msg::For(HOME, Box::new(event(ServerEvent::Chat(msg))))
}

#[test]
fn a_message_for_a_parked_account_lands_in_its_model_and_its_effects_come_back_tagged() {
    let mut app = two_accounts();
    let before = app.parked[&HOME].chat().convs[&ConvKey::Group(1)].unread;
    let effects = update(&mut app, home_chat(6, "are you coming @1 ", &[1]));
    // The focused account (work) did not move: same open conversation, same messages.
    assert_eq!(app.focused, FIRST_ACCOUNT);
    assert_eq!(app.timeline.open, Some(ConvKey::Group(1)));
    assert_eq!(app.timeline.scroll, 0);
    assert_eq!(mids(&app, ConvKey::Group(1)), vec![11]);
    assert_eq!(app.chat.convs[&ConvKey::Group(1)].unread, 0);
    // Home has it, unread (nobody looks at a parked account, even in its open conversation).
    let home = &app.parked[&HOME];
    let family = &home.chat().convs[&ConvKey::Group(1)];
    assert_eq!(
        family.visible().map(|m| m.mid).collect::<Vec<_>>(),
        vec![5, 6]
    );
    assert_eq!(family.unread, before + 1);
    assert_eq!(home.timeline().open, Some(ConvKey::Group(1)));
    // Every effect is home's: its mention notifies, nothing is marked read.
    assert!(!effects.is_empty());
    assert!(
        effects
            .iter()
            .all(|e| matches!(e, Effect::For(id, _) if *id == HOME))
    );
    assert!(effects.iter().any(|e| matches!(e, Effect::For(_, inner)
        if matches!(inner.as_ref(), Effect::Notify { title, .. } if title == "home · #family: dad"))));
    assert!(!effects.iter().any(|e| matches!(e, Effect::For(_, inner)
        if matches!(inner.as_ref(), Effect::MarkRead { .. }))));
    // The terminal still counts as looked at for the focused account.
    assert!(app.screen.focused);
}

#[test]
fn a_message_for_the_focused_account_is_handled_as_any_and_unknown_accounts_are_dropped() {
    let mut app = two_accounts();
    let live = event(ServerEvent::Chat(chat(12, 3, 1, "live")));
    let effects = update(&mut app, Msg::For(FIRST_ACCOUNT, Box::new(live.clone())));
    assert_eq!(
        effects,
        vec![Effect::MarkRead {
            key: ConvKey::Group(1),
            mid: 12
        }]
    );
    assert_eq!(mids(&app, ConvKey::Group(1)), vec![11, 12]);
    let home = app.parked[&HOME].chat();
    assert_eq!(
        home.convs[&ConvKey::Group(1)]
            .visible()
            .map(|m| m.mid)
            .collect::<Vec<_>>(),
        vec![5]
    );
    // An account the app does not hold: nothing happens.
    let stranger = event(ServerEvent::Chat(chat(13, 3, 1, "lost")));
    let effects = update(&mut app, Msg::For(AccountId(9), Box::new(stranger)));
    assert!(effects.is_empty());
    assert_eq!(mids(&app, ConvKey::Group(1)), vec![11, 12]);
    assert!(!app.parked.contains_key(&AccountId(9)));
}

#[test]
fn focusing_an_account_swaps_it_in_for_good_and_parks_the_other_as_it_was() {
    let mut app = two_accounts();
    typed(&mut app, "work draft");
    update(&mut app, home_chat(6, "still there?", &[]));
    // Deleting work's message 11, asked in the selection: must not survive into home.
    app.mode = Mode::Select(11);
    app.popups.push(Confirm::Delete(11));
    let effects = app.focus(HOME);
    assert_eq!(app.focused, HOME);
    assert!(app.parked.contains_key(&FIRST_ACCOUNT));
    assert!(!app.parked.contains_key(&HOME));
    assert_eq!(app.mode, Mode::Chat);
    assert!(app.popups.is_empty());
    // Home's view, now looked at: its open conversation is read, through no tag.
    assert_eq!(app.timeline.open, Some(ConvKey::Group(1)));
    assert_eq!(mids(&app, ConvKey::Group(1)), vec![5, 6]);
    assert_eq!(app.composer.text(), "");
    assert_eq!(
        effects,
        vec![Effect::MarkRead {
            key: ConvKey::Group(1),
            mid: 6
        }]
    );
    assert_eq!(app.chat.convs[&ConvKey::Group(1)].unread, 0);
    // Work is the parked one now: its messages come back tagged, home's do not.
    let work = event(ServerEvent::Chat(chat(12, 3, 1, "meanwhile at work")));
    let effects = update(&mut app, Msg::For(FIRST_ACCOUNT, Box::new(work)));
    assert!(
        effects
            .iter()
            .all(|e| matches!(e, Effect::For(id, _) if *id == FIRST_ACCOUNT))
    );
    assert_eq!(mids(&app, ConvKey::Group(1)), vec![5, 6]);
    let effects = update(&mut app, home_chat(7, "see you", &[]));
    assert_eq!(
        effects,
        vec![Effect::MarkRead {
            key: ConvKey::Group(1),
            mid: 7
        }]
    );
    // An account the app does not hold: nothing changes.
    assert!(app.focus(AccountId(9)).is_empty());
    assert_eq!(app.focused, HOME);
    // Back to work: as it was left, with what came meanwhile.
    app.focus(FIRST_ACCOUNT);
    assert_eq!(app.focused, FIRST_ACCOUNT);
    assert_eq!(app.composer.text(), "work draft");
    assert_eq!(mids(&app, ConvKey::Group(1)), vec![11, 12]);
}

#[test]
fn a_parked_accounts_connection_and_notices_stay_its_own() {
    let mut app = two_accounts();
    update(&mut app, Msg::Sync(SyncMsg::State(ConnState::Live)));
    app.info("work notice");
    let waiting = ConnState::Waiting {
        retry_at_ms: 2_000,
        attempt: 2,
        reason: "home is down".into(),
    };
    let effects = update(
        &mut app,
        Msg::For(HOME, Box::new(Msg::Sync(SyncMsg::State(waiting.clone())))),
    );
    assert!(effects.is_empty());
    // The status bar (the focused account's) is as it was; home's is its own.
    assert_eq!(app.status.conn, ConnState::Live);
    assert_eq!(app.status.server_label, "test");
    assert_eq!(
        app.status.notice.as_ref().map(|n| n.text.as_str()),
        Some("work notice")
    );
    assert_eq!(app.parked[&HOME].status().conn, waiting);
    assert_eq!(app.parked[&HOME].status().server_label, "home.example");
    app.focus(HOME);
    assert_eq!(app.status.conn, waiting);
    assert_eq!(app.status.notice, None);
}

#[test]
fn a_parked_account_never_takes_over_the_window_and_asks_to_log_in_once_focused() {
    let mut app = two_accounts();
    app.account.login = Some(("https://work.example/".into(), "me@work.example".into()));
    // Work is about to delete its message 11.
    app.mode = Mode::Select(11);
    app.popups.push(Confirm::Delete(11));
    let expired = Msg::Sync(SyncMsg::State(ConnState::Stopped(
        conn::StopReason::SessionExpired,
    )));
    let effects = update(&mut app, Msg::For(HOME, Box::new(expired)));
    assert!(effects.is_empty());
    // Work's view is untouched: no login form for home over it, its popup still there.
    assert_eq!(app.mode, Mode::Select(11));
    assert!(matches!(
        app.popups.top(),
        Some(Popup::Confirm(Confirm::Delete(11)))
    ));
    assert_eq!(app.status.notice, None);
    // Focused, home asks to log in, as itself.
    app.focus(HOME);
    let Mode::Login(form) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(form.email, "me@home.example");
    assert!(app.popups.is_empty());
    // Home's form is not work's: back at work it is gone, back at home it is there again.
    app.focus(FIRST_ACCOUNT);
    assert_eq!(app.mode, Mode::Chat);
    app.focus(HOME);
    assert!(matches!(&app.mode, Mode::Login(form) if form.email == "me@home.example"));
}

#[test]
fn a_login_makes_its_account_the_windows_and_its_tagged_messages_are_handled_as_such() {
    // The window's session expired; logging in again opened account 3 (numbers are never
    // reused).
    let mut app = synced();
    let effects = update(
        &mut app,
        Msg::LoggedIn(Ok(Box::new(LoggedIn {
            account: AccountId(3),
            uid: 1,
            user: None,
            server: "https://chat.example.com/".into(),
            email: "me@example.com".into(),
        }))),
    );
    assert_eq!(effects, vec![Effect::StartSync]);
    assert_eq!(app.focused, AccountId(3));
    // What its session sends comes tagged with 3: handled as the window's (untagged effects).
    let for_3 = |msg| Msg::For(AccountId(3), Box::new(msg));
    update(&mut app, for_3(Msg::Sync(SyncMsg::State(ConnState::Live))));
    assert_eq!(app.status.conn, ConnState::Live);
    update(
        &mut app,
        for_3(event(ServerEvent::Chat(chat(500, 2, 1, "hi")))),
    );
    assert!(mids(&app, ConvKey::Group(1)).contains(&500));
    // A session it no longer holds (the number the window's account had before): dropped.
    assert!(update(&mut app, Msg::For(FIRST_ACCOUNT, Box::new(Msg::Tick))).is_empty());
}

#[test]
fn a_parked_accounts_retry_is_due_while_another_is_on_screen() {
    let mut app = two_accounts();
    // Home, live, sends; the send fails for a reason that may pass: a retry in 5 s.
    app.focus(HOME);
    update(&mut app, Msg::Sync(SyncMsg::State(ConnState::Live)));
    let local_id = super::tests::send_typed(&mut app, "through a flaky proxy");
    update(
        &mut app,
        Msg::Sent {
            key: ConvKey::Group(1),
            local_id,
            result: Err(crate::protocol::ApiError::Server {
                status: 502,
                body: "bad gateway".into(),
            }
            .into()),
        },
    );
    let due = app.next_deadline().expect("home's retry is scheduled");
    // Work is on screen again: home's retry still wakes the loop, and goes out as home's.
    app.focus(FIRST_ACCOUNT);
    assert_eq!(app.next_deadline(), Some(due));
    assert!(
        update(&mut app, Msg::Tick).is_empty(),
        "not before it is due"
    );
    app.now_ms = due;
    let effects = update(&mut app, Msg::Tick);
    assert!(
        matches!(effects.as_slice(), [Effect::For(id, inner)]
            if *id == HOME && matches!(inner.as_ref(), Effect::Send { local_id: l, retry: true, .. } if *l == local_id)),
        "{effects:?}"
    );
    assert_eq!(app.next_deadline(), None);
}

#[test]
fn a_parked_accounts_broken_store_is_offered_for_rebuilding_when_it_is_focused() {
    let mut app = two_accounts();
    update(
        &mut app,
        Msg::For(
            HOME,
            Box::new(Msg::StoreUnusable("the store is damaged".into())),
        ),
    );
    // Nothing opens over work's view…
    assert!(app.popups.top().is_none());
    // …and focusing home offers the rebuild.
    app.focus(HOME);
    assert!(matches!(
        app.popups.top(),
        Some(popups::Popup::Confirm(Confirm::RebuildStore(why))) if why == "the store is damaged"
    ));
}

#[test]
fn local_ids_are_unique_across_accounts() {
    let mut app = two_accounts();
    let first = super::tests::send_typed(&mut app, "from work");
    app.focus(HOME);
    // The clock did not move: home's next id still comes after work's.
    let second = super::tests::send_typed(&mut app, "from home");
    assert!(second > first, "{second} after {first}");
}
