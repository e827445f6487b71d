//! The refresh pipeline against a real HTTP server on 127.0.0.1 and a real SQLite file.
#![allow(clippy::unwrap_used)]

mod common;

use common::server::{Route, TestServer};
use common::{Env, rss};
use tidings::domain::{ArticleFilter, FeedId, NewFeed};
use tidings::refresh::{self, FeedResult, Outcome, Selection, Summary};
use tidings::store::{Mark, Store};

/// Subscribes to `urls` and returns their ids.
fn subscribe(env: &Env, urls: &[String]) -> Vec<FeedId> {
    let mut store = env.store();
    urls.iter()
        .map(|u| {
            store.add_feed(&NewFeed { url: u.clone(), ..NewFeed::default() }, chrono::Utc::now()).unwrap().id
        })
        .collect()
}

/// Runs a refresh of every feed (or the named ones) and returns the results by feed.
fn refresh_with(env: &Env, selection: Selection, only: Option<&[FeedId]>) -> (Vec<FeedResult>, Summary) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = env.store();
    let targets = store.fetch_targets(only).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let config = env.load_config();
    let (_, summary) = rt.block_on(refresh::run(store, &config, targets, selection, tx)).unwrap();
    let mut results = Vec::new();
    while let Ok(r) = rx.try_recv() {
        results.push(r);
    }
    results.sort_by_key(|r| r.feed);
    (results, summary)
}

fn refresh_all(env: &Env) -> (Vec<FeedResult>, Summary) {
    refresh_with(env, Selection::All, None)
}

fn outcome_of(results: &[FeedResult], id: FeedId) -> Outcome {
    results.iter().find(|r| r.feed == id).map(|r| r.outcome.clone()).unwrap()
}

fn all_articles(store: &Store) -> Vec<tidings::domain::ArticleSummary> {
    store.articles(&ArticleFilter::default(), None, 10_000).unwrap()
}

#[test]
fn second_refresh_of_unchanged_feeds_is_all_304_and_writes_no_article() {
    let server = TestServer::start();
    let env = Env::new();
    let mut urls = Vec::new();
    for i in 0..5 {
        let path = format!("/feed{i}.xml");
        let items: Vec<(String, String)> =
            (0..4).map(|j| (format!("f{i}-{j}"), format!("Item {j} of {i}"))).collect();
        let items: Vec<(&str, &str)> = items.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        // Feed 4 validates with Last-Modified instead of an ETag.
        let route = Route::feed(rss(&format!("Feed {i}"), &items));
        let route = if i == 4 { route.last_modified(Some("Mon, 02 Nov 2026 10:00:00 GMT")) } else { route };
        server.set(&path, route);
        urls.push(server.url(&path));
    }
    subscribe(&env, &urls);
    let (_, first) = refresh_all(&env);
    assert_eq!((first.feeds, first.new, first.failed), (5, 20, 0));
    let before = all_articles(&env.store());
    assert_eq!(before.len(), 20);

    server.clear_log();
    let (results, second) = refresh_all(&env);
    assert_eq!((second.feeds, second.new, second.failed, second.unchanged), (5, 0, 0, 5));
    assert!(results.iter().all(|r| r.outcome == Outcome::NotModified), "{results:?}");
    let log = server.log();
    assert_eq!(log.len(), 5);
    assert!(log.iter().all(|l| l.status == 304), "{log:?}");
    assert!(log.iter().filter(|l| l.path != "/feed4.xml").all(|l| l.headers.contains_key("if-none-match")));
    assert!(server.hits("/feed4.xml")[0].headers.contains_key("if-modified-since"));
    assert_eq!(all_articles(&env.store()), before, "a 304 must not touch articles");
    let feeds = env.store().feeds().unwrap();
    assert!(feeds.iter().all(|f| f.last_status == Some(304) && f.last_error.is_none()));
}

#[test]
fn a_body_identical_to_the_last_one_is_not_parsed_again() {
    let server = TestServer::start();
    let env = Env::new();
    // No validators at all: the server always sends the full body.
    server.set("/plain.xml", Route::feed(rss("Plain", &[("a", "A")])).last_modified(None));
    subscribe(&env, &[server.url("/plain.xml")]);
    let (_, first) = refresh_all(&env);
    assert_eq!(first.new, 1);
    let (results, _) = refresh_all(&env);
    assert_eq!(results[0].outcome, Outcome::Unchanged);
}

