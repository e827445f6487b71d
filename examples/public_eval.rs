//! "Read also" and same-story quality on public sets that people labelled (tests/data/public,
//! see its README.md), beside a plain TF-IDF cosine baseline computed in the same run on the
//! same articles:
//!
//! - graded sets (people rated pairs): NDCG@5 of each query's first five against the rounded
//!   ratings, Spearman's correlation of scores with the ratings over the rated pairs, and
//!   recall@5 of the partner for the pairs rated "very similar";
//! - event sets (people marked which articles report one event, and which events share a
//!   topic): precision@5 and NDCG@5 (same event 2, same topic 1), and the pairwise
//!   precision/recall/F1 of the indexer's same-story groups against the events, beside the
//!   best F1 that grouping pairs above one TF-IDF cosine threshold reaches (the threshold
//!   chosen on the labels themselves: an optimistic reference, not a rival rule);
//! - how many lists are short.
//!
//! cargo run --release --example public_eval [-- --set NAME] [--verbose] [--variants] [--dir DIR]
//!
//! `--set NAME` runs one set; `--verbose` prints a few lists with titles; `--variants` adds
//! tidings with each ranking choice turned off in turn; `--dir DIR` reads the
//! sets from DIR instead (a set converted locally that may not be redistributed, in the same
//! format). Each set is a real cache (SQLite file in a temporary directory) filled through
//! the library and indexed by the same code the reader runs.

#[path = "support/public.rs"]
mod public;
#[path = "support/relevance.rs"]
mod relevance;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use public::{Baseline, Scores, Set};
use tidings::index::story::StoryRule;
use tidings::index::{RelatedConfig, Weights};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let verbose = std::env::args().any(|a| a == "--verbose");
    let dir = arg("--dir").map_or_else(public::data_dir, PathBuf::from);
    let names = match arg("--set") {
        Some(name) => vec![name],
        None => public::names(&dir),
    };
    for name in names {
        let started = Instant::now();
        let set = public::load_set(&dir, &name);
        let (_tmp, l) = public::cache(&set);
        let indexed = started.elapsed();
        let base = Baseline::new(&set.docs);
        let ours = public::score(&set, &|q, k| public::tidings_list(&l, q, k));
        let theirs = public::score(&set, &|q, k| base.list(q, k));
        println!("## {name}\n");
        println!(
            "{} articles in {} feeds{}{}; loaded and indexed in {:.1} s.\n",
            set.docs.len(),
            set.docs.iter().map(|d| d.feed_url.as_str()).collect::<std::collections::HashSet<_>>().len(),
            if set.graded() { format!(", {} rated pairs", set.pairs.len()) } else { String::new() },
            if set.events() {
                format!(", {} labelled events", relevance::story_labels(&set.docs).len())
            } else {
                String::new()
            },
            indexed.as_secs_f64()
        );
        println!("Languages tidings detects in them: {}.\n", languages(&set));
        table(&[("tidings (default)", &ours), ("plain TF-IDF cosine (baseline)", &theirs)]);
        if set.graded() {
            println!("\nShort list: fewer than 5 entries (in a cache of {} articles).", set.docs.len());
        } else {
            println!("\nShort list: fewer than 5 entries although the cache holds ≥ 5 of the same topic.");
        }
        if std::env::args().any(|a| a == "--variants") {
            println!("\nEach of tidings' ranking choices turned off in turn:\n");
            let rows: Vec<(&str, Scores)> = variants()
                .into_iter()
                .map(|(n, c)| (n, public::score(&set, &|q, k| public::tidings_list_with(&l, q, k, &c))))
                .collect();
            table(&rows.iter().map(|(n, s)| (*n, s)).collect::<Vec<_>>());
            println!("\nThe indexer's weights changed in turn (each a cache indexed again):\n");
            let rows: Vec<(&str, Scores)> = weight_variants()
                .into_iter()
                .map(|(n, w)| {
                    let tmp = tempfile::tempdir().expect("a temporary directory");
                    let mut l = relevance::load(&tmp.path().join("cache.db"), &set.docs);
                    l.store.set_index_weights(w);
                    relevance::index_all(&mut l.store);
                    (n, public::score(&set, &|q, k| public::tidings_list(&l, q, k)))
                })
                .collect();
            table(&rows.iter().map(|(n, s)| (*n, s)).collect::<Vec<_>>());
        }
        if set.events() {
            let truth = relevance::story_labels(&set.docs);
            let groups = public::tidings_groups(&l);
            let (p, r, f) = relevance::pair_f1(&groups, &truth);
            let (best, at) = base.best_threshold_f1(&truth);
            println!("\n| same-story groups | precision | recall | F1 |");
            println!("|---|---|---|---|");
            println!("| tidings (`story_groups`, {} groups) | {p:.3} | {r:.3} | {f:.3} |", groups.len());
            println!("| TF-IDF cosine ≥ {at:.3}, pairwise (best threshold on the labels) | | | {best:.3} |");
            if std::env::args().any(|a| a == "--story-sweep") {
                for threshold in [0.1f32, 0.15, 0.2, 0.25] {
                    for merge in [0.15f32, 0.2, 0.25, 0.3, 0.4, 1.1] {
                        let tmp = tempfile::tempdir().expect("a temporary directory");
                        let mut l = relevance::load(&tmp.path().join("cache.db"), &set.docs);
                        l.store.set_story_rule(StoryRule { threshold, merge, ..StoryRule::default() });
                        relevance::index_all(&mut l.store);
                        let groups = public::tidings_groups(&l);
                        let (p, r, f) = relevance::pair_f1(&groups, &truth);
                        println!("| threshold {threshold}, merge {merge} | {p:.3} | {r:.3} | {f:.3} |");
                    }
                }
            }
        }
        println!("\n(run in {:.1} s)\n", started.elapsed().as_secs_f64());
        if verbose {
            examples(&set, &l, &base);
        }
    }
}

