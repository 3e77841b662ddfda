//! Owns the bytes each frame sends to the terminal. Ratatui renders a whole frame into a
//! buffer; [`Painter`] keeps the buffer the terminal shows and sends only what differs.
//! When the timeline has moved up (a message arrived at the bottom, the user scrolled), it
//! first tries letting the terminal move the lines itself: scroll margins (DECSTBM) around
//! the timeline's rows and a scroll-up (SU), then only the cells that still differ. It keeps
//! whichever of the two byte strings is shorter, so the plain diff is always the fallback,
//! and `ui.scroll_regions = false` turns the scrolling off for a terminal that lacks it.
//!
//! [`PaintBackend`] is the ratatui backend around it: ratatui's own diff goes nowhere, and
//! [`draw_frame`] paints the finished buffer, then puts the cursor where the frame wants it.

use crate::ui::Link;
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::{Buffer, Cell, CellDiffOption};
use ratatui::layout::{Position, Rect, Size};
use std::hash::{Hash, Hasher};
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// Synchronized update (DEC mode 2026): the terminal shows the frame only once it is whole.
const BEGIN_SYNC: &[u8] = b"\x1b[?2026h";
const END_SYNC: &[u8] = b"\x1b[?2026l";

/// What the terminal shows, and how to bring it to the next frame.
#[derive(Debug, Default)]
pub struct Painter {
    /// The cells on the terminal; `None` when it has just been cleared (all blank).
    shown: Option<Buffer>,
    /// Off: always the plain diff.
    pub scroll_regions: bool,
    /// The links the terminal shows as hyperlinks, where they are now.
    links: Vec<Link>,
    /// Rows of the next frame that continue into the row below (one wrapped line).
    pub joined_rows: Vec<u16>,
}

impl Painter {
    pub fn new(scroll_regions: bool) -> Painter {
        Painter {
            shown: None,
            scroll_regions,
            links: Vec::new(),
            joined_rows: Vec::new(),
        }
    }

    /// The terminal has been cleared: every cell is blank.
    pub fn forget(&mut self) {
        self.shown = None;
        self.links.clear();
    }

    /// The bytes that turn what the terminal shows into `next`. `band` is the region whose
    /// rows may have moved up (the timeline); rows are scrolled whole, across the screen.
    /// `links` are drawn again as OSC 8 hyperlinks where their text is on screen (not under
    /// a popup), but only where the terminal does not show them as links already.
    pub fn paint(
        &mut self,
        mut next: Buffer,
        band: Option<Rect>,
        links: &[Link],
    ) -> io::Result<Vec<u8>> {
        split_covered_wide_cells(&mut next);
        let shown = match self.shown.take() {
            Some(s) if s.area == next.area => s,
            _ => {
                self.links.clear();
                Buffer::empty(next.area)
            }
        };
        let mut bytes = diff_bytes(&shown, &next, &self.joined_rows)?;
        let mut base = shown;
        if self.scroll_regions
            && let Some(band) = band.map(|b| b.intersection(next.area))
            && let Some(n) = best_shift(&base, &next, band)
        {
            let scrolled = scroll_up(&base, band, n);
            let mut scrolling = scroll_sequence(band, n).into_bytes();
            scrolling.extend(diff_bytes(&scrolled, &next, &self.joined_rows)?);
            if scrolling.len() < bytes.len() {
                bytes = scrolling;
                base = scrolled;
                shift_links(&mut self.links, band, n);
            }
        }
        self.overlay_links(&base, &next, links, &mut bytes);
        self.shown = Some(next);
        Ok(bytes)
    }

