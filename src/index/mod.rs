//! Search and "read also": what goes into the full-text index, how a user's words become an
//! index query, and how related articles are chosen and ranked. The SQL is in
//! `store/search.rs`; this module is the logic, with no database access.

mod stopwords;

use std::collections::HashMap;

/// Text indexed per article, at most (title excluded).
pub const INDEXED_TEXT_CHARS: usize = 4000;

/// Plain text of an HTML body for the index: tags dropped, references decoded, whitespace
/// collapsed, cut at [`INDEXED_TEXT_CHARS`]. A fast scan rather than an HTML parser: the
/// indexer runs over whole caches, and a search index needs words, not layout.
pub fn index_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len().min(INDEXED_TEXT_CHARS * 2));
    let mut rest = html;
    let mut chars = 0;
    let mut space = true;
    let push = |out: &mut String, c: char, chars: &mut usize, space: &mut bool| {
        if c.is_whitespace() || c.is_control() {
            if !*space {
                out.push(' ');
                *space = true;
                *chars += 1;
            }
        } else {
            out.push(c);
            *space = false;
            *chars += 1;
        }
    };
    while chars < INDEXED_TEXT_CHARS {
        let Some(c) = rest.chars().next() else { break };
        if c == '<' {
            // Skip the tag (and whole script/style elements); a tag is a word break.
            let lower: String = rest.chars().take(8).collect::<String>().to_ascii_lowercase();
            let skip_to = if lower.starts_with("<script") {
                rest.find("</script>").map(|i| i + 9)
            } else if lower.starts_with("<style") {
                rest.find("</style>").map(|i| i + 8)
            } else {
                rest.find('>').map(|i| i + 1)
            };
            rest = &rest[skip_to.unwrap_or(rest.len())..];
            push(&mut out, ' ', &mut chars, &mut space);
            continue;
        }
        if c == '&' {
            let mut decoded = String::new();
            if let Some(len) = crate::text::entities::decode_at(rest, &mut decoded) {
                for d in decoded.chars() {
                    push(&mut out, d, &mut chars, &mut space);
                }
                rest = &rest[len..];
                continue;
            }
        }
        push(&mut out, c, &mut chars, &mut space);
        rest = &rest[c.len_utf8()..];
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

/// The user's words as an FTS5 query: every word must match, the last one as a prefix (so
/// results appear while typing). Quotes keep FTS5 syntax characters literal.
pub fn match_expression(query: &str) -> String {
    let words: Vec<String> = tokens(query).collect();
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| if i == last { format!("\"{w}\"*") } else { format!("\"{w}\"") })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lower-case word tokens (letters and digits), as the index's tokenizer sees them, roughly.
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

/// Words worth matching on to find articles related to one with this title and text, best
/// first: not stop words, at least three letters (or CJK), title words before text words, more
/// frequent text words first.
pub fn candidate_terms(title: &str, text: &str, limit: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in tokens(title) {
        if significant(&w) && !out.contains(&w) {
            out.push(w);
        }
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    for w in tokens(text).filter(|w| significant(w)) {
        *counts.entry(w).or_default() += 1;
    }
    let mut by_count: Vec<(String, usize)> = counts.into_iter().filter(|(w, _)| !out.contains(w)).collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.extend(by_count.into_iter().map(|(w, _)| w));
    out.truncate(limit);
    out
}

fn significant(word: &str) -> bool {
    let long_enough = word.chars().count() >= 3 || word.chars().any(|c| c as u32 >= 0x2E80);
    long_enough && !word.chars().all(|c| c.is_ascii_digit()) && !stopwords::is_stopword(word)
}

/// One candidate for "read also".
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The article.
    pub id: i64,
    /// Its feed.
    pub feed_id: i64,
    /// Its sort time, Unix seconds.
    pub published: i64,
    /// The index's relevance (FTS5 bm25: more negative is better).
    pub bm25: f64,
    /// Its title, to drop copies of the same story under the same title.
    pub title: String,
}

/// The first ranking: relevance from shared significant words, articles from other feeds
/// first, then recent ones first. Returns up to `limit` ids, best first.
pub fn rank_related(
    candidates: &[Candidate],
    this_feed: i64,
    this_title: &str,
    now: i64,
    limit: usize,
) -> Vec<i64> {
    let mut scored: Vec<(f64, &Candidate)> = candidates
        .iter()
        .filter(|c| !c.title.eq_ignore_ascii_case(this_title))
        .map(|c| {
            let relevance = (-c.bm25).max(0.0);
            let other_feed = if c.feed_id == this_feed { 1.0 } else { 1.5 };
            let age_days = ((now - c.published).max(0) as f64) / 86_400.0;
            let recency = 1.0 / (1.0 + age_days / 14.0);
            (relevance * other_feed * (0.5 + recency), c)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| b.1.published.cmp(&a.1.published)));
    let mut titles: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for (_, c) in scored {
        if titles.iter().any(|t| t.eq_ignore_ascii_case(&c.title)) {
            continue;
        }
        titles.push(&c.title);
        out.push(c.id);
        if out.len() == limit {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_text_strips_markup() {
        let html = "<p>Hello&nbsp;<b>world</b></p><script>var x = 1;</script><style>p{}</style>\n<p>caf&eacute; &amp; more</p>";
        assert_eq!(index_text(html), "Hello world café & more");
        assert_eq!(index_text(&"word ".repeat(5000)).chars().count(), INDEXED_TEXT_CHARS - 1);
    }

    #[test]
    fn match_expressions_are_quoted_and_prefixed() {
        assert_eq!(match_expression("Rust release"), "\"rust\" \"release\"*");
        assert_eq!(match_expression("a\"b OR c*"), "\"a\" \"b\" \"or\" \"c\"*");
        assert_eq!(match_expression("  "), "");
    }

    #[test]
    fn candidate_terms_prefer_title_and_skip_stopwords() {
        let terms = candidate_terms(
            "The new Rust compiler is fast",
            "compiler compiler speed speed speed the and of benchmarks",
            5,
        );
        assert_eq!(terms, vec!["rust", "compiler", "fast", "speed", "benchmarks"]);
    }

    #[test]
    fn ranking_prefers_relevance_other_feeds_and_recency() {
        let day = 86_400;
        let c = |id, feed, age_days: i64, bm25, title: &str| Candidate {
            id,
            feed_id: feed,
            published: 100 * day - age_days * day,
            bm25,
            title: title.into(),
        };
        let candidates = vec![
            c(1, 1, 0, -5.0, "Same feed, as relevant"),
            c(2, 2, 0, -5.0, "Other feed, as relevant"),
            c(3, 2, 60, -5.0, "Other feed, old"),
            c(4, 3, 0, -1.0, "Weak match"),
            c(5, 3, 0, -9.0, "The story itself"),
            c(6, 4, 0, -5.0, "other feed, as relevant"),
        ];
        let ranked = rank_related(&candidates, 1, "The story itself", 100 * day, 4);
        assert_eq!(ranked, vec![2, 1, 3, 4]);
    }
}
