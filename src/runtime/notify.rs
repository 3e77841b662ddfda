//! Terminal-side notifications and clipboard: bell, OSC 777 and OSC 9 desktop notifications
//! (they pass through SSH), OSC 52 copy. All text is sanitized; fields cannot break out of
//! the escape sequence.
//!
//! Inside tmux or GNU screen a notification would stop at the multiplexer, so it is wrapped in
//! the multiplexer's DCS passthrough to reach the outer terminal. OSC 52 is not wrapped for
//! tmux (its own clipboard handling, `set-clipboard on`, takes it) but is for screen, which
//! has none. The bell is never wrapped: every multiplexer shows it, so it is the fallback when
//! passthrough is off. The event loop reads the environment once ([`Multiplexer::from_env`]);
//! the functions that build bytes are pure.

use base64::Engine;
use std::ffi::OsStr;

/// The terminal multiplexer the client runs in, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Multiplexer {
    #[default]
    None,
    Tmux,
    Screen,
}

impl Multiplexer {
    /// From `$TMUX` and `$STY` (screen's session name).
    pub fn from_env() -> Multiplexer {
        Multiplexer::detect(
            std::env::var_os("TMUX").as_deref(),
            std::env::var_os("STY").as_deref(),
        )
    }

    /// An empty variable counts as unset (`TMUX= tmux` is how people nest sessions). With
    /// both set, tmux wins: it is the one usually started last, inside screen's shell.
    pub fn detect(tmux: Option<&OsStr>, sty: Option<&OsStr>) -> Multiplexer {
        let set = |v: Option<&OsStr>| v.is_some_and(|v| !v.is_empty());
        if set(tmux) {
            Multiplexer::Tmux
        } else if set(sty) {
            Multiplexer::Screen
        } else {
            Multiplexer::None
        }
    }
}

/// True when a local desktop can be reached (not over SSH, a display exists).
pub fn desktop_is_local() -> bool {
    std::env::var_os("SSH_CONNECTION").is_none()
        && (std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some())
}

/// Characters of one screen DCS string. Screen 4 keeps at most 767 bytes of one (`MAXSTR`
/// 768; very old builds kept less) and drops the rest; it stores a byte per character.
const SCREEN_CHUNK_CHARS: usize = 240;

/// `<` and `>` as look-alikes (`‹`, `›`), so no tag can be made of a notification's text
/// where a daemon reads markup in it: a link to click, an image to fetch. For the title of
/// `notify-send` (plain text to the spec, but not to every daemon) and for OSC 777/9, which
/// a terminal may hand to `notify-send` as it is (foot does).
fn unmarked(text: &str) -> String {
    text.replace('<', "\u{2039}").replace('>', "\u{203a}")
}

/// What to give `notify-send` after `--`: the title and the body, one line each. The body is
/// markup to most notification daemons (`<a href>`, `<b>`, `<img>`), so its `&`, `<` and `>`
/// are written as entities, which they show as the characters; the title gets look-alikes
/// (a daemon that shows it as plain text would show an entity as typed).
pub fn notify_send_texts(title: &str, body: &str) -> (String, String) {
    let title = unmarked(&crate::sanitize::one_line(title, 200));
    let body = crate::sanitize::one_line(body, 200)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    (title, body)
}

fn field(text: &str, mux: Multiplexer) -> String {
    let text = unmarked(&crate::sanitize::one_line(text, 200)).replace(';', ",");
    match mux {
        // A UTF-8 screen window (`defutf8`, the default in a UTF-8 locale) decodes the
        // passthrough and keeps one byte per character, the low one: U+021B would come out
        // as ESC, and a Latin-1 letter as one byte a UTF-8 outer terminal cannot read. ASCII
        // survives; the rest becomes `?`.
        Multiplexer::Screen => text
            .chars()
            .map(|c| if c.is_ascii() { c } else { '?' })
            .collect(),
        Multiplexer::None | Multiplexer::Tmux => text,
    }
}

/// OSC 777 (urxvt, foot, kitty, WezTerm…) and OSC 9 (iTerm2, Windows Terminal…), wrapped for
/// the multiplexer (tmux ≥ 3.3 passes it only with `allow-passthrough on`).
pub fn desktop_sequence(title: &str, body: &str, mux: Multiplexer) -> String {
    let (t, b) = (field(title, mux), field(body, mux));
    let with_st = || format!("\x1b]777;notify;{t};{b}\x1b\\\x1b]9;{t}: {b}\x1b\\");
    match mux {
        Multiplexer::None => with_st(),
        Multiplexer::Tmux => tmux_passthrough(&with_st()),
        // Screen ends its DCS at the first ST, so the OSCs inside end with BEL.
        Multiplexer::Screen => {
            screen_passthrough(&format!("\x1b]777;notify;{t};{b}\x07\x1b]9;{t}: {b}\x07"))
        }
    }
}

