//! Taking accounts opened before the loop into the app and the executor (a start, and the
//! benchmarks that start as it does): what each store remembers (or why it cannot be used),
//! then its stream. The window's account is focused; the others are parked, their messages
//! handled as theirs (`Msg::For`).

use crate::app::{Account, App, Effect, Msg, update};
use crate::runtime::account::Opened;
use crate::runtime::executor::Executor;

/// The window's account: focused, from its store, then its stream.
pub fn adopt(app: &mut App, executor: &mut Executor, opened: Opened) -> Vec<Effect> {
    let mut initial = match (opened.restored, opened.broken) {
        (Some(restored), _) => update(app, Msg::Restored(Box::new(restored))),
        (None, Some(why)) => update(app, Msg::StoreUnusable(why)),
        (None, None) => vec![],
    };
    // The window's account is the one just opened: its messages come tagged with its id.
    app.focused = opened.session.id;
    executor.adopt(opened.session);
    initial.push(Effect::StartSync);
    initial
}

/// A further account, as `account` (its name, server, e-mail): parked, from its store, then
/// its stream.
pub fn adopt_parked(
    app: &mut App,
    executor: &mut Executor,
    opened: Opened,
    account: Account,
) -> Vec<Effect> {
    let id = opened.session.id;
    app.add_account(id, Some(opened.logged_in.uid), account);
    let mut initial = match (opened.restored, opened.broken) {
        (Some(restored), _) => update(
            app,
            Msg::For(id, Box::new(Msg::Restored(Box::new(restored)))),
        ),
        (None, Some(why)) => update(app, Msg::For(id, Box::new(Msg::StoreUnusable(why)))),
        (None, None) => vec![],
    };
    executor.adopt(opened.session);
    initial.push(Effect::For(id, Box::new(Effect::StartSync)));
    initial
}
