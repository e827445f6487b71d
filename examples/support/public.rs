//! The public sets of tests/data/public (see its README.md), labelled by people rather than by
//! the team: loading them into a real cache through `relevance::load`, a plain TF-IDF cosine
//! baseline computed on the same articles, and the measures the `public_eval` example and
//! tests/public_relevance.rs report.
//!
//! Two kinds of labels:
//! - graded pairs (`pairs.jsonl`): people rated how similar two articles are;
//! - event labels (`story` and `topic` of each article): people marked which articles report
//!   the same event, and which events belong to one topic.
#![allow(dead_code, clippy::missing_panics_doc)]

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use tidings::index::RelatedConfig;

use crate::relevance::{self, Doc, Loaded};

/// The date of every article of a set that records none: time then plays no part in either
/// ranking.
pub const NO_DATE: &str = "2020-06-01T12:00:00Z";

/// One line of a set's `articles.jsonl`.
#[derive(Clone, Debug, Deserialize)]
struct Row {
    id: String,
    title: String,
    #[serde(default)]
    html: String,
    feed: Option<String>,
    link: Option<String>,
    published: Option<DateTime<Utc>>,
    topic: Option<String>,
    story: Option<String>,
}

/// One line of a set's `pairs.jsonl`: two articles and the people's mean rating.
#[derive(Clone, Debug, Deserialize)]
pub struct Pair {
    pub a: String,
    pub b: String,
    pub score: f64,
}

/// What a set's README says about its scale, read from `scale.json` beside the pairs.
#[derive(Clone, Debug, Deserialize)]
pub struct Scale {
    /// The highest rating.
    pub max: f64,
    /// A pair rated at least this is "very similar".
    pub very_similar: f64,
    /// A pair rated at least this is relevant at all (a grade above 0 in NDCG).
    pub relevant: f64,
}

/// A public set.
pub struct Set {
    pub name: String,
    pub docs: Vec<Doc>,
    pub pairs: Vec<Pair>,
    pub scale: Option<Scale>,
}

impl Set {
    /// People rated pairs of its articles.
    pub fn graded(&self) -> bool {
        !self.pairs.is_empty()
    }

    /// People marked its articles' events.
    pub fn events(&self) -> bool {
        self.docs.iter().any(|d| d.story.is_some())
    }
}

/// The directory of the committed sets.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/public")
}

/// The names of the sets in `dir` (sub-directories holding an `articles.jsonl`), sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .expect("the sets' directory reads")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("articles.jsonl").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

fn jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> Vec<T> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1)))
        .collect()
}

/// A name fit for a host name.
fn slug(s: &str) -> String {
    let mut out: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    out.truncate(60);
    out.trim_matches('-').to_string()
}

/// Reads the set `name` of `dir`. An article with no feed is its own feed; one with no date
/// gets [`NO_DATE`].
pub fn load_set(dir: &Path, name: &str) -> Set {
    let base = dir.join(name);
    let date: DateTime<Utc> = NO_DATE.parse().expect("a date");
    let docs = jsonl::<Row>(&base.join("articles.jsonl"))
        .into_iter()
        .map(|r| {
            let feed = r.feed.clone().unwrap_or_else(|| format!("{name} {}", r.id));
            let host = format!("{}.example", slug(&feed));
            Doc {
                link: r.link.unwrap_or_else(|| format!("https://{host}/{}", slug(&r.id))),
                feed_url: format!("https://{host}/feed"),
                feed,
                lang: "en".into(),
                author: String::new(),
                title: r.title,
                published: r.published.unwrap_or(date),
                topic: r.topic,
                story: r.story,
                html: r.html,
                id: r.id,
            }
        })
        .collect();
    let pairs_path = base.join("pairs.jsonl");
    let pairs = if pairs_path.is_file() { jsonl::<Pair>(&pairs_path) } else { Vec::new() };
    let scale_path = base.join("scale.json");
    let scale = scale_path.is_file().then(|| {
        serde_json::from_str(&std::fs::read_to_string(&scale_path).expect("scale.json reads"))
            .expect("scale.json parses")
    });
    Set { name: name.to_string(), docs, pairs, scale }
}

