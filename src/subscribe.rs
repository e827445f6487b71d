//! Subscribing, shared by `tidings add`, `tidings import` and the reader: find the feed behind a
//! URL (a web page's advertised feed included), store it with its first articles; read a
//! subscription list into the cache.

use chrono::Utc;

use crate::config::RetentionConfig;
use crate::domain::{FeedId, NewFeed, ParsedFeed};
use crate::feed::discover::{Discovered, discover};
use crate::feed::fetch::{FetchError, Fetched, Fetcher, Validators};
use crate::feed::subscriptions::{ListFormat, Rejected, read_list};
use crate::feed::{ParseError, charset};
use crate::store::{FetchRecord, PreparedFeed, Store, StoreError};

/// Why a URL could not be subscribed to.
#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    /// The URL (or the feed a page advertises) could not be fetched.
    #[error("cannot fetch {url}: {source}")]
    Fetch {
        /// What was fetched.
        url: String,
        /// Why it failed.
        source: FetchError,
    },
    /// The response is not a feed and does not link to one.
    #[error("{url} is a web page that advertises no feed; look for an RSS or Atom link on it")]
    NoFeed {
        /// The page.
        url: String,
    },
    /// The body is not a usable feed.
    #[error("{url} is not a usable feed: {source}")]
    Parse {
        /// The feed URL.
        url: String,
        /// Why.
        source: ParseError,
    },
    /// The cache failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A feed found behind a URL, ready to subscribe to.
#[derive(Debug)]
pub struct Found {
    /// The feed's URL (after permanent redirects).
    pub url: String,
    /// The response.
    pub fetched: Fetched,
    /// The parsed feed.
    pub feed: ParsedFeed,
    /// Other feeds the page advertised.
    pub others: Vec<Discovered>,
}

/// Fetches `url`; a feed is taken as is, a web page is searched for the feeds it advertises and
/// the first is fetched.
pub async fn find_feed(fetcher: &Fetcher, url: &str) -> Result<Found, SubscribeError> {
    let fetch_err = |url: &str| {
        let url = url.to_string();
        move |source| SubscribeError::Fetch { url, source }
    };
    let fetched = fetcher.fetch(url, &Validators::default()).await.map_err(fetch_err(url))?;
    let feed_url = fetched.moved_to.clone().unwrap_or_else(|| url.to_string());
    match crate::feed::parse(&fetched.body, fetched.charset(), &fetched.final_url) {
        Ok(feed) => return Ok(Found { url: feed_url, fetched, feed, others: Vec::new() }),
        Err(ParseError::Html) => {}
        Err(source) => return Err(SubscribeError::Parse { url: url.to_string(), source }),
    }
    let (page, _) = charset::decode(&fetched.body, fetched.charset());
    let base = url::Url::parse(&fetched.final_url).map_err(|e| SubscribeError::Fetch {
        url: url.to_string(),
        source: FetchError::BadUrl(e.to_string()),
    })?;
    let mut candidates = discover(&page, &base);
    if candidates.is_empty() {
        return Err(SubscribeError::NoFeed { url: url.to_string() });
    }
    let first = candidates.remove(0);
    let fetched = fetcher.fetch(&first.url, &Validators::default()).await.map_err(fetch_err(&first.url))?;
    let feed = crate::feed::parse(&fetched.body, fetched.charset(), &fetched.final_url)
        .map_err(|source| SubscribeError::Parse { url: first.url.clone(), source })?;
    let url = fetched.moved_to.clone().unwrap_or(first.url);
    Ok(Found { url, fetched, feed, others: candidates })
}

/// What storing a found feed did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscribed {
    /// The feed.
    pub id: FeedId,
    /// False when it was subscribed already.
    pub created: bool,
    /// Its display title.
    pub title: String,
    /// Articles stored now.
    pub new: usize,
}

/// Subscribes to a found feed and stores its articles.
pub fn store_found(
    store: &mut Store,
    found: Found,
    title: Option<String>,
    tags: Vec<String>,
    retention: &RetentionConfig,
) -> Result<Subscribed, StoreError> {
    let added = store.add_feed(&NewFeed { url: found.url.clone(), title, tags }, Utc::now())?;
    let record = FetchRecord {
        status: Some(found.fetched.status),
        etag: found.fetched.validators.etag.clone(),
        last_modified: found.fetched.validators.last_modified.clone(),
        body_hash: Some(xxhash_rust::xxh3::xxh3_64(&found.fetched.body) as i64),
        new_url: None,
    };
    let stored = store.ingest(added.id, &record, &PreparedFeed::from(found.feed), retention, Utc::now())?;
    let title = store.feed(added.id)?.map_or_else(|| found.url.clone(), |f| f.title);
    Ok(Subscribed { id: added.id, created: added.created, title, new: stored.new })
}

/// What importing a list did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// The format read.
    pub format: ListFormat,
    /// Feeds new to the cache.
    pub added: usize,
    /// Feeds already subscribed.
    pub present: usize,
    /// Lines refused, with why.
    pub rejected: Vec<Rejected>,
}

/// Reads a subscription list (OPML or newsboat urls, any encoding) into the cache.
pub fn import(store: &mut Store, bytes: &[u8]) -> Result<Imported, StoreError> {
    let (text, _) = charset::decode(bytes, None);
    let (format, list) = read_list(&text);
    let (mut added, mut present) = (0, 0);
    let now = Utc::now();
    for entry in &list.entries {
        let new = NewFeed { url: entry.url.clone(), title: entry.title.clone(), tags: entry.tags.clone() };
        if store.add_feed(&new, now)?.created {
            added += 1;
        } else {
            present += 1;
        }
    }
    Ok(Imported { format, added, present, rejected: list.rejected })
}
