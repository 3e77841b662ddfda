//! The linear mode's views said as lines (issue 22): what a search, the inbox or the saved
//! list found, each hit numbered like a message so `/goto <n>`, `/copy <n>` or `/reply <n>`
//! can name it; the messages around one a jump selected; a question asked before something
//! that cannot be taken back; the login form, field by field; the files picked to send and
//! the work running (an upload's start and each quarter of the way); the views that only
//! show something (a meeting or invite link, an announcement, the devices).
//!
//! Reads the `App`; the numbers given are the transcript's (`linear.rs`).

use super::Transcript;
use crate::app::{App, LoginField, Mode, SearchKind};
use crate::protocol::invite::LinkKind;
use crate::sanitize::{clean, one_line};

/// How many messages before and after the one a jump selected are said with it.
pub const AROUND: usize = 3;

impl Transcript {
    /// What the search view found (a search, the inbox, the replies, the saved list): a
    /// heading, then each hit numbered, newest first, as the view lists them.
    pub fn found(&mut self, app: &App) -> Vec<String> {
        let view = &app.search;
        if let Some(error) = &view.error {
            return vec![format!("search: {}", clean(error))];
        }
        let what = match &view.kind {
            SearchKind::Search => format!("search for {}", one_line(&view.input, 80)),
            SearchKind::Inbox => "inbox (mentions of you and replies to you)".into(),
            SearchKind::Replies => "replies".into(),
            SearchKind::Saved { .. } => "saved messages".into(),
        };
        let hits = &view.results.hits;
        let mut unread = 0;
        let mut lines = Vec::new();
        for (i, hit) in hits.iter().enumerate() {
            let id = app.hit_account(i);
            let chat = app.chat_of(id);
            let is_unread = crate::app::hit_unread(chat, hit);
            unread += usize::from(is_unread);
            let account = app
                .account_tag(id)
                .map(|name| format!("{name} · "))
                .unwrap_or_default();
            let who = hit
                .author
                .as_deref()
                .map(|a| one_line(a, 40))
                .unwrap_or_else(|| crate::present::person(chat, hit.from_uid, 40));
            let when = crate::timefmt::format(hit.created_at, app.settings.utc, "%Y-%m-%d %H:%M");
            let text = crate::present::hit_text(&hit.kind, &hit.text, chat, 400);
            let number = self.number(id, hit.key, hit.mid);
            lines.push(format!(
                "{number} [{account}{}] {who} {when}{}: {}",
                crate::app::label_of(chat, hit.key),
                if is_unread { ", unread" } else { "" },
                one_line(&text, 400)
            ));
        }
        self.last_conv = None;
        let saved = matches!(view.kind, SearchKind::Saved { .. });
        let count = match hits.len() {
            0 if saved => "none".to_string(),
            0 => "nothing found".to_string(),
            n if saved => n.to_string(),
            1 => "1 found".to_string(),
            n if n >= crate::model::SEARCH_LIMIT => format!("the newest {n} found"),
            n => format!("{n} found"),
        };
        let unread = if unread > 0 {
            format!(", {unread} unread")
        } else {
            String::new()
        };
        let mut out = vec![format!("{what}: {count}{unread}")];
        out.extend(lines);
        if !hits.is_empty() {
            out.push("/goto <number> opens one where it was said".into());
        }
        out
    }

    /// The messages around `mid` of the open conversation, which a jump selected (`/goto`):
    /// [`AROUND`] before it, it, [`AROUND`] after, numbered anew.
    pub fn around(&mut self, app: &App, mid: i64) -> Vec<String> {
        let Some(key) = app.timeline.open else {
            return vec![];
        };
        let Some(conv) = app.chat.convs.get(&key) else {
            return vec![];
        };
        let shown: Vec<&crate::model::Message> = conv
            .visible()
            .filter(|m| !m.is_expired(app.now_ms))
            .collect();
        let Some(at) = shown.iter().position(|m| m.mid == mid) else {
            return vec![format!(
                "{}: that message is no longer here",
                crate::app::label_of(&app.chat, key)
            )];
        };
        let from = at.saturating_sub(AROUND);
        let to = (at + AROUND + 1).min(shown.len());
        let mut out = vec![format!(
            "[{}] around the message, from {}:",
            crate::app::label_of(&app.chat, key),
            crate::timefmt::format(shown[from].created_at, app.settings.utc, "%Y-%m-%d")
        )];
        for m in &shown[from..to] {
            let number = self.number(app.focused, key, m.mid);
            let who = crate::present::person(&app.chat, m.from_uid, 40);
            let time = crate::timefmt::format(m.created_at, app.settings.utc, "%H:%M");
            let text = clean(&app.display_text(m));
            let mut lines = text.lines();
            let mark = if m.mid == mid { " (this one)" } else { "" };
            out.push(format!(
                "{number} {who} {time}{mark}: {}",
                lines.next().unwrap_or("")
            ));
            out.extend(lines.map(|l| format!("  {l}")));
        }
        self.last_conv = Some((app.focused, key));
        out
    }
}

