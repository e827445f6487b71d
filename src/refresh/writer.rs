//! The writer thread: the one place a refresh writes to the database.

use chrono::Utc;
use tokio::sync::mpsc;
use tracing::{debug, warn};

use super::{FeedResult, Job, Outcome, Summary};
use crate::config::RetentionConfig;
use crate::store::{Batch, Failure, Store, StoreError};

/// A batch commits once it holds this many feeds …
const BATCH_FEEDS: usize = 100;
/// … or is this old …
const BATCH_AGE: std::time::Duration = std::time::Duration::from_millis(250);
/// … or the queue has been empty for this long since the batch began.
const BATCH_LINGER: std::time::Duration = std::time::Duration::from_millis(30);

/// The writer thread: applies jobs in arrival order, a batch of feeds per transaction (see
/// [`crate::store::Batch`]), and reports each feed's result once its batch is committed.
pub(super) fn write_all(
    mut store: Store,
    mut jobs: mpsc::Receiver<Job>,
    retention: &RetentionConfig,
    results: &mpsc::UnboundedSender<FeedResult>,
    runtime: &tokio::runtime::Handle,
) -> (Store, Summary, Option<StoreError>) {
    let mut summary = Summary::default();
    let mut error = None;
    // Feeds unsubscribed long enough ago go (their starred articles stay), while the first
    // pages are on their way.
    match store.purge_removed(retention.keep_unsubscribed_days, Utc::now()) {
        Ok(purged) if purged.articles + purged.feeds > 0 => {
            debug!(?purged, "unsubscribed feeds purged");
        }
        Ok(_) => {}
        Err(e) => warn!("unsubscribed feeds could not be purged now (the next refresh tries again): {e}"),
    }
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

fn apply(batch: &mut Batch<'_>, job: Job, retention: &RetentionConfig) -> Result<FeedResult, StoreError> {
    let now = Utc::now();
    let (target, outcome) = match job {
        Job::Ingest { target, record, feed, keep } => {
            let done = match keep {
                Some(keep_per_feed) => {
                    let own = RetentionConfig { keep_per_feed, ..retention.clone() };
                    batch.ingest(target.id, &record, &feed, &own, now)?
                }
                None => batch.ingest(target.id, &record, &feed, retention, now)?,
            };
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