    /// Appends the links that need drawing as hyperlinks: new ones, and those whose cells
    /// this frame repaints (which drops the hyperlink the terminal had for them).
    fn overlay_links(&mut self, base: &Buffer, next: &Buffer, links: &[Link], out: &mut Vec<u8>) {
        let on_screen: Vec<&Link> = links.iter().filter(|l| shows(next, l)).collect();
        if on_screen.is_empty() {
            self.links.clear();
            return;
        }
        let repainted: std::collections::HashSet<(u16, u16)> =
            base.diff_iter(next).map(|(x, y, _)| (x, y)).collect();
        for l in &on_screen {
            let cells = link_cells(next, l);
            let fresh = !self.links.contains(l)
                || cells.iter().any(|(x, y, _)| repainted.contains(&(*x, *y)));
            if fresh {
                // The URL came from the server: no control characters, no ST inside.
                let url: String = l.url.chars().filter(|c| !c.is_control()).collect();
                out.extend_from_slice(format!("\x1b]8;;{url}\x1b\\").as_bytes());
                out.extend(crate::runtime::emit::cells(next, cells.into_iter()).into_bytes());
                out.extend_from_slice(b"\x1b]8;;\x1b\\");
            }
        }
        self.links = on_screen.into_iter().cloned().collect();
    }
}

/// The link's text is on screen where it was laid out (a popup has not covered it).
fn shows(buf: &Buffer, link: &Link) -> bool {
    let cells = link_cells(buf, link);
    let text: String = cells.iter().map(|(_, _, c)| c.symbol()).collect();
    !cells.is_empty() && text == link.text
}

/// The cells a link's text occupies, as a diff would list them (a wide character once).
fn link_cells<'a>(buf: &'a Buffer, link: &Link) -> Vec<(u16, u16, &'a Cell)> {
    let mut out = Vec::new();
    let end = link
        .x
        .saturating_add(crate::text::wrap::width(&link.text) as u16)
        .min(buf.area.right());
    let mut x = link.x;
    while x < end {
        let Some(cell) = buf.cell((x, link.y)) else {
            break;
        };
        out.push((x, link.y, cell));
        x += (cell.symbol().width() as u16).max(1);
    }
    out
}

/// The links the terminal shows, after the band's rows scrolled up `n`.
fn shift_links(links: &mut Vec<Link>, band: Rect, n: u16) {
    links.retain_mut(|l| {
        if l.y < band.top() || l.y >= band.bottom() {
            return true;
        }
        if l.y < band.top() + n {
            return false;
        }
        l.y -= n;
        true
    });
}

/// A wide character whose right half something else was drawn over (a popup's border over
/// an emoji, a CJK character at the popup's edge) becomes blanks: ratatui's diff never
/// sends a cell it thinks a wide character covers, so the border would be lost and the
/// terminal would keep half a character, or a stray letter of a flag, next to the popup.
fn split_covered_wide_cells(buf: &mut Buffer) {
    let w = buf.area.width as usize;
    for row in buf.content.chunks_mut(w.max(1)) {
        let mut x = 0;
        while x < row.len() {
            let symbol = row[x].symbol();
            // An image's escape sequence sits in one cell (its "width" is meaningless), and
            // cells that skip the diff belong to it: never taken for wide characters.
            let wide = symbol.len() > 1
                && row[x].diff_option == CellDiffOption::None
                && symbol.width() == 2;
            let cells = if wide { 2 } else { 1 };
            let covered = (x + 1..(x + cells).min(row.len())).any(|t| row[t].symbol() != " ");
            if covered {
                let style = row[x].style();
                row[x].set_symbol(" ").set_style(style);
            }
            x += if covered { 1 } else { cells };
        }
    }
}

/// What the plain diff writes (nothing at all when no cell changed).
fn diff_bytes(shown: &Buffer, next: &Buffer, joined: &[u16]) -> io::Result<Vec<u8>> {
    Ok(crate::runtime::emit::cells_joined(next, shown.diff_iter(next), joined).into_bytes())
}

/// Margins around the band's rows, scroll them up `n`, margins back to the whole screen.
/// Attributes are reset first: the lines scrolled in take the current background.
fn scroll_sequence(band: Rect, n: u16) -> String {
    format!(
        "\x1b[m\x1b[{};{}r\x1b[{n}S\x1b[r",
        band.y + 1,
        band.y + band.height
    )
}

