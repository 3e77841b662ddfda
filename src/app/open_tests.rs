//! What `o` opens: files whose real extension may run something are confirmed with their
//! whole name first, plain documents open at once; links open only with an http, https or
//! mailto scheme, whatever was confirmed.

use super::tests::{alt, event, key, synced};
use super::*;
use crate::protocol::ServerEvent;
use crate::protocol::types::ChatMessage;
use crossterm::event::KeyCode;
use serde_json::json;

/// `app` with a message from bob in lobby (mid 40) selected.
fn select(app: &mut App, content_type: &str, content: &str, properties: serde_json::Value) {
    let msg: ChatMessage =
        serde_json::from_value(json!({"mid":40,"from_uid":2,"created_at":40_000,
        "target":{"gid":1},"detail":{"type":"normal","content_type":content_type,
        "content":content,"properties":properties,"expires_in":null}}))
        .unwrap();
    update(app, event(ServerEvent::Chat(msg)));
    update(app, alt(KeyCode::Char('s')));
    assert_eq!(app.mode, Mode::Select(40));
}

fn file(app: &mut App, name: &str) {
    select(
        app,
        "vocechat/file",
        "2026/1/1/q3",
        json!({"name": name, "size": 10, "content_type": "application/pdf"}),
    );
}

fn notice(app: &App) -> String {
    app.status
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

#[test]
fn a_file_that_may_run_something_is_confirmed_with_its_whole_name() {
    let name = format!("Q3_report{}.pdf______.terminal", "_".repeat(80));
    let mut app = synced();
    file(&mut app, &name);
    assert_eq!(update(&mut app, key(KeyCode::Char('o'))), vec![]);
    assert_eq!(
        app.popups.top(),
        Some(&Popup::Confirm(Confirm::OpenFile {
            path: "2026/1/1/q3".into(),
            name: name.clone(),
        }))
    );
    assert!(app.tasks.is_empty(), "nothing is downloaded before the yes");
    // No: nothing happens.
    assert_eq!(update(&mut app, key(KeyCode::Char('n'))), vec![]);
    assert_eq!((&app.mode, app.popups.top()), (&Mode::Select(40), None));
    // Yes: downloaded and opened.
    update(&mut app, alt(KeyCode::Char('s')));
    update(&mut app, key(KeyCode::Char('o')));
    let effects = update(&mut app, key(KeyCode::Char('y')));
    let [Effect::Download { task, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        effects,
        vec![Effect::Download {
            task: *task,
            path: "2026/1/1/q3".into(),
            name,
            open: true,
        }]
    );
}

#[test]
fn scripts_programs_pages_and_names_without_extension_are_confirmed() {
    for name in [
        "run.desktop",
        "x.command",
        "setup.EXE",
        "install.sh",
        "tool.jar",
        "page.html",
        "logo.svg",
        "README",
        "photo.jpg.py",
        "a.pdf\u{202e}fdp.exe",
    ] {
        let mut app = synced();
        file(&mut app, name);
        assert_eq!(update(&mut app, key(KeyCode::Char('o'))), vec![], "{name}");
        assert!(
            matches!(
                app.popups.top(),
                Some(Popup::Confirm(Confirm::OpenFile { .. }))
            ),
            "{name}: {:?}",
            app.popups.top()
        );
    }
}

#[test]
fn plain_documents_and_media_open_at_once() {
    for name in ["report.pdf", "IMG_0001.JPG", "notes.txt", "talk.mp4"] {
        let mut app = synced();
        file(&mut app, name);
        let effects = update(&mut app, key(KeyCode::Char('o')));
        assert!(
            matches!(effects.as_slice(), [Effect::Download { open: true, .. }]),
            "{name}: {effects:?}"
        );
    }
}

#[test]
fn links_to_other_schemes_are_refused_with_the_reason_even_when_confirmed() {
    for (target, scheme) in [
        ("file:///etc/passwd", "file:"),
        ("smb://evil.example/share", "smb:"),
        ("javascript:alert(1)", "javascript:"),
        ("vscode://file/x", "vscode:"),
    ] {
        let mut app = synced();
        select(
            &mut app,
            "text/markdown",
            &format!("[https://good.example/]({target})"),
            json!(null),
        );
        assert_eq!(
            update(&mut app, key(KeyCode::Char('o'))),
            vec![],
            "{target}"
        );
        assert_eq!(
            (&app.mode, app.popups.top()),
            (&Mode::Select(40), None),
            "{target}: no question to say yes to"
        );
        let said = notice(&app);
        assert!(
            said.contains(scheme) && said.contains(target) && said.contains("only http"),
            "{target}: {said}"
        );
        // A yes to a confirmation never opens one either.
        app.popups.push(Confirm::Open(target.into()));
        assert_eq!(
            update(&mut app, key(KeyCode::Char('y'))),
            vec![],
            "{target}"
        );
        assert!(notice(&app).contains(scheme));
    }
}

#[test]
fn web_and_mail_links_still_open() {
    let mut app = synced();
    select(
        &mut app,
        "text/markdown",
        "[https://good.example/](mailto:someone@example.com)",
        json!(null),
    );
    update(&mut app, key(KeyCode::Char('o')));
    assert_eq!(
        app.popups.top(),
        Some(&Popup::Confirm(Confirm::Open(
            "mailto:someone@example.com".into()
        )))
    );
    assert_eq!(
        update(&mut app, key(KeyCode::Char('y'))),
        vec![Effect::OpenUrl("mailto:someone@example.com".into())]
    );
    let mut app = synced();
    select(
        &mut app,
        "text/plain",
        "see https://good.example/a",
        json!(null),
    );
    assert_eq!(
        update(&mut app, key(KeyCode::Char('o'))),
        vec![Effect::OpenUrl("https://good.example/a".into())]
    );
}

#[test]
fn a_meeting_link_with_another_scheme_is_not_opened() {
    let mut app = synced();
    app.popups.push(crate::protocol::vocespace::CallLink {
        url: "file:///etc/passwd".into(),
        space: "channel_1".into(),
        base: "file://".into(),
        room: None,
        expires_at: 0,
    });
    assert_eq!(update(&mut app, key(KeyCode::Char('o'))), vec![]);
    assert!(notice(&app).contains("file:"), "{}", notice(&app));
}

#[test]
fn a_voice_message_is_saved_opened_and_copied_like_a_file() {
    let mut app = synced();
    select(
        &mut app,
        "vocechat/audio",
        "2026/7/24/memo",
        json!({"name": "memo.m4a", "size": 12_345, "content_type": "audio/mp4"}),
    );
    // An audio type opens at once, like any media file.
    assert!(matches!(
        update(&mut app, key(KeyCode::Char('o'))).as_slice(),
        [Effect::Download { path, name, open: true, .. }]
            if path == "2026/7/24/memo" && name == "memo.m4a"
    ));
    update(&mut app, alt(KeyCode::Char('s')));
    assert!(matches!(
        update(&mut app, key(KeyCode::Char('s'))).as_slice(),
        [Effect::Download { path, open: false, .. }] if path == "2026/7/24/memo"
    ));
    update(&mut app, alt(KeyCode::Char('s')));
    assert_eq!(
        update(&mut app, key(KeyCode::Char('y'))),
        vec![Effect::CopyFileUrl {
            path: "2026/7/24/memo".into()
        }]
    );
    assert_eq!(notice(&app), "file link copied");
}

#[test]
fn a_voice_message_plays_through_the_configured_player_and_nothing_else_does() {
    let mut app = synced();
    app.settings.audio_player = Some(vec!["mpv".into(), "--no-terminal".into()]);
    // A name that would be confirmed for the system opener: the player only plays it.
    select(
        &mut app,
        "vocechat/audio",
        "2026/7/24/memo",
        json!({"name": "memo.sh", "duration": 4}),
    );
    let effects = update(&mut app, key(KeyCode::Char('o')));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Play { path, name, player, .. }]
                if path == "2026/7/24/memo" && name == "memo.sh"
                    && *player == ["mpv", "--no-terminal"]
        ),
        "{effects:?}"
    );
    assert_eq!(app.popups.top(), None);
    assert_eq!(
        app.tasks.len(),
        1,
        "a task in the status bar while it downloads"
    );
    // `s` still saves it.
    update(&mut app, alt(KeyCode::Char('s')));
    assert!(matches!(
        update(&mut app, key(KeyCode::Char('s'))).as_slice(),
        [Effect::Download { open: false, .. }]
    ));
    // A file is not a voice message: the system opener, as ever.
    let mut app = synced();
    app.settings.audio_player = Some(vec!["mpv".into()]);
    file(&mut app, "song.mp3");
    assert!(matches!(
        update(&mut app, key(KeyCode::Char('o'))).as_slice(),
        [Effect::Download { open: true, .. }]
    ));
}

/// A message of 20,000 links (any member can post one) is read once, linearly: the picker
/// and `o` get at most `LINKS_MAX` of them, the first ones, each once.
#[test]
fn a_message_of_very_many_links_offers_the_first_hundred() {
    use crate::app::tests::{chat, event, synced};
    use crate::protocol::ServerEvent;
    let mut app = synced();
    let text: String = (0..20_000)
        .map(|i| {
            format!(
                "https://x.example/{} [https://y.example/{i}](https://z.example/{i}) ",
                i % 15_000
            )
        })
        .collect();
    update(&mut app, event(ServerEvent::Chat(chat(70, 2, 1, &text))));
    let links = app.links_of(70);
    assert_eq!(links.len(), super::open::LINKS_MAX);
    assert_eq!(links[0], ("https://x.example/0".to_string(), false));
    let unique: std::collections::HashSet<&String> = links.iter().map(|(u, _)| u).collect();
    assert_eq!(unique.len(), links.len());
}
