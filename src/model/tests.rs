//! Model tests: hand-built cases plus folds of the real-server captures in
//! `../shared/fixtures/vocechat-0.3.3/sse/` (skipped with a note when that folder is absent).

// Tests read the recorded real-server captures from disk.
#![allow(clippy::disallowed_methods)]

use super::*;
use crate::protocol::{Decoded, event::decode};
use serde_json::json;

fn chat(mid: i64, from: i64, target: Target, detail: serde_json::Value) -> ChatMessage {
    serde_json::from_value(json!({
        "mid": mid, "from_uid": from, "created_at": mid * 1000,
        "target": target, "detail": detail,
    }))
    .unwrap()
}

fn text(mid: i64, from: i64, target: Target, body: &str) -> ChatMessage {
    chat(
        mid,
        from,
        target,
        json!({"type":"normal","content_type":"text/plain","content":body,"properties":null,"expires_in":null}),
    )
}

fn like(mid: i64, from: i64, target: Target, of: i64, emoji: &str) -> ChatMessage {
    chat(
        mid,
        from,
        target,
        json!({"type":"reaction","mid":of,"detail":{"type":"like","action":emoji}}),
    )
}

const G1: Target = Target::Group { gid: 1 };

fn model_with_group() -> ChatModel {
    let mut m = ChatModel::new(1);
    m.apply(ServerEvent::RelatedGroups {
        groups: vec![
            serde_json::from_value(json!({"gid":1,"name":"lobby","is_public":true})).unwrap(),
        ],
    });
    m
}

#[test]
fn duplicates_by_mid_are_ignored_and_unread_counts_others_only() {
    let mut m = model_with_group();
    m.apply_chat(text(1, 2, G1, "hi"), Source::Stream);
    m.apply_chat(text(1, 2, G1, "hi"), Source::Stream);
    m.apply_chat(text(2, 3, G1, "hey @1 "), Source::Stream);
    let c = &m.convs[&ConvKey::Group(1)];
    assert_eq!(c.messages.len(), 2);
    assert_eq!((c.unread, c.mentions), (2, 1));
    assert_eq!(m.after_mid, Some(2));
    // Your own message marks everything before it read.
    m.apply_chat(text(3, 1, G1, "me"), Source::Stream);
    let c = &m.convs[&ConvKey::Group(1)];
    assert_eq!((c.unread, c.mentions, c.read_index), (0, 0, 3));
}

#[test]
fn likes_toggle_and_a_reaction_mid_is_applied_once() {
    let mut m = model_with_group();
    m.apply_chat(text(1, 2, G1, "hi"), Source::Stream);
    m.apply_chat(like(2, 3, G1, 1, "👍"), Source::Stream);
    m.apply_chat(like(2, 3, G1, 1, "👍"), Source::Stream); // replayed: no second toggle
    assert_eq!(m.message(1).unwrap().reactions["👍"].len(), 1);
    m.apply_chat(like(3, 3, G1, 1, "👍"), Source::Stream); // a second like = unlike
    assert!(m.message(1).unwrap().reactions.is_empty());
}

#[test]
fn reactions_before_their_target_are_applied_when_it_arrives() {
    let mut m = model_with_group();
    // A history page folded newest-first pieces: the edit and delete arrive before mid 5.
    m.apply_chat(
        chat(9, 2, G1, json!({"type":"reaction","mid":5,"detail":{"type":"edit","content_type":"text/plain","content":"v2","properties":null}})),
        Source::History,
    );
    m.apply_chat(
        chat(7, 2, G1, json!({"type":"reaction","mid":5,"detail":{"type":"edit","content_type":"text/plain","content":"v1","properties":null}})),
        Source::History,
    );
    m.apply_chat(text(5, 2, G1, "v0"), Source::History);
    let msg = m.message(5).unwrap();
    assert_eq!(
        msg.content, "v2",
        "the newest edit wins whatever the arrival order"
    );
    assert!(msg.edited);
    assert_eq!(m.after_mid, None, "history never moves the stream cursor");
}