/// Said once the input is a message's: how to send one and find the rest.
pub const HINT: &str = "type a message and Enter to send it; /help lists the commands";

/// What was said of the login form.
#[derive(Debug, Clone, Default)]
pub(super) struct LoginSaid {
    busy: bool,
    error: Option<String>,
    /// The server whose plain-HTTP warning was said.
    warned: Option<String>,
}

impl Transcript {
    /// The login form in words: what it is for when it opens, then each change (logging
    /// in, an error, the plain-HTTP warning once the server is given), and its end. The
    /// fields themselves are asked by the input line's prompt.
    pub fn login(&mut self, app: &App) -> Vec<String> {
        let mut out = Vec::new();
        let Mode::Login(form) = &app.mode else {
            if self.login.take().is_some_and(|said| said.busy) {
                out.push(HINT.into());
            }
            return out;
        };
        let kind = form.join.as_ref().map(|j| j.kind);
        let said = self.login.get_or_insert_with(|| {
            out.push(match kind {
                Some(LinkKind::Register) => "join VoceChat: create your account".to_string(),
                Some(LinkKind::Login) => "log in to VoceChat with a link".to_string(),
                None if form.ask_server => "log in to VoceChat: its address first".to_string(),
                None => format!(
                    "log in to VoceChat at {}",
                    one_line(&crate::app::url_label(&form.server), 80)
                ),
            });
            if form.password_command.is_some() && kind.is_none() {
                out.push("the password comes from password_command".into());
            }
            out.push(if form.adding {
                "Enter goes to the next field, Tab and Up move between them, Esc goes back".into()
            } else {
                "Enter goes to the next field, Tab and Up move between them, Esc quits".into()
            });
            LoginSaid::default()
        });
        let server_given = form.focus != LoginField::Server || form.busy;
        if let Some(host) = crate::app::insecure_host(&form.server).filter(|_| server_given)
            && said.warned.as_ref() != Some(&host)
        {
            out.push(crate::app::insecure_warning(&host));
            said.warned = Some(host);
        }
        if form.busy && !said.busy {
            out.push(match kind {
                Some(LinkKind::Register) => "creating your account…".into(),
                _ => "logging in…".into(),
            });
        }
        said.busy = form.busy;
        if form.error != said.error {
            if let Some(e) = &form.error {
                out.push(clean(e));
            }
            said.error = form.error.clone();
        }
        out
    }
}

