//! Per-feed settings, polite scheduling (`<ttl>`, Cache-Control, intervals) and the local
//! sources (`file:`, `exec:`), against a real HTTP server on 127.0.0.1, real files and real
//! commands, and a real SQLite file.
#![allow(clippy::unwrap_used)]

mod common;

use common::server::{Route, TestServer};
use common::{Env, rss};
use tidings::domain::{FeedId, NewFeed};
use tidings::refresh::{self, FeedResult, Outcome, Selection};

fn subscribe(env: &Env, url: &str) -> FeedId {
    let new = NewFeed { url: url.to_string(), ..NewFeed::default() };
    env.store().add_feed(&new, chrono::Utc::now()).unwrap().id
}

/// Refreshes every feed (or the named ones) with `selection` and returns the results.
fn run(env: &Env, selection: Selection, only: Option<&[FeedId]>) -> Vec<FeedResult> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = env.store();
    let targets = store.fetch_targets(only).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let config = env.load_config();
    rt.block_on(refresh::run(store, &config, targets, selection, tx)).unwrap();
    let mut results = Vec::new();
    while let Ok(r) = rx.try_recv() {
        results.push(r);
    }
    results
}

fn outcome(results: &[FeedResult], id: FeedId) -> Outcome {
    results.iter().find(|r| r.feed == id).map(|r| r.outcome.clone()).unwrap()
}

