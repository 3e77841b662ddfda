//! Contacts, channel rules and private invite links (`contacts.rs`, `invite.rs`,
//! `model/contacts.rs`): read after each connect where the server has them, offered as the
//! server allows, `/contact`, refusals said in words, the composer saying why it cannot post
//! before you type, `/invite-link` and `/join`.

use super::tests::{event, key, synced};
use super::*;
use crate::model::{ContactStatus, ConvKey, Feature, PendingState, Support};
use crate::protocol::ApiError;
use crate::protocol::ServerEvent;
use crate::protocol::contacts::ContactAction;
use crate::protocol::newer::{ContactEntry, SystemCommon};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, key(KeyCode::Char(c)));
    }
}

fn command(app: &mut App, text: &str) -> Vec<Effect> {
    app.composer.set_text(text);
    update(app, key(KeyCode::Enter))
}

fn newer(app: &mut App, common: SystemCommon) -> Vec<Effect> {
    update(
        app,
        Msg::ServerInfo(ServerInfo {
            version: Some("0.5.31".into()),
            common: Ok(Some(common)),
        }),
    )
}

fn verifying() -> SystemCommon {
    SystemCommon {
        contact_verification_enable: Some(true),
        ..SystemCommon::default()
    }
}

fn contacts(entries: serde_json::Value) -> Msg {
    let list: Vec<ContactEntry> = serde_json::from_value(entries).unwrap();
    Msg::Contacts(ContactsMsg::List(Ok(list)))
}

fn notice(app: &App) -> String {
    app.status
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

fn switcher_labels(app: &mut App) -> Vec<String> {
    update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::CONTROL)),
    );
    let Some(popups::Popup::Switcher(s)) = app.popups.top() else {
        panic!("{:?}", app.popups.top());
    };
    let labels = s.items.iter().map(|(_, l)| l.clone()).collect();
    update(app, key(KeyCode::Esc));
    labels
}

const FETCH: Effect = Effect::Contacts(ContactsEffect::FetchList);

#[test]
fn contacts_are_read_after_the_probe_and_each_reconnect_and_never_from_0_3_3() {
    let mut app = synced();
    let effects = newer(&mut app, SystemCommon::default());
    assert!(effects.contains(&FETCH), "{effects:?}");
    assert!(
        !update(&mut app, event(ServerEvent::Ready)).contains(&FETCH),
        "not until the server has shown it has them"
    );
    update(&mut app, contacts(json!([])));
    let again = update(&mut app, event(ServerEvent::Ready));
    assert!(
        again.contains(&FETCH),
        "a reconnect reads them again: {again:?}"
    );

    let mut old = synced();
    let effects = update(
        &mut old,
        Msg::ServerInfo(ServerInfo {
            version: Some("0.3.3".into()),
            common: Ok(None),
        }),
    );
    assert!(!effects.contains(&FETCH), "{effects:?}");
    assert!(!update(&mut old, event(ServerEvent::Ready)).contains(&FETCH));
    assert!(
        command(&mut old, "/contact add @bob").is_empty(),
        "hidden on 0.3.3"
    );
    assert!(notice(&old).contains("no contacts"), "{}", notice(&old));
}

#[test]
fn a_server_whose_contacts_route_collides_hides_contacts_from_then_on() {
    let mut app = synced();
    update(
        &mut app,
        Msg::ServerInfo(ServerInfo {
            version: Some("dev".into()),
            common: Ok(None),
        }),
    );
    let effects = update(
        &mut app,
        Msg::Contacts(ContactsMsg::List(Err(ApiError::BadRequest(
            "failed to parse path `uid`".into(),
        )
        .into()))),
    );
    assert_eq!(app.chat.server.support(Feature::Contacts), Support::No);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SaveCapabilities(_)))
    );
    assert!(!update(&mut app, event(ServerEvent::Ready)).contains(&FETCH));
}

