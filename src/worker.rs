//! Runs the reader's effects off the UI thread and reports what happened as messages. It only
//! executes: every decision about what to do next (a refresh after an import, "a refresh is
//! running") is `update`'s.
//!
//! Three threads: the database thread (pages, articles, related, marks, imports: one
//! connection, requests in order, superseded loads skipped), the network thread (refreshes, one
//! at a time, and subscriptions on a tokio runtime), and the indexer (fills the search index in
//! the background, at low priority). A thread that panics says so before it ends, so the reader
//! can tell the user. None of them touches the UI state.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use tracing::{debug, warn};

use crate::app::effect::{Effect, Target};
use crate::app::events::MsgSender;
use crate::app::msg::{Msg, PageKind, SidebarData, SubscribeOutcome, Task};
use crate::config::Config;
use crate::domain::{ArticleFilter, FeedId, NewFeed};
use crate::paths::Paths;
use crate::refresh::Selection;
use crate::store::{Store, StoreError};
use crate::subscribe::SubscribeError;

/// Articles the indexer takes per transaction.
const INDEX_BATCH: usize = 200;
/// Feeds fetched at once when subscribing to several.
const SUBSCRIBE_CONCURRENCY: usize = 8;

/// Work for the network thread.
enum NetJob {
    Refresh(Option<Vec<FeedId>>),
    Subscribe(Vec<NewFeed>),
}

