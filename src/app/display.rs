//! The text a message shows (`present`: sanitized, markdown rendered and `@uid` mentions as
//! names), with the app's names. Copy, open and notifications use it, never the raw content.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! owns no state and changes none: it only reads the chat.

use super::App;
use crate::present::Body;

impl App {
    /// The text a message shows (sanitized, markdown rendered, mentions as names): copy, open
    /// and notifications use this and never the raw content.
    pub fn display_text(&self, m: &crate::model::Message) -> String {
        self.display_head(m, usize::MAX)
    }

    /// [`App::display_text`] of at most the first `max_bytes` of the content: enough for a
    /// one-line notification without rendering a huge message on the UI task.
    pub fn display_head(&self, m: &crate::model::Message, max_bytes: usize) -> String {
        Body::of(m).head(max_bytes).display_text(&self.chat)
    }

    /// `@uid` tokens shown as `@Name`.
    pub fn render_mentions(&self, text: &str) -> String {
        crate::present::render_mentions(&self.chat, text)
    }
}
