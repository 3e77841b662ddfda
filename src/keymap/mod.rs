//! Key bindings as data: every action, its default keys per context, the vim preset, and
//! user overrides from the config file. What the keys are is in `table.rs` (contexts,
//! actions, default keys): a new action or a popup's keys touch that file only. The help overlay is generated from the live map, the
//! printed config's `[keys]` actions from the table (`print.rs`).

mod keyspec;
mod print;

pub use keyspec::KeySpec;
pub use print::config_lines;
pub use table::{Action, Context, REACT_PICKS, default_keys};

use crossterm::event::KeyEvent;
use std::collections::BTreeMap;
use table::defaults;

macro_rules! actions {
    ($($variant:ident => $name:literal, $context:ident, $help:literal;)*) => {
        /// Everything a key can do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action { $($variant),* }

        impl Action {
            pub const ALL: &[Action] = &[$(Action::$variant),*];
            /// The name used in the config file.
            pub fn name(self) -> &'static str { match self { $(Action::$variant => $name),* } }
            pub fn context(self) -> Context { match self { $(Action::$variant => Context::$context),* } }
            pub fn help(self) -> &'static str { match self { $(Action::$variant => $help),* } }
            pub fn from_name(name: &str) -> Option<Action> {
                match name { $($name => Some(Action::$variant),)* _ => None }
            }
        }
    };
}

// After the macro: the table uses it.
mod table;

/// Which set of defaults to start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Preset {
    #[default]
    Default,
    /// Modal: Esc leaves the composer for selection mode, hjkl-style keys there.
    Vim,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: BTreeMap<(Context, KeySpec), Action>,
    /// Each action's first key as declared (defaults or the config's list): the one hints show.
    primary: BTreeMap<Action, KeySpec>,
    pub preset: Preset,
}

impl Keymap {
    pub fn new(preset: Preset) -> Keymap {
        let mut km = Keymap {
            bindings: BTreeMap::new(),
            primary: BTreeMap::new(),
            preset,
        };
        // The defaults are constants: a name that does not parse is a bug the keymap tests
        // catch (`every_default_key_parses`); it is skipped rather than a panic at start.
        for (action, key) in defaults(preset) {
            let Ok(spec) = KeySpec::parse(key) else {
                continue;
            };
            km.bindings.insert((action.context(), spec), action);
            km.primary.entry(action).or_insert(spec);
        }
        // Keys that only make sense where letters are not text: global actions reachable by
        // plain keys in selection mode (and Esc leaving insert mode in the vim preset).
        let mut select_only = vec![(Action::Help, "?")];
        if preset == Preset::Vim {
            select_only.extend([
                (Action::PageUp, "ctrl+u"),
                (Action::PageDown, "ctrl+d"),
                (Action::NextConversation, "shift+j"),
                (Action::PrevConversation, "shift+k"),
            ]);
            if let Ok(esc) = KeySpec::parse("esc") {
                km.bindings
                    .insert((Context::Composer, esc), Action::SelectMode);
            }
        }
        for (action, key) in select_only {
            if let Ok(spec) = KeySpec::parse(key) {
                km.bindings.insert((Context::Select, spec), action);
            }
        }
        km
    }

    /// Applies `[keys]` overrides: each named action gets exactly the given keys.
    pub fn with_overrides(
        mut self,
        overrides: &BTreeMap<String, Vec<String>>,
    ) -> Result<Keymap, String> {
        for (name, keys) in overrides {
            let action = Action::from_name(name)
                .ok_or_else(|| format!("[keys]: unknown action {name:?}"))?;
            self.bindings.retain(|_, a| *a != action);
            self.primary.remove(&action);
            for k in keys {
                let spec = KeySpec::parse(k).map_err(|e| format!("[keys] {name}: {e}"))?;
                self.bindings.insert((action.context(), spec), action);
                self.primary.entry(action).or_insert(spec);
            }
        }
        Ok(self)
    }

