//! newsboat in the same run: both readers' caches filled from the same generated feeds (500
//! feeds × 100 items from 50 loopback addresses), then each started in a 120×40 pty and timed
//! until its list is drawn, with its peak memory.

use std::net::IpAddr;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use portable_pty::CommandBuilder;
use tidings::domain::ArticleFilter;
use tidings::store::{Page, Store};

use crate::first_frame::{self, Run};
use crate::pty::{Pty, show};
use crate::reader::{self, COLS, ROWS, Tidings};
use crate::server::{Route, TestServer};

/// Loopback addresses serving the feeds.
const HOSTS: usize = 50;
/// newsboat's title bar over the feed list.
const LIST_TITLE: &str = "Your feeds";

/// One start of newsboat.
#[derive(Clone, Copy, Debug)]
pub struct NewsboatRun {
    /// Spawn to the drawn feed list.
    pub first_frame: Duration,
    /// VmHWM then, KiB.
    pub hwm_first: Option<u64>,
    /// VmHWM a second later, KiB.
    pub hwm: Option<u64>,
}

/// Both readers on the same articles.
#[derive(Debug)]
pub struct Comparison {
    /// `newsboat -v`, first line.
    pub version: String,
    /// Feeds and items per feed served.
    pub feeds: usize,
    /// Items per feed.
    pub items: usize,
    /// `newsboat -x reload` on an empty cache.
    pub newsboat_fill: Duration,
    /// Articles in newsboat's cache.
    pub newsboat_articles: u64,
    /// `tidings refresh` on an empty cache.
    pub tidings_fill: Duration,
    /// Articles in tidings' cache.
    pub tidings_articles: u64,
    /// newsboat starts.
    pub newsboat: Vec<NewsboatRun>,
    /// tidings starts, with the WAL its refresh left behind.
    pub tidings: Vec<Run>,
    /// Pages that WAL held.
    pub wal_frames: u64,
    /// tidings starts after a checkpoint.
    pub tidings_checkpointed: Vec<Run>,
}

/// Whether `program` is on PATH.
pub fn installed(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

/// Serves `feeds` × `items`, fills both caches, starts each reader `runs` times.
pub fn run(
    t: &Tidings,
    (feeds, items): (usize, usize),
    runs: usize,
    preindex: bool,
    verbose: bool,
) -> Result<Comparison> {
    let ips: Vec<IpAddr> = (1..=HOSTS).map(|i| IpAddr::from([127, 0, 0, i as u8])).collect();
    let server = TestServer::start_on(&ips);
    let mut urls = Vec::with_capacity(feeds);
    for i in 0..feeds {
        let (body, content_type) = crate::feedgen::feed(i, items);
        let path = format!("/f{i}.xml");
        server.set(&path, Route::feed(body).content_type(content_type));
        urls.push(server.url_on(i, &path));
    }
    let dir = tempfile::tempdir()?;
    let nb = dir.path().join("newsboat");
    std::fs::create_dir_all(&nb)?;
    std::fs::write(nb.join("urls"), urls.join("\n"))?;
    std::fs::write(nb.join("config"), "reload-threads 8\n")?;
    let version = newsboat_version()?;
    eprintln!("  newsboat -x reload of {feeds} feeds…");
    let started = Instant::now();
    let status = newsboat_cmd(&nb).args(["-x", "reload"]).output().context("cannot run newsboat")?;
    let newsboat_fill = started.elapsed();
    if !status.status.success() {
        bail!("newsboat -x reload failed: {}", String::from_utf8_lossy(&status.stderr));
    }
    let newsboat_articles = count(&nb.join("cache.db"), "SELECT count(*) FROM rss_item")?;

    let paths = reader::env(&dir.path().join("tidings"), false)?;
    let list = dir.path().join("urls");
    std::fs::write(&list, urls.join("\n"))?;
    t.cli(&paths, &["import", &list.to_string_lossy()])?;
    let (_, tidings_fill) = t.cli(&paths, &["refresh", "--quiet"])?;
    drop(server);
    let mut store = Store::open(&paths.database())?;
    let tidings_articles = store.article_count()?;
    if preindex {
        crate::fill::index_all(&mut store)?;
    }
    let newest = store.page(&ArticleFilter::default(), Page::Newest, 1)?;
    let newest = newest.first().map(|a| a.title.clone()).context("no articles in the tidings cache")?;
    drop(store);

    let mut out = Comparison {
        version,
        feeds,
        items,
        newsboat_fill,
        newsboat_articles,
        tidings_fill,
        tidings_articles,
        newsboat: Vec::new(),
        tidings: Vec::new(),
        wal_frames: 0,
        tidings_checkpointed: Vec::new(),
    };
    for run in 0..runs {
        out.newsboat.push(start_newsboat(&nb, items, verbose && run == 0)?);
        out.tidings.push(first_frame::measure(t, &paths, &newest, None, verbose && run == 0)?);
    }
    out.wal_frames = crate::fill::checkpoint(&paths.database())?;
    for _ in 0..runs {
        out.tidings_checkpointed.push(first_frame::measure(t, &paths, &newest, None, false)?);
    }
    Ok(out)
}

fn newsboat_cmd(dir: &Path) -> Command {
    let mut cmd = Command::new("newsboat");
    cmd.args(["-u", "urls", "-c", "cache.db", "-C", "config"]).current_dir(dir).env("HOME", dir);
    for var in ["http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
        cmd.env_remove(var);
    }
    cmd.env("NO_PROXY", "*");
    cmd
}

fn newsboat_version() -> Result<String> {
    let out = Command::new("newsboat").arg("-v").output().context("cannot run newsboat -v")?;
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text.lines().next().unwrap_or("newsboat").split(" - ").next().unwrap_or("newsboat").trim().to_string())
}

fn count(db: &Path, sql: &str) -> Result<u64> {
    let conn = rusqlite::Connection::open(db)?;
    let n: i64 = conn.query_row(sql, [], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

/// newsboat started on its cache, timed until its feed list is drawn.
fn start_newsboat(dir: &Path, items: usize, verbose: bool) -> Result<NewsboatRun> {
    let mut cmd = CommandBuilder::new("newsboat");
    cmd.args(["-u", "urls", "-c", "cache.db", "-C", "config"]);
    cmd.cwd(dir);
    cmd.env("HOME", dir);
    cmd.env("TERM", "xterm-256color");
    cmd.env("LANG", "C.UTF-8");
    cmd.env("LC_ALL", "C.UTF-8");
    // The title bar, a feed row with its counts, and the key hints on the last line but one.
    let counts = format!("({items}/{items})");
    let check = Box::new(move |s: &vt100::Screen| {
        let text = s.contents();
        text.contains(LIST_TITLE) && text.contains(&counts) && text.contains("q:Quit")
    });
    let mut pty = Pty::spawn(cmd, COLS, ROWS, check)?;
    let timing = pty.wait(Duration::from_secs(120));
    let first_frame = timing
        .matched
        .with_context(|| format!("newsboat drew no feed list within 120 s:\n{}", show(&pty.screen())))?;
    let hwm_first = pty.status_kib("VmHWM");
    std::thread::sleep(crate::first_frame::SETTLE);
    let hwm = pty.status_kib("VmHWM");
    if verbose {
        eprintln!("newsboat after {first_frame:?}:\n{}", show(&pty.screen()));
    }
    pty.quit(b"q", Duration::from_secs(30))?;
    Ok(NewsboatRun { first_frame, hwm_first, hwm })
}
