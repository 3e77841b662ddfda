//! The search view and jumping to what it found.

use super::tests::{alt, chat, event, key, synced};
use super::*;
use crate::model::{Coverage, SearchHit, SearchQuery, SearchResults};
use crate::protocol::ServerEvent;
use crate::protocol::types::ContentKind;
use crossterm::event::KeyCode;

fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    let mut last = vec![];
    for c in text.chars() {
        last = update(app, key(KeyCode::Char(c)));
    }
    last
}

fn asked(effects: &[Effect]) -> (u64, SearchQuery) {
    match effects {
        [Effect::Search { seq, query }] => (*seq, query.clone()),
        other => panic!("{other:?}"),
    }
}

fn hit(mid: i64, key: ConvKey) -> SearchHit {
    SearchHit {
        mid,
        key,
        from_uid: 2,
        created_at: mid * 1000,
        kind: ContentKind::Text,
        text: "found".into(),
        author: None,
    }
}

#[test]
fn typing_asks_the_store_with_the_parsed_query() {
    let mut app = synced();
    update(&mut app, alt(KeyCode::Char('/')));
    assert_eq!(app.popups.top(), Some(&Popup::Search(SearchPopup)));
    let (seq, q) = asked(&typed(
        &mut app,
        "from:@Bob in:#dev \"two words\" 北京 has:link",
    ));
    assert_eq!(seq, app.search.seq);
    assert_eq!(q.from, vec![2]);
    assert_eq!(q.within, vec![ConvKey::Group(2)]);
    assert_eq!(q.terms, vec!["two words".to_string(), "北京".to_string()]);
    assert!(q.has_link);
    assert_eq!(q.now_ms, app.now_ms);
}

#[test]
fn has_audio_asks_for_voice_messages_only() {
    let mut app = synced();
    update(&mut app, alt(KeyCode::Char('/')));
    let (_, q) = asked(&typed(&mut app, "has:audio"));
    assert!(q.has_audio && !q.has_file && !q.is_empty());
    let mut app = synced();
    update(&mut app, alt(KeyCode::Char('/')));
    assert!(typed(&mut app, "has:video").is_empty());
    assert!(app.search.error.as_deref().unwrap().contains("has:audio"));
}

#[test]
fn an_unknown_name_or_date_is_said_and_nothing_is_asked() {
    let mut app = synced();
    update(&mut app, alt(KeyCode::Char('/')));
    assert!(typed(&mut app, "from:@nobody").is_empty());
    assert_eq!(
        app.search.error.as_deref(),
        Some("no one is called @nobody")
    );
    let mut app = synced();
    let effects = update(&mut app, Msg::Paste("before:someday".into()));
    assert!(effects.is_empty());
    update(&mut app, alt(KeyCode::Char('/')));
    assert!(update(&mut app, Msg::Paste("before:someday".into())).is_empty());
    assert!(app.search.error.as_deref().unwrap().contains("not a date"));
}

#[test]
fn an_answer_to_an_older_question_is_dropped() {
    let mut app = synced();
    update(&mut app, alt(KeyCode::Char('/')));
    let (first, _) = asked(&typed(&mut app, "a"));
    let (second, _) = asked(&typed(&mut app, "b"));
    update(
        &mut app,
        Msg::Searched(Ok(SearchResults {
            seq: first,
            hits: vec![hit(11, ConvKey::Group(1))],
            coverage: vec![],
        })),
    );
    assert!(app.search.results.hits.is_empty());
    assert!(app.search.searching());
    update(
        &mut app,
        Msg::Searched(Ok(SearchResults {
            seq: second,
            hits: vec![hit(10, ConvKey::Group(2))],
            coverage: vec![],
        })),
    );
    assert_eq!(app.search.results.hits.len(), 1);
    assert!(!app.search.searching());
}

fn found(app: &mut App, hits: Vec<SearchHit>, coverage: Vec<Coverage>) {
    update(app, alt(KeyCode::Char('/')));
    let (seq, _) = asked(&typed(app, "found"));
    update(
        app,
        Msg::Searched(Ok(SearchResults {
            seq,
            hits,
            coverage,
        })),
    );
}

