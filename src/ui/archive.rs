//! A forwarded archive shown inline (issue 23, item 4): a header ("forwarded, 3 messages"),
//! then each message's author and the first lines of its text (sanitized, markdown as plain
//! text, mentions as names) or its file's name, indented; past what is shown, "… N more".
//! While it loads it says so; a fetch that failed says why in its place. The timeline draws
//! these lines and the linear mode says them (`linear.rs`), so they cannot drift apart.
//!
//! Reads the chat's archives (`model/archives.rs`), never changes them.

use crate::app::{App, strings};
use crate::model::{ArchiveState, ChatModel, Forwarded};
use crate::present::Body;
use crate::protocol::types::ContentKind;
use crate::sanitize::one_line;
use crate::theme::Theme;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

/// How many forwarded messages a folded message shows (a selected one shows every one
/// kept).
pub const SHOWN_FOLDED: usize = 10;
/// How many lines of each forwarded message's text are shown.
pub const TEXT_LINES: usize = 3;
/// The most characters of one shown line (wrapping does the rest).
const LINE_CHARS: usize = 300;

/// One line of an archive as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    /// The header, or where it stands (loading, failed).
    Header(String),
    /// A forwarded message's first line: its author and the start of its text.
    First { author: String, text: String },
    /// A further line of its text.
    More(String),
    /// "… N more".
    Rest(String),
}

impl Row {
    /// As plain text, indented as drawn.
    pub fn plain(&self) -> String {
        match self {
            Row::Header(t) => t.clone(),
            Row::First { author, text } if author.is_empty() => format!("  {text}"),
            Row::First { author, text } => format!("  {author}: {text}"),
            Row::More(t) => format!("    {t}"),
            Row::Rest(t) => format!("  {t}"),
        }
    }
}

/// The archive at `path` as rows: at most `max` of its messages.
pub fn rows(chat: &ChatModel, path: &str, max: usize) -> Vec<Row> {
    let forward = match chat.archives.get(path) {
        None | Some(ArchiveState::Loading) => {
            return vec![Row::Header(format!("🗂 {}", strings::FORWARD_LOADING))];
        }
        Some(ArchiveState::Failed(why)) => {
            return vec![Row::Header(format!(
                "🗂 forwarded messages: could not load them ({})",
                one_line(why, 120)
            ))];
        }
        Some(ArchiveState::Ready(forward)) => forward,
    };
    let mut out = vec![Row::Header(format!(
        "🗂 {}",
        strings::forwarded_header(forward.total)
    ))];
    for m in forward.messages.iter().take(max) {
        let mut lines = message_lines(chat, m).into_iter();
        out.push(Row::First {
            author: one_line(&m.author, 40),
            text: lines.next().unwrap_or_default(),
        });
        out.extend(lines.map(Row::More));
    }
    let shown = forward.messages.len().min(max);
    if forward.total > shown {
        out.push(Row::Rest(strings::forward_more(forward.total - shown)));
    }
    out
}

/// What the timeline's cache of `m`'s body depends on besides the message: the archives'
/// revision for a forwarded archive (it is drawn again once fetched), else nothing.
pub(super) fn rev_for(app: &App, m: &crate::model::Message) -> u32 {
    if m.kind == ContentKind::Archive {
        app.chat.archives.rev
    } else {
        0
    }
}

/// A forwarded archive message's body in the timeline (`None` for any other message): the
/// first [`SHOWN_FOLDED`] messages, or every one kept when it is selected (`full`).
pub(super) fn body(
    app: &App,
    m: &crate::model::Message,
    full: bool,
    width: usize,
    theme: &Theme,
) -> Option<Vec<Line<'static>>> {
    if m.kind != ContentKind::Archive {
        return None;
    }
    let max = if full {
        crate::model::ARCHIVE_KEPT
    } else {
        SHOWN_FOLDED
    };
    Some(lines(app, &m.content, max, width, theme))
}

