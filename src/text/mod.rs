//! Turning message text into styled, wrapped lines: a word wrapper that keeps styles, the
//! plain-text renderer (mentions shown as names, links marked) and the markdown renderer.

// A pure layer: IO, clocks, the environment and processes are a build error here (clippy.toml).
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]

pub mod emoji;
pub mod wrap;

use crate::theme::Theme;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use wrap::width;

/// Wraps styled text into lines of at most `width` cells, with a prefix on every line
/// (quotes, list indents).
pub struct Wrapper {
    width: usize,
    lines: Vec<Line<'static>>,
    spans: Vec<Span<'static>>,
    col: usize,
    pub prefix: Vec<Span<'static>>,
}

impl Wrapper {
    pub fn new(width: usize) -> Wrapper {
        Wrapper {
            width: width.max(4),
            lines: Vec::new(),
            spans: Vec::new(),
            col: 0,
            prefix: Vec::new(),
        }
    }

    fn prefix_width(&self) -> usize {
        self.prefix.iter().map(|s| width(&s.content)).sum()
    }

    fn start_line_if_needed(&mut self) {
        if self.spans.is_empty() && self.col == 0 {
            self.spans.extend(self.prefix.iter().cloned());
            self.col = self.prefix_width();
        }
    }

    /// Ends the current line (even if empty).
    pub fn newline(&mut self) {
        self.start_line_if_needed();
        // Trailing spaces are invisible; drop them (over every trailing span: runs of spaces
        // come as one span each) so lines stay within width.
        for span in self.spans.iter_mut().rev() {
            let trimmed = span.content.trim_end().to_string();
            let done = !trimmed.is_empty();
            span.content = trimmed.into();
            if done {
                break;
            }
        }
        self.lines.push(Line::from(std::mem::take(&mut self.spans)));
        self.col = 0;
    }

    /// Ends the current line if it has content.
    pub fn end_paragraph(&mut self) {
        if self.col > self.prefix_width()
            || (!self.spans.is_empty() && self.col > 0 && self.prefix.is_empty())
        {
            self.newline();
        }
    }

    pub fn push(&mut self, text: &str, style: Style) {
        for (i, segment) in text.split('\n').enumerate() {
            if i > 0 {
                self.newline();
            }
            for word in segment.split_inclusive(' ') {
                self.push_word(word, style);
            }
        }
    }

    fn push_word(&mut self, word: &str, style: Style) {
        self.start_line_if_needed();
        let visible = width(word.trim_end());
        let room = self.width.saturating_sub(self.col);
        // `col` past the width: a space overflowed, so even a zero-width word goes below.
        if (visible > room || self.col > self.width) && self.col > self.prefix_width() {
            self.newline();
            self.start_line_if_needed();
            if word.trim().is_empty() {
                return;
            }
        }
        if width(word.trim_end()) <= self.width.saturating_sub(self.col) {
            self.col += width(word);
            self.spans.push(Span::styled(word.to_string(), style));
            return;
        }
        // Longer than a whole line (or CJK without spaces): split by characters.
        let mut chunk = String::new();
        for ch in word.chars() {
            // What `ch` adds, measured like the whole span is (a tab counts 1; a variation
            // selector can widen the character before it).
            let before = width(&chunk);
            chunk.push(ch);
            let mut w = width(&chunk).saturating_sub(before);
            if self.col + w > self.width && chunk.len() > ch.len_utf8() {
                chunk.pop();
                self.spans
                    .push(Span::styled(std::mem::take(&mut chunk), style));
                self.newline();
                self.start_line_if_needed();
                chunk.push(ch);
                w = width(&chunk);
            }
            self.col += w;
        }
        if !chunk.is_empty() {
            self.spans.push(Span::styled(chunk, style));
        }
    }

    pub fn finish(mut self) -> Vec<Line<'static>> {
        if !self.spans.is_empty() {
            self.newline();
        }
        if self.lines.is_empty() {
            self.lines.push(Line::default());
        }
        self.lines
    }
}

