//! Request bodies of newer servers' pinned chats, remarks and channel announcements
//! (`vocechat-newer-servers.md` §4, §6, §7), typed once for the client and the demo server.
//! The answers and events are in `newer.rs` and `settings.rs`.

use super::types::Target;
use serde::{Deserialize, Serialize};

/// `POST /user/pin_chat` and `POST /user/unpin_chat`: `{"target": {"gid": 5}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinChatRequest {
    pub target: Target,
}

/// `PUT /user/contact_remark`: an empty `remark` clears it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemarkRequest {
    pub contact_uid: i64,
    #[serde(default)]
    pub remark: String,
}

/// `POST /group/{gid}/announcement`: creates or replaces the channel's announcement
/// (markdown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncementRequest {
    pub content: String,
}

/// The longest announcement the web client lets one write, in characters.
pub const ANNOUNCEMENT_MAX_CHARS: usize = 5000;

/// The longest remark this client keeps or sends, in characters (the web client states no
/// limit; a remark is a short name).
pub const REMARK_MAX_CHARS: usize = 64;

/// A list whose entries that do not decode are left out (a pinned chat of a shape this client
/// does not know must not cost the whole settings event its mutes and read marks).
pub(super) fn lenient_list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let values = Option::<Vec<serde_json::Value>>::deserialize(d)?.unwrap_or_default();
    Ok(values
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect())
}

/// [`lenient_list`] for a list whose absence means something (`pinned_chats` on 0.3.3).
pub(super) fn lenient_option<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    Ok(
        Option::<Vec<serde_json::Value>>::deserialize(d)?.map(|values| {
            values
                .into_iter()
                .filter_map(|v| serde_json::from_value(v).ok())
                .collect()
        }),
    )
}

#[cfg(test)]
mod tests {
    use crate::protocol::ServerEvent;
    use crate::protocol::types::Target;

    #[test]
    fn a_pinned_chat_of_an_unknown_shape_is_left_out_not_the_whole_event() {
        let ev: ServerEvent = serde_json::from_str(
            r#"{"type":"user_settings","mute_groups":[{"gid":3}],"pinned_chats":[
                {"target":{"gid":1},"updated_at":1},{"target":[],"updated_at":2},
                {"target":{"cid":4}},7,{"target":[{"uid":2}]}]}"#,
        )
        .unwrap();
        let ServerEvent::UserSettings(s) = ev else {
            panic!("{ev:?}")
        };
        assert_eq!(s.mute_groups.len(), 1);
        let pins: Vec<Target> = s.pinned_chats.unwrap().iter().map(|p| p.target).collect();
        assert_eq!(
            pins,
            vec![Target::Group { gid: 1 }, Target::User { uid: 2 }]
        );
        let ev: ServerEvent = serde_json::from_str(
            r#"{"type":"user_settings_changed","add_pin_chats":[{"target":"x"}],
                "remove_pin_chats":[{"gid":1},null,{"uid":"y"}]}"#,
        )
        .unwrap();
        let ServerEvent::UserSettingsChanged(c) = ev else {
            panic!("{ev:?}")
        };
        assert!(c.add_pin_chats.is_empty());
        assert_eq!(c.remove_pin_chats, vec![Target::Group { gid: 1 }]);
        // Null is as absent: the list is left alone.
        let ev: ServerEvent =
            serde_json::from_str(r#"{"type":"user_settings","pinned_chats":null}"#).unwrap();
        assert!(matches!(ev, ServerEvent::UserSettings(s) if s.pinned_chats.is_none()));
    }
}
