//! vocechat-tui: a terminal client for VoceChat.
//!
//! Module map: `api` talks REST, `sync` keeps the SSE stream alive, `model` folds what they
//! return into conversations, `demo` is an in-process VoceChat-compatible server (for `--demo`
//! and the tests), `ui` draws the screen, `sanitize` makes server text safe for a terminal.

pub mod api;
pub mod app;
pub mod config;
pub mod demo;
pub mod fuzzy;
pub mod keymap;
pub mod logging;
pub mod model;
pub mod notify;
pub mod paths;
pub mod sanitize;
pub mod secret;
pub mod session_store;
pub mod sync;
pub mod tasks;
pub mod terminal;
pub mod theme;
pub mod timefmt;
pub mod ui;
