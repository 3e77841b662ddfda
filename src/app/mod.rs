//! The application core: `App` (all UI state plus the folded chat model), `Msg` (everything
//! that can happen), `Effect` (everything slow or outside the model) and the pure `update`
//! that maps one to the other. No I/O here: the executor and the loop carry out effects and
//! send back messages.

// A pure layer: IO, clocks, the environment and processes are a build error here (clippy.toml).
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]

mod account;
mod call;
mod changes;
mod commands;
mod complete;
mod composer;
pub mod conn;
mod display;
pub mod error;
mod jump;
mod keys;
mod login;
mod msg;
mod notify;
mod open;
mod outbox;
pub mod popups;
mod saved;
mod screen;
mod search;
mod sidebar;
mod status;
pub mod strings;
mod sync;
pub mod tasks;
mod timeline;
mod unread_fill;
mod update;

pub use account::Account;
pub use commands::{COMMANDS, Command};
pub use composer::{ComposeTarget, Composer, new_textarea};
pub use error::{Failure, Outcome};
pub use login::{LoginField, LoginForm, insecure_host, insecure_warning, url_label};
pub use msg::{CallTarget, Effect, LoggedIn, Msg, Restored, View};
pub use popups::{
    Choice, Confirm, Devices, Help, Info, Popup, PopupState, Popups, Preview, React, SearchKind,
    SearchPopup, SearchView, Staged, Switcher, key_context, mode_keys,
};
pub use screen::Screen;
pub use status::{Notice, Status};
pub use tasks::{Task, TaskId, TaskKind, Tasks};
pub use timeline::{HISTORY_PAGE, Timeline};
pub use update::update;

use crate::config::Config;
use crate::keymap::Keymap;
use crate::model::{ChatModel, ConvKey, PendingMessage, PendingState, UploadProgress};
use crate::protocol::types::Content;
use std::collections::HashMap;

/// What is under the popups: the login form, the composer or the selection.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Login(LoginForm),
    Chat,
    /// Browsing messages; the selected mid.
    Select(i64),
}

/// Settings the update logic needs (from the config file).
#[derive(Debug, Clone)]
pub struct Settings {
    pub sidebar_width: u16,
    pub composer_max_lines: u16,
    pub time_format: String,
    pub notify: crate::config::Notifications,
    /// Image previews allowed (config, and off over SSH unless forced on).
    pub previews: bool,
    /// Show times in UTC instead of local time (tests; people on servers without a TZ).
    pub utc: bool,
    pub send_markdown: crate::config::MarkdownMode,
    pub sidebar: crate::config::Sidebar,
    /// Cozy or compact timeline (config `ui.layout`).
    pub layout: crate::config::Layout,
}

impl Settings {
    /// The settings of `c`; `over_ssh` (read from the environment by the runtime) turns
    /// `image_previews = "auto"` off.
    pub fn new(c: &Config, over_ssh: bool) -> Settings {
        Settings {
            // In range (`Config::parse` checks): at most 200 and 100.
            sidebar_width: u16::try_from(c.ui.sidebar_width).unwrap_or(u16::MAX),
            composer_max_lines: u16::try_from(c.ui.composer_max_lines).unwrap_or(u16::MAX),
            time_format: c.ui.time_format.clone(),
            notify: c.notifications.clone(),
            previews: match c.ui.image_previews.as_str() {
                "on" => true,
                "off" => false,
                _ => !over_ssh,
            },
            utc: false,
            send_markdown: c.ui.send_markdown,
            sidebar: c.sidebar.clone(),
            layout: c.ui.layout,
        }
    }
}

/// A local session's settings (previews on when `auto`).
impl From<&Config> for Settings {
    fn from(c: &Config) -> Settings {
        Settings::new(c, false)
    }
}

