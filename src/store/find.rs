//! Ranked search: a [`SearchQuery`]'s text matched in the full-text index and ranked by BM25
//! (title words count triple), its filters applied on the articles table.

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params_from_iter};

use super::{Store, StoreError};
use crate::domain::{ArticleId, ArticleSummary};
use crate::index::SearchQuery;

/// Matches ranked per search, newest first: BM25 is computed for these only, so a common word
/// costs the same on a million articles as on fifty thousand. A search whose filters leave
/// fewer results than asked is run again over every match.
const SEARCH_WINDOW: i64 = 2_000;

/// A search's results, best first, and what in the query could not be used.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchResults {
    /// The articles with their scores (higher is better; 0 without text).
    pub articles: Vec<(ArticleSummary, f32)>,
    /// Filters that matched nothing or could not be understood, for the user.
    pub problems: Vec<String>,
}

impl Store {
    /// Up to `limit` articles matching `query`, the best first (the newest first when it has
    /// only filters).
    pub fn search(&self, query: &SearchQuery, limit: usize) -> Result<SearchResults, StoreError> {
        let Conditions { sql: conditions, args, problems } = self.conditions(query)?;
        let filters =
            if conditions.is_empty() { String::new() } else { format!(" AND {}", conditions.join(" AND ")) };
        let languages = self.index_languages()?;
        let ranked: Vec<(i64, f32)> = match query.match_expression(&languages) {
            None if query.excluded.is_empty() => {
                let sql = format!(
                    "SELECT a.id, 0.0 FROM articles a WHERE 1{filters} ORDER BY a.published DESC, a.id DESC LIMIT ?"
                );
                self.ranked(&sql, &args, limit)?
            }
            None => Vec::new(), // only exclusions: nothing to rank by
            Some(expr) => {
                let bound: i64 = self
                    .conn
                    .prepare_cached(
                        "SELECT rowid FROM article_index WHERE article_index MATCH ?1 ORDER BY rowid DESC LIMIT 1 OFFSET ?2",
                    )?
                    .query_row(rusqlite::params![expr, SEARCH_WINDOW - 1], |r| r.get(0))
                    .optional()?
                    .unwrap_or(0);
                let sql = format!(
                    "SELECT a.id, -m.score FROM (SELECT rowid AS id, bm25(article_index, 3.0, 1.0) AS score
                         FROM article_index WHERE article_index MATCH ? AND rowid >= ?) m
                     JOIN articles a ON a.id = m.id WHERE 1{filters}
                     ORDER BY m.score, a.published DESC LIMIT ?"
                );
                let mut with_text = vec![Value::Text(expr.clone()), Value::Integer(bound)];
                with_text.extend(args.iter().cloned());
                let mut found = self.ranked(&sql, &with_text, limit)?;
                if found.len() < limit && bound > 0 {
                    with_text[1] = Value::Integer(0);
                    found = self.ranked(&sql, &with_text, limit)?;
                }
                found
            }
        };
        let ids: Vec<ArticleId> = ranked.iter().map(|(id, _)| ArticleId(*id)).collect();
        let summaries = self.summaries(&ids)?;
        let articles = summaries.into_iter().zip(ranked).map(|(s, (_, score))| (s, score)).collect();
        Ok(SearchResults { articles, problems })
    }

    /// The SQL conditions (on an `articles a` row) for a query's filters, with their arguments,
    /// and what the user should hear about them.
    pub(super) fn conditions(&self, query: &SearchQuery) -> Result<Conditions, StoreError> {
        let mut problems = query.problems.clone();
        let mut sql: Vec<String> = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        if !query.feeds.is_empty() {
            let mut ids: Vec<i64> = Vec::new();
            for spec in &query.feeds {
                let found = self.feeds_named(spec)?;
                if found.is_empty() {
                    problems.push(format!("feed:{spec}: no subscription has that title or address"));
                }
                ids.extend(found);
            }
            sql.push(format!("a.feed_id IN ({})", placeholders(ids.len())));
            args.extend(ids.into_iter().map(Value::Integer));
        }
        if !query.tags.is_empty() {
            sql.push(format!(
                "a.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag IN ({}))",
                placeholders(query.tags.len())
            ));
            args.extend(query.tags.iter().cloned().map(Value::Text));
        }
        if !query.authors.is_empty() {
            let any = vec!["a.author LIKE '%' || ? || '%'"; query.authors.len()].join(" OR ");
            sql.push(format!("({any})"));
            args.extend(query.authors.iter().cloned().map(Value::Text));
        }
        match query.unread {
            Some(true) => sql.push("a.read = 0".into()),
            Some(false) => sql.push("a.read = 1".into()),
            None => {}
        }
        if query.starred {
            sql.push("a.starred = 1".into());
        }
        // Literals, so SQLite can use the partial index of hidden articles.
        sql.push(if query.hidden { "a.hidden = 1".into() } else { "a.hidden = 0".into() });
        let day = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp());
        if let Some(after) = query.after {
            sql.push("a.published >= ?".into());
            args.push(Value::Integer(day(after)));
        }
        if let Some(before) = query.before {
            sql.push("a.published < ?".into());
            args.push(Value::Integer(day(before)));
        }
        Ok(Conditions { sql, args, problems })
    }

    /// Runs a ranking query whose last parameter is the limit.
    fn ranked(&self, sql: &str, args: &[Value], limit: usize) -> Result<Vec<(i64, f32)>, StoreError> {
        let mut all = args.to_vec();
        all.push(Value::Integer(limit as i64));
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows =
            stmt.query_map(params_from_iter(all), |r| Ok((r.get::<_, i64>(0)?, r.get::<_, f64>(1)? as f32)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Feeds whose id or address is `spec`, or whose title contains it (any case).
    fn feeds_named(&self, spec: &str) -> Result<Vec<i64>, StoreError> {
        if let Some(id) = self.resolve_feed(spec)? {
            return Ok(vec![id.0]);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM feeds WHERE coalesce(user_title, feed_title, url) LIKE '%' || ?1 || '%' ORDER BY id",
        )?;
        let ids = stmt.query_map([spec], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(ids)
    }
}

/// A query's filters as SQL.
pub(super) struct Conditions {
    /// Conditions on `articles a`, all of which must hold.
    pub sql: Vec<String>,
    /// Their arguments, in order.
    pub args: Vec<Value>,
    /// What the user should hear about the query.
    pub problems: Vec<String>,
}

/// `?, ?, ?` for `n` values (`NULL` for none, which matches nothing).
fn placeholders(n: usize) -> String {
    if n == 0 { "NULL".into() } else { vec!["?"; n].join(", ") }
}

/// A search kept in the sidebar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedSearch {
    /// Its name (the query itself when saved from the reader).
    pub name: String,
    /// The query.
    pub query: String,
    /// Set in config.toml (removed there, not in the reader).
    pub from_config: bool,
}

impl Store {
    /// Searches from `[searches]` in config.toml, listed before the ones saved in the reader.
    pub fn set_config_searches(&mut self, searches: Vec<(String, String)>) {
        self.config_searches = searches;
    }

    /// The saved searches: config.toml's, then the reader's in the order they were saved.
    pub fn saved_searches(&self) -> Result<Vec<SavedSearch>, StoreError> {
        let mut out: Vec<SavedSearch> = self
            .config_searches
            .iter()
            .map(|(name, query)| SavedSearch { name: name.clone(), query: query.clone(), from_config: true })
            .collect();
        let mut stmt = self.conn.prepare_cached("SELECT query FROM saved_searches ORDER BY added, query")?;
        for q in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let query = q?;
            if !out.iter().any(|s| s.query == query) {
                out.push(SavedSearch { name: query.clone(), query, from_config: false });
            }
        }
        Ok(out)
    }

    /// Keeps a search in the sidebar, saved at `at` (its place among the saved searches:
    /// now, or when it was first saved, for an undo); false when it was already there.
    pub fn save_search(
        &mut self,
        query: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "INSERT OR IGNORE INTO saved_searches (query, added) VALUES (?1, ?2)",
            rusqlite::params![query, at.timestamp()],
        )?;
        Ok(n > 0)
    }

    /// Removes a search saved in the reader: when it had been saved (to put it back in its
    /// place), or `None` when there was none.
    pub fn forget_search(
        &mut self,
        query: &str,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
        let added: Option<i64> = self
            .conn
            .query_row("DELETE FROM saved_searches WHERE query = ?1 RETURNING added", [query], |r| r.get(0))
            .optional()?;
        Ok(added.map(super::to_time))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::Store;

    #[test]
    fn a_forgotten_search_saved_again_at_its_time_is_back_in_its_place() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(&dir.path().join("t.db")).expect("store");
        let t0 = Utc.timestamp_opt(1_700_000_000, 0).single().expect("time");
        for (i, q) in ["rail", "reef", "rust"].iter().enumerate() {
            store.save_search(q, t0 + Duration::days(i as i64)).expect("save");
        }
        let order = |store: &Store| -> Vec<String> {
            store.saved_searches().expect("searches").into_iter().map(|s| s.query).collect()
        };
        let before = order(&store);
        let saved = store.forget_search("reef").expect("forget").expect("it was saved");
        assert_eq!(order(&store), ["rail", "rust"]);
        assert_eq!(store.forget_search("reef").expect("forget"), None);
        store.save_search("reef", saved).expect("save");
        assert_eq!(order(&store), before);
    }
}
