//! The sidebar of several accounts: what needs you across accounts, the sections, and the
//! moves that cross from one account into another (`sections.rs`).

use super::accounts_tests::{HOME, home_chat, two_accounts};
use super::tests::{alt, synced, typed};
use super::*;
use crate::model::ConvKey;
use crossterm::event::KeyCode;

const LOBBY: ConvKey = ConvKey::Group(1);
const DEV: ConvKey = ConvKey::Group(2);
const FAMILY: ConvKey = ConvKey::Group(1);

#[test]
fn one_account_lists_its_conversations_and_nothing_else() {
    let app = synced();
    let rows = app.sidebar_rows();
    assert_eq!(
        rows,
        app.sidebar()
            .into_iter()
            .map(|k| SidebarRow::Conv(FIRST_ACCOUNT, k))
            .collect::<Vec<_>>()
    );
}

#[test]
fn several_accounts_list_what_needs_you_then_a_section_each() {
    let mut app = two_accounts();
    // Work's dev has one unread message; home's family gets one that mentions me.
    update(&mut app, home_chat(6, "are you coming @1 ", &[1]));
    let rows = app.sidebar_rows();
    assert_eq!(
        rows,
        [
            // The mention first, though it is in the parked account; then work's channel.
            SidebarRow::Needs(HOME, FAMILY),
            SidebarRow::Needs(FIRST_ACCOUNT, DEV),
            SidebarRow::Header(FIRST_ACCOUNT),
            SidebarRow::Conv(FIRST_ACCOUNT, LOBBY),
            SidebarRow::Conv(FIRST_ACCOUNT, DEV),
            SidebarRow::Header(HOME),
            SidebarRow::Conv(HOME, FAMILY),
        ]
    );
    // Folding home's section leaves its header (the list of what needs you stays).
    app.toggle_section(HOME);
    assert_eq!(app.sidebar_rows().last(), Some(&SidebarRow::Header(HOME)));
    app.toggle_section(HOME);
    assert_eq!(
        app.sidebar_rows().last(),
        Some(&SidebarRow::Conv(HOME, FAMILY))
    );
}

#[test]
fn a_direct_message_needs_you_before_a_channel() {
    let mut app = two_accounts();
    // Home: dad writes to me directly (older than work's dev message would not matter).
    let dm = super::tests::chat_json(
        7,
        4,
        serde_json::json!({"uid": 1}),
        "call me",
        serde_json::json!({}),
    );
    update(
        &mut app,
        Msg::For(
            HOME,
            Box::new(super::tests::event(crate::protocol::ServerEvent::Chat(dm))),
        ),
    );
    let needs = app.needs_you(false);
    assert_eq!(needs, [(HOME, ConvKey::User(4)), (FIRST_ACCOUNT, DEV)]);
    assert!(app.needs_you(true).is_empty());
}

#[test]
fn alt_u_opens_the_most_pressing_unread_in_whichever_account_and_keeps_the_draft() {
    let mut app = two_accounts();
    typed(&mut app, "work draft");
    update(&mut app, home_chat(6, "are you coming @1 ", &[1]));
    let effects = update(&mut app, alt(KeyCode::Char('u')));
    // Home is focused now, its family channel open and read.
    assert_eq!(app.focused, HOME);
    assert_eq!(app.timeline.open, Some(FAMILY));
    assert_eq!(app.conv_label(FAMILY), "#family");
    assert_eq!(app.chat.convs[&FAMILY].mentions, 0);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::MarkRead { key, mid: 6 } if *key == FAMILY))
    );
    // Work waits parked, its draft kept.
    assert!(app.parked.contains_key(&FIRST_ACCOUNT));
    // Next: work's dev (its one unread), back in the work account.
    update(&mut app, alt(KeyCode::Char('u')));
    assert_eq!(app.focused, FIRST_ACCOUNT);
    assert_eq!(app.timeline.open, Some(DEV));
    // Nothing else is unread anywhere.
    update(&mut app, alt(KeyCode::Char('u')));
    assert_eq!(app.timeline.open, Some(DEV));
    assert!(
        app.status
            .notice
            .as_ref()
            .unwrap()
            .text
            .contains("any account")
    );
    // The lobby draft is where it was.
    update(&mut app, alt(KeyCode::Up));
    assert_eq!(app.timeline.open, Some(LOBBY));
    assert_eq!(app.composer.text(), "work draft");
}

