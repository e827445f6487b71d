//! Feed boilerplate: what most articles of one feed share because the feed puts it there, not
//! because the articles are about it: a publisher's name around every headline ("… – CNN",
//! "Opinion | …") and the phrases of every body ("Read more", "The post … appeared first on
//! …", a newsletter's footer). Learned per feed from a sample of its articles and taken out
//! before an article is indexed, so two articles of one feed are not "related" through their
//! feed's furniture, and a CNN story is not related to every other CNN story.

use std::collections::{HashMap, HashSet};

use xxhash_rust::xxh3::xxh3_64;

/// Articles a feed needs before anything is called boilerplate.
pub const MIN_SAMPLE: usize = 5;
/// Articles of a feed looked at, newest first.
pub const SAMPLE: usize = 40;
/// Share of a feed's titles that carry a prefix or suffix for it to be the feed's.
const TITLE_SHARE: f32 = 0.4;
/// Share of a feed's articles a phrase must occur in for it to be the feed's.
const PHRASE_SHARE: f32 = 0.5;
/// Words in a phrase: long enough that a story's own words rarely repeat across half a feed.
const SHINGLE: usize = 4;
/// Words at most in a title prefix or suffix ("The New York Times", "BBC News – World").
const AFFIX_WORDS: usize = 6;
/// What separates a headline from the publisher's part.
const SEPARATORS: [&str; 7] = [" - ", " – ", " — ", " | ", " · ", " :: ", ": "];

/// What one feed's articles share.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Boilerplate {
    /// Title prefixes and suffixes, lower case.
    affixes: HashSet<String>,
    /// Phrases of [`SHINGLE`] words (hashes of the lower-case words).
    phrases: HashSet<u64>,
}

impl Boilerplate {
    /// Learns from a feed's articles (title, plain text). Fewer than [`MIN_SAMPLE`] teach
    /// nothing.
    pub fn learn<'a>(articles: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut n = 0usize;
        let mut affixes: HashMap<String, usize> = HashMap::new();
        let mut phrases: HashMap<u64, usize> = HashMap::new();
        for (title, text) in articles {
            n += 1;
            let (first, last) = affix_candidates(title);
            for a in [first, last].into_iter().flatten() {
                *affixes.entry(a).or_default() += 1;
            }
            let words = words(text);
            let mut seen: HashSet<u64> = HashSet::new();
            for window in words.windows(SHINGLE) {
                seen.insert(shingle(text, window));
            }
            for h in seen {
                *phrases.entry(h).or_default() += 1;
            }
        }
        if n < MIN_SAMPLE {
            return Self::default();
        }
        let needed = |share: f32| ((n as f32 * share).ceil() as usize).max(3);
        Self {
            affixes: affixes.into_iter().filter(|(_, c)| *c >= needed(TITLE_SHARE)).map(|(a, _)| a).collect(),
            phrases: phrases
                .into_iter()
                .filter(|(_, c)| *c >= needed(PHRASE_SHARE))
                .map(|(h, _)| h)
                .collect(),
        }
    }

    /// Whether nothing was learned.
    pub fn is_empty(&self) -> bool {
        self.affixes.is_empty() && self.phrases.is_empty()
    }

    /// The headline without the feed's prefix and suffix (unchanged when that would leave
    /// nothing).
    pub fn title<'a>(&self, title: &'a str) -> &'a str {
        if self.affixes.is_empty() {
            return title;
        }
        let mut rest = title;
        if let Some((at, sep)) = first_separator(rest)
            && self.affixes.contains(&rest[..at].trim().to_lowercase())
        {
            rest = &rest[at + sep.len()..];
        }
        if let Some((at, _)) = last_separator(rest)
            && self.affixes.contains(&rest[at..].trim_start_matches(is_separator_char).trim().to_lowercase())
        {
            rest = &rest[..at];
        }
        let rest = rest.trim();
        if rest.is_empty() { title } else { rest }
    }

    /// The text without the feed's phrases.
    pub fn text(&self, text: &str) -> String {
        if self.phrases.is_empty() {
            return text.to_owned();
        }
        let words = words(text);
        let mut covered = vec![false; words.len()];
        for (i, window) in words.windows(SHINGLE).enumerate() {
            if self.phrases.contains(&shingle(text, window)) {
                covered[i..i + SHINGLE].iter_mut().for_each(|c| *c = true);
            }
        }
        if !covered.contains(&true) {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut from = 0;
        for (i, &(start, end)) in words.iter().enumerate() {
            if covered[i] {
                out.push_str(&text[from..start]);
                out.push(' ');
                from = end;
            }
        }
        out.push_str(&text[from..]);
        out
    }
}

