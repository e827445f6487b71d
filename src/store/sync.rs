//! What a sync with a server reads and writes: which feeds the server holds (and under which
//! of its ids), the articles it sends (keyed by its item ids, so a re-sync never duplicates),
//! its read and starred state, and the outbox of local changes waiting to be sent.
//!
//! Protocol-free: `source` names the protocol ("greader"), ids are the server's own.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::feeds::{TAG_SERVER, insert_tag};
use super::ingest::{apply_retention, insert_new, judge_new, retained};
use super::{PreparedArticle, Store, StoreError};
use crate::config::RetentionConfig;
use crate::domain::FeedId;

/// A subscription as the server lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteFeed {
    /// The server's id for it ("feed/12").
    pub remote_id: String,
    /// The feed's URL.
    pub url: String,
    /// Its title on the server.
    pub title: Option<String>,
    /// Its web site.
    pub site_url: Option<String>,
    /// The server's folders it is in (they become tags).
    pub folders: Vec<String>,
}

/// An article as the server sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteItem {
    /// The server's id for the item.
    pub remote_id: i64,
    /// The server's id of its feed.
    pub feed: String,
    /// The article, keyed for storage.
    pub article: PreparedArticle,
    /// Read on the server.
    pub read: bool,
    /// Starred on the server.
    pub starred: bool,
}

/// A feed waiting to be subscribed to on the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingFeed {
    /// The local feed.
    pub id: FeedId,
    /// Its URL.
    pub url: String,
    /// The title the user gave it.
    pub title: Option<String>,
    /// Its tags (sent as folders).
    pub tags: Vec<String>,
}

/// A local change of state waiting to be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxEntry {
    /// The server's item id.
    pub remote_id: i64,
    /// Which state.
    pub field: StateField,
    /// Set (read, starred) or cleared.
    pub value: bool,
    /// When it changed locally (Unix milliseconds).
    pub changed: i64,
}

/// A state that syncs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StateField {
    /// Read.
    Read,
    /// Starred.
    Starred,
}

impl StateField {
    fn column(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Starred => "starred",
        }
    }
}

/// What storing the server's subscriptions changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SubscriptionChanges {
    /// Feeds new here.
    pub added: usize,
    /// Local feeds the server also has, now synced.
    pub adopted: usize,
    /// Synced feeds the server no longer has, removed here.
    pub removed: usize,
}

/// What storing the server's articles did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ItemsStored {
    /// Articles new here.
    pub new: usize,
    /// Articles already here.
    pub present: usize,
    /// Articles of feeds not known here (kept for the next sync).
    pub unknown_feed: usize,
    /// Articles retention did not let in.
    pub dropped: usize,
}

/// What applying the server's state changed here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StateChanges {
    /// Articles whose read state changed.
    pub read: usize,
    /// Articles whose star changed.
    pub starred: usize,
}

/// Runs `f` with the outbox triggers muted: the server's own state is not queued back to it.
fn quietly<T>(
    tx: &Connection,
    f: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    tx.execute("INSERT INTO sync_quiet (on_purpose) VALUES (1)", [])?;
    let out = f(tx)?;
    tx.execute("DELETE FROM sync_quiet", [])?;
    Ok(out)
}

