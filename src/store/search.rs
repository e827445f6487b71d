//! The full-text index (SQLite FTS5) behind search and "read also": filled incrementally in the
//! background, queried by term. Ranking logic lives in `crate::index`.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::domain::{Article, ArticleId, ArticleSummary};
use crate::index::{self, Candidate};

/// How far the background indexer has got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IndexProgress {
    /// Articles indexed by this call.
    pub indexed: usize,
    /// Articles still waiting (an estimate when large).
    pub remaining: u64,
}

/// Terms used to look for related articles, at most.
const RELATED_TERMS: usize = 8;
/// Candidates the index returns for ranking.
const RELATED_CANDIDATES: usize = 150;

impl Store {
    /// Indexes up to `batch` articles not yet in the index, in one transaction: new articles
    /// first, then older ones going back in time. Cheap when there is nothing to do.
    pub fn index_some(&mut self, batch: usize) -> Result<IndexProgress, StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (mut low, mut high): (Option<i64>, Option<i64>) =
            tx.query_row("SELECT low, high FROM index_state WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let max_id: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM articles", [], |r| r.get(0))?;
        if high.is_none() {
            // An empty index starts from the newest article and works back.
            high = Some(max_id);
            low = Some(max_id + 1);
        }
        let (mut lo, mut hi) = (low.unwrap_or(max_id + 1), high.unwrap_or(max_id));
        let mut ids: Vec<i64> = tx
            .prepare_cached("SELECT article_id FROM index_stale LIMIT ?1")?
            .query_map([batch as i64], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in &ids {
            tx.execute("DELETE FROM index_stale WHERE article_id = ?1", [id])?;
            tx.execute("DELETE FROM article_index WHERE rowid = ?1", [id])?;
        }
        let room = batch.saturating_sub(ids.len()) as i64;
        let newer: Vec<i64> = tx
            .prepare_cached("SELECT id FROM articles WHERE id > ?1 ORDER BY id LIMIT ?2")?
            .query_map(params![hi, room], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        hi = newer.last().copied().unwrap_or(hi);
        let room = room - newer.len() as i64;
        let older: Vec<i64> = tx
            .prepare_cached("SELECT id FROM articles WHERE id < ?1 ORDER BY id DESC LIMIT ?2")?
            .query_map(params![lo, room], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if room > 0 && (older.len() as i64) < room {
            lo = 0; // nothing older is left
        } else if let Some(&last) = older.last() {
            lo = last;
        }
        ids.extend(newer);
        ids.extend(older);
        for &id in &ids {
            index_one(&tx, id)?;
        }
        tx.execute("UPDATE index_state SET low = ?1, high = ?2 WHERE id = 1", params![lo, hi])?;
        // An estimate from the id ranges (counting rows would cost more than a batch on a
        // large cache): ids are handed out in order, so the gaps are few.
        let min_id: i64 = tx.query_row("SELECT coalesce(min(id), 0) FROM articles", [], |r| r.get(0))?;
        let stale: i64 = tx.query_row("SELECT count(*) FROM index_stale", [], |r| r.get(0))?;
        let remaining = (max_id - hi).max(0) + (lo - min_id).max(0) + stale;
        tx.commit()?;
        Ok(IndexProgress { indexed: ids.len(), remaining: remaining.max(0) as u64 })
    }

    /// Up to `limit` articles related to `article`, best first (see [`index::rank_related`]).
    pub fn related(&self, article: &Article, limit: usize) -> Result<Vec<ArticleSummary>, StoreError> {
        let s = &article.summary;
        let text = index::index_text(article.body_html());
        let terms = self.informative_terms(&index::candidate_terms(&s.title, &text, 40))?;
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let query = terms.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(" OR ");
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.feed_id, a.published, x.score, a.title
             FROM (SELECT rowid AS id, bm25(article_index, 4.0, 1.0) AS score FROM article_index
                   WHERE article_index MATCH ?1 ORDER BY rank LIMIT ?2) x
             JOIN articles a ON a.id = x.id
             WHERE a.id != ?3",
        )?;
        let candidates: Vec<Candidate> = stmt
            .query_map(params![query, RELATED_CANDIDATES as i64, s.id.0], |r| {
                Ok(Candidate {
                    id: r.get(0)?,
                    feed_id: r.get(1)?,
                    published: r.get(2)?,
                    bm25: r.get(3)?,
                    title: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let now = chrono::Utc::now().timestamp();
        let ranked = index::rank_related(&candidates, s.feed_id.0, &s.title, now, limit);
        self.summaries(&ranked.into_iter().map(ArticleId).collect::<Vec<_>>())
    }

    /// The rarest terms that still occur in more than one article: the ones that say most
    /// about what an article shares with others.
    fn informative_terms(&self, terms: &[String]) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT doc FROM article_terms WHERE term = ?1")?;
        let mut with_df: Vec<(i64, &String)> = Vec::new();
        for term in terms {
            let df: Option<i64> = stmt.query_row([term], |r| r.get(0)).optional()?;
            if let Some(df) = df.filter(|&d| d >= 2) {
                with_df.push((df, term));
            }
        }
        with_df.sort();
        Ok(with_df.into_iter().take(RELATED_TERMS).map(|(_, t)| t.clone()).collect())
    }

    /// Summaries of these articles, in the order given (unknown ids are skipped).
    pub fn summaries(&self, ids: &[ArticleId]) -> Result<Vec<ArticleSummary>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        let sql = format!(
            "SELECT {} FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?1",
            super::articles::SUMMARY_COLUMNS
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        for id in ids {
            if let Some(s) = stmt.query_row([id.0], super::articles::summary_from_row).optional()? {
                out.push(s);
            }
        }
        Ok(out)
    }
}

/// An article's title and encoded bodies (content, summary).
type IndexRow = (String, Option<Vec<u8>>, Option<Vec<u8>>);

/// Adds one article to the index.
fn index_one(tx: &rusqlite::Transaction<'_>, id: i64) -> Result<(), StoreError> {
    let row: Option<IndexRow> = tx
        .prepare_cached(
            "SELECT a.title, b.content, b.summary FROM articles a LEFT JOIN bodies b ON b.article_id = a.id
             WHERE a.id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((title, content, summary)) = row else { return Ok(()) };
    let body = content.or(summary).as_deref().map(super::body::decode).transpose()?.unwrap_or_default();
    tx.prepare_cached("INSERT INTO article_index (rowid, title, body) VALUES (?1, ?2, ?3)")?
        .execute(params![id, title, index::index_text(&body)])?;
    Ok(())
}
