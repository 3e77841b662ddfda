//! Your settings as the server keeps them: mutes, read markers, burn-after-reading, and on
//! newer servers pinned chats and contact changes: the `user_settings` snapshot of every
//! connect and the `user_settings_changed` delta your other devices cause.

use super::types::Target;
use serde::{Deserialize, Deserializer, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserMute {
    pub uid: i64,
    #[serde(default)]
    pub expired_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMute {
    pub gid: i64,
    #[serde(default)]
    pub expired_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserReadIndex {
    pub uid: i64,
    pub mid: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupReadIndex {
    pub gid: i64,
    pub mid: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserBurn {
    pub uid: i64,
    pub expires_in: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupBurn {
    pub gid: i64,
    pub expires_in: i64,
}

/// The `user_settings` snapshot sent on every connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UserSettings {
    #[serde(default)]
    pub mute_users: Vec<UserMute>,
    #[serde(default)]
    pub mute_groups: Vec<GroupMute>,
    #[serde(default)]
    pub read_index_users: Vec<UserReadIndex>,
    #[serde(default)]
    pub read_index_groups: Vec<GroupReadIndex>,
    #[serde(default)]
    pub burn_after_reading_users: Vec<UserBurn>,
    #[serde(default)]
    pub burn_after_reading_groups: Vec<GroupBurn>,
    /// Newer servers: the chats you pinned. Absent (0.3.3) leaves the list alone.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::personal::lenient_option"
    )]
    pub pinned_chats: Option<Vec<PinChat>>,
}

/// The `user_settings_changed` delta sent to your other devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UserSettingsChanged {
    #[serde(default)]
    pub from_device: String,
    #[serde(default)]
    pub add_mute_users: Vec<UserMute>,
    #[serde(default)]
    pub remove_mute_users: Vec<i64>,
    #[serde(default)]
    pub add_mute_groups: Vec<GroupMute>,
    #[serde(default)]
    pub remove_mute_groups: Vec<i64>,
    #[serde(default)]
    pub read_index_users: Vec<UserReadIndex>,
    #[serde(default)]
    pub read_index_groups: Vec<GroupReadIndex>,
    #[serde(default)]
    pub burn_after_reading_users: Vec<UserBurn>,
    #[serde(default)]
    pub burn_after_reading_groups: Vec<GroupBurn>,
    /// Newer servers: chats pinned and unpinned on another device (removals are bare targets).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "super::personal::lenient_list"
    )]
    pub add_pin_chats: Vec<PinChat>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "super::personal::lenient_list"
    )]
    pub remove_pin_chats: Vec<Target>,
    /// Newer servers: contact statuses set (or cleared) by you or for you.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_contacts: Vec<ContactChange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_contacts: Vec<i64>,
}

/// A pinned chat (newer servers). The web client's types declare `target` an array, every
/// consumer reads one object: both are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinChat {
    #[serde(deserialize_with = "one_target")]
    pub target: Target,
    #[serde(default)]
    pub updated_at: i64,
}

fn one_target<'de, D: Deserializer<'de>>(d: D) -> Result<Target, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrList {
        One(Target),
        List(Vec<Target>),
    }
    match OneOrList::deserialize(d)? {
        OneOrList::One(t) => Ok(t),
        OneOrList::List(list) => list
            .into_iter()
            .next()
            .ok_or_else(|| serde::de::Error::custom("an empty pinned-chat target")),
    }
}

/// A contact's status as a `user_settings_changed` delta sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactChange {
    pub target_uid: i64,
    pub info: super::newer::ContactInfo,
}
