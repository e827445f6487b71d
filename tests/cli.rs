//! The real `tidings` binary, driven like a script or a cron job would.
#![allow(clippy::unwrap_used)]

mod common;

use common::server::{Route, TestServer};
use common::{Env, rss};
use predicates::prelude::*;
use serde_json::Value;

fn json(text: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(text).unwrap().as_array().unwrap().clone()
}

#[test]
fn a_fresh_environment_explains_how_to_begin() {
    let env = Env::new();
    let out = env.run_ok(&[]);
    assert!(out.contains("no subscriptions yet"), "{out}");
    assert!(out.contains("tidings add"));
}

#[test]
fn usage_errors_exit_2_and_config_errors_exit_3_naming_the_line() {
    let env = Env::new();
    env.cmd().arg("frobnicate").assert().code(2);
    env.config("[refresh]\nconcurrency = 4\nretries = 3\n");
    let config = env.paths().config_file();
    env.cmd()
        .arg("feeds")
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!("{}:3: refresh.retries: unknown field", config.display())));
}

#[test]
fn add_finds_the_feed_a_page_advertises() {
    let server = TestServer::start();
    let env = Env::new();
    let page = format!(
        "<!doctype html><html><head><title>Blog</title>\
         <link rel=\"alternate\" type=\"application/atom+xml\" title=\"Atom\" href=\"/atom.xml\">\
         <link rel=\"alternate\" type=\"application/rss+xml\" title=\"Comments\" href=\"{}\">\
         </head><body>Hello</body></html>",
        server.url("/comments.xml")
    );
    server.set("/", Route::feed(page).content_type("text/html; charset=utf-8"));
    let atom = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>The Blog</title>\
        <id>urn:blog</id><entry><id>urn:1</id><title>Hello world</title><updated>2026-11-01T10:00:00Z</updated>\
        <content type=\"html\">&lt;p&gt;First post&lt;/p&gt;</content></entry></feed>";
    server.set("/atom.xml", Route::feed(atom).content_type("application/atom+xml"));
    let out = env.run_ok(&["add", &server.url("/"), "--tag", "blogs"]);
    assert!(out.contains("Subscribed to “The Blog”"), "{out}");
    assert!(out.contains(&server.url("/atom.xml")), "{out}");
    assert!(out.contains(&server.url("/comments.xml")), "names the other feed: {out}");
    let feeds = json(&env.run_ok(&["feeds", "--json"]));
    assert_eq!(feeds.len(), 1);
    assert_eq!(feeds[0]["url"], server.url("/atom.xml"));
    assert_eq!(feeds[0]["tags"], serde_json::json!(["blogs"]));
    assert_eq!(feeds[0]["total"], 1);
    // Adding again is not an error and adds nothing.
    let again = env.run_ok(&["add", &server.url("/atom.xml")]);
    assert!(again.contains("Already subscribed"), "{again}");
    // A page without feeds is a clear error.
    server.set("/plain", Route::feed("<html><body>nothing</body></html>").content_type("text/html"));
    env.cmd()
        .args(["add", &server.url("/plain")])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("advertises no feed"));
}

#[test]
fn import_export_round_trip_and_idempotent_import() {
    let env = Env::new();
    let opml = r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>mine</title></head><body>
  <outline text="Tech">
    <outline text="Rust Blog" type="rss" xmlUrl="https://blog.rust-lang.example/feed.xml" htmlUrl="https://blog.rust-lang.example/"/>
    <outline text="Nested">
      <outline text="Deep" type="rss" xmlUrl="https://deep.example/atom"/>
    </outline>
  </outline>
  <outline text="Le Monde" type="rss" xmlUrl="https://lemonde.example/rss.xml"/>
  <outline text="Bad" type="rss" xmlUrl="gopher://old.example/"/>
</body></opml>"#;
    std::fs::write(env.file("in.opml"), opml).unwrap();
    let out = env.cmd().args(["import", env.file("in.opml").to_str().unwrap()]).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.contains("3 added, 0 already there, 1 rejected"), "{stdout}");
    assert!(stderr.contains("in.opml:10: rejected gopher://old.example/"), "{stderr}");
    let again = env.run_ok(&["import", env.file("in.opml").to_str().unwrap()]);
    assert!(again.contains("0 added, 3 already there, 1 rejected"), "{again}");

    let exported = env.run_ok(&["export"]);
    let before = json(&env.run_ok(&["feeds", "--json"]));
    let other = Env::new();
    std::fs::write(other.file("out.opml"), &exported).unwrap();
    other.run_ok(&["import", other.file("out.opml").to_str().unwrap()]);
    let after = json(&other.run_ok(&["feeds", "--json"]));
    let shape = |feeds: &[Value]| -> Vec<(Value, Value, Value)> {
        let mut v: Vec<_> =
            feeds.iter().map(|f| (f["url"].clone(), f["title"].clone(), f["tags"].clone())).collect();
        v.sort_by_key(|t| t.0.to_string());
        v
    };
    assert_eq!(shape(&before), shape(&after), "export → import keeps urls, titles and tags");
    let deep = after.iter().find(|f| f["url"] == "https://deep.example/atom").unwrap();
    assert_eq!(deep["tags"], serde_json::json!(["Nested", "Tech"]));
}