/// Plain text: `@uid` mentions (already turned into `@Name` by `names`) and links styled.
pub fn plain(text: &str, width: usize, theme: &Theme, mention_me: &str) -> Vec<Line<'static>> {
    let mut w = Wrapper::new(width);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            w.newline();
        }
        for word in line.split_inclusive(' ') {
            let t = word.trim_end();
            let style = if t.starts_with("http://") || t.starts_with("https://") {
                theme.fg(theme.link).add_modifier(Modifier::UNDERLINED)
            } else if t.starts_with('@')
                && t.trim_end_matches([',', '.', ':', '!', '?']) == mention_me
            {
                theme.fg(theme.mention).add_modifier(Modifier::BOLD)
            } else if t.starts_with('@') && t.len() > 1 {
                theme.fg(theme.accent)
            } else {
                theme.base()
            };
            w.push_word(word, style);
        }
    }
    w.finish()
}

/// Markdown: emphasis, strong, strikethrough, inline code, code blocks, lists, quotes,
/// headings and links (text, then the URL when it differs).
pub fn markdown(text: &str, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut w = Wrapper::new(width);
    let mut styles: Vec<Style> = vec![theme.base()];
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut quote_depth = 0usize;
    let mut in_code = false;
    let mut link: Option<String> = None;
    let opts = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let top = |s: &Vec<Style>| s.last().copied().unwrap_or_default();
    let set_prefix = |w: &mut Wrapper, quote_depth: usize, lists: &Vec<Option<u64>>| {
        let mut p = Vec::new();
        if quote_depth > 0 {
            p.push(Span::styled(
                "│ ".repeat(quote_depth),
                theme.fg(theme.quote),
            ));
        }
        if !lists.is_empty() {
            p.push(Span::raw("  ".repeat(lists.len())));
        }
        w.prefix = p;
    };
    for event in Parser::new_ext(text, opts) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => {}
                Tag::Heading { .. } => {
                    styles.push(top(&styles).add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
                }
                Tag::BlockQuote(_) => {
                    w.end_paragraph();
                    quote_depth += 1;
                    set_prefix(&mut w, quote_depth, &lists);
                    styles.push(top(&styles).fg(theme.quote));
                }
                Tag::CodeBlock(kind) => {
                    w.end_paragraph();
                    in_code = true;
                    if let CodeBlockKind::Fenced(lang) = kind
                        && !lang.is_empty()
                    {
                        w.push(&crate::sanitize::one_line(&lang, 20), theme.dimmed());
                        w.newline();
                    }
                    let mut p = w.prefix.clone();
                    p.push(Span::styled("▏ ", theme.fg(theme.code)));
                    w.prefix = p;
                }
                Tag::List(start) => {
                    w.end_paragraph();
                    lists.push(start);
                }
                Tag::Item => {
                    w.end_paragraph();
                    let depth = lists.len().saturating_sub(1);
                    let marker = match lists.last_mut() {
                        Some(Some(n)) => {
                            let m = format!("{n}. ");
                            *n += 1;
                            m
                        }
                        _ => "• ".to_string(),
                    };
                    let mut p = Vec::new();
                    if quote_depth > 0 {
                        p.push(Span::styled(
                            "│ ".repeat(quote_depth),
                            theme.fg(theme.quote),
                        ));
                    }
                    w.prefix = p;
                    w.push(
                        &format!("{}{marker}", "  ".repeat(depth)),
                        theme.fg(theme.accent),
                    );
                    set_prefix(&mut w, quote_depth, &lists);
                }
                Tag::Emphasis => styles.push(top(&styles).add_modifier(Modifier::ITALIC)),
                Tag::Strong => styles.push(top(&styles).add_modifier(Modifier::BOLD)),
                Tag::Strikethrough => styles.push(top(&styles).add_modifier(Modifier::CROSSED_OUT)),
                Tag::Link { dest_url, .. } => {
                    link = Some(dest_url.to_string());
                    styles.push(
                        top(&styles)
                            .fg(theme.link)
                            .add_modifier(Modifier::UNDERLINED),
                    );
                }
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => w.end_paragraph(),
                TagEnd::Heading(_) => {
                    styles.pop();
                    w.end_paragraph();
                }
                TagEnd::BlockQuote(_) => {
                    w.end_paragraph();
                    quote_depth = quote_depth.saturating_sub(1);
                    set_prefix(&mut w, quote_depth, &lists);
                    styles.pop();
                }
                TagEnd::CodeBlock => {
                    w.end_paragraph();
                    in_code = false;
                    set_prefix(&mut w, quote_depth, &lists);
                }
                TagEnd::List(_) => {
                    w.end_paragraph();
                    lists.pop();
                    set_prefix(&mut w, quote_depth, &lists);
                }
                TagEnd::Item => w.end_paragraph(),
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                    styles.pop();
                }
                TagEnd::Link => {
                    styles.pop();
                    if let Some(url) = link.take() {
                        w.push(
                            &format!(" <{}>", crate::sanitize::one_line(&url, 2048)),
                            theme.dimmed(),
                        );
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                // Entities (`&#27;`) decode to controls only now: clean again after parsing.
                let t = crate::sanitize::clean(&t);
                if in_code {
                    let body = t.strip_suffix('\n').unwrap_or(&t);
                    for (i, line) in body.split('\n').enumerate() {
                        if i > 0 {
                            w.newline();
                        }
                        w.push(line, theme.fg(theme.code));
                    }
                    w.newline();
                } else if let Some(url) = &link
                    && t == *url
                {
                    // Autolink: the URL is the text; do not print it twice.
                    w.push(&t, top(&styles));
                    link = Some(String::new()).filter(|_| false);
                } else {
                    w.push(&t, top(&styles));
                }
            }
            Event::Code(c) => w.push(&crate::sanitize::clean(&c), theme.fg(theme.code)),
            Event::SoftBreak => w.push(" ", top(&styles)),
            Event::HardBreak => w.newline(),
            Event::Rule => {
                w.end_paragraph();
                w.push(&"─".repeat(width.min(40)), theme.dimmed());
                w.newline();
            }
            Event::TaskListMarker(done) => {
                w.push(if done { "[x] " } else { "[ ] " }, theme.fg(theme.accent));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                w.push(&crate::sanitize::clean(&h), top(&styles));
            }
            _ => {}
        }
    }
    let mut lines = w.finish();
    while lines.len() > 1 && lines.last().is_some_and(|l| l.width() == 0) {
        lines.pop();
    }
    lines
}

