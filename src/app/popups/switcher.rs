//! The Ctrl+K switcher: fuzzy search over conversations and people. Letters type the query;
//! its keys move and open the match, and Ctrl+K (its global key) or Esc close it. With several
//! accounts it spans them all, each row named with its account (`work · #ops`), and `in:work`
//! in the query narrows it to the accounts whose name starts with `work`.
//!
//! Its forward purpose (`F` in selection, `forward.rs`) lists the focused account's
//! conversations and people only (an archive is one server's), and Enter forwards there
//! instead of opening it; Esc cancels.

use super::{PopupState, Step, hint};
use crate::app::{AccountId, App, Effect};
use crate::keymap::{Action, Context, Keymap};
use crate::model::ConvKey;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Open(AccountId, ConvKey),
    /// A person you have no DM with yet (in that account).
    Person(AccountId, i64),
}

impl Choice {
    pub fn account(&self) -> AccountId {
        match self {
            Choice::Open(id, _) | Choice::Person(id, _) => *id,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Switcher {
    pub query: String,
    /// Every candidate with its label (`#channel`, `@person`).
    pub items: Vec<(Choice, String)>,
    /// Indexes into `items`, best match first.
    pub results: Vec<usize>,
    pub selected: usize,
    /// Each account's name, lower-cased, for `in:`.
    names: Vec<(AccountId, String)>,
    /// Forwarding these messages: the pick is where they go (`None`: a jump).
    pub forward: Option<Vec<i64>>,
}

impl Switcher {
    pub fn new(app: &App) -> Switcher {
        let several = app.several_accounts();
        let mut items: Vec<(Choice, String)> = Vec::new();
        let mut names: Vec<(AccountId, String)> = Vec::new();
        // The focused account first: its conversations in the sidebar's order.
        let mut accounts = app.accounts();
        accounts.sort_by_key(|a| !a.focused);
        for account in accounts {
            let chat = account.chat;
            let tag = if several {
                format!("{} · ", crate::sanitize::one_line(account.name, 16))
            } else {
                String::new()
            };
            names.push((account.id, account.name.to_lowercase()));
            let order = if account.focused {
                app.sidebar()
            } else {
                crate::app::sidebar::order(chat, &app.settings)
            };
            items.extend(order.into_iter().map(|k| {
                let label = crate::app::label_of(chat, k);
                (Choice::Open(account.id, k), format!("{tag}{label}"))
            }));
            // The channel rules once per opening, not once per person.
            let gate = chat.dm_gate();
            for u in chat.users.values() {
                if Some(u.uid) != chat.me
                    && !chat.convs.contains_key(&ConvKey::User(u.uid))
                    && gate.offers(chat, u.uid)
                {
                    items.push((
                        Choice::Person(account.id, u.uid),
                        format!("{tag}@{}", crate::present::person(chat, u.uid, 40)),
                    ));
                }
            }
        }
        let mut s = Switcher {
            query: String::new(),
            results: (0..items.len()).collect(),
            items,
            names,
            selected: 0,
            forward: None,
        };
        // The open conversation is first in activity order; start on the next one.
        let open = app.timeline.open.map(|k| Choice::Open(app.focused, k));
        if s.results.len() > 1 && Some(s.items[0].0) == open {
            s.selected = 1;
        }
        s
    }

    /// The switcher that picks where `mids` are forwarded: the focused account's
    /// conversations, the open one included.
    pub fn forwarding(app: &App, mids: Vec<i64>) -> Switcher {
        let mut s = Switcher::new(app);
        let focused = app.focused;
        s.items.retain(|(c, _)| c.account() == focused);
        s.names.retain(|(id, _)| *id == focused);
        s.results = (0..s.items.len()).collect();
        s.selected = 0;
        s.forward = Some(mids);
        s
    }

    pub fn refresh(&mut self) {
        // `in:<name>` words narrow to those accounts; the rest is matched.
        let mut within: Vec<String> = Vec::new();
        let mut rest: Vec<&str> = Vec::new();
        for word in self.query.split_whitespace() {
            match word.strip_prefix("in:") {
                Some(name) => within.push(name.to_lowercase()),
                None => rest.push(word),
            }
        }
        let allowed = |id: AccountId| {
            within.is_empty()
                || self.names.iter().any(|(n_id, name)| {
                    *n_id == id && within.iter().any(|w| name.starts_with(w.as_str()))
                })
        };
        let query = rest.join(" ");
        self.results = crate::fuzzy::rank(&query, self.items.iter().map(|(_, l)| l.as_str()))
            .into_iter()
            .filter(|i| allowed(self.items[*i].0.account()))
            .collect();
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
        if self.forward.is_some() {
            return (
                "FORWARD",
                vec![
                    hint(keys, Action::SwitcherOpen, "forward"),
                    hint(keys, Action::SwitcherClose, "cancel"),
                ],
            );
        }
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
            Some(Action::SwitcherOpen) if self.forward.is_some() => {
                let to = match self.chosen() {
                    Some(Choice::Open(_, k)) => Some(k),
                    Some(Choice::Person(_, uid)) => Some(ConvKey::User(uid)),
                    None => None,
                };
                let effects = match (to, self.forward.take()) {
                    (Some(to), Some(mids)) => app.forward_to(to, mids),
                    _ => vec![],
                };
                return (Step::Close, effects);
            }
            Some(Action::SwitcherOpen) => {
                let effects = match self.chosen() {
                    Some(Choice::Open(id, k)) => app.open_in(id, k),
                    Some(Choice::Person(id, uid)) => app.open_person_in(id, uid),
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
