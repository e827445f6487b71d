//! A generated world of news for the index benchmark, realistic enough for a full-text index
//! and for "read also":
//!
//! - a vocabulary of 60,000 pronounceable pseudo-words with Zipf-distributed frequencies (a few
//!   % with diacritics); its most frequent ranks are English function words and common news
//!   words, so language detection, stemming and stop words behave as on English text;
//! - 300 topics of 40 words, and a story per 50 articles (20,000 per million), each of 15–30
//!   story words: some its topic's, the others its own, two or three of them names (written
//!   capitalised, some of two words);
//! - article `k` (0 = the newest) is dated `k × 63 s` back (a million span two years) and tells
//!   a story centred within ±1.5 days of it, so a story's articles spread over three days and
//!   over the feeds; its title is 6–10 words, mostly the story's; its body 150–400 words in
//!   sentences and `<p>` paragraphs, about 30 % story words and 70 % background words.
//!
//! Everything is a function of the seed and the article's number: any article can be made on
//! any thread, in any order.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use tidings::domain::{NewArticle, ParsedFeed};

use crate::feedgen::Rng;

/// Distinct words.
pub const VOCABULARY: usize = 60_000;
/// Seconds between consecutive articles: a million articles span two years.
pub const SPACING: i64 = 63;
/// Articles per story, on average.
const STORY_EVERY: i64 = 50;
/// A story's articles fall within this many articles of its centre (±1.5 days).
const STORY_REACH: i64 = 3 * 86_400 / 2 / SPACING;
/// Topics, and words per topic.
const TOPICS: usize = 300;
const TOPIC_WORDS: usize = 40;
/// Share of a body's words taken from its story, and of a title's.
const STORY_SHARE_BODY: f64 = 0.3;
const STORY_SHARE_TITLE: f64 = 0.7;
/// Share of words written with a diacritic.
const ACCENTED: f64 = 0.03;

/// The most frequent ranks: English function words and the commonest words of news, in rough
/// order of frequency.
const ENGLISH: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "it",
    "with",
    "as",
    "was",
    "by",
    "at",
    "he",
    "be",
    "this",
    "from",
    "are",
    "have",
    "has",
    "an",
    "not",
    "but",
    "or",
    "they",
    "his",
    "her",
    "their",
    "which",
    "will",
    "were",
    "been",
    "its",
    "after",
    "more",
    "who",
    "had",
    "we",
    "said",
    "over",
    "than",
    "about",
    "into",
    "up",
    "out",
    "when",
    "there",
    "all",
    "can",
    "other",
    "she",
    "would",
    "some",
    "what",
    "also",
    "new",
    "while",
    "before",
    "could",
    "people",
    "year",
    "under",
    "first",
    "between",
    "two",
    "against",
    "during",
    "last",
    "through",
    "most",
    "only",
    "these",
    "those",
    "because",
    "where",
    "then",
    "both",
    "each",
    "such",
    "very",
    "so",
    "no",
    "just",
    "now",
    "how",
    "our",
    "them",
    "him",
    "you",
    "if",
    "any",
    "even",
    "back",
    "well",
    "still",
    "since",
    "down",
    "off",
    "being",
    "did",
    "do",
    "made",
    "make",
    "three",
    "day",
    "week",
    "time",
    "government",
    "city",
    "police",
    "report",
    "state",
    "country",
    "public",
    "local",
    "former",
    "national",
    "president",
    "minister",
    "company",
    "market",
    "group",
    "part",
    "percent",
    "million",
    "including",
    "according",
    "told",
    "says",
    "many",
    "may",
    "should",
    "world",
    "work",
    "home",
    "family",
    "around",
    "another",
    "much",
    "long",
    "early",
    "later",
];

const ONSETS: &[&str] = &[
    "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "cr", "dr",
    "fr", "gr", "pr", "tr", "st", "sp", "sl", "pl", "bl", "cl", "gl", "ch", "sh", "th", "qu", "",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "a", "e", "i", "o", "ee", "oo", "ea", "ay", "ow"];
const CODAS: &[&str] =
    &["", "", "n", "r", "s", "l", "m", "t", "nd", "rt", "st", "nt", "ck", "ng", "th", "sh", "ll", "ss", "rd"];
const ACCENTS: &[(char, &[char])] = &[
    ('a', &['á', 'ä', 'å', 'à']),
    ('e', &['é', 'è', 'ë']),
    ('i', &['í', 'ï']),
    ('o', &['ö', 'ó', 'ø']),
    ('u', &['ü', 'ú']),
    ('c', &['ç']),
    ('n', &['ñ']),
];

