//! The application core: `App` (all UI state plus the folded chat model), `Msg` (everything
//! that can happen), `Effect` (everything slow or outside the model) and the pure `update`
//! that maps one to the other. No I/O here: the executor and the loop carry out effects and
//! send back messages.

mod commands;
pub mod conn;
mod keys;
mod login;
mod popups;
mod switcher;

pub use commands::{COMMANDS, Command};
pub use login::{LoginField, LoginForm, insecure_host, insecure_warning, url_label};
pub use popups::key_context;
pub use switcher::{Choice, Switcher};

use crate::config::{Config, NotifyLevel};
use crate::keymap::Keymap;
use crate::model::{ChatModel, ConvKey, PendingMessage, PendingState, Staged, UploadProgress};
use crate::protocol::ServerEvent;
use crate::protocol::types::{ChatMessage, Content, Properties, UserInfo};
use conn::{ConnState, SyncMsg};
use crossterm::event::{KeyEvent, MouseEvent};
use ratatui_textarea::TextArea;
use std::collections::{BTreeMap, HashMap, HashSet};

/// How much of a message a notification renders (its body is cut to one line anyway).
const NOTIFY_HEAD_BYTES: usize = 4096;

/// How many messages one history request asks for.
pub const HISTORY_PAGE: u32 = 100;

/// Everything that can happen to the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    /// Terminal size in cells.
    Resize(u16, u16),
    Focus(bool),
    Sync(SyncMsg),
    LoggedIn(Result<Box<LoggedIn>, String>),
    /// A send finished: the mid, or an error for the user.
    Sent {
        key: ConvKey,
        local_id: i64,
        result: Result<i64, String>,
    },
    History {
        key: ConvKey,
        /// The `before` the page was asked for with.
        before: Option<i64>,
        limit: u32,
        result: Result<Vec<ChatMessage>, String>,
    },
    /// A background action finished (react, delete, mute…): `Err` is shown to the user.
    Done {
        what: String,
        result: Result<(), String>,
    },
    /// `$EDITOR` returned this text (or failed).
    Edited(Result<String, String>),
    /// What the renderer found out about the last frame.
    View(View),
    LoggedOut,
    /// A deadline the loop was asked to wake up for (a burn-after-reading expiry) passed.
    Tick,
    /// A personal meeting link is ready (or could not be made).
    CallLink(Result<crate::protocol::vocespace::CallLink, String>),
    /// Files checked for staging; `paste` is pasted text to insert if it was not a file.
    Staged {
        files: Vec<Staged>,
        errors: Vec<String>,
        paste: Option<String>,
    },
    /// Path completions for the `/upload` argument `prefix`.
    PathCompleted {
        prefix: String,
        candidates: Vec<String>,
    },
    UploadProgress {
        key: ConvKey,
        local_id: i64,
        sent: u64,
        total: u64,
    },
    Uploaded {
        key: ConvKey,
        local_id: i64,
        result: Result<i64, String>,
    },
    /// Progress text of a background task for the status bar.
    Progress {
        task: String,
        text: String,
    },
    /// An image preview is ready (the thumbnail, decoded).
    Preview(Result<Preview, String>),
    /// A download finished: where it was saved, or why not.
    Downloaded {
        name: String,
        result: Result<String, String>,
    },
}

/// What the renderer reports back after a frame: how far up the timeline can scroll, the
/// scroll it used, and where the sidebar's rows are (so a click can be mapped to a row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct View {
    pub max_scroll: usize,
    pub scroll: usize,
    /// The clickable sidebar rows: row `y + i` is the `i`-th conversation of the sidebar.
    pub sidebar_rows: Option<ratatui::layout::Rect>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LoggedIn {
    /// The account's uid (the session's tokens stay in the runtime).
    pub uid: i64,
    pub user: Option<UserInfo>,
    pub server: String,
    pub email: String,
}

impl From<SyncMsg> for Msg {
    fn from(m: SyncMsg) -> Msg {
        Msg::Sync(m)
    }
}

