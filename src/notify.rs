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

#[cfg(test)]
mod tests {
    use super::*;

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
