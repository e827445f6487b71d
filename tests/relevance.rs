//! Quality on the hand-labelled sets of tests/data/relevance (see its FORMAT.md), through a
//! real cache indexed by the reader's own code. `cargo run --release --example relevance_eval`
//! prints the same measures with every ranking choice turned off in turn.
#![allow(clippy::unwrap_used)]

#[path = "../examples/support/relevance.rs"]
mod relevance;

use std::collections::HashMap;

use tidings::index::RelatedConfig;

fn related(l: &relevance::Loaded, label: &str, k: usize) -> Vec<String> {
    let article = l.store.article(l.ids[label]).unwrap().unwrap();
    l.store
        .related_scored(&article, k, l.now.timestamp(), &RelatedConfig::default())
        .unwrap()
        .into_iter()
        .map(|(s, _)| l.labels[&s.id].clone())
        .collect()
}

#[test]
fn read_also_precision_at_5_on_topic_labels() {
    let docs = relevance::set_a();
    assert!(docs.len() >= 300, "set (a) has {} articles", docs.len());
    let dir = tempfile::tempdir().unwrap();
    let mut l = relevance::load(&dir.path().join("a.db"), &docs);
    relevance::index_all(&mut l.store);
    let topic: HashMap<&str, &str> =
        docs.iter().map(|d| (d.id.as_str(), d.topic.as_deref().unwrap())).collect();
    let mut total = 0.0;
    let mut worst: Vec<(usize, &str)> = Vec::new();
    for d in &docs {
        let list = related(&l, &d.id, 5);
        let hits = list.iter().filter(|x| topic[x.as_str()] == topic[d.id.as_str()]).count();
        total += hits as f64 / 5.0;
        worst.push((hits, &d.id));
    }
    let precision = total / docs.len() as f64;
    worst.sort_unstable();
    assert!(precision >= 0.8, "precision@5 {precision:.3}; weakest: {:?}", &worst[..10]);
}

#[test]
fn read_also_beats_plain_tf_idf_on_hand_grades() {
    let (docs, judged) = relevance::set_b();
    assert!(docs.len() >= 60 && judged.len() >= 10);
    let dir = tempfile::tempdir().unwrap();
    let mut l = relevance::load(&dir.path().join("b.db"), &docs);
    relevance::index_all(&mut l.store);
    let baseline = relevance::TfIdf::new(&docs);
    let mean = |f: &dyn Fn(&str) -> Vec<String>| -> f64 {
        judged.iter().map(|j| relevance::ndcg(&f(&j.query), &j.grades, 5)).sum::<f64>() / judged.len() as f64
    };
    let ours = mean(&|q| related(&l, q, 5));
    let base = mean(&|q| baseline.related(q, 5));
    assert!(ours >= base + 0.03, "NDCG@5: tidings {ours:.3}, TF-IDF cosine {base:.3}");
}