impl Store {
    /// A value the sync keeps between runs (its watermark, when the server said to wait).
    pub fn sync_value(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Sets (or with `None` clears) a value the sync keeps between runs.
    pub fn set_sync_value(&mut self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        match value {
            Some(v) => self.conn.execute(
                "INSERT INTO sync_state (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, v],
            )?,
            None => self.conn.execute("DELETE FROM sync_state WHERE key = ?1", [key])?,
        };
        Ok(())
    }

    /// Subscribes locally to a feed the server is to hold: it is sent to the server at the
    /// next sync (and works offline until then). An existing local feed with that URL becomes
    /// synced.
    pub fn add_synced_feed(
        &mut self,
        source: &str,
        new: &crate::domain::NewFeed,
        now: DateTime<Utc>,
    ) -> Result<super::AddOutcome, StoreError> {
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
            "UPDATE feeds SET source = ?2, remote_id = coalesce(remote_id, ?3) WHERE id = ?1 AND (source IS NULL OR source = ?2)",
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
             FROM feeds f WHERE f.source = ?1 AND f.remote_id IS NULL ORDER BY f.id",
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

    /// Records the server's id of a feed it now holds. Another local feed already mapped to
    /// that id (the server answered a subscription with a feed it had) is merged away.
    pub fn set_remote_feed(&mut self, id: FeedId, source: &str, remote_id: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "DELETE FROM feeds WHERE source = ?1 AND remote_id = ?2 AND id != ?3",
            params![source, remote_id, id.0],
        )?;
        tx.execute(
            "UPDATE feeds SET source = ?2, remote_id = ?3 WHERE id = ?1",
            params![id.0, source, remote_id],
        )?;
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

    /// The server has unsubscribed `remote_id` (or never had it).
    pub fn unsubscription_sent(&mut self, source: &str, remote_id: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM sync_unsubscribed WHERE source = ?1 AND remote_id = ?2",
            params![source, remote_id],
        )?;
        Ok(())
    }

    /// Stores the server's list of subscriptions: new ones are added, local feeds with the same
    /// URL become synced, titles and folders (as tags) follow the server, and synced feeds the
    /// server no longer lists are removed (they were unsubscribed on another device). Feeds
    /// waiting to be subscribed or unsubscribed on the server are left alone.
    pub fn apply_subscriptions(
        &mut self,
        source: &str,
        remote: &[RemoteFeed],
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
            listed.insert(feed.remote_id.as_str());
            let mapped: Option<i64> = tx
                .prepare_cached("SELECT id FROM feeds WHERE source = ?1 AND remote_id = ?2")?
                .query_row(params![source, feed.remote_id], |r| r.get(0))
                .optional()?;
            let id = if let Some(id) = mapped {
                id
            } else if let Some(id) = tx
                .prepare_cached("SELECT id FROM feeds WHERE url = ?1 AND remote_id IS NULL")?
                .query_row([&feed.url], |r| r.get::<_, i64>(0))
                .optional()?
            {
                tx.prepare_cached("UPDATE feeds SET source = ?2, remote_id = ?3 WHERE id = ?1")?
                    .execute(params![id, source, feed.remote_id])?;
                changes.adopted += 1;
                id
            } else {
                // Two server feeds with one URL (or a synced feed of another id): the URL is
                // unique here, so the later one is told apart by its server id.
                let taken: bool =
                    tx.prepare_cached("SELECT 1 FROM feeds WHERE url = ?1")?.exists([&feed.url])?;
                let url = if taken { format!("{}#{}", feed.url, feed.remote_id) } else { feed.url.clone() };
                tx.prepare_cached(
                    "INSERT INTO feeds (url, added, source, remote_id) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![url, now.timestamp(), source, feed.remote_id])?;
                changes.added += 1;
                tx.last_insert_rowid()
            };
            tx.prepare_cached(
                "UPDATE feeds SET feed_title = coalesce(?2, feed_title), site_url = coalesce(?3, site_url)
                 WHERE id = ?1",
            )?
            .execute(params![id, feed.title, feed.site_url])?;
            let stored: HashSet<String> = tx
                .prepare_cached("SELECT tag FROM feed_tags WHERE feed_id = ?1 AND from_config = ?2")?
                .query_map(params![id, TAG_SERVER], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let wanted: HashSet<String> = feed.folders.iter().cloned().collect();
            if stored != wanted {
                tx.prepare_cached("DELETE FROM feed_tags WHERE feed_id = ?1 AND from_config = ?2")?
                    .execute(params![id, TAG_SERVER])?;
                for folder in &feed.folders {
                    insert_tag(&tx, id, folder, TAG_SERVER)?;
                }
            }
        }
        let gone: Vec<(i64, String)> = tx
            .prepare("SELECT id, remote_id FROM feeds WHERE source = ?1 AND remote_id IS NOT NULL")?
            .query_map([source], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|(_, remote_id)| !listed.contains(remote_id.as_str()))
            .collect();
        for (id, _) in &gone {
            tx.execute("DELETE FROM feeds WHERE id = ?1", [id])?;
        }
        changes.removed = gone.len();
        tx.commit()?;
        Ok(changes)
    }

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
                    .prepare_cached("SELECT id FROM feeds WHERE source = ?1 AND remote_id = ?2")?
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
        quietly(&tx, |tx| {
            for (feed, items) in by_feed {
                let feed = FeedId(feed);
                let articles: Vec<PreparedArticle> = items.iter().map(|i| i.article.clone()).collect();
                let kept: HashSet<i64> =
                    retained(&articles, retention, now).iter().map(|a| a.key_hash).collect();
                let mut inserted = Vec::new();
                let mut new_here = 0usize;
                // A feed that was local before has articles the server does not know as its
                // own: they are matched by link (their keys may be the feed's guids).
                let mut local_before = tx
                    .prepare_cached("SELECT 1 FROM articles WHERE feed_id = ?1 AND remote_id IS NULL")?
                    .exists([feed.0])?;
                for item in items {
                    let known = tx
                        .prepare_cached("SELECT 1 FROM articles WHERE remote_id = ?1")?
                        .exists([item.remote_id])?;
                    if known {
                        done.present += 1;
                        continue;
                    }
                    if local_before && let Some(link) = &item.article.link {
                        let matched = tx
                            .prepare_cached(
                                "UPDATE articles SET remote_id = ?3 WHERE id = (
                                     SELECT id FROM articles WHERE feed_id = ?1 AND remote_id IS NULL AND link = ?2
                                     LIMIT 1)",
                            )?
                            .execute(params![feed.0, link, item.remote_id])?;
                        if matched > 0 {
                            done.present += 1;
                            local_before = tx
                                .prepare_cached(
                                    "SELECT 1 FROM articles WHERE feed_id = ?1 AND remote_id IS NULL",
                                )?
                                .exists([feed.0])?;
                            continue;
                        }
                    }
                    if !item.starred && !kept.contains(&item.article.key_hash) {
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
                        tx.prepare_cached(
                            "UPDATE articles SET remote_id = ?3 WHERE feed_id = ?1 AND key_hash = ?2 AND remote_id IS NULL",
                        )?
                        .execute(params![feed.0, item.article.key_hash, item.remote_id])?;
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
                        let judged: Vec<(i64, i64, &PreparedArticle)> =
                            inserted.iter().map(|(id, p, item)| (*id, *p, &item.article)).collect();
                        judge_new(tx, kill, feed, &judged)?;
                    }
                }
                done.new += new_here;
                done.dropped += apply_retention(tx, feed, retention, now)?;
            }
            Ok(())
        })?;
        tx.commit()?;
        Ok((done, oldest_unknown))
    }

