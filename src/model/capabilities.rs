//! What the server can do, as far as the client has learnt: its version, its server-wide
//! switches (`/admin/system/common`), and each newer feature found present (it answered, or
//! its event arrived) or absent (404, 405 or 400 on its endpoint). Kept with the account's
//! store (which belongs to one `server_id`), so a start knows it before the network answers.
//! Pure: the runtime probes, `update` folds what it learns here.

use crate::protocol::newer::{SystemCommon, Version};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A feature newer servers have and 0.3.3 lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// `/admin/system/common` and `server_config_changed`.
    Common,
    PinChats,
    Contacts,
    UserSearch,
    Remarks,
    Announcements,
    ClearGroup,
    BulkDelete,
    PrivateInvite,
    AudioMessages,
}

impl Feature {
    pub const ALL: &[Feature] = &[
        Feature::Common,
        Feature::PinChats,
        Feature::Contacts,
        Feature::UserSearch,
        Feature::Remarks,
        Feature::Announcements,
        Feature::ClearGroup,
        Feature::BulkDelete,
        Feature::PrivateInvite,
        Feature::AudioMessages,
    ];

    /// Its name in `/server`.
    pub fn name(self) -> &'static str {
        match self {
            Feature::Common => "server settings",
            Feature::PinChats => "pinned chats",
            Feature::Contacts => "contacts",
            Feature::UserSearch => "user search",
            Feature::Remarks => "remarks",
            Feature::Announcements => "announcements",
            Feature::ClearGroup => "channel clearing",
            Feature::BulkDelete => "bulk delete",
            Feature::PrivateInvite => "private invite links",
            Feature::AudioMessages => "voice message sending",
        }
    }

    /// The first version the web client offers it on, where it gates on one.
    fn min_version(self) -> Option<Version> {
        match self {
            Feature::BulkDelete => Some(Version(0, 3, 10)),
            Feature::Remarks => Some(Version(0, 5, 0)),
            Feature::Announcements => Some(Version(0, 5, 13)),
            _ => None,
        }
    }
}

/// Whether a feature can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    Yes,
    No,
    /// Not known yet: trying it tells (and its answer is remembered).
    Unknown,
}

/// The open-source line ends here: it has none of the newer features (checked against it).
const LAST_OPEN_SOURCE: Version = Version(0, 3, 9);

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Capabilities {
    /// The version as the server wrote it (sanitized), and parsed.
    #[serde(default)]
    pub version_text: Option<String>,
    #[serde(default)]
    pub version: Option<Version>,
    /// The server-wide switches, when the server has them.
    #[serde(default)]
    pub common: Option<SystemCommon>,
    #[serde(default)]
    pub present: BTreeSet<Feature>,
    #[serde(default)]
    pub absent: BTreeSet<Feature>,
    /// The largest upload the server accepted without a 413, and the smallest it refused.
    #[serde(default)]
    pub upload_refused_at: Option<u64>,
}

impl Capabilities {
    pub fn support(&self, f: Feature) -> Support {
        if self.present.contains(&f) {
            return Support::Yes;
        }
        if self.absent.contains(&f) {
            return Support::No;
        }
        match (self.version, f.min_version()) {
            (Some(v), _) if v <= LAST_OPEN_SOURCE => Support::No,
            (Some(v), Some(min)) if v < min => Support::No,
            (Some(_), Some(_)) => Support::Yes,
            _ => Support::Unknown,
        }
    }

    /// Whether it may be offered (known or worth a try).
    pub fn offers(&self, f: Feature) -> bool {
        self.support(f) != Support::No
    }

    /// The server answered for `f`: it has it.
    pub fn found(&mut self, f: Feature) -> bool {
        self.absent.remove(&f);
        self.present.insert(f)
    }

    /// `f`'s endpoint answered 404/405/400: it has not. Whether that is news.
    pub fn lacks(&mut self, f: Feature) -> bool {
        self.present.remove(&f);
        self.absent.insert(f)
    }

    /// What `GET /admin/system/version` answered.
    pub fn learn_version(&mut self, text: &str) {
        let text = crate::sanitize::one_line(text, 40);
        self.version = Version::parse(&text);
        self.version_text = Some(text);
    }

    /// What `GET /admin/system/common` answered: the switches, or none (404).
    pub fn learn_common(&mut self, common: Option<SystemCommon>) {
        match common {
            Some(c) => {
                self.common = Some(c);
                self.found(Feature::Common);
            }
            None => {
                self.common = None;
                self.lacks(Feature::Common);
            }
        }
    }

    /// A `server_config_changed` patch.
    pub fn patch_common(&mut self, patch: &SystemCommon) {
        self.common
            .get_or_insert_with(SystemCommon::default)
            .patch(patch);
        self.found(Feature::Common);
    }

    /// The switches in effect (the web client's defaults where the server said nothing).
    pub fn switches(&self) -> SystemCommon {
        self.common.clone().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_source_server_lacks_every_newer_feature() {
        let mut c = Capabilities::default();
        assert_eq!(c.support(Feature::PinChats), Support::Unknown);
        c.learn_version("0.3.3");
        for f in Feature::ALL {
            assert_eq!(c.support(*f), Support::No, "{f:?}");
            assert!(!c.offers(*f));
        }
    }

    #[test]
    fn newer_versions_gate_what_the_web_client_gates_and_probes_decide_the_rest() {
        let mut c = Capabilities::default();
        c.learn_version("0.5.12");
        assert_eq!(c.support(Feature::Remarks), Support::Yes);
        assert_eq!(c.support(Feature::Announcements), Support::No);
        assert_eq!(c.support(Feature::PinChats), Support::Unknown);
        assert!(c.lacks(Feature::PinChats));
        assert!(!c.lacks(Feature::PinChats), "not news twice");
        assert_eq!(c.support(Feature::PinChats), Support::No);
        c.found(Feature::Announcements);
        assert_eq!(c.support(Feature::Announcements), Support::Yes);
        // A version that does not parse leaves everything to probes.
        c.learn_version("dev-build");
        assert_eq!(c.version, None);
        assert_eq!(c.support(Feature::Remarks), Support::Unknown);
    }

    #[test]
    fn the_switches_come_from_the_answer_and_its_patches() {
        let mut c = Capabilities::default();
        c.learn_common(None);
        assert_eq!(c.support(Feature::Common), Support::No);
        assert!(c.switches().dm_enabled());
        c.patch_common(&SystemCommon {
            dm_enable: Some(false),
            ..SystemCommon::default()
        });
        assert_eq!(c.support(Feature::Common), Support::Yes);
        assert!(!c.switches().dm_enabled());
    }
}
