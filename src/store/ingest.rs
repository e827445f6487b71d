//! Writing a refresh's result: one transaction per feed, articles upserted by their stable key
//! (read and starred state kept), unchanged articles not rewritten, retention applied.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, Transaction, params};
use super::prepare::{PreparedArticle, PreparedFeed};
use super::{Store, StoreError};
use crate::config::RetentionConfig;
use crate::domain::FeedId;

/// What a successful fetch learned about the feed besides its entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FetchRecord {
    /// The final HTTP status.
    pub status: Option<u16>,
    /// The response's ETag, for the next conditional request.
    pub etag: Option<String>,
    /// The response's Last-Modified, for the next conditional request.
    pub last_modified: Option<String>,
    /// A fingerprint of the body.
    pub body_hash: Option<i64>,
    /// Where permanent redirects (301/308) lead: the feed's new URL.
    pub new_url: Option<String>,
}

/// How many articles a refresh added and changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IngestOutcome {
    /// Articles not seen before.
    pub new: usize,
    /// Articles seen before whose text or metadata changed.
    pub updated: usize,
    /// Articles removed by retention.
    pub removed: usize,
}

/// Entries dated further ahead than this are treated as published now (broken clocks, typos).
const FUTURE_SLACK: Duration = Duration::hours(24);

impl Store {
    /// Records a check that found nothing new (304, or a body identical to the last one).
    pub fn record_unchanged(
        &mut self,
        id: FeedId,
        record: &FetchRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE feeds SET last_fetch = ?2, last_status = ?3, last_error = NULL, failures = 0, gone = 0,
                 retry_after = NULL, etag = coalesce(?4, etag), last_modified = coalesce(?5, last_modified)
             WHERE id = ?1",
            params![id.0, now.timestamp(), record.status, record.etag, record.last_modified],
        )?;
        move_url(&tx, id, record.new_url.as_deref())?;
        tx.commit()?;
        Ok(())
    }

    /// Records a failed check: its reason, the status if any, 410 Gone, Retry-After.
    pub fn record_failure(
        &mut self,
        id: FeedId,
        status: Option<u16>,
        error: &str,
        gone: bool,
        retry_after: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE feeds SET last_fetch = ?2, last_status = ?3, last_error = ?4, failures = failures + 1,
                 gone = ?5, retry_after = ?6
             WHERE id = ?1",
            params![id.0, now.timestamp(), status, error, gone, retry_after.map(|t| t.timestamp())],
        )?;
        Ok(())
    }

    /// Stores a prepared feed in one transaction and applies retention to it.
    pub fn ingest(
        &mut self,
        id: FeedId,
        record: &FetchRecord,
        feed: &PreparedFeed,
        retention: &RetentionConfig,
        now: DateTime<Utc>,
    ) -> Result<IngestOutcome, StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE feeds SET feed_title = coalesce(?2, feed_title), site_url = coalesce(?3, site_url),
                 etag = ?4, last_modified = ?5, body_hash = ?6, last_fetch = ?7, last_status = ?8,
                 last_error = NULL, failures = 0, gone = 0, retry_after = NULL
             WHERE id = ?1",
            params![
                id.0,
                feed.title,
                feed.site_url,
                record.etag,
                record.last_modified,
                record.body_hash,
                now.timestamp(),
                record.status
            ],
        )?;
        move_url(&tx, id, record.new_url.as_deref())?;
        let mut outcome = IngestOutcome::default();
        // Reverse document order: undated entries, which all sort by the same first-seen time,
        // then list in the feed's own order (ties are broken by id, newest id first).
        for entry in retained(&feed.articles, retention, now).into_iter().rev() {
            match upsert(&tx, id, entry, now)? {
                Upsert::Inserted => outcome.new += 1,
                Upsert::Updated => outcome.updated += 1,
                Upsert::Unchanged => {}
            }
        }
        outcome.removed = apply_retention(&tx, id, retention, now)?;
        tx.commit()?;
        Ok(outcome)
    }
}

/// Follows a permanent redirect unless another subscription already has that URL.
fn move_url(tx: &Transaction<'_>, id: FeedId, new_url: Option<&str>) -> Result<(), StoreError> {
    if let Some(url) = new_url {
        tx.execute(
            "UPDATE feeds SET url = ?2 WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM feeds WHERE url = ?2)",
            params![id.0, url],
        )?;
    }
    Ok(())
}

