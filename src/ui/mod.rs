//! Drawing: reads the `App`, never changes it. Sidebar, timeline, input line and status bar.
//! Every string from the server passes through `sanitize` before it reaches the terminal.

mod wrap;

use crate::app::App;
use crate::model::{ConvKey, PendingState};
use crate::sanitize::{clean, one_line};
use crate::sync::ConnState;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn draw(f: &mut Frame, app: &App) {
    let area = f.area();
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .split(area);
    let sidebar_width = if area.width >= 60 { 22 } else { 0 };
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Length(sidebar_width), Constraint::Min(10)])
        .split(rows[0]);
    if sidebar_width > 0 {
        draw_sidebar(f, app, cols[0]);
    }
    draw_timeline(f, app, cols[1]);
    draw_input(f, app, rows[1]);
    draw_status(f, app, rows[2]);
}

fn conv_label(app: &App, key: ConvKey) -> String {
    let name = one_line(&app.chat.conv_name(key), 40);
    match key {
        ConvKey::Group(_) => format!("#{name}"),
        ConvKey::User(_) => format!("@{name}"),
    }
}

fn draw_sidebar(f: &mut Frame, app: &App, area: Rect) {
    let block = Block::default().borders(Borders::RIGHT);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let lines: Vec<Line> = app
        .sidebar()
        .into_iter()
        .take(inner.height as usize)
        .map(|key| {
            let conv = &app.chat.convs[&key];
            let selected = app.open == Some(key);
            let muted = app.chat.is_muted(key, app.now_ms);
            let mut style = Style::default();
            if muted {
                style = style.add_modifier(Modifier::DIM);
            }
            if conv.unread > 0 && !muted {
                style = style.add_modifier(Modifier::BOLD);
            }
            if selected {
                style = style.add_modifier(Modifier::REVERSED);
            }
            let presence = match key {
                ConvKey::User(uid) if app.chat.online.contains(&uid) => "●",
                ConvKey::User(_) => "○",
                ConvKey::Group(_) => " ",
            };
            let mut badge = String::new();
            if conv.mentions > 0 {
                badge.push_str(&format!(" @{}", conv.mentions));
            } else if conv.unread > 0 {
                badge.push_str(&format!(" {}", conv.unread));
            }
            let width = inner.width as usize;
            let label =
                wrap::truncate(&conv_label(app, key), width.saturating_sub(badge.len() + 2));
            let pad = width.saturating_sub(wrap::width(&label) + badge.len() + 2);
            Line::from(vec![
                Span::raw(format!("{presence} ")),
                Span::styled(format!("{label}{}{badge}", " ".repeat(pad)), style),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

fn time_of(ms: i64) -> String {
    let secs = ms.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

/// Only the messages that fit are wrapped: the cost follows the viewport, not the history.
fn draw_timeline(f: &mut Frame, app: &App, area: Rect) {
    let Some(key) = app.open else {
        let text = if app.chat.ready {
            "no conversation open"
        } else {
            "syncing…"
        };
        f.render_widget(
            Paragraph::new(text).style(Style::default().add_modifier(Modifier::DIM)),
            area,
        );
        return;
    };
    let Some(conv) = app.chat.convs.get(&key) else {
        return;
    };
    let width = area.width.max(1) as usize;
    let height = area.height as usize;
    let mut lines: Vec<Line> = Vec::new();
    // Pending sends sit at the bottom.
    for p in conv.pending.iter().rev() {
        let state = match &p.state {
            PendingState::Sending | PendingState::Sent(_) => "sending…".to_string(),
            PendingState::Failed(e) => format!("failed: {}", one_line(e, 60)),
        };
        let body = match &p.content {
            crate::api::types::Content::Text(t) | crate::api::types::Content::Markdown(t) => {
                t.clone()
            }
            other => format!("[{}]", other.content_type()),
        };
        let mut block = vec![Line::styled(
            format!("{} you ({state})", time_of(p.created_at)),
            Style::default().add_modifier(Modifier::DIM),
        )];
        block.extend(
            wrap::wrap(&clean(&body), width)
                .into_iter()
                .map(|l| Line::styled(l, Style::default().add_modifier(Modifier::DIM))),
        );
        prepend(&mut lines, block);
        if lines.len() >= height {
            break;
        }
    }
    for m in conv.visible().rev() {
        if lines.len() >= height {
            break;
        }
        if m.is_expired(app.now_ms) {
            continue;
        }
        let author = one_line(&app.chat.user_name(m.from_uid), 32);
        let mut header = vec![
            Span::styled(time_of(m.created_at), Style::default().fg(Color::DarkGray)),
            Span::raw(" "),
            Span::styled(
                author,
                Style::default()
                    .fg(Color::Cyan)
                    .add_modifier(Modifier::BOLD),
            ),
        ];
        if m.edited {
            header.push(Span::styled(
                " (edited)",
                Style::default().add_modifier(Modifier::DIM),
            ));
        }
        let mut block = vec![Line::from(header)];
        if let Some(quoted) = m.reply_to.and_then(|mid| app.chat.message(mid)) {
            let q = format!(
                "┃ {}: {}",
                one_line(&app.chat.user_name(quoted.from_uid), 20),
                one_line(&quoted.content, width)
            );
            block.push(Line::styled(
                wrap::truncate(&q, width),
                Style::default().add_modifier(Modifier::DIM),
            ));
        }
        let body = if m.is_file() {
            let name = m
                .properties
                .as_ref()
                .and_then(|p| p.get("name"))
                .and_then(|v| v.as_str())
                .unwrap_or("file");
            let size = m
                .properties
                .as_ref()
                .and_then(|p| p.get("size"))
                .and_then(|v| v.as_u64())
                .unwrap_or(0);
            format!("📎 {} ({size} B)", one_line(name, 60))
        } else {
            clean(&m.content)
        };
        block.extend(wrap::wrap(&body, width).into_iter().map(Line::raw));
        if !m.reactions.is_empty() {
            let r: Vec<String> = m
                .reactions
                .iter()
                .map(|(e, users)| format!("{e} {}", users.len()))
                .collect();
            block.push(Line::styled(
                r.join("  "),
                Style::default().fg(Color::Yellow),
            ));
        }
        prepend(&mut lines, block);
    }
    let skip = lines.len().saturating_sub(height);
    f.render_widget(Paragraph::new(lines.split_off(skip)), area);
}

fn prepend(lines: &mut Vec<Line<'static>>, mut block: Vec<Line<'static>>) {
    block.append(lines);
    *lines = block;
}

fn draw_input(f: &mut Frame, app: &App, area: Rect) {
    let prompt = match app.open {
        Some(key) => format!("{} › ", conv_label(app, key)),
        None => "› ".to_string(),
    };
    let text = format!("{prompt}{}", app.input);
    let shown = wrap::tail(&text, area.width.saturating_sub(1) as usize);
    f.render_widget(Paragraph::new(shown.clone()), area);
    f.set_cursor_position((area.x + wrap::width(&shown) as u16, area.y));
}

fn draw_status(f: &mut Frame, app: &App, area: Rect) {
    let (conn, color) = match &app.conn {
        ConnState::Live => ("● live".to_string(), Color::Green),
        ConnState::Syncing => ("◐ syncing".to_string(), Color::Yellow),
        ConnState::Connecting { attempt } => {
            (format!("◌ connecting (try {attempt})"), Color::Yellow)
        }
        ConnState::Waiting {
            retry_in, reason, ..
        } => (
            format!(
                "○ offline: {} — retry in {}s (Ctrl+R now)",
                one_line(reason, 40),
                retry_in.as_secs().max(1)
            ),
            Color::Red,
        ),
        ConnState::Stopped(r) => (format!("✕ {}", r.explain()), Color::Red),
    };
    let me = app
        .chat
        .me
        .map(|m| one_line(&app.chat.user_name(m), 24))
        .unwrap_or_default();
    let mut spans = vec![
        Span::styled(conn, Style::default().fg(color)),
        Span::raw(format!("  {}  {me}", app.server_label)),
    ];
    if let Some(n) = &app.notice {
        spans.push(Span::styled(
            format!("  {}", one_line(n, 80)),
            Style::default().fg(Color::Red),
        ));
    } else {
        spans.push(Span::styled(
            "  Tab/Alt+↑↓ switch · Enter send · Ctrl+Q quit",
            Style::default().add_modifier(Modifier::DIM),
        ));
    }
    f.render_widget(
        Paragraph::new(Line::from(spans)).style(Style::default().add_modifier(Modifier::REVERSED)),
        area,
    );
}