/// A worker thread is gone: what was sent to it will not happen.
#[derive(Debug, thiserror::Error)]
#[error("the {0} thread has stopped")]
pub struct Stopped(pub &'static str);

/// The running worker; dropping it stops its threads.
pub struct Worker {
    db: Option<Sender<Effect>>,
    net: Option<tokio::sync::mpsc::UnboundedSender<NetJob>>,
    index_wake: Option<Sender<()>>,
    out: MsgSender,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Worker {
    /// Starts the threads. `out` receives every result.
    pub fn start(paths: &Paths, config: &Config, out: &MsgSender) -> Result<Self, StoreError> {
        let db_store = Store::open(&paths.database())?;
        let index_store = Store::open(&paths.database())?;
        let (db_tx, db_rx) = channel::<Effect>();
        let (net_tx, net_rx) = tokio::sync::mpsc::unbounded_channel::<NetJob>();
        let (wake_tx, wake_rx) = channel::<()>();
        let mut threads = Vec::new();
        let to_ui = out.clone();
        threads.push(spawn("tidings-db", out, move || db_loop(db_store, &db_rx, &to_ui))?);
        let (to_ui, wake) = (out.clone(), wake_tx.clone());
        let (config, db_path) = (config.clone(), paths.database());
        threads.push(spawn("tidings-net", out, move || net_loop(net_rx, &config, &db_path, &to_ui, &wake))?);
        let to_ui = out.clone();
        threads.push(spawn("tidings-index", out, move || index_loop(index_store, &wake_rx, &to_ui))?);
        Ok(Self { db: Some(db_tx), net: Some(net_tx), index_wake: Some(wake_tx), out: out.clone(), threads })
    }

    /// Runs an effect on the thread its [`Effect::target`] names (terminal effects belong to
    /// the loop and are ignored here). Fails when that thread has stopped.
    pub fn run(&self, effect: Effect) -> Result<(), Stopped> {
        match effect.target() {
            Target::Database => {
                let sent = self.db.as_ref().is_some_and(|db| db.send(effect).is_ok());
                if sent { Ok(()) } else { Err(Stopped("tidings-db")) }
            }
            Target::Network => {
                let job = match effect {
                    Effect::Refresh { feeds } => NetJob::Refresh(feeds),
                    Effect::Subscribe { feeds } => NetJob::Subscribe(feeds),
                    _ => return Ok(()),
                };
                let sent = self.net.as_ref().is_some_and(|net| net.send(job).is_ok());
                if sent { Ok(()) } else { Err(Stopped("tidings-net")) }
            }
            Target::Process => {
                if let Effect::OpenBrowser { argv, .. } = effect {
                    start_browser(&argv, self.out.clone());
                }
                Ok(())
            }
            Target::Terminal => {
                warn!("a terminal effect reached the worker: {effect:?}");
                Ok(())
            }
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.db.take();
        self.net.take();
        self.index_wake.take();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// Starts a named thread that reports a panic to the loop before it ends.
fn spawn(
    name: &'static str,
    out: &MsgSender,
    body: impl FnOnce() + Send + 'static,
) -> Result<std::thread::JoinHandle<()>, StoreError> {
    let out = out.clone();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            if let Err(panic) = std::panic::catch_unwind(AssertUnwindSafe(body)) {
                let reason = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".to_string());
                tracing::error!("the {name} thread stopped: {reason}");
                out.send(Msg::WorkerStopped { thread: name.to_string(), reason });
            }
        })
        .map_err(|e| StoreError::Writer(format!("cannot start the {name} thread: {e}")))
}

/// Starts a browser that runs outside the terminal and lets it run; a browser that cannot be
/// started, or exits at once with a failure, is reported.
fn start_browser(argv: &[String], out: MsgSender) {
    let Some((program, args)) = argv.split_first() else { return };
    let mut command = std::process::Command::new(program);
    command
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // Its own process group: a Ctrl-c in the reader's terminal is not the browser's.
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    match command.spawn() {
        Ok(mut child) => {
            let program = program.clone();
            // Waited for on a thread of its own (no zombie, no wait in the reader).
            let _ = std::thread::Builder::new().name("tidings-browser".into()).spawn(move || {
                if let Ok(status) = child.wait()
                    && !status.success()
                {
                    let error = format!("{program} exited with {status}");
                    out.send(Msg::Failed { task: Task::Browser, error });
                }
            });
        }
        Err(e) => {
            out.send(Msg::Failed { task: Task::Browser, error: format!("cannot run {program}: {e}") });
        }
    }
}

/// The database thread: effects in order; a load that a later one of the same kind supersedes
/// is skipped.
fn db_loop(mut store: Store, effects: &Receiver<Effect>, ui: &MsgSender) {
    while let Ok(first) = effects.recv() {
        let mut batch = vec![first];
        batch.extend(effects.try_iter());
        for effect in supersede(batch) {
            if let Some(msg) = run_db(&mut store, effect)
                && !ui.send(msg)
            {
                return;
            }
        }
    }
}

/// Drops loads made pointless by a later load of the same kind in the same batch.
fn supersede(batch: Vec<Effect>) -> Vec<Effect> {
    let same = |a: &Effect, b: &Effect| {
        matches!(
            (a, b),
            (Effect::LoadArticle { .. }, Effect::LoadArticle { .. })
                | (Effect::LoadRelated { .. }, Effect::LoadRelated { .. })
                | (Effect::LoadSidebar, Effect::LoadSidebar)
                | (Effect::LoadPage { .. }, Effect::LoadPage { kind: PageKind::Replace { .. }, .. })
        )
    };
    let keep: Vec<bool> =
        batch.iter().enumerate().map(|(i, e)| !batch[i + 1..].iter().any(|later| same(e, later))).collect();
    batch.into_iter().zip(keep).filter_map(|(e, k)| k.then_some(e)).collect()
}

/// What the database thread was doing for an effect, for failure messages.
fn task_of(effect: &Effect) -> Task {
    match effect {
        Effect::LoadPage { .. } => Task::LoadList,
        Effect::LoadArticle { .. } => Task::LoadArticle,
        Effect::LoadRelated { .. } => Task::LoadRelated,
        Effect::LoadSidebar => Task::LoadSidebar,
        Effect::Mark { .. } => Task::Mark,
        Effect::MarkAllRead { .. } => Task::MarkAllRead,
        Effect::Import { .. } => Task::Import,
        Effect::Unsubscribe { .. } => Task::Unsubscribe,
        Effect::Refresh { .. } | Effect::Subscribe { .. } => Task::Refresh,
        Effect::OpenBrowser { .. } => Task::Browser,
        Effect::CopyToClipboard { .. } => Task::Clipboard,
    }
}

/// Runs one database effect; what happened comes back as a message.
fn run_db(store: &mut Store, effect: Effect) -> Option<Msg> {
    let task = task_of(&effect);
    let result: Result<Option<Msg>, String> = (|| {
        Ok(match effect {
            Effect::LoadPage { req, filter, page, limit, kind } => {
                let rows = store.page(&filter, page, limit).map_err(cache)?;
                let counts = store.counts(&filter).map_err(cache)?;
                Some(Msg::PageLoaded { req, kind, full: rows.len() == limit, rows, counts })
            }
            Effect::LoadArticle { req, id } => {
                let article = store.article(id).map_err(cache)?.ok_or("it is no longer in the cache")?;
                let prepared = crate::text::article::prepare(&article);
                Some(Msg::ArticleLoaded { req, article: Box::new((article, prepared)) })
            }
            Effect::LoadRelated { req, id } => {
                let items = match store.article(id).map_err(cache)? {
                    Some(article) => store.related(&article, 6).map_err(cache)?,
                    None => Vec::new(),
                };
                Some(Msg::RelatedLoaded { req, items })
            }
            Effect::LoadSidebar => Some(Msg::SidebarLoaded(Box::new(sidebar(store).map_err(cache)?))),
            Effect::Mark { ids, mark } => {
                store.mark(&ids, mark).map_err(cache)?;
                None
            }
            Effect::MarkAllRead { filter } => {
                Some(Msg::MarkedRead(store.mark_all_read(&filter).map_err(cache)?))
            }
            Effect::Import { path } => Some(import(store, &path)?),
            Effect::Unsubscribe { feed } => {
                let found = store.feed(feed).map_err(cache)?.ok_or("the feed is no longer subscribed")?;
                store.remove_feed(feed).map_err(cache)?;
                let new = NewFeed { url: found.url, title: None, tags: found.tags };
                Some(Msg::Unsubscribed { id: feed, feed: new, title: found.title })
            }
            Effect::Refresh { .. }
            | Effect::Subscribe { .. }
            | Effect::OpenBrowser { .. }
            | Effect::CopyToClipboard { .. } => None,
        })
    })();
    result.unwrap_or_else(|error| {
        warn!("{}: {error}", task.doing());
        Some(Msg::Failed { task, error })
    })
}

/// A cache error as the user sees it.
#[allow(clippy::needless_pass_by_value)] // used as `map_err(cache)`
fn cache(e: StoreError) -> String {
    debug!("cache: {e:?}");
    e.to_string()
}

/// Feeds, tags and totals.
pub fn sidebar(store: &Store) -> Result<SidebarData, StoreError> {
    let feeds = store.feeds()?;
    let (total, unread) = store.counts(&ArticleFilter::default())?;
    Ok(SidebarData { tags: store.tag_counts()?, starred: store.starred_count()?, feeds, unread, total })
}

fn import(store: &mut Store, path: &str) -> Result<Msg, String> {
    let expanded = expand_home(path);
    let bytes = std::fs::read(&expanded).map_err(|e| format!("cannot read {path}: {e}"))?;
    let done = crate::subscribe::import(store, &bytes).map_err(cache)?;
    Ok(Msg::Imported {
        path: path.to_string(),
        added: done.added,
        present: done.present,
        rejected: done.rejected.into_iter().map(|r| (r.line, r.reason)).collect(),
    })
}

fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::PathBuf::from(home).join(rest),
        _ => std::path::PathBuf::from(path),
    }
}

/// The network thread: refreshes one after another, subscriptions alongside.
fn net_loop(
    mut jobs: tokio::sync::mpsc::UnboundedReceiver<NetJob>,
    config: &Config,
    db_path: &std::path::Path,
    ui: &MsgSender,
    index_wake: &Sender<()>,
) {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            ui.send(Msg::Failed {
                task: Task::Refresh,
                error: format!("cannot start the network runtime: {e}"),
            });
            return;
        }
    };
    // One refresh at a time: a second one waits for the first.
    let one_refresh = Arc::new(tokio::sync::Semaphore::new(1));
    runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        while let Some(job) = jobs.recv().await {
            let (config, path, to_ui, wake) =
                (config.clone(), db_path.to_path_buf(), ui.clone(), index_wake.clone());
            match job {
                NetJob::Refresh(feeds) => {
                    let gate = Arc::clone(&one_refresh);
                    tasks.spawn(async move {
                        let _turn = gate.acquire_owned().await;
                        refresh(&config, &path, feeds, &to_ui).await;
                        let _ = wake.send(());
                    });
                }
                NetJob::Subscribe(feeds) => {
                    tasks.spawn(async move {
                        let results = subscribe(&config, &path, feeds).await;
                        to_ui.send(Msg::Subscribed(results));
                        let _ = wake.send(());
                    });
                }
            }
            // Reap finished tasks; a panic in one is reported like a stopped thread.
            while let Some(done) = tasks.try_join_next() {
                report_panic(done, ui);
            }
        }
        // The reader is closing: a refresh still running is dropped (each feed is written
        // atomically, so what is not written is simply fetched again next time).
        tasks.abort_all();
    });
}

