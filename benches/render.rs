//! Render budgets (design.md): one frame at 200×60 of a 100k-message channel ≤ 1 ms; terminal
//! bytes per typed character ≤ 64 B; per incoming message in the open channel ≤ 300 B.
//! Both timeline layouts (cozy, compact). Key to frame with huge text in view (budget 50 ms):
//! ten replies quoting a 5 MiB message, and a search view of 5 MiB hits. Run with
//! `cargo bench --bench render`.

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
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use vocechat_tui::app::conn::SyncMsg;
use vocechat_tui::app::{App, Msg, Settings, update};
use vocechat_tui::config::{Config, Layout};
use vocechat_tui::keymap::{Keymap, Preset};
use vocechat_tui::model::Source;
use vocechat_tui::protocol::ServerEvent;
use vocechat_tui::protocol::types::ChatMessage;
use vocechat_tui::runtime::paint::{Drawn, PaintBackend, draw_frame};
use vocechat_tui::theme::Theme;
use vocechat_tui::ui::{RenderCache, draw, scroll_band};

fn message(mid: i64) -> ChatMessage {
    serde_json::from_value(json!({"mid":mid,"from_uid":2 + mid % 4,"created_at":1_700_000_000_000i64 + mid * 30_000,"target":{"gid":1},
        "detail":{"type":"normal","content_type":"text/plain","content":format!("message {mid}: a line of ordinary chat text that is long enough to wrap once or twice on narrow screens"),"properties":null,"expires_in":null}}))
    .unwrap()
}

fn app_with(n: i64) -> App {
    let mut app = App::logged_in(
        1,
        Keymap::new(Preset::Default),
        Settings::from(&Config::default()),
        "bench".into(),
    );
    let groups =
        serde_json::from_value(json!([{"gid":1,"name":"general","is_public":true}])).unwrap();
    update(
        &mut app,
        Msg::Sync(SyncMsg::Event(Box::new(ServerEvent::RelatedGroups {
            groups,
        }))),
    );
    for mid in 1..=n {
        app.chat.apply_chat(message(mid), Source::Stream);
    }
    update(
        &mut app,
        Msg::Sync(SyncMsg::Event(Box::new(ServerEvent::Ready))),
    );
    app
}

/// A first frame with a cold cache, then `frames` warm ones scrolled a little each time, as
/// the timeline is read; prints both and returns the warm mean (ms per frame).
fn frames_200x60(app: &mut App, theme: &Theme, frames: usize, what: &str) -> f64 {
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let mut cache = RenderCache::default();
    let t = Instant::now();
    term.draw(|f| {
        draw(f, app, theme, &mut cache);
    })
    .unwrap();
    println!(
        "render 200x60, {what}, cold cache: {:.3} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let t = Instant::now();
    for i in 0..frames {
        app.dirty = true;
        app.timeline.scroll = (i % 7) * 3;
        term.draw(|f| {
            draw(f, app, theme, &mut cache);
        })
        .unwrap();
    }
    let ms = t.elapsed().as_secs_f64() * 1000.0 / frames as f64;
    println!("render 200x60, {what}, warm: {ms:.3} ms/frame (mean of {frames})");
    ms
}

/// One 10 MB message newest in the channel: first frame, later frames, and selected.
fn huge_message(theme: &Theme) {
    let mut app = app_with(100);
    let huge: String = (0..300_000)
        .map(|i| format!("line {i} of a very long paste\n"))
        .collect();
    let mut m = message(1_000);
    if let vocechat_tui::protocol::types::MessageDetail::Normal { content, .. } = &mut m.detail {
        *content = huge;
    }
    update(
        &mut app,
        Msg::Sync(SyncMsg::Event(Box::new(ServerEvent::Chat(m)))),
    );
    update(&mut app, Msg::Resize(200, 60));
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let mut cache = RenderCache::default();
    let mut time = |app: &App, frames: u32| {
        let t = Instant::now();
        for _ in 0..frames {
            term.draw(|f| {
                draw(f, app, theme, &mut cache);
            })
            .unwrap();
        }
        t.elapsed().as_secs_f64() * 1000.0 / frames as f64
    };
    let first = time(&app, 1);
    let warm = time(&app, 50);
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::ALT)),
    );
    let selected_first = time(&app, 1);
    let selected_warm = time(&app, 50);
    println!(
        "render 200x60 with a 10 MB message: first {first:.2} ms, warm {warm:.3} ms/frame; selected: first {selected_first:.1} ms, warm {selected_warm:.3} ms/frame"
    );
}

/// A text of about 5 MiB in short lines: `line N of a very long paste`.
fn five_mib() -> String {
    (0..170_000)
        .map(|i| format!("line {i} of a very long paste\n"))
        .collect()
}

