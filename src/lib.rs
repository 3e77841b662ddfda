//! vocechat-tui: a terminal client for VoceChat.
//!
//! Layers, bottom to top (a module uses only those below it; `tests/layers.rs` checks this):
//! - `protocol`: every wire shape, typed (shared by the client and the demo server);
//! - `model`: the folded chat state;
//! - `present`: how each kind of content is shown, quoted, notified, found and printed;
//! - `app`: the pure state machine (`Msg` → `update` → `Effect`);
//! - `ui`: draws `&App`;
//! - `runtime`: everything that does IO (event loop, executor, API client, SSE supervisor,
//!   uploads and downloads, terminal, saved sessions);
//! - `demo`: an in-process VoceChat-compatible server (for `--demo` and the tests).
//!
//! Leaf modules below them all: `sanitize`, `text`, `timefmt`, `fuzzy`, `secret`, `theme`,
//! `keymap`, `config`, `files`; `clock`,
//! `logging` and `paths` are for the runtime, the demo and `main` only.

pub mod app;
pub mod clock;
pub mod config;
pub mod demo;
pub mod files;
pub mod fuzzy;
pub mod keymap;
pub mod logging;
pub mod model;
pub mod paths;
pub mod present;
pub mod protocol;
pub mod runtime;
pub mod sanitize;
pub mod secret;
pub mod text;
pub mod theme;
pub mod timefmt;
pub mod ui;
