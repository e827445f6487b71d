//! Subscribing, shared by `tidings add`, `tidings import` and the reader: find the feed behind a
//! URL (a web page's advertised feed included), store it with its first articles; read a
//! subscription list into the cache.

use chrono::Utc;
use tracing::debug;
use url::Url;

use crate::config::RetentionConfig;
use crate::domain::{FeedId, NewFeed, ParsedFeed};
use crate::feed::discover::{Discovered, discover};
use crate::feed::fetch::{FetchError, Fetched, Fetcher, Validators, parse_http_url};
use crate::feed::subscriptions::{ListFormat, Rejected, read_list};
use crate::feed::{ParseError, charset};
use crate::store::{FetchRecord, PreparedFeed, Store, StoreError};

/// Why a URL could not be subscribed to. Each message is one line naming the address; the
/// network detail behind it is in the log.
#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    /// The URL (or the feed a page advertises) could not be fetched.
    #[error("{url}: {error}")]
    Fetch {
        /// What was fetched.
        url: String,
        /// Why it failed (shown in the message, so not a `source`).
        error: FetchError,
    },
    /// An address without a scheme answered neither on https:// nor on http://.
    #[error("{input}: {error} (tried https:// and http://)")]
    NoScheme {
        /// The address as typed.
        input: String,
        /// Why http://, the last tried, failed.
        error: FetchError,
    },
    /// The response is not a feed and does not link to one.
    #[error("{url} is a web page that advertises no feed; look for an RSS or Atom link on it")]
    NoFeed {
        /// The page.
        url: String,
    },
    /// The body is not a usable feed.
    #[error("{url}: {error}")]
    Parse {
        /// The feed URL.
        url: String,
        /// Why (shown in the message, so not a `source`).
        error: ParseError,
    },
    /// The cache failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An address as typed, made fetchable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    /// It names its scheme (`https://lwn.net/`).
    Full(Url),
    /// It does not (`lwn.net`, `localhost:8080/feed`): https:// is tried first, then http://.
    SchemeLess {
        /// The https:// form.
        https: Url,
        /// The http:// form.
        http: Url,
    },
}

impl Address {
    /// Reads what a user typed. Input without `://` whose scheme (what comes before the first
    /// `:`) is not http or https has no scheme: `localhost:8080/feed` is a host and port.
    pub fn parse(input: &str) -> Result<Self, FetchError> {
        let input = input.trim();
        let named = input.contains("://")
            || url::Url::parse(input).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
        if named {
            return parse_http_url(input).map(Address::Full);
        }
        let https = parse_http_url(&format!("https://{input}"))?;
        let http = parse_http_url(&format!("http://{input}"))?;
        Ok(Address::SchemeLess { https, http })
    }

    /// The URL to use without asking the network: the given one, else the https:// form.
    pub fn preferred(&self) -> &Url {
        match self {
            Address::Full(url) | Address::SchemeLess { https: url, .. } => url,
        }
    }
}

/// How an address without a scheme was completed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemeGuess {
    /// https:// answered.
    Https,
    /// https:// could not connect, http:// answered.
    Http {
        /// Why https:// failed, one sentence.
        https_error: String,
    },
}

impl std::fmt::Display for SchemeGuess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemeGuess::Https => f.write_str("No scheme given: used https://."),
            SchemeGuess::Http { https_error } => {
                write!(f, "No scheme given: used http://, since https:// did not work: {https_error}")
            }
        }
    }
}

/// A feed found behind a URL, ready to subscribe to.
#[derive(Debug)]
pub struct Found {
    /// The feed's URL (after permanent redirects), with its scheme.
    pub url: String,
    /// The response.
    pub fetched: Fetched,
    /// The parsed feed.
    pub feed: ParsedFeed,
    /// Other feeds the page advertised.
    pub others: Vec<Discovered>,
    /// How a scheme-less address was completed (`None` when it named its scheme).
    pub guessed: Option<SchemeGuess>,
}

