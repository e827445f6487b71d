//! Text analysis shared by the index, search and "read also": an article's language, its words
//! stemmed and folded the way the full-text index stores them, and its weighted terms.
//!
//! One analysis feeds both uses, so a query term, an index token and a vector term are always
//! the same string: lower case, stemmed with the article's language (Snowball), diacritics
//! removed. Han, kana and hangul have no spaces between words; they are indexed as overlapping
//! character pairs, which finds words of any length without a dictionary.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

/// A language the analyzer stems and knows stop words for.
struct Language {
    code: &'static str,
    detected: whatlang::Lang,
    stemmer: Stemmer,
    stopwords: HashSet<&'static str>,
}

/// Words of news reporting that say nothing about the subject, beyond NLTK's English list.
const ENGLISH_EXTRA: &[&str] = &[
    "according",
    "added",
    "also",
    "among",
    "announced",
    "could",
    "including",
    "last",
    "like",
    "many",
    "may",
    "might",
    "much",
    "new",
    "one",
    "said",
    "say",
    "says",
    "still",
    "told",
    "two",
    "us",
    "week",
    "would",
    "year",
    "years",
];

/// The languages with a Snowball stemmer and an NLTK stop list, by whatlang's detection.
static LANGUAGES: LazyLock<Vec<Language>> = LazyLock::new(|| {
    use whatlang::Lang as W;
    let table = [
        ("en", W::Eng, Algorithm::English),
        ("de", W::Deu, Algorithm::German),
        ("fr", W::Fra, Algorithm::French),
        ("es", W::Spa, Algorithm::Spanish),
        ("ru", W::Rus, Algorithm::Russian),
        ("it", W::Ita, Algorithm::Italian),
        ("pt", W::Por, Algorithm::Portuguese),
        ("nl", W::Nld, Algorithm::Dutch),
        ("sv", W::Swe, Algorithm::Swedish),
        ("da", W::Dan, Algorithm::Danish),
        ("no", W::Nob, Algorithm::Norwegian),
        ("fi", W::Fin, Algorithm::Finnish),
        ("hu", W::Hun, Algorithm::Hungarian),
        ("ro", W::Ron, Algorithm::Romanian),
        ("tr", W::Tur, Algorithm::Turkish),
        ("el", W::Ell, Algorithm::Greek),
        ("ar", W::Ara, Algorithm::Arabic),
    ];
    table
        .into_iter()
        .map(|(code, detected, algorithm)| {
            let mut stopwords: HashSet<&'static str> =
                stop_words::lookup(code).unwrap_or_default().iter().copied().collect();
            if code == "en" {
                stopwords.extend(ENGLISH_EXTRA);
            }
            Language { code, detected, stemmer: Stemmer::create(algorithm), stopwords }
        })
        .collect()
});

/// Chooses among the stemmed languages only: a close relative (Ukrainian for Russian, Catalan
/// for Spanish) is better stemmed as its neighbour than not at all.
static DETECTOR: LazyLock<whatlang::Detector> =
    LazyLock::new(|| whatlang::Detector::with_allowlist(LANGUAGES.iter().map(|l| l.detected).collect()));

/// An article's language, as an index into [`LANGUAGES`]; `None` when it is not one the
/// analyzer stems (its words are then indexed as written).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lang(Option<usize>);

impl Lang {
    /// The language with this ISO 639-1 code, if the analyzer stems it.
    pub fn from_code(code: &str) -> Self {
        Self(LANGUAGES.iter().position(|l| l.code == code))
    }

    /// Its ISO 639-1 code, or `None` for unstemmed text.
    pub fn code(self) -> Option<&'static str> {
        self.0.map(|i| LANGUAGES[i].code)
    }

    fn language(self) -> Option<&'static Language> {
        self.0.map(|i| &LANGUAGES[i])
    }
}

/// Detects the language of a text (a title and the start of the body). Short or mixed text
/// falls back to `fallback`: a headline of a few words is too little to tell English from
/// Romanian, and a feed's own language (known from many of its articles) is the better guess
/// unless the detector is sure (another script, say).
pub fn detect(text: &str, fallback: Lang) -> Lang {
    let sample: String = text.chars().take(1200).collect();
    let sure = if sample.chars().count() >= 200 {
        0.0
    } else if fallback.code().is_some() {
        SURE_OVER_FALLBACK
    } else {
        0.3
    };
    match DETECTOR.detect(&sample) {
        Some(info) if info.confidence() >= sure => {
            Lang(LANGUAGES.iter().position(|l| l.detected == info.lang()))
        }
        _ => fallback,
    }
}

