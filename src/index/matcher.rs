//! A [`SearchQuery`] checked against one article in memory, for the killfile: new articles are
//! judged as they are stored, before the background indexer has seen them. The article's text
//! is analysed exactly as the indexer analyses it and each term is looked for in the same forms
//! the index query uses ([`super::query::term_forms`]), so a rule matches what a search for the
//! same words finds ("strikes" matches "striking").
//!
//! Filters follow the search's SQL: `feed:` is the feed's id, its address (give or take a final
//! `/`) or part of its title; `tag:` one of its tags; `author:` part of the author; all ignoring
//! case. One difference: a number in `feed:` is only ever an id here.

use std::cell::OnceCell;

use chrono::NaiveDate;

use super::analyze::{self, Lang, Weights};
use super::query::{SearchQuery, Term, term_forms};

/// An article as a query sees it.
#[derive(Debug, Default)]
pub struct ArticleText<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its plain body text (see [`super::index_text`]).
    pub text: &'a str,
    /// Its author.
    pub author: Option<&'a str>,
    /// Its feed's id.
    pub feed_id: i64,
    /// Its feed's address.
    pub feed_url: &'a str,
    /// Its feed's title as shown (the user's, else the feed's own).
    pub feed_title: &'a str,
    /// Its feed's tags.
    pub tags: &'a [String],
    /// Its date, Unix seconds.
    pub published: i64,
    /// Read.
    pub read: bool,
    /// Starred.
    pub starred: bool,
    /// Hidden by the killfile.
    pub hidden: bool,
    /// Title and body as indexed, analysed once, on first need.
    tokens: OnceCell<(Vec<String>, Vec<String>)>,
}

impl<'a> ArticleText<'a> {
    /// An article with this title and plain body text; the other fields are empty (set them).
    pub fn new(title: &'a str, text: &'a str) -> Self {
        Self { title, text, ..Self::default() }
    }

    /// The title's and body's index terms, in order.
    fn tokens(&self) -> &(Vec<String>, Vec<String>) {
        self.tokens.get_or_init(|| {
            let a = analyze::analyze(self.title, self.text, &Weights::default());
            let split = |s: &str| s.split(' ').filter(|t| !t.is_empty()).map(String::from).collect();
            (split(&a.title), split(&a.body))
        })
    }
}

impl SearchQuery {
    /// Whether the article matches, with query words taken in the forms of `languages` (the
    /// cache's languages, [`crate::store::Store::index_languages`], as the search does).
    pub fn matches(&self, a: &ArticleText<'_>, languages: &[Lang]) -> bool {
        self.filters_match(a) && self.text_matches(a, languages)
    }

    fn filters_match(&self, a: &ArticleText<'_>) -> bool {
        let contains = |hay: &str, needle: &str| hay.to_lowercase().contains(&needle.to_lowercase());
        let feed_ok = self.feeds.is_empty()
            || self.feeds.iter().any(|spec| {
                let spec = spec.trim();
                match spec.parse::<i64>() {
                    Ok(id) => id == a.feed_id,
                    Err(_) => {
                        a.feed_url.trim_end_matches('/') == spec.trim_end_matches('/')
                            || contains(a.feed_title, spec)
                    }
                }
            });
        let tag_ok = self.tags.is_empty()
            || self
                .tags
                .iter()
                .any(|t| a.tags.iter().any(|have| have.trim().to_lowercase() == t.trim().to_lowercase()));
        let author_ok = self.authors.is_empty()
            || a.author.is_some_and(|au| self.authors.iter().any(|x| contains(au, x)));
        let day = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp());
        feed_ok
            && tag_ok
            && author_ok
            && self.unread.is_none_or(|unread| unread != a.read)
            && (!self.starred || a.starred)
            && self.hidden == a.hidden
            && self.after.is_none_or(|d| a.published >= day(d))
            && self.before.is_none_or(|d| a.published < day(d))
    }

    fn text_matches(&self, a: &ArticleText<'_>, languages: &[Lang]) -> bool {
        let required = self.required_terms(languages);
        if required.is_empty() {
            // Only exclusions rank nothing, so the search finds nothing; only filters, all.
            return self.excluded.is_empty();
        }
        let found = |t: &Term| {
            let (forms, prefix) = term_forms(t, languages);
            let (title, body) = a.tokens();
            forms.iter().any(|f| {
                let want: Vec<&str> = f.split(' ').filter(|w| !w.is_empty()).collect();
                has_sequence(title, &want, prefix) || has_sequence(body, &want, prefix)
            })
        };
        required.into_iter().all(found) && !self.excluded.iter().any(found)
    }
}

/// Whether `want` occurs as consecutive tokens of `tokens`; with `prefix`, the last one may
/// be the start of a token.
fn has_sequence(tokens: &[String], want: &[&str], prefix: bool) -> bool {
    let Some((&last, init)) = want.split_last() else { return false };
    if tokens.len() < want.len() {
        return false;
    }
    tokens.windows(want.len()).any(|w| {
        w[..init.len()].iter().zip(init).all(|(t, x)| t == x) && {
            let t = &w[init.len()];
            if prefix { t.starts_with(last) } else { t == last }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article<'a>(title: &'a str, text: &'a str) -> ArticleText<'a> {
        ArticleText {
            title,
            text,
            feed_id: 3,
            feed_url: "https://news.example/feed.xml",
            feed_title: "Le Quotidien",
            ..ArticleText::default()
        }
    }

    fn m(q: &str, a: &ArticleText<'_>) -> bool {
        SearchQuery::parse(q).matches(a, &[Lang::from_code("en")])
    }

    #[test]
    fn words_match_in_their_forms_phrases_in_order() {
        let a = article(
            "Dock workers strike",
            "The striking dock workers blocked the automated port of Rotterdam.",
        );
        assert!(m("strikes", &a), "another form of the same word");
        assert!(m("\"dock workers\" rotter*", &a));
        assert!(!m("\"workers dock\"", &a), "a phrase keeps its order");
        assert!(!m("strikes -rotterdam", &a));
        assert!(m("the strikes", &a), "stop words are left out as the search leaves them out");
        assert!(!m("-rotterdam", &a), "only exclusions match nothing, as in search");
        assert!(!m("airport", &a));
    }

    #[test]
    fn filters_follow_the_search() {
        let tags = ["Tech".to_string()];
        let mut a = article("Fusion record", "A reactor held plasma for an hour.");
        a.tags = &tags;
        a.author = Some("Ada Okafor");
        a.published =
            NaiveDate::from_ymd_opt(2024, 5, 2).unwrap().and_hms_opt(8, 0, 0).unwrap().and_utc().timestamp();
        assert!(m(
            "feed:quotidien tag:tech author:okafor is:unread fusion after:2024-05 before:2024-05-03",
            &a
        ));
        assert!(m("feed:3", &a) && m("feed:https://news.example/feed.xml/", &a));
        assert!(!m("feed:4", &a) && !m("tag:sport", &a) && !m("author:smith", &a) && !m("is:read", &a));
        assert!(!m("is:starred", &a) && !m("before:2024-05-02", &a) && !m("is:hidden", &a));
        a.hidden = true;
        assert!(!m("fusion", &a) && m("is:hidden fusion", &a), "hidden articles only for is:hidden");
    }
}
