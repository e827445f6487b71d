//! The reader benchmark: the real release binary in a 120×40 pseudo-terminal, read back through
//! vt100. Prints Markdown tables:
//!
//! 1. time to first frame on caches of 50,000 to 1,000,000 articles (filled through the
//!    library), with peak memory (VmHWM) after the first frame and after paging; each cache is
//!    started with the WAL its writer left behind and again after a checkpoint;
//! 2. keypress-to-frame latency while a 200-feed refresh runs, and with none running;
//! 3. newsboat on the same 500 feeds × 100 items, when it is installed.
//!
//! CARGO_TARGET_DIR=/tmp/bench-target cargo build --release
//! CARGO_TARGET_DIR=/tmp/bench-target cargo run --release --example reader_bench -- [options]
//!
//!   --sizes 50000,100000,1000000   cache sizes for the first-frame runs (`none` skips them)
//!   --runs 5                       reader starts per cache
//!   --presses 300                  presses wanted inside a refresh (`0` skips the key test)
//!   --skip-newsboat                no newsboat comparison
//!   --newsboat-feeds 500x100       feeds × items for the comparison
//!   --no-preindex                  leave the search index empty (the reader fills it itself)
//!   --bin PATH                     the tidings binary (default: release/tidings beside this one)
//!   --log LEVEL                    TIDINGS_LOG for the reader (its log is <data-dir>/tidings.log)
//!   --verbose                      print the screens the measurements stop at
//!   --keep                         keep the filled caches (their paths go to stderr)

#[path = "../benches/support/feedgen.rs"]
mod feedgen;
#[path = "support/fill.rs"]
mod fill;
#[path = "support/first_frame.rs"]
mod first_frame;
#[path = "support/keys.rs"]
mod keys;
#[path = "support/newsboat.rs"]
mod newsboat;
#[path = "support/pty.rs"]
mod pty;
#[path = "support/reader.rs"]
mod reader;
#[path = "support/report.rs"]
mod report;
#[path = "../tests/common/server.rs"]
mod server;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};

/// What the command line asks for.
struct Options {
    sizes: Vec<usize>,
    runs: usize,
    presses: usize,
    newsboat: Option<(usize, usize)>,
    preindex: bool,
    bin: Option<PathBuf>,
    log: Option<String>,
    verbose: bool,
    keep: bool,
}

fn options(args: &[String]) -> Result<Options> {
    let get = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let has = |name: &str| args.iter().any(|a| a == name);
    let known = [
        "--sizes",
        "--runs",
        "--presses",
        "--skip-newsboat",
        "--newsboat-feeds",
        "--no-preindex",
        "--bin",
        "--log",
        "--verbose",
        "--keep",
    ];
    if let Some(unknown) = args.iter().find(|a| a.starts_with("--") && !known.contains(&a.as_str())) {
        bail!("unknown option {unknown} (see the top of examples/reader_bench.rs)");
    }
    let sizes = match get("--sizes").as_deref() {
        None => vec![50_000, 100_000, 1_000_000],
        Some("none" | "") => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|s| s.trim().replace('_', "").parse::<usize>().with_context(|| format!("--sizes: {s:?}")))
            .collect::<Result<_>>()?,
    };
    let number = |name: &str, default: usize| -> Result<usize> {
        get(name).map_or(Ok(default), |v| v.parse().with_context(|| format!("{name}: {v:?}")))
    };
    let newsboat = if has("--skip-newsboat") {
        None
    } else {
        let spec = get("--newsboat-feeds").unwrap_or_else(|| "500x100".into());
        let (f, i) = spec.split_once('x').context("--newsboat-feeds: FEEDSxITEMS")?;
        Some((f.parse()?, i.parse()?))
    };
    Ok(Options {
        sizes,
        runs: number("--runs", 5)?.max(1),
        presses: number("--presses", 300)?,
        newsboat,
        preindex: !has("--no-preindex"),
        bin: get("--bin").map(PathBuf::from),
        log: get("--log"),
        verbose: has("--verbose"),
        keep: has("--keep"),
    })
}

