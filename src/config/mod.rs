//! The config file (TOML at the platform config directory): theme, key preset and overrides,
//! login defaults, notifications, UI and sync tunables. `example.toml` documents every option
//! and is what `--print-config` prints, with every action of the key map's table put in its
//! `[keys]` section (`example`); parsing that must give the defaults.

mod accounts;

pub use accounts::{Account, AccountTable, host_name};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The documented config, less the `[keys]` actions (`ACTIONS` marks their place).
const TEMPLATE: &str = include_str!("example.toml");
const ACTIONS: &str = "# <actions>\n";

/// The config `--print-config` prints: every option at its default, commented, and every
/// action of the key map with its default keys and help (generated from the table).
pub fn example() -> String {
    TEMPLATE.replacen(ACTIONS, &crate::keymap::config_lines(), 1)
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub theme: String,
    pub keymap: String,
    pub server: Option<String>,
    pub login: Login,
    pub keys: BTreeMap<String, Keys>,
    pub notifications: Notifications,
    pub ui: Ui,
    pub sidebar: Sidebar,
    pub sync: Sync,
    pub upload: Upload,
    pub vocespace: crate::protocol::vocespace::Settings,
    /// The `[[account]]` tables (see [`Config::accounts`]).
    #[serde(rename = "account")]
    pub account_tables: Vec<AccountTable>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Upload {
    pub chunk_kib: u64,
}

impl Upload {
    /// The chunk size in bytes (in range: `Config::parse` checks `chunk_kib`).
    pub fn chunk_size(&self) -> usize {
        usize::try_from(self.chunk_kib.saturating_mul(1024)).unwrap_or(usize::MAX)
    }
}

impl Default for Upload {
    fn default() -> Self {
        Upload { chunk_kib: 200 }
    }
}

/// One key or several.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Keys {
    One(String),
    Many(Vec<String>),
}