#[test]
fn enter_opens_the_conversation_with_the_message_selected() {
    let mut app = synced();
    found(&mut app, vec![hit(10, ConvKey::Group(2))], vec![]);
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.timeline.open, Some(ConvKey::Group(2)));
    assert_eq!((&app.mode, app.popups.top()), (&Mode::Select(10), None));
}

#[test]
fn a_message_far_back_is_paged_to_then_selected() {
    let mut app = synced();
    let key2 = ConvKey::Group(2);
    for mid in 100..110 {
        update(&mut app, event(ServerEvent::Chat(chat(mid, 2, 2, "newer"))));
    }
    found(&mut app, vec![hit(5, key2)], vec![]);
    let effects = update(&mut app, key(KeyCode::Enter));
    let before = effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadHistory { key, before, .. } if *key == key2 => Some(*before),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{effects:?}"));
    assert_eq!(before, Some(10));
    assert_eq!(app.mode, Mode::Chat, "not selected before it is loaded");
    // A page that does not reach it asks for the next one at once.
    let next = update(
        &mut app,
        Msg::History {
            key: key2,
            before,
            limit: 2,
            result: Ok(vec![chat(7, 2, 2, "x"), chat(8, 2, 2, "y")]),
        },
    );
    assert!(
        next.iter().any(|e| matches!(e,
            Effect::LoadHistory { key, before: Some(7), .. } if *key == key2)),
        "{next:?}"
    );
    update(
        &mut app,
        Msg::History {
            key: key2,
            before: Some(7),
            limit: 2,
            result: Ok(vec![chat(5, 2, 2, "found"), chat(6, 2, 2, "z")]),
        },
    );
    assert_eq!(app.mode, Mode::Select(5));
    assert_eq!(app.timeline.seek, None);
}

#[test]
fn a_message_not_in_the_history_any_more_is_said() {
    let mut app = synced();
    let key2 = ConvKey::Group(2);
    found(&mut app, vec![hit(5, key2)], vec![]);
    update(&mut app, key(KeyCode::Enter));
    update(
        &mut app,
        Msg::History {
            key: key2,
            before: Some(10),
            limit: 100,
            result: Ok(vec![]),
        },
    );
    assert_eq!(app.mode, Mode::Chat);
    assert_eq!(
        app.status.notice.as_ref().unwrap().text,
        strings::SOUGHT_GONE
    );
}

#[test]
fn the_older_key_fetches_history_into_the_store_for_partly_stored_conversations() {
    let mut app = synced();
    found(
        &mut app,
        vec![],
        vec![
            Coverage {
                key: ConvKey::Group(1),
                oldest: Some(11_000),
                oldest_mid: Some(11),
                fill_before: Some(11),
                stored: 100,
                complete: false,
            },
            Coverage {
                key: ConvKey::Group(2),
                oldest: Some(10_000),
                oldest_mid: Some(10),
                fill_before: Some(10),
                stored: 100,
                complete: true,
            },
        ],
    );
    let effects = update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('o'),
            crossterm::event::KeyModifiers::CONTROL,
        )),
    );
    assert_eq!(
        effects,
        vec![Effect::StoreOlder {
            key: ConvKey::Group(1),
            before: Some(11),
            limit: popups::search::OLDER_PAGE
        }]
    );
    // Once stored, the same search runs again.
    let again = update(
        &mut app,
        Msg::StoredOlder {
            key: ConvKey::Group(1),
            result: Ok(200),
        },
    );
    assert!(
        matches!(again.as_slice(), [Effect::Search { .. }]),
        "{again:?}"
    );
}

#[test]
fn slash_search_opens_the_view_with_the_words() {
    let mut app = synced();
    for c in "/search hello world".chars() {
        update(&mut app, key(KeyCode::Char(c)));
    }
    let effects = update(&mut app, key(KeyCode::Enter));
    let (_, q) = asked(&effects);
    assert_eq!(app.popups.top(), Some(&Popup::Search(SearchPopup)));
    assert_eq!(q.terms, vec!["hello".to_string(), "world".to_string()]);
}