/// All UI state, in parts that each own their piece: the folded chat, the composer, the
/// timeline's view, the status bar, the terminal, the account, the running tasks, and the
/// open popups over the login form, the composer or the selection (`mode`).
pub struct App {
    pub chat: ChatModel,
    pub composer: Composer,
    pub timeline: Timeline,
    pub status: Status,
    pub screen: Screen,
    pub account: Account,
    /// Background work shown in the status bar.
    pub tasks: Tasks,
    pub mode: Mode,
    /// The open popups, bottom to top: the top one gets the keys.
    pub popups: Popups,
    /// The search view's query and results (kept while it is closed).
    pub search: SearchView,
    pub keymap: Keymap,
    pub settings: Settings,
    /// The clock `update` uses (set by the loop before each batch; keeps `update` pure).
    pub now_ms: i64,
    /// Something visible changed since the last frame.
    pub dirty: bool,
    pub quit: bool,
    /// When waiting messages are tried again while the stream stays up (a send failed with a
    /// 5xx or a network error although the stream is live).
    resend_at: Option<i64>,
    last_local_id: i64,
    /// The sidebar order held still while conversations are stepped through (and when the
    /// last step was).
    held_order: Option<(Vec<ConvKey>, i64)>,
    /// Pages that make unread counts exact after a bounded start.
    unread_fill: unread_fill::UnreadFill,
}

impl App {
    pub fn new(keymap: Keymap, settings: Settings, server_label: String) -> App {
        App {
            chat: ChatModel::default(),
            composer: Composer::new(strings::composer_placeholder(&keymap)),
            timeline: Timeline::default(),
            status: Status::new(server_label),
            screen: Screen::default(),
            account: Account::default(),
            tasks: Tasks::default(),
            mode: Mode::Chat,
            popups: Popups::default(),
            search: SearchView::default(),
            keymap,
            settings,
            now_ms: 0,
            dirty: true,
            quit: false,
            resend_at: None,
            last_local_id: 0,
            held_order: None,
            unread_fill: unread_fill::UnreadFill::default(),
        }
    }

    /// An app already logged in as `me` (demo mode, saved sessions).
    pub fn logged_in(me: i64, keymap: Keymap, settings: Settings, server_label: String) -> App {
        let mut app = App::new(keymap, settings, server_label);
        app.chat = ChatModel::new(me);
        app
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.status.info(text);
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.status.error(text);
    }

    /// When the screen next changes by itself: the soonest burn-after-reading expiry in the
    /// open conversation. The loop sleeps until then; there is no periodic timer.
    pub fn next_deadline(&self) -> Option<i64> {
        let expiry = self
            .timeline
            .open
            .and_then(|key| self.chat.convs.get(&key))
            .and_then(|conv| {
                conv.visible()
                    .filter_map(crate::model::Message::expires_at)
                    .filter(|t| *t > self.now_ms)
                    .min()
            });
        // The sidebar order let go after the last step: the frame must follow (a click is
        // mapped to the order of the moment).
        let hold_ends = self
            .held_order
            .as_ref()
            .map(|(_, at)| at + sidebar::HOLD_MS)
            .filter(|t| *t > self.now_ms);
        [expiry, self.resend_at, hold_ends]
            .into_iter()
            .flatten()
            .min()
    }

    /// The wall clock, sent by the loop before each batch (`update` never reads one). By
    /// itself it asks for no frame: the batch it comes before decides that.
    fn on_clock(&mut self, now_ms: i64) -> Vec<Effect> {
        self.now_ms = now_ms;
        self.dirty = false;
        vec![]
    }

    /// The selected message (in the selection, under any popup over it).
    pub fn selected(&self) -> Option<i64> {
        match self.mode {
            Mode::Select(mid) => Some(mid),
            Mode::Chat | Mode::Login(_) => None,
        }
    }

    pub fn conv_label(&self, key: ConvKey) -> String {
        let name = crate::sanitize::one_line(&self.chat.conv_name(key), 40);
        match key {
            ConvKey::Group(_) => format!("#{name}"),
            ConvKey::User(_) => format!("@{name}"),
        }
    }

    fn next_local_id(&mut self) -> i64 {
        // Milliseconds like the web client, kept strictly increasing.
        self.last_local_id = self.now_ms.max(self.last_local_id + 1);
        self.last_local_id
    }

