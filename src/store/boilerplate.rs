//! Each feed's boilerplate (see `crate::index::boilerplate`), learned from its newest articles
//! when the indexer first meets the feed and again as the feed grows, kept for the store's
//! life.

use std::sync::Arc;

use super::{Store, StoreError};
use crate::index::{self, boilerplate::Boilerplate};

/// A feed's boilerplate, and the feed's article count when it was learned.
pub(super) type Learned = (i64, Arc<Boilerplate>);

impl Store {
    /// What the feed's articles share (empty for a feed of few articles).
    pub(super) fn boilerplate(&self, feed: i64) -> Result<Arc<Boilerplate>, StoreError> {
        let total: i64 = self
            .conn
            .prepare_cached("SELECT total FROM feeds WHERE id = ?1")?
            .query_row([feed], |r| r.get(0))
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(0) } else { Err(e) })?;
        if let Some((at, learned)) = self.boilerplate.borrow().get(&feed)
            && total < at + (at / 4).max(10)
        {
            return Ok(Arc::clone(learned));
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.title, b.content, b.summary FROM articles a LEFT JOIN bodies b ON b.article_id = a.id
             WHERE a.feed_id = ?1 ORDER BY a.id DESC LIMIT ?2",
        )?;
        let mut sample: Vec<(String, String)> = Vec::new();
        let rows = stmt.query_map(rusqlite::params![feed, index::boilerplate::SAMPLE as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<Vec<u8>>>(1)?, r.get::<_, Option<Vec<u8>>>(2)?))
        })?;
        for row in rows {
            let (title, content, summary) = row?;
            let body =
                content.or(summary).as_deref().map(super::body::decode).transpose()?.unwrap_or_default();
            sample.push((title, index::index_text(&body)));
        }
        let learned = Arc::new(Boilerplate::learn(sample.iter().map(|(t, b)| (t.as_str(), b.as_str()))));
        self.boilerplate.borrow_mut().insert(feed, (total, Arc::clone(&learned)));
        Ok(learned)
    }
}
