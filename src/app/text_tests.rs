//! Editing and completion over text that is not ASCII: wide characters, the ideographic
//! space (U+3000, what CJK input methods type) and the no-break space (U+00A0, pasted web
//! text). Regression tests for slicing a line inside a multi-byte character.

use super::tests::{key, synced};
use super::*;
use crate::protocol::ServerEvent;
use crossterm::event::KeyCode;
use serde_json::json;

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, key(KeyCode::Char(c)));
    }
}

/// `synced()` with alice too (everyone is in #lobby, the open conversation).
fn with_alice() -> App {
    let mut app = synced();
    let users = [(1, "me"), (2, "bob"), (3, "carol"), (4, "alice")]
        .into_iter()
        .map(|(uid, name)| serde_json::from_value(json!({"uid": uid, "name": name})).unwrap())
        .collect();
    update(
        &mut app,
        super::tests::event(ServerEvent::UsersSnapshot { users, version: 4 }),
    );
    app
}

#[test]
fn tab_after_an_ideographic_space_completes_the_mention() {
    let mut app = with_alice();
    typed(&mut app, "こんにちは\u{3000}@al");
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.composer.text(), "こんにちは\u{3000}@alice ");
}

#[test]
fn tab_after_a_no_break_space_completes_the_mention() {
    let mut app = with_alice();
    typed(&mut app, "hi\u{a0}@al");
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.composer.text(), "hi\u{a0}@alice ");
}

#[test]
fn an_upload_path_after_a_wide_space_completes_from_that_space() {
    let mut app = synced();
    typed(&mut app, "/upload a.txt\u{3000}~/Doc");
    assert_eq!(
        update(&mut app, key(KeyCode::Tab)),
        vec![Effect::CompletePath {
            prefix: "~/Doc".into()
        }]
    );
    update(
        &mut app,
        Msg::PathCompleted {
            prefix: "~/Doc".into(),
            candidates: vec!["~/Documents/".into()],
        },
    );
    assert_eq!(app.composer.text(), "/upload a.txt\u{3000}~/Documents/");
}

#[test]
fn backspace_and_cursor_keys_go_through_wide_characters() {
    let mut app = synced();
    typed(&mut app, "日本\u{3000}語👨‍👩‍👧e\u{301}");
    for _ in 0..3 {
        update(&mut app, key(KeyCode::Left));
    }
    update(&mut app, key(KeyCode::Backspace));
    update(&mut app, key(KeyCode::Tab)); // no word to complete here: nothing happens
    update(&mut app, key(KeyCode::End));
    for _ in 0..7 {
        update(&mut app, key(KeyCode::Backspace));
    }
    update(&mut app, key(KeyCode::Tab));
    // Backspace removes one character (not a grapheme) at a time, never half of one.
    assert_eq!(app.composer.text(), "日本\u{3000}");
}

/// A completion cycles only while nothing else happened: after a new line, a cursor move or
/// a paste, Tab never deletes the text before the cursor as if it were the last candidate.
#[test]
fn tab_after_other_edits_does_not_cycle_the_old_completion() {
    for between in [
        Msg::Key(crossterm::event::KeyEvent::new(
            KeyCode::Enter,
            crossterm::event::KeyModifiers::ALT,
        )),
        key(KeyCode::Up),
        Msg::Paste("貼り付け".into()),
    ] {
        let mut app = with_alice();
        typed(&mut app, "x"); // a first line, so Up moves the cursor
        update(&mut app, super::tests::alt(KeyCode::Enter));
        typed(&mut app, "@");
        update(&mut app, key(KeyCode::Tab));
        assert!(app.composer.completion.is_some());
        let completed = app.composer.text();
        update(&mut app, between.clone());
        let edited = app.composer.text();
        update(&mut app, key(KeyCode::Tab));
        assert_eq!(
            app.composer.text(),
            edited,
            "after {between:?} (was {completed:?})"
        );
    }
}

/// A member's name with line breaks and controls completes as it is drawn (on one line), so
/// cycling through the candidates deletes exactly what it inserted.
#[test]
fn cycling_through_a_hostile_name_keeps_the_text_before_it() {
    let mut app = synced();
    let users = [(1, "me"), (2, "ab\r\nc\u{1b}[31m"), (3, "abd")]
        .into_iter()
        .map(|(uid, name)| serde_json::from_value(json!({"uid": uid, "name": name})).unwrap())
        .collect();
    update(
        &mut app,
        super::tests::event(ServerEvent::UsersSnapshot { users, version: 4 }),
    );
    typed(&mut app, "keep this @ab");
    for _ in 0..3 {
        update(&mut app, key(KeyCode::Tab));
        let text = app.composer.text();
        assert!(text.starts_with("keep this @"), "{text:?}");
        assert!(!text.contains('\r') && !text.contains('\u{1b}'), "{text:?}");
    }
}
