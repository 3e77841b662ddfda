//! The search view as a popup (Alt+/, Alt+I, `/search`, `/inbox`, `/saved`, Shift+R): one view
//! of four kinds (a search, the inbox, the replies to a message, the saved messages), drawn in
//! the timeline's place. Each change of the query asks the store again (its task answers only
//! the newest question, so typing fast costs one search); its keys move through what was
//! found, open it, fetch older history, mark it read or remove a saved message, and other keys
//! type the query. Its state is here and outlives the popup (the view reopens where it was).
//! With several accounts it spans them all (`search_span.rs`: who is asked, the merge).
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! view owns the query, what was found and the saved list shown; the messages that change
//! them (`Msg::Searched`, `Msg::StoredOlder`, `Msg::SavedList`) are handled here.

use super::{Popup, PopupState, Popups, Step, hint};
use crate::app::search::INBOX_QUERY;
use crate::app::search_span::{merge, through};
use crate::app::{AccountId, App, Effect, Mode, Outcome};
use crate::keymap::{Action, Context, Keymap};
use crate::model::{ConvKey, SavedItem, SavedPlace, SearchQuery, SearchResults};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Which list the view shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum SearchKind {
    /// What matches the words and filters typed.
    #[default]
    Search,
    /// Mentions of you and replies to you, everywhere (`to:me`).
    Inbox,
    /// The replies to one message (`replies:<mid>`).
    Replies,
    /// Saved messages: where they are kept (`None` until a list comes), and the items
    /// behind `results.hits`, in the same order. Typing searches instead. `mixed`: of
    /// several accounts, some kept on their server and some here.
    Saved {
        place: Option<SavedPlace>,
        items: Vec<SavedItem>,
        mixed: bool,
    },
}

impl SearchKind {
    /// The kind of view a query makes.
    fn of(query: &SearchQuery) -> SearchKind {
        if query.to_me {
            SearchKind::Inbox
        } else if query.replies_to.is_some() {
            SearchKind::Replies
        } else {
            SearchKind::Search
        }
    }

    /// The view's title.
    pub fn title(&self) -> &'static str {
        match self {
            SearchKind::Search => " search ",
            SearchKind::Inbox => " inbox: mentions of you and replies to you ",
            SearchKind::Replies => " replies ",
            SearchKind::Saved { place: None, .. } => " saved messages (loading…) ",
            SearchKind::Saved { mixed: true, .. } => {
                " saved messages (on their servers; some kept here) "
            }
            SearchKind::Saved {
                place: Some(SavedPlace::Server),
                ..
            } => " saved messages (on the server) ",
            SearchKind::Saved {
                place: Some(SavedPlace::Local),
                ..
            } => " saved messages (kept here: the server keeps none) ",
        }
    }
}

/// The search view's state; kept when it closes, so it reopens where it was.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchView {
    pub kind: SearchKind,
    pub input: String,
    /// The last search asked for, and the one the shown results answer.
    pub seq: u64,
    pub answered: u64,
    pub results: SearchResults,
    pub selected: usize,
    /// Why the query cannot be run (an unknown name, a bad date), or the store's error.
    pub error: Option<String>,
    /// The terms of the query shown, for highlighting.
    pub terms: Vec<String>,
    /// Conversations the last query was limited to (empty: all).
    pub within: Vec<ConvKey>,
    /// Conversations whose older history is being fetched for the search, by account.
    pub fetching: Vec<(AccountId, ConvKey)>,
    /// The account of each hit in `results.hits` (same order).
    pub owners: Vec<AccountId>,
    /// The account of each entry of `results.coverage` (same order).
    pub covered: Vec<AccountId>,
    /// The answers to the newest question so far, by account (merged into `results`).
    pub answers: Vec<(AccountId, SearchResults)>,
    /// The accounts asked the newest question that have not answered yet.
    pub waiting: Vec<AccountId>,
    /// The newest question went to several accounts (they were in the window).
    pub several: bool,
    /// Older history came while an account was handled alone: search again once every
    /// account is in reach (`App::on_for`).
    pub again: bool,
    /// The saved lists that came, by account (merged into the saved kind's items).
    pub saved: Vec<SavedAnswer>,
}

/// One account's saved messages, each with its hit (told against that account's chat).
#[derive(Debug, Clone, PartialEq)]
pub struct SavedAnswer {
    pub account: AccountId,
    pub place: SavedPlace,
    pub items: Vec<(SavedItem, crate::model::SearchHit)>,
}

impl SearchView {
    /// True while the newest question has no answer yet.
    pub fn searching(&self) -> bool {
        self.answered < self.seq || !self.waiting.is_empty()
    }

    /// The saved messages listed (none unless the view lists them).
    pub fn saved_items(&self) -> &[SavedItem] {
        match &self.kind {
            SearchKind::Saved { items, .. } => items,
            _ => &[],
        }
    }
}

/// How many older records one press fetches per conversation.
pub const OLDER_PAGE: u32 = 500;

