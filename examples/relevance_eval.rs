//! "Read also" quality on the hand-labelled sets of tests/data/relevance, beside a plain TF-IDF
//! cosine baseline computed in the same run on the same articles:
//!
//! - set (b): NDCG@5 against hand grades (3 same story, 2 directly related, 1 loosely);
//! - set (a): precision@5 (a listed article counts when it has the subject's topic label);
//! - each of tidings' ranking choices turned off or changed in turn (ablations), so every
//!   part shows what it is worth.
//!
//! cargo run --release --example relevance_eval [-- --verbose]
//!
//! Every configuration is a real cache (SQLite file in a temporary directory) filled through
//! the library and indexed by the same code the reader runs.

#[path = "support/relevance.rs"]
mod relevance;

use std::collections::{HashMap, HashSet};

use relevance::{Doc, Loaded, TfIdf};
use tidings::index::story::StoryRule;
use tidings::index::{RelatedConfig, Weights};

/// One configuration to measure.
struct Variant {
    name: &'static str,
    weights: Weights,
    config: RelatedConfig,
}

fn variants() -> Vec<Variant> {
    let w = Weights::default();
    let c = RelatedConfig::default();
    vec![
        Variant { name: "tidings (default)", weights: w, config: c },
        Variant { name: "  title weighted as body", weights: Weights { title: 1.0, ..w }, config: c },
        Variant { name: "  no lead boost", weights: Weights { lead: 0.0, ..w }, config: c },
        Variant { name: "  no names (capitalised runs)", weights: Weights { names: 0.0, ..w }, config: c },
        Variant { name: "  no recency", weights: w, config: RelatedConfig { recency_weight: 0.0, ..c } },
        Variant {
            name: "  no closeness in time",
            weights: w,
            config: RelatedConfig { proximity_weight: 0.0, ..c },
        },
        Variant { name: "  closeness 0.5", weights: w, config: RelatedConfig { proximity_weight: 0.5, ..c } },
        Variant { name: "  no diversity rule", weights: w, config: RelatedConfig { per_story: 100, ..c } },
        Variant { name: "  no feedback (PRF)", weights: w, config: RelatedConfig { feedback: 0.0, ..c } },
        Variant { name: "  feedback 0.6", weights: w, config: RelatedConfig { feedback: 0.6, ..c } },
        Variant {
            name: "  no bar (strictness 0)",
            weights: w,
            config: RelatedConfig { strictness: 0.0, ..c },
        },
        Variant { name: "  strictness 2", weights: w, config: RelatedConfig { strictness: 2.0, ..c } },
        Variant { name: "  strictness 4", weights: w, config: RelatedConfig { strictness: 4.0, ..c } },
    ]
}

fn loaded(docs: &[Doc], weights: Weights) -> (tempfile::TempDir, Loaded) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut l = relevance::load(&dir.path().join("cache.db"), docs);
    l.store.set_index_weights(weights);
    relevance::index_all(&mut l.store);
    (dir, l)
}

/// tidings' related labels for one labelled article.
fn related(l: &Loaded, label: &str, config: &RelatedConfig, k: usize) -> Vec<String> {
    let article = l.store.article(l.ids[label]).expect("the cache reads").expect("the article is stored");
    l.store
        .related_scored(&article, k, l.now.timestamp(), config)
        .expect("related articles")
        .into_iter()
        .map(|(s, _)| l.labels[&s.id].clone())
        .collect()
}

fn precision_at_5(docs: &[Doc], ranked: impl Fn(&str) -> Vec<String>) -> f64 {
    let topic: HashMap<&str, &str> =
        docs.iter().map(|d| (d.id.as_str(), d.topic.as_deref().unwrap_or(""))).collect();
    let total: f64 = docs
        .iter()
        .map(|d| {
            let hits = ranked(&d.id)
                .iter()
                .take(5)
                .filter(|l| topic.get(l.as_str()) == Some(&topic[d.id.as_str()]))
                .count();
            hits as f64 / 5.0
        })
        .sum();
    total / docs.len() as f64
}

