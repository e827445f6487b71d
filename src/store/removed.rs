//! Unsubscribing without losing anything. A feed unsubscribed here, or dropped by the sync
//! server, becomes a tombstone: `feeds.removed` says when, its articles are hidden (bit 2 of
//! `articles.hidden`), and it is neither fetched, synced nor listed. Undo ([`Store::restore_feed`])
//! brings back the same feed, with the same id, articles, read and star marks, tags and sync
//! state. Once the tombstone is older than `retention.keep_unsubscribed_days`,
//! [`Store::purge_removed`] deletes what was hidden; starred articles were never hidden and are
//! never deleted (a trigger refuses it), so the feed row stays for them, and they stay
//! readable in every view, Starred included, with their text.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, StoreError};
use crate::domain::FeedId;

/// The bit of `articles.hidden` that a feed's removal sets (bit 1 is the killfile's).
pub(super) const HIDDEN_REMOVED: i64 = 2;

/// Who unsubscribed a feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemovedBy {
    /// The user, here.
    You,
    /// The sync server no longer lists it (unsubscribed on another device, or by the server).
    Server,
}

impl RemovedBy {
    fn as_str(self) -> &'static str {
        match self {
            Self::You => "you",
            Self::Server => "server",
        }
    }
}

/// What purging old tombstones deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    /// Feeds gone for good (nothing starred was left in them).
    pub feeds: usize,
    /// Articles deleted.
    pub articles: usize,
}

/// Makes feed `id` a tombstone (see the module); false when it is unknown or removed already.
pub(super) fn retire(
    tx: &Connection,
    id: i64,
    by: RemovedBy,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = tx
        .prepare_cached("UPDATE feeds SET removed = ?2, removed_by = ?3 WHERE id = ?1 AND removed IS NULL")?
        .execute(params![id, now.timestamp(), by.as_str()])?;
    if n == 0 {
        return Ok(false);
    }
    // The counters follow `hidden` by trigger.
    tx.prepare_cached("UPDATE articles SET hidden = hidden | ?2 WHERE feed_id = ?1 AND starred = 0")?
        .execute(params![id, HIDDEN_REMOVED])?;
    Ok(true)
}

/// The server no longer holds a removed feed (its unsubscription went through, or it dropped
/// the feed): the feed and its articles stop being the server's, so that a later
/// subscription is a new one there, matched with these articles by link.
pub(super) fn detach(tx: &Connection, id: i64) -> Result<(), StoreError> {
    tx.prepare_cached(
        "DELETE FROM sync_outbox WHERE remote_id IN
             (SELECT remote_id FROM articles WHERE feed_id = ?1 AND remote_id IS NOT NULL)",
    )?
    .execute([id])?;
    tx.prepare_cached("UPDATE articles SET remote_id = NULL WHERE feed_id = ?1 AND remote_id IS NOT NULL")?
        .execute([id])?;
    tx.prepare_cached(
        "UPDATE feeds SET remote_id = NULL, unmatched = 1 WHERE id = ?1 AND source IS NOT NULL",
    )?
    .execute([id])?;
    Ok(())
}

/// Brings a tombstone back as it was (see [`Store::restore_feed`]); false when `id` is not a
/// removed feed. The sync server listing a feed again revives it this way too, under its ids.
pub(super) fn revive(tx: &Connection, id: i64) -> Result<bool, StoreError> {
    let row: Option<(Option<String>, Option<String>)> = tx
        .prepare_cached("SELECT source, remote_id FROM feeds WHERE id = ?1 AND removed IS NOT NULL")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((source, remote_id)) = row else { return Ok(false) };
    if let (Some(source), Some(remote_id)) = (&source, &remote_id) {
        // Unsubscribed here and not sent yet: the server never heard, and the feed is its
        // feed again under the same ids.
        tx.prepare_cached("DELETE FROM sync_unsubscribed WHERE source = ?1 AND remote_id = ?2")?
            .execute(params![source, remote_id])?;
    }
    tx.prepare_cached("UPDATE feeds SET removed = NULL, removed_by = NULL WHERE id = ?1")?.execute([id])?;
    tx.prepare_cached("UPDATE articles SET hidden = hidden & ~?2 WHERE feed_id = ?1 AND hidden & ?2")?
        .execute(params![id, HIDDEN_REMOVED])?;
    Ok(true)
}

