//! The killfile (`[[kill]]` in config.toml): new articles matching a rule are stored hidden or
//! read (see [`Batch::ingest`](super::Batch::ingest)); `tidings kill --apply` judges the whole
//! cache again, which also brings back hidden articles no rule matches any more. Nothing is
//! ever deleted: a hidden article is one flag away from being shown.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, StoreError};
use crate::config::{KillAction, KillRule};
use crate::index::{ArticleText, Lang, SearchQuery};

/// What a rule decided for one article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    /// No rule matched.
    Keep,
    /// A `read` rule matched (and no `hide` rule).
    Read,
    /// A `hide` rule matched.
    Hide,
}

/// Rules ready to judge articles: parsed once (at config load) plus the feed restrictions.
#[derive(Clone, Debug, Default)]
pub struct KillRules {
    rules: Arc<[(SearchQuery, SearchQuery, KillAction)]>,
}

impl KillRules {
    /// The rules of config.toml.
    pub fn new(rules: &[KillRule]) -> Self {
        let rules = rules
            .iter()
            .map(|r| {
                let only = SearchQuery { feeds: r.feeds.clone(), ..SearchQuery::default() };
                (r.query.parsed.clone(), only, r.action)
            })
            .collect();
        Self { rules }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The strongest verdict of the rules on `a` (hiding beats marking read). `a.hidden`
    /// should be false: rules judge the article, not its current state.
    pub(super) fn judge(&self, a: &ArticleText<'_>, languages: &[Lang]) -> Verdict {
        let mut verdict = Verdict::Keep;
        for (query, only, action) in self.rules.iter() {
            if only.matches(a, languages) && query.matches(a, languages) {
                match action {
                    KillAction::Hide => return Verdict::Hide,
                    KillAction::Read => verdict = Verdict::Read,
                }
            }
        }
        verdict
    }
}

/// What `kill --apply` changed (or would change).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct KillReport {
    /// Articles looked at.
    pub checked: u64,
    /// Articles newly hidden.
    pub hidden: u64,
    /// Unread articles marked read.
    pub marked_read: u64,
    /// Hidden articles shown again (no `hide` rule matches them any more).
    pub unhidden: u64,
}

/// A feed as rules see it: address, title as shown, tags.
pub(super) type FeedInfo = (String, String, Vec<String>);

/// The feeds' addresses, titles and tags.
pub(super) fn feed_info(conn: &Connection, only: Option<i64>) -> Result<HashMap<i64, FeedInfo>, StoreError> {
    let mut out: HashMap<i64, FeedInfo> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT id, url, coalesce(user_title, feed_title, url) FROM feeds WHERE ?1 IS NULL OR id = ?1",
    )?;
    for row in stmt.query_map([only], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?)))? {
        let (id, url, title) = row?;
        out.insert(id, (url, title, Vec::new()));
    }
    let mut stmt =
        conn.prepare_cached("SELECT feed_id, tag FROM feed_tags WHERE ?1 IS NULL OR feed_id = ?1")?;
    for row in stmt.query_map([only], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (id, tag) = row?;
        if let Some(f) = out.get_mut(&id) {
            f.2.push(tag);
        }
    }
    Ok(out)
}

/// Sets an article's state as a verdict says: hidden, or read; returns whether it changed.
pub(super) fn carry_out(conn: &Connection, id: i64, verdict: Verdict) -> Result<bool, StoreError> {
    let sql = match verdict {
        Verdict::Keep => return Ok(false),
        // A starred article is never hidden: the user asked to keep it.
        Verdict::Hide => "UPDATE articles SET hidden = 1 WHERE id = ?1 AND hidden = 0 AND starred = 0",
        Verdict::Read => "UPDATE articles SET read = 1 WHERE id = ?1 AND read = 0",
    };
    Ok(conn.prepare_cached(sql)?.execute([id])? > 0)
}

/// Articles judged per transaction by `kill --apply`.
const CHUNK: i64 = 500;

/// One stored article as the rules read it.
type Row = (i64, i64, String, Option<String>, i64, bool, bool, bool, Option<Vec<u8>>, Option<Vec<u8>>);

impl Store {
    /// Sets the killfile applied to new articles from now on.
    pub fn set_kill_rules(&mut self, rules: &[KillRule]) {
        self.kill = KillRules::new(rules);
    }

    /// Judges every cached article by the killfile again: matching ones are hidden or marked
    /// read, hidden ones that no `hide` rule matches any more are shown again. With `dry_run`,
    /// only counts. Works through the cache in chunks of ids, a short transaction each, so a
    /// reader or a refresh beside it waits at most one chunk.
    pub fn apply_kill_rules(&mut self, dry_run: bool) -> Result<KillReport, StoreError> {
        let languages = self.index_languages()?;
        let feeds = feed_info(&self.conn, None)?;
        let mut report = KillReport::default();
        let mut after = i64::MIN;
        loop {
            let rows: Vec<Row> = self
                .conn
                .prepare_cached(
                    "SELECT a.id, a.feed_id, a.title, a.author, a.published, a.read, a.starred, a.hidden & 1,
                         b.content, b.summary
                     FROM articles a LEFT JOIN bodies b ON b.article_id = a.id
                     WHERE a.id > ?1 AND a.hidden & ?3 = 0 ORDER BY a.id LIMIT ?2",
                )?
                .query_map(params![after, CHUNK, super::removed::HIDDEN_REMOVED], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                        r.get(9)?,
                    ))
                })?
                .collect::<Result<_, _>>()?;
            let Some(last) = rows.last() else { break };
            after = last.0;
            let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for (id, feed_id, title, author, published, read, starred, hidden, content, summary) in rows {
                report.checked += 1;
                let html =
                    content.or(summary).as_deref().map(super::body::decode).transpose()?.unwrap_or_default();
                let text = crate::index::index_text(&html);
                let (url, feed_title, tags) = feeds
                    .get(&feed_id)
                    .map_or(("", "", &[][..]), |f| (f.0.as_str(), f.1.as_str(), f.2.as_slice()));
                let mut a = ArticleText::new(&title, &text);
                a.author = author.as_deref();
                a.feed_id = feed_id;
                a.feed_url = url;
                a.feed_title = feed_title;
                a.tags = tags;
                a.published = published;
                a.read = read;
                a.starred = starred;
                let verdict = match self.kill.judge(&a, &languages) {
                    // What the user starred stays in view.
                    Verdict::Hide if starred => Verdict::Keep,
                    v => v,
                };
                report.hidden += u64::from(verdict == Verdict::Hide && !hidden);
                report.marked_read += u64::from(verdict == Verdict::Read && !read);
                report.unhidden += u64::from(verdict != Verdict::Hide && hidden);
                if dry_run {
                    continue;
                }
                if hidden && verdict != Verdict::Hide {
                    tx.prepare_cached("UPDATE articles SET hidden = 0 WHERE id = ?1")?.execute([id])?;
                }
                carry_out(&tx, id, verdict)?;
            }
            tx.commit()?;
        }
        Ok(report)
    }

    /// Whether an article is hidden by the killfile (`None`: no such article).
    pub fn is_hidden(&self, id: crate::domain::ArticleId) -> Result<Option<bool>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT hidden & 1 FROM articles WHERE id = ?1")?
            .query_row([id.0], |r| r.get(0))
            .optional()?)
    }
}