#[test]
fn delete_hides_and_recounts() {
    let mut m = model_with_group();
    m.apply_chat(text(1, 2, G1, "oops @1"), Source::Stream);
    assert_eq!(m.convs[&ConvKey::Group(1)].mentions, 1);
    m.apply_chat(
        chat(
            2,
            2,
            G1,
            json!({"type":"reaction","mid":1,"detail":{"type":"delete"}}),
        ),
        Source::Stream,
    );
    let c = &m.convs[&ConvKey::Group(1)];
    assert!(c.messages[&1].deleted);
    assert_eq!((c.unread, c.mentions), (0, 0));
    assert_eq!(c.visible().count(), 0);
}

#[test]
fn dms_are_keyed_by_the_peer_from_either_side() {
    let mut m = ChatModel::new(1);
    m.apply_chat(text(1, 2, Target::User { uid: 1 }, "hi"), Source::Stream);
    m.apply_chat(text(2, 1, Target::User { uid: 2 }, "yo"), Source::Stream);
    assert_eq!(m.convs[&ConvKey::User(2)].messages.len(), 2);
    assert_eq!(m.convs.len(), 1);
}

#[test]
fn optimistic_sends_are_replaced_by_the_echo() {
    let mut m = model_with_group();
    let key = ConvKey::Group(1);
    for local_id in [100, 200] {
        m.add_pending(
            key,
            PendingMessage {
                local_id,
                content: Content::Text("x".into()),
                reply_to: None,
                created_at: 0,
                state: PendingState::Sending,
                upload: None,
            },
        );
    }
    // Echo matched by local_id.
    m.apply_chat(
        chat(5, 1, G1, json!({"type":"normal","content_type":"text/plain","content":"x","properties":{"local_id":100},"expires_in":null})),
        Source::Stream,
    );
    assert_eq!(m.convs[&key].pending.len(), 1);
    // Echo without properties, matched by the mid the POST returned.
    m.pending_sent(key, 200, 6);
    assert_eq!(m.convs[&key].pending[0].state, PendingState::Sent(6));
    m.apply_chat(text(6, 1, G1, "x"), Source::Stream);
    assert!(m.convs[&key].pending.is_empty());
    // POST answer after the echo: removed at once.
    m.add_pending(
        key,
        PendingMessage {
            local_id: 300,
            content: Content::Text("y".into()),
            reply_to: None,
            created_at: 0,
            state: PendingState::Sending,
            upload: None,
        },
    );
    m.apply_chat(text(7, 1, G1, "y"), Source::Stream);
    m.pending_sent(key, 300, 7);
    assert!(m.convs[&key].pending.is_empty());
    m.add_pending(
        key,
        PendingMessage {
            local_id: 400,
            content: Content::Text("z".into()),
            reply_to: None,
            created_at: 0,
            state: PendingState::Sending,
            upload: None,
        },
    );
    m.pending_failed(key, 400, "network down".into());
    assert_eq!(
        m.convs[&key].pending[0].state,
        PendingState::Failed("network down".into())
    );
}

#[test]
fn read_index_only_moves_forward() {
    let mut m = model_with_group();
    for mid in 1..=5 {
        m.apply_chat(text(mid, 2, G1, "m"), Source::Stream);
    }
    assert!(m.set_read_index(ConvKey::Group(1), 3));
    assert_eq!(m.convs[&ConvKey::Group(1)].unread, 2);
    assert!(!m.set_read_index(ConvKey::Group(1), 2));
    assert_eq!(m.convs[&ConvKey::Group(1)].unread, 2);
}

// ------------------------------------------------------------------ real-server captures

fn fixture_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/vocechat-0.3.3/sse");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "fixtures not found at {}; capture tests skipped",
            dir.display()
        );
        None
    }
}

/// The `data:` payloads of one capture, in order.
fn payloads(name: &str) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(fixture_dir()?.join(name)).ok()?;
    Some(
        text.lines()
            .filter_map(|l| l.strip_prefix("data: ").or_else(|| l.strip_prefix("data:")))
            .map(str::to_string)
            .collect(),
    )
}

fn fold(me: i64, name: &str) -> Option<ChatModel> {
    let mut m = ChatModel::new(me);
    for p in payloads(name)? {
        match decode(&p) {
            Decoded::Event(ev) => {
                m.apply(*ev);
            }
            other => panic!("{name}: could not decode {p}: {other:?}"),
        }
    }
    Some(m)
}

