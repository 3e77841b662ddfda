//! Keeping the stored directory short: a resumed stream sends user-log deltas only (the
//! snapshot comes once, on the first connection), so at start a long run of them is folded
//! into one snapshot of the users as the model knows them.

use super::events::superseded;
use super::{Store, StoreResult};
use crate::model::ChatModel;
use crate::protocol::{EventKind, ServerEvent};
use rusqlite::params;

/// More stored user-log deltas than this are folded into one snapshot at start.
const USERS_LOG_MAX: i64 = 200;

impl Store {
    /// Replaces a long run of stored user-log deltas by one snapshot of `chat`'s users (a
    /// resumed stream sends deltas only, so they would pile up). Returns whether it did.
    pub fn compact_users(&mut self, chat: &ChatModel) -> StoreResult<bool> {
        let deltas: i64 = self.conn.query_row(
            "SELECT count(*) FROM state WHERE kind = ?1",
            params![EventKind::UsersLog.name()],
            |r| r.get(0),
        )?;
        let Some(version) = self.cursor()?.users_version else {
            return Ok(false);
        };
        if deltas <= USERS_LOG_MAX {
            return Ok(false);
        }
        let snapshot = ServerEvent::UsersSnapshot {
            users: chat.users.values().cloned().collect(),
            version,
        };
        let tx = self.conn.transaction()?;
        for old in superseded(EventKind::UsersSnapshot) {
            tx.execute("DELETE FROM state WHERE kind = ?1", params![old.name()])?;
        }
        // Users come first when the store is folded, as on the wire.
        tx.execute(
            "INSERT INTO state (seq, kind, json) VALUES ((SELECT coalesce(min(seq), 1) - 1 FROM state), ?1, ?2)",
            params![snapshot.kind().name(), serde_json::to_string(&snapshot)?],
        )?;
        tx.commit()?;
        Ok(true)
    }
}
