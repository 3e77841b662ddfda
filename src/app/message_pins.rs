//! Pinned messages of a channel (0.3.3: `POST /api/group/{gid}/pin|unpin`, the
//! `pinned_message_updated` event): `/pins` opens the list (`popups/pinned.rs`), `P` in
//! selection pins the selected message or unpins it, and the server's answer is told. A pin is
//! applied when its event comes (the server sends it to every member, the pinner's own devices
//! too), not when the request succeeds; only an unpin the server says is not there is taken off
//! here at once. Who may pin: an admin in a public channel, the owner or an admin in a private
//! one; the server decides, and its 403 is told as that rule.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the channel's pins as this device changes them (`Msg::MessagePinned`); the
//! stream's changes are the model's (`model/pinned.rs`), the list's selection the popup's.

use super::{App, Effect, Failure, Outcome, PinnedView, strings};
use crate::model::ConvKey;
use crate::present::Body;
use crate::protocol::ApiError;
use crate::protocol::ServerEvent;
use crate::protocol::types::ContentKind;

/// At most this much of a pinned message's text is looked at for its row.
const ROW_BYTES: usize = 4096;

/// One row of a channel's pins, as the popup and the linear mode say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinRow {
    pub mid: i64,
    /// The message's author, when the message is loaded here (a pin names only its pinner).
    pub author: Option<i64>,
    /// Who pinned it.
    pub pinned_by: i64,
    /// When it was said, when loaded; else when it was pinned.
    pub at: i64,
    /// Its first line (a file: its name), sanitized, at most `room` characters.
    pub text: String,
}

impl App {
    /// `/pins`: the open channel's pinned messages.
    pub(super) fn open_pins(&mut self) -> Vec<Effect> {
        match self.timeline.open {
            None => self.error("open a channel first"),
            Some(ConvKey::User(_)) => self.info(strings::PINS_FOR_CHANNELS),
            Some(ConvKey::Group(gid)) => self.popups.push(PinnedView::new(gid)),
        }
        vec![]
    }

    /// `P` in selection: pins message `mid`, or unpins it when it is pinned.
    pub(super) fn toggle_pin(&mut self, mid: i64) -> Vec<Effect> {
        match self.chat.conv_of_mid(mid).or(self.timeline.open) {
            Some(ConvKey::Group(gid)) => {
                let pinned = self.chat.is_message_pinned(ConvKey::Group(gid), mid);
                self.request_pin(gid, mid, !pinned)
            }
            _ => {
                self.info(strings::PINS_FOR_CHANNELS);
                vec![]
            }
        }
    }

    /// Asks the server to pin (`pin`) or unpin message `mid` in channel `gid`.
    pub(super) fn request_pin(&mut self, gid: i64, mid: i64, pin: bool) -> Vec<Effect> {
        self.info(if pin { "pinning…" } else { "unpinning…" });
        vec![Effect::PinMessage { gid, mid, pin }]
    }

    /// The server answered a pin or an unpin. Done: said (the event changes the list). A 403
    /// says who may pin in this channel; a 409 and an unpin's 404 say it was so already, and
    /// the latter takes the stale pin off here (kept in the store as the event would be).
    pub(super) fn on_message_pinned(
        &mut self,
        gid: i64,
        mid: i64,
        pin: bool,
        result: Outcome<()>,
    ) -> Vec<Effect> {
        match result {
            Ok(()) if pin => self.info("pinned (/pins lists the channel's pins)"),
            Ok(()) => self.info("unpinned"),
            Err(Failure::Api(ApiError::Forbidden(_))) => {
                let public = self.chat.groups.get(&gid).is_some_and(|g| g.is_public);
                self.error(if public {
                    strings::PIN_ADMIN_ONLY
                } else {
                    strings::PIN_OWNER_OR_ADMIN
                });
            }
            Err(Failure::Api(ApiError::Conflict(_))) if pin => self.info(strings::PINNED_ALREADY),
            Err(Failure::Api(ApiError::NotFound(_))) if !pin => {
                self.info(strings::NOT_PINNED);
                if self.chat.is_message_pinned(ConvKey::Group(gid), mid) {
                    let event = ServerEvent::PinnedMessageUpdated {
                        gid,
                        mid,
                        msg: None,
                    };
                    self.chat.apply(event.clone());
                    return vec![Effect::Keep(Box::new(event))];
                }
            }
            Err(Failure::Api(ApiError::NotFound(_))) => self.error(strings::PIN_GONE),
            Err(e) => {
                let verb = if pin { "pin" } else { "unpin" };
                self.error(format!("{verb}: {e}"));
                self.on_failure(&e);
            }
        }
        vec![]
    }

    /// The pins of conversation `key` as rows, newest pin first, each text at most `room`
    /// characters.
    pub fn pin_rows(&self, key: ConvKey, room: usize) -> Vec<PinRow> {
        self.chat
            .pinned_in(key)
            .into_iter()
            .map(|p| {
                let loaded = self.chat.message(p.mid);
                let text = match loaded {
                    Some(m) if m.deleted => "(deleted message)".to_string(),
                    _ => {
                        let kind = ContentKind::parse(&p.content_type);
                        let content = crate::text::split_at_most(&p.content, ROW_BYTES).0;
                        let first = match kind {
                            ContentKind::Text | ContentKind::Markdown => {
                                content.lines().find(|l| !l.trim().is_empty()).unwrap_or("")
                            }
                            _ => content,
                        };
                        Body::new(&kind, first, p.properties.as_ref()).quote(&self.chat, room)
                    }
                };
                PinRow {
                    mid: p.mid,
                    author: loaded.map(|m| m.from_uid),
                    pinned_by: p.created_by,
                    at: loaded.map_or(p.created_at, |m| m.created_at),
                    text,
                }
            })
            .collect()
    }
}
