//! `/account list|add|remove|mute|unmute` (`account_cmds.rs`).

use super::accounts_tests::two_accounts;
use super::conn::{ConnState, SyncMsg};
use super::tests::{key, typed};
use super::*;
use crossterm::event::KeyCode;

const HOME: AccountId = AccountId(2);

/// Types `line` in the composer and sends it.
fn command(app: &mut App, line: &str) -> Vec<Effect> {
    typed(app, line);
    update(app, key(KeyCode::Enter))
}

fn info_lines(app: &App) -> Vec<String> {
    match app.popups.top() {
        Some(Popup::Info(info)) => {
            let mut all = vec![info.title.clone()];
            all.extend(info.lines.iter().cloned());
            all
        }
        other => panic!("no info popup: {other:?}"),
    }
}

#[test]
fn account_list_names_every_account_its_state_unread_and_which_is_focused() {
    let mut app = two_accounts();
    app.account.login = Some((
        "https://chat.work.example/".into(),
        "me@work.example".into(),
    ));
    update(
        &mut app,
        Msg::For(HOME, Box::new(Msg::Sync(SyncMsg::State(ConnState::Live)))),
    );
    update(&mut app, Msg::Sync(SyncMsg::State(ConnState::Syncing)));
    let effects = command(&mut app, "/account list");
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(
        info_lines(&app),
        vec![
            "accounts (2)",
            "work · catching up · 1 unread (focused)",
            "  me@work.example @ chat.work.example",
            "home · connected",
            "  me@home.example @ home.example",
        ]
    );
    // Listing changed no account: work is still the focused one, home parked.
    assert_eq!(app.focused, FIRST_ACCOUNT);
    assert!(app.parked.contains_key(&HOME));
}

const NEW: AccountId = AccountId(3);

fn form(app: &App) -> &LoginForm {
    match &app.mode {
        Mode::Login(form) => form,
        other => panic!("no login form: {other:?}"),
    }
}

fn logged_in(account: AccountId, uid: i64, server: &str, email: &str) -> Msg {
    Msg::LoggedIn(Ok(Box::new(LoggedIn {
        account,
        uid,
        user: None,
        server: server.into(),
        email: email.into(),
    })))
}

/// Work (focused) with a draft in dev, home parked; `/account add` for the office server.
fn adding() -> App {
    let mut app = two_accounts();
    update(&mut app, super::tests::alt(KeyCode::Down));
    typed(&mut app, "dev draft");
    let effects = app.run_command("account add https://office.example --email me@office.example");
    assert!(effects.is_empty(), "{effects:?}");
    let form = form(&app);
    assert!(form.adding);
    assert_eq!(form.server, "https://office.example");
    assert_eq!(form.email, "me@office.example");
    assert_eq!(form.focus, LoginField::Password);
    app
}

#[test]
fn a_login_for_an_added_account_opens_a_new_account_and_leaves_the_others_untouched() {
    let mut app = adding();
    typed(&mut app, "pw");
    let effects = update(&mut app, key(KeyCode::Enter));
    // One more account, not a login in the focused one's place.
    assert!(
        matches!(&effects[..], [Effect::AddAccount(login)]
            if matches!(login.as_ref(), Effect::Login { server, email, .. }
                if server == "https://office.example" && email == "me@office.example")),
        "{effects:?}"
    );
    // While it logs in, work's stream keeps being folded under the form.
    let live = super::tests::event(crate::protocol::ServerEvent::Chat(super::tests::chat(
        12,
        3,
        1,
        "meanwhile",
    )));
    update(&mut app, Msg::For(FIRST_ACCOUNT, Box::new(live)));
    assert!(matches!(app.mode, Mode::Login(_)));
    let effects = update(
        &mut app,
        logged_in(NEW, 7, "https://office.example/", "me@office.example"),
    );
    // The new account is focused, fresh, and its stream starts (untagged: it is focused).
    assert_eq!(app.focused, NEW);
    assert_eq!(app.mode, Mode::Chat);
    assert_eq!(app.chat.me, Some(7));
    assert!(app.chat.convs.is_empty());
    assert_eq!(app.composer.text(), "");
    assert_eq!(app.account.name, "office.example");
    assert!(effects.contains(&Effect::StartSync), "{effects:?}");
    // Work is parked as it was: its open conversation, its draft, its messages.
    assert_eq!(app.account_ids(), vec![FIRST_ACCOUNT, HOME, NEW]);
    let work = &app.parked[&FIRST_ACCOUNT];
    assert_eq!(work.timeline().open, Some(crate::model::ConvKey::Group(2)));
    let lobby: Vec<i64> = work.chat().convs[&crate::model::ConvKey::Group(1)]
        .visible()
        .map(|m| m.mid)
        .collect();
    assert_eq!(lobby, vec![11, 12]);
    app.focus(FIRST_ACCOUNT);
    assert_eq!(app.composer.text(), "dev draft");
    // Home was not touched.
    assert_eq!(app.parked[&HOME].chat().me, Some(1));
}

