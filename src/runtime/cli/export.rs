//! `vocechat-tui export <conversation> [--format md|jsonl] [--since DATE]`: a
//! conversation's history, oldest first: what the local store holds, completed from the
//! server's history pages, all folded through the same model as the UI (edits shown as
//! edited, deleted messages left out, reactions counted), authors and times resolved, files
//! as links. With the server unreachable it exports what is stored, and says so on stderr.

use super::{Headless, print, resolve};
use crate::model::{ChatModel, ConvKey, Message, Source};
use crate::protocol::types::{FileProperties, UserInfo};
use crate::runtime::store::{Store, store_path};
use anyhow::{Context, anyhow, bail};
use std::collections::HashMap;

/// Records per history page.
const PAGE: u32 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Jsonl,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s {
            "md" | "markdown" => Ok(Format::Markdown),
            "jsonl" => Ok(Format::Jsonl),
            other => Err(format!("unknown format {other:?}: md or jsonl")),
        }
    }
}

pub struct ExportArgs {
    pub conversation: String,
    pub format: Format,
    /// `YYYY-MM-DD`, local time.
    pub since: Option<String>,
    /// The data directory, where the local store is.
    pub data_dir: std::path::PathBuf,
}

/// The local store of this account, if there is one (never created here).
fn stored(session: &Headless, data_dir: &std::path::Path) -> Option<Store> {
    let path = store_path(data_dir, &session.login.server, session.login.session.uid);
    if !path.exists() {
        return None;
    }
    match Store::open(&path, session.login.session.uid) {
        Ok(store) => Some(store),
        Err(e) => {
            warn(&format!(
                "the local store cannot be read ({e}); using the server only"
            ));
            None
        }
    }
}

fn warn(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "vocechat-tui export: {text}");
}

/// Every stored record of `key` from `since` on, into `model`.
fn fold_stored(store: &Store, key: ConvKey, since: Option<i64>, model: &mut ChatModel) -> usize {
    let mut before = None;
    let mut count = 0;
    loop {
        let page = match store.history(key, before, PAGE as usize) {
            Ok(page) => page,
            Err(e) => {
                warn(&format!("reading the local store: {e}"));
                return count;
            }
        };
        let Some(oldest) = page.iter().map(|m| (m.mid, m.created_at)).min() else {
            return count;
        };
        if before.is_some_and(|b| oldest.0 >= b) {
            return count;
        }
        count += page.len();
        for m in page {
            model.apply_chat(m, Source::History);
        }
        before = Some(oldest.0);
        if since.is_some_and(|s| oldest.1 < s) {
            return count;
        }
    }
}

