//! The search language: words, "quoted phrases", prefix* words, -excluded words, and filters
//! (`feed:`, `tag:`, `author:`, `is:unread`, `is:read`, `is:starred`, `after:`, `before:`).
//! Parsing never fails: what cannot be understood is searched for as words and reported in
//! [`SearchQuery::problems`], so the user sees both results and why a filter did nothing.

use chrono::NaiveDate;

use super::analyze::{self, Lang};

/// Words a search takes at most, counting those of phrases and exclusions (filters are not
/// words). A search's cost grows with the square of its words (each one's hits are weighed
/// against every other's), so a pasted page is cut here, and the search says so.
pub const MAX_WORDS: usize = 64;

/// One thing to look for in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    /// A word; with `prefix`, any word starting with it.
    Word {
        /// As typed.
        text: String,
        /// Matches words that start with it.
        prefix: bool,
    },
    /// Words in this order, next to each other.
    Phrase(Vec<String>),
}

/// A parsed search.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Every one must match.
    pub terms: Vec<Term>,
    /// None may match.
    pub excluded: Vec<Term>,
    /// Feeds (by title, URL or id) the article must be in, any of them.
    pub feeds: Vec<String>,
    /// Tags the article's feed must have, any of them.
    pub tags: Vec<String>,
    /// Text the author must contain, any of them.
    pub authors: Vec<String>,
    /// `is:unread` (true) or `is:read` (false).
    pub unread: Option<bool>,
    /// `is:starred`.
    pub starred: bool,
    /// `is:hidden`: the articles the killfile hid (which every other search leaves out).
    pub hidden: bool,
    /// Published on or after this day (UTC).
    pub after: Option<NaiveDate>,
    /// Published before this day (UTC).
    pub before: Option<NaiveDate>,
    /// What could not be understood, for the user.
    pub problems: Vec<String>,
}

