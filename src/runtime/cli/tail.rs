//! `vocechat-tui tail [<conversation>…] [--jsonl] [--exec CMD [--exec-timeout SECS]]`: prints
//! each new message as it arrives, one line each, until interrupted; with `--exec`, runs CMD
//! (through `sh -c`) once per message with the message as JSON on its stdin (an
//! `on_message` hook; its queue and time limit are in `hook.rs`).
//!
//! It opens the account's event stream on this install's device, so it holds the account's
//! instance lock (the caller takes it): while the UI holds the same account it refuses
//! instead, since a second stream on one account and device id knocks the first off. The
//! stream starts just below the newest messages (the cold start's bounded replay) and
//! nothing from before it is printed; messages missed while reconnecting are, once each.
//!
//! Every event folds through the same `ChatModel` as the UI and `export` ([`Tail`]): the
//! model decides which conversation a message is in (a DM is the other person's), that a
//! record seen twice is one message, and the names (renames included); `present` writes the
//! line. Behaviour lives with the part that owns the state: the fold is the model's, the
//! text `present`'s, and this file only picks what to print and prints it.
//!
//! Several accounts (`--account a --account b`, `--all-accounts`) are followed in one process
//! by [`run_many`]: a stream, a lock and a hook queue each, every line tagged with the
//! account's name; one account's stream failing is told on stderr and the others go on.

use super::{Headless, one_line_field, print, resolve};
use crate::app::conn::{ConnState, SyncMsg};
use crate::model::{BACKGROUND_TO, ChatModel, ConvKey, Message};
use crate::present::Body;
use crate::protocol::ServerEvent;
use crate::protocol::types::{Group, UserInfo};
use crate::runtime::sync::{self, SyncConfig};
use crate::sanitize::clean;
use anyhow::{Context, anyhow, bail};
use std::collections::HashSet;

#[derive(Clone)]
pub struct TailArgs {
    pub conversations: Vec<String>,
    /// Tag each line with the account's name (`work · [#ops] …`, `"account"` in JSON): set
    /// when several accounts are followed.
    pub tagged: bool,
    pub jsonl: bool,
    pub exec: Option<String>,
    /// How long one run of the hook may take before it is killed.
    pub exec_timeout: std::time::Duration,
}

pub async fn run(session: &Headless, args: TailArgs) -> anyhow::Result<()> {
    let (groups, users) = session.directory().await?;
    let mut wanted = HashSet::new();
    for spec in &args.conversations {
        let to = resolve::conversation(spec, &groups, &users).map_err(|e| anyhow!(e))?;
        wanted.insert(ConvKey::of(to));
    }
    let me = session.login.session.uid;
    let mut tail = Tail::new(me, groups, users, wanted);
    let (latest_tx, _latest_rx) = tokio::sync::mpsc::unbounded_channel();
    let cursor =
        crate::runtime::account::cold::bounded_cursor(&session.api, Some(me), &latest_tx).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<SyncMsg>();
    let config = SyncConfig {
        marks_dir: Some(session.data_dir.clone()),
        ..SyncConfig::default()
    };
    let mut stream = sync::spawn(session.api.clone(), cursor, config, tx);
    let mut hooks = args
        .exec
        .clone()
        .map(|cmd| super::hook::Hooks::start(cmd, args.exec_timeout));
    // One handler for the whole run: a Ctrl+C while a hook runs is not lost.
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .context("watching for Ctrl+C")?;
    loop {
        let msg = tokio::select! {
            m = rx.recv() => m,
            _ = interrupt.recv() => {
                // The stream records when it was last open, for a restart soon after.
                stream.shutdown(std::time::Duration::from_secs(1)).await;
                return Ok(());
            }
        };
        match msg {
            None => bail!("the event stream ended"),
            Some(SyncMsg::State(ConnState::Stopped(reason))) => bail!("{}", reason.explain()),
            Some(SyncMsg::State(_)) => {}
            Some(SyncMsg::Event(event)) => {
                let Some(m) = tail.fold(*event).and_then(|mid| tail.model.message(mid)) else {
                    continue;
                };
                let file = Body::of(m)
                    .file()
                    .map(|f| session.api.file_url(&f.path, false));
                let mut json = tail.json(m, file.as_ref().map(reqwest::Url::as_str));
                let text = if args.jsonl {
                    if args.tagged {
                        json["account"] = serde_json::Value::from(session.name.clone());
                    }
                    super::json_line(&json)
                } else if args.tagged {
                    format!("{} · {}", one_line_field(&session.name), tail.plain(m))
                } else {
                    tail.plain(m)
                };
                if args.tagged && !args.jsonl {
                    json["account"] = serde_json::Value::from(session.name.clone());
                }
                if !print(&text)? {
                    return Ok(());
                }
                if let Some(hooks) = &mut hooks {
                    hooks.offer(super::json_line(&json));
                }
            }
        }
    }
}

