//! Where a search's words occur in a text, as the reader shows them: any form of a word
//! (searching "strikes" marks "striking"), a prefix's continuations, CJK runs as written.

use std::ops::Range;

use super::analyze::{self, Lang};
use super::query::{SearchQuery, Term};

/// The languages whose word forms are marked: the ones the analyzer is most often asked for.
const LANGUAGES: [&str; 5] = ["en", "de", "fr", "es", "ru"];

/// A search prepared for marking text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Highlighter {
    /// The query's languages (as search looks words up).
    langs: Vec<Lang>,
    /// The text's language: its words are taken in that language's forms only.
    text_lang: Lang,
    /// Forms a whole word may take.
    words: Vec<String>,
    /// Forms a word may start with.
    prefixes: Vec<String>,
    /// Text marked wherever it occurs (words of scripts written without spaces).
    literal: Vec<String>,
}

impl Highlighter {
    /// The marks for a query as typed, in a text of `text_lang` (see
    /// [`analyze::detect`]); empty when the query has no text.
    pub fn new(query: &str, text_lang: Lang) -> Self {
        let langs: Vec<Lang> = LANGUAGES.iter().map(|c| Lang::from_code(c)).collect();
        let parsed = SearchQuery::parse(query);
        let mut h = Self { langs, text_lang, ..Self::default() };
        for term in &parsed.terms {
            let words: Vec<(&str, bool)> = match term {
                Term::Word { text, prefix } => vec![(text.as_str(), *prefix)],
                Term::Phrase(words) => words.iter().map(|w| (w.as_str(), false)).collect(),
            };
            for (w, prefix) in words {
                if w.chars().any(analyze::is_cjk) {
                    h.literal.push(w.to_string());
                    continue;
                }
                for f in analyze::query_forms(w, &h.langs) {
                    let list = if prefix { &mut h.prefixes } else { &mut h.words };
                    if !list.contains(&f) {
                        list.push(f);
                    }
                }
            }
        }
        h
    }

    /// Whether there is anything to mark.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.prefixes.is_empty() && self.literal.is_empty()
    }

    /// The byte ranges of `text` to mark, in order, not overlapping.
    pub fn marks(&self, text: &str) -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        if self.is_empty() {
            return out;
        }
        let mut start: Option<usize> = None;
        let check = |from: usize, to: usize, out: &mut Vec<Range<usize>>| {
            let word = &text[from..to];
            let forms = analyze::query_forms(word, &[self.text_lang]);
            let hit = forms
                .iter()
                .any(|f| self.words.contains(f) || self.prefixes.iter().any(|p| f.starts_with(p.as_str())));
            if hit {
                out.push(from..to);
            }
        };
        for (i, c) in text.char_indices() {
            if c.is_alphanumeric() {
                start.get_or_insert(i);
            } else if let Some(s) = start.take() {
                check(s, i, &mut out);
            }
        }
        if let Some(s) = start {
            check(s, text.len(), &mut out);
        }
        for lit in &self.literal {
            for (at, _) in text.match_indices(lit.as_str()) {
                out.push(at..at + lit.len());
            }
        }
        out.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(out.len());
        for r in out {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(query: &str, text: &str) -> Vec<String> {
        let lang = analyze::detect(text, Lang::from_code("en"));
        Highlighter::new(query, lang).marks(text).into_iter().map(|r| text[r].to_string()).collect()
    }

    #[test]
    fn any_form_prefixes_and_phrases_are_marked() {
        assert_eq!(marked("strikes", "Dockers striking; the strike ends. Strikers."), ["striking", "strike"]);
        assert_eq!(marked("dock*", "Dockworkers at the docks, not a doctor"), ["Dockworkers", "docks"]);
        assert_eq!(marked("\"raw milk\" feed:x", "Raw milk recalled; milky"), ["Raw", "milk"]);
        assert_eq!(
            marked("Streiks", "Der Streik der Lokführer dauert an, sagte die Gewerkschaft am Montag."),
            ["Streik"]
        );
        assert_eq!(marked("米価格", "政府は米価格の上昇を受けて"), ["米価格"]);
        assert!(marked("is:unread", "anything").is_empty());
    }
}
