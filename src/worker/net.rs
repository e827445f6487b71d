//! The network thread: refreshes, one after another, and subscriptions alongside, on a tokio
//! runtime of its own.

use std::sync::Arc;
use std::sync::mpsc::Sender;

use tracing::debug;

use super::NetJob;
use crate::app::events::MsgSender;
use crate::app::msg::{Msg, SubscribeOutcome, Task};
use crate::config::Config;
use crate::domain::{FeedId, NewFeed};
use crate::refresh::Selection;
use crate::store::{Removals, Store, StoreError};
use crate::subscribe::SubscribeError;

/// Feeds fetched at once when subscribing to several.
const SUBSCRIBE_CONCURRENCY: usize = 8;

/// The network thread: refreshes one after another, subscriptions alongside.
pub(super) fn run(
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
    // The sync server's client lives as long as the reader: its login is reused, and renewed
    // when it expires. Taken by one refresh at a time (they hold `one_refresh`).
    let account: Shared = Arc::new(tokio::sync::Mutex::new(None));
    let send_scheduled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Full-text fetches share one client (its connections), made at the first one (not at
    // start, where the refresh comes first); they never wait for a refresh.
    let mut full_text_fetcher: Option<Result<crate::feed::Fetcher, String>> = None;
    runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        while let Some(job) = jobs.recv().await {
            let (config, path, to_ui, wake) =
                (config.clone(), db_path.to_path_buf(), ui.clone(), index_wake.clone());
            match job {
                NetJob::Refresh(feeds, due_only) => {
                    let gate = Arc::clone(&one_refresh);
                    let account = Arc::clone(&account);
                    tasks.spawn(async move {
                        let _turn = gate.acquire_owned().await;
                        refresh(&config, &path, feeds, due_only, &to_ui, &account).await;
                        let _ = wake.send(());
                    });
                }
                NetJob::FullText(id) => {
                    let fetcher = full_text_fetcher
                        .get_or_insert_with(|| {
                            crate::feed::Fetcher::new(&config.refresh).map_err(|e| e.to_string())
                        })
                        .clone();
                    tasks.spawn(async move { full_text(fetcher, path, id, &to_ui).await });
                }
                NetJob::SendChanges => {
                    // Several marks in a row are sent together, a moment after the first.
                    if !send_scheduled.swap(true, std::sync::atomic::Ordering::SeqCst) {
                        let (account, scheduled) = (Arc::clone(&account), Arc::clone(&send_scheduled));
                        tasks.spawn(async move {
                            tokio::time::sleep(SEND_CHANGES_AFTER).await;
                            scheduled.store(false, std::sync::atomic::Ordering::SeqCst);
                            send_changes(&config, &path, &account).await;
                        });
                    }
                }
                NetJob::SyncConfirmingRemovals => {
                    let gate = Arc::clone(&one_refresh);
                    let account = Arc::clone(&account);
                    tasks.spawn(async move {
                        let _turn = gate.acquire_owned().await;
                        sync(&config, &path, &to_ui, &account, Removals::All).await;
                        let _ = wake.send(());
                    });
                }
                NetJob::Subscribe(feeds) => {
                    let gate = Arc::clone(&one_refresh);
                    let account = Arc::clone(&account);
                    tasks.spawn(async move {
                        let results = subscribe(&config, &path, feeds).await;
                        let on_server = config.sync.is_some()
                            && results.iter().any(|(_, o)| matches!(o, SubscribeOutcome::Subscribed { .. }));
                        to_ui.send(Msg::Subscribed(results));
                        let _ = wake.send(());
                        if on_server {
                            // New subscriptions go to the server now (they wait here if it is away).
                            let _turn = gate.acquire_owned().await;
                            sync(&config, &path, &to_ui, &account, Removals::Few).await;
                            let _ = wake.send(());
                        }
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

/// How long after a mark the reader sends it to the sync server (marks made meanwhile go along).
const SEND_CHANGES_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// Sends the outbox to the sync server, quietly: a server that is away hears of the changes at
/// the next sync, which says so; reading offline is not interrupted by messages.
async fn send_changes(config: &Config, path: &std::path::Path, account: &Shared) {
    let mut slot = account.lock().await;
    let (account, mut store) = match connect(config, path, &mut slot) {
        Ok(Some(ready)) => ready,
        Ok(None) => return,
        Err(e) => return debug!("cannot send changes: {e}"),
    };
    match account.send_changes(&mut store).await {
        Ok(sent) => debug!(sent, "changes sent to the sync server"),
        Err(e) => debug!("changes not sent now (the next sync sends them): {e}"),
    }
}

/// The sync server's client, shared by the reader's refreshes.
type Shared = Arc<tokio::sync::Mutex<Option<crate::sync::Account>>>;

/// The sync server's client (made at first use, then kept with its login) and a connection to
/// the cache with the killfile set; `None` without `[sync]`.
fn connect<'a>(
    config: &Config,
    path: &std::path::Path,
    slot: &'a mut Option<crate::sync::Account>,
) -> Result<Option<(&'a mut crate::sync::Account, Store)>, String> {
    let Some(sync_config) = &config.sync else { return Ok(None) };
    if slot.is_none() {
        *slot = Some(crate::sync::Account::new(sync_config, config).map_err(|e| e.to_string())?);
    }
    let Some(account) = slot.as_mut() else { return Ok(None) };
    let mut store = Store::open(path).map_err(|e| e.to_string())?;
    store.set_kill_rules(&config.kill);
    Ok(Some((account, store)))
}

/// One sync with the server of `[sync]`, reported as `SyncProgress` and `SyncFinished` (and
/// `SyncRemovalsHeld` when the server's list dropped most feeds and they were kept).
async fn sync(config: &Config, path: &std::path::Path, ui: &MsgSender, account: &Shared, removals: Removals) {
    let mut slot = account.lock().await;
    let (account, mut store) = match connect(config, path, &mut slot) {
        Ok(Some(ready)) => ready,
        Ok(None) => return,
        Err(e) => {
            ui.send(Msg::SyncFinished(Err(e)));
            return;
        }
    };
    let progress_ui = ui.clone();
    let mut progress = move |p: crate::sync::Progress| {
        progress_ui.send(Msg::SyncProgress(p.to_string()));
    };
    let result = account.sync(&mut store, config, removals, &mut progress).await;
    let held = result.as_ref().ok().filter(|r| r.subscriptions.held > 0).map(|r| Msg::SyncRemovalsHeld {
        host: r.host.clone(),
        held: r.subscriptions.held,
        synced: r.subscriptions.synced,
    });
    let result = result.map(|r| r.to_string()).map_err(|e| {
        let waiting = store.outbox_len().unwrap_or(0);
        if waiting > 0 {
            format!("{e} ({waiting} read/star change{} waiting)", if waiting == 1 { "" } else { "s" })
        } else {
            e.to_string()
        }
    });
    ui.send(Msg::SyncFinished(result));
    if let Some(held) = held {
        ui.send(held);
    }
}

async fn refresh(
    config: &Config,
    path: &std::path::Path,
    feeds: Option<Vec<FeedId>>,
    due_only: bool,
    ui: &MsgSender,
    account: &Shared,
) {
    let fail = |e: StoreError| {
        ui.send(Msg::Failed { task: Task::Refresh, error: e.to_string() });
        ui.send(Msg::RefreshFinished(crate::refresh::Summary::default()));
    };
    let store = match Store::open(path) {
        Ok(mut s) => {
            s.set_kill_rules(&config.kill);
            s
        }
        Err(e) => return fail(e),
    };
    let selection = match (&feeds, due_only) {
        (_, true) => Selection::Due,
        (Some(_), false) => Selection::Named,
        (None, false) => Selection::All,
    };
    let targets = match store.fetch_targets(feeds.as_deref()) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    // Every feed, or named ones of which one is the server's: a sync too.
    let with_sync = config.sync.is_some()
        && feeds.as_ref().is_none_or(|ids| {
            ids.iter().any(|id| store.feed(*id).ok().flatten().is_some_and(|f| f.source.is_some()))
        });
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
    if with_sync {
        sync(config, path, ui, account, Removals::Few).await;
    }
    match done {
        Ok((_, summary)) => {
            ui.send(Msg::RefreshFinished(summary));
        }
        Err(e) => fail(e),
    }
}

/// Fetches an article's page, stores its extracted text (or why there is none) and answers with
/// the article, parsed, ready to show. The cache work runs on the blocking pool.
async fn full_text(
    fetcher: Result<crate::feed::Fetcher, String>,
    path: std::path::PathBuf,
    id: crate::domain::ArticleId,
    ui: &MsgSender,
) {
    let open = {
        let path = path.clone();
        tokio::task::spawn_blocking(move || -> Result<_, String> {
            let store = Store::open(&path).map_err(|e| e.to_string())?;
            store.full_text_target(id).map_err(|e| e.to_string())
        })
        .await
    };
    let target = match open {
        Ok(Ok(Some(target))) => target,
        Ok(Ok(None)) => {
            let (title, result) = (String::new(), Err("the article is no longer in the cache".to_string()));
            ui.send(Msg::FullTextFetched { id, title, result });
            return;
        }
        Ok(Err(error)) => {
            ui.send(Msg::Failed { task: Task::FullText, error });
            return;
        }
        Err(e) => {
            ui.send(Msg::Failed { task: Task::FullText, error: e.to_string() });
            return;
        }
    };
    let title = target.title.clone();
    let page = match &fetcher {
        Ok(fetcher) => crate::fulltext::fetch_target(&target, fetcher).await,
        Err(e) => {
            let error = format!("the HTTP client could not be set up: {e}");
            ui.send(Msg::FullTextFetched { id, title, result: Err(error) });
            return;
        }
    };
    let outcome = match page {
        Ok(page) => {
            // Recorded as tried before it is read (see `fulltext::mark_reading`).
            let marked = {
                let path = path.clone();
                tokio::task::spawn_blocking(move || -> Result<(), String> {
                    let mut store = Store::open(&path).map_err(|e| e.to_string())?;
                    crate::fulltext::mark_reading(&mut store, id, chrono::Utc::now())
                        .map_err(|e| e.to_string())
                })
                .await
            };
            if let Some(error) = marked.map_err(|e| e.to_string()).and_then(|m| m).err() {
                ui.send(Msg::Failed { task: Task::FullText, error });
                return;
            }
            crate::fulltext::read(page).await
        }
        Err(e) => Err(e),
    };
    let stored = tokio::task::spawn_blocking(move || -> Result<_, String> {
        let mut store = Store::open(&path).map_err(|e| e.to_string())?;
        crate::fulltext::store_outcome(&mut store, id, &outcome, chrono::Utc::now())
            .map_err(|e| e.to_string())?;
        outcome.map_err(|e| e.to_string())?;
        let article =
            store.article(id).map_err(|e| e.to_string())?.ok_or("the article is no longer in the cache")?;
        let prepared = crate::text::article::prepare(&article);
        Ok(Box::new((article, prepared)))
    })
    .await;
    let result = stored.unwrap_or_else(|e| Err(format!("an internal error stopped it ({e})")));
    ui.send(Msg::FullTextFetched { id, title, result });
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
    let kill = config.kill.clone();
    let path = path.to_path_buf();
    let source = config.sync.as_ref().map(|s| s.kind.name());
    let stored = tokio::task::spawn_blocking(move || {
        let mut store = match Store::open(&path) {
            Ok(mut s) => {
                // A new subscription's first articles meet the killfile too.
                s.set_kill_rules(&kill);
                s
            }
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
                        let stored = crate::subscribe::store_found(
                            &mut store,
                            found,
                            feed.title.clone(),
                            feed.tags.clone(),
                            &retention,
                        );
                        // With a sync server, a web feed is the server's: it is sent there at
                        // the sync that follows (its articles, fetched now, are matched up).
                        let stored = match (stored, source) {
                            (Ok(done), Some(source))
                                if !crate::feed::source::Source::is_local_address(&url) =>
                            {
                                store
                                    .add_synced_feed(
                                        source,
                                        &NewFeed { url: url.clone(), title: None, tags: Vec::new() },
                                        chrono::Utc::now(),
                                    )
                                    .map(|_| done)
                            }
                            (stored, _) => stored,
                        };
                        match stored {
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