/// A feed fetched once, then an automatic run at once skips it with `why` and fetches nothing,
/// `R` (`All`) and a named refresh fetch it.
fn polite_then_forced(env: &Env, server: &TestServer, path: &str, why: &str, all_fetches: bool) {
    let id = subscribe(env, &server.url(path));
    assert!(matches!(outcome(&run(env, Selection::Due, None), id), Outcome::Updated { new: 1, .. }));
    assert_eq!(server.hits(path).len(), 1);
    match outcome(&run(env, Selection::Due, None), id) {
        Outcome::Skipped(reason) => {
            assert!(reason.starts_with("next check at ") && reason.contains(why), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.hits(path).len(), 1, "an automatic run does not ask before it is due");
    run(env, Selection::All, None);
    assert_eq!(server.hits(path).len(), if all_fetches { 2 } else { 1 });
    let named = outcome(&run(env, Selection::Named, Some(&[id])), id);
    assert!(!matches!(named, Outcome::Skipped(_)), "{named:?}");
    assert_eq!(server.hits(path).len(), if all_fetches { 3 } else { 2 }, "a named refresh always asks");
}

#[test]
fn a_feeds_ttl_holds_back_automatic_runs_only() {
    let server = TestServer::start();
    let env = Env::new();
    let body = rss("Slow", &[("a", "One")]).replace("<channel>", "<channel><ttl>60</ttl>");
    server.set("/ttl.xml", Route::feed(body));
    polite_then_forced(&env, &server, "/ttl.xml", "(ttl 60 min)", true);
}

#[test]
fn cache_control_max_age_holds_back_automatic_runs_only() {
    let server = TestServer::start();
    let env = Env::new();
    server
        .set("/cc.xml", Route::feed(rss("Cached", &[("a", "One")])).header("Cache-Control", "max-age=3600"));
    polite_then_forced(&env, &server, "/cc.xml", "(the server's max-age 60 min)", true);
}

#[test]
fn a_per_feed_interval_holds_back_automatic_runs_and_its_headers_reach_the_server() {
    let server = TestServer::start();
    let env = Env::new();
    let url = server.url("/own.xml");
    env.config(&format!(
        "[feeds.\"{url}\"]\nrefresh_interval = 120\nuser_agent = \"own-agent/2\"\nkeep = 1\n\
         headers = {{ X-Token = \"s3cret\" }}\n"
    ));
    server.set("/own.xml", Route::feed(rss("Own", &[("a", "One")])));
    polite_then_forced(&env, &server, "/own.xml", "(checked every 120 min)", true);
    let hit = &server.hits("/own.xml")[0];
    assert_eq!(hit.headers.get("user-agent").unwrap(), "own-agent/2");
    assert_eq!(hit.headers.get("x-token").unwrap(), "s3cret");
    // keep = 1: of two new articles only the newest stays.
    server.set("/own.xml", Route::feed(rss("Own", &[("b", "Two"), ("c", "Three")])));
    run(&env, Selection::All, None);
    let feed = env.store().feeds().unwrap().into_iter().next().unwrap();
    assert_eq!(feed.total, 1, "{feed:?}");
}

#[test]
fn a_redirect_to_a_file_is_never_followed() {
    let server = TestServer::start();
    let env = Env::new();
    server.set("/evil", Route::redirect(302, "file:///etc/passwd"));
    server.set("/evil-exec", Route::redirect(301, "exec:/bin/true"));
    let id = subscribe(&env, &server.url("/evil"));
    let exec = subscribe(&env, &server.url("/evil-exec"));
    let results = run(&env, Selection::All, None);
    for (feed, scheme) in [(id, "`file:`"), (exec, "`exec:`")] {
        let Outcome::Failed(why) = outcome(&results, feed) else { panic!("{results:?}") };
        assert!(why.contains(scheme) && why.contains("only http:// and https:// redirects"), "{why}");
    }
    let store = env.store();
    assert_eq!(store.feed(id).unwrap().unwrap().total, 0);
    assert_eq!(store.feed(id).unwrap().unwrap().url, server.url("/evil"), "the subscription did not move");
}

#[test]
fn a_file_feed_is_read_and_an_unchanged_file_is_not_parsed_again() {
    let env = Env::new();
    let path = env.file("local feed.xml");
    std::fs::write(&path, rss("Local", &[("a", "One")])).unwrap();
    let url = url::Url::from_file_path(&path).unwrap().to_string();
    let id = subscribe(&env, &url);
    assert_eq!(outcome(&run(&env, Selection::All, None), id), Outcome::Updated { new: 1, updated: 0 });
    assert_eq!(outcome(&run(&env, Selection::All, None), id), Outcome::NotModified);
    std::fs::write(&path, rss("Local", &[("a", "One"), ("b", "Two!")])).unwrap();
    assert_eq!(outcome(&run(&env, Selection::All, None), id), Outcome::Updated { new: 1, updated: 0 });
    let dir = url::Url::from_directory_path(env.file("")).unwrap().to_string();
    let not_a_file = subscribe(&env, &dir);
    let Outcome::Failed(why) = outcome(&run(&env, Selection::Named, Some(&[not_a_file])), not_a_file) else {
        panic!()
    };
    assert!(why.contains("not a regular file"), "{why}");
}

/// Writes an executable shell script into the environment and returns its path.
fn script(env: &Env, name: &str, text: &str) -> String {
    use std::os::unix::fs::PermissionsExt as _;
    let path = env.file(name);
    std::fs::write(&path, format!("#!/bin/sh\n{text}")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn an_exec_feed_runs_its_command_with_words_and_no_shell() {
    let env = Env::new();
    let feed = rss("Made", &[("a", "Made by a script")]);
    std::fs::write(env.file("feed.xml"), &feed).unwrap();
    // The script prints the file named by its second argument, which has a space in it only
    // if the words were split with quotes honoured; `$(…)` reaches it unexpanded.
    std::fs::write(env.file("two words.xml"), &feed).unwrap();
    let prog = script(&env, "mkfeed", "[ \"$1\" = '$(touch pwned)' ] || exit 3\ncat \"$2\"\n");
    let dir = env.file("");
    let id = subscribe(&env, &format!("exec:{prog} '$(touch pwned)' \"{}/two words.xml\"", dir.display()));
    assert_eq!(outcome(&run(&env, Selection::All, None), id), Outcome::Updated { new: 1, updated: 0 });
    assert!(!env.file("pwned").exists());
    assert_eq!(outcome(&run(&env, Selection::All, None), id), Outcome::Unchanged, "same output, not parsed");
}

#[test]
fn a_failing_command_names_its_last_stderr_line_and_a_slow_one_times_out() {
    let env = Env::new();
    env.config("[refresh]\ntimeout = 1\n");
    let fails = script(&env, "fails", "echo 'starting' >&2\necho 'token expired, run login' >&2\nexit 2\n");
    let slow = script(&env, "slow", "exec sleep 10\n");
    let failing = subscribe(&env, &format!("exec:{fails}"));
    let slow_id = subscribe(&env, &format!("exec:{slow}"));
    let missing = subscribe(&env, "exec:/nonexistent/mkfeed");
    let started = std::time::Instant::now();
    let results = run(&env, Selection::All, None);
    assert!(started.elapsed() < std::time::Duration::from_secs(8), "the slow command was not waited for");
    let Outcome::Failed(why) = outcome(&results, failing) else { panic!("{results:?}") };
    assert!(why.ends_with("exited with 2: token expired, run login"), "{why}");
    let stored = env.store().feed(failing).unwrap().unwrap();
    assert_eq!(stored.last_error.as_deref(), Some(why.as_str()));
    let Outcome::Failed(why) = outcome(&results, slow_id) else { panic!("{results:?}") };
    assert!(why.contains("no answer within 1 s (refresh.timeout)"), "{why}");
    let Outcome::Failed(why) = outcome(&results, missing) else { panic!("{results:?}") };
    assert!(why.contains("not found"), "{why}");
}

#[test]
fn an_opml_import_refuses_exec_and_file_entries_and_a_urls_file_keeps_them() {
    let env = Env::new();
    let mut store = env.store();
    let opml = b"<opml><body>\n<outline xmlUrl=\"exec:/bin/true\"/>\n<outline xmlUrl=\"https://example.org/f\"/>\n</body></opml>";
    let done = tidings::subscribe::import(&mut store, opml).unwrap();
    assert_eq!(done.added, 1);
    assert_eq!(done.rejected.len(), 1);
    assert!(done.rejected[0].reason.contains("must not make tidings run a command"), "{:?}", done.rejected);
    let urls = b"\"exec:/usr/local/bin/mkfeed --flag 'two words'\" mine\nfile:///srv/feed.xml\n";
    let done = tidings::subscribe::import(&mut store, urls).unwrap();
    assert_eq!((done.added, done.rejected.len()), (2, 0), "{:?}", done.rejected);
    let urls: Vec<String> = store.feeds().unwrap().into_iter().map(|f| f.url).collect();
    assert!(urls.contains(&"exec:/usr/local/bin/mkfeed --flag 'two words'".to_string()), "{urls:?}");
}

#[test]
fn the_binary_adds_an_exec_feed_shows_its_configured_title_and_cron_runs_are_polite() {
    let env = Env::new();
    std::fs::write(env.file("feed.xml"), rss("Script output", &[("a", "One"), ("b", "Two")])).unwrap();
    let prog = script(&env, "mkfeed", &format!("cat '{}'\n", env.file("feed.xml").display()));
    let address = format!("exec:{prog} --flag \"two words\"");
    let out = env.run_ok(&["add", &address, "--tag", "local"]);
    assert!(out.contains("Script output"), "{out}");
    env.config(&format!(
        "[feeds.\"{}\"]\ntitle = \"Mine\"\ntags = [\"scripts\"]\nrefresh_interval = 60\n\
         [feeds.\"https://not.subscribed/\"]\nkeep = 1\n",
        address.replace('\\', "\\\\").replace('"', "\\\"")
    ));
    let feeds: serde_json::Value = serde_json::from_str(&env.run_ok(&["feeds", "--json"])).unwrap();
    assert_eq!(feeds[0]["title"], "Mine");
    assert_eq!(feeds[0]["tags"], serde_json::json!(["local", "scripts"]));
    assert_eq!(feeds[0]["total"], 2);
    // Added just now and checked every 60 minutes: cron's run skips it, a named one runs it.
    let cron = env.cmd().args(["refresh"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&cron.stdout), "1 feed, 0 new articles, 0 failed, 1 skipped\n");
    let stderr = String::from_utf8_lossy(&cron.stderr);
    assert!(stderr.contains("[feeds.\"https://not.subscribed/\"] names no subscribed feed"), "{stderr}");
    let named = env.run_ok(&["refresh", "1"]);
    assert!(named.ends_with("1 feed, 0 new articles, 0 failed\n"), "{named}");
    // The configured tag is a tag like any other: its view lists the feed's articles …
    let tagged: serde_json::Value =
        serde_json::from_str(&env.run_ok(&["articles", "--tag", "scripts", "--json"])).unwrap();
    assert_eq!(tagged.as_array().map(Vec::len), Some(2), "{tagged}");
    // … and taking it out of the file takes it away, leaving the feed's own tag.
    env.config("");
    let feeds: serde_json::Value = serde_json::from_str(&env.run_ok(&["feeds", "--json"])).unwrap();
    assert_eq!(feeds[0]["tags"], serde_json::json!(["local"]));
    assert_eq!(feeds[0]["title"], "Script output", "the feed's own title is back");
    let tagged: serde_json::Value =
        serde_json::from_str(&env.run_ok(&["articles", "--tag", "scripts", "--json"])).unwrap();
    assert_eq!(tagged.as_array().map(Vec::len), Some(0), "{tagged}");
}
