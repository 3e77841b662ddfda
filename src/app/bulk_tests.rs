//! Marks and bulk delete (`bulk.rs`): marking in the selection, one confirm for all marked,
//! one request where the server has bulk delete, one per message where it has not.

use super::tests::{alt, chat, event, key, synced};
use super::*;
use crate::model::{Change, Feature};
use crate::protocol::{ApiError, ServerEvent};
use crossterm::event::KeyCode;

/// Synced on a server of `version`, with your messages 12 and 13 in lobby and 13 selected.
fn with_mine(version: Option<&str>) -> App {
    let mut app = synced();
    if let Some(v) = version {
        app.chat.server.learn_version(v);
    }
    update(
        &mut app,
        event(ServerEvent::Chat(chat(12, 1, 1, "mine one"))),
    );
    update(
        &mut app,
        event(ServerEvent::Chat(chat(13, 1, 1, "mine two"))),
    );
    update(&mut app, alt(KeyCode::Char('s')));
    assert_eq!(app.mode, Mode::Select(13));
    app
}

/// Marks 13 and 12 (space, up, v).
fn mark_both(app: &mut App) {
    update(app, key(KeyCode::Char(' ')));
    update(app, key(KeyCode::Up));
    update(app, key(KeyCode::Char('v')));
    assert_eq!(
        app.timeline.marked.iter().copied().collect::<Vec<_>>(),
        vec![12, 13]
    );
}

fn deletes(effects: &[Effect]) -> (Vec<Vec<i64>>, Vec<i64>) {
    let mut bulk = Vec::new();
    let mut single = Vec::new();
    for e in effects {
        match e {
            Effect::DeleteMany(cs) => bulk.push(cs.iter().map(|c| c.mid).collect()),
            Effect::Change(c) if c.change == Change::Delete => single.push(c.mid),
            _ => {}
        }
    }
    (bulk, single)
}

#[test]
fn marks_toggle_and_go_with_the_selection() {
    let mut app = with_mine(None);
    update(&mut app, key(KeyCode::Char(' ')));
    assert!(app.timeline.marked.contains(&13));
    update(&mut app, key(KeyCode::Char(' ')));
    assert!(app.timeline.marked.is_empty(), "again unmarks");
    mark_both(&mut app);
    update(&mut app, key(KeyCode::Esc));
    assert!(
        app.timeline.marked.is_empty(),
        "leaving the selection drops the marks"
    );
}

#[test]
fn a_newer_server_deletes_every_marked_message_in_one_request_after_one_confirm() {
    let mut app = with_mine(Some("0.5.31"));
    mark_both(&mut app);
    let asked = update(&mut app, key(KeyCode::Char('d')));
    assert!(asked.is_empty());
    assert_eq!(
        app.popups.top(),
        Some(&Popup::Confirm(Confirm::DeleteMany(vec![12, 13])))
    );
    let effects = update(&mut app, key(KeyCode::Char('y')));
    assert_eq!(
        deletes(&effects),
        (vec![vec![12, 13]], vec![]),
        "{effects:?}"
    );
    assert_eq!(app.mode, Mode::Chat);
    assert!(app.timeline.marked.is_empty());
    assert_eq!(app.chat.changes.len(), 2, "each is a queued change");
    let ids = app.chat.changes.iter().map(|c| c.id).collect();
    update(
        &mut app,
        Msg::BulkDeleted {
            ids,
            result: Ok(()),
        },
    );
    assert!(app.chat.changes.is_empty());
}

#[test]
fn a_long_bulk_delete_goes_in_requests_of_a_bounded_size() {
    let mut app = with_mine(Some("0.5.31"));
    for mid in 100..350 {
        update(&mut app, event(ServerEvent::Chat(chat(mid, 1, 1, "mine"))));
    }
    let mids: Vec<i64> = (100..350).collect();
    let (bulk, single) = deletes(&app.delete_many(&mids));
    assert!(single.is_empty());
    assert_eq!(
        bulk.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![100, 100, 50]
    );
    assert_eq!(bulk.concat(), mids);
}

#[test]
fn an_open_source_server_gets_one_delete_per_message() {
    let mut app = with_mine(Some("0.3.3"));
    mark_both(&mut app);
    update(&mut app, key(KeyCode::Char('d')));
    let effects = update(&mut app, key(KeyCode::Char('y')));
    assert_eq!(deletes(&effects), (vec![], vec![12, 13]), "{effects:?}");
}

#[test]
fn a_server_of_unknown_version_is_tried_and_remembered_when_it_answers_404() {
    let mut app = with_mine(None);
    mark_both(&mut app);
    update(&mut app, key(KeyCode::Char('d')));
    let effects = update(&mut app, key(KeyCode::Char('y')));
    assert_eq!(deletes(&effects).0, vec![vec![12, 13]]);
    let ids = app.chat.changes.iter().map(|c| c.id).collect();
    let effects = update(
        &mut app,
        Msg::BulkDeleted {
            ids,
            result: Err(ApiError::NotFound("messages".into()).into()),
        },
    );
    assert_eq!(deletes(&effects), (vec![], vec![12, 13]), "one by one");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SaveCapabilities(_))),
        "remembered with the store"
    );
    assert!(!app.offers(Feature::BulkDelete));
}

#[test]
fn a_404_from_a_server_whose_version_has_bulk_delete_goes_one_by_one_this_once() {
    let mut app = with_mine(Some("0.5.31"));
    mark_both(&mut app);
    update(&mut app, key(KeyCode::Char('d')));
    update(&mut app, key(KeyCode::Char('y')));
    let ids = app.chat.changes.iter().map(|c| c.id).collect();
    let effects = update(
        &mut app,
        Msg::BulkDeleted {
            ids,
            result: Err(ApiError::NotFound("messages".into()).into()),
        },
    );
    assert_eq!(deletes(&effects), (vec![], vec![12, 13]));
    assert!(
        app.offers(Feature::BulkDelete),
        "the version says it has it"
    );
}

#[test]
fn only_your_own_marked_messages_unless_you_are_an_admin() {
    let mut app = with_mine(Some("0.5.31"));
    update(&mut app, key(KeyCode::Char(' ')));
    // 11 is bob's.
    update(&mut app, key(KeyCode::Up));
    update(&mut app, key(KeyCode::Up));
    assert_eq!(app.mode, Mode::Select(11));
    update(&mut app, key(KeyCode::Char(' ')));
    update(&mut app, key(KeyCode::Char('d')));
    assert!(app.popups.top().is_none());
    let notice = app.status.notice.as_ref().map(|n| n.text.clone());
    assert!(
        notice
            .as_deref()
            .is_some_and(|t| t.contains("1 marked are not yours")),
        "{notice:?}"
    );
    if let Some(me) = app.chat.users.get_mut(&1) {
        me.is_admin = true;
    }
    update(&mut app, key(KeyCode::Char('d')));
    assert_eq!(
        app.popups.top(),
        Some(&Popup::Confirm(Confirm::DeleteMany(vec![11, 13])))
    );
}
