//! The search view across accounts (`search_span.rs`): who is asked, how the answers merge,
//! and that opening and marking read go through each hit's own account.

use super::accounts_tests::{HOME, home_chat, two_accounts};
use super::tests::{alt, key, synced};
use super::*;
use crate::model::{Coverage, SearchHit, SearchQuery, SearchResults};
use crate::protocol::types::ContentKind;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const WORK: AccountId = FIRST_ACCOUNT;
const G1: ConvKey = ConvKey::Group(1);
const G2: ConvKey = ConvKey::Group(2);

fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    let mut last = vec![];
    for c in text.chars() {
        last = update(app, key(KeyCode::Char(c)));
    }
    last
}

/// The searches asked, each with the account it goes to (untagged: the focused one).
fn asked(app: &App, effects: &[Effect]) -> Vec<(AccountId, u64, SearchQuery)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Search { seq, query } => Some((app.focused, *seq, query.clone())),
            Effect::For(id, inner) => match inner.as_ref() {
                Effect::Search { seq, query } => Some((*id, *seq, query.clone())),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn hit(mid: i64, key: ConvKey, from_uid: i64) -> SearchHit {
    SearchHit {
        mid,
        key,
        from_uid,
        created_at: mid * 1000,
        kind: ContentKind::Text,
        text: "found".into(),
        author: None,
    }
}

fn answer(seq: u64, hits: Vec<SearchHit>) -> Msg {
    Msg::Searched(Ok(SearchResults {
        seq,
        hits,
        coverage: vec![],
    }))
}

fn from(id: AccountId, msg: Msg) -> Msg {
    Msg::For(id, Box::new(msg))
}

/// Hits shown: (account, mid).
fn shown(app: &App) -> Vec<(AccountId, i64)> {
    (0..app.search.results.hits.len())
        .map(|i| (app.hit_account(i), app.search.results.hits[i].mid))
        .collect()
}

#[test]
fn a_search_asks_every_account_and_merges_their_answers_newest_first() {
    let mut app = two_accounts();
    update(&mut app, alt(KeyCode::Char('/')));
    let effects = typed(&mut app, "found");
    let questions = asked(&app, &effects);
    let seq = app.search.seq;
    assert_eq!(questions.len(), 2, "{effects:?}");
    assert_eq!((questions[0].0, questions[0].1), (WORK, seq));
    assert_eq!((questions[1].0, questions[1].1), (HOME, seq));
    // The focused account's question is untagged, as with one account.
    assert!(matches!(effects[0], Effect::Search { .. }));
    // Home answers first: shown at once, still searching for work.
    update(&mut app, from(HOME, answer(seq, vec![hit(5, G1, 4)])));
    assert_eq!(shown(&app), [(HOME, 5)]);
    assert!(app.search.searching());
    // Work's answer merges in, newest first, each hit with its account.
    update(
        &mut app,
        from(WORK, answer(seq, vec![hit(11, G1, 2), hit(3, G2, 2)])),
    );
    assert_eq!(shown(&app), [(WORK, 11), (HOME, 5), (WORK, 3)]);
    assert!(!app.search.searching());
    // A late answer to an older question is dropped.
    update(&mut app, from(HOME, answer(seq - 1, vec![hit(99, G1, 4)])));
    assert_eq!(shown(&app), [(WORK, 11), (HOME, 5), (WORK, 3)]);
}

#[test]
fn each_account_parses_the_query_against_its_own_people_and_channels() {
    let mut app = two_accounts();
    update(&mut app, alt(KeyCode::Char('/')));
    // Only home has a dad (uid 4 there); only work has a bob.
    let effects = typed(&mut app, "from:@dad");
    let questions = asked(&app, &effects);
    assert_eq!(questions.len(), 1, "{effects:?}");
    assert_eq!((questions[0].0, &questions[0].2.from), (HOME, &vec![4]));
    assert!(matches!(effects[0], Effect::For(HOME, _)));
    assert_eq!(app.search.error, None);
    update(&mut app, key(KeyCode::Esc));
    let mut app = two_accounts();
    update(&mut app, alt(KeyCode::Char('/')));
    let effects = typed(&mut app, "from:@nobody");
    let questions = asked(&app, &effects);
    assert!(questions.is_empty());
    assert_eq!(
        app.search.error.as_deref(),
        Some("no one is called @nobody")
    );
    // A message number is one account's: its replies are asked of the focused one only.
    let effects = update(&mut app, Msg::Paste(" replies:11".into()));
    assert!(asked(&app, &effects).is_empty(), "still no @nobody");
    update(&mut app, key(KeyCode::Esc));
    let mut app = two_accounts();
    update(&mut app, alt(KeyCode::Char('/')));
    let effects = typed(&mut app, "replies:11");
    let questions = asked(&app, &effects);
    assert_eq!(questions.len(), 1, "{effects:?}");
    assert_eq!(
        (questions[0].0, questions[0].2.replies_to),
        (WORK, Some(11))
    );
}

#[test]
fn in_an_account_name_narrows_the_search_to_it() {
    let mut app = two_accounts();
    update(&mut app, alt(KeyCode::Char('/')));
    let effects = typed(&mut app, "in:HO dinner");
    let questions = asked(&app, &effects);
    assert_eq!(questions.len(), 1);
    assert_eq!(questions[0].0, HOME);
    assert_eq!(questions[0].2.terms, ["dinner".to_string()]);
    assert!(questions[0].2.within.is_empty());
    // A channel is still named with `in:#`: only work has a #dev.
    update(&mut app, key(KeyCode::Esc));
    let mut app = two_accounts();
    update(&mut app, alt(KeyCode::Char('/')));
    let effects = typed(&mut app, "in:#dev x");
    let questions = asked(&app, &effects);
    assert_eq!(questions.len(), 1);
    assert_eq!((questions[0].0, &questions[0].2.within), (WORK, &vec![G2]));
}

#[test]
fn with_one_account_in_names_a_channel_and_rows_name_no_account() {
    let mut app = synced();
    app.account.name = "work".into();
    update(&mut app, alt(KeyCode::Char('/')));
    assert!(typed(&mut app, "in:work").is_empty());
    assert_eq!(
        app.search.error.as_deref(),
        Some("no channel is called #work")
    );
    assert_eq!(app.account_tag(WORK), None);
}

/// Two accounts with both answers in: work's hit 11 in lobby, home's hit 5 in family.
fn found_in_both() -> App {
    let mut app = two_accounts();
    update(&mut app, alt(KeyCode::Char('/')));
    typed(&mut app, "found");
    let seq = app.search.seq;
    update(&mut app, from(WORK, answer(seq, vec![hit(11, G1, 2)])));
    update(&mut app, from(HOME, answer(seq, vec![hit(5, G1, 4)])));
    assert_eq!(shown(&app), [(WORK, 11), (HOME, 5)]);
    app
}

#[test]
fn opening_a_hit_of_another_account_focuses_it_and_selects_the_message_there() {
    let mut app = found_in_both();
    update(&mut app, key(KeyCode::Down));
    update(&mut app, key(KeyCode::Enter));
    assert_eq!(app.popups.top(), None);
    assert_eq!(app.focused, HOME);
    assert_eq!(app.timeline.open, Some(G1));
    assert_eq!(app.mode, Mode::Select(5));
    assert_eq!(app.conv_label(G1), "#family");
    // Work's view waits as it was; nothing to go back to across accounts.
    assert!(app.timeline.back.is_empty());
}

#[test]
fn marking_the_inbox_read_goes_through_each_hits_account() {
    let mut app = two_accounts();
    // Home: a message mentioning me, unread.
    update(&mut app, home_chat(6, "are you coming @1 ", &[1]));
    let effects = update(&mut app, alt(KeyCode::Char('i')));
    let questions = asked(&app, &effects);
    assert_eq!(questions.len(), 2, "{effects:?}");
    assert!(questions.iter().all(|(_, _, q)| q.to_me));
    let seq = app.search.seq;
    update(&mut app, from(WORK, answer(seq, vec![hit(10, G2, 2)])));
    update(&mut app, from(HOME, answer(seq, vec![hit(6, G1, 4)])));
    assert_eq!(shown(&app), [(WORK, 10), (HOME, 6)]);
    let effects = update(&mut app, alt(KeyCode::Char('a')));
    assert!(
        effects.contains(&Effect::MarkRead { key: G2, mid: 10 }),
        "{effects:?}"
    );
    assert!(
        effects.contains(&Effect::For(
            HOME,
            Box::new(Effect::MarkRead { key: G1, mid: 6 })
        )),
        "{effects:?}"
    );
    assert_eq!(effects.len(), 2, "{effects:?}");
    // Each account's own conversation is read: home's family, work's dev.
    assert_eq!(app.parked[&HOME].chat().convs[&G1].read_index, 6);
    assert_eq!(app.chat.convs[&G2].read_index, 10);
    assert_eq!(app.chat.convs[&G1].read_index, 11, "work's lobby untouched");
}

fn partly(key: ConvKey, before: i64) -> Coverage {
    Coverage {
        key,
        oldest: Some(before * 1000),
        oldest_mid: Some(before),
        fill_before: Some(before),
        stored: 10,
        complete: false,
    }
}

#[test]
fn older_history_is_fetched_through_each_account_then_every_account_is_asked_again() {
    let mut app = two_accounts();
    update(&mut app, alt(KeyCode::Char('/')));
    typed(&mut app, "found");
    let seq = app.search.seq;
    for (id, key, before) in [(WORK, G2, 10), (HOME, G1, 5)] {
        update(
            &mut app,
            from(
                id,
                Msg::Searched(Ok(SearchResults {
                    seq,
                    hits: vec![],
                    coverage: vec![partly(key, before)],
                })),
            ),
        );
    }
    let ctrl_o = Msg::Key(KeyEvent::new(KeyCode::Char('o'), KeyModifiers::CONTROL));
    let older = |key, before| Effect::StoreOlder {
        key,
        before: Some(before),
        limit: popups::search::OLDER_PAGE,
    };
    assert_eq!(
        update(&mut app, ctrl_o),
        [older(G2, 10), Effect::For(HOME, Box::new(older(G1, 5)))]
    );
    let stored = |key| Msg::StoredOlder { key, result: Ok(3) };
    // Work's is stored: home's is still on its way.
    assert!(update(&mut app, from(WORK, stored(G2))).is_empty());
    // Home's too (handled with home swapped in): then both are asked again, each through its
    // own account.
    let again = update(&mut app, from(HOME, stored(G1)));
    let questions = asked(&app, &again);
    assert_eq!(
        questions.iter().map(|q| q.0).collect::<Vec<_>>(),
        [WORK, HOME],
        "{again:?}"
    );
    assert!(matches!(again[0], Effect::Search { .. }));
}

fn saved(id: &str, mid: i64, saved_at: i64, author: &str) -> crate::model::SavedItem {
    crate::model::SavedItem {
        id: id.into(),
        saved_at,
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
fn slash_saved_lists_every_accounts_saved_messages_and_removes_through_each() {
    use crate::model::SavedPlace;
    let mut app = two_accounts();
    typed(&mut app, "/saved");
    assert_eq!(
        update(&mut app, key(KeyCode::Enter)),
        [
            Effect::LoadSaved,
            Effect::For(HOME, Box::new(Effect::LoadSaved))
        ]
    );
    // Home keeps its own (its server keeps none); work's are on its server.
    let home_list = |items| from(HOME, Msg::SavedList(Ok((SavedPlace::Local, items))));
    update(&mut app, home_list(vec![saved("", 5, 20, "dad")]));
    update(
        &mut app,
        from(
            WORK,
            Msg::SavedList(Ok((
                SavedPlace::Server,
                vec![saved("fav-1", 11, 30, "bob"), saved("fav-2", 10, 10, "bob")],
            ))),
        ),
    );
    // Newest saved first, each with its account; dad is found among home's people.
    assert_eq!(shown(&app), [(WORK, 11), (HOME, 5), (WORK, 10)]);
    assert_eq!(app.search.results.hits[1].from_uid, 4);
    assert_eq!(app.search.results.hits[0].from_uid, 2);
    assert!(matches!(
        app.search.kind,
        SearchKind::Saved { mixed: true, .. }
    ));
    // Delete on home's removes it through home; home's list alone comes again.
    update(&mut app, key(KeyCode::Down));
    assert_eq!(
        update(&mut app, key(KeyCode::Delete)),
        [Effect::For(
            HOME,
            Box::new(Effect::Unsave {
                id: String::new(),
                mid: 5
            })
        )]
    );
    assert_eq!(
        update(
            &mut app,
            from(HOME, Msg::SavedChanged(Ok(strings::UNSAVED.into())))
        ),
        [Effect::For(HOME, Box::new(Effect::LoadSaved))]
    );
    update(&mut app, home_list(vec![]));
    assert_eq!(shown(&app), [(WORK, 11), (WORK, 10)]);
    // Enter on work's older one jumps there, in work.
    update(&mut app, key(KeyCode::Down));
    update(&mut app, key(KeyCode::Enter));
    assert_eq!((app.focused, app.mode.clone()), (WORK, Mode::Select(10)));
}

#[test]
fn the_replies_to_a_message_stay_its_accounts_after_another_is_focused() {
    let mut app = two_accounts();
    // Work's lobby message 11, selected: Shift+R names work in the query.
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::ALT)),
    );
    let effects = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT)),
    );
    assert_eq!(app.search.input, "in:work replies:11");
    let questions = asked(&app, &effects);
    assert_eq!(questions.len(), 1, "{effects:?}");
    assert_eq!(questions[0].0, WORK);
    update(&mut app, key(KeyCode::Esc));
    update(&mut app, key(KeyCode::Esc));
    // Home focused; the view reopens on the same query and asks it again: of work still.
    app.focus(HOME);
    update(&mut app, alt(KeyCode::Char('/')));
    let effects = typed(&mut app, " ");
    let questions = asked(&app, &effects);
    assert_eq!(questions.len(), 1, "{effects:?}");
    assert_eq!(
        (questions[0].0, questions[0].2.replies_to),
        (WORK, Some(11))
    );
}
