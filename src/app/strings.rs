//! User-facing texts that appear in more than one place or carry a key hint: one place to
//! word them, and to keep their hints following the live keymap. The rule: a text only one
//! popup shows (its hints, its notices) lives in that popup's file in `popups/`; the texts
//! here are shared by several parts (the runtime's included) or belong to no popup.

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
    format!(
        "not sent: {why} ({} retries, {} discards)",
        keys.hint(Action::RetrySend),
        keys.hint(Action::DiscardFailed)
    )
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

/// A reaction picked again before the first one went out: neither is sent.
pub const CHANGE_CANCELLED: &str = "reaction cancelled (it had not been sent)";

/// What a queued change is, for notices and the timeline.
pub fn change_name(change: &crate::model::Change) -> &'static str {
    match change {
        crate::model::Change::Edit(_) => "edit",
        crate::model::Change::React { .. } => "reaction",
        crate::model::Change::Delete => "delete",
    }
}

/// The server refused a change: why, and the keys that retry or discard it.
pub fn change_not_made(what: &str, why: &str, keys: &Keymap) -> String {
    format!(
        "{what} not made: {why} ({} retries, {} discards)",
        keys.hint(Action::RetrySend),
        keys.hint(Action::DiscardFailed)
    )
}

pub const NOTHING_TO_DISCARD: &str = "nothing failed here to discard";

pub fn discarded(n: usize) -> String {
    format!(
        "discarded {n} failed {}",
        if n == 1 { "item" } else { "items" }
    )
}

/// A jump to a message that is not there any more.
pub const SOUGHT_DELETED: &str = "that message was deleted";
pub const SOUGHT_GONE: &str = "that message is no longer in the conversation's history";

pub const SEARCH_NEEDS_STORE: &str = "search needs the local store, which could not be opened";

pub const NOT_A_REPLY: &str = "that message is not a reply";
pub const NOWHERE_TO_GO_BACK: &str = "no jump to go back from";

pub const SAVED: &str = "saved (/saved lists saved messages)";
pub const SAVED_LOCALLY: &str =
    "saved in the local store: this server keeps no saved messages (/saved lists them)";
pub const UNSAVED: &str = "removed from saved messages";

/// Pinned messages (`/pins`, `P` in selection): where there are none, and the server's
/// refusals of a pin or an unpin (0.3.3 answers 403, 409 and 404 with empty bodies).
pub const PINS_FOR_CHANNELS: &str = "pins are for channels; a direct message has none";
pub const PIN_ADMIN_ONLY: &str = "only an admin can pin in a public channel";
pub const PIN_OWNER_OR_ADMIN: &str = "only the owner or an admin can pin in a private channel";
pub const PINNED_ALREADY: &str = "that message is pinned already";
pub const NOT_PINNED: &str = "that message is not pinned";
pub const PIN_GONE: &str = "that message is no longer on the server";

/// The pins view of a channel with none (the popup's title names the channel).
pub const NO_PINS_HERE: &str = "nothing is pinned in this channel";
pub fn no_pins(label: &str) -> String {
    format!("nothing is pinned in {label}")
}

/// Forwarding (`forward.rs`): what 0.3.3 archives, a 403, a forward done, and what the
/// switcher says when it picks where to.
pub const FORWARD_ONLY: &str = "only text, markdown and file messages can be forwarded";
pub const FORWARD_FORBIDDEN: &str = "forward: you cannot see one of them (the server refused: 403)";
pub fn forwarded(n: usize, to: &str) -> String {
    match n {
        1 => format!("forwarded to {to}"),
        n => format!("forwarded {n} messages to {to}"),
    }
}
pub fn forward_title(n: usize) -> String {
    match n {
        1 => "forward to".into(),
        n => format!("forward {n} messages to"),
    }
}
/// Forwarded messages as shown: a header, while it loads, and past what is shown.
pub fn forwarded_header(n: usize) -> String {
    match n {
        1 => "forwarded, 1 message".into(),
        n => format!("forwarded, {n} messages"),
    }
}
pub const FORWARD_LOADING: &str = "forwarded messages (loading…)";
pub fn forward_more(n: usize) -> String {
    format!("… {n} more")
}

/// A reaction to retry whose message is not loaded: whether it landed cannot be told.
pub const REACTION_UNSURE: &str =
    "it may have been made already; open the message to see, then retry or discard";

/// The mode the status bar names (as helix and lazygit do), and its main keys, each as
/// "key what", following the live keymap, when no popup is open (each popup names its own:
/// `popups::mode_keys`). The rest are in help.
pub fn mode_keys(mode: &crate::app::Mode, keys: &Keymap) -> (&'static str, Vec<String>) {
    use crate::app::Mode;
    let k = |a: Action, what: &str| format!("{} {what}", keys.hint(a));
    match mode {
        Mode::Login(_) => ("LOGIN", vec![k(Action::Quit, "quit")]),
        Mode::Chat => (
            "COMPOSE",
            vec![
                k(Action::Send, "send"),
                k(Action::SelectMode, "select"),
                k(Action::Switcher, "jump"),
                k(Action::Search, "search"),
                k(Action::Help, "help"),
            ],
        ),
        Mode::Select(_) => (
            "SELECT",
            vec![
                k(Action::Reply, "reply"),
                k(Action::Edit, "edit"),
                k(Action::Delete, "delete"),
                k(Action::React, "react"),
                k(Action::Copy, "copy"),
                k(Action::OpenLink, "open"),
                k(Action::SaveMessage, "save"),
                k(Action::FollowReply, "quoted"),
                k(Action::Leave, "back"),
            ],
        ),
    }
}
