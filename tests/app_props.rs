//! Property test of the whole app: no sequence of keys, typed or pasted text, slash commands,
//! mouse events, resizes, clock ticks and server messages panics `update`, or the real
//! `ui::draw` into a `TestBackend` after every step. Keys come in every mode and popup (each
//! case opens some with the keys a user would press); text is hostile (CJK, U+3000, U+00A0,
//! combining marks, ZWJ emoji, flags, RTL marks, very long words); the seeded state holds
//! such names and messages, replies, files, and server values at the ends of `i64` (mids,
//! times, burn-after-reading). Effects are answered the way the runtime would (search hits,
//! devices, meeting links, picked files, history pages, failures, a session that ended), so
//! the popups and states they lead to are reached as well.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use proptest::prelude::*;
use proptest::sample::select;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};
use std::sync::{Arc, OnceLock};
use vocechat_tui::app::conn::{ConnState, StopReason, SyncMsg};
use vocechat_tui::app::{App, Effect, Failure, LoggedIn, Msg, Popup, Preview, Settings, update};
use vocechat_tui::config::{Config, Layout};
use vocechat_tui::keymap::{Keymap, Preset};
use vocechat_tui::model::{
    ConvKey, Coverage, OpenFile, SavedItem, SavedPlace, SearchHit, SearchResults, Staged,
};
use vocechat_tui::protocol::ApiError;
use vocechat_tui::protocol::types::{ContentKind, REACTIONS};
use vocechat_tui::protocol::vocespace::{CallLink, Room};
use vocechat_tui::theme::Theme;
use vocechat_tui::ui::{RenderCache, draw};

/// 2026-11-21 09:00 UTC.
const T0: i64 = 1_795_338_000_000;

/// What hostile text is made of.
const FRAGMENTS: &[&str] = &[
    "日本語のメッセージ",
    "你好，世界",
    "한국어",
    "\u{3000}",
    "\u{a0}",
    "e\u{301}",
    "\u{301}",
    "\u{20dd}",
    "👨‍👩‍👧",
    "👍🏽",
    "❤️",
    "1️⃣",
    "🇯🇵",
    "🇺🇸🇬🇧",
    "\u{200f}",
    "\u{200e}",
    "\u{202e}",
    "\u{2067}",
    "مرحبا",
    "שלום",
    "\u{200b}",
    "\u{feff}",
    "\u{fe0f}",
    "ｗｉｄｅ",
    "𝕏",
    "\t",
    "\n",
    "\r\n",
    " ",
    "  ",
    "@",
    "@al",
    "@1 ",
    "@李",
    "#",
    "/",
    "//",
    "~/",
    "\\",
    "**bold**",
    "`code`",
    "```\nfence\n```",
    "[link](http://example.com)",
    "[https://a.example](https://b.example)",
    "https://example.com/日本/パス",
    "- item",
    "> quote",
    "# head",
    "Join Vocespace Meeting: https://vocespace.com/room",
    "\x1b[31m",
    "word ",
    "a",
];

/// Characters typed one key at a time: the letters popups and selection mode bind, digits
/// for reactions, and characters several bytes long.
const KEY_CHARS: &[char] = &[
    'a', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'n', 'o', 'p', 'q', 'r', 's', 'x', 'y',
    'G', 'R', 'Y', '1', '4', '8', '+', '?', '/', '@', ' ', '日', '\u{3000}', '\u{a0}', '\u{301}',
    '👍', 'é', '\u{200f}',
];

const NAMED_KEYS: &[KeyCode] = &[
    KeyCode::Enter,
    KeyCode::Esc,
    KeyCode::Tab,
    KeyCode::BackTab,
    KeyCode::Backspace,
    KeyCode::Delete,
    KeyCode::Up,
    KeyCode::Down,
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::Home,
    KeyCode::End,
    KeyCode::PageUp,
    KeyCode::PageDown,
    KeyCode::Insert,
    KeyCode::F(1),
    KeyCode::F(5),
];

const MODIFIERS: &[KeyModifiers] = &[
    KeyModifiers::NONE,
    KeyModifiers::NONE,
    KeyModifiers::NONE,
    KeyModifiers::NONE,
    KeyModifiers::SHIFT,
    KeyModifiers::ALT,
    KeyModifiers::CONTROL,
    KeyModifiers::ALT.union(KeyModifiers::CONTROL),
    KeyModifiers::ALT.union(KeyModifiers::SHIFT),
];

