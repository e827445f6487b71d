//! A refresh run: fetch (bounded globally and per host) → parse (on the blocking pool, bounded
//! by the cores) → store (one writer thread, one transaction per feed). One [`FeedResult`]
//! comes back per feed as soon as it is stored; one feed's failure never stops the others.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::{Semaphore, mpsc};
use tracing::{debug, warn};

use crate::config::Config;
use crate::domain::FeedId;
use crate::feed::fetch::{FetchError, Fetched, Fetcher, Validators};
use crate::store::{Batch, Failure, FetchRecord, FetchTarget, PreparedFeed, Store, StoreError};

/// What happened to one feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Fetched, parsed and stored.
    Updated {
        /// Articles not seen before.
        new: usize,
        /// Articles that changed.
        updated: usize,
    },
    /// The server said 304 Not Modified.
    NotModified,
    /// The body was identical to the last one; nothing parsed.
    Unchanged,
    /// Not fetched: the server said it is gone, or asked to wait.
    Skipped(String),
    /// Fetching or parsing failed; the reason is recorded on the feed.
    Failed(String),
}

/// One feed's result, sent as soon as it is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedResult {
    /// The feed.
    pub feed: FeedId,
    /// The URL that was fetched.
    pub url: String,
    /// What happened.
    pub outcome: Outcome,
}

/// Totals of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Feeds considered.
    pub feeds: usize,
    /// New articles stored.
    pub new: usize,
    /// Feeds that failed.
    pub failed: usize,
    /// Feeds skipped (gone, Retry-After).
    pub skipped: usize,
    /// Feeds answered 304 or with an identical body.
    pub unchanged: usize,
}

impl Summary {
    fn count(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Updated { new, .. } => self.new += new,
            Outcome::NotModified | Outcome::Unchanged => self.unchanged += 1,
            Outcome::Skipped(_) => self.skipped += 1,
            Outcome::Failed(_) => self.failed += 1,
        }
    }
}

/// Which feeds a run fetches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Every feed except the gone ones and those that asked to wait.
    All,
    /// Feeds the user named: fetched even when gone or asked to wait.
    Named,
}

/// Work for the writer thread.
enum Job {
    Ingest {
        target: FetchTarget,
        record: FetchRecord,
        feed: Box<PreparedFeed>,
    },
    Unchanged {
        target: FetchTarget,
        record: FetchRecord,
        not_modified: bool,
    },
    Failure {
        target: FetchTarget,
        status: Option<u16>,
        error: String,
        gone: bool,
        retry_after: Option<DateTime<Utc>>,
    },
    Skipped {
        target: FetchTarget,
        reason: String,
    },
}

