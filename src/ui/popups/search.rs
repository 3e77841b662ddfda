//! The search view, drawn where the timeline is: the query, what was found (conversation,
//! author, time and the matching line with the match highlighted, newest first), how far back
//! the conversations searched are stored, and the keys.

use crate::app::{App, SearchKind};
use crate::keymap::Action;
use crate::sanitize::one_line;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub(in crate::ui) fn draw(f: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::BOTTOM)
        .border_style(theme.dimmed())
        .title(Span::styled(
            app.search.kind.title(),
            theme.fg(theme.accent).add_modifier(Modifier::BOLD),
        ));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let width = usize::from(inner.width);
    let s = &app.search;
    let mut lines = vec![Line::from(vec![
        Span::styled("› ", theme.fg(theme.accent)),
        Span::raw(one_line(&s.input, width.saturating_sub(3))),
        Span::styled("▏", theme.fg(theme.accent)),
    ])];
    lines.push(status_line(app, width, theme));
    let rows = usize::from(inner.height).saturating_sub(3);
    let first = s.selected.saturating_sub(rows.saturating_sub(1));
    // The terminal's cursor where the eyes are: on the selected hit, else after the query.
    let typed = crate::text::wrap::width(&one_line(&s.input, width.saturating_sub(3)));
    let mut cursor = (inner.x + 2 + typed as u16, inner.y);
    for i in (0..s.results.hits.len()).skip(first).take(rows) {
        let mut line = crate::ui::search::hit_line(app, i, width, theme);
        if i == s.selected {
            line = line.patch_style(theme.selected());
            cursor = (inner.x, inner.y + lines.len() as u16);
        }
        lines.push(line);
    }
    let used = lines.len();
    lines.extend((used..usize::from(inner.height).saturating_sub(1)).map(|_| Line::raw("")));
    lines.push(Line::styled(
        crate::text::wrap::truncate(
            &format!(
                "{}/{} select · {} open · {} mark read · {} older history · {} close",
                app.keymap.hint(Action::SearchUp),
                app.keymap.hint(Action::SearchDown),
                app.keymap.hint(Action::SearchOpen),
                app.keymap.hint(Action::SearchMarkRead),
                app.keymap.hint(Action::SearchOlder),
                app.keymap.hint(Action::SearchClose)
            ),
            width,
        ),
        theme.dimmed(),
    ));
    f.render_widget(Paragraph::new(lines), inner);
    if app
        .popups
        .top()
        .is_some_and(|p| matches!(p, crate::app::Popup::Search(_)))
        && cursor.0 < inner.right()
        && cursor.1 < inner.bottom()
    {
        f.set_cursor_position(cursor);
    }
}

/// What was found, or why nothing can be, and how far back the store reaches.
fn status_line(app: &App, width: usize, theme: &Theme) -> Line<'static> {
    let s = &app.search;
    if let Some(e) = &s.error {
        return Line::styled(crate::text::wrap::truncate(e, width), theme.fg(theme.error));
    }
    if let SearchKind::Saved { .. } = s.kind {
        let n = s.results.hits.len();
        return Line::styled(
            crate::text::wrap::truncate(
                &format!(
                    "{n} saved · {} removes the selected one · typing searches instead",
                    app.keymap.hint(Action::SearchUnsave)
                ),
                width,
            ),
            theme.dimmed(),
        );
    }
    if s.input.trim().is_empty() {
        // With several accounts, `in:<account>` narrows to some (after the channel filter).
        let accounts = if app.several_accounts() {
            " in:<account>,"
        } else {
            ""
        };
        return Line::styled(
            format!(
                "words, \"a phrase\", from:@name, in:#channel,{accounts} has:file, has:audio, has:link, before:/after:2026-12-01"
            ),
            theme.dimmed(),
        );
    }
    let found = match s.results.hits.len() {
        _ if s.searching() => "searching…".to_string(),
        0 => "nothing found".to_string(),
        n if n >= crate::model::SEARCH_LIMIT => format!("the newest {n} found"),
        1 => "1 found".to_string(),
        n => format!("{n} found"),
    };
    let partial: Vec<_> = s
        .results
        .coverage
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.complete)
        .map(|(i, c)| (s.covered.get(i).copied().unwrap_or(app.focused), c))
        .collect();
    let stored = if partial.is_empty() {
        "stored from the start".to_string()
    } else {
        // Before this, some conversation searched may have messages the store lacks.
        let since = partial.iter().filter_map(|(_, c)| c.oldest).max();
        let when = since.map_or_else(
            || "nothing stored yet".to_string(),
            |at| {
                format!(
                    "from {}",
                    crate::timefmt::format(at, app.settings.utc, "%-d %b %Y")
                )
            },
        );
        let stored: u64 = partial.iter().map(|(_, c)| c.stored).sum();
        let which = if let [(id, c)] = partial[..] {
            let account = app
                .account_tag(id)
                .map(|name| format!("{name} · "))
                .unwrap_or_default();
            format!(
                "{account}{} ({stored} messages)",
                crate::ui::search::conv_label(app.chat_of(id), c.key)
            )
        } else {
            format!("{} conversations ({stored} messages)", partial.len())
        };
        format!(
            "{which} stored only {when} ({} fetches older)",
            app.keymap.hint(Action::SearchOlder)
        )
    };
    Line::styled(
        crate::text::wrap::truncate(&format!("{found} · {stored}"), width),
        theme.dimmed(),
    )
}
