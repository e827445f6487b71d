//! The SQLite cache: the one owner of the database connection. Typed queries, one transaction
//! per feed refresh, WAL so a cron `tidings refresh` and an open reader share the file safely.

mod articles;
mod body;
mod clean;
mod feeds;
mod find;
mod full_text;
mod imported;
mod ingest;
mod kill;
mod prepare;
mod profile;
mod recover;
mod related;
mod removed;
mod schema;
mod search;
mod stories;
mod sync;
mod top;
mod unindexed;

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::Connection;

pub use articles::{Mark, Page};
pub use feeds::{AddOutcome, FetchTarget};
pub use find::{SavedSearch, SearchResults};
pub use full_text::{FullTextFailure, FullTextTarget};
pub use imported::{ImportOutcome, ImportedArticle};
pub use ingest::{Batch, Failure, FetchRecord, IngestOutcome};
pub use kill::{KillReport, KillRules};
pub use prepare::{PreparedArticle, PreparedFeed};
pub use recover::{MovedAside, StoreError};
pub use removed::{Purged, RemovedBy};
pub use schema::VERSION as SCHEMA_VERSION;
pub use search::IndexProgress;
pub use sync::{
    ItemsStored, OutboxEntry, PendingFeed, RemoteFeed, RemoteItem, Removals, StateChanges, StateField,
    SubscriptionChanges, is_mass_removal,
};

/// The cache.
pub struct Store {
    conn: Connection,
    /// How the indexer weighs an article's parts (the default unless an evaluation changes it).
    weights: crate::index::Weights,
    /// How [`Store::related`] ranks.
    related: crate::index::RelatedConfig,
    /// When the indexer puts two articles in one story.
    story_rule: crate::index::story::StoryRule,
    /// Saved searches from config.toml (name, query).
    config_searches: Vec<(String, String)>,
    /// The killfile, applied to new articles as they are stored.
    kill: KillRules,
    /// What the indexer learned of each feed (its boilerplate, its language).
    profiles: std::cell::RefCell<std::collections::HashMap<i64, profile::Learned>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.conn.path())
            .field("weights", &self.weights)
            .field("related", &self.related)
            .field("story_rule", &self.story_rule)
            .field("config_searches", &self.config_searches)
            .field("kill", &self.kill)
            .field("profiles", &self.profiles.borrow().len())
            .finish()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| StoreError::CreateDir { path: dir.to_path_buf(), source })?;
        }
        let open = |path: &Path| -> Result<Connection, rusqlite::Error> {
            let conn = Connection::open(path)?;
            // Nor when the last connection closes: a refresh would spend its last 100 ms
            // copying the WAL into the database before exiting. The copy happens at the next
            // 64 MiB instead; until then readers find recent pages in the WAL, and a power
            // loss may cost the last refresh (never consistency: WAL with NORMAL sync). Set
            // first, so a connection dropped on a damaged file does not write into it either.
            conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
            // Wait for a writer in another process instead of failing at once.
            conn.busy_timeout(Duration::from_secs(10))?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            // WAL with NORMAL is durable across application crashes; a power loss may lose
            // the last transactions but never corrupts the file.
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            conn.pragma_update(None, "temp_store", "MEMORY")?;
            // 8 MiB page cache: enough for the hot indexes, small enough for the memory budget.
            conn.pragma_update(None, "cache_size", -8192)?;
            // Copy the WAL into the database every 64 MiB rather than every 4 MiB: a refresh
            // writing a hundred megabytes syncs a handful of times instead of dozens; the WAL
            // file is cut back to that size afterwards.
            conn.pragma_update(None, "wal_autocheckpoint", 16_384)?;
            conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
            Ok(conn)
        };
        let mut conn = open(path).map_err(|source| recover::at_open(path, source))?;
        schema::migrate(&mut conn).map_err(|e| recover::at_open_store(path, e))?;
        Ok(Self {
            conn,
            weights: crate::index::Weights::default(),
            related: crate::index::RelatedConfig::default(),
            story_rule: crate::index::story::StoryRule::default(),
            config_searches: Vec::new(),
            kill: KillRules::default(),
            profiles: std::cell::RefCell::default(),
        })
    }

    /// The file behind this store.
    pub fn path(&self) -> Option<&str> {
        self.conn.path()
    }
}

/// Counts a feed's articles again (after articles moved between feeds, which no trigger
/// follows): hidden ones are not counted, as the triggers keep it.
pub(super) fn recount(conn: &Connection, feed: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE feeds SET
             total = (SELECT count(*) FROM articles WHERE feed_id = ?1 AND hidden = 0),
             unread = (SELECT count(*) FROM articles WHERE feed_id = ?1 AND hidden = 0 AND read = 0)
         WHERE id = ?1",
    )?
    .execute([feed])?;
    Ok(())
}

/// Unix seconds to a UTC time (out-of-range values clamp to the epoch).
pub(crate) fn to_time(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}

/// An optional Unix-seconds column to a UTC time.
pub(crate) fn to_time_opt(secs: Option<i64>) -> Option<DateTime<Utc>> {
    secs.map(to_time)
}
