//! The store on real SQLite files in a temporary directory.

use super::*;
use crate::model::PendingState;
use serde_json::json;

const ME: i64 = 1;

fn chat(mid: i64, from: i64, target: serde_json::Value, text: &str) -> ServerEvent {
    ServerEvent::Chat(
        serde_json::from_value(json!({
            "mid": mid, "from_uid": from, "created_at": 1_000 + mid, "target": target,
            "detail": {"type": "normal", "content_type": "text/plain", "content": text,
                       "properties": null}
        }))
        .unwrap(),
    )
}

fn delete(mid: i64, from: i64, target_mid: i64) -> ServerEvent {
    ServerEvent::Chat(
        serde_json::from_value(json!({
            "mid": mid, "from_uid": from, "created_at": 1_000 + mid, "target": {"gid": 1},
            "detail": {"type": "reaction", "mid": target_mid, "detail": {"type": "delete"}}
        }))
        .unwrap(),
    )
}

fn directory() -> Vec<ServerEvent> {
    vec![
        serde_json::from_value(json!({"type": "users_snapshot", "version": 7, "users": [
            {"uid": 1, "name": "me", "email": "me@x", "gender": 0, "language": "en",
             "is_admin": false, "is_bot": false, "avatar_updated_at": 0},
            {"uid": 2, "name": "bob", "email": "bob@x", "gender": 0, "language": "en",
             "is_admin": false, "is_bot": false, "avatar_updated_at": 0}]}))
        .unwrap(),
        serde_json::from_value(json!({"type": "related_groups", "groups": [
            {"gid": 1, "owner": 1, "name": "lobby", "description": "", "members": [],
             "is_public": true, "avatar_updated_at": 0, "pinned_messages": []}]}))
        .unwrap(),
    ]
}

fn open(dir: &Path) -> Store {
    Store::open(&store_path(dir, "https://chat.example.com", ME), ME).unwrap()
}

fn texts(loaded: &Loaded, key: ConvKey) -> Vec<String> {
    loaded.chat.convs[&key]
        .visible()
        .map(|m| m.content.clone())
        .collect()
}

#[test]
fn a_reopened_store_folds_to_what_the_stream_showed() {
    let dir = tempfile::tempdir().unwrap();
    let mut events = directory();
    events.push(chat(10, 2, json!({"gid": 1}), "hello"));
    events.push(chat(11, 1, json!({"uid": 2}), "to bob"));
    events.push(chat(12, 2, json!({"uid": 1}), "to me"));
    let mut live = ChatModel::new(ME);
    for e in events.clone() {
        live.apply(e);
    }
    open(dir.path()).write_events(&events).unwrap();
    let loaded = open(dir.path()).load().unwrap();
    assert_eq!(texts(&loaded, ConvKey::Group(1)), vec!["hello"]);
    assert_eq!(
        texts(&loaded, ConvKey::User(2)),
        vec!["to bob", "to me"],
        "both sides of a DM land in one conversation"
    );
    assert_eq!(loaded.chat.user_name(2), live.user_name(2));
    assert_eq!(loaded.chat.conv_name(ConvKey::Group(1)), "lobby");
    assert_eq!(
        loaded.cursor,
        Cursor {
            after_mid: Some(12),
            users_version: Some(7)
        }
    );
}

#[test]
fn the_cursor_covers_exactly_what_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    for batch in [vec![chat(5, 2, json!({"gid": 1}), "a")], vec![]] {
        store.write_events(&batch).unwrap();
    }
    store
        .write_events(&[
            chat(6, 2, json!({"gid": 1}), "b"),
            chat(9, 2, json!({"gid": 1}), "c"),
        ])
        .unwrap();
    let newest: i64 = store
        .conn
        .query_row("SELECT max(mid) FROM chat", [], |r| r.get(0))
        .unwrap();
    assert_eq!(store.cursor().unwrap().after_mid, Some(newest));
    // A replay of what is stored changes nothing (no double).
    store
        .write_events(&[chat(6, 2, json!({"gid": 1}), "b")])
        .unwrap();
    let rows: i64 = store
        .conn
        .query_row("SELECT count(*) FROM chat", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 3);
}

#[test]
fn a_deleted_message_leaves_the_disk_and_does_not_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    store
        .write_events(&[
            chat(20, 2, json!({"gid": 1}), "secret plans"),
            delete(21, 2, 20),
        ])
        .unwrap();
    // An older history page brings the message again: it stays gone.
    let ServerEvent::Chat(original) = chat(20, 2, json!({"gid": 1}), "secret plans") else {
        unreachable!()
    };
    store
        .write_history(ConvKey::Group(1), &[original], false)
        .unwrap();
    let hits: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM chat WHERE json LIKE '%secret plans%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hits, 0);
    let loaded = store.load().unwrap();
    assert!(
        loaded
            .chat
            .convs
            .get(&ConvKey::Group(1))
            .is_none_or(|c| c.visible().count() == 0)
    );
}

#[test]
fn a_snapshot_replaces_the_deltas_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let rename: ServerEvent =
        serde_json::from_value(json!({"type": "group_changed", "gid": 1, "name": "renamed"}))
            .unwrap();
    store.write_events(&directory()).unwrap();
    store.write_events(&[rename]).unwrap();
    assert_eq!(
        store.load().unwrap().chat.conv_name(ConvKey::Group(1)),
        "renamed"
    );
    // The next connection sends the groups again: the old delta goes.
    store.write_events(&directory()[1..]).unwrap();
    let kinds: Vec<String> = store
        .conn
        .prepare("SELECT kind FROM state ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kinds, vec!["users_snapshot", "related_groups"]);
}

