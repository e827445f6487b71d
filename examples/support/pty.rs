//! A program in a pseudo-terminal, its output parsed into a screen by vt100, with the arrival
//! time of the output: what the reader benchmark times frames and key presses with.
//!
//! A *watch* is a condition on the screen. The thread reading the pty stamps every chunk of
//! output with the time it arrived and, while a watch is set, records when the first chunk
//! after the watch was set arrived and when the screen first satisfied the condition.

use std::io::{Read, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

/// Device status report 6: "where is the cursor?" (crossterm asks on start; a terminal answers).
const CURSOR_QUERY: &[u8] = b"\x1b[6n";

/// A condition on the screen.
pub type Check = Box<dyn Fn(&vt100::Screen) -> bool + Send>;

/// What a watch saw, measured from when it was set.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timing {
    /// Until the first output bytes arrived.
    pub output: Option<Duration>,
    /// Until the screen satisfied the condition.
    pub matched: Option<Duration>,
}

struct Watch {
    since: Instant,
    check: Check,
    first_output: Option<Instant>,
    matched: Option<Instant>,
}

impl Watch {
    fn timing(&self) -> Timing {
        Timing {
            output: self.first_output.map(|t| t.saturating_duration_since(self.since)),
            matched: self.matched.map(|t| t.saturating_duration_since(self.since)),
        }
    }
}

struct Output {
    parser: vt100::Parser,
    /// The last bytes of the previous chunk, to find a query split between two reads.
    tail: Vec<u8>,
    closed: bool,
    watch: Option<Watch>,
}

type Shared = Arc<(Mutex<Output>, Condvar)>;