/// Key sequences that open a mode or a popup (or act in one), as a user types them: parts
/// separated by " ; ", each key names separated by spaces, or a line typed after `/` (then
/// Enter) or after `'` (no Enter). The newest messages of #general are an image, a PDF and a
/// meeting invite, so selection mode starts on them.
const OPENERS: &[&str] = &[
    "ctrl+k ; 'extremes ; enter",
    "ctrl+k ; 'extremes ; enter ; alt+s",
    "ctrl+k ; 'extremes ; enter ; alt+s home down down o",
    "ctrl+k ; 'extremes ; enter ; alt+s up tab",
    "ctrl+k ; 'max ; enter ; alt+s",
    "ctrl+k ; '長 ; enter",
    "ctrl+k ; 'bob ; enter ; alt+s",
    "alt+down alt+down alt+down",
    "ctrl+k",
    "ctrl+k ; '日 ; down enter",
    "ctrl+k ; 'al ; backspace tab enter",
    "f1",
    "f1 pgdown j",
    "alt+/",
    "alt+/ ; '日本 ; down enter",
    "alt+/ ; 'from:@bob in:#general has:file before:2026-12-01 ; ctrl+o",
    "alt+i",
    "alt+i tab enter",
    "alt+i alt+a",
    "alt+s",
    "alt+s up up",
    "alt+s up up up up up up",
    "alt+s home",
    "alt+s home down down",
    "alt+s +",
    "alt+s + right enter",
    "alt+s + 8",
    "alt+s d",
    "alt+s d y",
    "alt+s up up up d y",
    "alt+s o",
    "alt+s up o",
    "alt+s up up o",
    "alt+s up up up o y",
    "alt+s p",
    "alt+s c",
    "alt+s up up c",
    "alt+s s",
    "alt+s up s",
    "alt+s y",
    "alt+s up up up y",
    "alt+s f",
    "alt+s e",
    "alt+s up up up up e",
    "alt+s r",
    "alt+s tab",
    "alt+s up up up up up tab backspace",
    "alt+s shift+r",
    "alt+s up up up up up shift+r enter",
    "alt+x",
    "/upload a.txt b.png ~/c\u{3000}d.pdf ; alt+x ; down d",
    "/upload a.txt b.png ; alt+x ; esc",
    "'/upload ~/Doc ; tab",
    "'/upload a\u{3000}~/Doc ; tab tab",
    "'@ ; tab tab tab",
    "'hi @李 ; tab",
    "alt+up",
    "alt+down",
    "alt+u",
    "alt+m",
    "alt+b",
    "alt+e",
    "alt+r",
    "alt+d",
    "ctrl+t",
    "ctrl+r",
    "pgup pgup",
    "pgup pgup pgup pgup pgup pgup",
    "up",
    "tab",
    "/devices",
    "/devices ; down d y",
    "/call",
    "/call ; c",
    "/call room 日本\u{3000}会議 --no-prejoin",
    "/call post",
    "/saved",
    "/saved ; delete",
    "/members",
    "/search 日本 from:@bob",
    "/inbox",
    "/help",
    "/leave",
    "/create 新しい @bob",
    "/invite @李雷",
    "/mute 1h",
    "/unmute",
    "/burn 1w",
    "/me 踊る",
    "/cancel",
    "/logout",
];

/// Mids of the seeded state, and some that are not there.
const MIDS: &[i64] = &[
    1,
    2,
    3,
    5,
    8,
    12,
    20,
    40,
    41,
    999_999,
    i64::MAX,
    i64::MIN,
    0,
    -1,
];
const TIMES: &[i64] = &[
    T0,
    T0 - 86_400_000,
    0,
    -1,
    1,
    i64::MAX,
    i64::MIN,
    i64::MAX - 1,
];
const UIDS: &[i64] = &[1, 2, 3, 4, 5, 6, 7, 999, i64::MAX, i64::MIN, 0];
const EXPIRES: &[Option<i64>] = &[
    None,
    None,
    Some(1),
    Some(60),
    Some(0),
    Some(-1),
    Some(i64::MAX),
    Some(i64::MIN),
];
const SIZES: &[(u16, u16)] = &[
    (80, 24),
    (80, 24),
    (100, 30),
    (120, 40),
    (40, 12),
    (20, 8),
    (10, 4),
    (3, 2),
    (1, 1),
    (0, 0),
    (200, 10),
    (12, 50),
];

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => select(FRAGMENTS).prop_map(str::to_string),
        1 => (select(&["x", "語", "e\u{301}", "👨‍👩‍👧"][..]), 100usize..400)
            .prop_map(|(s, n)| s.repeat(n)),
        1 => any::<char>().prop_map(String::from),
    ]
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(fragment(), 0..6).prop_map(|v| v.concat())
}

/// Text typed key by key: no very long words (a paste brings those), so cases stay short.
fn typed_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(select(FRAGMENTS), 0..4).prop_map(|v| v.concat())
}