/// Follows every account of `sessions` at once (see the module header); the first error of
/// any of them once all have ended.
pub async fn run_many(sessions: Vec<Headless>, args: TailArgs) -> anyhow::Result<()> {
    let runs = sessions.into_iter().map(|session| {
        let args = args.clone();
        tokio::spawn(async move {
            let result = run(&session, args).await;
            if let Err(e) = &result {
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "{}: {e:#}",
                    one_line_field(&session.name)
                );
            }
            result.map_err(|e| anyhow!("{}: {e:#}", session.name))
        })
    });
    let mut first = None;
    for ended in futures::future::join_all(runs).await {
        let result = ended
            .map_err(|e| anyhow!("a tail task failed: {e}"))
            .and_then(|r| r);
        if let Err(e) = result {
            first.get_or_insert(e);
        }
    }
    first.map_or(Ok(()), Err)
}

/// The stream folded through the model, and what of it is printed: each new message (not an
/// edit, a reaction or a deletion) of the conversations asked for, once, from `ready` on.
struct Tail {
    model: ChatModel,
    /// The conversations asked for (every one when empty).
    wanted: HashSet<ConvKey>,
    /// `ready` seen: the replay before it is folded, not printed.
    caught_up: bool,
    /// The conversation of the last message printed, trimmed at the next event (memory stays
    /// bounded however long `tail` runs).
    last: Option<ConvKey>,
}

impl Tail {
    /// Names from the directory until the stream brings its own.
    fn new(me: i64, groups: Vec<Group>, users: Vec<UserInfo>, wanted: HashSet<ConvKey>) -> Tail {
        let mut model = ChatModel::new(me);
        model.groups = groups.into_iter().map(|g| (g.gid, g)).collect();
        model.users = users.into_iter().map(|u| (u.uid, u)).collect();
        Tail {
            model,
            wanted,
            caught_up: false,
            last: None,
        }
    }

    /// Folds one event; the message to print (its mid), when it brings one.
    fn fold(&mut self, event: ServerEvent) -> Option<i64> {
        if let Some(key) = self.last.take()
            && self.model.needs_trim(key, false)
        {
            // Nothing is open: every conversation keeps the small window.
            self.model.trim(key, BACKGROUND_TO);
        }
        let new = match &event {
            ServerEvent::Ready => {
                self.caught_up = true;
                None
            }
            ServerEvent::Chat(m) if self.model.message(m.mid).is_none() => Some(m.mid),
            _ => None,
        };
        self.model.apply(event);
        // A reaction record or a message the model dropped (a channel you left) has no
        // conversation.
        let mid = new.filter(|_| self.caught_up)?;
        let key = self.model.conv_of_mid(mid)?;
        if !self.wanted.is_empty() && !self.wanted.contains(&key) {
            return None;
        }
        self.last = Some(key);
        Some(mid)
    }

    /// `#general`, or `@alice` for the DM with alice.
    fn conversation(&self, m: &Message) -> String {
        match self.model.conv_of_mid(m.mid) {
            Some(ConvKey::Group(gid)) => format!(
                "#{}",
                self.model
                    .groups
                    .get(&gid)
                    .map_or_else(|| gid.to_string(), |g| clean(&g.name))
            ),
            Some(ConvKey::User(uid)) => format!("@{}", self.user(uid)),
            None => String::new(),
        }
    }

    fn user(&self, uid: i64) -> String {
        self.model
            .users
            .get(&uid)
            .map_or_else(|| format!("user {uid}"), |u| clean(&u.name))
    }

    /// `[#general] alice 12:34: text`: one line, whatever the names and the text hold.
    fn plain(&self, m: &Message) -> String {
        format!(
            "[{}] {} {}: {}\n",
            one_line_field(&self.conversation(m)),
            one_line_field(&self.user(m.from_uid)),
            crate::timefmt::format(m.created_at, false, "%H:%M"),
            one_line_field(&Body::of(m).line())
        )
    }