/// OSC 52: put `text` on the system clipboard through the terminal. Plain for tmux, whose
/// `set-clipboard on` forwards it; wrapped for screen.
pub fn copy_sequence(text: &str, mux: Multiplexer) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let osc = format!("\x1b]52;c;{encoded}\x07");
    match mux {
        Multiplexer::None | Multiplexer::Tmux => osc,
        Multiplexer::Screen => screen_passthrough(&osc),
    }
}

/// tmux's passthrough: `ESC P tmux;`, the sequence with every ESC doubled, `ESC \`.
fn tmux_passthrough(sequence: &str) -> String {
    format!("\x1bPtmux;{}\x1b\\", sequence.replace('\x1b', "\x1b\x1b"))
}

/// Screen's passthrough: `ESC P <sequence> ESC \`, cut into strings short enough for screen.
/// `sequence` must hold no ST (it would end the string early). A cut never falls right after
/// an ESC, so each string ends with exactly our ST.
fn screen_passthrough(sequence: &str) -> String {
    debug_assert!(
        !sequence.contains("\x1b\\"),
        "an ST inside ends screen's DCS"
    );
    let chars: Vec<char> = sequence.chars().collect();
    let mut out = String::with_capacity(sequence.len() + 8);
    let mut start = 0;
    while start < chars.len() {
        let mut end = (start + SCREEN_CHUNK_CHARS).min(chars.len());
        if end < chars.len() && chars[end - 1] == '\x1b' {
            end -= 1;
        }
        out.push_str("\x1bP");
        out.extend(&chars[start..end]);
        out.push_str("\x1b\\");
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The strings of a screen passthrough, unwrapped (each must be `ESC P … ESC \`).
    fn screen_strings(s: &str) -> Vec<&str> {
        let body = s.strip_suffix("\x1b\\").expect("ends with ST");
        body.split("\x1b\\")
            .map(|part| {
                part.strip_prefix("\x1bP")
                    .expect("each string starts with DCS")
            })
            .collect()
    }

    #[test]
    fn the_multiplexer_comes_from_tmux_then_sty() {
        let v = |s: &'static str| Some(OsStr::new(s));
        let tmux = v("/tmp/tmux-1000/default,1234,0");
        assert_eq!(Multiplexer::detect(tmux, None), Multiplexer::Tmux);
        assert_eq!(
            Multiplexer::detect(None, v("4242.pts-0.host")),
            Multiplexer::Screen
        );
        assert_eq!(
            Multiplexer::detect(tmux, v("4242.pts-0.host")),
            Multiplexer::Tmux
        );
        assert_eq!(Multiplexer::detect(v(""), v("")), Multiplexer::None);
        assert_eq!(Multiplexer::detect(v(""), v("1.x")), Multiplexer::Screen);
        assert_eq!(Multiplexer::detect(None, None), Multiplexer::None);
    }

    #[test]
    fn notifications_outside_tmux_and_screen_are_plain_osc_777_and_9() {
        assert_eq!(
            desktop_sequence("alice", "hi", Multiplexer::None),
            "\x1b]777;notify;alice;hi\x1b\\\x1b]9;alice: hi\x1b\\"
        );
    }

    #[test]
    fn inside_tmux_notifications_go_through_its_passthrough_with_esc_doubled() {
        let s = desktop_sequence("alice", "hi", Multiplexer::Tmux);
        assert_eq!(
            s,
            "\x1bPtmux;\x1b\x1b]777;notify;alice;hi\x1b\x1b\\\x1b\x1b]9;alice: hi\x1b\x1b\\\x1b\\"
        );
        // Undoing tmux's wrapping gives the plain sequence back.
        let inner = s
            .strip_prefix("\x1bPtmux;")
            .and_then(|s| s.strip_suffix("\x1b\\"))
            .unwrap()
            .replace("\x1b\x1b", "\x1b");
        assert_eq!(inner, desktop_sequence("alice", "hi", Multiplexer::None));
    }

    #[test]
    fn inside_screen_notifications_end_with_bel_inside_its_passthrough() {
        assert_eq!(
            desktop_sequence("alice", "hi", Multiplexer::Screen),
            "\x1bP\x1b]777;notify;alice;hi\x07\x1b]9;alice: hi\x07\x1b\\"
        );
    }

    #[test]
    fn long_screen_payloads_are_cut_into_strings_screen_keeps_whole() {
        let (title, body) = ("t".repeat(150), "b".repeat(190));
        let s = desktop_sequence(&title, &body, Multiplexer::Screen);
        let strings = screen_strings(&s);
        assert!(strings.len() > 1, "{} strings", strings.len());
        for part in &strings {
            assert!(part.chars().count() <= SCREEN_CHUNK_CHARS, "{}", part.len());
        }
        assert_eq!(
            strings.concat(),
            format!("\x1b]777;notify;{title};{body}\x07\x1b]9;{title}: {body}\x07")
        );
        // A cut that would leave an ESC last moves it to the next string instead.
        let tricky = format!("{}\x1b]52;c;QQ==\x07", "x".repeat(SCREEN_CHUNK_CHARS - 1));
        let wrapped = screen_passthrough(&tricky);
        let strings = screen_strings(&wrapped);
        assert_eq!(strings[0], "x".repeat(SCREEN_CHUNK_CHARS - 1));
        assert_eq!(strings.concat(), tricky);
    }

    #[test]
    fn server_text_never_escapes_the_sequence_in_any_multiplexer() {
        // ESC, BEL, an ST, C1 ST and OSC, bidi, and two characters whose low bytes are ESC
        // (U+021B) and BEL (U+0107), which screen would otherwise pass on as controls.
        let title = "ali\x1b]0;x\x07ceț\x1b\\\u{9c}\u{202e}\u{9d}rest";
        let body = "hi;there\nsecond ć";
        // (ESC, BEL) of our own sequence and wrapping.
        for (mux, escapes, bels) in [
            (Multiplexer::None, 4, 0),
            (Multiplexer::Tmux, 2 + 4 * 2, 0),
            (Multiplexer::Screen, 2 + 2, 2),
        ] {
            let s = desktop_sequence(title, body, mux);
            assert_eq!(s.matches('\x1b').count(), escapes, "{mux:?}: {s:?}");
            assert_eq!(s.matches('\x07').count(), bels, "{mux:?}: {s:?}");
            assert!(!s.contains('\u{9c}') && !s.contains('\u{9d}') && !s.contains('\u{202e}'));
            assert!(
                s.contains("alice") && s.contains("hi,there second"),
                "{mux:?}: {s:?}"
            );
        }
        let screen = desktop_sequence(title, body, Multiplexer::Screen);
        assert!(
            screen.contains("alice?") && screen.contains("second ?"),
            "{screen:?}"
        );
        // Screen passes one byte per character: only ASCII reaches a UTF-8 terminal intact.
        assert!(desktop_sequence("café", "", Multiplexer::Screen).contains("caf?"));
        assert!(desktop_sequence(title, body, Multiplexer::Tmux).contains("aliceț"));
    }

    #[test]
    fn notification_texts_carry_no_markup() {
        let title = "<b>ceo</b> & co";
        let body = "<a href=\"https://evil.example\">your invoice</a> & <img src=x> a<b";
        let (t, b) = notify_send_texts(title, body);
        assert_eq!(
            b,
            "&lt;a href=\"https://evil.example\"&gt;your invoice&lt;/a&gt; &amp; &lt;img src=x&gt; a&lt;b"
        );
        assert_eq!(t, "\u{2039}b\u{203a}ceo\u{2039}/b\u{203a} & co");
        // Terminal notifications, which a terminal may pass to notify-send as they are.
        for mux in [Multiplexer::None, Multiplexer::Tmux, Multiplexer::Screen] {
            let s = desktop_sequence(title, body, mux);
            assert!(!s.contains('<') && !s.contains('>'), "{mux:?}: {s:?}");
        }
    }

    #[test]
    fn copies_are_plain_for_tmux_and_wrapped_for_screen() {
        let plain = copy_sequence("héllo", Multiplexer::None);
        assert_eq!(plain, "\x1b]52;c;aMOpbGxv\x07");
        assert_eq!(copy_sequence("héllo", Multiplexer::Tmux), plain);
        assert_eq!(
            copy_sequence("héllo", Multiplexer::Screen),
            "\x1bP\x1b]52;c;aMOpbGxv\x07\x1b\\"
        );
        let long = "https://chat.example.com/api/resource/file?path=".repeat(20);
        let wrapped = copy_sequence(&long, Multiplexer::Screen);
        let strings = screen_strings(&wrapped);
        assert!(strings.len() > 1);
        let inner = strings.concat();
        let b64 = inner
            .strip_prefix("\x1b]52;c;")
            .and_then(|s| s.strip_suffix('\x07'))
            .unwrap();
        assert_eq!(
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap(),
            long.as_bytes()
        );
    }
}
