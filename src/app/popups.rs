//! Keys of the popups (switcher, help, meeting link, confirm, reaction picker, info, preview).
//!
//! The open popup is asked first and reports whether it consumed the key, the way gitui's
//! components do: `on_key` answers `None` when no popup is open, and the key goes on to the
//! selection or the composer. Popups are modal, so an open popup consumes every key: its own
//! actions (the popup's keymap context) act, anything else closes it (the switcher types it
//! into the query instead, and its own global key, Ctrl+K, closes it again).
//!
//! Popups have always matched keys whatever the modifiers (Shift+Enter opens a match, Ctrl+Y
//! confirms): a modified key with no binding of its own acts as the key without modifiers.

use super::{App, Confirm, Effect, Mode, Switcher};
use crate::keymap::{Action, Context, REACT_PICKS};
use crate::model::ConvKey;
use crate::protocol::types::REACTIONS;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The keymap context a mode's keys resolve in (popups without keys of their own, and the
/// login form, only have the global ones).
pub fn key_context(mode: &Mode) -> Context {
    match mode {
        Mode::Chat => Context::Composer,
        Mode::Select(_) => Context::Select,
        Mode::Switcher(_) => Context::Switcher,
        Mode::Help { .. } => Context::Help,
        Mode::Call(_) => Context::Call,
        Mode::Confirm(_) => Context::Confirm,
        Mode::React { .. } => Context::React,
        Mode::Search => Context::Search,
        Mode::Devices(_) => Context::Devices,
        Mode::Staged(_) => Context::Staged,
        Mode::Info { .. } | Mode::Preview(_) | Mode::Login(_) => Context::Global,
    }
}

/// Handles a key if a popup is open (`Some`, the effects), else leaves it (`None`).
pub fn on_key(app: &mut App, key: &KeyEvent) -> Option<Vec<Effect>> {
    let ctx = key_context(&app.mode);
    let action = popup_action(app, ctx, key);
    Some(match app.mode.clone() {
        Mode::Switcher(s) => switcher(app, s, key, action),
        Mode::Search => app.search_key(key, action),
        Mode::Help { scroll } => help(app, scroll, action),
        Mode::Info { .. } | Mode::Preview(_) => {
            app.mode = Mode::Chat;
            vec![]
        }
        Mode::Call(link) => {
            app.mode = Mode::Chat;
            match action {
                Some(Action::CallCopy) => {
                    app.info("meeting link copied (it joins as you: do not share it)");
                    vec![Effect::CopyText(link.url)]
                }
                Some(Action::CallOpen) => app.open_url(link.url),
                _ => vec![],
            }
        }
        Mode::Confirm(c) => {
            app.mode = Mode::Chat;
            match action {
                Some(Action::ConfirmYes) => match c {
                    Confirm::Delete(mid) => app.change(mid, crate::model::Change::Delete),
                    Confirm::Leave(gid) => vec![Effect::Leave { gid }],
                    Confirm::Open(url) => app.open_url(url),
                    Confirm::OpenFile { path, name } => app.download(path, name, true),
                    Confirm::RebuildStore(_) => vec![Effect::RebuildStore],
                    Confirm::LogoutDevice(device) => app.logout_device(device),
                },
                _ => {
                    app.info("cancelled");
                    vec![]
                }
            }
        }
        Mode::React { mid, index } => react(app, mid, index, action),
        Mode::Devices(open) => app.devices_key(open, action),
        Mode::Staged(selected) => staged(app, selected, action),
        Mode::Login(_) | Mode::Chat | Mode::Select(_) => return None,
    })
}

/// The popup's own action for a key: the key's binding in the popup's context, else the
/// binding of the same key without modifiers. Global actions are not popup actions.
fn popup_action(app: &App, ctx: Context, key: &KeyEvent) -> Option<Action> {
    if ctx == Context::Global {
        return None;
    }
    let own = |k: &KeyEvent| app.keymap.resolve(ctx, k).filter(|a| a.context() == ctx);
    own(key).or_else(|| own(&KeyEvent::new(key.code, KeyModifiers::NONE)))
}

