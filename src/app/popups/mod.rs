//! Popups as a stack over the chat or the selection: the switcher, help, a confirmation, the
//! reaction picker, a text, the meeting link, an image preview, your devices, the picked files,
//! the link picker, a channel's pinned messages and the search view. Each popup is one file
//! here with its state, its keys and its status-bar hints, and one file in `ui/popups/` that draws it; `popups!` below is the one
//! list of them.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. A
//! popup's keys change its own state, or ask the part that owns what they change (a yes to
//! "Delete this message?" queues the chat's change, a yes to "Log out this device?" refreshes
//! the devices popup under it). Texts only one popup shows live in its file; `strings.rs`
//! keeps the ones several parts share.
//!
//! Keys go to the top popup first and it reports what became of it, the way gitui's
//! components answer whether they consumed a key: `on_key` answers `None` when no popup is
//! open, and the key goes on to the selection or the composer. Popups are modal, so the top
//! one consumes every key: its own actions (its keymap context) act, anything else closes it
//! (the switcher and the search view type it into their query, and their own global key
//! closes them again). A popup that closes returns to what was under it: the popup below, or
//! the chat or the selection as they were, so "no" to a delete goes back to the selected
//! message and "no" to logging a device out goes back to the device list.
//!
//! Popups have always matched keys whatever the modifiers (Shift+Enter opens a match, Ctrl+Y
//! confirms): a modified key with no binding of its own acts as the key without modifiers.
//!
//! A new popup is a file here and its line in `popups!`, a file in `ui/popups/` (the match in
//! `ui::popups::draw` does not build without it), and, when it has keys of its own, a keymap
//! context with its actions in the keymap's `actions!` table and their default keys.

mod announcement;
mod call;
mod confirm;
pub(super) mod copy_view;
pub(super) mod devices;
mod help;
mod info;
mod invite;
mod links;
pub(super) mod pinned;
mod preview;
mod react;
pub(super) mod search;
mod staged;
pub(super) mod switcher;

pub use crate::app::invite::InviteLink;
pub use announcement::AnnouncementView;
pub use confirm::Confirm;
pub use copy_view::{CopyView, Part, Piece};
pub use devices::Devices;
pub use help::Help;
pub use info::Info;
pub use links::LinkPicker;
pub use pinned::PinnedView;
pub use preview::Preview;
pub use react::React;
pub use search::{SearchKind, SearchPopup, SearchView};
pub use staged::Staged;
pub use switcher::{Choice, Switcher};

use super::{App, Effect, Mode};
use crate::keymap::{Action, Context, Keymap};
use crate::protocol::vocespace::CallLink;
use crossterm::event::{KeyEvent, KeyModifiers};

/// What a popup's answer to a key makes of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// It stays open (under anything it opened).
    Stay,
    /// It closes: what was under it shows again.
    Close,
}

