//! Several accounts in one app (issue 21, docs/accounts.md): one account is *focused* and
//! lives in the fields `App` has always had; the others are *parked*, each in an
//! [`AccountState`] in `App::parked`. Which account something belongs to is an [`AccountId`].
//!
//! A message of one account arrives as `Msg::For(id, msg)`. For the focused account it is
//! handled as any message. For a parked one, that account is swapped in, the message handled,
//! and the account swapped out again; every effect the handling returns comes out as
//! `Effect::For(id, effect)`, for the runtime to carry out on that account's session. The
//! focused account's effects are never wrapped (they go to the session the window runs on).
//! While a parked account is handled, its state is the only account state in reach, so
//! nothing can act through the wrong account; and nobody is looking at it: its open
//! conversation is not read, and its mentions notify.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns which account is focused (`App::focused`), the parked accounts (`App::parked`)
//! and the exchange of an account's fields between the two (`App::swap_account`); the message
//! that changes them (`Msg::For`) is handled here.

use super::conn::{ConnState, StopReason};
use super::unread_fill::UnreadFill;
use super::{App, Composer, Effect, Mode, Msg, Timeline};
use crate::model::{ChatModel, ConvKey};
use std::collections::HashSet;

/// Which account something belongs to, in this process: the runtime numbers each account it
/// opens, and the app keys its parked accounts by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(pub u32);

/// The account the app starts with focused (the runtime numbers its first account 1).
pub const FIRST_ACCOUNT: AccountId = AccountId(1);