#[test]
fn newsboat_urls_files_import() {
    let env = Env::new();
    std::fs::write(
        env.file("urls"),
        "# newsboat\nhttps://a.example/feed news \"~Alpha News\"\nhttps://b.example/rss tech linux\n\
         \"query:unread:unread = \\\"yes\\\"\"\n",
    )
    .unwrap();
    let out = env.run_ok(&["import", env.file("urls").to_str().unwrap()]);
    assert!(out.contains("(newsboat urls): 2 added, 0 already there, 1 rejected"), "{out}");
    let feeds = json(&env.run_ok(&["feeds", "--json"]));
    let alpha = feeds.iter().find(|f| f["url"] == "https://a.example/feed").unwrap();
    assert_eq!(alpha["title"], "Alpha News");
    assert_eq!(alpha["tags"], serde_json::json!(["news"]));
}

#[test]
fn refresh_list_show_and_mark_across_processes() {
    let server = TestServer::start();
    let env = Env::new();
    let body = rss("Daily", &[("d1", "Alpha &amp; Omega"), ("d2", "Beta")]);
    server.set("/daily.xml", Route::feed(body));
    server.set("/broken.xml", Route::status(500));
    env.run_ok(&["add", "--no-fetch", &server.url("/daily.xml"), "--tag", "news"]);
    env.run_ok(&["add", "--no-fetch", &server.url("/broken.xml")]);

    let out = env.cmd().arg("refresh").output().unwrap();
    assert!(
        out.status.success(),
        "a failed feed does not fail the run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stdout, "2 feeds, 2 new articles, 1 failed\n", "the totals are the output");
    assert!(!stderr.contains("new articles"), "progress only on stderr: {stderr}");
    assert!(
        stderr.contains("the server answered 500 Internal Server Error"),
        "one line per feed when not a terminal: {stderr}"
    );

    let feeds = json(&env.run_ok(&["feeds", "--json"]));
    let keys: Vec<&str> = feeds[0].as_object().unwrap().keys().map(String::as_str).collect();
    for key in [
        "id",
        "title",
        "url",
        "site_url",
        "tags",
        "unread",
        "total",
        "last_fetch",
        "last_status",
        "last_error",
        "failures",
    ] {
        assert!(keys.contains(&key), "feeds --json has {key}: {keys:?}");
    }
    let broken = feeds.iter().find(|f| f["url"] == server.url("/broken.xml")).unwrap();
    assert_eq!(broken["last_status"], 500);
    assert_eq!(broken["failures"], 1);

    let articles = json(&env.run_ok(&["articles", "--json"]));
    assert_eq!(articles.len(), 2);
    for key in ["id", "feed_id", "feed_title", "title", "link", "author", "published", "read", "starred"] {
        assert!(articles[0].get(key).is_some(), "articles --json has {key}");
    }
    assert_eq!(articles[0]["title"], "Alpha & Omega", "newest first");
    assert!(chrono::DateTime::parse_from_rfc3339(articles[0]["published"].as_str().unwrap()).is_ok());
    let id = articles[0]["id"].as_i64().unwrap().to_string();

    let shown = env.run_ok(&["show", &id, "--width", "40"]);
    assert!(shown.contains("Alpha & Omega") && shown.contains("Body of Alpha"), "{shown}");
    assert!(shown.lines().all(|l| unicode_width::UnicodeWidthStr::width(l) <= 40), "{shown}");

    env.run_ok(&["mark", &id, "--read"]);
    env.run_ok(&["mark", &id, "--star"]);
    let unread = json(&env.run_ok(&["articles", "--unread", "--json"]));
    assert_eq!(unread.len(), 1);
    let starred = json(&env.run_ok(&["articles", "--starred", "--json"]));
    assert_eq!(starred[0]["id"].as_i64().unwrap().to_string(), id);
    assert_eq!(starred[0]["read"], true);
    let tagged = json(&env.run_ok(&["articles", "--tag", "news", "--json"]));
    assert_eq!(tagged.len(), 2);
    env.cmd().args(["mark", "999999", "--read"]).assert().code(1).stderr(predicate::str::contains("999999"));
    env.cmd().args(["show", "999999"]).assert().code(1);

    // A second refresh: the state persists and nothing is new.
    let again = env.run_ok(&["refresh", "-q"]);
    assert_eq!(again, "2 feeds, 0 new articles, 1 failed\n");
    let starred = json(&env.run_ok(&["articles", "--starred", "--json"]));
    assert_eq!(starred.len(), 1);

    // Unsubscribing hides the feed's articles, but the starred one stays.
    let removed = env.run_ok(&["remove", &server.url("/daily.xml")]);
    assert!(removed.contains("its starred article stays"), "{removed}");
    let left = json(&env.run_ok(&["articles", "--json"]));
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["id"].as_i64().unwrap().to_string(), id);
}

