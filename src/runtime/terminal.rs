//! Owns the terminal: raw mode, alternate screen, bracketed paste, focus reports and (if
//! wanted) mouse clicks and wheel without motion tracking. Restored on drop, on error, on a
//! fatal panic (the panic is written to the log, then printed after the terminal is back),
//! while the process is stopped (Ctrl+Z) and around `$EDITOR`. [`QuitSignals`] turns SIGTERM,
//! SIGHUP and SIGINT into a clean quit so those paths restore it too.

use crate::runtime::paint::{PaintBackend, draw_frame};
use crossterm::event::{
    DisableBracketedPaste, DisableFocusChange, EnableBracketedPaste, EnableFocusChange,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use std::io::{Stdout, Write, stdout};

/// Button presses and wheel (1000) in SGR encoding (1006); no drag or motion reports.
const MOUSE_ON: &str = "\x1b[?1000h\x1b[?1006h";
const MOUSE_OFF: &str = "\x1b[?1006l\x1b[?1000l";
/// End a synchronized update (DEC mode 2026), reset colours and attributes (SGR 0), scroll
/// margins to the whole screen (DECSTBM).
const RESET_FRAME: &str = "\x1b[?2026l\x1b[0m\x1b[r";

pub struct TerminalGuard {
    pub terminal: Terminal<PaintBackend<Stdout>>,
    mouse: bool,
}

impl TerminalGuard {
    /// `scroll_regions`: let the terminal scroll the timeline (see [`crate::runtime::paint`]).
    pub fn enter(mouse: bool, scroll_regions: bool) -> anyhow::Result<TerminalGuard> {
        install_panic_hook();
        setup(mouse)?;
        let terminal = Terminal::new(PaintBackend::new(stdout(), scroll_regions))?;
        Ok(TerminalGuard { terminal, mouse })
    }

    /// Draws one frame inside a synchronized update (DEC mode 2026), so a slow link never
    /// shows half a frame; `render` says which region may have scrolled (the timeline) and
    /// where the links are (made clickable with OSC 8 in the same update).
    pub fn draw(
        &mut self,
        render: impl FnOnce(&mut ratatui::Frame) -> crate::runtime::paint::Drawn,
    ) -> anyhow::Result<()> {
        Ok(draw_frame(&mut self.terminal, render)?)
    }

    /// Writes raw bytes (OSC sequences, bell) between frames.
    pub fn write_raw(&mut self, bytes: &str) {
        let out = self.terminal.backend_mut().writer_mut();
        let _ = out.write_all(bytes.as_bytes());
        let _ = out.flush();
    }

    /// Gives the terminal back (for `$EDITOR`), runs `f`, then takes it again. The next
    /// draw repaints every cell (the screen may hold anything by then).
    pub fn suspended<T>(&mut self, f: impl FnOnce() -> T) -> anyhow::Result<T> {
        restore();
        let result = f();
        setup(self.mouse)?;
        self.repaint_all()?;
        Ok(result)
    }

    /// Clears the screen and forgets what is on it, so the next draw repaints every cell, at
    /// the terminal's current size. Not `Terminal::clear`: that asks the terminal for the
    /// cursor position and fails after two seconds when the answer does not come (a slow
    /// link, a terminal that does not answer), which would end the program.
    fn repaint_all(&mut self) -> anyhow::Result<()> {
        let size = self.terminal.size()?;
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))?;
        Ok(())
    }

    /// Ctrl+Z: gives the terminal back and stops the process like the terminal's own
    /// suspend key would; once continued (`fg`, SIGCONT) takes the terminal again.
    pub fn suspend_process(&mut self) -> anyhow::Result<()> {
        self.suspended(stop_process)
    }
}

/// Sends SIGTSTP to our process group (what the terminal sends for Ctrl+Z when raw mode is
/// off; the group so that a wrapper script stops with us) and returns once continued.
/// The kernel discards it in an orphaned process group (no job-control shell to resume
/// us): then this returns at once and the caller simply redraws.
#[cfg(unix)]
#[allow(unsafe_code)] // one of the crate's two unsafe calls (both kill(2)), audited below
fn stop_process() {
    // SAFETY: kill(2) has no memory-safety preconditions. A signal sent to one's own group
    // is delivered to the calling thread before kill returns (POSIX), so the process is
    // stopped, and later continued, inside this call.
    let rc = unsafe { libc::kill(0, libc::SIGTSTP) };
    if rc != 0 {
        tracing::warn!("suspend: {}", std::io::Error::last_os_error());
    }
}

