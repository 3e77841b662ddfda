//! Carries out contacts, user search and invite link requests (`Effect::Contacts`) on the
//! account's client and reports each answer as `Msg::Contacts`.

use super::AccountSession;
use crate::app::{ContactsEffect, ContactsMsg, Failure, Msg};
use crate::secret::Secret;

impl AccountSession {
    pub(super) fn contacts(&self, effect: ContactsEffect) {
        let tx = self.ctx.tx.clone();
        let api = self.api.clone();
        tokio::spawn(async move {
            let msg = match effect {
                ContactsEffect::FetchList => {
                    ContactsMsg::List(api.contacts().await.map_err(Failure::from))
                }
                ContactsEffect::SetStatus { uid, action } => ContactsMsg::StatusSet {
                    uid,
                    action,
                    result: api
                        .update_contact_status(uid, action)
                        .await
                        .map_err(Failure::from),
                },
                ContactsEffect::Search(search) => {
                    ContactsMsg::Found(api.search_user(&search).await.map_err(Failure::from))
                }
                ContactsEffect::InviteLink {
                    gid,
                    expired_in,
                    max_times,
                } => ContactsMsg::InviteLink {
                    gid,
                    result: api
                        .private_invite_link(gid, expired_in, max_times)
                        .await
                        .map(Secret::new)
                        .map_err(Failure::from),
                },
                ContactsEffect::JoinPrivate { magic_token } => ContactsMsg::Joined(
                    api.join_private(magic_token.expose())
                        .await
                        .map_err(Failure::from),
                ),
            };
            let _ = tx.send(Msg::Contacts(msg));
        });
    }
}