/// A loopback port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Runs `tidings args`, expects exit code 1, returns stderr.
fn fails(env: &Env, args: &[&str]) -> String {
    let out = env.cmd().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "tidings {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn a_failed_add_is_one_sentence_said_once() {
    let server = TestServer::start();
    let env = Env::new();
    let port = closed_port();
    let refused = format!("http://127.0.0.1:{port}/feed.xml");
    let stderr = fails(&env, &["add", &refused]);
    assert_eq!(stderr, format!("tidings: {refused}: cannot reach 127.0.0.1:{port}: connection refused\n"));

    let missing = server.url("/missing.xml");
    let stderr = fails(&env, &["add", &missing]);
    assert_eq!(stderr, format!("tidings: {missing}: the server answered 404 Not Found\n"));
    // (Counting the whole phrase: the server's port may hold the digits 404.)
    assert_eq!(stderr.matches("404 Not Found").count(), 1, "{stderr}");

    env.config("[refresh]\ntimeout = 1\n");
    let mut stall = Route::feed(Vec::new());
    stall.stall = true;
    server.set("/hangs.xml", stall);
    let hangs = server.url("/hangs.xml");
    let started = std::time::Instant::now();
    let stderr = fails(&env, &["add", &hangs]);
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
    assert_eq!(stderr, format!("tidings: {hangs}: no answer from {} within 1 s\n", server.addrs[0]));

    for noise in ["client error", "(Connect)", "error sending request", "os error"] {
        assert!(!stderr.contains(noise), "{noise}: {stderr}");
    }
    assert!(json(&env.run_ok(&["feeds", "--json"])).is_empty(), "nothing was subscribed");
}

#[test]
fn feeds_shows_the_recorded_sentence() {
    let env = Env::new();
    let port = closed_port();
    let url = format!("http://127.0.0.1:{port}/feed.xml");
    env.run_ok(&["add", "--no-fetch", &url]);
    let totals = env.run_ok(&["refresh"]);
    assert_eq!(totals, "1 feed, 0 new articles, 1 failed\n");
    env.run_ok(&["refresh"]);
    let listing = env.run_ok(&["feeds"]);
    let sentence = format!("cannot reach 127.0.0.1:{port}: connection refused (2 failures in a row)");
    assert!(listing.contains(&sentence), "{listing}");
    assert_eq!(listing.matches("connection refused").count(), 1, "{listing}");
    let feeds = json(&env.run_ok(&["feeds", "--json"]));
    assert_eq!(feeds[0]["last_error"], format!("cannot reach 127.0.0.1:{port}: connection refused"));
}