fn main() {
    let verbose = std::env::args().any(|a| a == "--verbose");
    if std::env::args().any(|a| a == "--story-thresholds") {
        let docs = relevance::set_a();
        for hours in [12, 24, 36] {
            for t in [0.1f32, 0.125, 0.15, 0.175, 0.2, 0.25] {
                let rule =
                    StoryRule { window: hours * 3600, threshold: t, days: 365, ..StoryRule::default() };
                let (p, r, f, n) = story_f1(&docs, rule);
                println!(
                    "window {hours} h, cosine >= {t:.3}: precision {p:.3} recall {r:.3} F1 {f:.3} ({n} groups)"
                );
            }
        }
        return;
    }
    let (b_docs, judged) = relevance::set_b();
    let a_docs = relevance::set_a();
    let b_base = TfIdf::new(&b_docs);
    let a_base = TfIdf::new(&a_docs);
    let ndcg_base: f64 =
        judged.iter().map(|j| relevance::ndcg(&b_base.related(&j.query, 5), &j.grades, 5)).sum::<f64>()
            / judged.len() as f64;
    let p5_base = precision_at_5(&a_docs, |l| a_base.related(l, 5));
    println!(
        "Set (b): {} articles, {} hand-graded queries. Set (a): {} articles, {} topics.\n",
        b_docs.len(),
        judged.len(),
        a_docs.len(),
        a_docs.iter().filter_map(|d| d.topic.as_deref()).collect::<std::collections::HashSet<_>>().len()
    );
    let (precision, recall, f1, groups) = story_f1(&a_docs, StoryRule::default());
    println!(
        "Same-story groups on set (a) (default rule): {groups} groups, pairwise precision {precision:.3}, recall {recall:.3}, F1 {f1:.3}"
    );
    let (found, total, wrong) = story_check_b(&b_docs, &judged);
    println!(
        "Held-out check on set (b): {found} of {total} hand-marked same-story pairs grouped; {wrong} grouped pairs the hand grades call less than directly related\n"
    );
    println!("| ranking | NDCG@5 (b) | precision@5 (a) | short lists (a) |");
    println!("|---|---|---|---|");
    println!("| plain TF-IDF cosine (baseline) | {ndcg_base:.3} | {p5_base:.3} | 0 |");
    for v in variants() {
        let (_b_dir, b) = loaded(&b_docs, v.weights);
        let (_a_dir, a) = loaded(&a_docs, v.weights);
        let per_query: Vec<(String, f64)> = judged
            .iter()
            .map(|j| (j.query.clone(), relevance::ndcg(&related(&b, &j.query, &v.config, 5), &j.grades, 5)))
            .collect();
        let ndcg = per_query.iter().map(|(_, n)| n).sum::<f64>() / per_query.len() as f64;
        let p5 = precision_at_5(&a_docs, |l| related(&a, l, &v.config, 5));
        // Every topic of set (a) has more than five articles: a shorter list left one out.
        let short = a_docs.iter().filter(|d| related(&a, &d.id, &v.config, 5).len() < 5).count();
        println!("| {} | {ndcg:.3} | {p5:.3} | {short} |", v.name);
        if verbose && v.name.starts_with("tidings") {
            for j in &judged {
                let ours = related(&b, &j.query, &v.config, 5);
                let base = b_base.related(&j.query, 5);
                let grade = |l: &String| j.grades.get(l).copied().unwrap_or(0);
                eprintln!(
                    "{}: tidings {:?} (ndcg {:.2}) baseline {:?} (ndcg {:.2})",
                    j.query,
                    ours.iter().map(|l| format!("{l}:{}", grade(l))).collect::<Vec<_>>(),
                    relevance::ndcg(&ours, &j.grades, 5),
                    base.iter().map(|l| format!("{l}:{}", grade(l))).collect::<Vec<_>>(),
                    relevance::ndcg(&base, &j.grades, 5),
                );
            }
        }
    }
}

/// The story groups the indexer finds in a cache of these articles, as sets of labels.
fn groups(docs: &[Doc], rule: StoryRule) -> Vec<HashSet<String>> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut l = relevance::load(&dir.path().join("cache.db"), docs);
    l.store.set_story_rule(rule);
    relevance::index_all(&mut l.store);
    l.store
        .story_groups()
        .expect("story groups")
        .into_iter()
        .map(|g| g.into_iter().map(|id| l.labels[&id].clone()).collect())
        .collect()
}

/// Set (b) was graded by query, not labelled by story: its grade-3 pairs say what must be
/// grouped, its grade 0–1 pairs what must not. Returns (grade-3 pairs grouped, grade-3 pairs,
/// grouped pairs graded below 2).
fn story_check_b(docs: &[Doc], judged: &[relevance::Judged]) -> (usize, usize, usize) {
    let groups = groups(docs, StoryRule::default());
    let together = |a: &str, b: &str| groups.iter().any(|g| g.contains(a) && g.contains(b));
    let (mut found, mut total, mut wrong) = (0, 0, 0);
    for j in judged {
        for (other, grade) in &j.grades {
            if *grade == 3 {
                total += 1;
                found += usize::from(together(&j.query, other));
            }
        }
        for d in docs {
            if d.id != j.query && j.grades.get(&d.id).copied().unwrap_or(0) < 2 && together(&j.query, &d.id) {
                wrong += 1;
            }
        }
    }
    (found, total, wrong)
}

/// Same-story groups the indexer finds on set (a), scored pairwise against the story labels.
fn story_f1(docs: &[Doc], rule: StoryRule) -> (f64, f64, f64, usize) {
    let predicted = groups(docs, rule);
    let (p, r, f) = relevance::pair_f1(&predicted, &relevance::story_labels(docs));
    (p, r, f, predicted.len())
}