    /// The action for a key in a context (context bindings first, then global ones).
    pub fn resolve(&self, ctx: Context, key: &KeyEvent) -> Option<Action> {
        let spec = KeySpec::from_event(key)?;
        self.bindings
            .get(&(ctx, spec))
            .or_else(|| self.bindings.get(&(Context::Global, spec)))
            .copied()
    }

    /// The keys bound to an action, for hints and help.
    pub fn keys_for(&self, action: Action) -> Vec<KeySpec> {
        let mut keys: Vec<(bool, KeySpec)> = self
            .bindings
            .iter()
            .filter(|(_, a)| **a == action)
            .map(|((ctx, k), _)| (*ctx != action.context(), *k))
            .collect();
        // Keys of the action's own context first (F1 before the selection-mode "?").
        keys.sort_by_key(|(other, _)| *other);
        keys.into_iter().map(|(_, k)| k).collect()
    }

    /// First key of an action as text ("Ctrl+K"), or "unbound": the first one declared (in the
    /// defaults or the config's list) while it is still bound to the action.
    pub fn hint(&self, action: Action) -> String {
        self.primary
            .get(&action)
            .filter(|k| self.bindings.get(&(action.context(), **k)) == Some(&action))
            .copied()
            .or_else(|| self.keys_for(action).first().copied())
            .map(|k| k.to_string())
            .unwrap_or_else(|| "unbound".into())
    }

