//! The linear front end's loop (issue 22, `--screen-reader`): the same app, executor, store
//! and accounts as the full UI, but no alternate screen, no raw mode and no drawing. Lines
//! typed at the terminal (its own line editing) go to the composer as if typed and sent; what
//! happens comes out as plain lines (`ui::linear::Transcript`), each once. Ctrl+D (end of
//! input), `/quit` or a quit signal ends it.

use super::run::{Runtime, for_the_terminal, own, sleep_until_ms, update_owned};
use crate::app::{App, Effect, Msg, Popup, update};
use crate::runtime::terminal::QuitSignals;
use crate::ui::linear::Transcript;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::io::Write;
use tokio::io::AsyncBufReadExt;
use tokio::sync::mpsc;

/// Runs until end of input, `/quit` or a quit signal.
pub async fn run_linear(
    mut rt: Runtime,
    _tx: mpsc::UnboundedSender<Msg>,
    mut rx: mpsc::UnboundedReceiver<Msg>,
) -> anyhow::Result<()> {
    let mut signals = QuitSignals::install()?;
    let (lines_tx, mut lines) = mpsc::unbounded_channel::<Option<String>>();
    tokio::spawn(async move {
        let mut input = tokio::io::BufReader::new(tokio::io::stdin()).lines();
        loop {
            let line = input.next_line().await.ok().flatten();
            let end = line.is_none();
            if lines_tx.send(line).is_err() || end {
                break;
            }
        }
    });
    let mut out = std::io::stdout();
    let mut transcript = Transcript::default();
    let mut waiting: std::collections::VecDeque<String> = std::collections::VecDeque::new();
    let app = &mut rt.app;
    update(app, Msg::Clock(crate::clock::now_ms()));
    for e in std::mem::take(&mut rt.initial) {
        rt.executor.run(e);
    }
    if matches!(app.mode, crate::app::Mode::Login(_)) {
        writeln!(
            out,
            "not logged in: log in once with the full screen (run without --screen-reader), \
             then come back"
        )?;
        rt.executor.shutdown().await;
        return Ok(());
    }
    say(&mut out, &transcript.lines(app))?;
    writeln!(
        out,
        "type a message and Enter to send it; /help lists the commands"
    )?;
    loop {
        let deadline = app.next_deadline();
        let mut effects = Vec::new();
        tokio::select! {
            msg = rx.recv() => match msg {
                Some(m) => {
                    update(app, Msg::Clock(crate::clock::now_ms()));
                    for m in std::iter::once(m).chain(std::iter::from_fn(|| rx.try_recv().ok())) {
                        rt.executor.observe(&m);
                        effects.extend(update_owned(app, m, |id| rt.executor.holds(id)));
                    }
                }
                None => break,
            },
            line = lines.recv() => match line.flatten() {
                Some(line) => waiting.push_back(line),
                None => break,
            },
            _ = sleep_until_ms(deadline) => {
                update(app, Msg::Clock(crate::clock::now_ms()));
                effects.extend(update_owned(app, Msg::Tick, |id| rt.executor.holds(id)));
            }
            Some(event) = rt.executor.next_event() => {
                rt.executor.on_event(event);
                continue;
            }
            name = signals.recv() => {
                tracing::info!("{name}: quitting");
                break;
            }
        }
        // Lines typed: a message waits until a conversation is open (nothing typed is
        // lost while the account is still connecting); a command runs at once.
        while let Some(line) = waiting.front() {
            if app.timeline.open.is_none() && !line.trim_start().starts_with('/') {
                break;
            }
            let line = waiting.pop_front().unwrap_or_default();
            update(app, Msg::Clock(crate::clock::now_ms()));
            if let Some(lines) = linear_command(&line, app, &mut transcript, &mut effects) {
                say(&mut out, &lines)?;
                continue;
            }
            match numbered_command(&line) {
                Some(Ok((n, act))) => match transcript.numbered(n) {
                    Some((account, key, mid)) => {
                        let out = app.act_on(account, key, mid, act);
                        let owner = app.focused;
                        effects.extend(out.into_iter().map(|e| own(e, owner)));
                    }
                    None => app.error(format!(
                        "no message numbered {n} (the newest {} are)",
                        crate::ui::linear::NUMBERED
                    )),
                },
                Some(Err(usage)) => app.error(usage),
                None => effects.extend(typed_line(app, &line, |id| rt.executor.holds(id))),
            }
        }
        rt.executor.focus(app.focused);
        for effect in effects {
            let (_, effect) = for_the_terminal(effect);
            match effect {
                Effect::Bell => write!(out, "\x07")?,
                Effect::Notify { title, body } => rt.executor.run(Effect::Notify { title, body }),
                Effect::CopyText(_) | Effect::CopyFileUrl { .. } => {
                    writeln!(out, "copying is not available in linear mode yet")?;
                }
                Effect::OpenUrl(_) | Effect::OpenEditor(_) => {
                    writeln!(out, "opening is not available in linear mode yet")?;
                }
                other => rt.executor.run(other),
            }
        }
        rt.executor.save_view(app);
        let mut said = transcript.lines(app);
        said.extend(popup_lines(app));
        say(&mut out, &said)?;
        if app.quit {
            break;
        }
    }
    rt.executor.shutdown().await;
    Ok(())
}

