//! The search index. Every stored message's current text (after its edits; a file's name)
//! sits in an FTS5 table with the trigram tokenizer, which finds substrings in any script
//! (Chinese, Japanese and Korean included) without word breaks, ignoring case and accents.
//! Beside it, the facts the filters need: conversation, author, time, file or link, the
//! message it replies to, whether it mentions you, when it expires. The index follows the
//! records as they are written: an edit re-indexes its message (a newer edit wins, also when
//! it was stored before the message), a delete or an expiry removes it. Only the first
//! [`INDEXED_BYTES`] of a text are indexed, so one huge message cannot hold the store task.

use super::{Store, StoreResult, conv_name, parse_conv};
use crate::model::{ConvKey, Coverage, SearchHit, SearchQuery};
use crate::protocol::types::{ChatMessage, ContentKind, MessageDetail, ReactionDetail};
use rusqlite::{OptionalExtension, Transaction, params, params_from_iter, types::Value};
use serde_json::Value as Json;

/// Terms shorter than this (in characters) cannot use the trigram index: they are matched by
/// a scan instead.
const TRIGRAM: usize = 3;

/// How much of a message's text the index holds: its first 64 KiB. A 4 MiB message took
/// seconds of the store task and a 17 MiB index; words after this are not found.
pub const INDEXED_BYTES: usize = 64 * 1024;

/// The text a message is found by: its content, or a file's name; at most [`INDEXED_BYTES`]
/// of it.
fn searchable(content_type: &str, content: &str, properties: Option<&Json>) -> String {
    let kind = ContentKind::parse(content_type);
    let text = crate::present::Body::new(&kind, content, properties).search_text();
    crate::text::split_at_most(&text, INDEXED_BYTES)
        .0
        .to_string()
}

fn has_link(text: &str) -> bool {
    text.contains("http://") || text.contains("https://")
}

fn mentions(me: i64, text: &str, properties: Option<&Json>) -> bool {
    crate::model::mentions(text, properties, me)
}

/// Indexes a message record (normal or reply) as it is stored. The same record again changes
/// nothing (an edit indexed since stays); another record under the mid (a restored server)
/// replaces it. The newest edit already stored applies at once.
pub(super) fn index_message(tx: &Transaction, me: i64, m: &ChatMessage) -> StoreResult<()> {
    let (content_type, content, properties, reply_to, expires_in) = match &m.detail {
        MessageDetail::Normal {
            content_type,
            content,
            properties,
            expires_in,
        } => (content_type, content, properties, None, *expires_in),
        MessageDetail::Reply {
            mid,
            content_type,
            content,
            properties,
        } => (content_type, content, properties, Some(*mid), None),
        _ => return Ok(()),
    };
    let known: Option<i64> = tx
        .query_row(
            "SELECT created_at FROM search_meta WHERE mid = ?1",
            params![m.mid],
            |r| r.get(0),
        )
        .optional()?;
    if known == Some(m.created_at) {
        return Ok(());
    }
    let text = searchable(content_type, content, properties.as_ref());
    let expires_at = expires_in
        .filter(|s| *s > 0)
        .map(|s| m.created_at.saturating_add(s.saturating_mul(1000)));
    tx.execute(
        "INSERT OR REPLACE INTO search_meta
           (mid, conv, from_uid, created_at, content_type, has_link, reply_to, mentions_me,
            expires_at, edit_mid)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0)",
        params![
            m.mid,
            conv_name(crate::model::conv_of(Some(me), m)),
            m.from_uid,
            m.created_at,
            content_type,
            has_link(&text),
            reply_to,
            mentions(me, content, properties.as_ref()),
            expires_at
        ],
    )?;
    tx.execute("DELETE FROM search_text WHERE rowid = ?1", params![m.mid])?;
    tx.execute(
        "INSERT INTO search_text (rowid, text) VALUES (?1, ?2)",
        params![m.mid, text],
    )?;
    // An edit stored before its message (history pages come newest first).
    let edit: Option<String> = tx
        .query_row(
            "SELECT json FROM chat WHERE target = ?1
               AND json_extract(json, '$.detail.detail.type') = 'edit'
               AND json_extract(json, '$.created_at') >= ?2
             ORDER BY mid DESC LIMIT 1",
            params![m.mid, m.created_at],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(json) = edit {
        let edit: ChatMessage = serde_json::from_str(&json)?;
        index_edit(tx, me, &edit)?;
    }
    Ok(())
}