/// A cache of the set's articles, indexed by the reader's own code.
pub fn cache(set: &Set) -> (tempfile::TempDir, Loaded) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut l = relevance::load(&dir.path().join("cache.db"), &set.docs);
    relevance::index_all(&mut l.store);
    (dir, l)
}

/// tidings' "read also" list for one article: labels and scores, best first.
pub fn tidings_list(l: &Loaded, label: &str, k: usize) -> Vec<(String, f64)> {
    tidings_list_with(l, label, k, &RelatedConfig::default())
}

/// [`tidings_list`] ranked with another configuration.
pub fn tidings_list_with(l: &Loaded, label: &str, k: usize, config: &RelatedConfig) -> Vec<(String, f64)> {
    let article = l.store.article(l.ids[label]).expect("the cache reads").expect("the article is stored");
    l.store
        .related_scored(&article, k, l.now.timestamp(), config)
        .expect("related articles")
        .into_iter()
        .map(|(s, score)| (l.labels[&s.id].clone(), f64::from(score)))
        .collect()
}

/// The same-story groups the indexer found, as sets of labels.
pub fn tidings_groups(l: &Loaded) -> Vec<HashSet<String>> {
    l.store
        .story_groups()
        .expect("story groups")
        .into_iter()
        .map(|g| g.into_iter().map(|id| l.labels[&id].clone()).collect())
        .collect()
}

/// The textbook baseline, as `relevance::TfIdf` computes it (bag of lower-case words of title
/// and text, raw tf × ln(N/df), cosine), with an inverted index so a whole row of
/// similarities costs what the query's terms' postings cost.
pub struct Baseline {
    labels: Vec<String>,
    index: HashMap<String, usize>,
    vectors: Vec<Vec<(u32, f64)>>,
    postings: Vec<Vec<(u32, f64)>>,
}

