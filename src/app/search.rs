//! The search language: what is typed in the search view, parsed into a [`SearchQuery`]
//! (words, "quoted phrases", `from:@name`, `in:#channel` / `in:@person`, `has:file`, `has:audio`,
//! `has:link`, `before:` / `after:` dates, `to:me`, `replies:<mid>`) against the names the model
//! knows, and what a hit is to you (unread or not). The view itself, which asks the store on
//! each change and opens what was found, is `popups/search.rs`.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. The
//! language owns no state; the view's state and its messages are `popups/search.rs`.

use super::App;
use crate::model::{ChatModel, ConvKey, SearchQuery};

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
            Some(("has", "audio")) => q.has_audio = true,
            Some(("has", "link")) => q.has_link = true,
            Some(("has", other)) => {
                return Err(format!(
                    "has:{other}: only has:file, has:audio and has:link are known"
                ));
            }
            Some(("before", value)) => q.before = Some(date(value)?),
            Some(("after", value)) => q.after = Some(date(value)?),
            _ => q.terms.push(token),
        }
    }
    Ok(q)
}

impl App {
    /// Whether a hit is unread (newer than its conversation's read marker, and not yours).
    pub fn is_unread(&self, hit: &crate::model::SearchHit) -> bool {
        super::search_span::unread_in(&self.chat, hit)
    }

    /// Messages that concern you and are unread, in what is loaded: the inbox count.
    pub fn inbox_unread(&self) -> u32 {
        self.chat.convs.values().map(|c| c.mentions).sum()
    }
}

/// What the inbox is, as a query.
pub const INBOX_QUERY: &str = "to:me";
