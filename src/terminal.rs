//! Owns the terminal: raw mode, alternate screen, bracketed paste, focus reports and (if
//! wanted) mouse clicks and wheel without motion tracking. Restored on drop, on error and on
//! panic (the panic is written to the log, then printed after the terminal is back).

use crossterm::event::{
    DisableBracketedPaste, DisableFocusChange, EnableBracketedPaste, EnableFocusChange,
};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{Stdout, Write, stdout};

/// Button presses and wheel (1000) in SGR encoding (1006); no drag or motion reports.
const MOUSE_ON: &str = "\x1b[?1000h\x1b[?1006h";
const MOUSE_OFF: &str = "\x1b[?1006l\x1b[?1000l";

pub struct TerminalGuard {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
    mouse: bool,
}

impl TerminalGuard {
    pub fn enter(mouse: bool) -> anyhow::Result<TerminalGuard> {
        install_panic_hook();
        setup(mouse)?;
        let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
        Ok(TerminalGuard { terminal, mouse })
    }

    /// Draws one frame inside a synchronized update (DEC mode 2026), so a slow link never
    /// shows half a frame; `overlay` (OSC 8 links) is written inside the same update.
    pub fn draw(
        &mut self,
        render: impl FnOnce(&mut ratatui::Frame),
        overlay: impl FnOnce() -> String,
    ) -> anyhow::Result<()> {
        execute!(self.terminal.backend_mut(), BeginSynchronizedUpdate)?;
        let drawn = self.terminal.draw(render).map(|_| ());
        let extra = overlay();
        if !extra.is_empty() {
            self.terminal.backend_mut().write_all(extra.as_bytes())?;
        }
        execute!(self.terminal.backend_mut(), EndSynchronizedUpdate)?;
        self.terminal.backend_mut().flush()?;
        Ok(drawn?)
    }

    /// Writes raw bytes (OSC sequences, bell) between frames.
    pub fn write_raw(&mut self, bytes: &str) {
        let out = self.terminal.backend_mut();
        let _ = out.write_all(bytes.as_bytes());
        let _ = out.flush();
    }

    /// Gives the terminal back (for `$EDITOR`), runs `f`, then takes it again.
    pub fn suspended<T>(&mut self, f: impl FnOnce() -> T) -> anyhow::Result<T> {
        restore();
        let result = f();
        setup(self.mouse)?;
        self.terminal.clear()?;
        Ok(result)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

fn setup(mouse: bool) -> anyhow::Result<()> {
    enable_raw_mode()?;
    let result = execute!(
        stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        EnableFocusChange
    )
    .and_then(|_| {
        if mouse {
            stdout().write_all(MOUSE_ON.as_bytes())?;
        }
        stdout().flush()
    });
    if let Err(e) = result {
        restore();
        return Err(e.into());
    }
    Ok(())
}

/// Puts the terminal back the way the shell expects it. Safe to call more than once.
pub fn restore() {
    let mut out = stdout();
    let _ = out.write_all(MOUSE_OFF.as_bytes());
    let _ = execute!(
        out,
        DisableFocusChange,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
}

fn install_panic_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            tracing::error!(
                "panic: {info}\n{}",
                std::backtrace::Backtrace::force_capture()
            );
            previous(info);
        }));
    });
}