    fn open_conversation(&mut self, key: ConvKey) -> Vec<Effect> {
        if self.timeline.open == Some(key) {
            return self.mark_open_read().into_iter().collect();
        }
        // Keep the draft of the conversation we leave, and trim what it loaded.
        self.composer.switch(self.timeline.open, key);
        let left = self.timeline.open;
        // A jump under way elsewhere is off.
        if self.timeline.seek.is_some_and(|(k, _)| k != key) {
            self.timeline.seek = None;
        }
        if matches!(self.mode, Mode::Select(_)) {
            self.mode = Mode::Chat;
        }
        let read_index = self.chat.convs.get(&key).map_or(0, |c| c.read_index);
        self.timeline.show(key, read_index);
        if let Some(left) = left {
            self.trim_window(left);
        }
        let mut effects = self.maybe_load_history(key, true);
        effects.extend(self.mark_open_read());
        effects
    }

    /// Asks for older history when the view is near the oldest loaded message.
    fn maybe_load_history(&mut self, key: ConvKey, opening: bool) -> Vec<Effect> {
        self.timeline
            .history_request(&self.chat, key, self.screen.size.1, opening)
            .into_iter()
            .collect()
    }

    /// The open conversation is on screen: everything in it is read (when you are looking).
    fn mark_open_read(&mut self) -> Option<Effect> {
        let key = self.timeline.open?;
        if !self.screen.focused || self.timeline.scroll > 0 || matches!(self.mode, Mode::Login(_)) {
            return None;
        }
        let newest = self
            .chat
            .convs
            .get(&key)?
            .messages
            .keys()
            .next_back()
            .copied()?;
        self.chat
            .set_read_index(key, newest)
            .then_some(Effect::MarkRead { key, mid: newest })
    }

    fn step_conversation(&mut self, delta: isize) -> Vec<Effect> {
        let list = self.hold_sidebar();
        if list.is_empty() {
            return vec![];
        }
        let pos = self
            .timeline
            .open
            .and_then(|k| list.iter().position(|x| *x == k));
        let next = match pos {
            Some(p) => (p as isize + delta).rem_euclid(list.len() as isize) as usize,
            None => 0,
        };
        self.open_conversation(list[next])
    }

    /// The next conversation (after the open one, wrapping) that matches `pred`.
    fn jump_to(
        &mut self,
        what: &str,
        pred: impl Fn(&crate::model::Conversation) -> bool,
    ) -> Vec<Effect> {
        let list = self.sidebar();
        let start = self
            .timeline
            .open
            .and_then(|k| list.iter().position(|x| *x == k))
            .map_or(0, |p| p + 1);
        let found = (0..list.len())
            .map(|i| list[(start + i) % list.len()])
            .find(|k| Some(*k) != self.timeline.open && self.chat.convs.get(k).is_some_and(&pred));
        match found {
            Some(k) => self.open_conversation(k),
            None => {
                self.info(format!("no {what}"));
                vec![]
            }
        }
    }

    /// Queues a text message (optimistically shown as pending).
    fn send_text(&mut self, text: String, reply_to: Option<i64>) -> Vec<Effect> {
        let Some(key) = self.timeline.open else {
            self.error(strings::open_a_conversation(&self.keymap));
            return vec![];
        };
        let markdown = self
            .composer
            .sends_markdown(&text, self.settings.send_markdown);
        let (content, properties) = self.composer.outgoing(text, markdown);
        let local_id = self.next_local_id();
        let mut properties = properties;
        properties.local_id = Some(local_id);
        self.chat.add_pending(
            key,
            PendingMessage {
                local_id,
                content: content.clone(),
                reply_to,
                created_at: self.now_ms,
                state: PendingState::Sending,
                upload: None,
            },
        );
        self.timeline.scroll = 0;
        vec![Effect::Send {
            key,
            local_id,
            content,
            properties,
            reply_to,
            retry: false,
        }]
    }

