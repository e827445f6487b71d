//! Subscriptions: adding, removing, listing and the per-feed fetch state.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::{Store, StoreError, to_time_opt};
use crate::domain::{Feed, FeedId, NewFeed};

/// The result of subscribing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddOutcome {
    /// The feed's id.
    pub id: FeedId,
    /// False when the URL was already subscribed (its tags were merged).
    pub created: bool,
}

/// What the fetcher needs to know about a feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchTarget {
    /// The feed.
    pub id: FeedId,
    /// Its URL.
    pub url: String,
    /// The ETag of the last full response.
    pub etag: Option<String>,
    /// The Last-Modified of the last full response.
    pub last_modified: Option<String>,
    /// A fingerprint of the last body parsed, to skip re-parsing an identical body.
    pub body_hash: Option<i64>,
    /// The server said 410 Gone.
    pub gone: bool,
    /// The server asked not to be asked again before this time.
    pub retry_after: Option<DateTime<Utc>>,
    /// When it was last checked.
    pub last_fetch: Option<DateTime<Utc>>,
    /// The feed's RSS `<ttl>`, in minutes.
    pub ttl: Option<u32>,
    /// Until when the server said its last answer stays fresh.
    pub fresh_until: Option<DateTime<Utc>>,
}

const FEED_COLUMNS: &str = "f.id, coalesce(f.user_title, f.feed_title, f.url), f.url, f.site_url, \
     f.unread, f.total, f.last_fetch, f.last_status, f.last_error, f.failures, \
     (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM feed_tags t WHERE t.feed_id = f.id ORDER BY tag)), \
     f.source";

fn feed_from_row(row: &Row<'_>) -> rusqlite::Result<Feed> {
    let tags: Option<String> = row.get(10)?;
    Ok(Feed {
        id: FeedId(row.get(0)?),
        title: row.get(1)?,
        url: row.get(2)?,
        site_url: row.get(3)?,
        unread: row.get::<_, i64>(4)?.max(0) as u64,
        total: row.get::<_, i64>(5)?.max(0) as u64,
        last_fetch: to_time_opt(row.get(6)?),
        last_status: row.get::<_, Option<i64>>(7)?.and_then(|s| u16::try_from(s).ok()),
        last_error: row.get(8)?,
        failures: row.get::<_, i64>(9)?.clamp(0, i64::from(u32::MAX)) as u32,
        tags: tags.map(|t| t.split('\u{1f}').map(str::to_string).collect()).unwrap_or_default(),
        source: row.get(11)?,
    })
}

/// Tags `feed` with `tag` (unless it has it): tags match ignoring case ("Tech" is "tech"), and
/// a tag already in use anywhere keeps the spelling it was first given.
/// Where a tag came from (`feed_tags.from_config`).
pub(super) const TAG_OWN: i64 = 0;
/// Given in config.toml.
pub(super) const TAG_CONFIG: i64 = 1;
/// A folder on the sync server.
pub(super) const TAG_SERVER: i64 = 2;

pub(super) fn insert_tag(
    tx: &rusqlite::Connection,
    feed: i64,
    tag: &str,
    from_config: i64,
) -> Result<(), StoreError> {
    let tag = super::clean::title(Some(tag)).unwrap_or_default();
    if tag.is_empty() {
        return Ok(());
    }
    let key = tag_key(&tag);
    let shown: Option<String> = tx
        .query_row("SELECT tag FROM feed_tags WHERE tag_key = ?1 LIMIT 1", [&key], |r| r.get(0))
        .optional()?;
    tx.execute(
        "INSERT OR IGNORE INTO feed_tags (feed_id, tag, tag_key, from_config) VALUES (?1, ?2, ?3, ?4)",
        params![feed, shown.as_deref().unwrap_or(&tag), key, from_config],
    )?;
    Ok(())
}

