//! Keypress-to-frame latency while a refresh runs: 200 generated feeds served from 50 loopback
//! addresses with 100 ms ± 50 % latency; the reader starts with `refresh_on_start = true` and
//! `j`/`k` are pressed alternately every ~20 ms while the status line shows `refreshing k/N`.
//!
//! Each round starts from a copy of the same cache: the 200 feeds fetched once (an older
//! version of each, 10,000 articles, fully indexed). The server then serves new versions with
//! 50 new articles each, so every round's refresh fetches, parses and stores 10,000 articles.
//! Rounds repeat until enough presses fell inside a refresh. The same presses on the same
//! cache with no refresh running give the baseline.
//!
//! Two times per press, both from writing the key to the pty: until the next output bytes
//! arrive, and until the frame shows the selection moved. While a refresh runs the reader also
//! draws progress, so the next bytes are often a progress frame; the second time is the one
//! that says how long the key took.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use tidings::paths::Paths;

use crate::feedgen;
use crate::pty::{Pty, Timing, show};
use crate::reader::{self, COLS, ROWS, Tidings};
use crate::server::{Route, TestServer};

/// Feeds refreshed.
pub const FEEDS: usize = 200;
/// Items per feed.
pub const ITEMS: usize = 50;
/// Loopback addresses serving them.
const HOSTS: usize = 50;
/// Latency per request (± 50 %).
pub const LATENCY: Duration = Duration::from_millis(100);
/// Time between presses.
pub const EVERY: Duration = Duration::from_millis(20);
/// How long one press may take to show.
const KEY_LIMIT: Duration = Duration::from_secs(2);
/// Rounds at most.
const MAX_ROUNDS: usize = 25;
/// The new versions of the feeds: feed numbers shifted so their articles are new, and older
/// than every article already cached (the top of the list does not move).
const NEW_VERSION: usize = 10_000;

/// What the presses showed.
#[derive(Debug, Default)]
pub struct Keys {
    /// Presses made while a refresh was running.
    pub during: Vec<Timing>,
    /// The same presses with no refresh running.
    pub idle: Vec<Timing>,
    /// Refresh rounds run.
    pub rounds: usize,
    /// How long each round's refresh ran (from the first `refreshing` on screen to its end).
    pub refresh: Vec<Duration>,
    /// The refresh's closing message in the last round.
    pub summary: String,
}

/// Runs the rounds until `presses` presses fell inside a refresh, then the baseline.
pub fn run(t: &Tidings, presses: usize, verbose: bool) -> Result<Keys> {
    let ips: Vec<IpAddr> = (1..=HOSTS).map(|i| IpAddr::from([127, 0, 0, i as u8])).collect();
    let server = TestServer::start_on(&ips);
    let urls: Vec<String> = (0..FEEDS).map(|i| server.url_on(i, &format!("/f{i}.xml"))).collect();
    serve(&server, 0);
    let template_dir = tempfile::tempdir()?;
    let template = reader::env(template_dir.path(), false)?;
    let list = template_dir.path().join("urls");
    std::fs::write(&list, urls.join("\n"))?;
    t.cli(&template, &["import", &list.to_string_lossy()])?;
    t.cli(&template, &["refresh", "--quiet"])?;
    {
        let mut store = tidings::store::Store::open(&template.database())?;
        crate::fill::index_all(&mut store)?;
    }
    serve(&server, NEW_VERSION);
    server.set_latency(LATENCY, 0.5);

    let mut keys = Keys::default();
    while keys.during.len() < presses && keys.rounds < MAX_ROUNDS {
        let dir = tempfile::tempdir()?;
        let paths = reader::env(dir.path(), true)?;
        reader::copy_cache(&template, &paths)?;
        let (during, took, summary) = round(t, &paths, verbose)?;
        keys.rounds += 1;
        keys.during.extend(during);
        keys.refresh.push(took);
        keys.summary = summary;
        eprintln!(
            "  round {}: {} presses during a {:.2} s refresh",
            keys.rounds,
            keys.during.len(),
            took.as_secs_f64()
        );
    }
    let dir = tempfile::tempdir()?;
    let paths = reader::env(dir.path(), false)?;
    reader::copy_cache(&template, &paths)?;
    keys.idle = idle(t, &paths, keys.during.len().max(presses))?;
    Ok(keys)
}

