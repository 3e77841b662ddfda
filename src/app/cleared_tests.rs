//! A clear of history by the server (`cleared.rs`): the model lets it go, the selection and
//! the composer let go of a cleared message, and the notice says how many messages went.

use super::tests::{chat, event, synced};
use super::*;
use crate::model::ClearedNow;
use crate::protocol::ServerEvent;

fn notice(app: &App) -> Option<String> {
    app.status.notice.as_ref().map(|n| n.text.clone())
}

#[test]
fn the_store_s_count_is_told_once_with_the_channel_s_name() {
    let mut app = synced();
    update(&mut app, event(ServerEvent::GroupMessageCleared { gid: 2 }));
    assert!(app.chat.convs[&ConvKey::Group(2)].messages.is_empty());
    assert!(app.chat.message(11).is_some(), "lobby keeps its own");
    assert_eq!(notice(&app), None, "the store tells how many went");
    let now = ClearedNow {
        conv: Some(ConvKey::Group(2)),
        messages: 1204,
        news: true,
    };
    update(&mut app, Msg::Cleared(now));
    assert_eq!(
        notice(&app).as_deref(),
        Some("the server cleared 1,204 messages in #dev")
    );
    app.status.notice = None;
    update(&mut app, Msg::Cleared(ClearedNow { news: false, ..now }));
    assert_eq!(notice(&app), None, "a clear seen again is no news");
    update(
        &mut app,
        Msg::Cleared(ClearedNow {
            conv: None,
            messages: 1,
            news: true,
        }),
    );
    assert_eq!(
        notice(&app).as_deref(),
        Some("the server cleared 1 message")
    );
}

#[test]
fn a_channel_this_client_does_not_know_is_not_told() {
    let mut app = synced();
    update(
        &mut app,
        event(ServerEvent::GroupMessageCleared { gid: 99 }),
    );
    update(
        &mut app,
        Msg::Cleared(ClearedNow {
            conv: Some(ConvKey::Group(99)),
            messages: 0,
            news: true,
        }),
    );
    assert_eq!(notice(&app), None);
    // A known one, even empty here, is.
    update(
        &mut app,
        Msg::Cleared(ClearedNow {
            conv: Some(ConvKey::Group(2)),
            messages: 0,
            news: true,
        }),
    );
    assert_eq!(
        notice(&app).as_deref(),
        Some("the server cleared the history in #dev")
    );
}

#[test]
fn without_a_store_the_model_s_count_is_told() {
    let mut app = synced();
    app.account.without_store = true;
    update(
        &mut app,
        event(ServerEvent::MessageCleared {
            latest_deleted_mid: Some(11),
        }),
    );
    assert!(app.chat.convs.values().all(|c| c.messages.is_empty()));
    assert_eq!(
        notice(&app).as_deref(),
        Some("the server cleared 2 messages")
    );
}

#[test]
fn a_cleared_message_leaves_the_selection_and_the_composer() {
    let mut app = synced();
    app.timeline.open = Some(ConvKey::Group(1));
    update(&mut app, event(ServerEvent::Chat(chat(12, 2, 1, "later"))));
    app.mode = Mode::Select(11);
    app.timeline.marked.insert(11);
    app.timeline.seek = Some((ConvKey::Group(1), 5));
    app.composer.target = ComposeTarget::Reply(11);
    update(&mut app, event(ServerEvent::GroupMessageCleared { gid: 1 }));
    assert_eq!(app.mode, Mode::Chat);
    assert_eq!(app.composer.target, ComposeTarget::New);
    assert!(app.timeline.marked.is_empty());
    assert_eq!(app.timeline.seek, None, "a jump to a cleared message ends");
    // A message after the clear shows.
    update(&mut app, event(ServerEvent::Chat(chat(13, 2, 1, "after"))));
    assert_eq!(
        app.chat.convs[&ConvKey::Group(1)]
            .messages
            .keys()
            .copied()
            .collect::<Vec<_>>(),
        vec![13]
    );
}

fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    for c in text.chars() {
        update(app, super::tests::key(crossterm::event::KeyCode::Char(c)));
    }
    update(app, super::tests::key(crossterm::event::KeyCode::Enter))
}

#[test]
fn slash_clear_asks_then_asks_the_server_where_the_owner_may() {
    let mut app = synced();
    app.chat.server.learn_version("0.5.31");
    app.timeline.show(ConvKey::Group(2), 0);
    typed(&mut app, "/clear");
    assert_eq!(
        app.popups.top(),
        Some(&Popup::Confirm(Confirm::ClearChannel(2))),
        "you own dev"
    );
    let effects = update(
        &mut app,
        super::tests::key(crossterm::event::KeyCode::Char('y')),
    );
    assert_eq!(effects, vec![Effect::ClearChannel { gid: 2 }]);
    // Lobby has no owner, and you are no admin.
    app.timeline.show(ConvKey::Group(1), 0);
    typed(&mut app, "/clear");
    assert!(app.popups.top().is_none());
    assert_eq!(
        notice(&app).as_deref(),
        Some("only the channel's owner or an admin can clear it")
    );
}

