//! The demo server's worlds: a small fixed cast for the tests, and a lived-in server for
//! `--demo` (users, public and private channels, DMs, a few thousand messages with replies,
//! reactions, edits and deletes), plus the bot that keeps chatting.

use super::Shared;
use super::state::State;
use crate::protocol::types::*;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use std::time::Duration;

pub const DEMO_EMAIL: &str = "demo@vocechat.local";
pub const DEMO_PASSWORD: &str = "demo";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seed {
    /// admin (1, admin@example.com / admin-pass), bob (2, bob@example.com / bob-pass),
    /// carol (3, carol@example.com / carol-pass); lobby (gid 1, public), dev (gid 2, private:
    /// admin and bob, owner bob), secret (gid 3, private: carol only). No messages.
    TestCast,
    /// The `--demo` world with about `history` messages.
    Demo { history: usize },
}

pub fn seed(st: &mut State, seed: &Seed) {
    match seed {
        Seed::TestCast => {
            st.add_user("admin", "admin@example.com", "admin-pass", true, false);
            st.add_user("bob", "bob@example.com", "bob-pass", false, false);
            st.add_user("carol", "carol@example.com", "carol-pass", false, false);
            st.insert_group("lobby", Some("everyone".into()), None, vec![], true);
            st.insert_group(
                "dev",
                Some("private room".into()),
                Some(2),
                vec![1, 2],
                false,
            );
            st.insert_group("secret", None, Some(3), vec![3], false);
        }
        Seed::Demo { history } => seed_demo(st, *history),
    }
}

const PHRASES: &[&str] = &[
    "morning all ☕",
    "did anyone look at the flaky test on main?",
    "I pushed a fix, CI is green now",
    "lunch?",
    "the new build is 30% faster on my machine",
    "can someone review my PR before the release?",
    "that migration took forever 😅",
    "works for me™",
    "let's pair on it after standup",
    "I'll write it up in the wiki",
    "the staging server is back up",
    "who broke the coffee machine again",
    "shipping it 🚀",
    "good catch, thanks!",
    "I think it's a race in the reconnect path",
    "let me check the logs",
    "日本語のテストメッセージです",
    "emoji width check: 👍🏽 🇯🇵 👨‍👩‍👧",
    "+1",
    "see you tomorrow 👋",
];

const MARKDOWN: &[&str] = &[
    "**Release checklist**\n- [x] changelog\n- [ ] tag\n- [ ] announce",
    "Try this:\n```rust\nfn main() {\n    println!(\"hello, vocechat\");\n}\n```",
    "> the best code is no code\n\n_agreed_, mostly",
    "Use `cargo test -- --nocapture` to see the output",
    "Docs are at [the wiki](https://example.com/wiki) — see *Getting started*",
];

