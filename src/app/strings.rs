//! User-facing texts that appear in more than one place or carry a key hint: one place to
//! word them, and to keep their hints following the live keymap.

use crate::keymap::{Action, Keymap};

/// A message the server refused with 413.
pub const MESSAGE_TOO_LARGE: &str = "the message is over the server's size limit";
/// A file the server refused with 413.
pub const FILE_TOO_LARGE: &str = "the file is over the server's size limit";

/// `/upload` or a paste found no file to stage.
pub const NO_FILES_PICKED: &str = "no files picked";

/// The composer's placeholder, with the keys that send, break a line and open help.
pub fn composer_placeholder(keys: &Keymap) -> String {
    format!(
        "message ({} sends, {} new line, {} help)",
        keys.hint(Action::Send),
        keys.hint(Action::Newline),
        keys.hint(Action::Help)
    )
}

/// Sending needs an open conversation: how to open one.
pub fn open_a_conversation(keys: &Keymap) -> String {
    format!(
        "open a conversation first ({})",
        keys.hint(Action::Switcher)
    )
}

/// A send failed: why, and the key that retries.
pub fn not_sent(why: &str, keys: &Keymap) -> String {
    format!("not sent: {why} ({} retries)", keys.hint(Action::RetrySend))
}

/// A send that could not reach the server: it is kept and goes out when the connection is back.
pub fn not_sent_yet(why: &str) -> String {
    format!("{NOT_SENT_YET}{why}; it goes out when the connection is back")
}

/// How [`not_sent_yet`] begins (the notice goes once the waiting messages are out).
pub const NOT_SENT_YET: &str = "not sent yet: ";

/// An upload failed: why, and the key that retries.
pub fn upload_failed(why: &str, keys: &Keymap) -> String {
    format!(
        "upload failed: {why} ({} retries)",
        keys.hint(Action::RetrySend)
    )
}
