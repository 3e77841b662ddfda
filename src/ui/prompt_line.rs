//! The linear mode's input line (issue 22): the composer's text drawn on one terminal row
//! after a short prompt, redrawn in place with nothing but carriage return, spaces and
//! backspaces (no escape sequence, no cursor addressing: braille displays and `TERM=dumb`
//! follow it). Only what changed is written: a character typed at the end is written alone,
//! as a terminal's own echo would, so a screen reader hears that character and nothing else;
//! one deleted at the end is blanked alone. A text wider than the row scrolls sideways around
//! the cursor, as readline does on a dumb terminal. Also the history of lines sent, walked
//! with Up and Down.
//!
//! Pure: it computes the bytes to write; the loop (`runtime/linear.rs`) writes them.

use unicode_width::UnicodeWidthChar;

/// The input row as last drawn, to redraw it in place.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PromptLine {
    /// The first character of the text shown (the row scrolls sideways).
    start: usize,
    /// Columns written after the carriage return last time (to blank what is left over).
    drawn: usize,
    /// The row as last drawn (prompt and text shown) and the cursor's column in it; empty
    /// when nothing is on the row.
    row: Vec<char>,
    col: usize,
}

/// One character as the row shows it: a control character (a newline typed with Alt+Enter)
/// as a space, never as itself.
fn shown(c: char) -> char {
    if c.is_control() { ' ' } else { c }
}

fn width(c: char) -> usize {
    UnicodeWidthChar::width(shown(c)).unwrap_or(0)
}

impl PromptLine {
    /// The bytes that redraw the row: `prompt`, then `text` (its cursor before character
    /// `cursor`) in a window of `columns`; the terminal's cursor ends at the text's cursor.
    pub fn draw(&mut self, prompt: &str, text: &str, cursor: usize, columns: usize) -> String {
        let chars: Vec<char> = text.chars().collect();
        let cursor = cursor.min(chars.len());
        let prompt_width: usize = prompt.chars().map(width).sum();
        // One column kept free: writing the last one makes some terminals wrap.
        let room = columns.saturating_sub(prompt_width + 1).max(1);
        // The window keeps the cursor in view, moving as little as it can.
        let mut start = self.start.min(cursor);
        while chars[start..cursor]
            .iter()
            .map(|c| width(*c))
            .sum::<usize>()
            >= room
            && start < cursor
        {
            start += 1;
        }
        self.start = start;
        let mut visible = String::new();
        let mut used = 0;
        let mut after_cursor = 0;
        for (i, c) in chars.iter().enumerate().skip(start) {
            let w = width(*c);
            if used + w > room {
                break;
            }
            visible.push(shown(*c));
            used += w;
            if i >= cursor {
                after_cursor += w;
            }
        }
        let total = prompt_width + used;
        let row: Vec<char> = prompt.chars().chain(visible.chars()).collect();
        let col = total - after_cursor;
        let out = self.change(&row, col, total);
        self.drawn = total;
        self.row = row;
        self.col = col;
        out
    }

    /// The fewest bytes that turn the row as drawn into `row` with the cursor at `col`
    /// (`total` columns wide): an addition or a deletion at the end, or a move of the
    /// cursor, is written alone; anything else redraws the row.
    fn change(&self, row: &[char], col: usize, total: usize) -> String {
        let old_end = self.col == self.drawn && !self.row.is_empty();
        let columns = |cs: &[char]| cs.iter().map(|c| width(*c)).sum::<usize>();
        if old_end && col == total && row.starts_with(&self.row) {
            return row[self.row.len()..].iter().collect();
        }
        if old_end && col == total && self.row.starts_with(row) && !row.is_empty() {
            let w = self.drawn - total;
            let back = "\u{8}".repeat(w);
            return format!("{back}{}{back}", " ".repeat(w));
        }
        if row == self.row.as_slice() && !row.is_empty() {
            if col <= self.col {
                return "\u{8}".repeat(self.col - col);
            }
            // Right: the characters passed over are written again (no escape sequence).
            let mut at = 0;
            let mut out = String::new();
            for c in row {
                if at >= self.col && at < col {
                    out.push(*c);
                }
                at += width(*c);
            }
            if columns(row) >= col {
                return out;
            }
        }
        let blank = self.drawn.saturating_sub(total);
        let mut out = String::with_capacity(total + 2 * blank + (total - col) + 1);
        out.push('\r');
        out.extend(row.iter());
        out.extend(std::iter::repeat_n(' ', blank));
        out.extend(std::iter::repeat_n('\u{8}', blank + (total - col)));
        out
    }