impl Baseline {
    pub fn new(docs: &[Doc]) -> Self {
        let mut vocabulary: HashMap<String, u32> = HashMap::new();
        let bags: Vec<HashMap<u32, f64>> = docs
            .iter()
            .map(|d| {
                let text = format!("{} {}", d.title, tidings::index::index_text(&d.html));
                let mut bag = HashMap::new();
                for w in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
                    let next = vocabulary.len() as u32;
                    let id = *vocabulary.entry(w.to_lowercase()).or_insert(next);
                    *bag.entry(id).or_default() += 1.0;
                }
                bag
            })
            .collect();
        let mut df = vec![0f64; vocabulary.len()];
        for bag in &bags {
            for t in bag.keys() {
                df[*t as usize] += 1.0;
            }
        }
        let n = docs.len() as f64;
        let mut postings: Vec<Vec<(u32, f64)>> = vec![Vec::new(); vocabulary.len()];
        let vectors: Vec<Vec<(u32, f64)>> = bags
            .iter()
            .enumerate()
            .map(|(i, bag)| {
                let mut v: Vec<(u32, f64)> = bag
                    .iter()
                    .map(|(t, tf)| (*t, tf * (n / df[*t as usize]).ln()))
                    .filter(|(_, w)| *w > 0.0)
                    .collect();
                v.sort_by_key(|(t, _)| *t);
                let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
                for (t, w) in &mut v {
                    *w /= norm;
                    postings[*t as usize].push((i as u32, *w));
                }
                v
            })
            .collect();
        let labels: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
        let index = labels.iter().enumerate().map(|(i, l)| (l.clone(), i)).collect();
        Self { labels, index, vectors, postings }
    }

    /// The cosine of `label` with every article, in the order of the docs.
    pub fn row(&self, label: &str) -> Vec<f64> {
        let mut out = vec![0.0; self.labels.len()];
        for (t, w) in &self.vectors[self.index[label]] {
            for (j, v) in &self.postings[*t as usize] {
                out[*j as usize] += w * v;
            }
        }
        out
    }

    /// The cosine of two articles.
    pub fn similarity(&self, a: &str, b: &str) -> f64 {
        self.row(a)[self.index[b]]
    }

    /// The `k` articles most similar to `label` (itself excluded, only those sharing a term),
    /// best first, with their cosines.
    pub fn list(&self, label: &str, k: usize) -> Vec<(String, f64)> {
        let me = self.index[label];
        let mut scored: Vec<(f64, usize)> = self
            .row(label)
            .into_iter()
            .enumerate()
            .filter(|&(j, s)| j != me && s > 0.0)
            .map(|(j, s)| (s, j))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().take(k).map(|(s, j)| (self.labels[j].clone(), s)).collect()
    }

    /// The best pairwise F1 against `truth` that grouping every pair at or above one cosine
    /// threshold reaches, with that threshold (chosen on the labels: an optimistic reference).
    pub fn best_threshold_f1(&self, truth: &[HashSet<String>]) -> (f64, f64) {
        let group: HashMap<&str, usize> =
            truth.iter().enumerate().flat_map(|(g, m)| m.iter().map(move |l| (l.as_str(), g))).collect();
        let positives: usize = truth.iter().map(|g| g.len() * (g.len() - 1) / 2).sum();
        let mut pairs: Vec<(f64, bool)> = Vec::new();
        for (i, a) in self.labels.iter().enumerate() {
            let row = self.row(a);
            for (j, b) in self.labels.iter().enumerate().skip(i + 1) {
                if row[j] > 0.0 {
                    let same = matches!((group.get(a.as_str()), group.get(b.as_str())), (Some(x), Some(y)) if x == y);
                    pairs.push((row[j], same));
                }
            }
        }
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (mut best, mut at, mut hits) = (0.0, 1.0, 0usize);
        for (n, (s, same)) in pairs.iter().enumerate() {
            hits += usize::from(*same);
            let (p, r) = (hits as f64 / (n + 1) as f64, hits as f64 / positives.max(1) as f64);
            let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
            if f > best {
                (best, at) = (f, *s);
            }
        }
        (best, at)
    }
}

/// Spearman's rank correlation of two score lists (ties share their mean rank).
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    fn ranks(v: &[f64]) -> Vec<f64> {
        let mut order: Vec<usize> = (0..v.len()).collect();
        order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
        let mut out = vec![0.0; v.len()];
        let mut i = 0;
        while i < order.len() {
            let mut j = i;
            while j + 1 < order.len() && v[order[j + 1]].total_cmp(&v[order[i]]).is_eq() {
                j += 1;
            }
            let mean = (i + j) as f64 / 2.0 + 1.0;
            for &o in &order[i..=j] {
                out[o] = mean;
            }
            i = j + 1;
        }
        out
    }
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let (vx, vy) =
        (rx.iter().map(|a| (a - mx).powi(2)).sum::<f64>(), ry.iter().map(|b| (b - my).powi(2)).sum::<f64>());
    if vx == 0.0 || vy == 0.0 { 0.0 } else { cov / (vx * vy).sqrt() }
}

/// Every article's graded neighbours. Graded sets: the people's rating rounded to a grade
/// (0 below `scale.relevant`). Event sets: 2 for the same event, 1 for the same topic.
pub fn grades(set: &Set) -> HashMap<String, HashMap<String, u32>> {
    let mut out: HashMap<String, HashMap<String, u32>> = HashMap::new();
    if set.graded() {
        let relevant = set.scale.as_ref().map_or(1.0, |s| s.relevant);
        for p in &set.pairs {
            let g = if p.score < relevant { 0 } else { p.score.round().max(1.0) as u32 };
            for (x, y) in [(&p.a, &p.b), (&p.b, &p.a)] {
                let e = out.entry(x.clone()).or_default().entry(y.clone()).or_insert(0);
                *e = (*e).max(g);
            }
        }
    } else {
        let mut by_topic: HashMap<&str, Vec<&Doc>> = HashMap::new();
        for d in &set.docs {
            if let Some(t) = &d.topic {
                by_topic.entry(t).or_default().push(d);
            }
        }
        for d in &set.docs {
            let Some(t) = &d.topic else { continue };
            let g = out.entry(d.id.clone()).or_default();
            for o in &by_topic[t.as_str()] {
                if o.id != d.id {
                    g.insert(o.id.clone(), if o.story.is_some() && o.story == d.story { 2 } else { 1 });
                }
            }
        }
    }
    out
}

