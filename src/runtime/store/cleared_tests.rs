//! History the server cleared, on real SQLite files: what leaves the disk, what stays, and
//! that nothing cleared comes back (a late page, a replay, a restart).

use super::*;
use crate::model::{Change, ClearedNow, PendingChange, PendingState};
use serde_json::json;

const ME: i64 = 1;
const LOBBY: ConvKey = ConvKey::Group(1);
const DEV: ConvKey = ConvKey::Group(2);

fn record(mid: i64, target: serde_json::Value, detail: serde_json::Value) -> ChatMessage {
    serde_json::from_value(json!({
        "mid": mid, "from_uid": 2, "created_at": 1_000 + mid, "target": target,
        "detail": detail,
    }))
    .unwrap()
}

fn text(mid: i64, target: serde_json::Value, body: &str) -> ChatMessage {
    record(
        mid,
        target,
        json!({"type": "normal", "content_type": "text/plain", "content": body,
               "properties": null}),
    )
}

fn chat(m: ChatMessage) -> ServerEvent {
    ServerEvent::Chat(m)
}

/// Lobby (1) and dev (2), read up to 10 in lobby; 10 and 11 in lobby (11 edited by 12),
/// 13 in dev, 14 a DM from bob.
fn seeded(dir: &Path) -> Store {
    let mut store = Store::open(&store_path(dir, "https://chat.example.com", ME), ME).unwrap();
    let events = vec![
        serde_json::from_value(json!({"type": "related_groups", "groups": [
            {"gid": 1, "owner": 2, "name": "lobby", "members": [], "is_public": true},
            {"gid": 2, "owner": 2, "name": "dev", "members": [], "is_public": true}]}))
        .unwrap(),
        serde_json::from_value(json!({"type": "user_settings",
            "read_index_groups": [{"gid": 1, "mid": 10}]}))
        .unwrap(),
        chat(text(10, json!({"gid": 1}), "lobby secret")),
        chat(text(11, json!({"gid": 1}), "lobby plan")),
        chat(record(
            12,
            json!({"gid": 1}),
            json!({"type": "reaction", "mid": 11, "detail": {"type": "edit",
                   "content_type": "text/plain", "content": "lobby plan edited"}}),
        )),
        chat(text(13, json!({"gid": 2}), "dev secret")),
        chat(text(14, json!({"uid": 1}), "dm secret")),
    ];
    store.write_events(&events).unwrap();
    store
}

fn reopen(dir: &Path) -> Loaded {
    Store::open(&store_path(dir, "https://chat.example.com", ME), ME)
        .unwrap()
        .load()
        .unwrap()
}

fn mids(loaded: &Loaded, key: ConvKey) -> Vec<i64> {
    loaded
        .chat
        .convs
        .get(&key)
        .map(|c| c.messages.keys().copied().collect())
        .unwrap_or_default()
}

fn found(store: &Store, word: &str) -> Vec<i64> {
    let q = crate::model::SearchQuery {
        terms: vec![word.into()],
        ..Default::default()
    };
    store
        .search(&q, 50)
        .unwrap()
        .iter()
        .map(|h| h.mid)
        .collect()
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_channel_clear_leaves_the_disk_and_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = seeded(dir.path());
    store.save_local(10, LOBBY, 5).unwrap();
    store.save_local(13, DEV, 6).unwrap();
    for (id, mid, key) in [(70, 11, LOBBY), (71, 13, DEV)] {
        store
            .queue_change(&PendingChange {
                id,
                key,
                mid,
                change: Change::Delete,
                state: PendingState::Sending,
            })
            .unwrap();
    }
    let reply = Outgoing {
        local_id: 80,
        content_type: "text/plain".into(),
        body: "about the secret".into(),
        reply_to: Some(10),
        created_at: 5,
        failed: None,
    };
    store.queue(LOBBY, &reply).unwrap();
    assert_eq!(found(&store, "secret"), vec![14, 13, 10]);

    store
        .write_events(&[ServerEvent::GroupMessageCleared { gid: 1 }])
        .unwrap();
    assert_eq!(
        store.take_cleared(),
        vec![ClearedNow {
            conv: Some(LOBBY),
            messages: 2,
            news: true
        }],
        "10 and 11 (12 is an edit)"
    );
    assert!(store.take_cleared().is_empty(), "told once");
    // Off the disk: the rows (the edit's text too), the index, the saved list.
    assert_eq!(found(&store, "secret"), vec![14, 13]);
    assert!(found(&store, "plan").is_empty());
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM chat WHERE conv = 'g1'"),
        0
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM chat WHERE json LIKE '%lobby%'"
        ),
        0
    );
    assert_eq!(count(&store, "SELECT COUNT(*) FROM saved"), 1);
    let loaded = reopen(dir.path());
    assert!(mids(&loaded, LOBBY).is_empty());
    assert_eq!(mids(&loaded, DEV), vec![13]);
    assert_eq!(mids(&loaded, ConvKey::User(2)), vec![14]);
    assert_eq!(
        loaded.chat.convs[&LOBBY].read_index, 10,
        "the read index stays"
    );
    assert_eq!(
        loaded.chat.changes.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![71],
        "a queued delete of a cleared message is dropped"
    );
    assert_eq!(loaded.outbox.len(), 1);
    assert_eq!(
        loaded.outbox[0].1.reply_to, None,
        "the unsent reply goes as a plain message"
    );
    assert_eq!(loaded.chat.cleared.groups.get(&1).map(|f| f.mid), Some(14));

    // A page asked for before the clear, and a replay from an older cursor: kept out.
    let mut store =
        Store::open(&store_path(dir.path(), "https://chat.example.com", ME), ME).unwrap();
    store
        .write_history(LOBBY, &[text(10, json!({"gid": 1}), "lobby secret")], true)
        .unwrap();
    store
        .write_events(&[chat(text(11, json!({"gid": 1}), "lobby plan"))])
        .unwrap();
    assert!(found(&store, "lobby").is_empty());
    // What is written after the clear is kept.
    store
        .write_events(&[chat(text(15, json!({"gid": 1}), "after"))])
        .unwrap();
    assert_eq!(mids(&reopen(dir.path()), LOBBY), vec![15]);
    // The same clear again takes nothing and is no news.
    store
        .write_events(&[ServerEvent::GroupMessageCleared { gid: 1 }])
        .unwrap();
    let again = store.take_cleared();
    assert_eq!(again.len(), 1);
    assert!(again[0].news, "15 came after the fence");
    assert_eq!(again[0].messages, 1);
    store
        .write_events(&[ServerEvent::GroupMessageCleared { gid: 1 }])
        .unwrap();
    assert!(!store.take_cleared()[0].news);
}