    /// The bytes that blank the row and put the cursor at its start (before lines are said
    /// over it); the next [`PromptLine::draw`] starts from nothing.
    pub fn clear(&mut self) -> String {
        let out = format!("\r{}\r", " ".repeat(self.drawn));
        self.drawn = 0;
        self.row.clear();
        self.col = 0;
        out
    }

    /// The row is left as it is (a line was entered and stays in the scrollback): the next
    /// draw starts on a fresh row, from the text's start.
    pub fn leave(&mut self) {
        self.drawn = 0;
        self.start = 0;
        self.row.clear();
        self.col = 0;
    }
}

/// The lines sent this run, newest last, walked with Up and Down; what was being typed
/// before the walk began comes back at its end.
#[derive(Debug, Default, Clone)]
pub struct History {
    lines: Vec<String>,
    /// Where the walk is (`None`: not walking).
    at: Option<usize>,
    /// What was typed when the walk began.
    draft: String,
}

/// How many lines the history keeps.
pub const HISTORY: usize = 500;

impl History {
    /// A line was sent: the newest entry (a repeat of the newest is kept once).
    pub fn push(&mut self, line: &str) {
        self.at = None;
        if line.trim().is_empty() || self.lines.last().map(String::as_str) == Some(line) {
            return;
        }
        self.lines.push(line.to_string());
        if self.lines.len() > HISTORY {
            self.lines.remove(0);
        }
    }

    /// Up: the line before (from `typed`, the text now), or `None` at the oldest.
    pub fn older(&mut self, typed: &str) -> Option<String> {
        let at = match self.at {
            None if self.lines.is_empty() => return None,
            None => {
                self.draft = typed.to_string();
                self.lines.len() - 1
            }
            Some(0) => return None,
            Some(i) => i - 1,
        };
        self.at = Some(at);
        Some(self.lines[at].clone())
    }

    /// Down: the line after, then what was being typed; `None` when not walking.
    pub fn newer(&mut self) -> Option<String> {
        let at = self.at?;
        if at + 1 < self.lines.len() {
            self.at = Some(at + 1);
            Some(self.lines[at + 1].clone())
        } else {
            self.at = None;
            Some(std::mem::take(&mut self.draft))
        }
    }