#[test]
fn history_pages_come_from_the_store_oldest_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let events: Vec<ServerEvent> = (1..=10)
        .map(|i| chat(i, 2, json!({"gid": 1}), &format!("m{i}")))
        .collect();
    store.write_events(&events).unwrap();
    let page = store.history(ConvKey::Group(1), Some(8), 3).unwrap();
    assert_eq!(
        page.iter().map(|m| m.mid).collect::<Vec<_>>(),
        vec![5, 6, 7]
    );
    assert!(
        store
            .history(ConvKey::Group(2), None, 3)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn drafts_and_the_open_conversation_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    open(dir.path())
        .save_view(
            Some(ConvKey::User(2)),
            &[
                (ConvKey::Group(1), "half a thought\nsecond line".into()),
                (ConvKey::User(2), String::new()),
            ],
            ComposeTarget::Reply(12),
        )
        .unwrap();
    let loaded = open(dir.path()).load().unwrap();
    assert_eq!(loaded.open, Some(ConvKey::User(2)));
    assert_eq!(
        loaded.target,
        ComposeTarget::Reply(12),
        "the reply in progress too"
    );
    assert_eq!(
        loaded.drafts,
        vec![(ConvKey::Group(1), "half a thought\nsecond line".to_string())]
    );
}

#[test]
fn another_server_id_wipes_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    assert!(!store.check_server("server-a").unwrap());
    store
        .write_events(&[chat(3, 2, json!({"gid": 1}), "old server")])
        .unwrap();
    assert!(!store.check_server("server-a").unwrap());
    assert!(store.check_server("server-b").unwrap(), "wiped");
    let loaded = store.load().unwrap();
    assert!(loaded.chat.convs.is_empty());
    assert_eq!(loaded.cursor, Cursor::default());
}

#[test]
fn a_store_of_an_older_schema_is_migrated_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(dir.path(), "https://chat.example.com", ME);
    {
        crate::logging::open_private(&path).unwrap();
        let conn = Connection::open(&path).unwrap();
        schema::migrate_to(&conn, 1).unwrap();
        conn.execute(
            "INSERT INTO chat (mid, conv, json) VALUES (?1, 'g1', ?2)",
            params![
                4,
                serde_json::to_string(&match chat(4, 2, json!({"gid": 1}), "from v1") {
                    ServerEvent::Chat(m) => m,
                    _ => unreachable!(),
                })
                .unwrap()
            ],
        )
        .unwrap();
    }
    let mut store = Store::open(&path, ME).unwrap();
    let version: i64 = store
        .conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, schema::VERSION);
    store.write_events(&[delete(5, 2, 4)]).unwrap();
    assert!(
        store
            .history(ConvKey::Group(1), None, 10)
            .unwrap()
            .iter()
            .all(|m| m.mid != 4)
    );
}

#[test]
fn a_store_from_a_newer_client_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(dir.path(), "https://chat.example.com", ME);
    crate::logging::open_private(&path).unwrap();
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = Store::open(&path, ME).err().unwrap().to_string();
    assert!(err.contains("newer vocechat-tui"), "{err}");
}

#[test]
fn a_file_that_is_not_a_database_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(dir.path(), "https://chat.example.com", ME);
    crate::logging::open_private(&path).unwrap();
    std::fs::write(&path, vec![0x42; 8192]).unwrap();
    let err = Store::open(&path, ME).err().unwrap().to_string();
    assert!(err.contains("local store"), "{err}");
}

#[cfg(unix)]
#[test]
fn the_store_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(store.path()), 0o600);
    assert_eq!(mode(store.path().parent().unwrap()), 0o700);
}

#[test]
fn the_outbox_keeps_a_message_until_the_server_has_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = |local_id| Outgoing {
        local_id,
        content_type: "text/plain".into(),
        body: format!("queued {local_id}"),
        reply_to: None,
        created_at: 5,
        failed: None,
    };
    let mut store = open(dir.path());
    store.queue(ConvKey::Group(1), &out(7)).unwrap();
    store.queue(ConvKey::User(2), &out(8)).unwrap();
    store.queue(ConvKey::Group(1), &out(9)).unwrap();
    let loaded = open(dir.path()).load().unwrap();
    assert_eq!(
        loaded
            .outbox
            .iter()
            .map(|(k, p)| (*k, p.local_id, p.content.body()))
            .collect::<Vec<_>>(),
        vec![
            (ConvKey::Group(1), 7, "queued 7".to_string()),
            (ConvKey::User(2), 8, "queued 8".to_string()),
            (ConvKey::Group(1), 9, "queued 9".to_string()),
        ]
    );
    assert!(
        loaded
            .outbox
            .iter()
            .all(|(_, p)| matches!(p.state, PendingState::Waiting(_)))
    );
    // Acknowledged by the POST's answer, or by its echo in the stream.
    store.unqueue(7).unwrap();
    let ServerEvent::Chat(mut echo) = chat(30, ME, json!({"uid": 2}), "queued 8") else {
        unreachable!()
    };
    echo.detail = serde_json::from_value(json!({"type": "normal",
        "content_type": "text/plain", "content": "queued 8", "properties": {"local_id": 8}}))
    .unwrap();
    store.write_events(&[ServerEvent::Chat(echo)]).unwrap();
    let left: Vec<i64> = store
        .load()
        .unwrap()
        .outbox
        .iter()
        .map(|(_, p)| p.local_id)
        .collect();
    assert_eq!(left, vec![9]);
}

#[test]
fn burn_after_reading_messages_leave_the_disk_when_they_expire() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let burning: ServerEvent = ServerEvent::Chat(
        serde_json::from_value(json!({
            "mid": 40, "from_uid": 2, "created_at": 10_000, "target": {"gid": 1},
            "detail": {"type": "normal", "content_type": "text/plain",
                       "content": "read me once", "properties": null, "expires_in": 30}
        }))
        .unwrap(),
    );
    store
        .write_events(&[burning, chat(41, 2, json!({"gid": 1}), "stays")])
        .unwrap();
    assert_eq!(store.purge_expired(10_000 + 29_999).unwrap(), 0);
    assert_eq!(store.purge_expired(10_000 + 30_000).unwrap(), 1);
    let left: Vec<i64> = store
        .history(ConvKey::Group(1), None, 10)
        .unwrap()
        .iter()
        .map(|m| m.mid)
        .collect();
    assert_eq!(left, vec![41]);
}