    /// The message as JSON (`--jsonl`, the hook's stdin); a file with its name and address.
    fn json(&self, m: &Message, file_url: Option<&str>) -> serde_json::Value {
        let file = Body::of(m).file();
        let mut v = serde_json::json!({
            "mid": m.mid,
            "conversation": self.conversation(m),
            "from_uid": m.from_uid,
            "from": self.user(m.from_uid),
            "created_at": m.created_at,
            "content_type": m.kind.content_type(),
            "content": if file.is_some() { String::new() } else { clean(&m.content) },
            "reply_to": m.reply_to,
        });
        if let (Some(file), Some(url)) = (file, file_url) {
            v["file"] = serde_json::json!({"name": file.plain_name(), "url": url});
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn ev(v: Value) -> ServerEvent {
        serde_json::from_value(v).unwrap()
    }

    fn chat(mid: i64, from: i64, target: Value, detail: Value) -> ServerEvent {
        ev(
            json!({"type": "chat", "mid": mid, "from_uid": from, "created_at": mid * 1000,
            "target": target, "detail": detail}),
        )
    }

    fn text(t: &str) -> Value {
        json!({"type": "normal", "content_type": "text/plain", "content": t})
    }

    /// Ada (1) tails, with bob (2) and carol (3) in #general (1).
    fn tail(wanted: &[ConvKey]) -> Tail {
        let user = |uid: i64, name: &str| -> UserInfo {
            serde_json::from_value(json!({"uid": uid, "name": name})).unwrap()
        };
        let general: Group =
            serde_json::from_value(json!({"gid": 1, "name": "general", "is_public": true}))
                .unwrap();
        Tail::new(
            1,
            vec![general],
            vec![user(1, "ada"), user(2, "bob"), user(3, "carol")],
            wanted.iter().copied().collect(),
        )
    }

    #[test]
    fn each_new_message_from_ready_on_is_printed_once() {
        let mut t = tail(&[]);
        let g = json!({"gid": 1});
        assert_eq!(t.fold(chat(1, 2, g.clone(), text("replayed"))), None);
        assert_eq!(t.fold(ev(json!({"type": "ready"}))), None);
        assert_eq!(t.fold(chat(2, 2, g.clone(), text("new"))), Some(2));
        // The same record again (a replay after a reconnect) is the same message.
        assert_eq!(t.fold(chat(2, 2, g.clone(), text("new"))), None);
        let edit = json!({"type": "reaction", "mid": 2,
            "detail": {"type": "edit", "content_type": "text/plain", "content": "newer"}});
        assert_eq!(t.fold(chat(3, 2, g.clone(), edit)), None);
        let like =
            json!({"type": "reaction", "mid": 2, "detail": {"type": "like", "action": "👍"}});
        assert_eq!(t.fold(chat(4, 3, g.clone(), like)), None);
        let reply =
            json!({"type": "reply", "mid": 2, "content_type": "text/plain", "content": "ok"});
        assert_eq!(t.fold(chat(5, 3, g, reply)), Some(5));
        let m = t.model.message(5).unwrap();
        assert_eq!(t.json(m, None)["reply_to"], 2);
    }

    #[test]
    fn a_person_is_both_sides_of_the_direct_messages() {
        let mut t = tail(&[ConvKey::User(2)]);
        t.fold(ev(json!({"type": "ready"})));
        // Bob to ada, ada to bob: both the DM with bob.
        assert_eq!(
            t.fold(chat(1, 2, json!({"uid": 1}), text("hi ada"))),
            Some(1)
        );
        assert_eq!(
            t.fold(chat(2, 1, json!({"uid": 2}), text("hi bob"))),
            Some(2)
        );
        assert_eq!(t.fold(chat(3, 3, json!({"uid": 1}), text("carol"))), None);
        assert_eq!(t.fold(chat(4, 2, json!({"gid": 1}), text("general"))), None);
        let mine = t.model.message(2).unwrap();
        assert!(
            t.plain(mine).starts_with("[@bob] ada "),
            "{}",
            t.plain(mine)
        );
    }

    #[test]
    fn lines_say_what_the_message_is_with_the_current_names() {
        let mut t = tail(&[]);
        t.fold(ev(json!({"type": "ready"})));
        let file = json!({"type": "normal", "content_type": "vocechat/file",
            "content": "2026/1/5/f", "properties": {"name": "report\n[#ops] x.pdf", "size": 5}});
        let mid = t.fold(chat(7, 2, json!({"gid": 1}), file)).unwrap();
        let m = t.model.message(mid).unwrap();
        let time = crate::timefmt::format(7000, false, "%H:%M");
        assert_eq!(
            t.plain(m),
            format!("[#general] bob {time}: 📎 report ⏎ [#ops] x.pdf\n")
        );
        let json = t.json(m, Some("https://h/f"));
        assert_eq!(json["content"], "");
        assert_eq!(json["content_type"], "vocechat/file");
        assert_eq!(json["file"]["name"], "report\n[#ops] x.pdf");
        // Renamed on the stream: the next line has the new name.
        t.fold(ev(json!({"type": "users_log", "logs": [
            {"log_id": 1, "action": "update", "uid": 2, "name": "robert"}]})));
        let mid = t
            .fold(chat(8, 2, json!({"gid": 1}), text("**hi** @1")))
            .unwrap();
        let m = t.model.message(mid).unwrap();
        assert!(
            t.plain(m).starts_with("[#general] robert "),
            "{}",
            t.plain(m)
        );
        assert!(t.plain(m).ends_with(": **hi** @1\n"), "{}", t.plain(m));
    }

    #[test]
    fn memory_stays_bounded_however_long_it_runs() {
        let mut t = tail(&[]);
        t.fold(ev(json!({"type": "ready"})));
        for mid in 1..=2 * crate::model::TRIM_ABOVE as i64 {
            assert_eq!(
                t.fold(chat(mid, 2, json!({"gid": 1}), text("x"))),
                Some(mid)
            );
        }
        let held = t.model.convs[&ConvKey::Group(1)].messages.len();
        assert!(held <= crate::model::TRIM_ABOVE + 1, "{held}");
    }
}
