//! Writing a refresh's result: each feed written atomically, articles upserted by their stable
//! key (read and starred state kept), unchanged articles not rewritten, retention applied.

use super::prepare::{PreparedArticle, PreparedFeed};
use super::{Store, StoreError};
use crate::config::RetentionConfig;
use crate::domain::FeedId;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension as _, Transaction, params};

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
    /// Until when the server said the response stays fresh (Cache-Control max-age, Expires).
    pub fresh_until: Option<DateTime<Utc>>,
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

/// A write transaction holding the results of several feeds. Each feed is written atomically
/// inside it (its own savepoint: a feed is stored whole or not at all) and the batch commits
/// them together.
///
/// Why batch: the time-ordered indexes put every feed's articles all over the index, so a
/// commit per feed appends most of the index's pages to the WAL again for each feed. Measured on
/// 500 feeds × 100 articles: 2.2 s of writing with a commit per feed, 0.8 s batched
/// (`cargo bench --bench ingest`, and the refresh benchmark in the README).
pub struct Batch<'a> {
    pub(super) tx: Transaction<'a>,
    /// The killfile, judged on each new article.
    kill: super::KillRules,
}

impl Store {
    /// Starts a batch (an immediate write transaction, so it never fails half-way on a lock).
    pub fn batch(&mut self) -> Result<Batch<'_>, StoreError> {
        let kill = self.kill.clone();
        Ok(Batch { tx: self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?, kill })
    }

    /// Records a failed check: its reason, the status if any, 410 Gone, Retry-After.
    pub fn record_failure(
        &mut self,
        id: FeedId,
        failure: &Failure<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut batch = self.batch()?;
        batch.record_failure(id, failure, now)?;
        batch.commit()
    }

    /// Stores a prepared feed and applies retention to it, in one transaction.
    pub fn ingest(
        &mut self,
        id: FeedId,
        record: &FetchRecord,
        feed: &PreparedFeed,
        retention: &RetentionConfig,
        now: DateTime<Utc>,
    ) -> Result<IngestOutcome, StoreError> {
        let mut batch = self.batch()?;
        let outcome = batch.ingest(id, record, feed, retention, now)?;
        batch.commit()?;
        Ok(outcome)
    }
}

/// Why a check failed, as recorded on the feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failure<'a> {
    /// The HTTP status, when there was one.
    pub status: Option<u16>,
    /// What went wrong, for the user.
    pub error: &'a str,
    /// The server said 410 Gone.
    pub gone: bool,
    /// The server asked not to be asked again before this time.
    pub retry_after: Option<DateTime<Utc>>,
}

