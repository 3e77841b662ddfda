//! Writing one chat record: once, with its deletion taking the deleted message (and its
//! edits) off the disk, a tombstone keeping it off, the search index following, and the
//! outbox letting go of your own message when its echo comes.

use super::{StoreResult, conv_name, search};
use crate::protocol::types::{ChatMessage, MessageDetail, ReactionDetail};
use rusqlite::{OptionalExtension, params};

/// One chat record, once. A deletion removes the deleted message's row (its content must
/// not stay on disk) and keeps the deletion record.
pub(super) fn write_chat(tx: &rusqlite::Transaction, me: i64, m: &ChatMessage) -> StoreResult<()> {
    let target = match &m.detail {
        MessageDetail::Reaction { mid, .. } => Some(*mid),
        _ => None,
    };
    if let MessageDetail::Reaction {
        mid: gone,
        detail: ReactionDetail::Delete,
    } = &m.detail
    {
        // The message and everything about it (its edits carry its text) leave the disk.
        tx.execute(
            "DELETE FROM chat WHERE mid = ?1 OR target = ?1",
            params![gone],
        )?;
        search::unindex(tx, *gone)?;
        tx.execute(
            "INSERT INTO deleted (mid, deleted_at) VALUES (?1, ?2)
             ON CONFLICT (mid) DO UPDATE SET deleted_at = max(deleted_at, excluded.deleted_at)",
            params![gone, m.created_at],
        )?;
    }
    // A deleted message is not stored again, unless the record was made after the deletion:
    // then it is another message under the same mid (a server restored from a backup reuses
    // mids), and the tombstone goes. Edits and likes of a deleted message are never stored.
    // Tombstones from before schema 9 have no time and block every record.
    let tombstone = |mid: i64| -> rusqlite::Result<Option<Option<i64>>> {
        tx.query_row(
            "SELECT deleted_at FROM deleted WHERE mid = ?1",
            params![mid],
            |r| r.get::<_, Option<i64>>(0),
        )
        .optional()
    };
    match target {
        Some(t) => {
            let is_deletion = matches!(
                &m.detail,
                MessageDetail::Reaction {
                    detail: ReactionDetail::Delete,
                    ..
                }
            );
            if !is_deletion && tombstone(t)?.is_some() {
                return Ok(());
            }
        }
        None => match tombstone(m.mid)? {
            Some(Some(at)) if m.created_at > at => {
                // Another message under the old mid: the old one's deletion and changes go.
                tx.execute("DELETE FROM deleted WHERE mid = ?1", params![m.mid])?;
                tx.execute(
                    "DELETE FROM chat WHERE target = ?1
                       AND json_extract(json, '$.created_at') <= ?2",
                    params![m.mid, at],
                )?;
            }
            Some(_) => return Ok(()),
            None => {}
        },
    }
    let expires_at = match &m.detail {
        MessageDetail::Normal {
            expires_in: Some(s),
            ..
        } if *s > 0 => Some(m.created_at.saturating_add(s.saturating_mul(1000))),
        _ => None,
    };
    // A mid seen again with another `created_at` is another message (a server restored from
    // a backup reuses mids): it replaces the old row; the same record again changes nothing.
    tx.execute(
        "INSERT INTO chat (mid, conv, json, expires_at, target) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (mid) DO UPDATE SET conv = excluded.conv, json = excluded.json,
           expires_at = excluded.expires_at, target = excluded.target
         WHERE json_extract(chat.json, '$.created_at')
               IS NOT json_extract(excluded.json, '$.created_at')",
        params![
            m.mid,
            conv_name(crate::model::conv_of(Some(me), m)),
            serde_json::to_string(m)?,
            expires_at,
            target
        ],
    )?;
    match &m.detail {
        MessageDetail::Reaction { .. } => search::index_edit(tx, me, m)?,
        _ => search::index_message(tx, me, m)?,
    }
    // Your own message came back: it is no longer waiting to be sent.
    if m.from_uid == me
        && let Some(local_id) = m.local_id()
    {
        tx.execute("DELETE FROM outbox WHERE local_id = ?1", params![local_id])?;
    }
    Ok(())
}
