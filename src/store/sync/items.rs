//! The server's articles: stored once each, keyed by the server's item ids; an article a feed
//! had here before it was the server's is matched by link or key, keeping the marks given here.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{RemoteItem, quietly};
use crate::config::RetentionConfig;
use crate::domain::FeedId;
use crate::store::ingest::{apply_retention, insert_new, judge_new, retained_by};
use crate::store::{PreparedArticle, Store, StoreError};

/// What storing the server's articles did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ItemsStored {
    /// Articles new here.
    pub new: usize,
    /// Articles already here.
    pub present: usize,
    /// Articles of feeds not known here (kept for the next sync).
    pub unknown_feed: usize,
    /// Articles retention did not let in.
    pub dropped: usize,
    /// Articles the server sent that could not be read (skipped).
    pub unreadable: usize,
}

/// The articles of `feed` not matched with the server's yet, by link, when the feed may have
/// some (it was local before); the feed stops being looked at once it has none.
fn unmatched_links(tx: &Connection, feed: FeedId) -> Result<Option<HashMap<String, i64>>, StoreError> {
    let flagged: bool = tx
        .prepare_cached("SELECT unmatched FROM feeds WHERE id = ?1")?
        .query_row([feed.0], |r| r.get(0))
        .optional()?
        .unwrap_or(false);
    if !flagged {
        return Ok(None);
    }
    let links: HashMap<String, i64> = tx
        .prepare_cached(
            "SELECT link, id FROM articles WHERE feed_id = ?1 AND remote_id IS NULL AND link IS NOT NULL",
        )?
        .query_map([feed.0], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    if links.is_empty() {
        tx.prepare_cached("UPDATE feeds SET unmatched = 0 WHERE id = ?1")?.execute([feed.0])?;
        return Ok(None);
    }
    Ok(Some(links))
}

/// An article here has just been matched with the server's `item` (its feed was local, or
/// was unsubscribed and is subscribed again): a read or a star given here that the server
/// lacks is a change made here, queued for it, so that the server's lists, applied at the end
/// of the sync, do not take it away. Read or starred on either side ends up read or starred.
fn keep_local_marks(tx: &Connection, local: i64, item: &RemoteItem) -> Result<(), StoreError> {
    let (read, starred): (bool, bool) = tx
        .prepare_cached("SELECT read, starred FROM articles WHERE id = ?1")?
        .query_row([local], |r| Ok((r.get(0)?, r.get(1)?)))?;
    for (field, here, there) in [("read", read, item.read), ("starred", starred, item.starred)] {
        if here && !there {
            tx.prepare_cached(
                "INSERT INTO sync_outbox (remote_id, field, value, changed)
                 VALUES (?1, ?2, 1, CAST(unixepoch('subsec') * 1000 AS INTEGER))
                 ON CONFLICT (remote_id, field) DO UPDATE SET value = excluded.value, changed = excluded.changed",
            )?
            .execute(params![item.remote_id, field])?;
        }
    }
    Ok(())
}

/// A feed's articles new in this batch: (article id, sort time, article).
type NewInFeed<'a> = (FeedId, Vec<(i64, i64, &'a PreparedArticle)>);