/// Byte ranges of the words of a text.
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// The hash of a run of words, in lower case.
fn shingle(text: &str, window: &[(usize, usize)]) -> u64 {
    let mut joined = String::with_capacity(48);
    for &(s, e) in window {
        joined.push_str(&text[s..e].to_lowercase());
        joined.push(' ');
    }
    xxh3_64(joined.as_bytes())
}

fn is_separator_char(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | '|' | '·' | ':') || c.is_whitespace()
}

fn first_separator(title: &str) -> Option<(usize, &'static str)> {
    SEPARATORS.iter().filter_map(|s| title.find(s).map(|i| (i, *s))).min_by_key(|(i, _)| *i)
}

fn last_separator(title: &str) -> Option<(usize, &'static str)> {
    SEPARATORS.iter().filter_map(|s| title.rfind(s).map(|i| (i, *s))).max_by_key(|(i, _)| *i)
}

/// A title's first and last part, when it has parts short enough to be a publisher's.
fn affix_candidates(title: &str) -> (Option<String>, Option<String>) {
    let short = |s: &str| {
        let s = s.trim();
        let n = words(s).len();
        (n > 0 && n <= AFFIX_WORDS).then(|| s.to_lowercase())
    };
    let first = first_separator(title).and_then(|(at, _)| short(&title[..at]));
    let last =
        last_separator(title).and_then(|(at, _)| short(title[at..].trim_start_matches(is_separator_char)));
    (first, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cnn() -> Vec<(String, String)> {
        let stories = [
            ("Highland Park shooting suspect indicted", "A grand jury indicted the suspect on Wednesday."),
            ("Senate passes the climate bill", "The bill now goes to the House for a vote."),
            ("Heat wave grips Europe", "Temperatures above 40 degrees were recorded in Spain."),
            ("Fed raises rates again", "The central bank raised its benchmark rate by 0.75 points."),
            ("Wildfire forces evacuations", "Thousands of residents left their homes overnight."),
            ("Opinion | Why the vote matters", "Turnout will decide the outcome in November."),
        ];
        stories
            .iter()
            .map(|(t, b)| {
                (
                    format!("{t} – CNN"),
                    format!("{b} The post {t} appeared first on CNN Politics. Read more at CNN."),
                )
            })
            .collect()
    }

    fn learn(articles: &[(String, String)]) -> Boilerplate {
        Boilerplate::learn(articles.iter().map(|(t, b)| (t.as_str(), b.as_str())))
    }

    #[test]
    fn a_publishers_suffix_and_footer_are_learned_and_taken_out() {
        let b = learn(&cnn());
        assert_eq!(
            b.title("Highland Park shooting suspect indicted – CNN"),
            "Highland Park shooting suspect indicted"
        );
        assert_eq!(b.title("A new story - CNN"), "A new story", "any dash");
        assert_eq!(b.title("CNN"), "CNN", "a title that is all affix stays");
        let text = b.text(
            "Storms hit Texas. The post Storms hit Texas appeared first on CNN Politics. Read more at CNN.",
        );
        assert!(text.contains("Storms hit Texas."), "{text}");
        assert!(!text.contains("appeared first on CNN Politics"), "{text}");
        assert!(!text.contains("Read more at CNN"), "{text}");
    }

    #[test]
    fn a_story_word_is_not_boilerplate_and_rare_prefixes_stay() {
        let b = learn(&cnn());
        assert_eq!(
            b.title("Opinion | Why turnout matters – CNN"),
            "Opinion | Why turnout matters",
            "one opinion piece in six"
        );
        let text = b.text("The bill now goes to the House for a vote in the Senate.");
        assert_eq!(text, "The bill now goes to the House for a vote in the Senate.");
    }

    #[test]
    fn too_few_articles_teach_nothing() {
        let few = &cnn()[..MIN_SAMPLE - 1];
        assert!(learn(few).is_empty());
        let b = learn(few);
        assert_eq!(b.title("Heat wave grips Europe – CNN"), "Heat wave grips Europe – CNN");
    }

    #[test]
    fn colons_inside_headlines_are_not_taken_for_a_publisher() {
        let titles = [
            "Brexit: what happens next",
            "Analysis: the vote explained",
            "Ukraine: talks resume",
            "Weather: storms ahead",
            "Markets: stocks fall",
        ];
        let b = Boilerplate::learn(titles.iter().map(|t| (*t, "")));
        assert!(b.is_empty(), "{b:?}");
        assert_eq!(b.title("Brexit: what happens next"), "Brexit: what happens next");
    }
}
