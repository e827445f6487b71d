//! Turning a parsed feed into rows: text cleaned ([`super::clean`], the one gate every article
//! passes, whichever way it came in), keys hashed, fingerprints taken, bodies compressed, lists
//! serialised. It is CPU work with no database access, so refresh runs it on the parse workers
//! and the single writer thread only executes SQL.

use chrono::{DateTime, Utc};
use xxhash_rust::xxh3::Xxh3;

use super::{body, clean};
use crate::domain::{NewArticle, ParsedFeed};

/// A feed ready to be written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreparedFeed {
    /// The feed's own title.
    pub title: Option<String>,
    /// Its web site.
    pub site_url: Option<String>,
    /// Its entries, in document order.
    pub articles: Vec<PreparedArticle>,
    /// RSS `<ttl>` in minutes.
    pub ttl: Option<u32>,
}

/// One entry ready to be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedArticle {
    /// Stable key within the feed.
    pub key: String,
    /// Hash of the key: the unique index is on this, not on long URLs.
    pub key_hash: i64,
    /// Hash of everything stored, to skip rewriting unchanged entries.
    pub fingerprint: i64,
    /// Plain-text title.
    pub title: String,
    /// Absolute link.
    pub link: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Publication time.
    pub published: Option<DateTime<Utc>>,
    /// Update time.
    pub updated: Option<DateTime<Utc>>,
    /// Categories as a JSON array.
    pub categories: Option<String>,
    /// Encoded summary HTML.
    pub summary: Option<Vec<u8>>,
    /// Encoded content HTML.
    pub content: Option<Vec<u8>>,
    /// Enclosures as a JSON array.
    pub enclosures: Option<String>,
}

impl PreparedArticle {
    /// The date the entry carries: published, else updated.
    pub fn date(&self) -> Option<DateTime<Utc>> {
        self.published.or(self.updated)
    }
}

impl From<ParsedFeed> for PreparedFeed {
    fn from(feed: ParsedFeed) -> Self {
        Self {
            title: feed.title,
            site_url: feed.site_url,
            articles: feed.entries.into_iter().map(prepare_article).collect(),
            ttl: feed.ttl,
        }
    }
}

impl From<NewArticle> for PreparedArticle {
    fn from(e: NewArticle) -> Self {
        prepare_article(e)
    }
}

fn prepare_article(e: NewArticle) -> PreparedArticle {
    let e = clean::article(e);
    let fingerprint = fingerprint(&e);
    // The summary is not stored twice when the content repeats it.
    let summary =
        e.summary_html.as_deref().filter(|s| Some(*s) != e.content_html.as_deref()).map(body::encode);
    PreparedArticle {
        key_hash: xxhash_rust::xxh3::xxh3_64(e.key.as_bytes()) as i64,
        fingerprint,
        summary,
        content: e.content_html.as_deref().map(body::encode),
        categories: json_list(&e.categories),
        enclosures: json_list(&e.enclosures),
        key: e.key,
        title: e.title,
        link: e.link,
        author: e.author,
        published: e.published,
        updated: e.updated,
    }
}

/// A hash of everything stored about an entry.
fn fingerprint(e: &NewArticle) -> i64 {
    let mut h = Xxh3::new();
    let mut field = |s: Option<&str>| {
        let s = s.unwrap_or("\u{0}");
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    field(Some(&e.title));
    field(e.link.as_deref());
    field(e.author.as_deref());
    field(e.summary_html.as_deref());
    field(e.content_html.as_deref());
    field(e.published.map(|d| d.to_rfc3339()).as_deref());
    field(e.updated.map(|d| d.to_rfc3339()).as_deref());
    for c in &e.categories {
        field(Some(c));
    }
    for enc in &e.enclosures {
        field(Some(&enc.url));
    }
    h.digest() as i64
}

/// A non-empty list as a JSON array; `None` for an empty one.
fn json_list<T: serde::Serialize>(items: &[T]) -> Option<String> {
    // Serialising strings and plain structs cannot fail.
    (!items.is_empty()).then(|| serde_json::to_string(items).unwrap_or_else(|_| "[]".into()))
}
