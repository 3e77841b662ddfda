//! The local store: one SQLite file per server and account, so a start draws from what was
//! already received and the stream resumes where it stopped instead of replaying everything.
//!
//! What it keeps is the server's log as received: every chat record (messages, edits,
//! reactions, replies) by mid, and the directory events (users, groups, settings) as the latest
//! snapshot of each plus the deltas since (`events.rs` says which kind is which). Loading folds
//! them through the same `ChatModel` as the stream does, so the store can never fold
//! differently from a live session. Deleted messages lose their row (their content is gone
//! from the disk, not just from the screen).
//!
//! A batch of events and the cursor that covers them (`after_mid`, `users_version`) are
//! written in one transaction: a crash at any instant leaves a store that resumes with no
//! loss (the cursor never runs ahead of what is stored) and no double (the fold ignores
//! records it has, and the stream never forwards a mid at or below the cursor).
//!
//! This file is the synchronous core (tested on real SQLite files); `task.rs` runs it off the
//! UI task.

mod cleared;
mod compact;
mod events;
mod gaps;
mod link_previews;
mod outbox;
mod record;
mod schema;
mod search;
pub mod task;

use crate::app::ComposeTarget;
pub use outbox::Outgoing;

use crate::model::{ChatModel, ConvKey, PendingMessage, Source};
use crate::protocol::ServerEvent;
use crate::protocol::types::ChatMessage;
use crate::runtime::sync::Cursor;
use events::write_event;
use gaps::Replay;
use record::write_chat;
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};

/// How many of the newest records per conversation a start loads (older ones are read from
/// the store when you scroll up).
pub const WINDOW: usize = 100;

/// A replay of this many chat records was capped by the server: older ones are missing.
pub const REPLAY_CAP: i64 = crate::protocol::event::REPLAY_CAP as i64;

