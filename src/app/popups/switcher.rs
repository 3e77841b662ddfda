//! The Ctrl+K switcher: fuzzy search over conversations and people. Letters type the query;
//! its keys move and open the match, and Ctrl+K (its global key) or Esc close it.

use super::{PopupState, Step, hint};
use crate::app::{App, Effect};
use crate::keymap::{Action, Context, Keymap};
use crate::model::ConvKey;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Open(ConvKey),
    /// A person you have no DM with yet.
    Person(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Switcher {
    pub query: String,
    /// Every candidate with its label (`#channel`, `@person`).
    pub items: Vec<(Choice, String)>,
    /// Indexes into `items`, best match first.
    pub results: Vec<usize>,
    pub selected: usize,
}

impl Switcher {
    pub fn new(app: &App) -> Switcher {
        let mut items: Vec<(Choice, String)> = app
            .sidebar()
            .into_iter()
            .map(|k| (Choice::Open(k), app.conv_label(k)))
            .collect();
        // The channel rules once per opening, not once per person.
        let gate = app.chat.dm_gate();
        for u in app.chat.users.values() {
            if Some(u.uid) != app.chat.me
                && !app.chat.convs.contains_key(&ConvKey::User(u.uid))
                && gate.offers(&app.chat, u.uid)
            {
                items.push((
                    Choice::Person(u.uid),
                    format!("@{}", crate::present::person(&app.chat, u.uid, 40)),
                ));
            }
        }
        let mut s = Switcher {
            query: String::new(),
            results: (0..items.len()).collect(),
            items,
            selected: 0,
        };
        // The open conversation is first in activity order; start on the next one.
        if s.results.len() > 1
            && matches!(s.items[0].0, Choice::Open(k) if Some(k) == app.timeline.open)
        {
            s.selected = 1;
        }
        s
    }

    pub fn refresh(&mut self) {
        self.results = crate::fuzzy::rank(&self.query, self.items.iter().map(|(_, l)| l.as_str()));
        self.selected = 0;
    }

    pub fn up(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }

    pub fn down(&mut self) {
        if self.selected + 1 < self.results.len() {
            self.selected += 1;
        }
    }

    pub fn chosen(&self) -> Option<Choice> {
        self.results.get(self.selected).map(|i| self.items[*i].0)
    }
}

impl PopupState for Switcher {
    fn context(&self) -> Context {
        Context::Switcher
    }

    fn hints(&self, keys: &Keymap) -> (&'static str, Vec<String>) {
        (
            "JUMP",
            vec![
                hint(keys, Action::SwitcherOpen, "open"),
                hint(keys, Action::SwitcherClose, "close"),
            ],
        )
    }

    fn on_key(
        &mut self,
        app: &mut App,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> (Step, Vec<Effect>) {
        match action {
            Some(Action::SwitcherClose) => return (Step::Close, vec![]),
            Some(Action::SwitcherOpen) => {
                let effects = match self.chosen() {
                    Some(Choice::Open(k)) => app.open_conversation(k),
                    Some(Choice::Person(uid)) => {
                        app.chat.convs.entry(ConvKey::User(uid)).or_default();
                        app.open_conversation(ConvKey::User(uid))
                    }
                    None => vec![],
                };
                return (Step::Close, effects);
            }
            Some(Action::SwitcherUp) => self.up(),
            Some(Action::SwitcherDown) => self.down(),
            Some(Action::SwitcherErase) => {
                self.query.pop();
                self.refresh();
            }
            _ => match key.code {
                // Text for the query.
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.query.push(c);
                    self.refresh();
                }
                // Then the global keys: quitting works here too, the switcher's own closes it.
                _ => match app.keymap.resolve(Context::Switcher, key) {
                    Some(Action::Quit) => app.quit = true,
                    Some(Action::Switcher) => return (Step::Close, vec![]),
                    _ => {}
                },
            },
        }
        (Step::Stay, vec![])
    }

    /// The first line of a paste goes into the query.
    fn on_paste(&mut self, _app: &mut App, text: &str) -> Option<Vec<Effect>> {
        self.query.push_str(text.lines().next().unwrap_or(""));
        self.refresh();
        Some(vec![])
    }
}
