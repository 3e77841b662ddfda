//! Whole-screen snapshots (insta) at 80×24 and 120×40: the main screen with every kind of
//! message, the switcher, help, the login form, a disconnected state, the composer replying,
//! and the reaction picker. Times are shown in UTC so the snapshots do not depend on the
//! machine's time zone.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};
use vocechat_tui::app::conn::{ConnState, SyncMsg};
use vocechat_tui::app::{App, LoginForm, Mode, Msg, Settings, update};
use vocechat_tui::config::{Config, Layout};
use vocechat_tui::keymap::{Keymap, Preset};
use vocechat_tui::protocol::ServerEvent;
use vocechat_tui::protocol::types::ContentKind;
use vocechat_tui::theme::Theme;
use vocechat_tui::ui::{RenderCache, draw};

/// 2026-11-21 09:00 UTC.
const T0: i64 = 1_795_338_000_000;

fn ev(app: &mut App, v: Value) {
    let ev: ServerEvent = serde_json::from_value(v).unwrap();
    update(app, Msg::Sync(SyncMsg::Event(Box::new(ev))));
}

fn chat(app: &mut App, mid: i64, from: i64, target: Value, detail: Value) {
    ev(
        app,
        json!({"type":"chat","mid":mid,"from_uid":from,"created_at":T0 + mid * 90_000,"target":target,"detail":detail}),
    );
}

fn text(t: &str) -> Value {
    json!({"type":"normal","content_type":"text/plain","content":t,"properties":null,"expires_in":null})
}

fn key(app: &mut App, code: KeyCode, mods: KeyModifiers) {
    update(app, Msg::Key(KeyEvent::new(code, mods)));
}

fn scene() -> App {
    let mut settings = Settings::from(&Config::default());
    settings.utc = true;
    let mut app = App::logged_in(
        1,
        Keymap::new(Preset::Default),
        settings,
        "chat.example.com".into(),
    );
    app.now_ms = T0 + 3_600_000;
    let user = |uid: i64, name: &str, bot: bool| json!({"uid":uid,"name":name,"email":null,"gender":0,"language":"en-US","is_admin":uid == 1,"is_bot":bot,"avatar_updated_at":0,"create_by":"password"});
    ev(
        &mut app,
        json!({"type":"users_snapshot","version":5,"users":[user(1,"ada",false),user(2,"bob",false),user(3,"carol",false),user(4,"李雷",false),user(5,"vocebot",true)]}),
    );
    ev(
        &mut app,
        json!({"type":"users_state","users":[{"uid":2,"online":true},{"uid":3,"online":false},{"uid":4,"online":true}]}),
    );
    ev(
        &mut app,
        json!({"type":"related_groups","groups":[
        {"gid":1,"name":"general","description":null,"owner":null,"members":[],"is_public":true,"avatar_updated_at":0,"pinned_messages":[]},
        {"gid":2,"name":"dev","description":null,"owner":1,"members":[1,2,4],"is_public":false,"avatar_updated_at":0,"pinned_messages":[]},
        {"gid":3,"name":"random","description":null,"owner":null,"members":[],"is_public":true,"avatar_updated_at":0,"pinned_messages":[]}]}),
    );
    ev(
        &mut app,
        json!({"type":"user_settings","mute_users":[],"mute_groups":[{"gid":3,"expired_at":null}],"read_index_users":[],
        "read_index_groups":[{"gid":1,"mid":5}],"burn_after_reading_users":[],"burn_after_reading_groups":[]}),
    );
    let g1 = json!({"gid":1});
    chat(&mut app, 1, 2, g1.clone(), text("morning all ☕"));
    chat(
        &mut app,
        2,
        3,
        g1.clone(),
        json!({"type":"normal","content_type":"text/markdown","content":"**Release checklist**\n- [x] changelog\n- tag `v1.2`\n\n```sh\ncargo test\n```","properties":null,"expires_in":null}),
    );
    chat(&mut app, 3, 1, g1.clone(), text("I'll tag it after lunch"));
    chat(
        &mut app,
        4,
        2,
        g1.clone(),
        json!({"type":"reaction","mid":1,"detail":{"type":"edit","content_type":"text/plain","content":"morning all ☕☕","properties":null}}),
    );
    chat(
        &mut app,
        5,
        2,
        g1.clone(),
        json!({"type":"reaction","mid":2,"detail":{"type":"like","action":"👍"}}),
    );
    chat(
        &mut app,
        6,
        1,
        g1.clone(),
        json!({"type":"reaction","mid":2,"detail":{"type":"like","action":"👍"}}),
    );
    chat(
        &mut app,
        7,
        4,
        g1.clone(),
        json!({"type":"reaction","mid":2,"detail":{"type":"like","action":"🎉"}}),
    );
    chat(
        &mut app,
        8,
        2,
        g1.clone(),
        json!({"type":"reply","mid":2,"content_type":"text/plain","content":"changelog looks good","properties":null}),
    );
    chat(
        &mut app,
        9,
        3,
        g1.clone(),
        json!({"type":"normal","content_type":"vocechat/file","content":"2026/11/21/abc","properties":{"name":"report.pdf","size":48213,"content_type":"application/pdf"},"expires_in":null}),
    );
    chat(&mut app, 10, 3, g1.clone(), text("oops, wrong channel"));
    chat(
        &mut app,
        11,
        3,
        g1.clone(),
        json!({"type":"reaction","mid":10,"detail":{"type":"delete"}}),
    );
    chat(
        &mut app,
        12,
        4,
        g1.clone(),
        json!({"type":"normal","content_type":"text/plain","content":"@1 日本語のメッセージも大丈夫 👍","properties":{"mentions":[1]},"expires_in":null}),
    );
    chat(
        &mut app,
        13,
        5,
        g1.clone(),
        text("\u{1b}[31mbuild #42 passed\u{1b}[0m \u{1b}]0;pwned\u{7}in 3m"),
    );
    chat(&mut app, 14, 2, json!({"gid":2}), text("PR is up"));
    chat(
        &mut app,
        15,
        4,
        json!({"gid":2}),
        json!({"type":"normal","content_type":"text/plain","content":"@1 can you review?","properties":{"mentions":[1]},"expires_in":null}),
    );
    chat(&mut app, 16, 2, json!({"uid":1}), text("lunch?"));
    chat(&mut app, 17, 3, json!({"gid":3}), text("muted chatter"));
    ev(&mut app, json!({"type":"ready"}));
    update(&mut app, Msg::Sync(SyncMsg::State(ConnState::Live)));
    // The DM with bob (newest unmuted) opened first; go to #general for the shots.
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::CONTROL)),
    );
    for c in "general".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    app.status.notice = None;
    app
}

fn render(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    update(app, Msg::Resize(w, h));
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut cache = RenderCache::default();
    term.draw(|f| {
        draw(f, app, &Theme::dark(), &mut cache);
    })
    .unwrap();
    term
}

