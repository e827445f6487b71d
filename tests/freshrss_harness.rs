//! The FreshRSS harness of the sync tests, against the real server: it starts, holds what it is
//! given, keeps its data across a restart and is gone when stopped.
#![allow(clippy::unwrap_used)]

mod common;

use common::freshrss::{FreshRss, feed_path, serve_feeds, set_feed_items};

#[test]
fn populate_mark_read_star_restart_stop() {
    let Some(mut fr) = FreshRss::start_or_skip("populate_mark_read_star_restart_stop") else { return };
    // It starts empty (start.sh removes FreshRSS's default feed), and actualizing nothing is fine.
    assert_eq!(fr.subscriptions(), []);
    fr.actualize();
    assert_eq!(fr.all_ids().len(), 0);
    let feeds = serve_feeds(2, 10);
    fr.populate(&feeds, 2, 10);

    let subs = fr.subscriptions();
    assert_eq!(subs.len(), 2, "{subs:?}");
    let mut urls: Vec<&str> = subs.iter().map(|s| s.url.as_str()).collect();
    urls.sort_unstable();
    assert_eq!(urls, [feeds.url(&feed_path(0)), feeds.url(&feed_path(1))]);
    assert!(subs.iter().all(|s| s.id.starts_with("feed/")), "{subs:?}");

    let unread = fr.unread_ids();
    assert_eq!(unread.len(), 20);
    let items = fr.items();
    assert_eq!(items.len(), 20);
    let mut titles: Vec<&str> = items.iter().map(|i| i["title"].as_str().unwrap()).collect();
    titles.sort_unstable();
    titles.dedup();
    assert_eq!(titles.len(), 20, "every generated article is distinct");

    fr.mark_read(&unread[..3]);
    let after = fr.unread_ids();
    assert_eq!(after.len(), 17);
    assert!(unread[..3].iter().all(|id| !after.contains(id)));
    fr.star(&unread[5..7]);
    assert_eq!(sorted(fr.starred_ids()), sorted(unread[5..7].to_vec()));

    // A restart keeps articles, states and the login (same port, same data).
    let port = fr.port();
    fr.restart();
    assert_eq!(fr.port(), port);
    assert_eq!(fr.all_ids().len(), 20);
    assert_eq!(sorted(fr.unread_ids()), sorted(after));
    assert_eq!(fr.starred_ids().len(), 2);

    // Stopped, the port refuses connections.
    fr.stop();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    assert!(!fr.is_running());
}

#[test]
fn actualize_fetches_new_items_at_once_and_password_change_needs_new_login() {
    let test = "actualize_fetches_new_items_at_once_and_password_change_needs_new_login";
    let Some(mut fr) = FreshRss::start_or_skip(test) else { return };
    let feeds = serve_feeds(1, 5);
    fr.populate(&feeds, 1, 5);
    // New items right after the first fetch (no refresh interval, no fetch cache).
    set_feed_items(&feeds, 0, 0..8);
    fr.actualize();
    assert_eq!(fr.all_ids().len(), 8);
    // Items gone from the feed stay (no retention).
    set_feed_items(&feeds, 0, 6..8);
    fr.actualize();
    assert_eq!(fr.all_ids().len(), 8);

    let old_auth = fr.login();
    fr.set_api_password("another-password-2");
    let (status, _) = fr.send(reqwest::Method::GET, "reader/api/0/token", Some(&old_auth), None);
    assert_eq!(status, 401, "the old login no longer works");
    let form = format!("Email={}&Passwd=api-password-1", fr.user());
    let (status, _) = fr.send(reqwest::Method::POST, "accounts/ClientLogin", None, Some(form));
    assert_eq!(status, 401, "the old password no longer works");
    assert_ne!(fr.login(), old_auth);
    assert_eq!(fr.password(), "another-password-2");
    assert_eq!(fr.unread_ids().len(), 8);
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort_unstable();
    v
}

/// How long populating takes (a measurement, not a check): `cargo test --test freshrss_harness
/// -- --ignored --nocapture populate_timing`, shapes from `TIDINGS_FR_SHAPES` ("feeds x per_feed"
/// pairs, comma-separated; by default 50x100 and 100x200, that is 5,000 and 20,000 articles).
#[test]
#[ignore = "a measurement of one to four minutes"]
fn populate_timing() {
    let Some(fr) = FreshRss::start_or_skip("populate_timing") else { return };
    drop(fr);
    let shapes = std::env::var("TIDINGS_FR_SHAPES").unwrap_or_else(|_| "50x100,100x200".into());
    for shape in shapes.split(',') {
        let (feeds, per_feed) = shape.trim().split_once('x').unwrap();
        let (feeds, per_feed): (usize, usize) = (feeds.parse().unwrap(), per_feed.parse().unwrap());
        let fr = FreshRss::start();
        let server = serve_feeds(feeds, per_feed);
        let t = std::time::Instant::now();
        fr.populate(&server, feeds, per_feed);
        let populate = t.elapsed();
        let t = std::time::Instant::now();
        fr.actualize();
        let actualize = t.elapsed();
        for f in 0..feeds {
            set_feed_items(&server, f, 0..per_feed + 1);
        }
        let t = std::time::Instant::now();
        fr.actualize();
        let actualize_new = t.elapsed();
        assert_eq!(fr.all_ids().len(), feeds * (per_feed + 1));
        let t = std::time::Instant::now();
        let items = fr.items().len();
        let contents = t.elapsed();
        let db =
            std::fs::metadata(fr.dir().join("data/users").join(fr.user()).join("db.sqlite")).unwrap().len();
        println!(
            "{feeds} feeds x {per_feed}: populate {populate:.1?}, actualize (nothing new) {actualize:.1?}, \
             actualize (one new article per feed) {actualize_new:.1?}, stream/contents of {items} items {contents:.1?}, db {} KB",
            db / 1024
        );
    }
}
