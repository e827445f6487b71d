//! How much a running indexer slows a refresh: 200 feeds of 50 new generated articles each,
//! served from 50 loopback addresses, refreshed through the library (`refresh::run`, as the
//! reader's network thread does) into a copy of a filled, un-indexed cache. Each run refreshes
//! fresh copies: with nothing else running, and with the reader's indexer working through the
//! backlog on its own connection and thread (lowest priority, `index_some(50)`, 2 ms between
//! calls), started a moment before the refresh; other batch sizes on request, for comparison.

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

use crate::news_cache::{self, INDEX_PAUSE};
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
    /// Refreshes with the indexer running, per batch size it was run with.
    pub indexing: Vec<Indexing>,
    /// Megabytes of feeds served per refresh.
    pub megabytes: f64,
}

/// Refreshes with an indexer taking `batch` articles per call beside them.
pub struct Indexing {
    /// Articles per `index_some` call.
    pub batch: usize,
    /// Refresh times.
    pub times: Vec<Duration>,
    /// Articles indexed while each refresh ran.
    pub indexed: Vec<usize>,
    /// The longest `index_some` call that overlapped each refresh.
    pub longest_call: Vec<Duration>,
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

/// `runs` rounds of refreshes of the served feeds into copies of `filled`, at each latency:
/// alone, then with an indexer of each batch size in `batches`.
pub fn measure(
    world: &World,
    filled: &Path,
    work: &Path,
    runs: usize,
    latencies: &[u64],
    batches: &[usize],
) -> Result<Vec<Refreshes>> {
    let (server, urls, bytes) = serve(world);
    let copy = work.join("refresh-run.db");
    let mut out = Vec::new();
    for &ms in latencies {
        let latency = Duration::from_millis(ms);
        server.set_latency(latency, 0.5);
        let indexing = batches
            .iter()
            .map(|&batch| Indexing {
                batch,
                times: Vec::new(),
                indexed: Vec::new(),
                longest_call: Vec::new(),
            })
            .collect();
        let mut row = Refreshes { latency, alone: Vec::new(), indexing, megabytes: bytes as f64 / 1e6 };
        for run in 1..=runs {
            news_cache::copy(filled, &copy)?;
            let alone = refresh_once(&copy, &urls, None)?;
            eprintln!("  refresh {run}/{runs} at {ms} ms, alone: {:.2} s", alone.took.as_secs_f64());
            row.alone.push(alone.took);
            for with in &mut row.indexing {
                news_cache::copy(filled, &copy)?;
                let r = refresh_once(&copy, &urls, Some(with.batch))?;
                eprintln!(
                    "  refresh {run}/{runs} at {ms} ms, indexer of {} running: {:.2} s ({} indexed meanwhile, \
                     longest call {:.0} ms)",
                    with.batch,
                    r.took.as_secs_f64(),
                    r.indexed,
                    r.longest_call.as_secs_f64() * 1e3
                );
                with.times.push(r.took);
                with.indexed.push(r.indexed);
                with.longest_call.push(r.longest_call);
            }
        }
        out.push(row);
    }
    news_cache::remove_db(&copy);
    Ok(out)
}

/// One refresh, and what the indexer beside it did.
struct Once {
    took: Duration,
    indexed: usize,
    longest_call: Duration,
}

/// One refresh of `urls` into the cache at `db`, with an indexer of `batch` articles per call
/// running when given.
fn refresh_once(db: &Path, urls: &[String], batch: Option<usize>) -> Result<Once> {
    let ids: Vec<FeedId> = {
        let mut store = Store::open(db)?;
        urls.iter()
            .map(|u| Ok(store.add_feed(&NewFeed { url: u.clone(), ..NewFeed::default() }, Utc::now())?.id))
            .collect::<Result<_>>()?
    };
    let stop = Arc::new(AtomicBool::new(false));
    let indexed = Arc::new(AtomicUsize::new(0));
    let indexer = batch.map(|batch| {
        let (stop, indexed, db) = (Arc::clone(&stop), Arc::clone(&indexed), db.to_path_buf());
        std::thread::spawn(move || index_until(&db, batch, &stop, &indexed))
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
    let mut longest_call = Duration::ZERO;
    if let Some(handle) = indexer {
        let calls = match handle.join() {
            Ok(result) => result?,
            Err(_) => bail!("the indexer thread panicked"),
        };
        // The calls that overlapped the refresh.
        let end = started + took;
        longest_call = calls
            .iter()
            .filter(|(at, d)| *at + *d > started && *at < end)
            .map(|(_, d)| *d)
            .max()
            .unwrap_or_default();
    }
    while rx.try_recv().is_ok() {}
    if summary.new != FEEDS * ITEMS || summary.failed > 0 {
        bail!("the refresh stored {summary}; expected {} new articles", FEEDS * ITEMS);
    }
    Ok(Once { took, indexed: during, longest_call })
}

/// The reader's indexer loop (src/worker/index.rs) until `stop`: lowest priority, `batch`
/// articles per call, a short pause between calls. Returns when each call started and how long
/// it took.
fn index_until(
    db: &Path,
    batch: usize,
    stop: &AtomicBool,
    indexed: &AtomicUsize,
) -> Result<Vec<(Instant, Duration)>> {
    let _ = thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min);
    let mut store = Store::open(db)?;
    let mut calls = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let p = store.index_some(batch)?;
        calls.push((started, started.elapsed()));
        indexed.fetch_add(p.indexed, Ordering::Relaxed);
        std::thread::sleep(if p.indexed > 0 { INDEX_PAUSE } else { Duration::from_millis(50) });
    }
    Ok(calls)
}