impl Batch<'_> {
    /// Makes everything in the batch durable and visible.
    pub fn commit(self) -> Result<(), StoreError> {
        self.tx.commit()?;
        Ok(())
    }

    /// Records a check that found nothing new.
    pub fn record_unchanged(
        &mut self,
        id: FeedId,
        record: &FetchRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let sp = self.tx.savepoint()?;
        sp.prepare_cached(
            "UPDATE feeds SET last_fetch = ?2, last_status = ?3, last_error = NULL, failures = 0, gone = 0,
                 retry_after = NULL, etag = coalesce(?4, etag), last_modified = coalesce(?5, last_modified),
                 fresh_until = ?6
             WHERE id = ?1",
        )?
        .execute(params![
            id.0,
            now.timestamp(),
            record.status,
            record.etag,
            record.last_modified,
            record.fresh_until.map(|t| t.timestamp())
        ])?;
        move_url(&sp, id, record.new_url.as_deref())?;
        sp.commit()?;
        Ok(())
    }

    /// Records a failed check.
    pub fn record_failure(
        &mut self,
        id: FeedId,
        f: &Failure<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(
                "UPDATE feeds SET last_fetch = ?2, last_status = ?3, last_error = ?4, failures = failures + 1,
                     gone = ?5, retry_after = ?6
                 WHERE id = ?1",
            )?
            .execute(params![id.0, now.timestamp(), f.status, f.error, f.gone, f.retry_after.map(|t| t.timestamp())])?;
        Ok(())
    }

    /// Stores a prepared feed and applies retention to it, atomically within the batch.
    pub fn ingest(
        &mut self,
        id: FeedId,
        record: &FetchRecord,
        feed: &PreparedFeed,
        retention: &RetentionConfig,
        now: DateTime<Utc>,
    ) -> Result<IngestOutcome, StoreError> {
        let sp = self.tx.savepoint()?;
        // Unsubscribed while it was being fetched: nothing comes into a tombstone.
        let subscribed: bool = sp
            .prepare_cached("SELECT removed IS NULL FROM feeds WHERE id = ?1")?
            .query_row([id.0], |r| r.get(0))
            .optional()?
            .unwrap_or(false);
        if !subscribed {
            return Ok(IngestOutcome::default());
        }
        sp.prepare_cached(
            "UPDATE feeds SET feed_title = coalesce(?2, feed_title), site_url = coalesce(?3, site_url),
                 etag = ?4, last_modified = ?5, body_hash = ?6, last_fetch = ?7, last_status = ?8,
                 last_error = NULL, failures = 0, gone = 0, retry_after = NULL, ttl = ?9, fresh_until = ?10
             WHERE id = ?1",
        )?
        .execute(params![
            id.0,
            super::clean::title(feed.title.as_deref()),
            super::clean::site(feed.site_url.as_deref()),
            record.etag,
            record.last_modified,
            record.body_hash,
            now.timestamp(),
            record.status,
            feed.ttl,
            record.fresh_until.map(|t| t.timestamp())
        ])?;
        move_url(&sp, id, record.new_url.as_deref())?;
        let mut outcome = IngestOutcome::default();
        let mut inserted: Vec<(i64, i64, &PreparedArticle)> = Vec::new();
        // Reverse document order: undated entries, which all sort by the same first-seen time,
        // then list in the feed's own order (ties are broken by id, newest id first).
        for entry in retained(&feed.articles, retention, now).into_iter().rev() {
            match upsert(&sp, id, entry, now)? {
                Upsert::Inserted { id, published } => {
                    outcome.new += 1;
                    if !self.kill.is_empty() {
                        inserted.push((id, published, entry));
                    }
                }
                Upsert::Updated => outcome.updated += 1,
                Upsert::Unchanged => {}
            }
        }
        if outcome.new > 0 {
            // New articles are unread; see the schema for why this is not a trigger.
            sp.prepare_cached("UPDATE feeds SET total = total + ?2, unread = unread + ?2 WHERE id = ?1")?
                .execute(params![id.0, outcome.new as i64])?;
        }
        if !inserted.is_empty() {
            // After the counters: the triggers take hidden and read articles back out.
            judge_new(&sp, &self.kill, id, &inserted)?;
        }
        outcome.removed = apply_retention(&sp, id, retention, now)?;
        sp.commit()?;
        Ok(outcome)
    }
}

/// Follows a permanent redirect unless another subscription already has that URL.
fn move_url(tx: &Connection, id: FeedId, new_url: Option<&str>) -> Result<(), StoreError> {
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
pub(super) fn retained<'a>(
    entries: &'a [PreparedArticle],
    retention: &RetentionConfig,
    now: DateTime<Utc>,
) -> Vec<&'a PreparedArticle> {
    retained_by(entries, PreparedArticle::date, retention, now)
}