    /// The walk ends where it is (the line shown is being edited).
    pub fn stop(&mut self) {
        self.at = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A terminal row of `columns` with its cursor, as carriage return, backspace and text
    /// leave it.
    #[derive(Default)]
    struct Row {
        cells: Vec<char>,
        col: usize,
    }

    impl Row {
        fn apply(&mut self, bytes: &str, columns: usize) -> (String, usize) {
            self.cells.resize(columns, ' ');
            for c in bytes.chars() {
                match c {
                    '\r' => self.col = 0,
                    '\u{8}' => self.col = self.col.saturating_sub(1),
                    c => {
                        assert!(
                            !c.is_control(),
                            "only CR, BS and text are written: {bytes:?}"
                        );
                        self.cells[self.col] = c;
                        self.col += 1;
                        assert!(self.col < columns, "the last column is never written");
                    }
                }
            }
            let text: String = self.cells.iter().collect();
            (text.trim_end().to_string(), self.col)
        }
    }

    #[test]
    fn a_redraw_blanks_what_is_left_over_and_puts_the_cursor_back() {
        let mut line = PromptLine::default();
        let mut t = Row::default();
        let (row, col) = t.apply(&line.draw("> ", "hello world", 5, 40), 40);
        assert_eq!((row.as_str(), col), ("> hello world", 7));
        // Shorter now (a word deleted): the old tail is blanked, the cursor at the end.
        let (row, col) = t.apply(&line.draw("> ", "hello", 5, 40), 40);
        assert_eq!((row.as_str(), col), ("> hello", 7));
        // Cleared: the row is empty and the cursor at its start.
        let (row, col) = t.apply(&line.clear(), 40);
        assert_eq!((row.as_str(), col), ("", 0));
    }

    #[test]
    fn a_long_line_scrolls_sideways_around_the_cursor() {
        let mut line = PromptLine::default();
        let text = "abcdefghijklmnopqrstuvwxyz";
        // 12 columns: "> ", 9 columns of room (the last column is never written); at the
        // end, 8 characters and the cursor's cell.
        let mut t = Row::default();
        let (row, col) = t.apply(&line.draw("> ", text, 26, 12), 12);
        assert_eq!((row.as_str(), col), ("> stuvwxyz", 10));
        // Home: the window goes back to the start.
        let (row, col) = t.apply(&line.draw("> ", text, 0, 12), 12);
        assert_eq!((row.as_str(), col), ("> abcdefghi", 2));
        // Moving right inside the window does not scroll it.
        let (row, col) = t.apply(&line.draw("> ", text, 4, 12), 12);
        assert_eq!((row.as_str(), col), ("> abcdefghi", 6));
    }

    #[test]
    fn typing_at_the_end_writes_only_the_character_typed() {
        let mut line = PromptLine::default();
        let first = line.draw("> ", "", 0, 40);
        assert_eq!(first, "\r> ");
        assert_eq!(line.draw("> ", "h", 1, 40), "h");
        assert_eq!(line.draw("> ", "hi", 2, 40), "i");
        // Backspace at the end blanks that one column.
        assert_eq!(line.draw("> ", "h", 1, 40), "\u{8} \u{8}");
        // Left moves back; Right writes the character passed over again.
        assert_eq!(line.draw("> ", "h", 0, 40), "\u{8}");
        assert_eq!(line.draw("> ", "h", 1, 40), "h");
        // Typing in the middle redraws; after each change the row and the cursor are
        // what they should be, and nothing is written when nothing changed.
        let mut t = Row::default();
        let mut line = PromptLine::default();
        for (text, cursor) in [
            ("", 0),
            ("ac", 2),
            ("ac", 1),
            ("abc", 2),
            ("abcd", 4),
            ("ab", 2),
            ("ab", 0),
            ("xab", 1),
        ] {
            let (row, col) = t.apply(&line.draw("> ", text, cursor, 40), 40);
            assert_eq!(line.draw("> ", text, cursor, 40), "", "nothing changed");
            assert_eq!(
                (row, col),
                (format!("> {text}").trim_end().to_string(), 2 + cursor)
            );
        }
    }

    #[test]
    fn wide_characters_take_two_columns() {
        let mut line = PromptLine::default();
        let bytes = line.draw("> ", "日本語", 1, 40);
        assert!(bytes.starts_with("\r> 日本語"));
        // The cursor goes back over the two wide characters after it: four columns.
        assert_eq!(bytes.matches('\u{8}').count(), 4);
        // A newline typed is drawn as a space, never written.
        assert!(!line.draw("> ", "a\nb", 3, 40).contains('\n'));
    }

    #[test]
    fn history_walks_back_and_returns_to_the_draft() {
        let mut h = History::default();
        assert_eq!(h.older("x"), None);
        h.push("one");
        h.push("two");
        h.push("two");
        assert_eq!(h.older("draft").as_deref(), Some("two"));
        assert_eq!(h.older("two").as_deref(), Some("one"));
        assert_eq!(h.older("one"), None);
        assert_eq!(h.newer().as_deref(), Some("two"));
        assert_eq!(h.newer().as_deref(), Some("draft"));
        assert_eq!(h.newer(), None);
    }
}