fn key() -> impl Strategy<Value = KeyEvent> {
    let code = prop_oneof![
        3 => select(KEY_CHARS).prop_map(KeyCode::Char),
        3 => select(NAMED_KEYS),
    ];
    let kind = prop_oneof![
        10 => Just(KeyEventKind::Press),
        1 => Just(KeyEventKind::Repeat),
        1 => Just(KeyEventKind::Release),
    ];
    (code, select(MODIFIERS), kind).prop_map(|(c, m, k)| KeyEvent::new_with_kind(c, m, k))
}

/// The keys of `spec` (see `OPENERS`).
fn keys_of(spec: &str) -> Vec<KeyEvent> {
    let typed = |text: &str| -> Vec<KeyEvent> {
        text.chars()
            .map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
            .collect()
    };
    let mut keys = Vec::new();
    for part in spec.split(" ; ") {
        if part.starts_with('/') {
            keys.extend(typed(part));
            keys.push(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        } else if let Some(text) = part.strip_prefix('\'') {
            keys.extend(typed(text));
        } else {
            keys.extend(part.split(' ').map(named_key));
        }
    }
    keys
}

/// A key by name: `alt+s`, `ctrl+k`, `shift+r`, `enter`, `pgup`, `f1`, `y`.
fn named_key(name: &str) -> KeyEvent {
    let (mods, base) = match name.split_once('+').filter(|(_, b)| !b.is_empty()) {
        Some(("alt", b)) => (KeyModifiers::ALT, b),
        Some(("ctrl", b)) => (KeyModifiers::CONTROL, b),
        Some(("shift", b)) => (KeyModifiers::SHIFT, b),
        _ => (KeyModifiers::NONE, name),
    };
    let code = match base {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "pgup" => KeyCode::PageUp,
        "pgdown" => KeyCode::PageDown,
        "backspace" => KeyCode::Backspace,
        "delete" => KeyCode::Delete,
        "f1" => KeyCode::F(1),
        other => {
            let c = other.chars().next().unwrap();
            KeyCode::Char(if mods == KeyModifiers::SHIFT {
                c.to_ascii_uppercase()
            } else {
                c
            })
        }
    };
    KeyEvent::new(code, mods)
}

fn mouse() -> impl Strategy<Value = MouseEvent> {
    let kind = select(
        &[
            MouseEventKind::ScrollUp,
            MouseEventKind::ScrollDown,
            MouseEventKind::Down(MouseButton::Left),
            MouseEventKind::Down(MouseButton::Right),
            MouseEventKind::Up(MouseButton::Left),
            MouseEventKind::Drag(MouseButton::Left),
            MouseEventKind::Moved,
            MouseEventKind::ScrollLeft,
        ][..],
    );
    (kind, 0u16..240, 0u16..60).prop_map(|(kind, column, row)| MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    })
}

/// A chat event from the server: new messages, replies, edits, likes and deletes, with
/// hostile text and extreme values.
fn server_chat() -> impl Strategy<Value = Value> {
    let detail = prop_oneof![
        (text(), select(EXPIRES), any::<bool>()).prop_map(|(t, e, md)| json!({"type":"normal",
            "content_type": if md {"text/markdown"} else {"text/plain"}, "content": t,
            "properties": null, "expires_in": e})),
        (text(), select(EXPIRES)).prop_map(|(name, e)| json!({"type":"normal",
            "content_type":"vocechat/file","content":"2026/11/21/x","properties":{"name":name,
            "size":u64::MAX,"content_type":"image/png"},"expires_in":e})),
        (select(MIDS), text()).prop_map(|(mid, t)| json!({"type":"reply","mid":mid,
            "content_type":"text/plain","content":t,"properties":null})),
        (select(MIDS), text()).prop_map(|(mid, t)| json!({"type":"reaction","mid":mid,
            "detail":{"type":"edit","content_type":"text/plain","content":t,"properties":null}})),
        (select(MIDS), select(&["👍", "❤️", "🎉", "日", ""][..])).prop_map(|(mid, a)| json!(
            {"type":"reaction","mid":mid,"detail":{"type":"like","action":a}})),
        select(MIDS)
            .prop_map(|mid| json!({"type":"reaction","mid":mid,"detail":{"type":"delete"}})),
    ];
    let target = prop_oneof![
        select(&[1i64, 2, 3, 4, 999, i64::MAX][..]).prop_map(|gid| json!({"gid": gid})),
        select(UIDS).prop_map(|uid| json!({"uid": uid})),
    ];
    (
        select(MIDS),
        100i64..10_000,
        select(UIDS),
        target,
        select(TIMES),
        detail,
    )
        .prop_map(|(mid, fresh, from, target, at, detail)| {
            // Mostly new mids, some at the extremes and some already there.
            let mid = if mid == 999_999 { 1_000 + fresh } else { mid };
            json!({"type":"chat","mid":mid,"from_uid":from,"created_at":at,"target":target,
                "detail":detail})
        })
}

