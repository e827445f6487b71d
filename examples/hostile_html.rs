//! Hostile HTML and queries, timed at two sizes each so that the growth shows: a time ratio
//! near 2 when the size doubles is linear, near 4 quadratic. Each case runs in a child process
//! of its own, so a case that overflows its stack is reported as such (with the signal) and the
//! others still run; a case still running after `--timeout` seconds is killed.
//!
//! cargo run --release --example hostile_html -- [--timeout 120] [--only NAME,NAME]
//!
//! Cases (the size is the nesting depth, the number of links, tags or words):
//!
//! - `fulltext-span-b`, `fulltext-ul-li`, `fulltext-table`: the full text of a page nesting
//!   `<span><b>`, `<ul><li>` or `<table><tr><td>` N deep (`fulltext::extract` on a thread with
//!   the 2 MiB stack of tokio's blocking pool, where the reader and the refresh ran it);
//! - `fulltext-div`: the same for an article wrapped in N `<div>`s;
//! - `fulltext-bushy`: the same for a page of N blocks each 200 `<div>`s deep (as deep as the
//!   flattening lets a page go, and wide: N × 200 elements);
//! - `content-ul`, `content-links`: feed content of N nested `<ul>`s, or with N links, parsed
//!   and laid out for the reader (`text::parse`, then `text::reflow` at 80 columns);
//! - `title-script`: a title of N `<script></script>` pairs made one line (`html_to_line`);
//! - `discover-div`: feed autodiscovery on a page of N nested `<div>`s;
//! - `search-words`: a search of one word N times in a cache of 200 articles that all have it
//!   (`Store::search`);
//! - `highlight-words`: the reader marking a search of N different words in an article;
//! - `fulltext-plain`, `content-plain`: for comparison, an ordinary page or feed content of N
//!   paragraphs, read the same ways.

use std::fmt::Write as _;
use std::io::Write as _;
use std::os::unix::process::ExitStatusExt as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

/// The cases with their two sizes.
const CASES: &[(&str, [usize; 2])] = &[
    ("fulltext-span-b", [50_000, 100_000]),
    ("fulltext-ul-li", [10_000, 20_000]),
    ("fulltext-table", [10_000, 20_000]),
    ("fulltext-div", [5_000, 10_000]),
    ("fulltext-bushy", [250, 500]),
    ("content-ul", [30_000, 60_000]),
    ("content-links", [50_000, 100_000]),
    ("title-script", [50_000, 100_000]),
    ("discover-div", [30_000, 60_000]),
    ("search-words", [1_000, 2_000]),
    ("highlight-words", [5_000, 10_000]),
    ("fulltext-plain", [2_000, 4_000]),
    ("content-plain", [2_000, 4_000]),
];

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, case, size] = args.as_slice()
        && flag == "--child"
    {
        let took = run_case(case, size.parse().context("the size")?)?;
        println!("{}", took.as_secs_f64());
        return Ok(());
    }
    let mut timeout = Duration::from_secs(120);
    let mut only: Option<Vec<String>> = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--timeout" => {
                let secs: u64 = rest.next().context("--timeout needs seconds")?.parse()?;
                timeout = Duration::from_secs(secs);
            }
            "--only" => {
                let names = rest.next().context("--only needs names")?;
                only = Some(names.split(',').map(String::from).collect());
            }
            other => bail!("unknown argument {other}"),
        }
    }
    println!("| case | size | time | size | time | ratio |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (name, sizes) in CASES {
        if only.as_ref().is_some_and(|o| !o.iter().any(|n| n == name)) {
            continue;
        }
        let mut cells = Vec::new();
        let mut secs = Vec::new();
        for size in sizes {
            let outcome = child(name, *size, timeout)?;
            if let Ok(s) = &outcome {
                secs.push(*s);
            }
            let shown = outcome.map_or_else(|e| e, |s| format!("{s:.3} s"));
            cells.push(format!("{size} | {shown}"));
        }
        let ratio = match secs.as_slice() {
            [a, b] if *a > 0.0 => format!("{:.1}", b / a),
            _ => "–".into(),
        };
        println!("| {name} | {} | {ratio} |", cells.join(" | "));
        std::io::stdout().flush()?;
    }
    Ok(())
}