fn report_panic(done: Result<(), tokio::task::JoinError>, ui: &MsgSender) {
    if let Err(e) = done
        && e.is_panic()
    {
        tracing::error!("a network task panicked: {e}");
        ui.send(Msg::Failed {
            task: Task::Refresh,
            error: "an internal error stopped it (see the log)".into(),
        });
    }
}

async fn refresh(config: &Config, path: &std::path::Path, feeds: Option<Vec<FeedId>>, ui: &MsgSender) {
    let fail = |e: StoreError| {
        ui.send(Msg::Failed { task: Task::Refresh, error: e.to_string() });
        ui.send(Msg::RefreshFinished(crate::refresh::Summary::default()));
    };
    let store = match Store::open(path) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let selection = if feeds.is_some() { Selection::Named } else { Selection::All };
    let targets = match store.fetch_targets(feeds.as_deref()) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    ui.send(Msg::RefreshStarted { total: targets.len() });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let forward = {
        let ui = ui.clone();
        tokio::spawn(async move {
            while let Some(result) = rx.recv().await {
                ui.send(Msg::FeedRefreshed(result));
            }
        })
    };
    let done = crate::refresh::run(store, config, targets, selection, tx).await;
    let _ = forward.await;
    match done {
        Ok((_, summary)) => {
            ui.send(Msg::RefreshFinished(summary));
        }
        Err(e) => fail(e),
    }
}

