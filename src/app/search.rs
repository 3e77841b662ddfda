//! The search view: the query as typed, parsed into a [`SearchQuery`] (words, "quoted
//! phrases", `from:@name`, `in:#channel` / `in:@person`, `has:file`, `has:link`,
//! `before:` / `after:` dates) against the names the model knows. Each change asks the store
//! again (its task answers only the newest question, so typing fast costs one search), and
//! Enter opens the conversation at the message found.

use super::{App, Effect, strings};
use crate::model::{ChatModel, ConvKey, SearchQuery, SearchResults};

/// The search view's state; kept when it closes, so it reopens where it was.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchView {
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
    /// The last query is the inbox (`to:me`), or the replies to a message.
    pub inbox: bool,
    pub replies: bool,
    /// Conversations whose older history is being fetched for the search.
    pub fetching: Vec<ConvKey>,
    /// The view lists saved messages (kept where `saved` says, once known), with the items
    /// behind `results.hits`, in the same order.
    pub saved_view: bool,
    pub saved: Option<crate::model::SavedPlace>,
    pub saved_items: Vec<crate::model::SavedItem>,
}

impl SearchView {
    /// True while the newest question has no answer yet.
    pub fn searching(&self) -> bool {
        self.answered < self.seq
    }
}

/// Splits `input` into tokens: runs of non-spaces, with `"…"` kept together (also after a
/// `key:`), quotes removed.
fn tokens(input: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut had_quote = false;
    for c in input.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                had_quote = true;
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push((std::mem::take(&mut cur), had_quote));
                }
                had_quote = false;
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push((cur, had_quote));
    }
    out
}

pub(super) fn users_named(chat: &ChatModel, name: &str) -> Vec<i64> {
    crate::model::named(
        chat.users.values().map(|u| (u.name.as_str(), u.uid)),
        name,
        "uid",
    )
}

fn groups_named(chat: &ChatModel, name: &str) -> Vec<i64> {
    crate::model::named(
        chat.groups.values().map(|g| (g.name.as_str(), g.gid)),
        name,
        "gid",
    )
}

/// Parses what was typed into a query; the error says what is wrong, for the user.
pub fn parse(input: &str, chat: &ChatModel, utc: bool, now_ms: i64) -> Result<SearchQuery, String> {
    let mut q = SearchQuery {
        now_ms,
        ..SearchQuery::default()
    };
    let date = |value: &str| {
        crate::timefmt::day_start(value, utc)
            .ok_or_else(|| format!("{value:?} is not a date (write it as 2026-12-01)"))
    };
    for (token, quoted) in tokens(input) {
        let _ = quoted;
        match token.split_once(':') {
            Some(("from", name)) if !name.is_empty() => {
                let name = name.trim_start_matches('@');
                let uids = users_named(chat, name);
                if uids.is_empty() {
                    return Err(format!("no one is called @{name}"));
                }
                q.from.extend(uids);
            }
            Some(("in", name)) if name.starts_with('@') => {
                let name = &name[1..]; // after the one-byte '@'
                let uids = users_named(chat, name);
                if uids.is_empty() {
                    return Err(format!("no one is called @{name}"));
                }
                q.within.extend(uids.into_iter().map(ConvKey::User));
            }
            Some(("in", name)) if !name.is_empty() => {
                let name = name.trim_start_matches('#');
                let gids = groups_named(chat, name);
                if gids.is_empty() {
                    return Err(format!("no channel is called #{name}"));
                }
                q.within.extend(gids.into_iter().map(ConvKey::Group));
            }
            Some(("to", "me")) => q.to_me = true,
            Some(("replies", mid)) => {
                q.replies_to = Some(
                    mid.parse()
                        .map_err(|_| format!("replies:{mid}: a message number is needed"))?,
                );
            }
            Some(("has", "file")) => q.has_file = true,
            Some(("has", "link")) => q.has_link = true,
            Some(("has", other)) => {
                return Err(format!("has:{other}: only has:file and has:link are known"));
            }
            Some(("before", value)) => q.before = Some(date(value)?),
            Some(("after", value)) => q.after = Some(date(value)?),
            _ => q.terms.push(token),
        }
    }
    Ok(q)
}

impl App {
    /// Opens the search view; `text` (from `/search <words>`) replaces the query.
    pub(super) fn open_search(&mut self, text: Option<&str>) -> Vec<Effect> {
        if !self.popups.search_open() {
            self.popups.push(super::popups::SearchPopup);
        }
        match text {
            Some(t) => self.search_for(t),
            None => vec![],
        }
    }

    /// Searches for `text` (it replaces the query).
    pub(super) fn search_for(&mut self, text: &str) -> Vec<Effect> {
        self.search.input = text.to_string();
        self.search_changed()
    }