#[test]
fn an_address_without_a_scheme_tries_https_then_http() {
    let server = TestServer::start();
    let env = Env::new();
    server.set("/feed.xml", Route::feed(rss("Plain", &[("p1", "Over plain HTTP")])));
    let typed = format!("{}/feed.xml", server.addrs[0]);
    let out = env.run_ok(&["add", &typed]);
    let url = server.url("/feed.xml");
    assert!(out.contains(&format!("Subscribed to “Plain” — {url} (id 1), 1 article\n")), "{out}");
    assert!(
        out.contains("No scheme given: used http://, since https:// did not work: "),
        "says which: {out}"
    );
    let feeds = json(&env.run_ok(&["feeds", "--json"]));
    assert_eq!(feeds[0]["url"], url, "the address that worked is stored");
    assert_eq!(server.hits("/feed.xml").len(), 1);

    // Both fail to connect: the message says both were tried.
    let port = closed_port();
    let stderr = fails(&env, &["add", &format!("127.0.0.1:{port}/x.xml")]);
    assert_eq!(
        stderr,
        format!(
            "tidings: 127.0.0.1:{port}/x.xml: cannot reach 127.0.0.1:{port}: connection refused \
             (tried https:// and http://)\n"
        )
    );

    // Without fetching, https:// is assumed.
    let out = env.run_ok(&["add", "--no-fetch", "lwn.example"]);
    assert!(out.starts_with("Subscribed to https://lwn.example/ (id 2)"), "{out}");
    assert!(out.contains("assumed https://"), "{out}");
}

#[test]
fn importing_a_file_with_nothing_to_import_fails() {
    let env = Env::new();
    let cases = [
        ("empty.txt", ""),
        ("page.html", "<!doctype html><html><head><title>Hi</title></head><body><p>Hello</p></body></html>"),
        (
            "folders.opml",
            "<?xml version=\"1.0\"?><opml version=\"2.0\"><head/><body>\
             <outline text=\"Tech\"><outline text=\"No feed here\" htmlUrl=\"https://a.example/\"/></outline>\
             </body></opml>",
        ),
    ];
    for (name, text) in cases {
        std::fs::write(env.file(name), text).unwrap();
        let path = env.file(name);
        let stderr = fails(&env, &["import", path.to_str().unwrap()]);
        assert!(
            stderr.starts_with(&format!(
                "tidings: nothing to import from {}: no feed addresses found",
                path.display()
            )),
            "{name}: {stderr}"
        );
        assert!(stderr.contains("OPML") && stderr.contains("newsboat urls"), "names the formats: {stderr}");
    }
    // A list whose every feed is already there is a success.
    std::fs::write(env.file("urls"), "https://a.example/feed\n").unwrap();
    let urls = env.file("urls");
    env.run_ok(&["import", urls.to_str().unwrap()]);
    let again = env.run_ok(&["import", urls.to_str().unwrap()]);
    assert!(again.contains("0 added, 1 already there, 0 rejected"), "{again}");
}

#[test]
fn tags_match_whatever_their_case() {
    let server = TestServer::start();
    let env = Env::new();
    server.set("/a.xml", Route::feed(rss("A", &[("a1", "One"), ("a2", "Two")])));
    server.set("/b.xml", Route::feed(rss("B", &[("b1", "Three")])));
    server.set("/c.xml", Route::feed(rss("C", &[("c1", "Four")])));
    env.run_ok(&["add", &server.url("/a.xml"), "--tag", "Tech"]);
    env.run_ok(&["add", &server.url("/b.xml"), "--tag", "tech", "--tag", "TECH"]);
    env.run_ok(&["add", &server.url("/c.xml"), "--tag", "news"]);
    env.run_ok(&["add", &server.url("/a.xml"), "--tag", "tEcH"]);
    let feeds = json(&env.run_ok(&["feeds", "--json"]));
    let tags: Vec<&Value> = feeds.iter().map(|f| &f["tags"]).collect();
    assert_eq!(
        tags,
        [&serde_json::json!(["Tech"]), &serde_json::json!(["Tech"]), &serde_json::json!(["news"])]
    );
    for spelling in ["TECH", "tech", "Tech"] {
        let tagged = json(&env.run_ok(&["articles", "--tag", spelling, "--json"]));
        assert_eq!(tagged.len(), 3, "--tag {spelling}");
    }
    let exported = env.run_ok(&["export"]);
    assert_eq!(exported.matches("<outline text=\"Tech\"").count(), 1, "{exported}");
    assert!(!exported.contains("\"tech\""), "{exported}");
}