/// tidings with one of the indexer's weights changed.
fn weight_variants() -> Vec<(&'static str, Weights)> {
    let w = Weights::default();
    vec![
        ("title weighted as body", Weights { title: 1.0, ..w }),
        ("no lead boost", Weights { lead: 0.0, ..w }),
        ("no names (capitalised runs)", Weights { names: 0.0, ..w }),
    ]
}

/// tidings with one ranking choice turned off.
fn variants() -> Vec<(&'static str, RelatedConfig)> {
    let c = RelatedConfig::default();
    vec![
        ("copies kept (duplicate rule off)", RelatedConfig { duplicate: 1.01, ..c }),
        ("no feedback (PRF)", RelatedConfig { feedback: 0.0, ..c }),
        ("no diversity rule", RelatedConfig { per_story: 100, ..c }),
        ("no bar (strictness 0)", RelatedConfig { strictness: 0.0, ..c }),
        ("strictness 2", RelatedConfig { strictness: 2.0, ..c }),
        ("strictness 5", RelatedConfig { strictness: 5.0, ..c }),
        ("no recency, no closeness", RelatedConfig { recency_weight: 0.0, proximity_weight: 0.0, ..c }),
    ]
}

fn table(rows: &[(&str, &Scores)]) {
    let opt = |x: Option<f64>| x.map_or("–".to_string(), |v| format!("{v:.3}"));
    let recall = |s: &Scores| {
        s.recall5.map_or("–".to_string(), |(h, t)| format!("{:.3} ({h}/{t})", h as f64 / t.max(1) as f64))
    };
    println!(
        "| ranking | queries | NDCG@5 | precision@5 (same event) | Spearman vs ratings | recall@5 of very similar | short lists | empty lists |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (name, s) in rows {
        println!(
            "| {name} | {} | {:.3} | {} | {} | {} | {} | {} |",
            s.queries,
            s.ndcg5,
            opt(s.precision5),
            opt(s.spearman),
            recall(s),
            s.short,
            s.empty
        );
    }
}

/// A few queries with both lists, titles and grades, for a person to read.
fn examples(set: &Set, l: &relevance::Loaded, base: &Baseline) {
    let grades = public::grades(set);
    let title: HashMap<&str, &str> = set.docs.iter().map(|d| (d.id.as_str(), d.title.as_str())).collect();
    let short = |t: &str| {
        let mut s: String = t.chars().take(90).collect();
        if t.chars().count() > 90 {
            s.push('…');
        }
        s
    };
    // Spread over the set: every n-th query that has graded neighbours.
    let queries: Vec<&str> =
        set.docs.iter().map(|d| d.id.as_str()).filter(|q| grades.contains_key(*q)).collect();
    let step = (queries.len() / 6).max(1);
    for q in queries.iter().step_by(step).take(6) {
        let g = &grades[*q];
        println!("### {q}: {}\n", short(title[q]));
        for (name, list) in [("tidings", public::tidings_list(l, q, 5)), ("TF-IDF", base.list(q, 5))] {
            println!("{name}:");
            for (x, s) in &list {
                println!("- [{}] {x} ({s:.3}) {}", g.get(x).copied().unwrap_or(0), short(title[x.as_str()]));
            }
            if list.is_empty() {
                println!("- (nothing)");
            }
        }
        let mut best: Vec<(&String, &u32)> = g.iter().filter(|(_, v)| **v > 0).collect();
        best.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        println!(
            "people: {}\n",
            best.iter().take(5).map(|(x, v)| format!("{x} [{v}]")).collect::<Vec<_>>().join(", ")
        );
    }
}

/// How many articles tidings' analysis takes for each language (all of these sets are English).
fn languages(set: &Set) -> String {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for d in &set.docs {
        let text = tidings::index::index_text(&d.html);
        let lang =
            tidings::index::analyze::analyze(&d.title, &text, &tidings::index::Weights::default()).lang;
        *counts.entry(lang.code().unwrap_or("none").to_string()).or_default() += 1;
    }
    let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts.iter().map(|(l, n)| format!("{l} {n}")).collect::<Vec<_>>().join(", ")
}
