//! Cleared history in the model (`cleared.rs`): what a clear takes, what it keeps, and that
//! nothing at or below its fence comes back.

use super::*;
use crate::model::{Change, PendingChange, PendingMessage, PendingState};
use crate::protocol::types::Content;
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
        json!({"type":"normal","content_type":"text/plain","content":body,"properties":null}),
    )
}

fn reply(mid: i64, from: i64, target: Target, to: i64) -> ChatMessage {
    chat(
        mid,
        from,
        target,
        json!({"type":"reply","mid":to,"content_type":"text/plain","content":"re","properties":null}),
    )
}

fn like(mid: i64, target: Target, of: i64) -> ChatMessage {
    chat(
        mid,
        3,
        target,
        json!({"type":"reaction","mid":of,"detail":{"type":"like","action":"👍"}}),
    )
}

const G1: Target = Target::Group { gid: 1 };
const G2: Target = Target::Group { gid: 2 };
const TO_ME: Target = Target::User { uid: 1 };
const LOBBY: ConvKey = ConvKey::Group(1);
const DEV: ConvKey = ConvKey::Group(2);

/// Me (1) in lobby (1) and dev (2), read up to 2 in lobby; messages 1–4 in lobby (4 replies
/// to 1, 3 mentions me), 5 in dev, 6 a DM from bob (2), 7 in lobby.
fn model() -> ChatModel {
    let mut m = ChatModel::new(1);
    m.apply(ServerEvent::RelatedGroups {
        groups: vec![
            serde_json::from_value(json!({"gid":1,"name":"lobby","is_public":true})).unwrap(),
            serde_json::from_value(json!({"gid":2,"name":"dev","is_public":true})).unwrap(),
        ],
    });
    m.apply(ServerEvent::UserSettings(
        serde_json::from_value(json!({"read_index_groups": [{"gid": 1, "mid": 2}]})).unwrap(),
    ));
    for msg in [
        text(1, 2, G1, "one"),
        text(2, 2, G1, "two"),
        text(3, 2, G1, "three @1 "),
        reply(4, 2, G1, 1),
        text(5, 2, G2, "dev"),
        chat(
            6,
            2,
            TO_ME,
            json!({"type":"normal","content_type":"text/plain","content":"dm","properties":null}),
        ),
        text(7, 2, G1, "seven"),
    ] {
        m.apply_chat(msg, Source::Stream);
    }
    m
}

fn mids(m: &ChatModel, key: ConvKey) -> Vec<i64> {
    m.convs[&key].messages.keys().copied().collect()
}

#[test]
fn a_channel_clear_empties_it_with_its_counts_and_keeps_the_rest() {
    let mut m = model();
    assert_eq!(m.replies_to(1), 1);
    assert_eq!(m.convs[&LOBBY].unread, 3);
    assert_eq!(m.convs[&LOBBY].mentions, 1);
    let read = m.convs[&LOBBY].read_index;
    let now = m.clear_group(1);
    assert_eq!(now.conv, Some(LOBBY));
    assert_eq!(now.messages, 5, "1, 2, 3, 4 and 7");
    assert!(now.news);
    assert!(mids(&m, LOBBY).is_empty());
    assert_eq!((m.convs[&LOBBY].unread, m.convs[&LOBBY].mentions), (0, 0));
    assert_eq!(m.convs[&LOBBY].read_index, read, "the read index stays");
    assert_eq!(m.replies_to(1), 0);
    assert!(m.message(3).is_none());
    assert_eq!(mids(&m, DEV), vec![5], "other conversations keep theirs");
    assert_eq!(mids(&m, ConvKey::User(2)), vec![6]);
    // Seen again: nothing more goes, and it is no news.
    let again = m.clear_group(1);
    assert_eq!((again.messages, again.news), (0, false));
}