#[test]
fn esc_cancels_an_add_back_to_the_account_as_it_was_and_a_failed_login_says_why() {
    let mut app = adding();
    typed(&mut app, "pw");
    update(&mut app, key(KeyCode::Enter));
    update(
        &mut app,
        Msg::LoggedIn(Err(Failure::local("wrong e-mail or password"))),
    );
    let form = form(&app);
    assert!(form.adding && !form.busy);
    assert_eq!(form.error.as_deref(), Some("wrong e-mail or password"));
    assert_eq!(app.focused, FIRST_ACCOUNT);
    // Esc: back to work, nothing lost, nothing quit.
    update(&mut app, key(KeyCode::Esc));
    assert!(!app.quit);
    assert_eq!(app.mode, Mode::Chat);
    assert_eq!(app.focused, FIRST_ACCOUNT);
    assert_eq!(app.composer.text(), "dev draft");
    assert_eq!(app.account_ids(), vec![FIRST_ACCOUNT, HOME]);
    assert_eq!(
        app.status.notice.as_ref().map(|n| n.text.as_str()),
        Some(super::account_cmds::ADD_ACCOUNT_CANCELLED)
    );
}

#[test]
fn adding_an_account_already_open_focuses_it_instead() {
    // Named by server and e-mail: no login at all.
    let mut app = two_accounts();
    let effects = app.run_command("account add home.example --email ME@home.example");
    assert_eq!(app.focused, HOME);
    assert_eq!(app.mode, Mode::Chat);
    assert!(effects.iter().all(|e| !matches!(e, Effect::AddAccount(_))));
    assert_eq!(
        app.status.notice.as_ref().map(|n| n.text.as_str()),
        Some("already open as home")
    );
    // Found only once logged in (another e-mail spelling of the same user): the new
    // session ends (its saved session is the open account's: kept) and the open one is
    // focused.
    let mut app = two_accounts();
    app.run_command("account add https://home.example");
    let effects = update(
        &mut app,
        logged_in(NEW, 1, "https://home.example/", "alias@home.example"),
    );
    assert_eq!(app.focused, HOME);
    assert_eq!(app.account_ids(), vec![FIRST_ACCOUNT, HOME]);
    assert_eq!(
        effects.first(),
        Some(&Effect::EndAccount {
            account: NEW,
            forget_session: false
        })
    );
}

fn yes(app: &mut App) -> Vec<Effect> {
    update(app, key(KeyCode::Char('y')))
}

const FORGET: fn(AccountId) -> Effect = |account| Effect::EndAccount {
    account,
    forget_session: true,
};

#[test]
fn removing_a_parked_account_asks_first_then_ends_its_session_and_forgets_it() {
    let mut app = two_accounts();
    typed(&mut app, "work draft");
    app.run_command("account remove nobody");
    assert!(app.popups.is_empty());
    assert_eq!(
        app.status.notice.as_ref().map(|n| n.text.as_str()),
        Some("no account named nobody")
    );
    app.run_command("account remove Home");
    assert_eq!(
        app.popups.top(),
        Some(&Popup::Confirm(Confirm::RemoveAccount {
            id: HOME,
            name: "home".into()
        }))
    );
    // Any other key: nothing removed.
    update(&mut app, key(KeyCode::Char('n')));
    assert_eq!(app.account_ids(), vec![FIRST_ACCOUNT, HOME]);
    app.run_command("account remove home");
    let effects = yes(&mut app);
    assert_eq!(effects, vec![FORGET(HOME)]);
    assert_eq!(app.account_ids(), vec![FIRST_ACCOUNT]);
    // Work, focused, as it was.
    assert_eq!(app.focused, FIRST_ACCOUNT);
    assert_eq!(app.composer.text(), "work draft");
    assert!(!app.several_accounts());
}

