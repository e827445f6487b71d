//! The real `tidings` binary in a real pseudo-terminal, against a loopback feed server: what
//! the reader draws (read back through a vt100 parser), what the keys do, what ends up in the
//! cache, and that the terminal is given back on the way out (quit, and SIGTERM).
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::server::{Route, TestServer};
use common::{Env, rss};
use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

/// How long any one thing may take to show up on screen.
const WAIT: Duration = Duration::from_secs(10);

/// Device status report 6: the position of the cursor, please.
const CURSOR_QUERY: &[u8] = b"\x1b[6n";

/// The reader's settings for every test: no network on start, no mouse reporting.
const CONFIG: &str = "[reader]\nrefresh_on_start = false\nmouse = false\n";

/// Everything the pty has printed: parsed into a screen, and as raw bytes.
struct Output {
    parser: vt100::Parser,
    raw: Vec<u8>,
    /// The child closed its side of the pty.
    closed: bool,
}

/// `tidings` running in a pseudo-terminal.
struct Reader {
    master: Box<dyn MasterPty + Send>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    child: Box<dyn Child + Send + Sync>,
    output: Arc<Mutex<Output>>,
    pump: Option<JoinHandle<()>>,
    log: std::path::PathBuf,
}

impl Reader {
    /// Starts the reader on `env` in a `cols`×`rows` terminal.
    fn start(env: &Env, cols: u16, rows: u16) -> Self {
        Self::start_with(env, cols, rows, |_| {})
    }

    /// [`Reader::start`], with the command's environment changed by `setup` last.
    fn start_with(env: &Env, cols: u16, rows: u16, setup: impl FnOnce(&mut CommandBuilder)) -> Self {
        // The same program, arguments and environment as the CLI tests use, in a terminal.
        Self::spawn(env.pty_command(), cols, rows, env.paths().log_file(), setup)
    }

