//! What can happen to the app (`Msg`), what the renderer reports back (`View`), and the work
//! `update` asks for (`Effect`): everything slow or outside the state, carried out by the
//! runtime, which answers with more messages.

use super::conn::SyncMsg;
use super::{Outcome, Preview, TaskId};
use crate::model::{ConvKey, Staged};
use crate::protocol::types::{ChatMessage, Content, Properties, UserInfo};
use crossterm::event::{KeyEvent, MouseEvent};

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
    LoggedIn(Outcome<Box<LoggedIn>>),
    /// A send finished: the mid, or an error for the user.
    Sent {
        key: ConvKey,
        local_id: i64,
        result: Outcome<i64>,
    },
    History {
        key: ConvKey,
        /// The `before` the page was asked for with.
        before: Option<i64>,
        limit: u32,
        result: Outcome<Vec<ChatMessage>>,
    },
    /// A background action finished (react, delete, mute…): `Err` is shown to the user.
    Done {
        /// The status-bar task it ends, if it had one.
        task: Option<TaskId>,
        what: String,
        result: Outcome<()>,
    },
    /// Your devices, and this one's id (`Effect::ListDevices`).
    DevicesListed(Outcome<(Vec<String>, String)>),
    /// A device was logged out, or could not be.
    DeviceLoggedOut {
        device: String,
        result: Outcome<()>,
    },
    /// The saved messages, and where they are kept.
    SavedList(Outcome<(crate::model::SavedPlace, Vec<crate::model::SavedItem>)>),
    /// A message was saved or unsaved (what to tell the user).
    SavedChanged(Outcome<String>),
    /// The store answered a search.
    Searched(Outcome<crate::model::SearchResults>),
    /// Older history of `key` was fetched into the store (how many records), for search.
    StoredOlder {
        key: ConvKey,
        result: Outcome<usize>,
    },
    /// The server answered a bulk delete of these queued changes.
    BulkDeleted {
        ids: Vec<i64>,
        result: Outcome<()>,
    },
    /// The server answered a queued change (edit, reaction, delete).
    Changed {
        id: i64,
        result: Outcome<()>,
    },
    /// `$EDITOR` returned this text (or failed).
    Edited(Outcome<String>),
    /// What the renderer found out about the last frame.
    View(View),
    LoggedOut,
    /// A deadline the loop was asked to wake up for (a burn-after-reading expiry) passed.
    Tick,
    /// The wall clock (ms since the epoch), sent by the loop before each batch: `update`
    /// never reads a clock.
    Clock(i64),
    /// Something the runtime did by itself that the user should know about.
    Notice(String),
    /// The server answered `/clear` (its event does the clearing).
    ChannelCleared {
        gid: i64,
        result: Outcome<()>,
    },
    /// The store wrote a clear of history by the server (what it took from the disk).
    Cleared(crate::model::ClearedNow),
    /// The local store could not be used (why): offer to rebuild it from the server.
    StoreUnusable(String),
    /// Each conversation's newest records, learnt before a bounded replay (a cold start).
    Latest(Vec<(ConvKey, Vec<ChatMessage>)>),
    /// What the local store remembered from the last run: shown before any network reply.
    Restored(Box<Restored>),
    /// A personal meeting link is ready (or could not be made).
    CallLink {
        task: TaskId,
        result: Outcome<crate::protocol::vocespace::CallLink>,
    },
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
        result: Outcome<i64>,
    },
    /// Progress of a background task: bytes done, of how many when known.
    Progress {
        task: TaskId,
        done: u64,
        total: Option<u64>,
    },
    /// An image preview is ready (the thumbnail, decoded).
    Preview {
        task: TaskId,
        result: Outcome<Preview>,
    },
    /// A download finished: where it was saved, or why not.
    Downloaded {
        task: TaskId,
        name: String,
        result: Outcome<String>,
    },
    /// What the server said of itself (`Effect::ProbeServer`).
    ServerInfo(ServerInfo),
    /// Whether an invite link's token is still good (`Effect::CheckInvite`).
    InviteChecked(Outcome<bool>),
    /// Contacts, user search and private invite links answered (`contacts.rs`, `invite.rs`).
    Contacts(super::ContactsMsg),
    /// A chat was pinned (`pin`) or unpinned on the server, or not (`Effect::PinChat`).
    Pinned {
        key: ConvKey,
        pin: bool,
        result: Outcome<()>,
    },
    /// Message `mid` was pinned (`pin`) or unpinned in channel `gid`, or not
    /// (`Effect::PinMessage`; the change itself arrives as `pinned_message_updated`).
    MessagePinned {
        gid: i64,
        mid: i64,
        pin: bool,
        result: Outcome<()>,
    },
    /// Your remark for `uid` was set (empty: cleared), or not (`Effect::SetRemark`).
    Remarked {
        uid: i64,
        remark: String,
        result: Outcome<()>,
    },
    /// A channel's announcement as fetched, set or cleared (`Effect::FetchAnnouncement`,
    /// `Effect::Announce`); `Ok(None)`: it has none.
    Announcement {
        gid: i64,
        op: AnnounceOp,
        result: Outcome<Option<crate::protocol::newer::GroupAnnouncement>>,
    },
    /// A forward of `count` messages to `to` answered (`Effect::Forward`): the mid sent.
    Forwarded {
        task: TaskId,
        to: ConvKey,
        count: usize,
        result: Outcome<i64>,
    },
    /// A forwarded archive was fetched, or not (`Effect::FetchArchive`).
    ArchiveFetched {
        path: String,
        result: Outcome<Box<crate::protocol::types::Archive>>,
    },
    /// The server's `open_graphic_parse` answer for a link (`Effect::FetchLinkPreview`),
    /// already cleaned and cut; `Ok(None)`: nothing to show.
    LinkPreview {
        url: String,
        result: Outcome<Option<crate::model::LinkPreview>>,
    },
    /// A message of account `AccountId` (`accounts.rs`): handled as the focused account's if
    /// it is focused; otherwise that account is swapped in for it and out again, and the
    /// effects come back as `Effect::For` it.
    For(super::AccountId, Box<Msg>),
}