/// An edit record: its message is found by the new text from now on (unless a newer edit is
/// indexed already, or the message is not stored yet: `index_message` picks it up then).
pub(super) fn index_edit(tx: &Transaction, me: i64, edit: &ChatMessage) -> StoreResult<()> {
    let MessageDetail::Reaction {
        mid: target,
        detail:
            ReactionDetail::Edit {
                content_type,
                content,
                properties,
            },
    } = &edit.detail
    else {
        return Ok(());
    };
    let text = searchable(content_type, content, properties.as_ref());
    let changed = tx.execute(
        "UPDATE search_meta SET content_type = ?2, has_link = ?3, mentions_me = ?4, edit_mid = ?5
         WHERE mid = ?1 AND edit_mid < ?5",
        params![
            target,
            content_type,
            has_link(&text),
            mentions(me, content, properties.as_ref()),
            edit.mid
        ],
    )?;
    if changed > 0 {
        tx.execute("DELETE FROM search_text WHERE rowid = ?1", params![target])?;
        tx.execute(
            "INSERT INTO search_text (rowid, text) VALUES (?1, ?2)",
            params![target, text],
        )?;
    }
    Ok(())
}

/// Message `mid` is deleted: it is never found again.
pub(super) fn unindex(tx: &Transaction, mid: i64) -> StoreResult<()> {
    tx.execute("DELETE FROM search_meta WHERE mid = ?1", params![mid])?;
    tx.execute("DELETE FROM search_text WHERE rowid = ?1", params![mid])?;
    Ok(())
}

/// Messages expired by `now_ms` leave the index.
pub(super) fn unindex_expired(tx: &Transaction, now_ms: i64) -> StoreResult<()> {
    tx.execute(
        "DELETE FROM search_text WHERE rowid IN
           (SELECT mid FROM search_meta WHERE expires_at IS NOT NULL AND expires_at <= ?1)",
        params![now_ms],
    )?;
    tx.execute(
        "DELETE FROM search_meta WHERE expires_at IS NOT NULL AND expires_at <= ?1",
        params![now_ms],
    )?;
    Ok(())
}

