//! The hand-labelled relevance sets of tests/data/relevance (see its FORMAT.md): loading them
//! into a real cache through the library, and the measures the quality test and the
//! `relevance_eval` example report.
#![allow(dead_code, clippy::unwrap_used, clippy::missing_panics_doc)]

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use tidings::config::RetentionConfig;
use tidings::domain::{ArticleId, NewArticle, NewFeed, ParsedFeed};
use tidings::store::{FetchRecord, PreparedFeed, Store};

/// One labelled article.
#[derive(Clone, Debug, Deserialize)]
pub struct Doc {
    pub id: String,
    pub feed: String,
    pub feed_url: String,
    pub lang: String,
    pub author: String,
    pub title: String,
    pub link: String,
    pub published: DateTime<Utc>,
    pub topic: Option<String>,
    pub story: Option<String>,
    pub html: String,
}

/// A search query and the articles that must come in its first three results.
#[derive(Clone, Debug, Deserialize)]
pub struct Query {
    pub query: String,
    pub expect: Vec<String>,
}

/// Hand grades of one query article's neighbours (3 same story … 1 loosely related).
#[derive(Clone, Debug, Deserialize)]
pub struct Judged {
    pub query: String,
    pub grades: HashMap<String, u32>,
}

/// The directory of the sets.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/relevance")
}

/// The files of the directory whose names start with `prefix` and end with `.jsonl`, sorted.
fn files(prefix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(prefix) && name.ends_with(".jsonl")
        })
        .collect();
    out.sort();
    out
}

fn jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> Vec<T> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1)))
        .collect()
}

/// Set (a): topic- and story-labelled articles.
pub fn set_a() -> Vec<Doc> {
    files("set-a").iter().flat_map(|p| jsonl::<Doc>(p)).collect()
}

/// Set (b): articles and their hand grades.
pub fn set_b() -> (Vec<Doc>, Vec<Judged>) {
    let docs = files("set-b").iter().flat_map(|p| jsonl::<Doc>(p)).collect();
    let judged =
        serde_json::from_str(&std::fs::read_to_string(data_dir().join("judged-b.json")).unwrap()).unwrap();
    (docs, judged)
}

/// The search queries of every set.
pub fn queries() -> Vec<Query> {
    files("queries-").iter().flat_map(|p| jsonl::<Query>(p)).collect()
}

/// A cache holding the articles, one subscription per feed, with each label's article id.
pub struct Loaded {
    pub store: Store,
    pub ids: HashMap<String, ArticleId>,
    pub labels: HashMap<ArticleId, String>,
    /// A day after the newest article: the clock rankings are computed at.
    pub now: DateTime<Utc>,
}

/// Stores the articles in a new cache at `db` through the library, as a refresh would. The
/// index is left for the caller to build.
pub fn load(db: &Path, docs: &[Doc]) -> Loaded {
    let mut store = Store::open(db).unwrap();
    let now = docs.iter().map(|d| d.published).max().unwrap_or_else(Utc::now) + chrono::Duration::days(1);
    let mut feeds: Vec<(&str, &str)> = Vec::new();
    for d in docs {
        if !feeds.iter().any(|(u, _)| *u == d.feed_url) {
            feeds.push((&d.feed_url, &d.feed));
        }
    }
    for (url, title) in feeds {
        let id = store.add_feed(&NewFeed { url: url.into(), ..NewFeed::default() }, now).unwrap().id;
        let entries: Vec<NewArticle> = docs
            .iter()
            .filter(|d| d.feed_url == url)
            .map(|d| NewArticle {
                key: d.id.clone(),
                title: d.title.clone(),
                link: Some(d.link.clone()),
                author: Some(d.author.clone()),
                published: Some(d.published),
                content_html: Some(d.html.clone()),
                ..NewArticle::default()
            })
            .collect();
        let parsed = ParsedFeed { title: Some(title.to_string()), entries, ..ParsedFeed::default() };
        let prepared: PreparedFeed = parsed.into();
        let retention = RetentionConfig { keep_days: 0, keep_per_feed: 0, ..RetentionConfig::default() };
        store.ingest(id, &FetchRecord::default(), &prepared, &retention, now).unwrap();
    }
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut ids = HashMap::new();
    let mut labels = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, key FROM articles").unwrap();
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))).unwrap() {
        let (id, key) = row.unwrap();
        ids.insert(key.clone(), ArticleId(id));
        labels.insert(ArticleId(id), key);
    }
    assert_eq!(ids.len(), docs.len(), "every labelled article is stored once");
    Loaded { store, ids, labels, now }
}

