//! `tidings import --newsboat`: a real newsboat builds its cache from a loopback server, tidings
//! imports it, and a refresh of the same feeds afterwards neither duplicates nor forgets.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use chrono::Utc;
use common::Env;
use common::newsboat::{newsboat, newsboat_or_skip};
use common::server::{Route, TestServer};
use serde_json::Value;
use tidings::config::RetentionConfig;
use tidings::domain::{ArticleFilter, NewArticle, NewFeed, ParsedFeed};
use tidings::store::{ImportedArticle, PreparedFeed};

fn json(text: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(text).unwrap().as_array().unwrap().clone()
}

/// Feed A: RSS with guids. Feed B: RSS without guids (one item dated, one not). Feed C: Atom.
fn serve(server: &TestServer) {
    let a = common::rss("Feed A", &[("urn:a:1", "A one"), ("urn:a:2", "A two"), ("urn:a:3", "A three")]);
    server.set("/a.xml", Route::feed(a));
    let b = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed B</title><link>{site}</link>\
         <item><title>B dated</title><link>{site}b1</link><pubDate>Tue, 03 Nov 2026 10:00:00 +0000</pubDate>\
         <description>first</description></item>\
         <item><title>B undated</title><link>{site}b2</link><description>second</description></item>\
         </channel></rss>",
        site = server.url("/")
    );
    server.set("/b.xml", Route::feed(b));
    let c = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Feed C</title>\
        <id>urn:c</id><updated>2026-11-01T10:00:00Z</updated>\
        <entry><id>urn:c:1</id><title>C one</title><updated>2026-11-01T10:00:00Z</updated>\
        <content type=\"html\">&lt;p&gt;C body&lt;/p&gt;</content></entry>\
        <entry><id>urn:c:2</id><title>C two</title><updated>2026-11-01T11:00:00Z</updated>\
        <content type=\"html\">&lt;p&gt;C body two&lt;/p&gt;</content></entry></feed>";
    server.set("/c.xml", Route::feed(c).content_type("application/atom+xml"));
}

