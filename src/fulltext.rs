//! Full article text: many feeds carry only a summary, so the article's own page is fetched
//! (with the refresh's [`Fetcher`]: its body cap, timeouts, redirect rules, proxy and charset
//! decoding) and its main text extracted with a readability algorithm ([`dom_smoothie`], a port
//! of Mozilla's Readability). The extracted HTML is kept in the cache, so it reads offline
//! afterwards, and is shown through the same renderer and sanitiser as feed content
//! ([`crate::text`]); nothing here trusts it.

use chrono::{DateTime, Utc};
use futures_util::StreamExt as _;
use tracing::{debug, warn};

use crate::domain::{ArticleId, FeedId, FullText};
use crate::feed::charset;
use crate::feed::fetch::{FetchError, Fetcher};
use crate::store::{FullTextTarget, Store, StoreError};

/// Pages at most fetched at once by [`fetch_missing`] unless the caller says otherwise.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Extracted text shorter than this many characters is not an article (a sign-in wall, an
/// empty page that a script fills in, a cookie banner).
const MIN_TEXT_CHARS: usize = 200;

/// Why an article's full text could not be had. Each message says what happened; the caller
/// adds that the summary stays.
#[derive(Debug, thiserror::Error)]
pub enum FullTextError {
    /// The feed gave the article no link.
    #[error("the article has no link to fetch")]
    NoLink,
    /// The article left the cache meanwhile.
    #[error("the article is no longer in the cache")]
    Gone,
    /// The page could not be fetched.
    #[error("fetching {url} failed: {source}")]
    Fetch {
        /// The page.
        url: String,
        /// Why.
        source: FetchError,
    },
    /// The page is not HTML.
    #[error("{url} is not a web page ({content_type})")]
    NotHtml {
        /// The page.
        url: String,
        /// What it is.
        content_type: String,
    },
    /// The page holds nothing that reads like an article.
    #[error("no article text found on the page {url}")]
    NoText {
        /// The page.
        url: String,
    },
    /// The cache could not be read or written.
    #[error("the cache: {0}")]
    Store(#[from] StoreError),
}

impl FullTextError {
    /// Whether trying again later may help (the network, the server), as opposed to a page
    /// that holds no article or an article with no page.
    pub fn transient(&self) -> bool {
        match self {
            Self::Fetch { source, .. } => {
                !matches!(source.status(), Some(404 | 410)) && !matches!(source, FetchError::Private { .. })
            }
            Self::Store(_) => true,
            Self::NoLink | Self::Gone | Self::NotHtml { .. } | Self::NoText { .. } => false,
        }
    }
}

/// Extracts the main text of a web page as HTML; `url` is the page's address (relative links
/// are resolved against it by the renderer later). Fails with [`FullTextError::NoText`] when
/// nothing on the page reads like an article.
pub fn extract(page: &str, url: &str) -> Result<String, FullTextError> {
    let no_text = || FullTextError::NoText { url: url.to_string() };
    // A relative or odd URL only costs link resolution; extraction still works without it.
    let document_url = url::Url::parse(url).ok().filter(|u| u.scheme().starts_with("http"));
    let mut reader = dom_smoothie::Readability::new(page, document_url.as_ref().map(url::Url::as_str), None)
        .map_err(|e| {
            debug!("readability refused {url}: {e}");
            no_text()
        })?;
    let article = reader.parse().map_err(|e| {
        debug!("no article in {url}: {e}");
        no_text()
    })?;
    if article.text_content.trim().chars().count() < MIN_TEXT_CHARS {
        return Err(no_text());
    }
    Ok(article.content.to_string())
}

/// Fetches a page of the feed at `feed_url` and extracts its main text. The page is not
/// fetched from a private address other than the feed's own server ([`Fetcher::fetch_page`]).
/// The extraction (a few milliseconds to tens of them on a big page) runs on tokio's blocking
/// pool, never on the runtime's workers.
pub async fn fetch_page(fetcher: &Fetcher, url: &str, feed_url: &str) -> Result<FullText, FullTextError> {
    let fetched = fetcher
        .fetch_page(url, feed_url)
        .await
        .map_err(|source| FullTextError::Fetch { url: url.to_string(), source })?;
    let final_url = fetched.final_url.clone();
    if let Some(ct) = fetched.content_type.as_deref().filter(|ct| !looks_like_html(ct)) {
        return Err(FullTextError::NotHtml { url: final_url, content_type: ct.to_string() });
    }
    let (text, _) = charset::decode(&fetched.body, fetched.charset());
    let page = text.into_owned();
    drop(fetched);
    let at = final_url.clone();
    let html = tokio::task::spawn_blocking(move || extract(&page, &at)).await.map_err(|e| {
        warn!("the extraction of {final_url} stopped: {e}");
        FullTextError::NoText { url: final_url.clone() }
    })??;
    Ok(FullText { html, url: final_url, fetched: Utc::now() })
}

/// Content types worth extracting from: HTML, XHTML, or a server that says nothing useful.
fn looks_like_html(content_type: &str) -> bool {
    let ct = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    ct.is_empty() || ct.contains("html") || ct == "text/plain" || ct == "application/octet-stream"
}

/// Fetches one target's page and extracts its text (storing is [`store_outcome`]'s).
pub async fn fetch_target(target: &FullTextTarget, fetcher: &Fetcher) -> Result<FullText, FullTextError> {
    let link = target.link.as_deref().ok_or(FullTextError::NoLink)?;
    fetch_page(fetcher, link, &target.feed_url)
        .await
        .inspect_err(|e| debug!(article = target.id.0, "full text of {link}: {e:?}"))
}

/// Stores the outcome of one fetch: the text, or the failure (a text fetched before stays).
pub fn store_outcome(
    store: &mut Store,
    id: ArticleId,
    outcome: &Result<FullText, FullTextError>,
    now: DateTime<Utc>,
) -> Result<(), FullTextError> {
    match outcome {
        Ok(full) => {
            if !store.save_full_text(id, full)? {
                return Err(FullTextError::Gone);
            }
        }
        Err(e) => store.save_full_text_failure(id, &e.to_string(), now)?,
    }
    Ok(())
}

/// Which articles [`fetch_missing`] looks at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Missing {
    /// These articles.
    Articles(Vec<ArticleId>),
    /// A feed's newest articles (at most this many): after a refresh, its new ones.
    Feed {
        /// The feed.
        feed: FeedId,
        /// How many of its newest articles to look at.
        newest: usize,
    },
}