/// How sure the detector must be about a short text to overrule a known fallback.
const SURE_OVER_FALLBACK: f64 = 0.9;

/// Characters written without spaces between words: indexed as overlapping pairs.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // hangul syllables
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0x20000..=0x2FA1F) // extensions B–F, compatibility supplement
}

/// One token of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// As indexed: lower case, stemmed, diacritics removed.
    pub term: String,
    /// A stop word of the text's language (kept in the index for phrases, left out of vectors).
    pub stop: bool,
    /// Written with a capital first letter.
    pub capital: bool,
    /// The first word of a sentence (or of the text).
    pub sentence_start: bool,
}

/// Splits `text` into tokens for `lang`, calling `f` for each in order.
pub fn tokenize(text: &str, lang: Lang, mut f: impl FnMut(Token)) {
    let language = lang.language();
    let mut word = String::new();
    let mut cjk: Vec<char> = Vec::new();
    let mut sentence_start = true;
    let mut word_starts_sentence = true;
    let flush_word = |word: &mut String, starts: bool, f: &mut dyn FnMut(Token)| {
        if word.is_empty() {
            return;
        }
        let capital = word.chars().next().is_some_and(char::is_uppercase);
        let lower = word.to_lowercase();
        let stop = language.is_some_and(|l| l.stopwords.contains(lower.as_str()));
        let stemmed = match language {
            Some(l) => l.stemmer.stem(&lower).into_owned(),
            None => lower,
        };
        f(Token { term: fold(stemmed), stop, capital, sentence_start: starts });
        word.clear();
    };
    let flush_cjk = |cjk: &mut Vec<char>, f: &mut dyn FnMut(Token)| {
        match cjk.len() {
            0 => {}
            1 => f(Token { term: cjk[0].to_string(), stop: false, capital: false, sentence_start: false }),
            _ => {
                for pair in cjk.windows(2) {
                    f(Token {
                        term: pair.iter().collect(),
                        stop: false,
                        capital: false,
                        sentence_start: false,
                    });
                }
            }
        }
        cjk.clear();
    };
    for c in text.chars() {
        if is_cjk(c) {
            flush_word(&mut word, word_starts_sentence, &mut f);
            cjk.push(c);
        } else if c.is_alphanumeric() {
            flush_cjk(&mut cjk, &mut f);
            if word.is_empty() {
                word_starts_sentence = sentence_start;
                sentence_start = false;
            }
            word.push(c);
        } else {
            if !word.is_empty() {
                flush_word(&mut word, word_starts_sentence, &mut f);
            }
            flush_cjk(&mut cjk, &mut f);
            if matches!(c, '.' | '!' | '?' | ':' | ';' | '。' | '！' | '？' | '¿' | '¡' | '\n') {
                sentence_start = true;
            }
        }
    }
    flush_word(&mut word, word_starts_sentence, &mut f);
    flush_cjk(&mut cjk, &mut f);
}

/// Removes combining diacritics (é → e, й → и); other scripts' marks are kept.
pub fn fold(word: String) -> String {
    if word.is_ascii() {
        return word;
    }
    word.nfd().filter(|c| !matches!(*c as u32, 0x0300..=0x036F)).nfc().collect()
}

/// Text as the full-text index stores it: its tokens' terms separated by spaces.
pub fn index_form(text: &str, lang: Lang) -> String {
    let mut out = String::with_capacity(text.len());
    tokenize(text, lang, |t| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&t.term);
    });
    out
}

/// How much each part of an article counts towards its terms' weights.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weights {
    /// A title word counts this many body words.
    pub title: f32,
    /// A word among the first [`Weights::lead_words`] of the body counts this much more.
    pub lead: f32,
    /// The body words that make the lead.
    pub lead_words: usize,
    /// A run of capitalised words (a name: "Federal Reserve", "Great Barrier Reef") is also a
    /// term of its own, counted this much per occurrence; 0 turns names off.
    pub names: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Self { title: 3.0, lead: 0.5, lead_words: 60, names: 1.0 }
    }
}

/// An article analysed: its language, its text as indexed, and its weighted terms.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Analysis {
    /// The detected language.
    pub lang: Lang,
    /// The title as indexed.
    pub title: String,
    /// The body text as indexed.
    pub body: String,
    /// Terms that say what the article is about (no stop words or bare numbers), with their
    /// weighted counts, in first-seen order.
    pub terms: Vec<(String, f32)>,
}