#[test]
fn every_captured_event_decodes_to_a_known_type() {
    let Some(dir) = fixture_dir() else { return };
    let mut seen = std::collections::BTreeSet::new();
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            for p in payloads(&name).unwrap() {
                let Decoded::Event(ev) = decode(&p) else {
                    panic!("{name}: {p}")
                };
                let v: serde_json::Value = serde_json::from_str(&p).unwrap();
                seen.insert(v["type"].as_str().unwrap().to_string());
                // Round trip: nothing the server sent is lost in our types.
                let back = serde_json::to_value(&*ev).unwrap();
                assert_eq!(back["type"], v["type"]);
                count += 1;
            }
        }
    }
    assert!(count > 300, "only {count} events");
    assert_eq!(
        seen.len(),
        17,
        "all 17 event types of 0.3.3 appear: {seen:?}"
    );
}

#[test]
fn admin_device_a_folds_to_the_recorded_outcome() {
    let Some(m) = fold(1, "01_admin_device_a.txt") else {
        return;
    };
    // Users: dave (4) created, renamed, then deleted; carol renamed; admin's avatar set.
    assert!(!m.users.contains_key(&4));
    assert_eq!(m.users[&3].name, "caroline");
    assert!(m.users[&1].avatar_updated_at > 0);
    assert_eq!(m.users_version, Some(10));
    // Groups: lobby, dev renamed dev-team (dave gone from members); tmp deleted.
    assert_eq!(m.groups[&2].name, "dev-team");
    assert!(!m.groups[&2].members.contains(&4));
    assert!(!m.groups.contains_key(&4));
    assert!(!m.groups.contains_key(&3), "admin was never in dave-room");
    // Mid 4: markdown, edited by 18, bob's 👍 twice = off, admin's ❤️ on.
    let m4 = m.message(4).unwrap();
    assert!(m4.edited);
    assert_eq!(m4.reactions.len(), 1);
    assert_eq!(
        m4.reactions["❤️"].iter().copied().collect::<Vec<_>>(),
        vec![1]
    );
    // Mid 1 edited by bob (14); mid 10 replies to it; mid 15 deleted by 16.
    assert!(m.message(1).unwrap().edited);
    assert_eq!(m.message(10).unwrap().reply_to, Some(1));
    assert!(m.message(15).unwrap().deleted);
    // The file message carries the server-merged properties.
    let m7 = m.message(7).unwrap();
    assert!(m7.is_file());
    assert_eq!(m7.properties.as_ref().unwrap()["name"], "pixel.png");
    // Burn after reading on 19.
    assert_eq!(m.message(19).unwrap().expires_in, Some(30));
    assert!(
        m.message(19)
            .unwrap()
            .is_expired(m.message(19).unwrap().created_at + 30_000)
    );
    // Pin on 4 was set, edited, then removed.
    assert!(m.groups[&2].pinned_messages.is_empty());
    // The cursor is the highest chat mid seen.
    assert_eq!(m.after_mid, Some(24));
    // Conversations: lobby, dev-team, and DMs with bob (2) and carol (3).
    let mut keys: Vec<_> = m.convs.keys().copied().collect();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            ConvKey::Group(1),
            ConvKey::Group(2),
            ConvKey::User(2),
            ConvKey::User(3)
        ]
    );
    // Admin's own messages count as read; bob's edit record is not a new unread message.
    let dm_bob = &m.convs[&ConvKey::User(2)];
    assert_eq!(dm_bob.unread, 0, "admin wrote last in the DM with bob");
}

#[test]
fn settings_changes_from_another_device_are_mirrored() {
    let Some(m) = fold(1, "02_admin_device_b.txt") else {
        return;
    };
    // Device A muted dev forever and bob for an hour, then unmuted bob.
    assert!(m.mutes.contains_key(&ConvKey::Group(2)));
    assert_eq!(m.mutes[&ConvKey::Group(2)].until, None);
    assert!(!m.mutes.contains_key(&ConvKey::User(2)));
    // Burn: bob set to 30 then cleared with 0; dev stays at 60.
    assert_eq!(m.burn.get(&ConvKey::User(2)), None);
    assert_eq!(m.burn.get(&ConvKey::Group(2)), Some(&60));
    // Read index moved by device A.
    assert!(m.convs.values().any(|c| c.read_index > 0));
}

