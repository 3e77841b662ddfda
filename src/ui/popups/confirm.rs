//! A yes/no question: before deleting, leaving, rebuilding the store or logging a device out
//! (the question and the yes key), before opening a link whose text names another target (the
//! target, whole) and before opening a file that may run something (its whole name and the
//! extension it really has).

use super::{centered, frame};
use crate::app::{App, Confirm};
use crate::keymap::Action;
use crate::sanitize::one_line;
use crate::text::wrap::wrap;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

/// The question asked, as plain text: drawn in the popup, and said as lines by the linear
/// mode. A link's target and a file's whole name and real extension come after it.
pub fn question(app: &App, c: &Confirm) -> Vec<String> {
    let text = match c {
        Confirm::Open(url) => {
            return vec![
                "The link's text differs from where it goes:".into(),
                crate::sanitize::clean(url),
            ];
        }
        Confirm::OpenFile { name, .. } => {
            return vec![
                "Open this file with the system's opener?".into(),
                crate::sanitize::one_line(name, usize::MAX),
                file_warning(name),
            ];
        }
        Confirm::Delete(_) => "Delete this message for everyone?".to_string(),
        Confirm::DeleteMany(mids) => format!("Delete {} messages for everyone?", mids.len()),
        Confirm::Leave(gid) => format!(
            "Leave #{}?",
            one_line(&app.chat.conv_name(crate::model::ConvKey::Group(*gid)), 30)
        ),
        Confirm::ClearChannel(gid) => format!(
            "Clear every message of #{} for everyone? This cannot be undone.",
            one_line(&app.chat.conv_name(crate::model::ConvKey::Group(*gid)), 30)
        ),
        Confirm::RebuildStore(why) => {
            format!("{}. Rebuild it from the server?", one_line(why, 160))
        }
        Confirm::LogoutDevice(device) => format!(
            "Log out {}? It will have to log in again.",
            one_line(device, 100)
        ),
        Confirm::RemoveAccount { name, .. } => format!(
            "Remove the account {} from this window? Its stream stops and its saved session \
             is deleted (the next start does not open it); its local store stays on disk.",
            one_line(name, 16)
        ),
    };
    vec![text]
}

/// What opening a file that is not a plain document or media type may do.
fn file_warning(name: &str) -> String {
    match crate::files::real_extension(name) {
        Some(ext) => format!(
            "It is a .{} file, not a plain document or media type: opening it may run a program.",
            crate::sanitize::one_line(&ext, 40)
        ),
        None => "It has no extension: the opener guesses what it is, and opening it may run a \
                 program."
            .to_string(),
    }
}

pub(super) fn draw(f: &mut Frame, app: &App, c: &Confirm, area: Rect, theme: &Theme) {
    let text = match c {
        Confirm::Open(url) => return open_link(f, app, url, area, theme),
        Confirm::OpenFile { name, .. } => return open_file(f, app, name, area, theme),
        other => question(app, other).concat(),
    };
    let wide = matches!(
        c,
        Confirm::RebuildStore(_)
            | Confirm::LogoutDevice(_)
            | Confirm::ClearChannel(_)
            | Confirm::RemoveAccount { .. }
    );
    let r = if wide {
        centered(area, 72, 7)
    } else {
        centered(area, 48, 4)
    };
    f.render_widget(Clear, r);
    let block = frame("confirm".into(), theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    f.render_widget(
        Paragraph::new(vec![
            Line::raw(text),
            Line::styled(
                format!(
                    "{}: yes   any other key: no",
                    app.keymap.hint(Action::ConfirmYes)
                ),
                theme.dimmed(),
            ),
        ])
        .wrap(Wrap { trim: true }),
        inner,
    );
}

/// Before a link whose text names another target is opened: where it goes.
fn open_link(f: &mut Frame, app: &App, url: &str, area: Rect, theme: &Theme) {
    let r = centered(area, 72, 7);
    f.render_widget(Clear, r);
    let block = frame("open link".into(), theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let mut lines = vec![Line::raw("The link's text differs from where it goes:")];
    lines.extend(crate::text::plain(
        &crate::sanitize::clean(url),
        inner.width as usize,
        theme,
        "",
    ));
    lines.push(Line::styled(
        format!(
            "{}: open it   any other key: no",
            app.keymap.hint(Action::ConfirmYes)
        ),
        theme.dimmed(),
    ));
    f.render_widget(Paragraph::new(lines), inner);
}

/// Before a file that is not a plain document or media type is opened: its whole sanitized
/// name (wrapped, never cut) and the extension it really has, which decides what the system
/// opener does with it.
fn open_file(f: &mut Frame, app: &App, name: &str, area: Rect, theme: &Theme) {
    let inner_width = 70.min(area.width.saturating_sub(2)).max(1) as usize;
    let shown = crate::sanitize::one_line(name, usize::MAX);
    let what = file_warning(name);
    let mut lines = vec![Line::raw("Open this file with the system's opener?")];
    lines.extend(
        wrap(&shown, inner_width)
            .into_iter()
            .map(|l| Line::styled(l, theme.fg(theme.accent).add_modifier(Modifier::BOLD))),
    );
    lines.extend(
        wrap(&what, inner_width)
            .into_iter()
            .map(|l| Line::styled(l, theme.fg(theme.warning))),
    );
    lines.push(Line::styled(
        format!(
            "{}: download and open it   any other key: no",
            app.keymap.hint(Action::ConfirmYes)
        ),
        theme.dimmed(),
    ));
    let r = centered(area, inner_width as u16 + 2, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    let block = frame("open file".into(), theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    f.render_widget(Paragraph::new(lines), inner);
}