/// The result of [`fetch_missing`] for one article.
#[derive(Debug)]
pub struct Fetched {
    /// The article.
    pub id: ArticleId,
    /// Its title.
    pub title: String,
    /// What happened (stored either way).
    pub outcome: Result<(), FullTextError>,
}

/// Fetches and stores the full text of the articles that have none and were never tried
/// (for a feed with `full_text = true`, after a refresh), at most `concurrency` pages at once.
/// Each result is written as it arrives (one small write each); a failure is recorded with the
/// article and reported, never fatal to the others. Only a cache that cannot be read fails the
/// whole call.
pub async fn fetch_missing(
    store: &mut Store,
    fetcher: &Fetcher,
    which: &Missing,
    concurrency: usize,
) -> Result<Vec<Fetched>, StoreError> {
    let targets = match which {
        Missing::Articles(ids) => store.full_text_missing(ids)?,
        Missing::Feed { feed, newest } => store.full_text_missing_in_feed(*feed, *newest)?,
    };
    let mut fetches = futures_util::stream::iter(targets.into_iter().map(|target| async move {
        let outcome = fetch_target(&target, fetcher).await;
        (target, outcome)
    }))
    .buffer_unordered(concurrency.max(1));
    let mut done = Vec::new();
    while let Some((target, outcome)) = fetches.next().await {
        let stored = store_outcome(store, target.id, &outcome, Utc::now());
        let outcome = match (outcome, stored) {
            (Ok(_), Ok(())) => Ok(()),
            (Err(e), _) | (Ok(_), Err(e)) => Err(e),
        };
        done.push(Fetched { id: target.id, title: target.title, outcome });
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = include_str!("../tests/data/fulltext/article.html");
    const EMPTY: &str = include_str!("../tests/data/fulltext/empty.html");

    #[test]
    fn the_article_comes_out_without_the_page_chrome() {
        let html = extract(ARTICLE, "https://gazette.example/tide").unwrap();
        assert!(html.contains("lowest tides of the year"), "{html}");
        assert!(html.contains("you can only be there when it turns"), "{html}");
        for chrome in ["Subscribe now", "Most read", "rain boots", "Cookie settings", "UA-0000"] {
            assert!(!html.contains(chrome), "{chrome} left in: {html}");
        }
    }

    #[test]
    fn a_page_without_an_article_says_so() {
        let e = extract(EMPTY, "https://gazette.example/login").unwrap_err();
        assert_eq!(e.to_string(), "no article text found on the page https://gazette.example/login");
        assert!(!e.transient());
        assert!(matches!(extract("", "x"), Err(FullTextError::NoText { .. })));
    }

    #[test]
    fn a_page_refused_as_private_says_how_to_allow_it_and_is_not_retried() {
        let source =
            FetchError::Private { url: "http://127.0.0.1:9/x".into(), why: "a private address".into() };
        let e = FullTextError::Fetch { url: "https://news.example/a".into(), source };
        assert_eq!(
            e.to_string(),
            "fetching https://news.example/a failed: refused to fetch http://127.0.0.1:9/x: a private address; \
             set refresh.allow_private_pages = true to allow it"
        );
        assert!(!e.transient());
    }

    #[test]
    fn html_is_told_from_other_content() {
        assert!(looks_like_html("text/html; charset=utf-8"));
        assert!(looks_like_html("application/xhtml+xml"));
        assert!(!looks_like_html("application/pdf"));
        assert!(!looks_like_html("image/png"));
    }
}