#[test]
fn removed_members_do_not_keep_stale_groups() {
    // Dave's replay holds dev messages though he was removed: they must not appear.
    let Some(m) = fold(4, "07_dave_delete_user.txt") else {
        return;
    };
    assert!(!m.groups.contains_key(&2));
    assert!(!m.convs.contains_key(&ConvKey::Group(2)));
    assert!(m.convs.contains_key(&ConvKey::Group(1)));
}

#[test]
fn resume_applies_the_batched_users_log() {
    // Bob's state after his first connection's initial batch (users_version 3), then the
    // resumed stream 09, which batches the missed users log into one message.
    let Some(first) = payloads("03_bob_first_connection.txt") else {
        return;
    };
    let mut m = ChatModel::new(2);
    for p in first {
        let Decoded::Event(ev) = decode(&p) else {
            panic!("{p}")
        };
        let ready = matches!(*ev, ServerEvent::Ready);
        m.apply(*ev);
        if ready {
            break;
        }
    }
    assert_eq!(m.users_version, Some(3));
    for p in payloads("09_bob_resume_after_mid_users_version.txt").unwrap() {
        let Decoded::Event(ev) = decode(&p) else {
            panic!("{p}")
        };
        m.apply(*ev);
    }
    assert_eq!(m.users_version, Some(10));
    assert!(
        !m.users.contains_key(&4),
        "dave's delete in the batch is applied"
    );
    assert_eq!(m.users[&3].name, "caroline");
    assert!(
        m.message(22).is_some(),
        "the message the silent connection missed is replayed"
    );
    assert_eq!(m.after_mid, Some(24));
    // A replayed users_log entry that was already applied changes nothing.
    let before = m.users.clone();
    m.apply(ServerEvent::UsersLog {
        logs: vec![UserUpdateLog {
            log_id: 6,
            action: UserLogAction::Update,
            uid: 3,
            email: None,
            name: Some("stale".into()),
            gender: None,
            language: None,
            is_admin: None,
            is_bot: None,
            avatar_updated_at: None,
        }],
    });
    assert_eq!(m.users, before);
}

#[test]
fn the_incremental_sidebar_order_matches_a_full_sort() {
    let mut m = ChatModel::new(1);
    let groups: Vec<serde_json::Value> = (1..=40)
        .map(|gid| json!({"gid":gid,"name":format!("ch{}", (gid * 7) % 13),"is_public":true}))
        .collect();
    m.apply(ServerEvent::RelatedGroups {
        groups: groups
            .into_iter()
            .map(|g| serde_json::from_value(g).unwrap())
            .collect(),
    });
    m.ensure_order();
    // Messages out of time order, ties, DMs appearing, a rename in between.
    let mut seed = 17u64;
    for mid in 1..600i64 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let gid = (seed >> 33) as i64 % 40 + 1;
        let created = ((seed >> 20) % 50_000) as i64;
        let target = if mid % 37 == 0 {
            Target::User { uid: 1 }
        } else {
            Target::Group { gid }
        };
        let mut msg = text(mid, 2 + mid % 3, target, "x");
        msg.created_at = created;
        m.apply_chat(msg, Source::Stream);
        if mid % 101 == 0 {
            m.apply(ServerEvent::GroupChanged(
                serde_json::from_value(json!({"gid": gid, "name": format!("renamed{mid}")}))
                    .unwrap(),
            ));
        }
        if mid % 10 == 0 {
            m.ensure_order();
            assert_eq!(
                m.conversations_by_activity(),
                m.sorted_conversations(),
                "after mid {mid}"
            );
        }
    }
    m.ensure_order();
    assert_eq!(m.conversations_by_activity(), m.sorted_conversations());
}

#[test]
fn a_mid_reused_by_a_restored_server_shows_the_new_message() {
    let mut m = model_with_group();
    m.apply_chat(text(5, 2, G1, "before the restore"), Source::Stream);
    // The same record again is a duplicate.
    m.apply_chat(text(5, 2, G1, "before the restore"), Source::Stream);
    assert_eq!(m.convs[&ConvKey::Group(1)].messages.len(), 1);
    // After a restore the server hands out mid 5 again, for another message.
    let mut reused = text(5, 3, G1, "after the restore");
    reused.created_at = 99_000;
    m.apply_chat(reused, Source::Stream);
    let c = &m.convs[&ConvKey::Group(1)];
    assert_eq!(c.messages.len(), 1);
    assert_eq!(c.messages[&5].content, "after the restore");
    assert_eq!(m.message(5).unwrap().from_uid, 3);
}

