//! Same-story groups on a real SQLite file: who counts as another source, which articles are
//! grouped at all, and a cron `tidings refresh` leaving the groups ready without the reader.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::Env;
use common::server::{Route, TestServer};
use tidings::config::RetentionConfig;
use tidings::domain::{ArticleFilter, ArticleId, ArticleSummary, FeedId, NewArticle, NewFeed, ParsedFeed};
use tidings::store::{FetchRecord, PreparedFeed, Store};

fn entry(key: &str, title: &str, body: &str, published: DateTime<Utc>) -> NewArticle {
    NewArticle {
        key: key.into(),
        title: title.into(),
        link: Some(format!("https://{key}.example/story")),
        published: Some(published),
        content_html: Some(format!("<p>{body}</p>")),
        ..NewArticle::default()
    }
}

/// Subscribes to `url` and stores `entries` as fetched at `now`.
fn add_at(store: &mut Store, url: &str, entries: Vec<NewArticle>, now: DateTime<Utc>) -> FeedId {
    let id = store.add_feed(&NewFeed { url: url.into(), ..NewFeed::default() }, now).unwrap().id;
    store_at(store, id, entries, now);
    id
}

/// Stores more `entries` of a feed, as fetched at `now`.
fn store_at(store: &mut Store, feed: FeedId, entries: Vec<NewArticle>, now: DateTime<Utc>) {
    let parsed: PreparedFeed = ParsedFeed { entries, ..ParsedFeed::default() }.into();
    let retention = RetentionConfig { keep_days: 0, keep_per_feed: 0, ..RetentionConfig::default() };
    store.ingest(feed, &FetchRecord::default(), &parsed, &retention, now).unwrap();
}

fn index_all(store: &mut Store) {
    for _ in 0..100 {
        if store.index_some(50).unwrap().remaining == 0 {
            return;
        }
    }
    panic!("the index never finished");
}

fn every_article(store: &Store) -> Vec<ArticleSummary> {
    store.articles(&ArticleFilter::default(), None, 1_000).unwrap()
}

fn by_title<'a>(articles: &'a [ArticleSummary], title: &str) -> &'a ArticleSummary {
    articles.iter().find(|a| a.title == title).unwrap_or_else(|| panic!("no {title:?} in {articles:#?}"))
}

fn titles(articles: &[ArticleSummary]) -> Vec<&str> {
    articles.iter().map(|a| a.title.as_str()).collect()
}

const STRIKE: &str = "Dock workers in Rotterdam accepted the pay offer and the harbour strike ended \
                      after three weeks; ships are loading containers again at the port.";

#[test]
fn an_articles_own_feed_never_counts_as_another_source() {
    let env = Env::new();
    let mut store = env.store();
    let now = Utc::now();
    // Two reports from the Gazette, one from the Courier: the Gazette's second report joins
    // the story through the Courier's (a chain), so the story holds two Gazette articles.
    let gazette = add_at(
        &mut store,
        "https://gazette.example/feed",
        vec![entry("g1", "Rotterdam harbour strike ends", STRIKE, now - Duration::hours(3))],
        now - Duration::hours(3),
    );
    add_at(
        &mut store,
        "https://courier.example/feed",
        vec![entry("c1", "Harbour strike over in Rotterdam", STRIKE, now - Duration::hours(2))],
        now - Duration::hours(2),
    );
    store_at(
        &mut store,
        gazette,
        vec![entry("g2", "Rotterdam dock workers back after the strike", STRIKE, now - Duration::hours(1))],
        now - Duration::hours(1),
    );
    index_all(&mut store);
    let all = every_article(&store);
    let (g1, c1, g2) = (
        by_title(&all, "Rotterdam harbour strike ends"),
        by_title(&all, "Harbour strike over in Rotterdam"),
        by_title(&all, "Rotterdam dock workers back after the strike"),
    );
    assert!(g1.story.is_some() && g1.story == c1.story && c1.story == g2.story, "one story: {all:#?}");

    // "Also covered by" leaves the article's own feed out.
    let also = |id: ArticleId| store.story_of(id).unwrap();
    assert_eq!(titles(&also(g1.id)), ["Harbour strike over in Rotterdam"]);
    assert_eq!(titles(&also(g2.id)), ["Harbour strike over in Rotterdam"]);
    assert_eq!(
        titles(&also(c1.id)),
        ["Rotterdam dock workers back after the strike", "Rotterdam harbour strike ends"],
        "both Gazette reports are other sources of the Courier's"
    );
    // "+N sources" counts other feeds: one for each Gazette report, one for the Courier's.
    for a in [g1, c1, g2] {
        assert_eq!(a.sources, 1, "{}: {a:#?}", a.title);
    }
    // One row per story: the newest report stands for it, with one other source.
    let grouped =
        store.articles(&ArticleFilter { one_per_story: true, ..ArticleFilter::default() }, None, 10).unwrap();
    assert_eq!(titles(&grouped), ["Rotterdam dock workers back after the strike"]);
    assert_eq!(grouped[0].sources, 1);
}

