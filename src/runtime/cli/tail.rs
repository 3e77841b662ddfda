//! `vocechat-tui tail [<conversation>…] [--jsonl] [--exec CMD [--exec-timeout SECS]]`: prints
//! each new message as it arrives, one line each, until interrupted; with `--exec`, runs CMD
//! (through `sh -c`) once per message with the message as JSON on its stdin (an
//! `on_message` hook; its queue and time limit are in `hook.rs`).
//!
//! It opens the event stream of this install's device, so it holds the instance lock (the
//! caller takes it): while the UI runs it refuses instead, since a second stream on one
//! device id knocks the first off. The stream starts just below the newest messages (the
//! cold start's bounded replay) and nothing from before it is printed; messages missed
//! while reconnecting are, once each.

use super::{Headless, one_line_field, print, resolve};
use crate::app::conn::{ConnState, SyncMsg};
use crate::model::ConvKey;
use crate::present::{Body, FileFacts};
use crate::protocol::ServerEvent;
use crate::protocol::types::{ChatMessage, ContentKind, MessageDetail, Target, UserInfo};
use crate::runtime::sync::{self, SyncConfig};
use crate::sanitize::clean;
use anyhow::{Context, anyhow, bail};
use std::collections::{HashMap, HashSet};

pub struct TailArgs {
    pub conversations: Vec<String>,
    pub jsonl: bool,
    pub exec: Option<String>,
    /// How long one run of the hook may take before it is killed.
    pub exec_timeout: std::time::Duration,
}

/// What is known to name conversations and authors.
struct Names {
    groups: HashMap<i64, String>,
    users: HashMap<i64, String>,
}

impl Names {
    fn conversation(&self, to: Target, me: i64, from: i64) -> String {
        match to {
            Target::Group { gid } => format!(
                "#{}",
                self.groups
                    .get(&gid)
                    .cloned()
                    .unwrap_or_else(|| gid.to_string())
            ),
            // A direct message is named by the other person.
            Target::User { uid } => format!("@{}", self.user(if uid == me { from } else { uid })),
        }
    }

    fn user(&self, uid: i64) -> String {
        self.users
            .get(&uid)
            .cloned()
            .unwrap_or_else(|| format!("user {uid}"))
    }
}

pub async fn run(session: &Headless, args: TailArgs) -> anyhow::Result<()> {
    let (groups, users) = session.directory().await?;
    let mut wanted = HashSet::new();
    for spec in &args.conversations {
        let to = resolve::conversation(spec, &groups, &users).map_err(|e| anyhow!(e))?;
        wanted.insert(ConvKey::of(to));
    }
    let names = Names {
        groups: groups.iter().map(|g| (g.gid, clean(&g.name))).collect(),
        users: users
            .iter()
            .map(|u: &UserInfo| (u.uid, clean(&u.name)))
            .collect(),
    };
    let me = session.login.session.uid;
    let (latest_tx, _latest_rx) = tokio::sync::mpsc::unbounded_channel();
    let cursor =
        crate::runtime::executor::cold::bounded_cursor(&session.api, Some(me), &latest_tx).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<SyncMsg>();
    let config = SyncConfig {
        marks_dir: Some(session.data_dir.clone()),
        ..SyncConfig::default()
    };
    let _stream = sync::spawn(session.api.clone(), cursor, config, tx);
    let mut caught_up = false;
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
            _ = interrupt.recv() => return Ok(()),
        };
        match msg {
            None => bail!("the event stream ended"),
            Some(SyncMsg::State(ConnState::Stopped(reason))) => bail!("{}", reason.explain()),
            Some(SyncMsg::State(_)) => {}
            Some(SyncMsg::Event(event)) => match *event {
                ServerEvent::Ready => caught_up = true,
                ServerEvent::Chat(m) if caught_up => {
                    let Some(line) = Line::of(&m, &names, me) else {
                        continue;
                    };
                    if !wanted.is_empty() && !wanted.contains(&crate::model::conv_of(Some(me), &m))
                    {
                        continue;
                    }
                    let file = line.file.as_ref().map(|p| session.api.file_url(p, false));
                    let json = line.json(file.as_ref().map(reqwest::Url::as_str));
                    let text = if args.jsonl {
                        super::json_line(&json)
                    } else {
                        line.plain()
                    };
                    if !print(&text)? {
                        return Ok(());
                    }
                    if let Some(hooks) = &mut hooks {
                        hooks.offer(super::json_line(&json));
                    }
                }
                _ => {}
            },
        }
    }
}

/// One new message as printed.
struct Line {
    mid: i64,
    conversation: String,
    from_uid: i64,
    from: String,
    created_at: i64,
    content_type: String,
    content: String,
    /// The body of the plain line (`present`).
    body: String,
    reply_to: Option<i64>,
    /// The file's path on the server, for a file message.
    file: Option<String>,
    file_name: Option<String>,
}

impl Line {
    /// A new message or reply; `None` for edits, reactions and deletions.
    fn of(m: &ChatMessage, names: &Names, me: i64) -> Option<Line> {
        let (content_type, content, properties, reply_to) = match &m.detail {
            MessageDetail::Normal {
                content_type,
                content,
                properties,
                ..
            } => (content_type, content, properties, None),
            MessageDetail::Reply {
                mid,
                content_type,
                content,
                properties,
            } => (content_type, content, properties, Some(*mid)),
            _ => return None,
        };
        let kind = ContentKind::parse(content_type);
        let body = Body::new(&kind, content, properties.as_ref());
        // A file message's content is the file's path on the server.
        let file = body.file();
        Some(Line {
            mid: m.mid,
            conversation: names.conversation(m.target, me, m.from_uid),
            from_uid: m.from_uid,
            from: names.user(m.from_uid),
            created_at: m.created_at,
            content_type: kind.content_type().to_string(),
            content: if file.is_some() {
                String::new()
            } else {
                clean(content)
            },
            body: body.line(),
            reply_to,
            file_name: file.as_ref().map(FileFacts::plain_name),
            file: file.map(|f| f.path),
        })
    }

    /// `[#general] alice 12:34: text`: one line, whatever the names and the text hold.
    fn plain(&self) -> String {
        let body = &self.body;
        format!(
            "[{}] {} {}: {}\n",
            one_line_field(&self.conversation),
            one_line_field(&self.from),
            crate::timefmt::format(self.created_at, false, "%H:%M"),
            one_line_field(body)
        )
    }

    fn json(&self, file_url: Option<&str>) -> serde_json::Value {
        let mut v = serde_json::json!({
            "mid": self.mid,
            "conversation": self.conversation,
            "from_uid": self.from_uid,
            "from": self.from,
            "created_at": self.created_at,
            "content_type": self.content_type,
            "content": self.content,
            "reply_to": self.reply_to,
        });
        if let (Some(name), Some(url)) = (&self.file_name, file_url) {
            v["file"] = serde_json::json!({"name": name, "url": url});
        }
        v
    }
}