/// `term` as an FTS5 string (a phrase: for the trigram tokenizer, a substring).
fn fts_string(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// `term` as a LIKE pattern matching it anywhere.
fn like_pattern(term: &str) -> String {
    let mut p = String::from("%");
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

impl Store {
    /// The newest messages matching `q`, at most `limit`.
    pub fn search(&self, q: &SearchQuery, limit: usize) -> StoreResult<Vec<SearchHit>> {
        let (long, short): (Vec<&String>, Vec<&String>) = q
            .terms
            .iter()
            .filter(|t| !t.trim().is_empty())
            .partition(|t| t.chars().count() >= TRIGRAM);
        // With terms for the index, its matches drive the query (CROSS JOIN keeps that order:
        // looking the index up per row of a filtered conversation is far slower); without,
        // the filters do.
        let from = if long.is_empty() {
            "FROM search_meta m JOIN search_text ON search_text.rowid = m.mid"
        } else {
            "FROM search_text CROSS JOIN search_meta m ON m.mid = search_text.rowid"
        };
        let mut sql = format!(
            "SELECT m.mid, m.conv, m.from_uid, m.created_at, m.content_type, search_text.text
             {from} WHERE 1"
        );
        let mut args: Vec<Value> = Vec::new();
        if !long.is_empty() {
            sql.push_str(" AND search_text MATCH ?");
            let expr: Vec<String> = long.iter().map(|t| fts_string(t)).collect();
            args.push(Value::Text(expr.join(" AND ")));
        }
        for t in short {
            sql.push_str(" AND search_text.text LIKE ? ESCAPE '\\'");
            args.push(Value::Text(like_pattern(t)));
        }
        let list = |n: usize| vec!["?"; n].join(", ");
        if !q.from.is_empty() {
            sql.push_str(&format!(" AND m.from_uid IN ({})", list(q.from.len())));
            args.extend(q.from.iter().map(|u| Value::Integer(*u)));
        }
        if !q.within.is_empty() {
            sql.push_str(&format!(" AND m.conv IN ({})", list(q.within.len())));
            args.extend(q.within.iter().map(|k| Value::Text(conv_name(*k))));
        }
        if q.has_file {
            let types = ContentKind::file_types();
            sql.push_str(&format!(" AND m.content_type IN ({})", list(types.len())));
            args.extend(types.iter().map(|t| Value::Text((*t).to_string())));
        }
        if q.has_audio {
            sql.push_str(" AND m.content_type = ?");
            args.push(Value::Text(ContentKind::Audio.content_type().to_string()));
        }
        if q.has_link {
            sql.push_str(" AND m.has_link");
        }
        if let Some(mid) = q.replies_to {
            sql.push_str(" AND m.reply_to = ?");
            args.push(Value::Integer(mid));
        }
        if q.to_me {
            sql.push_str(
                " AND m.from_uid != ? AND (m.mentions_me OR m.reply_to IN
                   (SELECT mid FROM search_meta WHERE from_uid = ?))",
            );
            args.push(Value::Integer(self.me));
            args.push(Value::Integer(self.me));
        }
        if let Some(before) = q.before {
            sql.push_str(" AND m.created_at < ?");
            args.push(Value::Integer(before));
        }
        if let Some(after) = q.after {
            sql.push_str(" AND m.created_at >= ?");
            args.push(Value::Integer(after));
        }
        sql.push_str(" AND (m.expires_at IS NULL OR m.expires_at > ?) ORDER BY m.mid DESC LIMIT ?");
        args.push(Value::Integer(q.now_ms));
        args.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut hits = Vec::new();
        for row in rows {
            let (mid, conv, from_uid, created_at, content_type, text) = row?;
            if let Some(key) = parse_conv(&conv) {
                hits.push(SearchHit {
                    mid,
                    key,
                    from_uid,
                    created_at,
                    kind: ContentKind::parse(&content_type),
                    text,
                    author: None,
                });
            }
        }
        Ok(hits)
    }

    /// How far back the store holds each of `keys` (every stored conversation when empty).
    pub fn coverage(&self, keys: &[ConvKey]) -> StoreResult<Vec<Coverage>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT conv, min(mid), created_at, count(*) FROM search_meta GROUP BY conv ORDER BY conv",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        let mut oldest = std::collections::HashMap::new();
        for row in rows {
            let (conv, mid, at, n) = row?;
            if let Some(key) = parse_conv(&conv) {
                oldest.insert(key, (mid, at, u64::try_from(n).unwrap_or(0)));
            }
        }
        let mut keys = keys.to_vec();
        if keys.is_empty() {
            keys = oldest.keys().copied().collect();
            keys.sort();
        }
        let mut out = Vec::new();
        for key in keys {
            let conv = conv_name(key);
            let started: bool = self
                .conn
                .query_row(
                    "SELECT 1 FROM meta WHERE key = ?1",
                    params![format!("start:{conv}")],
                    |_| Ok(true),
                )
                .optional()?
                .unwrap_or(false);
            let hole: Option<i64> = self
                .conn
                .query_row(
                    "SELECT max(high) FROM gaps WHERE conv = ?1",
                    params![conv],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            let holes = hole.is_some();
            let first = oldest.get(&key).copied();
            out.push(Coverage {
                key,
                oldest: first.map(|(_, at, _)| at),
                oldest_mid: first.map(|(mid, _, _)| mid),
                stored: first.map_or(0, |(_, _, n)| n),
                fill_before: hole.or(first.map(|(mid, _, _)| mid)),
                complete: started && !holes,
            });
        }
        Ok(out)
    }

    /// Keeps message `mid` of `key` as saved (the server has no favorites).
    pub fn save_local(&mut self, mid: i64, key: ConvKey, at: i64) -> StoreResult<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO saved (mid, conv, saved_at) VALUES (?1, ?2, ?3)",
            params![mid, conv_name(key), at],
        )?;
        Ok(())
    }

    pub fn unsave_local(&mut self, mid: i64) -> StoreResult<()> {
        self.conn
            .execute("DELETE FROM saved WHERE mid = ?1", params![mid])?;
        Ok(())
    }

    /// The messages saved here, most recently saved first, as they are now (a deleted one
    /// is gone).
    pub fn saved_local(&self) -> StoreResult<Vec<crate::model::SavedItem>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.mid, s.conv, s.saved_at, m.from_uid, m.created_at, m.content_type,
                    search_text.text
             FROM saved s JOIN search_meta m ON m.mid = s.mid
             JOIN search_text ON search_text.rowid = s.mid
             ORDER BY s.saved_at DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (mid, conv, saved_at, from_uid, created_at, content_type, text) = row?;
            if let Some(key) = parse_conv(&conv) {
                out.push(crate::model::SavedItem {
                    id: String::new(),
                    saved_at,
                    mid,
                    source: key.target(),
                    from_uid: Some(from_uid),
                    author: None,
                    created_at,
                    kind: ContentKind::parse(&content_type),
                    text,
                });
            }
        }
        Ok(out)
    }

    /// Builds the index from the stored records (once, for a store from before schema 10).
    pub(super) fn reindex(&mut self) -> StoreResult<usize> {
        let me = self.me;
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM search_meta", [])?;
        tx.execute("DELETE FROM search_text", [])?;
        let mut n = 0;
        {
            let mut stmt = tx.prepare("SELECT json FROM chat ORDER BY mid")?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let m: ChatMessage = serde_json::from_str(&row.get::<_, String>(0)?)?;
                match &m.detail {
                    MessageDetail::Reaction { .. } => index_edit(&tx, me, &m)?,
                    _ => index_message(&tx, me, &m)?,
                }
                n += 1;
            }
        }
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('search_indexed', '1')",
            [],
        )?;
        tx.commit()?;
        Ok(n)
    }
}