/// Other things the server says.
fn server_other() -> impl Strategy<Value = Msg> {
    let event = prop_oneof![
        text().prop_map(|name| json!({"type":"group_changed","gid":1,"name":name})),
        select(UIDS).prop_map(|uid| json!({"type":"users_state_changed","uid":uid,"online":true})),
        Just(json!({"type":"kick_from_group","gid":2,"reason":"x"})),
        Just(json!({"type":"user_leaved_group","gid":1,"uid":[2, 3]})),
        select(EXPIRES).prop_map(|e| json!({"type":"user_settings_changed",
            "burn_after_reading_groups":[{"gid":1,"expires_in":e.unwrap_or(0)}]})),
        text().prop_map(|reason| json!({"type":"kick","reason":reason})),
        Just(json!({"type":"ready"})),
    ]
    .prop_map(|v| Msg::Sync(SyncMsg::Event(Box::new(serde_json::from_value(v).unwrap()))));
    let state = prop_oneof![
        Just(ConnState::Live),
        Just(ConnState::Syncing),
        Just(ConnState::Connecting { attempt: u32::MAX }),
        (select(TIMES), text()).prop_map(|(at, reason)| ConnState::Waiting {
            retry_at_ms: at,
            attempt: 7,
            reason
        }),
        Just(ConnState::Stopped(StopReason::SessionExpired)),
        Just(ConnState::Stopped(StopReason::Shutdown)),
    ]
    .prop_map(|s| Msg::Sync(SyncMsg::State(s)));
    prop_oneof![3 => event, 1 => state]
}

/// One thing that happens between two frames.
#[derive(Debug, Clone)]
enum Step {
    Keys(Vec<KeyEvent>),
    Paste(String),
    Msg(Msg),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => proptest::collection::vec(key(), 1..4).prop_map(Step::Keys),
        4 => select(OPENERS).prop_map(|s| Step::Keys(keys_of(s))),
        3 => typed_text().prop_map(|t| Step::Keys(
            t.chars().map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)).collect())),
        2 => (0..vocechat_tui::app::COMMANDS.len(), typed_text()).prop_map(|(c, arg)| Step::Keys(
            keys_of(&format!("/{} {arg}", vocechat_tui::app::COMMANDS[c].name)))),
        2 => text().prop_map(Step::Paste),
        2 => mouse().prop_map(|m| Step::Msg(Msg::Mouse(m))),
        1 => select(SIZES).prop_map(|(w, h)| Step::Msg(Msg::Resize(w, h))),
        1 => any::<bool>().prop_map(|f| Step::Msg(Msg::Focus(f))),
        1 => prop_oneof![
            Just(Msg::Tick),
            (0i64..30 * 86_400_000).prop_map(|d| Msg::Clock(T0 + d)),
        ].prop_map(Step::Msg),
        3 => server_chat().prop_map(|v| Step::Msg(Msg::Sync(SyncMsg::Event(Box::new(
            serde_json::from_value(v).unwrap()))))),
        1 => server_other().prop_map(Step::Msg),
    ]
}

/// One case: how the app is set up, and what happens.
#[derive(Debug, Clone)]
struct Case {
    layout: Layout,
    vim: bool,
    utc: bool,
    size: (u16, u16),
    steps: Vec<Step>,
    /// How each answered effect fares (see `answer`).
    luck: Vec<u8>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        select(&[Layout::Cozy, Layout::Compact][..]),
        prop::bool::weighted(0.2),
        any::<bool>(),
        select(SIZES),
        proptest::collection::vec(step(), 1..9),
        proptest::collection::vec(any::<u8>(), 1..8),
    )
        .prop_map(|(layout, vim, utc, size, steps, luck)| Case {
            layout,
            vim,
            utc,
            size,
            steps,
            luck,
        })
}

fn ev(v: Value) -> Msg {
    Msg::Sync(SyncMsg::Event(Box::new(serde_json::from_value(v).unwrap())))
}

fn normal(t: &str) -> Value {
    json!({"type":"normal","content_type":"text/plain","content":t,"properties":null,"expires_in":null})
}