/// Fetches each URL (a web page is searched for its feed) and subscribes to the ones that
/// answer with a feed; one outcome per URL, in order.
async fn subscribe(
    config: &Config,
    path: &std::path::Path,
    feeds: Vec<NewFeed>,
) -> Vec<(NewFeed, SubscribeOutcome)> {
    use futures_util::StreamExt as _;
    let failed = |reason: String, unreachable: bool| SubscribeOutcome::Failed { reason, unreachable };
    let fetcher = match crate::feed::Fetcher::new(&config.refresh) {
        Ok(f) => f,
        Err(e) => return feeds.into_iter().map(|f| (f, failed(e.to_string(), false))).collect(),
    };
    let found: Vec<_> = futures_util::stream::iter(feeds.into_iter().map(|feed| {
        let fetcher = fetcher.clone();
        async move {
            let found = crate::subscribe::find_feed(&fetcher, &feed.url).await;
            (feed, found)
        }
    }))
    .buffered(SUBSCRIBE_CONCURRENCY)
    .collect()
    .await;
    let retention = config.retention.clone();
    let path = path.to_path_buf();
    let stored = tokio::task::spawn_blocking(move || {
        let mut store = match Store::open(&path) {
            Ok(s) => s,
            Err(e) => {
                let reason = e.to_string();
                return found.into_iter().map(|(f, _)| (f, failed(reason.clone(), false))).collect();
            }
        };
        found
            .into_iter()
            .map(|(feed, found)| {
                let outcome = match found {
                    Ok(found) => {
                        let (url, others) =
                            (found.url.clone(), found.others.iter().map(|o| o.url.clone()).collect());
                        match crate::subscribe::store_found(
                            &mut store,
                            found,
                            feed.title.clone(),
                            feed.tags.clone(),
                            &retention,
                        ) {
                            Ok(done) => SubscribeOutcome::Subscribed {
                                title: done.title,
                                url,
                                created: done.created,
                                new: done.new,
                                others,
                            },
                            Err(e) => failed(e.to_string(), false),
                        }
                    }
                    Err(e) => {
                        debug!("subscribing to {}: {e:?}", feed.url);
                        let unreachable = unreachable(&e);
                        failed(e.to_string(), unreachable)
                    }
                };
                (feed, outcome)
            })
            .collect()
    })
    .await;
    stored.unwrap_or_default()
}

