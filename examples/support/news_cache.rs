//! Caches of generated news for the index benchmark: filled through the library (subscriptions,
//! `PreparedFeed`s, batched ingest, as `fill.rs` does for the reader benchmark), then indexed
//! by the reader's own call pattern, with the database's size before and after.
//!
//! With `--keep DIR` the filled cache (`news-N-sS.db`) and its indexed copy
//! (`news-N-sS-indexed.db`) stay in DIR and are reused by later runs; a file is renamed into
//! place only once complete.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use chrono::Utc;
use tidings::store::{PreparedFeed, Store};

use crate::fill;
use crate::newsgen::World;

/// Articles the reader's indexer takes per call (`INDEX_BATCH` in src/worker/index.rs).
pub const INDEX_BATCH: usize = 50;
/// The reader's indexer sleeps this long between batches (src/worker/index.rs).
pub const INDEX_PAUSE: Duration = Duration::from_millis(2);
/// Refreshes a filled cache is written in.
const ROUNDS: usize = 50;
/// Age of the newest article when filling, in seconds.
const NEWEST_AGE: i64 = 600;

/// A filled cache, not indexed.
pub struct Filled {
    /// The database file (checkpointed: no WAL).
    pub path: PathBuf,
    /// Articles.
    pub articles: usize,
    /// Feeds they are spread over.
    pub feeds: usize,
    /// How long filling took, when it happened in this run.
    pub fill: Option<Duration>,
    /// Size of the database file.
    pub bytes: u64,
}

/// Feeds for a cache of this size (as the reader benchmark: a thousand articles per feed, at
/// most a thousand feeds).
pub fn feeds_for(articles: usize) -> usize {
    (articles / 1_000).clamp(1, 1_000)
}

fn file_name(articles: usize, seed: u64, suffix: &str) -> String {
    format!("news-{articles}-s{seed}{suffix}.db")
}

/// The filled cache of `articles` articles in `dir`: reused when there, else filled.
pub fn filled(world: &World, dir: &Path, articles: usize, seed: u64) -> Result<Filled> {
    let path = dir.join(file_name(articles, seed, ""));
    let feeds = feeds_for(articles);
    let mut fill = None;
    if path.is_file() {
        eprintln!("  reusing {}", path.display());
    } else {
        let partial = dir.join(file_name(articles, seed, "-partial"));
        remove_db(&partial);
        let started = Instant::now();
        fill_news(world, &partial, articles, feeds)?;
        fill::checkpoint(&partial)?;
        fill = Some(started.elapsed());
        std::fs::rename(&partial, &path)?;
        eprintln!("  filled in {:.0} s", started.elapsed().as_secs_f64());
    }
    Ok(Filled { path: path.clone(), articles, feeds, fill, bytes: file_bytes(&path) })
}

/// Writes `articles` generated articles over `feeds` feeds into a new cache at `db`, oldest
/// first in [`ROUNDS`] rounds of every feed, as a cache that grew refresh by refresh: article
/// ids follow time, as the indexer's and "read also"'s newest-first order expects.
fn fill_news(world: &World, db: &Path, articles: usize, feeds: usize) -> Result<()> {
    let now = Utc::now();
    let newest = now - chrono::Duration::seconds(NEWEST_AGE);
    let mut store = Store::open(db).context("cannot create the cache")?;
    let started = Instant::now();
    let mut done = 0usize;
    let mut last = Instant::now();
    // Feed f holds articles k = f + feeds × i (i = 0 the newest); round r (0 the oldest) the
    // i in its share of 0..items, newest first.
    let items = articles.div_ceil(feeds);
    let rounds = ROUNDS.min(items);
    let per_round = items.div_ceil(rounds);
    fill::write_feeds(
        &mut store,
        feeds,
        rounds * feeds,
        now,
        |job| {
            let (round, f) = (job / feeds, job % feeds);
            let end = items.saturating_sub(round * per_round);
            let start = end.saturating_sub(per_round);
            let ks = (start..end).map(|i| f + feeds * i).filter(|&k| k < articles);
            (f, PreparedFeed::from(world.feed(f, ks, newest)))
        },
        |_, prepared| {
            done += prepared.articles.len();
            if last.elapsed() > Duration::from_secs(10) {
                last = Instant::now();
                let rate = done as f64 / started.elapsed().as_secs_f64();
                eprintln!("  filling: {done} / {articles} articles ({rate:.0}/s)");
            }
        },
    )?;
    let stored = store.article_count()?;
    if stored as usize != articles {
        bail!("{stored} articles stored, {articles} generated");
    }
    Ok(())
}