pub async fn run(session: &Headless, args: ExportArgs) -> anyhow::Result<()> {
    let since = match &args.since {
        Some(day) => Some(
            crate::timefmt::day_start(day, false)
                .ok_or_else(|| anyhow!("--since {day:?}: give a date as YYYY-MM-DD"))?,
        ),
        None => None,
    };
    let store = stored(session, &args.data_dir);
    let (groups, users, online) = match session.directory().await {
        Ok((groups, users)) => (groups, users, true),
        Err(e) => {
            // Offline: the names the store remembers.
            let Some(known) = store.as_ref().and_then(|s| s.load().ok()) else {
                return Err(e);
            };
            warn(&format!(
                "the server cannot be reached ({e:#}): exporting what is stored"
            ));
            let groups = known.chat.groups.values().cloned().collect();
            let users = known.chat.users.values().cloned().collect();
            (groups, users, false)
        }
    };
    let to = resolve::conversation(&args.conversation, &groups, &users).map_err(|e| anyhow!(e))?;
    let key = ConvKey::of(to);
    let mut model = ChatModel::new(session.login.session.uid);
    if let Some(store) = &store {
        fold_stored(store, key, since, &mut model);
    }
    // The server completes what the store lacks (the same records fold once).
    let mut before = None;
    loop {
        if !online {
            break;
        }
        let page = session
            .api
            .history(to, before, PAGE)
            .await
            .context("reading the history")?;
        let Some(oldest) = page.iter().min_by_key(|m| m.mid) else {
            break;
        };
        let (oldest_mid, oldest_at) = (oldest.mid, oldest.created_at);
        if before.is_some_and(|b| oldest_mid >= b) {
            bail!("the server's history did not go back past mid {oldest_mid}");
        }
        let full = page.len() as u32 >= PAGE;
        for m in page {
            model.apply_chat(m, Source::History);
        }
        before = Some(oldest_mid);
        if !full || since.is_some_and(|s| oldest_at < s) {
            break;
        }
    }
    let names: HashMap<i64, &UserInfo> = users.iter().map(|u| (u.uid, u)).collect();
    let title = args.conversation.clone();
    let mut out = String::new();
    if args.format == Format::Markdown {
        out.push_str(&format!("# {}\n\n", crate::sanitize::clean(&title)));
    }
    if let Some(conv) = model.convs.get(&key) {
        for m in conv.messages.values() {
            if m.deleted || since.is_some_and(|s| m.created_at < s) {
                continue;
            }
            let author = names
                .get(&m.from_uid)
                .map(|u| crate::sanitize::clean(&u.name))
                .unwrap_or_else(|| format!("user {}", m.from_uid));
            let link = m
                .is_file()
                .then(|| session.api.file_url(&m.content, false).to_string());
            out.push_str(&match args.format {
                Format::Markdown => markdown(m, &author, link.as_deref()),
                Format::Jsonl => jsonl(m, &author, link.as_deref()),
            });
            // Written page by page: a long history never sits whole in memory twice.
            if out.len() > 64 * 1024 {
                if !print(&out)? {
                    return Ok(());
                }
                out.clear();
            }
        }
    }
    print(&out)?;
    Ok(())
}

fn time(ms: i64) -> String {
    crate::timefmt::format(ms, false, "%Y-%m-%d %H:%M")
}

fn file_name(m: &Message) -> String {
    FileProperties::from_properties(m.properties.as_ref())
        .name
        .map(|n| crate::sanitize::clean(&n))
        .unwrap_or_else(|| "file".into())
}

fn markdown(m: &Message, author: &str, link: Option<&str>) -> String {
    let mut s = format!("**{author}** · {}", time(m.created_at));
    if m.edited {
        s.push_str(" · edited");
    }
    s.push('\n');
    match link {
        Some(url) => s.push_str(&format!("[{}]({url})", file_name(m))),
        None => s.push_str(&crate::sanitize::clean(&m.content)),
    }
    s.push('\n');
    if !m.reactions.is_empty() {
        let counts: Vec<String> = m
            .reactions
            .iter()
            .map(|(e, who)| format!("{} {}", crate::sanitize::clean(e), who.len()))
            .collect();
        s.push_str(&format!("_{}_\n", counts.join(" · ")));
    }
    s.push('\n');
    s
}

fn jsonl(m: &Message, author: &str, link: Option<&str>) -> String {
    let reactions: serde_json::Map<String, serde_json::Value> = m
        .reactions
        .iter()
        .map(|(e, who)| (e.clone(), serde_json::json!(who.len())))
        .collect();
    let mut v = serde_json::json!({
        "mid": m.mid,
        "from_uid": m.from_uid,
        "from": author,
        "created_at": m.created_at,
        "time": crate::timefmt::format(m.created_at, true, "%Y-%m-%dT%H:%M:%SZ"),
        "content_type": m.content_type,
        "content": m.content,
        "edited": m.edited,
        "reply_to": m.reply_to,
        "reactions": reactions,
    });
    if let Some(url) = link {
        v["file"] = serde_json::json!({"name": file_name(m), "url": url});
    }
    super::json_line(&v)
}