/// The linear mode's own commands: `/list` (every conversation, numbered), `/open <number or
/// name>`, `/history [n]`. Their lines, or `None` for any other line.
fn linear_command(
    line: &str,
    app: &mut App,
    transcript: &mut Transcript,
    effects: &mut Vec<Effect>,
) -> Option<Vec<String>> {
    let line = line.trim();
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    let rest = rest.trim();
    match word {
        "/list" => Some(transcript.list(app)),
        "/open" if rest.is_empty() => Some(vec![
            "/open <number from /list, or #channel or @name>".into(),
        ]),
        "/open" => Some(match transcript.find_conversation(app, rest) {
            Some((account, key)) => {
                let out = app.open_conversation_in(account, key);
                let owner = app.focused;
                effects.extend(out.into_iter().map(|e| own(e, owner)));
                let mut lines = vec![format!("opened {}", crate::app::label_of(&app.chat, key))];
                lines.extend(transcript.history(app, crate::ui::linear::START_LINES));
                lines
            }
            None => vec![format!(
                "no conversation {}: /list numbers them",
                crate::sanitize::one_line(rest, 40)
            )],
        }),
        "/history" => {
            let n = rest
                .parse::<usize>()
                .unwrap_or(crate::ui::linear::START_LINES)
                .clamp(1, 200);
            Some(transcript.history(app, n))
        }
        _ => None,
    }
}

/// `/reply <n> <text>` or `/edit <n> <text>`: the message numbered `n` and what to do with it
/// (`Err`: how to write it); `None` for any other line.
fn numbered_command(line: &str) -> Option<Result<(u64, crate::app::Act), String>> {
    let line = line.trim();
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    let make: fn(String) -> crate::app::Act = match word {
        "/reply" => crate::app::Act::Reply,
        "/edit" => crate::app::Act::Edit,
        "/react" => crate::app::Act::React,
        "/delete" => |_| crate::app::Act::Delete,
        _ => return None,
    };
    let (n, text) = rest.trim().split_once(' ').unwrap_or((rest.trim(), ""));
    match (n.parse::<u64>(), text.trim()) {
        (Ok(n), _) if word == "/delete" => Some(Ok((n, make(String::new())))),
        (Ok(n), text) if !text.is_empty() => Some(Ok((n, make(text.to_string())))),
        _ => Some(Err(format!(
            "{word} <number>{}: the number is the one a message was said with",
            match word {
                "/delete" => "",
                "/react" => " <reaction or 1-8>",
                _ => " <text>",
            }
        ))),
    }
}

/// A line typed: into the composer, then Enter (a message sent, or a command run).
fn typed_line(
    app: &mut App,
    line: &str,
    held: impl Fn(crate::app::AccountId) -> bool + Copy,
) -> Vec<Effect> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.trim().is_empty() {
        return vec![];
    }
    app.composer.set_text(line);
    update_owned(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        held,
    )
}

/// What a command opened, said as lines (an info view's text), and closed: nothing stays
/// drawn. A view linear mode cannot show yet says so.
fn popup_lines(app: &mut App) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(popup) = app.popups.top() {
        match popup {
            Popup::Help(_) => out.extend(crate::ui::linear::help_lines(app)),
            Popup::Info(info) => {
                out.push(crate::sanitize::clean(&info.title));
                out.extend(info.lines.iter().map(|l| crate::sanitize::clean(l)));
            }
            _ => out.push("that view is not available in linear mode yet".into()),
        }
        app.popups.clear();
    }
    out
}

fn say(out: &mut std::io::Stdout, lines: &[String]) -> std::io::Result<()> {
    for line in lines {
        writeln!(out, "{line}")?;
    }
    out.flush()
}