/// The text a message shows, unwrapped: what copy, open and notifications work from, so they
/// never act on anything the screen hides. `content` must already have its mentions turned
/// into names. Plain text is sanitized; markdown is rendered by the same renderer that draws
/// it (link targets appear as ` <url>` after their text, reference definitions not at all).
/// Whether a draft uses markdown syntax a reader would want rendered: a code span or block,
/// strong or struck text, a link, or a line that is a heading, a list item or a quote.
/// Conservative: `2*3*4`, `snake_case_names`, a lone `#hashtag` or `- ` inside a line are
/// plain text.
pub fn looks_like_markdown(text: &str) -> bool {
    // A pair of marks around text, not inside a word (`2**10 vs 3**4`). `__` is never
    // taken as markdown by itself: `__init__` is a name far more often than bold.
    let paired = |mark: &str| {
        // Char boundaries: non-overlapping matches of an ASCII mark, so close >= open + len.
        let at: Vec<usize> = text.match_indices(mark).map(|(i, _)| i).collect();
        at.chunks_exact(2).any(|pair| {
            let (open, close) = (pair[0], pair[1]);
            let inner = &text[open + mark.len()..close];
            let before = text[..open].chars().next_back();
            let after = text[close + mark.len()..].chars().next();
            !inner.is_empty()
                && !inner.starts_with(' ')
                && !inner.ends_with(' ')
                && !before.is_some_and(char::is_alphanumeric)
                && !after.is_some_and(char::is_alphanumeric)
        })
    };
    if text.contains("```") || paired("`") || paired("**") || paired("~~") {
        return true;
    }
    // `open` comes from find(): a char boundary.
    if let Some(open) = text.find("](")
        && text[..open].contains('[')
        && text[open..].contains(')')
    {
        return true;
    }
    text.lines().any(|line| {
        let l = line.trim_start();
        let numbered = l.split_once(". ").is_some_and(|(n, _)| {
            !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit())
        });
        numbered
            || l.starts_with("- ")
            || l.starts_with("* ")
            || l.starts_with("> ")
            || (l.starts_with('#') && l.trim_start_matches('#').starts_with(' ') && l.len() > 2)
    })
}