/// Serves every feed's version `shift` (feed `i` is generated as feed `i + shift`).
fn serve(server: &TestServer, shift: usize) {
    for i in 0..FEEDS {
        let (body, content_type) = feedgen::feed(i + shift, ITEMS);
        server.set(&format!("/f{i}.xml"), Route::feed(body).content_type(content_type));
    }
}

/// The reader started, its first frame shown with a selected row.
fn start(t: &Tidings, paths: &Paths) -> Result<Pty> {
    let pty = Pty::spawn(t.reader(paths), COLS, ROWS, Box::new(|s| reader::selected(s).is_some()))?;
    if pty.wait(Duration::from_secs(30)).matched.is_none() {
        bail!("the reader showed no selected article:\n{}", show(&pty.screen()));
    }
    Ok(pty)
}

/// The keys of the selected row and the row under it: what `k` and `j` select.
fn two_rows(pty: &Pty) -> Result<(String, String)> {
    let screen = pty.screen();
    let (row, text) = reader::selected(&screen).context("no selected row")?;
    Ok((reader::row_key(&text), reader::row_key(&reader::list_row(&screen, row + 1))))
}

/// One press of `j` or `k`, timed until the row it selects is shown selected.
fn press(pty: &Pty, down: bool, rows: &(String, String)) -> Result<Timing> {
    let want = if down { rows.1.clone() } else { rows.0.clone() };
    let timing = pty.press(
        if down { b"j" } else { b"k" },
        Box::new(move |s| reader::selected_is(s, &want)),
        KEY_LIMIT,
    )?;
    Ok(timing)
}

fn refreshing(pty: &Pty) -> bool {
    pty.screen().contents().contains("refreshing ")
}

/// One reader start with a refresh: presses every [`EVERY`] while it runs.
fn round(t: &Tidings, paths: &Paths, verbose: bool) -> Result<(Vec<Timing>, Duration, String)> {
    let mut pty = start(t, paths)?;
    pty.expect(
        "`refreshing` on the status line",
        Duration::from_secs(10),
        Box::new(|s| s.contents().contains("refreshing ")),
    )?;
    let began = Instant::now();
    let rows = two_rows(&pty)?;
    let mut timings = Vec::new();
    let mut down = true;
    let mut next = Instant::now();
    while refreshing(&pty) {
        next += EVERY;
        timings.push(press(&pty, down, &rows)?);
        down = !down;
        if verbose && timings.len() == 10 {
            eprintln!("during the refresh:\n{}", show(&pty.screen()));
        }
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
    }
    let took = began.elapsed();
    let summary = Box::new(|s: &vt100::Screen| s.contents().contains(" failed "));
    pty.expect("the refresh summary", Duration::from_secs(10), summary)?;
    // The status line: " 200 feeds, 10000 new articles, 0 failed ", then the key hints.
    let status = pty.screen().rows(0, COLS).last().unwrap_or_default();
    let summary = status.split("  ").find(|p| p.contains("failed")).unwrap_or_default().trim().to_string();
    pty.quit(b"q", Duration::from_secs(10))?;
    Ok((timings, took, summary))
}

/// The same presses with nothing else running.
fn idle(t: &Tidings, paths: &Paths, presses: usize) -> Result<Vec<Timing>> {
    let mut pty = start(t, paths)?;
    // Let start-up work (the sidebar, the indexer's first look) settle.
    std::thread::sleep(Duration::from_millis(500));
    let rows = two_rows(&pty)?;
    let mut timings = Vec::with_capacity(presses);
    let mut next = Instant::now();
    for i in 0..presses {
        next += EVERY;
        timings.push(press(&pty, i % 2 == 0, &rows)?);
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
    }
    pty.quit(b"q", Duration::from_secs(10))?;
    Ok(timings)
}
