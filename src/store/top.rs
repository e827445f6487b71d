//! "Top stories": the stories of the last 24 hours ranked by how many feeds cover them, then
//! by recency — the front page of a news site, made from the user's own feeds. Only stories
//! two feeds or more cover are listed: the rest of the day is in "All articles".

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, to_time};
use crate::domain::{ArticleId, TopStories, TopStory};

/// The day the page covers, in seconds.
pub const DAY: i64 = 24 * 3600;

/// Dates up to this far past now still count as today (a server whose clock is a little
/// ahead); a feed dated years ahead never makes the front page.
const SKEW: i64 = 3600;

/// The stories with an article published in `(?1, ?2]`, with the number of feeds covering
/// each and its newest date up to `?2`; the day is one range of `stories_by_published`, each
/// story's members one seek of `stories_newest`.
const DAY_STORIES: &str = "
    WITH day AS (SELECT DISTINCT story FROM stories WHERE published > ?1 AND published <= ?2)
    SELECT d.story, count(DISTINCT a.feed_id) AS feeds,
           max(CASE WHEN a.published <= ?2 THEN a.published END) AS newest
    FROM day d JOIN stories s ON s.story = d.story JOIN articles a ON a.id = s.article_id
    WHERE a.hidden = 0
    GROUP BY d.story
    HAVING feeds >= 2 AND (?3 = 0 OR sum(a.read = 0) > 0)
    ORDER BY feeds DESC, newest DESC, d.story DESC
    LIMIT ?4";

/// A story's articles, the newest (not in the future) first, with their feeds' names and
/// whether they are read.
const MEMBERS: &str = "
    SELECT a.id, coalesce(f.user_title, f.feed_title, f.url), a.read
    FROM stories s JOIN articles a ON a.id = s.article_id JOIN feeds f ON f.id = a.feed_id
    WHERE s.story = ?1 AND a.hidden = 0
    ORDER BY a.published <= ?2 DESC, a.published DESC, a.id DESC";

impl Store {
    /// The top stories at `now`: those of the last 24 hours, or, when that had none, of the
    /// 24 hours up to the newest story before (a reader back from a week away sees the last
    /// front page there was, and is told so). `unread_only` keeps the stories with an unread
    /// article, and never looks further back. At most `limit` stories.
    pub fn top_stories(
        &self,
        now: DateTime<Utc>,
        unread_only: bool,
        limit: usize,
    ) -> Result<TopStories, StoreError> {
        let now = now.timestamp();
        let stories = self.day_stories(now - DAY, now + SKEW, unread_only, limit)?;
        if !stories.is_empty() || unread_only {
            return Ok(TopStories { until: to_time(now), earlier: false, stories });
        }
        let newest: Option<i64> = self
            .conn
            .prepare_cached("SELECT max(published) FROM stories WHERE published <= ?1")?
            .query_row([now - DAY], |r| r.get(0))
            .optional()?
            .flatten();
        let Some(until) = newest else {
            return Ok(TopStories { until: to_time(now), earlier: false, stories });
        };
        let stories = self.day_stories(until - DAY, until, false, limit)?;
        Ok(TopStories { until: to_time(until), earlier: true, stories })
    }

    /// The stories with an article published after `since`, up to `until`, most covered first.
    fn day_stories(
        &self,
        since: i64,
        until: i64,
        unread_only: bool,
        limit: usize,
    ) -> Result<Vec<TopStory>, StoreError> {
        let ranked: Vec<i64> = self
            .conn
            .prepare_cached(DAY_STORIES)?
            .query_map(params![since, until, unread_only, i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
                r.get(0)
            })?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(ranked.len());
        let mut members = self.conn.prepare_cached(MEMBERS)?;
        for story in ranked {
            let rows: Vec<(i64, String, bool)> = members
                .query_map(params![story, until], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?;
            let Some(&(newest, _, _)) = rows.first() else { continue };
            let mut feeds: Vec<String> = Vec::new();
            let mut unread = Vec::new();
            for (id, feed, read) in rows {
                if !read {
                    unread.push(ArticleId(id));
                }
                if !feeds.contains(&feed) {
                    feeds.push(feed);
                }
            }
            if let Some(article) = self.summaries(&[ArticleId(newest)])?.pop() {
                out.push(TopStory { article, feeds, unread });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_of_stories_is_one_range_of_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("top.db")).unwrap();
        let plan = |sql: &str, args: &[i64]| -> String {
            let rows: Vec<String> = store
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            rows.join(" | ")
        };
        let day = plan(DAY_STORIES, &[0, 1, 0, 10]);
        assert!(
            day.contains("USING COVERING INDEX stories_by_published (published>? AND published<?)"),
            "{day}"
        );
        assert!(!day.contains("SCAN stories") && !day.contains("SCAN a "), "a table scan: {day}");
        assert!(day.contains("SEARCH a USING INTEGER PRIMARY KEY"), "{day}");
        let members = plan(MEMBERS, &[1, 1]);
        assert!(members.contains("SEARCH s USING") && members.contains("(story=?)"), "{members}");
        assert!(!members.contains("SCAN"), "{members}");
        let newest = plan("SELECT max(published) FROM stories WHERE published <= ?1", &[1]);
        assert!(newest.contains("stories_by_published"), "{newest}");
    }
}
