//! Several accounts in one app: parked accounts keep their own chat, drafts and open
//! conversation (`accounts.rs`).

use super::tests::{chat, event, synced, typed, user};
use super::*;
use crate::model::ConvKey;
use crate::protocol::ServerEvent;
use crate::protocol::types::Group;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

const HOME: AccountId = AccountId(2);

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
    assert!(app.add_account(HOME, Some(1)));
    assert!(!app.add_account(HOME, Some(1)));
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
