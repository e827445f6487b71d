//! Throughput of the CPU and disk side of a refresh: parse + normalise, and storing into SQLite.
//!
//! cargo bench --bench ingest
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "support/feedgen.rs"]
mod feedgen;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tidings::config::RetentionConfig;
use tidings::domain::NewFeed;
use tidings::store::{FetchRecord, PreparedFeed, Store};

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse+normalise+prepare");
    for (name, feed) in [("rss 100 items", 0), ("atom 100 items", 1)] {
        let (body, _) = feedgen::feed(feed, 100);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                PreparedFeed::from(tidings::feed::parse(&body, None, "https://bench.example/feed").unwrap())
            });
        });
    }
    group.finish();
}

fn store(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("bench.db")).unwrap();
    let (body, _) = feedgen::feed(0, 100);
    let parsed: PreparedFeed =
        tidings::feed::parse(&body, None, "https://bench.example/feed").unwrap().into();
    let retention = RetentionConfig::default();
    let mut n = 0;
    let mut group = c.benchmark_group("store");
    group.throughput(Throughput::Elements(parsed.articles.len() as u64));
    group.bench_function("ingest 100 new articles (one feed, one transaction)", |b| {
        b.iter_custom(|iters| {
            let mut spent = std::time::Duration::ZERO;
            for _ in 0..iters {
                n += 1;
                let url = format!("https://bench.example/{n}");
                let id =
                    store.add_feed(&NewFeed { url, ..NewFeed::default() }, chrono::Utc::now()).unwrap().id;
                let started = std::time::Instant::now();
                store.ingest(id, &FetchRecord::default(), &parsed, &retention, chrono::Utc::now()).unwrap();
                spent += started.elapsed();
            }
            spent
        });
    });
    let id = store
        .add_feed(
            &NewFeed { url: "https://bench.example/same".into(), ..NewFeed::default() },
            chrono::Utc::now(),
        )
        .unwrap()
        .id;
    store.ingest(id, &FetchRecord::default(), &parsed, &retention, chrono::Utc::now()).unwrap();
    group.bench_function("re-ingest 100 unchanged articles", |b| {
        b.iter(|| {
            store.ingest(id, &FetchRecord::default(), &parsed, &retention, chrono::Utc::now()).unwrap()
        });
    });
    group.finish();
}

criterion_group!(benches, parse, store);
criterion_main!(benches);
