//! What the status bar reports that is not a task: the connection, the last notice (info or
//! error), the server shown (host only, never a token) and the plain-http warning.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the notice; the message that only sets it (`Msg::Notice`) is handled here, and
//! every other part reports through `App::info` and `App::error`. The connection's state comes
//! with the stream (`sync.rs`).

use super::conn::ConnState;
use super::login::insecure_host;
use super::{App, Effect};

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

#[derive(Debug)]
pub struct Status {
    pub conn: ConnState,
    pub notice: Option<Notice>,
    /// Shown in the status bar (host, never a token).
    pub server_label: String,
    /// The server's host when it is reached over plain http across a network (warned about).
    pub insecure: Option<String>,
    /// Chat records received since the current connection started syncing (its replay).
    pub replayed: u32,
}

impl Status {
    pub fn new(server_label: String) -> Status {
        Status {
            conn: ConnState::Connecting { attempt: 0 },
            insecure: insecure_host(&server_label),
            server_label,
            notice: None,
            replayed: 0,
        }
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice {
            text: text.into(),
            error: false,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice {
            text: text.into(),
            error: true,
        });
    }
}

impl App {
    /// Something the runtime did by itself that the user should know about.
    pub(super) fn on_notice(&mut self, text: String) -> Vec<Effect> {
        self.info(text);
        vec![]
    }
}