impl Keys {
    pub fn list(&self) -> Vec<String> {
        match self {
            Keys::One(k) => vec![k.clone()],
            Keys::Many(v) => v.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Login {
    pub email: Option<String>,
    pub password_command: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum NotifyLevel {
    All,
    #[default]
    Mentions,
    None,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Notifications {
    pub bell: bool,
    pub desktop: bool,
    pub level: NotifyLevel,
    pub hide_text: bool,
    pub conversations: BTreeMap<String, NotifyLevel>,
}

impl Default for Notifications {
    fn default() -> Self {
        Notifications {
            bell: true,
            desktop: true,
            level: NotifyLevel::Mentions,
            hide_text: false,
            conversations: BTreeMap::new(),
        }
    }
}

/// How the sidebar lists conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SidebarOrder {
    /// Newest activity first.
    #[default]
    Activity,
    /// Channels, then people, each alphabetically: never moves.
    Name,
    /// `pinned` first (in their order), then the rest by activity.
    PinnedFirst,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sidebar {
    pub order: SidebarOrder,
    /// Conversations as `#channel` / `@person`, for `order = "pinned-first"`.
    pub pinned: Vec<String>,
}

/// When the composer sends `text/markdown` instead of `text/plain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MarkdownMode {
    /// When the text uses markdown syntax (code, emphasis, links, lists, headings, quotes).
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Ui {
    /// Columns (read wide, so an out-of-range value is a clear range error).
    pub sidebar_width: u64,
    pub composer_max_lines: u64,
    pub time_format: String,
    pub mouse: bool,
    pub hyperlinks: bool,
    pub scroll_regions: bool,
    /// What the composer sends: markdown when the text uses its syntax, always, or never
    /// (Ctrl+T switches one draft).
    pub send_markdown: MarkdownMode,
    pub image_previews: String,
    pub image_protocol: String,
    /// A line or two under a message with one link, from the server's `open_graphic_parse`
    /// (the server fetches the page): off unless set to true.
    pub link_previews: bool,
    pub layout: Layout,
    /// `full` (the screen drawn) or `linear` (for screen readers: plain lines appended, as
    /// `--screen-reader` starts it).
    pub mode: UiMode,
    /// The program `o` plays voice messages with, split on spaces (no shell); the file's path
    /// is added as one more argument. Empty: the system opener.
    pub audio_player: String,
}

/// How the timeline lays out a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// Time and author on a line of their own above the text.
    #[default]
    Cozy,
    /// Time, author and text on one line, IRC-style: a short message takes one line, not two.
    Compact,
}

/// How the window is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum UiMode {
    /// The full screen: sidebar, timeline, composer, popups.
    #[default]
    Full,
    /// Plain lines appended to the terminal's scrollback (screen readers, braille displays).
    Linear,
}

impl Default for Ui {
    fn default() -> Self {
        Ui {
            sidebar_width: 24,
            composer_max_lines: 8,
            time_format: "%H:%M".into(),
            mouse: true,
            hyperlinks: true,
            scroll_regions: true,
            send_markdown: MarkdownMode::Auto,
            image_previews: "auto".into(),
            image_protocol: "halfblocks".into(),
            link_previews: false,
            layout: Layout::Cozy,
            mode: UiMode::Full,
            audio_player: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sync {
    pub heartbeat_timeout_secs: u64,
}

impl Default for Sync {
    fn default() -> Self {
        Sync {
            heartbeat_timeout_secs: 20,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            theme: "dark".into(),
            keymap: "default".into(),
            server: None,
            login: Login::default(),
            keys: BTreeMap::new(),
            notifications: Notifications::default(),
            ui: Ui::default(),
            sidebar: Sidebar::default(),
            sync: Sync::default(),
            upload: Upload::default(),
            vocespace: crate::protocol::vocespace::Settings::default(),
            account_tables: Vec::new(),
        }
    }
}

/// Every numeric option and the values it accepts: a value outside is a config error naming
/// the key and the range, never an allocation of gigabytes or an overflow later on.
fn numeric_options(c: &Config) -> [(&'static str, u64, u64, u64); 5] {
    const DAY: u64 = 86_400;
    [
        ("ui.sidebar_width", c.ui.sidebar_width, 12, 200),
        ("ui.composer_max_lines", c.ui.composer_max_lines, 1, 100),
        // The server's first heartbeat comes 15 s after a stream opens: a shorter wait would
        // give up on every stream before it (and reconnect for ever).
        (
            "sync.heartbeat_timeout_secs",
            c.sync.heartbeat_timeout_secs,
            20,
            3600,
        ),
        // The upload task's smallest and largest chunks (64 KiB, 4 MiB).
        ("upload.chunk_kib", c.upload.chunk_kib, 64, 4096),
        (
            "vocespace.lifetime_secs",
            c.vocespace.lifetime_secs,
            60,
            365 * DAY,
        ),
    ]
}

impl Config {
    pub fn parse(text: &str) -> Result<Config, String> {
        let c: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        for (key, value, min, max) in numeric_options(&c) {
            if !(min..=max).contains(&value) {
                return Err(format!(
                    "{key} = {value} is out of range: it takes {min} to {max}"
                ));
            }
        }
        if c.ui.audio_player.chars().any(char::is_control) {
            return Err("ui.audio_player: control characters are not allowed".into());
        }
        crate::timefmt::check_format(&c.ui.time_format)
            .map_err(|e| format!("ui.time_format: {e}"))?;
        // The same check as `/call identity`: VoceSpace reads an unknown role as a guest.
        crate::protocol::vocespace::check_identity(&c.vocespace.identity)
            .map_err(|e| format!("vocespace.identity: {e}"))?;
        c.try_accounts()?;
        Ok(c)
    }

    /// The accounts: the top-level `server` with `[login]` (named after its host), then each
    /// `[[account]]` table. Checked by [`Config::parse`].
    pub fn accounts(&self) -> Vec<Account> {
        self.try_accounts().unwrap_or_default()
    }

    fn try_accounts(&self) -> Result<Vec<Account>, String> {
        accounts::accounts(self.server.as_deref(), &self.login, &self.account_tables)
    }

    /// The account named `name`.
    pub fn account(&self, name: &str) -> Option<Account> {
        self.accounts().into_iter().find(|a| a.name == name)
    }

    /// Reads the file if it exists; a missing file means the defaults.
    pub fn load(path: &Path) -> Result<Config, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    pub fn key_overrides(&self) -> BTreeMap<String, Vec<String>> {
        self.keys
            .iter()
            .map(|(k, v)| (k.clone(), v.list()))
            .collect()
    }

    pub fn preset(&self) -> Result<crate::keymap::Preset, String> {
        match self.keymap.as_str() {
            "default" => Ok(crate::keymap::Preset::Default),
            "vim" => Ok(crate::keymap::Preset::Vim),
            other => Err(format!("keymap: unknown preset {other:?} (default or vim)")),
        }
    }

    /// The voice-message player's program and arguments (`ui.audio_player`), if one is set.
    pub fn audio_player(&self) -> Option<Vec<String>> {
        let words: Vec<String> = self
            .ui
            .audio_player
            .split_whitespace()
            .map(str::to_string)
            .collect();
        (!words.is_empty()).then_some(words)
    }

    /// The level for a conversation label ("#general", "@alice").
    pub fn notify_level(&self, label: &str) -> NotifyLevel {
        self.notifications
            .conversations
            .get(label)
            .copied()
            .unwrap_or(self.notifications.level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `[keys]` section of the printed config: each action's line `# name = [keys]  #
    /// help`, its help continued on the lines below it.
    fn printed_actions(printed: &str) -> BTreeMap<String, (Vec<String>, String)> {
        let section: String = printed
            .lines()
            .skip_while(|l| *l != "[keys]")
            .skip(1)
            .take_while(|l| !l.starts_with('['))
            .map(|l| format!("{l}\n"))
            .collect();
        let mut actions = BTreeMap::new();
        let mut last: Option<String> = None;
        for line in section.lines() {
            let body = line.strip_prefix('#').unwrap_or(line);
            if let Some(more) = body.strip_prefix("          ")
                && let Some(name) = &last
                && let Some((_, help)) = actions.get_mut(name)
            {
                let help: &mut String = help;
                help.push(' ');
                help.push_str(more.trim());
                continue;
            }
            last = None;
            let body = body.trim_start();
            let Some((assignment, help)) = body.split_once("]") else {
                continue;
            };
            let Some((name, _)) = assignment.split_once(" = [") else {
                continue;
            };
            if !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                continue;
            }
            let parsed = Config::parse(&format!("[keys]\n{assignment}]\n"))
                .unwrap_or_else(|e| panic!("{line}: {e}"));
            let help = help.trim().trim_start_matches('#').trim().to_string();
            actions.insert(
                name.to_string(),
                (parsed.key_overrides()[name].clone(), help),
            );
            last = Some(name.to_string());
        }
        actions
    }

    /// `--print-config` lists every action of the key map's table, each with its default keys
    /// (those of the vim preset too where they differ) and its help, on a line that parses as
    /// a valid override.
    #[test]
    fn the_printed_config_lists_every_action_with_its_keys_and_help() {
        use crate::keymap::{Action, Keymap, Preset, default_keys};
        let printed = printed_actions(&example());
        let missing: Vec<&str> = Action::ALL
            .iter()
            .map(|a| a.name())
            .filter(|n| !printed.contains_key(*n))
            .collect();
        assert!(missing.is_empty(), "not printed: {missing:?}");
        assert_eq!(printed.len(), Action::ALL.len(), "{printed:?}");
        for action in Action::ALL {
            let (keys, help) = &printed[action.name()];
            assert_eq!(keys, &default_keys(*action, Preset::Default), "{action:?}");
            assert!(help.starts_with(action.help()), "{action:?}: {help}");
            let vim = default_keys(*action, Preset::Vim);
            if &vim != keys {
                assert!(
                    help.ends_with(&format!("(vim preset: {vim:?})")),
                    "{action:?}: {help}"
                );
            }
            let mut one = BTreeMap::new();
            one.insert(action.name().to_string(), keys.clone());
            assert!(Keymap::new(Preset::Default).with_overrides(&one).is_ok());
        }
    }

    #[test]
    fn the_documented_example_is_exactly_the_defaults() {
        assert_eq!(TEMPLATE.matches(ACTIONS).count(), 1);
        assert_eq!(Config::parse(&example()).unwrap(), Config::default());
    }

    #[test]
    fn the_audio_player_is_a_program_and_its_arguments() {
        assert_eq!(Config::default().audio_player(), None, "the system opener");
        let c = Config::parse("[ui]\naudio_player = \"  mpv  --no-terminal \"\n").unwrap();
        assert_eq!(
            c.audio_player(),
            Some(vec!["mpv".to_string(), "--no-terminal".to_string()])
        );
        assert_eq!(
            Config::parse("[ui]\naudio_player = \"   \"\n")
                .unwrap()
                .audio_player(),
            None
        );
        let err = Config::parse("[ui]\naudio_player = \"mpv\\u001b\"\n").unwrap_err();
        assert!(err.contains("ui.audio_player"), "{err}");
    }

    #[test]
    fn send_markdown_takes_three_values() {
        let c = Config::parse("[ui]\nsend_markdown = \"never\"\n").unwrap();
        assert_eq!(c.ui.send_markdown, MarkdownMode::Never);
        assert_eq!(Config::default().ui.send_markdown, MarkdownMode::Auto);
        let err = Config::parse("[ui]\nsend_markdown = \"yes\"\n").unwrap_err();
        assert!(
            err.contains("auto") && err.contains("always") && err.contains("never"),
            "{err}"
        );
    }

    #[test]
    fn options_parse_and_mistakes_are_reported() {
        let c = Config::parse(
            "theme = \"light\"\nkeymap = \"vim\"\n[keys]\nswitcher = \"ctrl+p\"\nquit = [\"ctrl+q\", \"f10\"]\n[notifications]\nlevel = \"all\"\n[notifications.conversations]\n\"#general\" = \"none\"\n",
        )
        .unwrap();
        assert_eq!(c.theme, "light");
        assert_eq!(c.preset().unwrap(), crate::keymap::Preset::Vim);
        assert_eq!(c.key_overrides()["quit"], vec!["ctrl+q", "f10"]);
        assert_eq!(c.notify_level("#general"), NotifyLevel::None);
        assert_eq!(c.notify_level("#random"), NotifyLevel::All);
        assert!(
            Config::parse("colour = \"red\"")
                .unwrap_err()
                .contains("colour")
        );
        assert!(Config::parse("[ui]\ncomposer_max_lines = 0").is_err());
        let bad_time = Config::parse("[ui]\ntime_format = \"%H:%Q\"").unwrap_err();
        assert!(bad_time.contains("ui.time_format"), "{bad_time}");
        let bad_role = Config::parse("[vocespace]\nidentity = \"Participant\"").unwrap_err();
        assert!(
            bad_role.contains("vocespace.identity: unknown role"),
            "{bad_role}"
        );
        let role = Config::parse("[vocespace]\nidentity = \"guest\"\npre_join = false").unwrap();
        assert_eq!(
            (role.vocespace.identity.as_str(), role.vocespace.pre_join),
            ("guest", false)
        );
        let linear = Config::parse("[ui]\nmode = \"linear\"").unwrap();
        assert_eq!(linear.ui.mode, UiMode::Linear);
        assert!(Config::parse("[ui]\nmode = \"braille\"").is_err());
        let compact = Config::parse("[ui]\nlayout = \"compact\"").unwrap();
        assert_eq!(compact.ui.layout, Layout::Compact);
        let bad_layout = Config::parse("[ui]\nlayout = \"dense\"").unwrap_err();
        assert!(
            bad_layout.contains("layout")
                && bad_layout.contains("`cozy`")
                && bad_layout.contains("`compact`"),
            "{bad_layout}"
        );
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            Config::load(&dir.path().join("missing.toml")).unwrap(),
            Config::default()
        );
    }

    /// Every integer in the documented example is range-checked: a huge value (which would
    /// allocate or overflow) and zero are refused with the key and its range named, and both
    /// ends of each range are accepted. A new numeric option fails here until it has a range.
    #[test]
    fn every_numeric_option_is_range_checked() {
        let mut section = String::new();
        let mut keys = Vec::new();
        for line in example().lines().map(str::trim) {
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = name.to_string();
            } else if let Some((key, value)) = line.split_once(" = ")
                && !line.starts_with('#')
                && value.trim().parse::<i64>().is_ok()
            {
                keys.push((section.clone(), key.trim().to_string()));
            }
        }
        assert_eq!(keys.len(), 5, "{keys:?}");
        let with = |section: &str, key: &str, value: &str| {
            Config::parse(&format!("[{section}]\n{key} = {value}\n"))
        };
        for (section, key) in &keys {
            let name = format!("{section}.{key}");
            let (_, _, min, max) = numeric_options(&Config::default())
                .into_iter()
                .find(|(k, ..)| *k == name)
                .unwrap_or_else(|| panic!("{name} has no range"));
            for bad in [
                "4000000000".to_string(),
                (min - 1).to_string(),
                (max + 1).to_string(),
            ] {
                let err = with(section, key, &bad).unwrap_err();
                assert!(
                    err.contains(&name) && err.contains(&format!("{min} to {max}")),
                    "{name} = {bad}: {err}"
                );
            }
            for good in [min, max] {
                assert!(
                    with(section, key, &good.to_string()).is_ok(),
                    "{name} = {good}"
                );
            }
            // Negative numbers never parse into the unsigned options.
            assert!(with(section, key, "-1").is_err(), "{name} = -1");
        }
    }

    #[test]
    fn popup_keys_are_remapped_from_the_keys_section() {
        use crate::keymap::{Action, Context, Keymap};
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let c = Config::parse(
            "[keys]\nconfirm_yes = \"j\"\nreact_left = [\"a\", \"left\"]\nswitcher_down = \"ctrl+n\"\nhelp_close = \"q\"\n",
        );
        // Action names are checked when the keymap is built, popup ones included.
        let c = c.unwrap();
        assert_eq!(c.key_overrides()["react_left"], vec!["a", "left"]);
        let err = Keymap::new(c.preset().unwrap())
            .with_overrides(&c.key_overrides())
            .unwrap_err();
        assert!(err.contains("help_close"), "{err}");
        let c = Config::parse(
            "[keys]\nconfirm_yes = \"j\"\nreact_left = [\"a\", \"left\"]\nswitcher_down = \"ctrl+n\"\n",
        )
        .unwrap();
        let km = Keymap::new(c.preset().unwrap())
            .with_overrides(&c.key_overrides())
            .unwrap();
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        assert_eq!(
            km.resolve(Context::Confirm, &key(KeyCode::Char('j'))),
            Some(Action::ConfirmYes)
        );
        assert_eq!(km.resolve(Context::Confirm, &key(KeyCode::Char('y'))), None);
        assert_eq!(
            km.resolve(Context::React, &key(KeyCode::Char('a'))),
            Some(Action::ReactLeft)
        );
        assert_eq!(km.resolve(Context::React, &key(KeyCode::Char('h'))), None);
        assert_eq!(km.hint(Action::ReactLeft), "a");
        assert_eq!(
            km.resolve(
                Context::Switcher,
                &KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL)
            ),
            Some(Action::SwitcherDown)
        );
        assert_eq!(km.resolve(Context::Switcher, &key(KeyCode::Down)), None);
    }
}
