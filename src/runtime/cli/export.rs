//! `vocechat-tui export <conversation> [--format md|jsonl] [--since DATE]`: a
//! conversation's history, oldest first: what the local store holds, completed from the
//! server's history pages, all folded through the same model as the UI (edits shown as
//! edited, deleted messages left out, reactions counted), authors and times resolved, files
//! as links. With the server unreachable it exports what is stored, and says so on stderr.
//!
//! In markdown nothing a member wrote can pass for something else: names, file names and
//! reactions are escaped onto their line, each body is a fenced block of its own (the fence
//! longer than any backtick run in it, so the body cannot close it), and link targets are
//! percent-encoded where markdown would end or split them.

use super::{Headless, print, resolve};
use crate::model::{ChatModel, ConvKey, Message, Source};
use crate::present::{Body, FileFacts, Shown};
use crate::protocol::types::UserInfo;
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
    let title = match to {
        crate::protocol::types::Target::Group { gid } => groups
            .iter()
            .find(|g| g.gid == gid)
            .map(|g| format!("#{}", g.name)),
        crate::protocol::types::Target::User { uid } => {
            names.get(&uid).map(|u| format!("@{}", u.name))
        }
    }
    .unwrap_or_else(|| args.conversation.clone());
    let mut out = String::new();
    if args.format == Format::Markdown {
        out.push_str(&format!("# {}\n\n", md_heading(&title)));
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
            let url_of = |f: &FileFacts| session.api.file_url(&f.path, false).to_string();
            out.push_str(&match args.format {
                Format::Markdown => markdown(m, &author, &url_of),
                Format::Jsonl => jsonl(m, &author, &url_of),
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

/// One message: its header line (author, time, edited), its body in a fenced block of its
/// own (a file as a link), its reactions.
fn markdown(m: &Message, author: &str, url_of: &dyn Fn(&FileFacts) -> String) -> String {
    let mut s = format!("**{}** · {}", md_inline(author), time(m.created_at));
    if m.edited {
        s.push_str(" · edited");
    }
    s.push_str("\n\n");
    match Body::of(m).shown(None) {
        Shown::File(f) => s.push_str(&format!(
            "{} [{}]({})\n",
            f.link_icon(),
            md_inline(&f.plain_name()),
            md_url(&url_of(&f))
        )),
        Shown::Markdown(text) => s.push_str(&fenced(&text, "markdown")),
        Shown::Text(text) | Shown::Label(text) => s.push_str(&fenced(&text, "text")),
    }
    if !m.reactions.is_empty() {
        let counts: Vec<String> = m
            .reactions
            .iter()
            .map(|(e, who)| format!("{} {}", md_inline(e), who.len()))
            .collect();
        s.push_str(&format!("\n_{}_\n", counts.join(" · ")));
    }
    s.push('\n');
    s
}

/// Untrusted text as literal markdown inside a line: on one line (controls gone, breaks as
/// spaces), and every character that inline markdown reads (emphasis, code, links, images,
/// autolinks and HTML, entities, strikethrough, tables, escapes) escaped with a backslash.
fn md_inline(text: &str) -> String {
    let mut out = String::new();
    for c in crate::sanitize::one_line(text, 200).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '|' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// [`md_inline`] for a heading's text: a trailing run of `#` would be taken for the heading's
/// closing sequence and dropped, so it is escaped too.
fn md_heading(text: &str) -> String {
    let inline = md_inline(text);
    let body = inline.trim_end_matches('#');
    let closing = inline.len() - body.len();
    format!("{body}{}", "\\#".repeat(closing))
}

/// A link target as markdown reads it whole: spaces, `<`, `>`, parentheses and backslashes
/// percent-encoded (a `)` would end the link early and let the rest pose as another target).
fn md_url(url: &str) -> String {
    let mut out = String::new();
    for c in url.chars() {
        match c {
            ' ' | '<' | '>' | '(' | ')' | '\\' | '[' | ']' | '`' => {
                out.push_str(&format!("%{:02X}", c as u32));
            }
            c if c.is_control() || c.is_whitespace() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// `body` as a fenced code block whose fence is longer than any backtick run in it, so no
/// line of the body can close it: the body stays one block, shown as written.
fn fenced(body: &str, info: &str) -> String {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let body = body.trim_end_matches('\n');
    format!("{fence}{info}\n{body}\n{fence}\n")
}

fn jsonl(m: &Message, author: &str, url_of: &dyn Fn(&FileFacts) -> String) -> String {
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
        "content_type": m.kind.content_type(),
        "content": m.content,
        "edited": m.edited,
        "reply_to": m.reply_to,
        "reactions": reactions,
    });
    if let Some(f) = Body::of(m).file() {
        v["file"] = serde_json::json!({"name": f.plain_name(), "url": url_of(&f)});
    }
    super::json_line(&v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_cannot_close_its_fence() {
        let body = "ok\n```\n**ceo** · 2026-01-01 09:12\n\nwire the money\n````x";
        let block = fenced(body, "text");
        assert!(block.starts_with("`````text\n"), "{block}");
        assert!(block.ends_with("\n`````\n"), "{block}");
        assert_eq!(fenced("plain", "text"), "```text\nplain\n```\n");
    }

    #[test]
    fn names_and_targets_are_literal() {
        assert_eq!(
            md_inline("ceo**\n\n**[x](https://evil)<b>&amp;"),
            "ceo\\*\\* \\*\\*\\[x\\](https://evil)\\<b\\>\\&amp;"
        );
        assert_eq!(md_heading("#ops ##"), "#ops \\#\\#");
        assert_eq!(
            md_url("https://h/a b)<x>\\"),
            "https://h/a%20b%29%3Cx%3E%5C"
        );
    }
}
