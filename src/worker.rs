//! Runs the reader's effects off the UI thread and sends the results back as messages.
//!
//! Three threads: the database thread (pages, articles, related, marks, imports: one
//! connection, requests in order, superseded loads skipped), the network thread (refreshes and
//! subscriptions on a tokio runtime), and the indexer (fills the search index in the
//! background, at low priority). None of them touches the UI state.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, atomic::AtomicBool, atomic::Ordering};
use std::time::Duration;

use tracing::{debug, warn};

use crate::app::effect::Effect;
use crate::app::msg::{Msg, SidebarData};
use crate::config::Config;
use crate::domain::{ArticleFilter, FeedId, NewFeed};
use crate::paths::Paths;
use crate::refresh::Selection;
use crate::store::{Store, StoreError};

/// Articles the indexer takes per transaction.
const INDEX_BATCH: usize = 200;

/// Work for the network thread.
enum NetJob {
    Refresh(Option<Vec<FeedId>>),
    AddFeed(String),
}

/// The running worker; dropping it stops its threads.
pub struct Worker {
    db: Option<Sender<Effect>>,
    net: Option<tokio::sync::mpsc::UnboundedSender<NetJob>>,
    index_wake: Option<Sender<()>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Worker {
    /// Starts the threads. `msgs` receives every result.
    pub fn start(paths: &Paths, config: &Config, msgs: &Sender<Msg>) -> Result<Self, StoreError> {
        let db_store = Store::open(&paths.database())?;
        let index_store = Store::open(&paths.database())?;
        let (db_tx, db_rx) = channel::<Effect>();
        let (net_tx, net_rx) = tokio::sync::mpsc::unbounded_channel::<NetJob>();
        let (wake_tx, wake_rx) = channel::<()>();
        let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.into())
                .spawn(f)
                .map_err(|e| StoreError::Writer(e.to_string()))
        };
        let mut threads = Vec::new();
        let (to_ui, to_net) = (msgs.clone(), net_tx.clone());
        threads.push(spawn("tidings-db", Box::new(move || db_loop(db_store, &db_rx, &to_ui, &to_net)))?);
        let (to_ui, wake) = (msgs.clone(), wake_tx.clone());
        let (config, db_path) = (config.clone(), paths.database());
        threads.push(spawn(
            "tidings-net",
            Box::new(move || net_loop(net_rx, &config, &db_path, &to_ui, &wake)),
        )?);
        let to_ui = msgs.clone();
        threads.push(spawn("tidings-index", Box::new(move || index_loop(index_store, &wake_rx, &to_ui)))?);
        Ok(Self { db: Some(db_tx), net: Some(net_tx), index_wake: Some(wake_tx), threads })
    }

    /// Runs an effect (the terminal ones, `OpenUrl` and `CopyUrl`, belong to the loop).
    pub fn run(&self, effect: Effect) {
        match effect {
            Effect::Refresh { feeds } => self.net(NetJob::Refresh(feeds)),
            Effect::AddFeed { url } => self.net(NetJob::AddFeed(url)),
            Effect::OpenUrl { .. } | Effect::CopyUrl { .. } => {}
            other => {
                if let Some(db) = &self.db {
                    let _ = db.send(other);
                }
            }
        }
    }

    fn net(&self, job: NetJob) {
        if let Some(net) = &self.net {
            let _ = net.send(job);
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

/// The database thread: effects in order; a load that a later one of the same kind supersedes
/// is skipped.
fn db_loop(
    mut store: Store,
    effects: &Receiver<Effect>,
    ui: &Sender<Msg>,
    net: &tokio::sync::mpsc::UnboundedSender<NetJob>,
) {
    while let Ok(first) = effects.recv() {
        let mut batch = vec![first];
        batch.extend(effects.try_iter());
        for effect in supersede(&batch) {
            if let Some(msg) = run_db(&mut store, effect, net)
                && ui.send(msg).is_err()
            {
                return;
            }
        }
    }
}

/// Drops loads made pointless by a later load of the same kind in the same batch.
fn supersede(batch: &[Effect]) -> Vec<Effect> {
    let same = |a: &Effect, b: &Effect| {
        matches!(
            (a, b),
            (Effect::LoadArticle { .. }, Effect::LoadArticle { .. })
                | (Effect::LoadRelated { .. }, Effect::LoadRelated { .. })
                | (Effect::LoadSidebar, Effect::LoadSidebar)
                | (
                    Effect::LoadPage { .. },
                    Effect::LoadPage { kind: crate::app::msg::PageKind::Replace { .. }, .. }
                )
        )
    };
    let mut kept = Vec::with_capacity(batch.len());
    for (i, e) in batch.iter().enumerate() {
        if !batch[i + 1..].iter().any(|later| same(e, later)) {
            kept.push(e.clone());
        }
    }
    kept
}

fn run_db(
    store: &mut Store,
    effect: Effect,
    net: &tokio::sync::mpsc::UnboundedSender<NetJob>,
) -> Option<Msg> {
    let result: Result<Option<Msg>, StoreError> = (|| {
        Ok(match effect {
            Effect::LoadPage { req, filter, page, limit, kind } => {
                let rows = store.page(&filter, page, limit)?;
                let counts = store.counts(&filter)?;
                Some(Msg::PageLoaded { req, kind, full: rows.len() == limit, rows, counts })
            }
            Effect::LoadArticle { req, id } => {
                store.article(id)?.map(|article| Msg::ArticleLoaded { req, article: Box::new(article) })
            }
            Effect::LoadRelated { req, id } => {
                let items = match store.article(id)? {
                    Some(article) => store.related(&article, 6)?,
                    None => Vec::new(),
                };
                Some(Msg::RelatedLoaded { req, items })
            }
            Effect::LoadSidebar => Some(Msg::SidebarLoaded(Box::new(sidebar(store)?))),
            Effect::Mark { ids, mark } => {
                store.mark(&ids, mark)?;
                None
            }
            Effect::MarkAllRead { filter } => {
                store.mark_all_read(&filter)?;
                Some(Msg::SidebarLoaded(Box::new(sidebar(store)?)))
            }
            Effect::Import { path } => Some(import(store, &path, net)?),
            Effect::SubscribeStarter => {
                let now = chrono::Utc::now();
                for (url, tag) in crate::app::starter::FEEDS {
                    store.add_feed(
                        &NewFeed { url: (*url).into(), title: None, tags: vec![(*tag).into()] },
                        now,
                    )?;
                }
                let _ = net.send(NetJob::Refresh(None));
                Some(Msg::FeedAdded {
                    message: format!(
                        "Subscribed to {} feeds; fetching them…",
                        crate::app::starter::FEEDS.len()
                    ),
                })
            }
            Effect::Refresh { .. }
            | Effect::AddFeed { .. }
            | Effect::OpenUrl { .. }
            | Effect::CopyUrl { .. } => None,
        })
    })();
    result.unwrap_or_else(|e| {
        warn!("database: {e}");
        Some(Msg::Error(format!("database: {e}")))
    })
}

/// Feeds, tags and totals.
pub fn sidebar(store: &Store) -> Result<SidebarData, StoreError> {
    let feeds = store.feeds()?;
    let (total, unread) = store.counts(&ArticleFilter::default())?;
    Ok(SidebarData { tags: store.tag_counts()?, starred: store.starred_count()?, feeds, unread, total })
}

fn import(
    store: &mut Store,
    path: &str,
    net: &tokio::sync::mpsc::UnboundedSender<NetJob>,
) -> Result<Msg, StoreError> {
    let expanded = expand_home(path);
    let bytes = match std::fs::read(&expanded) {
        Ok(b) => b,
        Err(e) => return Ok(Msg::Error(format!("cannot read {path}: {e}"))),
    };
    let done = crate::subscribe::import(store, &bytes)?;
    if done.added > 0 {
        let _ = net.send(NetJob::Refresh(None));
    }
    let first = done.rejected.first().map(|r| format!("; line {}: {}", r.line, r.reason)).unwrap_or_default();
    Ok(Msg::FeedAdded {
        message: format!(
            "Imported {path}: {} added, {} already there, {} rejected{first}",
            done.added,
            done.present,
            done.rejected.len()
        ),
    })
}

fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::PathBuf::from(home).join(rest),
        _ => std::path::PathBuf::from(path),
    }
}

