//! What the indexer has not taken in since it last ran: the articles stored after the newest
//! one it indexed, and those changed since. A refresh indexes these before it exits, so that
//! search and stories are current without the reader.

use rusqlite::OptionalExtension;

use super::{Store, StoreError};

impl Store {
    /// Articles new or changed since the indexer last ran, counted up to `most` (a cache that
    /// was never indexed counts every article as new). Reads the id range past the index's
    /// newest article only: cheap whatever the backlog of older articles.
    pub fn unindexed_new(&self, most: usize) -> Result<u64, StoreError> {
        let high: Option<i64> = self
            .conn
            .query_row("SELECT high FROM index_state WHERE id = 1", [], |r| r.get(0))
            .optional()?
            .flatten();
        let most = i64::try_from(most).unwrap_or(i64::MAX);
        let new: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM (SELECT 1 FROM articles WHERE id > ?1 LIMIT ?2)")?
            .query_row(rusqlite::params![high.unwrap_or(i64::MIN), most], |r| r.get(0))?;
        let changed: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM (SELECT 1 FROM index_stale LIMIT ?1)")?
            .query_row([most], |r| r.get(0))?;
        Ok(u64::try_from(new.saturating_add(changed).min(most)).unwrap_or(0))
    }
}