/// Whether a subscription failed because the server could not be reached at all.
fn unreachable(e: &SubscribeError) -> bool {
    use crate::feed::fetch::FetchError;
    let offline =
        |error: &FetchError| matches!(error, FetchError::Unreachable { .. } | FetchError::Timeout { .. });
    match e {
        SubscribeError::Fetch { error, .. } | SubscribeError::NoScheme { error, .. } => offline(error),
        _ => false,
    }
}

/// The indexer: takes in new articles, then older ones, in small transactions at low priority;
/// sleeps when done until a refresh or a subscription wakes it.
fn index_loop(mut store: Store, wake: &Receiver<()>, ui: &MsgSender) {
    if let Err(e) = thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min) {
        debug!("cannot lower the indexer's priority: {e:?}");
    }
    let mut last_report = std::time::Instant::now();
    loop {
        let wait = match store.index_some(INDEX_BATCH) {
            Ok(p) if p.indexed > 0 => {
                if last_report.elapsed() > Duration::from_millis(500) || p.remaining == 0 {
                    last_report = std::time::Instant::now();
                    if !ui.send(Msg::IndexProgress { remaining: p.remaining }) {
                        return;
                    }
                }
                Duration::from_millis(2)
            }
            Ok(_) => Duration::from_secs(60),
            Err(e) => {
                warn!("indexing: {e}");
                Duration::from_secs(30)
            }
        };
        match wake.recv_timeout(wait) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_that_panics_says_so_before_it_ends() {
        let (out, _tx, rx) = crate::app::events::channel_pair();
        let handle = spawn("tidings-test", &out, || panic!("the index is on fire")).unwrap();
        handle.join().unwrap();
        let Ok(crate::app::events::Event::Msg(Msg::WorkerStopped { thread, reason })) = rx.try_recv() else {
            panic!("no report")
        };
        assert_eq!((thread.as_str(), reason.as_str()), ("tidings-test", "the index is on fire"));
        // A thread that ends normally says nothing.
        spawn("tidings-test", &out, || {}).unwrap().join().unwrap();
        assert!(rx.try_recv().is_err());
    }

    #[test]
    fn later_loads_supersede_earlier_ones_of_their_kind_only() {
        use crate::domain::ArticleId;
        use crate::store::Mark;
        let batch = vec![
            Effect::LoadArticle { req: 1, id: ArticleId(1) },
            Effect::Mark { ids: vec![ArticleId(1)], mark: Mark::Read },
            Effect::LoadRelated { req: 2, id: ArticleId(1) },
            Effect::LoadArticle { req: 3, id: ArticleId(2) },
            Effect::Mark { ids: vec![ArticleId(2)], mark: Mark::Read },
        ];
        let kept = supersede(batch);
        assert_eq!(
            kept,
            vec![
                Effect::Mark { ids: vec![ArticleId(1)], mark: Mark::Read },
                Effect::LoadRelated { req: 2, id: ArticleId(1) },
                Effect::LoadArticle { req: 3, id: ArticleId(2) },
                Effect::Mark { ids: vec![ArticleId(2)], mark: Mark::Read },
            ],
            "every mark is kept, in order"
        );
    }
}