    /// Starts `cmd` (with a plain xterm environment, then `setup`) in a `cols`×`rows`
    /// terminal; `log` is the log file shown when a wait fails.
    fn spawn(
        mut cmd: CommandBuilder,
        cols: u16,
        rows: u16,
        log: std::path::PathBuf,
        setup: impl FnOnce(&mut CommandBuilder),
    ) -> Self {
        let pair = native_pty_system().openpty(pty_size(cols, rows)).unwrap();
        cmd.env("TERM", "xterm-256color");
        for var in ["COLORTERM", "NO_COLOR", "BROWSER", "TIDINGS_LOG"] {
            cmd.env_remove(var);
        }
        setup(&mut cmd);
        let child = pair.slave.spawn_command(cmd).unwrap();
        // Only the child holds the slave side now, so the master reads EOF when it exits.
        drop(pair.slave);

        let output = Arc::new(Mutex::new(Output {
            parser: vt100::Parser::new(nz(rows), nz(cols), 0),
            raw: Vec::new(),
            closed: false,
        }));
        let writer = Arc::new(Mutex::new(pair.master.take_writer().unwrap()));
        let mut from_pty = pair.master.try_clone_reader().unwrap();
        let (sink, answer) = (Arc::clone(&output), Arc::clone(&writer));
        let pump = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match from_pty.read(&mut buf) {
                    Ok(0) | Err(_) => break, // EOF, or EIO once the child's side is gone
                    Ok(n) => {
                        let mut out = sink.lock().unwrap();
                        let scanned = out.raw.len().saturating_sub(CURSOR_QUERY.len() - 1);
                        out.parser.process(&buf[..n]);
                        out.raw.extend_from_slice(&buf[..n]);
                        // Answer "where is the cursor?" as a terminal does (ratatui asks on start).
                        let queries = out.raw[scanned..]
                            .windows(CURSOR_QUERY.len())
                            .filter(|w| *w == CURSOR_QUERY)
                            .count();
                        let (row, col) = out.parser.screen().cursor_position();
                        for _ in 0..queries {
                            let mut w = answer.lock().unwrap();
                            let _ = write!(w, "\x1b[{};{}R", row + 1, col + 1);
                            let _ = w.flush();
                        }
                    }
                }
            }
            sink.lock().unwrap().closed = true;
        });
        Self { master: pair.master, writer, child, output, pump: Some(pump), log }
    }

    /// Types `keys` (raw bytes: `"\r"` is Enter, `"\x03"` Ctrl-c).
    fn press(&self, keys: &str) {
        let mut w = self.writer.lock().unwrap();
        w.write_all(keys.as_bytes()).unwrap();
        w.flush().unwrap();
    }

    /// The screen as it is now.
    fn screen(&self) -> vt100::Screen {
        self.output.lock().unwrap().parser.screen().clone()
    }

    /// Waits until `check` holds for the screen; fails with `what`, the screen and the log
    /// when it does not within `timeout` (or when the reader has gone).
    fn wait_for(
        &self,
        what: &str,
        timeout: Duration,
        check: impl Fn(&vt100::Screen) -> bool,
    ) -> vt100::Screen {
        let start = Instant::now();
        loop {
            let (screen, closed) = {
                let out = self.output.lock().unwrap();
                (out.parser.screen().clone(), out.closed)
            };
            if check(&screen) {
                return screen;
            }
            if closed || start.elapsed() > timeout {
                let why = if closed { "the reader exited" } else { "timed out" };
                panic!(
                    "waiting for {what}: {why} after {:?}\n{}\n--- end of tidings.log ---\n{}",
                    start.elapsed(),
                    show(&screen),
                    log_tail(&self.log)
                );
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits until `text` is on screen.
    fn wait_text(&self, text: &str) -> vt100::Screen {
        self.wait_for(&format!("{text:?} on screen"), WAIT, |s| s.contents().contains(text))
    }

    /// Resizes the terminal (and the parser with it, before the reader draws at the new size).
    fn resize(&self, cols: u16, rows: u16) {
        let mut out = self.output.lock().unwrap();
        out.parser.set_size(nz(rows), nz(cols));
        self.master.resize(pty_size(cols, rows)).unwrap();
    }

    /// The process id, for signals.
    fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    /// Waits for the process to exit and for its last output to be read.
    fn wait_exit(&mut self) -> ExitStatus {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > WAIT {
                let screen = self.screen();
                let _ = self.child.kill();
                panic!("the reader did not exit within {WAIT:?}\n{}", show(&screen));
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        while !self.output.lock().unwrap().closed {
            assert!(start.elapsed() < WAIT * 2, "the pty never closed after the reader exited");
            std::thread::sleep(Duration::from_millis(10));
        }
        if let Some(pump) = self.pump.take() {
            pump.join().unwrap();
        }
        status
    }

    /// Every byte the reader wrote.
    fn raw(&self) -> Vec<u8> {
        self.output.lock().unwrap().raw.clone()
    }

    /// The terminal line settings the reader left behind, as `stty -a` prints them.
    fn stty(&self) -> Option<String> {
        let tty = self.master.tty_name()?;
        let out = std::process::Command::new("stty").arg("-F").arg(tty).arg("-a").output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap()
}

fn pty_size(cols: u16, rows: u16) -> PtySize {
    PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }
}

/// The screen with row numbers, for failure messages.
fn show(screen: &vt100::Screen) -> String {
    let (rows, cols) = screen.size();
    let mut s = format!("--- screen {cols}x{rows} ---\n");
    for (i, row) in screen.rows(0, cols.get()).enumerate() {
        s.push_str(&format!("{i:2}|{row}\n"));
    }
    s
}

fn log_tail(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// The text of a cell.
fn cell(screen: &vt100::Screen, row: u16, col: u16) -> &str {
    screen.cell(row, col).map_or("", vt100::Cell::contents)
}

/// Columns of the list pane: from the left edge to its top-right corner.
fn list_width(screen: &vt100::Screen) -> u16 {
    let cols = screen.size().1.get();
    (0..cols).find(|&c| cell(screen, 0, c) == "╮").map_or(cols, |c| c + 1)
}

/// The list pane's rows.
fn list_rows(screen: &vt100::Screen) -> Vec<String> {
    screen.rows(0, list_width(screen)).collect()
}

/// The list row drawn with the selection's background, if exactly one is: the row whose first
/// cell inside the border has a background other than the screen's (and is drawn already).
fn selected(screen: &vt100::Screen) -> Option<String> {
    let background = screen.cell(0, 0)?.bgcolor();
    let rows = list_rows(screen);
    let hits: Vec<&String> = (1..rows.len().saturating_sub(1))
        .filter(|&r| {
            screen
                .cell(r as u16, 1)
                .is_some_and(|c| ![background, vt100::Color::Default].contains(&c.bgcolor()))
        })
        .map(|r| &rows[r])
        .collect();
    match hits[..] {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// Whether the selected row shows `title`.
fn is_selected(screen: &vt100::Screen, title: &str) -> bool {
    selected(screen).is_some_and(|row| row.contains(title))
}

/// The list row showing `title`.
fn row_with<'a>(rows: &'a [String], title: &str) -> Option<&'a String> {
    rows.iter().find(|r| r.contains(title))
}

/// Where `needle` last occurs in `hay`.
fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The reader gave the terminal back: the bytes end by leaving the alternate screen and
/// showing the cursor, with nothing drawn after; raw mode is off again.
fn assert_restored(reader: &Reader) {
    let raw = reader.raw();
    let enter = rfind(&raw, b"\x1b[?1049h").expect("the reader never entered the alternate screen");
    let leave = rfind(&raw, b"\x1b[?1049l").expect("the alternate screen was never left (no ESC[?1049l)");
    let show_cursor = rfind(&raw, b"\x1b[?25h").expect("the cursor was never shown again (no ESC[?25h)");
    assert!(enter < leave, "ESC[?1049l comes before the last ESC[?1049h");
    if let Some(hide) = rfind(&raw, b"\x1b[?25l") {
        assert!(hide < show_cursor, "the cursor is hidden again after ESC[?25h");
    }
    // After leaving the alternate screen: control sequences only, no text (no later frame).
    let tail = String::from_utf8_lossy(&raw[leave.min(show_cursor)..]).into_owned();
    let mut printed = String::new();
    let mut chars = tail.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.next_if_eq(&'[').is_some() {
                // CSI: parameters and intermediates, then one final byte in @..~.
                while chars.next().is_some_and(|c| !('@'..='~').contains(&c)) {}
            } else {
                chars.next();
            }
        } else if !c.is_control() {
            printed.push(c);
        }
    }
    assert!(printed.trim().is_empty(), "text drawn after the terminal was restored: {printed:?}");
    let screen = reader.screen();
    assert!(!screen.alternate_screen() && !screen.hide_cursor() && !screen.bracketed_paste());
    if let Some(stty) = reader.stty() {
        let flags: Vec<&str> = stty.split_whitespace().collect();
        for flag in ["icanon", "echo", "isig"] {
            assert!(flags.contains(&flag), "raw mode left on ({flag} missing): {stty}");
        }
    }
}

/// Exited by itself, with status 0.
fn assert_clean_exit(status: &ExitStatus, reader: &Reader) {
    assert!(
        status.success() && status.signal().is_none(),
        "the reader exited with {status:?}\n{}\n--- end of tidings.log ---\n{}",
        show(&reader.screen()),
        log_tail(&reader.log)
    );
}

/// Three feeds with distinctive titles, newest first across them:
/// Beekeepers 22:00, Comet 11:00, Ferry 10:00, Satellite 08:00, Lighthouse 06:00, Pruning 01:00.
const HARBOUR: &[(&str, &str)] = &[
    ("hg-1", "Ferry timetable changes for winter"),
    ("hg-5", "Lighthouse keeper retires after forty years"),
];
const ORBITAL: &[(&str, &str)] = &[
    ("ow-1", "Comet flyby visible from the northern hemisphere"),
    ("ow-4", "Satellite constellation reaches full strength"),
];
const GARDEN: &[(&str, &str)] =
    &[("gn-7", "Beekeepers prepare hives for winter"), ("gn-4", "Pruning roses before the first frost")];
/// Title beginnings short enough to show in any layout's list.
const SHORT: [&str; 6] = [
    "Beekeepers prep",
    "Comet flyby",
    "Ferry timetable",
    "Satellite const",
    "Lighthouse keep",
    "Pruning roses",
];

/// A server with the three feeds, subscribed and fetched by the CLI (so the reader's first
/// frame comes from the cache).
fn subscribed_env(server: &TestServer) -> Env {
    server.set("/harbour.xml", Route::feed(rss("Harbour Gazette", HARBOUR)));
    server.set("/orbital.xml", Route::feed(rss("Orbital Weekly", ORBITAL)));
    server.set("/garden.xml", Route::feed(rss("Garden Notes", GARDEN)));
    let env = Env::new();
    env.config(CONFIG);
    for path in ["/harbour.xml", "/orbital.xml", "/garden.xml"] {
        env.run_ok(&["add", "--no-fetch", &server.url(path)]);
    }
    env.run_ok(&["refresh", "-q"]);
    let articles: serde_json::Value = serde_json::from_str(&env.run_ok(&["articles", "--json"])).unwrap();
    assert_eq!(articles.as_array().map(Vec::len), Some(6), "{articles}");
    env
}

/// The search index has taken in every article: it is filled by the reader's background
/// thread, which reports "indexing: N left" on the status line while it runs.
fn wait_indexed(env: &Env, reader: &Reader) {
    let db = rusqlite::Connection::open(env.paths().database()).unwrap();
    let start = Instant::now();
    loop {
        let done: bool = db
            .query_row(
                "SELECT (SELECT count(*) FROM article_index) >= (SELECT count(*) FROM articles)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        if done {
            break;
        }
        assert!(start.elapsed() < WAIT, "the search index was not filled within {WAIT:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    reader.wait_for("the end of indexing", WAIT, |s| !s.contents().contains("indexing:"));
}

/// One session through the reader: list, moving, reading, marking, search, a resize to 80×24,
/// and quitting.
#[test]
fn a_session_in_the_reader() {
    let server = TestServer::start();
    let env = subscribed_env(&server);
    // One article at a time: once the index has caught up, the short test articles can form
    // a story, and opening one would mark its other sources read too (the stories test covers
    // that; here the counts are one mark each).
    env.config(&format!("{CONFIG}story_read = false\n"));
    let mut reader = Reader::start(&env, 120, 40);
    // The refresh indexed what it stored, so the list may show one row per story already:
    // `c` lists every article as its own row.
    reader.wait_for("the list", WAIT, |s| list_rows(s)[0].contains("All articles"));
    reader.press("c");

    // The list, from the cache, with the view and its counts in its title.
    let screen = reader.wait_for("the six titles, the first selected", WAIT, |s| {
        SHORT.iter().all(|t| row_with(&list_rows(s), t).is_some()) && is_selected(s, "Beekeepers")
    });
    let header = &list_rows(&screen)[0];
    assert!(header.contains("All articles") && header.contains("6 unread / 6"), "header: {header}");
    let rows = list_rows(&screen);
    let order: Vec<usize> = SHORT.iter().map(|t| rows.iter().position(|r| r.contains(t)).unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "not newest first\n{}", show(&screen));

    // Moving: j, k, G, g g.
    for (keys, title) in [
        ("j", "Comet flyby"),
        ("k", "Beekeepers"),
        ("G", "Pruning roses"),
        ("gg", "Beekeepers"),
        ("jj", "Ferry"),
    ] {
        reader.press(keys);
        reader.wait_for(&format!("{title} selected after {keys:?}"), WAIT, |s| is_selected(s, title));
    }

    // Enter opens the article: its body appears beside the list; it is now read.
    reader.press("\r");
    reader.wait_text("Body of Ferry timetable changes for winter.");
    reader.wait_for("5 unread after opening", WAIT, |s| list_rows(s)[0].contains("5 unread / 6"));
    // q goes back to the list: j moves the selection again (in the article it would scroll).
    reader.press("q");
    reader.press("j");
    reader.wait_for("Satellite selected after q, j", WAIT, |s| is_selected(s, "Satellite"));

    // m marks read, s stars: the row loses its unread dot and gets a star.
    reader.press("m");
    reader.press("s");
    let screen = reader.wait_for("Satellite read and starred", WAIT, |s| {
        row_with(&list_rows(s), "Satellite").is_some_and(|r| r.starts_with("│ ★"))
    });
    assert!(list_rows(&screen)[0].contains("4 unread / 6"), "{}", show(&screen));
    let ferry = row_with(&list_rows(&screen), "Ferry").cloned().unwrap();
    assert!(ferry.starts_with("│  "), "Ferry still shows as unread: {ferry}");
    let comet = row_with(&list_rows(&screen), "Comet").cloned().unwrap();
    assert!(comet.starts_with("│● "), "Comet should be unread, unstarred: {comet}");

    // Search, once the background indexer has taken everything in.
    wait_indexed(&env, &reader);
    reader.press("/");
    reader.wait_text("Search — words");
    reader.press("winter\r");
    // Only the two titles with "winter" (Ferry is read, Beekeepers not).
    reader.wait_for("only the two matching titles", WAIT, |s| {
        let rows = list_rows(s);
        rows[0].contains("Search: winter · 1 unread / 2")
            && row_with(&rows, "Beekeepers prep").is_some()
            && row_with(&rows, "Ferry timetable").is_some()
            && ["Comet flyby", "Satellite const", "Lighthouse keep", "Pruning roses"]
                .iter()
                .all(|other| row_with(&rows, other).is_none())
    });
    // q leaves the search for all articles.
    reader.press("q");
    reader.wait_for("all articles again", WAIT, |s| {
        list_rows(s)[0].contains("All articles") && s.contents().contains("Comet flyby")
    });

    // 80×24: one pane, framed exactly by the screen, with its title.
    reader.resize(80, 24);
    let screen = reader.wait_for("the one-pane layout at 80x24", WAIT, |s| {
        cell(s, 0, 79) == "╮" && cell(s, 22, 79) == "╯" && list_rows(s)[0].contains("All articles")
    });
    assert_one_pane(&screen);
    // Reading there takes the whole screen; q comes back to the list.
    reader.press("gg\r");
    reader.wait_text("Body of Beekeepers prepare hives for winter.");
    reader.press("q");
    reader.wait_for("the list again at 80x24", WAIT, |s| {
        s.contents().contains("Pruning roses") && !s.contents().contains("Body of")
    });

    // q quits from the list; the terminal is given back.
    reader.press("q");
    let status = reader.wait_exit();
    assert_clean_exit(&status, &reader);
    assert_restored(&reader);

    // What the keys changed is in the cache.
    let articles: serde_json::Value = serde_json::from_str(&env.run_ok(&["articles", "--json"])).unwrap();
    let state = |title: &str| {
        let a = articles.as_array().unwrap().iter().find(|a| a["title"] == title).unwrap();
        (a["read"].as_bool().unwrap(), a["starred"].as_bool().unwrap())
    };
    assert_eq!(state("Satellite constellation reaches full strength"), (true, true), "m and s");
    assert_eq!(state("Ferry timetable changes for winter"), (true, false), "opened");
    assert_eq!(state("Beekeepers prepare hives for winter"), (true, false), "opened");
    assert_eq!(state("Comet flyby visible from the northern hemisphere"), (false, false), "untouched");
    assert_eq!(state("Lighthouse keeper retires after forty years"), (false, false), "untouched");
}

/// `R` while the list shows its top: the server's new article appears at the top, above the
/// article that stays selected, without restarting.
#[test]
fn refresh_shows_a_new_article() {
    let server = TestServer::start();
    let env = subscribed_env(&server);
    let mut reader = Reader::start(&env, 120, 40);
    reader.wait_for("the six titles", WAIT, |s| SHORT.iter().all(|t| s.contents().contains(t)));

    let mut harbour = HARBOUR.to_vec();
    harbour.push(("hg-39", "Volcano awakens on remote island")); // 23:00, the newest
    server.set("/harbour.xml", Route::feed(rss("Harbour Gazette", &harbour)));
    reader.press("R");
    reader.wait_text("3 feeds, 1 new article, 0 failed");
    reader.wait_for("7 articles", WAIT, |s| list_rows(s)[0].contains("7 unread / 7"));
    reader.wait_for("the new title at the top of the list, Beekeepers still selected", WAIT, |s| {
        list_rows(s).get(1).is_some_and(|r| r.contains("Volcano awakens")) && is_selected(s, "Beekeepers")
    });

    reader.press("q");
    let status = reader.wait_exit();
    assert_clean_exit(&status, &reader);
    assert_restored(&reader);
}

/// One pane at 80×24: a single frame from column 0 to 79, rows 0 to 22, the status line under it.
fn assert_one_pane(screen: &vt100::Screen) {
    let corners: Vec<(u16, u16)> = (0..24)
        .flat_map(|r| (0..80).map(move |c| (r, c)))
        .filter(|&(r, c)| ["╭", "╮", "╰", "╯"].contains(&cell(screen, r, c)))
        .collect();
    assert_eq!(corners, [(0, 0), (0, 79), (22, 0), (22, 79)], "not one pane\n{}", show(screen));
    for r in 1..22 {
        assert!(
            cell(screen, r, 0) == "│" && cell(screen, r, 79) == "│",
            "row {r} unframed\n{}",
            show(screen)
        );
    }
}

/// On an empty cache: the welcome screen; `a` asks for a URL and subscribes to it.
#[test]
fn welcome_screen_subscribes_to_a_typed_url() {
    let server = TestServer::start();
    server.set("/garden.xml", Route::feed(rss("Garden Notes", GARDEN)));
    let env = Env::new();
    env.config(CONFIG);
    let mut reader = Reader::start(&env, 80, 24);

    reader.wait_text("Welcome to tidings");
    reader.press("a");
    reader.wait_text("Subscribe: feed or web page URL");
    reader.press(&server.url("/garden.xml"));
    reader.wait_text("/garden.xml");
    reader.press("\r");
    reader.wait_for("the feed's titles in place of the welcome", WAIT, |s| {
        let text = s.contents();
        list_rows(s)[0].contains("All articles · 2 unread / 2")
            && text.contains("Beekeepers prep")
            && text.contains("Pruning roses")
            && !text.contains("Welcome to tidings")
    });

    reader.press("\x03"); // Ctrl-c
    let status = reader.wait_exit();
    assert_clean_exit(&status, &reader);
    assert_restored(&reader);
    assert_eq!(env.store().feeds().unwrap().len(), 1);
}

/// `kill -TERM` while the list is shown ends the reader through its loop: the terminal is
/// restored and it exits 0.
#[test]
fn sigterm_restores_the_terminal() {
    let server = TestServer::start();
    let env = subscribed_env(&server);
    let mut reader = Reader::start(&env, 80, 24);
    reader.wait_text("Beekeepers prep");
    terminate(&mut reader);
}

/// The same while the reader is still starting: from the moment it has taken the terminal
/// (the alternate screen is on), a SIGTERM must give it back.
#[test]
fn sigterm_while_starting_restores_the_terminal() {
    let server = TestServer::start();
    let env = subscribed_env(&server);
    let mut reader = Reader::start(&env, 80, 24);
    reader.wait_for("the alternate screen", WAIT, vt100::Screen::alternate_screen);
    terminate(&mut reader);
}

/// Sends SIGTERM; the reader must leave by itself, exit 0 and restore the terminal.
fn terminate(reader: &mut Reader) {
    let pid = reader.pid().to_string();
    let kill = std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(kill.success());
    let status = reader.wait_exit();
    assert_clean_exit(&status, reader);
    assert_restored(reader);
}

/// A bad line in keys.toml at start: its warning stays on the status line when the refresh
/// summary arrives a moment later (which waits behind it), and `M` shows both in full.
#[test]
fn a_start_up_warning_stays_readable() {
    let server = TestServer::start();
    let env = subscribed_env(&server);
    env.config("[reader]\nrefresh_on_start = true\nmouse = false\n");
    let keys = env.paths().config_dir.join("keys.toml");
    std::fs::write(&keys, "[list]\n\"x\" = \"quitt\"\n").unwrap();
    let mut reader = Reader::start(&env, 100, 30);
    // The refresh ends (its summary waits behind the warning), the warning is still there.
    let screen = reader
        .wait_for("the warning with the summary behind it", WAIT, |s| s.contents().contains("(+1 more)"));
    let status = screen.rows(0, 100).nth(29).unwrap();
    assert!(status.contains("keys.toml:2") && status.contains("unknown action `quitt`"), "{}", show(&screen));
    assert!(status.contains("M messages"), "the hint to read it all: {status}");
    // M lists every message in full, newest first.
    reader.press("M");
    // Waiting for the popup's last line: a frame can arrive in more than one read.
    let screen = reader.wait_for("the messages in full", WAIT, |s| {
        s.contents().contains("Messages, newest first") && s.contents().contains("the default keys are used")
    });
    let text = screen.contents();
    assert!(text.contains("3 feeds, 0 new articles, 0 failed"), "{}", show(&screen));
    assert!(text.contains("warning:") && text.contains("the default keys are used"), "{}", show(&screen));
    reader.press("\x1b");
    reader.wait_for("the popup closed", WAIT, |s| !s.contents().contains("Messages, newest first"));
    reader.press("q");
    let status = reader.wait_exit();
    assert_clean_exit(&status, &reader);
    assert_restored(&reader);
}

/// A feed that fails: `!` in the sidebar, its last error there in full, the reason above its
/// articles in its view, and `r` retries it.
#[test]
fn a_failed_feed_says_why() {
    let server = TestServer::start();
    let env = subscribed_env(&server);
    server.set("/orbital.xml", Route::status(500));
    env.run_ok(&["refresh", "-q"]);
    let mut reader = Reader::start(&env, 80, 24);
    reader.wait_text("Beekeepers prep");
    // The sidebar takes the screen at 80 columns; the failed feed is marked.
    reader.press("b");
    reader.wait_for("the failed feed marked", WAIT, |s| s.contents().contains("!Orbital Weekly"));
    // Down to it (Views: 3 entries, Feeds: Garden, Harbour, Orbital): the detail says why.
    reader.press("G");
    // Everything checked is in the wait: a frame can arrive in more than one read.
    reader.wait_for("the detail of the failed feed", WAIT, |s| {
        s.contents().contains("500 Internal Server Error")
            && s.contents().contains("r retries now")
            && s.contents().contains("Failed 1 time in a row")
    });
    // Its view says it above its (still cached) articles.
    reader.press("\r");
    reader.wait_for("the feed's view with the notice", WAIT, |s| {
        s.contents().contains("! the server answered 500 Internal Server Error")
            && s.contents().contains("Comet flyby")
            && s.contents().contains("r retries")
    });
    // Fixed on the server, r retries: the notice goes.
    server.set("/orbital.xml", Route::feed(rss("Orbital Weekly", ORBITAL)));
    reader.press("r");
    reader.wait_for("the notice gone after the retry", WAIT, |s| {
        !s.contents().contains("! the server answered") && s.contents().contains("Comet flyby")
    });
    reader.press("\x03");
    let status = reader.wait_exit();
    assert_clean_exit(&status, &reader);
    assert_restored(&reader);
}

/// Quitting while a refresh waits on slow servers does not wait for it.
#[test]
fn quitting_during_a_slow_refresh_is_prompt() {
    let server = TestServer::start();
    let env = subscribed_env(&server);
    env.config("[reader]\nrefresh_on_start = true\nmouse = false\n");
    server.set_latency(Duration::from_secs(20), 0.0);
    let mut reader = Reader::start(&env, 80, 24);
    reader.wait_text("refreshing 0/3");
    let asked = Instant::now();
    reader.press("q");
    let status = reader.wait_exit();
    assert!(asked.elapsed() < Duration::from_secs(3), "quitting took {:?}", asked.elapsed());
    assert_clean_exit(&status, &reader);
    assert_restored(&reader);
}

/// Two feeds carry one story (one of them syndicates the other's page, with tracking
/// parameters): the list shows it once with "+1", `c` shows both, the article says who else
/// covered it, and Read also lists that source first.
#[test]
fn one_story_from_two_feeds() {
    let server = TestServer::start();
    let item = |guid: &str, title: &str, link: &str, hour: u32| {
        let text = if guid == "p2" {
            "Plant tulip bulbs in October, before the first frost hardens the soil."
        } else {
            "Dock workers in Rotterdam walked out over automated cranes."
        };
        format!(
            "<item><guid>{guid}</guid><title>{title}</title><link>{link}</link>\
             <pubDate>Mon, 02 Nov 2026 {hour:02}:00:00 GMT</pubDate>\
             <description>&lt;p&gt;{text}&lt;/p&gt;</description></item>"
        )
    };
    let feed = |title: &str, items: &[String]| {
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>{}</channel></rss>",
            items.concat()
        )
    };
    let page = "https://port.example/2026/11/02/strike";
    server.set(
        "/port.xml",
        Route::feed(feed(
            "Port Daily",
            &[
                item("p1", "Rotterdam dockers strike", page, 9),
                item("p2", "Tulip bulbs in autumn", "https://port.example/tulips", 8),
            ],
        )),
    );
    server.set(
        "/wire.xml",
        Route::feed(feed(
            "Wire Service",
            &[item(
                "w1",
                "Port strike halts Rotterdam",
                &format!("{page}?utm_source=rss&utm_medium=feed"),
                10,
            )],
        )),
    );
    let env = Env::new();
    env.config(CONFIG);
    env.run_ok(&["add", "--no-fetch", &server.url("/port.xml")]);
    env.run_ok(&["add", "--no-fetch", &server.url("/wire.xml")]);
    env.run_ok(&["refresh", "-q"]);
    env.run_ok(&["search", "strike"]); // indexes (and groups) everything before the reader starts

    let mut reader = Reader::start(&env, 120, 40);
    let screen = reader.wait_for("one row for the story", WAIT, |s| {
        let rows = list_rows(s);
        row_with(&rows, "Port strike halts").is_some_and(|r| r.contains("+1"))
            && row_with(&rows, "Tulip bulbs").is_some()
    });
    assert!(row_with(&list_rows(&screen), "Rotterdam dockers").is_none(), "{}", show(&screen));
    reader.press("c");
    reader.wait_for("both sources as rows", WAIT, |s| {
        let rows = list_rows(s);
        row_with(&rows, "Rotterdam dockers").is_some()
            && row_with(&rows, "Port strike halts").is_some_and(|r| !r.contains("+1"))
    });
    reader.press("c");
    reader.wait_for("one row again", WAIT, |s| row_with(&list_rows(s), "Rotterdam dockers").is_none());
    reader.press("\r");
    let screen = reader.wait_for("the article with its other source", WAIT, |s| {
        s.contents().contains("Also covered by Port Daily")
            && s.contents().contains("Same story · Port Daily")
    });
    // Opening it marked both sources read (reader.story_read is on by default).
    drop(screen);
    reader.press("q");
    reader.press("c");
    reader.wait_for("both read", WAIT, |s| {
        let rows = list_rows(s);
        ["Rotterdam dockers", "Port strike halts"]
            .iter()
            .all(|t| row_with(&rows, t).is_some_and(|r| r.starts_with("│  ")))
    });
    reader.press("Q");
    let status = reader.wait_exit();
    assert_clean_exit(&status, &reader);
}

/// "Top stories" from the sidebar at 80×24, after nothing but a cron-style `refresh -q`: the
/// story three feeds cover first, then the one two cover, no single-source article; Enter
/// reads the newest report with the others in "Also covered by" and Read also.
#[test]
fn top_stories_from_the_sidebar_and_enter() {
    let server = TestServer::start();
    let item = |guid: &str, title: &str, minutes: i64, text: &str| {
        let date = (chrono::Utc::now() - chrono::Duration::minutes(minutes)).to_rfc2822();
        format!(
            "<item><guid>{guid}</guid><title>{title}</title><link>https://news.example/{guid}</link>\
             <pubDate>{date}</pubDate><description>&lt;p&gt;{text}&lt;/p&gt;</description></item>"
        )
    };
    let feed = |title: &str, items: &[String]| {
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>{}</channel></rss>",
            items.concat()
        )
    };
    let strike = "Dock workers in Rotterdam walked out over automated cranes; container ships wait \
                  at anchor outside the harbour while the union and the port authority meet.";
    let comet = "Astronomers in Chile tracked the comet's closest approach; its tail of ice and dust \
                 stays visible to the naked eye until the new moon.";
    let tulips = "Plant tulip bulbs in October, before the first frost hardens the soil.";
    server.set(
        "/port.xml",
        Route::feed(feed(
            "Port Daily",
            &[
                item("p1", "Rotterdam dockers strike", 180, strike),
                item("p2", "Tulip bulbs in autumn", 10, tulips),
            ],
        )),
    );
    server.set(
        "/wire.xml",
        Route::feed(feed(
            "Wire Service",
            &[
                item("w1", "Port strike halts Rotterdam", 60, strike),
                item("w2", "Comet at its closest tonight", 100, comet),
            ],
        )),
    );
    server.set(
        "/city.xml",
        Route::feed(feed(
            "City News",
            &[
                item("c1", "Cranes idle as harbour strike goes on", 120, strike),
                item("c2", "Telescopes track the comet", 30, comet),
            ],
        )),
    );
    let env = Env::new();
    env.config(CONFIG);
    for path in ["/port.xml", "/wire.xml", "/city.xml"] {
        env.run_ok(&["add", "--no-fetch", &server.url(path)]);
    }
    env.run_ok(&["refresh", "-q"]);

    let mut reader = Reader::start(&env, 80, 24);
    reader.wait_for("the list", WAIT, |s| list_rows(s)[0].contains("All articles"));
    // b: the sidebar; Top stories is right under All articles.
    reader.press("b");
    reader.wait_text("Top stories");
    reader.press("j\r");
    let screen = reader.wait_for("the two stories, most covered first", WAIT, |s| {
        let rows = list_rows(s);
        rows[0].contains("Top stories · last 24 h · 2 stories")
            && row_with(&rows, "Port strike halts").is_some()
            && row_with(&rows, "Telescopes track").is_some()
    });
    let rows = list_rows(&screen);
    let strike_row = rows.iter().position(|r| r.contains("Port strike halts")).unwrap();
    let comet_row = rows.iter().position(|r| r.contains("Telescopes track")).unwrap();
    assert!(strike_row < comet_row, "three sources before two, though older\n{}", show(&screen));
    assert!(
        rows[strike_row].contains("1 h") && rows[strike_row].contains("Wire Service +2"),
        "{}",
        show(&screen)
    );
    assert!(rows[comet_row].contains("City News +1"), "{}", show(&screen));
    assert!(row_with(&rows, "Tulip bulbs").is_none(), "one source is no top story\n{}", show(&screen));
    assert!(is_selected(&screen, "Port strike halts"), "{}", show(&screen));

    // Enter: the newest report, with the other two sources.
    reader.press("\r");
    reader.wait_for("the article with its other sources", WAIT, |s| {
        let text = s.contents();
        text.contains("Port strike halts Rotterdam")
            && text.contains("Also covered by")
            && text.contains("City News")
            && text.contains("Port Daily")
    });
    reader.press("\t");
    reader.wait_for("read also, the same story first", WAIT, |s| {
        let text = s.contents();
        text.contains("Same story · City News") && text.contains("Same story · Port Daily")
    });
    // q back to the stories: the one read shows read.
    reader.press("q");
    reader.wait_for("the story read", WAIT, |s| {
        row_with(&list_rows(s), "Port strike halts").is_some_and(|r| r.starts_with("│  "))
    });
    reader.press("Q");
    let status = reader.wait_exit();
    assert_clean_exit(&status, &reader);
}

/// `cargo run --example demo`: the example binary (built by `cargo test` with the tests) serves
/// its bundled feeds on loopback, opens the reader on a throwaway cache that fills from them,
/// an article reads, and quitting removes the cache.
#[test]
fn the_demo_works_with_no_network() {
    // target/debug/deps/reader_pty-… → target/debug/examples/demo
    let test_exe = std::env::current_exe().unwrap();
    let demo = test_exe.parent().and_then(|deps| deps.parent()).unwrap().join("examples").join("demo");
    assert!(demo.exists(), "{} is missing: `cargo test` builds the examples", demo.display());
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = CommandBuilder::new(&demo);
    cmd.env("TMPDIR", tmp.path());
    cmd.env("HOME", tmp.path());
    cmd.cwd(tmp.path());
    let mut reader = Reader::spawn(cmd, 80, 24, tmp.path().join("none.log"), |_| {});
    // All three feeds arrive, in one list, newest first.
    let titles =
        ["Never trust what a feed", "Swing bridge to close", "Podcast: how old swing", "Measuring the noise"];
    let screen = reader.wait_for("the demo's articles", WAIT, |s| {
        let rows = list_rows(s);
        s.contents().contains("3 feeds, 14 new articles, 0 failed")
            && titles.iter().all(|t| row_with(&rows, t).is_some())
    });
    assert!(list_rows(&screen)[1].contains(titles[0]), "newest first\n{}", show(&screen));
    assert!(is_selected(&screen, titles[0]), "{}", show(&screen));
    // The Herald's article reads, and "read also" knows the podcast tells the same story.
    reader.press("j\r");
    reader.wait_for("the article, with the podcast as another source", WAIT, |s| {
        s.contents().contains("engineers replace its worn turning gear")
            && s.contents().contains("Also covered by Weekly Science Notes")
    });
    let cache = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("tidings-demo-"));
    let cache = cache.map(|e| e.path()).unwrap();
    assert!(cache.join("data").exists());
    reader.press("qq");
    let status = reader.wait_exit();
    assert_clean_exit(&status, &reader);
    assert!(!cache.exists(), "the demo's cache was left behind in {}", cache.display());
}

/// A damaged cache at start: the reader moves it aside, starts with a fresh one and says so
/// in a warning that stays on the status line; `M` shows where the old file went.
#[test]
fn a_damaged_cache_is_moved_aside_with_a_start_up_warning() {
    let server = TestServer::start();
    let env = subscribed_env(&server);
    let bytes = common::damage_header(&env.paths().database());
    let mut reader = Reader::start(&env, 120, 30);
    // Everything checked is in the waits: a frame can arrive in more than one read.
    reader.wait_for("the warning on the status line", WAIT, |s| {
        s.rows(0, 120)
            .nth(29)
            .is_some_and(|status| status.contains("the cache") && status.contains("was damaged"))
    });
    reader.press("M");
    let screen = reader.wait_for("the messages in full", WAIT, |s| {
        s.contents().contains("Messages, newest first") && s.contents().contains("corrupt-")
    });
    let text: String = screen.contents().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("moved aside to") && text.contains("corrupt-"), "{}", show(&screen));
    reader.press("\x1b");
    reader.wait_for("the popup closed", WAIT, |s| !s.contents().contains("Messages, newest first"));
    reader.press("q");
    let status = reader.wait_exit();
    assert_clean_exit(&status, &reader);
    assert_restored(&reader);
    let kept = std::fs::read_dir(&env.paths().data_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.to_string_lossy().contains("tidings.db.corrupt-") && !p.to_string_lossy().ends_with("-shm")
        })
        .filter(|p| !p.to_string_lossy().ends_with("-wal"))
        .collect::<Vec<_>>();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(std::fs::read(&kept[0]).unwrap() == bytes, "the damaged file is kept as it was");
}