/// Analyses an article from its title and plain body text (see [`super::index_text`]).
pub fn analyze(title: &str, text: &str, weights: &Weights) -> Analysis {
    analyze_in(title, text, weights, Lang::default())
}

/// [`analyze`], with the language to assume when the text is too short to tell (its feed's).
pub fn analyze_in(title: &str, text: &str, weights: &Weights, fallback: Lang) -> Analysis {
    let mut sample = String::with_capacity(title.len() + 1200);
    sample.push_str(title);
    sample.push_str(". ");
    sample.extend(text.chars().take(1200));
    let lang = detect(&sample, fallback);
    let mut acc = Terms::default();
    let mut title_form = String::new();
    let mut body_form = String::with_capacity(text.len());
    for (is_title, part, form) in [(true, title, &mut title_form), (false, text, &mut body_form)] {
        let mut position = 0usize;
        let mut name: Vec<String> = Vec::new();
        // German capitalises every noun: runs of capitals are not names there.
        let names_apply = weights.names > 0.0 && lang.code() != Some("de") && !is_title;
        tokenize(part, lang, |t| {
            if !form.is_empty() {
                form.push(' ');
            }
            form.push_str(&t.term);
            if names_apply {
                if t.capital && !t.stop && !(t.sentence_start && name.is_empty()) {
                    name.push(t.term.clone());
                } else {
                    acc.name(&mut name, weights.names);
                }
            }
            if !t.stop && meaningful(&t.term) {
                let weight = if is_title {
                    weights.title
                } else if position < weights.lead_words {
                    1.0 + weights.lead
                } else {
                    1.0
                };
                acc.add(&t.term, weight);
            }
            position += 1;
        });
        acc.name(&mut name, weights.names);
    }
    let Terms { counts, order } = acc;
    let terms = order.into_iter().filter_map(|t| counts.get(&t).map(|&w| (t, w))).collect();
    Analysis { lang, title: title_form, body: body_form, terms }
}

/// Weighted term counts in first-seen order.
#[derive(Default)]
struct Terms {
    counts: HashMap<String, f32>,
    order: Vec<String>,
}

impl Terms {
    fn add(&mut self, term: &str, weight: f32) {
        if let Some(w) = self.counts.get_mut(term) {
            *w += weight;
        } else {
            self.counts.insert(term.to_string(), weight);
            self.order.push(term.to_string());
        }
    }

    /// Counts a run of capitalised words as a name, if it is two words or more; empties it.
    fn name(&mut self, run: &mut Vec<String>, weight: f32) {
        if run.len() >= 2 {
            self.add(&run.join(" "), weight);
        }
        run.clear();
    }
}

/// A term worth keeping in a vector: not a bare number, and more than one letter (one
/// character is enough for CJK).
fn meaningful(term: &str) -> bool {
    let mut chars = term.chars();
    let Some(first) = chars.next() else { return false };
    if term.chars().all(|c| c.is_ascii_digit()) {
        // A figure can say which event it is (48 million, 3.5 per cent, game 12), but one
        // digit, a year or a day of the month says nothing.
        let year = term.len() == 4 && (term.starts_with("19") || term.starts_with("20"));
        return term.len() >= 2 && !year && term.parse::<u32>().is_ok_and(|n| n > 31);
    }
    chars.next().is_some() || is_cjk(first)
}

/// The forms a word the user typed may take in the index: as written (folded) and stemmed
/// in each of `languages`, without repeats.
pub fn query_forms(word: &str, languages: &[Lang]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |t: String| {
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    };
    if word.chars().any(is_cjk) {
        // Indexed as character pairs: the pairs in order, which FTS5 reads as a phrase.
        let mut pairs: Vec<String> = Vec::new();
        tokenize(word, Lang::default(), |t| pairs.push(t.term));
        push(pairs.join(" "));
        return out;
    }
    let lower = word.to_lowercase();
    push(fold(lower.clone()));
    for lang in languages {
        if let Some(l) = lang.language() {
            let stem = l.stemmer.stem(&lower);
            // A stem that is a stop word ("thes" → "the") would match nearly every article.
            if stem != lower && l.stopwords.contains(stem.as_ref()) {
                continue;
            }
            push(fold(stem.into_owned()));
        }
    }
    out
}

