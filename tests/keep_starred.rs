//! Nothing but the user deletes a starred article, and undoing an unsubscription brings back
//! exactly what was there: the real binary over a real cache and a loopback feed server.
#![allow(clippy::unwrap_used)]

mod common;

use common::server::{Route, TestServer};
use common::{Env, rss};
use serde_json::Value;

const ITEMS: &[(&str, &str)] = &[
    ("a-1", "Harbour strike enters third week"),
    ("a-2", "Council votes on the new tram line"),
    ("a-3", "Lighthouse keeper retires after forty years"),
];

fn articles(env: &Env, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["articles", "--json", "--limit", "1000"];
    args.extend_from_slice(extra);
    serde_json::from_str(&env.run_ok(&args)).unwrap()
}

/// (id, read, starred) of every article, by title.
fn marks(env: &Env) -> Vec<(String, i64, bool, bool)> {
    let mut out: Vec<(String, i64, bool, bool)> = articles(env, &[])
        .iter()
        .map(|a| {
            (
                a["title"].as_str().unwrap().to_string(),
                a["id"].as_i64().unwrap(),
                a["read"].as_bool().unwrap(),
                a["starred"].as_bool().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn id_of(env: &Env, title: &str) -> String {
    marks(env).into_iter().find(|m| m.0 == title).map(|m| m.1.to_string()).unwrap()
}

fn subscribed(server: &TestServer) -> Env {
    server.set("/news.xml", Route::feed(rss("City News", ITEMS)));
    let env = Env::new();
    env.config("[reader]\nrefresh_on_start = false\n");
    env.run_ok(&["add", "--tag", "local", &server.url("/news.xml")]);
    env.run_ok(&["mark", "--star", &id_of(&env, ITEMS[0].1)]);
    env.run_ok(&["mark", "--read", &id_of(&env, ITEMS[1].1)]);
    env
}

#[test]
fn unsubscribing_keeps_starred_articles_readable_and_subscribing_again_restores_the_rest() {
    let server = TestServer::start();
    let env = subscribed(&server);
    let before = marks(&env);
    let feeds: Vec<Value> = serde_json::from_str(&env.run_ok(&["feeds", "--json"])).unwrap();
    let feed_id = feeds[0]["id"].clone();

    let said = env.run_ok(&["remove", &server.url("/news.xml")]);
    assert!(said.contains("its starred article stays"), "{said}");
    assert!(said.contains("tidings add"), "says how to bring it back: {said}");
    assert!(env.run_ok(&["feeds"]).starts_with("No subscriptions yet"));
    // The starred article is still there, in every view, with its text.
    let starred = articles(&env, &["--starred"]);
    assert_eq!(starred.len(), 1, "{starred:?}");
    assert_eq!(starred[0]["title"], ITEMS[0].1);
    assert_eq!(articles(&env, &[]).len(), 1, "the others are gone from view");
    let shown = env.run_ok(&["show", &starred[0]["id"].to_string()]);
    assert!(shown.contains("Body of Harbour strike enters third week."), "{shown}");

    // Subscribing again is the same feed, with every article and mark as it was.
    env.run_ok(&["add", "--no-fetch", &server.url("/news.xml")]);
    let feeds: Vec<Value> = serde_json::from_str(&env.run_ok(&["feeds", "--json"])).unwrap();
    assert_eq!(feeds.len(), 1);
    assert_eq!(feeds[0]["id"], feed_id, "{feeds:?}");
    assert_eq!(feeds[0]["tags"], serde_json::json!(["local"]));
    assert_eq!(marks(&env), before);
}

#[test]
fn a_refresh_long_after_the_unsubscription_purges_all_but_the_starred() {
    let server = TestServer::start();
    let env = subscribed(&server);
    env.run_ok(&["remove", &server.url("/news.xml")]);
    // Past the window (set to a day, and the tombstone dated back).
    env.config("[reader]\nrefresh_on_start = false\n[retention]\nkeep_unsubscribed_days = 1\n");
    let db = rusqlite::Connection::open(env.paths().database()).unwrap();
    db.execute("UPDATE feeds SET removed = removed - 2 * 86400", []).unwrap();
    drop(db);
    env.run_ok(&["refresh"]);
    let left = marks(&env);
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!((left[0].0.as_str(), left[0].3), (ITEMS[0].1, true));
    // Subscribing again after that brings the feed back, its starred article with it.
    env.run_ok(&["add", &server.url("/news.xml")]);
    let all = marks(&env);
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(all.iter().any(|m| m.0 == ITEMS[0].1 && m.1 == left[0].1 && m.3), "the same starred article");
}

#[test]
fn a_bad_keep_unsubscribed_days_is_refused_with_its_line() {
    let env = Env::new();
    env.config("[retention]\nkeep_unsubscribed_days = 0\n");
    let out = env.cmd().arg("feeds").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(":2") && err.contains("at least 1"), "{err}");
}

#[test]
fn a_killfile_rule_never_hides_a_starred_article() {
    let server = TestServer::start();
    let env = subscribed(&server);
    env.config(
        "[reader]\nrefresh_on_start = false\n[[kill]]\nquery = \"harbour\"\naction = \"hide\"\n[[kill]]\nquery = \"council\"\naction = \"hide\"\n",
    );
    let report = env.run_ok(&["kill", "--apply"]);
    assert!(report.contains("1 hidden"), "{report}");
    let starred = articles(&env, &["--starred"]);
    assert_eq!(starred.len(), 1, "the starred one stays in view: {report}");
    assert_eq!(articles(&env, &["--hidden"]).len(), 1);
}
