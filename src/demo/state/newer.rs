//! What a newer (0.5.x) server keeps beyond 0.3.3 (the newer profile's state): its
//! server-wide switches, and per feature what its routes change. Each change is announced as
//! the newer server would, with its event.

use super::{Outcome, Refusal, State};
use crate::protocol::ServerEvent;
use crate::protocol::newer::{ServerConfigChanged, SystemCommon};

/// The newer profile's state.
#[derive(Debug, Clone)]
pub struct Newer {
    pub common: SystemCommon,
    /// Contacts and private invite tokens (`state/contacts.rs`).
    pub contacts: super::contacts::ContactBook,
}

impl Default for Newer {
    fn default() -> Self {
        Newer {
            common: SystemCommon {
                show_user_online_status: Some(true),
                contact_verification_enable: Some(false),
                chat_layout_mode: Some("Left".into()),
                max_file_expiry_mode: Some("Off".into()),
                only_admin_can_create_group: Some(false),
                ext_setting: Some("{}".into()),
                msg_smtp_notify_enable: Some(false),
                dm_enable: Some(true),
                add_friend_enable: Some(true),
                search_user_enable: Some(true),
            },
            contacts: Default::default(),
        }
    }
}

impl State {
    fn is_admin(&self, uid: i64) -> bool {
        self.users.get(&uid).is_some_and(|u| u.info.is_admin)
    }

    /// An admin changes switches: they apply and every stream hears of them.
    pub fn set_common(&mut self, uid: i64, patch: &SystemCommon) -> Outcome<()> {
        if !self.is_admin(uid) {
            return Err(Refusal::Empty(403));
        }
        self.newer.common.patch(patch);
        self.broadcast_all(&ServerEvent::ServerConfigChanged(ServerConfigChanged {
            common: patch.clone(),
            organization_name: Some(self.organization.name.clone()),
            organization_description: self.organization.description.clone(),
        }));
        Ok(())
    }
}
