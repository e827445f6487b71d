//! The full-text index (SQLite FTS5) and term vectors behind search and "read also": filled
//! incrementally in the background, queried by term. Analysis and ranking live in
//! `crate::index`.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::stories::Indexed;
use super::{Store, StoreError};
use crate::domain::{ArticleId, ArticleSummary};
use crate::index::vector::term_hash;
use crate::index::{self, Analysis, Lang, TermVector, Weights};

/// How far the background indexer has got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IndexProgress {
    /// Articles indexed by this call.
    pub indexed: usize,
    /// Articles still waiting (an estimate when large).
    pub remaining: u64,
}

/// An article's feed, title and encoded bodies (content, summary), as stored.
type StoredRow = (i64, String, Option<Vec<u8>>, Option<Vec<u8>>);

/// An article as the indexer reads it: id, feed, title, body text.
type Pending = (i64, i64, String, String);

impl Store {
    /// Changes when the indexer puts two articles in one story (for evaluations).
    pub fn set_story_rule(&mut self, rule: crate::index::story::StoryRule) {
        self.story_rule = rule;
    }

    /// Changes how the indexer weighs titles, leads and names from now on (for evaluations;
    /// articles already indexed keep their vectors).
    pub fn set_index_weights(&mut self, weights: Weights) {
        self.weights = weights;
    }

    /// Indexes up to `batch` articles not yet in the index: new articles first, then older ones
    /// going back in time. Articles are read and analysed outside any write transaction; the
    /// writes happen in one short transaction, which re-checks that no other process indexed
    /// the same articles meanwhile. Cheap when there is nothing to do.
    pub fn index_some(&mut self, batch: usize) -> Result<IndexProgress, StoreError> {
        let plan = self.index_plan(batch)?;
        let mut analysed: Vec<(i64, Analysis)> = Vec::with_capacity(plan.ids.len());
        for (id, feed, title, text) in self.index_rows(&plan.ids)? {
            // Without the feed's furniture, in its language when the article is too short.
            analysed.push((id, self.profile(feed)?.analyze(&title, &text, &self.weights)));
        }
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let state: (Option<i64>, Option<i64>) =
            tx.query_row("SELECT low, high FROM index_state WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        if state != plan.state {
            // Another process indexed meanwhile; the next call plans again.
            return Ok(IndexProgress { indexed: 0, remaining: plan.remaining });
        }
        for id in &plan.stale {
            tx.execute("DELETE FROM index_stale WHERE article_id = ?1", [id])?;
            tx.execute("DELETE FROM article_index WHERE rowid = ?1", [id])?;
        }
        let vectors = write_batch(&tx, &analysed)?;
        tx.execute("UPDATE index_state SET low = ?1, high = ?2 WHERE id = 1", params![plan.low, plan.high])?;
        tx.commit()?;
        // Grouping reads the index (batch-mates included) without holding the write lock.
        let indexed: Vec<Indexed<'_>> = analysed
            .iter()
            .zip(vectors)
            .map(|((id, analysis), vector)| Indexed { id: *id, analysis, vector })
            .collect();
        let links = self.find_stories(&indexed, &self.story_rule)?;
        let rule = self.story_rule;
        self.write_stories(&links, &rule)?;
        Ok(IndexProgress { indexed: plan.ids.len(), remaining: plan.remaining })
    }

