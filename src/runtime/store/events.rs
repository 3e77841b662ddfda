//! One stream event into the store: a chat record goes to the chat table (by mid), a
//! directory event to the state table, which keeps per kind what `kept` says. The policy and
//! the writes that follow it live here together, beside nothing else.
//!
//! Every event kind says how it is kept (an exhaustive match, so a new kind does not build
//! until it does), and what a snapshot replaces is derived from that: itself and every kind
//! that is a delta of it. A delta nothing replaced would make the table grow forever.

use super::StoreResult;
use super::record::write_chat;
use crate::model::Cleared;
use crate::protocol::{EventKind, ServerEvent};
use crate::runtime::sync::Cursor;
use rusqlite::params;

/// How the store keeps the events of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kept {
    /// Live state or keep-alives: not kept.
    Not,
    /// A chat record: the chat table, by mid.
    Record,
    /// The state table: the newest one replaces the previous and the deltas since.
    Snapshot,
    /// The state table, until the next snapshot of the given kind.
    DeltaOf(EventKind),
    /// The state table, the newest one per value of this JSON path (a person's remark, a
    /// channel's announcement): bounded by the people and channels there are.
    Latest(&'static str),
}

pub(super) fn kept(kind: EventKind) -> Kept {
    use EventKind::*;
    match kind {
        Ready | Heartbeat | UsersState | UsersStateChanged | Kick => Kept::Not,
        // Newer servers. Clears change the stored records themselves; the switches are kept
        // with the server's capabilities; a call is of the moment.
        ServerConfigChanged | MessageCleared | GroupMessageCleared | UserCalling => Kept::Not,
        // No snapshot brings them back at a start: the latest of each is kept.
        UserRemark => Kept::Latest("$.contact_uid"),
        GroupAnnouncementChanged => Kept::Latest("$.gid"),
        Chat => Kept::Record,
        UsersSnapshot | UserSettings | RelatedGroups => Kept::Snapshot,
        UsersLog => Kept::DeltaOf(UsersSnapshot),
        UserSettingsChanged => Kept::DeltaOf(UserSettings),
        JoinedGroup | UserJoinedGroup | UserLeavedGroup | KickFromGroup | GroupChanged
        | PinnedMessageUpdated => Kept::DeltaOf(RelatedGroups),
    }
}

/// The kinds a new event of `kind` deletes from the state table: for a snapshot, its older
/// copy and its deltas; nothing for the others.
pub(super) fn superseded(kind: EventKind) -> impl Iterator<Item = EventKind> {
    let snapshot = kept(kind) == Kept::Snapshot;
    EventKind::ALL
        .iter()
        .copied()
        .filter(move |k| snapshot && (*k == kind || kept(*k) == Kept::DeltaOf(kind)))
}

pub(super) fn write_event(
    tx: &rusqlite::Transaction,
    me: i64,
    ev: &ServerEvent,
    cursor: &mut Cursor,
    fences: &Cleared,
) -> StoreResult<()> {
    match ev {
        ServerEvent::Chat(m) => {
            // The stream forwards each mid once, in order; after a server restored from a
            // backup it forwards lower mids, and resuming must start there (as the sync
            // gate's cursor does).
            cursor.after_mid = Some(m.mid);
            // Nothing a clear took comes back (see `cleared.rs`).
            if super::cleared::covers(fences, me, m) {
                return Ok(());
            }
            return write_chat(tx, me, m);
        }
        ServerEvent::UsersSnapshot { version, .. } => cursor.users_version = Some(*version),
        ServerEvent::UsersLog { logs } => {
            if let Some(max) = logs.iter().map(|l| l.log_id).max() {
                cursor.users_version = Some(cursor.users_version.map_or(max, |v| v.max(max)));
            }
        }
        _ => {}
    }
    let kind = ev.kind();
    match kept(kind) {
        Kept::Not | Kept::Record => return Ok(()),
        Kept::Snapshot | Kept::DeltaOf(_) => {}
        Kept::Latest(path) => {
            let json = serde_json::to_string(ev)?;
            tx.execute(
                "DELETE FROM state WHERE kind = ?1
                   AND json_extract(json, ?2) IS json_extract(?3, ?2)",
                params![kind.name(), path, json],
            )?;
            // A removal (an empty remark, no announcement) needs no row: none is the same.
            if !removes(ev) {
                tx.execute(
                    "INSERT INTO state (kind, json) VALUES (?1, ?2)",
                    params![kind.name(), json],
                )?;
                // Bounded as the model bounds them: the oldest go.
                tx.execute(
                    "DELETE FROM state WHERE kind = ?1 AND seq NOT IN
                       (SELECT seq FROM state WHERE kind = ?1 ORDER BY seq DESC LIMIT ?2)",
                    params![kind.name(), latest_max(kind)],
                )?;
            }
            return Ok(());
        }
    }
    for old in superseded(kind) {
        tx.execute("DELETE FROM state WHERE kind = ?1", params![old.name()])?;
    }
    tx.execute(
        "INSERT INTO state (kind, json) VALUES (?1, ?2)",
        params![kind.name(), serde_json::to_string(ev)?],
    )?;
    Ok(())
}

/// Whether a `Kept::Latest` event takes its value away.
fn removes(ev: &ServerEvent) -> bool {
    match ev {
        ServerEvent::UserRemark { remark, .. } => remark.trim().is_empty(),
        ServerEvent::GroupAnnouncementChanged { announcement, .. } => announcement
            .as_ref()
            .is_none_or(|a| a.content.trim().is_empty()),
        _ => false,
    }
}

/// How many rows of a `Kept::Latest` kind are kept.
fn latest_max(kind: EventKind) -> i64 {
    let max = match kind {
        EventKind::UserRemark => crate::model::REMARKS_MAX,
        _ => crate::model::ANNOUNCEMENTS_MAX,
    };
    i64::try_from(max).unwrap_or(i64::MAX)
}
