//! Pinned messages of a channel (0.3.3: `Group.pinned_messages`, kept up to date by
//! `pinned_message_updated`): the event applied, a channel's pins newest first, and whether a
//! message is pinned (asked for each message the timeline draws, so it reads only the
//! channel's short list). A direct message has none.

use super::{ChatModel, ConvKey};
use crate::protocol::types::PinnedMessage;

/// The most pins a channel keeps from the stream: a hostile server may send any number of
/// events; past this the oldest pins are dropped.
pub const PINNED_MAX: usize = 500;

/// A channel as a snapshot brings it, with at most the newest [`PINNED_MAX`] pins (a
/// snapshot's list is as long as the server makes it; the stream's pins are bounded the same).
pub(super) fn bounded(mut group: crate::protocol::types::Group) -> crate::protocol::types::Group {
    let list = &mut group.pinned_messages;
    if list.len() > PINNED_MAX {
        let over = list.len() - PINNED_MAX;
        list.drain(..over);
    }
    group
}

impl ChatModel {
    /// `pinned_message_updated`: `msg` pins `mid` in channel `gid` (or changes the pin, after
    /// an edit), `None` unpins it. A channel not known is left alone.
    pub(super) fn apply_pin(&mut self, gid: i64, mid: i64, msg: Option<PinnedMessage>) {
        let Some(g) = self.groups.get_mut(&gid) else {
            return;
        };
        let list = &mut g.pinned_messages;
        match msg {
            Some(pin) => match list.iter_mut().find(|p| p.mid == mid) {
                Some(existing) => *existing = PinnedMessage { mid, ..pin },
                None => {
                    list.push(PinnedMessage { mid, ..pin });
                    if list.len() > PINNED_MAX {
                        let over = list.len() - PINNED_MAX;
                        list.drain(..over);
                    }
                }
            },
            None => list.retain(|p| p.mid != mid),
        }
    }

    /// The pins of conversation `key`, newest pin first (none in a direct message).
    pub fn pinned_in(&self, key: ConvKey) -> Vec<&PinnedMessage> {
        let ConvKey::Group(gid) = key else {
            return vec![];
        };
        let Some(g) = self.groups.get(&gid) else {
            return vec![];
        };
        let mut pins: Vec<&PinnedMessage> = g.pinned_messages.iter().rev().collect();
        // The server keeps them in pin order; a stable sort keeps that for equal times.
        pins.sort_by_key(|p| std::cmp::Reverse(p.created_at));
        pins
    }

    /// Whether message `mid` is pinned in conversation `key`.
    pub fn is_message_pinned(&self, key: ConvKey, mid: i64) -> bool {
        match key {
            ConvKey::Group(gid) => self
                .groups
                .get(&gid)
                .is_some_and(|g| g.pinned_messages.iter().any(|p| p.mid == mid)),
            ConvKey::User(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ServerEvent;
    use serde_json::json;

    fn event(v: serde_json::Value) -> ServerEvent {
        serde_json::from_value(v).unwrap()
    }

    fn pin(gid: i64, mid: i64, at: i64, text: &str) -> ServerEvent {
        event(
            json!({"type":"pinned_message_updated","gid":gid,"mid":mid,"msg":{
            "mid":mid,"created_by":1,"created_at":at,"properties":null,
            "content_type":"text/plain","content":text}}),
        )
    }

    fn chat() -> ChatModel {
        let mut chat = ChatModel::default();
        chat.apply(event(json!({"type":"related_groups","groups":[
            {"gid":2,"name":"dev","owner":1,"members":[1,2],"is_public":false,"avatar_updated_at":0,
             "pinned_messages":[{"mid":4,"created_by":2,"created_at":100,"properties":null,
                                 "content_type":"text/markdown","content":"**notes**"}]}]})));
        chat
    }

    fn mids(chat: &ChatModel) -> Vec<i64> {
        chat.pinned_in(ConvKey::Group(2))
            .iter()
            .map(|p| p.mid)
            .collect()
    }

    #[test]
    fn pins_are_listed_newest_first_and_follow_the_events() {
        let mut chat = chat();
        chat.apply(pin(2, 9, 300, "later"));
        chat.apply(pin(2, 7, 200, "earlier"));
        assert_eq!(mids(&chat), vec![9, 7, 4]);
        assert!(chat.is_message_pinned(ConvKey::Group(2), 7));
        // An edit of a pinned message: the pin changes, in its place.
        chat.apply(pin(2, 7, 200, "edited"));
        assert_eq!(mids(&chat), vec![9, 7, 4]);
        assert_eq!(chat.pinned_in(ConvKey::Group(2))[1].content, "edited");
        chat.apply(event(
            json!({"type":"pinned_message_updated","gid":2,"mid":7,"msg":null}),
        ));
        assert_eq!(mids(&chat), vec![9, 4]);
        assert!(!chat.is_message_pinned(ConvKey::Group(2), 7));
        // A channel not known, and a direct message, have none.
        chat.apply(pin(5, 1, 1, "x"));
        assert!(chat.pinned_in(ConvKey::Group(5)).is_empty());
        assert!(chat.pinned_in(ConvKey::User(2)).is_empty());
        assert!(!chat.is_message_pinned(ConvKey::User(2), 4));
    }

    #[test]
    fn a_flood_of_pins_keeps_the_newest() {
        let mut chat = chat();
        for mid in 100..100 + PINNED_MAX as i64 + 50 {
            chat.apply(pin(2, mid, mid, "x"));
        }
        let pins = chat.pinned_in(ConvKey::Group(2));
        assert_eq!(pins.len(), PINNED_MAX);
        assert_eq!(pins[0].mid, 100 + PINNED_MAX as i64 + 49);
        // A snapshot is bounded the same: the newest (last listed) kept.
        let many: Vec<serde_json::Value> = (0..PINNED_MAX as i64 + 20)
            .map(|mid| {
                serde_json::json!({"mid": mid, "created_by": 1, "created_at": mid,
                "properties": null, "content_type": "text/plain", "content": "x"})
            })
            .collect();
        let group: crate::protocol::types::Group = serde_json::from_value(serde_json::json!(
            {"gid": 9, "name": "big", "is_public": true, "pinned_messages": many}
        ))
        .unwrap();
        let group = bounded(group);
        assert_eq!(group.pinned_messages.len(), PINNED_MAX);
        assert_eq!(group.pinned_messages[0].mid, 20);
        assert!(
            !chat.is_message_pinned(ConvKey::Group(2), 4),
            "the oldest went"
        );
    }

    #[test]
    fn the_pin_names_the_message_of_the_event() {
        // A pin whose body names another mid is filed under the event's mid.
        let mut chat = chat();
        chat.apply(event(
            json!({"type":"pinned_message_updated","gid":2,"mid":8,"msg":{
            "mid":99,"created_by":1,"created_at":5,"properties":null,
            "content_type":"text/plain","content":"x"}}),
        ));
        assert!(chat.is_message_pinned(ConvKey::Group(2), 8));
        assert!(!chat.is_message_pinned(ConvKey::Group(2), 99));
    }
}
