//! Pinned chats on newer servers: `/pin` and `/unpin` on the open conversation, and the
//! server's answer. A pin is applied here once the server took it (the web client waits for
//! the stream's echo, which the device that made the change may never get) and kept with
//! the store as the `user_settings_changed` the other devices see; the echo, if it comes,
//! changes nothing. The sidebar puts the pinned chats first (`sidebar.rs`). On a server
//! without pinned chats (0.3.3) the commands say so, and the config's `sidebar.pinned` is
//! the list.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the chat's pinned list as this device changes it (`chat.pins`); the message
//! that changes it here (`Msg::Pinned`) is handled here, the stream's changes in the model.

use super::{App, Effect, Failure, Outcome};
use crate::model::{ConvKey, Feature, Support};
use crate::protocol::ApiError;
use crate::protocol::ServerEvent;
use crate::protocol::settings::{PinChat, UserSettingsChanged};

impl App {
    /// `/pin` (`pin`) or `/unpin` on the open conversation.
    pub(super) fn pin_command(&mut self, pin: bool) -> Vec<Effect> {
        let Some(key) = self.timeline.open else {
            self.error("open a conversation first");
            return vec![];
        };
        if !self.offers(Feature::PinChats) {
            self.error(
                "this server has no pinned chats; list them in the config's sidebar.pinned \
                 (with sidebar.order = \"pinned-first\")",
            );
            return vec![];
        }
        let label = self.conv_label(key);
        if self.chat.is_pinned(key) == pin {
            self.info(if pin {
                format!("{label} is pinned already")
            } else {
                format!("{label} is not pinned")
            });
            return vec![];
        }
        vec![Effect::PinChat { key, pin }]
    }

    /// The server answered a pin or unpin: applied (and kept) on success.
    pub(super) fn on_pinned(
        &mut self,
        key: ConvKey,
        pin: bool,
        result: Outcome<()>,
    ) -> Vec<Effect> {
        let verb = if pin { "pin" } else { "unpin" };
        match result {
            Ok(()) => {
                let target = key.target();
                let change = UserSettingsChanged {
                    add_pin_chats: if pin {
                        vec![PinChat {
                            target,
                            updated_at: self.now_ms,
                        }]
                    } else {
                        vec![]
                    },
                    remove_pin_chats: if pin { vec![] } else { vec![target] },
                    ..UserSettingsChanged::default()
                };
                let event = ServerEvent::UserSettingsChanged(change);
                self.chat.apply(event.clone());
                let label = self.conv_label(key);
                self.info(format!("{label} {verb}ned"));
                let mut effects = vec![Effect::Keep(Box::new(event))];
                effects.extend(self.supported(Feature::PinChats));
                effects
            }
            Err(e) if self.lacks_now(Feature::PinChats, &e) => self.unsupported(Feature::PinChats),
            Err(e) => {
                self.error(format!("{verb}: {e}"));
                self.on_failure(&e);
                vec![]
            }
        }
    }

    /// Whether failure `e` of a newer endpoint of `f` says the server lacks `f`: a 404 or
    /// 405, or a 400 (a newer route colliding with a 0.3.3 path parameter) while `f` was not
    /// seen working. A 400 where `f` is known is the server refusing this request.
    pub(super) fn lacks_now(&self, f: Feature, e: &Failure) -> bool {
        let bad_request = matches!(e, Failure::Api(ApiError::BadRequest(_)));
        e.is_unsupported() && !(bad_request && self.chat.server.support(f) == Support::Yes)
    }
}
