//! Sync with a server that holds subscriptions, articles and read/star state for several
//! devices. The engine ([`run`]) is protocol-free: it talks to a [`Remote`], and each protocol
//! is one module implementing it ([`greader`] today; Miniflux's own API or Nextcloud News
//! would be another). Local feeds are untouched: only feeds the server holds are synced, and
//! they are never fetched over HTTP by tidings itself.
//!
//! A run, in order: unsubscriptions and subscriptions made here are sent; the server's
//! subscription list is stored (folders become tags); local read/star changes (the outbox,
//! filled by triggers, kept across restarts) are sent; articles added since the last run are
//! fetched in pages, each stored as it arrives, and the recent articles of feeds new here
//! (`articles.rs`); the server's unread and starred lists are applied, except where a local
//! change is still waiting. Every step is committed as it completes, so a run cut short loses
//! nothing and the next one carries on. Nothing the server sends can make a run endless or
//! lose articles here: see [`greader`] for how its answers are read.

mod articles;
mod error;
pub mod greader;
mod outage;
mod password;

use std::time::Duration;

use chrono::{DateTime, Utc};
use tracing::info;

use crate::config::{Config, SyncConfig, SyncKind};
use crate::store::{
    ItemsStored, OutboxEntry, PendingFeed, RemoteFeed, RemoteItem, Removals, StateChanges, StateField, Store,
    StoreError, SubscriptionChanges,
};

pub use articles::{HISTORY_PER_FEED, MAX_NEW_IDS};
pub use error::SyncError;
pub use outage::{Outage, outage, reminded};
pub use password::{config_file_warning, password};

/// Where a run is, for a progress line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Sending subscriptions and reading the server's list.
    Subscriptions,
    /// Sending local read/star changes.
    Sending(usize),
    /// Articles fetched so far in this run.
    Articles(usize),
    /// Reading the server's read and starred state.
    State,
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Subscriptions => write!(f, "syncing subscriptions"),
            Self::Sending(n) => write!(f, "sending {n} read/star change{}", if *n == 1 { "" } else { "s" }),
            Self::Articles(n) => write!(f, "{n} new article{} so far", if *n == 1 { "" } else { "s" }),
            Self::State => write!(f, "syncing read and starred state"),
        }
    }
}

/// What a run did (`tidings sync --json` prints it).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// The server (its host).
    pub host: String,
    /// Subscriptions made here and sent to the server.
    pub subscribed: usize,
    /// Subscriptions the server would not take: (URL, why). They stay here, waiting.
    pub subscribe_failed: Vec<(String, String)>,
    /// Unsubscriptions made here and sent.
    pub unsubscribed: usize,
    /// What the server's subscription list changed here.
    pub subscriptions: SubscriptionChanges,
    /// Local read/star changes sent.
    pub sent: usize,
    /// Articles fetched and what became of them.
    pub items: ItemsStored,
    /// Local articles whose state now follows the server's.
    pub state: StateChanges,
    /// More new articles wait on the server than one sync fetches ([`MAX_NEW_IDS`]): the next
    /// sync goes on from here.
    pub more: bool,
    /// HTTP requests made.
    pub requests: u64,
    /// Bytes received (after decompression).
    pub bytes: u64,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        write!(f, "synced with {}: {} new article{}", self.host, self.items.new, plural(self.items.new))?;
        let subs = &self.subscriptions;
        if subs.added + subs.restored + self.subscribed > 0 {
            let n = subs.added + subs.restored + self.subscribed;
            write!(f, ", {n} feed{} added", plural(n))?;
        }
        if subs.removed + self.unsubscribed > 0 {
            let n = subs.removed + self.unsubscribed;
            write!(f, ", {n} feed{} removed", plural(n))?;
        }
        if self.sent > 0 {
            write!(f, ", {} change{} sent", self.sent, plural(self.sent))?;
        }
        let got = self.state.read + self.state.starred;
        if got > 0 {
            write!(f, ", {got} change{} received", plural(got))?;
        }
        if subs.held > 0 {
            write!(f, ", {} feed{} the server no longer lists kept here", subs.held, plural(subs.held))?;
        }
        if self.more {
            write!(f, ", more at the next sync")?;
        }
        if !self.subscribe_failed.is_empty() {
            write!(
                f,
                ", {} subscription{} refused",
                self.subscribe_failed.len(),
                plural(self.subscribe_failed.len())
            )?;
        }
        Ok(())
    }
}

