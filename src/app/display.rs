//! The text a message shows, in one place: sanitized, markdown rendered and `@uid` mentions
//! as names. Copy, open and notifications use it, never the raw content.

use super::App;

impl App {
    /// The text a message shows (sanitized, markdown rendered, mentions as names): copy, open
    /// and notifications use this and never the raw content.
    pub fn display_text(&self, m: &crate::model::Message) -> String {
        self.display_head(m, usize::MAX)
    }

    /// [`App::display_text`] of at most the first `max_bytes` of the content: enough for a
    /// one-line notification without rendering a huge message on the UI task.
    pub fn display_head(&self, m: &crate::model::Message, max_bytes: usize) -> String {
        let (head, _) = crate::text::split_at_most(&m.content, max_bytes);
        crate::text::display_text(&m.content_type, &self.render_mentions(head))
    }

    /// `@uid` tokens shown as `@Name`.
    pub fn render_mentions(&self, text: &str) -> String {
        crate::protocol::mention::render(text, |uid| {
            self.chat
                .users
                .contains_key(&uid)
                .then(|| self.chat.user_name(uid))
        })
    }
}
