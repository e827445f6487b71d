//! The cache on a real SQLite file: keyset pages, the indexes the list queries use, retention,
//! and a refresh sharing the file with another process.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::server::{Route, TestServer};
use common::{Env, rss};
use tidings::config::RetentionConfig;
use tidings::domain::{ArticleFilter, Cursor, NewArticle, NewFeed, ParsedFeed};
use tidings::store::{FetchRecord, Mark, PreparedFeed, Store};

fn feed_with(n: usize, prefix: &str, start: chrono::DateTime<Utc>) -> PreparedFeed {
    let entries = (0..n)
        .map(|i| NewArticle {
            key: format!("{prefix}-{i}"),
            title: format!("{prefix} article {i}"),
            // Several articles share each timestamp, so the id tie-break is exercised.
            published: Some(start - Duration::minutes((i / 3) as i64)),
            content_html: Some(format!("<p>Body {i}</p>")),
            ..NewArticle::default()
        })
        .collect();
    ParsedFeed { title: Some(prefix.into()), site_url: None, entries, ttl: None }.into()
}

fn filled(env: &Env) -> Store {
    let mut store = env.store();
    let start = Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).single().unwrap();
    for (i, name) in ["alpha", "beta", "gamma"].iter().enumerate() {
        let tags = if i == 1 { vec!["news".to_string()] } else { Vec::new() };
        let id = store
            .add_feed(&NewFeed { url: format!("https://{name}.example/feed"), title: None, tags }, start)
            .unwrap()
            .id;
        store
            .ingest(
                id,
                &FetchRecord::default(),
                &feed_with(400, name, start),
                &RetentionConfig::default(),
                start,
            )
            .unwrap();
    }
    store
}

#[test]
fn keyset_pages_cover_every_article_once_in_order() {
    let env = Env::new();
    let mut store = filled(&env);
    // Some read and starred, for the filtered views.
    let first: Vec<_> =
        store.articles(&ArticleFilter::default(), None, 50).unwrap().iter().map(|a| a.id).collect();
    store.mark(&first[..20], Mark::Read).unwrap();
    store.mark(&first[10..15], Mark::Star).unwrap();
    for (filter, expected) in [
        (ArticleFilter::default(), 1200),
        (ArticleFilter { unread: true, ..ArticleFilter::default() }, 1180),
        (ArticleFilter { starred: true, ..ArticleFilter::default() }, 5),
        (ArticleFilter { tag: Some("news".into()), ..ArticleFilter::default() }, 400),
    ] {
        let mut seen = Vec::new();
        let mut cursor: Option<Cursor> = None;
        loop {
            let page = store.articles(&filter, cursor, 70).unwrap();
            let Some(last) = page.last() else { break };
            cursor = Some(Cursor { time: last.published.timestamp(), id: last.id });
            seen.extend(page);
        }
        assert_eq!(seen.len(), expected, "{filter:?}");
        let mut ids: Vec<_> = seen.iter().map(|a| a.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), expected, "no article twice: {filter:?}");
        assert!(
            seen.windows(2).all(|w| (w[0].published, w[0].id) > (w[1].published, w[1].id)),
            "newest first, ties by id: {filter:?}"
        );
    }
    let feed = &store.feeds().unwrap()[0];
    assert_eq!((feed.total, feed.unread), (400, 400 - feed_read_count(&store, feed.id)));
}

fn feed_read_count(store: &Store, feed: tidings::domain::FeedId) -> u64 {
    let filter = ArticleFilter { feed: Some(feed), ..ArticleFilter::default() };
    store.articles(&filter, None, 10_000).unwrap().iter().filter(|a| a.read).count() as u64
}

#[test]
fn list_queries_walk_an_index_and_never_sort_the_table() {
    let env = Env::new();
    drop(filled(&env));
    let conn = rusqlite_connection(&env);
    let cursor = "AND (a.published, a.id) < (1790000000, 500)";
    for (what, filter) in [
        ("all", ""),
        ("unread", "AND a.read = 0"),
        ("starred", "AND a.starred = 1"),
        ("one feed", "AND a.feed_id = 2"),
    ] {
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id \
             WHERE 1 {filter} {cursor} ORDER BY a.published DESC, a.id DESC LIMIT 50"
        );
        let plan: Vec<String> = conn
            .prepare(&sql)
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let plan = plan.join(" | ");
        assert!(!plan.contains("TEMP B-TREE"), "{what}: sorts instead of walking an index: {plan}");
        assert!(plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX"), "{what}: {plan}");
    }
}

