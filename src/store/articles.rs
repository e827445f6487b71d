//! Reading articles: newest-first pages by keyset (never OFFSET), one article with its body,
//! and read/star marks.

use rusqlite::{OptionalExtension, Row, ToSql, params};

use super::{Store, StoreError, to_time, to_time_opt};
use crate::domain::{Article, ArticleFilter, ArticleId, ArticleSummary, Cursor, Enclosure, FeedId};
use crate::index::SearchQuery;

/// Where a page starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// The newest articles.
    Newest,
    /// The articles just older than this one.
    Older(Cursor),
    /// The articles just newer than this one.
    Newer(Cursor),
    /// The oldest articles.
    Oldest,
}

/// A change of state on articles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// Mark as read.
    Read,
    /// Mark as unread.
    Unread,
    /// Star.
    Star,
    /// Remove the star.
    Unstar,
}

pub(super) const SUMMARY_COLUMNS: &str = "a.id, a.feed_id, coalesce(f.user_title, f.feed_title, f.url), a.title, a.link, \
     a.author, a.published, a.read, a.starred, (SELECT story FROM stories WHERE article_id = a.id), \
     (SELECT count(DISTINCT b.feed_id) FROM stories s1 JOIN stories s2 ON s2.story = s1.story \
      JOIN articles b ON b.id = s2.article_id WHERE s1.article_id = a.id AND b.feed_id != a.feed_id AND b.hidden = 0)";

/// Columns in [`SUMMARY_COLUMNS`]: what a query selects after them starts at this index.
const SUMMARY_WIDTH: usize = 11;

pub(super) fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<ArticleSummary> {
    Ok(ArticleSummary {
        id: ArticleId(row.get(0)?),
        feed_id: FeedId(row.get(1)?),
        feed_title: row.get(2)?,
        title: row.get(3)?,
        link: row.get(4)?,
        author: row.get(5)?,
        published: to_time(row.get(6)?),
        read: row.get(7)?,
        starred: row.get(8)?,
        story: row.get(9)?,
        sources: row.get::<_, i64>(10)?.max(0) as u32,
    })
}

impl Store {
    /// Appends the filter's conditions (on an `articles a` row) to `sql`. A search is parsed
    /// as [`SearchQuery`]: its text must match and its filters hold.
    fn filter_sql(
        &self,
        filter: &ArticleFilter,
        sql: &mut String,
        args: &mut Vec<Box<dyn ToSql>>,
    ) -> Result<(), StoreError> {
        if let Some(feed) = filter.feed {
            sql.push_str(" AND a.feed_id = ?");
            args.push(Box::new(feed.0));
        }
        if let Some(tag) = &filter.tag {
            sql.push_str(" AND a.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag = ?)");
            args.push(Box::new(tag.clone()));
        }
        // Written as literals so SQLite picks the partial indexes.
        if filter.unread {
            sql.push_str(" AND a.read = 0");
        }
        if filter.starred {
            sql.push_str(" AND a.starred = 1");
        }
        if filter.search.is_none() {
            // Killed articles are left out of every view; a search says so itself
            // (`is:hidden` lists them).
            sql.push_str(" AND a.hidden = 0");
        }
        if let Some(text) = &filter.search {
            let query = SearchQuery::parse(text);
            let conditions = self.conditions(&query)?;
            for c in &conditions.sql {
                sql.push_str(" AND ");
                sql.push_str(c);
            }
            args.extend(conditions.args.into_iter().map(|v| Box::new(v) as Box<dyn ToSql>));
            match query.match_expression(&self.index_languages()?) {
                Some(expr) => {
                    sql.push_str(
                        " AND a.id IN (SELECT rowid FROM article_index WHERE article_index MATCH ?)",
                    );
                    args.push(Box::new(expr));
                }
                None if !query.excluded.is_empty() => sql.push_str(" AND 0"),
                None => {}
            }
        }
        Ok(())
    }

    /// A page of articles, newest first, strictly after `after` when given.
    pub fn articles(
        &self,
        filter: &ArticleFilter,
        after: Option<Cursor>,
        limit: usize,
    ) -> Result<Vec<ArticleSummary>, StoreError> {
        self.page(filter, after.map_or(Page::Newest, Page::Older), limit)
    }