/// The messages that log the app in and fill it: hostile names, a conversation of every
/// kind, messages of every kind, extreme server values. Built once, replayed per case.
/// #general is open; its newest messages are a meeting invite, a PDF and an image.
fn seed() -> &'static [Msg] {
    static SEED: OnceLock<Vec<Msg>> = OnceLock::new();
    SEED.get_or_init(|| {
        let user = |uid: i64, name: &str| json!({"uid":uid,"name":name,"is_admin":uid == 1});
        let long = "長".repeat(300);
        let mut m = vec![
            ev(json!({"type":"users_snapshot","version":5,"users":[
                user(1, "ada"), user(2, "bob"), user(3, "李雷"), user(4, "e\u{301}mile\u{200f}"),
                user(5, "👨‍👩‍👧 family🇯🇵"), user(6, "alice"), user(7, "Alice"),
                user(8, &long), user(9, "مرحبا\u{202e}evil"), user(10, "名前\u{3000}二\n行"),
                user(i64::MAX, "max"), user(i64::MIN, "min")]})),
            ev(json!({"type":"users_state","users":[{"uid":2,"online":true},{"uid":3,"online":true}]})),
            ev(json!({"type":"related_groups","groups":[
                {"gid":1,"name":"general","members":[],"is_public":true},
                {"gid":2,"name":"开发\u{3000}チーム","owner":1,"members":[1,2,3,4,5,6,7,8,9,10],"is_public":false},
                {"gid":3,"name":"🇯🇵 japan\u{200f}","members":[],"is_public":true},
                {"gid":4,"name":long,"owner":2,"members":[1,2],"is_public":false},
                {"gid":5,"name":"extremes","members":[],"is_public":true},
                {"gid":i64::MAX,"name":"max","members":[],"is_public":true}]})),
            ev(json!({"type":"user_settings","mute_users":[],"mute_groups":[{"gid":3,"expired_at":i64::MAX}],
                "read_index_users":[],"read_index_groups":[{"gid":1,"mid":3}],
                "burn_after_reading_users":[{"uid":2,"expires_in":i64::MAX}],
                "burn_after_reading_groups":[{"gid":4,"expires_in":60}]})),
        ];
        let mut next = 0;
        let mut chat = |m: &mut Vec<Msg>, from: i64, target: Value, at: i64, detail: Value| {
            next += 1;
            m.push(ev(json!({"type":"chat","mid":next,"from_uid":from,"created_at":at,
                "target":target,"detail":detail})));
            next
        };
        let general = || json!({"gid":1});
        // Server values at the ends of i64 (mids, times, burn-after-reading) in #extremes.
        for (mid, at) in [
            (i64::MIN, T0),
            (-1, i64::MIN),
            (0, i64::MAX),
            (i64::MAX - 1, i64::MIN),
            (i64::MAX, i64::MAX),
        ] {
            m.push(ev(json!({"type":"chat","mid":mid,"from_uid":i64::MAX,"created_at":at,
                "target":{"gid":5},"detail":normal("a mid at the end of i64")})));
        }
        m.push(ev(json!({"type":"chat","mid":i64::MAX - 2,"from_uid":2,"created_at":T0,
            "target":{"uid":i64::MAX},"detail":normal("a DM from uid i64::MAX")})));
        for at in [i64::MAX, i64::MIN, 0, -1, i64::MAX - 1] {
            chat(&mut m, 2, json!({"gid":5}), at, normal("a time at the end of i64"));
        }
        chat(&mut m, 2, json!({"gid":5}), i64::MAX, json!({"type":"normal",
            "content_type":"text/plain","content":"expires whenever","properties":null,
            "expires_in":i64::MAX}));
        chat(&mut m, 2, json!({"gid":5}), T0, json!({"type":"normal",
            "content_type":"text/plain","content":"expired long ago","properties":null,
            "expires_in":i64::MIN}));
        chat(&mut m, 2, json!({"gid":5}), i64::MIN, json!({"type":"reply","mid":i64::MAX,
            "content_type":"text/plain","content":"a reply to mid i64::MAX","properties":null}));
        // Other conversations.
        chat(&mut m, 2, json!({"uid":1}), T0, normal("DM: burn after reading"));
        chat(&mut m, 1, json!({"uid":2}), T0, normal("my DM reply"));
        chat(&mut m, 2, json!({"gid":2}), T0, normal("@6 @7 which alice?"));
        chat(&mut m, 4, json!({"gid":4}), T0, json!({"type":"normal","content_type":"text/plain",
            "content":"burns in a minute","properties":null,"expires_in":60}));
        chat(&mut m, 3, json!({"gid":3}), T0, normal("muted 🇯🇵"));
        // #general: hostile text of every kind, replies, edits, likes, files.
        let texts = [
            "こんにちは\u{3000}@al",
            "web\u{a0}text\u{a0}here",
            "e\u{301}\u{301}\u{301} combining",
            "👨‍👩‍👧👍🏽🇯🇵🇺🇸 1️⃣",
            "\u{200f}مرحبا بالعالم\u{200e} mixed שלום",
            "@1 日本語のメッセージも大丈夫 👍",
            "**markdown** `code` [link](https://example.com) https://例え.jp/パス",
            "line one\nline two\n\n\nline five",
        ];
        let mut first = 0;
        for (i, t) in texts.iter().enumerate() {
            let from = [1, 2, 3, 4, 5, 9][i % 6];
            let mid = chat(&mut m, from, general(), T0 + i as i64 * 90_000, normal(t));
            first = if i == 0 { mid } else { first };
        }
        chat(&mut m, 8, general(), T0 + 900_000, normal(&"語".repeat(400)));
        chat(&mut m, 1, general(), T0 + 960_000, normal("mine, to edit and delete"));
        chat(&mut m, 2, general(), T0 + 990_000, json!({"type":"reply","mid":first,
            "content_type":"text/plain","content":"返信\u{3000}です","properties":null}));
        chat(&mut m, 3, general(), T0 + 990_000, json!({"type":"reply","mid":999,
            "content_type":"text/plain","content":"reply to a message never seen","properties":null}));
        chat(&mut m, 1, general(), T0, json!({"type":"reaction","mid":first + 1,
            "detail":{"type":"like","action":"👍"}}));
        chat(&mut m, 2, general(), T0, json!({"type":"reaction","mid":first + 1,
            "detail":{"type":"like","action":"🎉"}}));
        chat(&mut m, 4, general(), T0, json!({"type":"reaction","mid":first + 5,
            "detail":{"type":"edit","content_type":"text/plain","content":"edited\u{3000}編集","properties":null}}));
        chat(&mut m, 5, general(), T0 + 1_000_000, normal("Join Vocespace Meeting: https://vocespace.com/room"));
        chat(&mut m, 3, general(), T0 + 1_100_000, json!({"type":"normal","content_type":"vocechat/file",
            "content":"2026/11/21/a","properties":{"name":"Q3_report\u{3000}最終版……….pdf______.terminal",
            "size":48213,"content_type":"application/pdf"},"expires_in":null}));
        chat(&mut m, 2, general(), T0 + 1_200_000, json!({"type":"normal","content_type":"vocechat/file",
            "content":"2026/11/21/b","properties":{"name":"写真 👍.png","size":u64::MAX,
            "content_type":"image/png","width":i64::MAX,"height":0},"expires_in":null}));
        m.push(ev(json!({"type":"ready"})));
        m.push(Msg::Sync(SyncMsg::State(ConnState::Live)));
        // The way a user gets to #general.
        m.extend(keys_of("ctrl+k ; 'general ; enter").into_iter().map(Msg::Key));
        m
    })
}