/// The network thread: one refresh at a time, subscriptions alongside.
fn net_loop(
    mut jobs: tokio::sync::mpsc::UnboundedReceiver<NetJob>,
    config: &Config,
    db_path: &std::path::Path,
    ui: &Sender<Msg>,
    index_wake: &Sender<()>,
) {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            let _ = ui.send(Msg::Error(format!("cannot start the network runtime: {e}")));
            return;
        }
    };
    let running = Arc::new(AtomicBool::new(false));
    runtime.block_on(async {
        while let Some(job) = jobs.recv().await {
            match job {
                NetJob::Refresh(feeds) => {
                    if running.swap(true, Ordering::SeqCst) {
                        let _ = ui.send(Msg::Notice("A refresh is already running".into()));
                        continue;
                    }
                    let (config, path, ui, wake, running) = (
                        config.clone(),
                        db_path.to_path_buf(),
                        ui.clone(),
                        index_wake.clone(),
                        Arc::clone(&running),
                    );
                    tokio::spawn(async move {
                        refresh(&config, &path, feeds, &ui).await;
                        running.store(false, Ordering::SeqCst);
                        let _ = wake.send(());
                    });
                }
                NetJob::AddFeed(url) => {
                    let (config, path, ui, wake) =
                        (config.clone(), db_path.to_path_buf(), ui.clone(), index_wake.clone());
                    tokio::spawn(async move {
                        let msg = add_feed(&config, &path, &url).await;
                        let _ = ui.send(msg);
                        let _ = wake.send(());
                    });
                }
            }
        }
    });
}

