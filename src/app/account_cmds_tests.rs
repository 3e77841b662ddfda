//! `/account list|add|remove|mute|unmute` (`account_cmds.rs`).

use super::accounts_tests::two_accounts;
use super::conn::{ConnState, SyncMsg};
use super::tests::{key, typed};
use super::*;
use crossterm::event::KeyCode;

const HOME: AccountId = AccountId(2);

/// Types `line` in the composer and sends it.
fn command(app: &mut App, line: &str) -> Vec<Effect> {
    typed(app, line);
    update(app, key(KeyCode::Enter))
}

fn info_lines(app: &App) -> Vec<String> {
    match app.popups.top() {
        Some(Popup::Info(info)) => {
            let mut all = vec![info.title.clone()];
            all.extend(info.lines.iter().cloned());
            all
        }
        other => panic!("no info popup: {other:?}"),
    }
}

#[test]
fn account_list_names_every_account_its_state_unread_and_which_is_focused() {
    let mut app = two_accounts();
    app.account.login = Some((
        "https://chat.work.example/".into(),
        "me@work.example".into(),
    ));
    update(
        &mut app,
        Msg::For(HOME, Box::new(Msg::Sync(SyncMsg::State(ConnState::Live)))),
    );
    update(&mut app, Msg::Sync(SyncMsg::State(ConnState::Syncing)));
    let effects = command(&mut app, "/account list");
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(
        info_lines(&app),
        vec![
            "accounts (2)",
            "work · catching up · 1 unread (focused)",
            "  me@work.example @ chat.work.example",
            "home · connected",
            "  me@home.example @ home.example",
        ]
    );
    // Listing changed no account: work is still the focused one, home parked.
    assert_eq!(app.focused, FIRST_ACCOUNT);
    assert!(app.parked.contains_key(&HOME));
}