#[test]
fn alt_m_goes_to_a_mention_only() {
    let mut app = two_accounts();
    update(&mut app, alt(KeyCode::Char('m')));
    // Dev is unread but mentions nobody: nothing to go to.
    assert_eq!(app.focused, FIRST_ACCOUNT);
    assert_eq!(app.timeline.open, Some(LOBBY));
    update(&mut app, home_chat(6, "are you coming @1 ", &[1]));
    update(&mut app, alt(KeyCode::Char('m')));
    assert_eq!(app.focused, HOME);
}

#[test]
fn stepping_past_an_accounts_last_conversation_enters_the_next_account() {
    let mut app = two_accounts();
    // Work's order: lobby (newest, open), dev. Down twice: dev, then home's family.
    update(&mut app, alt(KeyCode::Down));
    assert_eq!((app.focused, app.timeline.open), (FIRST_ACCOUNT, Some(DEV)));
    update(&mut app, alt(KeyCode::Down));
    assert_eq!((app.focused, app.timeline.open), (HOME, Some(FAMILY)));
    // Down again wraps to work's first; up goes back to home.
    update(&mut app, alt(KeyCode::Down));
    assert_eq!(
        (app.focused, app.timeline.open),
        (FIRST_ACCOUNT, Some(LOBBY))
    );
    update(&mut app, alt(KeyCode::Up));
    assert_eq!((app.focused, app.timeline.open), (HOME, Some(FAMILY)));
    // A folded section is stepped over.
    app.toggle_section(FIRST_ACCOUNT);
    update(&mut app, alt(KeyCode::Down));
    assert_eq!((app.focused, app.timeline.open), (HOME, Some(FAMILY)));
}

#[test]
fn the_window_scrolls_to_keep_the_open_conversation_in_view() {
    let mut app = two_accounts();
    update(&mut app, alt(KeyCode::Down));
    update(&mut app, alt(KeyCode::Down));
    assert_eq!(app.focused, HOME);
    // Rows: needs (work's dev), work header, dev, lobby, home header, family.
    let all = app.sidebar_rows();
    assert_eq!(all.last(), Some(&SidebarRow::Conv(HOME, FAMILY)));
    let window = app.sidebar_window(3);
    assert_eq!(window.len(), 3);
    assert_eq!(window.last(), Some(&SidebarRow::Conv(HOME, FAMILY)));
    // Tall enough: from the top.
    assert_eq!(app.sidebar_window(20), all);
}

fn shown(app: &App) -> Vec<String> {
    let Some(popups::Popup::Switcher(s)) = app.popups.top() else {
        panic!("no switcher: {:?}", app.popups.top());
    };
    s.results.iter().map(|i| s.items[*i].1.clone()).collect()
}

#[test]
fn the_switcher_spans_accounts_and_in_narrows_it_to_one() {
    let mut app = two_accounts();
    let ctrl_k = Msg::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('k'),
        crossterm::event::KeyModifiers::CONTROL,
    ));
    update(&mut app, ctrl_k);
    // The focused account's first, each named with its account; people to write to as well.
    let all = shown(&app);
    assert_eq!(all[..2], ["work · #lobby", "work · #dev"]);
    assert!(all.contains(&"home · #family".to_string()));
    assert!(all.contains(&"home · @dad".to_string()));
    // `in:ho` keeps home's rows only; the rest of the query still matches.
    typed(&mut app, "in:ho fam");
    assert_eq!(shown(&app), ["home · #family"]);
    // Enter opens it in its account.
    update(&mut app, super::tests::key(KeyCode::Enter));
    assert!(app.popups.top().is_none());
    assert_eq!((app.focused, app.timeline.open), (HOME, Some(FAMILY)));
}

#[test]
fn with_one_account_the_switcher_names_no_account() {
    let mut app = synced();
    let ctrl_k = Msg::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('k'),
        crossterm::event::KeyModifiers::CONTROL,
    ));
    update(&mut app, ctrl_k);
    assert!(shown(&app).iter().all(|l| !l.contains(" · ")));
}