    /// Enter in the composer.
    fn submit(&mut self) -> Vec<Effect> {
        let text = self.composer.text();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return self.send_staged();
        }
        if let Some(cmd) = trimmed.strip_prefix('/')
            && !trimmed.starts_with("//")
        {
            let cmd = cmd.to_string();
            self.composer.set_text("");
            return self.run_command(&cmd);
        }
        let text = text
            .strip_prefix('/')
            .filter(|_| trimmed.starts_with("//"))
            .map(str::to_string)
            .unwrap_or(text);
        self.composer.set_text("");
        self.composer.completion = None;
        let mut effects = self.send_staged();
        effects.extend(
            match std::mem::replace(&mut self.composer.target, ComposeTarget::New) {
                ComposeTarget::New => self.send_text(text, None),
                ComposeTarget::Reply(mid) => self.send_text(text, Some(mid)),
                ComposeTarget::Edit(mid) => {
                    let markdown = self
                        .composer
                        .sends_markdown(&text, self.settings.send_markdown);
                    let (content, _) = self.composer.outgoing(text, markdown);
                    self.change(mid, crate::model::Change::Edit(content))
                }
            },
        );
        effects
    }

    /// Starts an upload for every staged file (each shown at once as a pending message).
    fn send_staged(&mut self) -> Vec<Effect> {
        if self.composer.staged.is_empty() {
            return vec![];
        }
        let Some(key) = self.timeline.open else {
            self.error(strings::open_a_conversation(&self.keymap));
            return vec![];
        };
        let mut effects = Vec::new();
        for file in std::mem::take(&mut self.composer.staged) {
            let local_id = self.next_local_id();
            self.chat.add_pending(
                key,
                PendingMessage {
                    local_id,
                    content: Content::File {
                        path: file.name.clone(),
                    },
                    reply_to: None,
                    created_at: self.now_ms,
                    state: PendingState::Sending,
                    upload: Some(UploadProgress {
                        file: file.clone(),
                        sent: 0,
                        started_ms: self.now_ms,
                    }),
                },
            );
            let task = self.tasks.start(
                TaskKind::Upload {
                    local_id,
                    name: file.name.clone(),
                },
                self.now_ms,
            );
            self.status.notice = None;
            effects.push(Effect::Upload {
                task,
                key,
                local_id,
                file,
            });
        }
        self.timeline.scroll = 0;
        effects
    }

    fn start_edit(&mut self, mid: i64) {
        let Some(m) = self.chat.message(mid) else {
            return;
        };
        if Some(m.from_uid) != self.chat.me || m.is_file() {
            self.error("you can only edit your own text messages");
            return;
        }
        // Show mentions as names again while editing: one pass over the text, whatever the
        // number of mentions (a text replace per mention was quadratic).
        let uids = crate::protocol::types::mentions_of(m.properties.as_ref());
        let listed: std::collections::HashSet<i64> = uids.iter().copied().collect();
        let text = crate::protocol::mention::render(&m.content, |uid| {
            listed.contains(&uid).then(|| self.chat.user_name(uid))
        });
        let mentions: HashMap<String, i64> = uids
            .into_iter()
            .map(|uid| (self.chat.user_name(uid), uid))
            .collect();
        self.composer.set_text(&text);
        self.composer.mentions = mentions;
        self.composer.target = ComposeTarget::Edit(mid);
        self.mode = Mode::Chat;
    }

    /// Asks for your personal link to a meeting room, with `options` over the config's.
    pub(crate) fn call_link(
        &mut self,
        target: CallTarget,
        options: crate::protocol::vocespace::CallOptions,
    ) -> Vec<Effect> {
        let Some(me) = self.chat.me else {
            return vec![];
        };
        let username = self.chat.user_name(me);
        let avatar_uid = self
            .chat
            .users
            .get(&me)
            .filter(|u| u.avatar_updated_at > 0)
            .map(|u| u.uid);
        let task = self.tasks.start(TaskKind::MeetingLink, self.now_ms);
        vec![Effect::CallLink {
            task,
            target,
            options,
            username,
            avatar_uid,
        }]
    }
}

#[cfg(test)]
mod change_tests;
#[cfg(test)]
mod jump_tests;
#[cfg(test)]
mod name_tests;
#[cfg(test)]
mod open_tests;
#[cfg(test)]
mod popup_tests;
#[cfg(test)]
mod search_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod text_tests;
#[cfg(test)]
mod unread_tests;