#[test]
fn a_wipe_forgets_everything() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    store.write_events(&directory()).unwrap();
    store
        .write_events(&[chat(3, 2, json!({"gid": 1}), "x")])
        .unwrap();
    store
        .save_view(
            Some(ConvKey::Group(1)),
            &[(ConvKey::Group(1), "d".into())],
            ComposeTarget::Edit(3),
        )
        .unwrap();
    store.wipe().unwrap();
    let loaded = open(dir.path()).load().unwrap();
    assert!(loaded.chat.convs.is_empty() && loaded.chat.users.is_empty());
    assert!(loaded.drafts.is_empty() && loaded.open.is_none());
    assert_eq!(loaded.target, ComposeTarget::New);
    assert_eq!(loaded.cursor, Cursor::default());
}

fn reaction(mid: i64, target: i64, detail: serde_json::Value) -> ServerEvent {
    ServerEvent::Chat(
        serde_json::from_value(json!({
            "mid": mid, "from_uid": 2, "created_at": 1_000 + mid, "target": {"gid": 1},
            "detail": {"type": "reaction", "mid": target, "detail": detail}
        }))
        .unwrap(),
    )
}

fn rows_with(store: &Store, text: &str) -> i64 {
    store
        .conn
        .query_row(
            "SELECT count(*) FROM chat WHERE json LIKE ?1",
            params![format!("%{text}%")],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_deleted_message_takes_its_edits_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let edit = |mid, text: &str| {
        reaction(
            mid,
            50,
            json!({"type": "edit", "content_type": "text/plain", "content": text}),
        )
    };
    store
        .write_events(&[
            chat(50, 2, json!({"gid": 1}), "first draft"),
            edit(51, "second draft"),
        ])
        .unwrap();
    store.write_events(&[delete(52, 2, 50)]).unwrap();
    // A late edit or like of the deleted message is not stored either.

    store.write_events(&[edit(53, "third draft")]).unwrap();
    for text in ["first draft", "second draft", "third draft"] {
        assert_eq!(rows_with(&store, text), 0, "{text} is still on disk");
    }
}

#[test]
fn an_expired_message_takes_its_edits_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let burning: ServerEvent = ServerEvent::Chat(
        serde_json::from_value(json!({
            "mid": 60, "from_uid": 2, "created_at": 5_000, "target": {"gid": 1},
            "detail": {"type": "normal", "content_type": "text/plain",
                       "content": "burn me", "properties": null, "expires_in": 10}
        }))
        .unwrap(),
    );
    store
        .write_events(&[
            burning,
            reaction(
                61,
                60,
                json!({"type": "edit", "content_type": "text/plain", "content": "burn me too"}),
            ),
        ])
        .unwrap();
    store.purge_expired(15_000).unwrap();
    assert_eq!(rows_with(&store, "burn me"), 0);
}

#[test]
fn the_cursor_follows_the_stream_when_a_restored_server_reuses_mids() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    store
        .write_events(&[chat(70, 2, json!({"gid": 1}), "before the backup")])
        .unwrap();
    // The server was restored from a backup: mid 65 comes again, and 70 is reused.
    let reused = ServerEvent::Chat(
        serde_json::from_value(json!({
            "mid": 70, "from_uid": 2, "created_at": 99_999, "target": {"gid": 1},
            "detail": {"type": "normal", "content_type": "text/plain",
                       "content": "after the backup", "properties": null}
        }))
        .unwrap(),
    );
    store
        .write_events(&[chat(65, 2, json!({"gid": 1}), "restored 65")])
        .unwrap();
    assert_eq!(
        store.cursor().unwrap().after_mid,
        Some(65),
        "resume from where the stream is"
    );
    store.write_events(&[reused]).unwrap();
    assert_eq!(rows_with(&store, "after the backup"), 1);
    assert_eq!(rows_with(&store, "before the backup"), 0);
}

#[tokio::test]
async fn after_a_wipe_nothing_is_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let handle = task::spawn(open(dir.path()), tx);
    handle.send(task::Job::Event(Box::new(chat(
        80,
        2,
        json!({"gid": 1}),
        "kept?",
    ))));
    let (done, wiped) = tokio::sync::oneshot::channel();
    handle.send(task::Job::Wipe(done));
    // What the stream and the composer hand over during and after the logout.
    handle.send(task::Job::Event(Box::new(chat(
        81,
        2,
        json!({"gid": 1}),
        "late",
    ))));
    handle.send(task::Job::View {
        open: Some(ConvKey::Group(1)),
        drafts: vec![(ConvKey::Group(1), "late draft".into())],
        target: ComposeTarget::New,
    });
    wiped.await.unwrap();
    handle.flush(std::time::Duration::from_secs(2)).await;
    let loaded = open(dir.path()).load().unwrap();
    assert!(
        loaded.chat.convs.is_empty(),
        "{:?}",
        loaded.chat.convs.keys()
    );
    assert!(loaded.drafts.is_empty() && loaded.cursor == Cursor::default());
}

#[test]
fn a_capped_replay_leaves_a_gap_that_pages_from_the_server_fill() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let lobby = ConvKey::Group(1);
    let old: Vec<ServerEvent> = (1..=50)
        .map(|i| chat(i, 2, json!({"gid": 1}), &format!("old {i}")))
        .collect();
    store.write_events(&old).unwrap();
    // Away for long: the server replays only its newest 5000 (mids 10001..=15000).
    store.replay_starts().unwrap();
    let replay: Vec<ServerEvent> = (10_001..=15_000)
        .map(|i| chat(i, 2, json!({"gid": 1}), "replayed"))
        .chain([ServerEvent::Ready])
        .collect();
    for batch in replay.chunks(700) {
        store.write_events(batch).unwrap();
    }
    // Scrolling up stops at the gap instead of joining mid 10001 to mid 50.
    let page = store.history(lobby, Some(10_001), 100).unwrap();
    assert!(
        page.is_empty(),
        "served across the gap: {:?}",
        page.first().map(|m| m.mid)
    );
    // The server's pages fill it from above…
    let filler = |range: std::ops::RangeInclusive<i64>| -> Vec<ChatMessage> {
        range
            .map(|i| match chat(i, 2, json!({"gid": 1}), "filled") {
                ServerEvent::Chat(m) => m,
                _ => unreachable!(),
            })
            .collect()
    };
    store
        .write_history(lobby, &filler(9_901..=10_000), false)
        .unwrap();
    assert_eq!(store.history(lobby, Some(10_001), 100).unwrap().len(), 100);
    assert!(
        store.history(lobby, Some(9_901), 100).unwrap().is_empty(),
        "still a gap below"
    );
    // …until they reach what was stored before.
    store
        .write_history(lobby, &filler(40..=9_900), false)
        .unwrap();
    let across = store.history(lobby, Some(60), 20).unwrap();
    assert_eq!(across.first().map(|m| m.mid), Some(40));
    let below = store.history(lobby, Some(40), 100).unwrap();
    assert_eq!(
        below.len(),
        39,
        "the gap is closed: the old records are served again"
    );
}

