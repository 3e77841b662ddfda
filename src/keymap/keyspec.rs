//! One key with modifiers as data: parsed from the config's names (`ctrl+k`, `alt+enter`,
//! `F1`…), normalized so `Shift+a` and `A` are one key, and shown the way help prints it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::fmt;

/// A key with modifiers, normalized so that `Shift+a` and `A` are the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeySpec {
    code: KeyCodeOrd,
    mods: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum KeyCodeOrd {
    Char(char),
    F(u8),
    Named(u8),
}

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pgup", KeyCode::PageUp),
    ("pgdown", KeyCode::PageDown),
    ("insert", KeyCode::Insert),
];

const CTRL: u8 = 1;
const ALT: u8 = 2;
const SHIFT: u8 = 4;

impl KeySpec {
    pub fn from_event(k: &KeyEvent) -> Option<KeySpec> {
        let mut mods = 0;
        if k.modifiers.contains(KeyModifiers::CONTROL) {
            mods |= CTRL;
        }
        if k.modifiers.contains(KeyModifiers::ALT) {
            mods |= ALT;
        }
        if k.modifiers.contains(KeyModifiers::SHIFT) {
            mods |= SHIFT;
        }
        let code = match k.code {
            KeyCode::Char(c) => {
                mods &= !SHIFT; // the character already says it
                let c = if mods & CTRL != 0 {
                    c.to_ascii_lowercase()
                } else {
                    c
                };
                KeyCodeOrd::Char(c)
            }
            KeyCode::F(n) => KeyCodeOrd::F(n),
            KeyCode::BackTab => {
                mods &= !SHIFT;
                KeyCodeOrd::Named(NAMED.iter().position(|(_, c)| *c == KeyCode::BackTab)? as u8)
            }
            other => KeyCodeOrd::Named(NAMED.iter().position(|(_, c)| *c == other)? as u8),
        };
        Some(KeySpec { code, mods })
    }

    /// Parses `ctrl+k`, `alt+enter`, `shift+tab`, `pgup`, `f1`, `?`, `space`, `G`.
    pub fn parse(text: &str) -> Result<KeySpec, String> {
        let lower = text.trim().to_lowercase();
        let mut parts: Vec<&str> = lower.split('+').collect();
        let mut original_last = text.trim().rsplit('+').next().unwrap_or("");
        // "+" is the plus key; "ctrl++" is ctrl and the plus key.
        if lower.ends_with("++") || lower == "+" {
            parts.retain(|p| !p.is_empty());
            parts.push("+");
            original_last = "+";
        }
        let key = parts.pop().ok_or("empty key")?;
        let mut mods = 0;
        for m in parts {
            mods |= match m {
                "ctrl" | "c" => CTRL,
                "alt" | "meta" | "m" => ALT,
                "shift" | "s" => SHIFT,
                other => return Err(format!("unknown modifier {other:?} in {text:?}")),
            };
        }
        let code = if key == "space" {
            KeyCodeOrd::Char(' ')
        } else if let Some(n) = key.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
            KeyCodeOrd::F(n)
        } else if let Some(i) = NAMED.iter().position(|(name, _)| *name == key) {
            let backtab = NAMED.iter().position(|(n, _)| *n == "backtab");
            match backtab {
                Some(b) if key == "tab" && mods & SHIFT != 0 => {
                    mods &= !SHIFT;
                    KeyCodeOrd::Named(b as u8)
                }
                _ => KeyCodeOrd::Named(i as u8),
            }
        } else if let (Some(mut c), 1) =
            (original_last.chars().next(), original_last.chars().count())
        {
            if mods & SHIFT != 0 && mods & CTRL == 0 {
                c = c.to_ascii_uppercase();
            }
            mods &= !SHIFT;
            if mods & CTRL != 0 {
                c = c.to_ascii_lowercase();
            }
            KeyCodeOrd::Char(c)
        } else {
            return Err(format!("unknown key {text:?}"));
        };
        Ok(KeySpec { code, mods })
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods & CTRL != 0 {
            f.write_str("Ctrl+")?;
        }
        if self.mods & ALT != 0 {
            f.write_str("Alt+")?;
        }
        if self.mods & SHIFT != 0 {
            f.write_str("Shift+")?;
        }
        match self.code {
            KeyCodeOrd::Char(' ') => f.write_str("Space"),
            KeyCodeOrd::Char(c) => write!(
                f,
                "{}",
                if self.mods != 0 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            ),
            KeyCodeOrd::F(n) => write!(f, "F{n}"),
            KeyCodeOrd::Named(i) => {
                let name = NAMED[i as usize].0;
                f.write_str(match name {
                    "pgup" => "PgUp",
                    "pgdown" => "PgDn",
                    "up" => "↑",
                    "down" => "↓",
                    "left" => "←",
                    "right" => "→",
                    "backtab" => "Shift+Tab",
                    "enter" => "Enter",
                    "esc" => "Esc",
                    "tab" => "Tab",
                    "home" => "Home",
                    "end" => "End",
                    other => other,
                })
            }
        }
    }
}