impl SearchQuery {
    /// Parses a query as typed.
    pub fn parse(input: &str) -> Self {
        let mut q = Self::default();
        // Words past MAX_WORDS: they, and all after them, are left out.
        let mut left_out = 0;
        for (raw, quoted) in split(input) {
            if quoted {
                left_out += q.push_text(&raw, false, true, left_out > 0);
                continue;
            }
            let (negated, body) = match raw.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => (true, rest.to_string()),
                _ => (false, raw.clone()),
            };
            if let Some((key, value)) = body.split_once(':').filter(|(k, _)| is_filter(k)) {
                let value = unquote(value);
                if value.is_empty() {
                    q.problems.push(format!("{key}: needs a value"));
                    continue;
                }
                q.filter(&key.to_ascii_lowercase(), &value);
                continue;
            }
            left_out += q.push_text(&body, negated, false, left_out > 0);
        }
        if left_out > 0 {
            q.problems.push(format!(
                "the search takes at most {MAX_WORDS} words: the other {left_out} were left out"
            ));
        }
        q
    }

    /// Whether the query asks for nothing at all.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
            && self.excluded.is_empty()
            && self.feeds.is_empty()
            && self.tags.is_empty()
            && self.authors.is_empty()
            && self.unread.is_none()
            && !self.starred
            && !self.hidden
            && self.after.is_none()
            && self.before.is_none()
    }

    /// Adds the text of a term (words, a phrase); returns how many of its words were left out:
    /// none for a term given before (it adds nothing), all of them when they would take the
    /// query past [`MAX_WORDS`] or `cut` says words were left out before.
    fn push_text(&mut self, text: &str, negated: bool, quoted: bool, cut: bool) -> usize {
        let Some(term) = term_of(text, quoted) else { return 0 };
        let used: usize = self.terms.iter().chain(&self.excluded).map(Term::words).sum();
        let list = if negated { &mut self.excluded } else { &mut self.terms };
        if list.contains(&term) {
            return 0;
        }
        if cut || used + term.words() > MAX_WORDS {
            return term.words();
        }
        list.push(term);
        0
    }

    fn filter(&mut self, key: &str, value: &str) {
        match key {
            "feed" => self.feeds.push(value.to_string()),
            "tag" => self.tags.push(value.to_string()),
            "author" => self.authors.push(value.to_string()),
            "is" => match value.to_ascii_lowercase().as_str() {
                "unread" | "new" => self.unread = Some(true),
                "read" => self.unread = Some(false),
                "starred" | "flagged" => self.starred = true,
                "hidden" | "killed" => self.hidden = true,
                other => {
                    self.problems
                        .push(format!("is:{other}: use is:unread, is:read, is:starred or is:hidden"));
                }
            },
            "after" | "before" => match parse_day(value) {
                Some(day) if key == "after" => self.after = Some(day),
                Some(day) => self.before = Some(day),
                None => self.problems.push(format!("{key}:{value}: not a date (YYYY-MM-DD)")),
            },
            _ => {}
        }
    }

    /// The terms that must match, as the index is asked for them: stop words are left out
    /// unless the query has nothing else (see [`SearchQuery::match_expression`]).
    pub(crate) fn required_terms(&self, languages: &[Lang]) -> Vec<&Term> {
        let meaningful: Vec<&Term> = self
            .terms
            .iter()
            .filter(
                |t| !matches!(t, Term::Word { text, prefix: false } if analyze::is_stopword(text, languages)),
            )
            .collect();
        if meaningful.is_empty() { self.terms.iter().collect() } else { meaningful }
    }

    /// The FTS5 expression for the text part, or `None` without text. Each word matches any
    /// of its forms in `languages` (see [`analyze::query_forms`]); stop words are left out
    /// unless the query has nothing else or they are inside a phrase.
    pub fn match_expression(&self, languages: &[Lang]) -> Option<String> {
        let terms = self.required_terms(languages);
        if terms.is_empty() {
            return None;
        }
        let expr = terms.iter().map(|t| term_expression(t, languages)).collect::<Vec<_>>().join(" AND ");
        // All exclusions in one NOT: nesting one NOT per word overflows FTS5's parser.
        let excluded: Vec<String> = self.excluded.iter().map(|t| term_expression(t, languages)).collect();
        Some(match excluded.as_slice() {
            [] => expr,
            [one] => format!("({expr}) NOT {one}"),
            many => format!("({expr}) NOT ({})", many.join(" OR ")),
        })
    }
}

impl Term {
    /// How many words it has.
    fn words(&self) -> usize {
        match self {
            Term::Word { .. } => 1,
            Term::Phrase(words) => words.len(),
        }
    }
}

/// The term a piece of the query stands for: a word (a prefix with `*`), or a phrase when it is
/// `quoted` or holds several words (`dock-workers`).
fn term_of(text: &str, quoted: bool) -> Option<Term> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '*')
        .filter(|w| !w.trim_matches('*').is_empty())
        .map(String::from)
        .collect();
    if quoted || words.len() > 1 {
        let mut words: Vec<String> = words.iter().map(|w| w.trim_matches('*').to_string()).collect();
        match words.len() {
            0 => None,
            1 => Some(Term::Word { text: words.remove(0), prefix: false }),
            _ => Some(Term::Phrase(words)),
        }
    } else {
        let w = words.first()?;
        Some(Term::Word { text: w.trim_matches('*').to_string(), prefix: w.ends_with('*') })
    }
}