#[test]
fn slash_clear_hides_on_a_server_without_it() {
    let mut app = synced();
    app.chat.server.learn_version("0.3.3");
    app.timeline.show(ConvKey::Group(2), 0);
    typed(&mut app, "/clear");
    assert!(app.popups.top().is_none());
    assert_eq!(
        notice(&app).as_deref(),
        Some("this server has no channel clearing")
    );
    // Version unknown: tried; a 404 is remembered.
    let mut app = synced();
    update(
        &mut app,
        Msg::ChannelCleared {
            gid: 2,
            result: Err(
                crate::protocol::ApiError::NotFound("the channel's messages".into()).into(),
            ),
        },
    );
    assert!(!app.offers(crate::model::Feature::ClearGroup));
}

#[test]
fn your_own_clear_empties_the_channel_without_waiting_for_the_stream() {
    let mut app = synced();
    app.chat.server.learn_version("0.5.31");
    app.timeline.show(ConvKey::Group(2), 0);
    app.mode = Mode::Select(10);
    let effects = update(
        &mut app,
        Msg::ChannelCleared {
            gid: 2,
            result: Ok(()),
        },
    );
    assert!(app.chat.convs[&ConvKey::Group(2)].messages.is_empty());
    assert!(app.chat.message(10).is_none());
    assert_eq!(app.mode, Mode::Chat, "the selected message went");
    assert!(app.chat.message(11).is_some(), "lobby keeps its own");
    assert!(
        effects.contains(&Effect::Keep(Box::new(ServerEvent::GroupMessageCleared {
            gid: 2
        }))),
        "the store clears it too: {effects:?}"
    );
    // The stream's echo, if the server sends one, clears nothing more.
    update(&mut app, event(ServerEvent::GroupMessageCleared { gid: 2 }));
    assert!(app.chat.message(11).is_some());
}

fn deletes(effects: &[Effect]) -> Vec<i64> {
    let mut mids = Vec::new();
    for e in effects {
        match e {
            Effect::DeleteMany(cs) => mids.extend(cs.iter().map(|c| c.mid)),
            Effect::Change(c) if c.change == crate::model::Change::Delete => mids.push(c.mid),
            _ => {}
        }
    }
    mids
}

#[test]
fn a_delete_question_about_cleared_messages_closes_and_sends_nothing() {
    let mut app = synced();
    app.timeline.show(ConvKey::Group(2), 0);
    app.popups.push(Confirm::Delete(10));
    update(&mut app, event(ServerEvent::GroupMessageCleared { gid: 2 }));
    assert_eq!(app.popups.top(), None, "the question closed");
    // Asked before a clear the popup missed: yes deletes only what is still there.
    let mut app = synced();
    app.timeline.show(ConvKey::Group(1), 0);
    update(&mut app, event(ServerEvent::Chat(chat(12, 1, 1, "mine"))));
    app.popups.push(Confirm::DeleteMany(vec![11, 12]));
    app.chat.clear_through(Some(11));
    let effects = update(
        &mut app,
        super::tests::key(crossterm::event::KeyCode::Char('y')),
    );
    assert_eq!(deletes(&effects), vec![12]);
    app.popups.push(Confirm::Delete(11));
    let effects = update(
        &mut app,
        super::tests::key(crossterm::event::KeyCode::Char('y')),
    );
    assert_eq!(deletes(&effects), Vec::<i64>::new());
}

#[test]
fn the_search_view_drops_what_it_found_of_a_cleared_channel() {
    let mut app = synced();
    let hit = |mid: i64, key: ConvKey| crate::model::SearchHit {
        mid,
        key,
        from_uid: 2,
        created_at: mid * 1000,
        kind: crate::protocol::types::ContentKind::Text,
        text: "found".into(),
        author: None,
    };
    app.search.results.hits = vec![hit(11, ConvKey::Group(1)), hit(10, ConvKey::Group(2))];
    app.search.selected = 1;
    update(&mut app, event(ServerEvent::GroupMessageCleared { gid: 2 }));
    assert_eq!(
        app.search
            .results
            .hits
            .iter()
            .map(|h| h.mid)
            .collect::<Vec<_>>(),
        vec![11]
    );
    assert_eq!(app.search.selected, 0);
}

#[test]
fn a_clear_is_kept_with_the_time_it_came() {
    let mut app = synced();
    app.now_ms = 50_000;
    update(&mut app, event(ServerEvent::GroupMessageCleared { gid: 2 }));
    assert_eq!(
        app.chat.cleared.groups.get(&2).map(|f| f.at),
        Some(Some(50_000))
    );
    // A message under an old mid (a server restored from a backup), made after it, shows.
    let mut later = chat(10, 2, 2, "new under an old mid");
    later.created_at = 60_000;
    update(&mut app, event(ServerEvent::Chat(later)));
    assert!(app.chat.message(10).is_some());
}