#[test]
fn an_unread_count_is_a_lower_bound_until_history_reaches_the_read_marker() {
    let mut m = ChatModel::new(1);
    let key = ConvKey::Group(1);
    let g = Target::Group { gid: 1 };
    // The newest 3 of a long conversation; nothing read yet.
    let page: Vec<ChatMessage> = (500..503).map(|mid| text(mid, 2, g, "new")).collect();
    m.apply_history_page(key, None, page, 3);
    let conv = &m.convs[&key];
    assert_eq!(conv.unread, 3);
    assert!(conv.unread_is_partial(), "older messages may be unread too");
    // Read up to just below the loaded window: the count is exact.
    m.set_read_index(key, 499);
    assert!(!m.convs[&key].unread_is_partial());
    // Or the whole history is loaded.
    let mut all = ChatModel::new(1);
    all.apply_history_page(key, None, vec![text(7, 2, g, "only")], 100);
    assert!(all.convs[&key].history_complete && !all.convs[&key].unread_is_partial());
}

#[test]
fn a_gap_is_paged_from_its_top_until_it_reaches_what_was_there() {
    let mut m = ChatModel::new(1);
    let key = ConvKey::Group(1);
    let g = Target::Group { gid: 1 };
    let older: Vec<ChatMessage> = (1..=10).map(|mid| text(mid, 2, g, "before")).collect();
    m.apply_history_page(key, None, older, 10);
    for mid in 500..=510 {
        m.apply_chat(text(mid, 2, g, "replayed"), Source::Stream);
    }
    m.mark_gap(key, 500);
    assert_eq!(m.convs[&key].gap, Some((10, 500)));
    assert_eq!(
        m.convs[&key].history_before(),
        Some(500),
        "paging starts at the gap"
    );
    // A full page into the gap shrinks it; one that reaches the old messages closes it.
    let page: Vec<ChatMessage> = (400..500).map(|mid| text(mid, 2, g, "filled")).collect();
    m.apply_history_page(key, Some(500), page, 100);
    assert_eq!(m.convs[&key].gap, Some((10, 400)));
    let page: Vec<ChatMessage> = (5..400).map(|mid| text(mid, 2, g, "filled")).collect();
    m.apply_history_page(key, Some(400), page, 100);
    assert_eq!(m.convs[&key].gap, None);
    assert!(
        !m.convs[&key].history_complete,
        "older history is still there to page"
    );
    assert_eq!(m.convs[&key].history_before(), Some(1));
}

#[test]
fn no_gap_without_older_messages() {
    let mut m = ChatModel::new(1);
    let key = ConvKey::Group(1);
    m.apply_chat(
        text(500, 2, Target::Group { gid: 1 }, "only the replay"),
        Source::Stream,
    );
    m.mark_gap(key, 500);
    assert_eq!(m.convs[&key].gap, None);
}

/// A model with `n` messages from bob in lobby (mids 1..=n), all read.
fn long_lobby(n: i64) -> ChatModel {
    let mut m = model_with_group();
    for mid in 1..=n {
        m.apply_chat(text(mid, 2, G1, &format!("m{mid}")), Source::Stream);
    }
    m.set_read_index(ConvKey::Group(1), n);
    m
}

#[test]
fn a_conversation_past_its_window_drops_its_oldest_messages() {
    let key = ConvKey::Group(1);
    let mut m = long_lobby(TRIM_ABOVE as i64);
    assert!(!m.needs_trim(key, true));
    m.apply_chat(text(5_000, 2, G1, "one more"), Source::Stream);
    assert!(m.needs_trim(key, true));
    let dropped = m.trim(key, TRIM_TO);
    assert_eq!(dropped, TRIM_ABOVE + 1 - TRIM_TO);
    let conv = &m.convs[&key];
    assert_eq!(conv.messages.len(), TRIM_TO);
    // Paging back starts just below what stays, and is not "complete" any more.
    let oldest = conv.oldest_mid().unwrap();
    assert_eq!(oldest, TRIM_ABOVE as i64 - TRIM_TO as i64 + 2);
    assert_eq!(conv.history_before(), Some(oldest));
    assert!(!conv.history_complete);
    assert!(m.message(1).is_none());
    assert_eq!(m.conv_of_mid(1), None);
}

