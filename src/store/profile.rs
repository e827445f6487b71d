//! What the indexer knows of each feed from a sample of its newest articles: its boilerplate
//! (see `crate::index::boilerplate`) and its language (a headline alone is too short to tell).
//! Learned when the indexer first meets the feed and again as the feed grows, kept for the
//! store's life.

use std::sync::Arc;

use super::{Store, StoreError};
use crate::index::{self, Lang, boilerplate::Boilerplate};

/// Characters of a feed's sample its language is detected from.
const LANGUAGE_SAMPLE: usize = 1200;

/// What one feed's articles have in common.
#[derive(Debug, Default)]
pub(super) struct FeedProfile {
    /// What they share because the feed puts it there.
    pub boilerplate: Boilerplate,
    /// The language most of them are written in (none when unknown).
    pub lang: Lang,
}

impl FeedProfile {
    /// An article's title and plain text without the feed's boilerplate, analysed in the
    /// feed's language when the article is too short to tell its own.
    pub fn analyze(&self, title: &str, text: &str, weights: &index::Weights) -> index::Analysis {
        let text = self.boilerplate.text(text);
        index::analyze::analyze_in(self.boilerplate.title(title), &text, weights, self.lang)
    }
}

/// A feed's profile, and the feed's article count when it was learned.
pub(super) type Learned = (i64, Arc<FeedProfile>);

impl Store {
    /// What the feed's articles share (nothing for a feed of few articles).
    pub(super) fn profile(&self, feed: i64) -> Result<Arc<FeedProfile>, StoreError> {
        let total: i64 = self
            .conn
            .prepare_cached("SELECT total FROM feeds WHERE id = ?1")?
            .query_row([feed], |r| r.get(0))
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(0) } else { Err(e) })?;
        if let Some((at, learned)) = self.profiles.borrow().get(&feed)
            && total < at + (at / 4).max(10)
        {
            return Ok(Arc::clone(learned));
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.title, b.content, b.summary FROM articles a LEFT JOIN bodies b ON b.article_id = a.id
             WHERE a.feed_id = ?1 ORDER BY a.id DESC LIMIT ?2",
        )?;
        let mut sample: Vec<(String, String)> = Vec::new();
        let rows = stmt.query_map(rusqlite::params![feed, index::boilerplate::SAMPLE as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<Vec<u8>>>(1)?, r.get::<_, Option<Vec<u8>>>(2)?))
        })?;
        for row in rows {
            let (title, content, summary) = row?;
            let body =
                content.or(summary).as_deref().map(super::body::decode).transpose()?.unwrap_or_default();
            sample.push((title, index::index_text(&body)));
        }
        let boilerplate = Boilerplate::learn(sample.iter().map(|(t, b)| (t.as_str(), b.as_str())));
        // Headlines first: every article has one, and many feeds carry nothing else.
        let mut text = String::with_capacity(LANGUAGE_SAMPLE + 200);
        for piece in sample.iter().map(|(t, _)| t).chain(sample.iter().map(|(_, b)| b)) {
            if text.len() >= LANGUAGE_SAMPLE {
                break;
            }
            text.push_str(boilerplate.title(piece));
            text.push_str(". ");
        }
        let lang =
            if sample.is_empty() { Lang::default() } else { index::analyze::detect(&text, Lang::default()) };
        let learned = Arc::new(FeedProfile { boilerplate, lang });
        self.profiles.borrow_mut().insert(feed, (total, Arc::clone(&learned)));
        Ok(learned)
    }
}