#[test]
fn alt_i_opens_the_inbox_and_alt_a_marks_it_read() {
    let mut app = synced();
    let effects = update(&mut app, alt(KeyCode::Char('i')));
    let (seq, q) = asked(&effects);
    assert!(q.to_me && q.terms.is_empty());
    assert_eq!(app.search.kind, SearchKind::Inbox);
    let mut from_bob = hit(11, ConvKey::Group(1));
    from_bob.mid = 30;
    update(
        &mut app,
        Msg::Searched(Ok(SearchResults {
            seq,
            hits: vec![from_bob.clone(), hit(10, ConvKey::Group(2))],
            coverage: vec![],
        })),
    );
    assert!(app.is_unread(&from_bob));
    let effects = update(&mut app, alt(KeyCode::Char('a')));
    assert!(effects.contains(&Effect::MarkRead {
        key: ConvKey::Group(1),
        mid: 30
    }));
    assert!(!app.is_unread(&from_bob));
}

fn saved_item(id: &str, mid: i64, author: &str) -> crate::model::SavedItem {
    crate::model::SavedItem {
        id: id.into(),
        saved_at: 5,
        mid,
        source: crate::protocol::types::Target::Group { gid: 1 },
        from_uid: None,
        author: Some(author.into()),
        created_at: mid * 1000,
        kind: ContentKind::Text,
        text: "kept".into(),
    }
}

#[test]
fn f_saves_the_selected_message_and_slash_saved_lists_jumps_and_removes() {
    use crate::model::SavedPlace;
    let mut app = synced();
    update(&mut app, alt(KeyCode::Char('s')));
    assert_eq!(
        update(&mut app, key(KeyCode::Char('f'))),
        vec![Effect::SaveMessage {
            mid: 11,
            key: ConvKey::Group(1)
        }]
    );
    update(&mut app, key(KeyCode::Esc));
    for c in "/saved".chars() {
        update(&mut app, key(KeyCode::Char(c)));
    }
    assert_eq!(
        update(&mut app, key(KeyCode::Enter)),
        vec![Effect::LoadSaved]
    );
    assert_eq!(app.popups.top(), Some(&Popup::Search(SearchPopup)));
    // A search answer arriving now does not replace the list.
    update(
        &mut app,
        Msg::SavedList(Ok((
            SavedPlace::Server,
            vec![
                saved_item("fav-1", 11, "bob"),
                saved_item("fav-2", 500, "carol"),
            ],
        ))),
    );
    update(&mut app, Msg::Searched(Ok(SearchResults::default())));
    assert_eq!(app.search.results.hits.len(), 2);
    let hits = &app.search.results.hits;
    assert_eq!((hits[0].key, hits[0].from_uid), (ConvKey::Group(1), 2));
    assert_eq!(hits[1].from_uid, 3, "the author found by name");
    assert!(matches!(
        app.search.kind,
        SearchKind::Saved {
            place: Some(SavedPlace::Server),
            ..
        }
    ));
    // Delete removes the selected one; the list is asked for again once it is done.
    update(&mut app, key(KeyCode::Down));
    assert_eq!(
        update(&mut app, key(KeyCode::Delete)),
        vec![Effect::Unsave {
            id: "fav-2".into(),
            mid: 500
        }]
    );
    assert_eq!(
        update(&mut app, Msg::SavedChanged(Ok(strings::UNSAVED.into()))),
        vec![Effect::LoadSaved]
    );
    // Enter jumps to one.
    update(&mut app, key(KeyCode::Up));
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.mode, Mode::Select(11));
}

#[test]
fn ctrl_q_quits_from_the_search_view() {
    let mut app = synced();
    update(&mut app, alt(KeyCode::Char('/')));
    update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('q'),
            crossterm::event::KeyModifiers::CONTROL,
        )),
    );
    assert!(app.quit);
}
