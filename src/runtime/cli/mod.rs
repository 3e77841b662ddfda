//! The commands that run without the UI (`send`, `export`, `tail`): they use the saved
//! session of this install, print results to stdout and errors to stderr (the caller turns
//! an error into a non-zero exit), and never prompt. REST commands share the session with a
//! running UI (renewals take turns through the session file); `tail` needs the event stream,
//! which one account and device id can only have once, so it refuses while the UI holds the
//! same account.

pub mod account;
pub mod export;
pub mod hook;
pub mod resolve;
pub mod send;
pub mod tail;

use crate::config::Config;
use crate::paths::Paths;
use crate::protocol::types::{Group, UserInfo};
use crate::runtime::api::ApiClient;
use crate::runtime::session_store::{SavedLogin, SessionStore};
use anyhow::{Context, anyhow};
use std::io::Write;
use std::sync::Arc;

/// The saved session, with a client that renews it in turn with other processes.
pub struct Headless {
    pub api: ApiClient,
    pub login: SavedLogin,
    /// The account's name: the config's, else its e-mail (`tail` tags lines with it).
    pub name: String,
    /// The data directory (the store, the stream's mark).
    pub data_dir: std::path::PathBuf,
}

impl Headless {
    /// The saved session `wanted` names (see `account.rs`).
    pub async fn open(
        wanted: account::Wanted<'_>,
        config: &Config,
        paths: &Paths,
    ) -> anyhow::Result<Headless> {
        let store = Arc::new(SessionStore::new(paths.data_dir()));
        let all = store.all();
        let login = account::choose(wanted, config, &all).map_err(|e| anyhow!(e))?;
        Self::of(login, store, config, paths).await
    }

    /// Every saved account (`tail --all-accounts`).
    pub async fn every(config: &Config, paths: &Paths) -> anyhow::Result<Vec<Headless>> {
        let store = Arc::new(SessionStore::new(paths.data_dir()));
        let all = store.all();
        if all.is_empty() {
            anyhow::bail!("not logged in anywhere: run `vocechat-tui SERVER` once and log in");
        }
        let mut out = Vec::new();
        for login in all {
            out.push(Self::of(login, store.clone(), config, paths).await?);
        }
        Ok(out)
    }

    /// A saved session opened like every account, without a store.
    async fn of(
        login: SavedLogin,
        store: Arc<SessionStore>,
        config: &Config,
        paths: &Paths,
    ) -> anyhow::Result<Headless> {
        let base = login.server.clone();
        let name = account::name(&config.accounts(), &login);
        // Opened like every account, without a store; renewals take turns with the UI.
        let (tx, _) = tokio::sync::mpsc::unbounded_channel();
        let (events, _) = tokio::sync::mpsc::unbounded_channel();
        let ctx = crate::runtime::account::Context {
            data_dir: None,
            sessions: Some(store),
            persist: false,
            stream_lock: false,
            device: login.session.device.clone(),
            sync: crate::runtime::sync::SyncConfig::default(),
            vocespace: config.vocespace.clone(),
            chunk_size: config.upload.chunk_size(),
            tx,
            events,
        };
        let opened = crate::runtime::account::open(
            crate::runtime::account::AccountId(1),
            crate::runtime::account::Source::Saved(login.clone()),
            &ctx,
        )
        .await
        .map_err(|e| anyhow!("{base}: {e}"))?;
        Ok(Headless {
            api: opened.session.api().clone(),
            login,
            name,
            data_dir: paths.data_dir().to_path_buf(),
        })
    }

    /// The channels and users, to resolve `#name` and `@name`.
    pub async fn directory(&self) -> anyhow::Result<(Vec<Group>, Vec<UserInfo>)> {
        let (groups, users) = tokio::join!(self.api.groups(), self.api.users());
        Ok((
            groups.context("listing channels")?,
            users.context("listing users")?,
        ))
    }
}

/// A field of a plain output line, on that one line whatever it holds: controls removed (as
/// on screen), tabs as spaces, and every line break (`\n`, U+2028, U+2029) shown as ` ⏎ `,
/// so a name or text can never start a line that looks like another message.
pub fn one_line_field(text: &str) -> String {
    crate::sanitize::clean(text)
        .replace(['\n', '\u{2028}', '\u{2029}'], " ⏎ ")
        .replace('\t', " ")
}

/// Writes `text` to stdout. A closed pipe (`| head`) ends the command quietly.
pub fn print(text: &str) -> anyhow::Result<bool> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// One JSON value as a line. serde_json leaves DEL and the C1 controls (U+007F–U+009F) as
/// they are, and a terminal showing the output would obey them; it leaves the line and
/// paragraph separators (U+2028, U+2029) too, where line readers such as Python's
/// `splitlines` would start a new line: all are written as `\uXXXX` escapes instead (still
/// the same JSON).
pub fn json_line(v: &serde_json::Value) -> String {
    let mut out = String::new();
    for c in v.to_string().chars() {
        if ('\u{7f}'..='\u{9f}').contains(&c) || matches!(c, '\u{2028}' | '\u{2029}') {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_lines_carry_no_c1_control() {
        let v = serde_json::json!({"content": "a\u{9d}0;pwned\u{9c}b\u{7f}"});
        let line = super::json_line(&v);
        assert!(
            !line.chars().any(|c| ('\u{7f}'..='\u{9f}').contains(&c)),
            "{line:?}"
        );
        let back: serde_json::Value = serde_json::from_str(line.trim_end()).unwrap();
        assert_eq!(back, v);
        let v = serde_json::json!({"content": "a\u{2028}[#ops] ceo: b\u{2029}c"});
        let line = super::json_line(&v);
        assert_eq!(line.lines().count(), 1);
        assert!(!line.contains(['\u{2028}', '\u{2029}']), "{line:?}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(line.trim_end()).unwrap(),
            v
        );
    }

    #[test]
    fn a_plain_field_stays_on_its_line() {
        assert_eq!(
            super::one_line_field(
                "a.pdf\n[#general] ceo 09:12: wire\r\u{2028}x\u{2029}y\tz\u{1b}[2J"
            ),
            "a.pdf ⏎ [#general] ceo 09:12: wire ⏎ x ⏎ y z"
        );
    }
}