/// An RSS document with items `(guid, title, text, day of November 2026)`.
fn news(title: &str, items: &[(&str, &str, &str, u32)]) -> String {
    let mut s = format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>\n");
    for (guid, t, text, day) in items {
        s.push_str(&format!(
            "<item><guid>{guid}</guid><title>{t}</title><link>https://example.org/{guid}</link>\
             <pubDate>{day:02} Nov 2026 09:00:00 GMT</pubDate><description>&lt;p&gt;{text}&lt;/p&gt;</description></item>\n"
        ));
    }
    s + "</channel></rss>\n"
}

#[test]
fn related_and_search_print_ranked_lists_with_scores() {
    let server = TestServer::start();
    let env = Env::new();
    server.set(
        "/port.xml",
        Route::feed(news(
            "Port News",
            &[
                ("p1", "Rotterdam dockworkers strike over automation", "Dockworkers at the port of Rotterdam walked out on Monday over automated cranes; container ships queue offshore.", 2),
                ("p2", "Gardening: planting tulip bulbs before frost", "Plant tulip bulbs in October, before the first frost hardens the soil.", 2),
                ("p3", "Rotterdam strike talks resume", "Union leaders and port operators resumed talks on automated cranes as the dockworkers strike entered its third day.", 4),
            ],
        )),
    );
    server.set(
        "/world.xml",
        Route::feed(news(
            "World Wire",
            &[
                ("w1", "Dutch port strike strands container ships", "Container ships are stranded as the Rotterdam dockworkers strike against automation continues.", 3),
                ("w2", "Central bank holds rates", "The central bank left interest rates unchanged, citing inflation.", 3),
            ],
        )),
    );
    env.run_ok(&["add", "--no-fetch", &server.url("/port.xml")]);
    env.run_ok(&["add", "--no-fetch", &server.url("/world.xml")]);
    env.run_ok(&["refresh"]);
    let all = json(&env.run_ok(&["articles", "--json"]));
    let id_of = |title: &str| {
        all.iter().find(|a| a["title"].as_str().unwrap().starts_with(title)).unwrap()["id"].as_i64().unwrap()
    };
    let strike = id_of("Rotterdam dockworkers strike").to_string();

    let related = json(&env.run_ok(&["related", &strike, "--json", "--now", "2026-11-05T00:00:00Z"]));
    let titles: Vec<&str> = related.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 2, "only articles sharing its subject: {titles:?}");
    assert!(titles.iter().all(|t| t.contains("strike")), "{titles:?}");
    for key in all[0].as_object().unwrap().keys() {
        assert!(related[0].get(key).is_some(), "`related --json` has the fields of `articles --json`: {key}");
    }
    let scores: Vec<f64> = related.iter().map(|a| a["score"].as_f64().unwrap()).collect();
    assert!(scores[0] >= scores[1] && scores[1] > 0.0, "{scores:?}");
    // The clock is injectable: a year later the same articles score less (recency).
    let later = json(&env.run_ok(&["related", &strike, "--json", "--now", "2027-11-05T00:00:00Z"]));
    assert!(later[0]["score"].as_f64().unwrap() < scores[0]);
    let text = env.run_ok(&["related", &id_of("Central bank").to_string()]);
    assert!(text.contains("Nothing closely related"), "{text}");

    let found = json(&env.run_ok(&["search", "strikes", "automated", "--json"]));
    let titles: Vec<&str> = found.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 3, "every form of the words: {titles:?}");
    assert!(found[0]["score"].as_f64().unwrap() >= found[2]["score"].as_f64().unwrap());
    let in_feed = json(&env.run_ok(&["search", "strike feed:\"World Wire\"", "--json"]));
    assert_eq!(in_feed.len(), 1);
    assert_eq!(in_feed[0]["feed_title"], "World Wire");
    let out = env.cmd().args(["search", "strike", "feed:nowhere"]).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("feed:nowhere: no subscription"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("No articles match"));
    assert!(fails(&env, &["related", "999999"]).contains("no article with id 999999"));
}