#[test]
fn a_feed_dated_far_in_the_future_does_not_stop_todays_stories() {
    let env = Env::new();
    let mut store = env.store();
    let now = Utc::now();
    add_at(
        &mut store,
        "https://broken-clock.example/feed",
        vec![entry("x1", "Garden centre opening hours", "Open every day from nine.", now)],
        now,
    );
    // A date far in the future in the cache: storing clamps dates more than a day ahead to the
    // time of arrival, but a cache written before that (or while this machine's clock was
    // wrong) holds one.
    let far = Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).single().unwrap();
    rusqlite::Connection::open(env.paths().database())
        .unwrap()
        .execute("UPDATE articles SET published = ?1 WHERE key = 'x1'", [far.timestamp()])
        .unwrap();
    add_at(
        &mut store,
        "https://gazette.example/feed",
        vec![entry("g1", "Rotterdam harbour strike ends", STRIKE, now - Duration::hours(2))],
        now,
    );
    add_at(
        &mut store,
        "https://courier.example/feed",
        vec![entry("c1", "Harbour strike over in Rotterdam", STRIKE, now - Duration::hours(1))],
        now,
    );
    // A backlog: two years old when it arrived (a feed's archive), the same event twice.
    let old = now - Duration::days(730);
    add_at(
        &mut store,
        "https://archive-one.example/feed",
        vec![entry("a1", "Ferry strike ends in Calais", STRIKE, old)],
        now,
    );
    add_at(
        &mut store,
        "https://archive-two.example/feed",
        vec![entry("a2", "Calais ferry strike is over", STRIKE, old + Duration::hours(1))],
        now,
    );
    index_all(&mut store);
    let all = every_article(&store);
    let (g1, c1) =
        (by_title(&all, "Rotterdam harbour strike ends"), by_title(&all, "Harbour strike over in Rotterdam"));
    assert!(g1.story.is_some() && g1.story == c1.story, "today's reports are one story: {all:#?}");
    assert_eq!((g1.sources, c1.sources), (1, 1));
    // Old news when it arrived is not grouped (and a backlog of years indexes faster).
    for title in ["Ferry strike ends in Calais", "Calais ferry strike is over"] {
        let a = by_title(&all, title);
        assert_eq!((a.story, a.sources), (None, 0), "{title}");
    }
}

/// An RSS document whose items are `(guid, title, hours ago)`, dated from now, with the same
/// body each (so they tell one story).
fn recent_rss(title: &str, items: &[(&str, &str, i64)]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>{title}</title>\
         <link>https://example.org/</link>\n"
    );
    for (guid, t, hours) in items {
        let date = (Utc::now() - Duration::hours(*hours)).to_rfc2822();
        s.push_str(&format!(
            "<item><guid>{guid}</guid><title>{t}</title><link>https://example.org/{guid}</link>\
             <pubDate>{date}</pubDate><description>&lt;p&gt;{STRIKE}&lt;/p&gt;</description></item>\n"
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

#[test]
fn a_cron_refresh_leaves_the_stories_ready() {
    let server = TestServer::start();
    server.set(
        "/gazette.xml",
        Route::feed(recent_rss("Gazette", &[("g1", "Rotterdam harbour strike ends", 2)])),
    );
    server.set(
        "/courier.xml",
        Route::feed(recent_rss("Courier", &[("c1", "Harbour strike over in Rotterdam", 1)])),
    );
    let env = Env::new();
    for path in ["/gazette.xml", "/courier.xml"] {
        env.run_ok(&["add", "--no-fetch", &server.url(path)]);
    }
    // Quiet, as from cron: nothing printed, success.
    let out = env.cmd().args(["refresh", "-q"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
    // No reader, no search ran: the refresh itself grouped the two reports.
    let articles: serde_json::Value = serde_json::from_str(&env.run_ok(&["articles", "--json"])).unwrap();
    let rows = articles.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{articles}");
    assert!(rows[0]["story"].is_i64() && rows[0]["story"] == rows[1]["story"], "{articles}");
    assert!(rows.iter().all(|r| r["sources"] == 1), "{articles}");

    // A plain refresh says what it did and nothing else; a failed feed still exits 0 with -q
    // and is said on stderr, as before.
    server.set("/courier.xml", Route::status(500));
    let out = env.cmd().args(["refresh", "-q"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("courier.xml") && !stderr.contains("index"), "{stderr}");
    let out = env.run_ok(&["refresh"]);
    assert_eq!(out.trim(), "2 feeds, 0 new articles, 1 failed", "{out}");
}

#[test]
fn after_a_refresh_only_what_is_new_is_indexed() {
    let env = Env::new();
    let mut store = env.store();
    let now = Utc::now();
    let old: Vec<NewArticle> = (0..40)
        .map(|i| {
            entry(
                &format!("o{i}"),
                &format!("Old article {i}"),
                "Nothing new.",
                now - Duration::hours(100 + i),
            )
        })
        .collect();
    let feed = add_at(&mut store, "https://gazette.example/feed", old, now);
    // The reader indexed the newest ten, and left the rest of the backlog for later.
    assert_eq!(store.index_some(10).unwrap().indexed, 10);
    let indexed = |env: &Env| -> i64 {
        rusqlite::Connection::open(env.paths().database())
            .unwrap()
            .query_row("SELECT count(*) FROM article_vectors", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(indexed(&env), 10);
    let fresh: Vec<NewArticle> = (0..3)
        .map(|i| {
            entry(&format!("n{i}"), &format!("New article {i}"), "Fresh news.", now - Duration::hours(i))
        })
        .collect();
    store_at(&mut store, feed, fresh, now);
    assert_eq!(tidings::refresh::index_new(&mut store, 1_000).unwrap(), 3, "the new ones, not the backlog");
    assert_eq!(indexed(&env), 13);
    // Bounded: at most what it is given.
    let more: Vec<NewArticle> = (0..8)
        .map(|i| entry(&format!("m{i}"), &format!("More news {i}"), "More.", now - Duration::minutes(i)))
        .collect();
    store_at(&mut store, feed, more, now);
    assert_eq!(tidings::refresh::index_new(&mut store, 5).unwrap(), 5);
    assert_eq!(indexed(&env), 18);
    assert_eq!(tidings::refresh::index_new(&mut store, 5).unwrap(), 3, "the rest of the new ones");
    assert_eq!(tidings::refresh::index_new(&mut store, 5).unwrap(), 0, "nothing new: the backlog waits");
    assert_eq!(indexed(&env), 21);
}
