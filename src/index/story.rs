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
    /// Articles older than this many days before the cache's newest one are not grouped:
    /// stories are news, and a backlog of years is indexed faster without.
    pub days: i64,
}

impl Default for StoryRule {
    fn default() -> Self {
        Self { window: 24 * 3600, threshold: 0.15, days: 120 }
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
}