/// Runs one case in a child process: its time in seconds, or what happened instead.
fn child(case: &str, size: usize, timeout: Duration) -> Result<Result<f64, String>> {
    let mut child = Command::new(std::env::current_exe()?)
        .args(["--child", case, &size.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            let mut out = String::new();
            if let Some(mut stdout) = child.stdout.take() {
                std::io::Read::read_to_string(&mut stdout, &mut out)?;
            }
            if status.success() {
                return Ok(Ok(out.trim().parse().context("the child's time")?));
            }
            let how = match (status.code(), status.signal()) {
                (_, Some(6)) => "**aborted (SIGABRT, rc 134)**".to_string(),
                (_, Some(sig)) => format!("**killed by signal {sig}**"),
                (Some(code), _) => format!("**failed (rc {code})**"),
                _ => "**failed**".to_string(),
            };
            return Ok(Err(format!("{how} after {:.1} s", started.elapsed().as_secs_f64())));
        }
        if started.elapsed() > timeout {
            child.kill()?;
            child.wait()?;
            return Ok(Err(format!("**over {} s (killed)**", timeout.as_secs())));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A real article's text: enough for readability to call it one.
fn article() -> String {
    "<p>The lowest tides of the year arrived this week, and with them the people who walk out \
     across the flats to the island, a mile offshore, knowing that the sea comes back faster than \
     anyone can run. You can only be there when it turns.</p>"
        .repeat(4)
}

/// Builds the input outside the clock, then times the work.
fn run_case(case: &str, n: usize) -> Result<Duration> {
    let page = |open: &str, close: &str| {
        format!(
            "<html><head><title>Deep</title></head><body><article>{}{}{}</article></body></html>",
            open.repeat(n),
            article(),
            close.repeat(n)
        )
    };
    Ok(match case {
        "fulltext-span-b" => time_extract(page("<span><b>", "</b></span>")),
        "fulltext-ul-li" => time_extract(page("<ul><li>", "</li></ul>")),
        "fulltext-table" => time_extract(page("<table><tr><td>", "</td></tr></table>")),
        "fulltext-div" => time_extract(page("<div>", "</div>")),
        "fulltext-bushy" => {
            let block = format!("{}<p>A paragraph, deep.</p>{}", "<div>".repeat(200), "</div>".repeat(200));
            time_extract(format!("<html><body>{}{}</body></html>", block.repeat(n), article()))
        }
        "content-ul" => time_content(&format!("{}item{}", "<ul>".repeat(n), "</ul>".repeat(n))),
        "content-links" => {
            let mut links = String::from("<p>");
            for i in 0..n {
                let _ = write!(links, "<a href=\"https://e.example/{i}\">link {i}</a> ");
            }
            time_content(&links)
        }
        "title-script" => {
            let title = format!("A title{}", "<script></script>".repeat(n));
            let started = Instant::now();
            std::hint::black_box(tidings::text::html_to_line(&title));
            started.elapsed()
        }
        "discover-div" => {
            let html = format!(
                "<html><head><link rel=alternate type=application/rss+xml href=/feed></head><body>{}x{}</body></html>",
                "<div>".repeat(n),
                "</div>".repeat(n)
            );
            let base = url::Url::parse("https://e.example/")?;
            let started = Instant::now();
            std::hint::black_box(tidings::feed::discover::discover(&html, &base));
            started.elapsed()
        }
        "search-words" => time_search(n)?,
        "fulltext-plain" => {
            let body = article().repeat(n / 4);
            time_extract(format!(
                "<html><body><nav><a href=/>Home</a></nav><article>{body}</article></body></html>"
            ))
        }
        "content-plain" => time_content(&article().repeat(n / 4)),
        "highlight-words" => {
            let query: Vec<String> = (0..n).map(|i| format!("word{i}")).collect();
            let text = article().repeat(10);
            let started = Instant::now();
            let lang = tidings::index::Lang::from_code("en");
            let h = tidings::index::highlight::Highlighter::new(&query.join(" "), lang);
            std::hint::black_box(h.marks(&text));
            started.elapsed()
        }
        other => bail!("no case {other}"),
    })
}

/// `fulltext::extract` on a thread with a 2 MiB stack, as tokio's blocking pool gives.
fn time_extract(page: String) -> Duration {
    let worker = std::thread::Builder::new().stack_size(2 << 20).spawn(move || {
        let started = Instant::now();
        let out = tidings::fulltext::extract(&page, "https://e.example/deep");
        std::hint::black_box(out.is_ok());
        started.elapsed()
    });
    worker.ok().and_then(|w| w.join().ok()).unwrap_or_default()
}

fn time_content(html: &str) -> Duration {
    let started = Instant::now();
    let doc = tidings::text::parse(html, None);
    std::hint::black_box(tidings::text::reflow(&doc, 80).len());
    started.elapsed()
}

fn time_search(n: usize) -> Result<Duration> {
    use tidings::config::RetentionConfig;
    use tidings::domain::{NewArticle, NewFeed, ParsedFeed};
    use tidings::store::{FetchRecord, Store};
    let dir = tempfile::tempdir()?;
    let mut store = Store::open(&dir.path().join("cache.db"))?;
    let now = chrono::Utc::now();
    let feed = NewFeed { url: "https://e.example/feed".into(), title: None, tags: Vec::new() };
    let id = store.add_feed(&feed, now)?.id;
    let entries = (0..200)
        .map(|i| NewArticle {
            key: format!("a{i}"),
            title: format!("Tides {i}"),
            content_html: Some(article()),
            ..NewArticle::default()
        })
        .collect();
    let parsed = ParsedFeed { title: Some("Feed".into()), site_url: None, entries, ttl: None };
    store.ingest(id, &FetchRecord::default(), &parsed.into(), &RetentionConfig::default(), now)?;
    while store.index_some(500)?.remaining > 0 {}
    let typed = vec!["tides"; n].join(" ");
    let started = Instant::now();
    let query = tidings::index::SearchQuery::parse(&typed);
    let found = store.search(&query, 50)?;
    let took = started.elapsed();
    anyhow::ensure!(!found.articles.is_empty(), "the search found nothing");
    Ok(took)
}