    /// The query changed: parse it and ask the store.
    pub(super) fn search_changed(&mut self) -> Vec<Effect> {
        self.search.selected = 0;
        // Typing in the saved list starts a search.
        self.search.saved_view = false;
        self.search.saved_items.clear();
        let query = match parse(
            &self.search.input,
            &self.chat,
            self.settings.utc,
            self.now_ms,
        ) {
            Ok(q) => q,
            Err(e) => {
                self.search.error = Some(e);
                return vec![];
            }
        };
        self.search.error = None;
        self.search.terms.clone_from(&query.terms);
        self.search.within.clone_from(&query.within);
        self.search.inbox = query.to_me;
        self.search.replies = query.replies_to.is_some();
        self.search.seq += 1;
        if query.is_empty() {
            self.search.answered = self.search.seq;
            self.search.results = SearchResults::default();
            return vec![];
        }
        vec![Effect::Search {
            seq: self.search.seq,
            query,
        }]
    }

    /// The store answered a search (an older question's answer is dropped).
    pub(super) fn searched(&mut self, result: super::Outcome<SearchResults>) {
        if self.search.saved_view {
            return;
        }
        match result {
            Ok(results) if results.seq >= self.search.seq => {
                self.search.answered = results.seq;
                self.search.results = results;
                self.search.selected = self
                    .search
                    .selected
                    .min(self.search.results.hits.len().saturating_sub(1));
            }
            Ok(_) => {}
            Err(e) => {
                self.search.answered = self.search.seq;
                self.search.error = Some(e.to_string());
            }
        }
    }

    /// Older history was stored for the search: the same search again sees it.
    pub(super) fn stored_older(
        &mut self,
        key: ConvKey,
        result: super::Outcome<usize>,
    ) -> Vec<Effect> {
        self.search.fetching.retain(|k| *k != key);
        match result {
            Ok(n) => {
                self.info(strings::stored_older(n));
                if self.popups.search_open()
                    && !self.search.saved_view
                    && self.search.fetching.is_empty()
                {
                    return self.search_changed();
                }
            }
            Err(e) => self.error(format!("older history: {e}")),
        }
        vec![]
    }

    /// Marks read what was found that is unread: each conversation up to its newest hit.
    pub(super) fn mark_found_read(&mut self) -> Vec<Effect> {
        let mut newest: Vec<(ConvKey, i64)> = Vec::new();
        for hit in &self.search.results.hits {
            match newest.iter_mut().find(|(k, _)| *k == hit.key) {
                Some((_, mid)) => *mid = (*mid).max(hit.mid),
                None => newest.push((hit.key, hit.mid)),
            }
        }
        let effects: Vec<Effect> = newest
            .into_iter()
            .filter(|(key, mid)| self.chat.set_read_index(*key, *mid))
            .map(|(key, mid)| Effect::MarkRead { key, mid })
            .collect();
        self.info(strings::marked_read(effects.len()));
        effects
    }

    /// Whether a hit is unread (newer than its conversation's read marker, and not yours).
    pub fn is_unread(&self, hit: &crate::model::SearchHit) -> bool {
        Some(hit.from_uid) != self.chat.me
            && self
                .chat
                .convs
                .get(&hit.key)
                .is_none_or(|c| hit.mid > c.read_index)
    }

    /// Messages that concern you and are unread, in what is loaded: the inbox count.
    pub fn inbox_unread(&self) -> u32 {
        self.chat.convs.values().map(|c| c.mentions).sum()
    }

    /// Pasted text goes into the query.
    pub(super) fn search_paste(&mut self, text: &str) -> Vec<Effect> {
        self.search
            .input
            .push_str(&crate::sanitize::one_line(text, 200));
        self.search_changed()
    }

    /// Asks the server for older history of the conversations searched that the store does
    /// not hold from their start, a page each; it goes to the store (not the open timeline).
    pub(super) fn fetch_older_for_search(&mut self) -> Vec<Effect> {
        if !self.search.fetching.is_empty() {
            self.info(strings::OLDER_ON_ITS_WAY);
            return vec![];
        }
        let effects: Vec<Effect> = self
            .search
            .results
            .coverage
            .iter()
            .filter(|c| !c.complete)
            .map(|c| Effect::StoreOlder {
                key: c.key,
                before: c.fill_before,
                limit: OLDER_PAGE,
            })
            .collect();
        self.search.fetching = effects
            .iter()
            .filter_map(|e| match e {
                Effect::StoreOlder { key, .. } => Some(*key),
                _ => None,
            })
            .collect();
        if effects.is_empty() {
            self.info(strings::ALL_STORED);
        } else {
            self.info(strings::fetching_older(effects.len()));
        }
        effects
    }
}

/// What the inbox is, as a query.
pub const INBOX_QUERY: &str = "to:me";

/// How many older records one press fetches per conversation.
pub const OLDER_PAGE: u32 = 500;