#[test]
fn a_replay_under_the_cap_leaves_no_gap() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    store
        .write_events(&[chat(1, 2, json!({"gid": 1}), "old")])
        .unwrap();
    store.replay_starts().unwrap();
    store
        .write_events(&[chat(900, 2, json!({"gid": 1}), "new"), ServerEvent::Ready])
        .unwrap();
    let page = store.history(ConvKey::Group(1), None, 10).unwrap();
    assert_eq!(page.iter().map(|m| m.mid).collect::<Vec<_>>(), vec![1, 900]);
}

#[test]
fn two_servers_never_share_a_store_file() {
    let dir = Path::new("/data");
    let a = store_path(dir, "https://ü.example/", 1);
    let b = store_path(dir, "https://ö.example/", 1);
    assert_ne!(a, b);
    assert_eq!(
        a,
        store_path(dir, "https://ü.example", 1),
        "a trailing / is the same server"
    );
    assert_ne!(a, store_path(dir, "https://ü.example", 2));
}

#[test]
fn a_long_run_of_user_log_deltas_is_folded_into_one_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    store.write_events(&directory()).unwrap();
    let renames: Vec<ServerEvent> = (8..=300)
        .map(|log_id| {
            serde_json::from_value(json!({"type": "users_log", "logs": [
                {"log_id": log_id, "action": "update", "uid": 2, "name": format!("bob {log_id}")}
            ]}))
            .unwrap()
        })
        .collect();
    store.write_events(&renames).unwrap();
    let before = store.load().unwrap();
    assert!(store.compact_users(&before.chat).unwrap());
    let kinds: Vec<String> = store
        .conn
        .prepare("SELECT kind FROM state ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(kinds, vec!["users_snapshot", "related_groups"]);
    let after = store.load().unwrap();
    assert_eq!(after.chat.users, before.chat.users);
    assert_eq!(after.chat.user_name(2), "bob 300");
    assert_eq!(after.cursor.users_version, Some(300));
    assert!(
        !store.compact_users(&after.chat).unwrap(),
        "nothing left to fold"
    );
}

#[test]
fn a_message_refused_for_good_stays_failed_and_is_not_sent_again_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let out = Outgoing {
        local_id: 5,
        content_type: "text/plain".into(),
        body: "far too long".into(),
        reply_to: None,
        created_at: 1,
        failed: None,
    };
    store.queue(ConvKey::Group(1), &out).unwrap();
    store
        .mark_failed(5, "too large for the server's size limit")
        .unwrap();
    let loaded = open(dir.path()).load().unwrap();
    assert_eq!(loaded.outbox.len(), 1);
    assert_eq!(
        loaded.outbox[0].1.state,
        PendingState::Failed("too large for the server's size limit".into())
    );
    // The retry key queues it again, no longer failed.
    store.queue(ConvKey::Group(1), &out).unwrap();
    let again = open(dir.path()).load().unwrap();
    assert!(matches!(again.outbox[0].1.state, PendingState::Waiting(_)));
}

#[test]
fn an_upload_cut_short_by_a_stop_is_remembered_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    store
        .upload_started(ConvKey::Group(1), 11, "/home/me/a.pdf")
        .unwrap();
    store
        .upload_started(ConvKey::User(2), 12, "/home/me/b.png")
        .unwrap();
    store.upload_ended(11).unwrap();
    let mut again = open(dir.path());
    assert_eq!(
        again.interrupted_uploads().unwrap(),
        vec![(ConvKey::User(2), "/home/me/b.png".to_string())]
    );
    assert!(
        again.interrupted_uploads().unwrap().is_empty(),
        "offered once"
    );
}

#[test]
fn queued_changes_survive_a_restart_until_acknowledged() {
    use crate::model::{Change, PendingChange};
    use crate::protocol::types::Content;
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let change = |id, change| PendingChange {
        id,
        key: ConvKey::Group(1),
        mid: 12,
        change,
        state: PendingState::Sending,
    };
    let edit = change(7, Change::Edit(Content::Markdown("**new**".into())));
    let like = change(
        8,
        Change::React {
            emoji: "👍".into(),
            on: false,
        },
    );
    let delete = change(9, Change::Delete);
    for c in [&edit, &like, &delete] {
        store.queue_change(c).unwrap();
    }
    store.mark_failed(9, "not allowed: not yours").unwrap();
    let restored = open(dir.path()).load().unwrap().chat.changes;
    let waiting = PendingState::Waiting("not sent before the client stopped".into());
    assert_eq!(
        restored,
        vec![
            PendingChange {
                state: waiting.clone(),
                ..edit
            },
            PendingChange {
                state: waiting,
                ..like
            },
            PendingChange {
                state: PendingState::Failed("not allowed: not yours".into()),
                ..delete
            },
        ]
    );
    store.unqueue(7).unwrap();
    let left: Vec<i64> = open(dir.path())
        .load()
        .unwrap()
        .chat
        .changes
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(left, vec![8, 9]);
}