/// Lists the fields of `App` once: those of one account (generating [`AccountState`], the
/// swap and the move out of a fresh app) and those shared by every account. A field of `App`
/// missing from both lists, or in both, does not build (`every_field_is_listed`).
macro_rules! account_fields {
    (
        per_account { $($(#[$doc:meta])* $field:ident: $ty:ty,)* }
        shared { $($shared:ident,)* }
    ) => {
        /// A parked account: its part of the app, exactly the fields the focused account
        /// has in `App` (listed once, in `account_fields!`).
        pub struct AccountState {
            $($(#[$doc])* $field: $ty,)*
        }

        impl App {
            /// Exchanges the focused account's fields with `state`, one `std::mem::swap` per
            /// field: afterwards `App` holds the account `state` held, and `state` the one
            /// that was focused.
            pub fn swap_account(&mut self, state: &mut AccountState) {
                $(std::mem::swap(&mut self.$field, &mut state.$field);)*
            }
        }

        impl AccountState {
            /// The per-account fields of `app` (of a fresh app: a fresh account).
            pub(super) fn take_from(app: App) -> AccountState {
                AccountState { $($field: app.$field,)* }
            }
        }

        /// Builds only while every field of `App` is listed exactly once above.
        #[allow(dead_code)]
        fn every_field_is_listed(app: App) {
            let App { $($field: _,)* $($shared: _,)* } = app;
        }
    };
}

// Shared, never swapped (docs/accounts.md): the screen, the mode and the popups over it, the
// key map and settings, the clock, `dirty` and `quit`, the background tasks, the search view
// (it spans accounts), the last local id (unique across accounts, as the tasks are shared),
// and the account bookkeeping itself (`parked`, `focused`, `collapsed`). Unlike the
// plan, the status is an account's: its connection, server, plain-http warning and replay
// count are, and so are its notices (a failure stays inside its account, issue 21); the
// status bar shows the focused account's.
account_fields! {
    per_account {
        chat: ChatModel,
        composer: Composer,
        timeline: Timeline,
        account: super::Account,
        status: super::Status,
        resend_at: Option<i64>,
        held_order: Option<(Vec<ConvKey>, i64)>,
        unread_fill: UnreadFill,
        server_probed: bool,
        announcements_asked: HashSet<i64>,
    }
    shared {
        screen,
        tasks,
        mode,
        popups,
        search,
        keymap,
        settings,
        now_ms,
        dirty,
        quit,
        parked,
        focused,
        collapsed,
        last_local_id,
    }
}

/// One account of the window as the screen reads it: focused or parked alike.
#[derive(Clone, Copy)]
pub struct AccountView<'a> {
    pub id: AccountId,
    /// Whether it is the focused account (the one the timeline and composer show).
    pub focused: bool,
    pub name: &'a str,
    pub chat: &'a ChatModel,
    pub status: &'a super::Status,
    pub timeline: &'a Timeline,
    /// Its composer: the draft being typed and the drafts kept per conversation.
    pub composer: &'a Composer,
    /// Its notifications are off (`/account mute`).
    pub muted: bool,
}

impl AccountState {
    /// The parked account's chat (its conversations, messages and unread counts).
    pub fn chat(&self) -> &ChatModel {
        &self.chat
    }

    /// The parked account's status: its connection, server and last notice.
    pub fn status(&self) -> &super::Status {
        &self.status
    }

    /// When the parked account's waiting messages are tried again, if they are.
    pub fn resend_at(&self) -> Option<i64> {
        self.resend_at
    }

    /// The parked account's view: its open conversation and where it is scrolled.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }
}

impl App {
    /// Parks a new account `id`, fresh (nothing folded, nothing typed), logged in as `me` when
    /// known, as `account` (its name, server and e-mail). False (and nothing changes) when
    /// `id` is already in the app.
    pub fn add_account(&mut self, id: AccountId, me: Option<i64>, account: super::Account) -> bool {
        if id == self.focused || self.parked.contains_key(&id) {
            return false;
        }
        let server = account.login.as_ref().map(|(s, _)| s.clone());
        let label = server.as_deref().map(super::url_label).unwrap_or_default();
        let mut fresh = App::new(self.keymap.clone(), self.settings.clone(), label);
        if let Some(me) = me {
            fresh.chat = ChatModel::new(me);
        }
        fresh.status.insecure = server.as_deref().and_then(super::insecure_host);
        fresh.account = account;
        self.parked.insert(id, AccountState::take_from(fresh));
        true
    }

    /// Every account of the window, in the order they were opened (by id), the focused one
    /// included: what the sidebar's sections and the list of what needs you are drawn from.
    pub fn accounts(&self) -> Vec<AccountView<'_>> {
        let mut all: Vec<AccountView<'_>> = self
            .parked
            .iter()
            .map(|(id, state)| AccountView {
                id: *id,
                focused: false,
                name: &state.account.name,
                chat: &state.chat,
                status: &state.status,
                timeline: &state.timeline,
                composer: &state.composer,
                muted: state.account.is_muted(self.now_ms),
            })
            .collect();
        all.push(AccountView {
            id: self.focused,
            focused: true,
            name: &self.account.name,
            chat: &self.chat,
            status: &self.status,
            timeline: &self.timeline,
            composer: &self.composer,
            muted: self.account.is_muted(self.now_ms),
        });
        all.sort_by_key(|a| a.id);
        all
    }

    /// Whether the window holds more than one account (then each is named where it matters).
    pub fn several_accounts(&self) -> bool {
        !self.parked.is_empty()
    }

    /// Focuses account `id` for good (the app's fields become its; the account focused until
    /// now is parked as it was, drafts and open conversation included). The popups, the
    /// selection and a login form were over the other account's view: they close (a login
    /// that account needs is asked for again when it is focused again). Returns the newly focused
    /// account's effects (its open conversation is read now that it is looked at). An account
    /// the app does not hold: nothing changes.
    pub fn focus(&mut self, id: AccountId) -> Vec<Effect> {
        let Some(mut state) = self.parked.remove(&id) else {
            return vec![];
        };
        self.swap_account(&mut state);
        let previous = std::mem::replace(&mut self.focused, id);
        self.parked.insert(previous, state);
        self.popups.clear();
        // The selection and a login form were the other account's.
        if matches!(self.mode, Mode::Select(_) | Mode::Login(_)) {
            self.mode = Mode::Chat;
        }
        self.dirty = true;
        // Its store could not be used, found while it was parked: the offer, now.
        if let Some(why) = self.account.rebuild_offer.take() {
            self.popups.push(super::Confirm::RebuildStore(why));
        }
        // Its session ended while it was parked: the login form, for it.
        if let ConnState::Stopped(reason) = &self.status.conn
            && matches!(
                reason,
                StopReason::SessionExpired | StopReason::DeviceRevoked
            )
        {
            let why = reason.explain();
            self.log_in_again(why);
        }
        self.mark_open_read().into_iter().collect()
    }

    /// Runs `f` with account `id`'s fields in the app (swapped in when parked, swapped out
    /// again after). `None` when the app does not hold `id`.
    pub(super) fn with_account<R>(
        &mut self,
        id: AccountId,
        f: impl FnOnce(&mut App) -> R,
    ) -> Option<R> {
        if id == self.focused {
            return Some(f(self));
        }
        let mut state = self.parked.remove(&id)?;
        self.swap_account(&mut state);
        let result = f(self);
        self.swap_account(&mut state);
        self.parked.insert(id, state);
        Some(result)
    }

    /// The clock passed a deadline: the focused account's (its retry), then each parked
    /// account's retry that is due, handled as that account's (its effects tagged).
    pub(super) fn on_tick_all(&mut self) -> Vec<Effect> {
        let mut effects = self.on_tick();
        let due: Vec<AccountId> = self
            .parked
            .iter()
            .filter(|(_, s)| s.resend_at.is_some_and(|at| at <= self.now_ms))
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            effects.extend(self.on_for(id, Msg::Tick));
        }
        effects
    }

    /// A message of account `id` (`Msg::For`; nested tags: the innermost one counts). An
    /// account the app does not hold: dropped.
    pub(super) fn on_for(&mut self, mut id: AccountId, mut msg: Msg) -> Vec<Effect> {
        while let Msg::For(inner_id, inner) = msg {
            id = inner_id;
            msg = *inner;
        }
        if id == self.focused {
            let mut effects = super::update(self, msg);
            effects.extend(self.search_again());
            return effects;
        }
        // A parked account logged out (its `/logout` answered after the focus moved on):
        // it leaves the window, which only the window's level can do.
        if matches!(msg, Msg::LoggedOut) && self.parked.contains_key(&id) {
            return self.remove_account(id);
        }
        let Some(mut state) = self.parked.remove(&id) else {
            self.dirty = false;
            return vec![];
        };
        let focused = std::mem::replace(&mut self.focused, id);
        // Nobody looks at a parked account (the terminal's focus is the focused account's),
        // and the mode and the popups are the focused account's view: out of reach while a
        // parked account is handled. What its handling would open over the window (the login
        // form, a popup) is not opened; a login it needs is asked for when it is focused.
        let looking = std::mem::replace(&mut self.screen.focused, false);
        let mode = std::mem::replace(&mut self.mode, Mode::Chat);
        let popups = std::mem::take(&mut self.popups);
        self.swap_account(&mut state);
        // The focused account waits among the parked ones meanwhile, so the window still
        // counts every account (a notification names its account when there are several).
        self.parked.insert(focused, state);
        let effects = match msg {
            // Its own retry only (the others' are the caller's to hand out).
            Msg::Tick => self.on_tick(),
            msg => super::update(self, msg),
        };
        if let Some(mut state) = self.parked.remove(&focused) {
            self.swap_account(&mut state);
            self.parked.insert(id, state);
        }
        self.screen.focused = looking;
        self.mode = mode;
        // What the handling opened over the window is dropped; an offer to rebuild its store
        // is kept with the account, for when it is focused.
        let opened = std::mem::replace(&mut self.popups, popups);
        let offer = opened.iter().find_map(|p| match p {
            super::Popup::Confirm(super::Confirm::RebuildStore(why)) => Some(why.clone()),
            _ => None,
        });
        if let (Some(why), Some(state)) = (offer, self.parked.get_mut(&id)) {
            state.account.rebuild_offer = Some(why);
        }
        self.focused = focused;
        let mut effects: Vec<Effect> = effects
            .into_iter()
            .map(|effect| Effect::For(id, Box::new(effect)))
            .collect();
        effects.extend(self.search_again());
        effects
    }
}
