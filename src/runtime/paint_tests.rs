//! The painter against a real terminal emulator (vt100): whatever it chooses to send, the
//! parsed screen must equal the frame, and scrolling must pay off where it should.

use super::*;
use crate::ui::Link;
use ratatui::style::{Color, Style};

const W: u16 = 40;
const H: u16 = 12;

/// A screen with a sidebar (columns 0..10) and a timeline band (rows 0..10, columns 10..):
/// the timeline shows `lines` bottom-aligned, the sidebar `side`.
fn frame(lines: &[String], side: &[&str]) -> Buffer {
    let mut buf = Buffer::empty(Rect::new(0, 0, W, H));
    for (y, s) in side.iter().enumerate() {
        buf.set_string(0, y as u16, s, Style::default().fg(Color::Cyan));
    }
    for y in 0..H - 2 {
        buf.set_string(10, y, "│", Style::default());
    }
    let band = (H - 2) as usize;
    let start = lines.len().saturating_sub(band);
    let shown = &lines[start..];
    let top = band - shown.len();
    for (i, l) in shown.iter().enumerate() {
        buf.set_string(11, (top + i) as u16, l, Style::default().fg(Color::Yellow));
    }
    buf.set_string(0, H - 1, "status line", Style::default().bg(Color::Blue));
    buf
}

fn band() -> Option<Rect> {
    Some(Rect::new(10, 0, W - 10, H - 2))
}

