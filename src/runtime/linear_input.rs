//! The linear mode's input (issue 22). At a terminal, each key: the composer edits the line
//! with the full UI's keys (Tab completes names, commands and paths; Esc cancels), Up and
//! Down walk the lines sent, Enter hands the line over, Ctrl+D on an empty line or Ctrl+C
//! on one ends the program (Ctrl+C on text clears it). From a pipe or file, whole lines.

use super::run::update_owned;
use crate::app::{AccountId, App, Effect, Msg};
use crate::keymap::{Action, Context};
use crate::ui::prompt_line::History;
use crossterm::event::{Event, EventStream, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use futures::StreamExt;
use tokio::io::AsyncBufReadExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// What came from the user.
#[derive(Debug)]
pub(super) enum Input {
    /// A whole line (input that is not a terminal).
    Line(String),
    Key(KeyEvent),
    /// The terminal is this many columns wide now.
    Resize(u16),
    /// End of input.
    End,
}

/// Reads keys from the terminal (raw mode) into `tx`.
pub(super) fn spawn_keys(tx: mpsc::UnboundedSender<Input>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut events = EventStream::new();
        while let Some(event) = events.next().await {
            let input = match event {
                Ok(Event::Key(k)) => Input::Key(k),
                Ok(Event::Resize(w, _)) => Input::Resize(w),
                Ok(_) => continue,
                Err(e) => {
                    tracing::error!("terminal input failed: {e}");
                    Input::End
                }
            };
            let end = matches!(input, Input::End);
            if tx.send(input).is_err() || end {
                return;
            }
        }
        // The terminal's input ended without an error (stdin closed): the end all the same.
        let _ = tx.send(Input::End);
    })
}

/// Reads whole lines (input that is not a terminal) into `tx`.
pub(super) fn spawn_lines(tx: mpsc::UnboundedSender<Input>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut input = tokio::io::BufReader::new(tokio::io::stdin()).lines();
        loop {
            let input = match input.next_line().await.ok().flatten() {
                Some(line) => Input::Line(line),
                None => Input::End,
            };
            let end = matches!(input, Input::End);
            if tx.send(input).is_err() || end {
                break;
            }
        }
    })
}

/// What a key did.
#[derive(Debug, PartialEq)]
pub(super) enum Typed {
    /// The line is done (Enter): to be sent or run.
    Line(String),
    /// A login field was entered (the form goes on, or logs in): the row stays as shown.
    Field(Vec<Effect>),
    /// The line changed, or nothing happened: redraw it.
    Edited(Vec<Effect>),
    /// A key this mode has no use for: say why, as one line.
    Said(String),
    /// Ctrl+Z (the key map's suspend): stop until continued.
    Suspend,
    Quit,
}

