//! Whole-screen snapshots (insta, 80×24) of issue 20's contacts, channel rules and private
//! invite links: the composer of a channel only its owner may post in, the composer of a
//! direct message with someone you blocked (both say so before you type), and the invite
//! link popup. Times are UTC.

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
use vocechat_tui::app::conn::SyncMsg;
use vocechat_tui::app::popups::InviteLink;
use vocechat_tui::app::{App, Msg, Settings, update};
use vocechat_tui::config::Config;
use vocechat_tui::keymap::{Keymap, Preset};
use vocechat_tui::protocol::ServerEvent;
use vocechat_tui::theme::Theme;
use vocechat_tui::ui::{RenderCache, draw};

/// 2026-11-21 09:00 UTC.
const T0: i64 = 1_795_338_000_000;

fn ev(app: &mut App, v: Value) {
    let ev: ServerEvent = serde_json::from_value(v).unwrap();
    update(app, Msg::Sync(SyncMsg::Event(Box::new(ev))));
}

fn key(app: &mut App, code: KeyCode, mods: KeyModifiers) {
    update(app, Msg::Key(KeyEvent::new(code, mods)));
}

fn text(t: &str) -> Value {
    json!({"type":"normal","content_type":"text/plain","content":t,"properties":null,"expires_in":null})
}

/// ada (you, not an admin) in "news", which only its owner bob may post in, and a direct
/// message with carol, whom you blocked.
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
    let user = |uid: i64, name: &str| json!({"uid":uid,"name":name,"email":null,"gender":0,"language":"en-US","is_admin":false,"is_bot":false,"avatar_updated_at":0,"create_by":"password"});
    ev(
        &mut app,
        json!({"type":"users_snapshot","version":3,"users":[user(1,"ada"),user(2,"bob"),user(3,"carol")]}),
    );
    ev(
        &mut app,
        json!({"type":"related_groups","groups":[
        {"gid":1,"name":"news","description":"read-only news","owner":2,"members":[1,2,3],"is_public":false,
         "avatar_updated_at":0,"pinned_messages":[],"only_owner_can_send_msg":true,"dm_to_member":false,
         "show_email":false,"add_friend":true,"ext_setting":null},
        {"gid":2,"name":"dev","description":null,"owner":1,"members":[1,2],"is_public":false,
         "avatar_updated_at":0,"pinned_messages":[]}]}),
    );
    ev(
        &mut app,
        json!({"type":"user_settings","mute_users":[],"mute_groups":[],"read_index_users":[{"uid":3,"mid":3}],
        "read_index_groups":[{"gid":1,"mid":2},{"gid":2,"mid":1}],"burn_after_reading_users":[],"burn_after_reading_groups":[]}),
    );
    let chat = |app: &mut App, mid: i64, from: i64, target: Value, t: &str| {
        ev(
            app,
            json!({"type":"chat","mid":mid,"from_uid":from,"created_at":T0 + mid * 90_000,"target":target,"detail":text(t)}),
        );
    };
    chat(&mut app, 1, 1, json!({"gid":2}), "standup at ten");
    chat(&mut app, 2, 2, json!({"gid":1}), "v1.2 ships today");
    chat(&mut app, 3, 3, json!({"uid":1}), "hey, got a minute?");
    ev(
        &mut app,
        json!({"type":"user_settings_changed","from_device":"web","add_contacts":[
            {"target_uid":3,"info":{"status":"blocked","created_at":T0,"updated_at":T0}}]}),
    );
    ev(&mut app, json!({"type":"ready"}));
    app.status.notice = None;
    app
}

fn open(app: &mut App, name: &str) {
    key(app, KeyCode::Char('k'), KeyModifiers::CONTROL);
    for c in name.chars() {
        key(app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    key(app, KeyCode::Enter, KeyModifiers::NONE);
    app.status.notice = None;
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

fn screen_text(term: &Terminal<TestBackend>) -> String {
    term.backend()
        .buffer()
        .content()
        .chunks(80)
        .map(|row| {
            row.iter()
                .map(ratatui::buffer::Cell::symbol)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn composer_in_a_read_only_channel_80x24() {
    let mut app = scene();
    open(&mut app, "news");
    let term = render(&mut app, 80, 24);
    assert!(
        screen_text(&term).contains("only the channel's owner and admins can post here"),
        "{}",
        screen_text(&term)
    );
    insta::assert_snapshot!(term.backend());
}

#[test]
fn composer_in_a_blocked_direct_message_80x24() {
    let mut app = scene();
    open(&mut app, "carol");
    let term = render(&mut app, 80, 24);
    assert!(
        screen_text(&term).contains("you blocked carol"),
        "{}",
        screen_text(&term)
    );
    insta::assert_snapshot!(term.backend());
}

#[test]
fn invite_link_popup_80x24() {
    let mut app = scene();
    open(&mut app, "dev");
    app.popups.push(InviteLink {
        gid: 2,
        url: "https://chat.example.com/#/invite_private/2?magic_token=3f9c2a7d41b84e0a9d6c55e1f0b2a8c7".into(),
    });
    let term = render(&mut app, 80, 24);
    assert!(screen_text(&term).contains("magic_token=3f9c2a7d"));
    insta::assert_snapshot!(term.backend());
}