fn screen_text(parser: &vt100::Parser) -> Vec<String> {
    let screen = parser.screen();
    (0..H)
        .map(|y| {
            (0..W)
                .map(|x| {
                    screen
                        .cell(y, x)
                        .map(|c| {
                            let s = c.contents();
                            if s.is_empty() {
                                " ".to_string()
                            } else {
                                s.to_string()
                            }
                        })
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect()
}

fn buffer_text(buf: &Buffer) -> Vec<String> {
    (0..H)
        .map(|y| (0..W).map(|x| buf[(x, y)].symbol().to_string()).collect())
        .collect()
}

fn colours_match(parser: &vt100::Parser, buf: &Buffer) {
    let screen = parser.screen();
    for y in 0..H {
        for x in 0..W {
            let cell = screen.cell(y, x).unwrap();
            let want = buf[(x, y)].fg;
            let got = cell.fgcolor();
            let ok = match want {
                Color::Reset => got == vt100::Color::Default,
                Color::Yellow => got == vt100::Color::Idx(3),
                Color::Cyan => got == vt100::Color::Idx(6),
                _ => true,
            };
            assert!(ok, "fg at {x},{y}: {got:?} for {want:?}");
        }
    }
}

/// Lines as different from one another as chat lines are.
fn messages(n: usize) -> Vec<String> {
    const WORDS: [&str; 7] = [
        "alice", "deploy", "bob", "is down", "ok", "lunch?", "ship it",
    ];
    (0..n)
        .map(|i| format!("{} {} {i}", WORDS[i % 7], WORDS[(i * 3 + 1) % 7]))
        .collect()
}

#[test]
fn a_new_line_at_the_bottom_scrolls_the_band_and_draws_one_line() {
    let side = ["# general", "# random"];
    let mut painter = Painter::new(true);
    let mut parser = vt100::Parser::new(H, W, 0);
    let first = frame(&messages(20), &side);
    parser.process(&painter.paint(first, band(), &[]).unwrap());
    let next = frame(&messages(21), &side);
    let plain = diff_bytes(&frame(&messages(20), &side), &next, &[]).unwrap();
    let bytes = painter.paint(next.clone(), band(), &[]).unwrap();
    assert!(
        bytes.windows(4).any(|w| w == b"\x1b[1S"),
        "scrolled: {:?}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(
        bytes.len() * 3 < plain.len(),
        "{} vs {}",
        bytes.len(),
        plain.len()
    );
    parser.process(&bytes);
    assert_eq!(screen_text(&parser), buffer_text(&next));
    colours_match(&parser, &next);
}

#[test]
fn without_scroll_regions_the_plain_diff_is_sent() {
    let side = ["# general"];
    let mut painter = Painter::new(false);
    let mut parser = vt100::Parser::new(H, W, 0);
    parser.process(
        &painter
            .paint(frame(&messages(20), &side), band(), &[])
            .unwrap(),
    );
    let next = frame(&messages(21), &side);
    let bytes = painter.paint(next.clone(), band(), &[]).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("S\x1b[r"));
    parser.process(&bytes);
    assert_eq!(screen_text(&parser), buffer_text(&next));
}

#[test]
fn nothing_changed_sends_nothing() {
    let mut painter = Painter::new(true);
    let f = frame(&messages(5), &["# a"]);
    painter.paint(f.clone(), band(), &[]).unwrap();
    assert!(painter.paint(f, band(), &[]).unwrap().is_empty());
}

#[test]
fn a_sidebar_that_changes_beside_a_scroll_is_repainted() {
    let mut painter = Painter::new(true);
    let mut parser = vt100::Parser::new(H, W, 0);
    parser.process(
        &painter
            .paint(frame(&messages(30), &["# a", "# b", "@ c"]), band(), &[])
            .unwrap(),
    );
    // The new message also reorders the sidebar.
    let next = frame(&messages(32), &["# b", "# a", "@ c", "@ d"]);
    parser.process(&painter.paint(next.clone(), band(), &[]).unwrap());
    assert_eq!(screen_text(&parser), buffer_text(&next));
    colours_match(&parser, &next);
}

#[test]
fn a_cleared_terminal_is_painted_whole() {
    let mut painter = Painter::new(true);
    let f = frame(&messages(5), &["# a"]);
    painter.paint(f.clone(), band(), &[]).unwrap();
    painter.forget();
    let mut parser = vt100::Parser::new(H, W, 0);
    parser.process(&painter.paint(f.clone(), band(), &[]).unwrap());
    assert_eq!(screen_text(&parser), buffer_text(&f));
}

#[test]
fn wide_characters_scroll_with_their_rows() {
    let mut painter = Painter::new(true);
    let mut parser = vt100::Parser::new(H, W, 0);
    let mut lines: Vec<String> = (0..15).map(|i| format!("消息 {i} 中文 ok")).collect();
    parser.process(
        &painter
            .paint(frame(&lines, &["# 中文"]), band(), &[])
            .unwrap(),
    );
    for i in 15..20 {
        lines.push(format!("新消息 {i} 👍"));
        let next = frame(&lines, &["# 中文"]);
        parser.process(&painter.paint(next.clone(), band(), &[]).unwrap());
        assert_eq!(screen_text(&parser), buffer_text(&next), "after line {i}");
    }
}

proptest::proptest! {
    /// Any sequence of frames (lines added, the view scrolled back and forth, the sidebar
    /// rewritten, the status line changed) leaves the emulator showing the last frame.
    #[test]
    fn the_screen_always_equals_the_frame(
        steps in proptest::collection::vec((0usize..4, 0usize..30, 0usize..3), 1..25),
        scroll in proptest::bool::ANY,
    ) {
        let mut painter = Painter::new(scroll);
        let mut parser = vt100::Parser::new(H, W, 0);
        let mut total = 10usize;
        let mut back = 0usize;
        for (added, jump, side) in steps {
            total += added;
            back = if jump > 25 { 0 } else { jump.min(total) };
            let lines = messages(total - back);
            let sides: [&[&str]; 3] = [&["# a", "# b"], &["# b", "# a", "@ c"], &[]];
            let mut next = frame(&lines, sides[side]);
            next.set_string(20, H - 1, format!("{total}"), Style::default());
            parser.process(&painter.paint(next.clone(), band(), &[]).unwrap());
            proptest::prop_assert_eq!(screen_text(&parser), buffer_text(&next));
        }
        let _ = back;
    }
}

#[test]
fn a_popup_over_half_of_a_flag_or_a_family_leaves_no_stray_cell() {
    let area = Rect::new(0, 0, 12, 1);
    let mut painter = Painter::new(true);
    let mut parser = vt100::Parser::new(1, 12, 0);
    let mut flag = Buffer::empty(area);
    flag.set_string(0, 0, "a🇯🇵b 👨\u{200d}👩\u{200d}👧c", Style::default());
    parser.process(&painter.paint(flag.clone(), None, &[]).unwrap());
    // A popup's border drawn over the flag's right half and the family's.
    let mut popup = flag;
    popup.set_string(2, 0, "│", Style::default());
    popup.set_string(6, 0, "│", Style::default());
    parser.process(&painter.paint(popup, None, &[]).unwrap());
    let row: Vec<String> = (0..8)
        .map(|x| parser.screen().cell(0, x).unwrap().contents().to_string())
        .collect();
    assert_eq!(row, ["a", " ", "│", "b", " ", " ", "│", "c"]);
}

fn link_frame(popup: bool) -> (Buffer, Vec<Link>) {
    let mut buf = Buffer::empty(Rect::new(0, 0, W, H));
    let link_style = Style::default()
        .fg(Color::Cyan)
        .add_modifier(ratatui::style::Modifier::UNDERLINED);
    buf.set_string(11, 3, "see ", Style::default());
    buf.set_string(15, 3, "https://x.org/a", link_style);
    buf.set_string(11, 5, "https://x.org/b", link_style);
    if popup {
        buf.set_string(13, 5, "┌ popup ┐", Style::default());
    }
    let links = vec![
        Link {
            x: 15,
            y: 3,
            text: "https://x.org/a".into(),
            url: "https://x.org/a".into(),
        },
        Link {
            x: 11,
            y: 5,
            text: "https://x.org/b".into(),
            url: "https://x.org/b\x1b\\".into(),
        },
    ];
    (buf, links)
}

#[test]
fn links_become_hyperlinks_in_their_own_style_once() {
    let mut painter = Painter::new(true);
    let (buf, links) = link_frame(false);
    let bytes = String::from_utf8(painter.paint(buf.clone(), band(), &links).unwrap()).unwrap();
    // In the theme's link style (cyan, underlined), not the terminal's default colour.
    assert!(
        bytes.contains("\x1b]8;;https://x.org/a\x1b\\\x1b[4;16H"),
        "{bytes:?}"
    );
    assert!(bytes.contains("\x1b[4;36m"), "{bytes:?}");
    // A server's URL cannot end the sequence early.
    assert!(
        bytes.contains("\x1b]8;;https://x.org/b\\\x1b\\"),
        "{bytes:?}"
    );
    // Nothing changed: nothing is sent again.
    assert!(painter.paint(buf, band(), &links).unwrap().is_empty());
}

#[test]
fn a_popup_over_a_link_is_not_drawn_over() {
    let mut painter = Painter::new(true);
    let (buf, links) = link_frame(false);
    painter.paint(buf, band(), &links).unwrap();
    let (covered, links) = link_frame(true);
    let bytes = String::from_utf8(painter.paint(covered.clone(), band(), &links).unwrap()).unwrap();
    assert!(!bytes.contains("x.org/b"), "{bytes:?}");
    let mut parser = vt100::Parser::new(H, W, 0);
    let mut fresh = Painter::new(true);
    parser.process(&fresh.paint(covered.clone(), band(), &links).unwrap());
    assert_eq!(screen_text(&parser), buffer_text(&covered));
}

#[test]
fn an_image_cell_is_never_taken_for_a_covered_wide_character() {
    use ratatui::buffer::CellDiffOption;
    let mut painter = Painter::new(true);
    let mut buf = Buffer::empty(Rect::new(0, 0, 12, 2));
    // What an image protocol leaves: its escape data in one cell, the rest skipped.
    buf[(1, 0)].set_symbol("\x1bPq#0;2;0;0;0#0~~\x1b\\");
    for x in 2..6 {
        buf[(x, 0)].set_diff_option(CellDiffOption::Skip);
    }
    buf.set_string(8, 0, "│", Style::default());
    let bytes = painter.paint(buf, None, &[]).unwrap();
    assert!(
        String::from_utf8_lossy(&bytes).contains("\x1bPq#0;2;0;0;0#0~~"),
        "the image data is sent"
    );
}
