//! The application core: `App` (all UI state plus the folded chat model), `Msg` (everything
//! that can happen), `Effect` (everything slow or outside the model) and the pure `update`
//! that maps one to the other. No I/O here: the executor and the loop carry out effects and
//! send back messages.

mod commands;
pub mod conn;
mod display;
pub mod error;
mod keys;
mod login;
mod msg;
mod notify;
pub mod strings;
mod switcher;
mod sync;
pub mod tasks;
mod update;

pub use commands::{COMMANDS, Command};
pub use error::{Failure, Outcome};
pub use login::{LoginField, LoginForm, insecure_host, insecure_warning, url_label};
pub use msg::{CallTarget, Effect, LoggedIn, Msg, View};
pub use switcher::{Choice, Switcher};
pub use tasks::{Task, TaskId, TaskKind, Tasks};
pub use update::update;

use crate::config::Config;
use crate::keymap::Keymap;
use crate::model::{ChatModel, ConvKey, PendingMessage, PendingState, Staged, UploadProgress};
use crate::protocol::types::{Content, Properties};
use conn::ConnState;
use ratatui_textarea::TextArea;
use std::collections::{HashMap, HashSet};

/// How many messages one history request asks for.
pub const HISTORY_PAGE: u32 = 100;

/// What the UI is doing.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Login(LoginForm),
    Chat,
    /// Browsing messages; the selected mid.
    Select(i64),
    Switcher(Switcher),
    Help {
        scroll: u16,
    },
    /// Waiting for y/n.
    Confirm(Confirm),
    /// Picking one of the eight reactions for a message.
    React {
        mid: i64,
        index: usize,
    },
    /// A text popup (members list, command output).
    Info {
        title: String,
        lines: Vec<String>,
    },
    /// Your meeting link: copy or open it.
    Call(crate::protocol::vocespace::CallLink),
    /// An image preview; any key closes it.
    Preview(Preview),
}

/// A decoded thumbnail.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    pub name: String,
    pub image: std::sync::Arc<image::DynamicImage>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Confirm {
    Delete(i64),
    Leave(i64),
    /// Open a link whose text differs from its target (the target is shown).
    Open(String),
}

/// What Enter does with the composer's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComposeTarget {
    New,
    Reply(i64),
    Edit(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
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
}

impl Settings {
    /// The settings of `c`; `over_ssh` (read from the environment by the runtime) turns
    /// `image_previews = "auto"` off.
    pub fn new(c: &Config, over_ssh: bool) -> Settings {
        Settings {
            sidebar_width: c.ui.sidebar_width,
            composer_max_lines: c.ui.composer_max_lines,
            time_format: c.ui.time_format.clone(),
            notify: c.notifications.clone(),
            previews: match c.ui.image_previews.as_str() {
                "on" => true,
                "off" => false,
                _ => !over_ssh,
            },
            utc: false,
        }
    }
}

/// A local session's settings (previews on when `auto`).
impl From<&Config> for Settings {
    fn from(c: &Config) -> Settings {
        Settings::new(c, false)
    }
}

/// All UI state.
pub struct App {
    pub chat: ChatModel,
    pub conn: ConnState,
    /// Shown in the status bar (host, never a token).
    pub server_label: String,
    /// The server's host when it is reached over plain http across a network (warned about).
    pub insecure: Option<String>,
    pub open: Option<ConvKey>,
    pub composer: TextArea<'static>,
    pub target: ComposeTarget,
    /// `@Name` → uid for mentions completed in the current draft.
    pub mentions: HashMap<String, i64>,
    pub mode: Mode,
    pub notice: Option<Notice>,
    pub quit: bool,
    /// Something visible changed since the last frame.
    pub dirty: bool,
    /// The clock `update` uses (set by the loop before each batch; keeps `update` pure).
    pub now_ms: i64,
    pub keymap: Keymap,
    pub settings: Settings,
    pub sidebar_visible: bool,
    /// Timeline lines scrolled up from the bottom.
    pub scroll: usize,
    pub max_scroll: usize,
    /// Where the last frame drew the sidebar's rows (for clicks).
    pub sidebar_rows: Option<ratatui::layout::Rect>,
    pub size: (u16, u16),
    pub focused: bool,
    /// Read index of the open conversation when it was opened: the "new messages" line.
    pub unread_marker: Option<(ConvKey, i64)>,
    /// Completion candidates for the word being typed, and which one is shown.
    pub completion: Option<(Vec<String>, usize)>,
    /// Drafts of other conversations, kept while you switch.
    pub drafts: HashMap<ConvKey, Vec<String>>,
    /// Background work shown in the status bar.
    pub tasks: Tasks,
    /// Files picked for the next send.
    pub staged: Vec<Staged>,
    /// (server, e-mail) of the logged-in account, for a new login when the session ends.
    pub account: Option<(String, String)>,
    pub password_command: Option<String>,
    history_requested: HashSet<ConvKey>,
    /// The last history request per conversation (`before`), never repeated back to back.
    last_history: HashMap<ConvKey, Option<i64>>,
    last_local_id: i64,
}