/// What every popup answers.
pub trait PopupState {
    /// The keymap context its keys resolve in (`Global`: none of its own, any key closes it).
    fn context(&self) -> Context;
    /// Its name in the status bar and its main keys, each as "key what", from the live keymap.
    fn hints(&self, keys: &Keymap) -> (&'static str, Vec<String>);
    /// A key while it is on top; `action` is the key's binding in its context. It is off the
    /// stack while it answers, so a popup it opens goes above it.
    fn on_key(
        &mut self,
        app: &mut App,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> (Step, Vec<Effect>);
    /// Pasted text (line breaks kept): taken (`Some`), or not (the popups close and it goes to
    /// the composer).
    fn on_paste(&mut self, _app: &mut App, _text: &str) -> Option<Vec<Effect>> {
        None
    }
}

macro_rules! popups {
    ($($variant:ident($state:ty),)*) => {
        /// An open popup and its state.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Popup { $($variant($state)),* }

        $(impl From<$state> for Popup {
            fn from(state: $state) -> Popup { Popup::$variant(state) }
        })*

        impl Popup {
            pub fn state(&self) -> &dyn PopupState {
                match self { $(Popup::$variant(s) => s),* }
            }
            fn state_mut(&mut self) -> &mut dyn PopupState {
                match self { $(Popup::$variant(s) => s),* }
            }
        }
    };
}

popups! {
    Switcher(Switcher),
    Search(SearchPopup),
    Help(Help),
    Confirm(Confirm),
    React(React),
    Info(Info),
    Call(CallLink),
    Preview(Preview),
    Devices(Devices),
    Staged(Staged),
    Announcement(AnnouncementView),
    Invite(InviteLink),
    Links(LinkPicker),
    CopyView(CopyView),
    Pinned(PinnedView),
}

/// The open popups, bottom to top.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Popups(Vec<Popup>);

impl Popups {
    /// The popup that gets the keys.
    pub fn top(&self) -> Option<&Popup> {
        self.0.last()
    }

    /// Opens `popup` over the others.
    pub fn push(&mut self, popup: impl Into<Popup>) {
        self.0.push(popup.into());
    }

    pub fn pop(&mut self) -> Option<Popup> {
        self.0.pop()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Closes every popup `keep` says no to (the others stay in their order).
    pub fn retain(&mut self, keep: impl FnMut(&Popup) -> bool) {
        self.0.retain(keep);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Bottom to top.
    pub fn iter(&self) -> std::slice::Iter<'_, Popup> {
        self.0.iter()
    }

    fn iter_mut(&mut self) -> std::slice::IterMut<'_, Popup> {
        self.0.iter_mut()
    }

    fn remove(&mut self, at: usize) {
        if at < self.0.len() {
            self.0.remove(at);
        }
    }

    /// Puts a popup back where it was (anything opened meanwhile stays above it).
    fn put_back(&mut self, at: usize, popup: Popup) {
        self.0.insert(at.min(self.0.len()), popup);
    }
}

/// The keymap context keys resolve in now: the top popup's, else the mode's (the login form
/// has only the global ones).
pub fn key_context(app: &App) -> Context {
    match app.popups.top() {
        Some(p) => p.state().context(),
        None => match app.mode {
            Mode::Chat => Context::Composer,
            Mode::Select(_) => Context::Select,
            Mode::Login(_) => Context::Global,
        },
    }
}

/// What the status bar names (the top popup, else the mode) and its main keys.
pub fn mode_keys(app: &App) -> (&'static str, Vec<String>) {
    match app.popups.top() {
        Some(p) => p.state().hints(&app.keymap),
        None => super::strings::mode_keys(&app.mode, &app.keymap),
    }
}

/// Handles a key if a popup is open (`Some`, the effects), else leaves it (`None`).
pub(super) fn on_key(app: &mut App, key: &KeyEvent) -> Option<Vec<Effect>> {
    let mut top = app.popups.pop()?;
    let action = popup_action(app, top.state().context(), key);
    let at = app.popups.0.len();
    let (step, effects) = top.state_mut().on_key(app, key, action);
    if step == Step::Stay {
        app.popups.put_back(at, top);
    }
    Some(effects)
}

/// Pasted text for the top popup: taken (`Some`), or not (`None`: every popup closes, the
/// text goes on to the login form or the composer).
pub(super) fn on_paste(app: &mut App, text: &str) -> Option<Vec<Effect>> {
    let mut top = app.popups.pop()?;
    let at = app.popups.0.len();
    match top.state_mut().on_paste(app, text) {
        Some(effects) => {
            app.popups.put_back(at, top);
            Some(effects)
        }
        None => {
            app.popups.clear();
            None
        }
    }
}

/// The popup's own action for a key: the key's binding in the popup's context, else the
/// binding of the same key without modifiers. Global actions are not popup actions.
fn popup_action(app: &App, ctx: Context, key: &KeyEvent) -> Option<Action> {
    if ctx == Context::Global {
        return None;
    }
    let own = |k: &KeyEvent| app.keymap.resolve(ctx, k).filter(|a| a.context() == ctx);
    own(key).or_else(|| own(&KeyEvent::new(key.code, KeyModifiers::NONE)))
}

/// "key what", from the live keymap: one hint of a popup's status-bar line.
fn hint(keys: &Keymap, action: Action, what: &str) -> String {
    format!("{} {what}", keys.hint(action))
}

/// The status-bar hints of a popup that only shows text scrolled by the help keys.
fn scrolled_hints(keys: &Keymap, title: &'static str) -> (&'static str, Vec<String>) {
    (
        title,
        vec![
            hint(keys, Action::HelpDown, "scroll"),
            "any other key closes".into(),
        ],
    )
}

/// A key on a popup of scrolled text (help, an announcement): the help keys move `scroll`,
/// any other key closes it.
fn scroll_key(scroll: &mut u16, action: Option<Action>) -> Step {
    *scroll = match action {
        Some(Action::HelpDown) => scroll.saturating_add(1),
        Some(Action::HelpUp) => scroll.saturating_sub(1),
        Some(Action::HelpPageDown) => scroll.saturating_add(10),
        Some(Action::HelpPageUp) => scroll.saturating_sub(10),
        _ => return Step::Close,
    };
    Step::Stay
}

/// The status-bar hints of a popup showing one link (a meeting link, an invite link).
fn link_hints(keys: &Keymap, title: &'static str) -> (&'static str, Vec<String>) {
    (
        title,
        vec![
            hint(keys, Action::CallCopy, "copy"),
            hint(keys, Action::CallOpen, "open"),
            "any other key closes".into(),
        ],
    )
}

/// A key on a popup showing one link: copy it (saying `copied`) or open it in the browser;
/// each of those, and any other key, closes it.
fn link_key(app: &mut App, action: Option<Action>, url: &str, copied: &str) -> (Step, Vec<Effect>) {
    let effects = match action {
        Some(Action::CallCopy) => {
            app.info(copied);
            vec![Effect::CopyText(url.to_string())]
        }
        Some(Action::CallOpen) => app.open_url(url.to_string()),
        _ => vec![],
    };
    (Step::Close, effects)
}
