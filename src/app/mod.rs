//! The application core: `App` (all UI state plus the folded chat model), `Msg` (everything
//! that can happen), `Effect` (everything slow or outside the model) and the pure `update`
//! that maps one to the other. No I/O here: the executor and the loop carry out effects and
//! send back messages.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. `App`
//! is made of parts, each in its own module with the messages and methods that change it: the
//! composer (`composer.rs`, its completion `complete.rs`), the timeline (`timeline.rs`, its
//! jumps `jump.rs`), pending messages and queued changes (`outbox.rs`, `changes.rs`), the
//! running tasks (`tasks.rs`), the status bar (`status.rs`), the terminal (`screen.rs`), the
//! account (`account.rs`, its form `login.rs`), the chat as the stream and the store bring it
//! (`sync.rs`), the popups and the search view (`popups/`), the sidebar's order
//! (`sidebar.rs`) and the unread filler (`unread_fill.rs`). `update.rs` only dispatches each
//! message to its part; `keys.rs` and `commands.rs` hand each key and command to the part it
//! is for. Here: `App` itself, its settings and its clock (`Msg::Clock`), and what every part
//! uses (notices, labels, local ids).

// A pure layer: IO, clocks, the environment and processes are a build error here (clippy.toml).
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]

mod account;
mod account_cmds;
mod accounts;
mod announce;
mod bulk;
mod call;
mod changes;
mod cleared;
mod commands;
mod complete;
mod composer;
pub mod conn;
mod contacts;
mod display;
pub mod error;
pub mod forward;
mod invite;
mod join;
mod jump;
mod keys;
mod link_previews;
mod login;
mod message_pins;
mod msg;
mod notify;
mod notify_rules;
mod numbered;
mod open;
mod outbox;
mod pins;
pub mod popups;
mod remarks;
mod saved;
mod screen;
mod search;
mod search_span;
mod sections;
mod server;
pub(crate) mod sidebar;
mod status;
pub mod strings;
mod sync;
pub mod tasks;
mod timeline;
mod unread_fill;
mod update;

pub use account::Account;
pub use accounts::{AccountId, AccountState, AccountView, FIRST_ACCOUNT};
pub use commands::{COMMANDS, Command};
pub use composer::{ComposeTarget, Composer, new_textarea};
pub use contacts::{ContactsEffect, ContactsMsg};
pub use error::{Failure, Outcome};
pub use join::JoinLink;
pub use login::{LoginField, LoginForm, insecure_host, insecure_warning, url_label};
pub use message_pins::PinRow;
pub use msg::{AnnounceOp, CallTarget, Effect, LoggedIn, Msg, Restored, ServerInfo, View};
pub use numbered::Act;
pub use popups::{
    AnnouncementView, Choice, Confirm, CopyView, Devices, Help, Info, LinkPicker, Part, Piece,
    PinnedView, Popup, PopupState, Popups, Preview, React, SearchKind, SearchPopup, SearchView,
    Staged, Switcher, key_context, mode_keys,
};
pub use screen::Screen;
pub use search_span::unread_in as hit_unread;
pub use sections::{NEEDS_MAX, SidebarRow};
pub use status::{Notice, Status};
pub use tasks::{Task, TaskId, TaskKind, Tasks};
pub use timeline::{HISTORY_PAGE, Timeline};
pub use update::update;

