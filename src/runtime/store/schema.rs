//! The store's schema and its migrations, versioned with SQLite's `user_version`. Each
//! migration takes the store from one version to the next inside one transaction; a store
//! from a newer client is refused rather than misread.

use rusqlite::Connection;

/// Migration `i` takes a store from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: the log as received, the cursor and what a start restores.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE chat (mid INTEGER PRIMARY KEY, conv TEXT NOT NULL, json TEXT NOT NULL);
     CREATE INDEX chat_by_conv ON chat (conv, mid);
     CREATE TABLE state (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
                         json TEXT NOT NULL);
     CREATE TABLE drafts (conv TEXT PRIMARY KEY, text TEXT NOT NULL);",
    // 2: deleted mids, so a history page cannot bring a deleted message back to disk.
    "CREATE TABLE deleted (mid INTEGER PRIMARY KEY);",
    // 3: the outbox: messages written before their request goes out, until acknowledged.
    "CREATE TABLE outbox (local_id INTEGER PRIMARY KEY, conv TEXT NOT NULL, json TEXT NOT NULL);",
    // 4: burn-after-reading expiry, so expired messages can be deleted from the disk.
    "ALTER TABLE chat ADD COLUMN expires_at INTEGER;
     CREATE INDEX chat_by_expiry ON chat (expires_at) WHERE expires_at IS NOT NULL;",
    // 5: the message a reaction record (edit, like, delete) is about, so a deleted or expired
    // message's edits leave the disk with it.
    "ALTER TABLE chat ADD COLUMN target INTEGER;
     CREATE INDEX chat_by_target ON chat (target) WHERE target IS NOT NULL;
     UPDATE chat SET target = json_extract(json, '$.detail.mid')
      WHERE json_extract(json, '$.detail.type') = 'reaction';",
    // 6: holes left by a capped replay (the server replays only the newest 5000 records):
    // records of `conv` between `low` and `high` may be missing, so pages are not served
    // across them from the store, and the server's pages fill them.
    "CREATE TABLE gaps (conv TEXT NOT NULL, low INTEGER NOT NULL, high INTEGER NOT NULL,
                        PRIMARY KEY (conv, high));",
    // 7: uploads under way, so a restart can offer the interrupted ones again.
    "CREATE TABLE uploads (local_id INTEGER PRIMARY KEY, conv TEXT NOT NULL, path TEXT NOT NULL);",
    // 8: edits, reactions and deletes not acknowledged yet (the outbox of changes).
    "CREATE TABLE changes (id INTEGER PRIMARY KEY, conv TEXT NOT NULL, json TEXT NOT NULL);",
    // 9: when a message was deleted (the deletion record's `created_at`), so a record made
    // later under the same mid (a server restored from a backup reuses mids) is stored.
    "ALTER TABLE deleted ADD COLUMN deleted_at INTEGER;",
    // 10: the search index (see `search.rs`); a store from before is indexed once on open.
    "CREATE VIRTUAL TABLE search_text USING fts5(text, tokenize = 'trigram remove_diacritics 1');
     CREATE TABLE search_meta (mid INTEGER PRIMARY KEY, conv TEXT NOT NULL,
       from_uid INTEGER NOT NULL, created_at INTEGER NOT NULL, content_type TEXT NOT NULL,
       has_link INTEGER NOT NULL, reply_to INTEGER, mentions_me INTEGER NOT NULL,
       expires_at INTEGER, edit_mid INTEGER NOT NULL);
     CREATE INDEX search_by_conv ON search_meta (conv, mid);
     CREATE INDEX search_by_author ON search_meta (from_uid, mid);
     CREATE INDEX search_by_reply ON search_meta (reply_to) WHERE reply_to IS NOT NULL;
     CREATE INDEX search_mentions ON search_meta (mid) WHERE mentions_me;",
    // 11: saved messages, kept here when the server has no favorites.
    "CREATE TABLE saved (mid INTEGER PRIMARY KEY, conv TEXT NOT NULL, saved_at INTEGER NOT NULL);",
    // 12: link previews (`ui.link_previews`): each link's answer (JSON; null when it had
    // nothing to show), numbered in the order kept so the newest 2,000 stay.
    "CREATE TABLE link_previews (url TEXT PRIMARY KEY, json TEXT NOT NULL, seq INTEGER NOT NULL);
     CREATE INDEX link_previews_by_seq ON link_previews (seq);",
];

/// The version this client writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("it was written by a newer vocechat-tui (schema {0}, this one knows {VERSION})")]
    Newer(i64),
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// Brings the store to [`VERSION`].
pub fn migrate(conn: &Connection) -> Result<(), SchemaError> {
    migrate_to(conn, VERSION)
}

/// Brings the store to `target` (tests build older stores with it).
pub fn migrate_to(conn: &Connection, target: i64) -> Result<(), SchemaError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > VERSION {
        return Err(SchemaError::Newer(current));
    }
    for version in current..target {
        let Some(sql) = usize::try_from(version)
            .ok()
            .and_then(|v| MIGRATIONS.get(v))
        else {
            break;
        };
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Empties every table (the store then rebuilds from the server).
pub fn wipe(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "DELETE FROM chat; DELETE FROM state; DELETE FROM drafts; DELETE FROM deleted;
         DELETE FROM meta; DELETE FROM outbox; DELETE FROM gaps; DELETE FROM uploads;
         DELETE FROM changes; DELETE FROM search_text; DELETE FROM search_meta;
         DELETE FROM saved; DELETE FROM link_previews;",
    )
}