/// The entries retention lets in: none older than `keep_days`, at most the `keep_per_feed`
/// newest. Filtering before writing keeps pruned entries from coming back on the next refresh.
fn retained<'a>(
    entries: &'a [PreparedArticle],
    retention: &RetentionConfig,
    now: DateTime<Utc>,
) -> Vec<&'a PreparedArticle> {
    let mut kept: Vec<&PreparedArticle> = entries.iter().collect();
    if retention.keep_days > 0 {
        let cutoff = now - Duration::days(i64::from(retention.keep_days));
        kept.retain(|e| e.date().is_none_or(|d| d >= cutoff));
    }
    let cap = retention.keep_per_feed as usize;
    if cap > 0 && kept.len() > cap {
        // Newest first; undated entries count as new; the sort is stable so ties keep feed order.
        let mut order: Vec<usize> = (0..kept.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(kept[i].date().unwrap_or(now)));
        let mut keep = vec![false; kept.len()];
        for &i in order.iter().take(cap) {
            keep[i] = true;
        }
        let mut i = 0;
        kept.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }
    kept
}

enum Upsert {
    Inserted,
    Updated,
    Unchanged,
}

fn upsert(
    tx: &Transaction<'_>,
    feed: FeedId,
    e: &PreparedArticle,
    now: DateTime<Utc>,
) -> Result<Upsert, StoreError> {
    let sort_time = e.date().map(|d| if d > now + FUTURE_SLACK { now } else { d });
    let existing: Option<(i64, i64)> = tx
        .prepare_cached("SELECT id, fingerprint FROM articles WHERE feed_id = ?1 AND key_hash = ?2")?
        .query_row(params![feed.0, e.key_hash], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match existing {
        None => {
            tx.prepare_cached(
                "INSERT INTO articles (feed_id, key_hash, key, fingerprint, title, link, author, published,
                     updated, first_seen, categories)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                feed.0,
                e.key_hash,
                e.key,
                e.fingerprint,
                e.title,
                e.link,
                e.author,
                sort_time.unwrap_or(now).timestamp(),
                e.updated.map(|d| d.timestamp()),
                now.timestamp(),
                e.categories
            ])?;
            let id = tx.last_insert_rowid();
            tx.prepare_cached("INSERT INTO bodies (article_id, summary, content, enclosures) VALUES (?1, ?2, ?3, ?4)")?
                .execute(params![id, e.summary, e.content, e.enclosures])?;
            Ok(Upsert::Inserted)
        }
        Some((_, old)) if old == e.fingerprint => Ok(Upsert::Unchanged),
        Some((id, _)) => {
            tx.prepare_cached(
                "UPDATE articles SET fingerprint = ?2, title = ?3, link = ?4, author = ?5,
                     published = coalesce(?6, published), updated = ?7, categories = ?8
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                e.fingerprint,
                e.title,
                e.link,
                e.author,
                sort_time.map(|d| d.timestamp()),
                e.updated.map(|d| d.timestamp()),
                e.categories
            ])?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO bodies (article_id, summary, content, enclosures) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![id, e.summary, e.content, e.enclosures])?;
            Ok(Upsert::Updated)
        }
    }
}

/// Deletes what retention no longer allows for one feed; starred articles always stay.
fn apply_retention(
    tx: &Transaction<'_>,
    feed: FeedId,
    retention: &RetentionConfig,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let mut removed = 0;
    if retention.keep_days > 0 {
        let cutoff = now - Duration::days(i64::from(retention.keep_days));
        removed += tx
            .prepare_cached("DELETE FROM articles WHERE feed_id = ?1 AND published < ?2 AND starred = 0")?
            .execute(params![feed.0, cutoff.timestamp()])?;
    }
    if retention.keep_per_feed > 0 {
        removed += tx
            .prepare_cached(
                "DELETE FROM articles WHERE id IN (
                     SELECT id FROM articles WHERE feed_id = ?1
                     ORDER BY published DESC, id DESC LIMIT -1 OFFSET ?2)
                 AND starred = 0",
            )?
            .execute(params![feed.0, i64::from(retention.keep_per_feed)])?;
    }
    Ok(removed)
}
