//! One folded message: the original plus every edit, like and delete applied to it.

use crate::protocol::types::{Content, ContentKind, mentions_of};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub mid: i64,
    pub from_uid: i64,
    pub created_at: i64,
    /// What the content is, parsed once from the record's `content_type`.
    pub kind: ContentKind,
    pub content: String,
    pub properties: Option<Value>,
    /// The mid this message quotes.
    pub reply_to: Option<i64>,
    /// Burn-after-reading seconds (the client hides it at `created_at + expires_in`).
    pub expires_in: Option<i64>,
    pub edited: bool,
    /// Mid of the edit now shown; an older edit arriving later never overwrites a newer one.
    pub(crate) edit_mid: i64,
    pub deleted: bool,
    /// emoji → users who reacted with it.
    pub reactions: BTreeMap<String, BTreeSet<i64>>,
    /// The like records folded in (a like toggles: the same record twice must count once).
    /// Kept with the message, so a message dropped from memory and read again from the store
    /// folds its likes afresh.
    pub(crate) like_mids: Vec<i64>,
    pub mentions_me: bool,
    /// It replies to one of your messages (someone else's reply).
    pub replies_to_me: bool,
    /// Bumped on every change (edit, reaction, delete), so rendered lines can be cached.
    pub rev: u32,
}

impl Message {
    /// A file or a voice message: its content is the file's path on the server.
    pub fn is_file(&self) -> bool {
        self.kind.is_file()
    }

    /// It mentions you or replies to you: it goes to the inbox, counts as a mention, notifies.
    pub fn concerns_me(&self) -> bool {
        self.mentions_me || self.replies_to_me
    }

    /// True once a burn-after-reading message should no longer be shown.
    pub fn is_expired(&self, now_ms: i64) -> bool {
        self.expires_at().is_some_and(|at| now_ms >= at)
    }

    /// When a burn-after-reading message expires (ms), saturating: the server's numbers are
    /// untrusted and may be anywhere in `i64`.
    pub fn expires_at(&self) -> Option<i64> {
        self.expires_in
            .filter(|s| *s > 0)
            .map(|s| self.created_at.saturating_add(s.saturating_mul(1000)))
    }

    /// Whether `uid` is mentioned: in `properties.mentions`, or inline as `@<uid>`.
    pub(crate) fn compute_mentions(&mut self, me: Option<i64>) {
        self.mentions_me =
            me.is_some_and(|me| mentions(&self.content, self.properties.as_ref(), me));
    }

    /// Folds like record `mid`: toggles `uid`'s reaction `emoji` (a second identical like
    /// means "unlike"). False when that record was folded already.
    pub(crate) fn toggle_reaction(&mut self, mid: i64, emoji: &str, uid: i64) -> bool {
        if self.like_mids.contains(&mid) {
            return false;
        }
        self.like_mids.push(mid);
        self.rev += 1;
        let users = self.reactions.entry(emoji.to_string()).or_default();
        if !users.remove(&uid) {
            users.insert(uid);
        }
        if users.is_empty() {
            self.reactions.remove(emoji);
        }
        true
    }

    /// The content as a sendable value (for edit pre-fill).
    pub fn as_content(&self) -> Content {
        Content::text(&self.kind, self.content.clone())
    }
}

/// True when `text`/`properties` mention `uid`.
pub fn mentions(text: &str, properties: Option<&Value>, uid: i64) -> bool {
    mentions_of(properties).contains(&uid) || crate::protocol::mention::mentions(text, uid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inline_mentions_match_whole_uids_only() {
        assert!(mentions("hi @2 ", None, 2));
        assert!(mentions("@2", None, 2));
        assert!(!mentions("hi @23 ", None, 2));
        assert!(!mentions("mail a@2", None, 2));
        assert!(mentions("x", Some(&json!({"mentions": [5, 2]})), 2));
    }
}