/// Articles fetched at once (20 requests for 20,000).
pub const ITEMS_PER_REQUEST: usize = 1_000;

/// A batch of articles.
#[derive(Debug, Default)]
pub struct ItemPage {
    /// The articles.
    pub items: Vec<RemoteItem>,
    /// Articles the server sent that could not be read (skipped, logged).
    pub unreadable: usize,
}

/// The new ids a listing brought.
#[derive(Debug, Default)]
pub struct NewIds {
    /// The ids, oldest first.
    pub ids: Vec<i64>,
    /// More wait on the server (the listing stopped at its cap).
    pub more: bool,
}

/// A sync protocol. Ids are the server's: feeds as strings, items as 64-bit numbers.
#[allow(async_fn_in_trait)] // used generically, never as a trait object
pub trait Remote {
    /// The protocol's name, stored on synced feeds.
    fn source(&self) -> &'static str;
    /// The server, for messages.
    fn host(&self) -> &str;
    /// Requests made and bytes received so far.
    fn traffic(&self) -> (u64, u64);
    /// The server's subscriptions.
    async fn subscriptions(&mut self) -> Result<Vec<RemoteFeed>, SyncError>;
    /// Subscribes on the server; its id for the feed.
    async fn subscribe(&mut self, feed: &PendingFeed) -> Result<String, SyncError>;
    /// Unsubscribes on the server.
    async fn unsubscribe(&mut self, remote_id: &str) -> Result<(), SyncError>;
    /// The ids of the articles the server took in since `since` (the newest item id stored
    /// last time; `None`: all), oldest first, at most `max` (the oldest ones; the listing says
    /// when there are more). Ids are cheap; articles are then fetched by id, only those not
    /// here yet.
    async fn new_item_ids(&mut self, since: Option<i64>, max: usize) -> Result<NewIds, SyncError>;
    /// The ids of a feed's newest articles, at most `max`, whatever their age (for a feed new
    /// here: its articles from before the last sync).
    async fn feed_item_ids(&mut self, feed: &str, max: usize) -> Result<Vec<i64>, SyncError>;
    /// These articles (at most [`ITEMS_PER_REQUEST`]).
    async fn items(&mut self, ids: &[i64]) -> Result<ItemPage, SyncError>;
    /// The ids of every unread item.
    async fn unread_ids(&mut self) -> Result<Vec<i64>, SyncError>;
    /// The ids of every starred item.
    async fn starred_ids(&mut self) -> Result<Vec<i64>, SyncError>;
    /// Sets or clears a state on items.
    async fn set_state(&mut self, ids: &[i64], field: StateField, on: bool) -> Result<(), SyncError>;
}

/// The server of `[sync]`, ready to talk to.
pub enum Account {
    /// A Google Reader API server.
    Greader(greader::Greader),
}

impl Account {
    /// Connects (lazily: nothing is sent before the first request) to the configured server.
    pub fn new(sync: &SyncConfig, config: &Config) -> Result<Self, SyncError> {
        match sync.kind {
            SyncKind::Greader => Ok(Self::Greader(greader::Greader::new(sync, &config.refresh)?)),
        }
    }

    /// Sends the local read/star changes waiting in the outbox, and nothing else (the reader
    /// does this a moment after each mark, so the server hears of them while they are new).
    pub async fn send_changes(&mut self, store: &mut Store) -> Result<usize, SyncError> {
        match self {
            Self::Greader(remote) => send_only(remote, store).await,
        }
    }

