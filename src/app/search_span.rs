//! The search view across accounts (issue 21): with several accounts a search, the inbox and
//! the saved messages ask every account (each parses the query against its own chat: `from:@bob`
//! is a different person on each server) and merge the answers newest first, each hit knowing
//! its account. `in:<name>` in the query narrows to the accounts whose name starts with it.
//! Opening a hit focuses its account; marking read acts through each hit's own account. With
//! one account nothing here changes what is asked or shown.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns which accounts a question went to and the merge of their answers (the search
//! view's `answers`, `saved`, `waiting`, `owners` and `covered`); the view's keys and messages are
//! `popups/search.rs`.

use super::accounts::AccountId;
use super::popups::search::SearchKind;
use super::{App, Effect};
use crate::model::{
    ChatModel, ConvKey, SEARCH_LIMIT, SavedItem, SearchHit, SearchQuery, SearchResults,
};

/// `effect` as account `id`'s: untagged for the focused account (it goes to the window's
/// session, as with one account), tagged for a parked one.
pub(super) fn through(app: &App, id: AccountId, effect: Effect) -> Effect {
    if id == app.focused {
        effect
    } else {
        Effect::For(id, Box::new(effect))
    }
}

/// Splits the `in:<name>` words that name accounts (by the start of their name, any case) out
/// of `input`: what is left, and the names asked for. Only words outside quotes, and only
/// those naming no channel or person (`in:#ops`, `in:@bob` stay in the query).
pub(super) fn account_words(input: &str, names: &[String]) -> (String, Vec<String>) {
    let mut rest: Vec<&str> = Vec::new();
    let mut within: Vec<String> = Vec::new();
    let mut quoted = false;
    for word in input.split_whitespace() {
        let name = word.strip_prefix("in:").map(str::to_lowercase);
        match name {
            Some(name)
                if !quoted
                    && !name.is_empty()
                    && !name.starts_with(['#', '@', '"'])
                    && names.iter().any(|n| n.starts_with(&name)) =>
            {
                within.push(name);
            }
            _ => rest.push(word),
        }
        if word.matches('"').count() % 2 == 1 {
            quoted = !quoted;
        }
    }
    (rest.join(" "), within)
}

/// Merges the answers of several accounts newest first, keeping each one's own order (the
/// merge of one answer is that answer), at most [`SEARCH_LIMIT`] hits: the hits with the
/// account of each, and the coverage with the account of each.
pub(super) fn merge(
    seq: u64,
    answers: &[(AccountId, SearchResults)],
) -> (SearchResults, Vec<AccountId>, Vec<AccountId>) {
    let mut merged = SearchResults {
        seq,
        ..SearchResults::default()
    };
    let mut owners = Vec::new();
    let mut at = vec![0usize; answers.len()];
    while merged.hits.len() < SEARCH_LIMIT {
        let mut best: Option<(usize, &SearchHit)> = None;
        for (i, (_, answer)) in answers.iter().enumerate() {
            if let Some(hit) = answer.hits.get(at[i])
                && best.is_none_or(|(_, b)| hit.created_at > b.created_at)
            {
                best = Some((i, hit));
            }
        }
        let Some((i, hit)) = best else { break };
        merged.hits.push(hit.clone());
        owners.push(answers[i].0);
        at[i] += 1;
    }
    let mut covered = Vec::new();
    for (id, answer) in answers {
        merged.coverage.extend(answer.coverage.iter().cloned());
        covered.extend(answer.coverage.iter().map(|_| *id));
    }
    (merged, owners, covered)
}

/// Whether `hit` is unread in `chat` (newer than its conversation's read marker, not yours).
pub fn unread_in(chat: &ChatModel, hit: &SearchHit) -> bool {
    Some(hit.from_uid) != chat.me
        && chat
            .convs
            .get(&hit.key)
            .is_none_or(|c| hit.mid > c.read_index)
}

impl App {
    /// The accounts a question in the search view is for, the focused one first (all of them,
    /// or those its `in:<name>` words name), and the query without those words. With one
    /// account: that one, and the query as typed.
    pub(super) fn search_scope(&self, input: &str) -> (Vec<AccountId>, String) {
        if !self.several_accounts() {
            return (vec![self.focused], input.to_string());
        }
        let mut accounts = self.accounts();
        accounts.sort_by_key(|a| !a.focused);
        let names: Vec<String> = accounts.iter().map(|a| a.name.to_lowercase()).collect();
        let (rest, within) = account_words(input, &names);
        // A word naming an account exactly means that one (`in:work` beside `work2`);
        // otherwise every account whose name starts with it.
        let exact = |w: &String| names.contains(w);
        let ids = accounts
            .iter()
            .zip(&names)
            .filter(|(_, name)| {
                within.is_empty()
                    || within.iter().any(|w| {
                        if exact(w) {
                            *name == w
                        } else {
                            name.starts_with(w.as_str())
                        }
                    })
            })
            .map(|(a, _)| a.id)
            .collect();
        (ids, rest)
    }