    /// Makes local state follow the server's: `unread` and `starred` are the server's complete
    /// lists of unread and starred item ids. Articles with a local change still waiting in the
    /// outbox keep it (it is newer than what the server had when it was listed).
    pub fn apply_remote_state(
        &mut self,
        unread: &[i64],
        starred: &[i64],
    ) -> Result<StateChanges, StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let changes = quietly(&tx, |tx| {
            tx.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS remote_unread (id INTEGER PRIMARY KEY);
                 CREATE TEMP TABLE IF NOT EXISTS remote_starred (id INTEGER PRIMARY KEY);
                 DELETE FROM temp.remote_unread; DELETE FROM temp.remote_starred;",
            )?;
            {
                let mut put = tx.prepare("INSERT OR IGNORE INTO temp.remote_unread (id) VALUES (?1)")?;
                for id in unread {
                    put.execute([id])?;
                }
                let mut put = tx.prepare("INSERT OR IGNORE INTO temp.remote_starred (id) VALUES (?1)")?;
                for id in starred {
                    put.execute([id])?;
                }
            }
            let mut changes = StateChanges::default();
            for (field, list) in
                [(StateField::Read, "remote_unread"), (StateField::Starred, "remote_starred")]
            {
                let col = field.column();
                // Read is the complement of the unread list; starred is the list itself.
                let (on_list, off_list) = if field == StateField::Read { (0, 1) } else { (1, 0) };
                let pending =
                    format!("remote_id NOT IN (SELECT remote_id FROM sync_outbox WHERE field = '{col}')");
                let n = tx.execute(
                    &format!(
                        "UPDATE articles SET {col} = {on_list} WHERE {col} = {off_list}
                         AND remote_id IN (SELECT id FROM temp.{list}) AND {pending}"
                    ),
                    [],
                )?;
                let m = tx.execute(
                    &format!(
                        "UPDATE articles SET {col} = {off_list} WHERE {col} = {on_list} AND remote_id IS NOT NULL
                         AND remote_id NOT IN (SELECT id FROM temp.{list}) AND {pending}"
                    ),
                    [],
                )?;
                match field {
                    StateField::Read => changes.read = n + m,
                    StateField::Starred => changes.starred = n + m,
                }
            }
            tx.execute_batch("DELETE FROM temp.remote_unread; DELETE FROM temp.remote_starred;")?;
            Ok(changes)
        })?;
        tx.commit()?;
        Ok(changes)
    }

    /// Local changes waiting to be sent, oldest first, at most `limit`.
    pub fn outbox(&self, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT remote_id, field, value, changed FROM sync_outbox ORDER BY changed, remote_id LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            let field: String = r.get(1)?;
            Ok(OutboxEntry {
                remote_id: r.get(0)?,
                field: if field == "read" { StateField::Read } else { StateField::Starred },
                value: r.get(2)?,
                changed: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many local changes wait to be sent.
    pub fn outbox_len(&self) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row("SELECT count(*) FROM sync_outbox", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// The server has these changes: they leave the outbox, unless the state changed again
    /// since they were read (that newer change is sent next time).
    pub fn outbox_sent(&mut self, sent: &[OutboxEntry]) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut del = tx.prepare_cached(
                "DELETE FROM sync_outbox WHERE remote_id = ?1 AND field = ?2 AND changed = ?3",
            )?;
            for e in sent {
                del.execute(params![e.remote_id, e.field.column(), e.changed])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The sync source of each feed that has one (for `feeds --json` and `articles --json`).
    pub fn feed_sources(&self) -> Result<HashMap<FeedId, String>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT id, source FROM feeds WHERE source IS NOT NULL")?;
        let rows = stmt.query_map([], |r| Ok((FeedId(r.get(0)?), r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
