//! What the closed 0.4/0.5.x servers add to 0.3.3's wire shapes (`vocechat-newer-servers.md`):
//! the version and its comparison, the server-wide switches of `/admin/system/common` and
//! their live event, channel flags, announcements and contacts. Every field is optional or
//! defaulted: newer servers fill what they have, 0.3.3 none of it.

use serde::{Deserialize, Serialize};

/// A server version, `major.minor.patch` (a `-suffix` cut off, as the web client does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Version(pub u32, pub u32, pub u32);

impl Version {
    /// `0.5.31`, `0.5.20-abc` or `0.5`; anything else is no version (features are then
    /// learnt by probing).
    pub fn parse(text: &str) -> Option<Version> {
        let core = text.trim().split('-').next()?;
        let mut parts = core.split('.');
        let mut part = || -> Option<u32> {
            match parts.next() {
                None => Some(0),
                Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok(),
                Some(_) => None,
            }
        };
        let v = Version(part()?, part()?, part()?);
        parts.next().is_none().then_some(v)
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// `GET /admin/system/common` (404 on 0.3.3). Absent fields take the web client's defaults
/// through the accessors; the raw options are kept for `/server`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SystemCommon {
    #[serde(default)]
    pub show_user_online_status: Option<bool>,
    #[serde(default)]
    pub contact_verification_enable: Option<bool>,
    #[serde(default)]
    pub chat_layout_mode: Option<String>,
    #[serde(default)]
    pub max_file_expiry_mode: Option<String>,
    #[serde(default)]
    pub only_admin_can_create_group: Option<bool>,
    /// A JSON object serialized into a string (the official app says `ext_settings`).
    #[serde(default, alias = "ext_settings")]
    pub ext_setting: Option<String>,
    #[serde(default)]
    pub msg_smtp_notify_enable: Option<bool>,
    #[serde(default)]
    pub dm_enable: Option<bool>,
    #[serde(default)]
    pub add_friend_enable: Option<bool>,
    #[serde(default)]
    pub search_user_enable: Option<bool>,
}

impl SystemCommon {
    /// Applies a `server_config_changed` patch: a key given (not null) replaces its value.
    pub fn patch(&mut self, p: &SystemCommon) {
        fn take<T: Clone>(to: &mut Option<T>, from: &Option<T>) {
            if from.is_some() {
                to.clone_from(from);
            }
        }
        take(
            &mut self.show_user_online_status,
            &p.show_user_online_status,
        );
        take(
            &mut self.contact_verification_enable,
            &p.contact_verification_enable,
        );
        take(&mut self.chat_layout_mode, &p.chat_layout_mode);
        take(&mut self.max_file_expiry_mode, &p.max_file_expiry_mode);
        take(
            &mut self.only_admin_can_create_group,
            &p.only_admin_can_create_group,
        );
        take(&mut self.ext_setting, &p.ext_setting);
        take(&mut self.msg_smtp_notify_enable, &p.msg_smtp_notify_enable);
        take(&mut self.dm_enable, &p.dm_enable);
        take(&mut self.add_friend_enable, &p.add_friend_enable);
        take(&mut self.search_user_enable, &p.search_user_enable);
    }

    pub fn contact_verification(&self) -> bool {
        self.contact_verification_enable.unwrap_or(false)
    }

    pub fn dm_enabled(&self) -> bool {
        self.dm_enable.unwrap_or(true)
    }

    pub fn add_friend_enabled(&self) -> bool {
        self.add_friend_enable.unwrap_or(true)
    }

    pub fn search_user_enabled(&self) -> bool {
        self.search_user_enable.unwrap_or(true)
    }

    /// How long files are kept, in days (`None`: for ever, or not said).
    pub fn file_expiry_days(&self) -> Option<u32> {
        match self.max_file_expiry_mode.as_deref()? {
            "Day1" => Some(1),
            "Day7" => Some(7),
            "Day30" => Some(30),
            "Day90" => Some(90),
            "Day180" => Some(180),
            _ => None,
        }
    }

