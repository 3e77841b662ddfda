//! A search hit as one line: conversation, author, time and the matching line with the match
//! highlighted (the search view around it is `popups/search.rs`).

use crate::app::App;
use crate::model::{ChatModel, ConvKey};
use crate::sanitize::one_line;
use crate::theme::Theme;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// A conversation of `chat` (the account a hit is of) as a hit names it.
pub(super) fn conv_label(chat: &ChatModel, key: ConvKey) -> String {
    match key {
        ConvKey::Group(_) => format!("#{}", one_line(&chat.conv_name(key), 20)),
        // A remark is shortened before the person's real name.
        ConvKey::User(uid) => format!("@{}", crate::present::person(chat, uid, 20)),
    }
}

/// Hit `i` of the search view: its account (named when the window holds several), where,
/// who, when, and the line that matched with the match highlighted.
pub(super) fn hit_line(app: &App, i: usize, width: usize, theme: &Theme) -> Line<'static> {
    let Some(hit) = app.search.results.hits.get(i) else {
        return Line::raw("");
    };
    let id = app.hit_account(i);
    let chat = app.chat_of(id);
    let unread = crate::app::hit_unread(chat, hit);
    let account = app
        .account_tag(id)
        .map(|name| format!("{name} · "))
        .unwrap_or_default();
    let head = format!(
        "{}{account}{} · {} · {}  ",
        if unread { "● " } else { "" },
        conv_label(chat, hit.key),
        hit.author
            .as_deref()
            .map(|a| one_line(a, 16))
            .unwrap_or_else(|| crate::present::person(chat, hit.from_uid, 16)),
        crate::timefmt::format(hit.created_at, app.settings.utc, "%-d %b %H:%M")
    );
    let room = width.saturating_sub(crate::text::wrap::width(&head));
    // Drawn every frame: only the start of a long text is looked through for the match, as
    // the timeline renders only the start of a folded message (a file's name is at most the
    // 64 KiB the index keeps).
    let (shown, _) = crate::text::split_at_most(&hit.text, super::timeline::FOLDED_BYTES);
    let text = crate::present::hit_text(&hit.kind, shown, chat, room);
    let snippet = snippet(&text, &app.search.terms, room);
    let style = if unread {
        theme.fg(theme.unread)
    } else {
        theme.dimmed()
    };
    let mut spans = vec![Span::styled(head, style)];
    spans.extend(highlighted(&snippet, &app.search.terms, theme));
    Line::from(spans)
}

/// The line of `text` that matches first (else its first line), cleaned to one line of at
/// most `room` cells, starting a little before the match when the match would not fit.
fn snippet(text: &str, terms: &[String], room: usize) -> String {
    let line = text
        .lines()
        .find(|l| !matches(l, terms).is_empty())
        .or_else(|| text.lines().next())
        .unwrap_or_default();
    let line = one_line(line, usize::MAX / 2);
    // A char boundary: `matches` gives `char_indices` offsets of this same `line`.
    let start = matches(&line, terms).first().map_or(0, |(s, _)| *s);
    let before = line[..start].chars().count();
    if crate::text::wrap::width(&line[..start]) + 8 > room && before > 10 {
        let skip = before - 10;
        let cut: String = line.chars().skip(skip).collect();
        return one_line(&format!("…{cut}"), room);
    }
    one_line(&line, room)
}