#[test]
fn an_older_page_brings_the_later_reactions_of_its_messages() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let mut events = directory();
    for mid in 1..=30 {
        events.push(chat(mid, 2, json!({"gid": 1}), &format!("m{mid}")));
    }
    events.push(
        serde_json::from_value(json!({"type": "chat", "mid": 40, "from_uid": 1,
            "created_at": 1_040, "target": {"gid": 1},
            "detail": {"type": "reaction", "mid": 3, "detail": {"type": "like", "action": "👍"}}}))
        .unwrap(),
    );
    events.push(delete(41, 2, 4));
    store.write_events(&events).unwrap();
    let page = store.history(ConvKey::Group(1), Some(10), 5).unwrap();
    let mids: Vec<i64> = page.iter().map(|m| m.mid).collect();
    assert_eq!(
        mids,
        vec![5, 6, 7, 8, 9],
        "none of 5..9 has a later reaction"
    );
    let page = store.history(ConvKey::Group(1), Some(10), 8).unwrap();
    let mids: Vec<i64> = page.iter().map(|m| m.mid).collect();
    // A deleted message left the disk (4); its delete record stays, with the like of 3.
    assert_eq!(mids, vec![1, 2, 3, 5, 6, 7, 8, 9, 40, 41]);
    // Folded into a model that let those messages go, they come back as they were.
    let mut model = crate::model::ChatModel::new(ME);
    for ev in directory() {
        model.apply(ev);
    }
    model.apply_history_page(ConvKey::Group(1), Some(10), page, 8);
    assert_eq!(model.message(3).unwrap().reactions["👍"].len(), 1);
    assert!(model.message(4).is_none());
}

#[test]
fn a_deleted_mid_reused_by_a_restored_server_is_stored_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    // chat() sets created_at = 1_000 + mid: message 70 at 1_070, deleted at 1_071.
    store
        .write_events(&[
            chat(70, 2, json!({"gid": 1}), "deleted before the backup"),
            delete(71, 2, 70),
        ])
        .unwrap();
    // An older history page brings the deleted message back: it stays off the disk.
    store
        .write_history(
            ConvKey::Group(1),
            &[
                match chat(70, 2, json!({"gid": 1}), "deleted before the backup") {
                    ServerEvent::Chat(m) => m,
                    _ => unreachable!(),
                },
            ],
            false,
        )
        .unwrap();
    assert_eq!(rows_with(&store, "deleted before the backup"), 0);
    // The server was restored from a backup and gave mid 70 to a new message.
    let reused = ServerEvent::Chat(
        serde_json::from_value(json!({
            "mid": 70, "from_uid": 2, "created_at": 99_999, "target": {"gid": 1},
            "detail": {"type": "normal", "content_type": "text/plain",
                       "content": "new under an old mid", "properties": null}
        }))
        .unwrap(),
    );
    store.write_events(&[reused]).unwrap();
    assert_eq!(rows_with(&store, "new under an old mid"), 1);
    // And its likes are kept.
    store
        .write_events(&[reaction(
            100_000,
            70,
            json!({"type": "like", "action": "👍"}),
        )])
        .unwrap();
    let loaded = open(dir.path()).load().unwrap();
    let m = loaded.chat.message(70).unwrap();
    assert_eq!(m.content, "new under an old mid");
    assert!(!m.deleted, "the old message's deletion went with it");
    assert_eq!(m.reactions["👍"].len(), 1);
}

fn search(store: &Store, q: crate::model::SearchQuery) -> Vec<i64> {
    store
        .search(&q, 50)
        .unwrap()
        .iter()
        .map(|h| h.mid)
        .collect()
}

fn words(terms: &[&str]) -> crate::model::SearchQuery {
    crate::model::SearchQuery {
        terms: terms.iter().map(|t| (*t).to_string()).collect(),
        ..Default::default()
    }
}

#[test]
fn search_finds_substrings_in_any_script_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    store
        .write_events(&[
            chat(1, 2, json!({"gid": 1}), "我们明天在北京开会"),
            chat(2, 2, json!({"uid": 2}), "東京で会いましょう"),
            chat(3, 1, json!({"gid": 1}), "Le café est prêt"),
            chat(4, 2, json!({"gid": 1}), "deploy the release tonight"),
            chat(5, 2, json!({"gid": 1}), "北京 is cold"),
        ])
        .unwrap();
    assert_eq!(
        search(&store, words(&["北京"])),
        vec![5, 1],
        "two characters"
    );
    assert_eq!(search(&store, words(&["明天在北京"])), vec![1]);
    assert_eq!(search(&store, words(&["東京"])), vec![2]);
    assert_eq!(search(&store, words(&["cafe"])), vec![3], "accents ignored");
    assert_eq!(search(&store, words(&["PRÊT"])), vec![3], "case ignored");
    assert_eq!(
        search(&store, words(&["leas", "tonig"])),
        vec![4],
        "every term"
    );
    assert_eq!(search(&store, words(&["the release"])), vec![4], "a phrase");
    assert!(search(&store, words(&["release the"])).is_empty());
    assert!(
        search(&store, words(&["x\"y"])).is_empty(),
        "quotes are text"
    );
}

#[test]
fn search_finds_what_is_in_the_first_64_kib_of_a_huge_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    // 4 MiB of Chinese (3 bytes a character, so the cut falls inside one), a word just
    // before the 64 KiB mark and one just past it.
    let filler = |bytes: usize| "北京".repeat(bytes / 6);
    let huge = |mid: i64| {
        format!(
            "{}earlyword{}lateword{}finalword {mid}",
            filler(64 * 1024 - 100),
            filler(200),
            filler(4 << 20)
        )
    };
    store
        .write_events(&[chat(1, 2, json!({"gid": 1}), &huge(1))])
        .unwrap();
    drop(store);
    let mut store = open(dir.path());
    assert_eq!(search(&store, words(&["earlyword"])), vec![1]);
    assert!(search(&store, words(&["lateword"])).is_empty());
    assert!(search(&store, words(&["finalword"])).is_empty());
    let hits = store.search(&words(&["earlyword"]), 10).unwrap();
    assert!(hits[0].text.len() <= 64 * 1024, "{}", hits[0].text.len());
    // An edit to a huge text is indexed the same way.
    store
        .write_events(&[reaction(
            2,
            1,
            json!({"type": "edit", "content_type": "text/plain",
                   "content": huge(1).replace("earlyword", "editedword")}),
        )])
        .unwrap();
    assert_eq!(search(&store, words(&["editedword"])), vec![1]);
    assert!(search(&store, words(&["earlyword"])).is_empty());
    assert!(search(&store, words(&["lateword"])).is_empty());
}