/// Key to frame (update, then draw) for `keys`, warm: the median and the worst, in ms.
fn key_to_frame(
    app: &mut App,
    theme: &Theme,
    term: &mut Terminal<TestBackend>,
    cache: &mut RenderCache,
    keys: &[KeyEvent],
) -> (f64, f64) {
    let mut ms = Vec::new();
    for key in keys {
        let t = Instant::now();
        update(app, Msg::Key(*key));
        term.draw(|f| {
            draw(f, app, theme, cache);
        })
        .unwrap();
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[ms.len() - 1])
}

/// Ten replies quoting a 5 MiB message, all in view while you type; then the search view
/// with ten 5 MiB hits (half match near their start, half nowhere in what is looked through)
/// while you move through them.
fn huge_quotes_and_hits(theme: &Theme, keys: usize) {
    let mut app = app_with(100);
    let huge = five_mib();
    let mut m = message(1_000);
    if let vocechat_tui::protocol::types::MessageDetail::Normal { content, .. } = &mut m.detail {
        content.clone_from(&huge);
    }
    update(
        &mut app,
        Msg::Sync(SyncMsg::Event(Box::new(ServerEvent::Chat(m)))),
    );
    for mid in 1_001..=1_010 {
        let reply: ChatMessage = serde_json::from_value(json!({"mid":mid,"from_uid":3,"created_at":1_700_000_000_000i64 + mid * 30_000,"target":{"gid":1},
            "detail":{"type":"reply","mid":1_000,"content_type":"text/plain","content":format!("reply {mid}"),"properties":null}}))
        .unwrap();
        update(
            &mut app,
            Msg::Sync(SyncMsg::Event(Box::new(ServerEvent::Chat(reply)))),
        );
    }
    update(&mut app, Msg::Resize(200, 60));
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let mut cache = RenderCache::default();
    let t = Instant::now();
    term.draw(|f| {
        draw(f, &app, theme, &mut cache);
    })
    .unwrap();
    let first = t.elapsed().as_secs_f64() * 1000.0;
    let screen = format!("{:?}", term.backend().buffer());
    assert_eq!(screen.matches("┃").count(), 10, "ten quotes in view");
    let typing: Vec<KeyEvent> = (0..keys)
        .map(|i| {
            KeyEvent::new(
                KeyCode::Char((b'a' + (i % 26) as u8) as char),
                KeyModifiers::NONE,
            )
        })
        .collect();
    let (median, worst) = key_to_frame(&mut app, theme, &mut term, &mut cache, &typing);
    println!(
        "key to frame, 200x60, 10 replies quoting a 5 MiB message in view: median {median:.2} ms, worst {worst:.2} ms over {keys} keys; first frame {first:.1} ms (budget 50 ms)"
    );
    // The search view: Alt+/, a query, then ten hits of 5 MiB each.
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::ALT)),
    );
    for c in "needle".chars() {
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    let near = format!("the needle is near the start\n{huge}");
    let hits = (0..10)
        .map(|i| vocechat_tui::model::SearchHit {
            mid: 2_000 + i,
            key: vocechat_tui::model::ConvKey::Group(1),
            from_uid: 2,
            created_at: 1_700_000_000_000,
            kind: vocechat_tui::protocol::types::ContentKind::Text,
            text: if i % 2 == 0 {
                near.clone()
            } else {
                huge.clone()
            },
            author: None,
        })
        .collect();
    let seq = app.search.seq;
    update(
        &mut app,
        Msg::Searched(Ok(vocechat_tui::model::SearchResults {
            seq,
            hits,
            coverage: Vec::new(),
        })),
    );
    let moves: Vec<KeyEvent> = (0..keys)
        .map(|i| {
            let code = if (i / 9) % 2 == 0 {
                KeyCode::Down
            } else {
                KeyCode::Up
            };
            KeyEvent::new(code, KeyModifiers::NONE)
        })
        .collect();
    let (median, worst) = key_to_frame(&mut app, theme, &mut term, &mut cache, &moves);
    let screen = format!("{:?}", term.backend().buffer());
    assert!(screen.contains("the needle is near the start"), "{screen}");
    println!(
        "key to frame, 200x60, search view of ten 5 MiB hits: median {median:.2} ms, worst {worst:.2} ms over {keys} keys (budget 50 ms)"
    );
}