/// Why the store could not be used. Shown to the user, who can rebuild it from the server.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the local store {path} could not be opened: {reason}")]
    Open { path: String, reason: String },
    #[error("the local store failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the local store holds a record it cannot read: {0}")]
    Decode(#[from] serde_json::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// What a start needs from the store.
#[derive(Debug, Default)]
pub struct Loaded {
    pub chat: ChatModel,
    pub cursor: Cursor,
    /// The conversation open when the client last stopped, and what its composer was doing.
    pub open: Option<ConvKey>,
    pub target: ComposeTarget,
    pub drafts: Vec<(ConvKey, String)>,
    /// Messages written but not acknowledged by the server, oldest first.
    pub outbox: Vec<(ConvKey, PendingMessage)>,
}

pub struct Store {
    conn: Connection,
    me: i64,
    path: PathBuf,
    /// What the clears written since `take_cleared` took (for the notice).
    cleared_now: Vec<crate::model::ClearedNow>,
}

/// The store file of `uid` on `server` under `dir`: a readable, file-system-safe form of the
/// address plus a hash of all of it, so two servers never share a file (`ü.example` and
/// `ö.example` read the same once made safe).
pub fn store_path(dir: &Path, server: &str, uid: i64) -> PathBuf {
    use sha2::{Digest, Sha256};
    let address = server.trim_end_matches('/');
    let host: String = crate::files::server_file_stem(address)
        .chars()
        .take(60)
        .collect();
    let hash: String = Sha256::digest(address.as_bytes())
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect();
    dir.join("store")
        .join(format!("{host}-{hash}-{uid}.sqlite3"))
}

impl Store {
    /// Opens (or creates) the store at `path` for account `me`: the directory 0700, the file
    /// 0600, WAL mode, the schema migrated to the current version.
    pub fn open(path: &Path, me: i64) -> StoreResult<Store> {
        let fail = |reason: String| StoreError::Open {
            path: path.display().to_string(),
            reason,
        };
        // Created 0600 in a 0700 directory before SQLite opens it (its -wal and -shm files
        // take the same mode).
        crate::logging::open_private(path).map_err(|e| fail(e.to_string()))?;
        let conn = Connection::open(path).map_err(|e| fail(e.to_string()))?;
        conn.busy_timeout(std::time::Duration::from_secs(2))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // What is deleted (a deletion, a clear, an expiry) is overwritten with zeros, not left
        // in free pages.
        conn.pragma_update(None, "secure_delete", "ON")?;
        schema::migrate(&conn).map_err(|e| fail(e.to_string()))?;
        Ok(Store {
            conn,
            me,
            path: path.to_path_buf(),
            cleared_now: Vec::new(),
        })
    }

    /// Builds the search index if this store predates it (schema 10); the store task does
    /// this first thing, off the UI task, so a big old store does not delay the first frame.
    pub fn index_if_needed(&mut self) -> StoreResult<()> {
        if self.meta("search_indexed")?.is_none() {
            let n = self.reindex()?;
            tracing::info!(records = n, "search index built");
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Forgets everything when the store belongs to another server (a reinstalled server
    /// keeps its address but gets a new `server_id`); records `server_id` otherwise.
    pub fn check_server(&mut self, server_id: &str) -> StoreResult<bool> {
        let known = self.meta("server_id")?;
        let other = known.as_deref().is_some_and(|k| k != server_id);
        let tx = self.conn.transaction()?;
        if other {
            schema::wipe(&tx)?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('server_id', ?1)",
            params![server_id],
        )?;
        tx.commit()?;
        Ok(other)
    }

    fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Keeps what is known of the server (`load` puts it back in the model).
    pub fn save_capabilities(&mut self, caps: &crate::model::Capabilities) -> StoreResult<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('capabilities', ?1)",
            params![serde_json::to_string(caps)?],
        )?;
        Ok(())
    }

    /// What is known of the server; a value this version cannot read is as none.
    fn capabilities(&self) -> StoreResult<crate::model::Capabilities> {
        Ok(self
            .meta("capabilities")?
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default())
    }

    /// Keeps the notification rules set at run time (`load` puts them back in the model).
    pub fn save_notify_rules(&mut self, rules: &crate::model::NotifyRules) -> StoreResult<()> {
        let stored = StoredRules {
            conversations: rules
                .conversations
                .iter()
                .map(|(key, level)| (conv_name(*key), *level))
                .collect(),
            dnd_until: rules.dnd_until,
        };
        self.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('notify_rules', ?1)",
            params![serde_json::to_string(&stored)?],
        )?;
        Ok(())
    }

    /// The notification rules; a value this version cannot read is as none.
    fn notify_rules(&self) -> StoreResult<crate::model::NotifyRules> {
        let stored: Option<StoredRules> = self
            .meta("notify_rules")?
            .and_then(|json| serde_json::from_str(&json).ok());
        let mut rules = crate::model::NotifyRules::default();
        if let Some(stored) = stored {
            for (name, level) in stored.conversations {
                if let Some(key) = parse_conv(&name) {
                    rules.set(key, Some(level));
                }
            }
            rules.dnd_until = stored.dnd_until;
        }
        Ok(rules)
    }

    fn meta_i64(&self, key: &str) -> StoreResult<Option<i64>> {
        Ok(self.meta(key)?.and_then(|v| v.parse().ok()))
    }

    /// The cursor the stream resumes from.
    pub fn cursor(&self) -> StoreResult<Cursor> {
        Ok(Cursor {
            after_mid: self.meta_i64("after_mid")?,
            users_version: self.meta_i64("users_version")?,
        })
    }

    /// Writes a batch of stream events and the cursor that covers them, in one transaction.
    pub fn write_events(&mut self, events: &[ServerEvent]) -> StoreResult<()> {
        self.write_events_at(events, crate::clock::now_ms())
    }

    /// [`Store::write_events`], received at `now_ms` (the time a clear is kept with).
    pub fn write_events_at(&mut self, events: &[ServerEvent], now_ms: i64) -> StoreResult<()> {
        let mut cursor = self.cursor()?;
        let mut replay = Replay {
            from: self.meta_i64("replay_from")?,
            first: self.meta_i64("replay_first")?,
            count: self.meta_i64("replay_count")?.unwrap_or(0),
        };
        let mut fences = self.read_cleared()?;
        let mut took = Vec::new();
        let me = self.me;
        let tx = self.conn.transaction()?;
        for ev in events {
            write_event(&tx, me, ev, &mut cursor, &fences)?;
            replay.observe(&tx, ev)?;
            took.extend(cleared::apply(&tx, ev, &cursor, &mut fences, now_ms)?);
            cleared::forget_groups(&tx, me, ev, &mut fences)?;
        }
        set_cursor(&tx, &cursor)?;
        replay.save(&tx)?;
        tx.commit()?;
        if !took.is_empty() {
            // The pages as they were before the clear leave the write-ahead log too.
            self.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        self.cleared_now.extend(took);
        Ok(())
    }

    /// Stores a history page of `key` (records older than the stream's; the cursor is not
    /// touched). It fills a gap from above: the gap shrinks to below the page, or closes once
    /// the page reaches the records under it, or when the page was the last (`complete`).
    pub fn write_history(
        &mut self,
        key: ConvKey,
        page: &[ChatMessage],
        complete: bool,
    ) -> StoreResult<()> {
        let me = self.me;
        let conv = conv_name(key);
        let fences = self.read_cleared()?;
        let tx = self.conn.transaction()?;
        // A page asked for before a clear brings back nothing the clear took.
        for m in page.iter().filter(|m| !cleared::covers(&fences, me, m)) {
            write_chat(&tx, me, m)?;
        }
        if let (Some(lowest), Some(highest)) = (
            page.iter().map(|m| m.mid).min(),
            page.iter().map(|m| m.mid).max(),
        ) {
            let gap: Option<(i64, i64)> = tx
                .query_row(
                    // `low <= highest`, not `low < highest + 1`: a mid may be i64::MAX.
                    "SELECT low, high FROM gaps WHERE conv = ?1 AND high > ?2 AND low <= ?3
                     ORDER BY high LIMIT 1",
                    params![conv, lowest, highest],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((low, high)) = gap {
                if complete || lowest <= low {
                    tx.execute(
                        "DELETE FROM gaps WHERE conv = ?1 AND high = ?2",
                        params![conv, high],
                    )?;
                } else {
                    tx.execute(
                        "UPDATE gaps SET high = ?3 WHERE conv = ?1 AND high = ?2",
                        params![conv, high, lowest],
                    )?;
                }
            }
        }
        // An empty page says nothing about holes above where it was asked from (that is not
        // known here): they stay, and the server's pages fill them.
        if complete {
            // Nothing older on the server: the store reaches the conversation's start.
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, '1')",
                params![format!("start:{conv}")],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Up to `limit` stored records of `key` older than `before` (all when `None`), oldest
    /// first, as a history page.
    pub fn history(
        &self,
        key: ConvKey,
        before: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<ChatMessage>> {
        // Never across a gap: below it the store may be missing records.
        let floor: i64 = self
            .conn
            .query_row(
                "SELECT high FROM gaps WHERE conv = ?1 AND high <= ?2 ORDER BY high DESC LIMIT 1",
                params![conv_name(key), before.unwrap_or(i64::MAX)],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(i64::MIN);
        // No `before` is no upper bound (NULL), so a record with mid i64::MAX is paged too.
        let mut stmt = self.conn.prepare_cached(
            "SELECT json FROM chat WHERE conv = ?1 AND (?2 IS NULL OR mid < ?2) AND mid >= ?3
             ORDER BY mid DESC LIMIT ?4",
        )?;
        let rows = stmt.query_map(
            params![
                conv_name(key),
                before,
                floor,
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
            |r| r.get::<_, String>(0),
        )?;
        let mut page: Vec<ChatMessage> = Vec::new();
        for json in rows {
            page.push(serde_json::from_str(&json?)?);
        }
        page.reverse();
        // The page's messages come with their later edits, likes and deletes, so a message
        // read back after the model let it go folds to what it was. (Without `before` the
        // page already holds every later record.)
        if let (Some(oldest), Some(before)) = (page.first().map(|m| m.mid), before) {
            let mut later = self.conn.prepare_cached(
                "SELECT json FROM chat WHERE conv = ?1 AND target >= ?2 AND target < ?3
                 AND mid >= ?3 ORDER BY mid",
            )?;
            let rows = later.query_map(params![conv_name(key), oldest, before], |r| {
                r.get::<_, String>(0)
            })?;
            for json in rows {
                page.push(serde_json::from_str(&json?)?);
            }
        }
        Ok(page)
    }

    /// Deletes the burn-after-reading messages that expired by `now_ms`; how many.
    pub fn purge_expired(&mut self, now_ms: i64) -> StoreResult<usize> {
        let tx = self.conn.transaction()?;
        // Their edits and likes first: an edit carries the text too.
        tx.execute(
            "DELETE FROM chat WHERE target IN
               (SELECT mid FROM chat WHERE expires_at IS NOT NULL AND expires_at <= ?1)",
            params![now_ms],
        )?;
        let gone = tx.execute(
            "DELETE FROM chat WHERE expires_at IS NOT NULL AND expires_at <= ?1",
            params![now_ms],
        )?;
        search::unindex_expired(&tx, now_ms)?;
        tx.commit()?;
        Ok(gone)
    }

    /// Empties the store (`/logout --forget`, or a rebuild from the server).
    pub fn wipe(&mut self) -> StoreResult<()> {
        let tx = self.conn.transaction()?;
        schema::wipe(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Remembers the open conversation, what its composer is doing (a reply, an edit) and
    /// every conversation's draft (empty removes it).
    pub fn save_view(
        &mut self,
        open: Option<ConvKey>,
        drafts: &[(ConvKey, String)],
        target: ComposeTarget,
    ) -> StoreResult<()> {
        let tx = self.conn.transaction()?;
        match open {
            Some(k) => tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('open', ?1)",
                params![conv_name(k)],
            )?,
            None => tx.execute("DELETE FROM meta WHERE key = 'open'", [])?,
        };
        match target {
            ComposeTarget::New => tx.execute("DELETE FROM meta WHERE key = 'target'", [])?,
            ComposeTarget::Reply(mid) | ComposeTarget::Edit(mid) => {
                let kind = if matches!(target, ComposeTarget::Reply(_)) {
                    "reply"
                } else {
                    "edit"
                };
                tx.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('target', ?1)",
                    params![format!("{kind} {mid}")],
                )?
            }
        };
        for (key, text) in drafts {
            if text.is_empty() {
                tx.execute(
                    "DELETE FROM drafts WHERE conv = ?1",
                    params![conv_name(*key)],
                )?;
            } else {
                tx.execute(
                    "INSERT OR REPLACE INTO drafts (conv, text) VALUES (?1, ?2)",
                    params![conv_name(*key), text],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Folds the store into a model: the directory events in order, then the newest
    /// [`WINDOW`] records of each conversation.
    pub fn load(&self) -> StoreResult<Loaded> {
        let mut chat = ChatModel::new(self.me);
        chat.cleared = self.read_cleared()?;
        let mut stmt = self.conn.prepare("SELECT json FROM state ORDER BY seq")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        for json in rows {
            let ev: ServerEvent = serde_json::from_str(&json?)?;
            chat.apply(ev);
        }
        let mut convs = self.conn.prepare("SELECT DISTINCT conv FROM chat")?;
        let keys: Vec<String> = convs
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<_, _>>()?;
        for name in keys {
            let Some(key) = parse_conv(&name) else {
                continue;
            };
            for m in self.history(key, None, WINDOW)? {
                chat.apply_chat(m, Source::History);
            }
        }
        chat.ensure_order();
        let mut drafts = Vec::new();
        let mut stmt = self.conn.prepare("SELECT conv, text FROM drafts")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (conv, text) = row?;
            if let Some(key) = parse_conv(&conv) {
                drafts.push((key, text));
            }
        }
        let target = match self
            .meta("target")?
            .as_deref()
            .and_then(|t| t.split_once(' '))
        {
            Some(("reply", mid)) => mid.parse().map_or(ComposeTarget::New, ComposeTarget::Reply),
            Some(("edit", mid)) => mid.parse().map_or(ComposeTarget::New, ComposeTarget::Edit),
            _ => ComposeTarget::New,
        };
        chat.changes = self.changes()?;
        chat.server = self.capabilities()?;
        chat.notify_rules = self.notify_rules()?;
        chat.link_previews = self.link_previews()?;
        Ok(Loaded {
            chat,
            cursor: self.cursor()?,
            target,
            open: self.meta("open")?.as_deref().and_then(parse_conv),
            drafts,
            outbox: self.outbox()?,
        })
    }
}

fn set_cursor(tx: &rusqlite::Transaction, cursor: &Cursor) -> StoreResult<()> {
    for (key, value) in [
        ("after_mid", cursor.after_mid),
        ("users_version", cursor.users_version),
    ] {
        if let Some(v) = value {
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                params![key, v.to_string()],
            )?;
        }
    }
    Ok(())
}

fn conv_name(key: ConvKey) -> String {
    match key {
        ConvKey::Group(gid) => format!("g{gid}"),
        ConvKey::User(uid) => format!("u{uid}"),
    }
}

/// The notification rules as the store keeps them (conversations by their stored names).
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredRules {
    conversations: Vec<(String, crate::model::NotifyLevel)>,
    dnd_until: Option<i64>,
}

fn parse_conv(name: &str) -> Option<ConvKey> {
    let (kind, id) = name.split_at_checked(1)?;
    let id = id.parse().ok()?;
    match kind {
        "g" => Some(ConvKey::Group(id)),
        "u" => Some(ConvKey::User(id)),
        _ => None,
    }
}

#[cfg(test)]
mod cleared_tests;
#[cfg(test)]
mod personal_tests;
#[cfg(test)]
mod tests;