fn seed_demo(st: &mut State, history: usize) {
    let you = st.add_user("demo", DEMO_EMAIL, DEMO_PASSWORD, true, false);
    let alice = st.add_user("alice", "alice@vocechat.local", "alice", false, false);
    let bob = st.add_user("bob", "bob@vocechat.local", "bob", false, false);
    let carol = st.add_user("carol", "carol@vocechat.local", "carol", false, false);
    let dave = st.add_user("dave", "dave@vocechat.local", "dave", false, false);
    let bot = st.add_user(
        "vocebot",
        "bot@vocechat.local",
        "bot-pass-unused",
        false,
        true,
    );
    let everyone = vec![you, alice, bob, carol, dave, bot];
    let general = st
        .insert_group(
            "general",
            Some("company-wide announcements and chatter".into()),
            None,
            vec![],
            true,
        )
        .0;
    let random = st
        .insert_group("random", Some("off-topic".into()), None, vec![], true)
        .0;
    let rust = st
        .insert_group(
            "rust",
            Some("the Rust guild".into()),
            Some(alice),
            vec![you, alice, bob, bot],
            false,
        )
        .0;
    let design = st
        .insert_group("design", None, Some(carol), vec![bob, carol, dave], false)
        .0;

    // (target, recipients, possible senders)
    let convs: Vec<(Target, Vec<i64>, Vec<i64>)> = vec![
        (
            Target::Group { gid: general },
            everyone.clone(),
            everyone.clone(),
        ),
        (
            Target::Group { gid: random },
            everyone.clone(),
            vec![alice, bob, carol, dave],
        ),
        (
            Target::Group { gid: rust },
            vec![you, alice, bob, bot],
            vec![you, alice, bob],
        ),
        (
            Target::Group { gid: design },
            vec![bob, carol, dave],
            vec![bob, carol, dave],
        ),
        (
            Target::User { uid: alice },
            vec![you, alice],
            vec![you, alice],
        ),
        (Target::User { uid: bob }, vec![you, bob], vec![you, bob]),
    ];
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let now = crate::clock::now_ms();
    let span = 7 * 86_400_000i64;
    let step = span / history.max(1) as i64;
    let mut recent: Vec<(i64, usize, i64)> = Vec::new(); // (mid, conv index, sender)
    for i in 0..history {
        let created_at = now - span + i as i64 * step;
        let ci = *pick(&mut rng, &[0, 0, 0, 1, 1, 2, 2, 3, 4, 5]);
        let (target, recipients, senders) = &convs[ci];
        let Some(&from) = senders.choose(&mut rng) else {
            continue;
        };
        // DMs are addressed to the peer from the sender's side.
        let target = match *target {
            Target::User { uid } if from == uid => Target::User { uid: you },
            t => t,
        };
        let roll: f64 = rng.random();
        let same_conv: Vec<(i64, i64)> = recent
            .iter()
            .rev()
            .filter(|r| r.1 == ci)
            .take(10)
            .map(|r| (r.0, r.2))
            .collect();
        let liked = if roll < 0.08 {
            same_conv.choose(&mut rng).copied()
        } else {
            None
        };
        let detail = if let Some((mid, _)) = liked {
            let action = *pick(&mut rng, &REACTIONS);
            MessageDetail::Reaction {
                mid,
                detail: ReactionDetail::Like {
                    action: action.into(),
                },
            }
        } else if roll < 0.10 && same_conv.iter().any(|(_, s)| *s == from) {
            let mid = same_conv
                .iter()
                .find(|(_, s)| *s == from)
                .map_or(0, |(m, _)| *m);
            MessageDetail::Reaction {
                mid,
                detail: ReactionDetail::Edit {
                    content_type: ContentKind::Text.content_type().into(),
                    content: format!("{} (edited)", pick(&mut rng, PHRASES)),
                    properties: None,
                },
            }
        } else if roll < 0.11 && same_conv.iter().any(|(_, s)| *s == from) {
            let mid = same_conv
                .iter()
                .find(|(_, s)| *s == from)
                .map_or(0, |(m, _)| *m);
            MessageDetail::Reaction {
                mid,
                detail: ReactionDetail::Delete,
            }
        } else if roll < 0.17 && !same_conv.is_empty() {
            let (mid, _) = same_conv[0];
            MessageDetail::Reply {
                mid,
                content_type: ContentKind::Text.content_type().into(),
                content: pick(&mut rng, PHRASES).to_string(),
                properties: None,
            }
        } else if roll < 0.22 {
            MessageDetail::Normal {
                content_type: ContentKind::Markdown.content_type().into(),
                content: pick(&mut rng, MARKDOWN).to_string(),
                properties: None,
                expires_in: None,
            }
        } else if roll < 0.25 && from != you {
            MessageDetail::Normal {
                content_type: ContentKind::Text.content_type().into(),
                content: format!("@{you} can you take a look?"),
                properties: Properties {
                    mentions: vec![you],
                    ..Properties::default()
                }
                .to_json(),
                expires_in: None,
            }
        } else {
            MessageDetail::Normal {
                content_type: ContentKind::Text.content_type().into(),
                content: pick(&mut rng, PHRASES).to_string(),
                properties: None,
                expires_in: None,
            }
        };
        let is_message = !matches!(detail, MessageDetail::Reaction { .. });
        let mid = st.next_mid();
        st.push_log(
            ChatMessage {
                mid,
                from_uid: from,
                created_at,
                target,
                detail,
            },
            recipients.clone(),
        );
        if is_message {
            recent.push((mid, ci, from));
            if recent.len() > 200 {
                recent.remove(0);
            }
        }
    }
    // A file to look at.
    let path = "2026/1/5/demo-notes".to_string();
    st.files.insert(
        path.clone(),
        super::state::StoredFile {
            content_type: ContentKind::Text.content_type().into(),
            filename: Some("release-notes.txt".into()),
            data: b"vocechat-tui demo release notes\n".to_vec(),
        },
    );
    let _ = st.send(
        alice,
        Target::Group { gid: rust },
        ContentKind::File.content_type(),
        Content::File { path }.body(),
        None,
    );
    // You have read most, but not all, of what is there.
    let last = st.last_mid();
    let _ = st.read_index(
        you,
        "seed",
        vec![
            UserReadIndex {
                uid: alice,
                mid: last - 40,
            },
            UserReadIndex {
                uid: bob,
                mid: last,
            },
        ],
        vec![
            GroupReadIndex {
                gid: general,
                mid: last - 25,
            },
            GroupReadIndex {
                gid: random,
                mid: last - 60,
            },
            GroupReadIndex {
                gid: rust,
                mid: last - 8,
            },
        ],
    );
}