/// A writer whose byte count we can read.
#[derive(Clone, Default)]
struct Counter(Arc<Mutex<usize>>);
impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        *self.0.lock().unwrap() += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn main() {
    // `-- --smoke`: tiny sizes, to keep the bench compiling and running in CI.
    let smoke = std::env::args().any(|a| a == "--smoke");
    let theme = Theme::dark();
    // Cost follows the viewport: the same frames with 1,000 and with 100,000 messages.
    let frames = if smoke { 5 } else { 200 };
    let mut warm = Vec::new();
    let mut app = None;
    for n in if smoke {
        [200, 2_000]
    } else {
        [1_000, 100_000]
    } {
        let start = Instant::now();
        let mut a = app_with(n);
        println!(
            "setup: folded {n} messages in {:.0} ms",
            start.elapsed().as_secs_f64() * 1000.0
        );
        update(&mut a, Msg::Resize(200, 60));
        warm.push(frames_200x60(
            &mut a,
            &theme,
            frames,
            &format!("{n} messages"),
        ));
        app = Some(a);
    }
    println!(
        "warm frame with the larger history / the smaller: {:.0} % (budget: within 20 %)",
        warm[1] / warm[0] * 100.0
    );
    let mut app = app.unwrap();
    // The compact layout: more messages on the screen, the same frames.
    app.settings.layout = Layout::Compact;
    let n = if smoke { 2_000 } else { 100_000 };
    let compact = frames_200x60(&mut app, &theme, frames, &format!("{n} messages, compact"));
    println!(
        "compact warm frame / cozy: {:.0} %",
        compact / warm[1] * 100.0
    );
    app.timeline.scroll = 0;
    huge_message(&theme);
    huge_quotes_and_hits(&theme, if smoke { 5 } else { 50 });

    terminal_bytes();
}

/// A message of one line of text.
fn short_message(mid: i64) -> ChatMessage {
    let mut m = message(mid);
    if let vocechat_tui::protocol::types::MessageDetail::Normal { content, .. } = &mut m.detail {
        *content = format!("ok, deploying build {mid} now");
    }
    m
}

/// Bytes on the wire, counted as the real painter writes them (synchronized-update brackets
/// included), for typing and for messages arriving at the bottom of the open channel: with
/// the terminal scrolling the timeline and with the plain diff, with and without a sidebar.
fn terminal_bytes() {
    let theme = Theme::dark();
    for scroll_regions in [true, false] {
        for (sidebar, extra) in [(true, 0), (true, 8), (false, 0)] {
            let counter = Counter::default();
            let size = ratatui::layout::Size::new(120, 40);
            let backend = PaintBackend::with_size(counter.clone(), scroll_regions, size);
            let mut term = Terminal::new(backend).unwrap();
            let mut cache = RenderCache::default();
            let mut frame = |app: &App, term: &mut Terminal<PaintBackend<Counter>>| {
                let before = *counter.0.lock().unwrap();
                draw_frame(term, |f| {
                    draw(f, app, &theme, &mut cache);
                    Drawn {
                        band: scroll_band(app, f.area()),
                        links: cache.links.clone(),
                        joined_rows: Vec::new(),
                    }
                })
                .unwrap();
                *counter.0.lock().unwrap() - before
            };
            let mut small = app_with(2_000);
            add_conversations(&mut small, extra);
            small.screen.sidebar_visible = sidebar;
            update(&mut small, Msg::Resize(120, 40));
            frame(&small, &mut term);
            let mut typed = 0;
            let text = "hello there";
            for c in text.chars() {
                update(
                    &mut small,
                    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
                );
                typed += frame(&small, &mut term);
            }
            let mut per = |make: fn(i64) -> ChatMessage, from: i64| {
                let count = 20;
                let mut total = 0;
                for i in 0..count {
                    update(
                        &mut small,
                        Msg::Sync(SyncMsg::Event(Box::new(ServerEvent::Chat(make(from + i))))),
                    );
                    total += frame(&small, &mut term);
                }
                total as f64 / count as f64
            };
            let t = Instant::now();
            let one_line = per(short_message, 10_000);
            let paint_ms = t.elapsed().as_secs_f64() * 1000.0 / 20.0;
            let wrapped = per(message, 20_000);
            println!(
                "terminal bytes, {}, {}: per typed character {:.0} B; per incoming message {:.0} B (one line of text), {:.0} B (two wrapped lines); update + render + paint {:.3} ms per message",
                if scroll_regions {
                    "terminal scrolls"
                } else {
                    "plain diff"
                },
                if sidebar {
                    format!("sidebar of {}", extra + 1)
                } else {
                    "no sidebar".into()
                },
                typed as f64 / text.len() as f64,
                one_line,
                wrapped,
                paint_ms,
            );
        }
    }
}

/// More channels in the sidebar, each with a message, so the sidebar has rows to disturb.
fn add_conversations(app: &mut App, n: i64) {
    let groups: Vec<_> = (1..2 + n)
        .map(|gid| json!({"gid":gid,"name":if gid == 1 { "general".into() } else { format!("channel-{gid}") },"is_public":true}))
        .collect();
    update(
        app,
        Msg::Sync(SyncMsg::Event(Box::new(ServerEvent::RelatedGroups {
            groups: serde_json::from_value(json!(groups)).unwrap(),
        }))),
    );
}