/// Indexes everything.
pub fn index_all(store: &mut Store) {
    while store.index_some(500).unwrap().remaining > 0 {}
}

/// Discounted cumulative gain of the first `k` grades.
fn dcg(grades: impl Iterator<Item = u32>, k: usize) -> f64 {
    grades.take(k).enumerate().map(|(i, g)| (2f64.powi(g as i32) - 1.0) / ((i + 2) as f64).log2()).sum()
}

/// NDCG@k of a ranked list of labels against one query's grades.
pub fn ndcg(ranked: &[String], grades: &HashMap<String, u32>, k: usize) -> f64 {
    let mut ideal: Vec<u32> = grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let best = dcg(ideal.into_iter(), k);
    if best == 0.0 {
        return 0.0;
    }
    dcg(ranked.iter().map(|l| grades.get(l).copied().unwrap_or(0)), k) / best
}

/// Pairwise precision, recall and F1 of predicted groups against labelled ones. Groups are
/// sets of labels; an article in no group is alone.
pub fn pair_f1(predicted: &[HashSet<String>], truth: &[HashSet<String>]) -> (f64, f64, f64) {
    let pairs = |groups: &[HashSet<String>]| -> HashSet<(String, String)> {
        let mut out = HashSet::new();
        for g in groups {
            let mut members: Vec<&String> = g.iter().collect();
            members.sort();
            for (i, a) in members.iter().enumerate() {
                for b in &members[i + 1..] {
                    out.insert(((*a).clone(), (*b).clone()));
                }
            }
        }
        out
    };
    let (p, t) = (pairs(predicted), pairs(truth));
    let hit = p.intersection(&t).count() as f64;
    let precision = if p.is_empty() { 1.0 } else { hit / p.len() as f64 };
    let recall = if t.is_empty() { 1.0 } else { hit / t.len() as f64 };
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    (precision, recall, f1)
}

/// The labelled same-story groups of a set.
pub fn story_labels(docs: &[Doc]) -> Vec<HashSet<String>> {
    let mut by: HashMap<&str, HashSet<String>> = HashMap::new();
    for d in docs {
        if let Some(s) = &d.story {
            by.entry(s).or_default().insert(d.id.clone());
        }
    }
    by.into_values().collect()
}

/// The textbook baseline: bag of lower-case words of title and text, raw tf × ln(N/df), cosine.
pub struct TfIdf {
    vectors: Vec<HashMap<String, f64>>,
    labels: Vec<String>,
}

impl TfIdf {
    pub fn new(docs: &[Doc]) -> Self {
        let bags: Vec<HashMap<String, f64>> = docs
            .iter()
            .map(|d| {
                let text = format!("{} {}", d.title, tidings::index::index_text(&d.html));
                let mut bag = HashMap::new();
                for w in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
                    *bag.entry(w.to_lowercase()).or_default() += 1.0;
                }
                bag
            })
            .collect();
        let mut df: HashMap<&str, f64> = HashMap::new();
        for bag in &bags {
            for t in bag.keys() {
                *df.entry(t).or_default() += 1.0;
            }
        }
        let n = docs.len() as f64;
        let vectors = bags
            .iter()
            .map(|bag| {
                let mut v: HashMap<String, f64> =
                    bag.iter().map(|(t, tf)| (t.clone(), tf * (n / df[t.as_str()]).ln())).collect();
                let norm = v.values().map(|w| w * w).sum::<f64>().sqrt();
                if norm > 0.0 {
                    for w in v.values_mut() {
                        *w /= norm;
                    }
                }
                v
            })
            .collect();
        Self { vectors, labels: docs.iter().map(|d| d.id.clone()).collect() }
    }

    /// The `k` labels most similar to `label` (itself excluded).
    pub fn related(&self, label: &str, k: usize) -> Vec<String> {
        let Some(q) = self.labels.iter().position(|l| l == label) else { return Vec::new() };
        let mut scored: Vec<(f64, usize)> = (0..self.vectors.len())
            .filter(|&i| i != q)
            .map(|i| {
                (self.vectors[q].iter().map(|(t, w)| w * self.vectors[i].get(t).unwrap_or(&0.0)).sum(), i)
            })
            .filter(|(s, _)| *s > 0.0)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().take(k).map(|(_, i)| self.labels[i].clone()).collect()
    }
}