/// A forwarded archive's rows, wrapped to `width` (a row's further lines under its text).
fn lines(app: &App, path: &str, max: usize, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for row in rows(&app.chat, path, max) {
        let (indent, style) = match &row {
            Row::Header(_) => (0, theme.fg(theme.accent)),
            Row::First { .. } | Row::Rest(_) => (2, theme.dimmed()),
            Row::More(_) => (4, theme.dimmed()),
        };
        let plain = row.plain();
        let pad = " ".repeat(indent + 2);
        for (i, line) in crate::text::wrap::wrap(&plain, width.max(indent + 8))
            .into_iter()
            .enumerate()
        {
            let line = if i == 0 { line } else { format!("{pad}{line}") };
            let spans = match (&row, i) {
                (Row::First { author, .. }, 0) if !author.is_empty() => {
                    let cut = (2 + author.len() + 1).min(line.len());
                    match line.get(..cut) {
                        Some(head) => vec![
                            Span::styled(head.to_string(), style.add_modifier(Modifier::BOLD)),
                            Span::raw(line[cut..].to_string()),
                        ],
                        None => vec![Span::raw(line)],
                    }
                }
                (Row::First { .. } | Row::More(_), _) => vec![Span::raw(line)],
                _ => vec![Span::styled(line, style)],
            };
            out.push(Line::from(spans));
        }
    }
    out
}

/// The archive at `path` as plain lines (the linear mode, tests).
pub fn plain(chat: &ChatModel, path: &str, max: usize) -> Vec<String> {
    rows(chat, path, max).iter().map(Row::plain).collect()
}

/// A forwarded message's first [`TEXT_LINES`] lines, each one sanitized line (a file: its
/// icon and name).
fn message_lines(chat: &ChatModel, m: &Forwarded) -> Vec<String> {
    if let Some(name) = &m.file {
        return vec![format!("📎 {}", crate::files::shown_name(name, 60))];
    }
    let text = Body::new(&m.kind, &m.text, None).display_text(chat);
    let mut lines: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(TEXT_LINES + 1)
        .map(|l| one_line(l, LINE_CHARS))
        .collect();
    if lines.len() > TEXT_LINES {
        lines.truncate(TEXT_LINES);
        if let Some(last) = lines.last_mut() {
            last.push_str(" …");
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::types::{Archive, ArchiveMessage, ArchiveUser, Target};
    use serde_json::json;

    fn message(from_user: usize, ct: &str, content: Option<&str>) -> ArchiveMessage {
        ArchiveMessage {
            from_user,
            created_at: 1,
            mid: 1,
            source: Target::Group { gid: 1 },
            properties: Some(json!({"name": "report\u{1b}[2J.pdf"})),
            content_type: ct.into(),
            content: content.map(str::to_string),
            file_id: content.is_none().then_some(0),
            thumbnail_id: None,
        }
    }

    #[test]
    fn loading_failed_and_ready_each_say_so_sanitized_and_bounded() {
        let mut chat = ChatModel::default();
        assert_eq!(plain(&chat, "p", 10), ["🗂 forwarded messages (loading…)"]);
        chat.archives.start("p");
        chat.archives
            .settle("p", Err("not found\u{1b}]52;c;x\u{7}".into()));
        let failed = plain(&chat, "p", 10);
        assert!(failed[0].starts_with("🗂 forwarded messages: could not load them (not found"));
        assert!(!failed[0].contains('\u{1b}'));
        let archive = Archive {
            users: vec![
                ArchiveUser {
                    name: "carol\u{1b}[31m".into(),
                    avatar: None,
                },
                ArchiveUser {
                    name: "bob".into(),
                    avatar: None,
                },
            ],
            messages: vec![
                message(
                    0,
                    "text/markdown",
                    Some("**release** notes\n\n- one\n- two\n- three"),
                ),
                message(1, "vocechat/file", None),
                message(1, "text/plain", Some("a")),
                message(0, "text/plain", Some("b")),
            ],
            num_attachments: 1,
        };
        chat.archives.settle("q", Ok(&archive));
        let lines = plain(&chat, "q", 2);
        assert_eq!(
            lines,
            [
                "🗂 forwarded, 4 messages",
                "  carol: release notes",
                "    • one",
                "    • two …",
                "  bob: 📎 report.pdf",
                "  … 2 more",
            ]
        );
        assert!(lines.iter().all(|l| !l.contains('\u{1b}')));
    }
}