#[test]
fn gzip_bodies_are_decompressed() {
    let server = TestServer::start();
    let env = Env::new();
    let mut route = Route::feed(rss("Zipped", &[("z1", "Zipped one"), ("z2", "Zipped two")]));
    route.gzip = true;
    server.set("/z.xml", route);
    subscribe(&env, &[server.url("/z.xml")]);
    let (_, summary) = refresh_all(&env);
    assert_eq!(summary.new, 2);
    let hit = &server.hits("/z.xml")[0];
    assert!(hit.headers["accept-encoding"].to_str().unwrap().contains("gzip"));
    let agent = hit.headers["user-agent"].to_str().unwrap();
    assert!(agent.starts_with(&format!("tidings/{}", env!("CARGO_PKG_VERSION"))), "{agent}");
    let titles: Vec<String> = all_articles(&env.store()).into_iter().map(|a| a.title).collect();
    assert!(titles.contains(&"Zipped one".to_string()));
}

#[test]
fn permanent_redirects_move_the_subscription_and_temporary_ones_do_not() {
    let server = TestServer::start();
    let env = Env::new();
    server.set("/old.xml", Route::redirect(301, "/new.xml"));
    server.set("/new.xml", Route::feed(rss("Moved", &[("m", "Moved item")])));
    server.set("/temp.xml", Route::redirect(302, "/target.xml"));
    server.set("/target.xml", Route::feed(rss("Target", &[("t", "Target item")])));
    let ids = subscribe(&env, &[server.url("/old.xml"), server.url("/temp.xml")]);
    let (results, summary) = refresh_all(&env);
    assert_eq!(summary.new, 2, "{results:?}");
    let store = env.store();
    assert_eq!(store.feed(ids[0]).unwrap().unwrap().url, server.url("/new.xml"));
    assert_eq!(store.feed(ids[1]).unwrap().unwrap().url, server.url("/temp.xml"));
    // The next refresh goes straight to the new URL.
    server.clear_log();
    refresh_all(&env);
    assert!(server.hits("/old.xml").is_empty());
    assert_eq!(server.hits("/new.xml").len(), 1);
}

#[test]
fn redirect_loops_and_chains_stop() {
    let server = TestServer::start();
    let env = Env::new();
    server.set("/a", Route::redirect(302, "/b"));
    server.set("/b", Route::redirect(302, "/a"));
    for i in 0..12 {
        server.set(&format!("/hop{i}"), Route::redirect(307, &format!("/hop{}", i + 1)));
    }
    let ids = subscribe(&env, &[server.url("/a"), server.url("/hop0")]);
    let (results, summary) = refresh_all(&env);
    assert_eq!(summary.failed, 2);
    let Outcome::Failed(loop_err) = outcome_of(&results, ids[0]) else { panic!() };
    assert!(loop_err.contains("redirect loop"), "{loop_err}");
    let Outcome::Failed(chain_err) = outcome_of(&results, ids[1]) else { panic!() };
    assert!(chain_err.contains("too many redirects"), "{chain_err}");
    assert_eq!(server.hits("/hop11").len(), 0, "stops after 10 redirects");
}

#[test]
fn http_errors_are_recorded_and_410_marks_the_feed_gone() {
    let server = TestServer::start();
    let env = Env::new();
    server.set("/500", Route::status(500));
    server.set("/410", Route::status(410));
    server.set("/ok", Route::feed(rss("Fine", &[("x", "Fine item")])));
    let ids =
        subscribe(&env, &[server.url("/404"), server.url("/500"), server.url("/410"), server.url("/ok")]);
    let (results, summary) = refresh_all(&env);
    assert_eq!((summary.failed, summary.new), (3, 1), "{results:?}");
    let store = env.store();
    for (id, status, text) in [
        (ids[0], 404, "the server answered 404 Not Found"),
        (ids[1], 500, "the server answered 500 Internal Server Error"),
        (ids[2], 410, "the server answered 410 Gone"),
    ] {
        let feed = store.feed(id).unwrap().unwrap();
        assert_eq!(feed.last_status, Some(status));
        assert_eq!(feed.last_error.as_deref(), Some(text), "one sentence, said once: {feed:?}");
        assert_eq!(feed.failures, 1);
    }
    // A gone feed is skipped by a full refresh but fetched when named.
    server.clear_log();
    let (results, summary) = refresh_all(&env);
    assert!(matches!(outcome_of(&results, ids[2]), Outcome::Skipped(_)));
    assert_eq!(summary.skipped, 1);
    assert!(server.hits("/410").is_empty());
    assert_eq!(env.store().feed(ids[0]).unwrap().unwrap().failures, 2);
    server.set("/410", Route::feed(rss("Back", &[("b", "Back again")])));
    let (results, _) = refresh_with(&env, Selection::Named, Some(&ids[2..3]));
    assert_eq!(outcome_of(&results, ids[2]), Outcome::Updated { new: 1, updated: 0 });
    let back = env.store().feed(ids[2]).unwrap().unwrap();
    assert_eq!((back.failures, back.last_error), (0, None));
}

