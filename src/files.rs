//! File names, paths and sizes as text (pure): untrusted names made safe for a file system,
//! `/upload` arguments split into paths, pasted text that looks like a path, human sizes and
//! transfer progress. No file-system access here; the runtime does that.

// A pure layer: IO, clocks, the environment and processes are a build error here (clippy.toml).
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]

use std::path::Path;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The longest file name, in bytes, that common file systems accept (ext4, APFS, btrfs).
pub const NAME_MAX: usize = 255;
/// Room kept for the ` (N)` that [`create_unique`] may add (N < 1000).
pub const SUFFIX_ROOM: usize = " (999)".len();
/// An "extension" longer than this (dot included) is treated as part of the name.
const EXT_MAX: usize = 17;

/// An untrusted name (a message's `name` property) made safe as one file name in the download
/// directory: no path separators, control or bidi characters, no leading dots, no trailing dots
/// or spaces, no Windows device name (`CON`, `nul.txt`, `COM1`… get a `_` prefix), and short
/// enough in bytes that a ` (N)` suffix still fits in 255 bytes. A long name is cut at a
/// character boundary and keeps its extension. Never empty; applying it twice changes nothing.
pub fn safe_file_name(raw: &str) -> String {
    let replaced: String = crate::sanitize::clean(raw)
        .chars()
        .map(|c| match c {
            '\n' | '\t' => ' ',
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trimmed = trim_name(&replaced);
    let named = if trimmed.is_empty() {
        "download".to_string()
    } else if is_reserved(trimmed) {
        format!("_{trimmed}")
    } else {
        trimmed.to_string()
    };
    fit(&named, NAME_MAX - SUFFIX_ROOM)
}

/// Without surrounding spaces, leading dots (hidden files, `..`) and trailing dots (Windows
/// drops them).
fn trim_name(name: &str) -> &str {
    name.trim()
        .trim_start_matches('.')
        .trim_end_matches(['.', ' '])
        .trim_start()
}

/// Windows device names, reserved with any extension and in any case.
fn is_reserved(name: &str) -> bool {
    let base = name
        .split('.')
        .next()
        .unwrap_or_default()
        .trim_end()
        .to_ascii_uppercase();
    let numbered = |prefix: &str| {
        base.strip_prefix(prefix)
            .is_some_and(|n| n.len() == 1 && matches!(n.as_bytes()[0], b'1'..=b'9'))
    };
    matches!(
        base.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || numbered("COM")
        || numbered("LPT")
}

/// `("notes", ".txt")`; `("README", "")`; an over-long or empty-stemmed extension stays in
/// the stem.
pub fn split_ext(name: &str) -> (&str, &str) {
    // rfind() of '.' gives a char boundary.
    match name.rfind('.') {
        Some(i) if i > 0 && name.len() - i <= EXT_MAX => name.split_at(i),
        _ => (name, ""),
    }
}

/// `name` cut to at most `budget` bytes, keeping its extension, never inside a character.
fn fit(name: &str, budget: usize) -> String {
    if name.len() <= budget {
        return name.to_string();
    }
    let (stem, ext) = split_ext(name);
    let stem = &stem[..stem.floor_char_boundary(budget.saturating_sub(ext.len()))];
    let stem = stem.trim_end_matches(['.', ' ']);
    format!("{stem}{ext}")
}

/// An untrusted file name as shown on one line of at most `max` cells: sanitized, spaces
/// folded, and when too long cut in the middle (`Q3_report_…pdf______.terminal`), so its end,
/// where the extension that decides what opening it does is, always shows. Every place that
/// shows a file name uses this.
pub fn shown_name(raw: &str, max: usize) -> String {
    let name = crate::sanitize::one_line(raw, usize::MAX);
    if name.width() <= max {
        return name;
    }
    let Some(room) = max.checked_sub(1) else {
        return String::new(); // not even the ellipsis fits
    };
    let ext = name.rfind('.').map_or("", |i| &name[i..]);
    // The end keeps the extension whole (or as much of it as fits), else half the room.
    let tail = last_cells(&name, ext.width().max(room / 2).min(room));
    let head = first_cells(&name, room - tail.width());
    format!("{head}…{tail}")
}

/// The longest start of `s` that is at most `cells` wide.
fn first_cells(s: &str, cells: usize) -> &str {
    let mut w = 0;
    for (i, c) in s.char_indices() {
        w += c.width().unwrap_or(0);
        if w > cells {
            return &s[..i];
        }
    }
    s
}

/// The longest end of `s` that is at most `cells` wide.
fn last_cells(s: &str, cells: usize) -> &str {
    let mut w = 0;
    for (i, c) in s.char_indices().rev() {
        w += c.width().unwrap_or(0);
        if w > cells {
            return &s[i + c.len_utf8()..];
        }
    }
    s
}

/// Extensions of plain documents and media, opened without asking: what the system opener
/// does with them is show them. Anything else (`.desktop`, `.command`, `.terminal`, `.sh`,
/// `.exe`, `.jar`, `.app`, `.py`…, also `.html` and `.svg`, which run script in a browser,
/// and a name with no extension, which the opener sniffs) is confirmed first.
const PLAIN_EXTENSIONS: &[&str] = &[
    "pdf", "txt", "md", "png", "jpg", "jpeg", "gif", "webp", "bmp", "avif", "heic", "mp3", "m4a",
    "aac", "ogg", "oga", "opus", "flac", "wav", "mp4", "m4v", "mov", "webm", "mkv", "avi",
];

/// What a file name really ends with: the text after its last dot, lowercased (`None`
/// without a dot, or with nothing after it).
pub fn real_extension(name: &str) -> Option<String> {
    name.rsplit_once('.')
        .map(|(_, ext)| ext.to_lowercase())
        .filter(|ext| !ext.is_empty())
}

/// Whether a file saved as `name` (already [`safe_file_name`]) is a plain document or media
/// type that may be opened without asking.
pub fn opens_as_document(name: &str) -> bool {
    real_extension(name).is_some_and(|ext| PLAIN_EXTENSIONS.contains(&ext.as_str()))
}

/// Splits `/upload` arguments: spaces separate paths, quotes or backslashes keep spaces.
pub fn split_paths(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = args.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (None, c) if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            (_, c) => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Rate and time left from bytes sent since `started_ms`.
pub fn progress_text(sent: u64, total: u64, started_ms: i64, now_ms: i64) -> String {
    let pct = (sent * 100).checked_div(total).unwrap_or(100);
    let secs = ((now_ms - started_ms).max(1) as f64) / 1000.0;
    let rate = sent as f64 / secs;
    let left = if rate > 0.0 {
        ((total - sent.min(total)) as f64 / rate).ceil() as u64
    } else {
        0
    };
    format!("{pct}% {}/s ETA {left}s", human_size(rate as u64))
}

pub fn is_path_like(text: &str) -> bool {
    let t = text.trim();
    !t.contains('\n')
        && (t.starts_with('/') || t.starts_with("~/") || t.starts_with("file://"))
        && Path::new(t.trim_start_matches("file://"))
            .extension()
            .is_some()
}

pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// A server URL as part of a file name: its host, port and path, everything but ASCII
/// letters, digits, `.` and `-` replaced (the scheme and a trailing `/` left out).
pub fn server_file_stem(server: &str) -> String {
    let trimmed = server.trim_end_matches('/');
    let without_scheme = trimmed.split_once("://").map_or(trimmed, |(_, rest)| rest);
    without_scheme
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_arguments_split_into_paths() {
        assert_eq!(
            split_paths(r#"a.txt "my file.png" b\ c.pdf"#),
            vec!["a.txt", "my file.png", "b c.pdf"]
        );
    }

    #[test]
    fn pasted_paths_are_recognized() {
        assert!(
            is_path_like("/tmp/photo.jpg")
                && is_path_like("~/a.pdf")
                && !is_path_like("hello /tmp")
                && !is_path_like("/tmp")
        );
    }

    #[test]
    fn long_names_are_cut_in_the_middle_and_keep_their_end() {
        let disguised = format!("Q3_report{}.pdf{}.terminal", "_".repeat(60), "_".repeat(20));
        let shown = shown_name(&disguised, 40);
        assert_eq!(UnicodeWidthStr::width(shown.as_str()), 40);
        assert!(shown.starts_with("Q3_report_"), "{shown}");
        assert!(shown.ends_with("______.terminal"), "{shown}");
        assert!(shown.contains('…'), "{shown}");
        // Short names, and names that just fit, are left whole (one line, sanitized).
        assert_eq!(shown_name("notes.txt", 40), "notes.txt");
        assert_eq!(shown_name("a\nb\u{1b}[31m.txt", 40), "a b.txt");
        assert_eq!(shown_name("abcdef.txt", 10), "abcdef.txt");
        // Wide characters count as two cells, and the extension stays whole while it fits.
        let cjk = format!("{}.docx", "报告".repeat(30));
        let shown = shown_name(&cjk, 21);
        assert!(UnicodeWidthStr::width(shown.as_str()) <= 21, "{shown}");
        assert!(
            shown.ends_with(".docx") && shown.starts_with("报告"),
            "{shown}"
        );
        // An extension wider than the room: the end of the name still shows.
        let long_ext = format!("a.{}", "x".repeat(50));
        assert!(shown_name(&long_ext, 12).ends_with("xxxxxxxxxx"));
        assert_eq!(shown_name("abc.txt", 0), "");
        assert_eq!(shown_name("abc.txt", 1), "…");
    }

    #[test]
    fn only_plain_documents_and_media_open_without_asking() {
        for ok in [
            "report.pdf",
            "Photo.JPG",
            "notes.txt",
            "song.mp3",
            "clip.webm",
        ] {
            assert!(opens_as_document(ok), "{ok}");
        }
        for ask in [
            "Q3_report.pdf______.terminal",
            "run.desktop",
            "x.command",
            "setup.exe",
            "a.sh",
            "tool.jar",
            "page.html",
            "logo.svg",
            "script.py",
            "README",
            "trailing.",
            "archive.tar.gz",
        ] {
            assert!(!opens_as_document(ask), "{ask}");
        }
        assert_eq!(
            real_extension("a.pdf.Terminal").as_deref(),
            Some("terminal")
        );
        assert_eq!(real_extension("README"), None);
    }

    #[test]
    fn progress_reads_well() {
        assert_eq!(progress_text(50, 100, 0, 1000), "50% 50 B/s ETA 1s");
        assert_eq!(progress_text(0, 0, 0, 10), "100% 0 B/s ETA 0s");
    }
}