pub fn new_composer() -> TextArea<'static> {
    let mut t = TextArea::default();
    t.set_cursor_line_style(ratatui::style::Style::default());
    t.set_placeholder_text("message (Enter sends, Alt+Enter new line, F1 help)");
    t
}

impl App {
    pub fn new(keymap: Keymap, settings: Settings, server_label: String) -> App {
        App {
            chat: ChatModel::default(),
            conn: ConnState::Connecting { attempt: 0 },
            insecure: insecure_host(&server_label),
            server_label,
            open: None,
            composer: new_composer(),
            target: ComposeTarget::New,
            mentions: HashMap::new(),
            mode: Mode::Chat,
            notice: None,
            quit: false,
            dirty: true,
            now_ms: 0,
            keymap,
            settings,
            sidebar_visible: true,
            scroll: 0,
            max_scroll: 0,
            sidebar_rows: None,
            size: (80, 24),
            focused: true,
            unread_marker: None,
            completion: None,
            drafts: HashMap::new(),
            tasks: Tasks::default(),
            staged: Vec::new(),
            account: None,
            password_command: None,
            history_requested: HashSet::new(),
            last_history: HashMap::new(),
            last_local_id: 0,
        }
    }

    /// An app already logged in as `me` (demo mode, saved sessions).
    pub fn logged_in(me: i64, keymap: Keymap, settings: Settings, server_label: String) -> App {
        let mut app = App::new(keymap, settings, server_label);
        app.chat = ChatModel::new(me);
        app
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice {
            text: text.into(),
            error: false,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice {
            text: text.into(),
            error: true,
        });
    }

    /// When the screen next changes by itself: the soonest burn-after-reading expiry in the
    /// open conversation. The loop sleeps until then; there is no periodic timer.
    pub fn next_deadline(&self) -> Option<i64> {
        let conv = self.chat.convs.get(&self.open?)?;
        conv.visible()
            .filter_map(|m| m.expires_at())
            .filter(|t| *t > self.now_ms)
            .min()
    }

