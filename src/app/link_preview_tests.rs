//! Link previews in the app (`link_previews.rs`): which messages ask, how often, and what a
//! failure or an empty answer leaves.

use super::tests::{chat, event, synced};
use super::{App, Effect, Failure, Msg, View, update};
use crate::model::{ConvKey, IN_FLIGHT_MAX, LinkPreview};
use crate::protocol::ServerEvent;

/// The lobby open with messages `(mid, text)` after its own (mid 11); the screen shows
/// `shown`; previews on or off.
fn lobby(on: bool, messages: &[(i64, &str)], shown: (i64, i64)) -> (App, Vec<Effect>) {
    let mut app = synced();
    app.settings.link_previews = on;
    for (mid, text) in messages {
        update(&mut app, event(ServerEvent::Chat(chat(*mid, 2, 1, text))));
    }
    app.open_conversation(ConvKey::Group(1));
    let effects = view(&mut app, shown);
    (app, effects)
}

fn view(app: &mut App, shown: (i64, i64)) -> Vec<Effect> {
    update(
        app,
        Msg::View(View {
            shown: Some(shown),
            ..View::default()
        }),
    )
}

fn asked(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::FetchLinkPreview { url } => Some(url.clone()),
            _ => None,
        })
        .collect()
}

fn preview(title: &str) -> LinkPreview {
    LinkPreview {
        site: "Example".into(),
        title: title.into(),
        description: String::new(),
    }
}

#[test]
fn a_message_with_one_link_asks_once() {
    let (mut app, effects) = lobby(true, &[(20, "see https://example.com/ now")], (11, 20));
    assert_eq!(asked(&effects), ["https://example.com/"]);
    // Drawn again, scrolled, or the same link in another message: not asked again.
    assert!(asked(&view(&mut app, (11, 20))).is_empty());
    update(
        &mut app,
        event(ServerEvent::Chat(chat(
            21,
            3,
            1,
            "https://example.com/ again",
        ))),
    );
    assert!(asked(&view(&mut app, (11, 21))).is_empty());
    // The answer is kept with the store and shown under both.
    let effects = update(
        &mut app,
        Msg::LinkPreview {
            url: "https://example.com/".into(),
            result: Ok(Some(preview("Example Domain"))),
        },
    );
    assert!(effects.contains(&Effect::KeepLinkPreview {
        url: "https://example.com/".into(),
        preview: Some(preview("Example Domain")),
    }));
    assert!(asked(&effects).is_empty());
    for mid in [20, 21] {
        let rev = app.chat.message(mid).unwrap().rev;
        assert_eq!(
            app.chat.link_previews.of_message(mid, rev),
            Some(&preview("Example Domain"))
        );
    }
    assert!(asked(&view(&mut app, (20, 21))).is_empty());
}

#[test]
fn two_links_ask_nothing_and_off_asks_nothing() {
    let (app, effects) = lobby(
        true,
        &[(20, "https://one.example/ and https://two.example/")],
        (11, 20),
    );
    assert!(asked(&effects).is_empty());
    assert_eq!(app.chat.link_previews.in_flight(), 0);
    let (_, effects) = lobby(false, &[(20, "see https://example.com/")], (11, 20));
    assert!(asked(&effects).is_empty());
}

#[test]
fn a_failure_is_not_asked_again_until_the_next_connection() {
    let (mut app, _) = lobby(true, &[(20, "see https://example.com/")], (11, 20));
    let effects = update(
        &mut app,
        Msg::LinkPreview {
            url: "https://example.com/".into(),
            result: Err(Failure::local("network down")),
        },
    );
    assert!(asked(&effects).is_empty());
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::KeepLinkPreview { .. }))
    );
    assert!(asked(&view(&mut app, (11, 20))).is_empty());
    assert!(asked(&view(&mut app, (20, 20))).is_empty());
    // A new connection: asked once more.
    let effects = update(&mut app, event(ServerEvent::Ready));
    assert_eq!(asked(&effects), ["https://example.com/"]);
}

#[test]
fn an_empty_answer_shows_nothing_and_is_not_asked_again() {
    let (mut app, _) = lobby(true, &[(20, "see https://gone.example/")], (11, 20));
    let effects = update(
        &mut app,
        Msg::LinkPreview {
            url: "https://gone.example/".into(),
            result: Ok(None),
        },
    );
    assert!(effects.contains(&Effect::KeepLinkPreview {
        url: "https://gone.example/".into(),
        preview: None,
    }));
    let rev = app.chat.message(20).unwrap().rev;
    assert_eq!(app.chat.link_previews.of_message(20, rev), None);
    assert!(asked(&update(&mut app, event(ServerEvent::Ready))).is_empty());
}

#[test]
fn only_messages_near_the_screen_ask_and_a_few_at_a_time() {
    let texts: Vec<String> = (0..30)
        .map(|i| format!("link https://site{i}.example/"))
        .collect();
    let messages: Vec<(i64, &str)> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| (20 + i as i64, t.as_str()))
        .collect();
    // Messages 40 to 44 on screen (links 20 to 24); the newest on screen first.
    let (mut app, effects) = lobby(true, &messages, (40, 44));
    assert_eq!(
        asked(&effects),
        [
            "https://site24.example/",
            "https://site23.example/",
            "https://site22.example/"
        ]
    );
    assert_eq!(app.chat.link_previews.in_flight(), IN_FLIGHT_MAX);
    // Each answer lets the next one near the screen go, never one far from it.
    let mut all = asked(&effects);
    for _ in 0..20 {
        let Some(url) = all
            .iter()
            .find(|u| app.chat.link_previews.get(u).is_none())
            .cloned()
        else {
            break;
        };
        let effects = update(
            &mut app,
            Msg::LinkPreview {
                url,
                result: Ok(None),
            },
        );
        all.extend(asked(&effects));
    }
    let mut sites: Vec<usize> = all
        .iter()
        .map(|u| {
            u.trim_start_matches("https://site")
                .trim_end_matches(".example/")
                .parse()
                .unwrap()
        })
        .collect();
    sites.sort_unstable();
    // On screen (20-24), five below (25-29) and five above (15-19).
    assert_eq!(sites, (15..30).collect::<Vec<_>>());
}

#[test]
fn a_preview_kept_by_the_store_is_drawn_without_asking() {
    let mut app = synced();
    app.settings.link_previews = true;
    // As the store's load gives it: the answer of an earlier run.
    app.chat.link_previews.insert(
        "https://example.com/".into(),
        Some(preview("Example Domain")),
    );
    update(
        &mut app,
        event(ServerEvent::Chat(chat(
            20,
            2,
            1,
            "see https://example.com/",
        ))),
    );
    app.open_conversation(ConvKey::Group(1));
    let effects = view(&mut app, (11, 20));
    assert!(asked(&effects).is_empty());
    assert!(app.dirty, "drawn again, with the preview");
    let rev = app.chat.message(20).unwrap().rev;
    assert_eq!(
        app.chat.link_previews.of_message(20, rev),
        Some(&preview("Example Domain"))
    );
}

#[test]
fn the_config_turns_previews_on_only_when_true_over_ssh_too() {
    use crate::app::Settings;
    use crate::config::Config;
    assert!(!Settings::new(&Config::default(), false).link_previews);
    let on = Config::parse("[ui]\nlink_previews = true\n").unwrap();
    assert!(Settings::new(&on, true).link_previews);
    assert!(Config::parse("[ui]\nlink_previews = \"auto\"\n").is_err());
}