/// A second, plain connection to the test database (the query plans are the point here).
fn rusqlite_connection(env: &Env) -> rusqlite::Connection {
    rusqlite::Connection::open(env.paths().database()).unwrap()
}

#[test]
fn keep_days_drops_old_articles_on_the_way_in_and_in_the_cache() {
    let env = Env::new();
    let mut store = env.store();
    let now = Utc::now();
    let id = store
        .add_feed(&NewFeed { url: "https://old.example/feed".into(), ..NewFeed::default() }, now)
        .unwrap()
        .id;
    let fresh = now - Duration::days(2);
    let old = now - Duration::days(40);
    let entry = |key: &str, when| NewArticle {
        key: key.into(),
        title: key.into(),
        published: Some(when),
        ..NewArticle::default()
    };
    let feed: PreparedFeed =
        ParsedFeed { entries: vec![entry("fresh", fresh), entry("old", old)], ..ParsedFeed::default() }
            .into();
    // Without retention both are stored; one is starred.
    store.ingest(id, &FetchRecord::default(), &feed, &RetentionConfig::default(), now).unwrap();
    let all = store.articles(&ArticleFilter::default(), None, 10).unwrap();
    let old_id = all.iter().find(|a| a.title == "old").unwrap().id;
    let keep = RetentionConfig { keep_days: 30, keep_per_feed: 0, ..RetentionConfig::default() };
    let outcome = store.ingest(id, &FetchRecord::default(), &feed, &keep, now).unwrap();
    assert_eq!(outcome.removed, 1);
    let titles: Vec<String> =
        store.articles(&ArticleFilter::default(), None, 10).unwrap().into_iter().map(|a| a.title).collect();
    assert_eq!(titles, vec!["fresh"]);
    // Starred articles survive retention.
    store.ingest(id, &FetchRecord::default(), &feed, &RetentionConfig::default(), now).unwrap();
    let again = store.articles(&ArticleFilter::default(), None, 10).unwrap();
    let old_again = again.iter().find(|a| a.title == "old").unwrap().id;
    assert_ne!(old_again, old_id, "it was really deleted and came back as a new row");
    store.mark(&[old_again], Mark::Star).unwrap();
    store.ingest(id, &FetchRecord::default(), &feed, &keep, now).unwrap();
    assert_eq!(store.articles(&ArticleFilter::default(), None, 10).unwrap().len(), 2);
}