#[cfg(not(unix))]
fn stop_process() {}

/// The signals that mean "quit now": SIGTERM (`kill`, shutdown), SIGHUP (the terminal or the
/// SSH connection went away) and SIGINT (Ctrl+C does not send it in raw mode, but `kill -INT`
/// does). Created before the terminal is taken, so none of them can arrive unhandled while
/// it is in raw mode.
pub struct QuitSignals {
    #[cfg(unix)]
    streams: Vec<(tokio::signal::unix::Signal, &'static str)>,
}

impl QuitSignals {
    /// Installs the handlers (needs a tokio runtime with signals enabled).
    pub fn install() -> std::io::Result<QuitSignals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(QuitSignals {
                streams: vec![
                    (signal(SignalKind::terminate())?, "SIGTERM"),
                    (signal(SignalKind::hangup())?, "SIGHUP"),
                    (signal(SignalKind::interrupt())?, "SIGINT"),
                ],
            })
        }
        #[cfg(not(unix))]
        Ok(QuitSignals {})
    }

    /// Waits for the next quit signal and returns its name.
    pub async fn recv(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            let waits = self.streams.iter_mut().map(|(s, name)| {
                Box::pin(async move {
                    match s.recv().await {
                        Some(()) => *name,
                        // The driver is gone (runtime shutting down): nothing more to wait for.
                        None => std::future::pending().await,
                    }
                })
            });
            futures::future::select_all(waits).await.0
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl+C"
        }
    }
}

/// The linear mode holds the terminal in raw mode only (no alternate screen, nothing
/// enabled by an escape sequence): a panic then gives back only that.
static LINEAR: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The linear mode's hold on the terminal: raw mode, so its input line can take each key
/// (Tab, Up, Down) and a password is never echoed; nothing else changes, so the scrollback
/// stays the terminal's own. Given back on drop, on a fatal panic and while stopped with
/// Ctrl+Z (a SIGTSTP sent from elsewhere leaves raw mode on until the process continues).
pub struct LineTerminal;

impl LineTerminal {
    /// Raw mode, when the input is a terminal (else `None`: input is read as lines, from a
    /// pipe or a file). Whatever stdout is: the keys typed, a password among them, are
    /// never echoed by the terminal.
    pub fn enter() -> Option<LineTerminal> {
        use std::io::IsTerminal;
        if !std::io::stdin().is_terminal() {
            return None;
        }
        LINEAR.store(true, std::sync::atomic::Ordering::Relaxed);
        install_panic_hook();
        enable_raw_mode().ok().map(|()| LineTerminal)
    }
}

impl LineTerminal {
    /// Ctrl+Z: raw mode given back, the process stopped as the terminal's own suspend key
    /// would; once continued (`fg`), raw mode again.
    pub fn suspend_process(&mut self) {
        let _ = disable_raw_mode();
        stop_process();
        let _ = enable_raw_mode();
    }
}

impl Drop for LineTerminal {
    fn drop(&mut self) {
        let _ = disable_raw_mode();
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
    // A frame cut off midway (a panic, a write error) may have left the terminal inside a
    // synchronized update (which would hide everything after it), in the frame's colours,
    // and with scroll margins around the timeline: end the update, reset the colours and
    // give the margins back to the whole screen.
    let _ = out.write_all(RESET_FRAME.as_bytes());
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

/// Restores the terminal for a panic that ends the process: one on the main thread (which
/// runs the UI loop), or any panic when panics abort. A panic in a background task is
/// caught by tokio and only logged: restoring (or printing) then would wreck the live UI.
fn install_panic_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let fatal = cfg!(panic = "abort") || std::thread::current().name() == Some("main");
            if fatal {
                if LINEAR.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = disable_raw_mode();
                    let _ = stdout().write_all(b"\r\n");
                } else {
                    restore();
                }
            }
            tracing::error!(
                "panic: {info}\n{}",
                std::backtrace::Backtrace::force_capture()
            );
            // The default hook prints to stderr: on the UI's screen unless the UI is gone.
            if fatal {
                previous(info);
            }
        }));
    });
}