impl Store {
    /// Stores the tags config.toml gives feeds (`[feeds."…"] tags`) in place of those it gave
    /// before, so tag views, `tag:` and counts see them like any other; a feed's own tags stay.
    /// Every command and the reader's start call this, so it writes only when the file asks
    /// for something other than what is stored (`tidings unread` in a status bar takes no
    /// write lock).
    pub fn set_config_tags(
        &mut self,
        settings: &std::collections::BTreeMap<String, crate::config::FeedSettings>,
    ) -> Result<(), StoreError> {
        use std::collections::BTreeSet;
        let mut own = BTreeSet::new();
        let mut stored = BTreeSet::new();
        {
            let mut stmt = self.conn.prepare_cached("SELECT feed_id, tag_key, from_config FROM feed_tags")?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)? == TAG_CONFIG))
            })?;
            for row in rows {
                let (feed, key, from_config) = row?;
                if from_config {
                    stored.insert((feed, key))
                } else {
                    own.insert((feed, key))
                };
            }
        }
        let mut wanted: BTreeSet<(i64, String)> = BTreeSet::new();
        let mut tags: Vec<(i64, &str)> = Vec::new();
        if settings.values().any(|s| !s.tags.is_empty()) {
            let feeds: Vec<(i64, String)> = self
                .conn
                .prepare_cached("SELECT id, url FROM feeds")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            for (id, url) in feeds {
                let Some(s) = crate::config::settings_for(settings, FeedId(id), &url) else { continue };
                for tag in s.tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
                    // A tag the feed has of its own stays its own.
                    let pair = (id, tag_key(tag));
                    if !own.contains(&pair) && wanted.insert(pair) {
                        tags.push((id, tag));
                    }
                }
            }
        }
        if wanted == stored {
            return Ok(());
        }
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM feed_tags WHERE from_config = ?1", [TAG_CONFIG])?;
        for (id, tag) in tags {
            insert_tag(&tx, id, tag, TAG_CONFIG)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Subscribes to `new.url`; an existing subscription keeps its title and gains the tags,
    /// and an unsubscribed one kept as a tombstone comes back with its articles and marks.
    /// Tags match ignoring case ("Tech" is "tech"): a tag already in use anywhere keeps the
    /// spelling it was first given.
    pub fn add_feed(&mut self, new: &NewFeed, now: DateTime<Utc>) -> Result<AddOutcome, StoreError> {
        let url = super::clean::feed_url(&new.url);
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let existing: Option<(i64, bool)> = tx
            .query_row("SELECT id, removed IS NOT NULL FROM feeds WHERE url = ?1", [&url], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let (id, created) = if let Some((id, removed)) = existing {
            // Unsubscribed before and kept (for undo, or for its starred articles): the same
            // feed comes back, with what it held.
            if removed {
                super::removed::revive_by_user(&tx, id)?;
                if new.title.is_some() {
                    tx.execute(
                        "UPDATE feeds SET user_title = ?2 WHERE id = ?1",
                        params![id, super::clean::title(new.title.as_deref())],
                    )?;
                }
            }
            (id, removed)
        } else {
            tx.execute(
                "INSERT INTO feeds (url, user_title, added) VALUES (?1, ?2, ?3)",
                params![url, super::clean::title(new.title.as_deref()), now.timestamp()],
            )?;
            (tx.last_insert_rowid(), true)
        };
        for tag in &new.tags {
            insert_tag(&tx, id, tag, TAG_OWN)?;
        }
        tx.commit()?;
        Ok(AddOutcome { id: FeedId(id), created })
    }

    /// Finds a feed by id (`12`) or URL.
    pub fn resolve_feed(&self, spec: &str) -> Result<Option<FeedId>, StoreError> {
        let spec = spec.trim();
        if let Ok(id) = spec.parse::<i64>() {
            let found = self
                .conn
                .query_row("SELECT id FROM feeds WHERE id = ?1 AND removed IS NULL", [id], |r| r.get(0))
                .optional()?;
            return Ok(found.map(FeedId));
        }
        let found = self
            .conn
            .query_row(
                "SELECT id FROM feeds WHERE (url = ?1 OR url = ?1 || '/' OR url || '/' = ?1) AND removed IS NULL
                 ORDER BY url = ?1 DESC",
                [spec],
                |r| r.get(0),
            )
            .optional()?;
        Ok(found.map(FeedId))
    }

    /// Every subscription, ordered by title.
    pub fn feeds(&self) -> Result<Vec<Feed>, StoreError> {
        let sql = format!(
            "SELECT {FEED_COLUMNS} FROM feeds f WHERE f.removed IS NULL ORDER BY lower(coalesce(f.user_title, f.feed_title, f.url)), f.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], feed_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One subscription.
    pub fn feed(&self, id: FeedId) -> Result<Option<Feed>, StoreError> {
        let sql = format!("SELECT {FEED_COLUMNS} FROM feeds f WHERE f.id = ?1");
        Ok(self.conn.query_row(&sql, [id.0], feed_from_row).optional()?)
    }

    /// The number of subscriptions.
    pub fn feed_count(&self) -> Result<u64, StoreError> {
        let n: i64 =
            self.conn.query_row("SELECT count(*) FROM feeds WHERE removed IS NULL", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// The fetch state of the given feeds (all when `only` is `None`), in id order.
    pub fn fetch_targets(&self, only: Option<&[FeedId]>) -> Result<Vec<FetchTarget>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, url, etag, last_modified, body_hash, gone, retry_after, last_fetch, ttl, fresh_until
             FROM feeds WHERE source IS NULL AND removed IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(FetchTarget {
                id: FeedId(r.get(0)?),
                url: r.get(1)?,
                etag: r.get(2)?,
                last_modified: r.get(3)?,
                body_hash: r.get(4)?,
                gone: r.get(5)?,
                retry_after: to_time_opt(r.get(6)?),
                last_fetch: to_time_opt(r.get(7)?),
                ttl: r.get::<_, Option<i64>>(8)?.and_then(|t| u32::try_from(t).ok()),
                fresh_until: to_time_opt(r.get(9)?),
            })
        })?;
        let mut all: Vec<FetchTarget> = rows.collect::<Result<_, _>>()?;
        if let Some(only) = only {
            all.retain(|t| only.contains(&t.id));
        }
        Ok(all)
    }

    /// Every tag (one row per tag, ignoring case, in its first-seen spelling) with the unread
    /// articles of its feeds, sorted by tag ignoring case.
    pub fn tag_counts(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT min(t.tag), coalesce(sum(f.unread), 0) FROM feed_tags t JOIN feeds f ON f.id = t.feed_id
             WHERE f.removed IS NULL GROUP BY t.tag_key ORDER BY t.tag_key",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Starred articles (counted through their partial index).
    pub fn starred_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM articles WHERE starred = 1 AND hidden = 0",
            [],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// Unread articles, from the feeds' counters (never a scan of the articles): of one feed,
    /// of the feeds with a tag (matched like [`Store::find_tag`], ignoring case), or of all.
    pub fn unread_count(&self, feed: Option<FeedId>, tag: Option<&str>) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT coalesce(sum(unread), 0) FROM feeds
             WHERE (?1 IS NULL OR id = ?1)
               AND (?2 IS NULL OR id IN (SELECT feed_id FROM feed_tags WHERE tag_key = ?2))",
            )?
            .query_row(rusqlite::params![feed.map(|f| f.0), tag.map(tag_key)], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// Every tag in use, once each (ignoring case), sorted ignoring case.
    pub fn tags(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT min(tag) FROM feed_tags WHERE feed_id IN (SELECT id FROM feeds WHERE removed IS NULL)
             GROUP BY tag_key ORDER BY tag_key",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The stored spelling of `tag`, matched ignoring case (`TECH` finds `Tech`, `ÉTÉ` finds
    /// `été`); `None` when no feed has it. Filters compare `tag` ignoring ASCII case only, so
    /// callers with a tag typed by a user look its spelling up here first.
    pub fn find_tag(&self, tag: &str) -> Result<Option<String>, StoreError> {
        let found = self
            .conn
            .prepare_cached("SELECT tag FROM feed_tags WHERE tag_key = ?1 LIMIT 1")?
            .query_row([tag_key(tag)], |r| r.get(0))
            .optional()?;
        Ok(found)
    }
}

/// What makes two tags the same tag: the text on one clean line, lowercased (Unicode lowercase,
/// so `Été` and `été` are one tag, which SQLite's NOCASE alone would not see).
pub(super) fn tag_key(tag: &str) -> String {
    crate::text::sanitize::single_line(tag).to_lowercase()
}
