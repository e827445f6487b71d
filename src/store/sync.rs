//! What a sync with a server reads and writes: which feeds the server holds (and under which
//! of its ids), the articles it sends (keyed by its item ids, so a re-sync never duplicates),
//! its read and starred state, and the outbox of local changes waiting to be sent.
//!
//! Protocol-free: `source` names the protocol ("greader"), ids are the server's own.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::feeds::{TAG_SERVER, insert_tag};
use super::ingest::{apply_retention, insert_new, judge_new, retained_by};
use super::{PreparedArticle, Store, StoreError};
use crate::config::RetentionConfig;
use crate::domain::FeedId;

/// A subscription as the server lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteFeed {
    /// The server's id for it ("feed/12").
    pub remote_id: String,
    /// The feed's URL; empty when the server gives none tidings can use (the feed counts as
    /// listed, so a feed here with its id stays, but a new one is not added).
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
    super::recount(tx, into)?;
    Ok(())
}

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

/// What applying the server's state changed here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct StateChanges {
    /// Articles whose read state changed.
    pub read: usize,
    /// Articles whose star changed.
    pub starred: usize,
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
            super::removed::detach(&tx, id)?;
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
            let feed_url = super::clean::feed_url(&feed.url);
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
                if super::removed::revive(&tx, id)? {
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
                    super::removed::detach(&tx, id)?;
                    super::removed::revive(&tx, id)?;
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
                super::clean::title(feed.title.as_deref()),
                super::clean::site(feed.site_url.as_deref())
            ])?;
            let stored: HashSet<String> = tx
                .prepare_cached("SELECT tag FROM feed_tags WHERE feed_id = ?1 AND from_config = ?2")?
                .query_map(params![id, TAG_SERVER], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let wanted: HashSet<String> =
                feed.folders.iter().filter_map(|f| super::clean::title(Some(f))).collect();
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
                super::removed::retire(&tx, id, super::RemovedBy::Server, now)?;
            }
            changes.removed = gone.len();
        } else {
            changes.held = gone.len();
            changes.synced = total;
        }
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
                // A waiting local change wins; so does the state of an unsubscribed feed's
                // articles (the server may have dropped them, starred ones included).
                let pending = format!(
                    "remote_id NOT IN (SELECT remote_id FROM sync_outbox WHERE field = '{col}')
                     AND feed_id NOT IN (SELECT id FROM feeds WHERE removed IS NOT NULL)"
                );
                let n = tx.execute(
                    &format!(
                        "UPDATE articles SET {col} = {on_list} WHERE {col} = {off_list}
                         AND remote_id IN (SELECT id FROM temp.{list}) AND {pending}"
                    ),
                    [],
                )?;
                // Only the unread (starred) articles are looked at, through their partial
                // index, not every synced article: a few thousand rows of a million.
                let few = if field == StateField::Read { "articles_unread" } else { "articles_starred" };
                let m = tx.execute(
                    &format!(
                        "UPDATE articles INDEXED BY {few} SET {col} = {off_list} WHERE {col} = {on_list}
                         AND remote_id IS NOT NULL AND remote_id NOT IN (SELECT id FROM temp.{list}) AND {pending}"
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ArticleFilter, NewArticle, NewFeed};
    use crate::store::Mark;

    const SRC: &str = "greader";

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("t.db")).expect("store");
        (dir, store)
    }

    fn remote(id: &str, url: &str, folders: &[&str]) -> RemoteFeed {
        RemoteFeed {
            remote_id: id.into(),
            url: url.into(),
            title: Some(format!("Feed {id}")),
            site_url: None,
            folders: folders.iter().map(|f| (*f).to_string()).collect(),
        }
    }

    fn item(remote_id: i64, feed: &str, read: bool, starred: bool) -> RemoteItem {
        let article = NewArticle {
            key: format!("https://example.org/{remote_id}"),
            title: format!("Item {remote_id}"),
            link: Some(format!("https://example.org/{remote_id}")),
            author: None,
            published: Some(Utc::now()),
            updated: None,
            categories: vec![],
            summary_html: Some("<p>text</p>".into()),
            content_html: None,
            enclosures: vec![],
        };
        RemoteItem { remote_id, feed: feed.into(), article: PreparedArticle::from(article), read, starred }
    }

    fn retention() -> RetentionConfig {
        RetentionConfig { keep_days: 0, keep_per_feed: 0, ..RetentionConfig::default() }
    }

    fn id_of(store: &Store, remote_id: i64) -> crate::domain::ArticleId {
        crate::domain::ArticleId(
            store
                .conn
                .query_row("SELECT id FROM articles WHERE remote_id = ?1", [remote_id], |r| r.get(0))
                .expect("article"),
        )
    }

    fn state(store: &Store, remote_id: i64) -> (bool, bool) {
        store
            .conn
            .query_row("SELECT read, starred FROM articles WHERE remote_id = ?1", [remote_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("article")
    }

    fn synced_store() -> (tempfile::TempDir, Store) {
        let (dir, mut store) = store();
        store
            .apply_subscriptions(
                SRC,
                &[remote("feed/1", "https://example.org/feed", &["News"])],
                Removals::Few,
                Utc::now(),
            )
            .expect("subs");
        let items = [
            item(10, "feed/1", false, false),
            item(11, "feed/1", true, false),
            item(12, "feed/1", false, true),
        ];
        let (stored, unknown) =
            store.store_remote_items(SRC, &items, &retention(), Utc::now()).expect("items");
        assert_eq!((stored.new, unknown), (3, None));
        (dir, store)
    }

    #[test]
    fn server_articles_come_in_with_their_state_once() {
        let (_dir, mut store) = synced_store();
        assert_eq!(state(&store, 10), (false, false));
        assert_eq!(state(&store, 11), (true, false));
        assert_eq!(state(&store, 12), (false, true));
        // The feed's counters follow (one of three is read).
        let feed = store.feeds().expect("feeds").pop().expect("feed");
        assert_eq!((feed.total, feed.unread, feed.source.as_deref()), (3, 2, Some(SRC)));
        assert_eq!(feed.tags, vec!["News".to_string()]);
        // Sent again, nothing is duplicated, and the server's state did not go to the outbox.
        let again = [item(10, "feed/1", false, false), item(11, "feed/1", true, false)];
        let (stored, _) = store.store_remote_items(SRC, &again, &retention(), Utc::now()).expect("items");
        assert_eq!((stored.new, stored.present), (0, 2));
        assert_eq!(store.article_count().expect("count"), 3);
        assert_eq!(store.outbox_len().expect("outbox"), 0);
    }

    #[test]
    fn every_local_mark_is_queued_with_its_latest_value() {
        let (_dir, mut store) = synced_store();
        let a = id_of(&store, 10);
        store.mark(&[a], Mark::Read).expect("mark");
        store.mark(&[a], Mark::Star).expect("mark");
        store.mark(&[a], Mark::Unread).expect("mark");
        let queued = store.outbox(10).expect("outbox");
        let mut seen: Vec<(i64, StateField, bool)> =
            queued.iter().map(|e| (e.remote_id, e.field, e.value)).collect();
        seen.sort_by_key(|(id, f, _)| (*id, *f == StateField::Starred));
        assert_eq!(seen, vec![(10, StateField::Read, false), (10, StateField::Starred, true)]);
        // Mark-all-read is a way of marking too.
        store.mark_all_read(&ArticleFilter::default()).expect("all read");
        assert!(
            store
                .outbox(10)
                .expect("outbox")
                .iter()
                .any(|e| e.remote_id == 12 && e.field == StateField::Read && e.value)
        );
    }

    #[test]
    fn a_waiting_local_change_outlives_the_servers_older_state() {
        let (_dir, mut store) = synced_store();
        let a = id_of(&store, 10);
        store.mark(&[a], Mark::Read).expect("mark");
        // The server still lists 10 as unread (it has not had the change yet): local wins.
        let changes = store.apply_remote_state(&[10, 12], &[12]).expect("state");
        assert_eq!(state(&store, 10), (true, false));
        assert_eq!(changes.read, 0);
        // Once sent, the server's state counts again.
        let sent = store.outbox(10).expect("outbox");
        store.outbox_sent(&sent).expect("sent");
        store.apply_remote_state(&[10, 12], &[12]).expect("state");
        assert_eq!(state(&store, 10), (false, false));
        // Server-side changes both ways: 11 unread again, 12 read and unstarred, 10 starred.
        let changes = store.apply_remote_state(&[11], &[10]).expect("state");
        assert_eq!(state(&store, 10), (true, true));
        assert_eq!(state(&store, 11), (false, false));
        assert_eq!(state(&store, 12), (true, false));
        assert_eq!((changes.read, changes.starred), (3, 2));
        assert_eq!(store.outbox_len().expect("outbox"), 0, "the server's own changes are not sent back");
        assert_eq!(store.unread_count(None, None).expect("unread"), 1);
    }

    #[test]
    fn a_change_made_while_sending_is_not_lost() {
        let (_dir, mut store) = synced_store();
        let a = id_of(&store, 10);
        store.mark(&[a], Mark::Read).expect("mark");
        let read_then = store.outbox(10).expect("outbox");
        std::thread::sleep(std::time::Duration::from_millis(5));
        store.mark(&[a], Mark::Unread).expect("mark");
        store.outbox_sent(&read_then).expect("sent");
        let left = store.outbox(10).expect("outbox");
        assert_eq!(left.len(), 1);
        assert!(!left[0].value, "the newer unread waits to be sent");
    }

    #[test]
    fn subscriptions_follow_the_server_and_local_feeds_are_adopted() {
        let (_dir, mut store) = store();
        let local = store
            .add_feed(
                &NewFeed { url: "https://a.example/feed".into(), title: None, tags: vec![] },
                Utc::now(),
            )
            .expect("add");
        let changes = store
            .apply_subscriptions(
                SRC,
                &[
                    remote("feed/1", "https://a.example/feed", &["Tech"]),
                    remote("feed/2", "https://b.example/feed", &[]),
                ],
                Removals::Few,
                Utc::now(),
            )
            .expect("subs");
        assert_eq!((changes.added, changes.adopted, changes.removed), (1, 1, 0));
        let a = store.feed(local.id).expect("feed").expect("there");
        assert_eq!((a.source.as_deref(), a.tags.clone()), (Some(SRC), vec!["Tech".to_string()]));
        // Folder renamed on the server; feed/2 unsubscribed on another device.
        let changes = store
            .apply_subscriptions(
                SRC,
                &[remote("feed/1", "https://a.example/feed", &["Science"])],
                Removals::Few,
                Utc::now(),
            )
            .expect("subs");
        assert_eq!(changes.removed, 1);
        assert_eq!(store.feed(local.id).expect("feed").expect("there").tags, vec!["Science".to_string()]);
        assert_eq!(store.feed_count().expect("count"), 1);
        // Local feeds are never fetched by tidings once the server holds them.
        assert!(store.fetch_targets(None).expect("targets").is_empty());
    }

    #[test]
    fn an_unsubscription_waits_for_the_server_and_resubscribing_takes_it_back() {
        let (_dir, mut store) = synced_store();
        let feed = store.feeds().expect("feeds")[0].id;
        store.remove_feed(feed, Utc::now()).expect("remove");
        assert_eq!(
            store.pending_unsubscriptions(SRC).expect("pending"),
            vec![("feed/1".to_string(), "https://example.org/feed".to_string())]
        );
        // The server still lists it (not told yet): it does not come back here.
        let subs = [remote("feed/1", "https://example.org/feed", &[])];
        store.apply_subscriptions(SRC, &subs, Removals::Few, Utc::now()).expect("subs");
        assert_eq!(store.feed_count().expect("count"), 0);
        // Undo: subscribed again before the sync; it is the server's feed/1 again, not a new one.
        let new = NewFeed { url: "https://example.org/feed".into(), title: None, tags: vec![] };
        store.add_synced_feed(SRC, &new, Utc::now()).expect("add");
        assert!(store.pending_unsubscriptions(SRC).expect("pending").is_empty());
        assert!(store.pending_subscriptions(SRC).expect("pending").is_empty());
        store.apply_subscriptions(SRC, &subs, Removals::Few, Utc::now()).expect("subs");
        assert_eq!(store.feed_count().expect("count"), 1);
    }

    #[test]
    fn a_synced_article_the_killfile_marks_read_is_a_change_the_server_hears_of() {
        let (_dir, mut store) = store();
        let config = crate::config::Config::parse(
            "[[kill]]\nquery = \"crypto*\"\naction = \"read\"\n",
            std::path::Path::new("config.toml"),
        )
        .expect("config");
        store.set_kill_rules(&config.kill);
        store
            .apply_subscriptions(
                SRC,
                &[remote("feed/1", "https://example.org/feed", &[])],
                Removals::Few,
                Utc::now(),
            )
            .expect("subs");
        let mut crypto = item(21, "feed/1", false, false);
        crypto.article.title = "Crypto coins rally again".into();
        let items = [item(20, "feed/1", false, false), crypto];
        store.store_remote_items(SRC, &items, &retention(), Utc::now()).expect("items");
        assert_eq!(state(&store, 21), (true, false));
        assert_eq!(state(&store, 20), (false, false));
        let queued: Vec<(i64, bool)> =
            store.outbox(10).expect("outbox").iter().map(|e| (e.remote_id, e.value)).collect();
        assert_eq!(queued, vec![(21, true)]);
        // So the server's older "unread" does not undo it before it is sent.
        store.apply_remote_state(&[20, 21], &[]).expect("state");
        assert_eq!(state(&store, 21), (true, false));
    }

    #[test]
    fn a_subscription_the_server_had_under_another_url_keeps_the_feed_here() {
        let (_dir, mut store) = synced_store();
        let starred = id_of(&store, 12);
        let new = NewFeed { url: "http://example.org/feed".into(), title: None, tags: vec![] };
        let pending = store.add_synced_feed(SRC, &new, Utc::now()).expect("add").id;
        assert_eq!(store.pending_subscriptions(SRC).expect("pending").len(), 1);
        // The server answers the subscription with the feed it has: feed/1.
        store.set_remote_feed(pending, SRC, "feed/1").expect("map");
        assert_eq!(store.feed_count().expect("count"), 1);
        assert!(store.feed(pending).expect("feed").is_none());
        let kept = store.article(starred).expect("article").expect("still here");
        assert!(kept.summary.starred);
        assert!(store.pending_subscriptions(SRC).expect("pending").is_empty());
    }

    #[test]
    fn articles_of_an_unknown_feed_hold_the_watermark_and_local_articles_are_matched_by_link() {
        let (_dir, mut store) = store();
        let local = store
            .add_feed(
                &NewFeed { url: "https://example.org/feed".into(), title: None, tags: vec![] },
                Utc::now(),
            )
            .expect("add");
        // An article this feed had locally, under its guid, with the server's link.
        let mut own = item(0, "", false, false).article;
        own.key = "guid-10".into();
        own.key_hash = xxhash_rust::xxh3::xxh3_64(own.key.as_bytes()) as i64;
        own.link = Some("https://example.org/10".into());
        {
            let mut batch = store.batch().expect("batch");
            batch
                .import_articles(
                    local.id,
                    None,
                    &[crate::store::ImportedArticle { article: own, read: false, starred: false }],
                    &retention(),
                    Utc::now(),
                )
                .expect("import");
            batch.commit().expect("commit");
        }
        store
            .apply_subscriptions(
                SRC,
                &[remote("feed/1", "https://example.org/feed", &[])],
                Removals::Few,
                Utc::now(),
            )
            .expect("subs");
        let items = [
            item(10, "feed/1", true, false),
            item(9, "feed/9", false, false),
            item(11, "feed/1", false, false),
        ];
        let (stored, unknown) =
            store.store_remote_items(SRC, &items, &retention(), Utc::now()).expect("items");
        assert_eq!((stored.new, stored.present, stored.unknown_feed), (1, 1, 1));
        assert_eq!(unknown, Some(9));
        assert_eq!(store.article_count().expect("count"), 2, "the local copy of 10 is the server's 10");
    }
}

#[cfg(test)]
mod removal_tests {
    use super::*;
    use crate::domain::{ArticleFilter, NewFeed};
    use crate::store::Mark;

    const SRC: &str = "greader";

    fn remote(id: &str, url: &str) -> RemoteFeed {
        RemoteFeed { remote_id: id.into(), url: url.into(), title: None, site_url: None, folders: vec![] }
    }

    fn item(remote_id: i64, feed: &str) -> RemoteItem {
        let article = crate::domain::NewArticle {
            key: format!("https://example.org/{remote_id}"),
            title: format!("Item {remote_id}"),
            link: Some(format!("https://example.org/{remote_id}")),
            published: Some(Utc::now()),
            summary_html: Some("<p>text</p>".into()),
            ..crate::domain::NewArticle::default()
        };
        RemoteItem {
            remote_id,
            feed: feed.into(),
            article: PreparedArticle::from(article),
            read: false,
            starred: false,
        }
    }

    fn keep_all() -> RetentionConfig {
        RetentionConfig { keep_days: 0, keep_per_feed: 0, ..RetentionConfig::default() }
    }

    /// Three synced feeds of two articles each (ids 10·f + 1, 10·f + 2).
    fn three_feeds() -> (tempfile::TempDir, Store, Vec<RemoteFeed>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(&dir.path().join("t.db")).expect("store");
        let feeds: Vec<RemoteFeed> =
            (1..=3).map(|f| remote(&format!("feed/{f}"), &format!("https://f{f}.example/feed"))).collect();
        store.apply_subscriptions(SRC, &feeds, Removals::Few, Utc::now()).expect("subs");
        let items: Vec<RemoteItem> = (1..=3)
            .flat_map(|f| [item(10 * f + 1, &format!("feed/{f}")), item(10 * f + 2, &format!("feed/{f}"))])
            .collect();
        store.store_remote_items(SRC, &items, &keep_all(), Utc::now()).expect("items");
        (dir, store, feeds)
    }

    fn article(store: &Store, remote_id: i64) -> Option<(i64, bool, bool, i64)> {
        store
            .conn
            .query_row(
                "SELECT id, read, starred, hidden FROM articles WHERE remote_id = ?1",
                [remote_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .expect("query")
    }

    fn visible(store: &Store) -> usize {
        store.articles(&ArticleFilter::default(), None, 100).expect("page").len()
    }

    #[test]
    fn a_feed_the_server_drops_keeps_its_starred_articles_and_comes_back_as_it_was() {
        let (_dir, mut store, feeds) = three_feeds();
        let (starred, ..) = article(&store, 11).expect("11");
        let (read, ..) = article(&store, 12).expect("12");
        store.mark(&[crate::domain::ArticleId(starred)], Mark::Star).expect("star");
        store.mark(&[crate::domain::ArticleId(read)], Mark::Read).expect("read");
        let sent = store.outbox(10).expect("outbox");
        store.outbox_sent(&sent).expect("sent");
        let changes = store.apply_subscriptions(SRC, &feeds[1..], Removals::Few, Utc::now()).expect("subs");
        assert_eq!(changes.removed, 1);
        assert_eq!(store.feed_count().expect("count"), 2);
        assert_eq!(visible(&store), 5, "the starred one of feed 1 stays in view");
        // The server's lists no longer have feed 1's articles: its starred one stays starred.
        store.apply_remote_state(&[21, 22, 31, 32], &[]).expect("state");
        assert_eq!(article(&store, 11).map(|a| a.2), Some(true));
        // Listed again under its id: back with its marks.
        let changes = store.apply_subscriptions(SRC, &feeds, Removals::Few, Utc::now()).expect("subs");
        assert_eq!((changes.restored, changes.added), (1, 0));
        assert_eq!(visible(&store), 6);
        assert_eq!(article(&store, 12).map(|a| (a.1, a.3)), Some((true, 0)));
    }

    #[test]
    fn a_dropped_feed_listed_again_under_a_new_id_is_the_same_feed() {
        let (_dir, mut store, feeds) = three_feeds();
        let before = store.resolve_feed("https://f1.example/feed").expect("resolve").expect("there");
        let (starred, ..) = article(&store, 11).expect("11");
        store.mark(&[crate::domain::ArticleId(starred)], Mark::Star).expect("star");
        let sent = store.outbox(10).expect("outbox");
        store.outbox_sent(&sent).expect("sent");
        store.apply_subscriptions(SRC, &feeds[1..], Removals::Few, Utc::now()).expect("subs");
        let mut again = feeds.clone();
        again[0].remote_id = "feed/9".into();
        let changes = store.apply_subscriptions(SRC, &again, Removals::Few, Utc::now()).expect("subs");
        assert_eq!((changes.restored, changes.added), (1, 0));
        assert_eq!(store.resolve_feed("https://f1.example/feed").expect("resolve"), Some(before));
        assert_eq!(store.feed_count().expect("count"), 3);
        // Its articles wait to be matched with the server's new items by link.
        let (stored, _) =
            store.store_remote_items(SRC, &[item(91, "feed/9")], &keep_all(), Utc::now()).expect("items");
        assert_eq!(stored.new, 1);
        let mut same = item(92, "feed/9");
        same.article = item(11, "feed/9").article;
        let (stored, _) = store.store_remote_items(SRC, &[same], &keep_all(), Utc::now()).expect("items");
        assert_eq!((stored.new, stored.present), (0, 1), "matched by link, not a copy");
        // Its star, which the server's new item lacks, is sent to the server, and meanwhile
        // the server's lists do not take it away.
        let queued: Vec<(i64, StateField, bool)> =
            store.outbox(10).expect("outbox").iter().map(|e| (e.remote_id, e.field, e.value)).collect();
        assert_eq!(queued, vec![(92, StateField::Starred, true)]);
        store.apply_remote_state(&[91, 92], &[]).expect("state");
        assert_eq!(article(&store, 92).map(|a| (a.0, a.2)), Some((starred, true)));
    }

    #[test]
    fn undoing_an_unsubscription_the_server_has_heard_of_subscribes_there_again() {
        let (_dir, mut store, feeds) = three_feeds();
        let feed = store.resolve_feed("https://f1.example/feed").expect("resolve").expect("there");
        let (starred, ..) = article(&store, 11).expect("11");
        store.mark(&[crate::domain::ArticleId(starred)], Mark::Star).expect("star");
        let sent = store.outbox(10).expect("outbox");
        store.outbox_sent(&sent).expect("sent");
        // Undone before the server heard: nothing to send, the same ids.
        store.remove_feed(feed, Utc::now()).expect("remove");
        assert_eq!(store.pending_unsubscriptions(SRC).expect("pending").len(), 1);
        store.restore_feed(feed).expect("restore");
        assert!(store.pending_unsubscriptions(SRC).expect("pending").is_empty());
        assert!(store.pending_subscriptions(SRC).expect("pending").is_empty());
        assert_eq!(article(&store, 11).map(|a| a.0), Some(starred));
        // Undone after the server heard: subscribed there again, the articles matched by link
        // when the server's come, the star kept meanwhile.
        store.remove_feed(feed, Utc::now()).expect("remove");
        store.unsubscription_sent(SRC, "feed/1").expect("sent");
        store.apply_subscriptions(SRC, &feeds[1..], Removals::Few, Utc::now()).expect("subs");
        store.restore_feed(feed).expect("restore");
        let pending: Vec<FeedId> =
            store.pending_subscriptions(SRC).expect("pending").iter().map(|p| p.id).collect();
        assert_eq!(pending, vec![feed]);
        let kept = store.article(crate::domain::ArticleId(starred)).expect("article").expect("there");
        assert!(kept.summary.starred);
        assert_eq!(visible(&store), 6);
    }

    #[test]
    fn a_listed_feed_without_a_usable_address_stays_and_none_is_added() {
        let (_dir, mut store, mut feeds) = three_feeds();
        feeds[0].url = String::new();
        feeds.push(remote("feed/7", ""));
        let changes = store.apply_subscriptions(SRC, &feeds, Removals::Few, Utc::now()).expect("subs");
        assert_eq!((changes.removed, changes.added), (0, 0));
        assert_eq!(store.feed_count().expect("count"), 3);
        assert_eq!(visible(&store), 6);
    }

    #[test]
    fn a_list_dropping_most_feeds_unsubscribes_none_until_confirmed() {
        let (_dir, mut store, feeds) = three_feeds();
        let changes = store.apply_subscriptions(SRC, &feeds[..1], Removals::Few, Utc::now()).expect("subs");
        assert_eq!((changes.removed, changes.held, changes.synced), (0, 2, 3));
        assert_eq!(store.feed_count().expect("count"), 3);
        assert_eq!(visible(&store), 6);
        let changes = store.apply_subscriptions(SRC, &feeds[..1], Removals::All, Utc::now()).expect("subs");
        assert_eq!((changes.removed, changes.held), (2, 0));
        assert_eq!(store.feed_count().expect("count"), 1);
        // One of three is not "most".
        assert!(!is_mass_removal(1, 3) && !is_mass_removal(1, 1) && is_mass_removal(2, 3));
    }

    #[test]
    fn a_duplicate_subscription_gives_its_stars_to_the_feed_that_stays() {
        let (_dir, mut store, _) = three_feeds();
        let new = NewFeed { url: "http://f1.example/feed".into(), title: None, tags: vec![] };
        let dup = store.add_synced_feed(SRC, &new, Utc::now()).expect("add").id;
        let copy = PreparedArticle::from(crate::domain::NewArticle {
            key: "https://example.org/11".into(),
            title: "Item 11".into(),
            link: Some("https://example.org/11".into()),
            ..crate::domain::NewArticle::default()
        });
        let own = PreparedArticle::from(crate::domain::NewArticle {
            key: "only-here".into(),
            title: "Only here".into(),
            ..crate::domain::NewArticle::default()
        });
        let parsed =
            crate::store::PreparedFeed { title: None, site_url: None, articles: vec![copy, own], ttl: None };
        {
            let mut batch = store.batch().expect("batch");
            batch
                .ingest(dup, &crate::store::FetchRecord::default(), &parsed, &keep_all(), Utc::now())
                .expect("ingest");
            batch.commit().expect("commit");
        }
        let ids: Vec<crate::domain::ArticleId> = store
            .articles(&ArticleFilter { feed: Some(dup), ..ArticleFilter::default() }, None, 10)
            .expect("page")
            .iter()
            .map(|a| a.id)
            .collect();
        store.mark(&ids, Mark::Star).expect("star");
        store.set_remote_feed(dup, SRC, "feed/1").expect("map");
        assert!(store.feed(dup).expect("feed").is_none());
        assert_eq!(article(&store, 11).map(|a| a.2), Some(true), "the kept copy is starred");
        let starred = store
            .articles(&ArticleFilter { starred: true, ..ArticleFilter::default() }, None, 10)
            .expect("page");
        let titles: Vec<&str> = starred.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles.len(), 2, "{titles:?}");
        assert!(titles.contains(&"Only here"));
        let kept = store.resolve_feed("https://f1.example/feed").expect("resolve").expect("there");
        let feed = store.feed(kept).expect("feed").expect("there");
        assert_eq!((feed.total, feed.unread), (3, 3), "the moved article is counted");
    }
}