#[test]
fn retry_after_is_honoured() {
    let server = TestServer::start();
    let env = Env::new();
    server.set("/busy", Route::status(429).header("Retry-After", "3600"));
    let ids = subscribe(&env, &[server.url("/busy")]);
    let (results, _) = refresh_all(&env);
    let Outcome::Failed(e) = &results[0].outcome else { panic!("{results:?}") };
    assert!(e.starts_with("the server answered 429 Too Many Requests; retrying after "), "{e}");
    server.clear_log();
    let (results, _) = refresh_all(&env);
    assert!(matches!(&results[0].outcome, Outcome::Skipped(why) if why.contains("wait")), "{results:?}");
    assert!(server.hits("/busy").is_empty());
    let (_, _) = refresh_with(&env, Selection::Named, Some(&ids));
    assert_eq!(server.hits("/busy").len(), 1);
}

#[test]
fn a_stalled_server_times_out_without_holding_up_the_others() {
    let server = TestServer::start();
    let env = Env::new();
    env.config("[refresh]\ntimeout = 1\nconnect_timeout = 1\n");
    let mut stall = Route::feed(Vec::new());
    stall.stall = true;
    server.set("/stall", stall);
    server.set("/ok", Route::feed(rss("Fine", &[("x", "Fine item")])));
    let ids = subscribe(&env, &[server.url("/stall"), server.url("/ok")]);
    let started = std::time::Instant::now();
    let (results, summary) = refresh_all(&env);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!((summary.failed, summary.new), (1, 1));
    let Outcome::Failed(e) = outcome_of(&results, ids[0]) else { panic!("{results:?}") };
    assert_eq!(e, format!("no answer from {} within 1 s", server.addrs[0]));
    let stored = env.store().feed(ids[0]).unwrap().unwrap().last_error;
    assert_eq!(stored.as_deref(), Some(e.as_str()), "the same sentence is recorded");
}

/// A loopback port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn a_refused_connection_is_one_plain_sentence() {
    let env = Env::new();
    let port = closed_port();
    let ids = subscribe(&env, &[format!("http://127.0.0.1:{port}/feed.xml")]);
    let (results, summary) = refresh_all(&env);
    assert_eq!(summary.failed, 1);
    let expected = format!("cannot reach 127.0.0.1:{port}: connection refused");
    assert_eq!(outcome_of(&results, ids[0]), Outcome::Failed(expected.clone()));
    let feed = env.store().feed(ids[0]).unwrap().unwrap();
    assert_eq!(feed.last_error, Some(expected));
    assert_eq!(feed.last_status, None);
}

#[test]
fn bodies_over_the_cap_are_refused_even_when_compressed() {
    let server = TestServer::start();
    let env = Env::new();
    env.config("[refresh]\nmax_body = \"16 KiB\"\n");
    let big = rss("Big", &[("b", &"x".repeat(64 * 1024))]);
    server.set("/big", Route::feed(big.clone()));
    // 64 KiB of feed compresses to a few hundred bytes: the cap counts what it expands to.
    let mut bomb = Route::feed(big);
    bomb.gzip = true;
    server.set("/bomb", bomb);
    server.set("/small", Route::feed(rss("Small", &[("s", "Small")])));
    let ids = subscribe(&env, &[server.url("/big"), server.url("/bomb"), server.url("/small")]);
    let (results, summary) = refresh_all(&env);
    assert_eq!((summary.failed, summary.new), (2, 1), "{results:?}");
    for id in &ids[..2] {
        let Outcome::Failed(e) = outcome_of(&results, *id) else { panic!() };
        assert!(e.contains("larger than the 16 KiB limit"), "{e}");
    }
}

