//! History the server cleared (`message_cleared`, `group_message_cleared`) leaves the disk:
//! the chat rows (messages and their edits, likes and deletes), the search index, the saved
//! list, the queued changes to cleared messages, and the quotes of them in unsent replies
//! (the reply goes as a plain message). The fence is kept (meta `cleared`), in the same
//! transaction, so no later page, replay or restart brings a cleared record back: `write_chat`
//! refuses what a fence covers, and `load` hands the fences to the model. Read indexes,
//! mutes, pins and drafts stay. How many messages went is reported to the user.

use super::{Store, StoreResult, conv_name};
use crate::model::{Cleared, ClearedNow, ConvKey};
use crate::protocol::ServerEvent;
use crate::protocol::types::{ChatMessage, MessageDetail};
use crate::runtime::sync::Cursor;
use rusqlite::{OptionalExtension, Transaction, params};

/// Applies `ev` if it is a clear: the fence is raised and what it covers is deleted. What it
/// took, for the notice.
pub(super) fn apply(
    tx: &Transaction,
    ev: &ServerEvent,
    cursor: &Cursor,
    cleared: &mut Cleared,
    now_ms: i64,
) -> StoreResult<Option<ClearedNow>> {
    let (gid, latest) = match ev {
        ServerEvent::MessageCleared { latest_deleted_mid } => (None, *latest_deleted_mid),
        ServerEvent::GroupMessageCleared { gid } => (Some(*gid), None),
        _ => return Ok(None),
    };
    let conv = gid.map(|g| conv_name(ConvKey::Group(g)));
    // The highest mid known here, as the model reckons it (see `model::cleared`).
    let stored: Option<i64> = tx.query_row(
        "SELECT MAX(mid) FROM chat WHERE ?1 IS NULL OR conv = ?1",
        params![conv],
        |r| r.get(0),
    )?;
    let known = cursor
        .after_mid
        .into_iter()
        .chain(stored)
        .max()
        .unwrap_or(0);
    let fence = match gid {
        Some(_) => known,
        None => Cleared::fence_through(latest, known),
    };
    // When it was received, and never before a message it takes was made (a clock behind
    // the server's must not let a cleared message back in).
    let newest: Option<i64> = tx.query_row(
        "SELECT MAX(json_extract(json, '$.created_at')) FROM chat
         WHERE mid <= ?1 AND (?2 IS NULL OR conv = ?2)",
        params![fence, conv],
        |r| r.get(0),
    )?;
    let at = newest.map_or(now_ms, |n| n.max(now_ms));
    let news = cleared.raise(gid, fence, Some(at));
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('cleared', ?1)",
        params![serde_json::to_string(cleared)?],
    )?;
    let messages: i64 = tx.query_row(
        "SELECT COUNT(*) FROM chat WHERE target IS NULL AND mid <= ?1
         AND (?2 IS NULL OR conv = ?2)",
        params![fence, conv],
        |r| r.get(0),
    )?;
    for sql in [
        // The messages, and every record about them (an edit carries the text too).
        "DELETE FROM chat WHERE (mid <= ?1 OR target <= ?1) AND (?2 IS NULL OR conv = ?2)",
        "DELETE FROM search_text WHERE rowid IN
           (SELECT mid FROM search_meta WHERE mid <= ?1 AND (?2 IS NULL OR conv = ?2))",
        "DELETE FROM search_meta WHERE mid <= ?1 AND (?2 IS NULL OR conv = ?2)",
        "DELETE FROM saved WHERE mid <= ?1 AND (?2 IS NULL OR conv = ?2)",
        "DELETE FROM changes WHERE json_extract(json, '$.mid') <= ?1
           AND (?2 IS NULL OR conv = ?2)",
        "UPDATE outbox SET json = json_set(json, '$.reply_to', NULL)
           WHERE json_extract(json, '$.reply_to') <= ?1 AND (?2 IS NULL OR conv = ?2)",
        // Nothing is missing below the fence any more: nothing is there.
        "DELETE FROM gaps WHERE high <= ?1 AND (?2 IS NULL OR conv = ?2)",
        "UPDATE gaps SET low = ?1 WHERE low < ?1 AND (?2 IS NULL OR conv = ?2)",
    ] {
        tx.execute(sql, params![fence, conv])?;
    }
    tracing::info!(?gid, fence, messages, "history cleared by the server");
    Ok(Some(ClearedNow {
        conv: gid.map(ConvKey::Group),
        messages: usize::try_from(messages).unwrap_or(0),
        news,
    }))
}

/// Channels you are no longer in (a `related_groups` snapshot without them, a leave, a
/// kick) lose their fence and their kept announcement.
pub(super) fn forget_groups(
    tx: &Transaction,
    me: i64,
    ev: &ServerEvent,
    cleared: &mut Cleared,
) -> StoreResult<()> {
    let gone: Vec<i64> = match ev {
        ServerEvent::RelatedGroups { groups } => cleared
            .groups
            .keys()
            .copied()
            .filter(|gid| !groups.iter().any(|g| g.gid == *gid))
            .collect(),
        ServerEvent::KickFromGroup { gid, .. } => vec![*gid],
        ServerEvent::UserLeavedGroup { gid, uid } if uid.contains(&me) => vec![*gid],
        _ => return Ok(()),
    };
    if let ServerEvent::RelatedGroups { groups } = ev {
        let gids = serde_json::to_string(&groups.iter().map(|g| g.gid).collect::<Vec<_>>())?;
        tx.execute(
            "DELETE FROM state WHERE kind = 'group_announcement_changed'
               AND json_extract(json, '$.gid') NOT IN (SELECT value FROM json_each(?1))",
            params![gids],
        )?;
    }
    for gid in &gone {
        tx.execute(
            "DELETE FROM state WHERE kind = 'group_announcement_changed'
               AND json_extract(json, '$.gid') = ?1",
            params![gid],
        )?;
    }
    if gone.iter().any(|g| cleared.groups.remove(g).is_some()) {
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('cleared', ?1)",
            params![serde_json::to_string(cleared)?],
        )?;
    }
    Ok(())
}

/// Whether `m` (a message, or a change to one) is something a clear took.
pub(super) fn covers(fences: &Cleared, me: i64, m: &ChatMessage) -> bool {
    let subject = match &m.detail {
        MessageDetail::Reaction { mid, .. } => *mid,
        _ => m.mid,
    };
    fences.covers_record(crate::model::conv_of(Some(me), m), subject, m.created_at)
}

impl Store {
    /// The fences of the clears seen; a value this version cannot read is as none.
    pub(super) fn read_cleared(&self) -> StoreResult<Cleared> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'cleared'", [], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default())
    }

    /// What the clears written since the last call took (for the notice), oldest first.
    pub fn take_cleared(&mut self) -> Vec<ClearedNow> {
        std::mem::take(&mut self.cleared_now)
    }
}
