//! Several accounts in one app (issue 21, docs/accounts.md): one account is *focused* and
//! lives in the fields `App` has always had; the others are *parked*, each in an
//! [`AccountState`] in `App::parked`. Which account something belongs to is an [`AccountId`].
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns which account is focused (`App::focused`), the parked accounts (`App::parked`)
//! and the exchange of an account's fields between the two (`App::swap_account`).

use super::unread_fill::UnreadFill;
use super::{App, Composer, Timeline};
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
            fn take_from(app: App) -> AccountState {
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
// (it spans accounts), the status bar, and the account bookkeeping itself (`parked`,
// `focused`).
account_fields! {
    per_account {
        chat: ChatModel,
        composer: Composer,
        timeline: Timeline,
        account: super::Account,
        resend_at: Option<i64>,
        last_local_id: i64,
        held_order: Option<(Vec<ConvKey>, i64)>,
        unread_fill: UnreadFill,
        server_probed: bool,
        announcements_asked: HashSet<i64>,
    }
    shared {
        status,
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
    }
}

impl App {
    /// Parks a new account `id`, fresh (nothing folded, nothing typed), logged in as `me`
    /// when known. False (and nothing changes) when `id` is already in the app.
    pub fn add_account(&mut self, id: AccountId, me: Option<i64>) -> bool {
        if id == self.focused || self.parked.contains_key(&id) {
            return false;
        }
        let mut fresh = App::new(self.keymap.clone(), self.settings.clone(), String::new());
        if let Some(me) = me {
            fresh.chat = ChatModel::new(me);
        }
        self.parked.insert(id, AccountState::take_from(fresh));
        true
    }
}
