//! Making untrusted text safe to put on a terminal: strips control characters and escape
//! sequences (CSI, OSC, DCS, …) from names, messages and file names before they are rendered.

// A pure layer: IO, clocks, the environment and processes are a build error here (clippy.toml).
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]

/// Removes terminal escape sequences and control characters, keeping `\n` and `\t`.
/// Carriage returns become nothing so a message cannot overwrite its own line.
pub fn clean(input: &str) -> String {
    if !input.chars().any(needs_cleaning) {
        return input.to_string();
    }
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI / OSC / DCS / SOS / PM / APC introducers start a sequence too.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if c.is_control() => {}
            // Bidi overrides can visually reorder a line; drop them.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c => out.push(c),
        }
    }
    out
}

/// [`clean`], then folds all whitespace runs (newlines included) into single spaces and
/// truncates to `max_chars` characters: for names, titles and one-line status texts.
pub fn one_line(input: &str, max_chars: usize) -> String {
    let folded = clean(input)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if folded.chars().count() <= max_chars {
        return folded;
    }
    if max_chars == 0 {
        return String::new(); // not even the ellipsis fits
    }
    let mut out: String = folded.chars().take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn needs_cleaning(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape(chars: &mut Chars<'_>) {
    match chars.peek().copied() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => {
            chars.next();
            skip_string(chars);
        }
        // Two-character escapes (ESC c, ESC 7, ESC ( B …): drop the next char (and a charset
        // designator's argument).
        Some('(') | Some(')') | Some('*') | Some('+') | Some('#') | Some('%') => {
            chars.next();
            chars.next();
        }
        Some(_) => {
            chars.next();
        }
        None => {}
    }
}

/// CSI: parameters and intermediates up to a final byte in `@`..=`~`.
fn skip_csi(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
        if !(' '..='?').contains(&c) {
            // Malformed: stop at the first byte that cannot be part of a CSI.
            break;
        }
    }
}

/// OSC/DCS/APC…: up to BEL, ST (`ESC \`) or C1 ST.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_untouched() {
        assert_eq!(
            clean("héllo 世界 👍\nnext\tcol"),
            "héllo 世界 👍\nnext\tcol"
        );
    }

    #[test]
    fn escape_sequences_are_removed() {
        assert_eq!(clean("a\x1b[31mred\x1b[0m b"), "ared b");
        assert_eq!(clean("x\x1b]0;owned title\x07y"), "xy");
        assert_eq!(
            clean("x\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\y"),
            "xlinky"
        );
        assert_eq!(clean("x\x1bPq#0;2;0;0;0\x1b\\y"), "xy");
        assert_eq!(clean("a\u{9b}2Jb"), "ab");
        assert_eq!(clean("over\rwrite\x08\x07"), "overwrite");
        assert_eq!(clean("trailing\x1b"), "trailing");
        assert_eq!(clean("rtl\u{202e}txet"), "rtltxet");
    }

    #[test]
    fn one_line_folds_and_truncates() {
        assert_eq!(one_line("  a \n b\t c ", 20), "a b c");
        assert_eq!(one_line("abcdefghij", 5), "abcd…");
        assert_eq!(one_line("abcde", 5), "abcde");
        assert_eq!(one_line("\x1b[2J", 5), "");
    }
}