    /// A page of articles in newest-first order, taken from the position `page` names. Every
    /// page is a walk of an index from a key (keyset pagination): the millionth row costs what
    /// the first does.
    pub fn page(
        &self,
        filter: &ArticleFilter,
        page: Page,
        limit: usize,
    ) -> Result<Vec<ArticleSummary>, StoreError> {
        let mut sql =
            format!("SELECT {SUMMARY_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE 1");
        let mut args: Vec<Box<dyn ToSql>> = Vec::new();
        self.filter_sql(filter, &mut sql, &mut args)?;
        if filter.one_per_story {
            // Left out when a newer member of its story is in the same list: found with one
            // seek of `stories_newest`; the view's own conditions, if any, are checked on that
            // member's article (the same filter on alias `b`).
            let mut member = String::new();
            let mut member_args: Vec<Box<dyn ToSql>> = Vec::new();
            self.filter_sql(
                &ArticleFilter { one_per_story: false, ..filter.clone() },
                &mut member,
                &mut member_args,
            )?;
            let join = if member.is_empty() {
                String::new()
            } else {
                format!(" JOIN articles b ON b.id = s2.article_id{}", member.replace("a.", "b."))
            };
            sql.push_str(&format!(
                " AND NOT EXISTS (SELECT 1 FROM stories s1 JOIN stories s2 ON s2.story = s1.story{join}
                   WHERE s1.article_id = a.id AND (s2.published, s2.article_id) > (a.published, a.id))"
            ));
            args.extend(member_args);
        }
        let ascending = matches!(page, Page::Newer(_) | Page::Oldest);
        if let Page::Older(c) | Page::Newer(c) = page {
            sql.push_str(if ascending {
                " AND (a.published, a.id) > (?, ?)"
            } else {
                " AND (a.published, a.id) < (?, ?)"
            });
            args.push(Box::new(c.time));
            args.push(Box::new(c.id.0));
        }
        sql.push_str(if ascending {
            " ORDER BY a.published ASC, a.id ASC LIMIT ?"
        } else {
            " ORDER BY a.published DESC, a.id DESC LIMIT ?"
        });
        args.push(Box::new(i64::try_from(limit).unwrap_or(i64::MAX)));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), summary_from_row)?;
        let mut rows: Vec<ArticleSummary> = rows.collect::<Result<_, _>>()?;
        if ascending {
            rows.reverse();
        }
        Ok(rows)
    }

    /// How many articles the filter matches, and how many of them are unread. Views of feeds
    /// and tags add up the per-feed counters; only search and starred views count rows.
    pub fn counts(&self, filter: &ArticleFilter) -> Result<(u64, u64), StoreError> {
        let (sql, args): (String, Vec<Box<dyn ToSql>>) = if filter.search.is_none() && !filter.starred {
            let mut sql =
                "SELECT coalesce(sum(total), 0), coalesce(sum(unread), 0) FROM feeds f WHERE 1".to_string();
            let mut args: Vec<Box<dyn ToSql>> = Vec::new();
            if let Some(feed) = filter.feed {
                sql.push_str(" AND f.id = ?");
                args.push(Box::new(feed.0));
            }
            if let Some(tag) = &filter.tag {
                sql.push_str(" AND f.id IN (SELECT feed_id FROM feed_tags WHERE tag = ?)");
                args.push(Box::new(tag.clone()));
            }
            (sql, args)
        } else {
            let mut sql = "SELECT count(*), coalesce(sum(a.read = 0), 0) FROM articles a WHERE 1".to_string();
            let mut args: Vec<Box<dyn ToSql>> = Vec::new();
            self.filter_sql(&ArticleFilter { unread: false, ..filter.clone() }, &mut sql, &mut args)?;
            (sql, args)
        };
        let (total, unread): (i64, i64) = self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(args.iter()), |r| Ok((r.get(0)?, r.get(1)?)))?;
        let total = total.max(0) as u64;
        let unread = unread.max(0) as u64;
        Ok(if filter.unread { (unread, unread) } else { (total, unread) })
    }

    /// Marks every unread article the filter matches read; returns the ones that changed (so
    /// the change can be undone).
    pub fn mark_all_read(&mut self, filter: &ArticleFilter) -> Result<Vec<ArticleId>, StoreError> {
        let mut select = "SELECT a.id FROM articles a WHERE a.read = 0".to_string();
        let mut args: Vec<Box<dyn ToSql>> = Vec::new();
        self.filter_sql(&ArticleFilter { unread: false, ..filter.clone() }, &mut select, &mut args)?;
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Inside one write transaction the two statements see the same rows.
        let ids: Vec<ArticleId> = {
            let mut stmt = tx.prepare(&select)?;
            let rows =
                stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| r.get(0).map(ArticleId))?;
            rows.collect::<Result<_, _>>()?
        };
        let update = format!("UPDATE articles SET read = 1 WHERE id IN ({select})");
        tx.execute(&update, rusqlite::params_from_iter(args.iter()))?;
        tx.commit()?;
        Ok(ids)
    }

    /// One article with its body.
    pub fn article(&self, id: ArticleId) -> Result<Option<Article>, StoreError> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, a.updated, a.categories, b.summary, b.content, b.enclosures
             FROM articles a JOIN feeds f ON f.id = a.feed_id LEFT JOIN bodies b ON b.article_id = a.id
             WHERE a.id = ?1"
        );
        let row = self
            .conn
            .query_row(&sql, [id.0], |r| {
                Ok((
                    summary_from_row(r)?,
                    r.get::<_, Option<i64>>(SUMMARY_WIDTH)?,
                    r.get::<_, Option<String>>(SUMMARY_WIDTH + 1)?,
                    r.get::<_, Option<Vec<u8>>>(SUMMARY_WIDTH + 2)?,
                    r.get::<_, Option<Vec<u8>>>(SUMMARY_WIDTH + 3)?,
                    r.get::<_, Option<String>>(SUMMARY_WIDTH + 4)?,
                ))
            })
            .optional()?;
        let Some((summary, updated, categories, summary_blob, content_blob, enclosures)) = row else {
            return Ok(None);
        };
        let summary_html = summary_blob.as_deref().map(super::body::decode).transpose()?;
        let content_html = content_blob.as_deref().map(super::body::decode).transpose()?;
        let categories: Vec<String> = match categories {
            Some(json) => {
                serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("categories: {e}")))?
            }
            None => Vec::new(),
        };
        // Cleaned on the way out too: a cache written by an older version (or another program)
        // may hold a `file:` enclosure, which must never reach a player.
        let enclosures: Vec<Enclosure> = match enclosures {
            Some(json) => super::clean::enclosures(
                serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("enclosures: {e}")))?,
            ),
            None => Vec::new(),
        };
        let full_text = self.full_text(id)?;
        Ok(Some(Article {
            summary,
            updated: to_time_opt(updated),
            categories,
            summary_html,
            content_html,
            enclosures,
            full_text,
        }))
    }

    /// Applies a mark to the given articles; returns the ids that exist.
    pub fn mark(&mut self, ids: &[ArticleId], mark: Mark) -> Result<Vec<ArticleId>, StoreError> {
        let sql = match mark {
            Mark::Read => "UPDATE articles SET read = 1 WHERE id = ?1",
            Mark::Unread => "UPDATE articles SET read = 0 WHERE id = ?1",
            Mark::Star => "UPDATE articles SET starred = 1 WHERE id = ?1",
            Mark::Unstar => "UPDATE articles SET starred = 0 WHERE id = ?1",
        };
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut found = Vec::with_capacity(ids.len());
        {
            let mut exists = tx.prepare_cached("SELECT 1 FROM articles WHERE id = ?1")?;
            let mut update = tx.prepare_cached(sql)?;
            for &id in ids {
                if exists.exists(params![id.0])? {
                    update.execute(params![id.0])?;
                    found.push(id);
                }
            }
        }
        tx.commit()?;
        Ok(found)
    }

    /// Articles in the cache, over all feeds.
    pub fn article_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row("SELECT coalesce(sum(total), 0) FROM feeds", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }
}