/// A read-only data directory: the reader still shows the cache, and a refresh says the cache
/// is read-only and what to do; the terminal is restored and nothing in the cache changes.
#[test]
fn a_read_only_data_dir_is_said_in_the_reader() {
    let server = TestServer::start();
    let env = subscribed_env(&server);
    let before = std::fs::read(env.paths().database()).unwrap();
    let Some(guard) = common::ReadOnly::apply(&env.paths().data_dir) else {
        assert!(!common::is_ci(std::env::var("CI").ok().as_deref()), "cannot make the data dir read-only");
        return;
    };
    let mut reader = Reader::start(&env, 120, 30);
    let screen = reader.wait_for("the reader, or its exit", WAIT, |s| {
        s.contents().contains("Beekeepers") || !s.alternate_screen() && s.contents().contains("tidings:")
    });
    if screen.alternate_screen() {
        eprintln!("read-only: the reader opened the cache for reading");
        // The cache could be opened for reading (its -shm was there): the reader runs, and a
        // refresh, which must write, says why it cannot.
        reader.press("R");
        let screen = reader.wait_text("read-only");
        let text: String = screen.contents().split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(!text.contains("database is locked"), "{}", show(&screen));
        reader.press("q");
        let status = reader.wait_exit();
        assert_clean_exit(&status, &reader);
        assert_restored(&reader);
    } else {
        eprintln!("read-only: the reader could not open the cache");
        // It could not be opened at all: the reason on the restored screen, a failing status.
        let status = reader.wait_exit();
        let screen = reader.screen();
        let text: String = screen.contents().split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(!status.success(), "{status:?}\n{}", show(&screen));
        assert!(text.contains("is read-only") && text.contains("--data-dir"), "{}", show(&screen));
        assert!(!screen.hide_cursor(), "the terminal is restored");
    }
    drop(guard);
    assert!(std::fs::read(env.paths().database()).unwrap() == before, "the cache is untouched");
}

