//! The linear transcript (issue 22, `--screen-reader`): what the app holds, as plain lines
//! appended to the terminal's scrollback instead of a screen drawn over and over. Each new
//! message is said once, numbered so it can be named (`12 [#general] alice 14:02: text`; the
//! conversation's name only when it changes), and each change of the connection or a notice
//! is one line. No colour, no box
//! drawing, no cursor movement: the terminal's own scrollback and review keys work, and a
//! screen reader reads each line once.
//!
//! Reads the `App`, never changes it; what was said already is this transcript's own state.

use crate::app::conn::ConnState;
use crate::app::{AccountId, App};
use crate::model::ConvKey;
use crate::sanitize::{clean, one_line};
use std::collections::HashMap;

/// How many of the open conversation's newest messages are said when its account is first
/// live.
pub const START_LINES: usize = 10;

/// What was said so far.
#[derive(Debug, Default)]
pub struct Transcript {
    /// The newest message said, per conversation (of each account).
    said: HashMap<(AccountId, ConvKey), i64>,
    /// The conversation the last message said was in.
    last_conv: Option<(AccountId, ConvKey)>,
    /// The last connection state and notice said, per account.
    conn: HashMap<AccountId, String>,
    notice: Option<String>,
    /// The accounts that were live at least once: before that, what arrives is history
    /// (the stream's first batch), not news.
    live_once: std::collections::HashSet<AccountId>,
    /// Each message said, by the number it was said with (the newest [`NUMBERED`]).
    numbers: std::collections::BTreeMap<u64, (AccountId, ConvKey, i64)>,
    next_number: u64,
    /// The conversations the last `/list` numbered.
    listed: Vec<(AccountId, ConvKey)>,
    /// The newest messages said ([`WATCHED`] of them), with what they were when said: an edit,
    /// a deletion or a change of reactions is said as a line of its own.
    watched: std::collections::VecDeque<Watched>,
    /// Messages waiting in each account's outbox at the last look.
    waiting: HashMap<AccountId, usize>,
    /// Accounts whose waiting messages were said to wait: their going out is said too (a
    /// message sent at once is said by its echo alone).
    told_waiting: std::collections::HashSet<AccountId>,
    /// The login form as last said (`None`: none is open).
    login: Option<views::LoginSaid>,
    /// The files picked to send, as last said.
    picked: Vec<String>,
    /// The completions of the last Tab said (several only).
    completions: Vec<String>,
    /// The tasks running at the last look, with the quarter of the way last said.
    tasks: std::collections::BTreeMap<crate::app::TaskId, u64>,
}

/// How many of the newest messages said are watched for edits, deletions and reactions.
pub const WATCHED: usize = 200;

#[derive(Debug, Clone)]
struct Watched {
    number: u64,
    account: AccountId,
    key: ConvKey,
    mid: i64,
    rev: u32,
    deleted: bool,
    reactions: String,
    /// A hash of its text when said: an edit changes it.
    text: u64,
    /// A forwarded archive said before it was fetched: said again once it is.
    archive_waiting: bool,
}

fn text_hash(m: &crate::model::Message) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    m.content.hash(&mut h);
    h.finish()
}

