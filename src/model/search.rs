//! What a search asks the local store for, and what comes back: typed, so the query parser
//! (in `app`) and the store (in `runtime`) agree without either knowing the other.

use super::ConvKey;

/// A parsed search: every term must match (as a substring, case- and accent-insensitive),
/// and every filter that is set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchQuery {
    /// Words and quoted phrases.
    pub terms: Vec<String>,
    /// Authors (any of them).
    pub from: Vec<i64>,
    /// Conversations (any of them).
    pub within: Vec<ConvKey>,
    pub has_file: bool,
    /// Only voice messages (`has:audio`).
    pub has_audio: bool,
    pub has_link: bool,
    /// Only messages that concern you (`to:me`, the inbox): they mention you or reply to one
    /// of your messages.
    pub to_me: bool,
    /// Only replies to this message (`replies:<mid>`).
    pub replies_to: Option<i64>,
    /// Sent before / at or after these times (ms).
    pub before: Option<i64>,
    pub after: Option<i64>,
    /// Burn-after-reading messages expired by then are not found.
    pub now_ms: i64,
}

impl SearchQuery {
    /// True when it would match everything: nothing to search for.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
            && self.from.is_empty()
            && self.within.is_empty()
            && !self.has_file
            && !self.has_audio
            && !self.has_link
            && !self.to_me
            && self.replies_to.is_none()
            && self.before.is_none()
            && self.after.is_none()
    }
}

/// One message found, with its current text (after edits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub mid: i64,
    pub key: ConvKey,
    pub from_uid: i64,
    pub created_at: i64,
    pub kind: crate::protocol::types::ContentKind,
    /// What it is found by (`present::search_text`): its text, a file's name.
    pub text: String,
    /// The author's name when it came with the message (a saved message from the server).
    pub author: Option<String>,
}

/// A saved message, from the server's favorites or the local store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedItem {
    /// The favorite's id on the server (empty for one kept locally).
    pub id: String,
    pub saved_at: i64,
    pub mid: i64,
    /// Where it was sent (for a DM the server may name either party).
    pub source: crate::protocol::types::Target,
    pub from_uid: Option<i64>,
    pub author: Option<String>,
    pub created_at: i64,
    pub kind: crate::protocol::types::ContentKind,
    /// What it is found by (`present::search_text`): its text, a file's name.
    pub text: String,
}

/// Where saved messages are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SavedPlace {
    /// The server's favorites.
    Server,
    /// The local store: the server has no favorites.
    Local,
}

/// How far back the store holds a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub key: ConvKey,
    /// When its oldest stored message was sent (ms).
    pub oldest: Option<i64>,
    /// That message's mid: older history is asked for before it.
    pub oldest_mid: Option<i64>,
    /// How many of its messages are stored.
    pub stored: u64,
    /// Where the next older page should end: the top of the highest hole in what is stored,
    /// else the oldest stored message.
    pub fill_before: Option<i64>,
    /// The store reaches the conversation's first message.
    pub complete: bool,
}

/// The answer to search number `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchResults {
    pub seq: u64,
    /// Newest first, at most [`SEARCH_LIMIT`].
    pub hits: Vec<SearchHit>,
    /// For the conversations searched.
    pub coverage: Vec<Coverage>,
}

/// At most this many hits come back.
pub const SEARCH_LIMIT: usize = 200;