/// Keeps the demo alive: messages in #general, reactions, the odd DM and reply.
pub async fn run_bot(shared: Arc<Shared>, every: Duration) {
    let mut rng = StdRng::seed_from_u64(crate::clock::now_ms() as u64);
    loop {
        let jitter = rng.random_range(0.5..1.5);
        tokio::time::sleep(every.mul_f64(jitter)).await;
        let mut st = shared.state();
        let humans: Vec<i64> = st
            .users
            .values()
            .filter(|u| !u.info.is_bot && u.info.email.as_deref() != Some(DEMO_EMAIL))
            .map(|u| u.info.uid)
            .collect();
        let Some(&who) = humans.choose(&mut rng) else {
            continue;
        };
        let bot = st
            .users
            .values()
            .find(|u| u.info.is_bot)
            .map(|u| u.info.uid)
            .unwrap_or(who);
        let you = st
            .users
            .values()
            .find(|u| u.info.email.as_deref() == Some(DEMO_EMAIL))
            .map(|u| u.info.uid);
        let Some(general) = st.groups.values().find(|g| g.is_public).map(|g| g.gid) else {
            continue;
        };
        let recent = st
            .history(who, Target::Group { gid: general }, None, 10)
            .unwrap_or_default()
            .into_iter()
            .filter(|m| {
                matches!(
                    m.detail,
                    MessageDetail::Normal { .. } | MessageDetail::Reply { .. }
                )
            })
            .map(|m| m.mid)
            .collect::<Vec<_>>();
        let roll: f64 = rng.random();
        let phrase = pick(&mut rng, PHRASES).to_string();
        let liked = if roll < 0.15 {
            recent.choose(&mut rng).copied()
        } else {
            None
        };
        let result = if let Some(mid) = liked {
            st.like(who, mid, pick::<&str>(&mut rng, &REACTIONS))
        } else if roll < 0.22
            && let Some(&mid) = recent.last()
        {
            st.reply(who, mid, ContentKind::Text.content_type(), phrase, None)
        } else if let Some(you) = you.filter(|_| roll < 0.30) {
            st.send(
                who,
                Target::User { uid: you },
                ContentKind::Text.content_type(),
                phrase,
                None,
            )
        } else if roll < 0.36 {
            st.send(
                bot,
                Target::Group { gid: general },
                ContentKind::Markdown.content_type(),
                pick(&mut rng, MARKDOWN).to_string(),
                None,
            )
        } else {
            st.send(
                who,
                Target::Group { gid: general },
                ContentKind::Text.content_type(),
                phrase,
                None,
            )
        };
        if let Err(e) = result {
            tracing::debug!(?e, "demo bot action refused");
        }
    }
}

/// One of `items` at random; `items` is one of the constant, non-empty lists above.
fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}