/// A message's reactions in words (`👍 2, 🎉 1`), empty for none.
fn reactions_of(m: &crate::model::Message) -> String {
    m.reactions
        .iter()
        .filter(|(_, who)| !who.is_empty())
        .map(|(emoji, who)| format!("{} {}", clean(emoji), who.len()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How many numbered messages can be named (`/reply <n>`): the newest this many.
pub const NUMBERED: usize = 5_000;

impl Transcript {
    /// The lines to append now: new messages in every account, then changes of state.
    pub fn lines(&mut self, app: &App) -> Vec<String> {
        let mut out = Vec::new();
        let several = app.several_accounts();
        let accounts = app.accounts();
        // Every new message of every conversation, said in the order they were written.
        let mut fresh = Vec::new();
        let mut states = Vec::new();
        for account in &accounts {
            let live = matches!(account.status.conn, ConnState::Live)
                || self.live_once.contains(&account.id);
            let first_live = live && self.live_once.insert(account.id);
            let mut keys: Vec<&ConvKey> = account.chat.convs.keys().collect();
            keys.sort();
            for key in keys {
                let conv = &account.chat.convs[key];
                let at = (account.id, *key);
                let newest = conv.visible().next_back().map_or(0, |m| m.mid);
                let open = account.focused && account.timeline.open == Some(*key);
                let from = match self.said.get(&at) {
                    // Not live yet: history, taken in silently.
                    _ if !live => {
                        self.said.insert(at, newest);
                        continue;
                    }
                    // Live for the first time: the open conversation's last few messages are
                    // said, the rest is history.
                    _ if first_live && open => conv
                        .visible()
                        .rev()
                        .nth(START_LINES - 1)
                        .map_or(0, |m| m.mid.saturating_sub(1)),
                    _ if first_live => {
                        self.said.insert(at, newest);
                        continue;
                    }
                    Some(mid) => *mid,
                    // A conversation that appears later: all of it is new.
                    None => 0,
                };
                if newest <= from {
                    continue;
                }
                fresh.extend(
                    conv.visible()
                        .rev()
                        .take_while(|m| m.mid > from)
                        .filter(|m| !m.is_expired(app.now_ms))
                        .map(|m| (m.created_at, m.mid, account, *key, m)),
                );
                self.said.insert(at, newest);
            }
            let conn = conn_words(&account.status.conn);
            states.push((account.id, account.name, conn));
        }
        fresh.sort_by_key(|(at, mid, account, _, _)| (*at, account.id, *mid));
        for (_, _, account, key, m) in fresh {
            let at = (account.id, key);
            let label = crate::app::label_of(account.chat, key);
            let prefix = if self.last_conv != Some(at) {
                if several {
                    format!("[{} · {}] ", one_line(account.name, 16), label)
                } else {
                    format!("[{label}] ")
                }
            } else {
                String::new()
            };
            self.last_conv = Some(at);
            let mut who = crate::present::person(account.chat, m.from_uid, 40);
            // A reply names whom it answers.
            if let Some(quoted) = m.reply_to.and_then(|r| account.chat.message(r)) {
                let to = crate::present::person(account.chat, quoted.from_uid, 40);
                who = format!("{who} replied to {to},");
            }
            let time = crate::timefmt::format(m.created_at, app.settings.utc, "%H:%M");
            let text = clean(&said_text(app, account.chat, account.focused, m));
            let mut lines = text.lines();
            let first = lines.next().unwrap_or("");
            let n = self.number(account.id, key, m.mid);
            self.watched.push_back(Watched {
                number: n,
                account: account.id,
                key,
                mid: m.mid,
                rev: m.rev,
                deleted: m.deleted,
                reactions: reactions_of(m),
                text: text_hash(m),
                archive_waiting: archive_waiting(account.chat, m),
            });
            while self.watched.len() > WATCHED {
                self.watched.pop_front();
            }
            out.push(format!("{n} {prefix}{who} {time}: {first}"));
            out.extend(lines.map(|l| format!("  {l}")));
        }
        out.extend(self.changes(app, &accounts));
        out.extend(self.outbox(&accounts));
        for (id, name, conn) in states {
            if self.conn.get(&id) != Some(&conn) {
                if conn != "connecting" {
                    out.push(if several {
                        format!("{}: {conn}", one_line(name, 16))
                    } else {
                        conn.clone()
                    });
                }
                self.conn.insert(id, conn);
            }
        }
        let notice = app.status.notice.as_ref().map(|n| clean(&n.text));
        if notice != self.notice {
            if let Some(text) = &notice {
                out.push(text.clone());
            }
            self.notice = notice;
        }
        out
    }
}

/// Whether `m` is a forwarded archive not fetched yet (or still loading).
fn archive_waiting(chat: &crate::model::ChatModel, m: &crate::model::Message) -> bool {
    m.kind == crate::protocol::types::ContentKind::Archive
        && matches!(
            chat.archives.get(&m.content),
            None | Some(crate::model::ArchiveState::Loading)
        )
}

/// What a message says: a forwarded archive as its lines (`ui/archive.rs`, every message
/// kept), anything else as the screen shows it.
fn said_text(
    app: &App,
    chat: &crate::model::ChatModel,
    focused: bool,
    m: &crate::model::Message,
) -> String {
    if m.kind == crate::protocol::types::ContentKind::Archive {
        return super::archive::plain(chat, &m.content, crate::model::ARCHIVE_KEPT).join("\n");
    }
    app_text(app, focused, m)
}

/// A message's text as the screen shows it (the focused account's mentions resolved; a
/// parked account's said as stored).
fn app_text(app: &App, focused: bool, m: &crate::model::Message) -> String {
    if focused {
        app.display_text(m)
    } else {
        m.content.clone()
    }
}

/// The connection in words, one line's worth.
fn conn_words(conn: &ConnState) -> String {
    match conn {
        ConnState::Live => "live".into(),
        ConnState::Syncing => "catching up".into(),
        ConnState::Connecting { .. } => "connecting".into(),
        ConnState::Waiting { reason, .. } => {
            format!("connection lost ({}), retrying", one_line(reason, 60))
        }
        ConnState::Stopped(reason) => format!("stopped: {}", reason.explain()),
    }
}

impl Transcript {
    /// The outbox in words: a message that waits for the connection says so once, and
    /// messages leaving it are counted (`3 messages sent`).
    fn outbox(&mut self, accounts: &[crate::app::AccountView<'_>]) -> Vec<String> {
        let mut out = Vec::new();
        for account in accounts {
            // Not yet taken by the server (one it answered only waits for its echo).
            let now: usize = account
                .chat
                .convs
                .values()
                .flat_map(|c| &c.pending)
                .filter(|p| !matches!(p.state, crate::model::PendingState::Sent(_)))
                .count();
            let before = self.waiting.insert(account.id, now).unwrap_or(0);
            let live = matches!(account.status.conn, ConnState::Live);
            if now > before && !live {
                self.told_waiting.insert(account.id);
                out.push(match now {
                    1 => "not connected: the message waits and goes out when it is back".into(),
                    n => format!("not connected: {n} messages wait and go out when it is back"),
                });
            } else if now < before && self.told_waiting.contains(&account.id) {
                out.push(match before - now {
                    1 => "1 message sent".into(),
                    n => format!("{n} messages sent"),
                });
            }
            if now == 0 {
                self.told_waiting.remove(&account.id);
            }
        }
        out
    }

    /// What changed in the messages watched: each edit, deletion or change of reactions one
    /// line, naming the message by its number.
    fn changes(&mut self, app: &App, accounts: &[crate::app::AccountView<'_>]) -> Vec<String> {
        let mut out = Vec::new();
        for w in &mut self.watched {
            let Some(account) = accounts.iter().find(|a| a.id == w.account) else {
                continue;
            };
            let m = account
                .chat
                .convs
                .get(&w.key)
                .and_then(|c| c.messages.get(&w.mid));
            let gone = m.is_none_or(|m| m.deleted);
            if gone {
                if !w.deleted {
                    out.push(format!("message {} was deleted", w.number));
                    w.deleted = true;
                }
                continue;
            }
            let Some(m) = m else { continue };
            if w.archive_waiting && !archive_waiting(account.chat, m) {
                // The forwarded messages arrived: said under the message's number.
                w.archive_waiting = false;
                let text = clean(&said_text(app, account.chat, account.focused, m));
                let mut lines = text.lines();
                out.push(format!(
                    "message {}: {}",
                    w.number,
                    lines.next().unwrap_or("")
                ));
                out.extend(lines.map(|l| format!("  {l}")));
            }
            if m.rev != w.rev {
                let reactions = reactions_of(m);
                if reactions != w.reactions {
                    let said = if reactions.is_empty() {
                        "no reactions".to_string()
                    } else {
                        reactions.clone()
                    };
                    out.push(format!("message {} reactions: {said}", w.number));
                    w.reactions = reactions;
                }
                let text = text_hash(m);
                if text != w.text {
                    w.text = text;
                    let who = crate::present::person(account.chat, m.from_uid, 40);
                    let text = clean(&app_text(app, account.focused, m));
                    out.push(format!(
                        "{} {who} edited: {}",
                        w.number,
                        text.lines().next().unwrap_or("")
                    ));
                }
                w.rev = m.rev;
            }
        }
        out
    }

    /// `/list`: every conversation of every account, numbered for `/open <n>`, with its
    /// unread count and mentions in words; the open one says so.
    pub fn list(&mut self, app: &App) -> Vec<String> {
        let several = app.several_accounts();
        self.listed.clear();
        let mut out = Vec::new();
        for account in app.accounts() {
            if several {
                out.push(format!("{}:", one_line(account.name, 16)));
            }
            for key in crate::app::sidebar::order(account.chat, &app.settings) {
                let Some(conv) = account.chat.convs.get(&key) else {
                    continue;
                };
                self.listed.push((account.id, key));
                let mut words = Vec::new();
                if account.focused && account.timeline.open == Some(key) {
                    words.push("open".to_string());
                }
                if conv.mentions > 0 {
                    words.push(format!("{} mentioning you", conv.mentions));
                }
                if account.chat.is_muted(key, app.now_ms) {
                    words.push("muted".into());
                } else if conv.unread > 0 {
                    words.push(format!("{} unread", conv.unread));
                }
                let label = crate::app::label_of(account.chat, key);
                let tail = if words.is_empty() {
                    String::new()
                } else {
                    format!(", {}", words.join(", "))
                };
                out.push(format!("{} {label}{tail}", self.listed.len()));
            }
        }
        out
    }

    /// The conversation `/open` names: a number of the last `/list`, else a name
    /// (`#general`, `@bob`, or without the sign), in the focused account first.
    pub fn find_conversation(&self, app: &App, name: &str) -> Option<(AccountId, ConvKey)> {
        if let Ok(n) = name.parse::<usize>() {
            return n.checked_sub(1).and_then(|i| self.listed.get(i)).copied();
        }
        let wanted = name.trim().to_lowercase();
        let mut accounts = app.accounts();
        accounts.sort_by_key(|a| !a.focused);
        for account in accounts {
            for key in account.chat.convs.keys() {
                let tag = crate::app::tag_of(account.chat, *key).to_lowercase();
                if tag == wanted || tag.get(1..) == Some(wanted.as_str()) {
                    return Some((account.id, *key));
                }
            }
        }
        None
    }

    /// `/history [n]`: the open conversation's last `n` messages again, numbered anew.
    pub fn history(&mut self, app: &App, n: usize) -> Vec<String> {
        let Some(key) = app.timeline.open else {
            return vec!["no conversation is open".into()];
        };
        let Some(conv) = app.chat.convs.get(&key) else {
            return vec![];
        };
        let mut shown: Vec<&crate::model::Message> = conv
            .visible()
            .rev()
            .filter(|m| !m.is_expired(app.now_ms))
            .take(n)
            .collect();
        shown.reverse();
        let label = crate::app::label_of(&app.chat, key);
        let mut out = vec![match shown.len() {
            1 => format!("[{label}] the last message:"),
            n => format!("[{label}] the last {n} messages:"),
        }];
        for m in shown {
            let number = self.number(app.focused, key, m.mid);
            let who = crate::present::person(&app.chat, m.from_uid, 40);
            let time = crate::timefmt::format(m.created_at, app.settings.utc, "%H:%M");
            let text = clean(&said_text(app, &app.chat, true, m));
            let mut lines = text.lines();
            out.push(format!(
                "{number} {who} {time}: {}",
                lines.next().unwrap_or("")
            ));
            out.extend(lines.map(|l| format!("  {l}")));
        }
        self.last_conv = Some((app.focused, key));
        out
    }

    /// The next number, given to message `mid` of `key` in `account` (the newest
    /// [`NUMBERED`] are kept).
    fn number(&mut self, account: AccountId, key: ConvKey, mid: i64) -> u64 {
        self.next_number += 1;
        self.numbers.insert(self.next_number, (account, key, mid));
        while self.numbers.len() > NUMBERED {
            self.numbers.pop_first();
        }
        self.next_number
    }

    /// The messages said while their forwarded archive was not fetched yet (the loop asks
    /// for each; asking again for one under way asks nothing).
    pub fn archives_waiting(&self) -> Vec<(AccountId, ConvKey, i64)> {
        self.watched
            .iter()
            .filter(|w| w.archive_waiting)
            .map(|w| (w.account, w.key, w.mid))
            .collect()
    }

    /// The message said with number `n`, if it is among the newest [`NUMBERED`].
    pub fn numbered(&self, n: u64) -> Option<(AccountId, ConvKey, i64)> {
        self.numbers.get(&n).copied()
    }
}

/// `/help` (and F1) as plain lines: the commands first (this mode is driven by them), then
/// the keys of the full screen, from the live key map.
pub fn help_lines(app: &App) -> Vec<String> {
    let mut out = vec!["commands:".to_string()];
    for c in crate::app::COMMANDS {
        out.push(format!("  /{} {} — {}", c.name, c.args, c.help));
    }
    out.push("keys of the full screen:".into());
    let mut section = "";
    for (sec, keys, help) in app.keymap.help_rows() {
        if sec != section {
            section = sec;
            out.push(format!("{sec}:"));
        }
        out.push(format!("  {keys} — {help}"));
    }
    out
}

#[path = "linear_views.rs"]
mod views;

#[path = "linear_pins.rs"]
mod pins;
pub use views::{AROUND, HINT, question, shown};

#[cfg(test)]
#[path = "linear_tests.rs"]
pub(crate) mod tests;
