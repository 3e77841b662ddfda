//! The application core: `App` (all UI state plus the folded chat model), `Msg` (everything
//! that can happen), `Effect` (everything slow that must happen elsewhere) and the pure
//! `update` that maps one to the other. No I/O here: tasks run effects and send back messages.

pub mod executor;
pub mod run;

use crate::api::types::{ChatMessage, Content, Properties};
use crate::model::{ChatModel, ConvKey, PendingMessage, PendingState};
use crate::sync::{ConnState, SyncMsg};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// How many messages one history request asks for.
pub const HISTORY_PAGE: u32 = 100;

/// Everything that can happen to the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize,
    Sync(SyncMsg),
    /// A send finished: the mid, or an error for the user.
    Sent {
        key: ConvKey,
        local_id: i64,
        result: Result<i64, String>,
    },
    History {
        key: ConvKey,
        limit: u32,
        result: Result<Vec<ChatMessage>, String>,
    },
    /// A background call failed; tell the user.
    Failed(String),
}

impl From<SyncMsg> for Msg {
    fn from(m: SyncMsg) -> Msg {
        Msg::Sync(m)
    }
}

/// Work for the executor.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Send {
        key: ConvKey,
        local_id: i64,
        content: Content,
        properties: Properties,
    },
    LoadHistory {
        key: ConvKey,
        before: Option<i64>,
        limit: u32,
    },
    MarkRead {
        key: ConvKey,
        mid: i64,
    },
    ReconnectNow,
}

/// All UI state.
pub struct App {
    pub chat: ChatModel,
    pub conn: ConnState,
    /// Shown in the status bar (host, never a token).
    pub server_label: String,
    pub open: Option<ConvKey>,
    pub input: String,
    /// A one-line notice for the user (errors, hints).
    pub notice: Option<String>,
    pub quit: bool,
    /// Something visible changed since the last frame.
    pub dirty: bool,
    /// The clock `update` uses for timestamps (set by the loop; keeps `update` pure).
    pub now_ms: i64,
    history_requested: std::collections::HashSet<ConvKey>,
    last_local_id: i64,
}

impl App {
    pub fn new(me: i64, server_label: String) -> App {
        App {
            chat: ChatModel::new(me),
            conn: ConnState::Connecting { attempt: 1 },
            server_label,
            open: None,
            input: String::new(),
            notice: None,
            quit: false,
            dirty: true,
            now_ms: 0,
            history_requested: Default::default(),
            last_local_id: 0,
        }
    }

    /// Conversations as the sidebar lists them.
    pub fn sidebar(&self) -> Vec<ConvKey> {
        self.chat.conversations_by_activity()
    }

    fn next_local_id(&mut self) -> i64 {
        // Milliseconds like the web client, kept strictly increasing.
        self.last_local_id = self.now_ms.max(self.last_local_id + 1);
        self.last_local_id
    }

    fn open_conversation(&mut self, key: ConvKey) -> Vec<Effect> {
        self.open = Some(key);
        let mut effects = Vec::new();
        let conv = self.chat.convs.get(&key);
        let needs_history = conv.is_none_or(|c| !c.history_complete && c.messages.len() < 30);
        if needs_history && self.history_requested.insert(key) {
            effects.push(Effect::LoadHistory {
                key,
                before: conv.and_then(|c| c.oldest_mid()),
                limit: HISTORY_PAGE,
            });
        }
        effects.extend(self.mark_open_read());
        effects
    }

    /// The open conversation is on screen: everything in it is read.
    fn mark_open_read(&mut self) -> Option<Effect> {
        let key = self.open?;
        let newest = self
            .chat
            .convs
            .get(&key)?
            .messages
            .keys()
            .next_back()
            .copied()?;
        self.chat
            .set_read_index(key, newest)
            .then_some(Effect::MarkRead { key, mid: newest })
    }

