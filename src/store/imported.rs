//! Articles brought in from another reader's cache (`tidings import --newsboat`): stored under
//! the same keys a refresh of their feed computes, with their read and starred state merged in.
//!
//! Unlike a refresh, an import never rewrites an article tidings already has (its text from the
//! feed itself is newer than another reader's copy) and never records a fetch on the feed.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::ingest::{apply_retention, insert_new, retained_by};
use super::{Batch, PreparedArticle, StoreError};
use crate::config::RetentionConfig;
use crate::domain::FeedId;

/// An article from another reader, with its state there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedArticle {
    /// The article, keyed as a refresh of its feed would key it.
    pub article: PreparedArticle,
    /// Read in the other reader.
    pub read: bool,
    /// Starred (flagged) in the other reader.
    pub starred: bool,
}

/// What importing a run of articles did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    /// Articles new to tidings.
    pub new: usize,
    /// Articles tidings had already (kept as they are, state merged).
    pub present: usize,
    /// Articles retention did not let in (too old, or beyond the per-feed cap; never starred ones).
    pub dropped: usize,
    /// Articles marked read now.
    pub marked_read: usize,
    /// Articles starred now.
    pub starred: usize,
    /// Articles taken in (new or present) that were read in the other reader.
    pub were_read: usize,
    /// Articles taken in that were starred in the other reader.
    pub were_starred: usize,
}

impl Batch<'_> {
    /// Stores articles of feed `id` from another reader, atomically within the batch. New keys
    /// are inserted; existing ones keep their text. State merges: an article read (starred) on
    /// either side ends up read (starred); nothing is made unread or unstarred. Retention
    /// applies as on a refresh, except that starred articles always come in. `feed_title`
    /// fills the feed's own title when tidings has none yet.
    pub fn import_articles(
        &mut self,
        id: FeedId,
        feed_title: Option<&str>,
        articles: &[ImportedArticle],
        retention: &RetentionConfig,
        now: DateTime<Utc>,
    ) -> Result<ImportOutcome, StoreError> {
        let sp = self.tx.savepoint()?;
        sp.prepare_cached("UPDATE feeds SET feed_title = coalesce(feed_title, ?2) WHERE id = ?1")?
            .execute(params![id.0, super::clean::title(feed_title)])?;
        let unlimited = retention.keep_days == 0 && retention.keep_per_feed == 0;
        let chosen: Vec<&ImportedArticle> = if unlimited {
            articles.iter().collect()
        } else {
            let (starred, plain): (Vec<&ImportedArticle>, Vec<&ImportedArticle>) =
                articles.iter().partition(|a| a.starred);
            let keys: HashSet<i64> = retained_by(&plain, |a| a.article.date(), retention, now)
                .iter()
                .map(|a| a.article.key_hash)
                .collect();
            starred
                .into_iter()
                .chain(plain.into_iter().filter(|a| keys.contains(&a.article.key_hash)))
                .collect()
        };
        let mut outcome =
            ImportOutcome { dropped: articles.len() - chosen.len(), ..ImportOutcome::default() };
        for a in &chosen {
            if insert_new(&sp, id, &a.article, now)?.is_some() {
                outcome.new += 1;
            } else {
                outcome.present += 1;
            }
        }
        if outcome.new > 0 {
            // New articles are unread; inserts are counted here, not by a trigger (see the
            // schema). Marking read below goes through the read trigger.
            sp.prepare_cached("UPDATE feeds SET total = total + ?2, unread = unread + ?2 WHERE id = ?1")?
                .execute(params![id.0, outcome.new as i64])?;
        }
        for a in &chosen {
            outcome.were_read += usize::from(a.read);
            outcome.were_starred += usize::from(a.starred);
            if a.read {
                outcome.marked_read += sp
                    .prepare_cached(
                        "UPDATE articles SET read = 1 WHERE feed_id = ?1 AND key_hash = ?2 AND read = 0",
                    )?
                    .execute(params![id.0, a.article.key_hash])?;
            }
            if a.starred {
                outcome.starred += sp
                    .prepare_cached(
                        "UPDATE articles SET starred = 1 WHERE feed_id = ?1 AND key_hash = ?2 AND starred = 0",
                    )?
                    .execute(params![id.0, a.article.key_hash])?;
            }
        }
        outcome.dropped += apply_retention(&sp, id, retention, now)?;
        sp.commit()?;
        Ok(outcome)
    }
}