/// Work for the executor (network) or the loop (terminal).
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Login {
        server: String,
        email: String,
        /// The typed password, or the password command to run (never printed by `Debug`).
        password: crate::secret::Secret,
        password_command: bool,
    },
    StartSync,
    Send {
        key: ConvKey,
        local_id: i64,
        content: Content,
        properties: Properties,
        reply_to: Option<i64>,
        /// A retry: the first attempt's answer may have been lost after the server stored
        /// it, so look for `local_id` in the recent history before posting again.
        retry: bool,
    },
    Edit {
        mid: i64,
        content: Content,
        properties: Properties,
    },
    Delete {
        mid: i64,
    },
    React {
        mid: i64,
        emoji: String,
    },
    LoadHistory {
        key: ConvKey,
        before: Option<i64>,
        limit: u32,
    },
    MarkRead {
        key: ConvKey,
        mid: i64,
    },
    Mute {
        key: ConvKey,
        seconds: Option<i64>,
    },
    Unmute {
        key: ConvKey,
    },
    Burn {
        key: ConvKey,
        seconds: i64,
    },
    Leave {
        gid: i64,
    },
    CreateGroup {
        name: String,
        members: Vec<i64>,
        public: bool,
    },
    Invite {
        gid: i64,
        uids: Vec<i64>,
    },
    Logout,
    ReconnectNow,
    /// Make your personal VoceSpace link (shown, never posted).
    CallLink {
        target: CallTarget,
        username: String,
        avatar_uid: Option<i64>,
    },
    /// Post the plain room link that invites everyone in a conversation.
    PostInvite {
        key: ConvKey,
        local_id: i64,
    },
    /// Check paths for staging (file-system work, so not on the UI task).
    StageFiles {
        paths: Vec<String>,
        paste: Option<String>,
    },
    CompletePath {
        prefix: String,
    },
    Upload {
        key: ConvKey,
        local_id: i64,
        file: Staged,
    },
    CancelUpload {
        local_id: i64,
    },
    /// Download a file message to the download directory; `open` opens it afterwards.
    Download {
        path: String,
        name: String,
        open: bool,
    },
    /// Fetch and decode an image's thumbnail for a preview.
    Preview {
        path: String,
        name: String,
    },
    /// Copy an uploaded file's URL (OSC 52).
    CopyFileUrl {
        path: String,
    },
    // Terminal effects, carried out by the loop between frames.
    CopyText(String),
    OpenUrl(String),
    OpenEditor(String),
    Notify {
        title: String,
        body: String,
    },
    Bell,
}

