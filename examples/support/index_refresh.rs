//! How much a running indexer slows a refresh: 200 feeds of 50 new generated articles each,
//! served from 50 loopback addresses, refreshed through the library (`refresh::run`, as the
//! reader's network thread does) into a copy of a filled, un-indexed cache. Each run is done
//! twice on fresh copies: with nothing else running, and with the reader's indexer working
//! through the backlog on its own connection and thread (lowest priority, `index_some(200)`,
//! 2 ms between batches), started a moment before the refresh.

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use chrono::Utc;
use tidings::config::Config;
use tidings::domain::{FeedId, NewFeed};
use tidings::refresh::{self, Selection};
use tidings::store::Store;

use crate::news_cache::{self, INDEX_BATCH, INDEX_PAUSE};
use crate::newsgen::{self, World};
use crate::server::{Route, TestServer};

/// Feeds refreshed, and new articles in each.
pub const FEEDS: usize = 200;
pub const ITEMS: usize = 50;
/// Loopback addresses serving them.
const HOSTS: usize = 50;
/// Article numbers of the refreshed feeds: far from any cache's, so their stories are new.
const FRESH: u64 = 50_000_000;
/// How long the indexer runs before the refresh starts.
const HEAD_START: Duration = Duration::from_millis(500);

/// The refreshes at one latency.
pub struct Refreshes {
    /// Server latency per request (± 50 %).
    pub latency: Duration,
    /// Refresh times with no indexer.
    pub alone: Vec<Duration>,
    /// Refresh times with the indexer running.
    pub indexing: Vec<Duration>,
    /// Articles the indexer indexed while each refresh ran.
    pub indexed: Vec<usize>,
    /// Megabytes of feeds served per refresh.
    pub megabytes: f64,
}

/// Starts the server with the 200 feeds; returns it and the feed URLs.
fn serve(world: &World) -> (TestServer, Vec<String>, usize) {
    let ips: Vec<IpAddr> = (1..=HOSTS).map(|i| IpAddr::from([127, 0, 0, i as u8])).collect();
    let server = TestServer::start_on(&ips);
    let newest = Utc::now();
    let mut bytes = 0;
    let urls = (0..FEEDS)
        .map(|f| {
            let site = format!("https://fresh{f}.example.com/");
            let items: Vec<_> = (0..ITEMS)
                .map(|i| {
                    let n = (i * FEEDS + f) as u64;
                    world.article(FRESH + n, &site, newest - chrono::Duration::seconds(n as i64 * 30))
                })
                .collect();
            let body = newsgen::rss(&format!("Fresh {f}"), &site, &items);
            bytes += body.len();
            let path = format!("/fresh{f}.xml");
            server.set(&path, Route::feed(body));
            server.url_on(f, &path)
        })
        .collect();
    (server, urls, bytes)
}

/// `runs` pairs of refreshes of the served feeds into copies of `filled`, at each latency.
pub fn measure(
    world: &World,
    filled: &Path,
    work: &Path,
    runs: usize,
    latencies: &[u64],
) -> Result<Vec<Refreshes>> {
    let (server, urls, bytes) = serve(world);
    let copy = work.join("refresh-run.db");
    let mut out = Vec::new();
    for &ms in latencies {
        let latency = Duration::from_millis(ms);
        server.set_latency(latency, 0.5);
        let mut row = Refreshes {
            latency,
            alone: Vec::new(),
            indexing: Vec::new(),
            indexed: Vec::new(),
            megabytes: bytes as f64 / 1e6,
        };
        for run in 0..runs {
            for with_indexer in [false, true] {
                news_cache::copy(filled, &copy)?;
                let (took, indexed) = refresh_once(&copy, &urls, with_indexer)?;
                eprintln!(
                    "  refresh {}/{runs} at {ms} ms, {}: {:.2} s",
                    run + 1,
                    if with_indexer {
                        format!("indexer running ({indexed} indexed meanwhile)")
                    } else {
                        "alone".into()
                    },
                    took.as_secs_f64()
                );
                if with_indexer {
                    row.indexing.push(took);
                    row.indexed.push(indexed);
                } else {
                    row.alone.push(took);
                }
            }
        }
        out.push(row);
    }
    news_cache::remove_db(&copy);
    Ok(out)
}

/// One refresh of `urls` into the cache at `db`; with the indexer running when asked. Returns
/// the refresh's time and the articles indexed meanwhile.
fn refresh_once(db: &Path, urls: &[String], with_indexer: bool) -> Result<(Duration, usize)> {
    let ids: Vec<FeedId> = {
        let mut store = Store::open(db)?;
        urls.iter()
            .map(|u| Ok(store.add_feed(&NewFeed { url: u.clone(), ..NewFeed::default() }, Utc::now())?.id))
            .collect::<Result<_>>()?
    };
    let stop = Arc::new(AtomicBool::new(false));
    let indexed = Arc::new(AtomicUsize::new(0));
    let indexer = with_indexer.then(|| {
        let (stop, indexed, db) = (Arc::clone(&stop), Arc::clone(&indexed), db.to_path_buf());
        std::thread::spawn(move || index_until(&db, &stop, &indexed))
    });
    if indexer.is_some() {
        std::thread::sleep(HEAD_START);
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let store = Store::open(db)?;
    let targets = store.fetch_targets(Some(&ids))?;
    let config = Config::default();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let before = indexed.load(Ordering::Relaxed);
    let started = Instant::now();
    let (_, summary) = rt.block_on(refresh::run(store, &config, targets, Selection::All, tx))?;
    let took = started.elapsed();
    let during = indexed.load(Ordering::Relaxed) - before;
    stop.store(true, Ordering::Relaxed);
    if let Some(handle) = indexer {
        match handle.join() {
            Ok(result) => result?,
            Err(_) => bail!("the indexer thread panicked"),
        }
    }
    while rx.try_recv().is_ok() {}
    if summary.new != FEEDS * ITEMS || summary.failed > 0 {
        bail!("the refresh stored {summary}; expected {} new articles", FEEDS * ITEMS);
    }
    Ok((took, during))
}

/// The reader's indexer loop (src/worker/index.rs) until `stop`: lowest priority, a batch at a
/// time, a short pause between batches.
fn index_until(db: &Path, stop: &AtomicBool, indexed: &AtomicUsize) -> Result<()> {
    let _ = thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min);
    let mut store = Store::open(db)?;
    while !stop.load(Ordering::Relaxed) {
        let p = store.index_some(INDEX_BATCH)?;
        indexed.fetch_add(p.indexed, Ordering::Relaxed);
        std::thread::sleep(if p.indexed > 0 { INDEX_PAUSE } else { Duration::from_millis(50) });
    }
    Ok(())
}
