//! The linear front end's loop (issue 22, `--screen-reader`): the same app, executor, store
//! and accounts as the full UI, but no alternate screen and no drawing. At a terminal, an
//! input line edited key by key through the composer (`linear_input.rs`), redrawn in place
//! with carriage return and backspaces only (`ui::prompt_line`); from a pipe, whole lines.
//! What happens comes out as plain lines (`ui::linear::Transcript`), each once, said above
//! the input line. Ctrl+D on an empty line, `/quit` or a quit signal ends it.

use super::linear_cmds::{linear_command, numbered_command, popup_lines};
use super::linear_input::{Input, Typed, input_line, on_key, spawn_keys, spawn_lines};
use super::run::{
    Runtime, edit_externally, for_the_terminal, open_url, own, sleep_until_ms, update_owned,
};
use crate::app::{App, Effect, Failure, Msg, update};
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
            write!(self.stdout, "{line}{end}")?;
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
    let reader = match terminal {
        Some(_) => spawn_keys(input_tx),
        None => spawn_lines(input_tx),
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
            typed = input.recv() => {
                update(app, Msg::Clock(crate::clock::now_ms()));
                match typed {
                    Some(Input::Line(line)) if matches!(app.mode, crate::app::Mode::Login(_)) => {
                        // A field's text, then Enter.
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
                            Typed::Quit => break,
                        }
                    }
                    Some(Input::Resize(w)) => {
                        out.columns = w as usize;
                        out.drawn = None;
                    }
                    Some(Input::End) | None => break,
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
                break;
            }
        }
        // Lines typed: a message waits until a conversation is open (or the login is done) (nothing typed is
        // lost while the account is still connecting); a command runs at once.
        while let Some(line) = waiting.front() {
            let login = matches!(app.mode, crate::app::Mode::Login(_));
            if login || (app.timeline.open.is_none() && !line.trim_start().starts_with('/')) {
                break;
            }
            let line = waiting.pop_front().unwrap_or_default();
            // A search still waiting for its answer is given up for the new line.
            if matches!(app.popups.top(), Some(crate::app::Popup::Search(_))) {
                app.popups.clear();
            }
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
                Effect::OpenEditor(text) => {
                    out.say(&["$EDITOR: the draft opens in your editor".into()])?;
                    let result = match terminal.as_mut() {
                        Some(t) => t.suspended(|| edit_externally(&text)),
                        None => Err("no terminal to run an editor in".into()),
                    };
                    update(app, Msg::Edited(result.map_err(Failure::Local)));
                    out.line.leave();
                    out.drawn = None;
                }
                other => rt.executor.run(other),
            }
        }
        rt.executor.save_view(app);
        lines_said.extend(transcript.login(app));
        lines_said.extend(transcript.lines(app));
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
            break;
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
