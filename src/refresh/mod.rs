//! A refresh run: fetch (bounded globally and per host) → parse ([`pool`], one thread per core)
//! → store ([`writer`], one thread, each feed atomic). One [`FeedResult`] comes back per feed
//! as soon as it is stored; one feed's failure never stops the others.

mod index;
mod pool;
mod schedule;
mod writer;

pub use index::index_new;
pub use pool::ParsePool;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::{Semaphore, mpsc};
use tracing::{debug, warn};

use crate::config::{Config, FeedSettings, settings_for};
use crate::domain::FeedId;
use crate::feed::fetch::{FetchError, Fetched, Fetcher, RequestExtras, Validators};
use crate::feed::source::{self, Source};
use crate::store::{Failure, FetchRecord, FetchTarget, PreparedFeed, Store, StoreError};

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

/// The totals line, shared by `tidings refresh` and the reader: `1 feed, 1 new article,
/// 1 failed`, `2 feeds, 0 new articles, 0 failed, 1 skipped` (skipped only when some were).
impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        write!(
            f,
            "{} feed{}, {} new article{}, {} failed",
            self.feeds,
            plural(self.feeds),
            self.new,
            plural(self.new),
            self.failed
        )?;
        if self.skipped > 0 {
            write!(f, ", {} skipped", self.skipped)?;
        }
        Ok(())
    }
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
///
/// A person who asks for everything now (`R` in the reader) gets [`Selection::All`]: every
/// feed except those whose server said not before (Retry-After) or gone. Runs nobody is
/// watching (the reader's periodic refresh, `tidings refresh` without names from cron) get
/// [`Selection::Due`], which is polite as well: it also skips feeds checked more recently than
/// their interval, `<ttl>` or Cache-Control allow ([`schedule::not_before`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Every feed that is due: not gone, not asked to wait, past its interval, ttl and max-age.
    Due,
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
        /// The feed's own `keep` setting, overriding retention.keep_per_feed.
        keep: Option<u32>,
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
    // Feeds set to `full_text = true`: their new articles' pages are fetched once the writer
    // is done.
    let full_text: Vec<FeedId> = targets
        .iter()
        .filter(|t| settings_for(&config.feeds, t.id, &t.url).is_some_and(FeedSettings::full_text))
        .map(|t| t.id)
        .collect();
    let (jobs_tx, jobs_rx) = mpsc::channel::<Job>(4);
    let retention = config.retention.clone();
    let runtime = tokio::runtime::Handle::current();
    let writer = std::thread::Builder::new()
        .name("tidings-writer".into())
        .spawn(move || writer::write_all(store, jobs_rx, &retention, &results, &runtime))
        .map_err(|e| StoreError::Writer(format!("cannot start: {e}")))?;

    let global = Arc::new(Semaphore::new(config.refresh.concurrency.get()));
    let pool = Arc::new(
        ParsePool::new().map_err(|e| StoreError::Writer(format!("cannot start the parse threads: {e}")))?,
    );
    let mut hosts: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let mut tasks = tokio::task::JoinSet::new();
    let now = Utc::now();
    for target in targets {
        let settings = crate::config::settings_for(&config.feeds, target.id, &target.url);
        let interval = settings.and_then(|s| s.refresh_interval).unwrap_or(config.reader.refresh_interval);
        if let Some(reason) = skip_reason(&target, selection, interval, now) {
            let _ = jobs_tx.send(Job::Skipped { target, reason }).await;
            continue;
        }
        let extras = RequestExtras {
            user_agent: settings.and_then(|s| s.user_agent.clone()),
            headers: settings.map(|s| s.headers.clone().into_iter().collect()).unwrap_or_default(),
        };
        let keep = settings.and_then(|s| s.keep);
        // Local sources (file:, exec:) share one "host": at most per_host of them at once.
        let host = url::Url::parse(&target.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        let per_host = Arc::clone(
            hosts.entry(host).or_insert_with(|| Arc::new(Semaphore::new(config.refresh.per_host.get()))),
        );
        let (global, parsers, fetcher, jobs) =
            (Arc::clone(&global), Arc::clone(&pool), fetcher.clone(), jobs_tx.clone());
        tasks.spawn(async move {
            // Host first, then global: a task waiting for its host holds no global slot.
            let Ok(_host) = per_host.acquire_owned().await else { return };
            let Ok(_slot) = global.acquire_owned().await else { return };
            let job = fetch_one(&fetcher, &parsers, target, &extras, keep).await;
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
    if let Some(e) = error {
        return Err(e);
    }
    let store = fetch_full_texts(store, &fetcher, &full_text).await;
    Ok((store, summary))
}

/// How many of a `full_text` feed's newest articles are looked at after a refresh: its new
/// ones, and those a refresh interrupted before their page was fetched. Each page is fetched
/// once; a failure is kept and `F` tries again.
const FULL_TEXT_NEWEST: usize = 50;

/// Fetches the full text of the newest articles of `feeds` that never had it tried. A failure
/// costs that article's full text, never the refresh.
async fn fetch_full_texts(mut store: Store, fetcher: &Fetcher, feeds: &[FeedId]) -> Store {
    for &feed in feeds {
        let which = crate::fulltext::Missing::Feed { feed, newest: FULL_TEXT_NEWEST };
        match crate::fulltext::fetch_missing(
            &mut store,
            fetcher,
            &which,
            crate::fulltext::DEFAULT_CONCURRENCY,
        )
        .await
        {
            Ok(done) => {
                let failed = done.iter().filter(|d| d.outcome.is_err()).count();
                debug!(feed = feed.0, fetched = done.len(), failed, "full texts");
            }
            Err(e) => warn!(feed = feed.0, "cannot fetch full texts: {e}"),
        }
    }
    store
}

fn skip_reason(
    target: &FetchTarget,
    selection: Selection,
    interval: u32,
    now: DateTime<Utc>,
) -> Option<String> {
    if selection == Selection::Named {
        return None;
    }
    if target.gone {
        return Some("gone (HTTP 410); refresh it by name to try again".into());
    }
    if let Some(at) = target.retry_after.filter(|at| *at > now) {
        return Some(format!("the server asked to wait until {}", schedule::clock(at, now)));
    }
    if selection == Selection::Due
        && let Some((at, why)) = schedule::not_before(target, interval, now)
    {
        return Some(format!("next check at {} ({why})", schedule::clock(at, now)));
    }
    None
}

async fn fetch_one(
    fetcher: &Fetcher,
    pool: &ParsePool,
    target: FetchTarget,
    extras: &RequestExtras,
    keep: Option<u32>,
) -> Job {
    let validators = Validators { etag: target.etag.clone(), last_modified: target.last_modified.clone() };
    let fetched = match Source::parse(&target.url) {
        Ok(from) => source::fetch(fetcher, &from, &validators, extras).await,
        Err(e) => Err(e),
    };
    let fetched = match fetched {
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
    match pool.parse(fetched).await {
        Ok(feed) => Job::Ingest { target, record, feed: Box::new(feed), keep },
        Err(e) => Job::Failure {
            target,
            status: record.status,
            error: e.to_string(),
            gone: false,
            retry_after: None,
        },
    }
}

fn failure(target: FetchTarget, e: &FetchError) -> Job {
    let (gone, retry_after) = match e {
        FetchError::Status { status: 410, .. } => (true, None),
        FetchError::Status { retry_after, .. } => (false, *retry_after),
        _ => (false, None),
    };
    Job::Failure { target, status: e.status(), error: e.to_string(), gone, retry_after }
}

fn record(fetched: &Fetched, body_hash: Option<i64>) -> FetchRecord {
    FetchRecord {
        status: Some(fetched.status),
        etag: fetched.validators.etag.clone(),
        last_modified: fetched.validators.last_modified.clone(),
        body_hash,
        new_url: fetched.moved_to.clone(),
        fresh_until: fetched.fresh_until,
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

#[cfg(test)]
mod tests {
    use super::Summary;

    #[test]
    fn totals_line_says_singular_and_plural() {
        let one = Summary { feeds: 1, new: 1, failed: 1, skipped: 0, unchanged: 0 };
        assert_eq!(one.to_string(), "1 feed, 1 new article, 1 failed");
        let two = Summary { feeds: 2, new: 0, failed: 0, skipped: 1, unchanged: 1 };
        assert_eq!(two.to_string(), "2 feeds, 0 new articles, 0 failed, 1 skipped");
        assert_eq!(Summary::default().to_string(), "0 feeds, 0 new articles, 0 failed");
    }
}