/// Said as older history is asked for, and when it is stored.
const OLDER_ON_ITS_WAY: &str = "older history is on its way";
const ALL_STORED: &str = "every conversation searched is stored from its start";

fn fetching_older(n: usize) -> String {
    format!(
        "fetching older history of {n} conversation{}",
        if n == 1 { "" } else { "s" }
    )
}

fn stored_older(n: usize) -> String {
    format!("{n} older records stored")
}

fn marked_read(n: usize) -> String {
    match n {
        0 => "nothing unread here".to_string(),
        1 => "marked read in 1 conversation".to_string(),
        n => format!("marked read in {n} conversations"),
    }
}

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
                    let id = app.hit_account(app.search.selected);
                    return (Step::Close, open_hit(app, id, key, mid));
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

/// Enter on a hit: its conversation opens (in its account) with it selected. Where you were is
/// the newest message of the conversation that was open (Backspace goes back there), and the
/// jump leaves the selection.
fn open_hit(app: &mut App, id: AccountId, key: ConvKey, mid: i64) -> Vec<Effect> {
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
    app.open_hit_in(id, from, key, mid)
}

impl App {
    /// Opens the search view; `text` (from `/search <words>`) replaces the query.
    pub(in crate::app) fn open_search(&mut self, text: Option<&str>) -> Vec<Effect> {
        if !self.popups.search_open() {
            self.popups.push(SearchPopup);
        }
        match text {
            Some(t) => self.search_for(t),
            None => vec![],
        }
    }

    /// Searches for `text` (it replaces the query).
    fn search_for(&mut self, text: &str) -> Vec<Effect> {
        self.search.input = text.to_string();
        self.search_changed()
    }

    /// The query changed: parse it and ask the store.
    pub(in crate::app) fn search_changed(&mut self) -> Vec<Effect> {
        self.search.selected = 0;
        // Typing in the saved list starts a search.
        if matches!(self.search.kind, SearchKind::Saved { .. }) {
            self.search.kind = SearchKind::Search;
        }
        // Each account parses the query against its own chat; those it fits are asked.
        let (scope, text) = self.search_scope(&self.search.input);
        let mut asked: Vec<(AccountId, SearchQuery)> = Vec::new();
        let mut error = None;
        for (id, parsed) in self.parse_for(&scope, &text) {
            match parsed {
                Ok(q) => asked.push((id, q)),
                Err(e) => {
                    error.get_or_insert(e);
                }
            }
        }
        let Some((_, query)) = asked.first() else {
            self.search.error = error;
            return vec![];
        };
        self.search.error = None;
        self.search.terms.clone_from(&query.terms);
        self.search.within.clone_from(&query.within);
        self.search.kind = SearchKind::of(query);
        let empty = query.is_empty();
        // A message number is one account's: its replies are asked of one account only, the
        // one `in:` names (Shift+R writes it), else the focused one.
        if query.replies_to.is_some() {
            asked.truncate(1);
        }
        self.search.seq += 1;
        self.search.answers.clear();
        if empty {
            self.search.answered = self.search.seq;
            self.search.waiting.clear();
            self.search.results = SearchResults::default();
            self.search.owners.clear();
            self.search.covered.clear();
            return vec![];
        }
        let seq = self.search.seq;
        self.search.several = self.several_accounts();
        self.search.waiting = asked.iter().map(|(id, _)| *id).collect();
        asked
            .into_iter()
            .map(|(id, query)| through(self, id, Effect::Search { seq, query }))
            .collect()
    }

    /// The store answered a search (an older question's answer is dropped).
    pub(in crate::app) fn on_searched(&mut self, result: Outcome<SearchResults>) -> Vec<Effect> {
        if matches!(self.search.kind, SearchKind::Saved { .. }) {
            return vec![];
        }
        // The account handled now is the one that answered.
        let from = self.focused;
        match result {
            Ok(results) if results.seq >= self.search.seq => {
                let seq = results.seq;
                self.search.answered = seq;
                self.search.waiting.retain(|id| *id != from);
                self.search.answers.retain(|(id, _)| *id != from);
                self.search.answers.push((from, results));
                self.search.answers.sort_by_key(|(id, _)| *id);
                let (merged, owners, covered) = merge(seq, &self.search.answers);
                self.search.results = merged;
                self.search.owners = owners;
                self.search.covered = covered;
                self.search.selected = self
                    .search
                    .selected
                    .min(self.search.results.hits.len().saturating_sub(1));
            }
            Ok(_) => {}
            Err(e) => {
                self.search.waiting.retain(|id| *id != from);
                if self.search.waiting.is_empty() {
                    self.search.answered = self.search.seq;
                }
                self.search.error = Some(match self.account_tag(from) {
                    Some(name) => format!("{name}: {e}"),
                    None => e.to_string(),
                });
            }
        }
        vec![]
    }