#[test]
fn main_screen_80x24() {
    let mut app = scene();
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

#[test]
fn main_screen_120x40() {
    let mut app = scene();
    let term = render(&mut app, 120, 40);
    let screen = term.backend().to_string();
    // No escape sequence from the server reached the screen.
    assert!(
        !screen.contains('\u{1b}') && !screen.contains("pwned"),
        "{screen}"
    );
    insta::assert_snapshot!(term.backend());
}

/// The scene on a newer server: dev pinned there (first in the sidebar), bob with your
/// remark, and #general's announcement over its timeline.
fn newer_scene() -> App {
    let mut app = scene();
    ev(
        &mut app,
        json!({"type":"user_settings_changed","add_pin_chats":[{"target":{"gid":2},"updated_at":T0}]}),
    );
    ev(
        &mut app,
        json!({"type":"user_remark","contact_uid":2,"remark":"Bobby \u{1b}[2Jdesign"}),
    );
    ev(
        &mut app,
        json!({"type":"group_announcement_changed","gid":1,"announcement":{"gid":1,
        "content":"**Welcome!** Read the [rules](https://example.com/rules) first.\u{1b}]0;pwned\u{7}\u{202e}\n\n- be kind\n- no spoilers in #general",
        "created_by":1,"created_at":T0,"updated_at":T0 + 60_000}}),
    );
    app
}

#[test]
fn newer_server_pins_remark_and_announcement_80x24() {
    let mut app = newer_scene();
    let term = render(&mut app, 80, 24);
    let screen = term.backend().to_string();
    assert!(
        !screen.contains(['\u{1b}', '\u{202e}']) && !screen.contains("pwned"),
        "{screen}"
    );
    insta::assert_snapshot!(term.backend());
}

#[test]
fn announcement_popup_80x24() {
    let mut app = newer_scene();
    key(&mut app, KeyCode::Char('n'), KeyModifiers::ALT);
    let term = render(&mut app, 80, 24);
    let screen = term.backend().to_string();
    assert!(
        !screen.contains(['\u{1b}', '\u{202e}']) && !screen.contains("pwned"),
        "{screen}"
    );
    insta::assert_snapshot!(term.backend());
}

/// The scene with a busier #general, for the two layouts side by side: a run of bob's
/// messages (the second wraps), one of yours in three lines, a run of carol's, and a send
/// not acknowledged yet.
fn busy_scene(layout: Layout) -> App {
    let mut app = scene();
    app.settings.layout = layout;
    let g1 = json!({"gid":1});
    chat(&mut app, 18, 2, g1.clone(), text("back from lunch"));
    chat(
        &mut app,
        19,
        2,
        g1.clone(),
        text(
            "anyone seen the flaky test in CI? it fails about one run in ten, always in the upload suite and only on the slow runner",
        ),
    );
    chat(
        &mut app,
        20,
        1,
        g1.clone(),
        text("yes, it's the chunk timeout\nI'll raise it to 30 s\nand add a retry"),
    );
    chat(&mut app, 21, 3, g1.clone(), text("thanks!"));
    chat(&mut app, 22, 3, g1, text("merging after CI"));
    for c in "on it".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    app
}

/// What the compact snapshots are measured against.
#[test]
fn busy_cozy_80x24() {
    let mut app = busy_scene(Layout::Cozy);
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

#[test]
fn busy_compact_80x24() {
    let mut app = busy_scene(Layout::Compact);
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

#[test]
fn busy_compact_120x40() {
    let mut app = busy_scene(Layout::Compact);
    insta::assert_snapshot!(render(&mut app, 120, 40).backend());
}

/// bob with a remark as long as the server allows (64 characters): it is the remark that is
/// shortened, in both layouts, never bob's real name.
fn long_remark_scene(layout: Layout) -> App {
    let mut app = busy_scene(layout);
    ev(
        &mut app,
        json!({"type":"user_remark","contact_uid":2,
        "remark":"Bobby from the design team, who reviews every release note twice"}),
    );
    app
}

#[test]
fn a_long_remark_is_cut_not_the_real_name_cozy_80x24() {
    let mut app = long_remark_scene(Layout::Cozy);
    let term = render(&mut app, 80, 24);
    assert!(term.backend().to_string().contains("… (bob)"));
    insta::assert_snapshot!(term.backend());
}

#[test]
fn a_long_remark_is_cut_not_the_real_name_compact_80x24() {
    let mut app = long_remark_scene(Layout::Compact);
    let term = render(&mut app, 80, 24);
    assert!(term.backend().to_string().contains("… (bob)"));
    insta::assert_snapshot!(term.backend());
}

#[test]
fn switcher_80x24() {
    let mut app = scene();
    key(&mut app, KeyCode::Char('k'), KeyModifiers::CONTROL);
    key(&mut app, KeyCode::Char('d'), KeyModifiers::NONE);
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

#[test]
fn help_120x40() {
    let mut app = scene();
    key(&mut app, KeyCode::F(1), KeyModifiers::NONE);
    insta::assert_snapshot!(render(&mut app, 120, 40).backend());
}

#[test]
fn login_form_80x24() {
    let mut app = App::new(
        Keymap::new(Preset::Default),
        Settings::from(&Config::default()),
        String::new(),
    );
    let mut form = LoginForm::new(
        Some("https://chat.example.com".into()),
        Some("ada@example.com".into()),
        None,
    );
    form.password = "secret".into();
    form.error = Some("wrong password".into());
    app.mode = Mode::Login(form);
    let term = render(&mut app, 80, 24);
    assert!(
        !term.backend().to_string().contains("secret"),
        "the password is masked"
    );
    insta::assert_snapshot!(term.backend());
}

#[test]
fn disconnected_80x24() {
    let mut app = scene();
    let retry_at_ms = app.now_ms + 8_000;
    update(
        &mut app,
        Msg::Sync(SyncMsg::State(ConnState::Waiting {
            retry_at_ms,
            attempt: 3,
            reason: "cannot reach the server: connection failed".into(),
        })),
    );
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

#[test]
fn the_retry_time_stays_put_while_the_client_waits() {
    let mut app = scene();
    let retry_at_ms = app.now_ms + 8_000;
    update(
        &mut app,
        Msg::Sync(SyncMsg::State(ConnState::Waiting {
            retry_at_ms,
            attempt: 3,
            reason: "cannot reach the server".into(),
        })),
    );
    let status = |app: &mut App| {
        let screen = render(app, 120, 24).backend().to_string();
        let line = screen
            .lines()
            .find(|l| l.contains("retry at"))
            .map(str::to_string);
        line.expect("a status line with the retry time")
    };
    let first = status(&mut app);
    // Redraws a few seconds later (a key, a tick) must not move the announced time.
    app.now_ms += 5_000;
    update(&mut app, Msg::Tick);
    assert_eq!(status(&mut app), first);
}

#[test]
fn composer_replying_with_a_failed_send_80x24() {
    let mut app = scene();
    key(&mut app, KeyCode::Char('s'), KeyModifiers::ALT);
    key(&mut app, KeyCode::Up, KeyModifiers::NONE);
    key(&mut app, KeyCode::Char('r'), KeyModifiers::NONE);
    for c in "agreed".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    key(&mut app, KeyCode::Enter, KeyModifiers::ALT);
    for c in "second line".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let effects = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let Some(vocechat_tui::app::Effect::Send {
        key: k, local_id, ..
    }) = effects.first().cloned()
    else {
        panic!("{effects:?}")
    };
    update(
        &mut app,
        Msg::Sent {
            key: k,
            local_id,
            result: Err("cannot reach the server".into()),
        },
    );
    key(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    for c in "draft in progress".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

/// Reactions the server has not made yet, under their message: one waiting for the
/// connection, one refused with the keys that retry or discard it.
#[test]
fn changes_not_made_yet_80x24() {
    let mut app = scene();
    let answer =
        |app: &mut vocechat_tui::app::App, pick: char, error: vocechat_tui::app::Failure| {
            key(app, KeyCode::Char('s'), KeyModifiers::ALT);
            key(app, KeyCode::Char('+'), KeyModifiers::NONE);
            let effects = update(
                app,
                Msg::Key(KeyEvent::new(KeyCode::Char(pick), KeyModifiers::NONE)),
            );
            let Some(vocechat_tui::app::Effect::Change(change)) = effects.first().cloned() else {
                panic!("{effects:?}")
            };
            update(
                app,
                Msg::Changed {
                    id: change.id,
                    result: Err(error),
                },
            );
            key(app, KeyCode::Esc, KeyModifiers::NONE);
        };
    answer(
        &mut app,
        '6',
        vocechat_tui::protocol::ApiError::Network("connection refused".into()).into(),
    );
    answer(
        &mut app,
        '4',
        vocechat_tui::protocol::ApiError::Forbidden("guests cannot react".into()).into(),
    );
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

#[test]
fn reaction_picker_80x24() {
    let mut app = scene();
    key(&mut app, KeyCode::Char('s'), KeyModifiers::ALT);
    key(&mut app, KeyCode::Char('+'), KeyModifiers::NONE);
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

/// Two messages marked in the selection (a third selected), then the one confirm for both.
#[test]
fn marked_messages_80x24() {
    let mut app = scene();
    key(&mut app, KeyCode::Char('s'), KeyModifiers::ALT);
    key(&mut app, KeyCode::Char(' '), KeyModifiers::NONE);
    key(&mut app, KeyCode::Up, KeyModifiers::NONE);
    key(&mut app, KeyCode::Up, KeyModifiers::NONE);
    key(&mut app, KeyCode::Char('v'), KeyModifiers::NONE);
    key(&mut app, KeyCode::Down, KeyModifiers::NONE);
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
    key(&mut app, KeyCode::Char('d'), KeyModifiers::NONE);
    let screen = render(&mut app, 80, 24).backend().to_string();
    assert!(
        screen.contains("Delete 2 messages for everyone?"),
        "{screen}"
    );
}

#[test]
fn narrow_terminal_degrades_without_panicking() {
    let mut app = scene();
    for (w, h) in [(40, 10), (20, 5), (10, 3), (1, 1)] {
        render(&mut app, w, h);
    }
    let mut compact = busy_scene(Layout::Compact);
    for (w, h) in [(40, 10), (27, 6), (20, 5), (10, 3), (1, 1)] {
        render(&mut compact, w, h);
    }
    let term = render(&mut app, 50, 12);
    assert!(
        !term.backend().to_string().contains("conversations"),
        "the sidebar hides below 60 columns"
    );
}

#[test]
fn the_scene_counts_are_right() {
    use vocechat_tui::model::ConvKey;
    let app = scene();
    let counts = |k| (app.chat.convs[&k].unread, app.chat.convs[&k].mentions);
    assert_eq!(counts(ConvKey::Group(1)), (0, 0), "open and read");
    assert_eq!(counts(ConvKey::Group(2)), (2, 1));
    assert_eq!(
        counts(ConvKey::User(2)),
        (0, 0),
        "the newest unmuted conversation opened first"
    );
    assert_eq!(
        counts(ConvKey::Group(3)),
        (1, 0),
        "muted: not opened first, so still unread"
    );
}

#[test]
fn links_on_screen_are_located_for_osc8() {
    for layout in [Layout::Cozy, Layout::Compact] {
        links_are_located(layout);
    }
}

fn links_are_located(layout: Layout) {
    let mut app = scene();
    app.settings.layout = layout;
    chat(
        &mut app,
        30,
        2,
        json!({"gid":1}),
        text("docs at https://example.com/docs, enjoy"),
    );
    chat(
        &mut app,
        31,
        3,
        json!({"gid":1}),
        json!({"type":"normal","content_type":"text/markdown","content":"see [the guide](https://example.com/guide)","properties":null,"expires_in":null}),
    );
    update(&mut app, Msg::Resize(80, 24));
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut cache = RenderCache::default();
    term.draw(|f| {
        draw(f, &app, &Theme::dark(), &mut cache);
    })
    .unwrap();
    let urls: Vec<&str> = cache.links.iter().map(|l| l.url.as_str()).collect();
    assert_eq!(
        urls,
        vec!["https://example.com/docs", "https://example.com/guide"]
    );
    // Each link's text is on screen exactly where it says.
    let buf = term.backend().buffer();
    for link in &cache.links {
        let mut at = String::new();
        let mut x = link.x;
        while at.len() < link.text.len() {
            at.push_str(buf[(x, link.y)].symbol());
            x += 1;
        }
        assert_eq!(at, link.text);
        assert!(link.text.contains(&link.url));
    }
    let mut painter = vocechat_tui::runtime::paint::Painter::new(true);
    let bytes = painter.paint(buf.clone(), None, &cache.links).unwrap();
    let osc = String::from_utf8_lossy(&bytes);
    assert!(osc.contains("\u{1b}]8;;https://example.com/docs\u{1b}\\"));
    // After the session ends, the login form has no links left over from the timeline.
    app.mode = Mode::Login(vocechat_tui::app::LoginForm::new(None, None, None));
    term.draw(|f| {
        draw(f, &app, &Theme::dark(), &mut cache);
    })
    .unwrap();
    assert!(cache.links.is_empty());
}

#[test]
fn staged_files_and_an_upload_in_progress_80x24() {
    use vocechat_tui::model::{OpenFile, Staged};
    let mut app = scene();
    let file = |name: &str, size: u64| Staged {
        path: format!("/tmp/{name}").into(),
        name: name.into(),
        size,
        content_type: "application/pdf".into(),
        file: OpenFile::new(tempfile::tempfile().unwrap()),
    };
    update(
        &mut app,
        Msg::Staged {
            files: vec![file("slides.pdf", 3_400_000)],
            errors: vec![],
            paste: None,
        },
    );
    let effects = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let Some(vocechat_tui::app::Effect::Upload {
        key: k, local_id, ..
    }) = effects.first().cloned()
    else {
        panic!("{effects:?}")
    };
    app.now_ms += 2_000;
    update(
        &mut app,
        Msg::UploadProgress {
            key: k,
            local_id,
            sent: 1_700_000,
            total: 3_400_000,
        },
    );
    update(
        &mut app,
        Msg::Staged {
            files: vec![file("budget.xlsx", 52_000)],
            errors: vec![],
            paste: None,
        },
    );
    app.status.notice = None;
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

#[test]
fn an_image_preview_draws_with_half_blocks() {
    use vocechat_tui::app::Preview;
    let mut app = scene();
    let mut img = image::RgbImage::new(32, 32);
    for (x, _, p) in img.enumerate_pixels_mut() {
        *p = if x < 16 {
            image::Rgb([255, 0, 0])
        } else {
            image::Rgb([0, 0, 255])
        };
    }
    app.popups.push(Preview {
        name: "flag.png".into(),
        image: std::sync::Arc::new(image::DynamicImage::ImageRgb8(img)),
    });
    let term = render(&mut app, 80, 24);
    let screen = term.backend().to_string();
    assert!(screen.contains("flag.png"));
    // The image's colours made it into the cells (half-blocks colour fg and bg).
    let buf = term.backend().buffer();
    let colours: std::collections::HashSet<String> = buf
        .content()
        .iter()
        .flat_map(|c| [format!("{:?}", c.fg), format!("{:?}", c.bg)])
        .collect();
    assert!(
        colours.iter().any(|c| c.contains("255, 0, 0")),
        "{colours:?}"
    );
    assert!(
        colours.iter().any(|c| c.contains("0, 0, 255")),
        "{colours:?}"
    );
}

#[test]
fn a_huge_message_is_folded_to_a_screenful_until_selected() {
    let mut app = scene();
    // 10 MB in 200,000 lines, from carol, newest in #general.
    let huge: String = (0..200_000)
        .map(|i| format!("line {i:06} of a very long paste\n"))
        .collect();
    chat(&mut app, 60, 3, json!({"gid":1}), text(&huge));
    let screen = render(&mut app, 80, 24).backend().to_string();
    assert!(screen.contains("line 000000"), "{screen}");
    assert!(
        screen.contains("more lines (select it to read on)"),
        "{screen}"
    );
    assert!(!screen.contains("line 199999"), "{screen}");
    // Selected, it reads on (as far as the screen goes) and says what copying gives.
    key(&mut app, KeyCode::Char('s'), KeyModifiers::ALT);
    let screen = render(&mut app, 80, 24).backend().to_string();
    assert!(screen.contains("line 000000"), "{screen}");
    assert!(!screen.contains("select it to read on"), "{screen}");
}

#[test]
fn plain_http_is_warned_about_in_the_login_form_and_the_status_bar() {
    let mut app = scene();
    app.status.insecure = Some("chat.example.com".into());
    let screen = render(&mut app, 120, 40).backend().to_string();
    assert!(screen.contains("⚠ unencrypted http"), "{screen}");
    app.mode = Mode::Login(LoginForm::new(
        Some("http://chat.example.com".into()),
        Some("ada@example.com".into()),
        None,
    ));
    let screen = render(&mut app, 120, 40).backend().to_string();
    assert!(
        screen.contains("plain http to chat.example.com"),
        "{screen}"
    );
}

#[test]
fn a_selected_message_taller_than_the_screen_opens_at_its_top_and_scrolls_within_it() {
    for layout in [Layout::Cozy, Layout::Compact] {
        tall_selected(layout);
    }
}

fn tall_selected(layout: Layout) {
    let mut app = scene();
    app.settings.layout = layout;
    let long: String = (0..300).map(|i| format!("row {i:03}\n")).collect();
    chat(&mut app, 60, 3, json!({"gid":1}), text(&long));
    update(&mut app, Msg::Resize(80, 24));
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut cache = RenderCache::default();
    // One frame as the loop draws it: the renderer's scroll goes back through `update`.
    let mut frame = |app: &mut App| {
        let mut view = None;
        term.draw(|f| view = Some(draw(f, app, &Theme::dark(), &mut cache)))
            .unwrap();
        let view = view.unwrap();
        update(app, Msg::View(view));
        term.backend().to_string()
    };
    key(&mut app, KeyCode::Char('s'), KeyModifiers::ALT);
    let screen = frame(&mut app);
    assert!(screen.contains("row 000"), "{screen}");
    assert!(!screen.contains("row 299"), "{screen}");
    // Page down through it: later rows come into view, the message never leaves the screen.
    for _ in 0..30 {
        key(&mut app, KeyCode::PageDown, KeyModifiers::NONE);
        frame(&mut app);
    }
    let screen = frame(&mut app);
    assert!(screen.contains("row 299"), "{screen}");
    assert!(!screen.contains("row 000"), "{screen}");
    for _ in 0..60 {
        key(&mut app, KeyCode::PageUp, KeyModifiers::NONE);
        frame(&mut app);
    }
    let screen = frame(&mut app);
    assert!(screen.contains("row 000"), "{screen}");
    assert_eq!(app.mode, Mode::Select(60));
}

#[test]
fn clicking_the_sidebar_opens_a_conversation() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut app = scene();
    // A frame tells the app where the sidebar's rows are.
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut cache = RenderCache::default();
    let mut view = None;
    term.draw(|f| view = Some(draw(f, &app, &Theme::dark(), &mut cache)))
        .unwrap();
    update(&mut app, Msg::View(view.unwrap()));
    let first_row = 1; // row 0 is the sidebar title
    update(
        &mut app,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 2,
            row: first_row + 1,
            modifiers: KeyModifiers::NONE,
        }),
    );
    assert_eq!(app.timeline.open, Some(app.sidebar()[1]));
}

#[test]
fn popup_hints_show_remapped_keys() {
    use std::collections::BTreeMap;
    use vocechat_tui::app::{Confirm, Popup, React};
    let keys = |pairs: &[(&str, &[&str])]| {
        pairs
            .iter()
            .map(|(a, k)| {
                (
                    a.to_string(),
                    k.iter().map(std::string::ToString::to_string).collect(),
                )
            })
            .collect::<BTreeMap<String, Vec<String>>>()
    };
    let screen = |app: &mut App| render(app, 80, 24).backend().to_string();
    // Today's hints with the default keys.
    let mut app = scene();
    // Over the selection, as `d` and `+` open them.
    app.mode = Mode::Select(1);
    let open = |app: &mut App, popup: Popup| {
        app.popups.clear();
        app.popups.push(popup);
    };
    open(&mut app, Confirm::Delete(1).into());
    assert!(screen(&mut app).contains("y: yes   any other key: no"));
    open(&mut app, React { mid: 1, index: 0 }.into());
    assert!(screen(&mut app).contains("←/→ and Enter, or 1–8; again to take it back"));
    // Remapped.
    app.keymap = Keymap::new(Preset::Default)
        .with_overrides(&keys(&[
            ("confirm_yes", &["ctrl+y", "y"]),
            ("react_left", &["h"]),
            ("react_right", &["l"]),
            ("react_pick", &["space"]),
            ("call_copy", &["ctrl+c"]),
            ("call_open", &["b"]),
        ]))
        .unwrap();
    open(&mut app, Confirm::Delete(1).into());
    let s = screen(&mut app);
    assert!(s.contains("Ctrl+Y: yes   any other key: no"), "{s}");
    open(
        &mut app,
        Confirm::Open("https://example.com/x".into()).into(),
    );
    let s = screen(&mut app);
    assert!(s.contains("Ctrl+Y: open it   any other key: no"), "{s}");
    open(&mut app, React { mid: 1, index: 0 }.into());
    let s = screen(&mut app);
    assert!(s.contains("h/l and Space, or 1–8"), "{s}");
    open(
        &mut app,
        vocechat_tui::protocol::vocespace::CallLink {
            url: "https://m.example.com/x".into(),
            space: "channel_1".into(),
            base: "https://m.example.com".into(),
            room: None,
            expires_at: 0,
        }
        .into(),
    );
    let s = screen(&mut app);
    assert!(
        s.contains("Ctrl+C copy (OSC 52) · b open in the browser · any other key closes"),
        "{s}"
    );
    assert!(s.contains("meeting channel_1 ─"), "no room asked for: {s}");
    if let Some(Popup::Call(mut link)) = app.popups.pop() {
        link.room = Some(vocechat_tui::protocol::vocespace::Room::Named(
            "stand up".into(),
        ));
        app.popups.push(link);
    }
    let s = screen(&mut app);
    assert!(s.contains("meeting channel_1 · room stand up ─"), "{s}");
}

#[test]
fn help_lists_the_popup_keys_under_their_contexts() {
    let mut app = scene();
    app.keymap = Keymap::new(Preset::Default)
        .with_overrides(
            &[("confirm_yes".to_string(), vec!["ctrl+y".to_string()])]
                .into_iter()
                .collect(),
        )
        .unwrap();
    key(&mut app, KeyCode::F(1), KeyModifiers::NONE);
    // Page through the whole help: the popups' sections come below the selection keys.
    let mut s = String::new();
    for _ in 0..8 {
        s.push_str(&render(&mut app, 120, 40).backend().to_string());
        key(&mut app, KeyCode::PageDown, KeyModifiers::NONE);
    }
    for section in [
        "search view",
        "switcher popup",
        "help popup",
        "meeting link popup",
        "confirm popup",
        "reaction picker",
    ] {
        assert!(s.contains(section), "{section}: {s}");
    }
    assert!(s.contains("Ctrl+Y"), "{s}");
}

#[test]
fn the_status_bar_counts_the_replay_while_syncing() {
    let mut app = scene();
    update(&mut app, Msg::Sync(SyncMsg::State(ConnState::Syncing)));
    for mid in 900..905 {
        update(
            &mut app,
            Msg::Sync(SyncMsg::Event(Box::new(
                serde_json::from_value(json!({"type": "chat", "mid": mid, "from_uid": 2,
                    "created_at": 1, "target": {"gid": 1},
                    "detail": {"type": "normal", "content_type": "text/plain",
                               "content": "replayed", "properties": null}}))
                .unwrap(),
            ))),
        );
    }
    let screen = render(&mut app, 120, 24).backend().to_string();
    assert!(screen.contains("◐ syncing, 5 messages in"), "{screen}");
    update(&mut app, Msg::Sync(SyncMsg::State(ConnState::Live)));
    let screen = render(&mut app, 120, 24).backend().to_string();
    assert!(screen.contains("● live"), "{screen}");
}

#[test]
fn a_gap_is_marked_in_the_timeline() {
    let mut app = scene();
    let key = app.timeline.open.unwrap();
    let newest = *app.chat.convs[&key].messages.keys().next_back().unwrap();
    app.chat.mark_gap(key, newest);
    let screen = render(&mut app, 120, 40).backend().to_string();
    assert!(screen.contains("messages missing here"), "{screen}");
}

/// The search view with results from several conversations (CJK included), the match
/// highlighted, and a conversation stored only partly.
fn searching() -> App {
    use vocechat_tui::model::{ConvKey, Coverage, SearchHit, SearchResults};
    let mut app = scene();
    key(&mut app, KeyCode::Char('/'), KeyModifiers::ALT);
    for c in "北京 OR release".chars().take(2) {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let hit = |mid: i64, key: ConvKey, from: i64, text: &str| SearchHit {
        mid,
        key,
        from_uid: from,
        created_at: T0 - mid * 60_000,
        kind: ContentKind::Text,
        text: text.into(),
        author: None,
    };
    let seq = app.search.seq;
    update(
        &mut app,
        Msg::Searched(Ok(SearchResults {
            seq,
            hits: vec![
                hit(40, ConvKey::Group(1), 4, "我们明天在北京开会，大家都来吗？"),
                hit(
                    31,
                    ConvKey::Group(2),
                    2,
                    "a long line before the match, which is far to the right: see you in 北京 next week",
                ),
                hit(12, ConvKey::User(2), 2, "北京烤鸭\nsecond line"),
            ],
            coverage: vec![
                Coverage {
                    key: ConvKey::Group(1),
                    oldest: Some(T0 - 86_400_000 * 30),
                    oldest_mid: Some(1),
                    fill_before: Some(1),
                    stored: 100,
                    complete: true,
                },
                Coverage {
                    key: ConvKey::Group(2),
                    oldest: Some(T0 - 86_400_000 * 3),
                    oldest_mid: Some(20),
                    fill_before: Some(20),
                    stored: 100,
                    complete: false,
                },
            ],
        })),
    );
    key(&mut app, KeyCode::Down, KeyModifiers::NONE);
    app
}

#[test]
fn search_view_80x24() {
    let mut app = searching();
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

#[test]
fn search_view_120x40() {
    let mut app = searching();
    insta::assert_snapshot!(render(&mut app, 120, 40).backend());
}

/// The inbox: mentions of you and replies to you from three conversations, the unread ones
/// marked.
fn inbox() -> App {
    use vocechat_tui::model::{ConvKey, SearchHit, SearchResults};
    let mut app = scene();
    key(&mut app, KeyCode::Char('i'), KeyModifiers::ALT);
    let hit = |mid: i64, key: ConvKey, from: i64, text: &str| SearchHit {
        mid,
        key,
        from_uid: from,
        created_at: T0 + mid * 60_000,
        kind: ContentKind::Text,
        text: text.into(),
        author: None,
    };
    let seq = app.search.seq;
    update(
        &mut app,
        Msg::Searched(Ok(SearchResults {
            seq,
            hits: vec![
                hit(
                    900,
                    ConvKey::Group(2),
                    2,
                    "@1 can you review the migration?",
                ),
                hit(
                    800,
                    ConvKey::User(3),
                    3,
                    "replying to your question: yes, tomorrow",
                ),
                hit(4, ConvKey::Group(1), 4, "@1 日本語のメッセージも大丈夫"),
            ],
            coverage: vec![],
        })),
    );
    app
}

#[test]
fn inbox_80x24() {
    let mut app = inbox();
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

#[test]
fn inbox_120x40() {
    let mut app = inbox();
    insta::assert_snapshot!(render(&mut app, 120, 40).backend());
}

/// Saved messages kept in the local store (the server has none).
fn saved_view() -> App {
    use vocechat_tui::model::{SavedItem, SavedPlace};
    use vocechat_tui::protocol::types::Target;
    let mut app = scene();
    for c in "/saved".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    let item = |mid: i64, gid: i64, author: &str, text: &str| SavedItem {
        id: String::new(),
        saved_at: T0,
        mid,
        source: Target::Group { gid },
        from_uid: None,
        author: Some(author.into()),
        created_at: T0 - mid * 60_000,
        kind: ContentKind::Text,
        text: text.into(),
    };
    update(
        &mut app,
        Msg::SavedList(Ok((
            SavedPlace::Local,
            vec![
                item(
                    3,
                    1,
                    "carol",
                    "Release checklist: changelog, tag, cargo test",
                ),
                item(9, 2, "李雷", "部署脚本在 wiki 里"),
            ],
        ))),
    );
    app
}

#[test]
fn saved_messages_80x24() {
    let mut app = saved_view();
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

#[test]
fn saved_messages_120x40() {
    let mut app = saved_view();
    insta::assert_snapshot!(render(&mut app, 120, 40).backend());
}

#[test]
fn devices_80x24() {
    let mut app = scene();
    for c in "/devices".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    update(
        &mut app,
        Msg::DevicesListed(Ok((
            vec![
                "web:Xk2\u{1b}]0;pwned\u{7}".into(),
                "tui:3f9c".into(),
                "tui:old-laptop".into(),
            ],
            "tui:3f9c".into(),
        ))),
    );
    key(&mut app, KeyCode::Down, KeyModifiers::NONE);
    let term = render(&mut app, 80, 24);
    let screen = term.backend().to_string();
    assert!(!screen.contains('\u{1b}'), "{screen}");
    insta::assert_snapshot!(term.backend());
}

#[test]
fn call_popup_shows_the_whole_long_link_80x24() {
    let mut app = scene();
    let url = format!(
        "https://space.example.com/api/connection-details?auth=vocechat&token={}",
        "eyJhbGciOiJIUzI1NiJ9.".to_string() + &"x".repeat(180) + ".sig_nature-42"
    );
    app.popups
        .push(vocechat_tui::protocol::vocespace::CallLink {
            url: url.clone(),
            space: "channel_1".into(),
            base: "https://space.example.com".into(),
            room: None,
            expires_at: 0,
        });
    let term = render(&mut app, 80, 24);
    let rows: Vec<String> = term
        .backend()
        .buffer()
        .content()
        .chunks(80)
        .map(|row| row.iter().map(ratatui::buffer::Cell::symbol).collect())
        .collect();
    // The link's rows are the full width, nothing beside them: joined, they are the link.
    let start = rows.iter().position(|r| r.starts_with("https://")).unwrap();
    let joined: String = rows[start..]
        .iter()
        .take_while(|r| !r.contains("copy (OSC 52)"))
        .map(|r| r.trim_end().to_string())
        .collect();
    assert_eq!(joined, url);
    insta::assert_snapshot!(term.backend());
}

#[test]
fn composer_previews_markdown_80x24() {
    let mut app = scene();
    for c in "**ship it** after `cargo test`".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    key(&mut app, KeyCode::Enter, KeyModifiers::ALT);
    for c in "- then tag".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let term = render(&mut app, 80, 24);
    let s = term.backend().to_string();
    assert!(s.contains("markdown (Ctrl+T: plain)"), "{s}");
    insta::assert_snapshot!(term.backend());
}

#[test]
fn opening_a_file_that_may_run_something_asks_first_80x24() {
    let mut app = scene();
    // Sent as a PDF, named so that a cut at the end would read `Q3_report…pdf`.
    let name = format!(
        "Q3_report_{}.pdf{}.terminal",
        "_".repeat(50),
        "_".repeat(40)
    );
    chat(
        &mut app,
        30,
        3,
        json!({"gid":1}),
        json!({"type":"normal","content_type":"vocechat/file","content":"2026/11/21/q3",
        "properties":{"name":name,"size":48213,"content_type":"application/pdf"},"expires_in":null}),
    );
    let s = render(&mut app, 80, 24).backend().to_string();
    // The timeline cuts the name in the middle: its real end shows.
    assert!(s.contains("______.terminal · 47.1 KB"), "{s}");
    key(&mut app, KeyCode::Char('s'), KeyModifiers::ALT);
    key(&mut app, KeyCode::Char('o'), KeyModifiers::NONE);
    let term = render(&mut app, 80, 24);
    let s = term.backend().to_string();
    assert!(s.contains("It is a .terminal file"), "{s}");
    assert!(s.contains("y: download and open it"), "{s}");
    insta::assert_snapshot!(term.backend());
}

#[test]
fn a_reply_quoting_a_file_shows_its_name_not_its_server_path() {
    let mut app = scene();
    // Bob replies to carol's report.pdf (mid 9, stored at 2026/11/21/abc).
    chat(
        &mut app,
        30,
        2,
        json!({"gid":1}),
        json!({"type":"reply","mid":9,"content_type":"text/plain","content":"thanks","properties":null}),
    );
    let name = format!(
        "Q3_report_{}.pdf{}.terminal",
        "_".repeat(50),
        "_".repeat(40)
    );
    chat(
        &mut app,
        31,
        3,
        json!({"gid":1}),
        json!({"type":"normal","content_type":"vocechat/file","content":"2026/11/21/q3",
        "properties":{"name":name,"size":48213,"content_type":"application/pdf"},"expires_in":null}),
    );
    chat(
        &mut app,
        32,
        2,
        json!({"gid":1}),
        json!({"type":"reply","mid":31,"content_type":"text/plain","content":"is it safe?","properties":null}),
    );
    let s = render(&mut app, 80, 24).backend().to_string();
    assert!(s.contains("┃ carol: 📎 report.pdf"), "{s}");
    assert!(!s.contains("2026/11/21/"), "{s}");
    // A long name is cut in the middle there too: its real end shows.
    let quote = s
        .lines()
        .find(|l| l.contains("┃ carol: 📎 Q3_report_"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(quote.contains(".terminal"), "{quote}");
}

#[test]
fn a_file_found_by_search_shows_the_end_of_its_name() {
    use vocechat_tui::model::{ConvKey, SearchHit, SearchResults};
    let mut app = scene();
    key(&mut app, KeyCode::Char('/'), KeyModifiers::ALT);
    for c in "Q3".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    let seq = app.search.seq;
    let name = format!("Q3_report{}.pdf{}.terminal", "_".repeat(50), "_".repeat(40));
    update(
        &mut app,
        Msg::Searched(Ok(SearchResults {
            seq,
            hits: vec![SearchHit {
                mid: 30,
                key: ConvKey::Group(1),
                from_uid: 3,
                created_at: T0,
                kind: ContentKind::File,
                text: name,
                author: None,
            }],
            coverage: vec![],
        })),
    );
    let s = render(&mut app, 80, 24).backend().to_string();
    // However little room the line leaves, the real extension shows.
    assert!(s.contains("📎 Q3_repor….terminal"), "{s}");
}

/// The login form started from an invite link: name, e-mail and masked password; the expired
/// link's message; the token nowhere on screen.
#[test]
fn register_form_from_an_invite_link_80x24() {
    let mut app = App::new(
        Keymap::new(Preset::Default),
        Settings::from(&Config::default()),
        String::new(),
    );
    let link = vocechat_tui::protocol::invite::parse_link(
        "https://chat.example.com/?magic_token=invite-token-42#/register",
    )
    .unwrap();
    let (mut form, _) = LoginForm::for_link(link, None, None);
    form.name = "ada".into();
    form.email = "ada@example.com".into();
    form.password = "secret".into();
    app.mode = Mode::Login(form);
    update(&mut app, Msg::InviteChecked(Ok(false)));
    let term = render(&mut app, 80, 24);
    let shown = term.backend().to_string();
    assert!(!shown.contains("secret") && !shown.contains("invite-token-42"));
    insta::assert_snapshot!(term.backend());
}

/// The login form started from an e-mailed login link, while it logs in.
#[test]
fn login_link_form_80x24() {
    let mut app = App::new(
        Keymap::new(Preset::Default),
        Settings::from(&Config::default()),
        String::new(),
    );
    let link = vocechat_tui::protocol::invite::parse_link(
        "https://chat.example.com/#/login?magic_token=login-token-42",
    )
    .unwrap();
    let (form, _) = LoginForm::for_link(link, None, None);
    app.mode = Mode::Login(form);
    let term = render(&mut app, 80, 24);
    assert!(!term.backend().to_string().contains("login-token-42"));
    insta::assert_snapshot!(term.backend());
}

/// `/account list` with two accounts: each one's name, connection, unread count, e-mail and
/// server, the focused one marked.
#[test]
fn account_list_80x24() {
    use vocechat_tui::app::{Account, AccountId};
    let mut app = scene();
    app.account.name = "work".into();
    app.account.login = Some(("https://chat.example.com/".into(), "ada@example.com".into()));
    update(&mut app, Msg::Sync(SyncMsg::State(ConnState::Live)));
    let home = Account {
        name: "home".into(),
        login: Some((
            "https://home.example:8443/".into(),
            "ada@home.example".into(),
        )),
        ..Account::default()
    };
    assert!(app.add_account(AccountId(2), Some(1), home));
    for c in "/account list".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

/// Issue 22: with `NO_COLOR` (the monochrome theme) and with `basic16`, every state the
/// sidebar shows is in characters: the same text as in colour, the open conversation marked
/// `›`, unread counts, mentions as `@n`, a muted conversation saying so, people online `●`.
#[test]
fn no_color_and_basic16_lose_no_state() {
    let text = |theme: &Theme| {
        let mut app = scene();
        update(&mut app, Msg::Resize(80, 24));
        let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        let mut cache = RenderCache::default();
        term.draw(|f| {
            draw(f, &app, theme, &mut cache);
        })
        .unwrap();
        let buffer = term.backend().buffer().clone();
        (0..24)
            .map(|y| {
                (0..80)
                    .map(|x| buffer[(x, y)].symbol().to_string())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
    };
    let colour = text(&Theme::dark());
    let mono = Theme::load("dark", None, true).unwrap();
    let basic = Theme::load("basic16", None, false).unwrap();
    for theme in [&mono, &basic] {
        assert_eq!(text(theme), colour);
    }
    let sidebar: Vec<String> = colour
        .iter()
        .map(|l| l.split('│').next().unwrap_or("").to_string())
        .collect();
    assert!(
        sidebar.iter().any(|l| l.starts_with("›# general")),
        "{sidebar:#?}"
    );
    assert!(
        sidebar
            .iter()
            .any(|l| l.contains("random") && l.contains("muted"))
    );
    assert!(
        sidebar
            .iter()
            .any(|l| l.contains("dev") && l.trim_end().ends_with("@1"))
    );
    assert!(sidebar.iter().any(|l| l.contains("● bob")));
}

/// Issue 23: the link picker over the links on screen, each with its hint. The renderer says
/// which messages were on screen; the picker offers theirs.
#[test]
fn link_picker_80x24() {
    let mut app = scene();
    let open = app.timeline.open.unwrap();
    let target = match open {
        vocechat_tui::model::ConvKey::Group(gid) => json!({"gid": gid}),
        vocechat_tui::model::ConvKey::User(uid) => json!({"uid": uid}),
    };
    chat(
        &mut app,
        90,
        2,
        target.clone(),
        text("docs: https://docs.example.org/start"),
    );
    chat(
        &mut app,
        91,
        3,
        target,
        text("two links: https://a.example/x and https://b.example/y"),
    );
    update(&mut app, Msg::Resize(80, 24));
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut cache = RenderCache::default();
    let mut view = None;
    term.draw(|f| view = Some(draw(f, &app, &Theme::dark(), &mut cache)))
        .unwrap();
    let view = view.unwrap();
    assert_eq!(view.shown.map(|(_, newest)| newest), Some(91), "{view:?}");
    update(&mut app, Msg::View(view));
    key(&mut app, KeyCode::Char('l'), KeyModifiers::ALT);
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}

/// Issue 23: do not disturb is said in the status bar while it lasts.
#[test]
fn do_not_disturb_shows_in_the_status_bar() {
    let mut app = scene();
    for c in "/dnd 1h".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    let term = render(&mut app, 120, 24);
    let status: String = (0..120)
        .map(|x| term.backend().buffer()[(x, 23)].symbol().to_string())
        .collect();
    assert!(status.contains("│ do not disturb until "), "{status}");
    // Over: gone.
    app.now_ms += 3_600_000;
    let term = render(&mut app, 120, 24);
    let status: String = (0..120)
        .map(|x| term.backend().buffer()[(x, 23)].symbol().to_string())
        .collect();
    assert!(!status.contains("do not disturb until"), "{status}");
}

/// #general with pins: bob's edited greeting (1), ada's message (3) and carol's file (9), and
/// one whose message is not loaded here (pinned by bob, with an escape sequence in it).
fn pins_scene(layout: Layout) -> App {
    let mut app = scene();
    app.settings.layout = layout;
    let pin = |mid: i64, by: i64, minutes: i64, content_type: &str, content: &str, props: Value| {
        json!({"type":"pinned_message_updated","gid":1,"mid":mid,"msg":{"mid":mid,"created_by":by,
            "created_at":T0 + minutes * 60_000,"properties":props,"content_type":content_type,"content":content}})
    };
    ev(
        &mut app,
        pin(
            900,
            2,
            1,
            "text/plain",
            "\u{1b}[2Jno deploys on Friday\nsecond line",
            json!(null),
        ),
    );
    ev(
        &mut app,
        pin(1, 1, 30, "text/plain", "morning all ☕☕", json!(null)),
    );
    ev(
        &mut app,
        pin(
            9,
            1,
            40,
            "vocechat/file",
            "2026/11/21/abc",
            json!({"name":"report.pdf","size":48213,"content_type":"application/pdf"}),
        ),
    );
    ev(
        &mut app,
        pin(
            3,
            1,
            50,
            "text/plain",
            "I'll tag it after lunch",
            json!(null),
        ),
    );
    app
}

#[test]
fn pinned_messages_are_marked_in_the_timeline_80x24() {
    let mut app = pins_scene(Layout::Cozy);
    let term = render(&mut app, 80, 24);
    let screen = term.backend().to_string();
    // Ada's pinned message, which would continue her run, gets its own header.
    assert!(screen.contains("ada · pinned"), "{screen}");
    insta::assert_snapshot!(term.backend());
    let mut app = pins_scene(Layout::Compact);
    let screen = render(&mut app, 80, 24).backend().to_string();
    assert!(screen.contains("ada pinned"), "{screen}");
}

#[test]
fn pins_popup_80x24() {
    let mut app = pins_scene(Layout::Cozy);
    for c in "/pins".chars() {
        key(&mut app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    let term = render(&mut app, 80, 24);
    let screen = term.backend().to_string();
    assert!(screen.contains("pinned in #general (4)"), "{screen}");
    assert!(!screen.contains('\u{1b}'), "{screen}");
    insta::assert_snapshot!(term.backend());
}

/// Issue 23: `Y` on a message opens it line by line, with its code blocks and links
/// numbered; a range picked is marked with `»`.
#[test]
fn copy_part_of_a_message_80x24() {
    let mut app = scene();
    let target = match app.timeline.open.unwrap() {
        vocechat_tui::model::ConvKey::Group(gid) => json!({"gid": gid}),
        vocechat_tui::model::ConvKey::User(uid) => json!({"uid": uid}),
    };
    chat(
        &mut app,
        95,
        1,
        target,
        json!({"type":"normal","content_type":"text/markdown","content":"steps:\n```\ncargo build\ncargo test\n```\ndocs at https://docs.example.org/guide\nthanks","properties":null,"expires_in":null}),
    );
    key(&mut app, KeyCode::Char('s'), KeyModifiers::ALT);
    key(&mut app, KeyCode::Char('Y'), KeyModifiers::SHIFT);
    key(&mut app, KeyCode::Down, KeyModifiers::NONE);
    key(&mut app, KeyCode::Char('v'), KeyModifiers::NONE);
    key(&mut app, KeyCode::Down, KeyModifiers::NONE);
    insta::assert_snapshot!(render(&mut app, 80, 24).backend());
}
/// A forwarded archive in the timeline (issue 23, item 4): "loading" until fetched, then a
/// header with the count, each message's author and first lines (markdown as text, escape
/// sequences gone) or its file's name, indented, and "… N more" past the ten shown.
#[test]
fn a_forwarded_archive_shows_inline_80x24() {
    use vocechat_tui::protocol::types::{Archive, ArchiveMessage, ArchiveUser, Target};
    let mut app = scene();
    chat(
        &mut app,
        18,
        2,
        json!({"gid":1}),
        json!({"type":"normal","content_type":"vocechat/archive","content":"2026/11/21/fwd","properties":null,"expires_in":null}),
    );
    let s = render(&mut app, 80, 24).backend().to_string();
    assert!(s.contains("forwarded messages (loading…)"), "{s}");
    let line = |from_user: usize, ct: &str, content: Option<&str>| ArchiveMessage {
        from_user,
        created_at: T0,
        mid: 4,
        source: Target::Group { gid: 2 },
        properties: Some(json!({"name": "pixel.png", "size": 1079, "content_type": "image/png"})),
        content_type: ct.into(),
        content: content.map(str::to_string),
        file_id: content.is_none().then_some(0),
        thumbnail_id: None,
    };
    let mut messages = vec![
        line(
            0,
            "text/markdown",
            Some("**release** notes: `v0.3.3`\n- faster sync\n- \u{1b}[31mfewer bugs"),
        ),
        line(1, "vocechat/file", None),
    ];
    messages.extend((0..10).map(|i| line(1, "text/plain", Some(&format!("note {i}")))));
    let archive = Archive {
        users: vec![
            ArchiveUser {
                name: "carol".into(),
                avatar: None,
            },
            ArchiveUser {
                name: "bob".into(),
                avatar: None,
            },
        ],
        messages,
        num_attachments: 1,
    };
    update(
        &mut app,
        Msg::ArchiveFetched {
            path: "2026/11/21/fwd".into(),
            result: Ok(Box::new(archive)),
        },
    );
    let term = render(&mut app, 80, 24);
    let s = term.backend().to_string();
    assert!(
        s.contains("forwarded, 12 messages") && s.contains("… 2 more"),
        "{s}"
    );
    assert!(!s.contains('\u{1b}'));
    insta::assert_snapshot!(term.backend());
}

/// The scene with link previews on: bob's message with one link in #general, the server's
/// answer for it (a site name, a long title, a description of two lines with an escape
/// sequence) under it, and a message with two links that gets none.
fn link_preview_scene() -> App {
    let mut app = scene();
    app.settings.link_previews = true;
    chat(
        &mut app,
        30,
        2,
        json!({"gid":1}),
        text("the release notes: https://example.com/notes"),
    );
    chat(
        &mut app,
        31,
        3,
        json!({"gid":1}),
        text("compare https://a.example/ and https://b.example/"),
    );
    let mut view = Default::default();
    update(&mut app, Msg::Resize(80, 24));
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    term.draw(|f| view = draw(f, &app, &Theme::dark(), &mut RenderCache::default()))
        .unwrap();
    update(&mut app, Msg::View(view));
    let og: vocechat_tui::protocol::open_graph::OpenGraph = serde_json::from_value(json!({
        "site_name": "Example",
        "title": "Release notes for the spring version, with every change listed and explained at length",
        "description": "What changed \u{1b}[2Jsince the last one.\nA second line not shown.",
    }))
    .unwrap();
    update(
        &mut app,
        Msg::LinkPreview {
            url: "https://example.com/notes".into(),
            result: Ok(vocechat_tui::model::LinkPreview::of_answer(&og)),
        },
    );
    app
}

#[test]
fn a_link_preview_under_its_message_80x24() {
    let mut app = link_preview_scene();
    let term = render(&mut app, 80, 24);
    let screen = term.backend().to_string();
    assert!(screen.contains("▏Example · Release notes"), "{screen}");
    assert!(
        screen.contains("▏What changed since the last one."),
        "{screen}"
    );
    assert!(
        !screen.contains('\u{1b}') && !screen.contains("second line"),
        "{screen}"
    );
    insta::assert_snapshot!(term.backend());
    // Off: the same answer draws nothing.
    app.settings.link_previews = false;
    let screen = render(&mut app, 80, 24).backend().to_string();
    assert!(!screen.contains("▏Example"), "{screen}");
}