impl Store {
    /// Stores a page of the server's articles: new ones are inserted with the server's state,
    /// ones already here (by server id, or by key in a feed that was local before) get the
    /// server id; retention applies per feed as on a refresh (starred articles always come in).
    /// Returns what happened and the oldest server id of an article whose feed is not known
    /// here yet (so the watermark does not move past it).
    pub fn store_remote_items(
        &mut self,
        source: &str,
        items: &[RemoteItem],
        retention: &RetentionConfig,
        now: DateTime<Utc>,
    ) -> Result<(ItemsStored, Option<i64>), StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut done = ItemsStored::default();
        let mut oldest_unknown: Option<i64> = None;
        let mut feeds: HashMap<&str, Option<i64>> = HashMap::new();
        let mut by_feed: HashMap<i64, Vec<&RemoteItem>> = HashMap::new();
        for item in items {
            let id = if let Some(id) = feeds.get(item.feed.as_str()) {
                *id
            } else {
                let id = tx
                    .prepare_cached(
                        "SELECT id FROM feeds WHERE source = ?1 AND remote_id = ?2 AND removed IS NULL",
                    )?
                    .query_row(params![source, item.feed], |r| r.get(0))
                    .optional()?;
                feeds.insert(&item.feed, id);
                id
            };
            if let Some(id) = id {
                by_feed.entry(id).or_default().push(item);
            } else {
                done.unknown_feed += 1;
                oldest_unknown = Some(oldest_unknown.map_or(item.remote_id, |o| o.min(item.remote_id)));
            }
        }
        let kill = &self.kill;
        // The killfile judges new articles after the server's state is in, out loud: an
        // article it marks read is a change made here, which the server hears about (else the
        // next sync would make it unread again).
        let mut to_judge: Vec<NewInFeed<'_>> = Vec::new();
        quietly(&tx, |tx| {
            for (feed, items) in by_feed {
                let feed = FeedId(feed);
                let kept: HashSet<i64> = retained_by(&items, |i| i.article.date(), retention, now)
                    .iter()
                    .map(|i| i.remote_id)
                    .collect();
                let mut inserted = Vec::new();
                let mut new_here = 0usize;
                // A feed that was local before may have articles the server does not know as
                // its own yet: they are matched by link (their keys may be the feed's guids).
                // Only such feeds are looked at (`unmatched`), once per batch.
                let mut unmatched = unmatched_links(tx, feed)?;
                for item in items {
                    let known = tx
                        .prepare_cached("SELECT 1 FROM articles WHERE remote_id = ?1")?
                        .exists([item.remote_id])?;
                    if known {
                        done.present += 1;
                        continue;
                    }
                    if let Some(local) =
                        item.article.link.as_ref().and_then(|link| unmatched.as_mut()?.remove(link))
                    {
                        tx.prepare_cached("UPDATE articles SET remote_id = ?2 WHERE id = ?1")?
                            .execute(params![local, item.remote_id])?;
                        keep_local_marks(tx, local, item)?;
                        done.present += 1;
                        continue;
                    }
                    if !item.starred && !kept.contains(&item.remote_id) {
                        done.dropped += 1;
                        continue;
                    }
                    if let Some((id, published)) = insert_new(tx, feed, &item.article, now)? {
                        tx.prepare_cached(
                            "UPDATE articles SET remote_id = ?2, read = ?3, starred = ?4 WHERE id = ?1",
                        )?
                        .execute(params![
                            id,
                            item.remote_id,
                            false,
                            item.starred
                        ])?;
                        // Counted unread first (below); the read trigger takes read ones out.
                        new_here += 1;
                        inserted.push((id, published, item));
                    } else {
                        // The key is here already (a feed that was local before): that article
                        // is this item.
                        let local: Option<i64> = tx
                            .prepare_cached(
                                "UPDATE articles SET remote_id = ?3 WHERE feed_id = ?1 AND key_hash = ?2 AND remote_id IS NULL
                                 RETURNING id",
                            )?
                            .query_row(params![feed.0, item.article.key_hash, item.remote_id], |r| r.get(0))
                            .optional()?;
                        if let Some(local) = local {
                            keep_local_marks(tx, local, item)?;
                        }
                        done.present += 1;
                    }
                }
                if new_here > 0 {
                    tx.prepare_cached(
                        "UPDATE feeds SET total = total + ?2, unread = unread + ?2 WHERE id = ?1",
                    )?
                    .execute(params![feed.0, new_here as i64])?;
                    for (id, _, item) in &inserted {
                        if item.read {
                            tx.prepare_cached("UPDATE articles SET read = 1 WHERE id = ?1")?.execute([id])?;
                        }
                    }
                    if !kill.is_empty() {
                        to_judge.push((
                            feed,
                            inserted.iter().map(|(id, p, item)| (*id, *p, &item.article)).collect(),
                        ));
                    }
                }
                done.new += new_here;
                done.dropped += apply_retention(tx, feed, retention, now)?;
            }
            Ok(())
        })?;
        for (feed, judged) in &to_judge {
            judge_new(&tx, kill, *feed, judged)?;
        }
        tx.commit()?;
        Ok((done, oldest_unknown))
    }

    /// Of these server item ids, those no article here has, in the order given.
    pub fn unknown_remote_ids(&self, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
        let mut known = self.conn.prepare_cached("SELECT 1 FROM articles WHERE remote_id = ?1")?;
        let mut out = Vec::new();
        for &id in ids {
            if !known.exists([id])? {
                out.push(id);
            }
        }
        Ok(out)
    }
}