/// The shift (in rows) that lines the most of the band's rows in `next` up with rows of
/// `shown` further down, if it beats leaving them in place. Rows are compared by a hash of
/// the band's columns only (the sidebar beside the timeline does not move); the caller
/// checks the result byte for byte. Never with a cell that skips drawing (an image).
fn best_shift(shown: &Buffer, next: &Buffer, band: Rect) -> Option<u16> {
    if band.height < 2 || band.width == 0 {
        return None;
    }
    let rows = |buf: &Buffer| -> Option<Vec<u64>> {
        (band.top()..band.bottom())
            .map(|y| row_hash(buf, band, y))
            .collect()
    };
    let (before, after) = (rows(shown)?, rows(next)?);
    let h = before.len();
    let matches = |n: usize| (0..h - n).filter(|&r| after[r] == before[r + n]).count();
    let staying = matches(0);
    let (n, best) = (1..h)
        .map(|n| (n, matches(n)))
        .max_by_key(|&(n, m)| (m, h - n))?;
    (best > staying).then_some(n as u16)
}

/// A hash of one row's cells within the band; `None` when one of them skips drawing.
fn row_hash(buf: &Buffer, band: Rect, y: u16) -> Option<u64> {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for x in band.left()..band.right() {
        let cell = buf.cell((x, y))?;
        if cell.diff_option != CellDiffOption::None {
            return None;
        }
        cell.symbol().hash(&mut hasher);
        (cell.fg, cell.bg, cell.modifier).hash(&mut hasher);
    }
    Some(hasher.finish())
}

/// `shown` as the terminal has it after scrolling the band's rows (whole rows) up `n`.
fn scroll_up(shown: &Buffer, band: Rect, n: u16) -> Buffer {
    let mut after = shown.clone();
    let width = shown.area.width as usize;
    let row_start = |y: u16| (y - shown.area.y) as usize * width;
    for y in band.top()..band.bottom() {
        let to = row_start(y);
        if y + n < band.bottom() {
            let from = row_start(y + n);
            after.content[to..to + width].clone_from_slice(&shown.content[from..from + width]);
        } else {
            after.content[to..to + width].fill(Cell::EMPTY);
        }
    }
    after
}

/// The ratatui backend: everything but drawing goes to the terminal as usual; the cells of a
/// frame are sent by [`draw_frame`] through the [`Painter`].
pub struct PaintBackend<W: Write> {
    writer: W,
    painter: Painter,
    /// A fixed size (tests and benches write to no terminal); `None`: ask the terminal.
    size: Option<Size>,
    /// Inside [`draw_frame`]: cursor requests wait until the cells are written.
    framing: bool,
    /// What the frame asked of the cursor: `Some(None)` hidden, `Some(Some(p))` shown at `p`.
    cursor: Option<Option<Position>>,
    /// What the terminal was last told (`None`: unknown).
    shown_cursor: Option<Option<Position>>,
}

impl<W: Write> PaintBackend<W> {
    pub fn new(writer: W, scroll_regions: bool) -> PaintBackend<W> {
        PaintBackend {
            writer,
            painter: Painter::new(scroll_regions),
            size: None,
            framing: false,
            cursor: None,
            shown_cursor: None,
        }
    }

    /// For a writer that is not a terminal: the size it pretends to have.
    pub fn with_size(writer: W, scroll_regions: bool, size: Size) -> PaintBackend<W> {
        PaintBackend {
            size: Some(size),
            ..PaintBackend::new(writer, scroll_regions)
        }
    }

    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.writer
    }
}

/// What a frame's render reports besides the cells.
#[derive(Debug, Default)]
pub struct Drawn {
    /// The region whose rows may have moved up (the timeline).
    pub band: Option<Rect>,
    /// Links to make clickable (OSC 8).
    pub links: Vec<Link>,
    /// Rows that continue into the row below, as one wrapped line (a long link).
    pub joined_rows: Vec<u16>,
}