    /// The query parsed against each account of `scope`'s own chat (in `scope`'s order).
    pub(super) fn parse_for(
        &self,
        scope: &[AccountId],
        text: &str,
    ) -> Vec<(AccountId, Result<SearchQuery, String>)> {
        let accounts = self.accounts();
        scope
            .iter()
            .filter_map(|id| accounts.iter().find(|a| a.id == *id))
            .map(|a| {
                let parsed = super::search::parse(text, a.chat, self.settings.utc, self.now_ms);
                (a.id, parsed)
            })
            .collect()
    }

    /// The chat of account `id` (the focused one's when the app does not hold `id`).
    pub fn chat_of(&self, id: AccountId) -> &ChatModel {
        self.parked
            .get(&id)
            .map_or(&self.chat, |state| state.chat())
    }

    /// The account of hit `i` of the search view (the focused one when not known).
    pub fn hit_account(&self, i: usize) -> AccountId {
        self.search.owners.get(i).copied().unwrap_or(self.focused)
    }

    /// The short name of account `id`, for a row that names it (several accounts only).
    pub fn account_tag(&self, id: AccountId) -> Option<String> {
        if !self.several_accounts() {
            return None;
        }
        self.accounts()
            .iter()
            .find(|a| a.id == id)
            .map(|a| crate::sanitize::one_line(a.name, 16))
    }

    /// Marks read what the search view found that is unread: each conversation up to its
    /// newest hit, through the hit's own account. Returns the requests and how many
    /// conversations were marked.
    pub(super) fn mark_hits_read(&mut self) -> (Vec<Effect>, usize) {
        let mut newest: Vec<(AccountId, ConvKey, i64)> = Vec::new();
        for (i, hit) in self.search.results.hits.iter().enumerate() {
            let id = self.search.owners.get(i).copied().unwrap_or(self.focused);
            match newest
                .iter_mut()
                .find(|(a, k, _)| *a == id && *k == hit.key)
            {
                Some((_, _, mid)) => *mid = (*mid).max(hit.mid),
                None => newest.push((id, hit.key, hit.mid)),
            }
        }
        let mut effects = Vec::new();
        for (id, key, mid) in newest {
            if self.with_account(id, |app| app.chat.set_read_index(key, mid)) == Some(true) {
                effects.push(through(self, id, Effect::MarkRead { key, mid }));
            }
        }
        let n = effects.len();
        (effects, n)
    }

    /// The saved lists that came, merged: newest saved first (each list keeps its own
    /// order; one list is itself), each item with its account.
    pub(super) fn merge_saved(&mut self) {
        let answers = &self.search.saved;
        let mut at = vec![0usize; answers.len()];
        let mut merged: Vec<(AccountId, SavedItem, SearchHit)> = Vec::new();
        loop {
            let mut best: Option<(usize, &SavedItem)> = None;
            for (i, answer) in answers.iter().enumerate() {
                if let Some((item, _)) = answer.items.get(at[i])
                    && best.is_none_or(|(_, b)| item.saved_at > b.saved_at)
                {
                    best = Some((i, item));
                }
            }
            let Some((i, _)) = best else { break };
            let (item, hit) = answers[i].items[at[i]].clone();
            merged.push((answers[i].account, item, hit));
            at[i] += 1;
        }
        let place = answers.first().map(|a| a.place);
        let mixed = answers.iter().any(|a| Some(a.place) != place);
        self.search.owners = merged.iter().map(|(id, _, _)| *id).collect();
        self.search.results.hits = merged.iter().map(|(_, _, hit)| hit.clone()).collect();
        self.search.selected = self.search.selected.min(merged.len().saturating_sub(1));
        self.search.kind = SearchKind::Saved {
            place,
            items: merged.into_iter().map(|(_, item, _)| item).collect(),
            mixed,
        };
    }

    /// The search again, when an account's older history asked for it while that account
    /// was handled alone (`SearchView::again`), and the view is open.
    pub(super) fn search_again(&mut self) -> Vec<Effect> {
        if std::mem::take(&mut self.search.again) && self.popups.search_open() {
            return self.search_changed();
        }
        vec![]
    }

    /// Enter on hit `i`: its account is focused (when it is another), then its conversation
    /// opens with it selected. Where you were is remembered only within one account.
    pub(super) fn open_hit_in(
        &mut self,
        id: AccountId,
        from: Option<(ConvKey, i64)>,
        key: ConvKey,
        mid: i64,
    ) -> Vec<Effect> {
        if id == self.focused {
            return self.jump_from(from, key, mid);
        }
        if !self.parked.contains_key(&id) {
            return vec![];
        }
        let mut effects = self.focus(id);
        effects.extend(self.jump_from(None, key, mid));
        effects
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_words_take_only_in_words_naming_an_account() {
        let names = vec!["work".to_string(), "home".to_string()];
        assert_eq!(
            account_words("in:WO deploy in:#ops in:@bob", &names),
            ("deploy in:#ops in:@bob".to_string(), vec!["wo".to_string()])
        );
        // A channel's name that is no account's stays a channel; so do quoted words.
        assert_eq!(
            account_words("in:dev \"say in:home\" x", &names),
            ("in:dev \"say in:home\" x".to_string(), vec![])
        );
    }
}