use crate::config::Config;
use crate::keymap::Keymap;
use crate::model::{ChatModel, ConvKey};

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
    /// Link previews under messages with one link (`ui.link_previews`; off unless true).
    pub link_previews: bool,
    /// Show times in UTC instead of local time (tests; people on servers without a TZ).
    pub utc: bool,
    pub send_markdown: crate::config::MarkdownMode,
    pub sidebar: crate::config::Sidebar,
    /// Cozy or compact timeline (config `ui.layout`).
    pub layout: crate::config::Layout,
    /// The voice-message player and its arguments (`ui.audio_player`); `None`: the system
    /// opener.
    pub audio_player: Option<Vec<String>>,
    /// The config's accounts: one added with `/account add` takes its name, password command
    /// and notification level from there.
    pub accounts: Vec<crate::config::Account>,
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
            link_previews: c.ui.link_previews,
            utc: false,
            send_markdown: c.ui.send_markdown,
            sidebar: c.sidebar.clone(),
            layout: c.ui.layout,
            audio_player: c.audio_player(),
            accounts: c.accounts(),
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
    /// The newest local id given out, in any account: ids stay unique across accounts, so
    /// the shared task list tells their uploads apart.
    last_local_id: i64,
    /// The sidebar order held still while conversations are stepped through (and when the
    /// last step was).
    held_order: Option<(Vec<ConvKey>, i64)>,
    /// Pages that make unread counts exact after a bounded start.
    unread_fill: unread_fill::UnreadFill,
    /// The server was asked about itself this session (`server.rs`).
    server_probed: bool,
    /// Channels whose announcement was asked for on this connection (`announce.rs`).
    announcements_asked: std::collections::HashSet<i64>,
    /// The accounts not focused, each with its part of the app (`accounts.rs`).
    pub parked: std::collections::BTreeMap<AccountId, AccountState>,
    /// The account whose part of the app is in the fields above.
    pub focused: AccountId,
    /// The accounts whose sidebar section is folded to its header (`sections.rs`).
    pub collapsed: std::collections::BTreeSet<AccountId>,
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
            server_probed: false,
            announcements_asked: std::collections::HashSet::new(),
            parked: std::collections::BTreeMap::new(),
            collapsed: std::collections::BTreeSet::new(),
            focused: FIRST_ACCOUNT,
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
        // A parked account's retry is due while another is on screen.
        let parked_resend = self
            .parked
            .values()
            .filter_map(AccountState::resend_at)
            .min();
        // Do not disturb ends: the status bar stops saying it.
        let dnd_ends = self
            .chat
            .notify_rules
            .dnd_until
            .filter(|t| *t > self.now_ms && *t < i64::MAX);
        [expiry, self.resend_at, hold_ends, parked_resend, dnd_ends]
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

    /// A conversation as the screen names it: `#channel`, `@person` (with your remark for
    /// them: `@remark (name)`).
    pub fn conv_label(&self, key: ConvKey) -> String {
        label_of(&self.chat, key)
    }

    /// A conversation as the config and commands name it: `#channel`, `@name` (no remark).
    pub fn conv_tag(&self, key: ConvKey) -> String {
        tag_of(&self.chat, key)
    }

    fn next_local_id(&mut self) -> i64 {
        // Milliseconds like the web client, kept strictly increasing.
        self.last_local_id = self.now_ms.max(self.last_local_id + 1);
        self.last_local_id
    }
}

/// A conversation of `chat` as the screen names it (see `App::conv_label`).
pub(crate) fn label_of(chat: &ChatModel, key: ConvKey) -> String {
    match key {
        ConvKey::Group(_) => format!("#{}", crate::sanitize::one_line(&chat.conv_name(key), 40)),
        // A remark is shortened before the person's real name.
        ConvKey::User(uid) => format!("@{}", crate::present::person(chat, uid, 40)),
    }
}

/// A conversation of `chat` as the config and commands name it (see `App::conv_tag`).
pub(crate) fn tag_of(chat: &ChatModel, key: ConvKey) -> String {
    let name = crate::sanitize::one_line(&chat.conv_real_name(key), 40);
    match key {
        ConvKey::Group(_) => format!("#{name}"),
        ConvKey::User(_) => format!("@{name}"),
    }
}

#[cfg(test)]
mod account_cmds_tests;
#[cfg(test)]
mod accounts_tests;
#[cfg(test)]
mod bulk_tests;
#[cfg(test)]
mod change_tests;
#[cfg(test)]
mod cleared_tests;
#[cfg(test)]
mod contacts_tests;
#[cfg(test)]
mod forward_tests;
#[cfg(test)]
mod join_tests;
#[cfg(test)]
mod jump_tests;
#[cfg(test)]
mod link_preview_tests;
#[cfg(test)]
mod message_pins_tests;
#[cfg(test)]
mod name_tests;
#[cfg(test)]
mod open_tests;
#[cfg(test)]
mod personal_tests;
#[cfg(test)]
mod popup_tests;
#[cfg(test)]
mod search_span_tests;
#[cfg(test)]
mod search_tests;
#[cfg(test)]
mod sections_tests;
#[cfg(test)]
mod server_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod text_tests;
#[cfg(test)]
mod unread_tests;