async fn refresh(config: &Config, path: &std::path::Path, feeds: Option<Vec<FeedId>>, ui: &Sender<Msg>) {
    let store = match Store::open(path) {
        Ok(s) => s,
        Err(e) => {
            let _ = ui.send(Msg::Error(format!("refresh: {e}")));
            return;
        }
    };
    let (targets, selection) = match &feeds {
        Some(ids) => (store.fetch_targets(Some(ids)), Selection::Named),
        None => (store.fetch_targets(None), Selection::All),
    };
    let targets = match targets {
        Ok(t) => t,
        Err(e) => {
            let _ = ui.send(Msg::Error(format!("refresh: {e}")));
            return;
        }
    };
    let _ = ui.send(Msg::RefreshStarted { total: targets.len() });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let forward = {
        let ui = ui.clone();
        tokio::spawn(async move {
            while let Some(result) = rx.recv().await {
                let _ = ui.send(Msg::FeedRefreshed(result));
            }
        })
    };
    let done = crate::refresh::run(store, config, targets, selection, tx).await;
    let _ = forward.await;
    match done {
        Ok((_, summary)) => {
            let _ = ui.send(Msg::RefreshFinished(summary));
        }
        Err(e) => {
            let _ = ui.send(Msg::Error(format!("refresh: {e}")));
            let _ = ui.send(Msg::RefreshFinished(crate::refresh::Summary::default()));
        }
    }
}

async fn add_feed(config: &Config, path: &std::path::Path, url: &str) -> Msg {
    let url = match crate::feed::fetch::parse_http_url(url) {
        Ok(u) => u.to_string(),
        Err(e) => return Msg::Error(e.to_string()),
    };
    let fetcher = match crate::feed::Fetcher::new(&config.refresh) {
        Ok(f) => f,
        Err(e) => return Msg::Error(e.to_string()),
    };
    let found = match crate::subscribe::find_feed(&fetcher, &url).await {
        Ok(f) => f,
        Err(e) => return Msg::Error(e.to_string()),
    };
    let retention = config.retention.clone();
    let path = path.to_path_buf();
    let stored = tokio::task::spawn_blocking(move || {
        let mut store = Store::open(&path)?;
        crate::subscribe::store_found(&mut store, found, None, Vec::new(), &retention)
    })
    .await;
    match stored {
        Ok(Ok(done)) if done.created => {
            Msg::FeedAdded { message: format!("Subscribed to “{}”: {} articles", done.title, done.new) }
        }
        Ok(Ok(done)) => Msg::FeedAdded { message: format!("Already subscribed to “{}”", done.title) },
        Ok(Err(e)) => Msg::Error(e.to_string()),
        Err(e) => Msg::Error(format!("subscribing failed: {e}")),
    }
}

/// The indexer: takes in new articles, then older ones, in small transactions at low priority;
/// sleeps when done until a refresh or a subscription wakes it.
fn index_loop(mut store: Store, wake: &Receiver<()>, ui: &Sender<Msg>) {
    if let Err(e) = thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min) {
        debug!("cannot lower the indexer's priority: {e:?}");
    }
    let mut last_report = std::time::Instant::now();
    loop {
        let wait = match store.index_some(INDEX_BATCH) {
            Ok(p) if p.indexed > 0 => {
                if last_report.elapsed() > Duration::from_millis(500) || p.remaining == 0 {
                    last_report = std::time::Instant::now();
                    if ui.send(Msg::IndexProgress { remaining: p.remaining }).is_err() {
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
