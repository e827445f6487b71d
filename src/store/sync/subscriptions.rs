//! The server's subscriptions: sending those made here, storing its list (folders as tags;
//! feeds it no longer lists become tombstones, and a list dropping most of them waits for a
//! yes), and the unsubscriptions waiting to be sent.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{PendingFeed, RemoteFeed};
use crate::domain::FeedId;
use crate::store::feeds::{TAG_SERVER, insert_tag};
use crate::store::{Store, StoreError};

/// What storing the server's subscriptions changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SubscriptionChanges {
    /// Feeds new here.
    pub added: usize,
    /// Local feeds the server also has, now synced.
    pub adopted: usize,
    /// Unsubscribed feeds the server lists again, back as they were.
    pub restored: usize,
    /// Synced feeds the server no longer has, unsubscribed here (kept as tombstones).
    pub removed: usize,
    /// Synced feeds the server no longer lists but that were kept, because the list would
    /// have unsubscribed more than half of them (see [`Store::apply_subscriptions`]).
    pub held: usize,
    /// With `held`: how many synced feeds there are.
    pub synced: usize,
    /// The server's ids of the feeds added or adopted here: the sync fetches their recent
    /// articles too, which may be older than what it fetched before.
    #[serde(skip)]
    pub synced_here: Vec<String>,
}

/// Whether a sync may unsubscribe many feeds at once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Removals {
    /// Only a few: a list that drops more than half of the feeds is held for confirmation.
    #[default]
    Few,
    /// Whatever the server's list says (the user confirmed).
    All,
}

/// Whether unsubscribing `gone` of `total` synced feeds is too many to do without asking:
/// more than one, and more than half.
pub fn is_mass_removal(gone: usize, total: usize) -> bool {
    gone > 1 && gone * 2 > total
}

