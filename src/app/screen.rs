//! The terminal as the app knows it: its size, whether it has the focus, whether the sidebar
//! is shown and where the last frame drew the sidebar's rows (for clicks).
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the terminal's state; the messages that change it (`Msg::Resize`, `Msg::Focus`)
//! are handled here.

use super::{App, Effect, conn::ConnState};

/// The terminal as the app knows it.
#[derive(Debug)]
pub struct Screen {
    /// Size in cells.
    pub size: (u16, u16),
    pub focused: bool,
    pub sidebar_visible: bool,
    /// Where the last frame drew the sidebar's rows (for clicks).
    pub sidebar_rows: Option<ratatui::layout::Rect>,
}

impl Default for Screen {
    fn default() -> Screen {
        Screen {
            size: (80, 24),
            focused: true,
            sidebar_visible: true,
            sidebar_rows: None,
        }
    }
}

impl App {
    /// The terminal is `w` × `h` cells now.
    pub(super) fn on_resize(&mut self, w: u16, h: u16) -> Vec<Effect> {
        self.screen.size = (w, h);
        vec![]
    }

    /// The terminal gained or lost the focus. Back at it: the open conversation is read, and
    /// with the stream down a reconnect is tried now, not at the backoff's end.
    pub(super) fn on_focus(&mut self, focused: bool) -> Vec<Effect> {
        self.screen.focused = focused;
        self.dirty = false;
        if !focused {
            return vec![];
        }
        let mut effects: Vec<Effect> = self.mark_open_read().into_iter().collect();
        if matches!(self.status.conn, ConnState::Waiting { .. }) {
            effects.push(Effect::ReconnectNow);
        }
        effects
    }
}