    /// Older history was stored for the search: the same search again sees it.
    pub(in crate::app) fn on_stored_older(
        &mut self,
        key: ConvKey,
        result: Outcome<usize>,
    ) -> Vec<Effect> {
        let from = self.focused;
        self.search.fetching.retain(|f| *f != (from, key));
        match result {
            Ok(n) => {
                self.info(stored_older(n));
                if !matches!(self.search.kind, SearchKind::Saved { .. })
                    && self.search.fetching.is_empty()
                {
                    // With several accounts this one may be handled alone (parked): the
                    // search runs again once every account is in reach (`App::on_for`).
                    if self.search.several {
                        self.search.again = true;
                    } else if self.popups.search_open() {
                        return self.search_changed();
                    }
                }
            }
            Err(e) => self.error(format!("older history: {e}")),
        }
        vec![]
    }

    /// Marks read what was found that is unread: each conversation up to its newest hit
    /// (through the hit's own account).
    fn mark_found_read(&mut self) -> Vec<Effect> {
        let (effects, n) = self.mark_hits_read();
        self.info(marked_read(n));
        effects
    }

    /// Pasted text goes into the query.
    fn search_paste(&mut self, text: &str) -> Vec<Effect> {
        self.search
            .input
            .push_str(&crate::sanitize::one_line(text, 200));
        self.search_changed()
    }

    /// Asks the server for older history of the conversations searched that the store does
    /// not hold from their start, a page each; it goes to the store (not the open timeline).
    fn fetch_older_for_search(&mut self) -> Vec<Effect> {
        if !self.search.fetching.is_empty() {
            self.info(OLDER_ON_ITS_WAY);
            return vec![];
        }
        let partial: Vec<(AccountId, crate::model::Coverage)> = self
            .search
            .results
            .coverage
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.complete)
            .map(|(i, c)| {
                let id = self.search.covered.get(i).copied().unwrap_or(self.focused);
                (id, c.clone())
            })
            .collect();
        self.search.fetching = partial.iter().map(|(id, c)| (*id, c.key)).collect();
        let effects: Vec<Effect> = partial
            .into_iter()
            .map(|(id, c)| {
                let older = Effect::StoreOlder {
                    key: c.key,
                    before: c.fill_before,
                    limit: OLDER_PAGE,
                };
                through(self, id, older)
            })
            .collect();
        if effects.is_empty() {
            self.info(ALL_STORED);
        } else {
            self.info(fetching_older(effects.len()));
        }
        effects
    }

    /// Opens the list of saved messages (it fills when the answer comes).
    pub(in crate::app) fn open_saved(&mut self) -> Vec<Effect> {
        if !self.popups.search_open() {
            self.popups.push(SearchPopup);
        }
        self.search.input.clear();
        self.search.error = None;
        self.search.terms.clear();
        self.search.kind = SearchKind::Saved {
            place: None,
            items: vec![],
            mixed: false,
        };
        self.search.seq += 1;
        self.search.answered = self.search.seq;
        self.search.results = SearchResults::default();
        self.search.owners.clear();
        self.search.covered.clear();
        self.search.selected = 0;
        self.search.saved.clear();
        // Every account's list (each through its own session).
        let ids: Vec<AccountId> = self.accounts().iter().map(|a| a.id).collect();
        self.search.waiting = ids.clone();
        ids.into_iter()
            .map(|id| through(self, id, Effect::LoadSaved))
            .collect()
    }

    /// The saved messages came (or could not be listed).
    pub(in crate::app) fn on_saved_list(
        &mut self,
        result: Outcome<(SavedPlace, Vec<SavedItem>)>,
    ) -> Vec<Effect> {
        if !matches!(self.search.kind, SearchKind::Saved { .. }) {
            return vec![];
        }
        // The account handled now is the one whose list came.
        let from = self.focused;
        self.search.waiting.retain(|id| *id != from);
        match result {
            Ok((place, items)) => {
                // Each item told against its own account's chat (swapped in now).
                let items = items
                    .into_iter()
                    .map(|i| {
                        let hit = self.saved_hit(&i);
                        (i, hit)
                    })
                    .collect();
                self.search.saved.retain(|a| a.account != from);
                self.search.saved.push(SavedAnswer {
                    account: from,
                    place,
                    items,
                });
                self.search.saved.sort_by_key(|a| a.account);
                self.merge_saved();
            }
            Err(e) => {
                self.search.error = Some(match self.account_tag(from) {
                    Some(name) => format!("{name}: saved messages: {e}"),
                    None => format!("saved messages: {e}"),
                });
            }
        }
        vec![]
    }

    /// Removes the selected saved message (the server's favorite holding it).
    fn unsave_selected(&mut self) -> Vec<Effect> {
        let id = self.hit_account(self.search.selected);
        match self.search.saved_items().get(self.search.selected) {
            Some(item) => {
                let unsave = Effect::Unsave {
                    id: item.id.clone(),
                    mid: item.mid,
                };
                vec![through(self, id, unsave)]
            }
            None => vec![],
        }
    }
}
