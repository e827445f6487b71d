//! Same-story groups, found as articles are indexed (see `crate::index::story` for the rule)
//! and read back for the list's "+2 sources" and the article's "Also covered by".

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::domain::{ArticleId, ArticleSummary};
use crate::index::links::canonical_link;
use crate::index::story::{self, Neighbour, StoryRule};
use crate::index::vector::term_hash;
use crate::index::{Analysis, TermVector};

/// Terms of an article looked up to find its neighbours.
const STORY_TERMS: usize = 8;
/// Articles taken per term, newest first.
const STORY_PER_TERM: i64 = 300;
/// Neighbours compared in full.
const STORY_NEIGHBOURS: usize = 40;

/// An article just indexed, as grouping needs it.
pub(super) struct Indexed<'a> {
    pub id: i64,
    pub analysis: &'a Analysis,
    pub vector: TermVector,
}

impl Store {
    /// Groups just-indexed articles with their best match (reads only; the links are written
    /// by [`Store::write_stories`] in one short transaction).
    pub(super) fn find_stories(
        &self,
        batch: &[Indexed<'_>],
        rule: &StoryRule,
    ) -> Result<Vec<Link>, StoreError> {
        // The machine's clock when the newest article arrived: articles that arrived long
        // before it are a backlog (a cache indexed again from scratch), left ungrouped.
        let latest_arrival: Option<i64> = self
            .conn
            .query_row("SELECT first_seen FROM articles ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
            .optional()?;
        let Some(latest_arrival) = latest_arrival else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        let mut info = self
            .conn
            .prepare_cached("SELECT feed_id, published, first_seen, link FROM articles WHERE id = ?1")?;
        for item in batch {
            let row: Option<(i64, i64, i64, Option<String>)> =
                info.query_row([item.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).optional()?;
            let Some((feed_id, published, first_seen, link)) = row else { continue };
            let page = link.as_deref().and_then(canonical_link).map(|l| term_hash(&l));
            if !story::is_news(published, first_seen, latest_arrival, rule) || item.vector.is_empty() {
                out.push(Link { id: item.id, page, matches: Vec::new() });
                continue;
            }
            let neighbours = self.neighbours(item, page, published, rule)?;
            let matches = story::matches(feed_id, published, &neighbours, rule);
            out.push(Link {
                id: item.id,
                page,
                matches: matches.iter().map(|m| (m.id, m.similarity)).collect(),
            });
        }
        Ok(out)
    }

    /// Articles close in time sharing the article's page or its heaviest terms, with their
    /// similarity to it.
    fn neighbours(
        &self,
        item: &Indexed<'_>,
        page: Option<i64>,
        published: i64,
        rule: &StoryRule,
    ) -> Result<Vec<Neighbour>, StoreError> {
        let mut weight: HashMap<i64, f32> = HashMap::new();
        let mut same_page: Vec<i64> = Vec::new();
        if let Some(hash) = page {
            let mut stmt =
                self.conn.prepare_cached("SELECT article_id FROM article_links WHERE hash = ?1")?;
            same_page = stmt.query_map([hash], |r| r.get(0))?.collect::<Result<_, _>>()?;
        }
        let mut terms: Vec<(&str, f32)> = item
            .analysis
            .terms
            .iter()
            .map(|(t, _)| (t.as_str(), item.vector.weight(term_hash(t))))
            .filter(|(_, w)| *w > 0.0)
            .collect();
        terms.sort_by(|a, b| b.1.total_cmp(&a.1));
        terms.truncate(STORY_TERMS);
        let mut stmt = self.conn.prepare_cached(
            "SELECT rowid FROM article_index WHERE article_index MATCH ?1 ORDER BY rowid DESC LIMIT ?2",
        )?;
        for (term, w) in terms {
            let query = format!("\"{}\"", term.replace('"', ""));
            for id in stmt.query_map(params![query, STORY_PER_TERM], |r| r.get::<_, i64>(0))? {
                *weight.entry(id?).or_default() += w;
            }
        }
        weight.remove(&item.id);
        let mut ids: Vec<(i64, f32)> = weight.into_iter().collect();
        ids.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
        ids.truncate(STORY_NEIGHBOURS);
        let mut load = self.conn.prepare_cached(
            "SELECT a.feed_id, a.published, v.terms FROM articles a JOIN article_vectors v ON v.article_id = a.id
             WHERE a.id = ?1 AND a.published BETWEEN ?2 AND ?3",
        )?;
        let (from, to) = (published - rule.window, published + rule.window);
        let mut out = Vec::with_capacity(ids.len() + same_page.len());
        for id in same_page.into_iter().filter(|&id| id != item.id) {
            let row: Option<(i64, i64)> = self
                .conn
                .prepare_cached("SELECT feed_id, published FROM articles WHERE id = ?1")?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((feed_id, at)) = row {
                out.push(Neighbour { id, feed_id, published: at, similarity: 1.0, same_page: true });
            }
        }
        for (id, _) in ids {
            let row: Option<(i64, i64, Vec<u8>)> = load
                .query_row(params![id, from, to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            if let Some((feed_id, at, blob)) = row {
                let similarity = item.vector.cosine(&TermVector::decode(&blob));
                out.push(Neighbour { id, feed_id, published: at, similarity, same_page: false });
            }
        }
        Ok(out)
    }

    /// Records links found by [`Store::find_stories`]: an article joins its match's story
    /// (the match starts one if it had none).
    pub(super) fn write_stories(&mut self, links: &[Link], rule: &StoryRule) -> Result<(), StoreError> {
        if links.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for l in links {
            if let Some(hash) = l.page {
                tx.prepare_cached("INSERT OR IGNORE INTO article_links (hash, article_id) VALUES (?1, ?2)")?
                    .execute(params![hash, l.id])?;
            }
            for &(other, similarity) in &l.matches {
                let story_of = |id: i64| -> Result<Option<i64>, StoreError> {
                    Ok(tx
                        .prepare_cached("SELECT story FROM stories WHERE article_id = ?1")?
                        .query_row([id], |r| r.get(0))
                        .optional()?)
                };
                let (mine, theirs) = (story_of(l.id)?, story_of(other)?);
                let story = match (mine, theirs) {
                    (Some(a), Some(b)) if a == b => continue,
                    // Two stories merge only when two of their reports are close (a weak best
                    // match would join unrelated stories through one shared word) and the
                    // whole stays within a day or two: a chain of best matches would otherwise
                    // join a story to its sequels one link at a time.
                    (Some(a), Some(b)) => {
                        if similarity >= rule.merge && span(&tx, a, b)? <= 2 * rule.window {
                            tx.prepare_cached("UPDATE stories SET story = ?1 WHERE story = ?2")?
                                .execute(params![a.min(b), a.max(b)])?;
                        }
                        continue;
                    }
                    (_, Some(s)) | (Some(s), None) => s,
                    (None, None) => other.min(l.id),
                };
                let mut put = tx.prepare_cached(
                    "INSERT OR REPLACE INTO stories (article_id, story, published)
                     VALUES (?1, ?2, (SELECT published FROM articles WHERE id = ?1))",
                )?;
                put.execute(params![l.id, story])?;
                put.execute(params![other, story])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The articles of other feeds in an article's story ("Also covered by"), newest first. A
    /// story may hold two articles of one feed (each joined it through another feed's
    /// report); the article's own feed is never another source.
    pub fn story_of(&self, id: ArticleId) -> Result<Vec<ArticleSummary>, StoreError> {
        let ids: Vec<ArticleId> = self
            .conn
            .prepare_cached(
                "SELECT s.article_id FROM stories s JOIN articles a ON a.id = s.article_id
                 WHERE s.story = (SELECT story FROM stories WHERE article_id = ?1) AND a.hidden = 0
                   AND a.feed_id != (SELECT feed_id FROM articles WHERE id = ?1)
                 ORDER BY a.published DESC, a.id DESC",
            )?
            .query_map([id.0], |r| Ok(ArticleId(r.get(0)?)))?
            .collect::<Result<_, _>>()?;
        self.summaries(&ids)
    }

    /// Every story group with more than one article, as lists of article ids.
    pub fn story_groups(&self) -> Result<Vec<Vec<ArticleId>>, StoreError> {
        let mut groups: HashMap<i64, Vec<ArticleId>> = HashMap::new();
        let mut stmt =
            self.conn.prepare_cached("SELECT story, article_id FROM stories ORDER BY story, article_id")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
            let (story, id) = row?;
            groups.entry(story).or_default().push(ArticleId(id));
        }
        let mut out: Vec<Vec<ArticleId>> = groups.into_values().filter(|g| g.len() > 1).collect();
        out.sort();
        Ok(out)
    }
}

/// The time between the first and the last report of two stories together, in seconds.
fn span(tx: &rusqlite::Transaction<'_>, a: i64, b: i64) -> Result<i64, StoreError> {
    Ok(tx
        .prepare_cached(
            "SELECT coalesce(max(published) - min(published), 0) FROM stories WHERE story IN (?1, ?2)",
        )?
        .query_row(params![a, b], |r| r.get(0))?)
}

/// What grouping decided for one article.
pub(super) struct Link {
    /// The article.
    pub id: i64,
    /// Its canonical link's hash.
    pub page: Option<i64>,
    /// The articles whose story it joins, with their similarity to it (1 for the same page),
    /// best first.
    pub matches: Vec<(i64, f32)>,
}