#[test]
fn removing_the_focused_account_focuses_another_and_the_last_one_leaves_the_login_form() {
    let mut app = two_accounts();
    app.run_command("account remove work");
    let effects = yes(&mut app);
    assert_eq!(effects.first(), Some(&FORGET(FIRST_ACCOUNT)));
    assert_eq!(app.focused, HOME);
    assert_eq!(app.account_ids(), vec![HOME]);
    assert_eq!(app.conv_label(crate::model::ConvKey::Group(1)), "#family");
    assert_eq!(app.mode, Mode::Chat);
    // The last one: nothing of it is left, and the login form asks for an account.
    app.run_command("account remove me@home.example");
    let effects = yes(&mut app);
    assert_eq!(effects, vec![FORGET(HOME)]);
    assert!(app.parked.is_empty());
    assert!(app.chat.convs.is_empty());
    assert_eq!(app.chat.me, None);
    assert_eq!(app.account.login, None);
    let form = form(&app);
    assert!(!form.adding && form.ask_server);
    // Its login is the window's account, named after its server.
    update(
        &mut app,
        logged_in(NEW, 9, "https://office.example/", "me@office.example"),
    );
    assert_eq!(app.focused, NEW);
    assert_eq!(app.account.name, "office.example");
    assert_eq!(app.mode, Mode::Chat);
    assert_eq!(app.account_ids(), vec![NEW]);
}

/// A message to gid `gid` of account `id` from `from`, mentioning you when `mention`.
fn said(id: AccountId, mid: i64, from: i64, gid: i64, mention: bool) -> Msg {
    let props = if mention {
        serde_json::json!({ "mentions": [1] })
    } else {
        serde_json::json!(null)
    };
    let text = if mention { "ping @1 " } else { "hello" };
    let msg = super::tests::chat_json(mid, from, serde_json::json!({ "gid": gid }), text, props);
    Msg::For(
        id,
        Box::new(super::tests::event(crate::protocol::ServerEvent::Chat(msg))),
    )
}

/// The titles of the desktop notifications among `effects` (tagged or not).
fn titles(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::For(_, inner) => titles(std::slice::from_ref(inner)).pop(),
            Effect::Notify { title, .. } => Some(title.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn notifications_name_their_account_when_the_window_holds_several() {
    // One account: as before.
    let mut one = super::tests::synced();
    let effects = update(&mut one, said(FIRST_ACCOUNT, 20, 2, 2, true));
    assert_eq!(titles(&effects), vec!["bob in #dev"]);
    // Two: each names its own, the parked one's mention included.
    let mut app = two_accounts();
    let effects = update(&mut app, said(FIRST_ACCOUNT, 20, 2, 2, true));
    assert_eq!(titles(&effects), vec!["work · #dev: bob"]);
    let effects = update(&mut app, said(HOME, 21, 4, 1, true));
    assert_eq!(titles(&effects), vec!["home · #family: dad"]);
    assert!(matches!(&effects[..], [Effect::For(HOME, _), ..]));
}

#[test]
fn each_account_notifies_at_its_own_level() {
    let mut app = two_accounts();
    // Home: every message; work: none at all, not even a mention.
    app.with_account(HOME, |a| {
        a.account.notify = Some(crate::config::NotifyLevel::All);
    });
    app.account.notify = Some(crate::config::NotifyLevel::None);
    let effects = update(&mut app, said(HOME, 21, 4, 1, false));
    assert_eq!(titles(&effects), vec!["home · #family: dad"]);
    let effects = update(&mut app, said(FIRST_ACCOUNT, 20, 2, 2, true));
    assert!(
        effects
            .iter()
            .all(|e| !matches!(e, Effect::Notify { .. } | Effect::Bell))
    );
    // No level of its own: the global one (mentions).
    app.account.notify = None;
    let effects = update(&mut app, said(FIRST_ACCOUNT, 22, 2, 2, false));
    assert!(titles(&effects).is_empty());
    let effects = update(&mut app, said(FIRST_ACCOUNT, 23, 2, 2, true));
    assert_eq!(titles(&effects), vec!["work · #dev: bob"]);
}

#[test]
fn account_mute_silences_an_account_for_a_while_and_the_list_says_so() {
    let mut app = two_accounts();
    app.now_ms = 1_000_000;
    app.run_command("account mute home 1h");
    assert_eq!(
        app.status.notice.as_ref().map(|n| n.text.as_str()),
        Some("muted the account home for 1h")
    );
    let effects = update(&mut app, said(HOME, 21, 4, 1, true));
    assert!(titles(&effects).is_empty(), "{effects:?}");
    // Work still notifies.
    let effects = update(&mut app, said(FIRST_ACCOUNT, 20, 2, 2, true));
    assert_eq!(titles(&effects), vec!["work · #dev: bob"]);
    app.run_command("account list");
    assert_eq!(
        info_lines(&app)[3],
        "home · connecting · 1 unread · muted 1h more"
    );
    app.popups.clear();
    // An hour later it notifies again.
    app.now_ms += 3_600_000;
    let effects = update(&mut app, said(HOME, 22, 4, 1, true));
    assert_eq!(titles(&effects), vec!["home · #family: dad"]);
    // Without a duration: until unmuted.
    app.run_command("account mute home");
    app.now_ms += 365 * 86_400_000;
    let effects = update(&mut app, said(HOME, 23, 4, 1, true));
    assert!(titles(&effects).is_empty());
    app.run_command("account list");
    assert!(
        info_lines(&app)[3].ends_with(" · muted"),
        "{:?}",
        info_lines(&app)
    );
    app.popups.clear();
    app.run_command("account unmute home");
    let effects = update(&mut app, said(HOME, 24, 4, 1, true));
    assert_eq!(titles(&effects), vec!["home · #family: dad"]);
    // Nothing to mute by that name, or a duration that is none.
    app.run_command("account mute nobody");
    assert_eq!(
        app.status.notice.as_ref().map(|n| n.text.as_str()),
        Some("no account named nobody")
    );
    app.run_command("account mute home soon");
    assert!(app.status.notice.as_ref().is_some_and(|n| n.error));
}

#[test]
fn an_added_account_of_the_config_takes_its_name_password_command_and_level() {
    let mut app = two_accounts();
    app.settings.accounts = crate::config::Config::parse(
        "[[account]]\nname = \"office\"\nserver = \"https://office.example\"\n\
         email = \"me@office.example\"\npassword_command = \"pass office\"\nnotify = \"all\"\n",
    )
    .unwrap()
    .accounts();
    app.run_command("account add office.example");
    let form = form(&app);
    assert_eq!(form.email, "me@office.example");
    assert_eq!(form.password_command.as_deref(), Some("pass office"));
    // Nothing to type: the password comes from the command.
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::AddAccount(login)]
            if matches!(login.as_ref(), Effect::Login { password_command: true, .. })),
        "{effects:?}"
    );
    update(
        &mut app,
        logged_in(NEW, 7, "https://office.example/", "me@office.example"),
    );
    assert_eq!(app.focused, NEW);
    assert_eq!(app.account.name, "office");
    assert_eq!(app.account.password_command.as_deref(), Some("pass office"));
    assert_eq!(app.account.notify, Some(crate::config::NotifyLevel::All));
}

