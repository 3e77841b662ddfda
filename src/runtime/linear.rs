//! The linear front end's loop (issue 22, `--screen-reader`): the same app, executor, store
//! and accounts as the full UI, but no alternate screen and no drawing. At a terminal, an
//! input line edited key by key through the composer (`linear_input.rs`), redrawn in place
//! with carriage return and backspaces only (`ui::prompt_line`); from a pipe, whole lines.
//! What happens comes out as plain lines (`ui::linear::Transcript`), each once, said above
//! the input line. Ctrl+D on an empty line, `/quit` or a quit signal ends it.

use super::linear_cmds::{linear_command, numbered_command, popup_lines};
use super::linear_input::{Input, Typed, input_line, on_key, spawn_keys, spawn_lines};
use super::run::{Runtime, for_the_terminal, open_url, own, sleep_until_ms, update_owned};
use crate::app::{App, Effect, Msg, update};
use crate::runtime::notify::{self, Multiplexer};
use crate::runtime::terminal::{LineTerminal, QuitSignals};
use crate::ui::linear::Transcript;
use crate::ui::prompt_line::{History, PromptLine};
use std::io::Write;
use tokio::sync::mpsc;

/// Where lines are said: above the input line, when there is one.
struct Out {
    stdout: std::io::Stdout,
    /// Raw mode: each line ends with CR LF, and the input line is redrawn after.
    raw: bool,
    line: PromptLine,
    columns: usize,
    /// The input line as last drawn (`None`: not on the screen now).
    drawn: Option<(String, String, usize)>,
}

impl Out {
    /// Says `lines` above the input line.
    fn say(&mut self, lines: &[String]) -> std::io::Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        if self.raw {
            let clear = self.line.clear();
            self.stdout.write_all(clear.as_bytes())?;
            self.drawn = None;
        }
        let end = if self.raw { "\r\n" } else { "\n" };
        for line in lines {
            for part in spoken(line) {
                write!(self.stdout, "{part}{end}")?;
            }
        }
        self.stdout.flush()
    }

    /// Draws the input line (raw mode only) when it is not on the screen as it is now.
    fn prompt(&mut self, app: &App) -> std::io::Result<()> {
        if !self.raw {
            return Ok(());
        }
        let now = input_line(app);
        if self.drawn.as_ref() == Some(&now) {
            return Ok(());
        }
        let (prompt, text, cursor) = &now;
        let bytes = self.line.draw(prompt, text, *cursor, self.columns);
        self.drawn = Some(now);
        self.stdout.write_all(bytes.as_bytes())?;
        self.stdout.flush()
    }

    /// The line entered stays in the scrollback, whole, as typed.
    fn entered(&mut self, prompt: &str, line: &str) -> std::io::Result<()> {
        if !self.raw {
            return Ok(());
        }
        let clear = self.line.clear();
        let shown: String = line
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        write!(self.stdout, "{clear}{prompt}{shown}\r\n")?;
        self.line.leave();
        self.drawn = None;
        self.stdout.flush()
    }

    fn raw_bytes(&mut self, bytes: &str) {
        let _ = self.stdout.write_all(bytes.as_bytes());
        let _ = self.stdout.flush();
    }
}

