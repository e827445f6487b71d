//! `tidings import --newsboat [DIR]`: newsboat's urls file (subscriptions, tags, titles) and its
//! `cache.db` (the cached articles of subscribed feeds, with their read and flagged state).
//!
//! Articles are keyed as a refresh of their feed keys them ([`key`]), so a refresh afterwards
//! finds them instead of adding them again. State merges: read or starred on either side ends
//! up read or starred; an import never makes anything unread or unstarred, never rewrites an
//! article tidings already has, and never writes to newsboat's files.

mod cache;
pub mod key;
mod locate;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use tracing::info;

use crate::config::RetentionConfig;
use crate::domain::{Enclosure, FeedId, NewArticle, NewFeed, ParsedFeed};
use crate::feed::fetch::parse_http_url;
use crate::feed::subscriptions::Rejected;
use crate::store::{ImportOutcome, ImportedArticle, PreparedFeed, Store, StoreError};

pub use cache::{Cache, CachedFeed, CachedItem};
pub use locate::{Sources, locate};

/// Articles written per transaction: big enough to be quick, small enough to keep memory flat
/// on a cache of 100,000 articles.
const BATCH: usize = 1000;

/// Why an import from newsboat failed. Nothing is written to tidings before the urls file and
/// the cache have both been read and checked.
#[derive(Debug, thiserror::Error)]
pub enum NewsboatError {
    /// A file or directory is not there.
    #[error("{what} {} does not exist; pass the directory holding newsboat's urls and cache.db: \
             tidings import --newsboat DIR", path.display())]
    Missing {
        /// The path looked for.
        path: PathBuf,
        /// What it should have been.
        what: &'static str,
    },
    /// The urls file could not be read.
    #[error("cannot read newsboat's urls file {}: {source}", path.display())]
    ReadUrls {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The cache could not be read (not an SQLite database, damaged, locked for too long).
    #[error("cannot read newsboat's cache {}: {source}; check it is newsboat's cache.db \
             (nothing was imported from it)", path.display())]
    Cache {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The cache lacks columns tidings reads.
    #[error("{} is not a newsboat cache tidings can read: table {table} lacks {missing} \
             (nothing was imported)", path.display())]
    Schema {
        /// The file.
        path: PathBuf,
        /// The table.
        table: &'static str,
        /// The missing columns.
        missing: String,
    },
    /// tidings' own cache failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The urls file read.
    pub urls: PathBuf,
    /// The cache read (`None` when there was none).
    pub cache: Option<PathBuf>,
    /// Feeds in the urls file that tidings can follow.
    pub feeds: usize,
    /// Of these, the ones subscribed already.
    pub feeds_present: usize,
    /// Cached articles of those feeds taken in (new or already there).
    pub articles: usize,
    /// Of these, articles new to tidings.
    pub articles_new: usize,
    /// Of `articles`, read in newsboat.
    pub read: usize,
    /// Of `articles`, flagged `s` (starred) in newsboat.
    pub starred: usize,
    /// Of `articles`, deleted in newsboat: imported as read (tidings deletes no article a feed
    /// still has; a refresh would bring it back).
    pub deleted_as_read: usize,
    /// Articles retention (config `[retention]`) kept out; starred ones always come in.
    pub skipped_retention: usize,
    /// Cached feeds no longer in the urls file: not imported.
    pub skipped_unsubscribed: usize,
    /// urls lines not imported, with why.
    #[serde(serialize_with = "rejected_json")]
    pub rejected: Vec<Rejected>,
}

fn rejected_json<S: serde::Serializer>(list: &[Rejected], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Refused<'a> {
        line: usize,
        what: &'a str,
        reason: &'a str,
    }
    s.collect_seq(list.iter().map(|r| Refused { line: r.line, what: &r.what, reason: &r.reason }))
}

/// Imports newsboat's subscriptions and cached articles into `store`.
pub fn import(
    store: &mut Store,
    sources: &Sources,
    retention: &RetentionConfig,
) -> Result<Report, NewsboatError> {
    let text = read_urls(&sources.urls)?;
    // Open and check the cache before writing anything.
    let cache = match &sources.cache {
        Some(path) => Some(Cache::open(path)?),
        None => None,
    };
    let list = crate::feed::urls::read(&text);
    let mut report = Report {
        urls: sources.urls.clone(),
        cache: sources.cache.clone(),
        feeds: list.entries.len(),
        rejected: list.rejected,
        ..Report::default()
    };
    let now = Utc::now();
    let mut subscribed: HashMap<String, FeedId> = HashMap::new();
    for entry in list.entries {
        let added =
            store.add_feed(&NewFeed { url: entry.url.clone(), title: entry.title, tags: entry.tags }, now)?;
        report.feeds_present += usize::from(!added.created);
        subscribed.insert(entry.url, added.id);
    }
    if let Some(cache) = cache {
        for feed in cache.feeds()? {
            let id = parse_http_url(&feed.rssurl).ok().and_then(|u| subscribed.get(u.as_str()).copied());
            match id {
                Some(id) => import_feed(store, &cache, &feed, id, retention, now, &mut report)?,
                None => report.skipped_unsubscribed += 1,
            }
        }
    }
    info!(?report, "imported from newsboat");
    Ok(report)
}

fn read_urls(path: &Path) -> Result<String, NewsboatError> {
    if !path.is_file() {
        return Err(NewsboatError::Missing { path: path.to_path_buf(), what: "newsboat's urls file" });
    }
    let bytes =
        std::fs::read(path).map_err(|source| NewsboatError::ReadUrls { path: path.to_path_buf(), source })?;
    Ok(crate::feed::charset::decode(&bytes, None).0.into_owned())
}

/// Streams one feed's cached articles into the store, [`BATCH`] at a time.
fn import_feed(
    store: &mut Store,
    cache: &Cache,
    feed: &CachedFeed,
    id: FeedId,
    retention: &RetentionConfig,
    now: DateTime<Utc>,
    report: &mut Report,
) -> Result<(), NewsboatError> {
    let mut pending: Vec<CachedItem> = Vec::with_capacity(BATCH);
    let title = Some(feed.title.as_str());
    cache.for_each_item(&feed.rssurl, |item| {
        if item.deleted {
            report.deleted_as_read += 1;
        }
        pending.push(CachedItem { unread: item.unread && !item.deleted, ..item });
        if pending.len() == BATCH {
            write(store, id, title, &std::mem::take(&mut pending), retention, now, report)?;
        }
        Ok(())
    })?;
    if !pending.is_empty() {
        write(store, id, title, &pending, retention, now, report)?;
    }
    Ok(())
}

/// Writes a run of one feed's articles in one transaction.
fn write(
    store: &mut Store,
    id: FeedId,
    title: Option<&str>,
    items: &[CachedItem],
    retention: &RetentionConfig,
    now: DateTime<Utc>,
    report: &mut Report,
) -> Result<(), NewsboatError> {
    let state: Vec<(bool, bool)> = items.iter().map(|i| (!i.unread, is_starred(&i.flags))).collect();
    let entries = items.iter().map(article).collect();
    let prepared = PreparedFeed::from(ParsedFeed { title: None, site_url: None, ttl: None, entries });
    let articles: Vec<ImportedArticle> = prepared
        .articles
        .into_iter()
        .zip(state)
        .map(|(article, (read, starred))| ImportedArticle { article, read, starred })
        .collect();
    let mut batch = store.batch()?;
    let outcome: ImportOutcome = batch.import_articles(id, title, &articles, retention, now)?;
    batch.commit()?;
    let taken = outcome.new + outcome.present;
    report.articles += taken;
    report.articles_new += outcome.new;
    report.skipped_retention += articles.len() - taken;
    report.read += outcome.were_read;
    report.starred += outcome.were_starred;
    Ok(())
}

/// newsboat's `s` flag, which tidings takes as starred.
fn is_starred(flags: &str) -> bool {
    flags.contains('s')
}

/// A cached item as the entry a refresh would have produced.
fn article(item: &CachedItem) -> NewArticle {
    let published = crate::store::to_time(item.pub_date);
    let link = parse_http_url(&item.url).ok().map(|u| u.to_string());
    let key = key::article_key(&item.guid, &item.url, link.as_deref(), &item.title, &item.content, published);
    let title = crate::text::sanitize::single_line(&item.title);
    let title = if title.is_empty() { link.clone().unwrap_or_else(|| "(untitled)".into()) } else { title };
    NewArticle {
        key,
        title,
        link,
        author: Some(item.author.trim().to_string()).filter(|a| !a.is_empty()),
        published: Some(published),
        updated: None,
        categories: Vec::new(),
        summary_html: None,
        content_html: Some(item.content.clone()).filter(|c| !c.trim().is_empty()),
        enclosures: item
            .enclosure_url
            .iter()
            .map(|url| Enclosure { url: url.clone(), mime: item.enclosure_type.clone(), length: None })
            .collect(),
    }
}
