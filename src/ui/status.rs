//! The status bar: which mode you are in and its main keys (every mode and popup names
//! itself, so selection mode is never a guess), the connection, and what is running.

use crate::app::conn::ConnState;
use crate::app::{App, Task, TaskKind};
use crate::sanitize::one_line;
use crate::text::wrap::width;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

fn clock(ms: i64, utc: bool) -> String {
    crate::timefmt::format(ms, utc, "%H:%M:%S")
}

/// A running task as the status bar shows it: what, then how far.
fn task_text(task: &Task) -> String {
    let name = |n: &str| crate::files::shown_name(n, 24);
    match &task.kind {
        TaskKind::Upload { name: n, .. } => {
            let progress = match task.total {
                Some(total) if task.reported => {
                    crate::files::progress_text(task.done, total, task.started_ms, task.updated_ms)
                }
                _ => "starting".to_string(),
            };
            format!("↑{} {progress}", name(n))
        }
        TaskKind::Download { name: n } => {
            let progress = match task.total {
                _ if !task.reported => "…".to_string(),
                Some(t) if t > 0 => format!("{}%", task.done * 100 / t),
                _ => crate::files::human_size(task.done),
            };
            format!("↓{} {progress}", name(n))
        }
        TaskKind::Preview => "preview …".to_string(),
        TaskKind::MeetingLink => "meeting link …".to_string(),
        TaskKind::MeetingInvite => "meeting invite …".to_string(),
        TaskKind::Forward { count, to } => {
            format!("forwarding {count} to {} …", one_line(to, 24))
        }
    }
}

/// The status bar: the mode, the connection, server and account, running tasks, the last
/// notice, and the mode's main keys at the right (as many as fit).
pub(super) fn draw_status(f: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    let (conn, color) = match &app.status.conn {
        ConnState::Live => ("● live".to_string(), theme.online),
        ConnState::Syncing if app.status.replayed > 0 => (
            format!("◐ syncing, {} messages in", app.status.replayed),
            theme.warning,
        ),
        ConnState::Syncing => ("◐ syncing".to_string(), theme.warning),
        ConnState::Connecting { attempt } if *attempt <= 1 => {
            ("◌ connecting".to_string(), theme.warning)
        }
        ConnState::Connecting { attempt } => {
            (format!("◌ connecting (try {attempt})"), theme.warning)
        }
        ConnState::Waiting {
            retry_at_ms,
            reason,
            ..
        } => (
            format!(
                "○ offline ({}), retry at {} · {} now",
                one_line(reason, 40),
                clock(*retry_at_ms, app.settings.utc),
                app.keymap.hint(crate::keymap::Action::Reconnect)
            ),
            theme.error,
        ),
        ConnState::Stopped(r) => (format!("✕ {}", r.explain()), theme.error),
    };
    let me = app
        .chat
        .me
        .map(|m| one_line(&app.chat.user_name(m), 24))
        .unwrap_or_default();
    let (mode, keys) = crate::app::mode_keys(app);
    let mut spans = vec![
        Span::styled(
            format!(" {mode} "),
            theme
                .status()
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ),
        Span::styled(" ", theme.status()),
        Span::styled(conn, theme.status().fg(color)),
        Span::styled(
            if app.several_accounts() {
                format!(
                    " │ {} @ {} │ {me}",
                    one_line(&app.account.name, 24),
                    one_line(&app.status.server_label, 40)
                )
            } else {
                format!(" │ {} │ {me}", one_line(&app.status.server_label, 40))
            },
            theme.status(),
        ),
    ];
    if app.status.insecure.is_some() {
        spans.push(Span::styled(
            " │ ⚠ unencrypted http",
            theme
                .status()
                .fg(theme.warning)
                .add_modifier(Modifier::BOLD),
        ));
    }
    if let Some(dnd) = app.dnd_words() {
        spans.push(Span::styled(
            format!(" │ {dnd}"),
            theme.status().fg(theme.warning),
        ));
    }
    for (_, task) in app.tasks.iter() {
        spans.push(Span::styled(
            format!(" │ {}", task_text(task)),
            theme.status(),
        ));
    }
    if let Some(n) = &app.status.notice {
        spans.push(Span::styled(
            format!(" │ {}", one_line(&n.text, 100)),
            theme
                .status()
                .fg(if n.error { theme.error } else { theme.accent }),
        ));
    }
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    let room = (area.width as usize).saturating_sub(used + 1);
    let hints = fitting(&keys, room);
    if !hints.is_empty() {
        let pad = room.saturating_sub(width(&hints));
        spans.push(Span::styled(
            format!("{} {hints}", " ".repeat(pad)),
            theme.status().add_modifier(Modifier::DIM),
        ));
    }
    let line = Line::from(spans);
    f.render_widget(Paragraph::new(line).style(theme.status()), area);
}

/// As many of the hints as fit in `room` columns, in order, two spaces apart.
fn fitting(hints: &[String], room: usize) -> String {
    let mut out = String::new();
    for h in hints {
        let extra = if out.is_empty() { 0 } else { 2 };
        if width(&out) + extra + width(h) > room {
            break;
        }
        if !out.is_empty() {
            out.push_str("  ");
        }
        out.push_str(h);
    }
    out
}