impl Transcript {
    /// The files picked to send and the work running, in words: a change of what is
    /// picked, each task's start, and an upload's or download's progress by quarters.
    pub fn work(&mut self, app: &App) -> Vec<String> {
        use crate::app::TaskKind;
        let mut out = Vec::new();
        let picked: Vec<String> = app
            .composer
            .staged
            .iter()
            .map(|f| {
                format!(
                    "{} ({})",
                    crate::files::shown_name(&f.name, 60),
                    crate::files::human_size(f.size)
                )
            })
            .collect();
        let mut started = false;
        for (id, task) in app.tasks.iter() {
            let name = |n: &str| crate::files::shown_name(n, 60);
            let quarter = match task.total {
                Some(total) if total > 0 && task.reported => (task.done * 4 / total).min(4),
                _ => 0,
            };
            match self.tasks.insert(id, quarter) {
                None => {
                    started = true;
                    out.push(match &task.kind {
                        TaskKind::Upload { name: n, .. } => format!("uploading {}", name(n)),
                        TaskKind::Download { name: n } => format!("downloading {}", name(n)),
                        TaskKind::Preview => "fetching the preview".into(),
                        TaskKind::MeetingLink => "making your meeting link".into(),
                        TaskKind::MeetingInvite => "posting the meeting invite".into(),
                        TaskKind::Forward { count, to } => {
                            format!("forwarding {count} to {}", one_line(to, 40))
                        }
                    });
                }
                Some(before) if quarter > before && (1..4).contains(&quarter) => {
                    if let TaskKind::Upload { name: n, .. } | TaskKind::Download { name: n } =
                        &task.kind
                    {
                        out.push(format!("{}: {}%", name(n), quarter * 25));
                    }
                }
                Some(_) => {}
            }
        }
        self.tasks.retain(|id, _| app.tasks.get(*id).is_some());
        // Several completions: named once, so Tab can be pressed knowing what comes next.
        match &app.composer.completion {
            Some((cands, _)) if cands.len() > 1 && *cands != self.completions => {
                const SHOWN: usize = 10;
                let names: Vec<String> = cands
                    .iter()
                    .take(SHOWN)
                    .map(|c| one_line(c.trim_end(), 60))
                    .collect();
                let more = if cands.len() > SHOWN {
                    format!(" and {} more", cands.len() - SHOWN)
                } else {
                    String::new()
                };
                out.push(format!(
                    "{} completions: {}{more}; Tab goes to the next",
                    cands.len(),
                    names.join(", ")
                ));
                self.completions = cands.clone();
            }
            Some(_) => {}
            None => self.completions.clear(),
        }
        if picked != self.picked {
            if !picked.is_empty() {
                out.insert(
                    0,
                    format!("picked to send with the next Enter: {}", picked.join(", ")),
                );
            } else if !started {
                out.insert(0, "no files picked".into());
            }
            self.picked = picked;
        }
        out
    }
}

impl Transcript {
    /// The link picker's links as lines: each hint, its link and the number of the message
    /// it is in (when that message was said).
    pub fn links(&self, app: &App, picker: &crate::app::LinkPicker) -> Vec<String> {
        let mut out = vec![format!("links ({}):", picker.links.len())];
        for l in &picker.links {
            let number = self
                .numbers
                .iter()
                .rev()
                .find(|(_, (account, _, mid))| *account == app.focused && *mid == l.mid)
                .map(|(n, _)| format!(" (message {n})"))
                .unwrap_or_default();
            out.push(format!(
                "{} {}{}{number}",
                l.hint,
                one_line(&l.url, usize::MAX),
                if l.disguised {
                    " (its text differs)"
                } else {
                    ""
                }
            ));
        }
        out
    }
}

/// A view that only shows something, as lines: a meeting link, an invite link, an
/// announcement, the devices; `None` for any other, and for the devices still loading.
pub fn shown(app: &App, popup: &crate::app::Popup) -> Option<Vec<String>> {
    use crate::app::Popup;
    Some(match popup {
        Popup::Call(link) => {
            let until = crate::timefmt::format(link.expires_at * 1000, app.settings.utc, "%H:%M");
            vec![
                format!("your meeting link, until {until} (it joins as you: do not share it):"),
                one_line(&link.url, usize::MAX),
            ]
        }
        Popup::Invite(invite) => vec![
            format!(
                "invite link to {}:",
                crate::app::label_of(&app.chat, crate::model::ConvKey::Group(invite.gid))
            ),
            one_line(&invite.url, usize::MAX),
        ],
        Popup::Announcement(view) => {
            let key = crate::model::ConvKey::Group(view.gid);
            let mut out = vec![format!(
                "announcement of {}:",
                crate::app::label_of(&app.chat, key)
            )];
            if let Some(a) = app.chat.announcements.get(&view.gid) {
                out.extend(clean(&a.content).lines().map(|l| format!("  {l}")));
            }
            out
        }
        Popup::Devices(d) if d.loading => return None,
        Popup::Devices(d) => {
            let mut out = vec![format!("your devices ({}):", d.list.len())];
            out.extend(d.list.iter().enumerate().map(|(i, id)| {
                let this = if *id == d.this { " (this one)" } else { "" };
                format!("{} {}{this}", i + 1, one_line(id, 80))
            }));
            out
        }
        _ => return None,
    })
}

/// The question on top, as lines (how to answer it depends on the input: the loop says).
pub fn question(app: &App, c: &crate::app::Confirm) -> Vec<String> {
    crate::ui::popups::confirm::question(app, c)
}