/// Which meeting room a link is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallTarget {
    /// The conversation's own room (`channel_<gid>` / `dm_<uid>`).
    Conversation(ConvKey),
    /// A room from a posted invite.
    Space { base: String, space: String },
}

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
    pub tasks: BTreeMap<String, String>,
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
            tasks: BTreeMap::new(),
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
            self.error("open a conversation first (Ctrl+K)");
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
            self.error("open a conversation first (Ctrl+K)");
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
            self.tasks
                .insert(upload_task(local_id, &file.name), "starting".into());
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

    /// Notifications for a new message `mid` in `key`.
    fn notify(&self, key: ConvKey, mid: i64) -> Vec<Effect> {
        let Some(m) = self.chat.message(mid) else {
            return vec![];
        };
        if !self.chat.ready || m.is_expired(self.now_ms) {
            return vec![];
        }
        let looking = self.open == Some(key) && self.focused && self.scroll == 0;
        if looking {
            return vec![];
        }
        let label = self.conv_label(key);
        let level = self
            .settings
            .notify
            .conversations
            .get(&label)
            .copied()
            .unwrap_or(self.settings.notify.level);
        let muted = self.chat.is_muted(key, self.now_ms);
        let wanted = match level {
            NotifyLevel::None => false,
            NotifyLevel::Mentions => m.mentions_me,
            NotifyLevel::All => !muted || m.mentions_me,
        } && (!muted || m.mentions_me);
        if !wanted {
            return vec![];
        }
        let mut effects = Vec::new();
        if self.settings.notify.bell {
            effects.push(Effect::Bell);
        }
        if self.settings.notify.desktop {
            let author = crate::sanitize::one_line(&self.chat.user_name(m.from_uid), 32);
            let title = match key {
                ConvKey::Group(_) => format!("{author} in {label}"),
                ConvKey::User(_) => author,
            };
            let body = if self.settings.notify.hide_text {
                "new message".to_string()
            } else if m.is_file() {
                "sent a file".to_string()
            } else {
                crate::sanitize::one_line(&self.display_head(m, NOTIFY_HEAD_BYTES), 120)
            };
            effects.push(Effect::Notify { title, body });
        }
        effects
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
        self.tasks.insert("meeting link".into(), "…".into());
        vec![Effect::CallLink {
            target,
            username,
            avatar_uid,
        }]
    }

    /// The text a message shows (sanitized, markdown rendered, mentions as names): copy, open
    /// and notifications use this and never the raw content.
    pub fn display_text(&self, m: &crate::model::Message) -> String {
        self.display_head(m, usize::MAX)
    }

    /// [`App::display_text`] of at most the first `max_bytes` of the content: enough for a
    /// one-line notification without rendering a huge message on the UI task.
    pub fn display_head(&self, m: &crate::model::Message, max_bytes: usize) -> String {
        let (head, _) = crate::text::split_at_most(&m.content, max_bytes);
        crate::text::display_text(&m.content_type, &self.render_mentions(head))
    }

    /// `@uid` tokens shown as `@Name`.
    pub fn render_mentions(&self, text: &str) -> String {
        crate::protocol::mention::render(text, |uid| {
            self.chat
                .users
                .contains_key(&uid)
                .then(|| self.chat.user_name(uid))
        })
    }

    fn on_sync(&mut self, msg: SyncMsg) -> Vec<Effect> {
        match msg {
            SyncMsg::State(state) => {
                if let ConnState::Stopped(reason) = &state {
                    self.error(reason.explain());
                    let must_log_in = matches!(
                        reason,
                        crate::app::conn::StopReason::SessionExpired
                            | crate::app::conn::StopReason::DeviceRevoked
                    );
                    if must_log_in && let Some((server, email)) = self.account.clone() {
                        let mut form = LoginForm::new(
                            Some(server),
                            Some(email),
                            self.password_command.clone(),
                        );
                        form.error = Some(reason.explain());
                        self.mode = Mode::Login(form);
                    }
                }
                if matches!(state, ConnState::Connecting { .. }) {
                    self.chat.ready = false;
                }
                self.conn = state;
                vec![]
            }
            SyncMsg::Event(event) => {
                let resend_unread = matches!(*event, ServerEvent::Ready);
                let applied = self.chat.apply(*event);
                let mut effects = Vec::new();
                if self.open.is_none() && self.chat.ready {
                    self.chat.ensure_order();
                    let now = self.now_ms;
                    let list = self.sidebar();
                    let first = list
                        .iter()
                        .find(|k| !self.chat.is_muted(**k, now))
                        .or(list.first());
                    if let Some(first) = first.copied() {
                        effects.extend(self.open_conversation(first));
                    }
                }
                if let Some(open) = self.open
                    && !self.chat.convs.contains_key(&open)
                {
                    // Kicked from the open channel, or it was deleted.
                    self.open = None;
                    self.info("you are no longer in that channel");
                }
                if let (Some(key), Some(mid)) = (applied.conv, applied.new_message) {
                    effects.extend(self.notify(key, mid));
                }
                if applied.conv.is_some() && applied.conv == self.open || resend_unread {
                    effects.extend(self.mark_open_read());
                }
                effects
            }
        }
    }
}

/// The status-bar task name of an upload.
pub fn upload_task(local_id: i64, name: &str) -> String {
    format!("↑{} #{local_id}", crate::sanitize::one_line(name, 24))
}

/// The pure core: applies one message, returns the work to do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let effects = apply(app, msg);
    // The sidebar order is rebuilt here only after a structural change (never per event).
    app.chat.ensure_order();
    effects
}