#[test]
fn search_follows_edits_deletes_and_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let edit = |mid, target, text: &str| {
        reaction(
            mid,
            target,
            json!({"type": "edit", "content_type": "text/plain", "content": text}),
        )
    };
    // The edit of 1 is stored before 1 itself (history pages come newest first).
    store
        .write_events(&[edit(10, 1, "second thoughts")])
        .unwrap();
    store
        .write_events(&[
            chat(1, 2, json!({"gid": 1}), "first thoughts"),
            chat(2, 2, json!({"gid": 1}), "thoughts to delete"),
            edit(11, 1, "third thoughts"),
            edit(9, 1, "an older edit arriving late"),
            delete(12, 2, 2),
        ])
        .unwrap();
    assert_eq!(search(&store, words(&["third"])), vec![1]);
    assert!(search(&store, words(&["first"])).is_empty());
    assert!(search(&store, words(&["second"])).is_empty());
    assert!(search(&store, words(&["older"])).is_empty());
    assert!(
        search(&store, words(&["delete"])).is_empty(),
        "deleted: never"
    );
    let burning = ServerEvent::Chat(
        serde_json::from_value(json!({
            "mid": 20, "from_uid": 2, "created_at": 10_000, "target": {"gid": 1},
            "detail": {"type": "normal", "content_type": "text/plain",
                       "content": "burning thoughts", "properties": null, "expires_in": 5}
        }))
        .unwrap(),
    );
    store.write_events(&[burning]).unwrap();
    let at = |now_ms| crate::model::SearchQuery {
        now_ms,
        ..words(&["burning"])
    };
    assert_eq!(search(&store, at(14_999)), vec![20]);
    assert!(search(&store, at(15_000)).is_empty(), "expired");
    store.purge_expired(15_000).unwrap();
    assert!(
        search(&store, at(0)).is_empty(),
        "purged from the index too"
    );
}

#[test]
fn a_voice_message_is_found_by_its_name_and_as_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let voice = ServerEvent::Chat(
        serde_json::from_value(json!({
            "mid": 2, "from_uid": 2, "created_at": 1_002, "target": {"gid": 1},
            "detail": {"type": "normal", "content_type": "vocechat/audio",
                       "content": "2026/7/24/m", "properties": {"name": "standup memo.m4a"}}
        }))
        .unwrap(),
    );
    store
        .write_events(&[chat(1, 2, json!({"gid": 1}), "the memo is below"), voice])
        .unwrap();
    let files = crate::model::SearchQuery {
        has_file: true,
        ..Default::default()
    };
    assert_eq!(search(&store, files), vec![2]);
    let named = crate::model::SearchQuery {
        terms: vec!["standup".into()],
        ..Default::default()
    };
    assert_eq!(search(&store, named), vec![2]);
}

#[test]
fn has_audio_finds_voice_messages_and_no_other_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let message = |mid: i64, content_type: &str, name: &str| {
        ServerEvent::Chat(
            serde_json::from_value(json!({
                "mid": mid, "from_uid": 2, "created_at": 1_000 + mid, "target": {"gid": 1},
                "detail": {"type": "normal", "content_type": content_type,
                           "content": format!("2026/7/24/{mid}"), "properties": {"name": name}}
            }))
            .unwrap(),
        )
    };
    store
        .write_events(&[
            chat(1, 2, json!({"gid": 1}), "a voice message about audio"),
            message(2, "vocechat/audio", "memo.m4a"),
            message(3, "vocechat/file", "song.mp3"),
            message(4, "vocechat/audio", "later.m4a"),
        ])
        .unwrap();
    let audio = crate::model::SearchQuery {
        has_audio: true,
        ..Default::default()
    };
    assert_eq!(search(&store, audio.clone()), vec![4, 2]);
    let named = crate::model::SearchQuery {
        terms: vec!["memo".into()],
        ..audio
    };
    assert_eq!(search(&store, named), vec![2]);
    drop(store);
    // Across a restart: the filter reads the file.
    let store = open(dir.path());
    let audio = crate::model::SearchQuery {
        has_audio: true,
        ..Default::default()
    };
    assert_eq!(search(&store, audio), vec![4, 2]);
}

#[test]
fn search_filters_by_author_conversation_kind_and_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let file = ServerEvent::Chat(
        serde_json::from_value(json!({
            "mid": 4, "from_uid": 1, "created_at": 1_004, "target": {"gid": 2},
            "detail": {"type": "normal", "content_type": "vocechat/file",
                       "content": "2026/1/1/x", "properties": {"name": "report.pdf"}}
        }))
        .unwrap(),
    );
    store
        .write_events(&[
            chat(1, 2, json!({"gid": 1}), "see https://example.com/a"),
            chat(2, 1, json!({"gid": 1}), "my report"),
            chat(3, 2, json!({"uid": 2}), "report in a DM"),
            file,
        ])
        .unwrap();
    let q = |f: fn(&mut crate::model::SearchQuery)| {
        let mut q = crate::model::SearchQuery::default();
        f(&mut q);
        search(&store, q)
    };
    assert_eq!(q(|q| q.from = vec![2]), vec![3, 1]);
    assert_eq!(q(|q| q.within = vec![ConvKey::User(2)]), vec![3]);
    assert_eq!(q(|q| q.has_file = true), vec![4]);
    assert_eq!(q(|q| q.has_link = true), vec![1]);
    assert_eq!(q(|q| q.before = Some(1_003)), vec![2, 1]);
    assert_eq!(q(|q| q.after = Some(1_003)), vec![4, 3]);
    assert_eq!(
        q(|q| {
            q.terms = vec!["report".into()];
            q.from = vec![1];
        }),
        vec![4, 2],
        "a file by its name"
    );
}

#[test]
fn a_store_from_before_the_index_is_indexed_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = store_path(dir.path(), "https://chat.example.com", ME);
    {
        let mut store = Store::open(&path, ME).unwrap();
        store
            .write_events(&[chat(1, 2, json!({"gid": 1}), "from an older client")])
            .unwrap();
        // As a store of schema 9 would be: no index, no flag.
        store
            .conn
            .execute_batch(
                "DELETE FROM search_text; DELETE FROM search_meta;
                 DELETE FROM meta WHERE key = 'search_indexed';",
            )
            .unwrap();
    }
    let mut store = Store::open(&path, ME).unwrap();
    assert!(search(&store, words(&["older client"])).is_empty());
    store.index_if_needed().unwrap();
    assert_eq!(search(&store, words(&["older client"])), vec![1]);
}