/// The index build: how long, and what it added to the file.
pub struct Build {
    /// The indexed cache.
    pub path: PathBuf,
    /// Time in `index_some` (none when an indexed cache was reused).
    pub time: Option<Duration>,
    /// Calls made.
    pub batches: usize,
    /// Articles indexed.
    pub indexed: usize,
    /// Database bytes before and after (each after a truncating checkpoint).
    pub before: u64,
    /// After.
    pub after: u64,
    /// Bytes per table or index (dbstat), the index's own first.
    pub tables: Option<Vec<(String, u64)>>,
    /// Languages the indexer detected, with their article counts.
    pub languages: Vec<(String, i64)>,
}

/// The indexed copy of `filled`: reused when kept from an earlier run (and `rebuild` is not
/// asked for), else built with the reader's indexer calls and measured.
pub fn indexed(filled: &Filled, dir: &Path, seed: u64, rebuild: bool) -> Result<Build> {
    let path = dir.join(file_name(filled.articles, seed, "-indexed"));
    let mut build = Build {
        path: path.clone(),
        time: None,
        batches: 0,
        indexed: 0,
        before: filled.bytes,
        after: 0,
        tables: None,
        languages: Vec::new(),
    };
    if path.is_file() && !rebuild {
        eprintln!("  reusing {}", path.display());
    } else {
        let partial = dir.join(file_name(filled.articles, seed, "-indexed-partial"));
        remove_db(&partial);
        std::fs::copy(&filled.path, &partial)?;
        let mut store = Store::open(&partial)?;
        let started = Instant::now();
        let mut last = Instant::now();
        loop {
            let p = store.index_some(INDEX_BATCH)?;
            build.batches += 1;
            build.indexed += p.indexed;
            if p.remaining == 0 {
                break;
            }
            if last.elapsed() > Duration::from_secs(15) {
                last = Instant::now();
                let rate = build.indexed as f64 / started.elapsed().as_secs_f64();
                eprintln!("  indexing: {} indexed, {} to go ({rate:.0}/s)", build.indexed, p.remaining);
            }
        }
        build.time = Some(started.elapsed());
        drop(store);
        fill::checkpoint(&partial)?;
        std::fs::rename(&partial, &path)?;
        eprintln!("  indexed in {:.0} s", started.elapsed().as_secs_f64());
    }
    build.after = file_bytes(&path);
    let conn = rusqlite::Connection::open(&path)?;
    build.tables = table_sizes(&conn);
    build.languages = conn
        .prepare("SELECT lang, docs FROM index_langs ORDER BY docs DESC")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(build)
}

/// Bytes per table and index from the dbstat virtual table, when the SQLite build has it: the
/// index's tables (FTS5 shadow tables, vectors, document frequencies) first, then the rest.
fn table_sizes(conn: &rusqlite::Connection) -> Option<Vec<(String, u64)>> {
    let rows: Vec<(String, i64)> = conn
        .prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .ok()?;
    let is_index = |n: &str| {
        n.starts_with("article_index")
            || n.starts_with("article_vectors")
            || n.starts_with("term_df")
            || n.starts_with("index_")
    };
    let mut out: Vec<(String, u64)> =
        rows.iter().filter(|(n, _)| is_index(n)).map(|(n, b)| (n.clone(), *b as u64)).collect();
    out.extend(rows.iter().filter(|(n, _)| !is_index(n)).map(|(n, b)| (n.clone(), *b as u64)));
    Some(out)
}

/// A fresh copy of `db` at `to` (for one refresh run).
pub fn copy(db: &Path, to: &Path) -> Result<()> {
    remove_db(to);
    std::fs::copy(db, to).with_context(|| format!("cannot copy {} to {}", db.display(), to.display()))?;
    Ok(())
}

/// Removes a database and its WAL and shared-memory files, if there.
pub fn remove_db(db: &Path) {
    for ext in ["db", "db-wal", "db-shm"] {
        let _ = std::fs::remove_file(db.with_extension(ext));
    }
}

/// The database file's size plus its WAL's.
pub fn file_bytes(db: &Path) -> u64 {
    let (db, wal) = fill::sizes(db);
    db + wal
}
