//! What the client knows of the server (the model's `Capabilities`): asking for it once
//! the stream is live, folding the answers, keeping them with the store, remembering a
//! feature that turned out absent, and the `/server` view for bug reports.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns `App::server_probed` and what is known of the server (`chat.server`); the
//! message that changes it (`Msg::ServerInfo`) is handled here.

use super::{App, Effect, Info, ServerInfo};
use crate::model::{Capabilities, Feature, Support};

impl App {
    /// The stream is live: ask the server about itself, once per session.
    pub(super) fn probe_server_once(&mut self) -> Option<Effect> {
        (!std::mem::replace(&mut self.server_probed, true)).then_some(Effect::ProbeServer)
    }

    /// The server's version and switches arrived.
    pub(super) fn on_server_info(&mut self, info: ServerInfo) -> Vec<Effect> {
        let before = self.chat.server.clone();
        if let Some(v) = &info.version {
            self.chat.server.learn_version(v);
        }
        // A failed switches request is no news for the user: they stay as known.
        if let Ok(common) = info.common {
            self.chat.server.learn_common(common);
        }
        let mut effects = self.capabilities_changed(&before);
        effects.extend(self.fetch_open_announcement());
        effects.extend(self.fetch_contacts());
        effects
    }

    /// A newer feature's endpoint answered as if it did not exist: hide the feature from now
    /// on (also after a restart), and say so this once.
    pub(super) fn unsupported(&mut self, f: Feature) -> Vec<Effect> {
        let before = self.chat.server.clone();
        if self.chat.server.lacks(f) {
            self.error(format!(
                "this server ({}) has no {}",
                self.chat
                    .server
                    .version_text
                    .as_deref()
                    .unwrap_or("its version unknown"),
                f.name()
            ));
        }
        self.capabilities_changed(&before)
    }

    /// A newer feature answered: it is there.
    pub(super) fn supported(&mut self, f: Feature) -> Vec<Effect> {
        let before = self.chat.server.clone();
        self.chat.server.found(f);
        self.capabilities_changed(&before)
    }

    /// Whether `f` may be offered (known, or worth a try).
    pub fn offers(&self, f: Feature) -> bool {
        self.chat.server.support(f) != Support::No
    }

    fn capabilities_changed(&self, before: &Capabilities) -> Vec<Effect> {
        if *before == self.chat.server {
            return vec![];
        }
        vec![Effect::SaveCapabilities(Box::new(self.chat.server.clone()))]
    }

    /// `/server`.
    pub(super) fn open_server_view(&mut self) -> Vec<Effect> {
        let label = self.status.server_label.clone();
        self.popups.push(Info {
            title: format!("server {}", crate::sanitize::one_line(&label, 60)),
            lines: describe(&self.chat.server),
        });
        vec![]
    }
}

/// `/server`: the version, each feature and the limits, one line each.
fn describe(caps: &Capabilities) -> Vec<String> {
    let mut lines = vec![format!(
        "version: {}",
        caps.version_text.as_deref().unwrap_or("not known yet")
    )];
    for f in Feature::ALL {
        let s = match caps.support(*f) {
            Support::Yes => "yes",
            Support::No => "no",
            Support::Unknown => "not known yet",
        };
        lines.push(format!("{}: {s}", f.name()));
    }
    let c = caps.switches();
    if caps.common.is_some() {
        lines.extend([
            format!("direct messages: {}", on(c.dm_enabled())),
            format!("adding contacts: {}", on(c.add_friend_enabled())),
            format!("user search: {}", on(c.search_user_enabled())),
            format!("contact verification: {}", on(c.contact_verification())),
        ]);
    }
    lines.push(match c.file_expiry_days() {
        Some(d) => format!("files are deleted after {d} days"),
        None => "file expiry: none announced".into(),
    });
    lines.push(match caps.upload_refused_at {
        Some(b) => format!(
            "upload limit: under {} (a larger one was refused)",
            crate::files::human_size(b)
        ),
        None => "upload limit: none met".into(),
    });
    lines
}

fn on(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}