fn app_for(case: &Case) -> App {
    let mut settings = Settings::from(&Config::default());
    settings.utc = case.utc;
    settings.layout = case.layout;
    // The keymaps are built once (cloning one is much cheaper than building it).
    static KEYMAPS: OnceLock<[Keymap; 2]> = OnceLock::new();
    let [default, vim] =
        KEYMAPS.get_or_init(|| [Keymap::new(Preset::Default), Keymap::new(Preset::Vim)]);
    let keymap = if case.vim { vim } else { default }.clone();
    let mut app = App::logged_in(1, keymap, settings, "chat.example.com".into());
    app.account.login = Some(("https://chat.example.com".into(), "ada@example.com".into()));
    app.now_ms = T0 + 3_600_000;
    update(&mut app, Msg::Resize(case.size.0, case.size.1));
    for m in seed() {
        update(&mut app, m.clone());
    }
    app
}

fn failure(luck: u8) -> Failure {
    match luck % 4 {
        0 => Failure::Api(ApiError::Network("connection reset".into())),
        1 => Failure::Api(ApiError::Unauthorized),
        2 => Failure::Api(ApiError::TooLarge),
        _ => Failure::local("日本語のエラー\u{3000}\n二行目"),
    }
}

fn hit(mid: i64, key: ConvKey, text: &str) -> SearchHit {
    SearchHit {
        mid,
        key,
        from_uid: 2,
        created_at: if mid % 2 == 0 { i64::MAX } else { T0 },
        kind: ContentKind::Text,
        text: text.into(),
        author: Some("作者\u{3000}名".into()),
    }
}