#[test]
fn coverage_says_how_far_back_each_conversation_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    store
        .write_events(&[
            chat(5, 2, json!({"gid": 1}), "a"),
            chat(6, 2, json!({"uid": 2}), "b"),
        ])
        .unwrap();
    let ServerEvent::Chat(page) = chat(2, 2, json!({"gid": 1}), "the first") else {
        unreachable!()
    };
    store
        .write_history(ConvKey::Group(1), &[page], true)
        .unwrap();
    let cov = store.coverage(&[]).unwrap();
    assert_eq!(
        cov,
        vec![
            crate::model::Coverage {
                key: ConvKey::Group(1),
                oldest: Some(1_002),
                oldest_mid: Some(2),
                fill_before: Some(2),
                stored: 2,
                complete: true
            },
            crate::model::Coverage {
                key: ConvKey::User(2),
                oldest: Some(1_006),
                oldest_mid: Some(6),
                fill_before: Some(6),
                stored: 1,
                complete: false
            },
        ]
    );
}

#[test]
fn the_inbox_holds_mentions_of_you_and_replies_to_you_from_every_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let reply = |mid: i64, from: i64, target: serde_json::Value, to: i64, text: &str| {
        ServerEvent::Chat(
            serde_json::from_value(json!({
                "mid": mid, "from_uid": from, "created_at": 1_000 + mid, "target": target,
                "detail": {"type": "reply", "mid": to, "content_type": "text/plain",
                           "content": text, "properties": null}
            }))
            .unwrap(),
        )
    };
    let mention = ServerEvent::Chat(
        serde_json::from_value(json!({
            "mid": 3, "from_uid": 2, "created_at": 1_003, "target": {"gid": 2},
            "detail": {"type": "normal", "content_type": "text/plain",
                       "content": "ping", "properties": {"mentions": [ME]}}
        }))
        .unwrap(),
    );
    store
        .write_events(&[
            chat(1, ME, json!({"gid": 1}), "my question"),
            chat(2, 2, json!({"gid": 1}), "bob's own"),
            mention,
            chat(4, 2, json!({"uid": 2}), "hey @1 in a DM"),
            reply(5, 2, json!({"gid": 1}), 1, "an answer to me"),
            reply(6, 3, json!({"gid": 1}), 2, "an answer to bob"),
            reply(7, ME, json!({"gid": 1}), 1, "my own follow-up"),
            chat(8, 2, json!({"gid": 1}), "no mention of 1 here"),
        ])
        .unwrap();
    let inbox = crate::model::SearchQuery {
        to_me: true,
        ..Default::default()
    };
    assert_eq!(search(&store, inbox.clone()), vec![5, 4, 3]);
    let with_words = crate::model::SearchQuery {
        terms: vec!["answer".into()],
        ..inbox
    };
    assert_eq!(search(&store, with_words), vec![5]);
    let replies = crate::model::SearchQuery {
        replies_to: Some(1),
        ..Default::default()
    };
    assert_eq!(
        search(&store, replies),
        vec![7, 5],
        "the replies to a message"
    );
}

#[test]
fn saved_messages_kept_locally_come_back_as_they_are_now() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    store
        .write_events(&[
            chat(1, 2, json!({"gid": 1}), "keep me"),
            chat(2, 2, json!({"gid": 1}), "keep me too"),
        ])
        .unwrap();
    store.save_local(1, ConvKey::Group(1), 100).unwrap();
    store.save_local(2, ConvKey::Group(1), 200).unwrap();
    store
        .write_events(&[
            reaction(
                3,
                1,
                json!({"type": "edit", "content_type": "text/plain", "content": "kept, edited"}),
            ),
            delete(4, 2, 2),
        ])
        .unwrap();
    let saved = open(dir.path()).saved_local().unwrap();
    assert_eq!(saved.len(), 1, "a deleted one is gone");
    assert_eq!((saved[0].mid, saved[0].text.as_str()), (1, "kept, edited"));
    assert_eq!(saved[0].from_uid, Some(2));
    store.unsave_local(1).unwrap();
    assert!(store.saved_local().unwrap().is_empty());
}

#[test]
fn an_empty_last_page_leaves_the_holes_above_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    store
        .write_events(&[chat(100, 2, json!({"gid": 1}), "after the hole")])
        .unwrap();
    store
        .conn
        .execute(
            "INSERT INTO gaps (conv, low, high) VALUES ('g1', 10, 100)",
            [],
        )
        .unwrap();
    // Nothing older than the oldest stored message: the start is reached, the hole is not
    // filled by that.
    store.write_history(ConvKey::Group(1), &[], true).unwrap();
    let cov = store.coverage(&[ConvKey::Group(1)]).unwrap();
    assert!(!cov[0].complete);
    assert_eq!(
        cov[0].fill_before,
        Some(100),
        "the next page goes into the hole"
    );
}

