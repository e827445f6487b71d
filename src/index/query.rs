//! The search language: words, "quoted phrases", prefix* words, -excluded words, and filters
//! (`feed:`, `tag:`, `author:`, `is:unread`, `is:read`, `is:starred`, `after:`, `before:`).
//! Parsing never fails: what cannot be understood is searched for as words and reported in
//! [`SearchQuery::problems`], so the user sees both results and why a filter did nothing.

use chrono::NaiveDate;

use super::analyze::{self, Lang};

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
        for (raw, quoted) in split(input) {
            if quoted {
                q.push_text(&raw, false, true);
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
            q.push_text(&body, negated, false);
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

    fn push_text(&mut self, text: &str, negated: bool, quoted: bool) {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric() && c != '*')
            .filter(|w| !w.trim_matches('*').is_empty())
            .map(String::from)
            .collect();
        let term = if quoted || words.len() > 1 {
            let words: Vec<String> = words.iter().map(|w| w.trim_matches('*').to_string()).collect();
            if words.is_empty() {
                return;
            }
            if words.len() == 1 {
                Term::Word { text: words[0].clone(), prefix: false }
            } else {
                Term::Phrase(words)
            }
        } else if let Some(w) = words.first() {
            Term::Word { text: w.trim_matches('*').to_string(), prefix: w.ends_with('*') }
        } else {
            return;
        };
        if negated { self.excluded.push(term) } else { self.terms.push(term) }
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
        let mut expr = terms.iter().map(|t| term_expression(t, languages)).collect::<Vec<_>>().join(" AND ");
        for t in &self.excluded {
            expr = format!("({expr}) NOT {}", term_expression(t, languages));
        }
        Some(expr)
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
}
