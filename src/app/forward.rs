//! Forwarding (issue 23, item 4): `F` in selection forwards the selected message, or the
//! marked ones, to a conversation picked in the switcher (its forward purpose; Esc cancels).
//! The server makes an archive of them and the client sends it there as a
//! `vocechat/archive` message (protocol §4.10), a task in the status bar while it goes. A
//! forwarded archive received is fetched once per path when its conversation shows it, and
//! drawn inline (`ui/archive.rs`).
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the forwards under way (their tasks) and the chat's archives as this device
//! fetches them (`chat.archives`); the messages that answer them (`Msg::Forwarded`,
//! `Msg::ArchiveFetched`) are handled here.

use super::popups::Switcher;
use super::strings;
use super::{AccountId, App, Effect, Mode, Outcome, TaskId, TaskKind};
use crate::model::ConvKey;
use crate::protocol::ApiError;
use crate::protocol::types::{Archive, ContentKind};

/// How many of the open conversation's newest messages are looked at for archives to fetch.
pub const ARCHIVE_SCAN: usize = 60;

/// The most messages forwarded at once.
pub const FORWARD_MAX: usize = 100;

impl App {
    /// `F` on message `mid`: the marked messages of the open conversation (or `mid` alone)
    /// are offered a conversation to go to.
    pub(super) fn start_forward(&mut self, mid: i64) -> Vec<Effect> {
        let marked = self.marked_here();
        let mids = if marked.is_empty() { vec![mid] } else { marked };
        if !mids.iter().all(|m| self.forwardable(*m)) {
            self.error(strings::FORWARD_ONLY);
            return vec![];
        }
        if mids.len() > FORWARD_MAX {
            self.error(format!(
                "at most {FORWARD_MAX} messages can be forwarded at once"
            ));
            return vec![];
        }
        let switcher = Switcher::forwarding(self, mids);
        self.popups.push(switcher);
        vec![]
    }

    /// Whether message `mid` is loaded and one 0.3.3 archives: text, markdown or a file.
    fn forwardable(&self, mid: i64) -> bool {
        self.chat.message(mid).is_some_and(|m| {
            matches!(
                m.kind,
                ContentKind::Text | ContentKind::Markdown | ContentKind::File
            )
        })
    }

    /// `/forward <n> <conversation>` of the linear mode: message `mid` of `account` to `to`
    /// of the same account (an archive is one server's), which must be the focused one.
    pub fn forward_in(&mut self, account: AccountId, mid: i64, to: ConvKey) -> Vec<Effect> {
        if account != self.focused {
            self.error(
                "that message's account is not the open one: /open one of its conversations first",
            );
            return vec![];
        }
        if self.chat.message(mid).is_none() {
            self.error("that message is no longer here");
            return vec![];
        }
        if !self.forwardable(mid) {
            self.error(strings::FORWARD_ONLY);
            return vec![];
        }
        self.forward_to(to, vec![mid])
    }

    /// The switcher picked `to`: `mids` go there.
    pub(crate) fn forward_to(&mut self, to: ConvKey, mids: Vec<i64>) -> Vec<Effect> {
        if matches!(self.mode, Mode::Select(_)) {
            self.mode = Mode::Chat;
        }
        self.timeline.marked.clear();
        let task = self.tasks.start(
            TaskKind::Forward {
                count: mids.len(),
                to: crate::app::label_of(&self.chat, to),
            },
            self.now_ms,
        );
        vec![Effect::Forward { task, mids, to }]
    }

    /// A forward answered: its task ends, and what became of it is said.
    pub(super) fn on_forwarded(
        &mut self,
        task: TaskId,
        to: ConvKey,
        count: usize,
        result: Outcome<i64>,
    ) -> Vec<Effect> {
        self.tasks.finish(task);
        let label = crate::app::label_of(&self.chat, to);
        match result {
            Ok(_) => self.info(strings::forwarded(count, &label)),
            Err(crate::app::Failure::Api(ApiError::Forbidden(_))) => {
                self.error(strings::FORWARD_FORBIDDEN);
            }
            Err(e) => {
                self.error(format!("forward to {label}: {e}"));
                self.on_failure(&e);
            }
        }
        vec![]
    }

    /// The archives the open conversation shows (its newest [`ARCHIVE_SCAN`] messages) that
    /// are not known yet: each asked for once.
    pub(super) fn fetch_shown_archives(&mut self) -> Vec<Effect> {
        let Some(conv) = self.timeline.open.and_then(|k| self.chat.convs.get(&k)) else {
            return vec![];
        };
        let paths: Vec<String> = conv
            .visible()
            .rev()
            .take(ARCHIVE_SCAN)
            .filter(|m| m.kind == ContentKind::Archive)
            .map(|m| m.content.clone())
            .collect();
        paths
            .into_iter()
            .filter(|p| self.chat.archives.start(p))
            .map(|path| Effect::FetchArchive { path })
            .collect()
    }

    /// The archive of message `mid` (of `key` in `account`) asked for, if it is one not
    /// known yet: the linear mode says messages of every conversation, not only the open
    /// one's, so what it said loading is fetched this way.
    pub fn fetch_archive_in(&mut self, account: AccountId, key: ConvKey, mid: i64) -> Vec<Effect> {
        let effect = self.with_account(account, |a| {
            let path = a
                .chat
                .convs
                .get(&key)
                .and_then(|c| c.messages.get(&mid))
                .filter(|m| m.kind == ContentKind::Archive)
                .map(|m| m.content.clone())?;
            a.chat
                .archives
                .start(&path)
                .then_some(Effect::FetchArchive { path })
        });
        effect
            .flatten()
            .map(|e| vec![super::search_span::through(self, account, e)])
            .unwrap_or_default()
    }

    /// An archive's fetch answered: kept (or why not), and drawn where it shows.
    pub(super) fn on_archive_fetched(
        &mut self,
        path: String,
        result: Outcome<Box<Archive>>,
    ) -> Vec<Effect> {
        match result {
            Ok(archive) => self.chat.archives.settle(&path, Ok(&archive)),
            Err(e) => {
                let why = crate::sanitize::one_line(&e.to_string(), 120);
                self.chat.archives.settle(&path, Err(why));
            }
        }
        vec![]
    }
}