    /// Runs one sync; see the module. `removals` says whether the server's list may
    /// unsubscribe more than half of the synced feeds here ([`Store::apply_subscriptions`]).
    pub async fn sync(
        &mut self,
        store: &mut Store,
        config: &Config,
        removals: Removals,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> Result<Report, SyncError> {
        match self {
            Self::Greader(remote) => run(remote, store, config, removals, progress).await,
        }
    }
}

/// How many item ids go in one state change request.
const STATE_BATCH: usize = 250;
/// How many outbox entries are read at once.
const OUTBOX_PAGE: usize = 5_000;

fn key(source: &str, what: &str) -> String {
    format!("{source}.{what}")
}

/// One sync run against `remote`. See the module for the steps.
pub async fn run<R: Remote>(
    remote: &mut R,
    store: &mut Store,
    config: &Config,
    removals: Removals,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Report, SyncError> {
    let source = remote.source();
    let now = Utc::now();
    still_waiting(remote, store)?;
    // Feeds unsubscribed long enough ago go (starred articles stay), as at a refresh.
    store.purge_removed(config.retention.keep_unsubscribed_days, now)?;
    let result = steps(remote, store, config, removals, progress).await;
    match &result {
        Ok(_) => {
            store.set_sync_value(&key(source, "retry_after"), None)?;
            store.set_sync_value(&key(source, "last_sync"), Some(&now.timestamp().to_string()))?;
            store.set_sync_value(&key(source, "last_error"), None)?;
            outage::ended(store, source)?;
        }
        Err(e) => {
            remember_wait(store, source, e)?;
            // `tidings feeds` shows it on the server's feeds until a sync goes through.
            store.set_sync_value(&key(source, "last_error"), Some(&e.to_string()))?;
            outage::failed(store, source, now)?;
        }
    }
    result
}

/// How the last syncs with a server went, for `tidings feeds`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LastSync {
    /// When the last sync that went through started.
    pub at: Option<DateTime<Utc>>,
    /// Why the syncs since then failed, if they did.
    pub error: Option<String>,
}

/// How the last syncs with the server of protocol `source` went.
pub fn last_sync(store: &Store, source: &str) -> Result<LastSync, StoreError> {
    Ok(LastSync {
        at: store
            .sync_value(&key(source, "last_sync"))?
            .and_then(|v| v.parse().ok())
            .map(crate::store::to_time),
        error: store.sync_value(&key(source, "last_error"))?,
    })
}

/// The error of a rate limit until `at`.
pub(crate) fn rate_limited(host: &str, at: DateTime<Utc>) -> SyncError {
    SyncError::RateLimited {
        host: host.to_string(),
        until: at.with_timezone(&chrono::Local).format("%H:%M").to_string(),
        at,
    }
}

/// Fails while the server's last rate limit lasts: nothing is asked of it before then.
fn still_waiting<R: Remote>(remote: &R, store: &Store) -> Result<(), SyncError> {
    let until = store
        .sync_value(&key(remote.source(), "retry_after"))?
        .and_then(|v| v.parse::<i64>().ok())
        .map(crate::store::to_time)
        .filter(|at| *at > Utc::now());
    match until {
        Some(at) => Err(rate_limited(remote.host(), at)),
        None => Ok(()),
    }
}

/// Sends the outbox only (see [`Account::send_changes`]), minding a rate limit like a sync.
async fn send_only<R: Remote>(remote: &mut R, store: &mut Store) -> Result<usize, SyncError> {
    still_waiting(remote, store)?;
    let result = send_outbox(remote, store, &mut |_| {}).await;
    if let Err(e) = &result {
        remember_wait(store, remote.source(), e)?;
    }
    result
}

/// A rate limit is kept, so nothing asks the server again before it ends (see
/// [`still_waiting`]).
fn remember_wait(store: &mut Store, source: &str, e: &SyncError) -> Result<(), StoreError> {
    if let SyncError::RateLimited { at, .. } = e {
        store.set_sync_value(&key(source, "retry_after"), Some(&at.timestamp().to_string()))?;
    }
    Ok(())
}

async fn steps<R: Remote>(
    remote: &mut R,
    store: &mut Store,
    config: &Config,
    removals: Removals,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Report, SyncError> {
    let source = remote.source();
    let mut report = Report { host: remote.host().to_string(), ..Report::default() };
    progress(Progress::Subscriptions);
    for (remote_id, url) in store.pending_unsubscriptions(source)? {
        remote.unsubscribe(&remote_id).await?;
        store.unsubscription_sent(source, &remote_id)?;
        info!(url, "unsubscribed on the server");
        report.unsubscribed += 1;
    }
    for feed in store.pending_subscriptions(source)? {
        match remote.subscribe(&feed).await {
            Ok(remote_id) => {
                store.set_remote_feed(feed.id, source, &remote_id)?;
                report.subscribed += 1;
            }
            // The server is there but will not take this feed: it waits here, and the rest
            // of the sync goes on.
            Err(e @ (SyncError::Status { .. } | SyncError::Protocol { .. } | SyncError::Refused { .. })) => {
                report.subscribe_failed.push((feed.url.clone(), e.to_string()));
            }
            Err(e) => return Err(e),
        }
    }
    // A first sync lists every article; a later one, those new since, and the recent ones of
    // each feed new here (they may be older than the watermark).
    let first = articles::first_sync(store, source)?;
    let feeds = remote.subscriptions().await?;
    report.subscriptions = store.apply_subscriptions(source, &feeds, removals, Utc::now())?;
    if !first {
        articles::queue_histories(store, source, &report.subscriptions.synced_here)?;
    }

    report.sent = send_outbox(remote, store, progress).await?;

    articles::new_articles(remote, store, config, &mut report, progress).await?;
    articles::histories(remote, store, config, &mut report, progress).await?;

    progress(Progress::State);
    if report.subscriptions.held > 0 {
        // The server's lists may lack the articles of the feeds it stopped listing (starred
        // ones too): its state waits until the user has said whether those feeds go.
        info!(held = report.subscriptions.held, "removals held; the server's read/star state is not applied");
    } else {
        let unread = remote.unread_ids().await?;
        let starred = remote.starred_ids().await?;
        report.state = store.apply_remote_state(&unread, &starred)?;
    }
    (report.requests, report.bytes) = remote.traffic();
    info!(%report, requests = report.requests, bytes = report.bytes, "sync done");
    Ok(report)
}

/// Sends the outbox, in batches of one state and value; returns how many changes went.
async fn send_outbox<R: Remote>(
    remote: &mut R,
    store: &mut Store,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<usize, SyncError> {
    let mut sent = 0;
    loop {
        let entries = store.outbox(OUTBOX_PAGE)?;
        if entries.is_empty() {
            return Ok(sent);
        }
        progress(Progress::Sending(entries.len()));
        for field in [StateField::Read, StateField::Starred] {
            for value in [true, false] {
                let group: Vec<&OutboxEntry> =
                    entries.iter().filter(|e| e.field == field && e.value == value).collect();
                for chunk in group.chunks(STATE_BATCH) {
                    let ids: Vec<i64> = chunk.iter().map(|e| e.remote_id).collect();
                    remote.set_state(&ids, field, value).await?;
                    let done: Vec<OutboxEntry> = chunk.iter().map(|e| (*e).clone()).collect();
                    store.outbox_sent(&done)?;
                    sent += done.len();
                }
            }
        }
        if entries.len() < OUTBOX_PAGE {
            return Ok(sent);
        }
    }
}

/// The longest rate limit (429 with Retry-After) waited out within a run, once; a longer one
/// ends the run and the next sync waits for it.
pub const WAIT_AT_MOST: Duration = Duration::from_secs(10);
