//! Fills a tidings cache straight through the library: feeds subscribed with `add_feed`, then
//! `PreparedFeed`s built from `ParsedFeed`s and written in batches of feeds, as refresh does.
//!
//! Article `k` (0 = newest) belongs to feed `k % feeds` and is dated `k × 30 s` before the
//! newest, which is ten minutes old: every feed is spread over the whole time range, as in a
//! cache that grew over months. Titles are headline-like with some non-ASCII; bodies are
//! 1–2 KB of HTML from the benchmarks' feed generator.

use std::path::Path;
use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use tidings::config::RetentionConfig;
use tidings::domain::{NewArticle, NewFeed, ParsedFeed};
use tidings::store::{FetchRecord, PreparedFeed, Store};

use crate::feedgen::{self, Rng};

/// Feeds written per transaction.
const FEEDS_PER_BATCH: usize = 10;
/// Seconds between consecutive articles.
const SPACING: i64 = 30;
/// Age of the newest article, in seconds.
const NEWEST_AGE: i64 = 600;

/// How long filling took, and what it made.
pub struct Filled {
    /// Feeds subscribed.
    pub feeds: usize,
    /// Articles per feed.
    pub items: usize,
    /// Subscribing and writing every article.
    pub fill: Duration,
    /// Filling the search index afterwards (when asked for).
    pub index: Option<Duration>,
    /// The newest article's title: the first row of the reader's list.
    pub newest: String,
    /// The oldest article's title: the last row.
    pub oldest: String,
    /// Size of the database file.
    pub db_bytes: u64,
    /// Size of the WAL the writer left behind (tidings does not checkpoint on close).
    pub wal_bytes: u64,
}

const PLACES: &[&str] = &[
    "Zürich",
    "Kraków",
    "São Paulo",
    "Malmö",
    "Lagos",
    "Osaka",
    "Toronto",
    "Nairobi",
    "Lyon",
    "Busan",
    "Porto",
    "Tbilisi",
    "Quito",
    "Hanoi",
    "Perth",
    "Tromsø",
    "Córdoba",
    "Reykjavík",
    "Gdańsk",
    "Kyiv",
];
const SUBJECTS: &[&str] = &[
    "City council",
    "Central bank",
    "Rail operator",
    "Researchers",
    "Health ministry",
    "Port authority",
    "Startup",
    "Court",
    "Teachers' union",
    "Weather service",
    "Football club",
    "Energy regulator",
    "University",
    "Museum",
    "Airline",
    "Wind farm",
];
const VERBS: &[&str] = &[
    "approves",
    "delays",
    "rejects",
    "unveils",
    "cuts",
    "expands",
    "warns about",
    "wins",
    "reviews",
    "doubles",
    "pauses",
    "launches",
    "settles",
    "funds",
];
const OBJECTS: &[&str] = &[
    "new tram line",
    "interest rates",
    "winter timetable",
    "vaccine trial",
    "harbour expansion",
    "€40m budget",
    "data-centre plan",
    "strike talks",
    "flood defences",
    "satellite launch",
    "housing reform",
    "ticket prices",
    "solar subsidy",
    "stadium deal",
    "night-train route",
    "café terrace rules",
];
const OUTLETS: &[&str] = &[
    "Morning Ledger",
    "Harbour Gazette",
    "Nachrichten am Abend",
    "Le Petit Courrier",
    "Tech Dispatch",
    "Northern Times",
    "Wissenschaft heute",
    "Daily Orbit",
];

/// A headline: "Place: Subject verbs object", sometimes with a number or a follow-up clause.
fn headline(rng: &mut Rng) -> String {
    let mut t =
        format!("{}: {} {} {}", rng.pick(PLACES), rng.pick(SUBJECTS), rng.pick(VERBS), rng.pick(OBJECTS));
    match rng.range(0, 4) {
        0 => t.push_str(&format!(" after {} days", rng.range(2, 90))),
        1 => t.push_str(&format!(" — {} of {} say yes", rng.range(2, 9), rng.range(10, 13))),
        _ => {}
    }
    t
}

/// Article `item` of feed `feed` (of `feeds`), as a parser would have produced it.
fn article(rng: &mut Rng, feeds: usize, feed: usize, item: usize, newest: DateTime<Utc>) -> NewArticle {
    let k = (item * feeds + feed) as i64;
    let link = format!("https://site{feed}.example.com/{item}");
    let size = rng.range(1_000, 1_900);
    let body = feedgen::body(rng, size);
    NewArticle {
        key: link.clone(),
        title: headline(rng),
        link: Some(link),
        author: Some(format!("Desk {feed}")),
        published: Some(newest - chrono::Duration::seconds(k * SPACING)),
        updated: None,
        categories: vec!["World".into()],
        summary_html: None,
        content_html: Some(body),
        enclosures: Vec::new(),
    }
}