    /// Conversations as the sidebar lists them.
    pub fn sidebar(&self) -> Vec<ConvKey> {
        self.chat.conversations_by_activity()
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

    pub fn composer_text(&self) -> String {
        self.composer.lines().join("\n")
    }

    pub fn set_composer(&mut self, text: &str) {
        let mut t = new_composer();
        t.insert_str(text);
        self.composer = t;
    }

    fn open_conversation(&mut self, key: ConvKey) -> Vec<Effect> {
        if self.open == Some(key) {
            return self.mark_open_read().into_iter().collect();
        }
        // Keep the draft of the conversation we leave.
        if let Some(old) = self.open {
            let text = self.composer.lines().to_vec();
            if text.iter().any(|l| !l.is_empty()) {
                self.drafts.insert(old, text);
            } else {
                self.drafts.remove(&old);
            }
        }
        let draft = self.drafts.remove(&key).unwrap_or_default().join("\n");
        self.set_composer(&draft);
        self.target = ComposeTarget::New;
        self.mentions.clear();
        self.completion = None;
        self.open = Some(key);
        self.scroll = 0;
        if matches!(self.mode, Mode::Select(_)) {
            self.mode = Mode::Chat;
        }
        let read_index = self.chat.convs.get(&key).map_or(0, |c| c.read_index);
        self.unread_marker = Some((key, read_index));
        let mut effects = self.maybe_load_history(key, true);
        effects.extend(self.mark_open_read());
        effects
    }

    /// Asks for older history when the view is near the oldest loaded message.
    fn maybe_load_history(&mut self, key: ConvKey, opening: bool) -> Vec<Effect> {
        let Some(conv) = self.chat.convs.get(&key) else {
            return vec![];
        };
        if conv.history_complete || self.history_requested.contains(&key) {
            return vec![];
        }
        let before = conv.history_before();
        if self.last_history.get(&key) == Some(&before) {
            // The same request again would bring the same page: never loop on it.
            return vec![];
        }
        let loaded = conv.visible().count();
        let page = self.size.1 as usize;
        // Every message takes at least two lines (header and body).
        let near_top = self.scroll + 2 * page >= loaded * 2;
        if (opening && loaded < 50) || near_top {
            self.history_requested.insert(key);
            self.last_history.insert(key, before);
            return vec![Effect::LoadHistory {
                key,
                before,
                limit: HISTORY_PAGE,
            }];
        }
        vec![]
    }

    /// The open conversation is on screen: everything in it is read (when you are looking).
    fn mark_open_read(&mut self) -> Option<Effect> {
        let key = self.open?;
        if !self.focused || self.scroll > 0 || matches!(self.mode, Mode::Login(_)) {
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
        let list = self.sidebar();
        if list.is_empty() {
            return vec![];
        }
        let pos = self.open.and_then(|k| list.iter().position(|x| *x == k));
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
            .open
            .and_then(|k| list.iter().position(|x| *x == k))
            .map_or(0, |p| p + 1);
        let found = (0..list.len())
            .map(|i| list[(start + i) % list.len()])
            .find(|k| Some(*k) != self.open && self.chat.convs.get(k).is_some_and(&pred));
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
        let Some(key) = self.open else {
            self.error(strings::open_a_conversation(&self.keymap));
            return vec![];
        };
        let (content, properties) = self.outgoing(text);
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
        self.scroll = 0;
        vec![Effect::Send {
            key,
            local_id,
            content,
            properties,
            reply_to,
            retry: false,
        }]
    }

    /// Turns the draft into wire content: completed `@Name`s become ` @uid ` mentions.
    fn outgoing(&mut self, mut text: String) -> (Content, Properties) {
        let mut props = Properties::default();
        let mut names: Vec<(String, i64)> = self.mentions.drain().collect();
        names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        for (name, uid) in names {
            let token = format!("@{name}");
            if text.contains(&token) {
                text = text.replace(&token, &format!("@{uid}"));
                if !props.mentions.contains(&uid) {
                    props.mentions.push(uid);
                }
            }
        }
        (Content::Text(text), props)
    }

    /// Enter in the composer.
    fn submit(&mut self) -> Vec<Effect> {
        let text = self.composer_text();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return self.send_staged();
        }
        if let Some(cmd) = trimmed.strip_prefix('/')
            && !trimmed.starts_with("//")
        {
            let cmd = cmd.to_string();
            self.set_composer("");
            return self.run_command(&cmd);
        }
        let text = text
            .strip_prefix('/')
            .filter(|_| trimmed.starts_with("//"))
            .map(str::to_string)
            .unwrap_or(text);
        self.set_composer("");
        self.completion = None;
        let mut effects = self.send_staged();
        effects.extend(
            match std::mem::replace(&mut self.target, ComposeTarget::New) {
                ComposeTarget::New => self.send_text(text, None),
                ComposeTarget::Reply(mid) => self.send_text(text, Some(mid)),
                ComposeTarget::Edit(mid) => {
                    let (content, properties) = self.outgoing(text);
                    vec![Effect::Edit {
                        mid,
                        content,
                        properties,
                    }]
                }
            },
        );
        effects
    }

    /// Starts an upload for every staged file (each shown at once as a pending message).
    fn send_staged(&mut self) -> Vec<Effect> {
        if self.staged.is_empty() {
            return vec![];
        }
        let Some(key) = self.open else {
            self.error(strings::open_a_conversation(&self.keymap));
            return vec![];
        };
        let mut effects = Vec::new();
        for file in std::mem::take(&mut self.staged) {
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
            self.tasks.start(
                TaskKind::Upload {
                    local_id,
                    name: file.name.clone(),
                },
                self.now_ms,
            );
            self.notice = None;
            effects.push(Effect::Upload {
                key,
                local_id,
                file,
            });
        }
        self.scroll = 0;
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
        // Show mentions as names again while editing.
        let mut text = m.content.clone();
        let mut mentions = HashMap::new();
        for uid in crate::protocol::types::mentions_of(m.properties.as_ref()) {
            let name = self.chat.user_name(uid);
            text = text.replace(&format!("@{uid}"), &format!("@{name}"));
            mentions.insert(name, uid);
        }
        self.set_composer(&text);
        self.mentions = mentions;
        self.target = ComposeTarget::Edit(mid);
        self.mode = Mode::Chat;
    }

    /// Asks for your personal link to a meeting room.
    pub(crate) fn call_link(&mut self, target: CallTarget) -> Vec<Effect> {
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
            username,
            avatar_uid,
        }]
    }
}

#[cfg(test)]
mod tests;
