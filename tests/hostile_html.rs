//! Hostile HTML against the real binary and a loopback server: pages and feed content nested
//! tens of thousands of levels deep, a page wrapping its article in 100,000 `<div>`s, a
//! refresh killed while it reads a page, and searches and killfile rules of thousands of words.
//! Every run of the binary must end by itself, normally (not by a signal), within [`LIMIT`];
//! nothing here asserts a speed beyond that (`examples/hostile_html.rs` prints the figures).
#![allow(clippy::unwrap_used)]

mod common;
#[allow(dead_code)]
#[path = "../examples/support/pty.rs"]
mod pty;

use std::os::unix::process::ExitStatusExt as _;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::Env;
use common::server::{Route, TestServer};
use tidings::domain::{ArticleFilter, ArticleId};

/// How long one run of the binary may take before it counts as hung and is killed.
const LIMIT: Duration = Duration::from_secs(60);

/// Runs `cmd` to the end, killing it after [`LIMIT`]; fails the test if it was killed.
fn finish(mut cmd: Command, what: &str) -> Output {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    // Read the pipes on threads, so a child writing a lot never blocks on a full pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut s).unwrap();
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > LIMIT {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{what} did not finish within {} s", LIMIT.as_secs());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output { status, stdout: out.join().unwrap(), stderr: err.join().unwrap() }
}

/// Asserts the run ended by itself with status 0, showing what it said otherwise.
fn assert_clean_exit(out: &Output, what: &str) {
    let said = format!(
        "{what}: {}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.signal(), None, "killed by a signal (rc 134 is an abort): {said}");
    assert_eq!(out.status.code(), Some(0), "{said}");
}

fn run(env: &Env, args: &[&str]) -> Output {
    let mut cmd = env.std_cmd();
    cmd.args(args);
    let mut what = format!("tidings {}", args.join(" "));
    if what.len() > 80 {
        what = format!("{}… ({} bytes of arguments)", what.chars().take(80).collect::<String>(), what.len());
    }
    finish(cmd, &what)
}

fn html(body: String) -> Route {
    Route { etag: None, content_type: "text/html; charset=utf-8".into(), ..Route::feed(body) }
}

/// A real article's paragraphs: enough text for readability to call it one.
fn article_text() -> String {
    let mut text = String::new();
    for i in 1..=6 {
        text.push_str(&format!(
            "<p>Paragraph {i}: the lowest tides of the year arrived this week, and with them the \
             people who walk out across the flats to the island a mile offshore, knowing that \
             the sea comes back faster than anyone can run.</p>"
        ));
    }
    text
}

/// A page whose body is `open` repeated `n` times, some text, then `close` repeated.
fn deep_page(open: &str, close: &str, n: usize) -> String {
    format!(
        "<html><head><title>Deep</title></head><body>{}deep inside{}</body></html>",
        open.repeat(n),
        close.repeat(n)
    )
}

/// An RSS feed of one article per `(guid, link, description)`.
fn feed(items: &[(&str, &str, &str)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Deep</title>\
         <link>https://example.org/</link>\n",
    );
    for (i, (guid, link, description)) in items.iter().enumerate() {
        let description = description.replace('&', "&amp;").replace('<', "&lt;");
        s.push_str(&format!(
            "<item><guid>{guid}</guid><title>Story {guid}</title><link>{link}</link>\
             <pubDate>Mon, 02 Nov 2026 {:02}:00:00 GMT</pubDate>\
             <description>{description}</description></item>\n",
            10 + i
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

/// Subscribes to a `full_text = true` feed whose articles link to `pages` (path, body) on
/// `server`; returns the feed's URL.
fn full_text_feed(env: &Env, server: &TestServer, pages: &[(&str, String)]) -> String {
    let links: Vec<String> = pages.iter().map(|(path, _)| server.url(path)).collect();
    let items: Vec<(&str, &str, &str)> =
        pages.iter().zip(&links).map(|((path, _), link)| (&path[3..], link.as_str(), "A summary.")).collect();
    server.set("/feed.xml", Route::feed(feed(&items)));
    for (path, body) in pages {
        server.set(path, html(body.clone()));
    }
    let url = server.url("/feed.xml");
    env.config(&format!("[feeds.\"{url}\"]\nfull_text = true\n"));
    env.run_ok(&["add", "--no-fetch", &url]);
    url
}

fn id_of(env: &Env, guid: &str) -> ArticleId {
    let rows = env.store().articles(&ArticleFilter::default(), None, 100).unwrap();
    rows.iter().find(|r| r.title == format!("Story {guid}")).unwrap().id
}

/// The filer's case: a `full_text = true` feed whose article page nests `<span><b>` 100,000
/// deep. The refresh must end normally with the attempt recorded, and the next refresh must
/// not fetch the page again. (Before: the refresh aborted on a stack overflow, rc 134, and every
/// later refresh fetched the page and aborted again.)
#[test]
fn a_page_nested_100k_deep_ends_the_refresh_normally_and_is_tried_once() {
    let env = Env::new();
    let server = TestServer::start();
    let page = deep_page("<span><b>", "</b></span>", 100_000);
    full_text_feed(&env, &server, &[("/a/deep", page)]);
    let first = run(&env, &["refresh", "-q"]);
    assert_clean_exit(&first, "the first refresh");
    assert_eq!(server.hits("/a/deep").len(), 1);
    let id = id_of(&env, "deep");
    let store = env.store();
    let tried = store.full_text(id).unwrap().is_some() || store.full_text_failure(id).unwrap().is_some();
    assert!(tried, "the attempt is recorded");
    let second = run(&env, &["refresh", "-q"]);
    assert_clean_exit(&second, "the second refresh");
    assert_eq!(server.hits("/a/deep").len(), 1, "the page is not fetched again");
}

/// Other shapes of deep pages (20,000 levels of `<ul><li>` and of tables) end just as well,
/// and an article wrapped in 100,000 `<div>`s is still found and kept. (Before: minutes of
/// CPU, or an abort.)
#[test]
fn deep_lists_tables_and_divs_are_read_in_time() {
    let env = Env::new();
    let server = TestServer::start();
    let wrapped = format!(
        "<html><head><title>Tides</title></head><body>{}<article>{}</article>{}</body></html>",
        "<div>".repeat(100_000),
        article_text(),
        "</div>".repeat(100_000)
    );
    let pages = [
        ("/a/lists", deep_page("<ul><li>", "</li></ul>", 20_000)),
        ("/a/tables", deep_page("<table><tr><td>", "</td></tr></table>", 20_000)),
        ("/a/divs", wrapped),
    ];
    full_text_feed(&env, &server, &pages);
    assert_clean_exit(&run(&env, &["refresh", "-q"]), "the refresh");
    let store = env.store();
    for guid in ["lists", "tables"] {
        let id = id_of(&env, guid);
        assert!(
            store.full_text(id).unwrap().is_some() || store.full_text_failure(id).unwrap().is_some(),
            "{guid}: the attempt is recorded"
        );
    }
    let divs = store.full_text(id_of(&env, "divs")).unwrap();
    let failure = store.full_text_failure(id_of(&env, "divs")).unwrap();
    let text = divs.unwrap_or_else(|| panic!("no full text from the page in 100,000 divs: {failure:?}"));
    assert!(text.html.contains("Paragraph 6: the lowest tides"), "{}", text.html);
}

/// Feed content nested 60,000 `<ul>`s deep shows at once, with its text. (Before: 53 s.)
#[test]
fn feed_content_nested_60k_deep_shows_with_its_text() {
    let env = Env::new();
    let server = TestServer::start();
    let content = format!("{}the innermost item{}", "<ul>".repeat(60_000), "</ul>".repeat(60_000));
    server.set("/feed.xml", Route::feed(feed(&[("deep", "https://example.org/deep", &content)])));
    let url = server.url("/feed.xml");
    env.run_ok(&["add", &url]);
    let id = id_of(&env, "deep").0.to_string();
    let out = run(&env, &["show", &id, "--width", "80"]);
    assert_clean_exit(&out, "tidings show");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("the innermost item"), "{text}");
}

/// A page that announces its feed inside 100,000 nested `<div>`s: `add` finds the feed.
#[test]
fn autodiscovery_on_a_deeply_nested_page_finds_the_feed() {
    let env = Env::new();
    let server = TestServer::start();
    server.set("/feed.xml", Route::feed(feed(&[("one", "https://example.org/one", "Hello.")])));
    let page = format!(
        "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed.xml\"></head>\
         <body>{}text{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    server.set("/", html(page));
    let out = run(&env, &["add", &server.url("/")]);
    assert_clean_exit(&out, "tidings add");
    assert_eq!(env.store().feeds().unwrap().len(), 1, "{}", String::from_utf8_lossy(&out.stdout));
}

/// A refresh killed while it reads a page (as an abort would stop it) leaves the attempt
/// recorded, so the next refresh does not fetch and read the same page again.
#[test]
fn a_refresh_killed_while_reading_a_page_does_not_read_it_again() {
    let env = Env::new();
    let server = TestServer::start();
    // Big enough that reading it takes a while.
    let page = format!("<html><body><article>{}</article></body></html>", article_text().repeat(600));
    full_text_feed(&env, &server, &[("/a/big", page)]);
    let log = env.paths().log_file();
    let mut cmd = env.std_cmd();
    cmd.args(["refresh", "-q"]).env("TIDINGS_LOG", "tidings=debug");
    let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let started = Instant::now();
    loop {
        let said = std::fs::read_to_string(&log).unwrap_or_default();
        if said.contains("reading the page") {
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the refresh ended ({status}) without saying it reads the page:\n{said}");
        }
        assert!(started.elapsed() < LIMIT, "the refresh never started reading the page:\n{said}");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(server.hits("/a/big").len(), 1);
    let failure = env.store().full_text_failure(id_of(&env, "big")).unwrap();
    let text = env.store().full_text(id_of(&env, "big")).unwrap();
    assert!(text.is_some() || failure.is_some(), "the attempt is recorded");
    assert_clean_exit(&run(&env, &["refresh", "-q"]), "the next refresh");
    assert_eq!(server.hits("/a/big").len(), 1, "the page is not fetched again");
}

/// Subscribes to a feed of 30 articles about tides, indexed.
fn tides_cache(env: &Env, server: &TestServer) {
    let items: Vec<(String, String, String)> = (0..30)
        .map(|i| {
            (
                format!("t{i}"),
                format!("https://example.org/t{i}"),
                format!("<p>Tides {i}: {}</p>", article_text()),
            )
        })
        .collect();
    let items: Vec<(&str, &str, &str)> =
        items.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
    server.set("/feed.xml", Route::feed(feed(&items)));
    env.run_ok(&["add", &server.url("/feed.xml")]);
}

/// A search pasted with thousands of words answers at once: a word given again is searched
/// once, words past the limit are left out and the search says so, and thousands of excluded
/// words make a valid query. (Before: 26 s for 1,000 words, over a minute for 10,000, and
/// "fts5: parser stack overflow" for many exclusions.)
#[test]
fn a_search_of_ten_thousand_words_answers_and_says_what_it_searched() {
    let env = Env::new();
    let server = TestServer::start();
    tides_cache(&env, &server);
    let out = run(&env, &["search", &vec!["tides"; 10_000].join(" ")]);
    assert_clean_exit(&out, "tidings search of one word 10,000 times");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Story t1"));
    let distinct: Vec<String> = (0..10_000).map(|i| format!("word{i}")).collect();
    let out = run(&env, &["search", &format!("tides {}", distinct.join(" "))]);
    assert_clean_exit(&out, "tidings search of 10,000 words");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("at most 64 words"), "{stderr}");
    let excluded: Vec<String> = (0..10_000).map(|i| format!("-word{i}")).collect();
    let out = run(&env, &["search", &format!("tides {}", excluded.join(" "))]);
    assert_clean_exit(&out, "tidings search with 10,000 exclusions");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Story t1"));
}

/// A killfile rule of more words than a search takes is refused when the config is read, with
/// the limit in the message.
#[test]
fn a_killfile_rule_of_too_many_words_is_refused() {
    let env = Env::new();
    let words: Vec<String> = (0..1_000).map(|i| format!("word{i}")).collect();
    env.config(&format!("[[kill]]\nquery = \"{}\"\n", words.join(" ")));
    let out = run(&env, &["feeds"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("at most 64 words"), "{stderr}");
    assert!(stderr.len() < 2_000, "the message does not repeat the whole query: {stderr}");
}

/// `F` in the reader on the page nested 100,000 levels deep: the reader stays up, says what
/// became of the page, and quits normally. (Before: it died on a stack overflow with the
/// terminal left in raw mode.)
#[test]
fn f_in_the_reader_on_a_deeply_nested_page_says_why_and_goes_on() {
    let env = Env::new();
    env.config("[reader]\nrefresh_on_start = false\nmouse = false\n");
    let server = TestServer::start();
    server.set("/a/deep", html(deep_page("<span><b>", "</b></span>", 100_000)));
    let link = server.url("/a/deep");
    server.set("/feed.xml", Route::feed(feed(&[("deep", &link, "A summary.")])));
    env.run_ok(&["add", &server.url("/feed.xml")]);
    let mut cmd = env.pty_command();
    cmd.env("TERM", "xterm-256color");
    let wait = Duration::from_secs(10);
    let listed = Box::new(|s: &vt100::Screen| s.contents().contains("Story deep"));
    let mut reader = pty::Pty::spawn(cmd, 120, 30, listed).unwrap();
    assert!(reader.wait(wait).matched.is_some(), "{}", pty::show(&reader.screen()));
    reader.expect("the article", wait, Box::new(|s| s.contents().contains("A summary."))).unwrap();
    reader.type_keys(b"\r").unwrap();
    reader.expect("the article's text", wait, Box::new(|s| s.contents().contains("A summary."))).unwrap();
    reader.type_keys(b"F").unwrap();
    let answered = |s: &vt100::Screen| {
        s.contents().contains("No full text for") || s.contents().contains("Full text from")
    };
    reader.expect("what became of the page", LIMIT, Box::new(answered)).unwrap();
    assert!(reader.screen().contents().contains("A summary."), "{}", pty::show(&reader.screen()));
    reader.quit(b"Q", wait).unwrap();
}
