//! What waits for the server, as the timeline shows it: messages and uploads not acknowledged
//! yet (sending, waiting for the connection, refused), and changes to sent messages (an edit,
//! a reaction, a delete) that are not made yet, under the message they change. Both
//! layouts: in compact a pending message has a lead like a sent one (`compact`).

use super::compact;
use crate::app::App;
use crate::config::Layout;
use crate::keymap::Action;
use crate::model::{Change, PendingChange, PendingMessage, PendingState};
use crate::protocol::types::Content;
use crate::sanitize::{clean, one_line};
use crate::text;
use crate::theme::Theme;
use ratatui::text::Line;

/// The lines of a message or upload you sent that the server has not acknowledged. Cozy:
/// your name and its state above the text (an upload: its state below it). Compact: your
/// name before the text, like a sent message's lead, and the state below it.
pub(super) fn block(
    app: &App,
    p: &PendingMessage,
    width: u16,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let style = if matches!(p.state, PendingState::Failed(_)) {
        theme.fg(theme.error)
    } else {
        theme.fg(theme.pending)
    };
    let lead = (app.settings.layout == Layout::Compact)
        .then(|| compact::pending_lead(app, style, width))
        .flatten();
    let text_width = lead.as_ref().map_or(width, |l| l.text_width(width));
    let (body, state) = parts(app, p, text_width, theme);
    let keys = keys_line(app, &p.state, theme);
    if lead.is_some() || p.upload.is_some() {
        let lines = body
            .into_iter()
            .chain([Line::styled(state, style)])
            .chain(keys);
        return match lead {
            Some(lead) => lead.lay(lines.collect(), 0),
            None => lines.collect(),
        };
    }
    let me = app
        .chat
        .me
        .map(|m| app.chat.user_name(m))
        .unwrap_or_default();
    let header = Line::styled(format!("{} {state}", one_line(&me, 32)), style);
    [header].into_iter().chain(body).chain(keys).collect()
}

/// A pending message's text (an upload: the file) wrapped at `width`, and its state in words.
fn parts(app: &App, p: &PendingMessage, width: u16, theme: &Theme) -> (Vec<Line<'static>>, String) {
    let failed = |what: &str, why: &str| format!("{what}: {}", one_line(why, 60));
    if let Some(u) = &p.upload {
        let status = match &p.state {
            PendingState::Failed(e) => failed("upload failed", e),
            PendingState::Sent(_) => "sent".to_string(),
            PendingState::Waiting(why) => format!("waiting ({})", one_line(why, 60)),
            PendingState::Sending => {
                crate::files::progress_text(u.sent, u.file.size, u.started_ms, app.now_ms)
            }
        };
        let file = format!(
            "📎 {} · {}",
            crate::files::shown_name(&u.file.name, 60),
            crate::files::human_size(u.file.size)
        );
        return (vec![Line::styled(file, theme.fg(theme.pending))], status);
    }
    let state = match &p.state {
        PendingState::Sending | PendingState::Sent(_) => "sending…".to_string(),
        PendingState::Waiting(why) => {
            format!("waiting for the connection ({})", one_line(why, 60))
        }
        PendingState::Failed(e) => failed("not sent", e),
    };
    let body = match &p.content {
        Content::Text(t) | Content::Markdown(t) => app.render_mentions(t),
        other => format!("[{}]", other.content_type()),
    };
    let lines = text::plain(&clean(&body), width as usize, theme, "")
        .into_iter()
        .map(|l| l.patch_style(theme.fg(theme.pending)))
        .collect();
    (lines, state)
}

/// One line per change to message `mid` that is not made yet.
pub(super) fn change_lines(app: &App, mid: i64, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for c in app.chat.changes_of(mid) {
        let style = if matches!(c.state, PendingState::Failed(_)) {
            theme.fg(theme.error)
        } else {
            theme.fg(theme.pending)
        };
        lines.push(Line::styled(
            crate::text::wrap::truncate(&change_text(app, c, width), width as usize),
            style,
        ));
        lines.extend(keys_line(app, &c.state, theme));
    }
    lines
}

/// Under something the server refused: the keys that retry or discard it.
fn keys_line(app: &App, state: &PendingState, theme: &Theme) -> Option<Line<'static>> {
    matches!(state, PendingState::Failed(_)).then(|| {
        Line::styled(
            format!(
                "  {} retries · {} discards",
                app.keymap.hint(Action::RetrySend),
                app.keymap.hint(Action::DiscardFailed)
            ),
            theme.dimmed(),
        )
    })
}

fn change_text(app: &App, c: &PendingChange, width: u16) -> String {
    // The new text gets what the line has left after the words around it.
    let room = usize::from(width).saturating_sub(40).max(20);
    let what = match &c.change {
        Change::Edit(content) => format!(
            "edit to “{}”",
            one_line(&app.render_mentions(&content.body()), room)
        ),
        Change::React { emoji, on: true } => format!("{} reaction", one_line(emoji, 4)),
        Change::React { emoji, on: false } => {
            format!("removing your {} reaction", one_line(emoji, 4))
        }
        Change::Delete => "delete".to_string(),
    };
    match &c.state {
        PendingState::Sending | PendingState::Sent(_) => format!("⧗ {what}: sending…"),
        PendingState::Waiting(_) => format!("⧗ {what}: waiting for the connection"),
        PendingState::Failed(why) => format!("⚠ {what} not made: {}", one_line(why, 60)),
    }
}