#[test]
fn a_refresh_and_another_process_share_the_database() {
    let server = TestServer::start();
    // Slow answers keep the refresh writing for a while.
    server.set_latency(std::time::Duration::from_millis(40), 0.5);
    let env = Env::new();
    env.run_ok(&["add", "--no-fetch", &server.url("/seed.xml")]);
    server.set("/seed.xml", Route::feed(rss("Seed", &[("s1", "Seed one"), ("s2", "Seed two")])));
    env.run_ok(&["refresh"]);
    let seed = serde_json::from_str::<serde_json::Value>(&env.run_ok(&["articles", "--json"])).unwrap();
    let seed_id = seed[0]["id"].as_i64().unwrap().to_string();
    let mut urls = String::new();
    for i in 0..60 {
        let items: Vec<(String, String)> =
            (0..20).map(|j| (format!("f{i}-{j}"), format!("Item {j} of {i}"))).collect();
        let items: Vec<(&str, &str)> = items.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        server.set(&format!("/f{i}.xml"), Route::feed(rss(&format!("Feed {i}"), &items)));
        urls.push_str(&server.url(&format!("/f{i}.xml")));
        urls.push('\n');
    }
    std::fs::write(env.file("urls"), urls).unwrap();
    env.run_ok(&["import", env.file("urls").to_str().unwrap()]);
    let mut refresh = env
        .std_cmd()
        .args(["refresh", "-q"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // While it runs, another process reads and writes the same file.
    let mut rounds = 0;
    while refresh.try_wait().unwrap().is_none() && rounds < 200 {
        env.run_ok(&["mark", &seed_id, if rounds % 2 == 0 { "--read" } else { "--unread" }]);
        env.run_ok(&["articles", "-n", "5"]);
        rounds += 1;
    }
    let status = refresh.wait().unwrap();
    assert!(status.success());
    assert!(rounds > 2, "the other process ran while the refresh did ({rounds} rounds)");
    let feeds: Vec<serde_json::Value> = serde_json::from_str(&env.run_ok(&["feeds", "--json"])).unwrap();
    let total: u64 = feeds.iter().map(|f| f["total"].as_u64().unwrap()).sum();
    assert_eq!(total, 60 * 20 + 2);
}

fn entry(key: &str, title: &str, body: &str, hours_ago: i64) -> NewArticle {
    NewArticle {
        key: key.into(),
        title: title.into(),
        published: Some(Utc::now() - Duration::hours(hours_ago)),
        content_html: Some(format!("<p>{body}</p>")),
        ..NewArticle::default()
    }
}

fn add(store: &mut Store, url: &str, entries: Vec<NewArticle>) -> tidings::domain::FeedId {
    let now = Utc::now();
    let id = store.add_feed(&NewFeed { url: url.into(), ..NewFeed::default() }, now).unwrap().id;
    let feed: PreparedFeed = ParsedFeed { entries, ..ParsedFeed::default() }.into();
    store.ingest(id, &FetchRecord::default(), &feed, &RetentionConfig::default(), now).unwrap();
    id
}

fn index_all(store: &mut Store) {
    for _ in 0..100 {
        if store.index_some(7).unwrap().remaining == 0 {
            return;
        }
    }
    panic!("the index never finished");
}

#[test]
fn search_finds_titles_and_text_once_indexed() {
    let env = Env::new();
    let mut store = env.store();
    add(
        &mut store,
        "https://a.example/",
        vec![
            entry("a1", "Harbour strike ends", "Dock workers in Rotterdam accepted the offer.", 1),
            entry("a2", "Budget vote delayed", "Parliament will vote next week.", 2),
        ],
    );
    add(
        &mut store,
        "https://b.example/",
        vec![entry("b1", "Rotterdam harbour reopens", "Ships are moving again.", 3)],
    );
    let search = |store: &Store, q: &str| -> Vec<String> {
        let filter = ArticleFilter { search: Some(q.into()), ..ArticleFilter::default() };
        store.articles(&filter, None, 10).unwrap().into_iter().map(|a| a.title).collect()
    };
    assert!(search(&store, "harbour").is_empty(), "nothing is searchable before indexing");
    index_all(&mut store);
    assert_eq!(search(&store, "harbour"), vec!["Harbour strike ends", "Rotterdam harbour reopens"]);
    assert_eq!(search(&store, "rotterdam dock"), vec!["Harbour strike ends"], "every word, title or text");
    assert_eq!(search(&store, "parl*"), vec!["Budget vote delayed"], "a word with * is a prefix");
    assert!(search(&store, "parl").is_empty(), "a word without * is a word");
    assert_eq!(search(&store, "harbours"), search(&store, "harbour"), "any form of a word");
    assert!(search(&store, "\"unbalanced OR (").is_empty(), "query syntax is not interpreted");
    let filter = ArticleFilter { search: Some("harbour".into()), ..ArticleFilter::default() };
    assert_eq!(store.counts(&filter).unwrap(), (2, 2));
}

#[test]
fn read_also_prefers_shared_words_and_other_feeds() {
    let env = Env::new();
    let mut store = env.store();
    let filler =
        |i: usize| entry(&format!("f{i}"), &format!("Local council meeting {i}"), "Roads and parks.", 50);
    let mut home: Vec<NewArticle> = (0..20).map(filler).collect();
    home.push(entry(
        "h1",
        "Rotterdam harbour strike enters second week",
        "Dock workers and shipping lines are still apart on wages.",
        1,
    ));
    home.push(entry(
        "h2",
        "Harbour strike: dock workers march",
        "Rotterdam dock workers marched on Tuesday.",
        5,
    ));
    let home_id = add(&mut store, "https://home.example/", home);
    add(
        &mut store,
        "https://other.example/",
        vec![
            entry(
                "o1",
                "Rotterdam dock workers end harbour strike",
                "Shipping lines agreed to the wage offer.",
                2,
            ),
            entry("o2", "Gardening tips for autumn", "Plant bulbs before the frost.", 1),
        ],
    );
    index_all(&mut store);
    let all = store.articles(&ArticleFilter::default(), None, 100).unwrap();
    let this = all.iter().find(|a| a.title.starts_with("Rotterdam harbour strike enters")).unwrap();
    let article = store.article(this.id).unwrap().unwrap();
    let related: Vec<String> = store.related(&article, 6).unwrap().into_iter().map(|a| a.title).collect();
    assert_eq!(
        related.first().map(String::as_str),
        Some("Rotterdam dock workers end harbour strike"),
        "{related:?}"
    );
    assert!(related.contains(&"Harbour strike: dock workers march".to_string()), "{related:?}");
    assert!(!related.iter().any(|t| t.contains("Gardening") || t.contains("council")), "{related:?}");
    assert!(!related.contains(&this.title), "not the article itself");
    assert_eq!(store.feed(home_id).unwrap().unwrap().total, 22);
}

#[test]
fn the_index_follows_changes_and_deletions() {
    let env = Env::new();
    let mut store = env.store();
    let url = "https://c.example/";
    add(&mut store, url, vec![entry("c1", "Original title about volcanoes", "Lava.", 1)]);
    index_all(&mut store);
    let search = |store: &Store, q: &str| {
        let filter = ArticleFilter { search: Some(q.into()), ..ArticleFilter::default() };
        store.articles(&filter, None, 10).unwrap().len()
    };
    assert_eq!(search(&store, "volcanoes"), 1);
    // The feed edits the entry: the index takes the new text.
    let feed_id = store.resolve_feed(url).unwrap().unwrap();
    let edited: PreparedFeed = ParsedFeed {
        entries: vec![entry("c1", "Edited title about glaciers", "Ice.", 1)],
        ..ParsedFeed::default()
    }
    .into();
    store.ingest(feed_id, &FetchRecord::default(), &edited, &RetentionConfig::default(), Utc::now()).unwrap();
    index_all(&mut store);
    assert_eq!((search(&store, "volcanoes"), search(&store, "glaciers")), (0, 1));
    // Unsubscribed: hidden at once, deleted (and out of the index) once purged.
    let long_ago = Utc::now() - chrono::Duration::days(30);
    store.remove_feed(feed_id, long_ago).unwrap();
    assert_eq!(search(&store, "glaciers"), 0);
    store.purge_removed(7, Utc::now()).unwrap();
    assert_eq!(search(&store, "glaciers"), 0);
    assert_eq!(store.article_count().unwrap(), 0);
}

fn tagged(store: &mut Store, url: &str, tags: &[&str], articles: usize) -> tidings::domain::FeedId {
    let now = Utc::now();
    let tags = tags.iter().map(ToString::to_string).collect();
    let id = store.add_feed(&NewFeed { url: url.into(), title: None, tags }, now).unwrap().id;
    let entries =
        (0..articles).map(|i| entry(&format!("{url}#{i}"), &format!("Item {i}"), "Text", 1)).collect();
    let feed: PreparedFeed = ParsedFeed { entries, ..ParsedFeed::default() }.into();
    store.ingest(id, &FetchRecord::default(), &feed, &RetentionConfig::default(), now).unwrap();
    id
}

#[test]
fn tags_are_one_tag_whatever_their_case() {
    let env = Env::new();
    let mut store = env.store();
    let a = tagged(&mut store, "https://a.example/feed", &["Tech", "Été"], 2);
    let b = tagged(&mut store, "https://b.example/feed", &["tech", "TECH", "ÉTÉ"], 3);
    let c = tagged(&mut store, "https://c.example/feed", &["news"], 1);
    // Adding a tag a feed has in another case adds nothing.
    store
        .add_feed(
            &NewFeed { url: "https://a.example/feed".into(), title: None, tags: vec!["tECH".into()] },
            Utc::now(),
        )
        .unwrap();
    for id in [a, b] {
        assert_eq!(store.feed(id).unwrap().unwrap().tags, vec!["Tech", "Été"], "first-seen spelling");
    }
    assert_eq!(store.feed(c).unwrap().unwrap().tags, vec!["news"]);
    assert_eq!(store.tags().unwrap(), vec!["news", "Tech", "Été"]);
    assert_eq!(
        store.tag_counts().unwrap(),
        vec![("news".to_string(), 1), ("Tech".to_string(), 5), ("Été".to_string(), 5)]
    );
    // Filters ignore ASCII case in SQL; find_tag also folds non-ASCII letters.
    let by_tag = |tag: &str| {
        let filter = ArticleFilter { tag: Some(tag.into()), ..ArticleFilter::default() };
        (store.articles(&filter, None, 100).unwrap().len(), store.counts(&filter).unwrap())
    };
    assert_eq!(by_tag("TECH"), (5, (5, 5)));
    assert_eq!(by_tag("tech"), (5, (5, 5)));
    assert_eq!(store.find_tag("tEcH").unwrap().as_deref(), Some("Tech"));
    assert_eq!(store.find_tag("été").unwrap().as_deref(), Some("Été"));
    assert_eq!(store.find_tag("nothing").unwrap(), None);
    // Export writes one folder per tag.
    let opml = tidings::feed::opml::write(&store.feeds().unwrap(), Utc::now());
    assert_eq!(opml.matches("<outline text=\"Tech\"").count(), 1, "{opml}");
    assert!(!opml.to_lowercase().contains("category=\"tech,tech"), "{opml}");
}

/// Tags from config.toml: stored as tags, written only when the file asks for something other
/// than what is stored (every command calls this; a status bar's `tidings unread` must not take
/// the write lock), a feed's own tag stays its own, and taking them out of the file removes
/// them.
#[test]
fn config_tags_are_stored_once_and_removed_with_the_file() {
    let env = Env::new();
    let mut store = env.store();
    let new = |url: &str, tags: &[&str]| NewFeed {
        url: url.into(),
        title: None,
        tags: tags.iter().map(|t| (*t).to_string()).collect(),
    };
    store.add_feed(&new("https://a.example/feed", &["Local"]), Utc::now()).unwrap();
    store.add_feed(&new("https://b.example/feed", &[]), Utc::now()).unwrap();
    let config =
        |text: &str| tidings::config::Config::parse(text, std::path::Path::new("config.toml")).unwrap().feeds;
    let with_tags = config(
        "[feeds.\"https://a.example/feed\"]\ntags = [\"local\", \"Rust\"]\n[feeds.2]\ntags = [\"rust\"]\n",
    );
    // Another connection sees `data_version` move when this one commits a write.
    let watcher = rusqlite::Connection::open(env.paths().database()).unwrap();
    let version = || watcher.query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0)).unwrap();

    let before = version();
    store.set_config_tags(&with_tags).unwrap();
    assert_ne!(version(), before, "the first time, the tags are written");
    assert_eq!(store.tags().unwrap(), vec!["Local".to_string(), "Rust".to_string()]);
    assert_eq!(store.feeds().unwrap().iter().filter(|f| f.tags.contains(&"Rust".to_string())).count(), 2);

    let unchanged = version();
    store.set_config_tags(&with_tags).unwrap();
    assert_eq!(version(), unchanged, "the same file again writes nothing");

    store.set_config_tags(&config("")).unwrap();
    assert_eq!(store.tags().unwrap(), vec!["Local".to_string()], "the feed's own tag stays");
    let after = version();
    store.set_config_tags(&config("")).unwrap();
    assert_eq!(version(), after, "no tags in the file, none stored: nothing written");
}
