//! The Ctrl+K switcher: fuzzy search over conversations and people.

use super::App;
use crate::model::ConvKey;

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
        for u in app.chat.users.values() {
            if Some(u.uid) != app.chat.me && !app.chat.convs.contains_key(&ConvKey::User(u.uid)) {
                items.push((
                    Choice::Person(u.uid),
                    format!("@{}", crate::sanitize::one_line(&u.name, 40)),
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

    pub fn refresh(&mut self, _app: &App) {
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