/// Key `key` at the input line: history and the line's end here, editing through the
/// composer (the full UI's keys, its completion and its help).
pub(super) fn on_key(
    app: &mut App,
    key: KeyEvent,
    history: &mut History,
    held: impl Fn(AccountId) -> bool,
) -> Typed {
    if key.kind == KeyEventKind::Release {
        return Typed::Edited(vec![]);
    }
    // A search still waiting for its answer is given up: the keys are the line's again.
    if matches!(app.popups.top(), Some(crate::app::Popup::Search(_))) {
        app.popups.clear();
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if matches!(app.mode, crate::app::Mode::Login(_)) {
        return login_key(app, key, held);
    }
    let plain = key.modifiers.difference(KeyModifiers::SHIFT).is_empty();
    let question = app.popups.top().is_some();
    let text = app.composer.text();
    match key.code {
        // A question takes the next key, as on the full screen.
        _ if question => Typed::Edited(update_owned(app, Msg::Key(key), held)),
        KeyCode::Enter => enter(app, history),
        // Raw mode makes Enter's line feed Ctrl+J; Ctrl+M is carriage return.
        KeyCode::Char('j' | 'm') if ctrl => enter(app, history),
        KeyCode::Char('d') if ctrl && text.is_empty() => Typed::Quit,
        KeyCode::Char('c') if ctrl && text.is_empty() => Typed::Quit,
        KeyCode::Char('c') if ctrl => {
            app.composer.set_text("");
            app.composer.completion = None;
            history.stop();
            Typed::Edited(vec![])
        }
        KeyCode::Up if plain => {
            if let Some(line) = history.older(&text) {
                app.composer.set_text(&line);
            }
            Typed::Edited(vec![])
        }
        KeyCode::Down if plain => {
            if let Some(line) = history.newer() {
                app.composer.set_text(&line);
            }
            Typed::Edited(vec![])
        }
        _ => {
            history.stop();
            match app.keymap.resolve(Context::Composer, &key) {
                Some(Action::Send) => enter(app, history),
                None
                | Some(
                    Action::Complete
                    | Action::Cancel
                    | Action::Help
                    | Action::Quit
                    | Action::RetrySend
                    | Action::DiscardFailed
                    | Action::ToggleMarkdown
                    | Action::Unstage
                    | Action::Reconnect
                    | Action::Announcement
                    | Action::LinkPicker,
                ) => Typed::Edited(update_owned(app, Msg::Key(key), held)),
                Some(Action::Suspend) => Typed::Suspend,
                Some(Action::Newline) => {
                    Typed::Said("one line at a time here: Enter sends the line".into())
                }
                Some(action) => Typed::Said(format!(
                    "{} ({}) is the full screen's; /help lists what works here",
                    app.keymap.hint(action),
                    action.help()
                )),
            }
        }
    }
}

/// Key `key` in the login form: the form's own keys (Tab and Up/Down move between the
/// fields, Enter goes on or logs in, Esc leaves); Ctrl+D on an empty field ends the program.
fn login_key(app: &mut App, key: KeyEvent, held: impl Fn(AccountId) -> bool) -> Typed {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let empty = input_line(app).1.is_empty()
        && !matches!(&app.mode, crate::app::Mode::Login(f) if !f.password.is_empty());
    match key.code {
        KeyCode::Char('d') if ctrl && empty => Typed::Quit,
        KeyCode::Enter => Typed::Field(update_owned(app, Msg::Key(key), held)),
        KeyCode::Char('j' | 'm') if ctrl => Typed::Field(update_owned(
            app,
            Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            held,
        )),
        _ => Typed::Edited(update_owned(app, Msg::Key(key), held)),
    }
}

/// Enter: the line typed, taken out of the composer (kept in the history).
fn enter(app: &mut App, history: &mut History) -> Typed {
    let line = app.composer.text();
    app.composer.set_text("");
    app.composer.completion = None;
    history.push(&line);
    Typed::Line(line)
}

/// The input line as shown: its prompt (what Enter will do, or the login field asked for),
/// its text and the cursor's place in it. A password is never shown.
pub(super) fn input_line(app: &App) -> (String, String, usize) {
    use crate::app::{LoginField, Mode};
    if let Mode::Login(form) = &app.mode {
        let (name, text) = match form.focus {
            LoginField::Server => ("server address", form.server.clone()),
            LoginField::Name => ("your name", form.name.clone()),
            LoginField::Email => ("e-mail", form.email.clone()),
            LoginField::Password => ("password (not shown)", String::new()),
        };
        let cursor = text.chars().count();
        return (format!("{name}> "), text, cursor);
    }
    let prompt = if matches!(app.popups.top(), Some(crate::app::Popup::Confirm(_))) {
        "answer> "
    } else {
        match app.composer.target {
            crate::app::ComposeTarget::New => "> ",
            crate::app::ComposeTarget::Reply(_) => "reply> ",
            crate::app::ComposeTarget::Edit(_) => "edit> ",
        }
    };
    let ratatui_textarea::DataCursor(_, col) = app.composer.textarea.cursor();
    (prompt.to_string(), app.composer.text(), col)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Settings;
    use crate::config::Config;
    use crate::keymap::{Keymap, Preset};

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn app() -> App {
        let settings = Settings::from(&Config::default());
        App::logged_in(1, Keymap::new(Preset::Default), settings, "t".into())
    }

    fn typed(app: &mut App, h: &mut History, text: &str) {
        for c in text.chars() {
            on_key(app, key(KeyCode::Char(c)), h, |_| false);
        }
    }

    #[test]
    fn keys_edit_the_composer_and_enter_hands_the_line_over() {
        let mut app = app();
        let mut h = History::default();
        typed(&mut app, &mut h, "helo");
        on_key(&mut app, key(KeyCode::Left), &mut h, |_| false);
        typed(&mut app, &mut h, "l");
        assert_eq!(app.composer.text(), "hello");
        assert_eq!(
            on_key(&mut app, key(KeyCode::Enter), &mut h, |_| false),
            Typed::Line("hello".into())
        );
        assert_eq!(app.composer.text(), "");
        // Raw mode's line feed (Ctrl+J) is Enter too.
        typed(&mut app, &mut h, "again");
        assert_eq!(
            on_key(&mut app, ctrl('j'), &mut h, |_| false),
            Typed::Line("again".into())
        );
    }

    #[test]
    fn up_and_down_walk_the_lines_sent() {
        let mut app = app();
        let mut h = History::default();
        for line in ["one", "two"] {
            typed(&mut app, &mut h, line);
            on_key(&mut app, key(KeyCode::Enter), &mut h, |_| false);
        }
        typed(&mut app, &mut h, "dra");
        on_key(&mut app, key(KeyCode::Up), &mut h, |_| false);
        assert_eq!(app.composer.text(), "two");
        on_key(&mut app, key(KeyCode::Up), &mut h, |_| false);
        assert_eq!(app.composer.text(), "one");
        on_key(&mut app, key(KeyCode::Down), &mut h, |_| false);
        on_key(&mut app, key(KeyCode::Down), &mut h, |_| false);
        assert_eq!(app.composer.text(), "dra");
    }

    #[test]
    fn tab_completes_a_command_through_the_composer() {
        let mut app = app();
        let mut h = History::default();
        typed(&mut app, &mut h, "/hel");
        on_key(&mut app, key(KeyCode::Tab), &mut h, |_| false);
        assert_eq!(app.composer.text(), "/help ");
    }

    #[test]
    fn ctrl_c_clears_text_and_ends_on_an_empty_line_as_ctrl_d_does() {
        let mut app = app();
        let mut h = History::default();
        typed(&mut app, &mut h, "oops");
        assert_eq!(
            on_key(&mut app, ctrl('c'), &mut h, |_| false),
            Typed::Edited(vec![])
        );
        assert_eq!(app.composer.text(), "");
        assert_eq!(on_key(&mut app, ctrl('c'), &mut h, |_| false), Typed::Quit);
        assert_eq!(on_key(&mut app, ctrl('d'), &mut h, |_| false), Typed::Quit);
        // Ctrl+Z, the key map's suspend, stops the program as on the full screen.
        assert_eq!(
            on_key(&mut app, ctrl('z'), &mut h, |_| false),
            Typed::Suspend
        );
        // A key of the full screen only says so.
        let Typed::Said(why) = on_key(&mut app, ctrl('k'), &mut h, |_| false) else {
            panic!("Ctrl+K is the switcher's")
        };
        assert!(why.contains("/help"), "{why}");
    }
}
