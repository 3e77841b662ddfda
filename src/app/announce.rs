//! Channel announcements on newer servers (≥ 0.5.13): fetched when a channel is opened
//! (once a connection: the stream's `group_announcement_changed` keeps it current, and a
//! new connection asks again), shown as one line over the timeline with the whole text on
//! a key (`show_announcement`, a popup rendering its markdown), and `/announce <text>` or
//! `/announce --clear` for the channel's owner and admins. What was fetched or set is kept
//! with the store as the stream's event, so a start shows it before the network answers.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns `App::announcements_asked` and the announcements as this device learns them
//! (`chat.announcements`); the message that changes them here (`Msg::Announcement`) is
//! handled here, the stream's in the model.

use super::popups::AnnouncementView;
use super::{AnnounceOp, App, Effect, Outcome};
use crate::model::{ConvKey, Feature, Support};
use crate::protocol::ServerEvent;
use crate::protocol::newer::GroupAnnouncement;
use crate::protocol::personal::ANNOUNCEMENT_MAX_CHARS;

impl App {
    /// A channel was opened: its announcement is asked for, once a connection.
    pub(super) fn fetch_announcement(&mut self, key: ConvKey) -> Option<Effect> {
        let ConvKey::Group(gid) = key else {
            return None;
        };
        // Asked only of a server known to have them: on one whose version is not known yet
        // the probe's answer asks (`on_server_info`), so a 0.3.3 server is never asked.
        if !self.chat.ready || self.chat.server.support(Feature::Announcements) != Support::Yes {
            return None;
        }
        self.announcements_asked
            .insert(gid)
            .then_some(Effect::FetchAnnouncement { gid })
    }

    /// A new connection is live: what changed while it was down was not streamed, so the
    /// open channel's announcement is asked for again (the others when next opened).
    pub(super) fn refetch_announcement(&mut self) -> Option<Effect> {
        self.announcements_asked.clear();
        let key = self.timeline.open?;
        self.fetch_announcement(key)
    }

    /// What the server can do is newly known: the open channel's announcement, if not
    /// asked for yet on this connection.
    pub(super) fn fetch_open_announcement(&mut self) -> Option<Effect> {
        let key = self.timeline.open?;
        self.fetch_announcement(key)
    }

    /// `/announce <text>` or `/announce --clear` in the open channel (`rest` follows the
    /// command's name).
    pub(super) fn announce_command(&mut self, rest: &str) -> Vec<Effect> {
        let Some(ConvKey::Group(gid)) = self.timeline.open else {
            self.error("/announce works in a channel");
            return vec![];
        };
        if !self.offers(Feature::Announcements) {
            self.error("this server has no announcements");
            return vec![];
        }
        let text = rest.trim();
        let content = match text {
            "" => {
                self.error("/announce <text> sets the channel's announcement, --clear removes it");
                return vec![];
            }
            "--clear" => None,
            _ if text.chars().count() > ANNOUNCEMENT_MAX_CHARS => {
                self.error(format!(
                    "an announcement is at most {ANNOUNCEMENT_MAX_CHARS} characters"
                ));
                return vec![];
            }
            _ => Some(text.to_string()),
        };
        vec![Effect::Announce { gid, content }]
    }

    /// The server answered for a channel's announcement.
    pub(super) fn on_announcement(
        &mut self,
        gid: i64,
        op: AnnounceOp,
        result: Outcome<Option<GroupAnnouncement>>,
    ) -> Vec<Effect> {
        let label = self.conv_label(ConvKey::Group(gid));
        match result {
            Ok(announcement) => {
                let event = ServerEvent::GroupAnnouncementChanged { gid, announcement };
                self.chat.apply(event.clone());
                match op {
                    AnnounceOp::Fetch => {}
                    AnnounceOp::Set => self.info(format!("the announcement of {label} is set")),
                    AnnounceOp::Clear => self.info(format!("{label} has no announcement now")),
                }
                let mut effects = vec![Effect::Keep(Box::new(event))];
                effects.extend(self.supported(Feature::Announcements));
                effects
            }
            Err(e) if self.lacks_now(Feature::Announcements, &e) => {
                self.unsupported(Feature::Announcements)
            }
            Err(e) if op == AnnounceOp::Fetch => {
                // Asked again when the channel is next opened; nothing to tell.
                self.announcements_asked.remove(&gid);
                self.on_failure(&e);
                vec![]
            }
            Err(crate::app::Failure::Api(crate::protocol::ApiError::Forbidden(_))) => {
                self.error(format!(
                    "only the owner of {label} and admins may change its announcement"
                ));
                vec![]
            }
            Err(e) => {
                self.error(format!("announcement: {e}"));
                self.on_failure(&e);
                vec![]
            }
        }
    }

    /// The key for the whole announcement of the open channel.
    pub(super) fn show_announcement(&mut self) -> Vec<Effect> {
        match self.timeline.open {
            Some(ConvKey::Group(gid)) if self.chat.announcements.contains_key(&gid) => {
                self.popups.push(AnnouncementView { gid, scroll: 0 });
            }
            Some(key @ ConvKey::Group(_)) if self.offers(Feature::Announcements) => {
                let label = self.conv_label(key);
                self.info(format!("{label} has no announcement"));
            }
            // Nothing to show, and nothing to say on a server without them.
            _ => {}
        }
        vec![]
    }
}
