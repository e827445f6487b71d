//! Driving the real `tidings` binary: isolated directories, the command in a pty, the CLI, and
//! reading the list pane back from the screen.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use portable_pty::CommandBuilder;
use tidings::paths::Paths;
use unicode_width::UnicodeWidthChar;

use crate::pty::{Pty, show};

/// The terminal the reader runs in.
pub const COLS: u16 = 120;
/// Rows of that terminal.
pub const ROWS: u16 = 40;
/// PgDn as a terminal sends it.
pub const PAGE_DOWN: &[u8] = b"\x1b[6~";

/// How tidings is run: the binary, the log level for the reader's log.
#[derive(Clone, Debug)]
pub struct Tidings {
    /// The release binary.
    pub bin: PathBuf,
    /// `TIDINGS_LOG` for every run (the log is `<data-dir>/tidings.log`).
    pub log: Option<String>,
}

/// A config and data directory under `root`, with a config.toml.
pub fn env(root: &Path, refresh_on_start: bool) -> Result<Paths> {
    let paths = Paths::isolated(root);
    std::fs::create_dir_all(&paths.config_dir)?;
    std::fs::create_dir_all(&paths.data_dir)?;
    let config = format!("[reader]\nrefresh_on_start = {refresh_on_start}\n");
    std::fs::write(paths.config_file(), config).context("cannot write config.toml")?;
    Ok(paths)
}

/// Copies the cache of `from` into `to` (the database and its WAL; no process may have it open).
pub fn copy_cache(from: &Paths, to: &Paths) -> Result<()> {
    for name in ["tidings.db", "tidings.db-wal"] {
        let src = from.data_dir.join(name);
        if src.exists() {
            std::fs::copy(&src, to.data_dir.join(name)).with_context(|| format!("{}", src.display()))?;
        }
    }
    Ok(())
}

impl Tidings {
    /// The reader on `paths`, as a pty command.
    pub fn reader(&self, paths: &Paths) -> CommandBuilder {
        let mut cmd = CommandBuilder::new(&self.bin);
        cmd.arg("--config-dir");
        cmd.arg(&paths.config_dir);
        cmd.arg("--data-dir");
        cmd.arg(&paths.data_dir);
        cmd.env("TERM", "xterm-256color");
        for var in ["COLORTERM", "NO_COLOR", "BROWSER", "TIDINGS_CONFIG_DIR", "TIDINGS_DATA_DIR"] {
            cmd.env_remove(var);
        }
        match &self.log {
            Some(level) => cmd.env("TIDINGS_LOG", level),
            None => cmd.env_remove("TIDINGS_LOG"),
        }
        no_proxy_pty(&mut cmd);
        if let Some(dir) = paths.data_dir.parent() {
            cmd.cwd(dir);
        }
        cmd
    }

    /// Runs a CLI command on `paths`; fails unless it succeeds. Returns stdout and the time taken.
    pub fn cli(&self, paths: &Paths, args: &[&str]) -> Result<(String, Duration)> {
        let mut cmd = std::process::Command::new(&self.bin);
        cmd.arg("--config-dir").arg(&paths.config_dir).arg("--data-dir").arg(&paths.data_dir).args(args);
        for var in ["http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
            cmd.env_remove(var);
        }
        cmd.env("NO_PROXY", "*");
        let started = Instant::now();
        let out = cmd.output().with_context(|| format!("cannot run {}", self.bin.display()))?;
        let took = started.elapsed();
        if !out.status.success() {
            bail!("tidings {args:?} failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr));
        }
        Ok((String::from_utf8_lossy(&out.stdout).into_owned(), took))
    }
}

fn no_proxy_pty(cmd: &mut CommandBuilder) {
    for var in ["http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
        cmd.env_remove(var);
    }
    cmd.env("NO_PROXY", "*");
}

/// The start of `text` that fits in `cols` columns: what a narrow list column still shows.
pub fn prefix(text: &str, cols: usize) -> String {
    let mut used = 0;
    text.chars()
        .take_while(|c| {
            used += c.width().unwrap_or(0);
            used <= cols
        })
        .collect()
}

fn cell(screen: &vt100::Screen, row: u16, col: u16) -> &str {
    screen.cell(row, col).map_or("", vt100::Cell::contents)
}

/// Columns of the list pane: up to its top-right corner.
fn list_width(screen: &vt100::Screen) -> u16 {
    let cols = screen.size().1.get();
    (0..cols).find(|&c| cell(screen, 0, c) == "╮").map_or(cols, |c| c + 1)
}

/// The text of list row `row` (1 is the first row inside the border).
pub fn list_row(screen: &vt100::Screen, row: u16) -> String {
    screen.rows(0, list_width(screen)).nth(usize::from(row)).unwrap_or_default()
}

/// The list row drawn in the selection's colours, when exactly one is: its screen row and text.
pub fn selected(screen: &vt100::Screen) -> Option<(u16, String)> {
    let background = screen.cell(0, 0)?.bgcolor();
    let rows: Vec<String> = screen.rows(0, list_width(screen)).collect();
    let mut hits = (1..rows.len().saturating_sub(1)).filter(|&r| {
        screen.cell(r as u16, 1).is_some_and(|c| ![background, vt100::Color::Default].contains(&c.bgcolor()))
    });
    match (hits.next(), hits.next()) {
        (Some(r), None) => Some((r as u16, rows[r].clone())),
        _ => None,
    }
}

/// A list row without its marks and time: what identifies the article (the time text changes
/// as the clock ticks).
pub fn row_key(row: &str) -> String {
    row.chars().skip(11).collect::<String>().trim_end().to_string()
}

/// The article whose row shows `key` (see [`row_key`]) is selected.
pub fn selected_is(screen: &vt100::Screen, key: &str) -> bool {
    selected(screen).is_some_and(|(_, text)| row_key(&text) == key)
}

/// Pages down `pages` times, then jumps to the end (`G`) and waits for `oldest` to be selected.
/// Returns the time `G` took to show it.
pub fn page_through(pty: &Pty, pages: usize, oldest: &str, timeout: Duration) -> Result<Duration> {
    for _ in 0..pages {
        let before = selected(&pty.screen()).map(|(_, t)| row_key(&t)).unwrap_or_default();
        let moved = pty.press(
            PAGE_DOWN,
            Box::new(move |s| selected(s).is_some_and(|(_, t)| row_key(&t) != before)),
            timeout,
        )?;
        if moved.matched.is_none() {
            bail!("PgDn did not move the selection within {timeout:?}:\n{}", show(&pty.screen()));
        }
    }
    let oldest = prefix(oldest, 16);
    let last =
        pty.press(b"G", Box::new(move |s| selected(s).is_some_and(|(_, t)| t.contains(&oldest))), timeout)?;
    last.matched.with_context(|| format!("G did not select the oldest article:\n{}", show(&pty.screen())))
}
