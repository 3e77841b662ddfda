//! Pinned chats, remarks and announcements survive a restart (real SQLite files): pins with
//! the settings snapshot and its changes, the latest remark per person and announcement per
//! channel (no snapshot brings those back at a start).

use super::*;
use crate::protocol::newer::GroupAnnouncement;

fn open(dir: &Path) -> Store {
    Store::open(&store_path(dir, "https://chat.example.com", 1), 1).unwrap()
}

fn ev(json: &str) -> ServerEvent {
    serde_json::from_str(json).unwrap()
}

fn remark(uid: i64, text: &str) -> ServerEvent {
    ServerEvent::UserRemark {
        contact_uid: uid,
        remark: text.into(),
    }
}

fn announced(gid: i64, content: Option<&str>) -> ServerEvent {
    ServerEvent::GroupAnnouncementChanged {
        gid,
        announcement: content.map(|c| GroupAnnouncement {
            gid,
            content: c.into(),
            created_by: 1,
            created_at: 1,
            updated_at: 2,
        }),
    }
}

fn state_rows(store: &Store) -> i64 {
    store
        .conn
        .query_row("SELECT count(*) FROM state", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn pins_remarks_and_announcements_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = open(dir.path());
        store
            .write_events(&[
                ev(r#"{"type":"user_settings","pinned_chats":[{"target":{"gid":1},"updated_at":1}]}"#),
                ev(r#"{"type":"user_settings_changed","add_pin_chats":[{"target":{"uid":2},"updated_at":2}]}"#),
                remark(2, "Bobby"),
                remark(3, "Caz"),
                remark(2, "Bob B."),
                remark(3, ""),
                announced(1, Some("first")),
                announced(1, Some("second")),
                announced(2, Some("dev rules")),
                announced(2, None),
            ])
            .unwrap();
        // The latest per person and per channel only, and no row for a removal: 2 settings
        // rows, 1 remark, 1 announcement.
        assert_eq!(state_rows(&store), 4);
    }
    let chat = open(dir.path()).load().unwrap().chat;
    assert_eq!(chat.pins, Some(vec![ConvKey::User(2), ConvKey::Group(1)]));
    assert_eq!(chat.remarks.len(), 1);
    assert_eq!(chat.remarks[&2], "Bob B.");
    assert_eq!(chat.announcements.len(), 1);
    assert_eq!(chat.announcements[&1].content, "second");
}

fn groups(gids: &[i64]) -> ServerEvent {
    let groups: Vec<String> = gids
        .iter()
        .map(|g| format!(r#"{{"gid":{g},"name":"g{g}","is_public":true}}"#))
        .collect();
    ev(&format!(
        r#"{{"type":"related_groups","groups":[{}]}}"#,
        groups.join(",")
    ))
}

#[test]
fn kept_announcements_load_after_a_newer_snapshot_and_go_with_their_channel() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    store
        .write_events(&[
            groups(&[1, 2]),
            remark(2, "Bobby"),
            announced(1, Some("lobby rules")),
            announced(2, Some("dev rules")),
            ServerEvent::GroupMessageCleared { gid: 2 },
        ])
        .unwrap();
    // A reconnect writes the snapshots again: after the announcements. (At a start the
    // announcements before it are taken as no channel is known yet; the snapshot then keeps
    // those of its channels.)
    store
        .write_events(&[
            groups(&[1, 2]),
            ev(r#"{"type":"users_snapshot","version":2,"users":[{"uid":2,"name":"bob"}]}"#),
        ])
        .unwrap();
    let chat = open(dir.path()).load().unwrap().chat;
    assert_eq!(chat.announcements.len(), 2);
    assert_eq!(chat.remarks[&2], "Bobby");
    assert!(chat.cleared.groups.contains_key(&2));
    // Out of dev: its announcement and its fence go from the disk.
    store.write_events(&[groups(&[1])]).unwrap();
    assert_eq!(store.read_cleared().unwrap().groups.len(), 0);
    let chat = open(dir.path()).load().unwrap().chat;
    assert_eq!(
        chat.announcements.keys().copied().collect::<Vec<_>>(),
        vec![1]
    );
    // A hostile flood of announcements keeps a bounded number of rows.
    let flood: Vec<ServerEvent> = (0..crate::model::ANNOUNCEMENTS_MAX as i64 + 20)
        .map(|g| announced(1_000 + g, Some("x")))
        .collect();
    store.write_events(&flood).unwrap();
    let rows: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM state WHERE kind = 'group_announcement_changed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows, crate::model::ANNOUNCEMENTS_MAX as i64);
}
