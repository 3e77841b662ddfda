//! Pinned chats (`pins.rs`), remarks (`remarks.rs`) and channel announcements
//! (`announce.rs`) in the app: the commands, the server's answers, the sidebar's order and
//! what hides on a server without them.

use super::tests::{alt, event, key, synced};
use super::*;
use crate::config::SidebarOrder;
use crate::model::{Feature, Support};
use crate::protocol::newer::GroupAnnouncement;
use crate::protocol::{ApiError, ServerEvent};
use crossterm::event::KeyCode;

fn command(app: &mut App, text: &str) -> Vec<Effect> {
    for c in text.chars() {
        update(app, key(KeyCode::Char(c)));
    }
    update(app, key(KeyCode::Enter))
}

fn notice(app: &App) -> String {
    app.status
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

fn version(app: &mut App, v: &str) -> Vec<Effect> {
    update(
        app,
        Msg::ServerInfo(ServerInfo {
            version: Some(v.into()),
            common: Ok(None),
        }),
    )
}

fn not_found() -> Failure {
    ApiError::NotFound("not found".into()).into()
}

fn settings(json: &str) -> Msg {
    event(ServerEvent::UserSettings(
        serde_json::from_str(json).unwrap(),
    ))
}

#[test]
fn server_pins_come_first_and_replace_the_configs_list() {
    let mut app = synced();
    app.settings.sidebar.order = SidebarOrder::PinnedFirst;
    app.settings.sidebar.pinned = vec!["#dev".into()];
    // No pins from the server (0.3.3): the config's list.
    assert_eq!(app.sidebar()[0], ConvKey::Group(2));
    // The server's list is the source, whatever the config says.
    update(&mut app, settings(r#"{"pinned_chats":[]}"#));
    assert_eq!(app.sidebar()[0], ConvKey::Group(1));
    app.settings.sidebar.order = SidebarOrder::Activity;
    update(
        &mut app,
        settings(
            r#"{"pinned_chats":[{"target":{"gid":2},"updated_at":1},{"target":{"uid":9},"updated_at":1}]}"#,
        ),
    );
    assert_eq!(
        app.sidebar(),
        vec![ConvKey::Group(2), ConvKey::Group(1)],
        "a pin of a conversation not here is not shown"
    );
}

#[test]
fn pin_is_applied_when_the_server_took_it_and_the_echo_changes_nothing() {
    let mut app = synced();
    update(&mut app, key(KeyCode::Esc));
    assert_eq!(app.timeline.open, Some(ConvKey::Group(1)));
    update(&mut app, settings(r#"{"pinned_chats":[]}"#));
    let effects = command(&mut app, "/pin");
    assert_eq!(
        effects,
        vec![Effect::PinChat {
            key: ConvKey::Group(1),
            pin: true
        }]
    );
    assert!(
        !app.chat.is_pinned(ConvKey::Group(1)),
        "not before the server's answer"
    );
    let effects = update(
        &mut app,
        Msg::Pinned {
            key: ConvKey::Group(1),
            pin: true,
            result: Ok(()),
        },
    );
    assert_eq!(app.chat.pins, Some(vec![ConvKey::Group(1)]));
    let kept: Vec<_> = effects
        .iter()
        .filter(|e| matches!(e, Effect::Keep(ev) if matches!(**ev, ServerEvent::UserSettingsChanged(_))))
        .collect();
    assert_eq!(kept.len(), 1, "{effects:?}");
    let Effect::Keep(echo) = kept[0].clone() else {
        unreachable!()
    };
    update(&mut app, event(*echo));
    assert_eq!(app.chat.pins, Some(vec![ConvKey::Group(1)]));
    assert!(command(&mut app, "/pin").is_empty());
    assert!(notice(&app).contains("pinned already"), "{}", notice(&app));
    assert_eq!(
        command(&mut app, "/unpin"),
        vec![Effect::PinChat {
            key: ConvKey::Group(1),
            pin: false
        }]
    );
}

#[test]
fn a_server_without_pinned_chats_hides_them() {
    let mut app = synced();
    // Its version not known yet: worth a try; a 404 hides them.
    assert_eq!(command(&mut app, "/pin").len(), 1);
    let effects = update(
        &mut app,
        Msg::Pinned {
            key: ConvKey::Group(1),
            pin: true,
            result: Err(not_found()),
        },
    );
    assert_eq!(app.chat.server.support(Feature::PinChats), Support::No);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SaveCapabilities(_)))
    );
    assert!(command(&mut app, "/pin").is_empty());
    assert!(notice(&app).contains("no pinned chats"), "{}", notice(&app));
    let mut old = synced();
    version(&mut old, "0.3.3");
    assert!(command(&mut old, "/pin").is_empty());
}

#[test]
fn a_remark_is_set_shown_beside_the_name_and_cleared() {
    let mut app = synced();
    assert_eq!(
        command(&mut app, "/remark @bob Bobby from design"),
        vec![Effect::SetRemark {
            uid: 2,
            remark: "Bobby from design".into()
        }]
    );
    let effects = update(
        &mut app,
        Msg::Remarked {
            uid: 2,
            remark: "Bobby from design".into(),
            result: Ok(()),
        },
    );
    assert!(effects.iter().any(|e| matches!(e, Effect::Keep(_))));
    assert_eq!(app.chat.display_name(2), "Bobby from design (bob)");
    assert_eq!(app.conv_label(ConvKey::User(2)), "@Bobby from design (bob)");
    assert_eq!(
        app.conv_tag(ConvKey::User(2)),
        "@bob",
        "the config names people by name"
    );
    // Commands still name them by their name.
    assert_eq!(
        command(&mut app, "/remark @bob"),
        vec![Effect::SetRemark {
            uid: 2,
            remark: String::new()
        }]
    );
    assert!(command(&mut app, "/remark @nobody x").is_empty());
    assert!(command(&mut app, "/remark @me x").is_empty());
    assert!(command(&mut app, "/remark bob x").is_empty());
    let long = format!("/remark @bob {}", "x".repeat(100));
    assert!(command(&mut app, &long).is_empty());
    let mut old = synced();
    version(&mut old, "0.3.3");
    assert!(command(&mut old, "/remark @bob Bobby").is_empty());
    assert!(notice(&old).contains("no remarks"), "{}", notice(&old));
}

fn announcement(gid: i64, content: &str) -> GroupAnnouncement {
    GroupAnnouncement {
        gid,
        content: content.into(),
        created_by: 1,
        created_at: 1,
        updated_at: 1,
    }
}

#[test]
fn an_announcement_is_asked_for_once_a_connection_and_only_of_servers_that_have_them() {
    let mut app = synced();
    update(&mut app, key(KeyCode::Esc));
    let fetch = |gid| Effect::FetchAnnouncement { gid };
    // The version not known at Ready: asked when the probe says.
    assert!(version(&mut app, "0.5.31").contains(&fetch(1)));
    let dev = app.open_conversation(ConvKey::Group(2));
    assert!(dev.contains(&fetch(2)), "{dev:?}");
    let lobby = app.open_conversation(ConvKey::Group(1));
    assert!(!lobby.contains(&fetch(1)), "once a connection");
    let ready = update(&mut app, event(ServerEvent::Ready));
    assert!(ready.contains(&fetch(1)), "a new connection asks again");
    // 0.3.3 and 0.5.12 are never asked.
    for v in ["0.3.3", "0.5.12"] {
        let mut old = synced();
        assert!(!version(&mut old, v).contains(&fetch(1)), "{v}");
        assert!(!update(&mut old, event(ServerEvent::Ready)).contains(&fetch(1)));
    }
}

#[test]
fn an_announcement_fetched_is_shown_kept_and_opened_on_its_key() {
    let mut app = synced();
    update(&mut app, key(KeyCode::Esc));
    version(&mut app, "0.5.31");
    let effects = update(
        &mut app,
        Msg::Announcement {
            gid: 1,
            op: AnnounceOp::Fetch,
            result: Ok(Some(announcement(1, "**Welcome!**"))),
        },
    );
    assert!(effects.iter().any(|e| matches!(e, Effect::Keep(ev)
        if matches!(&**ev, ServerEvent::GroupAnnouncementChanged { gid: 1, announcement: Some(_) }))));
    assert_eq!(app.chat.announcements[&1].content, "**Welcome!**");
    update(&mut app, alt(KeyCode::Char('n')));
    assert!(
        matches!(app.popups.top(), Some(popups::Popup::Announcement(a)) if a.gid == 1),
        "{:?}",
        app.popups.top()
    );
    update(&mut app, key(KeyCode::Esc));
    // Removed elsewhere: streamed.
    update(
        &mut app,
        event(ServerEvent::GroupAnnouncementChanged {
            gid: 1,
            announcement: None,
        }),
    );
    assert!(app.chat.announcements.is_empty());
    update(&mut app, alt(KeyCode::Char('n')));
    assert!(app.popups.top().is_none());
    assert!(notice(&app).contains("no announcement"), "{}", notice(&app));
}

#[test]
fn announce_sets_and_clears_and_a_refusal_says_who_may() {
    let mut app = synced();
    update(&mut app, key(KeyCode::Esc));
    version(&mut app, "0.5.31");
    assert_eq!(
        command(&mut app, "/announce Standup at **10**"),
        vec![Effect::Announce {
            gid: 1,
            content: Some("Standup at **10**".into())
        }]
    );
    assert_eq!(
        command(&mut app, "/announce --clear"),
        vec![Effect::Announce {
            gid: 1,
            content: None
        }]
    );
    assert!(command(&mut app, "/announce").is_empty());
    update(
        &mut app,
        Msg::Announcement {
            gid: 1,
            op: AnnounceOp::Set,
            result: Err(ApiError::Forbidden("forbidden".into()).into()),
        },
    );
    assert!(
        notice(&app).contains("owner of #lobby and admins"),
        "{}",
        notice(&app)
    );
    update(
        &mut app,
        Msg::Announcement {
            gid: 1,
            op: AnnounceOp::Set,
            result: Ok(Some(announcement(1, "Standup at **10**"))),
        },
    );
    assert_eq!(app.chat.announcements[&1].content, "Standup at **10**");
    // A server without them: hidden.
    let mut unknown = synced();
    update(&mut unknown, key(KeyCode::Esc));
    update(
        &mut unknown,
        Msg::Announcement {
            gid: 1,
            op: AnnounceOp::Set,
            result: Err(not_found()),
        },
    );
    assert_eq!(
        unknown.chat.server.support(Feature::Announcements),
        Support::No
    );
    assert!(command(&mut unknown, "/announce hi").is_empty());
    assert!(
        notice(&unknown).contains("no announcements"),
        "{}",
        notice(&unknown)
    );
}

#[test]
fn a_long_remark_is_shortened_in_labels_and_notifications_never_the_real_name() {
    let mut app = synced();
    let remark = "Bobby from the design team, who reviews every release note twice";
    update(
        &mut app,
        event(ServerEvent::UserRemark {
            contact_uid: 2,
            remark: remark.into(),
        }),
    );
    assert_eq!(app.chat.display_name(2), format!("{remark} (bob)"));
    let label = app.conv_label(ConvKey::User(2));
    assert!(label.ends_with("… (bob)"), "{label}");
    // A desktop notification of bob mentioning you is titled by him.
    app.settings.notify.desktop = true;
    update(&mut app, Msg::Focus(false));
    let effects = update(
        &mut app,
        event(ServerEvent::Chat(super::tests::chat_json(
            40,
            2,
            serde_json::json!({"gid": 1}),
            "hey @1 ",
            serde_json::json!({"mentions": [1]}),
        ))),
    );
    let title = effects.iter().find_map(|e| match e {
        Effect::Notify { title, .. } => Some(title.clone()),
        _ => None,
    });
    assert_eq!(
        title.as_deref(),
        Some("Bobby from the design tea… (bob) in #lobby")
    );
}