/// One whole feed, as a parser would have produced it.
fn feed(feeds: usize, feed: usize, items: usize, newest: DateTime<Utc>) -> ParsedFeed {
    let mut rng = Rng::new(feed as u64 * 104_729 + 7);
    ParsedFeed {
        title: Some(format!("{} {feed}", OUTLETS[feed % OUTLETS.len()])),
        site_url: Some(format!("https://site{feed}.example.com/")),
        entries: (0..items).map(|item| article(&mut rng, feeds, feed, item, newest)).collect(),
        ttl: None,
    }
}

/// Fills a new cache at `db` with `articles` articles over `feeds` feeds; then, when `index`,
/// fills the search index the reader would otherwise fill in the background.
pub fn fill(db: &Path, feeds: usize, articles: usize, index: bool) -> Result<Filled> {
    let items = articles / feeds;
    let now = Utc::now();
    let newest = now - chrono::Duration::seconds(NEWEST_AGE);
    let started = Instant::now();
    let mut store = Store::open(db).context("cannot create the cache")?;
    let mut newest_title = String::new();
    let mut oldest_title = String::new();
    write_feeds(
        &mut store,
        feeds,
        feeds,
        now,
        |f| (f, PreparedFeed::from(feed(feeds, f, items, newest))),
        |f, prepared| {
            if f == 0 {
                newest_title = prepared.articles.first().map(|a| a.title.clone()).unwrap_or_default();
            }
            if f == feeds - 1 {
                oldest_title = prepared.articles.last().map(|a| a.title.clone()).unwrap_or_default();
            }
        },
    )?;
    let fill = started.elapsed();
    let index = if index { Some(index_all(&mut store)?) } else { None };
    drop(store);
    let (db_bytes, wal_bytes) = sizes(db);
    Ok(Filled { feeds, items, fill, index, newest: newest_title, oldest: oldest_title, db_bytes, wal_bytes })
}

/// Subscribes `feeds` feeds with `add_feed`, then stores `jobs` prepared feeds, written in
/// batches as refresh does: job `j` is what `make(j)` returns, a feed (by number) and its
/// articles (a whole feed, or one refresh's worth of it). `make` runs on producer threads
/// (every core but one, taking jobs round-robin), so jobs are written roughly in order;
/// `written` sees each job as it goes to the writer (this thread).
pub fn write_feeds(
    store: &mut Store,
    feeds: usize,
    jobs: usize,
    now: DateTime<Utc>,
    make: impl Fn(usize) -> (usize, PreparedFeed) + Sync,
    mut written: impl FnMut(usize, &PreparedFeed),
) -> Result<()> {
    let mut ids = Vec::with_capacity(feeds);
    for f in 0..feeds {
        let new = NewFeed { url: format!("http://127.0.0.1:9/feed{f}.xml"), title: None, tags: Vec::new() };
        ids.push(store.add_feed(&new, now)?.id);
    }
    let producers = std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1));
    let (tx, rx) = sync_channel::<(usize, PreparedFeed)>(2 * FEEDS_PER_BATCH);
    let make = &make;
    std::thread::scope(|scope| -> Result<()> {
        for p in 0..producers {
            let tx = tx.clone();
            scope.spawn(move || {
                for j in (p..jobs).step_by(producers) {
                    if tx.send(make(j)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let retention = RetentionConfig::default();
        let record = FetchRecord { status: Some(200), ..FetchRecord::default() };
        let mut pending: Vec<(usize, PreparedFeed)> = Vec::with_capacity(FEEDS_PER_BATCH);
        let write = |store: &mut Store, pending: &mut Vec<(usize, PreparedFeed)>| -> Result<()> {
            let mut batch = store.batch()?;
            for (f, prepared) in pending.drain(..) {
                batch.ingest(ids[f], &record, &prepared, &retention, now)?;
            }
            Ok(batch.commit()?)
        };
        for (f, prepared) in rx {
            written(f, &prepared);
            pending.push((f, prepared));
            if pending.len() == FEEDS_PER_BATCH {
                write(store, &mut pending)?;
            }
        }
        write(store, &mut pending)
    })
}

/// Runs the reader's background indexer to the end, in larger transactions.
pub fn index_all(store: &mut Store) -> Result<Duration> {
    let started = Instant::now();
    while store.index_some(2_000)?.remaining > 0 {}
    Ok(started.elapsed())
}

/// The sizes of the database file and of its WAL, in bytes.
pub fn sizes(db: &Path) -> (u64, u64) {
    let len = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    (len(db), len(&db.with_extension("db-wal")))
}

/// Copies the WAL into the database and truncates it, so the next open has nothing to replay.
/// Returns how many pages (frames) the WAL held.
pub fn checkpoint(db: &Path) -> Result<u64> {
    let conn = rusqlite::Connection::open(db)?;
    // A passive checkpoint reports the WAL's frames; a truncating one reports zeros.
    let frames: i64 = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(frames.max(0) as u64)
}