#[test]
fn with_contact_verification_the_switcher_and_completion_offer_contacts_and_admins() {
    let mut app = synced();
    newer(&mut app, verifying());
    assert!(switcher_labels(&mut app).contains(&"@carol".to_string()));
    update(
        &mut app,
        contacts(
            json!([{"target_uid": 2, "target_info": {"uid": 2, "name": "bob"},
                          "contact_info": {"status": "added"}}]),
        ),
    );
    let labels = switcher_labels(&mut app);
    assert!(!labels.contains(&"@carol".to_string()), "{labels:?}");
    // lobby is public: everyone is a member, but only contacts complete.
    update(&mut app, key(KeyCode::Enter));
    app.open_conversation(ConvKey::Group(1));
    typed(&mut app, "@");
    update(&mut app, key(KeyCode::Tab));
    assert!(
        app.composer.text().contains("@bob"),
        "{}",
        app.composer.text()
    );
    let (cands, _) = app.composer.completion.clone().unwrap();
    assert!(!cands.iter().any(|c| c.contains("carol")), "{cands:?}");
    // `/contact add @…` completes anyone.
    app.composer.set_text("");
    typed(&mut app, "/contact add @car");
    update(&mut app, key(KeyCode::Tab));
    assert_eq!(app.composer.text(), "/contact add @carol ");
    // A live delta adds carol.
    update(
        &mut app,
        event(ServerEvent::UserSettingsChanged(
            serde_json::from_value(json!({"add_contacts": [
                {"target_uid": 3, "info": {"status": "added"}}]}))
            .unwrap(),
        )),
    );
    assert_eq!(app.chat.contacts.status(3), Some(ContactStatus::Added));
}

#[test]
fn contact_commands_ask_the_server_and_a_block_closes_the_composer_before_typing() {
    let mut app = synced();
    newer(&mut app, SystemCommon::default());
    let effects = command(&mut app, "/contact block @carol");
    assert_eq!(
        effects,
        vec![Effect::Contacts(ContactsEffect::SetStatus {
            uid: 3,
            action: ContactAction::Block
        })]
    );
    update(
        &mut app,
        Msg::Contacts(ContactsMsg::StatusSet {
            uid: 3,
            action: ContactAction::Block,
            result: Ok(()),
        }),
    );
    assert_eq!(app.chat.contacts.status(3), Some(ContactStatus::Blocked));
    app.open_conversation(ConvKey::User(3));
    typed(&mut app, "hello");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Send { .. })),
        "{effects:?}"
    );
    assert!(
        notice(&app).contains("you blocked carol"),
        "{}",
        notice(&app)
    );
    assert_eq!(app.composer.text(), "hello", "the text stays");
    // Commands still work there: unblocking opens it again.
    app.composer.set_text("");
    command(&mut app, "/contact unblock @carol");
    update(
        &mut app,
        Msg::Contacts(ContactsMsg::StatusSet {
            uid: 3,
            action: ContactAction::Unblock,
            result: Ok(()),
        }),
    );
    assert_eq!(app.chat.post_refusal(ConvKey::User(3)), None);
    // Adding switched off by the administrator is said so.
    update(
        &mut app,
        Msg::Contacts(ContactsMsg::StatusSet {
            uid: 3,
            action: ContactAction::Add,
            result: Err(ApiError::Disabled("contact".into()).into()),
        }),
    );
    assert!(notice(&app).contains("disabled by the server's administrator"));
    assert!(command(&mut app, "/contact befriend @carol").is_empty());
    assert!(notice(&app).contains("/contact add|remove|block|unblock"));
}

#[test]
fn a_refused_direct_message_says_why() {
    for (error, expected) in [
        (
            ApiError::from_status(
                http::StatusCode::FORBIDDEN,
                "direct message is disabled by the administrator",
                "send",
            ),
            "direct messages are disabled",
        ),
        (
            ApiError::from_status(http::StatusCode::FORBIDDEN, "", "send"),
            "blocked, or not a contact",
        ),
    ] {
        let mut app = synced();
        app.open_conversation(ConvKey::User(2));
        typed(&mut app, "hi");
        let effects = update(&mut app, key(KeyCode::Enter));
        let Some(Effect::Send { local_id, .. }) = effects
            .iter()
            .find(|e| matches!(e, Effect::Send { .. }))
            .cloned()
        else {
            panic!("{effects:?}");
        };
        update(
            &mut app,
            Msg::Sent {
                key: ConvKey::User(2),
                local_id,
                result: Err(error.into()),
            },
        );
        let PendingState::Failed(why) = &app.chat.convs[&ConvKey::User(2)].pending[0].state else {
            panic!()
        };
        assert!(why.contains(expected), "{why}");
    }
}