#[test]
fn nothing_at_or_below_a_fence_comes_back_but_what_follows_does() {
    let mut m = model();
    m.clear_group(1);
    // A history page asked for before the clear, and a like of a cleared message.
    m.apply_history(
        LOBBY,
        vec![text(2, 2, G1, "two"), text(3, 2, G1, "three")],
        50,
    );
    m.apply_chat(like(8, G1, 3), Source::Stream);
    assert!(mids(&m, LOBBY).is_empty());
    assert!(m.orphan_reactions.is_empty());
    // What is written after the clear shows.
    m.apply_chat(text(9, 2, G1, "after"), Source::Stream);
    assert_eq!(mids(&m, LOBBY), vec![9]);
    assert_eq!(m.convs[&LOBBY].unread, 1);
    // The fence belongs to lobby: dev takes old mids from history as before.
    m.apply_history(DEV, vec![text(4, 2, G2, "older dev")], 50);
    assert_eq!(mids(&m, DEV), vec![4, 5]);
}

#[test]
fn a_server_clear_takes_every_conversation_up_to_its_mid() {
    let mut m = model();
    let now = m.clear_through(Some(5));
    assert_eq!((now.conv, now.messages), (None, 5), "1–5");
    assert_eq!(mids(&m, LOBBY), vec![7]);
    assert!(mids(&m, DEV).is_empty());
    assert_eq!(mids(&m, ConvKey::User(2)), vec![6]);
    assert_eq!(m.convs[&LOBBY].unread, 1);
    // A DM page from before the clear stays out, a newer record goes in.
    m.apply_history(
        ConvKey::User(2),
        vec![chat(
            3,
            1,
            Target::User { uid: 2 },
            json!({"type":"normal","content_type":"text/plain","content":"old","properties":null}),
        )],
        50,
    );
    assert_eq!(mids(&m, ConvKey::User(2)), vec![6]);
}

#[test]
fn a_server_clear_without_a_mid_or_with_a_huge_one_takes_what_is_known_and_no_more() {
    let mut m = model();
    m.clear_through(Some(0));
    assert!(m.convs.values().all(|c| c.messages.is_empty()));
    assert_eq!(m.cleared.through.map(|f| f.mid), Some(7));
    let mut m = model();
    m.clear_through(Some(i64::MAX));
    assert_eq!(
        m.cleared.through.map(|f| f.mid),
        Some(7),
        "never above what was known"
    );
    m.apply_chat(text(8, 2, G1, "new"), Source::Stream);
    assert_eq!(mids(&m, LOBBY), vec![8]);
}

#[test]
fn queued_changes_to_cleared_messages_are_dropped_and_unsent_replies_lose_their_quote() {
    let mut m = model();
    for (id, mid, key) in [(100, 3, LOBBY), (101, 7, LOBBY), (102, 5, DEV)] {
        m.add_change(PendingChange {
            id,
            key,
            mid,
            change: Change::Delete,
            state: PendingState::Waiting("offline".into()),
        });
    }
    m.add_pending(
        LOBBY,
        PendingMessage {
            local_id: 200,
            content: Content::Text("about one".into()),
            reply_to: Some(1),
            created_at: 0,
            state: PendingState::Waiting("offline".into()),
            upload: None,
        },
    );
    m.clear_group(1);
    assert_eq!(
        m.changes.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![102],
        "dev's change stays"
    );
    let pending = &m.convs[&LOBBY].pending[0];
    assert_eq!((pending.local_id, pending.reply_to), (200, None));
}

#[test]
fn reactions_waiting_for_a_cleared_message_go_with_it() {
    let mut m = model();
    // A like of 20 (not loaded yet) in lobby, and one of 21 in dev.
    m.apply_chat(like(30, G1, 20), Source::History);
    m.apply_chat(like(31, G2, 21), Source::History);
    assert_eq!(m.orphans, 2);
    m.after_mid = Some(25);
    m.clear_group(1);
    assert_eq!(m.orphans, 1);
    assert!(m.orphan_reactions.contains_key(&21));
}

#[test]
fn the_events_clear_through_apply() {
    let mut m = model();
    let applied = m.apply(ServerEvent::GroupMessageCleared { gid: 2 });
    assert_eq!(applied.conv, Some(DEV));
    assert!(mids(&m, DEV).is_empty());
    m.apply(ServerEvent::MessageCleared {
        latest_deleted_mid: Some(6),
    });
    assert_eq!(mids(&m, LOBBY), vec![7]);
    assert!(mids(&m, ConvKey::User(2)).is_empty());
}