/// A uniform number in [0, 1).
fn unit(rng: &mut Rng) -> f64 {
    (rng.next() >> 11) as f64 / (1u64 << 53) as f64
}

/// A generator for the `n`-th thing of kind `kind` (articles, stories, topics …).
fn rng_for(seed: u64, kind: u64, n: u64) -> Rng {
    let mut mix =
        Rng::new(seed ^ kind.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ n.wrapping_mul(0xd1b5_4a32_d192_ed03));
    Rng::new(mix.next())
}

/// Word ranks drawn by Zipf's law (exponent 1): a cumulative table and a guide table that
/// narrows each draw's binary search to a few entries.
struct Zipf {
    cdf: Vec<f64>,
    guide: Vec<u32>,
}

impl Zipf {
    fn new(n: usize) -> Self {
        let mut cdf = Vec::with_capacity(n);
        let mut sum = 0.0;
        for r in 1..=n {
            sum += 1.0 / r as f64;
            cdf.push(sum);
        }
        for c in &mut cdf {
            *c /= sum;
        }
        let buckets = 1 << 16;
        let guide = (0..=buckets)
            .map(|i| cdf.partition_point(|&c| c < f64::from(i) / f64::from(buckets)).min(n - 1) as u32)
            .collect();
        Self { cdf, guide }
    }

    /// A rank (0 = the most frequent).
    fn sample(&self, rng: &mut Rng) -> usize {
        let u = unit(rng);
        let b = (u * (self.guide.len() - 1) as f64) as usize;
        let (lo, hi) = (self.guide[b] as usize, self.guide[b + 1] as usize + 1);
        lo + self.cdf[lo..hi.min(self.cdf.len())].partition_point(|&c| c <= u)
    }
}

/// A rank drawn log-uniformly from `lo..hi`: as many from 300–3,000 as from 3,000–30,000.
fn log_uniform(rng: &mut Rng, lo: usize, hi: usize) -> u32 {
    let (a, b) = ((lo as f64).ln(), (hi as f64).ln());
    ((a + unit(rng) * (b - a)).exp() as usize).clamp(lo, hi - 1) as u32
}

/// One of a story's phrases: a word, or a name of one or two capitalised words.
#[derive(Clone, Copy)]
struct Phrase {
    words: [u32; 2],
    len: usize,
    name: bool,
}

/// A story: its phrases and their cumulative weights (a few dominate, as a story's key words do).
struct Story {
    phrases: Vec<Phrase>,
    cumulative: Vec<f64>,
}

impl Story {
    fn pick(&self, rng: &mut Rng) -> Phrase {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let i = self.cumulative.partition_point(|&c| c <= unit(rng) * total);
        self.phrases[i.min(self.phrases.len() - 1)]
    }
}

/// A search query and what kind of words it is made of.
pub struct Query {
    /// The words as typed.
    pub text: String,
    /// `"common words"` (background vocabulary by frequency) or `"story words"`.
    pub kind: &'static str,
    /// Whether the last word is cut short (a prefix).
    pub prefix: bool,
}

/// The vocabulary, its frequencies and the topics; articles and stories are made on demand.
pub struct World {
    seed: u64,
    words: Vec<String>,
    zipf: Zipf,
    topics: Vec<Vec<u32>>,
}