#[test]
fn a_server_clear_takes_every_conversation_up_to_its_mid() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = seeded(dir.path());
    store
        .write_events(&[ServerEvent::MessageCleared {
            latest_deleted_mid: Some(13),
        }])
        .unwrap();
    assert_eq!(
        store.take_cleared(),
        vec![ClearedNow {
            conv: None,
            messages: 3,
            news: true
        }]
    );
    assert_eq!(found(&store, "secret"), vec![14]);
    let loaded = reopen(dir.path());
    assert!(mids(&loaded, LOBBY).is_empty());
    assert!(mids(&loaded, DEV).is_empty());
    assert_eq!(mids(&loaded, ConvKey::User(2)), vec![14]);
    assert_eq!(loaded.chat.cleared.through.map(|f| f.mid), Some(13));
    assert_eq!(
        loaded.cursor.after_mid,
        Some(14),
        "the cursor stays: the stream resumes where it was"
    );
}

/// Whether `needle` is anywhere in the bytes of the store's files (the database, its
/// write-ahead log).
fn on_disk(dir: &Path, needle: &[u8]) -> bool {
    let db = store_path(dir, "https://chat.example.com", ME);
    let mut files = vec![db.clone()];
    for ext in ["-wal", "-journal"] {
        let mut name = db.clone().into_os_string();
        name.push(ext);
        files.push(PathBuf::from(name));
    }
    files.iter().any(|f| {
        std::fs::read(f).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
    })
}

#[test]
fn cleared_text_leaves_the_files_bytes_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = seeded(dir.path());
    let marker = "zq-unique-marker-7c1f";
    store
        .write_events(&[chat(text(20, json!({"gid": 1}), marker))])
        .unwrap();
    assert!(on_disk(dir.path(), marker.as_bytes()), "written");
    store
        .write_events(&[ServerEvent::GroupMessageCleared { gid: 1 }])
        .unwrap();
    assert!(found(&store, "marker").is_empty());
    assert!(
        !on_disk(dir.path(), marker.as_bytes()),
        "still in the files"
    );
    drop(store);
    assert!(
        !on_disk(dir.path(), marker.as_bytes()),
        "still in the files"
    );
}

/// A server restored from a backup gives old mids to new messages: the store takes those
/// made after the clear (by the stream or a history page), and still refuses those before.
#[test]
fn a_record_made_after_the_clear_is_stored_under_an_old_mid() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = seeded(dir.path());
    // Lobby's records were made at 1,010–1,012; the clear is received at 5,000.
    store
        .write_events_at(&[ServerEvent::GroupMessageCleared { gid: 1 }], 5_000)
        .unwrap();
    let made = |mid: i64, created_at: i64, body: &str| {
        let mut m = text(mid, json!({"gid": 1}), body);
        m.created_at = created_at;
        m
    };
    store
        .write_events_at(&[chat(made(11, 9_000, "new eleven"))], 9_000)
        .unwrap();
    store
        .write_history(
            LOBBY,
            &[made(10, 8_000, "new ten"), made(12, 1_012, "old twelve")],
            false,
        )
        .unwrap();
    assert_eq!(mids(&reopen(dir.path()), LOBBY), vec![10, 11]);
    assert_eq!(store.read_cleared().unwrap().groups[&1].at, Some(5_000));
    // A fence kept before times were holds everything at or below it off.
    store
        .conn
        .execute(
            "UPDATE meta SET value = '{\"through\":null,\"groups\":{\"1\":14}}' WHERE key = 'cleared'",
            [],
        )
        .unwrap();
    store
        .write_history(LOBBY, &[made(9, 9_999, "nine")], false)
        .unwrap();
    assert_eq!(count(&store, "SELECT count(*) FROM chat WHERE mid = 9"), 0);
}