/// The reader refreshing on start and two `tidings refresh` started at once (cron) against
/// slow servers: all three finish, and nobody sees "database is locked".
#[test]
fn the_reader_and_two_refreshes_at_once_all_finish() {
    let server = TestServer::start_on(&[
        "127.0.0.1".parse().unwrap(),
        "127.0.0.2".parse().unwrap(),
        "127.0.0.3".parse().unwrap(),
        "127.0.0.4".parse().unwrap(),
    ]);
    let env = subscribed_env(&server);
    for i in 0..40 {
        let items: Vec<(String, String)> = (0..20)
            .map(|j| (format!("c{i}-{j}"), format!("Crowd {i} story {j} {}", "words ".repeat(40))))
            .collect();
        let items: Vec<(&str, &str)> = items.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        server.set(&format!("/c{i}.xml"), Route::feed(rss(&format!("Crowd {i}"), &items)));
        env.run_ok(&["add", "--no-fetch", &server.url_on(i, &format!("/c{i}.xml"))]);
    }
    server.set_latency(Duration::from_millis(150), 0.8);
    env.config("[reader]\nrefresh_on_start = true\nmouse = false\n");
    let mut reader = Reader::start(&env, 120, 30);
    let crons: Vec<std::process::Child> = (0..2)
        .map(|_| {
            env.std_cmd()
                .args(["refresh"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for cron in crons {
        let out = cron.wait_with_output().unwrap();
        let said =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{said}");
        assert!(said.contains("43 feeds,") && said.contains(" 0 failed"), "{said}");
        let lower = said.to_lowercase();
        assert!(!lower.contains("locked") && !lower.contains("busy"), "{said}");
    }
    let screen =
        reader.wait_for("the reader's refresh summary", WAIT * 3, |s| s.contents().contains("43 feeds,"));
    reader.press("M");
    let screen = {
        let _ = screen;
        reader.wait_text("Messages, newest first")
    };
    let text = screen.contents().to_lowercase();
    assert!(
        !text.contains("locked") && !text.contains("busy") && !text.contains("failed:"),
        "{}",
        show(&screen)
    );
    assert!(text.contains("43 feeds,") && text.contains(" 0 failed"), "{}", show(&screen));
    reader.press("\x1b");
    reader.wait_for("the popup closed", WAIT, |s| !s.contents().contains("Messages, newest first"));
    reader.press("q");
    let status = reader.wait_exit();
    assert_clean_exit(&status, &reader);
    assert_restored(&reader);
    let db = rusqlite::Connection::open(env.paths().database()).unwrap();
    let n: i64 = db.query_row("SELECT count(*) FROM articles", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 6 + 40 * 20, "every article stored once");
}

/// `F` in the reader: the status line says the full text is being fetched, the article is shown
/// again with it (the page's menus and sidebar left out), `F` switches back to the feed's text,
/// a 404 keeps the summary and says why, and the full text reads offline in the next session.
#[test]
fn f_fetches_the_full_text_and_it_reads_offline() {
    let server = TestServer::start();
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Gazette</title>\
         <link>https://example.org/</link>\
         <item><guid>tide</guid><title>Tidal pools</title><link>{}</link>\
         <pubDate>Mon, 02 Nov 2026 12:00:00 GMT</pubDate><description>Summary of tide.</description></item>\
         <item><guid>gone</guid><title>Missing page</title><link>{}</link>\
         <pubDate>Mon, 02 Nov 2026 11:00:00 GMT</pubDate><description>Summary of gone.</description></item>\
         </channel></rss>",
        server.url("/a/tide"),
        server.url("/a/gone")
    );
    server.set("/feed.xml", Route::feed(feed));
    let page = include_str!("data/fulltext/article.html");
    server.set(
        "/a/tide",
        Route { etag: None, content_type: "text/html; charset=utf-8".into(), ..Route::feed(page) },
    );
    server.set("/a/gone", Route::status(404));
    let env = Env::new();
    env.config(CONFIG);
    env.run_ok(&["add", &server.url("/feed.xml")]);

    let mut reader = Reader::start(&env, 160, 40);
    reader.wait_text("Tidal pools");
    reader.press("\r");
    reader.wait_text("Summary of tide.");
    // Slow enough to see the progress.
    server.set_latency(Duration::from_millis(700), 0.0);
    reader.press("F");
    reader.wait_text("fetching the full text of “Tidal pools”");
    let screen = reader.wait_for("the full text", WAIT, |s| {
        s.contents().contains("lowest tides of the year") && s.contents().contains("Full text from 127.0.0.1")
    });
    for chrome in ["Subscribe now", "Most read", "Cookie settings", "Summary of tide."] {
        assert!(!screen.contents().contains(chrome), "{chrome} shown\n{}", show(&screen));
    }
    server.set_latency(Duration::ZERO, 0.0);
    reader.press("F");
    reader.wait_for("the feed's text again", WAIT, |s| {
        s.contents().contains("Summary of tide.") && !s.contents().contains("lowest tides")
    });
    // The other article's page is gone: the summary stays, the status line says why.
    reader.press("q");
    reader.press("j");
    reader.press("\r");
    reader.wait_text("Summary of gone.");
    reader.press("F");
    let screen = reader.wait_text("No full text for “Missing page”");
    assert!(screen.contents().contains("404"), "{}", show(&screen));
    assert!(screen.contents().contains("Summary of gone."), "{}", show(&screen));
    reader.press("Q");
    let status = reader.wait_exit();
    assert_clean_exit(&status, &reader);

    // Offline: the server is gone; the stored full text is shown.
    drop(server);
    let mut reader = Reader::start(&env, 160, 40);
    reader.wait_text("Tidal pools");
    reader.press("\r");
    reader.wait_for("the stored full text", WAIT, |s| {
        s.contents().contains("lowest tides of the year") && s.contents().contains("Full text from 127.0.0.1")
    });
    reader.press("Q");
    let status = reader.wait_exit();
    assert_clean_exit(&status, &reader);
}

/// A feed with one item whose text has a link and which has an audio enclosure.
fn podcast() -> String {
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Night Radio</title>\
     <link>https://example.org/</link><item><guid>ep1</guid><title>Episode one: the lighthouse</title>\
     <link>https://example.org/ep1</link><pubDate>Mon, 02 Nov 2026 20:00:00 GMT</pubDate>\
     <description>&lt;p&gt;Show notes with &lt;a href=\"https://example.org/far/away\"&gt;the link&lt;/a&gt; in them.&lt;/p&gt;</description>\
     <enclosure url=\"https://cdn.example/ep1.mp3\" type=\"audio/mpeg\" length=\"3145728\"/>\
     </item></channel></rss>"
        .to_string()
}

/// A shell script at `dir/name` that records its arguments (one a line), then its stdin when
/// `stdin` (a player run in the terminal has the terminal as its stdin: it must not read it).
fn recorder(dir: &std::path::Path, name: &str, stdin: bool) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let path = dir.join(name);
    let out = dir.join(format!("{name}.out"));
    let script = format!(
        "#!/bin/sh\n{{ for a in \"$@\"; do printf '%s\\n' \"$a\"; done; {1} }} > '{0}.tmp' && mv '{0}.tmp' '{0}'\n",
        out.display(),
        if stdin { "cat;" } else { "" }
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// Waits until `path` holds `want`.
fn wait_file(reader: &Reader, path: &std::path::Path, want: &str) {
    let start = Instant::now();
    loop {
        let got = std::fs::read_to_string(path).unwrap_or_default();
        if got == want {
            return;
        }
        assert!(
            start.elapsed() < WAIT,
            "{} holds {got:?}, not {want:?}\n{}\n--- end of tidings.log ---\n{}",
            path.display(),
            show(&reader.screen()),
            log_tail(&reader.log)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The podcast feed subscribed and fetched, with `reader` lines added to the config.
fn podcast_env(server: &TestServer, reader: &str) -> Env {
    server.set("/radio.xml", Route::feed(podcast()));
    let env = Env::new();
    env.config(&format!("{CONFIG}{reader}"));
    env.run_ok(&["add", "--no-fetch", &server.url("/radio.xml")]);
    env.run_ok(&["refresh", "-q"]);
    env
}

/// Links are OSC 8 hyperlinks in the bytes written; `y` copies with OSC 52 and, outside SSH,
/// through the clipboard tool found in PATH; `p` hands the enclosure to the player (the reader
/// steps aside); `f` then Shift+label copies a link of the text.
#[test]
fn links_are_hyperlinks_copied_and_enclosures_played() {
    let server = TestServer::start();
    let bin = tempfile::tempdir().unwrap();
    let player = recorder(bin.path(), "play", false);
    recorder(bin.path(), "wl-copy", true);
    let env = podcast_env(&server, &format!("player = [\"{}\", \"--no-video\", \"%u\"]\n", player.display()));
    let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default());
    let mut reader = Reader::start_with(&env, 120, 40, |cmd| {
        cmd.env("PATH", &path);
        cmd.env("WAYLAND_DISPLAY", "wayland-test");
        for var in ["SSH_TTY", "SSH_CONNECTION", "DISPLAY", "TMUX"] {
            cmd.env_remove(var);
        }
    });
    reader.wait_text("Episode one");
    reader.press("\r");
    reader.wait_text("Attachment 1 (audio/mpeg, 3.0 MB): https://cdn.example/ep1.mp3");
    reader.wait_text("Show notes with the link [1]");
    // Each cell of the link's text is its own hyperlink (TERM=xterm-256color: auto is on).
    let linked = "\x1b]8;id=tidings-1;https://example.org/far/away\x1b\\";
    let start = Instant::now();
    while !String::from_utf8_lossy(&reader.raw()).contains(&format!("{linked}t\x1b]8;;\x1b\\")) {
        assert!(start.elapsed() < WAIT, "no OSC 8 around the link text");
        std::thread::sleep(Duration::from_millis(10));
    }
    let raw = String::from_utf8_lossy(&reader.raw()).into_owned();
    for c in ["h", "e", "l", "i", "n", "k", "[", "1", "]"] {
        assert!(raw.contains(&format!("{linked}{c}\x1b]8;;\x1b\\")), "{c:?} not linked");
    }

    // y: OSC 52 to the terminal, and the text to wl-copy on its stdin.
    reader.press("y");
    wait_file(&reader, &bin.path().join("wl-copy.out"), "https://example.org/ep1");
    reader.wait_text("Copied https://example.org/ep1 (OSC 52 and wl-copy)");
    assert!(
        String::from_utf8_lossy(&reader.raw()).contains("\x1b]52;c;aHR0cHM6Ly9leGFtcGxlLm9yZy9lcDE=\x07")
    );

    // p: the player gets the enclosure's URL as an argument; the reader comes back after.
    reader.press("p");
    wait_file(&reader, &bin.path().join("play.out"), "--no-video\nhttps://cdn.example/ep1.mp3\n");
    reader.wait_text("Playing https://cdn.example/ep1.mp3 with");
    reader.wait_text("Show notes with the link [1]");

    // f, then Shift and the label of [1] (a: the article, s: the enclosure, d: [1]) copies it.
    reader.press("f");
    reader.wait_text("Open a link (Shift: copy)");
    reader.press("D");
    wait_file(&reader, &bin.path().join("wl-copy.out"), "https://example.org/far/away");
    reader.wait_for("the hints closed", WAIT, |s| !s.contents().contains("Open a link (Shift"));

    reader.press("q");
    reader.press("q");
    let status = reader.wait_exit();
    assert_clean_exit(&status, &reader);
    assert_restored(&reader);
}

/// With `hyperlinks = "never"` no OSC 8 sequence is written at all.
#[test]
fn no_hyperlinks_when_told_never() {
    let server = TestServer::start();
    let env = podcast_env(&server, "hyperlinks = \"never\"\n");
    let mut reader = Reader::start(&env, 120, 40);
    reader.wait_text("Episode one");
    reader.press("\r");
    reader.wait_text("Show notes with the link [1]");
    reader.press("q");
    reader.press("q");
    let status = reader.wait_exit();
    assert_clean_exit(&status, &reader);
    let raw = reader.raw();
    assert!(!String::from_utf8_lossy(&raw).contains("\x1b]8;"), "an OSC 8 sequence was written");
    assert!(String::from_utf8_lossy(&raw).contains("the link"), "the text itself was drawn");
}

/// With `[sync]`, the reader's refresh is a sync: the server's articles come in at start, a
/// read made here reaches the server, and a server that is away is said on the status line
/// (and the change waits for it).
#[test]
fn the_reader_syncs_with_the_server_and_says_when_it_is_away() {
    let Some(mut server) = common::freshrss::FreshRss::start_or_skip(
        "the_reader_syncs_with_the_server_and_says_when_it_is_away",
    ) else {
        return;
    };
    let feeds = common::freshrss::serve_feeds(1, 5);
    server.populate(&feeds, 1, 5);
    let env = Env::new();
    env.config(&format!(
        "[reader]\nrefresh_on_start = true\nmouse = false\n[sync]\nurl = \"{}\"\nuser = \"{}\"\npassword_env = \"TIDINGS_PTY_SYNC_PW\"\n",
        server.url(),
        server.user()
    ));
    let password = server.password().to_string();
    let mut reader = Reader::start_with(&env, 80, 24, |cmd| cmd.env("TIDINGS_PTY_SYNC_PW", &password));
    reader.wait_for("the server's articles and the sync's line", WAIT, |s| {
        let text = s.contents();
        text.contains("synced with 127.0.0.1: 5 new articles") && text.contains("Feed 0, article 4")
    });
    // Opened (and so read) here; the server is told at the next sync.
    reader.press("\r");
    reader.wait_for("the article open", WAIT, |s| s.contents().contains("the first paragraph says"));
    reader.press("q");
    server.stop();
    reader.press("R");
    reader.wait_for("the sync's failure on the status line", WAIT * 2, |s| {
        s.contents().contains("Sync failed: cannot reach the sync server 127.0.0.1")
    });
    assert!(!server.is_running());
    server.restart();
    reader.press("R");
    reader.wait_for("the change sent", WAIT * 2, |s| s.contents().contains("1 change sent"));
    assert_eq!(server.unread_ids().len(), 4);
    // With the server there, a read goes to it a moment later, without waiting for a sync.
    reader.press("j");
    reader.press("\r");
    reader.wait_for("the second article open", WAIT, |s| s.contents().contains("Article 3 of feed 0"));
    let sent_at = Instant::now();
    while server.unread_ids().len() != 3 {
        assert!(sent_at.elapsed() < WAIT, "the read did not reach the server: {:?}", server.unread_ids());
        std::thread::sleep(Duration::from_millis(200));
    }
    reader.press("q");
    reader.press("q");
    let status = reader.wait_exit();
    assert_clean_exit(&status, &reader);
    assert_restored(&reader);
}