/// Refreshes `targets`, storing into `store`, sending each result on `results`.
/// Returns the store (for further use) and the totals; fails only if the database does.
pub async fn run(
    store: Store,
    config: &Config,
    targets: Vec<FetchTarget>,
    selection: Selection,
    results: mpsc::UnboundedSender<FeedResult>,
) -> Result<(Store, Summary), StoreError> {
    let fetcher = match Fetcher::new(&config.refresh) {
        Ok(f) => f,
        Err(e) => {
            // No client, no fetching: every feed fails with the same reason.
            warn!("cannot build the HTTP client: {e}");
            return fail_all(store, targets, &e.to_string(), results).await;
        }
    };
    let total = targets.len();
    let (jobs_tx, jobs_rx) = mpsc::channel::<Job>(4);
    let retention = config.retention.clone();
    let runtime = tokio::runtime::Handle::current();
    let writer = std::thread::Builder::new()
        .name("tidings-writer".into())
        .spawn(move || write_all(store, jobs_rx, &retention, &results, &runtime))
        .map_err(|e| StoreError::Writer(format!("cannot start: {e}")))?;

    let global = Arc::new(Semaphore::new(config.refresh.concurrency.get()));
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let cpu = Arc::new(Semaphore::new(cores));
    let mut hosts: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let mut tasks = tokio::task::JoinSet::new();
    let now = Utc::now();
    for target in targets {
        if let Some(reason) = skip_reason(&target, selection, now) {
            let _ = jobs_tx.send(Job::Skipped { target, reason }).await;
            continue;
        }
        let host = url::Url::parse(&target.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        let per_host = Arc::clone(
            hosts.entry(host).or_insert_with(|| Arc::new(Semaphore::new(config.refresh.per_host.get()))),
        );
        let (global, cpu, fetcher, jobs) =
            (Arc::clone(&global), Arc::clone(&cpu), fetcher.clone(), jobs_tx.clone());
        tasks.spawn(async move {
            // Host first, then global: a task waiting for its host holds no global slot.
            let Ok(_host) = per_host.acquire_owned().await else { return };
            let Ok(_slot) = global.acquire_owned().await else { return };
            let job = fetch_one(&fetcher, &cpu, target).await;
            let _ = jobs.send(job).await;
        });
    }
    drop(jobs_tx);
    while let Some(joined) = tasks.join_next().await {
        if let Err(e) = joined {
            warn!("a fetch task failed: {e}");
        }
    }
    let (store, summary, error) = tokio::task::spawn_blocking(move || writer.join())
        .await
        .map_err(|e| StoreError::Writer(e.to_string()))?
        .map_err(|_| StoreError::Writer("it panicked".into()))?;
    debug!(total, ?summary, "refresh finished");
    match error {
        Some(e) => Err(e),
        None => Ok((store, summary)),
    }
}

fn skip_reason(target: &FetchTarget, selection: Selection, now: DateTime<Utc>) -> Option<String> {
    if selection == Selection::Named {
        return None;
    }
    if target.gone {
        return Some("gone (HTTP 410); refresh it by name to try again".into());
    }
    match target.retry_after {
        Some(at) if at > now => {
            Some(format!("server asked to wait until {}", at.format("%Y-%m-%d %H:%M UTC")))
        }
        _ => None,
    }
}

async fn fetch_one(fetcher: &Fetcher, cpu: &Semaphore, target: FetchTarget) -> Job {
    let validators = Validators { etag: target.etag.clone(), last_modified: target.last_modified.clone() };
    let fetched = match fetcher.fetch(&target.url, &validators).await {
        Ok(f) => f,
        Err(e) => return failure(target, &e),
    };
    if fetched.not_modified() {
        return Job::Unchanged { target, record: record(&fetched, None), not_modified: true };
    }
    let body_hash = xxhash_rust::xxh3::xxh3_64(&fetched.body) as i64;
    if target.body_hash == Some(body_hash) {
        return Job::Unchanged { target, record: record(&fetched, None), not_modified: false };
    }
    let record = record(&fetched, Some(body_hash));
    let Ok(_core) = cpu.acquire().await else {
        return Job::Failure {
            target,
            status: None,
            error: "refresh cancelled".into(),
            gone: false,
            retry_after: None,
        };
    };
    // The body (and its share of the body budget) is dropped as soon as it is parsed.
    let parsed = tokio::task::spawn_blocking(move || {
        background_priority();
        crate::feed::parse(&fetched.body, fetched.charset(), &fetched.final_url).map(PreparedFeed::from)
    })
    .await;
    match parsed {
        Ok(Ok(feed)) => Job::Ingest { target, record, feed: Box::new(feed) },
        Ok(Err(e)) => Job::Failure {
            target,
            status: record.status,
            error: e.to_string(),
            gone: false,
            retry_after: None,
        },
        Err(e) => {
            let error = format!("parser crashed: {e}");
            Job::Failure { target, status: None, error, gone: false, retry_after: None }
        }
    }
}

/// Lowers the priority of the calling thread once: parsing is background work, and the writer
/// (and, in the reader, the UI thread) should get a core first when both want one.
fn background_priority() {
    thread_local!(static LOWERED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    LOWERED.with(|lowered| {
        if !lowered.replace(true) {
            let lowest = thread_priority::ThreadPriority::Min;
            if let Err(e) = thread_priority::set_current_thread_priority(lowest) {
                debug!("cannot lower a parse thread's priority: {e:?}");
            }
        }
    });
}

fn failure(target: FetchTarget, e: &FetchError) -> Job {
    let (gone, retry_after) = match e {
        FetchError::Status { status: 410, .. } => (true, None),
        FetchError::Status { retry_after, .. } => (false, *retry_after),
        _ => (false, None),
    };
    Job::Failure { target, status: e.status(), error: e.to_string(), gone, retry_after }
}

/// A batch commits once it holds this many feeds …
const BATCH_FEEDS: usize = 100;
/// … or is this old …
const BATCH_AGE: std::time::Duration = std::time::Duration::from_millis(250);
/// … or the queue has been empty for this long since the batch began.
const BATCH_LINGER: std::time::Duration = std::time::Duration::from_millis(30);

/// The writer thread: applies jobs in arrival order, a batch of feeds per transaction (see
/// [`crate::store::Batch`]), and reports each feed's result once its batch is committed.
fn write_all(
    mut store: Store,
    mut jobs: mpsc::Receiver<Job>,
    retention: &crate::config::RetentionConfig,
    results: &mpsc::UnboundedSender<FeedResult>,
    runtime: &tokio::runtime::Handle,
) -> (Store, Summary, Option<StoreError>) {
    let mut summary = Summary::default();
    let mut error = None;
    let (mut busy, mut batches) = (std::time::Duration::ZERO, 0_usize);
    while let Some(first) = jobs.blocking_recv() {
        if error.is_some() {
            continue; // drain so senders finish; the run is already failing
        }
        let started = std::time::Instant::now();
        let mut done = Vec::new();
        let written = (|| -> Result<(), StoreError> {
            let mut batch = store.batch()?;
            let mut next = Some(first);
            while let Some(job) = next {
                done.push(apply(&mut batch, job, retention)?);
                next = next_for_batch(&mut jobs, runtime, started, done.len());
            }
            batch.commit()
        })();
        busy += started.elapsed();
        batches += 1;
        match written {
            Ok(()) => {
                for result in done {
                    summary.feeds += 1;
                    summary.count(&result.outcome);
                    let _ = results.send(result);
                }
            }
            Err(e) => error = Some(e),
        }
    }
    // On Linux, the kernel's account of this thread: time on a CPU and time waiting for one.
    let sched = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    debug!(?busy, batches, sched = sched.trim(), "writer finished");
    (store, summary, error)
}

/// The next job for the open batch, or `None` when the batch should commit now.
fn next_for_batch(
    jobs: &mut mpsc::Receiver<Job>,
    runtime: &tokio::runtime::Handle,
    started: std::time::Instant,
    feeds: usize,
) -> Option<Job> {
    let age = started.elapsed();
    if feeds >= BATCH_FEEDS || age >= BATCH_AGE {
        return None;
    }
    match jobs.try_recv() {
        Ok(job) => Some(job),
        Err(mpsc::error::TryRecvError::Disconnected) => None,
        Err(mpsc::error::TryRecvError::Empty) => {
            let wait = BATCH_LINGER.checked_sub(age)?;
            // The timer must be created inside the runtime's context, hence the async block.
            runtime.block_on(async { tokio::time::timeout(wait, jobs.recv()).await }).ok().flatten()
        }
    }
}

fn apply(
    batch: &mut Batch<'_>,
    job: Job,
    retention: &crate::config::RetentionConfig,
) -> Result<FeedResult, StoreError> {
    let now = Utc::now();
    let (target, outcome) = match job {
        Job::Ingest { target, record, feed } => {
            let done = batch.ingest(target.id, &record, &feed, retention, now)?;
            (target, Outcome::Updated { new: done.new, updated: done.updated })
        }
        Job::Unchanged { target, record, not_modified } => {
            batch.record_unchanged(target.id, &record, now)?;
            (target, if not_modified { Outcome::NotModified } else { Outcome::Unchanged })
        }
        Job::Failure { target, status, error, gone, retry_after } => {
            batch.record_failure(target.id, &Failure { status, error: &error, gone, retry_after }, now)?;
            (target, Outcome::Failed(error))
        }
        Job::Skipped { target, reason } => (target, Outcome::Skipped(reason)),
    };
    if let Outcome::Failed(reason) = &outcome {
        warn!(url = %target.url, "refresh failed: {reason}");
    }
    Ok(FeedResult { feed: target.id, url: target.url, outcome })
}

fn record(fetched: &Fetched, body_hash: Option<i64>) -> FetchRecord {
    FetchRecord {
        status: Some(fetched.status),
        etag: fetched.validators.etag.clone(),
        last_modified: fetched.validators.last_modified.clone(),
        body_hash,
        new_url: fetched.moved_to.clone(),
    }
}

async fn fail_all(
    mut store: Store,
    targets: Vec<FetchTarget>,
    error: &str,
    results: mpsc::UnboundedSender<FeedResult>,
) -> Result<(Store, Summary), StoreError> {
    let error = error.to_string();
    tokio::task::spawn_blocking(move || {
        let mut summary = Summary::default();
        let failure = Failure { status: None, error: &error, gone: false, retry_after: None };
        for target in targets {
            store.record_failure(target.id, &failure, Utc::now())?;
            let outcome = Outcome::Failed(error.clone());
            summary.feeds += 1;
            summary.count(&outcome);
            let _ = results.send(FeedResult { feed: target.id, url: target.url, outcome });
        }
        Ok((store, summary))
    })
    .await
    .map_err(|e| StoreError::Writer(e.to_string()))?
}