/// Fetches the address `input`; a feed is taken as is, a web page is searched for the feeds it
/// advertises and the first is fetched. An address without a scheme ([`Address::parse`]) is
/// tried with https:// and, only if that could not connect (refused, TLS failure, timeout;
/// not an HTTP error status, not an unknown name), with http://; the URL that worked is the
/// one returned.
pub async fn find_feed(fetcher: &Fetcher, input: &str) -> Result<Found, SubscribeError> {
    let input = input.trim();
    if crate::feed::source::Source::is_local_address(input) {
        return find_local(fetcher, input).await;
    }
    let address =
        Address::parse(input).map_err(|error| SubscribeError::Fetch { url: input.to_string(), error })?;
    let (url, fetched, guessed) = match address {
        Address::Full(url) => {
            let fetched = fetch(fetcher, url.as_str()).await?;
            (url, fetched, None)
        }
        Address::SchemeLess { https, http } => match fetcher
            .fetch(https.as_str(), &Validators::default())
            .await
        {
            Ok(fetched) => (https, fetched, Some(SchemeGuess::Https)),
            Err(e) if e.could_not_connect() => {
                debug!(%https, "no scheme given and https failed ({e}); trying http");
                match fetcher.fetch(http.as_str(), &Validators::default()).await {
                    Ok(fetched) => (http, fetched, Some(SchemeGuess::Http { https_error: e.to_string() })),
                    Err(error) => return Err(SubscribeError::NoScheme { input: input.to_string(), error }),
                }
            }
            Err(error) => return Err(SubscribeError::Fetch { url: https.to_string(), error }),
        },
    };
    let url = url.to_string();
    let feed_url = fetched.moved_to.clone().unwrap_or_else(|| url.clone());
    match crate::feed::parse(&fetched.body, fetched.charset(), &fetched.final_url) {
        Ok(feed) => return Ok(Found { url: feed_url, fetched, feed, others: Vec::new(), guessed }),
        Err(ParseError::Html) => {}
        Err(error) => return Err(SubscribeError::Parse { url, error }),
    }
    let (page, _) = charset::decode(&fetched.body, fetched.charset());
    let base = parse_http_url(&fetched.final_url)
        .map_err(|error| SubscribeError::Fetch { url: fetched.final_url.clone(), error })?;
    let mut candidates = discover(&page, &base);
    if candidates.is_empty() {
        return Err(SubscribeError::NoFeed { url });
    }
    let first = candidates.remove(0);
    // The page chose this address, not the user: it is not fetched from a private address
    // other than the page's own server.
    let fetched = fetcher
        .fetch_page(&first.url, &url)
        .await
        .map_err(|error| SubscribeError::Fetch { url: first.url.clone(), error })?;
    let feed = crate::feed::parse(&fetched.body, fetched.charset(), &fetched.final_url)
        .map_err(|error| SubscribeError::Parse { url: first.url.clone(), error })?;
    let url = fetched.moved_to.clone().unwrap_or(first.url);
    Ok(Found { url, fetched, feed, others: candidates, guessed })
}

/// A `file:` or `exec:` subscription: read or run once, and it must give a feed (no
/// autodiscovery: nothing there is a web page to search).
async fn find_local(fetcher: &Fetcher, input: &str) -> Result<Found, SubscribeError> {
    use crate::feed::fetch::RequestExtras;
    use crate::feed::source::{self, Source};
    let named = |error| SubscribeError::Fetch { url: input.to_string(), error };
    let from = Source::parse(input).map_err(named)?;
    let fetched = source::fetch(fetcher, &from, &Validators::default(), &RequestExtras::default())
        .await
        .map_err(named)?;
    let feed = crate::feed::parse(&fetched.body, fetched.charset(), &fetched.final_url)
        .map_err(|error| SubscribeError::Parse { url: input.to_string(), error })?;
    Ok(Found { url: input.to_string(), fetched, feed, others: Vec::new(), guessed: None })
}

/// Fetches `url` unconditionally, naming it in the error.
async fn fetch(fetcher: &Fetcher, url: &str) -> Result<Fetched, SubscribeError> {
    fetcher
        .fetch(url, &Validators::default())
        .await
        .map_err(|error| SubscribeError::Fetch { url: url.to_string(), error })
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
        fresh_until: found.fetched.fresh_until,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme_less(input: &str) -> (String, String) {
        match Address::parse(input) {
            Ok(Address::SchemeLess { https, http }) => (https.to_string(), http.to_string()),
            other => panic!("{input}: {other:?}"),
        }
    }

    #[test]
    fn addresses_without_a_scheme_get_https_then_http() {
        assert_eq!(scheme_less("lwn.net"), ("https://lwn.net/".into(), "http://lwn.net/".into()));
        assert_eq!(
            scheme_less(" 127.0.0.1:8731/x.xml "),
            ("https://127.0.0.1:8731/x.xml".into(), "http://127.0.0.1:8731/x.xml".into())
        );
        // `localhost:8080/feed` parses as the scheme `localhost`: it is a host and a port.
        assert_eq!(scheme_less("localhost:8080/feed").1, "http://localhost:8080/feed");
        assert_eq!(Address::parse("lwn.net").unwrap().preferred().as_str(), "https://lwn.net/");
    }

    #[test]
    fn addresses_with_a_scheme_are_taken_as_they_are() {
        assert_eq!(
            Address::parse("http://example.org/feed").unwrap(),
            Address::Full(Url::parse("http://example.org/feed").unwrap())
        );
        let ftp = Address::parse("ftp://example.org/feed").unwrap_err().to_string();
        assert!(ftp.contains("only http:// and https://"), "{ftp}");
        assert!(Address::parse("https://").is_err());
        assert!(Address::parse("not an address").is_err());
    }
}
