//! The voice cache at an account's opening, on real files: the played messages of history
//! the store's fences cleared, and unfinished downloads, leave `voice/`; the rest stays.

use super::store::local_store;
use crate::protocol::ServerEvent;
use crate::runtime::store::{Store, store_path};

const SERVER: &str = "https://chat.example.com";

#[tokio::test]
async fn opening_the_account_removes_the_cleared_voice_messages() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open(&store_path(dir.path(), SERVER, 1), 1).unwrap();
        let events: Vec<ServerEvent> = vec![
            serde_json::from_value(serde_json::json!({"type": "related_groups", "groups": [
                {"gid": 1, "owner": 2, "name": "lobby", "members": [], "is_public": true}]}))
            .unwrap(),
            ServerEvent::Chat(
                serde_json::from_value(serde_json::json!({
                    "mid": 10, "from_uid": 2, "created_at": 1_000, "target": {"gid": 1},
                    "detail": {"type": "normal", "content_type": "vocechat/audio",
                               "content": "2026/1/1/memo", "properties": null}
                }))
                .unwrap(),
            ),
            ServerEvent::GroupMessageCleared { gid: 1 },
        ];
        store.write_events(&events).unwrap();
    }
    let voice = crate::runtime::tasks::voice_cache::account_dir(dir.path(), SERVER, 1);
    std::fs::create_dir_all(&voice).unwrap();
    // Another account's cache (another server numbers its channels alike) is not touched.
    let other =
        crate::runtime::tasks::voice_cache::account_dir(dir.path(), "https://other.example", 1);
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("g1-10-2026_1_1_memo.ogg"), b"bytes").unwrap();
    // A file an earlier version cached straight in voice/: nobody's, it goes.
    let old = dir.path().join("voice").join("g5-1-old.ogg");
    std::fs::write(&old, b"bytes").unwrap();
    for name in ["g1-10-2026_1_1_memo.ogg", "g2-10-x.ogg", "u3-4-y.ogg.part"] {
        std::fs::write(voice.join(name), b"bytes").unwrap();
    }
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    assert!(local_store(dir.path(), SERVER, 1, "id", tx).is_ok());
    let left: Vec<String> = std::fs::read_dir(&voice)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["g2-10-x.ogg"]);
    assert!(other.join("g1-10-2026_1_1_memo.ogg").exists());
    assert!(!old.exists());
}