fn apply(app: &mut App, msg: Msg) -> Vec<Effect> {
    app.dirty = true;
    match msg {
        Msg::Key(key) => keys::on_key(app, key),
        Msg::Mouse(m) => keys::on_mouse(app, m),
        Msg::Paste(text) => keys::on_paste(app, text),
        Msg::Resize(w, h) => {
            app.size = (w, h);
            vec![]
        }
        Msg::Focus(focused) => {
            app.focused = focused;
            app.dirty = false;
            if focused {
                app.mark_open_read().into_iter().collect()
            } else {
                vec![]
            }
        }
        Msg::Sync(m) => app.on_sync(m),
        Msg::LoggedIn(result) => login::logged_in(app, result),
        Msg::Sent {
            key,
            local_id,
            result,
        } => {
            match result {
                Ok(mid) => app.chat.pending_sent(key, local_id, mid),
                Err(e) => {
                    app.error(format!(
                        "not sent: {e} ({} retries)",
                        app.keymap.hint(crate::keymap::Action::RetrySend)
                    ));
                    app.chat.pending_failed(key, local_id, e);
                }
            }
            vec![]
        }
        Msg::History {
            key,
            before,
            limit,
            result,
        } => {
            app.history_requested.remove(&key);
            match result {
                Ok(page) => {
                    app.chat
                        .apply_history_page(key, before, page, limit as usize);
                    if app.open == Some(key) {
                        let mut effects: Vec<Effect> = app.mark_open_read().into_iter().collect();
                        effects.extend(app.maybe_load_history(key, false));
                        return effects;
                    }
                }
                Err(e) => {
                    // A failed request may be asked for again (scroll up to retry).
                    app.last_history.remove(&key);
                    app.error(format!("could not load history: {e}"))
                }
            }
            vec![]
        }
        Msg::Done { what, result } => {
            app.tasks.remove(&what);
            if let Err(e) = result {
                app.error(format!("{what}: {e}"));
            }
            vec![]
        }
        Msg::Edited(result) => {
            match result {
                Ok(text) => app.set_composer(text.trim_end_matches('\n')),
                Err(e) => app.error(format!("editor: {e}")),
            }
            vec![]
        }
        Msg::View(view) => {
            app.dirty = view.scroll != app.scroll;
            app.max_scroll = view.max_scroll;
            app.scroll = view.scroll;
            app.sidebar_rows = view.sidebar_rows;
            vec![]
        }
        Msg::LoggedOut => {
            app.quit = true;
            vec![]
        }
        // Nothing to change: `now_ms` moved on, so expired messages drop out of the view.
        Msg::Tick => vec![],
        Msg::Staged {
            files,
            errors,
            paste,
        } => {
            if let Some(text) = paste.filter(|_| files.is_empty()) {
                // Pasted text that is not a readable file: it was text after all.
                app.composer.insert_str(&text);
                return vec![];
            }
            for f in files {
                if !app.staged.iter().any(|s| s.path == f.path) {
                    app.staged.push(f);
                }
            }
            if !errors.is_empty() {
                app.error(errors.join("; "));
            } else if !app.staged.is_empty() {
                app.info(format!(
                    "{} file(s) ready: Enter sends, {} removes the last",
                    app.staged.len(),
                    app.keymap.hint(crate::keymap::Action::Unstage)
                ));
            }
            vec![]
        }
        Msg::PathCompleted { prefix, candidates } => {
            keys::apply_path_completion(app, &prefix, candidates);
            vec![]
        }
        Msg::UploadProgress {
            key,
            local_id,
            sent,
            total,
        } => {
            let now = app.now_ms;
            let mut task = None;
            if let Some(p) = app
                .chat
                .convs
                .get_mut(&key)
                .and_then(|c| c.pending.iter_mut().find(|p| p.local_id == local_id))
                && let Some(u) = &mut p.upload
            {
                u.sent = sent;
                task = Some((
                    upload_task(local_id, &u.file.name),
                    crate::files::progress_text(sent, total, u.started_ms, now),
                ));
            }
            if let Some((name, text)) = task {
                app.tasks.insert(name, text);
            }
            vec![]
        }
        Msg::Uploaded {
            key,
            local_id,
            result,
        } => {
            // The echo may have replaced the pending copy already: find the task by id.
            let suffix = format!(" #{local_id}");
            app.tasks
                .retain(|name, _| !(name.starts_with('↑') && name.ends_with(&suffix)));
            match result {
                Ok(mid) => app.chat.pending_sent(key, local_id, mid),
                Err(e) => {
                    app.error(format!(
                        "upload failed: {e} ({} retries)",
                        app.keymap.hint(crate::keymap::Action::RetrySend)
                    ));
                    app.chat.pending_failed(key, local_id, e);
                }
            }
            vec![]
        }
        Msg::Progress { task, text } => {
            if app.tasks.contains_key(&task) {
                app.tasks.insert(task, text);
            }
            vec![]
        }
        Msg::Preview(result) => {
            app.tasks.remove("preview");
            match result {
                Ok(p) => app.mode = Mode::Preview(p),
                Err(e) => app.error(format!("preview: {e}")),
            }
            vec![]
        }
        Msg::Downloaded { name, result } => {
            app.tasks
                .remove(&format!("↓{}", crate::sanitize::one_line(&name, 24)));
            match result {
                Ok(path) => app.info(format!("saved {}", crate::sanitize::one_line(&path, 80))),
                Err(e) => app.error(format!(
                    "download of {}: {e}",
                    crate::sanitize::one_line(&name, 40)
                )),
            }
            vec![]
        }
        Msg::CallLink(result) => {
            app.tasks.remove("meeting link");
            match result {
                Ok(link) => app.mode = Mode::Call(link),
                Err(e) => app.error(format!("meeting link: {e}")),
            }
            vec![]
        }
    }
}

#[cfg(test)]
mod popup_tests;
#[cfg(test)]
mod tests;
