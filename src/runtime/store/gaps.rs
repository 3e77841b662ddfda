//! Gaps: the server replays at most the newest 5000 records above the cursor, so after a
//! long absence records can be missing between the old cursor and the replay. Each resumed
//! replay is counted; a capped one marks a gap in every conversation with older records.
//! Pages are never served across a gap, and history pages from the server close it
//! (`Store::write_history`).

use super::{REPLAY_CAP, Store, StoreResult};
use crate::protocol::ServerEvent;
use rusqlite::params;

impl Store {
    /// A new connection starts its replay (from the stored cursor): counted, so that a replay
    /// the server capped leaves a gap mark where records are missing. An unfinished count (a
    /// crash during a replay) carries on: at worst a gap is marked that is not one.
    pub fn replay_starts(&mut self) -> StoreResult<()> {
        if self.meta("replay_from")?.is_none()
            && let Some(from) = self.cursor()?.after_mid
        {
            let tx = self.conn.transaction()?;
            for (key, value) in [("replay_from", from), ("replay_count", 0)] {
                tx.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                    params![key, value.to_string()],
                )?;
            }
            tx.commit()?;
        }
        Ok(())
    }
}

/// The replay of the current connection, counted to tell a capped one.
pub(super) struct Replay {
    /// The cursor it started from; `None` when no replay is being counted.
    pub from: Option<i64>,
    pub first: Option<i64>,
    pub count: i64,
}

impl Replay {
    pub(super) fn observe(
        &mut self,
        tx: &rusqlite::Transaction,
        ev: &ServerEvent,
    ) -> StoreResult<()> {
        let Some(from) = self.from else {
            return Ok(());
        };
        match ev {
            ServerEvent::Chat(m) => {
                self.count += 1;
                self.first = Some(self.first.map_or(m.mid, |f| f.min(m.mid)));
            }
            ServerEvent::Ready => {
                if self.count >= REPLAY_CAP
                    && let Some(first) = self.first
                {
                    // Every conversation with records from before may miss some in between.
                    tx.execute(
                        "INSERT OR REPLACE INTO gaps (conv, low, high)
                         SELECT DISTINCT conv, ?1, ?2 FROM chat WHERE mid <= ?1",
                        params![from, first],
                    )?;
                    tracing::info!(from, first, "the replay was capped: gaps marked");
                }
                *self = Replay {
                    from: None,
                    first: None,
                    count: 0,
                };
            }
            _ => {}
        }
        Ok(())
    }

    pub(super) fn save(&self, tx: &rusqlite::Transaction) -> StoreResult<()> {
        match self.from {
            None => {
                tx.execute(
                    "DELETE FROM meta WHERE key IN ('replay_from', 'replay_first', 'replay_count')",
                    [],
                )?;
            }
            Some(_) => {
                tx.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('replay_count', ?1)",
                    params![self.count.to_string()],
                )?;
                if let Some(first) = self.first {
                    tx.execute(
                        "INSERT OR REPLACE INTO meta (key, value) VALUES ('replay_first', ?1)",
                        params![first.to_string()],
                    )?;
                }
            }
        }
        Ok(())
    }
}
