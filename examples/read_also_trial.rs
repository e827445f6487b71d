//! "Read also" as a reader meets it: the real feeds of ../shared/corpus (captures of news
//! sites, blogs and podcasts kept in parsers' test suites) parsed and stored through the
//! library into one cache, indexed by the reader's own code, then the six suggestions for
//! chosen articles printed with their feeds and scores, for a person to read and judge.
//!
//! cargo run --release --example read_also_trial [-- options]
//!
//!   --pick 10          articles chosen at random (fixed seed) among those with a body
//!   --title WORDS      articles whose title contains WORDS (case-insensitive; repeatable)
//!   --strictness X     related.strictness for the lists (default: the reader's)
//!   --corpus DIR       the corpus (default ../shared/corpus, or TIDINGS_CORPUS)
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::HashSet;
use std::path::PathBuf;

use tidings::config::RetentionConfig;
use tidings::domain::NewFeed;
use tidings::index::RelatedConfig;
use tidings::store::{FetchRecord, PreparedFeed, Store};

/// Feeds smaller than this say little about a site.
const MIN_ENTRIES: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let titles: Vec<String> = args
        .iter()
        .enumerate()
        .filter(|(_, a)| *a == "--title")
        .filter_map(|(i, _)| args.get(i + 1).map(|t| t.to_lowercase()))
        .collect();
    let pick: usize = value("--pick").map_or(if titles.is_empty() { 10 } else { 0 }, |v| v.parse().unwrap());
    let mut config = RelatedConfig::default();
    if let Some(s) = value("--strictness") {
        config.strictness = s.parse().unwrap();
    }
    let dir = value("--corpus").map_or_else(
        || match std::env::var_os("TIDINGS_CORPUS") {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        },
        PathBuf::from,
    );
    let manifest = std::fs::read_to_string(dir.join("manifest.tsv")).expect("the corpus manifest");
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let mut store = Store::open(&tmp.path().join("cache.db")).expect("a cache");
    let now = chrono::Utc::now();
    let retention = RetentionConfig { keep_days: 0, keep_per_feed: 0, ..RetentionConfig::default() };
    let (mut feeds, mut articles) = (0, 0);
    let mut seen_titles: HashSet<String> = HashSet::new();
    for row in manifest.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        if !matches!(cols.get(2).copied(), Some("rss2" | "atom10" | "json" | "rss1")) {
            continue;
        }
        let bytes = std::fs::read(dir.join(cols[0])).unwrap_or_default();
        let url = format!("https://corpus.example/{}", cols[0]);
        let Ok(parsed) = tidings::feed::parse(&bytes, None, &url) else { continue };
        // The same capture is often kept by several suites, and test feeds share titles.
        let key = format!("{:?}|{}", parsed.title, parsed.entries.len());
        if parsed.entries.len() < MIN_ENTRIES || !seen_titles.insert(key) {
            continue;
        }
        let n = parsed.entries.len();
        let id = store.add_feed(&NewFeed { url, ..NewFeed::default() }, now).expect("a feed").id;
        let prepared: PreparedFeed = parsed.into();
        store.ingest(id, &FetchRecord::default(), &prepared, &retention, now).expect("stored");
        feeds += 1;
        articles += n;
    }
    while store.index_some(500).expect("indexed").remaining > 0 {}
    println!("{feeds} feeds, {articles} articles from {}\n", dir.display());
    let conn = rusqlite::Connection::open(tmp.path().join("cache.db")).expect("the cache");
    let mut chosen: Vec<i64> = Vec::new();
    for t in &titles {
        let mut stmt =
            conn.prepare("SELECT id FROM articles WHERE lower(title) LIKE ?1 ORDER BY id LIMIT 1").unwrap();
        chosen
            .extend(stmt.query_map([format!("%{t}%")], |r| r.get::<_, i64>(0)).unwrap().map(Result::unwrap));
    }
    if pick > 0 {
        // Articles with a body worth relating, a fixed pseudo-random choice across feeds.
        let mut stmt = conn
            .prepare(
                "SELECT a.id FROM articles a JOIN bodies b ON b.article_id = a.id
                 WHERE length(coalesce(b.content, b.summary)) > 400 ORDER BY (a.id * 2654435761) % 1000003",
            )
            .unwrap();
        let ids: Vec<i64> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        let mut feeds_seen = HashSet::new();
        for id in ids {
            let feed: i64 =
                conn.query_row("SELECT feed_id FROM articles WHERE id = ?1", [id], |r| r.get(0)).unwrap();
            if chosen.len() < pick + titles.len() && feeds_seen.insert(feed) {
                chosen.push(id);
            }
        }
    }
    for id in chosen {
        let article = store.article(tidings::domain::ArticleId(id)).unwrap().unwrap();
        println!("## {} ({})", article.summary.title, article.summary.feed_title);
        let found = store.related_scored(&article, 6, now.timestamp(), &config).unwrap();
        if found.is_empty() {
            println!("   (nothing closely related)");
        }
        for (i, (s, score)) in found.iter().enumerate() {
            println!("{}. {} — {} [{score:.3}]", i + 1, s.title, s.feed_title);
        }
        println!();
    }
}
