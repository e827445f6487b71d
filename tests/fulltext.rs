//! Full article text against a real HTTP server on 127.0.0.1 and a real SQLite file: a feed
//! that carries only summaries, article pages with site chrome around the text, a 404, a page
//! with no article and a hostile page.
#![allow(clippy::unwrap_used)]

mod common;

use common::Env;
use common::server::{Route, TestServer};
use tidings::domain::{ArticleFilter, ArticleId, FeedId, NewFeed};
use tidings::feed::Fetcher;
use tidings::fulltext::{self, Missing};
use tidings::refresh::{self, Selection};

const ARTICLE: &str = include_str!("data/fulltext/article.html");
const EMPTY: &str = include_str!("data/fulltext/empty.html");
const HOSTILE: &str = include_str!("data/fulltext/hostile.html");

fn page(html: &str) -> Route {
    Route { etag: None, content_type: "text/html; charset=utf-8".into(), ..Route::feed(html) }
}

/// A feed whose items carry a one-line summary and link to pages on `server`.
fn summary_feed(server: &TestServer, pages: &[&str]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Gazette</title>\
         <link>https://example.org/</link>\n",
    );
    for (i, p) in pages.iter().enumerate() {
        s.push_str(&format!(
            "<item><guid>{p}</guid><title>Story {p}</title><link>{}</link>\
             <pubDate>Mon, 02 Nov 2026 {:02}:00:00 GMT</pubDate>\
             <description>Summary of {p}.</description></item>\n",
            server.url(&format!("/a/{p}")),
            10 + i
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

/// Serves the feed and its pages, subscribes and refreshes; returns the feed id.
fn setup(env: &Env, server: &TestServer) -> FeedId {
    server.set("/feed.xml", Route::feed(summary_feed(server, &["tide", "gone", "empty", "hostile"])));
    server.set("/a/tide", page(ARTICLE));
    server.set("/a/gone", Route::status(404));
    server.set("/a/empty", page(EMPTY));
    server.set("/a/hostile", page(HOSTILE));
    let feed = env
        .store()
        .add_feed(&NewFeed { url: server.url("/feed.xml"), ..NewFeed::default() }, chrono::Utc::now())
        .unwrap()
        .id;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = env.store();
    let targets = store.fetch_targets(None).unwrap();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let config = env.load_config();
    rt.block_on(refresh::run(store, &config, targets, Selection::All, tx)).unwrap();
    feed
}

fn id_of(env: &Env, guid: &str) -> ArticleId {
    let rows = env.store().articles(&ArticleFilter::default(), None, 100).unwrap();
    rows.iter().find(|r| r.title == format!("Story {guid}")).unwrap().id
}

fn fetch_missing(env: &Env, which: &Missing) -> Vec<fulltext::Fetched> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fetcher = Fetcher::new(&env.load_config().refresh).unwrap();
    let mut store = env.store();
    rt.block_on(fulltext::fetch_missing(&mut store, &fetcher, which, 2)).unwrap()
}

/// The article as the reader shows it, one string per line.
fn shown(env: &Env, id: ArticleId) -> Vec<String> {
    let article = env.store().article(id).unwrap().unwrap();
    tidings::text::article::render(&article, 80, &chrono::Utc)
        .iter()
        .map(tidings::text::reflow::Line::text)
        .collect()
}

#[test]
fn a_feeds_new_articles_get_their_full_text_which_reads_offline() {
    let env = Env::new();
    let server = TestServer::start();
    let feed = setup(&env, &server);
    let before = shown(&env, id_of(&env, "tide")).join("\n");
    assert!(before.contains("Summary of tide.") && !before.contains("lowest tides"), "{before}");

    let done = fetch_missing(&env, &Missing::Feed { feed, newest: 10 });
    assert_eq!(done.len(), 4);
    let outcome = |guid: &str| {
        let f = done.iter().find(|f| f.title == format!("Story {guid}")).unwrap();
        f.outcome.as_ref().map_err(ToString::to_string).err()
    };
    assert_eq!(outcome("tide"), None);
    assert_eq!(outcome("hostile"), None);
    let gone = outcome("gone").unwrap();
    assert!(gone.contains("/a/gone failed: the server answered 404"), "{gone}");
    let empty = outcome("empty").unwrap();
    assert!(empty.starts_with("no article text found on the page http://127.0.0.1:"), "{empty}");

    // Nothing is fetched twice: every article was tried (failures are recorded, not retried).
    server.clear_log();
    assert!(fetch_missing(&env, &Missing::Feed { feed, newest: 10 }).is_empty());
    assert!(server.log().is_empty());

    // Offline: the server is gone, the text is in the cache.
    drop(server);
    let text = shown(&env, id_of(&env, "tide"));
    let all = text.join("\n");
    assert!(all.contains("lowest tides of the year"), "{all}");
    assert!(all.contains("when it turns"), "{all}");
    assert!(text.iter().any(|l| l.starts_with("Full text from 127.0.0.1, fetched ")), "{all}");
    for chrome in ["Subscribe now", "Most read", "rain boots", "Cookie settings", "Summary of tide."] {
        assert!(!all.contains(chrome), "{chrome} is shown:\n{all}");
    }

    // A failure keeps the feed's summary, and the cache says why.
    for (guid, why) in [("gone", "404"), ("empty", "no article text found")] {
        let id = id_of(&env, guid);
        let text = shown(&env, id).join("\n");
        assert!(text.contains(&format!("Summary of {guid}.")) && !text.contains("Full text from"), "{text}");
        let failure = env.store().full_text_failure(id).unwrap().unwrap();
        assert!(failure.error.contains(why), "{failure:?}");
    }
}

#[test]
fn a_hostile_page_is_sanitised_like_feed_content() {
    let env = Env::new();
    let server = TestServer::start();
    setup(&env, &server);
    let id = id_of(&env, "hostile");
    let done = fetch_missing(&env, &Missing::Articles(vec![id]));
    assert!(done[0].outcome.is_ok(), "{:?}", done[0].outcome);
    let text = shown(&env, id).join("\n");
    assert!(text.contains("Paragraph 5 of the story"), "{text}");
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "control characters shown: {text:?}");
    for bad in ["alert(", "injected", "steal()", "javascript:", "color:red", "pwned\u{7}"] {
        assert!(!text.contains(bad), "{bad} shown: {text}");
    }
}

#[test]
fn deleting_an_article_deletes_its_full_text() {
    let env = Env::new();
    let server = TestServer::start();
    let feed = setup(&env, &server);
    let id = id_of(&env, "tide");
    fetch_missing(&env, &Missing::Articles(vec![id]));
    let count = || {
        let db = rusqlite::Connection::open(env.paths().database()).unwrap();
        db.query_row("SELECT count(*) FROM full_text", [], |r| r.get::<_, i64>(0)).unwrap()
    };
    assert_eq!(count(), 1);
    // Unsubscribed long ago, then purged: the article goes, and its full text with it.
    let long_ago = chrono::Utc::now() - chrono::Duration::days(30);
    assert!(env.store().remove_feed(feed, long_ago).unwrap());
    assert_eq!(count(), 1, "kept while undo can bring the feed back");
    env.store().purge_removed(7, chrono::Utc::now()).unwrap();
    assert_eq!(count(), 0);
}

#[test]
fn show_full_fetches_once_then_reads_offline() {
    let env = Env::new();
    let server = TestServer::start();
    setup(&env, &server);
    let (tide, gone) = (id_of(&env, "tide").0.to_string(), id_of(&env, "gone").0.to_string());
    let plain = env.run_ok(&["show", &tide]);
    assert!(plain.contains("Summary of tide.") && !plain.contains("lowest tides"), "{plain}");
    let full = env.run_ok(&["show", &tide, "--full"]);
    assert!(full.contains("lowest tides of the year") && full.contains("Full text from 127.0.0.1"), "{full}");
    assert!(!full.contains("Most read"), "{full}");
    assert_eq!(server.hits("/a/tide").len(), 1);
    // A page that is gone: the summary, and stderr says why.
    let out = env.cmd().args(["show", &gone, "--full"]).output().unwrap();
    assert!(out.status.success());
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Summary of gone."), "{stdout}");
    assert!(stderr.contains("no full text: fetching") && stderr.contains("404"), "{stderr}");
    // Offline: the stored text, with no request.
    drop(server);
    let again = env.run_ok(&["show", &tide, "--full"]);
    assert!(again.contains("lowest tides of the year"), "{again}");
}

#[test]
fn a_later_failure_keeps_the_stored_text_and_a_success_clears_it() {
    let env = Env::new();
    let server = TestServer::start();
    setup(&env, &server);
    let id = id_of(&env, "tide");
    fetch_missing(&env, &Missing::Articles(vec![id]));
    let mut store = env.store();
    let text = store.full_text(id).unwrap().unwrap();
    assert!(text.url.ends_with("/a/tide") && text.html.contains("lowest tides"), "{text:?}");
    store.save_full_text_failure(id, "no answer from 127.0.0.1 within 30 s", chrono::Utc::now()).unwrap();
    assert_eq!(store.full_text(id).unwrap(), Some(text.clone()));
    assert!(store.full_text_failure(id).unwrap().is_some());
    assert!(store.save_full_text(id, &text).unwrap());
    assert_eq!(store.full_text_failure(id).unwrap(), None);
    // An article that is gone takes nothing.
    assert!(!store.save_full_text(ArticleId(999_999), &text).unwrap());
    store.save_full_text_failure(ArticleId(999_999), "x", chrono::Utc::now()).unwrap();
    assert_eq!(store.full_text_failure(ArticleId(999_999)).unwrap(), None);
}

/// `full_text = true` in a feed's settings: `tidings refresh` fetches its new articles' pages
/// (once: the next refresh asks for none), and `show` reads the full text with the server gone.
#[test]
fn a_full_text_feed_gets_its_pages_on_refresh() {
    let env = Env::new();
    let server = TestServer::start();
    server.set("/feed.xml", Route::feed(summary_feed(&server, &["tide", "gone"])));
    server.set("/a/tide", page(ARTICLE));
    server.set("/a/gone", Route::status(404));
    let url = server.url("/feed.xml");
    env.config(&format!("[feeds.\"{url}\"]\nfull_text = true\n"));
    env.run_ok(&["add", "--no-fetch", &url]);
    env.run_ok(&["refresh", "-q"]);
    let pages = |server: &TestServer| server.log().iter().filter(|l| l.path.starts_with("/a/")).count();
    assert_eq!(pages(&server), 2, "both pages fetched: {:?}", server.log());
    // A named refresh of an unchanged feed fetches no page again (the 404 is remembered).
    server.clear_log();
    env.run_ok(&["refresh", "-q", &url]);
    assert_eq!(pages(&server), 0, "{:?}", server.log());
    drop(server);
    let tide = id_of(&env, "tide");
    let text = env.run_ok(&["show", &tide.0.to_string(), "--width", "80"]);
    assert!(text.contains("lowest tides of the year") && text.contains("Full text from"), "{text}");
    let gone = env.run_ok(&["show", &id_of(&env, "gone").0.to_string()]);
    assert!(gone.contains("Summary of gone."), "{gone}");
}
