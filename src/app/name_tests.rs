//! Names that differ only by case are ambiguous wherever the app looks a name up (`/invite`,
//! `/create`, search filters), so a member who renames to `Bob` beside `bob` takes nothing
//! over; `@uid:N` and `#gid:N` name one.

use super::tests::{alt, event, key, synced};
use super::*;
use crate::protocol::ServerEvent;
use crate::protocol::types::UserInfo;
use crossterm::event::KeyCode;

/// [`synced`], and a member (4) who renamed to `Bob` beside bob (2); dev (2) is open.
fn with_impostor() -> App {
    let mut app = synced();
    let users: Vec<UserInfo> = serde_json::from_value(serde_json::json!([
        {"uid": 1, "name": "me"}, {"uid": 2, "name": "bob"}, {"uid": 3, "name": "carol"},
        {"uid": 4, "name": "Bob"}
    ]))
    .unwrap();
    update(
        &mut app,
        event(ServerEvent::UsersSnapshot { users, version: 4 }),
    );
    app.open_conversation(ConvKey::Group(2));
    app
}

fn command(app: &mut App, text: &str) -> Vec<Effect> {
    for c in text.chars() {
        update(app, key(KeyCode::Char(c)));
    }
    update(app, key(KeyCode::Enter))
}

#[test]
fn invite_by_a_name_two_people_answer_to_is_refused_and_lists_both() {
    let mut app = with_impostor();
    let effects = command(&mut app, "/invite @bob");
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Invite { .. })),
        "{effects:?}"
    );
    let notice = app.status.notice.clone().unwrap();
    assert!(notice.error);
    assert_eq!(
        notice.text,
        "@bob is ambiguous: @bob (@uid:2), @Bob (@uid:4)"
    );
    let effects = command(&mut app, "/invite @uid:4");
    assert!(
        effects.contains(&Effect::Invite {
            gid: 2,
            uids: vec![4]
        }),
        "{effects:?}"
    );
}

#[test]
fn a_search_filter_by_such_a_name_takes_both_and_an_id_takes_one() {
    let mut app = with_impostor();
    update(&mut app, alt(KeyCode::Char('/')));
    let query = |effects: Vec<Effect>| match effects.as_slice() {
        [Effect::Search { query, .. }] => query.clone(),
        other => panic!("{other:?}"),
    };
    let mut last = vec![];
    for c in "from:@bob".chars() {
        last = update(&mut app, key(KeyCode::Char(c)));
    }
    let mut from = query(last).from;
    from.sort_unstable();
    assert_eq!(from, vec![2, 4], "both, never just the one spelled alike");
    // Ctrl+U clears the query.
    update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('u'),
            crossterm::event::KeyModifiers::CONTROL,
        )),
    );
    let mut last = vec![];
    for c in "from:@uid:4 in:#gid:2".chars() {
        last = update(&mut app, key(KeyCode::Char(c)));
    }
    let q = query(last);
    assert_eq!((q.from, q.within), (vec![4], vec![ConvKey::Group(2)]));
}