/// Runs until end of input, `/quit` or a quit signal.
pub async fn run_linear(
    mut rt: Runtime,
    _tx: mpsc::UnboundedSender<Msg>,
    mut rx: mpsc::UnboundedReceiver<Msg>,
) -> anyhow::Result<()> {
    let mut signals = QuitSignals::install()?;
    let app = &mut rt.app;
    update(app, Msg::Clock(crate::clock::now_ms()));
    for e in std::mem::take(&mut rt.initial) {
        rt.executor.run(e);
    }
    let mut terminal = LineTerminal::enter();
    let (input_tx, mut input) = mpsc::unbounded_channel::<Input>();
    let mut reader = match terminal {
        Some(_) => spawn_keys(input_tx.clone()),
        None => spawn_lines(input_tx.clone()),
    };
    let mux = Multiplexer::from_env();
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    let mut out = Out {
        stdout: std::io::stdout(),
        raw: terminal.is_some(),
        line: PromptLine::default(),
        columns: crossterm::terminal::size().map_or(80, |(w, _)| w as usize),
        drawn: None,
    };
    let mut transcript = Transcript::default();
    let mut history = History::default();
    let mut waiting: std::collections::VecDeque<String> = std::collections::VecDeque::new();
    let mut asked = None;
    let mut told_no_conversation = false;
    // When the input ended (ms): the loop goes on until the lines waiting are out.
    let mut ended: Option<i64> = None;
    let mut said = transcript.login(app);
    said.extend(transcript.lines(app));
    if !matches!(app.mode, crate::app::Mode::Login(_)) {
        said.push(crate::ui::linear::HINT.into());
    }
    out.say(&said)?;
    out.prompt(app)?;
    loop {
        let deadline = app.next_deadline();
        let mut effects = Vec::new();
        let mut lines_said = Vec::new();
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
            typed = input.recv(), if ended.is_none() => {
                update(app, Msg::Clock(crate::clock::now_ms()));
                match typed {
                    Some(Input::Line(line)) => {
                        if asked.is_some() {
                            effects.extend(app.answer_question(line.trim() == "yes"));
                        } else {
                            waiting.push_back(line);
                        }
                    }
                    Some(Input::Key(key)) => {
                        let (before, shown, _) = input_line(app);
                        match on_key(app, key, &mut history, |id| rt.executor.holds(id)) {
                            Typed::Line(line) => {
                                out.entered(&before, &line)?;
                                waiting.push_back(line);
                            }
                            Typed::Field(more) => {
                                out.entered(&before, &shown)?;
                                effects.extend(more);
                            }
                            Typed::Edited(more) => {
                                effects.extend(more);
                            }
                            Typed::Said(why) => lines_said.push(why),
                            Typed::Suspend => {
                                if let Some(t) = terminal.as_mut() {
                                    // The key reader stops with us and starts afresh after.
                                    reader.abort();
                                    let clear = out.line.clear();
                                    out.raw_bytes(&clear);
                                    t.suspend_process();
                                    tracing::info!("continued after Ctrl+Z");
                                    reader = spawn_keys(input_tx.clone());
                                    out.drawn = None;
                                }
                            }
                            Typed::Quit => {
                                say_unsent(&mut out, waiting.len())?;
                                break;
                            }
                        }
                    }
                    Some(Input::Resize(w)) => {
                        // The terminal may have rewrapped the row: start it afresh.
                        out.columns = w as usize;
                        let clear = out.line.clear();
                        out.raw_bytes(&clear);
                        out.drawn = None;
                    }
                    // End of input: the lines still waiting go out first (below).
                    Some(Input::End) | None => ended = Some(crate::clock::now_ms()),
                }
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
                say_unsent(&mut out, waiting.len())?;
                break;
            }
        }
        // Lines from a pipe during a login: each field in turn, the next once the form
        // waits for one again (not while it logs in: the lines after are for the chat). At
        // a terminal the form takes keys, and a line waiting is a message, never a field.
        while terminal.is_none() && login_waits(app) {
            let Some(line) = waiting.pop_front() else {
                break;
            };
            update(app, Msg::Paste(line));
            effects.extend(update_owned(
                app,
                Msg::Key(crossterm::event::KeyEvent::new(
                    crossterm::event::KeyCode::Enter,
                    crossterm::event::KeyModifiers::NONE,
                )),
                |id| rt.executor.holds(id),
            ));
        }
        // Lines typed: a message waits until a conversation is open (nothing typed is lost
        // while the account is still connecting); a command runs at once, past them.
        while let Some(line) = next_ready(&mut waiting, app) {
            if let Some(lines) = linear_command(&line, app, &mut transcript, &mut effects) {
                lines_said.extend(lines);
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
        // Live, and a message waits with no conversation open: said once, with the way on.
        let held = !waiting.is_empty() && app.timeline.open.is_none() && app.chat.ready;
        if held && !told_no_conversation {
            lines_said.push("no conversation is open: /list, then /open <number>".into());
        }
        told_no_conversation = held;
        rt.executor.focus(app.focused);
        for effect in effects {
            let (account, effect) = for_the_terminal(effect);
            match effect {
                Effect::Bell => out.raw_bytes("\x07"),
                Effect::Notify { title, body } => rt.executor.run(Effect::Notify { title, body }),
                Effect::CopyText(text) => copy(&mut out, &mut lines_said, &text, mux, dumb),
                Effect::CopyFileUrl { path } => {
                    if let Some(url) = rt.executor.file_url(account, &path) {
                        copy(&mut out, &mut lines_said, &url, mux, dumb);
                    }
                }
                Effect::OpenUrl(url) => open_url(
                    &mut |bytes| out.raw_bytes(bytes),
                    &mut rt.executor,
                    app,
                    account,
                    url,
                    mux,
                ),
                Effect::OpenEditor(_) => {
                    lines_said.push("$EDITOR is the full screen's: type the line here".into());
                }
                other => rt.executor.run(other),
            }
        }
        rt.executor.save_view(app);
        lines_said.extend(transcript.login(app));
        lines_said.extend(transcript.lines(app));
        // Forwarded archives said while not fetched: asked for, in whichever conversation.
        for (account, key, mid) in transcript.archives_waiting() {
            for effect in app.fetch_archive_in(account, key, mid) {
                rt.executor.run(effect);
            }
        }
        lines_said.extend(transcript.work(app));
        lines_said.extend(popup_lines(
            app,
            &mut transcript,
            &mut asked,
            terminal.is_some(),
        ));
        // A jump (`/goto`) selected a message once it was loaded: the messages around it
        // are said, and the line is the composer's again.
        if let Some(mid) = app.selection_said() {
            lines_said.extend(transcript.around(app, mid));
        }
        out.say(&lines_said)?;
        if app.quit {
            say_unsent(&mut out, waiting.len())?;
            break;
        }
        // Input ended: done once every line is out and the server took every message (a
        // login still under way finishes first), or after a while if some cannot go.
        if let Some(at) = ended {
            let logging_in = matches!(&app.mode, crate::app::Mode::Login(f) if f.busy);
            if waiting.is_empty() && !logging_in && unsent(app) == 0 {
                break;
            }
            if crate::clock::now_ms() - at > END_WAIT_MS {
                say_unsent(&mut out, waiting.len())?;
                break;
            }
        }
        out.prompt(app)?;
    }
    reader.abort();
    if out.raw {
        out.say(&["".into()])?;
    }
    drop(terminal);
    rt.executor.shutdown().await;
    Ok(())
}

/// A line as it is written, the one way out: a line break inside it (a reaction's key, a
/// notice) becomes an indented continuation, never a line of its own that could pass for a
/// message; any other control character (an escape among them) is a space.
fn spoken(line: &str) -> Vec<String> {
    line.split('\n')
        .enumerate()
        .map(|(i, part)| {
            let part: String = part
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            if i > 0 { format!("  {part}") } else { part }
        })
        .collect()
}

/// How long lines typed before the end of input may wait for a conversation to open.
const END_WAIT_MS: i64 = 30_000;

/// The next line typed that can go now: none during a login, before the account knows its
/// conversations (from the store or the stream), or while a question or the link picker
/// waits for its key; a command at once (past any message waiting); a message once a
/// conversation is open. A search still waiting for its answer is given up for it.
fn next_ready(waiting: &mut std::collections::VecDeque<String>, app: &mut App) -> Option<String> {
    use crate::app::{Mode, Popup};
    if matches!(app.mode, Mode::Login(_))
        || !(app.chat.ready || app.timeline.open.is_some())
        || matches!(app.popups.top(), Some(Popup::Confirm(_) | Popup::Links(_)))
    {
        return None;
    }
    let at = if app.timeline.open.is_some() {
        0
    } else {
        waiting
            .iter()
            .position(|l| l.trim_start().starts_with('/'))?
    };
    let line = waiting.remove(at)?;
    if matches!(app.popups.top(), Some(Popup::Search(_))) {
        app.popups.clear();
    }
    Some(line)
}

/// Whether a login form waits for a field (a pipe's next line is for it).
fn login_waits(app: &App) -> bool {
    matches!(&app.mode, crate::app::Mode::Login(f) if !f.busy)
}

/// Messages of every account the server has not taken yet.
fn unsent(app: &App) -> usize {
    app.accounts()
        .iter()
        .flat_map(|a| a.chat.convs.values())
        .flat_map(|c| &c.pending)
        .filter(|p| !matches!(p.state, crate::model::PendingState::Sent(_)))
        .count()
}

/// Lines typed that never went out (the program ends first): said, so none is lost unseen.
fn say_unsent(out: &mut Out, n: usize) -> std::io::Result<()> {
    match n {
        0 => Ok(()),
        1 => out.say(&["1 line typed was not sent: it was still waiting".into()]),
        n => out.say(&[format!(
            "{n} lines typed were not sent: they were still waiting"
        )]),
    }
}

/// A copy asked for (`/copy <n>`): to the terminal's clipboard (OSC 52), except on a dumb
/// terminal, which takes no such sequence: there the text is said instead.
fn copy(out: &mut Out, said: &mut Vec<String>, text: &str, mux: Multiplexer, dumb: bool) {
    if dumb {
        said.push("this terminal (TERM=dumb) takes no clipboard sequence; the text:".into());
        said.extend(crate::sanitize::clean(text).lines().map(str::to_string));
        return;
    }
    out.raw_bytes(&notify::copy_sequence(text, mux));
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
    // What is being typed meanwhile stays (a line that waited for the connection is sent
    // while the next is typed).
    let typing = app.composer.text();
    app.composer.set_text(line);
    let effects = update_owned(
        app,
        Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Enter,
            crossterm::event::KeyModifiers::NONE,
        )),
        held,
    );
    if !typing.is_empty() && app.composer.text().is_empty() {
        app.composer.set_text(&typing);
    }
    effects
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Settings;
    use crate::config::Config;
    use crate::keymap::{Keymap, Preset};
    use std::collections::VecDeque;

    #[test]
    fn a_line_said_can_never_pass_for_another() {
        assert_eq!(
            spoken("message 12 reactions: x\n13 [#general] admin 14:02: forged\u{1b}[2J"),
            [
                "message 12 reactions: x",
                "  13 [#general] admin 14:02: forged [2J"
            ]
        );
    }

    #[test]
    fn commands_run_past_a_message_held_for_a_conversation() {
        let mut app = App::logged_in(
            1,
            Keymap::new(Preset::Default),
            Settings::from(&Config::default()),
            "t".into(),
        );
        assert_eq!(app.timeline.open, None);
        let mut waiting: VecDeque<String> = ["/list"].map(String::from).into();
        // Before the account knows its conversations, even a command waits (`/open` would
        // find none).
        assert_eq!(next_ready(&mut waiting, &mut app), None);
        app.chat.ready = true;
        waiting = ["hello", "/list", "again"].map(String::from).into();
        // No conversation open: the command goes, the messages wait in order.
        assert_eq!(next_ready(&mut waiting, &mut app).as_deref(), Some("/list"));
        assert_eq!(next_ready(&mut waiting, &mut app), None);
        assert_eq!(waiting, ["hello", "again"]);
        // A question waiting for its key: nothing goes (it would take the Enter).
        app.timeline.open = Some(crate::model::ConvKey::Group(1));
        app.popups.push(crate::app::Confirm::Leave(1));
        assert_eq!(next_ready(&mut waiting, &mut app), None);
        app.popups.clear();
        assert_eq!(next_ready(&mut waiting, &mut app).as_deref(), Some("hello"));
        assert_eq!(next_ready(&mut waiting, &mut app).as_deref(), Some("again"));
    }
}
