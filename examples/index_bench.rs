//! The index benchmark: the search index and "read also" on caches of generated news (a Zipf
//! vocabulary of 60,000 words, stories told by several feeds over three days; see
//! `support/newsgen.rs`), filled through the library. Prints Markdown tables:
//!
//! 1. index build: `index_some(50)` in a loop, as the reader's indexer thread calls it; time,
//!    articles per second, the database's size before and after, and per table (dbstat);
//! 2. "read also": `related_scored(article, 6, now, default)` on random articles (p50, p95,
//!    p99, max), and its slowest calls replayed step by step;
//! 3. search: generated queries of 1–3 words (common and rare words, some ending in a prefix)
//!    through `articles` with a search filter, and the slowest replayed;
//! 4. a 200-feed refresh from loopback servers into the cache, alone and with the indexer
//!    working through the un-indexed backlog beside it: both times and the slowdown.
//!
//! CARGO_TARGET_DIR=/tmp/bench-target cargo run --release --example index_bench -- [options]
//!
//!   --sizes 100000,1000000   cache sizes in articles
//!   --runs 3                 refreshes of each kind per latency (medians are reported)
//!   --latency-ms 0,100       server latencies for the refresh (± 50 %)
//!   --indexer-batch 50       articles per `index_some` call of the indexer beside the refresh
//!                            (50 is the reader's; a list compares sizes: `200,50`)
//!   --related 500            "read also" calls per size
//!   --queries 200            search queries per size
//!   --seed 1                 the generated world (and the random choices of articles, queries)
//!   --phases build,related,search,refresh
//!                            what to measure (the index is built when a later phase needs it)
//!   --keep DIR               keep the filled and indexed caches in DIR and reuse them in later
//!                            runs (an index reused is not timed again unless --rebuild-index)
//!   --rebuild-index          build (and time) the index even when DIR holds an indexed copy
//!
//! While developing: fill once with `--keep /var/tmp/news --phases build`, then measure with
//! `--keep /var/tmp/news --phases related,search`.

#[path = "../benches/support/feedgen.rs"]
mod feedgen;
#[allow(dead_code)]
#[path = "support/fill.rs"]
mod fill;
#[path = "support/index_latency.rs"]
mod index_latency;
#[path = "support/index_refresh.rs"]
mod index_refresh;
#[path = "support/index_report.rs"]
mod index_report;
#[path = "support/news_cache.rs"]
mod news_cache;
#[path = "support/newsgen.rs"]
mod newsgen;
#[path = "../tests/common/server.rs"]
mod server;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};

use index_report::SizeResult;

/// What the command line asks for.
struct Options {
    sizes: Vec<usize>,
    runs: usize,
    latencies: Vec<u64>,
    batches: Vec<usize>,
    related: usize,
    queries: usize,
    seed: u64,
    phases: Vec<String>,
    keep: Option<PathBuf>,
    rebuild: bool,
}

impl Options {
    fn wants(&self, phase: &str) -> bool {
        self.phases.iter().any(|p| p == phase)
    }
}

fn list<T: std::str::FromStr>(name: &str, value: &str) -> Result<Vec<T>> {
    value
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().replace('_', "").parse::<T>().ok().with_context(|| format!("{name}: {s:?}")))
        .collect()
}

fn options(args: &[String]) -> Result<Options> {
    let get = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let known = [
        "--sizes",
        "--runs",
        "--latency-ms",
        "--indexer-batch",
        "--related",
        "--queries",
        "--seed",
        "--phases",
        "--keep",
        "--rebuild-index",
    ];
    if let Some(unknown) = args.iter().find(|a| a.starts_with("--") && !known.contains(&a.as_str())) {
        bail!("unknown option {unknown} (see the top of examples/index_bench.rs)");
    }
    let number = |name: &str, default: usize| -> Result<usize> {
        get(name).map_or(Ok(default), |v| v.parse().with_context(|| format!("{name}: {v:?}")))
    };
    let phases: Vec<String> =
        list("--phases", &get("--phases").unwrap_or_else(|| "build,related,search,refresh".into()))?;
    if let Some(p) = phases.iter().find(|p| !["build", "related", "search", "refresh"].contains(&p.as_str()))
    {
        bail!("--phases: unknown phase {p:?}");
    }
    Ok(Options {
        sizes: list("--sizes", &get("--sizes").unwrap_or_else(|| "100000,1000000".into()))?,
        runs: number("--runs", 3)?.max(1),
        latencies: list("--latency-ms", &get("--latency-ms").unwrap_or_else(|| "0,100".into()))?,
        batches: list("--indexer-batch", &get("--indexer-batch").unwrap_or_else(|| "50".into()))?,
        related: number("--related", 500)?,
        queries: number("--queries", 200)?,
        seed: number("--seed", 1)? as u64,
        phases,
        keep: get("--keep").map(PathBuf::from),
        rebuild: args.iter().any(|a| a == "--rebuild-index"),
    })
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = options(&args)?;
    let started = Instant::now();
    let temp = tempfile::tempdir()?;
    let dir = match &opts.keep {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            d.clone()
        }
        None => temp.path().to_path_buf(),
    };
    let world = newsgen::World::new(opts.seed);
    println!("# tidings index benchmark\n");
    println!("- machine: {} cores, {}", cores(), cpu_model());
    println!(
        "- command: `cargo run --release --example index_bench{}{}`",
        if args.is_empty() { "" } else { " -- " },
        args.join(" ")
    );
    println!("- SQLite {}; generated news, seed {}\n", rusqlite::version(), opts.seed);
    let mut results = Vec::new();
    for &size in &opts.sizes {
        let phase = Instant::now();
        eprintln!("{size} articles: the cache…");
        let filled = news_cache::filled(&world, &dir, size, opts.seed)?;
        let build = if opts.wants("build") || opts.wants("related") || opts.wants("search") {
            eprintln!("  [{:.0} s] the index…", phase.elapsed().as_secs_f64());
            Some(news_cache::indexed(&filled, &dir, opts.seed, opts.rebuild)?)
        } else {
            None
        };
        let indexed = build.as_ref().map(|b| b.path.clone()).unwrap_or_default();
        let related = if opts.wants("related") {
            eprintln!("  [{:.0} s] read also…", phase.elapsed().as_secs_f64());
            Some(index_latency::related(&indexed, &world, opts.related, opts.seed)?)
        } else {
            None
        };
        let search = if opts.wants("search") {
            eprintln!("  [{:.0} s] search…", phase.elapsed().as_secs_f64());
            Some(index_latency::searches(&indexed, &world, size, opts.queries, opts.seed)?)
        } else {
            None
        };
        let refresh = if opts.wants("refresh") {
            eprintln!("  [{:.0} s] refresh…", phase.elapsed().as_secs_f64());
            index_refresh::measure(&world, &filled.path, &dir, opts.runs, &opts.latencies, &opts.batches)?
        } else {
            Vec::new()
        };
        eprintln!("  [{:.0} s] done with {size}", phase.elapsed().as_secs_f64());
        results.push(SizeResult { filled, build, related, search, refresh });
    }
    if opts.wants("build") {
        index_report::build(&results);
    }
    if opts.wants("related") {
        index_report::related(&results);
    }
    if opts.wants("search") {
        index_report::search(&results);
    }
    if opts.wants("refresh") {
        index_report::refresh(&results);
    }
    println!("Whole run: {:.0} s.", started.elapsed().as_secs_f64());
    Ok(())
}

/// Logical cores.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// The CPU's model name.
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
