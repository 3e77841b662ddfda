//! `vocechat-tui send <conversation> [text|-] [--markdown] [--file PATH]…`: the text first,
//! then each file through the same three-step upload as the UI (progress on stderr when it
//! is a terminal). Each message is sent once: nothing is retried after the server may have
//! stored it. Prints the mid of each message sent, one per line.

use super::{Headless, print, resolve};
use crate::protocol::types::{Content, Properties};
use crate::runtime::tasks::upload::{self, UploadJob};
use anyhow::{Context, anyhow, bail};
use std::io::{IsTerminal, Read, Write};

pub struct SendArgs {
    pub conversation: String,
    /// `-` reads stdin.
    pub text: Option<String>,
    pub markdown: bool,
    pub files: Vec<String>,
    pub chunk_size: usize,
}

pub async fn run(session: &Headless, args: SendArgs) -> anyhow::Result<()> {
    let text = match args.text.as_deref() {
        Some("-") => Some(read_stdin()?),
        other => other.map(str::to_string),
    };
    if text.as_deref().is_none_or(|t| t.trim().is_empty()) && args.files.is_empty() {
        bail!("nothing to send: give the text, `-` to read it from stdin, or --file");
    }
    // Every file is checked before anything is sent.
    let staged = args
        .files
        .iter()
        .map(|p| upload::stage(p).map_err(|e| anyhow!("{e}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (groups, users) = session.directory().await?;
    let to = resolve::conversation(&args.conversation, &groups, &users).map_err(|e| anyhow!(e))?;
    if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
        let content = if args.markdown {
            Content::Markdown(text)
        } else {
            Content::Text(text)
        };
        let mid = session
            .api
            .send(to, &content, &Properties::default())
            .await
            .context("sending the message")?;
        print(&format!("{mid}\n"))?;
    }
    let show_progress = std::io::stderr().is_terminal();
    for (i, file) in staged.into_iter().enumerate() {
        let name = file.name.clone();
        let job = UploadJob {
            to,
            file,
            local_id: crate::clock::now_ms() + i as i64,
            chunk_size: args.chunk_size,
            adaptive: true,
        };
        let mid = upload::run(&session.api, &job, |sent, total| {
            if show_progress {
                let pct = (sent * 100).checked_div(total).unwrap_or(100);
                let _ = write!(
                    std::io::stderr(),
                    "\r{} {pct:>3} %",
                    crate::sanitize::clean(&name)
                );
            }
        })
        .await
        .map_err(|e| anyhow!("{name}: {e}"))?;
        if show_progress {
            let _ = writeln!(std::io::stderr());
        }
        print(&format!("{mid}\n"))?;
    }
    Ok(())
}

/// All of stdin, lines kept; one final newline (what `echo` adds) is dropped.
fn read_stdin() -> anyhow::Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("reading the text from stdin")?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(text)
}