/// [`retained`] for anything that carries an article's date (an imported article, one from a
/// sync server), so callers need not copy articles to ask.
pub(super) fn retained_by<'a, T>(
    entries: &'a [T],
    date: impl Fn(&T) -> Option<DateTime<Utc>>,
    retention: &RetentionConfig,
    now: DateTime<Utc>,
) -> Vec<&'a T> {
    let mut kept: Vec<&T> = entries.iter().collect();
    if retention.keep_days > 0 {
        let cutoff = now - Duration::days(i64::from(retention.keep_days));
        kept.retain(|e| date(e).is_none_or(|d| d >= cutoff));
    }
    let cap = retention.keep_per_feed as usize;
    if cap > 0 && kept.len() > cap {
        // Newest first; undated entries count as new; the sort is stable so ties keep feed order.
        let mut order: Vec<usize> = (0..kept.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(date(kept[i]).unwrap_or(now)));
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
    Inserted { id: i64, published: i64 },
    Updated,
    Unchanged,
}

fn upsert(
    tx: &Connection,
    feed: FeedId,
    e: &PreparedArticle,
    now: DateTime<Utc>,
) -> Result<Upsert, StoreError> {
    // Insert first: for a new article (every one, on a first refresh) that is the only
    // statement; a key already there makes it a no-op and the fingerprint decides the rest.
    if let Some((id, published)) = insert_new(tx, feed, e, now)? {
        return Ok(Upsert::Inserted { id, published });
    }
    let sort_time = e.date().map(|d| if d > now + FUTURE_SLACK { now } else { d });
    let (id, old): (i64, i64) = tx
        .prepare_cached("SELECT id, fingerprint FROM articles WHERE feed_id = ?1 AND key_hash = ?2")?
        .query_row(params![feed.0, e.key_hash], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if old == e.fingerprint {
        return Ok(Upsert::Unchanged);
    }
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

/// Inserts an article whose key the feed does not have yet (with its body): its id and sort
/// time; `None`, and nothing written, when the key is there already.
pub(super) fn insert_new(
    tx: &Connection,
    feed: FeedId,
    e: &PreparedArticle,
    now: DateTime<Utc>,
) -> Result<Option<(i64, i64)>, StoreError> {
    let sort_time = e.date().map(|d| if d > now + FUTURE_SLACK { now } else { d });
    let inserted = tx
        .prepare_cached(
            "INSERT INTO articles (feed_id, key_hash, key, fingerprint, title, link, author, published,
                 updated, first_seen, categories)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (feed_id, key_hash) DO NOTHING",
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
    if inserted != 1 {
        return Ok(None);
    }
    let id = tx.last_insert_rowid();
    tx.prepare_cached(
        "INSERT INTO bodies (article_id, summary, content, enclosures) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id, e.summary, e.content, e.enclosures])?;
    Ok(Some((id, sort_time.unwrap_or(now).timestamp())))
}

/// Judges a feed's new articles by the killfile and hides or marks read the matching ones.
/// Text is decoded and analysed only for rules that look at words, once per article.
pub(super) fn judge_new(
    tx: &Connection,
    kill: &super::KillRules,
    feed: FeedId,
    inserted: &[(i64, i64, &PreparedArticle)],
) -> Result<(), StoreError> {
    let languages = super::search::index_languages_in(tx)?;
    let feeds = super::kill::feed_info(tx, Some(feed.0))?;
    let (url, title, tags) =
        feeds.get(&feed.0).map_or(("", "", &[][..]), |f| (f.0.as_str(), f.1.as_str(), f.2.as_slice()));
    for &(id, published, e) in inserted {
        let html = e.content.as_ref().or(e.summary.as_ref()).map(|b| super::body::decode(b)).transpose()?;
        let text = crate::index::index_text(html.as_deref().unwrap_or_default());
        let mut a = crate::index::ArticleText::new(&e.title, &text);
        a.author = e.author.as_deref();
        a.feed_id = feed.0;
        a.feed_url = url;
        a.feed_title = title;
        a.tags = tags;
        a.published = published;
        super::kill::carry_out(tx, id, kill.judge(&a, &languages))?;
    }
    Ok(())
}

/// Deletes what retention no longer allows for one feed; starred articles always stay.
pub(super) fn apply_retention(
    tx: &Connection,
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
