//! A link's preview under its message (`ui.link_previews`): one or two dimmed lines, the
//! site name and title, then the first line of the description, each cut to the width. The
//! text was cleaned when the answer came (`model::LinkPreview`); nothing is drawn for a
//! message without exactly one link, or whose link has no preview (yet, or ever).

use crate::app::App;
use crate::model::Message;
use crate::theme::Theme;
use ratatui::text::Line;

/// The lines of `m`'s link preview at `width` columns (none when it has none).
pub(super) fn lines(app: &App, m: &Message, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    if !app.settings.link_previews {
        return vec![];
    }
    let Some(p) = app.chat.link_previews.of_message(m.mid, m.rev) else {
        return vec![];
    };
    let width = usize::from(width);
    let head = match (p.site.is_empty(), p.title.is_empty()) {
        (false, false) => format!("▏{} · {}", p.site, p.title),
        (false, true) => format!("▏{}", p.site),
        (true, false) => format!("▏{}", p.title),
        (true, true) => String::new(),
    };
    [head, format!("▏{}", p.description)]
        .into_iter()
        .filter(|l| l.chars().count() > 1)
        .map(|l| Line::styled(crate::text::wrap::truncate(&l, width), theme.dimmed()))
        .collect()
}
