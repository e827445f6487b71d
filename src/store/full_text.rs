//! Full article text fetched from the article's page: kept per article (encoded like bodies),
//! with the page it came from, or the last failure. Deleted with its article.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, body, to_time};
use crate::domain::{ArticleId, FeedId, FullText};

/// An article whose page can be fetched for its full text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FullTextTarget {
    /// The article.
    pub id: ArticleId,
    /// Its title (for messages).
    pub title: String,
    /// Its page, if the feed gave one.
    pub link: Option<String>,
    /// The address of its feed (pages on a private address are fetched only from the feed's
    /// own server).
    pub feed_url: String,
}

/// The last failure to fetch an article's full text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FullTextFailure {
    /// What went wrong, as shown to the user.
    pub error: String,
    /// When.
    pub at: DateTime<Utc>,
}

fn target_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FullTextTarget> {
    Ok(FullTextTarget { id: ArticleId(r.get(0)?), title: r.get(1)?, link: r.get(2)?, feed_url: r.get(3)? })
}

impl Store {
    /// The full text stored for an article, if any.
    pub fn full_text(&self, id: ArticleId) -> Result<Option<FullText>, StoreError> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT html, url, fetched FROM full_text WHERE article_id = ?1 AND html IS NOT NULL",
            )?
            .query_row([id.0], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<i64>>(2)?))
            })
            .optional()?;
        let Some((blob, url, fetched)) = row else { return Ok(None) };
        Ok(Some(FullText {
            html: body::decode(&blob)?,
            url: url.unwrap_or_default(),
            fetched: to_time(fetched.unwrap_or_default()),
        }))
    }

    /// The last failure to fetch an article's full text, if the last attempt failed.
    pub fn full_text_failure(&self, id: ArticleId) -> Result<Option<FullTextFailure>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT error, failed FROM full_text WHERE article_id = ?1 AND error IS NOT NULL",
            )?
            .query_row([id.0], |r| {
                Ok(FullTextFailure {
                    error: r.get(0)?,
                    at: to_time(r.get::<_, Option<i64>>(1)?.unwrap_or_default()),
                })
            })
            .optional()?)
    }

    /// The article's title and page, or `None` when it is no longer in the cache.
    pub fn full_text_target(&self, id: ArticleId) -> Result<Option<FullTextTarget>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT a.id, a.title, a.link, f.url FROM articles a JOIN feeds f ON f.id = a.feed_id
                 WHERE a.id = ?1",
            )?
            .query_row([id.0], target_from_row)
            .optional()?)
    }

    /// Those of `ids` that have a link and were never tried (no full text, no failure).
    pub fn full_text_missing(&self, ids: &[ArticleId]) -> Result<Vec<FullTextTarget>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.title, a.link, f.url FROM articles a JOIN feeds f ON f.id = a.feed_id
             WHERE a.id = ?1 AND a.link IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM full_text WHERE article_id = ?1)",
        )?;
        let mut out = Vec::new();
        for id in ids {
            if let Some(t) = stmt.query_row([id.0], target_from_row).optional()? {
                out.push(t);
            }
        }
        Ok(out)
    }

    /// The feed's newest `limit` articles (at most) that have a link and were never tried,
    /// newest first: after a refresh, its new articles.
    pub fn full_text_missing_in_feed(
        &self,
        feed: FeedId,
        limit: usize,
    ) -> Result<Vec<FullTextTarget>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.title, a.link, f.url FROM articles a JOIN feeds f ON f.id = a.feed_id
             WHERE a.feed_id = ?1 AND a.link IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM full_text t WHERE t.article_id = a.id)
             ORDER BY a.published DESC, a.id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![feed.0, limit as i64], target_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Keeps an article's full text (replacing an earlier one and forgetting a failure).
    /// Returns false when the article is no longer in the cache.
    pub fn save_full_text(&mut self, id: ArticleId, full: &FullText) -> Result<bool, StoreError> {
        let written = self
            .conn
            .prepare_cached(
                "INSERT OR REPLACE INTO full_text (article_id, html, url, fetched, error, failed)
             SELECT id, ?2, ?3, ?4, NULL, NULL FROM articles WHERE id = ?1",
            )?
            .execute(params![id.0, body::encode(&full.html), full.url, full.fetched.timestamp()])?;
        Ok(written > 0)
    }

    /// Records a failure to fetch an article's full text; a full text fetched before is kept.
    pub fn save_full_text_failure(
        &mut self,
        id: ArticleId,
        error: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO full_text (article_id, error, failed)
                 SELECT id, ?2, ?3 FROM articles WHERE id = ?1
                 ON CONFLICT (article_id) DO UPDATE SET error = excluded.error, failed = excluded.failed",
            )?
            .execute(params![id.0, error, at.timestamp()])?;
        Ok(())
    }
}