/// A program running in a pseudo-terminal.
pub struct Pty {
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    child: Box<dyn Child + Send + Sync>,
    shared: Shared,
    pump: Option<JoinHandle<()>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Pty {
    /// Starts `cmd` in a `cols`×`rows` terminal with `first` watched from just before the spawn.
    pub fn spawn(cmd: CommandBuilder, cols: u16, rows: u16, first: Check) -> Result<Self> {
        let size = PtySize { rows, cols, pixel_width: 0, pixel_height: 0 };
        let pair = native_pty_system().openpty(size).context("cannot open a pseudo-terminal")?;
        let nz = |n: u16| std::num::NonZeroU16::new(n).unwrap_or(std::num::NonZeroU16::MIN);
        let shared: Shared = Arc::new((
            Mutex::new(Output {
                parser: vt100::Parser::new(nz(rows), nz(cols), 0),
                tail: Vec::new(),
                closed: false,
                watch: None,
            }),
            Condvar::new(),
        ));
        let writer = Arc::new(Mutex::new(pair.master.take_writer()?));
        let reader = pair.master.try_clone_reader()?;
        let program = cmd.get_argv().first().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        lock(&shared.0).watch =
            Some(Watch { since: Instant::now(), check: first, first_output: None, matched: None });
        let child = pair.slave.spawn_command(cmd).with_context(|| format!("cannot start {program}"))?;
        // Only the child holds the terminal's side now: reading gives EOF when it exits.
        drop(pair.slave);
        // The master must live as long as the reader does; the pump thread owns it.
        let master = pair.master;
        let (sink, answer) = (Arc::clone(&shared), Arc::clone(&writer));
        let pump = std::thread::Builder::new()
            .name("pty-pump".into())
            .spawn(move || {
                let _master = master;
                pump(reader, &sink, &answer);
            })
            .context("cannot start the pty reader thread")?;
        Ok(Self { writer, child, shared, pump: Some(pump) })
    }

    /// Waits for the watch set last (at spawn, or by [`Pty::watch`]) to match, at most `timeout`.
    pub fn wait(&self, timeout: Duration) -> Timing {
        let (m, cv) = &*self.shared;
        let deadline = Instant::now() + timeout;
        let mut out = lock(m);
        loop {
            let done = out.watch.as_ref().is_none_or(|w| w.matched.is_some());
            let now = Instant::now();
            if done || out.closed || now >= deadline {
                return out.watch.as_ref().map(Watch::timing).unwrap_or_default();
            }
            out = cv.wait_timeout(out, deadline - now).unwrap_or_else(PoisonError::into_inner).0;
        }
    }

    /// Sets a watch from now (matching at once if the screen already satisfies it).
    pub fn watch(&self, check: Check) {
        let mut out = lock(&self.shared.0);
        let now = Instant::now();
        let matched = check(out.parser.screen()).then_some(now);
        out.watch = Some(Watch { since: now, check, first_output: None, matched });
    }

    /// Waits until the screen satisfies `check`; an error (with the screen) after `timeout`.
    pub fn expect(&self, what: &str, timeout: Duration, check: Check) -> Result<Duration> {
        self.watch(check);
        match self.wait(timeout).matched {
            Some(d) => Ok(d),
            None => bail!("waited {timeout:?} for {what}; the screen:\n{}", show(&self.screen())),
        }
    }

    /// Types `keys` with a watch for `check` set at the moment they are written.
    pub fn press(&self, keys: &[u8], check: Check, timeout: Duration) -> Result<Timing> {
        {
            // Under the output lock: output processed after this belongs to the key press.
            let mut out = lock(&self.shared.0);
            out.watch = Some(Watch { since: Instant::now(), check, first_output: None, matched: None });
            let mut w = lock(&self.writer);
            w.write_all(keys).context("cannot write to the pty")?;
            w.flush()?;
        }
        Ok(self.wait(timeout))
    }

    /// Types `keys` without watching anything.
    pub fn type_keys(&self, keys: &[u8]) -> Result<()> {
        let mut w = lock(&self.writer);
        w.write_all(keys).context("cannot write to the pty")?;
        Ok(w.flush()?)
    }

    /// The screen as it is now.
    pub fn screen(&self) -> vt100::Screen {
        lock(&self.shared.0).parser.screen().clone()
    }

    /// The program's process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// A line of `/proc/<pid>/status` in KiB (`VmHWM`, `VmRSS`).
    pub fn status_kib(&self, key: &str) -> Option<u64> {
        let text = std::fs::read_to_string(format!("/proc/{}/status", self.pid()?)).ok()?;
        let line = text.lines().find(|l| l.starts_with(key) && l[key.len()..].starts_with(':'))?;
        line[key.len() + 1..].trim().trim_end_matches("kB").trim().parse().ok()
    }

    /// Types `keys` (a quit key) and waits for the program to exit; kills it after `timeout`.
    pub fn quit(&mut self, keys: &[u8], timeout: Duration) -> Result<()> {
        self.type_keys(keys)?;
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait()? {
                if let Some(pump) = self.pump.take() {
                    let _ = pump.join();
                }
                if !status.success() {
                    bail!("the program exited with {status:?}");
                }
                return Ok(());
            }
            if Instant::now() >= deadline {
                let screen = self.screen();
                let _ = self.child.kill();
                bail!("the program did not exit within {timeout:?} of {keys:?}:\n{}", show(&screen));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Reads the pty until EOF: parses, stamps, checks the watch, answers cursor queries.
fn pump(mut from: Box<dyn Read + Send>, shared: &Shared, answer: &Mutex<Box<dyn Write + Send>>) {
    let (m, cv) = &**shared;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break, // EOF, or EIO once the child's side is gone
            Ok(n) => n,
        };
        let chunk = &buf[..n];
        let replies = {
            let mut out = lock(m);
            let now = Instant::now();
            out.parser.process(chunk);
            let mut scan = std::mem::take(&mut out.tail);
            scan.extend_from_slice(chunk);
            let queries = scan.windows(CURSOR_QUERY.len()).filter(|w| *w == CURSOR_QUERY).count();
            out.tail = scan[scan.len().saturating_sub(CURSOR_QUERY.len() - 1)..].to_vec();
            let Output { parser, watch, .. } = &mut *out;
            if let Some(w) = watch {
                w.first_output.get_or_insert(now);
                if w.matched.is_none() && (w.check)(parser.screen()) {
                    w.matched = Some(now);
                }
            }
            cv.notify_all();
            if queries == 0 {
                Vec::new()
            } else {
                let (row, col) = parser.screen().cursor_position();
                vec![format!("\x1b[{};{}R", row + 1, col + 1); queries]
            }
        };
        if !replies.is_empty() {
            let mut w = lock(answer);
            for r in replies {
                let _ = w.write_all(r.as_bytes());
            }
            let _ = w.flush();
        }
    }
    lock(m).closed = true;
    cv.notify_all();
}

/// The screen with row numbers, for error messages and `--verbose`.
pub fn show(screen: &vt100::Screen) -> String {
    let (rows, cols) = screen.size();
    let mut s = format!("--- screen {cols}x{rows} ---\n");
    for (i, row) in screen.rows(0, cols.get()).enumerate() {
        s.push_str(&format!("{i:2}|{row}\n"));
    }
    s
}