/// Builds newsboat's files in `dir`: reload, then mark items read the way newsboat does
/// (`-I`, its import of a list of read articles) and flag and delete some in its cache.
fn build_newsboat_cache(bin: &Path, server: &TestServer, dir: &Path) {
    std::fs::create_dir_all(dir.join("home")).unwrap();
    let urls = format!(
        "# my feeds\n{} news \"long tag\" \"~My A\"\n{} tech\n{}\n\"query:Unread:unread = \\\"yes\\\"\"\n",
        server.url("/a.xml"),
        server.url("/b.xml"),
        server.url("/c.xml")
    );
    std::fs::write(dir.join("urls"), urls).unwrap();
    newsboat(bin, dir, &["-x", "reload"]);
    let db = rusqlite::Connection::open(dir.join("cache.db")).unwrap();
    let count: i64 = db.query_row("SELECT count(*) FROM rss_item", [], |r| r.get(0)).unwrap();
    assert_eq!(count, 7, "newsboat cached every item");
    // Read: A one, the dated B item and C one, by guid, through newsboat itself.
    let guids: Vec<String> = db
        .prepare("SELECT guid FROM rss_item WHERE title IN ('A one', 'B dated', 'C one')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(guids.len(), 3);
    drop(db);
    std::fs::write(dir.join("read.txt"), guids.join("\n") + "\n").unwrap();
    newsboat(bin, dir, &["-I", dir.join("read.txt").to_str().unwrap()]);
    // Flagged `s` (starred) and deleted: newsboat has no command line for these.
    let db = rusqlite::Connection::open(dir.join("cache.db")).unwrap();
    db.execute("UPDATE rss_item SET flags = 's' WHERE title IN ('A two', 'B undated')", []).unwrap();
    db.execute("UPDATE rss_item SET deleted = 1 WHERE title = 'C two'", []).unwrap();
    let read: i64 = db.query_row("SELECT count(*) FROM rss_item WHERE unread = 0", [], |r| r.get(0)).unwrap();
    assert_eq!(read, 3, "newsboat -I marked the listed articles read");
}

/// (title, read, starred) of every article, sorted by title.
fn states(env: &Env) -> Vec<(String, bool, bool)> {
    let mut all: Vec<(String, bool, bool)> = json(&env.run_ok(&["articles", "--json", "-n", "100"]))
        .iter()
        .map(|a| {
            (
                a["title"].as_str().unwrap().to_string(),
                a["read"].as_bool().unwrap(),
                a["starred"].as_bool().unwrap(),
            )
        })
        .collect();
    all.sort();
    all
}

fn expected_states() -> Vec<(String, bool, bool)> {
    [
        ("A one", true, false),
        ("A three", false, false),
        ("A two", false, true),
        ("B dated", true, false),
        ("B undated", false, true),
        ("C one", true, false),
        ("C two", true, false),
    ]
    .iter()
    .map(|(t, r, s)| ((*t).to_string(), *r, *s))
    .collect()
}

#[test]
fn a_real_newsboat_cache_is_imported_and_a_refresh_keeps_it() {
    let Some(bin) = newsboat_or_skip("a_real_newsboat_cache_is_imported_and_a_refresh_keeps_it") else {
        return;
    };
    let server = TestServer::start();
    serve(&server);
    let nb = tempfile::tempdir().unwrap();
    build_newsboat_cache(&bin, &server, nb.path());
    let env = Env::new();
    let dir = nb.path().to_str().unwrap();
    let out = env.run_ok(&["import", "--newsboat", dir]);
    assert!(out.contains("3 feeds (0 already subscribed), 7 articles (7 new): 4 read, 2 starred"), "{out}");
    assert!(out.contains("urls line 5") && out.contains("query"), "names the skipped query feed: {out}");
    assert!(out.contains("1 article deleted in newsboat came in read"), "{out}");

    let feeds = json(&env.run_ok(&["feeds", "--json"]));
    let feed = |path: &str| feeds.iter().find(|f| f["url"] == server.url(path)).unwrap().clone();
    let (a, b, c) = (feed("/a.xml"), feed("/b.xml"), feed("/c.xml"));
    assert_eq!(a["title"], "My A", "the urls file's ~title");
    assert_eq!(a["tags"], serde_json::json!(["long tag", "news"]));
    assert_eq!(b["title"], "Feed B", "the feed's own title from newsboat's cache");
    assert_eq!(b["tags"], serde_json::json!(["tech"]));
    assert_eq!((a["total"].as_u64(), a["unread"].as_u64()), (Some(3), Some(2)));
    assert_eq!((b["total"].as_u64(), b["unread"].as_u64()), (Some(2), Some(1)));
    assert_eq!((c["total"].as_u64(), c["unread"].as_u64()), (Some(2), Some(0)));
    assert_eq!(states(&env), expected_states());
    let dated = json(&env.run_ok(&["articles", "--json", "--feed", &server.url("/b.xml")]));
    let b1 = dated.iter().find(|x| x["title"] == "B dated").unwrap();
    assert_eq!(b1["link"], server.url("/b1"));
    assert_eq!(b1["published"], "2026-11-03T10:00:00Z");

    // A refresh of the same feeds finds the same articles: nothing added, state kept.
    let refreshed = env.run_ok(&["refresh"]);
    assert!(refreshed.contains("0 new articles"), "{refreshed}");
    assert_eq!(states(&env), expected_states());
    let feeds = json(&env.run_ok(&["feeds", "--json"]));
    let totals: Vec<u64> = feeds.iter().map(|f| f["total"].as_u64().unwrap()).collect();
    assert_eq!(totals.iter().sum::<u64>(), 7, "{feeds:?}");

    // Importing again is harmless, and local state wins where it says more.
    let first = json(&env.run_ok(&["articles", "--json", "--unread"]));
    let three = first.iter().find(|x| x["title"] == "A three").unwrap()["id"].to_string();
    env.run_ok(&["mark", &three, "--read"]);
    let again = env.run_ok(&["import", "--newsboat", dir]);
    assert!(again.contains("3 feeds (3 already subscribed), 7 articles (0 new)"), "{again}");
    let report: Value = serde_json::from_str(&env.run_ok(&["import", "--newsboat", dir, "--json"])).unwrap();
    assert_eq!(
        (report["articles"].as_u64(), report["articles_new"].as_u64()),
        (Some(7), Some(0)),
        "{report}"
    );
    assert_eq!(report["rejected"][0]["line"], 5, "{report}");
    let mut want = expected_states();
    want[1].1 = true;
    assert_eq!(states(&env), want, "read here stays read though newsboat has it unread");
}

#[test]
fn a_cache_that_is_not_a_database_is_refused_and_nothing_is_lost() {
    let server = TestServer::start();
    server.set("/a.xml", Route::feed(common::rss("Feed A", &[("urn:a:1", "A one")])));
    let env = Env::new();
    env.run_ok(&["add", &server.url("/a.xml"), "--tag", "mine"]);
    let before = env.run_ok(&["articles", "--json"]);
    let nb = tempfile::tempdir().unwrap();
    std::fs::write(nb.path().join("urls"), format!("{}/other.xml\n", server.url(""))).unwrap();
    std::fs::write(nb.path().join("cache.db"), "this is not a database\n".repeat(200)).unwrap();
    let out = env.cmd().args(["import", "--newsboat", nb.path().to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "a failure, not a database error of tidings' own");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&nb.path().join("cache.db").display().to_string()), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    let feeds = json(&env.run_ok(&["feeds", "--json"]));
    assert_eq!(feeds.len(), 1, "the urls file was not imported half-way");
    assert_eq!(env.run_ok(&["articles", "--json"]), before);
}

#[test]
fn a_cache_missing_columns_is_refused_naming_them() {
    let env = Env::new();
    let nb = tempfile::tempdir().unwrap();
    std::fs::write(nb.path().join("urls"), "http://127.0.0.1:9/a.xml\n").unwrap();
    let db = rusqlite::Connection::open(nb.path().join("cache.db")).unwrap();
    db.execute_batch(
        "CREATE TABLE rss_feed (rssurl TEXT, url TEXT, title TEXT);
         CREATE TABLE rss_item (id INTEGER PRIMARY KEY, guid TEXT, title TEXT, feedurl TEXT);",
    )
    .unwrap();
    drop(db);
    let out = env.cmd().args(["import", "--newsboat", nb.path().to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("rss_item lacks author, url, pubDate, content, unread, flags, deleted"), "{err}");
    assert_eq!(json(&env.run_ok(&["feeds", "--json"])).len(), 0);
    // A directory that does not exist names itself.
    let missing = nb.path().join("nope");
    let out = env.cmd().args(["import", "--newsboat", missing.to_str().unwrap()]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("does not exist"), "{err}");
}

/// One imported article for the store test: key, title, hours old, read, starred.
fn imported(key: &str, title: &str, hours_ago: i64, read: bool, starred: bool) -> ImportedArticle {
    let entry = NewArticle {
        key: key.into(),
        title: title.into(),
        published: Some(Utc::now() - chrono::Duration::hours(hours_ago)),
        content_html: Some(format!("<p>{title}</p>")),
        ..NewArticle::default()
    };
    let feed: PreparedFeed = ParsedFeed { entries: vec![entry], ..ParsedFeed::default() }.into();
    ImportedArticle { article: feed.articles.into_iter().next().unwrap(), read, starred }
}

#[test]
fn imported_articles_merge_state_keep_local_text_and_always_keep_starred_ones() {
    let env = Env::new();
    let mut store = env.store();
    let now = Utc::now();
    let id = store
        .add_feed(&NewFeed { url: "http://127.0.0.1:9/f.xml".into(), ..NewFeed::default() }, now)
        .unwrap()
        .id;
    // tidings already has "k1", read here.
    let mut batch = store.batch().unwrap();
    batch
        .import_articles(
            id,
            None,
            &[imported("k1", "Local title", 1, true, false)],
            &RetentionConfig::default(),
            now,
        )
        .unwrap();
    batch.commit().unwrap();
    let retention = RetentionConfig { keep_days: 30, keep_per_feed: 0, ..RetentionConfig::default() };
    let run = [
        imported("k1", "Other title", 1, false, true), // present: text kept, stays read, gains the star
        imported("k2", "Fresh", 2, true, false),
        imported("k3", "Ancient", 24 * 400, false, false), // older than keep_days: dropped
        imported("k4", "Ancient starred", 24 * 400, false, true), // starred: kept anyway
    ];
    let mut batch = store.batch().unwrap();
    let outcome = batch.import_articles(id, Some("Feed title"), &run, &retention, now).unwrap();
    batch.commit().unwrap();
    assert_eq!((outcome.new, outcome.present, outcome.dropped), (2, 1, 1));
    assert_eq!((outcome.were_read, outcome.were_starred, outcome.starred), (1, 2, 2));
    let mut got: Vec<(String, bool, bool)> = store
        .articles(&ArticleFilter::default(), None, 10)
        .unwrap()
        .into_iter()
        .map(|a| (a.title, a.read, a.starred))
        .collect();
    got.sort();
    let want = [("Ancient starred", false, true), ("Fresh", true, false), ("Local title", true, true)];
    assert_eq!(got, want.map(|(t, r, s)| (t.to_string(), r, s)));
    let feed = store.feed(id).unwrap().unwrap();
    assert_eq!((feed.total, feed.unread, feed.title.as_str()), (3, 1, "Feed title"));
}

#[test]
fn without_a_directory_newsboats_own_files_are_found() {
    let env = Env::new();
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".newsboat")).unwrap();
    std::fs::write(home.path().join(".newsboat/urls"), "http://127.0.0.1:9/dot.xml dot\n").unwrap();
    let run = |env: &Env| {
        let out = env
            .cmd()
            .args(["import", "--newsboat"])
            .env("HOME", home.path())
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let out = run(&env);
    assert!(out.contains(".newsboat/urls"), "{out}");
    assert!(out.contains("only subscriptions were imported"), "no cache.db: {out}");
    // Once ~/.config/newsboat/ exists, newsboat (and so tidings) looks there instead.
    std::fs::create_dir_all(home.path().join(".config/newsboat")).unwrap();
    std::fs::write(home.path().join(".config/newsboat/urls"), "http://127.0.0.1:9/xdg.xml\n").unwrap();
    let out = run(&env);
    assert!(out.contains(".config/newsboat/urls") && out.contains("1 feed (0 already"), "{out}");
    let feeds = json(&env.run_ok(&["feeds", "--json"]));
    let urls: Vec<&str> = feeds.iter().map(|f| f["url"].as_str().unwrap()).collect();
    assert_eq!(urls, ["http://127.0.0.1:9/dot.xml", "http://127.0.0.1:9/xdg.xml"]);
}
