//! What the client learns of the server (`server.rs`): asked once a session when live,
//! folded, kept with the store only when it changed, and shown by `/server`.

use super::tests::{event, key, synced};
use super::*;
use crate::model::{Feature, Support};
use crate::protocol::ServerEvent;
use crate::protocol::newer::SystemCommon;
use crossterm::event::KeyCode;

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, key(KeyCode::Char(c)));
    }
}

fn saves(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::SaveCapabilities(_)))
        .count()
}

#[test]
fn the_server_is_asked_once_a_session_when_the_stream_is_live() {
    let mut app = synced();
    // `synced()` went live once already.
    assert!(app.server_probed);
    let again = update(&mut app, event(ServerEvent::Ready));
    assert!(!again.contains(&Effect::ProbeServer));
    let mut fresh = App::logged_in(
        1,
        Keymap::new(crate::keymap::Preset::Default),
        Settings::from(&crate::config::Config::default()),
        "t".into(),
    );
    let first = update(&mut fresh, event(ServerEvent::Ready));
    assert!(first.contains(&Effect::ProbeServer), "{first:?}");
}

#[test]
fn an_open_source_server_hides_every_newer_feature_and_is_kept_once() {
    let mut app = synced();
    let info = ServerInfo {
        version: Some("0.3.3".into()),
        common: Ok(None),
    };
    let effects = update(&mut app, Msg::ServerInfo(info.clone()));
    assert_eq!(saves(&effects), 1);
    for f in Feature::ALL {
        assert_eq!(app.chat.server.support(*f), Support::No, "{f:?}");
        assert!(!app.offers(*f));
    }
    // The same answer at the next start: nothing new to keep.
    assert_eq!(saves(&update(&mut app, Msg::ServerInfo(info))), 0);
}

#[test]
fn a_newer_server_switch_changed_live_is_kept_and_shown() {
    let mut app = synced();
    update(
        &mut app,
        Msg::ServerInfo(ServerInfo {
            version: Some("0.5.31".into()),
            common: Ok(Some(SystemCommon::default())),
        }),
    );
    assert_eq!(
        app.chat.server.support(Feature::Announcements),
        Support::Yes
    );
    assert!(app.chat.server.switches().dm_enabled());
    let effects = update(
        &mut app,
        event(ServerEvent::ServerConfigChanged(
            serde_json::from_str(r#"{"dm_enable":false,"max_file_expiry_mode":"Day30"}"#).unwrap(),
        )),
    );
    assert!(!app.chat.server.switches().dm_enabled());
    assert_eq!(saves(&effects), 1, "kept for the next start");
    typed(&mut app, "/server");
    update(&mut app, key(KeyCode::Enter));
    let Some(popups::Popup::Info(info)) = app.popups.top() else {
        panic!("{:?}", app.popups.top());
    };
    let text = info.lines.join("\n");
    for line in [
        "version: 0.5.31",
        "announcements: yes",
        "pinned chats: not known yet",
        "direct messages: off",
        "files are deleted after 30 days",
    ] {
        assert!(text.contains(line), "{line}:\n{text}");
    }
}
