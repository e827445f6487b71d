//! Every feed file of ../shared/corpus goes through parse → normalise → store → show without a
//! panic; the test prints how many produced at least one article.
//!
//! Without the corpus these tests skip and say so on stderr (`SKIPPED: …`, shown by a plain
//! `cargo test`); under CI (`CI=true` or `CI=1`) a missing corpus is a failure instead.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use tidings::config::RetentionConfig;
use tidings::domain::{ArticleFilter, NewFeed};
use tidings::store::FetchRecord;

/// The tests' names, as the skip and failure messages give them.
const PIPELINE_TEST: &str = "every_corpus_file_goes_through_the_pipeline_without_a_panic";
const CDATA_TEST: &str = "the_cdata_fast_path_changes_no_parse_result";

#[test]
fn every_corpus_file_goes_through_the_pipeline_without_a_panic() {
    let Some(dir) = common::corpus_dir_or_skip(PIPELINE_TEST) else { return };
    let manifest = std::fs::read_to_string(dir.join("manifest.tsv")).unwrap();
    let env = common::Env::new();
    let mut store = env.store();
    let retention = RetentionConfig::default();
    let now = chrono::Utc::now();
    let offset = chrono::FixedOffset::east_opt(0).unwrap();
    let mut panics = Vec::new();
    // Per format: (files, files with at least one article).
    let mut by_format: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut files, mut with_articles, mut articles) = (0, 0, 0);
    // Files that hold at least one item or entry element, and how many of those gave articles.
    let (mut with_items, mut with_items_ok) = (0, 0);
    for row in manifest.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        let (path, format) = (cols[0], cols.get(2).copied().unwrap_or("?"));
        let bytes = std::fs::read(dir.join(path)).unwrap();
        files += 1;
        let url = format!("https://corpus.example/{path}");
        let result = catch_unwind(AssertUnwindSafe(|| -> usize {
            let Ok(feed) = tidings::feed::parse(&bytes, None, &url) else { return 0 };
            let id = store.add_feed(&NewFeed { url: url.clone(), ..NewFeed::default() }, now).unwrap().id;
            store.ingest(id, &FetchRecord::default(), &feed.into(), &retention, now).unwrap();
            let filter = ArticleFilter { feed: Some(id), ..ArticleFilter::default() };
            let stored = store.articles(&filter, None, 100_000).unwrap();
            for summary in &stored {
                let article = store.article(summary.id).unwrap().unwrap();
                let prepared = tidings::text::article::prepare(&article);
                for width in [80, 23] {
                    let lines = tidings::text::article::layout(&article, &prepared, width, &offset);
                    assert!(lines.iter().all(|l| l.width() <= width), "{path}: a line wider than {width}");
                }
            }
            stored.len()
        }));
        let entry = by_format.entry(format.to_string()).or_default();
        entry.0 += 1;
        let has_items = has_item_elements(&bytes);
        with_items += usize::from(has_items);
        match result {
            Ok(n) if n > 0 => {
                with_articles += 1;
                articles += n;
                entry.1 += 1;
                with_items_ok += usize::from(has_items);
            }
            Ok(_) => {}
            Err(_) => panics.push(path.to_string()),
        }
    }
    assert!(panics.is_empty(), "panicked on {} files: {panics:?}", panics.len());
    println!("corpus: {files} files, {with_articles} produced at least one article ({articles} articles)");
    println!("  of the {with_items} files with an item or entry element, {with_items_ok} produced articles");
    for (format, (n, ok)) in &by_format {
        println!("  {format:<8} {ok:>5} of {n:>5} files produced articles");
    }
    assert!(files > 5000, "the manifest lists every file");
    // A floor a little under today's share, so a regression in parsing shows up here.
    assert!(
        with_items_ok * 100 / with_items >= 88,
        "only {with_items_ok} of {with_items} files with items produced articles"
    );
}

/// Whether the raw bytes hold an RSS item, an Atom entry or a JSON Feed items list (a
/// byte search, independent of the parser under test; UTF-16 files are not counted).
fn has_item_elements(bytes: &[u8]) -> bool {
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    [b"<item>".as_slice(), b"<item ", b"<entry>", b"<entry ", b"\"items\"", b":item>", b":entry>"]
        .iter()
        .any(|n| contains(n))
}

