//! Writes a list of changed cells as terminal escape sequences, in as few bytes as it
//! safely can: one SGR per change of style (only the parts that change), a short cursor move
//! (CUF) or the few unchanged cells themselves in place of an absolute move along a row, and
//! an absolute move (CUP) after any emoji, so one can never shift what follows it.
//!
//! Sequences whose width terminals disagree on are drawn as a stable stand-in of exactly the
//! width the layout gave them ([`stable`]): a flag as its two letters (`🇯🇵` → `JP`), a
//! joined or modified emoji (`👨‍👩‍👧`, `👍🏽`, `❤️`) as its first character, padded. tmux and
//! many terminals draw a flag as two narrow letters and a family as three wide faces, so
//! the real sequence would leave stray cells behind popups drawn over it.

use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

/// The style a cell is drawn with; the terminal's state between cells.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

const PLAIN: Pen = Pen {
    fg: Color::Reset,
    bg: Color::Reset,
    underline: Color::Reset,
    modifier: Modifier::empty(),
};

fn pen(cell: &Cell) -> Pen {
    Pen {
        fg: cell.fg,
        bg: cell.bg,
        underline: cell.underline_color,
        modifier: cell.modifier,
    }
}

/// Unchanged cells worth reprinting instead of moving over them.
const REPRINT_MAX: u16 = 3;

/// The escape sequences that draw `changes` (cells of `next`, in row-major order, as
/// [`Buffer::diff`] yields them). Ends with the style reset. Empty for no changes.
pub fn cells<'a>(next: &Buffer, changes: impl Iterator<Item = (u16, u16, &'a Cell)>) -> String {
    cells_joined(next, changes, &[])
}

/// [`cells`], letting each row of `joined` run on into the next one (see below).
pub fn cells_joined<'a>(
    next: &Buffer,
    changes: impl Iterator<Item = (u16, u16, &'a Cell)>,
    joined: &[u16],
) -> String {
    let mut out = String::new();
    let mut current = PLAIN;
    // Where the terminal's cursor is, when we can be sure.
    let mut at: Option<(u16, u16)> = None;
    for (x, y, cell) in changes {
        match at {
            Some((cx, cy)) if cy == y && cx == x => {}
            // A joined row, written to its last column: the next character goes to the start
            // of the next row by itself, and the terminal marks the rows as one wrapped line,
            // so a long link selected with the mouse is copied whole. Only where the frame
            // asks: other rows are separate lines to copy.
            Some((cx, cy))
                if cx == next.area.right()
                    && y == cy + 1
                    && x == next.area.left()
                    && joined.contains(&cy) => {}
            Some((cx, cy)) if cy == y && cx < x && reprintable(next, cx, x, y, current) => {
                for gx in cx..x {
                    out.push_str(next[(gx, y)].symbol());
                }
            }
            Some((cx, cy)) if cy == y && cx < x => {
                let _ = write!(out, "\x1b[{}C", x - cx);
            }
            _ if x == 0 => {
                let _ = write!(out, "\x1b[{}H", y + 1);
            }
            _ => {
                let _ = write!(out, "\x1b[{};{}H", y + 1, x + 1);
            }
        }
        let wanted = pen(cell);
        if wanted != current {
            sgr(&mut out, current, wanted);
            current = wanted;
        }
        let symbol = cell.symbol();
        match stable(symbol) {
            Some(stand_in) => {
                out.push_str(&stand_in);
                // Letters are placed where they say; an emoji stand-in is not trusted more
                // than any other emoji.
                at = stand_in.is_ascii().then(|| (x + width_of(&stand_in), y));
            }
            None => {
                out.push_str(symbol);
                at = settled_width(symbol).map(|w| (x + w, y));
            }
        }
    }
    if current != PLAIN {
        out.push_str("\x1b[0m");
    }
    out
}

/// A stand-in for a grapheme whose width terminals disagree on, of the width the layout
/// gives it (`unicode-width`), made of characters every terminal draws alike; `None` when
/// the grapheme is drawn as it is.
pub fn stable(grapheme: &str) -> Option<String> {
    let mut chars = grapheme.chars();
    let first = chars.next()?;
    chars.next()?; // one character: as it is
    let wanted = grapheme.width();
    let regional = |c: char| ('\u{1F1E6}'..='\u{1F1FF}').contains(&c);
    let joined = grapheme.chars().any(|c| {
        matches!(c, '\u{200D}' | '\u{FE0F}' | '\u{20E3}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}')
    });
    let mut out = if regional(first) {
        // A flag: its region's letters.
        grapheme
            .chars()
            .filter(|c| regional(*c))
            .map(|c| char::from(b'A' + (c as u32 - 0x1F1E6) as u8))
            .collect::<String>()
    } else if joined {
        let base = first.to_string();
        if base.width() > wanted {
            "?".to_string()
        } else {
            base
        }
    } else {
        return None;
    };
    while out.width() > wanted {
        out.pop();
    }
    while out.width() < wanted {
        out.push(' ');
    }
    Some(out)
}