fn help(app: &mut App, scroll: u16, action: Option<Action>) -> Vec<Effect> {
    let scroll = match action {
        Some(Action::HelpDown) => scroll.saturating_add(1),
        Some(Action::HelpUp) => scroll.saturating_sub(1),
        Some(Action::HelpPageDown) => scroll.saturating_add(10),
        Some(Action::HelpPageUp) => scroll.saturating_sub(10),
        _ => {
            app.mode = Mode::Chat;
            return vec![];
        }
    };
    app.mode = Mode::Help { scroll };
    vec![]
}

fn react(app: &mut App, mid: i64, index: usize, action: Option<Action>) -> Vec<Effect> {
    let n = REACTIONS.len();
    let pick = match action {
        Some(Action::ReactLeft) => {
            app.mode = Mode::React {
                mid,
                index: (index + n - 1) % n,
            };
            return vec![];
        }
        Some(Action::ReactRight) => {
            app.mode = Mode::React {
                mid,
                index: (index + 1) % n,
            };
            return vec![];
        }
        Some(Action::ReactPick) => Some(index),
        Some(a) => REACT_PICKS.iter().position(|p| *p == a),
        None => None,
    };
    app.mode = Mode::Select(mid);
    match pick.and_then(|i| REACTIONS.get(i)) {
        Some(emoji) => app.toggle_reaction(mid, emoji),
        None => vec![],
    }
}

fn switcher(app: &mut App, mut s: Switcher, key: &KeyEvent, action: Option<Action>) -> Vec<Effect> {
    match action {
        Some(Action::SwitcherClose) => app.mode = Mode::Chat,
        Some(Action::SwitcherOpen) => {
            app.mode = Mode::Chat;
            if let Some(target) = s.chosen() {
                return match target {
                    super::switcher::Choice::Open(k) => app.open_conversation(k),
                    super::switcher::Choice::Person(uid) => {
                        app.chat.convs.entry(ConvKey::User(uid)).or_default();
                        app.open_conversation(ConvKey::User(uid))
                    }
                };
            }
        }
        Some(Action::SwitcherUp) => {
            s.up();
            app.mode = Mode::Switcher(s);
        }
        Some(Action::SwitcherDown) => {
            s.down();
            app.mode = Mode::Switcher(s);
        }
        Some(Action::SwitcherErase) => {
            s.query.pop();
            s.refresh(app);
            app.mode = Mode::Switcher(s);
        }
        _ => match key.code {
            // Text for the query.
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                s.query.push(c);
                s.refresh(app);
                app.mode = Mode::Switcher(s);
            }
            // Then the global keys: quitting works here too, the switcher's own closes it.
            _ => match app.keymap.resolve(Context::Switcher, key) {
                Some(Action::Quit) => app.quit = true,
                Some(Action::Switcher) => app.mode = Mode::Chat,
                _ => {}
            },
        },
    }
    vec![]
}

/// The picked-files popup: move, remove one (the popup closes with the last), close.
fn staged(app: &mut App, selected: usize, action: Option<Action>) -> Vec<Effect> {
    let last = app.composer.staged.len().saturating_sub(1);
    app.mode = match action {
        Some(Action::StagedUp) => Mode::Staged(selected.saturating_sub(1)),
        Some(Action::StagedDown) => Mode::Staged((selected + 1).min(last)),
        Some(Action::StagedRemove) if selected < app.composer.staged.len() => {
            let f = app.composer.staged.remove(selected);
            app.info(format!("removed {}", crate::files::shown_name(&f.name, 60)));
            if app.composer.staged.is_empty() {
                Mode::Chat
            } else {
                Mode::Staged(selected.min(app.composer.staged.len() - 1))
            }
        }
        Some(Action::StagedClose) | None => Mode::Chat,
        _ => Mode::Staged(selected),
    };
    vec![]
}