/// The payloads of `vocechat-newer/examples.json`.
#[test]
fn the_example_payloads_decode() {
    let m: ServerEvent =
        serde_json::from_value(json!({"type": "message_cleared", "latest_deleted_mid": 121}))
            .unwrap();
    assert_eq!(
        m,
        ServerEvent::MessageCleared {
            latest_deleted_mid: Some(121)
        }
    );
    let g: ServerEvent =
        serde_json::from_value(json!({"type": "group_message_cleared", "gid": 3})).unwrap();
    assert_eq!(g, ServerEvent::GroupMessageCleared { gid: 3 });
}

/// Reference §8.1: the web client ignores `latest_deleted_mid` and wipes everything; a `null`
/// or missing one clears every message known here (not a skipped event).
#[test]
fn a_server_clear_with_a_null_or_missing_mid_clears_everything_known() {
    for body in [
        json!({"type": "message_cleared", "latest_deleted_mid": null}),
        json!({"type": "message_cleared"}),
    ] {
        let ev: ServerEvent = serde_json::from_value(body.clone()).unwrap();
        assert!(matches!(ev, ServerEvent::MessageCleared { .. }), "{body}");
        let mut m = model();
        m.apply(ev);
        assert!(m.convs.values().all(|c| c.messages.is_empty()), "{body}");
        assert_eq!(m.cleared.through.map(|f| f.mid), Some(7));
    }
}

#[test]
fn what_a_server_says_of_channels_and_people_is_bounded() {
    let mut m = model();
    let announce = |gid: i64| ServerEvent::GroupAnnouncementChanged {
        gid,
        announcement: Some(crate::protocol::newer::GroupAnnouncement {
            gid,
            content: "rules".into(),
            created_by: 1,
            created_at: 1,
            updated_at: 1,
        }),
    };
    m.apply(announce(99));
    m.apply(ServerEvent::GroupMessageCleared { gid: 99 });
    assert!(m.announcements.is_empty(), "not a channel you are in");
    assert!(m.cleared.groups.is_empty());
    m.apply(announce(2));
    m.clear_group(2);
    assert!(m.announcements.contains_key(&2) && m.cleared.groups.contains_key(&2));
    // Out of dev: its announcement and its fence go.
    m.apply(ServerEvent::KickFromGroup {
        gid: 2,
        reason: String::new(),
    });
    assert!(m.announcements.is_empty() && m.cleared.groups.is_empty());
    // Remarks may come before the people they name: bounded instead.
    for uid in 0..crate::model::REMARKS_MAX as i64 + 5 {
        m.apply(ServerEvent::UserRemark {
            contact_uid: uid,
            remark: "r".into(),
        });
    }
    assert_eq!(m.remarks.len(), crate::model::REMARKS_MAX);
    let mut fences = Cleared::default();
    for gid in 0..crate::model::FENCES_MAX as i64 + 5 {
        fences.raise(Some(gid), 10, None);
    }
    assert_eq!(fences.groups.len(), crate::model::FENCES_MAX);
}

fn at(mut m: ChatMessage, created_at: i64) -> ChatMessage {
    m.created_at = created_at;
    m
}

/// A server restored from a backup gives old mids to new messages: those made after the
/// clear pass its fence, those made before stay out.
#[test]
fn a_record_made_after_the_clear_passes_its_fence() {
    let mut m = model();
    // Lobby's newest was made at 7,000; the clear is received at 10,000.
    m.clear_group_at(1, Some(10_000));
    assert_eq!(m.cleared.groups[&1].at, Some(10_000));
    m.apply_history(
        LOBBY,
        vec![
            at(text(2, 2, G1, "old two"), 2_000),
            at(text(3, 2, G1, "new three"), 50_000),
        ],
        50,
    );
    assert_eq!(mids(&m, LOBBY), vec![3]);
    // A clock behind the server's: the clear's time is never before what it took.
    let mut m = model();
    m.clear_through_at(None, Some(1));
    assert_eq!(m.cleared.through.map(|f| f.at), Some(Some(7_000)));
    m.apply_chat(at(text(5, 2, G2, "dev again"), 6_000), Source::History);
    assert!(mids(&m, DEV).is_empty());
    // A fence kept before times were (a bare mid) holds everything at or below it off.
    let old: Cleared = serde_json::from_str(r#"{"through":null,"groups":{"1":7}}"#).unwrap();
    assert!(old.covers_record(LOBBY, 3, i64::MAX));
    assert!(!old.covers_record(LOBBY, 8, 0));
}