/// Markdown as the plain text it renders to (sanitized; links as `text <target>`): what a
/// markdown message shows, for copy, open and notifications.
pub fn markdown_text(content: &str) -> String {
    let cleaned = crate::sanitize::clean(content);
    let theme = Theme::monochrome();
    markdown(&cleaned, UNWRAPPED, &theme)
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` cut at the last char boundary at or before `max` bytes: (kept, rest).
pub fn split_at_most(text: &str, max: usize) -> (&str, &str) {
    if text.len() <= max {
        return (text, "");
    }
    let at = text.floor_char_boundary(max);
    text.split_at(at)
}

/// A width no line reaches: the renderer then only breaks where the text does.
const UNWRAPPED: usize = 1 << 20;

/// The http(s) URL a word shows (`https://…`, or a markdown link's `<https://…>`), trailing
/// punctuation dropped.
pub fn url_in(word: &str) -> Option<String> {
    let t = word.trim().trim_start_matches('<').trim_end_matches('>');
    let t = t.trim_end_matches([',', '.', ')', '!', '?', ';', ':', '>', '"', '\'']);
    let t = t.trim_start_matches(['(', '"', '\'']);
    ((t.starts_with("https://") || t.starts_with("http://"))
        && t.len() > 8
        && !t.contains(char::is_whitespace))
    .then(|| t.to_string())
}

/// The schemes a link may have to be handed to the system opener: they show a page or start
/// an e-mail. Any other (`file:` opens a local file, `smb:` a network share, and apps
/// register their own) is refused.
pub const OPENABLE_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// `Ok` when `url` may be opened, else why not, for the user.
pub fn openable(url: &str) -> Result<(), String> {
    let scheme = url
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| {
            s.starts_with(|c: char| c.is_ascii_alphabetic())
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        })
        .map(str::to_ascii_lowercase);
    match scheme {
        Some(s) if OPENABLE_SCHEMES.contains(&s.as_str()) => Ok(()),
        Some(s) => Err(format!(
            "a {}: link (only http, https and mailto links are opened)",
            crate::sanitize::one_line(&s, 20)
        )),
        None => Err("not a web address".to_string()),
    }
}

/// Every URL visible in a displayed text, in order, each once.
pub fn visible_links(display: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // Each once, in linear time: a message of a hostile number of links must not freeze the
    // picker or `o`.
    let mut seen = std::collections::HashSet::new();
    for word in display.split(char::is_whitespace) {
        if let Some(url) = url_in(word)
            && seen.insert(url.clone())
        {
            out.push(url);
        }
    }
    out
}

/// Markdown links whose visible text is not their target: `(text, target)`, sanitized. A
/// link like `[https://good.example](https://evil.example)` must be confirmed before opening.
pub fn disguised_links(content: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    let opts = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    for event in Parser::new_ext(&crate::sanitize::clean(content), opts) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                current = Some((String::new(), crate::sanitize::clean(&dest_url)));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((text, _)) = &mut current {
                    text.push_str(&crate::sanitize::clean(&t));
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some((text, url)) = current.take()
                    && text.trim() != url
                {
                    out.push((text, url));
                }
            }
            _ => {}
        }
    }
    out
}

