//! "Read also" from the index: an article's candidates found by its terms, read back with
//! their vectors, and ranked by `crate::index::related`.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::domain::{Article, ArticleId, ArticleSummary};
use crate::index::related::{self, Candidate, RelatedConfig, Subject};
use crate::index::vector::term_hash;
use crate::index::{self, Analysis, TermVector};

/// Articles taken per term, newest first: all of them for a rare term, the latest for a common
/// one. Bounds the work on a large cache.
const NEWEST_PER_TERM: i64 = 400;
/// Articles taken per term on each side of the article itself (ids follow arrival, so these
/// are the ones that came in around the same time): an old article finds its own story even
/// when a common term's newest articles are all younger.
const AROUND_PER_TERM: i64 = 100;
/// Candidates scored in full.
const CANDIDATES: usize = 250;
/// An article's terms looked up, the heaviest first: beyond these, a term is either common
/// (its articles are many and say little) or a passing word.
const QUERY_TERMS: usize = 24;

impl Store {
    /// Sets how [`Store::related`] ranks (`[related]` in config.toml).
    pub fn set_related_config(&mut self, config: RelatedConfig) {
        self.related = config;
    }

    /// Up to `limit` articles related to `article`, best first, as of now (see
    /// [`related::rank`]).
    pub fn related(&self, article: &Article, limit: usize) -> Result<Vec<ArticleSummary>, StoreError> {
        let now = chrono::Utc::now().timestamp();
        Ok(self.related_scored(article, limit, now, &self.related)?.into_iter().map(|(s, _)| s).collect())
    }

    /// Up to `limit` articles related to `article` with their scores, best first, ranked as of
    /// `now` (Unix seconds).
    pub fn related_scored(
        &self,
        article: &Article,
        limit: usize,
        now: i64,
        config: &RelatedConfig,
    ) -> Result<Vec<(ArticleSummary, f32)>, StoreError> {
        let s = &article.summary;
        let text = index::index_text(article.body_html());
        let analysis = self.profile(s.feed_id.0)?.analyze(&s.title, &text, &self.weights);
        let vector = match self.stored_vector(s.id.0)? {
            Some(v) => v,
            None => self.vector_now(&analysis)?,
        };
        if vector.is_empty() {
            return Ok(Vec::new());
        }
        let ids = self.candidate_ids(s.id.0, &analysis, &vector)?;
        let candidates = self.candidates(&ids)?;
        let subject = Subject {
            id: s.id.0,
            title: &s.title,
            link: s.link.as_deref(),
            published: s.published.timestamp(),
            vector: &vector,
        };
        let ranked = related::rank(subject, &candidates, now, config, limit);
        let scores: HashMap<i64, f32> = ranked.iter().copied().collect();
        let summaries = self.summaries(&ranked.iter().map(|(id, _)| ArticleId(*id)).collect::<Vec<_>>())?;
        Ok(summaries
            .into_iter()
            .map(|s| {
                let score = scores.get(&s.id.0).copied().unwrap_or(0.0);
                (s, score)
            })
            .collect())
    }

    /// The vector stored for an article when it was indexed.
    pub fn stored_vector(&self, id: i64) -> Result<Option<TermVector>, StoreError> {
        let blob: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT terms FROM article_vectors WHERE article_id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        Ok(blob.map(|b| TermVector::decode(&b)))
    }

    /// The vector of an article not indexed yet, from the index's current counts.
    fn vector_now(&self, analysis: &Analysis) -> Result<TermVector, StoreError> {
        let docs: i64 = self.conn.query_row("SELECT docs FROM index_state WHERE id = 1", [], |r| r.get(0))?;
        let mut stmt = self.conn.prepare_cached("SELECT df FROM term_df WHERE term = ?1")?;
        let mut df: HashMap<&str, u64> = HashMap::new();
        for (term, _) in &analysis.terms {
            let n: Option<i64> = stmt.query_row([term_hash(term)], |r| r.get(0)).optional()?;
            df.insert(term, n.unwrap_or(0) as u64 + 1);
        }
        Ok(TermVector::build(&analysis.terms, |t| df.get(t).copied().unwrap_or(1), docs.max(0) as u64 + 1))
    }

    /// Articles sharing the article's weighted terms, the ones sharing most weight first: every
    /// term of its vector is looked up, among the newest articles and among those that arrived
    /// around the article itself.
    fn candidate_ids(
        &self,
        id: i64,
        analysis: &Analysis,
        vector: &TermVector,
    ) -> Result<Vec<i64>, StoreError> {
        let mut terms: Vec<(&str, f32)> = analysis
            .terms
            .iter()
            .map(|(t, _)| (t.as_str(), vector.weight(term_hash(t))))
            .filter(|(_, w)| *w > 0.0)
            .collect();
        terms.sort_by(|a, b| b.1.total_cmp(&a.1));
        terms.truncate(QUERY_TERMS);
        let mut newest = self.conn.prepare_cached(
            "SELECT rowid FROM article_index WHERE article_index MATCH ?1 ORDER BY rowid DESC LIMIT ?2",
        )?;
        let mut before = self.conn.prepare_cached(
            "SELECT rowid FROM article_index WHERE article_index MATCH ?1 AND rowid < ?2
             ORDER BY rowid DESC LIMIT ?3",
        )?;
        let mut after = self.conn.prepare_cached(
            "SELECT rowid FROM article_index WHERE article_index MATCH ?1 AND rowid > ?2
             ORDER BY rowid LIMIT ?3",
        )?;
        let mut weight: HashMap<i64, f32> = HashMap::new();
        for (term, w) in terms {
            // Quoted: a name of several words is a phrase, and FTS5 syntax stays literal.
            let query = format!("\"{}\"", term.replace('"', ""));
            let mut oldest_seen = i64::MAX;
            let mut seen = 0;
            for row in newest.query_map(params![query, NEWEST_PER_TERM], |r| r.get::<_, i64>(0))? {
                let row = row?;
                oldest_seen = oldest_seen.min(row);
                seen += 1;
                *weight.entry(row).or_default() += w;
            }
            if seen < NEWEST_PER_TERM || id >= oldest_seen {
                // Every article with the term was seen, or the article is among the newest.
                continue;
            }
            for row in before.query_map(params![query, id, AROUND_PER_TERM], |r| r.get::<_, i64>(0))? {
                *weight.entry(row?).or_default() += w;
            }
            for row in after.query_map(params![query, id, AROUND_PER_TERM], |r| r.get::<_, i64>(0))? {
                let row = row?;
                if row >= oldest_seen {
                    break;
                }
                *weight.entry(row).or_default() += w;
            }
        }
        let mut ids: Vec<(i64, f32)> = weight.into_iter().collect();
        ids.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
        ids.truncate(CANDIDATES);
        Ok(ids.into_iter().map(|(id, _)| id).collect())
    }

    /// The candidates' dates, titles, links and vectors.
    fn candidates(&self, ids: &[i64]) -> Result<Vec<Candidate>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.published, a.title, a.link, v.terms FROM articles a
             JOIN article_vectors v ON v.article_id = a.id WHERE a.id = ?1 AND a.hidden = 0",
        )?;
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            let row = stmt
                .query_row([id], |r| {
                    Ok(Candidate {
                        id,
                        published: r.get(0)?,
                        title: r.get(1)?,
                        link: r.get(2)?,
                        vector: TermVector::decode(&r.get::<_, Vec<u8>>(3)?),
                    })
                })
                .optional()?;
            out.extend(row);
        }
        Ok(out)
    }
}