/// A ranking: the `k` best articles for a label, best first, with their scores.
pub type Ranking<'a> = dyn Fn(&str, usize) -> Vec<(String, f64)> + 'a;

/// The measures of one ranking on one set.
#[derive(Clone, Debug, Default)]
pub struct Scores {
    /// Queries scored (articles with at least one neighbour graded above 0).
    pub queries: usize,
    pub ndcg5: f64,
    /// Event sets: the share of the first five that report the query's event.
    pub precision5: Option<f64>,
    /// Graded sets: Spearman's correlation of scores with the people's ratings over the
    /// rated pairs (the mean of both directions' scores, 0 where a list leaves the other
    /// out).
    pub spearman: Option<f64>,
    /// Graded sets: the share of "very similar" pairs (both directions) whose partner is in
    /// the first five.
    pub recall5: Option<(usize, usize)>,
    /// Lists shorter than 5 although the cache holds at least 5 relevant articles for the
    /// query (graded sets: lists shorter than 5, in a cache of thousands).
    pub short: usize,
    /// Lists with nothing in them.
    pub empty: usize,
}

/// Scores one ranking (`list(label, k)`, best first, with scores) on a set.
pub fn score(set: &Set, list: &Ranking<'_>) -> Scores {
    let grades = grades(set);
    let mut s = Scores::default();
    let mut lists: HashMap<String, Vec<(String, f64)>> = HashMap::new();
    let deep = if set.graded() { 100 } else { 5 };
    let (mut ndcg, mut precision) = (0.0, 0.0);
    for d in &set.docs {
        let Some(g) = grades.get(&d.id) else { continue };
        let l = list(&d.id, deep);
        let top: Vec<String> = l.iter().take(5).map(|(x, _)| x.clone()).collect();
        let relevant = g.values().filter(|&&v| v > 0).count();
        if relevant > 0 {
            s.queries += 1;
            ndcg += relevance::ndcg(&top, g, 5);
            precision += top.iter().filter(|x| g.get(*x) == Some(&2)).count() as f64 / 5.0;
        }
        if top.len() < 5 && (set.graded() || relevant >= 5) {
            s.short += 1;
        }
        s.empty += usize::from(top.is_empty());
        lists.insert(d.id.clone(), l);
    }
    s.ndcg5 = ndcg / s.queries.max(1) as f64;
    if set.events() && !set.graded() {
        s.precision5 = Some(precision / s.queries.max(1) as f64);
    }
    if set.graded() {
        let very = set.scale.as_ref().map_or(f64::INFINITY, |x| x.very_similar);
        let lookup =
            |a: &str, b: &str| lists.get(a).and_then(|l| l.iter().find(|(x, _)| x == b)).map_or(0.0, |x| x.1);
        let (mut ours, mut people) = (Vec::new(), Vec::new());
        let (mut hit, mut total) = (0, 0);
        for p in &set.pairs {
            ours.push(f64::midpoint(lookup(&p.a, &p.b), lookup(&p.b, &p.a)));
            people.push(p.score);
            if p.score >= very {
                for (x, y) in [(&p.a, &p.b), (&p.b, &p.a)] {
                    total += 1;
                    hit += usize::from(lists.get(x).is_some_and(|l| l.iter().take(5).any(|(z, _)| z == y)));
                }
            }
        }
        s.spearman = Some(spearman(&ours, &people));
        s.recall5 = Some((hit, total));
    }
    s
}