/// Unread (count, mentions, "at least") of the lobby.
fn counts(m: &ChatModel) -> (u32, u32, bool) {
    let c = &m.convs[&ConvKey::Group(1)];
    (c.unread, c.mentions, c.unread_is_partial())
}

#[test]
fn unread_messages_trimmed_still_count() {
    let key = ConvKey::Group(1);
    let mut m = model_with_group();
    // Five read, then 25 unread, two of them mentioning you (mids 7 and 12).
    for mid in 1..=30 {
        let body = if mid == 7 || mid == 12 {
            "@1 look"
        } else {
            "unread"
        };
        m.apply_chat(text(mid, 2, G1, body), Source::Stream);
    }
    m.set_read_index(key, 5);
    assert_eq!(counts(&m), (25, 2, false));
    m.trim(key, 10);
    assert_eq!(m.convs[&key].messages.len(), 10);
    assert_eq!(
        counts(&m),
        (25, 2, false),
        "exact, though 15 are not loaded"
    );
    // More arrive and go: still exact.
    for mid in 31..=40 {
        m.apply_chat(text(mid, 2, G1, "more"), Source::Stream);
    }
    m.trim(key, 10);
    assert_eq!(counts(&m), (35, 2, false));
    // Read up to the newest: nothing is unread, dropped or not.
    m.set_read_index(key, 40);
    assert_eq!(counts(&m), (0, 0, false));
    m.apply_chat(text(41, 2, G1, "new"), Source::Stream);
    m.trim(key, 1);
    assert_eq!(counts(&m), (1, 0, false));
}

#[test]
fn a_read_marker_among_trimmed_messages_leaves_an_at_least_count() {
    let key = ConvKey::Group(1);
    let mut m = model_with_group();
    for mid in 1..=30 {
        m.apply_chat(text(mid, 2, G1, "unread"), Source::Stream);
    }
    m.trim(key, 10);
    assert_eq!(counts(&m), (30, 0, false));
    // Another device read up to 15: how many of 16..=20 were unread is not kept.
    m.set_read_index(key, 15);
    assert_eq!(counts(&m), (10, 0, true));
}

#[test]
fn a_trimmed_message_read_back_is_not_counted_twice() {
    let key = ConvKey::Group(1);
    let mut m = model_with_group();
    for mid in 1..=30 {
        m.apply_chat(text(mid, 2, G1, "unread"), Source::Stream);
    }
    m.trim(key, 10);
    // Scrolling up reads 11..=20 back (from the store).
    let page: Vec<ChatMessage> = (11..=20).map(|mid| text(mid, 2, G1, "unread")).collect();
    m.apply_history_page(key, Some(21), page, 10);
    assert_eq!(counts(&m), (20, 0, true), "what is loaded, at least");
}

#[test]
fn after_a_bounded_start_a_trim_keeps_the_count_at_least() {
    let key = ConvKey::Group(1);
    let mut m = model_with_group();
    // A start loaded 51..=80 only; everything after 10 is unread.
    for mid in 51..=80 {
        m.apply_chat(text(mid, 2, G1, "unread"), Source::History);
    }
    m.set_read_index(key, 10);
    assert_eq!(counts(&m), (30, 0, true));
    m.trim(key, 10);
    assert_eq!(counts(&m), (30, 0, true));
}

#[test]
fn a_trimmed_message_read_back_with_its_likes_folds_them_once() {
    let key = ConvKey::Group(1);
    let mut m = long_lobby(20);
    m.apply_chat(like(21, 3, G1, 2, "👍"), Source::Stream);
    m.apply_chat(like(22, 1, G1, 2, "🎉"), Source::Stream);
    m.trim(key, 5);
    assert!(m.message(2).is_none());
    // The page read back (as the store gives it: the messages, then their later reactions)
    // restores both likes, and a like seen again is not a second toggle.
    let mut page: Vec<ChatMessage> = (1..=15).map(|mid| text(mid, 2, G1, "m")).collect();
    page.push(like(21, 3, G1, 2, "👍"));
    page.push(like(22, 1, G1, 2, "🎉"));
    m.apply_history_page(key, Some(16), page, 17);
    m.apply_chat(like(21, 3, G1, 2, "👍"), Source::Stream);
    let reactions = &m.message(2).unwrap().reactions;
    assert_eq!(reactions["👍"].len(), 1);
    assert_eq!(reactions["🎉"].len(), 1);
}