#[test]
fn channel_rules_close_the_composer_and_hide_direct_messages() {
    let mut app = synced();
    newer(&mut app, SystemCommon::default());
    // bob (2) owns nothing; make me (1) a member of a read-only channel bob owns.
    update(
        &mut app,
        event(ServerEvent::JoinedGroup {
            group: serde_json::from_value(json!({"gid": 5, "name": "news", "owner": 2,
                "members": [1, 2, 3], "is_public": false, "only_owner_can_send_msg": true,
                "dm_to_member": false}))
            .unwrap(),
        }),
    );
    app.open_conversation(ConvKey::Group(5));
    typed(&mut app, "x");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(!effects.iter().any(|e| matches!(e, Effect::Send { .. })));
    assert!(notice(&app).contains("only the channel's owner"));
    // The owner lifts it; group_changed carries the flag.
    update(
        &mut app,
        event(ServerEvent::GroupChanged(
            serde_json::from_value(json!({"gid": 5, "only_owner_can_send_msg": false})).unwrap(),
        )),
    );
    assert_eq!(app.chat.post_refusal(ConvKey::Group(5)), None);
    assert!(
        !app.chat.groups[&5].flags.only_owner_can_send(),
        "{:?}",
        app.chat.groups[&5].flags
    );
    assert_eq!(app.chat.groups[&5].flags.dm_to_member, Some(false), "kept");
    // carol shares only lobby (public, DMs allowed) and news (no DMs): still offered;
    // with direct messages off server-wide, nobody is.
    assert!(switcher_labels(&mut app).contains(&"@carol".to_string()));
    update(
        &mut app,
        event(ServerEvent::ServerConfigChanged(
            serde_json::from_str(r#"{"dm_enable":false}"#).unwrap(),
        )),
    );
    assert!(!switcher_labels(&mut app).contains(&"@carol".to_string()));
    app.open_conversation(ConvKey::User(2));
    assert!(
        app.chat
            .post_refusal(ConvKey::User(2))
            .unwrap()
            .contains("direct messages are disabled")
    );
}

#[test]
fn invite_links_are_made_in_private_channels_shown_and_joined() {
    let mut app = synced();
    app.account.login = Some(("https://chat.example.com/".into(), "me@example.com".into()));
    newer(&mut app, SystemCommon::default());
    app.open_conversation(ConvKey::Group(1));
    assert!(command(&mut app, "/invite-link").is_empty());
    assert!(notice(&app).contains("private channel"), "{}", notice(&app));
    app.open_conversation(ConvKey::Group(2));
    assert_eq!(
        command(&mut app, "/invite-link 1h 5"),
        vec![Effect::Contacts(ContactsEffect::InviteLink {
            gid: 2,
            expired_in: 3600,
            max_times: 5
        })]
    );
    // The server's idea of its address (internal, behind a proxy) gives way to the
    // account's, as in the web client; the token never reaches `Debug`.
    let answer = "http://10.0.0.9:3000/#/invite_private/2?magic_token=abc9f";
    let url = "https://chat.example.com/#/invite_private/2?magic_token=abc9f";
    let msg = Msg::Contacts(ContactsMsg::InviteLink {
        gid: 2,
        result: Ok(format!("{answer}\n").into()),
    });
    assert!(!format!("{msg:?}").contains("abc9f"), "{msg:?}");
    update(&mut app, msg);
    assert!(matches!(app.popups.top(), Some(popups::Popup::Invite(l)) if l.url == url));
    let shown = format!("{:?}", app.popups.top());
    assert!(!shown.contains("abc9f"), "{shown}");
    let effects = update(&mut app, key(KeyCode::Char('y')));
    assert_eq!(effects, vec![Effect::CopyText(url.into())]);
    assert!(app.popups.is_empty());

    // A link for another server: its token is not sent to this one.
    assert!(
        command(
            &mut app,
            "/join https://other.example/#/invite_private/7?magic_token=t0k3n"
        )
        .is_empty()
    );
    assert!(
        notice(&app).contains("this link is for other.example; log in there"),
        "{}",
        notice(&app)
    );
    let effects = command(
        &mut app,
        "/join http://CHAT.example.com/#/invite_private/7?xmagic_token=no&magic_token=t0k%2B3n",
    );
    assert_eq!(
        effects,
        vec![Effect::Contacts(ContactsEffect::JoinPrivate {
            magic_token: "t0k+3n".into()
        })]
    );
    assert!(!format!("{effects:?}").contains("t0k"), "{effects:?}");
    update(
        &mut app,
        Msg::Contacts(ContactsMsg::Joined(Err(
            ApiError::Conflict("x".into()).into()
        ))),
    );
    assert!(notice(&app).contains("invalid or expired"));
    update(
        &mut app,
        Msg::Contacts(ContactsMsg::Joined(Ok(serde_json::from_value(
            json!({"gid": 7, "name": "vault", "owner": 3, "members": [1, 3], "is_public": false}),
        )
        .unwrap()))),
    );
    assert_eq!(app.timeline.open, Some(ConvKey::Group(7)));
    assert!(app.chat.groups.contains_key(&7));
}

#[test]
fn a_bad_request_hides_only_routes_that_collide_with_0_3_3_and_switches_are_said_first() {
    let mut app = synced();
    newer(
        &mut app,
        SystemCommon {
            add_friend_enable: Some(false),
            search_user_enable: Some(false),
            ..SystemCommon::default()
        },
    );
    update(
        &mut app,
        Msg::Contacts(ContactsMsg::Joined(Err(ApiError::BadRequest(
            "bad token".into(),
        )
        .into()))),
    );
    assert_ne!(app.chat.server.support(Feature::PrivateInvite), Support::No);
    assert!(notice(&app).contains("bad token"), "{}", notice(&app));
    assert!(command(&mut app, "/contact add @carol").is_empty());
    assert!(notice(&app).contains("adding contacts is disabled"));
    assert!(!command(&mut app, "/contact block @carol").is_empty());
    assert!(command(&mut app, "/find name carol").is_empty());
    assert!(notice(&app).contains("user search is disabled"));
}

#[test]
fn find_asks_the_server_and_shows_whom_it_found() {
    let mut app = synced();
    newer(&mut app, SystemCommon::default());
    assert_eq!(
        command(&mut app, "/find email dave@example.com"),
        vec![Effect::Contacts(ContactsEffect::Search(
            crate::protocol::contacts::UserSearch {
                search_type: crate::protocol::contacts::SearchType::Email,
                keyword: "dave@example.com".into()
            }
        ))]
    );
    update(&mut app, Msg::Contacts(ContactsMsg::Found(Ok(None))));
    assert!(notice(&app).contains("nobody found"));
    update(
        &mut app,
        Msg::Contacts(ContactsMsg::Found(Ok(Some(
            serde_json::from_value(json!({"uid": 9, "name": "da\u{1b}[2Jve"})).unwrap(),
        )))),
    );
    let Some(popups::Popup::Info(info)) = app.popups.top() else {
        panic!("{:?}", app.popups.top())
    };
    let text = info.lines.join("\n");
    assert!(
        text.contains("(@uid:9)") && text.contains("/contact add @"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(app.chat.users.contains_key(&9), "known from now on");
    assert!(command(&mut app, "/find nick x").is_empty());
}

#[test]
fn private_invite_links_hide_themselves_where_the_server_lacks_them() {
    let mut app = synced();
    app.open_conversation(ConvKey::Group(2));
    update(
        &mut app,
        Msg::Contacts(ContactsMsg::InviteLink {
            gid: 2,
            result: Err(ApiError::BadRequest("failed to parse path `gid`".into()).into()),
        }),
    );
    assert_eq!(app.chat.server.support(Feature::PrivateInvite), Support::No);
    assert!(command(&mut app, "/invite-link").is_empty());
    assert!(notice(&app).contains("no private invite links"));
}
