//! Themes: colours for every element, loaded from TOML. The built-in themes are the files in
//! `themes/` embedded at build time; user themes are read from `<config dir>/themes/<name>.toml`.
//! With `NO_COLOR` set, a monochrome theme is used (emphasis by bold, dim and reverse only).

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::str::FromStr;

pub const BUILT_IN: &[(&str, &str)] = &[
    ("dark", include_str!("../themes/dark.toml")),
    ("light", include_str!("../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../themes/high-contrast.toml"),
    ),
    ("basic16", include_str!("../themes/basic16.toml")),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    pub text: Color,
    pub dim: Color,
    pub accent: Color,
    pub selected_bg: Color,
    pub unread: Color,
    pub mention: Color,
    pub online: Color,
    pub error: Color,
    pub warning: Color,
    pub status_fg: Color,
    pub status_bg: Color,
    pub code: Color,
    pub link: Color,
    pub quote: Color,
    pub reaction: Color,
    pub reaction_mine: Color,
    pub separator: Color,
    pub new_marker: Color,
    pub pending: Color,
    pub authors: Vec<Color>,
    /// No colours at all (NO_COLOR).
    pub monochrome: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    text: String,
    dim: String,
    accent: String,
    selected_bg: String,
    unread: String,
    mention: String,
    online: String,
    error: String,
    warning: String,
    status_fg: String,
    status_bg: String,
    code: String,
    link: String,
    quote: String,
    reaction: String,
    reaction_mine: String,
    separator: String,
    new_marker: String,
    pending: String,
    authors: Vec<String>,
}

fn color(field: &str, value: &str) -> Result<Color, String> {
    Color::from_str(value.trim()).map_err(|_| format!("{field}: {value:?} is not a colour"))
}

impl Theme {
    /// Parses a theme file; errors name the bad field.
    pub fn parse(text: &str) -> Result<Theme, String> {
        let f: ThemeFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let authors = f
            .authors
            .iter()
            .map(|a| color("authors", a))
            .collect::<Result<Vec<_>, _>>()?;
        if authors.is_empty() {
            return Err("authors: at least one colour is needed".into());
        }
        Ok(Theme {
            name: f.name,
            text: color("text", &f.text)?,
            dim: color("dim", &f.dim)?,
            accent: color("accent", &f.accent)?,
            selected_bg: color("selected_bg", &f.selected_bg)?,
            unread: color("unread", &f.unread)?,
            mention: color("mention", &f.mention)?,
            online: color("online", &f.online)?,
            error: color("error", &f.error)?,
            warning: color("warning", &f.warning)?,
            status_fg: color("status_fg", &f.status_fg)?,
            status_bg: color("status_bg", &f.status_bg)?,
            code: color("code", &f.code)?,
            link: color("link", &f.link)?,
            quote: color("quote", &f.quote)?,
            reaction: color("reaction", &f.reaction)?,
            reaction_mine: color("reaction_mine", &f.reaction_mine)?,
            separator: color("separator", &f.separator)?,
            new_marker: color("new_marker", &f.new_marker)?,
            pending: color("pending", &f.pending)?,
            authors,
            monochrome: false,
        })
    }

    /// A theme shipped in `themes/` (compiled in; every one is parsed by a test).
    #[allow(clippy::expect_used)]
    pub fn built_in(name: &str) -> Option<Theme> {
        BUILT_IN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| Theme::parse(text).expect("built-in themes are valid"))
    }

    #[allow(clippy::expect_used)] // compiled in and tested: `dark` always exists
    pub fn dark() -> Theme {
        Theme::built_in("dark").expect("dark exists")
    }

    /// Every colour reset; the UI still marks things with bold, dim and reverse.
    pub fn monochrome() -> Theme {
        let mut t = Theme::dark();
        t.name = "no-color".into();
        for c in [
            &mut t.text,
            &mut t.dim,
            &mut t.accent,
            &mut t.selected_bg,
            &mut t.unread,
            &mut t.mention,
            &mut t.online,
            &mut t.error,
            &mut t.warning,
            &mut t.status_fg,
            &mut t.status_bg,
            &mut t.code,
            &mut t.link,
            &mut t.quote,
            &mut t.reaction,
            &mut t.reaction_mine,
            &mut t.separator,
            &mut t.new_marker,
            &mut t.pending,
        ] {
            *c = Color::Reset;
        }
        t.authors = vec![Color::Reset];
        t.monochrome = true;
        t
    }

    /// Picks the theme by name: built-in, else `<dir>/<name>.toml`. `NO_COLOR` wins.
    pub fn load(
        name: &str,
        user_dir: Option<&std::path::Path>,
        no_color: bool,
    ) -> Result<Theme, String> {
        if no_color {
            return Ok(Theme::monochrome());
        }
        if let Some(t) = Theme::built_in(name) {
            return Ok(t);
        }
        let dir = user_dir.ok_or_else(|| format!("unknown theme {name:?}"))?;
        let path = dir.join(format!("{name}.toml"));
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("theme {name:?}: cannot read {}: {e}", path.display()))?;
        Theme::parse(&text).map_err(|e| format!("theme {}: {e}", path.display()))
    }

    // ---- styles used by the widgets

    pub fn base(&self) -> Style {
        Style::default().fg(self.text)
    }

    pub fn dimmed(&self) -> Style {
        if self.monochrome {
            Style::default().add_modifier(Modifier::DIM)
        } else {
            Style::default().fg(self.dim)
        }
    }

    pub fn author(&self, uid: i64) -> Style {
        let c = self.authors[(uid.unsigned_abs() as usize) % self.authors.len()];
        Style::default().fg(c).add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        if self.monochrome {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default().bg(self.selected_bg)
        }
    }

    pub fn status(&self) -> Style {
        if self.monochrome {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default().fg(self.status_fg).bg(self.status_bg)
        }
    }

    pub fn fg(&self, c: Color) -> Style {
        Style::default().fg(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_themes_parse() {
        for (name, _) in BUILT_IN {
            let t = Theme::built_in(name).unwrap();
            assert_eq!(&t.name, name);
        }
    }

    #[test]
    fn bad_theme_files_name_the_field() {
        let bad =
            include_str!("../themes/dark.toml").replace("accent = \"#5fafff\"", "accent = \"#zz\"");
        assert!(Theme::parse(&bad).unwrap_err().contains("accent"));
        assert!(Theme::parse("name = 1").is_err());
    }

    #[test]
    fn no_color_wins_and_unknown_themes_fail() {
        assert!(Theme::load("dark", None, true).unwrap().monochrome);
        assert!(Theme::load("nope", None, false).is_err());
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            include_str!("../themes/light.toml").replace("\"light\"", "\"mine\""),
        )
        .unwrap();
        assert_eq!(
            Theme::load("mine", Some(dir.path()), false).unwrap().name,
            "mine"
        );
    }
}