#[test]
fn legacy_charsets_are_decoded() {
    let server = TestServer::start();
    let env = Env::new();
    let cyrillic = "Новости дня: погода";
    let japanese = "今日のニュース：天気";
    let doc = |enc: &str, title: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"{enc}\"?><rss version=\"2.0\"><channel><title>{title}</title>\
             <item><guid>1</guid><title>{title}</title></item></channel></rss>"
        )
    };
    let w1251 = encoding_rs::WINDOWS_1251.encode(&doc("windows-1251", cyrillic)).0.into_owned();
    let sjis = encoding_rs::SHIFT_JIS.encode(&doc("Shift_JIS", japanese)).0.into_owned();
    server.set("/ru", Route::feed(w1251));
    // The HTTP charset says so too, and must agree with the declaration here.
    server.set("/jp", Route::feed(sjis).content_type("application/rss+xml; charset=Shift_JIS"));
    let ids = subscribe(&env, &[server.url("/ru"), server.url("/jp")]);
    let (results, _) = refresh_all(&env);
    assert!(results.iter().all(|r| matches!(r.outcome, Outcome::Updated { new: 1, .. })), "{results:?}");
    let store = env.store();
    assert_eq!(store.feed(ids[0]).unwrap().unwrap().title, cyrillic);
    assert_eq!(store.feed(ids[1]).unwrap().unwrap().title, japanese);
    let titles: Vec<String> = all_articles(&store).into_iter().map(|a| a.title).collect();
    assert!(titles.contains(&cyrillic.to_string()) && titles.contains(&japanese.to_string()), "{titles:?}");
}

#[test]
fn new_items_are_added_and_read_state_is_kept() {
    let server = TestServer::start();
    let env = Env::new();
    server.set("/grow", Route::feed(rss("Growing", &[("g1", "First"), ("g2", "Second")])));
    subscribe(&env, &[server.url("/grow")]);
    refresh_all(&env);
    let mut store = env.store();
    let first = all_articles(&store).into_iter().find(|a| a.title == "First").unwrap();
    store.mark(&[first.id], Mark::Read).unwrap();
    store.mark(&[first.id], Mark::Star).unwrap();
    drop(store);
    // The feed gains two items and edits the title of one it had.
    server.set(
        "/grow",
        Route::feed(rss(
            "Growing",
            &[("g4", "Fourth"), ("g3", "Third"), ("g2", "Second, edited"), ("g1", "First")],
        )),
    );
    let (results, summary) = refresh_all(&env);
    assert_eq!(summary.new, 2);
    assert_eq!(results[0].outcome, Outcome::Updated { new: 2, updated: 1 });
    let store = env.store();
    let all = all_articles(&store);
    assert_eq!(all.len(), 4, "no duplicates: {all:?}");
    let first_again = all.iter().find(|a| a.id == first.id).unwrap();
    assert!(first_again.read && first_again.starred);
    assert!(all.iter().any(|a| a.title == "Second, edited"));
    let feed = &store.feeds().unwrap()[0];
    assert_eq!((feed.unread, feed.total), (3, 4));
}

#[test]
fn retention_limits_articles_but_keeps_starred_ones() {
    let server = TestServer::start();
    let env = Env::new();
    env.config("[retention]\nkeep_per_feed = 2\n");
    let items = [("r1", "One"), ("r2", "Two"), ("r3", "Three")];
    server.set("/r", Route::feed(rss("Kept", &items)));
    subscribe(&env, &[server.url("/r")]);
    let (_, summary) = refresh_all(&env);
    assert_eq!(summary.new, 2, "only the newest two are taken in");
    let mut store = env.store();
    let oldest_kept = all_articles(&store).last().unwrap().clone();
    store.mark(&[oldest_kept.id], Mark::Star).unwrap();
    drop(store);
    server.set("/r", Route::feed(rss("Kept", &[("r0", "Zero"), ("r1", "One"), ("r2", "Two")])));
    refresh_all(&env);
    let titles: Vec<String> = all_articles(&env.store()).into_iter().map(|a| a.title).collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(titles.contains(&oldest_kept.title), "starred stays: {titles:?}");
}

#[test]
fn responses_that_are_not_feeds_are_recorded() {
    let server = TestServer::start();
    let env = Env::new();
    server.set("/page", Route::feed("<!doctype html><html><body>hi</body></html>").content_type("text/html"));
    server.set("/junk", Route::feed("this is not xml at all"));
    let ids = subscribe(&env, &[server.url("/page"), server.url("/junk")]);
    let (results, _) = refresh_all(&env);
    let Outcome::Failed(page) = outcome_of(&results, ids[0]) else { panic!() };
    assert!(page.contains("HTML page"), "{page}");
    assert!(matches!(outcome_of(&results, ids[1]), Outcome::Failed(e) if e.contains("not a valid feed")));
}
