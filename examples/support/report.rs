//! The Markdown tables, the statistics behind them, and the machine description.

use std::time::Duration;

use crate::fill::Filled;
use crate::first_frame::Run;
use crate::keys::{self, Keys};
use crate::newsboat::Comparison;
use crate::pty::Timing;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The `p`-th percentile (nearest rank) of `values`; `None` when empty.
fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    Some(v[rank.min(v.len()) - 1])
}

fn median(values: &[f64]) -> Option<f64> {
    percentile(values, 50.0)
}

fn min(values: &[f64]) -> Option<f64> {
    values.iter().copied().reduce(f64::min)
}

fn num(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "n/a".into(), |x| format!("{x:.decimals$}"))
}

/// "✓", or "✗ (+N %)" when `value` is over `target`.
fn verdict(value: Option<f64>, target: Option<f64>) -> String {
    match (value, target) {
        (Some(v), Some(t)) if v <= t => "✓".into(),
        (Some(v), Some(t)) => format!("✗ (+{:.0} %)", (v / t - 1.0) * 100.0),
        _ => String::new(),
    }
}

/// The targets: first frame and peak memory at 50k and at 1M articles.
fn targets(size: usize) -> (Option<f64>, Option<f64>) {
    match size {
        0..=50_000 => (Some(50.0), Some(32.0)),
        1_000_000.. => (Some(100.0), Some(100.0)),
        _ => (None, None),
    }
}

/// One cache size: how it was filled, and the reader's starts on it.
pub struct SizeRow {
    /// Articles.
    pub size: usize,
    /// The fill.
    pub filled: Filled,
    /// Pages the WAL held when the starts with it were made.
    pub wal_frames: u64,
    /// Starts with the WAL the writer left behind (what a user has after a refresh).
    pub as_left: Vec<Run>,
    /// Starts after a checkpoint (nothing to replay).
    pub checkpointed: Vec<Run>,
}

/// Fill times, then first frame and memory per cache size.
pub fn sizes(rows: &[SizeRow], runs: usize) {
    println!("## Filling the caches (through the library, before the runs)\n");
    println!("| articles | feeds × items | fill (s) | search index (s) | database (MiB) | WAL file (MiB) |");
    println!("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for r in rows {
        let f = &r.filled;
        println!(
            "| {} | {} × {} | {:.1} | {} | {:.0} | {:.0} |",
            r.size,
            f.feeds,
            f.items,
            f.fill.as_secs_f64(),
            f.index.map_or_else(|| "not filled".into(), |d| format!("{:.1}", d.as_secs_f64())),
            f.db_bytes as f64 / 1_048_576.0,
            f.wal_bytes as f64 / 1_048_576.0,
        );
    }
    println!("\n## Time to first frame and peak memory ({runs} starts per row)\n");
    println!(
        "| articles | WAL replayed at open | first frame min (ms) | median (ms) | target | first byte (ms) | \
         VmHWM at first frame (MiB) | VmHWM after PgDn ×5, G (MiB) | target | G to oldest (ms) |"
    );
    println!("| ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: |");
    for r in rows {
        // A WAL frame is a page (4 KiB here) and a 24-byte header.
        let wal = format!("{:.0} MiB, as the writer left it", r.wal_frames as f64 * 4120.0 / 1_048_576.0);
        for (label, runs) in [(wal.as_str(), &r.as_left), ("none (checkpointed)", &r.checkpointed)] {
            size_row(r.size, label, runs);
        }
    }
    println!(
        "\nMedians unless marked; “first byte” is the first output of the process (it enters the \
         alternate screen before opening the cache).\n"
    );
}

fn size_row(size: usize, label: &str, runs: &[Run]) {
    let frame: Vec<f64> = runs.iter().map(|r| ms(r.first_frame)).collect();
    let byte: Vec<f64> = runs.iter().map(|r| ms(r.first_output)).collect();
    let hwm_first: Vec<f64> = runs.iter().filter_map(|r| r.hwm_first.map(mib)).collect();
    let hwm_end: Vec<f64> = runs.iter().filter_map(|r| r.hwm_end.map(mib)).collect();
    let to_end: Vec<f64> = runs.iter().filter_map(|r| r.to_end.map(ms)).collect();
    let (t_frame, t_mem) = targets(size);
    let target = |t: Option<f64>, unit: &str, v: Option<f64>| {
        t.map_or_else(|| "—".into(), |t| format!("≤ {t:.0} {unit} {}", verdict(v, Some(t))))
    };
    println!(
        "| {size} | {label} | {} | {} | {} | {} | {} | {} | {} | {} |",
        num(min(&frame), 1),
        num(median(&frame), 1),
        target(t_frame, "ms", median(&frame)),
        num(median(&byte), 1),
        num(median(&hwm_first), 1),
        num(median(&hwm_end), 1),
        target(t_mem, "MiB", median(&hwm_end)),
        num(median(&to_end), 1),
    );
}

