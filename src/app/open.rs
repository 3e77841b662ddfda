//! What `o` opens from a selected message, and what it asks first. A file is downloaded and
//! handed to the system opener, after a yes unless its real extension is a plain document or
//! media type (`files::opens_as_document`); a voice message goes to the configured player
//! (`ui.audio_player`) when there is one. A link opens only when its scheme is http, https
//! or mailto (`text::openable`), after a yes when its text names another target; any other
//! scheme is refused with the reason, its target shown as text.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. `o`
//! owns no state: it asks the popups (a confirmation) or the task table (a download).

use super::{App, Confirm, Effect, TaskKind};
use crate::present::Body;
use crate::protocol::types::ContentKind;

/// At most this many links of one message are offered (the link picker, `Y`, `/open-link`).
pub const LINKS_MAX: usize = 100;

impl App {
    /// `o` on message `mid`: its file, or the first link it shows.
    pub(super) fn open_selected(&mut self, mid: i64) -> Vec<Effect> {
        let Some(m) = self.chat.message(mid) else {
            return vec![];
        };
        if let Some(file) = Body::of(m).file() {
            let (path, name) = (file.path.clone(), file.download_name());
            // A voice message goes to the configured player, which only plays it: nothing
            // to ask, whatever its name says.
            if let Some(player) = self.settings.audio_player.clone().filter(|_| file.audio) {
                let task = self
                    .tasks
                    .start(TaskKind::Download { name: name.clone() }, self.now_ms);
                let key = self.chat.conv_of_mid(mid).or(self.timeline.open);
                return vec![Effect::Play {
                    task,
                    key: key.unwrap_or(crate::model::ConvKey::User(0)),
                    mid,
                    path,
                    name,
                    player,
                }];
            }
            if !crate::files::opens_as_document(&name) {
                // It may run something: show the whole name and what it really is first.
                self.popups.push(Confirm::OpenFile { path, name });
                return vec![];
            }
            return self.download(path, name, true);
        }
        match self.links_of(mid).into_iter().next() {
            Some((url, disguised)) => self.open_link(url, disguised),
            None => {
                self.info("no link in this message");
                vec![]
            }
        }
    }

    /// Opens link `url` of a message: when its text names another target (`disguised`), the
    /// target is shown and asked about first; a scheme that is refused says why either way.
    /// The one rule for `o`, `/open-link` and the link picker.
    pub(super) fn open_link(&mut self, url: String, disguised: bool) -> Vec<Effect> {
        if disguised && crate::text::openable(&url).is_ok() {
            self.popups.push(Confirm::Open(url));
            return vec![];
        }
        self.open_url(url)
    }

    /// The links message `mid` shows, in order, each once, at most [`LINKS_MAX`]: its target,
    /// and whether that target differs from what the text shows (a markdown link whose text
    /// is another URL). Linear in the message's links: a message of a hostile number of links
    /// costs no more than its text's length.
    pub(super) fn links_of(&self, mid: i64) -> Vec<(String, bool)> {
        let Some(m) = self.chat.message(mid) else {
            return vec![];
        };
        let display = self.display_text(m);
        let disguised = if m.kind == ContentKind::Markdown {
            crate::text::disguised_links(&self.render_mentions(&m.content))
        } else {
            vec![]
        };
        // A URL that is a disguised link's target, or only its text, leads to that target
        // (the first such link wins).
        let mut leads: std::collections::HashMap<String, &String> =
            std::collections::HashMap::new();
        for (text, target) in &disguised {
            leads.entry(target.clone()).or_insert(target);
            for shown in crate::text::visible_links(text) {
                leads.entry(shown).or_insert(target);
            }
        }
        let mut out: Vec<(String, bool)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for url in crate::text::visible_links(&display) {
            let link = match leads.get(&url) {
                Some(target) => ((*target).clone(), true),
                None => (url, false),
            };
            if seen.insert(link.0.clone()) {
                out.push(link);
                if out.len() == LINKS_MAX {
                    break;
                }
            }
        }
        out
    }

    /// `/open-link <n> [k]` of the linear mode: link `k` (from 1) of message `mid`; without
    /// `k`, its only link, or the links numbered when there are several.
    pub(super) fn open_link_of(&mut self, mid: i64, k: Option<usize>) -> Vec<Effect> {
        if self
            .chat
            .message(mid)
            .is_some_and(|m| Body::of(m).file().is_some())
            && k.is_none()
        {
            return self.open_selected(mid);
        }
        let links = self.links_of(mid);
        let picked = match (k, links.len()) {
            (_, 0) => {
                self.info("no link in this message");
                return vec![];
            }
            (None, 1) => 0,
            (None, n) => {
                let listed: Vec<String> = links
                    .iter()
                    .enumerate()
                    .map(|(i, (url, _))| {
                        format!("{} {}", i + 1, crate::sanitize::one_line(url, 200))
                    })
                    .collect();
                self.info(format!(
                    "{n} links: {}; add its number to open one",
                    listed.join(", ")
                ));
                return vec![];
            }
            (Some(k), n) if k == 0 || k > n => {
                self.error(format!(
                    "this message has {n} link{}",
                    if n == 1 { "" } else { "s" }
                ));
                return vec![];
            }
            (Some(k), _) => k - 1,
        };
        let (url, disguised) = links[picked].clone();
        self.open_link(url, disguised)
    }

    /// `y` on message `mid`: exactly the text the screen shows (hidden text is never
    /// copied), or a file's link.
    pub(super) fn copy_message(&mut self, mid: i64) -> Vec<Effect> {
        match self.chat.message(mid).map(|m| (Body::of(m).file(), m)) {
            Some((Some(file), _)) => {
                self.info("file link copied");
                vec![Effect::CopyFileUrl { path: file.path }]
            }
            Some((None, m)) => {
                let text = self.display_text(m);
                self.info("copied");
                vec![Effect::CopyText(text)]
            }
            None => vec![],
        }
    }

    /// Opens `url` if its scheme is one that only shows something (http, https, mailto);
    /// otherwise says why not, with the target as text.
    pub(super) fn open_url(&mut self, url: String) -> Vec<Effect> {
        match crate::text::openable(&url) {
            Ok(()) => vec![Effect::OpenUrl(url)],
            Err(why) => {
                self.error(format!(
                    "not opened: {why}: {}",
                    crate::sanitize::one_line(&url, 100)
                ));
                vec![]
            }
        }
    }

    /// Downloads the file at server `path` as `name` (already safe), a task in the status bar;
    /// `open` hands it to the system opener when done.
    pub(super) fn download(&mut self, path: String, name: String, open: bool) -> Vec<Effect> {
        let task = self
            .tasks
            .start(TaskKind::Download { name: name.clone() }, self.now_ms);
        vec![Effect::Download {
            task,
            path,
            name,
            open,
        }]
    }
}
