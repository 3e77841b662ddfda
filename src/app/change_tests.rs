//! Edits, reactions and deletes as queued changes: one state change per test.

use super::tests::{alt, chat, event, key, synced};
use super::*;
use crate::model::{Change, PendingState};
use crate::protocol::types::{ChatMessage, Content};
use crate::protocol::{ApiError, ServerEvent};
use crossterm::event::KeyCode;
use serde_json::json;

fn offline() -> Failure {
    ApiError::Network("connection failed".into()).into()
}

/// Synced, with your message 12 in lobby, selected.
fn with_mine_selected() -> App {
    let mut app = synced();
    update(&mut app, event(ServerEvent::Chat(chat(12, 1, 1, "mine"))));
    update(&mut app, alt(KeyCode::Char('s')));
    assert_eq!(app.mode, Mode::Select(12));
    app
}

fn one_change(effects: &[Effect]) -> crate::model::PendingChange {
    match effects {
        [Effect::Change(c)] => c.clone(),
        other => panic!("{other:?}"),
    }
}

/// Picks 👍 (the first reaction) for the selected message.
fn thumbs_up(app: &mut App) -> Vec<Effect> {
    update(app, key(KeyCode::Char('+')));
    update(app, key(KeyCode::Char('4')))
}

fn my_like(mid: i64, target: i64) -> ChatMessage {
    serde_json::from_value(json!({"mid":mid,"from_uid":1,"created_at":mid * 1000,
        "target":{"gid":1},
        "detail":{"type":"reaction","mid":target,"detail":{"type":"like","action":"👍"}}}))
    .unwrap()
}

#[test]
fn a_change_that_cannot_reach_the_server_waits_and_goes_out_when_the_stream_is_back() {
    let mut app = with_mine_selected();
    update(&mut app, key(KeyCode::Char('d')));
    let sent = one_change(&update(&mut app, key(KeyCode::Char('y'))));
    assert_eq!((sent.mid, &sent.change), (12, &Change::Delete));
    update(
        &mut app,
        Msg::Changed {
            id: sent.id,
            result: Err(offline()),
        },
    );
    assert!(matches!(
        app.chat.changes[0].state,
        PendingState::Waiting(_)
    ));
    assert!(
        app.status
            .notice
            .as_ref()
            .unwrap()
            .text
            .starts_with("not sent yet"),
        "{:?}",
        app.status.notice
    );
    let again = one_change(&update(&mut app, event(ServerEvent::Ready)));
    assert_eq!((again.id, again.state), (sent.id, PendingState::Sending));
}

#[test]
fn an_acknowledged_change_leaves_the_queue_and_the_waiting_notice_goes() {
    let mut app = with_mine_selected();
    let sent = one_change(&thumbs_up(&mut app));
    update(
        &mut app,
        Msg::Changed {
            id: sent.id,
            result: Err(offline()),
        },
    );
    update(&mut app, event(ServerEvent::Ready));
    update(
        &mut app,
        Msg::Changed {
            id: sent.id,
            result: Ok(()),
        },
    );
    assert!(app.chat.changes.is_empty());
    assert!(app.status.notice.is_none(), "{:?}", app.status.notice);
}

#[test]
fn a_like_whose_answer_was_lost_but_which_landed_is_not_sent_again() {
    let mut app = with_mine_selected();
    let sent = one_change(&thumbs_up(&mut app));
    assert_eq!(
        sent.change,
        Change::React {
            emoji: "👍".into(),
            on: true
        }
    );
    update(
        &mut app,
        Msg::Changed {
            id: sent.id,
            result: Err(offline()),
        },
    );
    // The replay after the reconnect holds the like: sending it again would undo it.
    update(&mut app, event(ServerEvent::Chat(my_like(13, 12))));
    let effects = update(&mut app, event(ServerEvent::Ready));
    assert_eq!(effects, vec![Effect::Forget(sent.id)]);
    assert!(app.chat.changes.is_empty());
    let reactions = &app.chat.message(12).unwrap().reactions;
    assert_eq!(reactions["👍"].len(), 1);
}

#[test]
fn picking_a_reaction_again_before_it_went_out_cancels_both() {
    let mut app = with_mine_selected();
    let sent = one_change(&thumbs_up(&mut app));
    update(
        &mut app,
        Msg::Changed {
            id: sent.id,
            result: Err(offline()),
        },
    );
    assert_eq!(thumbs_up(&mut app), vec![Effect::Forget(sent.id)]);
    assert!(app.chat.changes.is_empty());
    assert_eq!(
        app.status.notice.as_ref().unwrap().text,
        strings::CHANGE_CANCELLED
    );
}

#[test]
fn a_reaction_you_have_is_taken_off() {
    let mut app = with_mine_selected();
    update(&mut app, event(ServerEvent::Chat(my_like(13, 12))));
    let sent = one_change(&thumbs_up(&mut app));
    assert_eq!(
        sent.change,
        Change::React {
            emoji: "👍".into(),
            on: false
        }
    );
}

#[test]
fn a_newer_edit_replaces_one_not_sent_yet() {
    let mut app = with_mine_selected();
    update(&mut app, key(KeyCode::Char('e')));
    update(&mut app, key(KeyCode::Char('!')));
    let first = one_change(&update(&mut app, key(KeyCode::Enter)));
    update(
        &mut app,
        Msg::Changed {
            id: first.id,
            result: Err(offline()),
        },
    );
    update(&mut app, alt(KeyCode::Char('s')));
    update(&mut app, key(KeyCode::Char('e')));
    update(&mut app, key(KeyCode::Char('?')));
    let effects = update(&mut app, key(KeyCode::Enter));
    let [Effect::Forget(old), Effect::Change(second)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(*old, first.id);
    assert_eq!(second.change, Change::Edit(Content::Text("mine?".into())));
    assert_eq!(app.chat.changes.len(), 1);
}

#[test]
fn a_refused_change_stays_with_the_reason_until_discarded() {
    let mut app = with_mine_selected();
    update(&mut app, key(KeyCode::Char('d')));
    let sent = one_change(&update(&mut app, key(KeyCode::Char('y'))));
    update(
        &mut app,
        Msg::Changed {
            id: sent.id,
            result: Err(ApiError::Forbidden("not yours".into()).into()),
        },
    );
    assert!(matches!(app.chat.changes[0].state, PendingState::Failed(_)));
    let notice = &app.status.notice.as_ref().unwrap().text;
    assert!(notice.contains("Alt+R retries, Alt+D discards"), "{notice}");
    // It is not sent again by itself.
    assert!(update(&mut app, event(ServerEvent::Ready)).is_empty());
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(
        update(&mut app, alt(KeyCode::Char('d'))),
        vec![Effect::Forget(sent.id)]
    );
    assert!(app.chat.changes.is_empty());
}

#[test]
fn the_retry_key_sends_a_refused_change_again() {
    let mut app = with_mine_selected();
    update(&mut app, key(KeyCode::Char('d')));
    let sent = one_change(&update(&mut app, key(KeyCode::Char('y'))));
    update(
        &mut app,
        Msg::Changed {
            id: sent.id,
            result: Err(ApiError::Forbidden("not yours".into()).into()),
        },
    );
    update(&mut app, key(KeyCode::Esc));
    let again = one_change(&update(&mut app, alt(KeyCode::Char('r'))));
    assert_eq!(again.id, sent.id);
}