/// Byte ranges of `text` where any term matches, ignoring case, in order, not overlapping.
fn matches(text: &str, terms: &[String]) -> Vec<(usize, usize)> {
    let folded: Vec<(usize, char)> = text
        .char_indices()
        .map(|(i, c)| (i, c.to_lowercase().next().unwrap_or(c)))
        .collect();
    let mut found = Vec::new();
    for term in terms {
        let t: Vec<char> = term
            .chars()
            .map(|c| c.to_lowercase().next().unwrap_or(c))
            .collect();
        if t.is_empty() || t.len() > folded.len() {
            continue;
        }
        for start in 0..=folded.len() - t.len() {
            if folded[start..start + t.len()]
                .iter()
                .zip(&t)
                .all(|((_, a), b)| a == b)
            {
                let from = folded[start].0;
                let to = folded.get(start + t.len()).map_or(text.len(), |(i, _)| *i);
                found.push((from, to));
            }
        }
    }
    found.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in found {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

fn highlighted(text: &str, terms: &[String], theme: &Theme) -> Vec<Span<'static>> {
    let mark = Style::default()
        .fg(theme.accent)
        .add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    let mut spans = Vec::new();
    let mut at = 0;
    // Every range `matches` gives starts and ends on a char boundary of `text`.
    for (a, b) in matches(text, terms) {
        if a > at {
            spans.push(Span::raw(text[at..a].to_string()));
        }
        spans.push(Span::styled(text[a..b].to_string(), mark));
        at = b;
    }
    if at < text.len() {
        spans.push(Span::raw(text[at..].to_string()));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SearchHit;

    #[test]
    fn matches_ignore_case_and_merge() {
        let terms = vec!["bei".to_string(), "JING".to_string()];
        assert_eq!(matches("in Beijing today", &terms), vec![(3, 10)]);
        assert_eq!(matches("北京北京", &["北京".to_string()]), vec![(0, 12)]);
        assert!(matches("nothing", &terms).is_empty());
    }

    /// A hit of `text` from bob in #1, found by an app searching for `term`.
    fn hit_of(text: String, term: &str) -> App {
        let mut app = App::logged_in(
            1,
            crate::keymap::Keymap::new(crate::keymap::Preset::Default),
            crate::app::Settings::from(&crate::config::Config::default()),
            "t".into(),
        );
        app.search.terms = vec![term.to_string()];
        let hit = SearchHit {
            mid: 7,
            key: ConvKey::Group(1),
            from_uid: 2,
            created_at: 0,
            kind: crate::protocol::types::ContentKind::Text,
            text,
            author: Some("bob".into()),
        };
        app.search.results.hits = vec![hit];
        app
    }

    /// The line's text, and the parts of it drawn as a match.
    fn shown(line: &Line<'_>) -> (String, Vec<String>) {
        let mark = Modifier::BOLD | Modifier::UNDERLINED;
        let text = line.spans.iter().map(|s| s.content.as_ref()).collect();
        let marked = line
            .spans
            .iter()
            .filter(|s| s.style.add_modifier.contains(mark))
            .map(|s| s.content.to_string())
            .collect();
        (text, marked)
    }

    #[test]
    fn a_hit_in_a_5_mib_text_shows_its_match_when_it_is_near_the_start() {
        let filler = "some filler words on a line of their own\n".repeat(130_000);
        let near = format!("first line\nthe needle is here\n{filler}");
        assert!(near.len() > 5 << 20);
        let app = hit_of(near, "needle");
        let (text, marked) = shown(&hit_line(&app, 0, 100, &Theme::dark()));
        assert!(
            text.contains("bob") && text.contains("the needle is here"),
            "{text}"
        );
        assert_eq!(marked, ["needle"]);
        // Past the part a hit line looks through, the hit shows the text's first line.
        let far = format!("first line\n{filler}the needle is here\n");
        let app = hit_of(far, "needle");
        let (text, marked) = shown(&hit_line(&app, 0, 100, &Theme::dark()));
        assert!(text.ends_with("first line"), "{text}");
        assert!(marked.is_empty(), "{marked:?}");
    }

    #[test]
    fn a_snippet_starts_near_a_far_match() {
        let text = format!("{} needle at the end", "word ".repeat(30));
        let s = snippet(&text, &["needle".to_string()], 30);
        assert!(s.starts_with('…'), "{s}");
        assert!(s.contains("needle"), "{s}");
    }
}