/// The alternatives a term matches in the index, each a sequence of index terms (one for a
/// word, several for a phrase or a CJK word), and whether the last one is a prefix. Shared by
/// the index query and the in-memory matcher, so both look for exactly the same forms.
pub(crate) fn term_forms(term: &Term, languages: &[Lang]) -> (Vec<String>, bool) {
    match term {
        Term::Word { text, prefix } => (analyze::query_forms(text, languages), *prefix),
        Term::Phrase(words) => {
            let mut phrases: Vec<String> = Vec::new();
            // One phrase per language: a phrase is stemmed as a whole, in one language.
            let mut variants: Vec<Vec<String>> =
                vec![words.iter().map(|w| analyze::fold(w.to_lowercase())).collect()];
            for lang in languages {
                variants.push(
                    words
                        .iter()
                        .map(|w| analyze::query_forms(w, &[*lang]).pop().unwrap_or_default())
                        .collect(),
                );
            }
            for v in variants {
                let p = v.join(" ");
                if !phrases.contains(&p) {
                    phrases.push(p);
                }
            }
            (phrases, false)
        }
    }
}

/// One term as FTS5 syntax: alternatives of its forms, each quoted so that FTS5 operators in
/// the user's text stay literal.
fn term_expression(term: &Term, languages: &[Lang]) -> String {
    let (forms, prefix) = term_forms(term, languages);
    let star = if prefix { "*" } else { "" };
    let forms: Vec<String> = forms.iter().map(|f| format!("\"{f}\"{star}")).collect();
    if forms.len() == 1 { forms.concat() } else { format!("({})", forms.join(" OR ")) }
}

fn is_filter(key: &str) -> bool {
    matches!(key.to_ascii_lowercase().as_str(), "feed" | "tag" | "author" | "is" | "after" | "before")
}

fn unquote(value: &str) -> String {
    value.trim_matches('"').to_string()
}

/// A day as `YYYY-MM-DD`, `YYYY-MM` (its first day) or `YYYY` (its first day).
fn parse_day(value: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = value.split('-').collect();
    let num = |s: &str| s.parse::<u32>().ok();
    match parts.as_slice() {
        [y, m, d] => NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, num(d)?),
        [y, m] => NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, 1),
        [y] if y.len() == 4 => NaiveDate::from_ymd_opt(num(y)? as i32, 1, 1),
        _ => None,
    }
}