impl World {
    /// The world of `seed`.
    pub fn new(seed: u64) -> Self {
        let mut rng = rng_for(seed, 1, 0);
        let mut seen: HashSet<String> = ENGLISH.iter().map(|w| (*w).to_string()).collect();
        let mut words: Vec<String> = ENGLISH.iter().map(|w| (*w).to_string()).collect();
        while words.len() < VOCABULARY {
            let w = pseudo_word(&mut rng, words.len());
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let topics = (0..TOPICS)
            .map(|t| {
                let mut r = rng_for(seed, 2, t as u64);
                (0..TOPIC_WORDS).map(|_| log_uniform(&mut r, 300, 20_000)).collect()
            })
            .collect();
        Self { seed, words, zipf: Zipf::new(VOCABULARY), topics }
    }

    /// The story article `k` tells.
    pub fn story_of(&self, k: u64) -> i64 {
        let mut rng = rng_for(self.seed, 3, k);
        // Triangular around the article: most of a story's articles are near its centre.
        let offset = (unit(&mut rng) + unit(&mut rng) - 1.0) * STORY_REACH as f64;
        (k as i64 + offset as i64).div_euclid(STORY_EVERY)
    }

    fn story(&self, s: i64) -> Story {
        let mut rng = rng_for(self.seed, 4, s as u64);
        let topic = &self.topics[rng.range(0, TOPICS)];
        let n = rng.range(15, 31);
        let mut phrases: Vec<Phrase> = Vec::with_capacity(n);
        for i in 0..n {
            let word = |rng: &mut Rng, lo: usize| log_uniform(rng, lo, VOCABULARY);
            let phrase = match i {
                // Two or three names: the first of two words ("Kelvor Tessan"), the others of one.
                0 => Phrase { words: [word(&mut rng, 1_000), word(&mut rng, 1_000)], len: 2, name: true },
                1 => Phrase { words: [word(&mut rng, 2_000), 0], len: 1, name: true },
                2 if rng.range(0, 2) == 0 => Phrase { words: [word(&mut rng, 2_000), 0], len: 1, name: true },
                _ if i % 3 == 0 => {
                    Phrase { words: [topic[rng.range(0, topic.len())], 0], len: 1, name: false }
                }
                _ => Phrase { words: [word(&mut rng, 200), 0], len: 1, name: false },
            };
            phrases.push(phrase);
        }
        // Shuffled, then weighted by position: which words dominate differs per story.
        for i in (1..phrases.len()).rev() {
            phrases.swap(i, rng.range(0, i + 1));
        }
        let mut sum = 0.0;
        let cumulative = (0..phrases.len())
            .map(|i| {
                sum += 1.0 / (i as f64 + 1.0).powf(0.8);
                sum
            })
            .collect();
        Story { phrases, cumulative }
    }

    fn push_phrase(&self, out: &mut Vec<String>, p: Phrase) {
        for &w in &p.words[..p.len] {
            let word = &self.words[w as usize];
            out.push(if p.name { capitalised(word) } else { word.clone() });
        }
    }

    /// Words of a title or sentence: `n` or a word more, `share` of them from the story; a
    /// title (`distinct`) repeats no story word.
    fn words(&self, rng: &mut Rng, story: &Story, n: usize, share: f64, distinct: bool) -> Vec<String> {
        let mut out = Vec::with_capacity(n + 1);
        let mut used: Vec<u32> = Vec::new();
        while out.len() < n {
            if unit(rng) < share {
                let p = story.pick(rng);
                if distinct {
                    if used.contains(&p.words[0]) {
                        continue;
                    }
                    used.push(p.words[0]);
                }
                self.push_phrase(&mut out, p);
            } else if unit(rng) < 0.02 {
                out.push(rng.range(2, 5_000).to_string());
            } else {
                out.push(self.words[self.zipf.sample(rng)].clone());
            }
        }
        out
    }

    /// Article `k`, linked under `site`, dated `published`.
    pub fn article(&self, k: u64, site: &str, published: DateTime<Utc>) -> NewArticle {
        let mut rng = rng_for(self.seed, 5, k);
        let story = self.story(self.story_of(k));
        let n = rng.range(6, 11);
        let mut title = self.words(&mut rng, &story, n, STORY_SHARE_TITLE, true).join(" ");
        title = capitalised(&title);
        let target = rng.range(150, 401);
        let mut html = String::with_capacity(target * 8);
        let mut written = 0;
        while written < target {
            html.push_str("<p>");
            for s in 0..rng.range(2, 6) {
                let n = rng.range(8, 26);
                let words = self.words(&mut rng, &story, n, STORY_SHARE_BODY, false);
                written += words.len();
                if s > 0 {
                    html.push(' ');
                }
                for (i, w) in words.iter().enumerate() {
                    if i == 0 {
                        html.push_str(&capitalised(w));
                    } else {
                        html.push_str(if unit(&mut rng) < 0.06 { ", " } else { " " });
                        html.push_str(w);
                    }
                }
                html.push('.');
            }
            html.push_str("</p>\n");
        }
        let link = format!("{site}{k}");
        NewArticle {
            key: link.clone(),
            title,
            link: Some(link),
            author: None,
            published: Some(published),
            updated: None,
            categories: Vec::new(),
            summary_html: None,
            content_html: Some(html),
            enclosures: Vec::new(),
        }
    }

    /// The date of article `k` when the newest is `newest`: `k × SPACING` back, give or take.
    pub fn date(&self, k: u64, newest: DateTime<Utc>) -> DateTime<Utc> {
        let jitter = rng_for(self.seed, 6, k).range(0, SPACING as usize) as i64;
        newest - chrono::Duration::seconds(k as i64 * SPACING + jitter)
    }

    /// Feed `f` (of a cache) with articles `ks`, newest first.
    pub fn feed(&self, f: usize, ks: impl Iterator<Item = usize>, newest: DateTime<Utc>) -> ParsedFeed {
        let site = format!("https://news{f}.example.com/");
        let outlet = ["Times", "Post", "Ledger", "Courier"][f % 4];
        ParsedFeed {
            title: Some(format!("The {} {outlet}", capitalised(&self.words[1_000 + f % 50_000]))),
            site_url: Some(site.clone()),
            entries: ks.map(|k| self.article(k as u64, &site, self.date(k as u64, newest))).collect(),
            ttl: None,
        }
    }

    /// `n` search queries of 1–3 words: two in three from the background vocabulary by its
    /// frequencies (function words skipped, so common and rare words both occur), one in three
    /// from the story of a random article among the first `articles`; about a third with the
    /// last word cut to a prefix of 3–5 letters.
    pub fn queries(&self, n: usize, articles: usize, seed: u64) -> Vec<Query> {
        let mut rng = rng_for(self.seed ^ seed, 7, 0);
        (0..n)
            .map(|_| {
                let len = rng.range(1, 4);
                let story =
                    (rng.range(0, 3) == 0).then(|| self.story(self.story_of(rng.range(0, articles) as u64)));
                let mut words: Vec<String> = Vec::with_capacity(len);
                while words.len() < len {
                    let w = match &story {
                        Some(s) => s.pick(&mut rng).words[0],
                        None => self.zipf.sample(&mut rng) as u32,
                    };
                    let word = &self.words[w as usize];
                    if (w as usize) >= ENGLISH.len() && !words.contains(word) {
                        words.push(word.clone());
                    }
                }
                let mut prefix = false;
                if let Some(last) = words.last_mut() {
                    let keep = rng.range(3, 6);
                    if rng.range(0, 3) == 0 && last.chars().count() > keep + 1 {
                        *last = last.chars().take(keep).collect();
                        prefix = true;
                    }
                }
                Query {
                    text: words.join(" "),
                    kind: if story.is_some() { "story words" } else { "common words" },
                    prefix,
                }
            })
            .collect()
    }
}

/// A pronounceable word for frequency rank `rank`: frequent words are short (one or two
/// syllables), rare ones long (three or four).
fn pseudo_word(rng: &mut Rng, rank: usize) -> String {
    let syllables = 1
        + rng.range(0, 2)
        + ((rank as f64).log10() as usize).saturating_sub(1) / 2
        + usize::from(rank > 20_000);
    let mut w = String::new();
    for _ in 0..syllables {
        w.push_str(rng.pick(ONSETS));
        w.push_str(rng.pick(VOWELS));
        if rng.range(0, 3) == 0 {
            w.push_str(rng.pick(CODAS));
        }
    }
    if unit(rng) < ACCENTED {
        let letters: Vec<char> = w.chars().collect();
        let at = rng.range(0, letters.len());
        if let Some((_, marked)) = ACCENTS.iter().find(|(c, _)| *c == letters[at]) {
            return letters
                .iter()
                .enumerate()
                .map(|(i, &c)| if i == at { marked[rng.range(0, marked.len())] } else { c })
                .collect();
        }
    }
    w
}

/// The word with its first letter in upper case.
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// A feed of these articles as RSS 2.0 (for the loopback server).
pub fn rss(title: &str, site: &str, items: &[NewArticle]) -> Vec<u8> {
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>{}</title>\
         <link>{site}</link><description>Generated news</description>\n",
        escape(title)
    );
    for a in items {
        let link = a.link.as_deref().unwrap_or(site);
        out.push_str(&format!(
            "<item><title>{}</title><link>{link}</link><guid>{link}</guid><pubDate>{}</pubDate>\
             <description>{}</description></item>\n",
            escape(&a.title),
            a.published.map(|d| d.to_rfc2822()).unwrap_or_default(),
            escape(a.content_html.as_deref().unwrap_or_default()),
        ));
    }
    out.push_str("</channel></rss>\n");
    out.into_bytes()
}
