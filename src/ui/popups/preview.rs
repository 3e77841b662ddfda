//! An image preview: the thumbnail scaled into the popup with the render cache's picker
//! (half-blocks when none was set up), its protocol state kept there until the image changes.

use super::{centered, frame};
use crate::app::Preview;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Clear;

pub(super) fn draw(
    f: &mut Frame,
    p: &Preview,
    area: Rect,
    theme: &Theme,
    cache: &mut crate::ui::RenderCache,
) {
    let r = centered(
        area,
        area.width.saturating_sub(4).min(100),
        area.height.saturating_sub(2).min(40),
    );
    f.render_widget(Clear, r);
    let block = frame(
        format!("{} — any key closes", crate::files::shown_name(&p.name, 50)),
        theme,
    );
    let inner = block.inner(r);
    f.render_widget(block, r);
    let id = std::sync::Arc::as_ptr(&p.image) as usize;
    if cache.preview.as_ref().is_none_or(|(k, _)| *k != id) {
        let picker = cache
            .picker
            .get_or_insert_with(ratatui_image::picker::Picker::halfblocks);
        cache.preview = Some((id, picker.new_resize_protocol((*p.image).clone())));
    }
    if let Some((_, protocol)) = &mut cache.preview {
        f.render_stateful_widget(ratatui_image::StatefulImage::default(), inner, protocol);
    }
}