/// The CDATA fast path (`feed::cdata`) must not change what any corpus file parses to.
#[test]
fn the_cdata_fast_path_changes_no_parse_result() {
    let Some(dir) = common::corpus_dir_or_skip(CDATA_TEST) else { return };
    let manifest = std::fs::read_to_string(dir.join("manifest.tsv")).unwrap();
    let (mut compared, mut rewritten) = (0, 0);
    for row in manifest.lines().skip(1) {
        let path = row.split('\t').next().unwrap();
        let bytes = std::fs::read(dir.join(path)).unwrap();
        let (text, _) = tidings::feed::charset::decode(&bytes, None);
        let text = tidings::feed::repair::fix_root(&text);
        let fast = tidings::feed::cdata::escaped_runs_to_cdata(&text);
        if matches!(fast, std::borrow::Cow::Borrowed(_)) {
            continue;
        }
        rewritten += 1;
        let url = "https://corpus.example/feed";
        let plain = tidings::feed::parse::parse_decoded(&text, url);
        let quick = tidings::feed::parse::parse_decoded(&fast, url);
        match (plain, quick) {
            (Ok(a), Ok(b)) => {
                compared += 1;
                assert_eq!(a, b, "{path}: the fast path changed the result");
            }
            (Err(_), Err(_)) => {}
            (a, b) => panic!("{path}: plain parse {:?} but fast path {:?}", a.map(|_| ()), b.map(|_| ())),
        }
    }
    println!("cdata fast path: {rewritten} files rewritten, {compared} parsed identically both ways");
    assert!(compared > 500, "the comparison covered too few files ({compared})");
}

#[test]
fn the_ci_variable_is_read_as_documented() {
    for yes in ["true", "TRUE", "True", "1", " true\n"] {
        assert!(common::is_ci(Some(yes)), "{yes:?}");
    }
    for no in ["", "0", "false", "no", "yes", "10"] {
        assert!(!common::is_ci(Some(no)), "{no:?}");
    }
    assert!(!common::is_ci(None));
}

#[test]
fn a_missing_corpus_skips_outside_ci_and_fails_under_it() {
    let path = std::path::Path::new("/nowhere/corpus");
    let skipped = common::missing_corpus("some_test", path, false).unwrap();
    assert!(skipped.starts_with("SKIPPED: some_test: "), "{skipped}");
    assert!(skipped.contains("/nowhere/corpus"), "{skipped}");
    let failure = common::missing_corpus("some_test", path, true).unwrap_err();
    assert!(failure.starts_with("some_test: the test corpus is missing"), "{failure}");
    assert!(failure.contains("/nowhere/corpus") && failure.contains("CI"), "{failure}");
}

/// Runs one corpus test of this very binary with the corpus pointed at an empty directory, the
/// way a plain `cargo test` runs it (output captured): the skip must show on stderr, and under
/// CI the test must fail with its message.
#[test]
fn a_missing_corpus_is_reported_by_a_plain_test_run() {
    let empty = tempfile::tempdir().unwrap();
    for test in [PIPELINE_TEST, CDATA_TEST] {
        let run = |ci: Option<&str>| {
            let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
            cmd.args(["--exact", test, "--test-threads=1"]).env("TIDINGS_CORPUS", empty.path());
            match ci {
                Some(value) => cmd.env("CI", value),
                None => cmd.env_remove("CI"),
            };
            let out = cmd.output().unwrap();
            let (stdout, stderr) = (
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            );
            (out.status.success(), stdout, stderr)
        };
        let (ok, stdout, stderr) = run(None);
        assert!(ok, "{test} without CI: {stdout}\n{stderr}");
        assert!(stdout.contains("1 passed"), "{test} did not run: {stdout}");
        assert!(stderr.contains(&format!("SKIPPED: {test}: the test corpus is absent")), "{test}: {stderr}");
        for ci in ["true", "1"] {
            let (ok, stdout, stderr) = run(Some(ci));
            assert!(!ok, "{test} with CI={ci} passed: {stdout}\n{stderr}");
            assert!(stdout.contains("the test corpus is missing"), "{test} with CI={ci}: {stdout}\n{stderr}");
            assert!(!stderr.contains("SKIPPED"), "{test} with CI={ci}: {stderr}");
        }
        let (ok, stdout, _) = run(Some("false"));
        assert!(ok, "{test} with CI=false: {stdout}");
    }
}
