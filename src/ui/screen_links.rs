//! Where the links of the timeline landed on screen after a frame: each URL span's column,
//! row, text and target, for the painter to make clickable (OSC 8).

use ratatui::layout::Rect;
use ratatui::text::Line;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub x: u16,
    pub y: u16,
    pub text: String,
    pub url: String,
}

/// Records where URL spans landed on screen.
pub(super) fn collect(lines: &[Line], area: Rect, out: &mut Vec<Link>) {
    for (row, line) in lines.iter().enumerate() {
        let mut x = 0u16;
        for span in &line.spans {
            let w = crate::text::wrap::width(&span.content) as u16;
            if let Some(url) = crate::text::url_in(&span.content) {
                let lead = (span.content.len() - span.content.trim_start().len()) as u16;
                let text = span.content.trim().to_string();
                let text_w = crate::text::wrap::width(&text) as u16;
                if x + lead + text_w <= area.width {
                    out.push(Link {
                        x: area.x + x + lead,
                        y: area.y + row as u16,
                        text,
                        url,
                    });
                }
            }
            x = x.saturating_add(w);
        }
    }
}
