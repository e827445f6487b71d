//! Hostile input from every way in (feeds, newsboat's cache, subscription lists, the sync
//! server's list, config files, a cache written by something else) never reaches the terminal
//! raw, and pages are not fetched from private addresses on a feed's behalf.
#![allow(clippy::unwrap_used)]

mod common;

use common::Env;
use common::newsboat::{newsboat, newsboat_or_skip};
use common::server::{Route, TestServer};
use rusqlite::params;
use serde_json::Value;
use tidings::domain::{ArticleFilter, ArticleId, NewFeed};

/// A window title, a screen clear, an 8-bit CSI, a right-to-left override, an isolate, a
/// carriage return and an invisible tag character around the word `evil`.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}evil\u{2066}\r\u{e0041}";

const ARTICLE: &str = include_str!("data/fulltext/article.html");

/// What must never reach a terminal: C0 controls but tab and newline, DEL, C1, bidi
/// embeddings, overrides and isolates (and the deprecated format controls beside them),
/// interlinear annotations and tag characters.
fn is_dangerous(c: char) -> bool {
    matches!(
        c,
        '\0'..='\u{8}'
            | '\u{b}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{206f}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

fn assert_clean_str(what: &str, text: &str) {
    if let Some((at, c)) = text.char_indices().find(|(_, c)| is_dangerous(*c)) {
        panic!("{what}: {c:?} at byte {at}:\n{}", text.escape_debug());
    }
}

/// Panics when `bytes` (a command's output) hold anything dangerous, also inside JSON strings
/// (where serde writes ESC as `\u001b`, which a later `jq -r` would print raw).
fn assert_clean(what: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    assert_clean_str(what, text);
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        check_json(what, &value);
    }
}

fn check_json(what: &str, value: &Value) {
    match value {
        Value::String(s) => assert_clean_str(&format!("{what} (JSON)"), s),
        Value::Array(items) => items.iter().for_each(|v| check_json(what, v)),
        Value::Object(map) => {
            for (k, v) in map {
                assert_clean_str(&format!("{what} (JSON key)"), k);
                check_json(what, v);
            }
        }
        _ => {}
    }
}

/// Runs the binary and checks both of its outputs; returns stdout.
fn run_clean(env: &Env, args: &[&str]) -> String {
    let out = env.cmd().args(args).output().unwrap();
    assert_clean(&format!("stdout of {args:?}"), &out.stdout);
    assert_clean(&format!("stderr of {args:?}"), &out.stderr);
    String::from_utf8(out.stdout).unwrap()
}

/// Every command that prints cached text, plain and as JSON; returns their outputs.
fn print_everything(env: &Env, id: ArticleId) -> String {
    let id = id.0.to_string();
    let commands: [&[&str]; 9] = [
        &["feeds"],
        &["feeds", "--json"],
        &["articles"],
        &["articles", "--json"],
        &["show", &id],
        &["search", "harbour"],
        &["search", "harbour", "--json"],
        &["related", &id],
        &["related", &id, "--json"],
    ];
    commands.iter().map(|args| run_clean(env, args)).collect::<Vec<_>>().join("\n")
}

fn harbour_feed() -> String {
    common::rss("Harbour news", &[("h1", "Harbour tide report"), ("h2", "Harbour tide forecast")])
}

fn first_article(env: &Env) -> ArticleId {
    env.store().articles(&ArticleFilter::default(), None, 10).unwrap()[0].id
}

#[test]
fn a_cache_written_raw_by_another_program_prints_clean() {
    let env = Env::new();
    let server = TestServer::start();
    server.set("/feed.xml", Route::feed(harbour_feed()));
    env.run_ok(&["add", &server.url("/feed.xml")]);
    // What an older version or another program may have left in the cache.
    let db = rusqlite::Connection::open(env.paths().database()).unwrap();
    let enclosures = serde_json::json!([
        { "url": format!("https://cdn.example/a.mp3{HOSTILE}"), "mime": format!("audio/{HOSTILE}") },
        { "url": "file:///etc/passwd", "mime": "audio/mpeg" },
    ])
    .to_string();
    db.execute("UPDATE articles SET title = 'Harbour ' || ?1 || title, author = ?1", [HOSTILE]).unwrap();
    db.execute("UPDATE bodies SET enclosures = ?1", [enclosures]).unwrap();
    db.execute(
        "UPDATE feeds SET user_title = ?1 || ' Harbour news', last_error = ?1, failures = 2, site_url = ?1",
        [HOSTILE],
    )
    .unwrap();
    db.execute(
        "INSERT INTO feed_tags (feed_id, tag, tag_key, from_config) SELECT id, ?1, ?1, 0 FROM feeds",
        [HOSTILE],
    )
    .unwrap();
    drop(db);
    let id = first_article(&env);
    let all = print_everything(&env, id);
    assert!(all.contains("Harbour") && all.contains("evil"), "the text stays, only controls go:\n{all}");
    let article = env.store().article(id).unwrap().unwrap();
    assert!(
        article.enclosures.iter().all(|e| e.url.starts_with("https://")),
        "a file: enclosure is never handed to a player: {:?}",
        article.enclosures
    );
}

#[test]
fn a_newsboat_cache_with_hostile_rows_is_imported_clean() {
    let Some(bin) = newsboat_or_skip("a_newsboat_cache_with_hostile_rows_is_imported_clean") else { return };
    let server = TestServer::start();
    server.set("/n.xml", Route::feed(harbour_feed()));
    let nb = tempfile::tempdir().unwrap();
    let dir = nb.path();
    std::fs::create_dir_all(dir.join("home")).unwrap();
    let urls = format!("{} \"~Mine {HOSTILE} title\" \"tag {HOSTILE}\"\n", server.url("/n.xml"));
    std::fs::write(dir.join("urls"), urls).unwrap();
    newsboat(&bin, dir, &["-x", "reload"]);
    let db = rusqlite::Connection::open(dir.join("cache.db")).unwrap();
    db.execute(
        "UPDATE rss_item SET author = ?1, title = title || ' ' || ?1, enclosure_url = 'file:///etc/passwd',
             enclosure_type = ?2 WHERE title = 'Harbour tide report'",
        params![HOSTILE, format!("audio/{HOSTILE}")],
    )
    .unwrap();
    db.execute(
        "UPDATE rss_item SET enclosure_url = 'https://cdn.example/ok.mp3', enclosure_type = ?1
         WHERE title = 'Harbour tide forecast'",
        [format!("audio/mpeg{HOSTILE}")],
    )
    .unwrap();
    db.execute("UPDATE rss_feed SET title = ?1", [HOSTILE]).unwrap();
    drop(db);

    let env = Env::new();
    run_clean(&env, &["import", "--newsboat", dir.to_str().unwrap()]);
    // Stored clean, not only printed clean.
    let store = env.store();
    for feed in store.feeds().unwrap() {
        assert_clean_str("feed title", &feed.title);
        assert!(feed.title.starts_with("Mine"), "{}", feed.title);
        feed.tags.iter().for_each(|t| assert_clean_str("tag", t));
    }
    let own: String = rusqlite::Connection::open(env.paths().database())
        .unwrap()
        .query_row("SELECT feed_title FROM feeds", [], |r| r.get(0))
        .unwrap();
    assert_clean_str("the cache's feed title", &own);
    let mut enclosures = Vec::new();
    for summary in store.articles(&ArticleFilter::default(), None, 10).unwrap() {
        let article = store.article(summary.id).unwrap().unwrap();
        assert_clean_str("title", &article.summary.title);
        assert_clean_str("author", article.summary.author.as_deref().unwrap_or_default());
        enclosures.extend(article.enclosures);
    }
    let urls: Vec<&str> = enclosures.iter().map(|e| e.url.as_str()).collect();
    assert_eq!(urls, ["https://cdn.example/ok.mp3"], "file: enclosures are not stored");
    assert_clean_str("enclosure type", enclosures[0].mime.as_deref().unwrap_or_default());
    drop(store);
    print_everything(&env, first_article(&env));
}

#[test]
fn subscription_lists_and_the_sync_servers_list_are_cleaned_before_they_are_stored() {
    let env = Env::new();
    let urls = env.file("urls");
    std::fs::write(&urls, format!("http://127.0.0.1:9/u.xml \"~Listed {HOSTILE}\" \"tag {HOSTILE}\"\n"))
        .unwrap();
    run_clean(&env, &["import", urls.to_str().unwrap()]);
    let opml = env.file("list.opml");
    std::fs::write(
        &opml,
        "<opml version=\"2.0\"><body><outline text=\"Folder &#x202E;x\">\
         <outline text=\"Outlined &#x202E;evil\" xmlUrl=\"http://127.0.0.1:9/o.xml\" category=\"c&#x2066;d\"/>\
         </outline></body></opml>",
    )
    .unwrap();
    run_clean(&env, &["import", opml.to_str().unwrap()]);
    let mut store = env.store();
    let now = chrono::Utc::now();
    store
        .add_feed(
            &NewFeed {
                url: "http://127.0.0.1:9/a.xml".into(),
                title: Some(HOSTILE.into()),
                tags: vec![HOSTILE.into()],
            },
            now,
        )
        .unwrap();
    let remote = tidings::store::RemoteFeed {
        remote_id: "feed/1".into(),
        url: "http://127.0.0.1:9/s.xml".into(),
        title: Some(format!("Synced {HOSTILE}")),
        site_url: Some("javascript:alert(1)".into()),
        folders: vec![format!("Folder {HOSTILE}")],
    };
    store.apply_subscriptions("greader", &[remote], tidings::store::Removals::Few, now).unwrap();
    let feeds = store.feeds().unwrap();
    assert_eq!(feeds.len(), 4, "{feeds:?}");
    for feed in &feeds {
        assert_clean_str("title", &feed.title);
        feed.tags.iter().for_each(|t| assert_clean_str("tag", t));
        assert!(feed.site_url.is_none(), "only web sites are kept: {:?}", feed.site_url);
    }
    assert!(feeds.iter().any(|f| f.title == "Synced evil"), "{feeds:?}");
    drop(store);
    run_clean(&env, &["feeds"]);
    run_clean(&env, &["feeds", "--json"]);
}

#[test]
fn config_text_echoed_in_errors_and_warnings_is_cleaned() {
    let env = Env::new();
    for (text, says) in [
        ("[feeds.\"\u{1b}]0;pwned\u{7}\"]\ntitle = \"x\"\n", "config.toml:1"),
        ("[[kill]]\nquery = \"\\u001b]0;pwned\\u0007 after:someday\"\n", "config.toml:2: kill.query"),
        ("[refresh]\nproxy = \"\\u001b]0;pwned\\u0007\"\n", "config.toml:2: refresh.proxy"),
        ("[refresh]\nuser_agent = \"bot\\u001b]0;pwned\\u0007\"\n", "config.toml:2: refresh.user_agent"),
    ] {
        env.config(text);
        let out = env.cmd().arg("feeds").output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{text:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert_clean(&format!("stderr for {text:?}"), &out.stderr);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{text:?}: {stderr}");
    }
    // A valid file whose feed table names no feed: the warning repeats the name.
    env.config("[feeds.\"\\u001b]0;pwned\\u0007\\u202e\"]\ntitle = \"x\"\n");
    env.run_ok(&["add", "--no-fetch", "http://127.0.0.1:9/feed.xml"]);
    let out = env.cmd().args(["refresh"]).output().unwrap();
    assert_clean("refresh's stderr", &out.stderr);
    assert!(String::from_utf8_lossy(&out.stderr).contains("names no subscribed feed"));
}

#[test]
fn nonsense_settings_are_refused_with_their_line() {
    let env = Env::new();
    for (text, says) in [
        ("[related]\nduplicate = -1\n", "config.toml:2: related.duplicate:"),
        ("[related]\n\nrecency_weight = nan\n", "config.toml:3: related.recency_weight:"),
        ("[related]\nhalf_life_days = inf\n", "config.toml:2: related.half_life_days:"),
        ("[refresh]\nuser_agent = \"bot\\r\\nX-Evil: 1\"\n", "config.toml:2: refresh.user_agent:"),
        ("[refresh]\ntimeout = 100000000\n", "config.toml:2: refresh.timeout:"),
        ("[retention]\nkeep_days = 4000000000\n", "config.toml:2: retention.keep_days:"),
    ] {
        env.config(text);
        let out = env.cmd().arg("feeds").output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{text:?} was accepted: {stderr}");
        assert!(stderr.contains(says), "{text:?}: {stderr}");
    }
}

fn page(html: &str) -> Route {
    Route { etag: None, content_type: "text/html; charset=utf-8".into(), ..Route::feed(html) }
}

/// A feed on `server` whose items link to `links` (title, URL).
fn linking_feed(links: &[(&str, String)]) -> String {
    let mut s = String::from("<rss version=\"2.0\"><channel><title>Links</title>\n");
    for (i, (title, link)) in links.iter().enumerate() {
        s.push_str(&format!(
            "<item><guid>g{i}</guid><title>{title}</title><link>{link}</link>\
             <pubDate>Mon, 02 Nov 2026 1{i}:00:00 GMT</pubDate><description>Short.</description></item>\n"
        ));
    }
    s + "</channel></rss>\n"
}

fn article_titled(env: &Env, title: &str) -> ArticleId {
    let rows = env.store().articles(&ArticleFilter::default(), None, 50).unwrap();
    rows.iter().find(|r| r.title == title).unwrap_or_else(|| panic!("no {title} in {rows:?}")).id
}

#[test]
fn full_text_is_not_fetched_from_private_addresses_but_the_feeds_own_server() {
    let env = Env::new();
    let feeds = TestServer::start();
    let elsewhere = TestServer::start_on(&["127.0.0.2".parse().unwrap()]);
    let other_port = TestServer::start();
    for server in [&feeds, &elsewhere, &other_port] {
        server.set("/page", page(ARTICLE));
    }
    feeds.set("/hop", Route::redirect(302, &elsewhere.url("/page")));
    let by_name = format!("http://localhost:{}/page", other_port.addrs[0].port());
    let links = [
        ("Own", feeds.url("/page")),
        ("Elsewhere", elsewhere.url("/page")),
        ("Hop", feeds.url("/hop")),
        ("Named", by_name),
        ("Mapped", format!("http://[::ffff:127.0.0.2]:{}/page", elsewhere.addrs[0].port())),
    ];
    feeds.set("/feed.xml", Route::feed(linking_feed(&links)));
    let feed_url = feeds.url("/feed.xml");
    env.config(&format!("[feeds.\"{feed_url}\"]\nfull_text = true\n"));
    env.run_ok(&["add", "--no-fetch", &feed_url]);
    env.run_ok(&["refresh"]);

    let store = env.store();
    assert!(store.full_text(article_titled(&env, "Own")).unwrap().is_some(), "the feed's own server");
    for title in ["Elsewhere", "Hop", "Named", "Mapped"] {
        let id = article_titled(&env, title);
        assert!(store.full_text(id).unwrap().is_none(), "{title} was fetched");
        let failure = store.full_text_failure(id).unwrap().unwrap_or_else(|| panic!("{title}: no failure"));
        assert!(
            failure.error.contains("a private address")
                && failure.error.contains("refresh.allow_private_pages"),
            "{title}: {}",
            failure.error
        );
    }
    let named = store.full_text_failure(article_titled(&env, "Named")).unwrap().unwrap().error;
    assert!(named.contains("localhost resolves to a private address ("), "{named}");
    assert!(elsewhere.log().is_empty(), "{:?}", elsewhere.log());
    assert!(other_port.log().is_empty(), "{:?}", other_port.log());
    drop(store);

    // `show --full` says so too; the setting lets it through.
    let elsewhere_id = article_titled(&env, "Elsewhere").0.to_string();
    let out = env.cmd().args(["show", &elsewhere_id, "--full"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refused to fetch") && stderr.contains("private address"), "{stderr}");
    assert!(elsewhere.log().is_empty());
    env.config(&format!("[refresh]\nallow_private_pages = true\n[feeds.\"{feed_url}\"]\nfull_text = true\n"));
    let shown = env.run_ok(&["show", &elsewhere_id, "--full"]);
    assert!(shown.contains("lowest tides of the year"), "{shown}");
    assert_eq!(elsewhere.log().len(), 1);
}

#[test]
fn autodiscovery_does_not_follow_a_page_to_a_private_address() {
    let env = Env::new();
    let site = TestServer::start();
    let elsewhere = TestServer::start_on(&["127.0.0.2".parse().unwrap()]);
    elsewhere.set("/feed.xml", Route::feed(harbour_feed()));
    let html = format!(
        "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"{}\"></head></html>",
        elsewhere.url("/feed.xml")
    );
    site.set("/", page(&html));
    let out = env.cmd().args(["add", &site.url("/")]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("private address") && stderr.contains("refresh.allow_private_pages"), "{stderr}");
    assert!(elsewhere.log().is_empty(), "{:?}", elsewhere.log());

    env.config("[refresh]\nallow_private_pages = true\n");
    let added = env.run_ok(&["add", &site.url("/")]);
    assert!(added.contains("Subscribed to “Harbour news”"), "{added}");
}