#[test]
fn reactions_waiting_for_their_targets_are_bounded() {
    let mut m = model_with_group();
    let total = ORPHAN_CAP as i64 + 50;
    for i in 0..total {
        // Likes of messages not loaded: targets 1..=total, the like records above them.
        m.apply_chat(like(1_000_000 + i, 3, G1, i + 1, "👍"), Source::Stream);
    }
    assert_eq!(m.orphans, ORPHAN_CAP);
    // The oldest targets' likes went; the newest wait still.
    m.apply_chat(text(1, 2, G1, "oldest"), Source::History);
    assert!(m.message(1).unwrap().reactions.is_empty());
    m.apply_chat(text(total, 2, G1, "newest"), Source::History);
    assert_eq!(m.message(total).unwrap().reactions["👍"].len(), 1);
}

#[test]
fn a_reply_to_your_message_counts_like_a_mention() {
    let mut m = model_with_group();
    m.apply_chat(text(1, 1, G1, "my question"), Source::Stream);
    m.apply_chat(text(2, 2, G1, "bob's"), Source::Stream);
    let reply = |mid, from, to| {
        chat(
            mid,
            from,
            G1,
            json!({"type":"reply","mid":to,"content_type":"text/plain","content":"re","properties":null}),
        )
    };
    m.apply_chat(reply(3, 2, 1), Source::Stream);
    m.apply_chat(reply(4, 3, 2), Source::Stream);
    let c = &m.convs[&ConvKey::Group(1)];
    assert_eq!((c.unread, c.mentions), (3, 1));
    assert!(m.message(3).unwrap().concerns_me());
    assert!(!m.message(4).unwrap().concerns_me());
}

#[test]
fn a_trimmed_reply_is_not_counted_twice_when_read_back() {
    let key = ConvKey::Group(1);
    let reply = chat(
        2,
        3,
        G1,
        json!({"type":"reply","mid":1,"content_type":"text/plain","content":"re","properties":null}),
    );
    let mut m2 = model_with_group();
    m2.apply_chat(text(1, 2, G1, "q"), Source::Stream);
    m2.apply_chat(reply.clone(), Source::Stream);
    for mid in 3..=20 {
        m2.apply_chat(text(mid, 2, G1, "m"), Source::Stream);
    }
    assert_eq!(m2.replies_to(1), 1);
    m2.trim(key, 5);
    m2.apply_history_page(key, Some(16), vec![text(1, 2, G1, "q"), reply], 100);
    assert_eq!(m2.replies_to(1), 1);
}

#[test]
fn quotes_of_replies_no_longer_loaded_are_forgotten() {
    let key = ConvKey::Group(1);
    let mut m = model_with_group();
    let reply = |mid: i64, to: i64| {
        chat(
            mid,
            3,
            G1,
            json!({"type":"reply","mid":to,"content_type":"text/plain","content":"re","properties":null}),
        )
    };
    // 100 messages, each quoted by the reply after it; then 10 plain ones.
    for mid in (1..=200).step_by(2) {
        m.apply_chat(text(mid, 2, G1, "q"), Source::Stream);
        m.apply_chat(reply(mid + 1, mid), Source::Stream);
    }
    for mid in 201..=210 {
        m.apply_chat(text(mid, 2, G1, "m"), Source::Stream);
    }
    assert_eq!(m.reply_counts.len(), 100);
    // A reply deleted, then every reply dropped from memory: nothing is quoted any more.
    m.apply_chat(
        chat(
            300,
            3,
            G1,
            json!({"type":"reaction","mid":200,"detail":{"type":"delete"}}),
        ),
        Source::Stream,
    );
    assert_eq!(m.replies_to(199), 0);
    m.trim(key, 10);
    assert!(m.reply_counts.is_empty(), "{:?}", m.reply_counts);
}