/// What was asked of a channel's announcement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnounceOp {
    Fetch,
    Set,
    Clear,
}

/// The answers of the server's version and switches endpoints.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerInfo {
    /// The version text, if the endpoint answered.
    pub version: Option<String>,
    /// The switches; `Ok(None)` when the server has none (404, 405, 400).
    pub common: Outcome<Option<crate::protocol::newer::SystemCommon>>,
}

/// The state a start restores from the local store.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Restored {
    pub chat: crate::model::ChatModel,
    /// The conversation open when the client last stopped, and its reply or edit in progress.
    pub open: Option<ConvKey>,
    pub target: super::ComposeTarget,
    pub drafts: Vec<(ConvKey, String)>,
    /// Messages not acknowledged before the client stopped: they wait for the connection.
    pub outbox: Vec<(ConvKey, crate::model::PendingMessage)>,
    /// Files whose upload the stop interrupted (their paths): offered again.
    pub uploads: Vec<(ConvKey, String)>,
}

/// What the renderer reports back after a frame: how far up the timeline can scroll, the
/// scroll it used, and where the sidebar's rows are (so a click can be mapped to a row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct View {
    pub max_scroll: usize,
    pub scroll: usize,
    /// The clickable sidebar rows: row `y + i` is the `i`-th conversation of the sidebar.
    pub sidebar_rows: Option<ratatui::layout::Rect>,
    /// The oldest and newest message of the open conversation on screen.
    pub shown: Option<(i64, i64)>,
}