#[test]
fn account_fold_folds_a_section_by_name_or_the_focused_one_without() {
    let mut app = two_accounts();
    command(&mut app, "/account fold home");
    assert_eq!(app.sidebar_rows().last(), Some(&SidebarRow::Header(HOME)));
    command(&mut app, "/account fold home");
    assert!(matches!(app.sidebar_rows().last(), Some(SidebarRow::Conv(id, _)) if *id == HOME));
    // Without a name: the focused account's.
    command(&mut app, "/account fold");
    assert!(app.collapsed.contains(&FIRST_ACCOUNT));
    // An unknown name says so and folds nothing.
    command(&mut app, "/account fold nope");
    assert!(app.status.notice.as_ref().unwrap().error);
    assert_eq!(app.collapsed.len(), 1);
}

#[test]
fn a_table_without_an_e_mail_is_not_used_for_another_person_once_its_account_is_open() {
    let mut app = two_accounts();
    // "home" (open, https://home.example/) is the config's table without an e-mail.
    app.settings.accounts = crate::config::Config::parse(
        "[[account]]\nname = \"home\"\nserver = \"https://home.example\"\n\
         password_command = \"pass me-at-home\"\n",
    )
    .unwrap()
    .accounts();
    app.run_command("account add https://home.example --email kid@home.example");
    let form = form(&app);
    assert_eq!(form.email, "kid@home.example");
    assert_eq!(
        form.password_command, None,
        "the kid types their own password"
    );
}

#[test]
fn logging_out_of_one_account_leaves_the_others_running() {
    let mut app = two_accounts();
    // Work (focused) logs out: it leaves the window, home is focused, nothing quits.
    let effects = update(&mut app, Msg::LoggedOut);
    assert!(!app.quit);
    assert_eq!(app.focused, HOME);
    assert!(app.parked.is_empty());
    assert!(effects.iter().any(|e| matches!(e,
        Effect::EndAccount { account, .. } if *account == FIRST_ACCOUNT)));
    // The last one logging out ends the program, as with one account.
    update(&mut app, Msg::LoggedOut);
    assert!(app.quit);
}

#[test]
fn a_parked_account_logging_out_leaves_the_window() {
    let mut app = two_accounts();
    let effects = update(&mut app, Msg::For(HOME, Box::new(Msg::LoggedOut)));
    assert!(!app.quit);
    assert_eq!(app.focused, FIRST_ACCOUNT);
    assert!(!app.parked.contains_key(&HOME));
    assert!(effects.iter().any(|e| matches!(e,
        Effect::EndAccount { account, .. } if *account == HOME)));
}
