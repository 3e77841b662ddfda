//! The link variants of the login form: an invite link asks for a name, an e-mail and a
//! password once the server said the link is good, and registers; an expired one says so and
//! registers nothing; a login link logs in at once and gives way to the password form when
//! it is refused.

use super::tests::{key, typed, user};
use super::*;
use crate::config::Config;
use crate::keymap::{Keymap, Preset};
use crate::protocol::ApiError;
use crate::protocol::invite::{LinkKind, parse_link};
use crossterm::event::KeyCode;

fn app_for(link: &str) -> (App, Vec<Effect>) {
    let mut app = App::new(
        Keymap::new(Preset::Default),
        Settings::from(&Config::default()),
        String::new(),
    );
    let link = parse_link(link).unwrap();
    let (form, effects) = LoginForm::for_link(link, None, None);
    app.mode = Mode::Login(form);
    (app, effects)
}

fn form(app: &App) -> &LoginForm {
    let Mode::Login(form) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    form
}

const INVITE: &str = "https://chat.example.com/?magic_token=tok-123#/register";

#[test]
fn an_invite_link_checks_the_token_then_registers_name_email_and_password() {
    let (mut app, effects) = app_for(INVITE);
    assert_eq!(
        effects,
        vec![Effect::CheckInvite {
            server: "https://chat.example.com/".into(),
            token: "tok-123".into(),
        }]
    );
    assert_eq!(form(&app).focus, LoginField::Name);
    update(&mut app, Msg::InviteChecked(Ok(true)));
    assert_eq!(form(&app).error, None);

    // Each field is asked for in turn.
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert_eq!(
        form(&app).focus,
        LoginField::Email,
        "an empty name moves on"
    );
    update(&mut app, key(KeyCode::BackTab));
    typed(&mut app, "ann");
    update(&mut app, key(KeyCode::Tab));
    typed(&mut app, "ann@example.com");
    update(&mut app, key(KeyCode::Tab));
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert_eq!(form(&app).error.as_deref(), Some("choose a password"));
    typed(&mut app, "pw-ann-1");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Register {
            server: "https://chat.example.com/".into(),
            token: "tok-123".into(),
            name: "ann".into(),
            email: "ann@example.com".into(),
            password: "pw-ann-1".into(),
        }]
    );
    assert!(form(&app).busy && form(&app).password.is_empty());
    // Secrets never show in the effect's or the form's Debug.
    let shown = format!("{effects:?} {:?}", app.mode);
    assert!(
        !shown.contains("tok-123") && !shown.contains("pw-ann-1"),
        "{shown}"
    );

    // A name taken by e-mail comes back to the form; success logs in.
    update(
        &mut app,
        Msg::LoggedIn(Err(ApiError::Conflict(
            "that e-mail address is already registered".into(),
        )
        .into())),
    );
    assert_eq!(
        (form(&app).busy, form(&app).focus),
        (false, LoginField::Email)
    );
    let effects = update(
        &mut app,
        Msg::LoggedIn(Ok(Box::new(LoggedIn {
            account: crate::app::FIRST_ACCOUNT,
            uid: 9,
            user: Some(user(9, "ann")),
            server: "https://chat.example.com/".into(),
            email: "ann@example.com".into(),
        }))),
    );
    assert_eq!(effects, vec![Effect::StartSync]);
    assert_eq!(app.mode, Mode::Chat);
}

#[test]
fn an_expired_invite_says_so_and_registers_nothing() {
    let (mut app, _) = app_for(INVITE);
    update(&mut app, Msg::InviteChecked(Ok(false)));
    assert_eq!(
        form(&app).error.as_deref(),
        Some("this invite link has expired; ask for a new one")
    );
    typed(&mut app, "ann");
    update(&mut app, key(KeyCode::Tab));
    typed(&mut app, "ann@example.com");
    update(&mut app, key(KeyCode::Tab));
    typed(&mut app, "pw");
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert!(!form(&app).busy);

    // One that expires between the check and the registration (412) is marked the same way.
    let (mut app, _) = app_for(INVITE);
    update(&mut app, Msg::InviteChecked(Ok(true)));
    typed(&mut app, "ann");
    update(&mut app, key(KeyCode::Tab));
    typed(&mut app, "ann@example.com");
    update(&mut app, key(KeyCode::Tab));
    typed(&mut app, "pw");
    assert_eq!(update(&mut app, key(KeyCode::Enter)).len(), 1);
    update(&mut app, Msg::LoggedIn(Err(ApiError::InviteExpired.into())));
    assert!(form(&app).join.as_ref().unwrap().expired);
    typed(&mut app, "pw");
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
}

#[test]
fn a_name_over_32_characters_is_refused_before_the_server_is_asked() {
    let (mut app, _) = app_for(INVITE);
    typed(&mut app, &"n".repeat(33));
    update(&mut app, key(KeyCode::Tab));
    typed(&mut app, "ann@example.com");
    update(&mut app, key(KeyCode::Tab));
    typed(&mut app, "pw");
    assert!(update(&mut app, key(KeyCode::Enter)).is_empty());
    assert_eq!(form(&app).focus, LoginField::Name);
}

#[test]
fn a_login_link_logs_in_at_once_and_falls_back_to_the_password_form() {
    let (mut app, effects) = app_for("https://chat.example.com/#/login?magic_token=lt-9");
    assert_eq!(
        effects,
        vec![Effect::LinkLogin {
            server: "https://chat.example.com/".into(),
            token: "lt-9".into(),
        }]
    );
    assert!(form(&app).busy);
    assert_eq!(form(&app).join.as_ref().unwrap().kind, LinkKind::Login);
    // Nothing to type while it is tried.
    update(&mut app, Msg::Paste("junk".into()));
    update(
        &mut app,
        Msg::LoggedIn(Err(ApiError::LoginLinkExpired.into())),
    );
    let f = form(&app);
    assert_eq!(
        (f.join.is_none(), f.focus, f.busy),
        (true, LoginField::Email, false)
    );
    assert!(
        f.error
            .as_deref()
            .unwrap()
            .contains("login link has expired")
    );
    // The password form works as ever.
    typed(&mut app, "ann@example.com");
    update(&mut app, key(KeyCode::Tab));
    typed(&mut app, "pw");
    assert!(matches!(
        update(&mut app, key(KeyCode::Enter)).as_slice(),
        [Effect::Login { .. }]
    ));
}