/// Draws one frame: `render` fills the buffer and says which region may have scrolled and
/// where the links are; everything goes out inside one synchronized update.
pub fn draw_frame<W: Write>(
    terminal: &mut Terminal<PaintBackend<W>>,
    render: impl FnOnce(&mut ratatui::Frame) -> Drawn,
) -> io::Result<()> {
    let mut drawn = Drawn::default();
    terminal.backend_mut().framing = true;
    let buffer = terminal
        .draw(|f| drawn = render(f))
        .map(|done| done.buffer.clone());
    let backend = terminal.backend_mut();
    backend.framing = false;
    let next = buffer?;
    backend.painter.joined_rows = drawn.joined_rows;
    let mut out = backend.painter.paint(next, drawn.band, &drawn.links)?;
    let moved = !out.is_empty();
    let wanted = backend.cursor.take();
    let last = backend.shown_cursor;
    match wanted {
        Some(Some(p)) if moved || last != wanted => {
            crossterm::queue!(out, crossterm::cursor::MoveTo(p.x, p.y))?;
            if !matches!(last, Some(Some(_))) {
                crossterm::queue!(out, crossterm::cursor::Show)?;
            }
        }
        Some(None) if last != wanted => crossterm::queue!(out, crossterm::cursor::Hide)?,
        _ => {}
    }
    backend.shown_cursor = wanted.or(last);
    if out.is_empty() {
        return Ok(());
    }
    let w = backend.writer_mut();
    w.write_all(BEGIN_SYNC)?;
    w.write_all(&out)?;
    #[cfg(debug_assertions)]
    test_panic_mid_frame(w);
    w.write_all(END_SYNC)?;
    w.flush()
}

/// Debug builds only, for the PTY tests: `VOCECHAT_TUI_TEST_PANIC=frame` panics after half a
/// frame is out (inside its synchronized update, in its colours), as a write error would.
#[cfg(debug_assertions)]
#[allow(clippy::panic)] // the point: the terminal must be restored from there too
fn test_panic_mid_frame(w: &mut impl Write) {
    static MID_FRAME: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let armed = MID_FRAME
        .get_or_init(|| std::env::var("VOCECHAT_TUI_TEST_PANIC").is_ok_and(|v| v == "frame"));
    if *armed {
        let _ = w.write_all(b"\x1b[1;31mhalf a frame");
        let _ = w.flush();
        panic!("VOCECHAT_TUI_TEST_PANIC=frame: panicking in the middle of a frame");
    }
}

impl<W: Write> Backend for PaintBackend<W> {
    type Error = io::Error;

    /// Ratatui's own diff: [`draw_frame`] paints the finished buffer instead.
    fn draw<'a, I>(&mut self, _content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.framing {
            self.cursor = Some(None);
            return Ok(());
        }
        self.shown_cursor = None;
        crossterm::execute!(self.writer, crossterm::cursor::Hide)
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.framing {
            return Ok(()); // the position that follows shows it
        }
        self.shown_cursor = None;
        crossterm::execute!(self.writer, crossterm::cursor::Show)
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        let (x, y) = crossterm::cursor::position()?;
        Ok(Position { x, y })
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let p = position.into();
        if self.framing {
            self.cursor = Some(Some(p));
            return Ok(());
        }
        self.shown_cursor = None;
        crossterm::execute!(self.writer, crossterm::cursor::MoveTo(p.x, p.y))
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    /// Any clear wipes the whole screen, so that what the painter knows stays true.
    fn clear_region(&mut self, _clear_type: ClearType) -> io::Result<()> {
        self.painter.forget();
        self.shown_cursor = None;
        crossterm::execute!(
            self.writer,
            crossterm::style::ResetColor,
            crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
        )
    }

    fn size(&self) -> io::Result<Size> {
        if let Some(size) = self.size {
            return Ok(size);
        }
        let (width, height) = crossterm::terminal::size()?;
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let size = self.size()?;
        if self.size.is_some() {
            return Ok(WindowSize {
                columns_rows: size,
                pixels: Size::default(),
            });
        }
        let w = crossterm::terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: size,
            pixels: Size {
                width: w.width,
                height: w.height,
            },
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.framing {
            return Ok(());
        }
        self.writer.flush()
    }
}

#[cfg(test)]
#[path = "paint_tests.rs"]
mod tests;
