//! Terminal-side notifications and clipboard: bell, OSC 777 and OSC 9 desktop notifications
//! (they pass through SSH), OSC 52 copy. All text is sanitized; fields cannot break out of
//! the escape sequence.

use base64::Engine;

/// True when a local desktop can be reached (not over SSH, a display exists).
pub fn desktop_is_local() -> bool {
    std::env::var_os("SSH_CONNECTION").is_none()
        && (std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some())
}

fn field(text: &str) -> String {
    crate::sanitize::one_line(text, 200).replace(';', ",")
}

/// OSC 777 (urxvt, foot, kitty, WezTerm…) and OSC 9 (iTerm2, Windows Terminal…).
pub fn desktop_sequence(title: &str, body: &str) -> String {
    let (t, b) = (field(title), field(body));
    format!("\x1b]777;notify;{t};{b}\x1b\\\x1b]9;{t}: {b}\x1b\\")
}

/// OSC 52: put `text` on the system clipboard through the terminal.
pub fn copy_sequence(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{encoded}\x07")
}

/// Re-prints on-screen links as OSC 8 hyperlinks (cursor saved and restored), so terminals
/// that support them make the text clickable; others ignore the sequences.
pub fn hyperlinks(links: &[crate::ui::Link]) -> String {
    if links.is_empty() {
        return String::new();
    }
    let mut out = String::from("\x1b7");
    for l in links {
        // The URL came from the server: no control characters, no ST inside.
        let url: String = l.url.chars().filter(|c| !c.is_control()).collect();
        out.push_str(&format!(
            "\x1b[{};{}H\x1b]8;;{url}\x1b\\\x1b[4m{}\x1b[24m\x1b]8;;\x1b\\",
            l.y + 1,
            l.x + 1,
            crate::runtime::emit::stable_text(&crate::sanitize::clean(&l.text))
        ));
    }
    out.push_str("\x1b8");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyperlinks_wrap_the_text_at_its_position() {
        let links = [crate::ui::Link {
            x: 4,
            y: 2,
            text: "https://x.org".into(),
            url: "https://x.org\x07".into(),
        }];
        let s = hyperlinks(&links);
        assert!(s.starts_with("\x1b7\x1b[3;5H\x1b]8;;https://x.org\x1b\\"));
        assert!(s.ends_with("\x1b]8;;\x1b\\\x1b8"));
        assert!(!s.contains('\x07'));
        assert_eq!(hyperlinks(&[]), "");
    }

    #[test]
    fn sequences_cannot_be_broken_out_of() {
        let s = desktop_sequence("ali\x1b]0;x\x07ce", "hi;there\nsecond");
        assert_eq!(s.matches('\x1b').count(), 4, "only our own escapes: {s:?}");
        assert!(s.contains("alice"));
        assert!(s.contains("hi,there second"));
        let c = copy_sequence("héllo");
        assert!(c.starts_with("\x1b]52;c;") && c.ends_with('\x07'));
        let b64 = &c[7..c.len() - 1];
        assert_eq!(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap(),
            "héllo".as_bytes()
        );
    }
}