/// Whether a word is a stop word in any of `languages`.
pub fn is_stopword(word: &str, languages: &[Lang]) -> bool {
    let lower = word.to_lowercase();
    languages.iter().filter_map(|l| l.language()).any(|l| l.stopwords.contains(lower.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str, lang: &str) -> Vec<String> {
        let mut out = Vec::new();
        tokenize(text, Lang::from_code(lang), |t| out.push(t.term));
        out
    }

    #[test]
    fn languages_are_detected() {
        let en = "The central bank left interest rates unchanged on Wednesday, saying inflation was still too high.";
        let de = "Die Lokführer der Bahn streiken erneut, Tausende Züge fallen am Donnerstag aus.";
        let fr = "Les députés ont adopté la réforme des retraites après un long débat à l'Assemblée.";
        let es = "La sequía obliga a Cataluña a imponer nuevas restricciones de agua a los municipios.";
        let ru =
            "Ракета-носитель «Союз» стартовала с космодрома Байконур к Международной космической станции.";
        for (text, code) in [(en, "en"), (de, "de"), (fr, "fr"), (es, "es"), (ru, "ru")] {
            assert_eq!(detect(text, Lang::default()).code(), Some(code), "{text}");
        }
        assert_eq!(detect("ok", Lang::from_code("fr")).code(), Some("fr"), "too short: the fallback");
    }

    #[test]
    fn a_headline_alone_keeps_its_feeds_language_unless_the_script_says_otherwise() {
        let headline = "Drug lord captured by marines in Mexico";
        let en = Lang::from_code("en");
        assert_ne!(detect(headline, Lang::default()).code(), Some("en"), "alone, the detector guesses wrong");
        assert_eq!(detect(headline, en).code(), Some("en"));
        let ru = "Ракета-носитель «Союз» стартовала с Байконура";
        assert_eq!(detect(ru, en).code(), Some("ru"), "another script overrules the feed's language");
    }

    #[test]
    fn words_are_stemmed_folded_and_split() {
        assert_eq!(terms("Strikes, striking: the STRIKE!", "en"), ["strike", "strike", "the", "strike"]);
        assert_eq!(terms("Streiks der Lokführer", "de"), ["streik", "der", "lokfuhr"]);
        assert_eq!(terms("l'économie française", "fr"), ["l", "econom", "francais"]);
        assert_eq!(terms("запуска запуск", "ru"), ["запуск", "запуск"]);
        assert_eq!(terms("Café", "xx"), ["cafe"], "an unknown language is folded, not stemmed");
    }

    #[test]
    fn cjk_runs_become_pairs() {
        assert_eq!(terms("新幹線が開業", "xx"), ["新幹", "幹線", "線が", "が開", "開業"]);
        assert_eq!(terms("米 price", "en"), ["米", "price"]);
    }

    #[test]
    fn analysis_weights_title_lead_and_names() {
        let weights = Weights { lead_words: 3, ..Weights::default() };
        let a = analyze(
            "Reef survey",
            "Divers surveyed the reef. Scientists at the Great Barrier Reef said the reef was bleaching, 2026.",
            &weights,
        );
        assert_eq!(a.lang.code(), Some("en"));
        let w: HashMap<&str, f32> = a.terms.iter().map(|(t, w)| (t.as_str(), *w)).collect();
        // "survey": title 3 + lead 1.5 ("surveyed" is the body's second word) = 4.5; "reef":
        // title 3 + three times in the body, after the lead.
        assert!((w["survey"] - 4.5).abs() < 1e-6);
        assert!((w["reef"] - 6.0).abs() < 1e-6);
        assert!((w["great barrier reef"] - 1.0).abs() < 1e-6, "a name is a term of its own");
        assert!(!w.contains_key("the") && !w.contains_key("said") && !w.contains_key("2026"));
        assert!(!w.contains_key("scientist great"), "a sentence's first word does not start a name");
        assert_eq!(a.title, "reef survey");
    }

    #[test]
    fn query_forms_cover_each_language() {
        let langs = [Lang::from_code("en"), Lang::from_code("de")];
        assert_eq!(query_forms("Streiks", &langs), ["streiks", "streik"]);
        assert_eq!(query_forms("élections", &[Lang::from_code("fr")]), ["elections", "elect"]);
        assert!(is_stopword("The", &langs) && !is_stopword("reef", &langs));
        assert_eq!(query_forms("米価格", &langs), ["米価 価格"], "CJK as the index holds it: pairs");
        assert_eq!(query_forms("thes", &langs), ["thes"], "not the stop word its stem would be");
    }
}
