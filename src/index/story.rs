//! Same story, several sources: an article joins the story of the article from another feed
//! that it resembles most, published close to it in time, when they share the same page (its
//! link without tracking parameters) or enough of their terms.
//!
//! Each article links to its single best match only. Linking every pair above a threshold
//! chains a story into its sequels (Monday's strike, Tuesday's talks, Wednesday's deal);
//! the best match keeps reports of one event together and the sequels apart.

/// When two articles tell the same story.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StoryRule {
    /// The farthest apart in time two reports of one event are, in seconds.
    pub window: i64,
    /// The least similarity (cosine of term vectors) of two reports of one event.
    pub threshold: f32,
    /// Only news is grouped, measured on the article itself and the machine's clock, never on
    /// the dates other feeds claim: an article already older than this many days when it
    /// arrived (a feed's archive, an import) is not grouped, nor one that arrived this many
    /// days before the newest arrival (a backlog indexed again). See [`is_news`].
    pub days: i64,
    /// The least similarity of two reports that joins their two stories into one.
    pub merge: f32,
}

impl Default for StoryRule {
    fn default() -> Self {
        Self { window: 24 * 3600, threshold: 0.15, days: 120, merge: 0.3 }
    }
}

/// An article the index found near the one being grouped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbour {
    /// The article.
    pub id: i64,
    /// Its feed.
    pub feed_id: i64,
    /// Its sort time, Unix seconds.
    pub published: i64,
    /// Its similarity to the one being grouped (1 for the same page).
    pub similarity: f32,
    /// It is the same page (its link without tracking parameters): the same story whenever
    /// it was published.
    pub same_page: bool,
}

/// Whether an article is news that stories are made of: it was published at most `rule.days`
/// before it arrived (`first_seen`), and it arrived at most `rule.days` before the newest
/// arrival in the cache (Unix seconds, all three).
///
/// Measured from the article's own arrival rather than from the newest date in the cache: one
/// feed claiming a date far in the future (a wrong clock, a typo in a year) would otherwise
/// put every real article "too old" and no story would form. Arrival times come from this
/// machine's clock, which no feed controls; and, unlike "now", they make the rule the same on
/// every run over the same cache (an evaluation set stays grouped years later).
pub fn is_news(published: i64, first_seen: i64, latest_arrival: i64, rule: &StoryRule) -> bool {
    let days = rule.days.saturating_mul(86_400);
    published >= first_seen.saturating_sub(days) && first_seen >= latest_arrival.saturating_sub(days)
}

/// The neighbour whose story the article joins: the most similar one from another feed within
/// the window, if similar enough.
pub fn best_match(
    feed_id: i64,
    published: i64,
    neighbours: &[Neighbour],
    rule: &StoryRule,
) -> Option<Neighbour> {
    neighbours
        .iter()
        .filter(|n| n.feed_id != feed_id && (n.same_page || (n.published - published).abs() <= rule.window))
        .filter(|n| n.similarity >= rule.threshold)
        .max_by(|a, b| a.similarity.total_cmp(&b.similarity).then(b.id.cmp(&a.id)))
        .copied()
}

/// Reports the article joins with, strongest first: its best match, then every other report
/// close in time and at least [`StoryRule::merge`] similar (a few at most). Linking only the
/// best match leaves a story told by a dozen sources in several pieces (each report's best
/// match is the one report most like it); linking every weak match would chain a story to
/// every other through a shared word.
pub fn matches(feed_id: i64, published: i64, neighbours: &[Neighbour], rule: &StoryRule) -> Vec<Neighbour> {
    let Some(best) = best_match(feed_id, published, neighbours, rule) else { return Vec::new() };
    let mut out = vec![best];
    let mut strong: Vec<Neighbour> = neighbours
        .iter()
        .filter(|n| n.id != best.id && n.feed_id != feed_id && n.similarity >= rule.merge)
        .filter(|n| n.same_page || (n.published - published).abs() <= rule.window)
        .copied()
        .collect();
    strong.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then(a.id.cmp(&b.id)));
    out.extend(strong.into_iter().take(STRONG_MATCHES));
    out
}

/// Strong matches linked besides the best one, at most.
const STRONG_MATCHES: usize = 4;

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3600;

    fn n(id: i64, feed_id: i64, hours: i64, similarity: f32) -> Neighbour {
        Neighbour { id, feed_id, published: hours * HOUR, similarity, same_page: false }
    }

    #[test]
    fn the_most_similar_report_from_another_feed_close_in_time() {
        let rule = StoryRule::default();
        let found =
            best_match(1, 0, &[n(2, 2, 5, 0.3), n(3, 3, -10, 0.5), n(4, 1, 0, 0.9), n(5, 4, 0, 0.1)], &rule);
        assert_eq!(found.map(|f| f.id), Some(3), "not its own feed, not below the threshold");
        assert_eq!(
            best_match(1, 0, &[n(2, 2, 48, 0.9)], &rule),
            None,
            "a sequel two days later is another story"
        );
        assert_eq!(best_match(1, 0, &[], &rule), None);
        let copy = Neighbour { same_page: true, similarity: 1.0, ..n(6, 5, 400, 0.0) };
        assert_eq!(best_match(1, 0, &[copy], &rule).map(|f| f.id), Some(6), "the same page, fetched later");
    }

    #[test]
    fn news_is_measured_from_the_articles_own_arrival() {
        let rule = StoryRule { days: 10, ..StoryRule::default() };
        let day = 86_400;
        let now = 1_000 * day;
        assert!(is_news(now - day, now, now, &rule), "yesterday's, fetched today");
        assert!(is_news(now + 30_000 * day, now, now, &rule), "a date in the far future is still news");
        assert!(!is_news(now - 11 * day, now, now, &rule), "old news when it arrived: an archive");
        assert!(!is_news(now - 11 * day, now - 11 * day, now, &rule), "arrived long before the rest");
        assert!(is_news(now - 9 * day, now - 9 * day, now, &rule), "arrived nine days ago");
    }
}