/// Before feed `from` is deleted as a duplicate of feed `into`: its starred articles keep
/// their star on `into`'s copy (same key or link), or move there when it has none.
fn merge_starred(tx: &Connection, from: i64, into: i64) -> Result<(), StoreError> {
    let starred: Vec<(i64, i64, Option<String>)> = tx
        .prepare("SELECT id, key_hash, link FROM articles WHERE feed_id = ?1 AND starred = 1")?
        .query_map([from], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    if starred.is_empty() {
        return Ok(());
    }
    for (id, key_hash, link) in starred {
        let copy: Option<i64> = tx
            .prepare_cached(
                "SELECT id FROM articles WHERE feed_id = ?1 AND (key_hash = ?2 OR (?3 IS NOT NULL AND link = ?3))
                 ORDER BY key_hash = ?2 DESC LIMIT 1",
            )?
            .query_row(params![into, key_hash, link], |r| r.get(0))
            .optional()?;
        if let Some(copy) = copy {
            tx.prepare_cached("UPDATE articles SET starred = 1 WHERE id = ?1")?.execute([copy])?;
            tx.prepare_cached("UPDATE articles SET starred = 0 WHERE id = ?1")?.execute([id])?;
        } else {
            tx.prepare_cached("UPDATE articles SET feed_id = ?2 WHERE id = ?1")?
                .execute(params![id, into])?;
        }
    }
    crate::store::recount(tx, into)?;
    Ok(())
}

impl Store {
    /// Subscribes locally to a feed the server is to hold: it is sent to the server at the
    /// next sync (and works offline until then). An existing local feed with that URL becomes
    /// synced.
    pub fn add_synced_feed(
        &mut self,
        source: &str,
        new: &crate::domain::NewFeed,
        now: DateTime<Utc>,
    ) -> Result<crate::store::AddOutcome, StoreError> {
        let added = self.add_feed(new, now)?;
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Unsubscribed here and subscribed again before a sync sent it (undo): the server
        // still has it, under its id.
        let queued: Option<String> = tx
            .query_row(
                "DELETE FROM sync_unsubscribed WHERE source = ?1 AND url = ?2 RETURNING remote_id",
                params![source, new.url],
                |r| r.get(0),
            )
            .optional()?;
        tx.execute(
            "UPDATE feeds SET source = ?2, remote_id = coalesce(remote_id, ?3), unmatched = 1
             WHERE id = ?1 AND (source IS NULL OR source = ?2)",
            params![added.id.0, source, queued],
        )?;
        tx.commit()?;
        Ok(added)
    }

    /// The synced feeds not yet subscribed to on the server.
    pub fn pending_subscriptions(&self, source: &str) -> Result<Vec<PendingFeed>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.id, f.url, f.user_title,
                 (SELECT group_concat(tag, char(31)) FROM feed_tags t WHERE t.feed_id = f.id AND t.from_config != 2)
             FROM feeds f WHERE f.source = ?1 AND f.remote_id IS NULL AND f.removed IS NULL ORDER BY f.id",
        )?;
        let rows = stmt.query_map([source], |r| {
            let tags: Option<String> = r.get(3)?;
            Ok(PendingFeed {
                id: FeedId(r.get(0)?),
                url: r.get(1)?,
                title: r.get(2)?,
                tags: tags.map(|t| t.split('\u{1f}').map(str::to_string).collect()).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records the server's id of a feed it now holds. When a synced feed here has that id
    /// already (the server answered the subscription with a feed it had, under another URL),
    /// that one stays, with its articles and their state, and the new one goes: its articles
    /// were fetched here at subscription and are the server's too (a star given to one of them
    /// meanwhile goes to the kept feed's copy, or the article moves there).
    pub fn set_remote_feed(&mut self, id: FeedId, source: &str, remote_id: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let other: Option<i64> = tx
            .prepare_cached("SELECT id FROM feeds WHERE source = ?1 AND remote_id = ?2 AND id != ?3")?
            .query_row(params![source, remote_id, id.0], |r| r.get(0))
            .optional()?;
        if let Some(kept) = other {
            merge_starred(&tx, id.0, kept)?;
            tx.execute("DELETE FROM feeds WHERE id = ?1", [id.0])?;
        } else {
            tx.execute(
                "UPDATE feeds SET source = ?2, remote_id = ?3 WHERE id = ?1",
                params![id.0, source, remote_id],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Feeds unsubscribed here and not yet on the server: (server id, URL).
    pub fn pending_unsubscriptions(&self, source: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT remote_id, url FROM sync_unsubscribed WHERE source = ?1 ORDER BY queued",
        )?;
        let rows = stmt.query_map([source], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The server has unsubscribed `remote_id` (or never had it). The feed kept here as a
    /// tombstone is no longer the server's: restoring it subscribes to it there again.
    pub fn unsubscription_sent(&mut self, source: &str, remote_id: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "DELETE FROM sync_unsubscribed WHERE source = ?1 AND remote_id = ?2",
            params![source, remote_id],
        )?;
        let kept: Option<i64> = tx
            .prepare_cached(
                "SELECT id FROM feeds WHERE source = ?1 AND remote_id = ?2 AND removed IS NOT NULL",
            )?
            .query_row(params![source, remote_id], |r| r.get(0))
            .optional()?;
        if let Some(id) = kept {
            crate::store::removed::detach(&tx, id)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Stores the server's list of subscriptions: new ones are added, local feeds with the same
    /// URL become synced, titles and folders (as tags) follow the server, and synced feeds the
    /// server no longer lists are unsubscribed here (they were unsubscribed on another device)
    /// as tombstones: starred articles stay, and the feed comes back as it was if the server
    /// lists it again. Feeds waiting to be subscribed or unsubscribed on the server are left
    /// alone. A list that would unsubscribe more than half of the synced feeds (more than
    /// one) looks like a server in trouble: unless `removals` is [`Removals::All`], nothing
    /// is unsubscribed and [`SubscriptionChanges::held`] says how many would have been.
    pub fn apply_subscriptions(
        &mut self,
        source: &str,
        remote: &[RemoteFeed],
        removals: Removals,
        now: DateTime<Utc>,
    ) -> Result<SubscriptionChanges, StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut changes = SubscriptionChanges::default();
        let unsubscribing: HashSet<String> = tx
            .prepare("SELECT remote_id FROM sync_unsubscribed WHERE source = ?1")?
            .query_map([source], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut listed = HashSet::new();
        for feed in remote {
            if unsubscribing.contains(&feed.remote_id) {
                continue;
            }
            // The server's words are cleaned like a feed's (`super::clean`).
            let feed_url = crate::store::clean::feed_url(&feed.url);
            listed.insert(feed.remote_id.as_str());
            if feed_url.is_empty() {
                continue;
            }
            let mapped: Option<i64> = tx
                .prepare_cached("SELECT id FROM feeds WHERE source = ?1 AND remote_id = ?2")?
                .query_row(params![source, feed.remote_id], |r| r.get(0))
                .optional()?;
            let id = if let Some(id) = mapped {
                // Dropped by an earlier list and listed again: back as it was.
                if crate::store::removed::revive(&tx, id)? {
                    changes.restored += 1;
                    // What it took in while it was off the list comes with its history.
                    changes.synced_here.push(feed.remote_id.clone());
                }
                id
            } else if let Some((id, removed)) = tx
                .prepare_cached(
                    "SELECT id, removed IS NOT NULL FROM feeds WHERE url = ?1 AND (remote_id IS NULL
                         OR (removed IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sync_unsubscribed u
                             WHERE u.source = feeds.source AND u.remote_id = feeds.remote_id)))",
                )?
                .query_row([&feed_url], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, bool>(1)?)))
                .optional()?
            {
                // A local feed the server has too, or one unsubscribed before (here, or by the
                // server, which now has it again under a new id): its articles are matched with
                // the server's by link.
                if removed {
                    crate::store::removed::detach(&tx, id)?;
                    crate::store::removed::revive(&tx, id)?;
                    changes.restored += 1;
                } else {
                    changes.adopted += 1;
                }
                tx.prepare_cached(
                    "UPDATE feeds SET source = ?2, remote_id = ?3, unmatched = 1 WHERE id = ?1",
                )?
                .execute(params![id, source, feed.remote_id])?;
                changes.synced_here.push(feed.remote_id.clone());
                id
            } else {
                // Two server feeds with one URL (or a synced feed of another id): the URL is
                // unique here, so the later one is told apart by its server id.
                let taken: bool =
                    tx.prepare_cached("SELECT 1 FROM feeds WHERE url = ?1")?.exists([&feed_url])?;
                let url = if taken { format!("{feed_url}#{}", feed.remote_id) } else { feed_url.to_string() };
                tx.prepare_cached(
                    "INSERT INTO feeds (url, added, source, remote_id) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![url, now.timestamp(), source, feed.remote_id])?;
                changes.added += 1;
                changes.synced_here.push(feed.remote_id.clone());
                tx.last_insert_rowid()
            };
            tx.prepare_cached(
                "UPDATE feeds SET feed_title = coalesce(?2, feed_title), site_url = coalesce(?3, site_url)
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                crate::store::clean::title(feed.title.as_deref()),
                crate::store::clean::site(feed.site_url.as_deref())
            ])?;
            let stored: HashSet<String> = tx
                .prepare_cached("SELECT tag FROM feed_tags WHERE feed_id = ?1 AND from_config = ?2")?
                .query_map(params![id, TAG_SERVER], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let wanted: HashSet<String> =
                feed.folders.iter().filter_map(|f| crate::store::clean::title(Some(f))).collect();
            if stored != wanted {
                tx.prepare_cached("DELETE FROM feed_tags WHERE feed_id = ?1 AND from_config = ?2")?
                    .execute(params![id, TAG_SERVER])?;
                for folder in &feed.folders {
                    insert_tag(&tx, id, folder, TAG_SERVER)?;
                }
            }
        }
        let synced: Vec<(i64, String)> = tx
            .prepare(
                "SELECT id, remote_id FROM feeds WHERE source = ?1 AND remote_id IS NOT NULL AND removed IS NULL",
            )?
            .query_map([source], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        let total = synced.len();
        let gone: Vec<i64> = synced
            .into_iter()
            .filter(|(_, remote_id)| !listed.contains(remote_id.as_str()))
            .map(|(id, _)| id)
            .collect();
        if removals == Removals::All || !is_mass_removal(gone.len(), total) {
            for &id in &gone {
                crate::store::removed::retire(&tx, id, crate::store::RemovedBy::Server, now)?;
            }
            changes.removed = gone.len();
        } else {
            changes.held = gone.len();
            changes.synced = total;
        }
        tx.commit()?;
        Ok(changes)
    }
}