/// What the runtime would answer to `effect`: success mostly, a failure when `luck` says.
fn answer(effect: Effect, luck: u8, next_mid: &mut i64) -> Vec<Msg> {
    let ok = !luck.is_multiple_of(5);
    macro_rules! outcome {
        ($v:expr) => {
            if ok { Ok($v) } else { Err(failure(luck)) }
        };
    }
    *next_mid += 1;
    let mid = *next_mid;
    match effect {
        Effect::Send { key, local_id, .. } => vec![Msg::Sent {
            key,
            local_id,
            result: outcome!(mid),
        }],
        Effect::Change(c) => vec![Msg::Changed {
            id: c.id,
            result: outcome!(()),
        }],
        Effect::LoadHistory { key, before, limit } => {
            let top = before.unwrap_or(i64::MAX);
            let page = (1..=3)
                .map(|i| {
                    serde_json::from_value(json!({"mid":top.saturating_sub(i),"from_uid":3,
                        "created_at":T0 - i * 1000,"target":match key {
                            ConvKey::Group(gid) => json!({"gid":gid}),
                            ConvKey::User(uid) => json!({"uid":uid}),
                        },"detail":normal("古い\u{3000}history")}))
                    .unwrap()
                })
                .collect();
            vec![Msg::History {
                key,
                before,
                limit,
                result: outcome!(page),
            }]
        }
        Effect::Search { seq, .. } => vec![Msg::Searched(outcome!(SearchResults {
            seq,
            hits: vec![
                hit(1, ConvKey::Group(1), "こんにちは\u{3000}@al"),
                hit(2, ConvKey::Group(1), &"語".repeat(400)),
                hit(999_998, ConvKey::Group(2), "a hit not loaded"),
                hit(i64::MAX, ConvKey::User(i64::MAX), "👨‍👩‍👧 e\u{301}"),
                hit(7, ConvKey::Group(77), "a conversation not known"),
            ],
            coverage: vec![Coverage {
                key: ConvKey::Group(1),
                oldest: Some(i64::MIN),
                oldest_mid: Some(1),
                stored: u64::MAX,
                fill_before: Some(i64::MIN),
                complete: false,
            }],
        }))],
        Effect::StoreOlder { key, .. } => vec![Msg::StoredOlder {
            key,
            result: outcome!(usize::MAX),
        }],
        Effect::LoadSaved => vec![Msg::SavedList(outcome!((
            if ok {
                SavedPlace::Server
            } else {
                SavedPlace::Local
            },
            vec![SavedItem {
                id: "fav\u{3000}1".into(),
                saved_at: i64::MAX,
                mid: 2,
                source: serde_json::from_value(json!({"gid":1})).unwrap(),
                from_uid: Some(i64::MIN),
                author: None,
                created_at: i64::MIN,
                kind: ContentKind::Markdown,
                text: "**保存**\u{a0}した".into(),
            }],
        )))],
        Effect::SaveMessage { .. } | Effect::Unsave { .. } => {
            vec![Msg::SavedChanged(outcome!("saved 保存".into()))]
        }
        Effect::ListDevices => vec![Msg::DevicesListed(outcome!((
            vec![
                "web".into(),
                "端末\u{3000}一".into(),
                "\u{202e}evil".into(),
                "this".into(),
            ],
            "this".into(),
        )))],
        Effect::LogoutDevice(device) => vec![Msg::DeviceLoggedOut {
            device,
            result: outcome!(()),
        }],
        Effect::PostInvite { task, .. } => vec![Msg::Done {
            task: Some(task),
            what: "meeting invite".into(),
            result: outcome!(()),
        }],
        Effect::CallLink { task, .. } => vec![Msg::CallLink {
            task,
            result: outcome!(CallLink {
                url: format!("https://vocespace.com/space?token={}", "x".repeat(400)),
                space: "日本".into(),
                base: "https://vocespace.com".into(),
                room: Some(Room::Named("会議\u{3000}室".into())),
                expires_at: i64::MAX,
            }),
        }],
        Effect::StageFiles { paths, paste } => {
            let files = if ok {
                paths
                    .iter()
                    .map(|p| Staged {
                        path: p.into(),
                        name: format!("{p}\u{3000}名前.png"),
                        size: u64::MAX,
                        content_type: "image/png".into(),
                        file: OpenFile::new(()),
                    })
                    .collect()
            } else {
                vec![]
            };
            vec![Msg::Staged {
                files,
                errors: if ok {
                    vec![]
                } else {
                    vec!["no such file".into()]
                },
                paste,
            }]
        }
        Effect::CompletePath { prefix } => vec![Msg::PathCompleted {
            candidates: if ok {
                vec![format!("{prefix}日本/"), format!("{prefix}\u{3000}x")]
            } else {
                vec![]
            },
            prefix,
        }],
        Effect::Upload {
            task,
            key,
            local_id,
            ..
        } => vec![
            Msg::UploadProgress {
                key,
                local_id,
                sent: u64::MAX,
                total: 0,
            },
            Msg::Progress {
                task,
                done: u64::MAX,
                total: Some(1),
            },
            Msg::Uploaded {
                key,
                local_id,
                result: outcome!(mid),
            },
        ],
        Effect::Download { task, name, .. } => vec![Msg::Downloaded {
            task,
            name,
            result: outcome!("/tmp/保存\u{3000}先.pdf".into()),
        }],
        Effect::Preview { task, name, .. } => vec![Msg::Preview {
            task,
            result: outcome!(Preview {
                name,
                image: Arc::new(image::DynamicImage::new_rgb8(3, 2)),
            }),
        }],
        Effect::OpenEditor(text) => vec![Msg::Edited(outcome!(format!("{text}\n編集\u{3000}済")))],
        Effect::Login { server, email, .. } => vec![Msg::LoggedIn(outcome!(Box::new(LoggedIn {
            account: vocechat_tui::app::FIRST_ACCOUNT,
            uid: 1,
            user: None,
            server,
            email,
        })))],
        Effect::Logout { .. } => vec![Msg::LoggedOut],
        Effect::Mute { .. }
        | Effect::Unmute { .. }
        | Effect::Burn { .. }
        | Effect::Leave { .. }
        | Effect::CreateGroup { .. }
        | Effect::Invite { .. } => vec![Msg::Done {
            task: None,
            what: "操作".into(),
            result: outcome!(()),
        }],
        _ => vec![],
    }
}