/// Markdown reduced to its text on one line, syntax dropped (for reply quotes).
pub fn markdown_summary(content: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(content) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&crate::sanitize::clean(&t)),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock | TagEnd::Heading(_),
            ) => out.push(' '),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_recognised_only_where_it_is_meant() {
        for md in [
            "run `cargo test` first",
            "this is **important**",
            "```\nfn main() {}\n```",
            "see [the guide](https://x.org)",
            "todo:\n- tests\n- docs",
            "1. first\n2. second",
            "> quoted\nreply",
            "# Release notes",
            "~~old~~ new",
        ] {
            assert!(looks_like_markdown(md), "{md:?}");
        }
        for plain in [
            "2*3*4 = 24",
            "call snake_case_function",
            "#general is busy",
            "a - b - c",
            "price: 5 ** 2",
            "override __init__ here",
            "2**10 vs 3**4",
            "it costs $5 (or [so])",
            "ok.",
            "",
        ] {
            assert!(!looks_like_markdown(plain), "{plain:?}");
        }
    }

    fn text_of(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn plain_text_wraps_within_width() {
        let t = Theme::dark();
        let lines = plain("the quick brown fox jumps over the lazy dog", 12, &t, "@me");
        assert!(
            lines.iter().all(|l| l.width() <= 12),
            "{:?}",
            text_of(&lines)
        );
        assert_eq!(
            text_of(&lines).join(" "),
            "the quick brown fox jumps over the lazy dog"
        );
        let cjk = plain("日本語のテストメッセージです", 10, &t, "@me");
        assert!(cjk.iter().all(|l| l.width() <= 10));
        assert!(cjk.len() >= 3);
    }

    #[test]
    fn entities_that_decode_to_controls_are_cleaned_after_parsing() {
        let t = Theme::dark();
        for src in [
            "&#27;]0;owned&#7;x",
            "`&#27;[2J`",
            "&#x1b;[31mred",
            "<b>&#155;2J</b>",
        ] {
            let all: String = text_of(&markdown(src, 40, &t)).concat();
            assert!(
                !all.chars().any(char::is_control),
                "{src:?} rendered as {all:?}"
            );
            assert!(!markdown_summary(src).chars().any(char::is_control));
            assert!(!markdown_text(src).chars().any(|c| c == '\u{1b}'));
        }
    }

    #[test]
    fn only_web_and_mail_links_are_openable() {
        for ok in ["https://x.org/a", "HTTP://x.org", "mailto:a@b.example"] {
            assert_eq!(openable(ok), Ok(()), "{ok}");
        }
        for no in [
            "file:///etc/passwd",
            "smb://host/share",
            "javascript:alert(1)",
            "x-apple.systempreferences:com.apple",
            "/etc/passwd",
            "relative/path",
            "ht tp://x.org",
            "",
        ] {
            assert!(openable(no).is_err(), "{no}");
        }
        assert!(openable("SMB://h/s").unwrap_err().contains("smb:"));
    }

    #[test]
    fn display_text_and_links_follow_what_is_drawn() {
        assert_eq!(
            markdown_text("see [docs](https://x.org/d)\n\n[r]: https://evil/r"),
            "see docs <https://x.org/d>"
        );
        assert_eq!(
            visible_links("a https://x.org/a, (https://y.org/b) <https://x.org/a>"),
            vec!["https://x.org/a", "https://y.org/b"]
        );
        assert_eq!(
            disguised_links("[https://good.example](https://evil.example) <https://ok.example>"),
            vec![(
                "https://good.example".to_string(),
                "https://evil.example".to_string()
            )]
        );
    }

    #[test]
    fn summaries_drop_markdown_syntax() {
        assert_eq!(
            crate::sanitize::one_line(&markdown_summary("**Bold** and `code`\n- item"), 80),
            "Bold and code item"
        );
    }

    #[test]
    fn markdown_renders_structure() {
        let t = Theme::dark();
        let lines = markdown(
            "**Release**\n- [x] changelog\n- tag\n\n```rust\nfn main() {}\n```\n> quoted",
            40,
            &t,
        );
        let text = text_of(&lines);
        assert_eq!(text[0], "Release");
        assert!(
            lines[0].spans[0]
                .style
                .add_modifier
                .contains(Modifier::BOLD)
        );
        assert!(
            text.iter().any(|l| l.contains("• [x] changelog")),
            "{text:?}"
        );
        assert!(text.iter().any(|l| l.contains("fn main() {}")));
        assert!(text.iter().any(|l| l.starts_with("│ quoted")));
        let link = text_of(&markdown("see [docs](https://x.org)", 40, &t));
        assert_eq!(link, vec!["see docs <https://x.org>"]);
    }
}
