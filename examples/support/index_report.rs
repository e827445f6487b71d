//! The index benchmark's Markdown tables.

use std::time::Duration;

use crate::index_latency::{Related, Search, Timed};
use crate::index_refresh::{self, Refreshes};
use crate::news_cache::{Build, Filled, INDEX_BATCH, INDEX_PAUSE};

/// Targets: "read also" p99 and search p99 at a million articles (ms), refresh slowdown (%).
const RELATED_P99: f64 = 20.0;
const SEARCH_P99: f64 = 50.0;
const SLOWDOWN: f64 = 20.0;

/// Everything measured on one cache size.
pub struct SizeResult {
    /// The filled cache.
    pub filled: Filled,
    /// The index build (none when no phase needed the index).
    pub build: Option<Build>,
    /// "Read also" latency.
    pub related: Option<Related>,
    /// Search latency.
    pub search: Option<Search>,
    /// Refreshes, one row per latency.
    pub refresh: Vec<Refreshes>,
}

/// The `p`-th percentile (nearest rank) of `values`.
fn percentile(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    v.get(rank.min(v.len()).wrapping_sub(1)).copied().unwrap_or(f64::NAN)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

/// "✓", or "✗" with how far over, when the target applies to this size (a million articles).
fn verdict(articles: usize, value: f64, target: f64, unit: &str) -> String {
    if articles < 1_000_000 {
        return format!("(≤ {target:.0} {unit} at 1M)");
    }
    if value <= target {
        format!("≤ {target:.0} {unit} ✓")
    } else {
        format!("≤ {target:.0} {unit} ✗")
    }
}

/// Percentile columns: p50, p95, p99, max.
fn spread(ms: &[f64]) -> String {
    format!(
        "{:.1} | {:.1} | {:.1} | {:.1}",
        percentile(ms, 50.0),
        percentile(ms, 95.0),
        percentile(ms, 99.0),
        percentile(ms, 100.0)
    )
}

/// The index build and its size.
pub fn build(rows: &[SizeResult]) {
    println!("## Index build (`index_some({INDEX_BATCH})` in a loop, as the reader's indexer thread)\n");
    println!(
        "| articles | feeds | fill (s) | index (s) | articles/s | calls | database before (MiB) | after (MiB) | \
         added by the index (MiB) | per article (bytes) |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for r in rows {
        let (f, Some(b)) = (&r.filled, &r.build) else { continue };
        let time = b.time.map_or_else(|| "reused".into(), |t| format!("{:.0}", t.as_secs_f64()));
        let rate =
            b.time.map_or_else(|| "—".into(), |t| format!("{:.0}", b.indexed as f64 / t.as_secs_f64()));
        let added = b.after.saturating_sub(b.before);
        println!(
            "| {} | {} | {} | {time} | {rate} | {} | {:.0} | {:.0} | {:.0} | {:.0} |",
            f.articles,
            f.feeds,
            f.fill.map_or_else(|| "reused".into(), |t| format!("{:.0}", t.as_secs_f64())),
            b.batches,
            mib(b.before),
            mib(b.after),
            mib(added),
            added as f64 / f.articles as f64,
        );
    }
    let pauses: Vec<String> = rows
        .iter()
        .filter_map(|r| r.build.as_ref().filter(|b| b.time.is_some()).map(|b| (b, r.filled.articles)))
        .map(|(b, n)| format!("{:.0} s at {n}", (INDEX_PAUSE * b.batches as u32).as_secs_f64()))
        .collect();
    println!(
        "\nSizes after `PRAGMA wal_checkpoint(TRUNCATE)` (database file, no WAL left). The reader's thread \
         also sleeps {} ms between calls: add {} to its wall time.\n",
        INDEX_PAUSE.as_millis(),
        if pauses.is_empty() { "nothing measured here".into() } else { pauses.join(", ") }
    );
    for r in rows {
        let Some(build) = &r.build else { continue };
        let Some(tables) = &build.tables else {
            println!("No dbstat in this SQLite build: no per-table sizes.\n");
            continue;
        };
        let n = r.filled.articles as f64;
        println!("### Tables and indexes at {} articles (dbstat)\n", r.filled.articles);
        println!("| table or index | MiB | bytes per article |");
        println!("| --- | ---: | ---: |");
        for (name, bytes) in tables.iter().filter(|(_, b)| *b >= 1 << 16) {
            println!("| {name} | {:.1} | {:.0} |", mib(*bytes), *bytes as f64 / n);
        }
        let langs: Vec<String> = build
            .languages
            .iter()
            .map(|(l, n)| format!("{} {n}", if l.is_empty() { "none" } else { l }))
            .collect();
        println!("\nTables under 64 KiB left out. Languages detected: {}.\n", langs.join(", "));
    }
}

/// "Read also" latency and where its slowest calls spend their time.
pub fn related(rows: &[SizeResult]) {
    println!("## Read also: `related_scored(article, 6, now, default)` on random articles\n");
    println!(
        "| articles | calls | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | target p99 | results per call | \
         of the same story: newest tenth of subjects | older subjects |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |");
    for r in rows {
        let Some(rel) = &r.related else { continue };
        let results = rel.results.iter().sum::<usize>() as f64 / rel.results.len().max(1) as f64;
        println!(
            "| {} | {} | {} | {} | {results:.1} | {:.0} % | {:.0} % |",
            r.filled.articles,
            rel.ms.len(),
            spread(&rel.ms),
            verdict(r.filled.articles, percentile(&rel.ms, 99.0), RELATED_P99, "ms"),
            rel.same_story.0 * 100.0,
            rel.same_story.1 * 100.0
        );
    }
    println!("\nThe slowest 20 calls replayed step by step with the library's SQL (mean ms per call):\n");
    let sizes: Vec<&SizeResult> = rows.iter().filter(|r| r.related.is_some()).collect();
    let header: Vec<String> = sizes.iter().map(|r| format!("{} articles", r.filled.articles)).collect();
    println!("| step | {} |", header.join(" | "));
    println!("| --- |{}", " ---: |".repeat(sizes.len()));
    if let Some(first) = sizes.first().and_then(|r| r.related.as_ref()) {
        for (i, (step, _)) in first.steps.iter().enumerate() {
            let cells: Vec<String> = sizes
                .iter()
                .map(|r| {
                    r.related
                        .as_ref()
                        .and_then(|x| x.steps.get(i))
                        .map_or(String::new(), |s| format!("{:.1}", s.1))
                })
                .collect();
            println!("| {step} | {} |", cells.join(" | "));
        }
    }
    println!(
        "\nTheir index lookups (`MATCH term ORDER BY rowid DESC LIMIT 1500`) by the term's document frequency:\n"
    );
    println!("| articles | term's df | lookups | mean ms | mean rows |");
    println!("| ---: | --- | ---: | ---: | ---: |");
    for r in &sizes {
        for (bucket, n, ms, rows) in r.related.as_ref().map(|x| x.lookups.as_slice()).unwrap_or_default() {
            println!("| {} | {bucket} | {n} | {ms:.2} | {rows:.0} |", r.filled.articles);
        }
    }
    println!();
}

/// A row of the search table: its name and which queries it takes.
type Group = (&'static str, fn(&Timed) -> bool);

const GROUPS: &[Group] = &[
    ("all", |_| true),
    ("common words", |q| q.kind == "common words"),
    ("story words", |q| q.kind == "story words"),
    ("last word cut to a prefix", |q| q.prefix),
    ("whole words", |q| !q.prefix),
];

/// Search latency by kind of query, and the slowest queries.
pub fn search(rows: &[SizeResult]) {
    println!("## Search: `articles(search: words, limit 50)` for generated queries of 1–3 words\n");
    println!(
        "| articles | queries | which | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | target p99 | results (mean) |"
    );
    println!("| ---: | --- | --- | ---: | ---: | ---: | ---: | --- | ---: |");
    for r in rows {
        let Some(s) = &r.search else { continue };
        for &(name, keep) in GROUPS {
            let chosen: Vec<&Timed> = s.queries.iter().filter(|q| keep(q)).collect();
            let ms: Vec<f64> = chosen.iter().map(|q| q.ms).collect();
            let found = chosen.iter().map(|q| q.results).sum::<usize>() as f64 / chosen.len().max(1) as f64;
            let target = if name == "all" {
                verdict(r.filled.articles, percentile(&ms, 99.0), SEARCH_P99, "ms")
            } else {
                String::new()
            };
            println!(
                "| {} | {} | {name} | {} | {target} | {found:.1} |",
                r.filled.articles,
                chosen.len(),
                spread(&ms)
            );
        }
    }
    for r in rows {
        let Some(s) = &r.search else { continue };
        println!("\nThe 10 slowest queries at {} articles, replayed:\n", r.filled.articles);
        println!(
            "| query | FTS5 expression | statement (ms) | FTS5 match alone (ms) | articles matching | \
             the reader's `counts` (ms) | statement, last word's stems exact (ms) | newest 50 by FTS5 rowid (ms) | \
             the same, no prefix (ms) |"
        );
        println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for q in &s.slowest {
            println!(
                "| `{}` | `{}` | {:.1} | {:.1} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
                q.query,
                q.expression,
                q.statement,
                q.fts,
                q.matching,
                q.counts,
                q.exact_stems,
                q.newest_by_rowid,
                q.whole_newest
            );
        }
        println!(
            "\nReplayed on a plain connection: the statement `articles` runs; `count(*)` of the match alone; \
             `Store::counts` for the same view; the statement with the last word's stemmed forms matched \
             as whole terms (only the word as typed is a prefix); the newest 50 matches in the FTS5 \
             table's rowid order (what a newest-first search could read instead of sorting every match); \
             the same with every word whole (no prefix: the reader searches on Enter)."
        );
        println!("\nQuery plan: {}\n", s.plan.join("; "));
    }
}

/// Refresh times with and without the indexer.
pub fn refresh(rows: &[SizeResult]) {
    println!(
        "## Refresh slowdown from indexing: {} feeds × {} new articles, 50 loopback hosts\n",
        index_refresh::FEEDS,
        index_refresh::ITEMS
    );
    println!(
        "| articles in the cache | latency | indexer | refresh (s, median) | runs (s) | slowdown | target | \
         indexed during the refresh | longest indexer call (ms) |"
    );
    println!("| ---: | --- | --- | ---: | --- | ---: | --- | ---: | ---: |");
    let secs = |d: &[Duration]| d.iter().map(Duration::as_secs_f64).collect::<Vec<f64>>();
    let runs =
        |d: &[Duration]| d.iter().map(|d| format!("{:.2}", d.as_secs_f64())).collect::<Vec<_>>().join(", ");
    for r in rows {
        for x in &r.refresh {
            let latency = match x.latency.as_millis() {
                0 => "none".to_string(),
                ms => format!("{ms} ms ± 50 %"),
            };
            let alone = percentile(&secs(&x.alone), 50.0);
            println!(
                "| {} | {latency} | none | {alone:.2} | {} | | | | |",
                r.filled.articles,
                runs(&x.alone)
            );
            for w in &x.indexing {
                let t = percentile(&secs(&w.times), 50.0);
                let slowdown = (t / alone - 1.0) * 100.0;
                let ok = if slowdown <= SLOWDOWN { "✓" } else { "✗" };
                let indexed = percentile(&w.indexed.iter().map(|&n| n as f64).collect::<Vec<_>>(), 50.0);
                let longest = percentile(
                    &w.longest_call.iter().map(|d| d.as_secs_f64() * 1e3).collect::<Vec<_>>(),
                    50.0,
                );
                let which = if w.batch == INDEX_BATCH {
                    format!("the reader's ({} per call)", w.batch)
                } else {
                    format!("{} per call", w.batch)
                };
                println!(
                    "| {} | {latency} | {which} | {t:.2} | {} | {slowdown:+.0} % | ≤ {SLOWDOWN:.0} % {ok} | \
                     {indexed:.0} | {longest:.0} |",
                    r.filled.articles,
                    runs(&w.times),
                );
            }
        }
    }
    let mb = rows.iter().filter_map(|r| r.refresh.first()).map(|x| x.megabytes).next().unwrap_or(0.0);
    println!(
        "\nEach refresh stores {} new articles ({mb:.0} MB of RSS) into a fresh copy of the un-indexed \
         cache; the indexer (lowest thread priority, its own connection, {} ms between calls) starts \
         0.5 s before the refresh. Slowdown: of the medians. Indexed and longest call: medians over the \
         runs; a call counts when it overlapped the refresh.\n",
        index_refresh::FEEDS * index_refresh::ITEMS,
        INDEX_PAUSE.as_millis()
    );
}
