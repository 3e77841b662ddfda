//! Display-width aware wrapping and truncation (wide CJK and emoji count as two cells).

use unicode_width::UnicodeWidthChar;
use unicode_width::UnicodeWidthStr;

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Wraps `text` into lines of at most `max` cells, breaking at spaces where possible.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0;
        for word in para.split_inclusive(' ') {
            let w = width(word);
            let visible = width(word.trim_end());
            if line_w + visible.min(max) > max && !line.is_empty() {
                out.push(std::mem::take(&mut line).trim_end().to_string());
                line_w = 0;
            }
            if w > max {
                for ch in word.chars() {
                    let cw = ch.width().unwrap_or(0);
                    if line_w + cw > max {
                        out.push(std::mem::take(&mut line));
                        line_w = 0;
                    }
                    line.push(ch);
                    line_w += cw;
                }
            } else {
                line.push_str(word);
                line_w += w;
            }
        }
        out.push(line.trim_end().to_string());
    }
    out
}

/// The first `max` cells of `s`, with `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for ch in s.chars() {
        let cw = ch.width().unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        out.push(ch);
        w += cw;
    }
    out.push('…');
    out
}

/// The last `max` cells of `s` (for an input line that scrolls left).
pub fn tail(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut w = 0;
    let mut chars: Vec<char> = Vec::new();
    for ch in s.chars().rev() {
        let cw = ch.width().unwrap_or(0);
        if w + cw > max {
            break;
        }
        chars.push(ch);
        w += cw;
    }
    chars.into_iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_splits_long_words() {
        assert_eq!(wrap("hello big world", 9), vec!["hello big", "world"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a\n\nb", 5), vec!["a", "", "b"]);
    }

    #[test]
    fn wide_characters_take_two_cells() {
        assert_eq!(wrap("日本語です", 4), vec!["日本", "語で", "す"]);
        assert!(wrap("👍👍👍", 4).iter().all(|l| width(l) <= 4));
        assert_eq!(truncate("日本語", 5), "日本…");
        assert_eq!(tail("ab日本", 4), "日本");
    }
}