fn theme() -> &'static Theme {
    static THEME: OnceLock<Theme> = OnceLock::new();
    THEME.get_or_init(Theme::dark)
}

/// Draws the frame the runtime would, then feeds the renderer's view back like it does.
fn frame(term: &mut Terminal<TestBackend>, app: &mut App, cache: &mut RenderCache) {
    let (w, h) = app.screen.size;
    if term.backend().buffer().area.as_size() != ratatui::layout::Size::new(w, h) {
        term.backend_mut().resize(w, h);
    }
    let mut view = None;
    term.draw(|f| view = Some(draw(f, app, theme(), cache)))
        .unwrap();
    if let Some(v) = view
        && v.differs_from(app)
    {
        update(app, Msg::View(v));
        if app.dirty {
            term.draw(|f| {
                draw(f, app, theme(), cache);
            })
            .unwrap();
        }
    }
}

/// Applies `msg`, then the runtime's answers to its effects, and theirs, a few rounds deep
/// (history pages chain), before the next message, as the runtime's answers arrive.
fn apply(app: &mut App, msg: Msg, luck: &mut impl Iterator<Item = u8>, next_mid: &mut i64) {
    let mut msgs = vec![msg];
    for _ in 0..3 {
        let mut answers = Vec::new();
        for m in msgs {
            for effect in update(app, m) {
                answers.extend(answer(effect, luck.next().unwrap_or(1), next_mid));
            }
        }
        msgs = answers;
    }
}

fn play(app: &mut App, step: &Step, luck: &mut impl Iterator<Item = u8>, next_mid: &mut i64) {
    match step {
        Step::Keys(keys) => {
            for k in keys {
                apply(app, Msg::Key(*k), luck, next_mid);
            }
        }
        Step::Paste(t) => apply(app, Msg::Paste(t.clone()), luck, next_mid),
        Step::Msg(m) => apply(app, m.clone(), luck, next_mid),
    }
}

/// What holds after every step, whatever happened: each selection points into its list and
/// the composer's cursor into its text.
fn check(app: &App) {
    // Every open popup, the ones under the top included.
    for popup in app.popups.iter() {
        match popup {
            Popup::Staged(s) => assert!(s.selected < app.composer.staged.len(), "{popup:?}"),
            Popup::React(r) => assert!(r.index < REACTIONS.len(), "{popup:?}"),
            Popup::Devices(d) => assert!(d.list.is_empty() || d.selected < d.list.len()),
            Popup::Switcher(s) => assert!(s.results.is_empty() || s.selected < s.results.len()),
            Popup::Search(_) => {
                let hits = app.search.results.hits.len();
                assert!(
                    hits == 0 || app.search.selected < hits,
                    "{} of {hits}",
                    app.search.selected
                );
            }
            _ => {}
        }
    }
    let ratatui_textarea::DataCursor(row, col) = app.composer.textarea.cursor();
    let lines = app.composer.textarea.lines();
    assert!(row < lines.len() && col <= lines[row].chars().count());
}

fn run(case: &Case) {
    let mut app = app_for(case);
    let mut term = Terminal::new(TestBackend::new(case.size.0, case.size.1)).unwrap();
    let mut cache = RenderCache::default();
    let mut luck = case.luck.iter().copied().cycle();
    let mut next_mid = 10_000;
    frame(&mut term, &mut app, &mut cache);
    for step in &case.steps {
        play(&mut app, step, &mut luck, &mut next_mid);
        check(&app);
        frame(&mut term, &mut app, &mut cache);
    }
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // No failure files: a failing case is printed, and the file stays small.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// Four tests of 2,500 cases each (10,000 in all), so the test harness runs them in
// parallel.
proptest! {
    #![proptest_config(config(2_500))]

    #[test]
    fn no_key_sequence_panics_the_app_a(case in case()) {
        run(&case);
    }

    #[test]
    fn no_key_sequence_panics_the_app_b(case in case()) {
        run(&case);
    }

    #[test]
    fn no_key_sequence_panics_the_app_c(case in case()) {
        run(&case);
    }

    #[test]
    fn no_key_sequence_panics_the_app_d(case in case()) {
        run(&case);
    }
}