    fn move_selection(&mut self, delta: isize) -> Vec<Effect> {
        let list = self.sidebar();
        if list.is_empty() {
            return vec![];
        }
        let pos = self.open.and_then(|k| list.iter().position(|x| *x == k));
        let next = match pos {
            Some(p) => (p as isize + delta).rem_euclid(list.len() as isize) as usize,
            None => 0,
        };
        self.open_conversation(list[next])
    }

    fn submit(&mut self) -> Vec<Effect> {
        let text = self.input.trim_end().to_string();
        let Some(key) = self.open else {
            self.notice = Some("open a conversation first (Alt+↑/↓ or Tab)".into());
            return vec![];
        };
        if text.trim().is_empty() {
            return vec![];
        }
        self.input.clear();
        let local_id = self.next_local_id();
        let content = Content::Text(text);
        self.chat.add_pending(
            key,
            PendingMessage {
                local_id,
                content: content.clone(),
                reply_to: None,
                created_at: self.now_ms,
                state: PendingState::Sending,
            },
        );
        vec![Effect::Send {
            key,
            local_id,
            content,
            properties: Properties::with_local_id(local_id),
        }]
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == KeyEventKind::Release {
            return vec![];
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char('c') | KeyCode::Char('q') if ctrl => {
                self.quit = true;
                vec![]
            }
            KeyCode::Up if alt => self.move_selection(-1),
            KeyCode::Down if alt => self.move_selection(1),
            KeyCode::Tab => self.move_selection(1),
            KeyCode::BackTab => self.move_selection(-1),
            KeyCode::Char('r') if ctrl => vec![Effect::ReconnectNow],
            KeyCode::Enter => self.submit(),
            KeyCode::Backspace => {
                self.input.pop();
                vec![]
            }
            KeyCode::Esc => {
                self.notice = None;
                vec![]
            }
            KeyCode::Char(c) if !ctrl => {
                self.input.push(c);
                vec![]
            }
            _ => {
                self.dirty = false;
                vec![]
            }
        }
    }
}

/// The pure core: applies one message, returns the work to do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    app.dirty = true;
    match msg {
        Msg::Key(key) => app.on_key(key),
        Msg::Paste(text) => {
            app.input
                .push_str(&crate::sanitize::clean(&text).replace('\n', " "));
            vec![]
        }
        Msg::Resize => vec![],
        Msg::Sync(SyncMsg::State(state)) => {
            if let ConnState::Stopped(reason) = &state {
                app.notice = Some(reason.explain());
            }
            if matches!(state, ConnState::Connecting { .. }) {
                app.chat.ready = false;
            }
            app.conn = state;
            vec![]
        }
        Msg::Sync(SyncMsg::Event(event)) => {
            let applied = app.chat.apply(*event);
            let mut effects = Vec::new();
            if app.open.is_none()
                && app.chat.ready
                && let Some(first) = app.sidebar().first().copied()
            {
                effects.extend(app.open_conversation(first));
            }
            if applied.conv.is_some() && applied.conv == app.open {
                effects.extend(app.mark_open_read());
            }
            effects
        }
        Msg::Sent {
            key,
            local_id,
            result,
        } => {
            match result {
                Ok(mid) => app.chat.pending_sent(key, local_id, mid),
                Err(e) => {
                    app.notice = Some(format!("not sent: {e}"));
                    app.chat.pending_failed(key, local_id, e);
                }
            }
            vec![]
        }
        Msg::History { key, limit, result } => {
            app.history_requested.remove(&key);
            match result {
                Ok(page) => {
                    app.chat.apply_history(key, page, limit as usize);
                    if app.open == Some(key) {
                        return app.mark_open_read().into_iter().collect();
                    }
                }
                Err(e) => app.notice = Some(format!("could not load history: {e}")),
            }
            vec![]
        }
        Msg::Failed(e) => {
            app.notice = Some(e);
            vec![]
        }
    }
}

#[cfg(test)]
mod tests;
