//! The search view as a popup (Alt+/, Alt+I, `/search`, `/inbox`, `/saved`, Shift+R): drawn in
//! the timeline's place, its keys move through what was found, open it, fetch older history,
//! mark it read or remove a saved message; other keys type the query.

use super::{Popup, PopupState, Popups, Step, hint};
use crate::app::search::INBOX_QUERY;
use crate::app::{App, Effect, Mode};
use crate::keymap::{Action, Context, Keymap};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The search view is open. Its state outlives it (the view reopens where it was), so it is
/// `App::search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SearchPopup;

impl Popups {
    /// Whether the search view is open (under another popup or not).
    pub fn search_open(&self) -> bool {
        self.iter().any(|p| matches!(p, Popup::Search(_)))
    }
}

impl PopupState for SearchPopup {
    fn context(&self) -> Context {
        Context::Search
    }

    fn hints(&self, keys: &Keymap) -> (&'static str, Vec<String>) {
        (
            "SEARCH",
            vec![
                hint(keys, Action::SearchOpen, "open"),
                hint(keys, Action::SearchOlder, "older"),
                hint(keys, Action::SearchClose, "close"),
            ],
        )
    }

    fn on_key(
        &mut self,
        app: &mut App,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> (Step, Vec<Effect>) {
        let hits = app.search.results.hits.len();
        let effects = match action {
            Some(Action::SearchClose) => return (Step::Close, vec![]),
            Some(Action::SearchUp) => {
                app.search.selected = app.search.selected.saturating_sub(1);
                vec![]
            }
            Some(Action::SearchDown) => {
                app.search.selected = (app.search.selected + 1).min(hits.saturating_sub(1));
                vec![]
            }
            Some(Action::SearchOpen) => match app.search.results.hits.get(app.search.selected) {
                Some(hit) => {
                    let (key, mid) = (hit.key, hit.mid);
                    return (Step::Close, open_hit(app, key, mid));
                }
                None => vec![],
            },
            Some(Action::SearchErase) => {
                app.search.input.pop();
                app.search_changed()
            }
            Some(Action::SearchClear) => {
                app.search.input.clear();
                app.search_changed()
            }
            Some(Action::SearchOlder) => app.fetch_older_for_search(),
            Some(Action::SearchMarkRead) => app.mark_found_read(),
            Some(Action::SearchUnsave) => app.unsave_selected(),
            _ => match key.code {
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    app.search.input.push(c);
                    app.search_changed()
                }
                // Then the global keys: quitting works here too, the view's own key closes
                // it, the inbox's opens the inbox.
                _ => match app.keymap.resolve(Context::Search, key) {
                    Some(Action::Quit) => {
                        app.quit = true;
                        vec![]
                    }
                    Some(Action::Search) => return (Step::Close, vec![]),
                    Some(Action::Inbox) => app.search_for(INBOX_QUERY),
                    _ => vec![],
                },
            },
        };
        (Step::Stay, effects)
    }

    /// The first line of a paste goes into the query.
    fn on_paste(&mut self, app: &mut App, text: &str) -> Option<Vec<Effect>> {
        Some(app.search_paste(text.lines().next().unwrap_or("")))
    }
}

/// Enter on a hit: its conversation opens with it selected. Where you were is the newest
/// message of the conversation that was open (Backspace goes back there), and the jump leaves
/// the selection.
fn open_hit(app: &mut App, key: crate::model::ConvKey, mid: i64) -> Vec<Effect> {
    let from = app.timeline.open.and_then(|open| {
        app.chat
            .convs
            .get(&open)
            .and_then(|c| c.visible().next_back())
            .map(|m| (open, m.mid))
    });
    if matches!(app.mode, Mode::Select(_)) {
        app.mode = Mode::Chat;
    }
    app.jump_from(from, key, mid)
}