/// The user subscribes again to a tombstone (undo, or subscribing to its URL): as [`revive`],
/// and a feed the sync server had dropped is subscribed to there again at the next sync.
pub(super) fn revive_by_user(tx: &Connection, id: i64) -> Result<bool, StoreError> {
    let by_server: bool = tx
        .prepare_cached("SELECT removed_by = ?2 FROM feeds WHERE id = ?1 AND removed IS NOT NULL")?
        .query_row(params![id, RemovedBy::Server.as_str()], |r| r.get::<_, Option<bool>>(0))
        .optional()?
        .flatten()
        .unwrap_or(false);
    if by_server {
        detach(tx, id)?;
    }
    revive(tx, id)
}

impl Store {
    /// Unsubscribes from feed `id`. Nothing is deleted now: the feed becomes a tombstone (see
    /// the module) that [`Store::restore_feed`] brings back exactly; its starred articles stay
    /// in view. A feed the sync server holds is queued to be unsubscribed there at the next
    /// sync (the queue survives restarts; restoring takes it back out). False when unknown.
    pub fn remove_feed(&mut self, id: FeedId, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT OR REPLACE INTO sync_unsubscribed (source, remote_id, url, queued)
             SELECT source, remote_id, url, unixepoch() FROM feeds
             WHERE id = ?1 AND removed IS NULL AND source IS NOT NULL AND remote_id IS NOT NULL",
            [id.0],
        )?;
        let done = retire(&tx, id.0, RemovedBy::You, now)?;
        tx.commit()?;
        Ok(done)
    }

    /// Undoes an unsubscription: the same feed comes back with its articles, their read,
    /// star and killfile marks, its tags and title, and its place on the sync server (when
    /// the server was not told yet, nothing is sent at all; when it was, or the server had
    /// dropped the feed, it is subscribed there again at the next sync). A local feed stays
    /// local. False when `id` is not an unsubscribed feed.
    pub fn restore_feed(&mut self, id: FeedId) -> Result<bool, StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let done = revive_by_user(&tx, id.0)?;
        tx.commit()?;
        Ok(done)
    }

    /// The unsubscribed feed with this URL, if one is kept (to subscribe to it again).
    pub fn removed_feed_by_url(&self, url: &str) -> Result<Option<FeedId>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM feeds WHERE url = ?1 AND removed IS NOT NULL")?
            .query_row([url], |r| r.get(0))
            .optional()?
            .map(FeedId))
    }

    /// Deletes what feeds unsubscribed more than `keep_days` days ago still hold, except
    /// starred articles; a feed with none of those left goes for good.
    pub fn purge_removed(&mut self, keep_days: u32, now: DateTime<Utc>) -> Result<Purged, StoreError> {
        let cutoff = (now - Duration::days(i64::from(keep_days))).timestamp();
        let due: bool = self
            .conn
            .prepare_cached("SELECT 1 FROM feeds WHERE removed IS NOT NULL AND removed <= ?1")?
            .exists([cutoff])?;
        if !due {
            return Ok(Purged::default());
        }
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let articles = tx.execute(
            "DELETE FROM articles WHERE starred = 0 AND feed_id IN
                 (SELECT id FROM feeds WHERE removed IS NOT NULL AND removed <= ?1)",
            [cutoff],
        )?;
        let feeds = tx.execute(
            "DELETE FROM feeds WHERE removed IS NOT NULL AND removed <= ?1
                 AND NOT EXISTS (SELECT 1 FROM articles WHERE feed_id = feeds.id)",
            [cutoff],
        )?;
        tx.commit()?;
        Ok(Purged { feeds, articles })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ArticleFilter, ArticleId, NewArticle, NewFeed};
    use crate::store::{Mark, PreparedArticle, PreparedFeed};

    fn store_with_feed() -> (tempfile::TempDir, Store, FeedId, Vec<ArticleId>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(&dir.path().join("t.db")).expect("store");
        let feed = store
            .add_feed(
                &NewFeed {
                    url: "https://example.org/feed".into(),
                    title: Some("Mine".into()),
                    tags: vec!["Tech".into()],
                },
                Utc::now(),
            )
            .expect("add")
            .id;
        let articles: Vec<PreparedArticle> = (0..4)
            .map(|i| {
                PreparedArticle::from(NewArticle {
                    key: format!("k{i}"),
                    title: format!("Article {i}"),
                    link: Some(format!("https://example.org/{i}")),
                    published: Some(Utc::now() - Duration::hours(i)),
                    summary_html: Some(format!("<p>Body {i}</p>")),
                    ..NewArticle::default()
                })
            })
            .collect();
        let parsed = PreparedFeed { title: Some("Feed".into()), site_url: None, articles, ttl: None };
        {
            let mut batch = store.batch().expect("batch");
            batch
                .ingest(
                    feed,
                    &crate::store::FetchRecord::default(),
                    &parsed,
                    &crate::config::RetentionConfig::default(),
                    Utc::now(),
                )
                .expect("ingest");
            batch.commit().expect("commit");
        }
        let ids: Vec<ArticleId> =
            store.articles(&ArticleFilter::default(), None, 10).expect("page").iter().map(|a| a.id).collect();
        (dir, store, feed, ids)
    }

    #[test]
    fn an_unsubscription_hides_everything_but_the_starred_and_undo_restores_it_exactly() {
        let (_dir, mut store, feed, ids) = store_with_feed();
        store.mark(&ids[..1], Mark::Star).expect("star");
        store.mark(&ids[1..3], Mark::Read).expect("read");
        let before = store.feed(feed).expect("feed").expect("there");
        assert!(store.remove_feed(feed, Utc::now()).expect("remove"));
        assert!(store.feeds().expect("feeds").is_empty(), "not listed");
        assert!(store.fetch_targets(None).expect("targets").is_empty(), "not fetched");
        // The starred article stays in view, with its text; the others are hidden.
        let left = store.articles(&ArticleFilter::default(), None, 10).expect("page");
        assert_eq!(left.iter().map(|a| a.id).collect::<Vec<_>>(), vec![ids[0]]);
        assert_eq!(store.starred_count().expect("starred"), 1);
        let kept = store.article(ids[0]).expect("article").expect("there");
        assert!(kept.summary_html.as_deref().is_some_and(|b| b.contains("Body 0")));
        assert!(store.tags().expect("tags").is_empty());

        assert!(store.restore_feed(feed).expect("restore"));
        let after = store.feed(feed).expect("feed").expect("there");
        assert_eq!(after, before, "the same feed: id, title, tags, counters");
        let all = store.articles(&ArticleFilter::default(), None, 10).expect("page");
        let marks: Vec<(ArticleId, bool, bool)> = all.iter().map(|a| (a.id, a.read, a.starred)).collect();
        assert_eq!(
            marks,
            vec![(ids[0], false, true), (ids[1], true, false), (ids[2], true, false), (ids[3], false, false)]
        );
        assert!(!store.restore_feed(feed).expect("again"), "only a removed feed is restored");
    }

    #[test]
    fn purging_deletes_the_rest_but_never_a_starred_article() {
        let (_dir, mut store, feed, ids) = store_with_feed();
        store.mark(&ids[..1], Mark::Star).expect("star");
        let then = Utc::now() - Duration::days(10);
        store.remove_feed(feed, then).expect("remove");
        assert_eq!(
            store.purge_removed(30, Utc::now()).expect("purge"),
            Purged::default(),
            "within the window"
        );
        let purged = store.purge_removed(7, Utc::now()).expect("purge");
        assert_eq!(purged, Purged { feeds: 0, articles: 3 });
        assert!(store.article(ids[0]).expect("article").is_some(), "the starred one stays");
        assert!(store.feed(feed).expect("feed").is_some(), "and its feed, for it");
        // Nothing deletes a starred article, a feed's deletion included.
        assert!(store.conn.execute("DELETE FROM feeds WHERE id = ?1", [feed.0]).is_err());
        assert!(store.article(ids[0]).expect("article").is_some());
        // Unstarred by the user, it goes at the next purge, and the feed with it.
        store.mark(&ids[..1], Mark::Unstar).expect("unstar");
        assert_eq!(store.purge_removed(7, Utc::now()).expect("purge"), Purged { feeds: 1, articles: 1 });
        assert!(store.feed(feed).expect("feed").is_none());
    }

    #[test]
    fn subscribing_again_to_a_removed_feed_brings_it_back_with_its_articles() {
        let (_dir, mut store, feed, ids) = store_with_feed();
        store.mark(&ids[1..2], Mark::Read).expect("read");
        store.remove_feed(feed, Utc::now()).expect("remove");
        let again = store
            .add_feed(
                &NewFeed { url: "https://example.org/feed".into(), title: None, tags: vec![] },
                Utc::now(),
            )
            .expect("add");
        assert_eq!((again.id, again.created), (feed, true));
        let all = store.articles(&ArticleFilter::default(), None, 10).expect("page");
        assert_eq!(all.len(), 4);
        assert!(all.iter().any(|a| a.id == ids[1] && a.read));
    }
}