/// [`stable`] over a whole text (the link overlay writes text, not cells).
pub fn stable_text(text: &str) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    text.graphemes(true)
        .map(|g| stable(g).unwrap_or_else(|| g.to_string()))
        .collect()
}

fn width_of(s: &str) -> u16 {
    u16::try_from(s.width()).unwrap_or(u16::MAX)
}

/// Cells `from..to` of row `y` can be printed again as they are: narrow, drawn with the
/// current pen, and few enough to be shorter than a cursor move.
fn reprintable(next: &Buffer, from: u16, to: u16, y: u16, current: Pen) -> bool {
    to - from <= REPRINT_MAX
        && (from..to).all(|x| {
            let c = &next[(x, y)];
            pen(c) == current
                && c.diff_option == ratatui::buffer::CellDiffOption::None
                && c.symbol().len() == 1
                && c.symbol().is_ascii()
        })
}

/// How far the cursor moves after `symbol`, when every terminal agrees: plain narrow
/// characters and single East Asian wide ones. `None` for emoji and joined sequences.
fn settled_width(symbol: &str) -> Option<u16> {
    let mut chars = symbol.chars();
    let c = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    match symbol.width() {
        1 if !is_emoji_range(c) => Some(1),
        2 if is_east_asian_wide(c) => Some(2),
        _ => None,
    }
}

fn is_emoji_range(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FFFF | 0x2600..=0x27BF)
}

fn is_east_asian_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

/// One SGR sequence taking the terminal from `from` to `to`: attributes switched off are
/// reset (all at once when that is shorter), then only what differs is set.
fn sgr(out: &mut String, from: Pen, to: Pen) {
    let mut params: Vec<String> = Vec::new();
    let removed = from.modifier - to.modifier;
    let mut base = from;
    if removed.intersects(Modifier::BOLD | Modifier::DIM)
        || removed.bits().count_ones() > 1
        || (!removed.is_empty() && to == PLAIN)
    {
        params.push("0".into());
        base = PLAIN;
    } else {
        for (m, off) in [
            (Modifier::ITALIC, "23"),
            (Modifier::UNDERLINED, "24"),
            (Modifier::SLOW_BLINK, "25"),
            (Modifier::RAPID_BLINK, "25"),
            (Modifier::REVERSED, "27"),
            (Modifier::HIDDEN, "28"),
            (Modifier::CROSSED_OUT, "29"),
        ] {
            if removed.contains(m) {
                params.push(off.into());
            }
        }
        base.modifier = from.modifier - removed;
    }
    for (m, on) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
        (Modifier::REVERSED, "7"),
        (Modifier::HIDDEN, "8"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        if to.modifier.contains(m) && !base.modifier.contains(m) {
            params.push(on.into());
        }
    }
    if to.fg != base.fg {
        params.push(colour(to.fg, Layer::Fg));
    }
    if to.bg != base.bg {
        params.push(colour(to.bg, Layer::Bg));
    }
    if to.underline != base.underline {
        params.push(colour(to.underline, Layer::Underline));
    }
    if !params.is_empty() {
        let _ = write!(out, "\x1b[{}m", params.join(";"));
    }
}

#[derive(Clone, Copy)]
enum Layer {
    Fg,
    Bg,
    Underline,
}

