//! What a sync with a server reads and writes: which feeds the server holds (and under which
//! of its ids: [`subscriptions`]), the articles it sends (keyed by its item ids, so a re-sync
//! never duplicates: [`items`]), its read and starred state, and the outbox of local changes
//! waiting to be sent ([`state`]).
//!
//! Protocol-free: `source` names the protocol ("greader"), ids are the server's own.

mod items;
mod state;
mod subscriptions;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

pub use items::ItemsStored;
pub use state::StateChanges;
pub use subscriptions::{Removals, SubscriptionChanges, is_mass_removal};

use super::{PreparedArticle, Store, StoreError};
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

    /// The sync source of each feed that has one (for `feeds --json` and `articles --json`).
    pub fn feed_sources(&self) -> Result<HashMap<FeedId, String>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT id, source FROM feeds WHERE source IS NOT NULL")?;
        let rows = stmt.query_map([], |r| Ok((FeedId(r.get(0)?), r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