    /// One boolean of `ext_setting` (invalid JSON or a missing key: false).
    pub fn ext_flag(&self, key: &str) -> bool {
        self.ext_setting
            .as_deref()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .and_then(|v| v.get(key).and_then(serde_json::Value::as_bool))
            .unwrap_or(false)
    }
}

/// `server_config_changed`: the switches that changed (null or absent: unchanged), and the
/// organization's name and description.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ServerConfigChanged {
    #[serde(flatten)]
    pub common: SystemCommon,
    #[serde(default)]
    pub organization_name: Option<String>,
    #[serde(default)]
    pub organization_description: Option<String>,
}

/// The channel flags newer servers put on every `Group` (absent on 0.3.3: the defaults).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GroupFlags {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_owner_can_send_msg: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dm_to_member: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_email: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_friend: Option<bool>,
}

impl GroupFlags {
    /// Applies the flags a `group_changed` carries (absent: unchanged).
    pub fn merge(&mut self, change: &GroupFlags) {
        for (to, from) in [
            (
                &mut self.only_owner_can_send_msg,
                change.only_owner_can_send_msg,
            ),
            (&mut self.dm_to_member, change.dm_to_member),
            (&mut self.show_email, change.show_email),
            (&mut self.add_friend, change.add_friend),
        ] {
            if from.is_some() {
                *to = from;
            }
        }
    }

    pub fn only_owner_can_send(&self) -> bool {
        self.only_owner_can_send_msg.unwrap_or(false)
    }

    pub fn dm_to_member(&self) -> bool {
        self.dm_to_member.unwrap_or(true)
    }
}

/// A channel's announcement (markdown), `GET /group/{gid}/announcement` and its event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupAnnouncement {
    #[serde(default)]
    pub gid: i64,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub created_by: i64,
    #[serde(default)]
    pub created_at: i64,
    #[serde(default)]
    pub updated_at: i64,
}

/// The answer of `GET /group/{gid}/announcement`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AnnouncementAnswer {
    #[serde(default)]
    pub announcement: Option<GroupAnnouncement>,
}

/// A contact's status with you: added, blocked, or neither (`""`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContactInfo {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub created_at: i64,
    #[serde(default)]
    pub updated_at: i64,
}

/// One entry of `GET /user/contacts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactEntry {
    pub target_uid: i64,
    #[serde(default)]
    pub target_info: Option<super::types::UserInfo>,
    #[serde(default)]
    pub contact_info: ContactInfo,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_as_the_web_client_reads_them() {
        assert_eq!(Version::parse("0.5.31"), Some(Version(0, 5, 31)));
        assert_eq!(Version::parse(" 0.3.3\n"), Some(Version(0, 3, 3)));
        assert_eq!(Version::parse("0.5.20-abc"), Some(Version(0, 5, 20)));
        assert_eq!(Version::parse("0.5"), Some(Version(0, 5, 0)));
        assert!(Version(0, 3, 10) > Version(0, 3, 9));
        for bad in ["", "v0.5.1", "0.5.x", "0.5.1.2", "1..2", "99999999999.1.1"] {
            assert_eq!(Version::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn switches_default_like_the_web_client_and_patch_by_key() {
        let mut c: SystemCommon = serde_json::from_str("{}").unwrap();
        assert!(c.dm_enabled() && c.add_friend_enabled() && c.search_user_enabled());
        assert!(!c.contact_verification());
        let patch: ServerConfigChanged = serde_json::from_str(
            r#"{"organization_name":"Acme","dm_enable":false,"contact_verification_enable":null,
                "ext_settings":"{\"enable_msg_url_preview\":true}"}"#,
        )
        .unwrap();
        c.patch(&patch.common);
        assert!(!c.dm_enabled());
        assert!(!c.contact_verification());
        assert!(c.ext_flag("enable_msg_url_preview"));
        assert!(!c.ext_flag("admin_only_can_invite"));
        c.ext_setting = Some("not json".into());
        assert!(!c.ext_flag("enable_msg_url_preview"));
        c.max_file_expiry_mode = Some("Day7".into());
        assert_eq!(c.file_expiry_days(), Some(7));
    }
}