/// The tidings binary: `--bin`, else `release/tidings` in this example's target directory.
fn binary(opts: &Options) -> Result<PathBuf> {
    let bin = if let Some(b) = &opts.bin {
        b.clone()
    } else {
        // <target>/release/examples/reader_bench -> <target>/release/tidings
        let me = std::env::current_exe()?;
        me.parent().and_then(|d| d.parent()).map(|d| d.join("tidings")).context("no target directory")?
    };
    if !bin.is_file() {
        bail!(
            "{} not found: build it first with `cargo build --release` (same CARGO_TARGET_DIR)",
            bin.display()
        );
    }
    // A binary older than the sources measures old code.
    let built = std::fs::metadata(&bin)?.modified()?;
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    if newest_mtime(&src).is_some_and(|m| m > built) {
        eprintln!(
            "warning: {} is older than files in src/; rebuild with `cargo build --release`",
            bin.display()
        );
    }
    Ok(bin)
}

fn newest_mtime(dir: &std::path::Path) -> Option<std::time::SystemTime> {
    let mut newest = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let m = if path.is_dir() { newest_mtime(&path) } else { entry.metadata().ok()?.modified().ok() };
        newest = newest.max(m);
    }
    newest
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = options(&args)?;
    let tidings = reader::Tidings { bin: binary(&opts)?, log: opts.log.clone() };
    let started = Instant::now();
    println!("# tidings reader benchmark\n");
    println!("- machine: {} cores, {}", report::cores(), report::cpu_model());
    println!(
        "- command: `cargo run --release --example reader_bench{}{}`",
        if args.is_empty() { "" } else { " -- " },
        args.join(" ")
    );
    println!("- tidings: `{}`; terminal 120×40, TERM=xterm-256color", tidings.bin.display());
    println!(
        "- search index: {}\n",
        if opts.preindex {
            "filled before the runs (the reader's steady state)"
        } else {
            "empty (the reader fills it while measured)"
        }
    );

    let mut sizes = Vec::new();
    for &size in &opts.sizes {
        eprintln!("filling a cache of {size} articles…");
        let dir = tempfile::tempdir()?;
        let paths = reader::env(dir.path(), false)?;
        let feeds = (size / 1_000).clamp(1, 1_000);
        let filled = fill::fill(&paths.database(), feeds, size, opts.preindex)?;
        eprintln!("  filled in {:.1} s; starting the reader {} times", filled.fill.as_secs_f64(), opts.runs);
        let db = paths.database();
        let start =
            || first_frame::measure(&tidings, &paths, &filled.newest, Some(&filled.oldest), opts.verbose);
        let as_left = (0..opts.runs).map(|_| start()).collect::<Result<Vec<_>>>()?;
        // The same starts once the WAL has been copied into the database: opening a cache replays
        // its WAL, and tidings leaves up to 64 MiB of it (no checkpoint on close).
        let wal_frames = fill::checkpoint(&db)?;
        let checkpointed = (0..opts.runs).map(|_| start()).collect::<Result<Vec<_>>>()?;
        sizes.push(report::SizeRow { size, filled, wal_frames, as_left, checkpointed });
        if opts.keep {
            eprintln!("  kept: tidings --config-dir {0}/config --data-dir {0}/data", dir.keep().display());
        }
    }
    if !sizes.is_empty() {
        report::sizes(&sizes, opts.runs);
    }

    if opts.presses > 0 {
        eprintln!("key presses during a {}-feed refresh…", keys::FEEDS);
        let k = keys::run(&tidings, opts.presses, opts.verbose)?;
        report::keys(&k);
    }

    match opts.newsboat {
        Some(spec) if newsboat::installed("newsboat") => {
            eprintln!("newsboat on {} feeds × {} items…", spec.0, spec.1);
            let c = newsboat::run(&tidings, spec, opts.runs, opts.preindex, opts.verbose)?;
            report::newsboat(&c);
        }
        Some(_) => println!("newsboat is not installed (`apt-get install newsboat`); no comparison.\n"),
        None => {}
    }
    println!("Whole run: {:.0} s.", started.elapsed().as_secs_f64());
    Ok(())
}