/// Keypress latency during a refresh and without one.
pub fn keys(k: &Keys) {
    println!(
        "## Keypress to frame: `j`/`k` every {} ms, {} feeds × {} items, {} ms ± 50 % latency\n",
        keys::EVERY.as_millis(),
        keys::FEEDS,
        keys::ITEMS,
        keys::LATENCY.as_millis()
    );
    println!(
        "| while | measured until | presses | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | no frame in 2 s |"
    );
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (label, timings) in [("a refresh runs", &k.during), ("nothing else runs", &k.idle)] {
        for (what, pick) in [
            ("the frame shows the move", (|t: &Timing| t.matched) as fn(&Timing) -> Option<Duration>),
            ("the next output bytes", |t: &Timing| t.output),
        ] {
            let values: Vec<f64> = timings.iter().filter_map(pick).map(ms).collect();
            let missing = timings.len() - values.len();
            println!(
                "| {label} | {what} | {} | {} | {} | {} | {} | {missing} |",
                timings.len(),
                num(percentile(&values, 50.0), 1),
                num(percentile(&values, 90.0), 1),
                num(percentile(&values, 99.0), 1),
                num(percentile(&values, 100.0), 1),
            );
        }
    }
    let refresh: Vec<f64> = k.refresh.iter().map(Duration::as_secs_f64).collect();
    let p99 = percentile(&k.during.iter().filter_map(|t| t.matched).map(ms).collect::<Vec<_>>(), 99.0);
    println!(
        "\nTarget: p99 ≤ 16 ms while refreshing {}. {} rounds, each a fresh copy of the same cache \
         (10,000 articles, indexed) refreshing to 10,000 new articles; refresh on screen for {} s \
         (median); last round ended with “{}”.\n",
        verdict(p99, Some(16.0)),
        k.rounds,
        num(median(&refresh), 2),
        k.summary
    );
}

/// tidings and newsboat on the same articles.
pub fn newsboat(c: &Comparison) {
    println!(
        "## newsboat on the same articles: {} feeds × {} items, served from 50 loopback addresses\n",
        c.feeds, c.items
    );
    println!(
        "| reader | filling the cache (s) | articles | first frame min (ms) | median (ms) | × tidings | \
         VmHWM at first frame (MiB) | VmHWM 1 s later (MiB) | × tidings |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let frames = |runs: &[Run]| runs.iter().map(|r| ms(r.first_frame)).collect::<Vec<f64>>();
    let first = |runs: &[Run]| runs.iter().filter_map(|r| r.hwm_first.map(mib)).collect::<Vec<f64>>();
    let end = |runs: &[Run]| runs.iter().filter_map(|r| r.hwm_end.map(mib)).collect::<Vec<f64>>();
    let (t_frame, t_hwm) = (frames(&c.tidings), end(&c.tidings));
    let n_frame: Vec<f64> = c.newsboat.iter().map(|r| ms(r.first_frame)).collect();
    let n_first: Vec<f64> = c.newsboat.iter().filter_map(|r| r.hwm_first.map(mib)).collect();
    let n_hwm: Vec<f64> = c.newsboat.iter().filter_map(|r| r.hwm.map(mib)).collect();
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.1}", a / b),
        _ => "n/a".into(),
    };
    let wal = format!("{:.0} MiB of WAL left by its refresh", c.wal_frames as f64 * 4120.0 / 1_048_576.0);
    for (label, runs) in [(wal.as_str(), &c.tidings), ("checkpointed", &c.tidings_checkpointed)] {
        let f = frames(runs);
        println!(
            "| tidings, {label} | {:.1} (`refresh`) | {} | {} | {} | {} | {} | {} | {} |",
            c.tidings_fill.as_secs_f64(),
            c.tidings_articles,
            num(min(&f), 1),
            num(median(&f), 1),
            ratio(median(&f), median(&t_frame)),
            num(median(&first(runs)), 1),
            num(median(&end(runs)), 1),
            ratio(median(&end(runs)), median(&t_hwm)),
        );
    }
    println!(
        "| {} | {:.1} (`-x reload`, reload-threads 8) | {} | {} | {} | {} | {} | {} | {} |",
        c.version,
        c.newsboat_fill.as_secs_f64(),
        c.newsboat_articles,
        num(min(&n_frame), 1),
        num(median(&n_frame), 1),
        ratio(median(&n_frame), median(&t_frame)),
        num(median(&n_first), 1),
        num(median(&n_hwm), 1),
        ratio(median(&n_hwm), median(&t_hwm)),
    );
    println!(
        "\nnewsboat is timed until its feed list is drawn (title bar, a feed row with its counts, key \
         hints), tidings until its article list shows the newest article and its status line; \
         medians of {} starts each, alternating.\n",
        c.tidings.len()
    );
}

/// Logical cores.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// The CPU's model name.
pub fn cpu_model() -> String {
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