fn colour(c: Color, layer: Layer) -> String {
    let (reset, base, bright, extended) = match layer {
        Layer::Fg => (39, 30, 90, 38),
        Layer::Bg => (49, 40, 100, 48),
        Layer::Underline => (59, 0, 0, 58),
    };
    let named = |n: u8| -> String {
        match layer {
            // Underline colours have no short codes.
            Layer::Underline => format!("58;5;{n}"),
            _ if n < 8 => format!("{}", base + n as u16),
            _ => format!("{}", bright + (n - 8) as u16),
        }
    };
    match c {
        Color::Reset => format!("{reset}"),
        Color::Black => named(0),
        Color::Red => named(1),
        Color::Green => named(2),
        Color::Yellow => named(3),
        Color::Blue => named(4),
        Color::Magenta => named(5),
        Color::Cyan => named(6),
        Color::Gray => named(7),
        Color::DarkGray => named(8),
        Color::LightRed => named(9),
        Color::LightGreen => named(10),
        Color::LightYellow => named(11),
        Color::LightBlue => named(12),
        Color::LightMagenta => named(13),
        Color::LightCyan => named(14),
        Color::White => named(15),
        Color::Indexed(n) => format!("{extended};5;{n}"),
        Color::Rgb(r, g, b) => format!("{extended};2;{r};{g};{b}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    fn parse(bytes: &str, w: u16, h: u16) -> vt100::Parser {
        let mut p = vt100::Parser::new(h, w, 0);
        p.process(bytes.as_bytes());
        p
    }

    #[test]
    fn a_row_with_gaps_moves_along_it_without_absolute_moves() {
        let before = Buffer::empty(Rect::new(0, 0, 30, 2));
        let mut after = before.clone();
        after.set_string(2, 1, "ok, so   we ship", Style::default());
        let out = cells(&after, before.diff_iter(&after));
        assert_eq!(out, "\x1b[2;3Hok, so   we ship", "{out:?}");
        let p = parse(&out, 30, 2);
        assert_eq!(
            p.screen().contents_between(1, 0, 1, 30),
            "  ok, so   we ship"
        );
    }

    #[test]
    fn styles_change_with_one_sequence_each_and_end_reset() {
        let before = Buffer::empty(Rect::new(0, 0, 20, 1));
        let mut after = before.clone();
        let bold_red = Style::default().fg(Color::Red).add_modifier(Modifier::BOLD);
        after.set_string(0, 0, "ab", bold_red);
        after.set_string(2, 0, "cd", Style::default().fg(Color::Rgb(1, 2, 3)));
        after.set_string(4, 0, "ef", Style::default());
        let out = cells(&after, before.diff_iter(&after));
        assert_eq!(out, "\x1b[1H\x1b[1;31mab\x1b[0;38;2;1;2;3mcd\x1b[39mef");
        let p = parse(&out, 20, 1);
        let s = p.screen();
        assert!(s.cell(0, 0).unwrap().bold());
        assert_eq!(s.cell(0, 1).unwrap().fgcolor(), vt100::Color::Idx(1));
        assert!(!s.cell(0, 2).unwrap().bold());
        assert_eq!(s.cell(0, 3).unwrap().fgcolor(), vt100::Color::Rgb(1, 2, 3));
        assert_eq!(s.cell(0, 4).unwrap().fgcolor(), vt100::Color::Default);
    }

    #[test]
    fn after_an_emoji_the_next_cell_is_placed_absolutely() {
        let before = Buffer::empty(Rect::new(0, 0, 20, 1));
        let mut after = before.clone();
        after.set_string(0, 0, "a👍b中文c", Style::default());
        let out = cells(&after, before.diff_iter(&after));
        // The emoji's width is not trusted; the CJK characters' is.
        assert_eq!(out, "\x1b[1Ha👍\x1b[1;4Hb中文c");
    }

    #[test]
    fn unstable_sequences_get_stand_ins_of_the_layout_width() {
        assert_eq!(stable("🇯🇵").as_deref(), Some("JP"));
        assert_eq!(stable("👨\u{200d}👩\u{200d}👧").as_deref(), Some("👨"));
        assert_eq!(stable("👍🏽").as_deref(), Some("👍"));
        assert_eq!(stable("❤\u{fe0f}").as_deref(), Some("❤ "));
        assert_eq!(stable("a"), None);
        assert_eq!(stable("中"), None);
        assert_eq!(stable("👍"), None);
        // Combining marks are drawn alike everywhere.
        assert_eq!(stable("e\u{301}"), None);
        for g in [
            "🇯🇵",
            "👨\u{200d}👩\u{200d}👧",
            "👍🏽",
            "❤\u{fe0f}",
            "1\u{fe0f}\u{20e3}",
        ] {
            let s = stable(g).unwrap();
            assert_eq!(s.width(), g.width(), "{g:?} → {s:?}");
        }
        assert_eq!(stable_text("go 🇯🇵!"), "go JP!");
    }

    #[test]
    fn a_flag_is_drawn_as_its_letters_and_what_follows_stays_in_place() {
        let before = Buffer::empty(Rect::new(0, 0, 12, 1));
        let mut after = before.clone();
        after.set_string(0, 0, "a🇯🇵b 👨\u{200d}👩\u{200d}👧c", Style::default());
        let p = parse(&cells(&after, before.diff_iter(&after)), 12, 1);
        assert_eq!(p.screen().contents_between(0, 0, 0, 12), "aJPb 👨c");
        assert_eq!(p.screen().cell(0, 7).unwrap().contents(), "c");
    }

    #[test]
    fn a_full_row_runs_on_into_the_next_as_one_wrapped_line() {
        let before = Buffer::empty(Rect::new(0, 0, 10, 3));
        let mut after = before.clone();
        after.set_string(0, 0, "0123456789", Style::default());
        after.set_string(0, 1, "abcdefghij", Style::default());
        after.set_string(0, 2, "xy", Style::default());
        let out = cells_joined(&after, before.diff_iter(&after), &[0, 1]);
        assert_eq!(out, "\x1b[1H0123456789abcdefghijxy");
        // Rows not joined stay separate lines.
        let apart = cells(&after, before.diff_iter(&after));
        assert_eq!(apart, "\x1b[1H0123456789\x1b[2Habcdefghij\x1b[3Hxy");
        let p = parse(&out, 10, 3);
        assert_eq!(p.screen().contents(), "0123456789abcdefghijxy");
        assert!(p.screen().row_wrapped(0) && p.screen().row_wrapped(1));
        assert!(!p.screen().row_wrapped(2));
    }

    #[test]
    fn nothing_to_draw_is_nothing() {
        let b = Buffer::empty(Rect::new(0, 0, 5, 1));
        assert_eq!(cells(&b, b.diff_iter(&b)), "");
    }
}
