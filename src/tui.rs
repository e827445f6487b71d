//! The terminal: entered on start, restored on every way out — normal exit (the guard's
//! `Drop`), panic (a hook that restores first, then chains the previous hook), and signals
//! (turned into a quit message by `app`).

use std::io::{self, Stdout, Write};
use std::sync::Once;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;

/// The terminal in the reader's mode; dropping it gives the terminal back as it was.
pub struct Terminal {
    inner: ratatui::Terminal<CrosstermBackend<Stdout>>,
    mouse: bool,
    active: bool,
}

static PANIC_HOOK: Once = Once::new();

/// Set by the panic hook when the UI thread panics.
pub static PANICKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

impl Terminal {
    /// Raw mode, the alternate screen, bracketed paste and (if wanted) the mouse.
    pub fn enter(mouse: bool) -> io::Result<Self> {
        install_panic_hook();
        let mut t = Self {
            inner: ratatui::Terminal::new(CrosstermBackend::new(io::stdout()))?,
            mouse,
            active: false,
        };
        t.resume()?;
        Ok(t)
    }

    /// Draws a frame.
    pub fn draw(&mut self, f: impl FnOnce(&mut ratatui::Frame<'_>)) -> io::Result<()> {
        self.inner.draw(f).map(|_| ())
    }

    /// The terminal's size (columns, rows).
    pub fn size(&self) -> io::Result<(u16, u16)> {
        let s = self.inner.size()?;
        Ok((s.width, s.height))
    }

    /// Gives the terminal back (to run a browser or pager in it).
    pub fn suspend(&mut self) -> io::Result<()> {
        if self.active {
            self.active = false;
            restore(self.mouse)?;
        }
        Ok(())
    }

    /// Takes the terminal again after [`Terminal::suspend`]; the next draw repaints everything.
    pub fn resume(&mut self) -> io::Result<()> {
        if !self.active {
            enable_raw_mode()?;
            let mut out = io::stdout();
            execute!(out, EnterAlternateScreen, EnableBracketedPaste, cursor::Hide)?;
            if self.mouse {
                execute!(out, EnableMouseCapture)?;
            }
            self.active = true;
            self.inner.clear()?;
        }
        Ok(())
    }

    /// Writes bytes straight to the terminal (an OSC 52 clipboard sequence).
    pub fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut out = io::stdout();
        out.write_all(bytes)?;
        out.flush()
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if self.active {
            let _ = restore(self.mouse);
        }
    }
}

/// Leaves every mode the reader turned on. Errors are ignored by callers on the way out: after
/// a dropped SSH link there may be no terminal left to restore.
fn restore(mouse: bool) -> io::Result<()> {
    let mut out = io::stdout();
    if mouse {
        let _ = execute!(out, DisableMouseCapture);
    }
    let _ = execute!(out, DisableBracketedPaste, LeaveAlternateScreen, cursor::Show);
    disable_raw_mode()
}

/// On panic: restore the terminal first (so the message is readable), then run the previous
/// hook (which prints it).
fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current();
            if thread.name() == Some("main") {
                PANICKED.store(true, std::sync::atomic::Ordering::SeqCst);
                let _ = restore(true);
                previous(info);
            } else {
                // A background thread (a parser on one bad feed, say): printing would scribble
                // over the screen, so it goes to the log and the reader carries on.
                tracing::error!("thread {} panicked: {info}", thread.name().unwrap_or("?"));
            }
        }));
    });
}