impl View {
    /// Whether this frame's view differs from what `app` holds: then it goes back through
    /// `update` (and the frame is drawn again if that changed anything).
    pub fn differs_from(&self, app: &super::App) -> bool {
        self.max_scroll != app.timeline.max_scroll
            || self.scroll != app.timeline.scroll
            || self.sidebar_rows != app.screen.sidebar_rows
            || self.shown != app.timeline.shown
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LoggedIn {
    /// Which account of the window this is (the runtime numbers each account it opens): the
    /// window's account from now on.
    pub account: super::AccountId,
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
    /// Ask whether an invite link's token is still good (`Msg::InviteChecked`).
    CheckInvite {
        server: String,
        token: crate::secret::Secret,
    },
    /// Register a new account with an invite link's token, then log in (`Msg::LoggedIn`).
    Register {
        server: String,
        token: crate::secret::Secret,
        name: String,
        email: String,
        password: crate::secret::Secret,
    },
    /// Log in with an e-mailed login link's token (`Msg::LoggedIn`).
    LinkLogin {
        server: String,
        token: crate::secret::Secret,
    },
    /// Opens one more account with the login inside (`/account add`): beside the others,
    /// never in the focused one's place (`Msg::LoggedIn` names the new account).
    AddAccount(Box<Effect>),
    /// Ends account `account`'s session: its stream stops and the executor lets it go;
    /// `forget_session` also deletes its saved session, so the next start does not open it.
    /// Its store stays.
    EndAccount {
        account: super::AccountId,
        forget_session: bool,
    },
    StartSync,
    /// Move the unusable local store aside and build a fresh one from the server.
    RebuildStore,
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
    /// An edit, reaction or delete: written to the outbox, then sent; answered by
    /// `Msg::Changed`.
    Change(crate::model::PendingChange),
    /// Several deletes in one request (`DELETE /message/bulk/…`): each written to the outbox,
    /// then sent; answered by `Msg::BulkDeleted`.
    DeleteMany(Vec<crate::model::PendingChange>),
    /// Clear every message of a channel (newer servers); answered by `Msg::ChannelCleared`.
    ClearChannel {
        gid: i64,
    },
    /// A message or change leaves the outbox unsent (discarded, cancelled, or found done).
    Forget(i64),
    /// List the saved messages (`Msg::SavedList`).
    LoadSaved,
    /// Save message `mid` of `key` (on the server, or locally when it has no favorites).
    SaveMessage {
        mid: i64,
        key: ConvKey,
    },
    /// Unsave: the server's favorite `id`, or (empty id) message `mid` kept locally.
    Unsave {
        id: String,
        mid: i64,
    },
    /// Search the local store (answered by `Msg::Searched` with the same `seq`).
    Search {
        seq: u64,
        query: crate::model::SearchQuery,
    },
    /// Fetch older history of `key` from the server into the store only (the open timeline
    /// is not touched); answered by `Msg::StoredOlder`.
    StoreOlder {
        key: ConvKey,
        before: Option<i64>,
        limit: u32,
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
    /// List your devices (`Msg::DevicesListed`).
    ListDevices,
    /// Log another device of yours out (`Msg::DeviceLoggedOut`).
    LogoutDevice(String),
    /// Log this device out; `forget` also empties the local store.
    Logout {
        forget: bool,
    },
    ReconnectNow,
    /// Make your personal VoceSpace link (shown, never posted).
    CallLink {
        task: TaskId,
        target: CallTarget,
        /// Room, identity and pre-join asked for on this call (`None`s: the config's).
        options: crate::protocol::vocespace::CallOptions,
        username: String,
        avatar_uid: Option<i64>,
    },
    /// Post the plain room link that invites everyone in a conversation.
    PostInvite {
        task: TaskId,
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
    /// Send a file as the pending message `local_id`; `task` is its row in the task table
    /// (the runtime keeps the upload's cancel handle under it).
    Upload {
        task: TaskId,
        key: ConvKey,
        local_id: i64,
        file: Staged,
    },
    /// Stop the upload of task `task` (the pending message `local_id` is gone).
    CancelUpload {
        task: TaskId,
        local_id: i64,
    },
    /// Download a file message to the download directory; `open` opens it afterwards.
    Download {
        task: TaskId,
        path: String,
        name: String,
        open: bool,
    },
    /// Download a voice message to the cache and start `player` (program and arguments) on
    /// it, its path one more argument (never through a shell).
    Play {
        task: TaskId,
        /// The message's conversation and mid (they name its cached file).
        key: ConvKey,
        mid: i64,
        path: String,
        name: String,
        player: Vec<String>,
    },
    /// Fetch and decode an image's thumbnail for a preview.
    Preview {
        task: TaskId,
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
    /// Ask the server its version and switches (answered by `Msg::ServerInfo`).
    ProbeServer,
    /// Keep what is known of the server with the account's store.
    SaveCapabilities(Box<crate::model::Capabilities>),
    /// Keep the notification rules set at run time with the account's store.
    SaveNotifyRules(Box<crate::model::NotifyRules>),
    /// Contacts, user search and private invite links (answered by `Msg::Contacts`).
    Contacts(super::ContactsEffect),
    /// Pin (or unpin) a chat on the server (`Msg::Pinned`).
    PinChat {
        key: ConvKey,
        pin: bool,
    },
    /// Pin (or unpin) message `mid` in channel `gid` (`Msg::MessagePinned`).
    PinMessage {
        gid: i64,
        mid: i64,
        pin: bool,
    },
    /// Set your remark for `uid`; empty clears it (`Msg::Remarked`).
    SetRemark {
        uid: i64,
        remark: String,
    },
    /// Ask for a channel's announcement (`Msg::Announcement`).
    FetchAnnouncement {
        gid: i64,
    },
    /// Set a channel's announcement, or remove it (`None`) (`Msg::Announcement`).
    Announce {
        gid: i64,
        content: Option<String>,
    },
    /// Forward `mids` to `to`: an archive of them made on the server, then sent there as a
    /// message (`Msg::Forwarded`).
    Forward {
        task: TaskId,
        mids: Vec<i64>,
        to: ConvKey,
    },
    /// Fetch the forwarded archive at `path` (`Msg::ArchiveFetched`).
    FetchArchive {
        path: String,
    },
    /// Ask the server what the page at `url` is (`open_graphic_parse`; `Msg::LinkPreview`).
    FetchLinkPreview {
        url: String,
    },
    /// Keep a link's preview with the store (`None`: the answer had nothing to show).
    KeepLinkPreview {
        url: String,
        preview: Option<crate::model::LinkPreview>,
    },
    /// Keep a change made here with the store, as the event that brings it from elsewhere
    /// (a pin, a remark, an announcement fetched), so a start shows it before the network.
    Keep(Box<crate::protocol::ServerEvent>),
    /// An effect of a parked account (`Msg::For`), for that account's session. The focused
    /// account's effects are never wrapped: they go to the session the window runs on.
    For(super::AccountId, Box<Effect>),
}

/// Which meeting room a link is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallTarget {
    /// The conversation's own room (`channel_<gid>` / `dm_<uid>`).
    Conversation(ConvKey),
    /// A room from a posted invite.
    Space { base: String, space: String },
}