    /// Which articles the next batch indexes, and the queue's state after it.
    fn index_plan(&self, batch: usize) -> Result<IndexPlan, StoreError> {
        let conn = &self.conn;
        let state: (Option<i64>, Option<i64>) =
            conn.query_row("SELECT low, high FROM index_state WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let max_id: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM articles", [], |r| r.get(0))?;
        // An empty index starts from the newest article and works back.
        let (mut lo, mut hi) = match state {
            (Some(lo), Some(hi)) => (lo, hi),
            _ => (max_id + 1, max_id),
        };
        let stale: Vec<i64> = conn
            .prepare_cached("SELECT article_id FROM index_stale LIMIT ?1")?
            .query_map([batch as i64], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let room = batch.saturating_sub(stale.len()) as i64;
        let newer: Vec<i64> = conn
            .prepare_cached("SELECT id FROM articles WHERE id > ?1 ORDER BY id LIMIT ?2")?
            .query_map(params![hi, room], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        hi = newer.last().copied().unwrap_or(hi);
        let room = room - newer.len() as i64;
        let older: Vec<i64> = conn
            .prepare_cached("SELECT id FROM articles WHERE id < ?1 ORDER BY id DESC LIMIT ?2")?
            .query_map(params![lo, room], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if room > 0 && (older.len() as i64) < room {
            lo = 0; // nothing older is left
        } else if let Some(&last) = older.last() {
            lo = last;
        }
        // An estimate from the id ranges (counting rows would cost more than a batch on a
        // large cache): ids are handed out in order, so the gaps are few.
        let min_id: i64 = conn.query_row("SELECT coalesce(min(id), 0) FROM articles", [], |r| r.get(0))?;
        let stale_count: i64 = conn.query_row("SELECT count(*) FROM index_stale", [], |r| r.get(0))?;
        let remaining = (max_id - hi).max(0) + (lo - min_id).max(0) + stale_count - stale.len() as i64;
        let mut ids = stale.clone();
        ids.extend(newer);
        ids.extend(older);
        Ok(IndexPlan { state, low: lo, high: hi, stale, ids, remaining: remaining.max(0) as u64 })
    }

    /// Titles and plain body texts of these articles (deleted ones are skipped).
    fn index_rows(&self, ids: &[i64]) -> Result<Vec<Pending>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.feed_id, a.title, b.content, b.summary FROM articles a
             LEFT JOIN bodies b ON b.article_id = a.id WHERE a.id = ?1",
        )?;
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            let row: Option<StoredRow> =
                stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).optional()?;
            let Some((feed, title, content, summary)) = row else { continue };
            let body =
                content.or(summary).as_deref().map(super::body::decode).transpose()?.unwrap_or_default();
            out.push((id, feed, title, index::index_text(&body)));
        }
        Ok(out)
    }

    /// The languages of the indexed articles, most common first.
    pub fn index_languages(&self) -> Result<Vec<Lang>, StoreError> {
        index_languages_in(&self.conn)
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

/// The languages of the indexed articles, most common first (English when there are none yet).
pub(super) fn index_languages_in(conn: &Connection) -> Result<Vec<Lang>, StoreError> {
    let codes: Vec<String> = conn
        .prepare_cached("SELECT lang FROM index_langs ORDER BY docs DESC")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut langs: Vec<Lang> =
        codes.iter().map(|c| Lang::from_code(c)).filter(|l| l.code().is_some()).collect();
    if langs.is_empty() {
        langs.push(Lang::from_code("en"));
    }
    Ok(langs)
}

/// The next indexing batch.
struct IndexPlan {
    /// `index_state` as read when planning.
    state: (Option<i64>, Option<i64>),
    /// The state after this batch.
    low: i64,
    high: i64,
    /// Changed articles to re-index.
    stale: Vec<i64>,
    /// Every article of the batch.
    ids: Vec<i64>,
    /// Articles left after it (an estimate).
    remaining: u64,
}

/// Writes analysed articles: document frequencies first (so the batch's own articles count
/// towards each other's idf), then each article's index entry and vector.
fn write_batch(tx: &Connection, analysed: &[(i64, Analysis)]) -> Result<Vec<TermVector>, StoreError> {
    if analysed.is_empty() {
        return Ok(Vec::new());
    }
    let mut added: HashMap<i64, i64> = HashMap::new();
    let mut langs: HashMap<&'static str, i64> = HashMap::new();
    for (_, a) in analysed {
        for (term, _) in &a.terms {
            *added.entry(term_hash(term)).or_default() += 1;
        }
        *langs.entry(a.lang.code().unwrap_or("")).or_default() += 1;
    }
    let mut df: HashMap<i64, u64> = HashMap::with_capacity(added.len());
    {
        let mut upsert = tx.prepare_cached(
            "INSERT INTO term_df (term, df) VALUES (?1, ?2)
             ON CONFLICT(term) DO UPDATE SET df = df + excluded.df RETURNING df",
        )?;
        for (&term, &n) in &added {
            let total: i64 = upsert.query_row(params![term, n], |r| r.get(0))?;
            df.insert(term, total.max(1) as u64);
        }
    }
    let docs: i64 = tx.query_row(
        "UPDATE index_state SET docs = docs + ?1 WHERE id = 1 RETURNING docs",
        [analysed.len() as i64],
        |r| r.get(0),
    )?;
    for (code, n) in langs {
        tx.prepare_cached(
            "INSERT INTO index_langs (lang, docs) VALUES (?1, ?2)
             ON CONFLICT(lang) DO UPDATE SET docs = docs + excluded.docs",
        )?
        .execute(params![code, n])?;
    }
    let mut insert =
        tx.prepare_cached("INSERT INTO article_index (rowid, title, body) VALUES (?1, ?2, ?3)")?;
    let mut vectors =
        tx.prepare_cached("INSERT OR REPLACE INTO article_vectors (article_id, terms) VALUES (?1, ?2)")?;
    let mut out = Vec::with_capacity(analysed.len());
    for (id, a) in analysed {
        insert.execute(params![id, a.title, a.body])?;
        let vector =
            TermVector::build(&a.terms, |t| df.get(&term_hash(t)).copied().unwrap_or(1), docs.max(1) as u64);
        vectors.execute(params![id, vector.encode()])?;
        out.push(vector);
    }
    Ok(out)
}