/// Splits a query into pieces at spaces outside quotes; each piece says whether it was a
/// quoted phrase. `key:"a b"` stays one piece.
fn split(input: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut quoted_piece = false;
    for c in input.chars() {
        match c {
            '"' | '“' | '”' | '«' | '»' => {
                if in_quotes {
                    in_quotes = false;
                    if quoted_piece {
                        out.push((std::mem::take(&mut cur), true));
                        quoted_piece = false;
                    } else {
                        cur.push('"');
                    }
                } else {
                    in_quotes = true;
                    if cur.is_empty() || cur == "-" {
                        quoted_piece = cur.is_empty();
                        if cur == "-" {
                            cur.clear();
                        }
                    } else {
                        cur.push('"');
                    }
                }
            }
            c if c.is_whitespace() && !in_quotes => {
                if !cur.is_empty() {
                    out.push((std::mem::take(&mut cur), false));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push((cur, quoted_piece));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(t: &str, prefix: bool) -> Term {
        Term::Word { text: t.into(), prefix }
    }

    #[test]
    fn words_phrases_prefixes_and_exclusions() {
        let q = SearchQuery::parse(r#"reef "great barrier" bleach* -tourism"#);
        assert_eq!(
            q.terms,
            vec![
                word("reef", false),
                Term::Phrase(vec!["great".into(), "barrier".into()]),
                word("bleach", true)
            ]
        );
        assert_eq!(q.excluded, vec![word("tourism", false)]);
        assert!(q.problems.is_empty());
    }

    #[test]
    fn filters_are_understood_and_mistakes_reported() {
        let q = SearchQuery::parse(
            r#"feed:"Le Quotidien" tag:tech author:Okafor is:unread is:starred after:2024-05-01 before:2024-06 fusion"#,
        );
        assert_eq!(q.feeds, ["Le Quotidien"]);
        assert_eq!(
            (q.tags.as_slice(), q.authors.as_slice()),
            (&["tech".to_string()][..], &["Okafor".to_string()][..])
        );
        assert_eq!((q.unread, q.starred), (Some(true), true));
        assert_eq!(q.after, NaiveDate::from_ymd_opt(2024, 5, 1));
        assert_eq!(q.before, NaiveDate::from_ymd_opt(2024, 6, 1));
        assert_eq!(q.terms, vec![word("fusion", false)]);
        let q = SearchQuery::parse("after:yesterday is:maybe tag: http://x.example 10:30");
        assert_eq!(q.problems.len(), 3, "{:?}", q.problems);
        assert_eq!(q.terms.len(), 2, "an unknown key is text: {:?}", q.terms);
    }

    #[test]
    fn expressions_use_forms_and_skip_stop_words() {
        let en = [Lang::from_code("en")];
        let q = SearchQuery::parse(r#"the striking "dock workers" automat* -ships"#);
        assert_eq!(
            q.match_expression(&en).unwrap(),
            r#"(("striking" OR "strike") AND ("dock workers" OR "dock worker") AND "automat"*) NOT ("ships" OR "ship")"#
        );
        assert_eq!(
            SearchQuery::parse("the").match_expression(&en).unwrap(),
            r#""the""#,
            "only stop words: kept"
        );
        assert_eq!(SearchQuery::parse("is:unread").match_expression(&en), None);
        assert!(SearchQuery::parse("").is_empty());
    }

    #[test]
    fn unbalanced_quotes_and_syntax_stay_literal() {
        let q = SearchQuery::parse(r#""unbalanced OR ( NEAR"#);
        let expr = q.match_expression(&[Lang::from_code("en")]).unwrap();
        assert!(expr.contains("\"unbalanced or near\""), "{expr}");
    }

    #[test]
    fn a_query_takes_at_most_max_words_and_says_so() {
        let words: Vec<String> = (0..10_000).map(|i| format!("w{i}")).collect();
        let q = SearchQuery::parse(&words.join(" "));
        assert_eq!(q.terms.len(), MAX_WORDS);
        assert_eq!(q.terms[MAX_WORDS - 1], word(&format!("w{}", MAX_WORDS - 1), false));
        assert_eq!(
            q.problems,
            [format!("the search takes at most {MAX_WORDS} words: the other 9936 were left out")]
        );
        // Phrases and exclusions count their words; filters do not count.
        let phrase = format!("\"{}\"", words[..40].join(" "));
        let excluded: Vec<String> = words[40..80].iter().map(|w| format!("-{w}")).collect();
        let q = SearchQuery::parse(&format!("feed:x {phrase} {} is:unread", excluded.join(" ")));
        assert_eq!(q.terms.len(), 1);
        assert_eq!(q.excluded.len(), MAX_WORDS - 40);
        assert_eq!((q.feeds.len(), q.unread), (1, Some(true)));
        assert_eq!(q.problems.len(), 1, "{:?}", q.problems);
        let q = SearchQuery::parse(&words[..MAX_WORDS].join(" "));
        assert!(q.problems.is_empty() && q.terms.len() == MAX_WORDS);
    }

    #[test]
    fn a_word_given_again_is_searched_once() {
        let q = SearchQuery::parse(&vec!["tides -sea \"low tide\""; 10_000].join(" "));
        assert_eq!(q.terms, vec![word("tides", false), Term::Phrase(vec!["low".into(), "tide".into()])]);
        assert_eq!(q.excluded, vec![word("sea", false)]);
        assert!(q.problems.is_empty(), "{:?}", q.problems);
    }

    #[test]
    fn exclusions_make_one_flat_expression() {
        let en = [Lang::from_code("en")];
        let q = SearchQuery::parse("reef -ships -tourism -boats");
        assert_eq!(
            q.match_expression(&en).unwrap(),
            r#"("reef") NOT (("ships" OR "ship") OR "tourism" OR ("boats" OR "boat"))"#
        );
    }
}
