//! The outbox: a message is written here before its request goes out and removed when the
//! server acknowledges it (the POST's answer, or the echo with its `local_id`, which
//! `write_chat` removes in the same transaction); a start restores what is left as waiting.
//! Changes (edits, reactions, deletes) wait in a table of their own, by the same ids.

use super::{Store, StoreResult, conv_name, parse_conv};
use crate::model::{Change, ConvKey, PendingChange, PendingMessage, PendingState};
use crate::protocol::types::{Content, ContentKind};
use rusqlite::params;

/// A message in the outbox, as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Outgoing {
    pub local_id: i64,
    pub content_type: String,
    pub body: String,
    pub reply_to: Option<i64>,
    pub created_at: i64,
    /// Refused for good (403, 413…), with the reason: shown as failed after a restart, with
    /// the retry key, and never sent again by itself.
    #[serde(default)]
    pub failed: Option<String>,
}

impl Outgoing {
    fn pending(self) -> PendingMessage {
        let content = Content::text(&ContentKind::parse(&self.content_type), self.body);
        PendingMessage {
            local_id: self.local_id,
            content,
            reply_to: self.reply_to,
            created_at: self.created_at,
            state: match self.failed {
                Some(why) => PendingState::Failed(why),
                None => PendingState::Waiting("not sent before the client stopped".into()),
            },
            upload: None,
        }
    }
}

/// A change as stored: what it wants, and why the server refused it, if it did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct StoredChange {
    mid: i64,
    /// `edit`, `react` or `delete`.
    kind: String,
    #[serde(default)]
    content_type: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    emoji: String,
    #[serde(default)]
    on: bool,
    #[serde(default)]
    failed: Option<String>,
}

impl StoredChange {
    fn of(c: &PendingChange) -> StoredChange {
        let mut stored = StoredChange {
            mid: c.mid,
            kind: String::new(),
            content_type: String::new(),
            body: String::new(),
            emoji: String::new(),
            on: false,
            failed: None,
        };
        match &c.change {
            Change::Edit(content) => {
                "edit".clone_into(&mut stored.kind);
                content.content_type().clone_into(&mut stored.content_type);
                stored.body = content.body();
            }
            Change::React { emoji, on } => {
                "react".clone_into(&mut stored.kind);
                stored.emoji.clone_from(emoji);
                stored.on = *on;
            }
            Change::Delete => "delete".clone_into(&mut stored.kind),
        }
        stored
    }

    fn pending(self, id: i64, key: ConvKey) -> Option<PendingChange> {
        let change = match self.kind.as_str() {
            "edit" => Change::Edit(Content::text(
                &ContentKind::parse(&self.content_type),
                self.body,
            )),
            "react" => Change::React {
                emoji: self.emoji,
                on: self.on,
            },
            "delete" => Change::Delete,
            _ => return None,
        };
        Some(PendingChange {
            id,
            key,
            mid: self.mid,
            change,
            state: match self.failed {
                Some(why) => PendingState::Failed(why),
                None => PendingState::Waiting("not sent before the client stopped".into()),
            },
        })
    }
}

impl Store {
    /// Writes a change to the outbox (before its request goes out).
    pub fn queue_change(&mut self, change: &PendingChange) -> StoreResult<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO changes (id, conv, json) VALUES (?1, ?2, ?3)",
            params![
                change.id,
                conv_name(change.key),
                serde_json::to_string(&StoredChange::of(change))?
            ],
        )?;
        Ok(())
    }

    /// The changes not acknowledged before the client stopped, oldest first.
    pub(super) fn changes(&self) -> StoreResult<Vec<PendingChange>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, conv, json FROM changes ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, conv, json) = row?;
            let stored: StoredChange = serde_json::from_str(&json)?;
            if let Some(c) = parse_conv(&conv).and_then(|key| stored.pending(id, key)) {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// Writes a message to the outbox (before its request goes out).
    pub fn queue(&mut self, key: ConvKey, out: &Outgoing) -> StoreResult<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO outbox (local_id, conv, json) VALUES (?1, ?2, ?3)",
            params![out.local_id, conv_name(key), serde_json::to_string(out)?],
        )?;
        Ok(())
    }

    /// An upload of the file at `path` started as pending message `local_id`.
    pub fn upload_started(&mut self, key: ConvKey, local_id: i64, path: &str) -> StoreResult<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO uploads (local_id, conv, path) VALUES (?1, ?2, ?3)",
            params![local_id, conv_name(key), path],
        )?;
        Ok(())
    }

    /// An upload ended (sent, failed, cancelled).
    pub fn upload_ended(&mut self, local_id: i64) -> StoreResult<()> {
        self.conn
            .execute("DELETE FROM uploads WHERE local_id = ?1", params![local_id])?;
        Ok(())
    }

    /// The uploads a stop interrupted, oldest first; they are forgotten once read (a start
    /// offers them again by staging the files).
    pub fn interrupted_uploads(&mut self) -> StoreResult<Vec<(ConvKey, String)>> {
        let mut out = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare("SELECT conv, path FROM uploads ORDER BY local_id")?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (conv, path) = row?;
                if let Some(key) = parse_conv(&conv) {
                    out.push((key, path));
                }
            }
        }
        self.conn.execute("DELETE FROM uploads", [])?;
        Ok(out)
    }

    /// The server refused message or change `local_id` for good: it stays, marked failed
    /// with `why`.
    pub fn mark_failed(&mut self, local_id: i64, why: &str) -> StoreResult<()> {
        self.conn.execute(
            "UPDATE outbox SET json = json_set(json, '$.failed', ?2) WHERE local_id = ?1",
            params![local_id, why],
        )?;
        self.conn.execute(
            "UPDATE changes SET json = json_set(json, '$.failed', ?2) WHERE id = ?1",
            params![local_id, why],
        )?;
        Ok(())
    }

    /// Message or change `local_id` leaves the outbox (acknowledged, or discarded).
    pub fn unqueue(&mut self, local_id: i64) -> StoreResult<()> {
        self.conn
            .execute("DELETE FROM outbox WHERE local_id = ?1", params![local_id])?;
        self.conn
            .execute("DELETE FROM changes WHERE id = ?1", params![local_id])?;
        Ok(())
    }

    pub(super) fn outbox(&self) -> StoreResult<Vec<(ConvKey, PendingMessage)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT conv, json FROM outbox ORDER BY local_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (conv, json) = row?;
            if let Some(key) = parse_conv(&conv) {
                let queued: Outgoing = serde_json::from_str(&json)?;
                out.push((key, queued.pending()));
            }
        }
        Ok(out)
    }
}