/// A server's mids and times may be anywhere in i64 (item 15 of issue 18): on a real file the
/// store keeps them, pages them (the record with mid i64::MAX too) and fills a gap that
/// reaches i64::MAX, without overflowing.
#[test]
fn mids_and_times_at_the_ends_of_i64_are_stored_and_paged() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let edge = |mid: i64, created_at: i64, expires_in: Option<i64>| -> ChatMessage {
        serde_json::from_value(json!({
            "mid": mid, "from_uid": 2, "created_at": created_at, "target": {"gid": 1},
            "detail": {"type": "normal", "content_type": "text/plain",
                       "content": format!("edge {mid}"), "properties": null,
                       "expires_in": expires_in}
        }))
        .unwrap()
    };
    let mut events = directory();
    events.extend(
        [
            edge(5, i64::MIN, None),
            edge(6, i64::MAX, Some(i64::MAX)),
            edge(7, 0, Some(i64::MIN)),
            edge(i64::MAX, 1_000, None),
        ]
        .map(ServerEvent::Chat),
    );
    store.write_events(&events).unwrap();
    assert_eq!(store.cursor().unwrap().after_mid, Some(i64::MAX));
    store.replay_starts().unwrap();
    // A capped replay's hole up to the top of i64, filled by a page that reaches it.
    store
        .conn
        .execute(
            "INSERT INTO gaps (conv, low, high) VALUES ('g1', 7, ?1)",
            [i64::MAX],
        )
        .unwrap();
    store
        .write_history(
            ConvKey::Group(1),
            &[edge(i64::MAX - 1, 2_000, None), edge(i64::MAX, 1_000, None)],
            false,
        )
        .unwrap();
    let gap: (i64, i64) = store
        .conn
        .query_row("SELECT low, high FROM gaps", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        gap,
        (7, i64::MAX - 1),
        "the page shrank the hole to below it"
    );
    // The newest page holds the record with mid i64::MAX; below the hole nothing is served.
    let page = store.history(ConvKey::Group(1), None, 10).unwrap();
    let mids: Vec<i64> = page.iter().map(|m| m.mid).collect();
    assert_eq!(mids, [i64::MAX - 1, i64::MAX]);
    assert!(
        store
            .history(ConvKey::Group(1), Some(i64::MIN), 10)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.purge_expired(1_795_338_000_000).unwrap(),
        0,
        "burning at the end of i64 is not burnt yet"
    );
    drop(store);
    let loaded = open(dir.path()).load().unwrap();
    assert_eq!(loaded.cursor.after_mid, Some(i64::MAX));
    // What is above the hole comes back.
    assert_eq!(
        texts(&loaded, ConvKey::Group(1)),
        [
            format!("edge {}", i64::MAX - 1),
            format!("edge {}", i64::MAX)
        ]
    );
}

/// Every kind the state table keeps is bounded: written three times over, then each snapshot
/// once more, the table holds exactly one row per snapshot kind (each snapshot replaced its
/// older copy and its deltas), no live event was kept, and a delta waits for a snapshot that
/// exists. A kind left out of `superseded` would leave rows behind here.
#[test]
fn every_kept_kind_is_replaced_by_its_snapshot() {
    use crate::protocol::EventKind;
    use crate::protocol::event::samples::sample;
    use events::{Kept, kept};
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    let state_rows = |store: &Store| -> Vec<String> {
        store
            .conn
            .prepare("SELECT kind FROM state ORDER BY kind")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let snapshots: Vec<EventKind> = EventKind::ALL
        .iter()
        .copied()
        .filter(|k| kept(*k) == Kept::Snapshot)
        .collect();
    for &kind in EventKind::ALL {
        if let Kept::DeltaOf(snapshot) = kept(kind) {
            assert_eq!(
                kept(snapshot),
                Kept::Snapshot,
                "{kind:?} waits for {snapshot:?}"
            );
        }
    }
    for _ in 0..3 {
        for &kind in EventKind::ALL {
            store.write_events(&[sample(kind)]).unwrap();
        }
    }
    // Deltas wait for their snapshot; only kinds that are kept are there.
    let rows = state_rows(&store);
    assert!(rows.len() > snapshots.len(), "the last round's deltas wait");
    for row in &rows {
        let kind = EventKind::from_name(row).unwrap();
        assert!(
            matches!(
                kept(kind),
                Kept::Snapshot | Kept::DeltaOf(_) | Kept::Latest(_)
            ),
            "{row} kept"
        );
    }
    for kind in &snapshots {
        store.write_events(&[sample(*kind)]).unwrap();
    }
    // Snapshots, and the latest of each kind kept per key (the samples have one key each).
    let mut expected: Vec<String> = EventKind::ALL
        .iter()
        .filter(|k| matches!(kept(**k), Kept::Snapshot | Kept::Latest(_)))
        .map(|k| k.name().to_string())
        .collect();
    expected.sort();
    assert_eq!(state_rows(&store), expected);
    // Each snapshot alone replaces its older copy.
    for kind in &snapshots {
        store.write_events(&[sample(*kind), sample(*kind)]).unwrap();
        assert_eq!(state_rows(&store), expected, "{kind:?}");
    }
}

/// What is known of the server is kept with its store and back in the model at the next
/// start; a store of another server starts knowing nothing of it.
#[test]
fn what_is_known_of_the_server_survives_a_restart_and_not_a_new_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut caps = crate::model::Capabilities::default();
    caps.learn_version("0.5.31");
    caps.learn_common(Some(crate::protocol::newer::SystemCommon {
        dm_enable: Some(false),
        ..Default::default()
    }));
    caps.lacks(crate::model::Feature::PinChats);
    {
        let mut store = open(dir.path());
        store.check_server("server-a").unwrap();
        store.save_capabilities(&caps).unwrap();
    }
    let mut store = open(dir.path());
    assert!(!store.check_server("server-a").unwrap());
    assert_eq!(store.load().unwrap().chat.server, caps);
    assert!(store.check_server("server-b").unwrap());
    assert_eq!(
        store.load().unwrap().chat.server,
        crate::model::Capabilities::default()
    );
}

/// Issue 23: the notification rules set at run time survive a restart; an unreadable value
/// is as none.
#[test]
fn notification_rules_are_kept() {
    use crate::model::NotifyLevel;
    let dir = tempfile::tempdir().unwrap();
    let mut rules = crate::model::NotifyRules {
        dnd_until: Some(123_456),
        ..Default::default()
    };
    rules.set(ConvKey::Group(3), Some(NotifyLevel::None));
    rules.set(ConvKey::User(7), Some(NotifyLevel::All));
    {
        let mut store = open(dir.path());
        store.save_notify_rules(&rules).unwrap();
    }
    let store = open(dir.path());
    assert_eq!(store.load().unwrap().chat.notify_rules, rules);
    store
        .conn
        .execute(
            "UPDATE meta SET value = 'not json' WHERE key = 'notify_rules'",
            [],
        )
        .unwrap();
    assert_eq!(
        store.load().unwrap().chat.notify_rules,
        crate::model::NotifyRules::default()
    );
}