    /// (section, keys, description) for the help overlay, in a stable order.
    pub fn help_rows(&self) -> Vec<(&'static str, String, &'static str)> {
        Action::ALL
            .iter()
            .filter_map(|a| {
                let keys = self.keys_for(*a);
                if keys.is_empty() {
                    return None;
                }
                let section = a.context().title();
                Some((
                    section,
                    keys.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(" "),
                    a.help(),
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    #[test]
    fn every_default_key_parses() {
        for preset in [Preset::Default, Preset::Vim] {
            for (action, key) in defaults(preset) {
                assert!(
                    KeySpec::parse(key).is_ok(),
                    "{preset:?} {action:?}: {key:?}"
                );
            }
        }
    }

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn keys_parse_and_print() {
        assert_eq!(KeySpec::parse("ctrl+k").unwrap().to_string(), "Ctrl+K");
        assert_eq!(
            KeySpec::parse("Alt+Enter").unwrap().to_string(),
            "Alt+Enter"
        );
        assert_eq!(
            KeySpec::parse("shift+tab").unwrap(),
            KeySpec::parse("backtab").unwrap()
        );
        assert_eq!(
            KeySpec::parse("shift+g").unwrap(),
            KeySpec::parse("G").unwrap()
        );
        assert_eq!(KeySpec::parse("f1").unwrap().to_string(), "F1");
        assert_eq!(KeySpec::parse("+").unwrap().to_string(), "+");
        assert!(KeySpec::parse("hyper+x").is_err());
        assert!(KeySpec::parse("nosuchkey").is_err());
    }

    #[test]
    fn context_bindings_shadow_global_ones() {
        let km = Keymap::new(Preset::Default);
        let up = ev(KeyCode::Up, KeyModifiers::NONE);
        assert_eq!(km.resolve(Context::Composer, &up), Some(Action::EditLast));
        assert_eq!(km.resolve(Context::Select, &up), Some(Action::SelectUp));
        let k = ev(KeyCode::Char('k'), KeyModifiers::CONTROL);
        assert_eq!(km.resolve(Context::Composer, &k), Some(Action::Switcher));
        assert_eq!(km.resolve(Context::Select, &k), Some(Action::Switcher));
        // Shifted characters arrive as uppercase with SHIFT set.
        let vim = Keymap::new(Preset::Vim);
        assert_eq!(
            vim.resolve(
                Context::Select,
                &ev(KeyCode::Char('G'), KeyModifiers::SHIFT)
            ),
            Some(Action::ScrollBottom)
        );
        assert_eq!(
            vim.resolve(Context::Composer, &ev(KeyCode::Esc, KeyModifiers::NONE)),
            Some(Action::SelectMode)
        );
        assert_eq!(
            km.resolve(Context::Composer, &ev(KeyCode::Esc, KeyModifiers::NONE)),
            Some(Action::Cancel)
        );
        // Plain letters in the composer are text, not actions.
        assert_eq!(
            km.resolve(
                Context::Composer,
                &ev(KeyCode::Char('r'), KeyModifiers::NONE)
            ),
            None
        );
    }

    #[test]
    fn overrides_replace_an_actions_keys() {
        let mut o = BTreeMap::new();
        o.insert("switcher".to_string(), vec!["ctrl+p".to_string()]);
        let km = Keymap::new(Preset::Default).with_overrides(&o).unwrap();
        assert_eq!(
            km.resolve(
                Context::Composer,
                &ev(KeyCode::Char('p'), KeyModifiers::CONTROL)
            ),
            Some(Action::Switcher)
        );
        assert_eq!(
            km.resolve(
                Context::Composer,
                &ev(KeyCode::Char('k'), KeyModifiers::CONTROL)
            ),
            None
        );
        assert_eq!(km.hint(Action::Switcher), "Ctrl+P");
        o.insert("nope".to_string(), vec![]);
        assert!(
            Keymap::new(Preset::Default)
                .with_overrides(&o)
                .unwrap_err()
                .contains("nope")
        );
    }

    #[test]
    fn help_lists_every_bound_action() {
        let km = Keymap::new(Preset::Default);
        let rows = km.help_rows();
        assert_eq!(rows.len(), Action::ALL.len());
        assert!(
            rows.iter()
                .any(|(s, k, _)| *s == "anywhere" && k.contains("Ctrl+K"))
        );
        assert!(
            rows.iter()
                .any(|(s, k, h)| *s == "anywhere" && k == "Ctrl+Z" && h.contains("suspend"))
        );
    }

    #[test]
    fn ctrl_z_suspends_in_every_context() {
        let km = Keymap::new(Preset::Default);
        let z = ev(KeyCode::Char('z'), KeyModifiers::CONTROL);
        for ctx in [Context::Global, Context::Composer, Context::Select] {
            assert_eq!(km.resolve(ctx, &z), Some(Action::Suspend), "{ctx:?}");
        }
        assert_eq!(Action::from_name("suspend"), Some(Action::Suspend));
    }

    #[test]
    fn popups_have_their_own_contexts_with_todays_keys() {
        for km in [Keymap::new(Preset::Default), Keymap::new(Preset::Vim)] {
            let key = |c: KeyCode| ev(c, KeyModifiers::NONE);
            let r = |ctx, c| km.resolve(ctx, &key(c));
            assert_eq!(
                r(Context::Confirm, KeyCode::Char('y')),
                Some(Action::ConfirmYes)
            );
            assert_eq!(
                km.resolve(
                    Context::Confirm,
                    &ev(KeyCode::Char('Y'), KeyModifiers::SHIFT)
                ),
                Some(Action::ConfirmYes)
            );
            assert_eq!(r(Context::Confirm, KeyCode::Char('n')), None);
            assert_eq!(r(Context::React, KeyCode::Left), Some(Action::ReactLeft));
            assert_eq!(
                r(Context::React, KeyCode::Char('h')),
                Some(Action::ReactLeft)
            );
            assert_eq!(r(Context::React, KeyCode::Tab), Some(Action::ReactRight));
            assert_eq!(r(Context::React, KeyCode::Enter), Some(Action::ReactPick));
            assert_eq!(r(Context::React, KeyCode::Char('8')), Some(Action::React8));
            assert_eq!(r(Context::Call, KeyCode::Char('y')), Some(Action::CallCopy));
            assert_eq!(r(Context::Call, KeyCode::Enter), Some(Action::CallOpen));
            assert_eq!(r(Context::Help, KeyCode::Char('j')), Some(Action::HelpDown));
            assert_eq!(r(Context::Help, KeyCode::PageUp), Some(Action::HelpPageUp));
            assert_eq!(
                r(Context::Switcher, KeyCode::Tab),
                Some(Action::SwitcherDown)
            );
            assert_eq!(
                r(Context::Switcher, KeyCode::Esc),
                Some(Action::SwitcherClose)
            );
            assert_eq!(
                r(Context::Switcher, KeyCode::Backspace),
                Some(Action::SwitcherErase)
            );
            // Letters are the switcher's query, not actions.
            assert_eq!(r(Context::Switcher, KeyCode::Char('j')), None);
            // Global keys still resolve in popups (Ctrl+K closes the switcher, Ctrl+Z suspends).
            let ctrl = |c| ev(KeyCode::Char(c), KeyModifiers::CONTROL);
            assert_eq!(
                km.resolve(Context::Switcher, &ctrl('k')),
                Some(Action::Switcher)
            );
            for ctx in [
                Context::Switcher,
                Context::Help,
                Context::Call,
                Context::Confirm,
                Context::React,
            ] {
                assert_eq!(
                    km.resolve(ctx, &ctrl('z')),
                    Some(Action::Suspend),
                    "{ctx:?}"
                );
            }
            assert_eq!(REACT_PICKS.len(), 8);
        }
    }

    #[test]
    fn popup_hints_show_the_first_key_declared() {
        let km = Keymap::new(Preset::Default);
        assert_eq!(km.hint(Action::ConfirmYes), "y");
        assert_eq!(km.hint(Action::ReactLeft), "←");
        assert_eq!(km.hint(Action::ReactRight), "→");
        assert_eq!(km.hint(Action::ReactPick), "Enter");
        assert_eq!(km.hint(Action::CallCopy), "c");
        assert_eq!(km.hint(Action::CallOpen), "o");
        let mut o = BTreeMap::new();
        o.insert(
            "confirm_yes".to_string(),
            vec!["ctrl+y".to_string(), "j".to_string()],
        );
        o.insert("react_left".to_string(), vec![]);
        let km = km.with_overrides(&o).unwrap();
        assert_eq!(km.hint(Action::ConfirmYes), "Ctrl+Y");
        assert_eq!(km.hint(Action::ReactLeft), "unbound");
        // A key taken by another action of the context falls back to the action's other keys.
        let mut o = BTreeMap::new();
        o.insert("call_open".to_string(), vec!["c".to_string()]);
        let km = Keymap::new(Preset::Default).with_overrides(&o).unwrap();
        assert_eq!(km.hint(Action::CallCopy), "y");
        assert_eq!(km.hint(Action::CallOpen), "c");
    }

    #[test]
    fn help_lists_the_popup_contexts() {
        let rows = Keymap::new(Preset::Default).help_rows();
        let row = |action: Action| {
            rows.iter()
                .find(|(_, _, h)| *h == action.help())
                .map(|(s, k, _)| (*s, k.as_str()))
        };
        assert_eq!(
            row(Action::SwitcherDown),
            Some(("switcher popup (other keys type the query)", "Tab ↓"))
        );
        assert_eq!(
            row(Action::HelpDown),
            Some(("help popup (any other key closes)", "j ↓"))
        );
        assert_eq!(
            row(Action::CallCopy),
            Some(("meeting link popup (any other key closes)", "c y"))
        );
        assert_eq!(
            row(Action::ConfirmYes),
            Some(("confirm popup (any other key is no)", "Y y"))
        );
        assert_eq!(
            row(Action::ReactLeft),
            Some(("reaction picker (any other key closes)", "h ←"))
        );
        // Each section comes once, after the selection keys.
        let mut sections: Vec<&str> = rows.iter().map(|(s, _, _)| *s).collect();
        sections.dedup();
        assert_eq!(sections.len(), 14, "{sections:?}");
        assert_eq!(sections[2], "selection");
    }
}
