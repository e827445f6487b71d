//! Sync against a server that misbehaves: answers without their lists, endless pages, huge
//! answers, items of feeds it never lists, redirects to another host, refusals with escape
//! sequences; and a password command that fails or never ends. The server is the tests' own
//! (`tests/common/greader.rs`), scripted per endpoint; each test says what must hold whatever
//! the server does: nothing local is lost, the run ends, nothing secret leaves.

#![allow(clippy::unwrap_used)]

mod common;

use std::process::Output;
use std::time::{Duration, Instant};

use common::Env;
use common::greader::{self, GreaderServer, Reply, endpoint};
use serde_json::{Value, json};

const PW_VAR: &str = "TIDINGS_TEST_SYNC_PW";

/// A tidings data dir synced with a server (the password from the environment).
struct Device {
    env: Env,
}

impl Device {
    fn new(server: &GreaderServer) -> Self {
        Self::at(&server.url())
    }

    fn at(url: &str) -> Self {
        let env = Env::new();
        env.config(&format!(
            "[reader]\nrefresh_on_start = false\n[sync]\nkind = \"greader\"\nurl = \"{url}\"\nuser = \"{}\"\npassword_env = \"{PW_VAR}\"\n",
            greader::USER
        ));
        Self { env }
    }

    fn run(&self, args: &[&str]) -> Output {
        self.env.cmd().args(args).env(PW_VAR, greader::PASSWORD).output().unwrap()
    }

    /// `tidings sync --json`, which must succeed.
    fn sync(&self) -> Value {
        let out = self.run(&["sync", "--json"]);
        assert!(out.status.success(), "sync failed: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// `tidings sync`, which must fail: its stderr.
    fn sync_fails(&self) -> String {
        let out = self.run(&["sync"]);
        assert!(!out.status.success(), "sync succeeded: {}", String::from_utf8_lossy(&out.stdout));
        String::from_utf8(out.stderr).unwrap()
    }

    fn json(&self, args: &[&str]) -> Vec<Value> {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn feeds(&self) -> Vec<Value> {
        self.json(&["feeds", "--json"])
    }

    fn articles(&self) -> Vec<Value> {
        self.json(&["articles", "--json", "--limit", "1000000"])
    }

    fn unread(&self) -> usize {
        self.articles().iter().filter(|a| a["read"] == false).count()
    }

    /// Runs `args` with a deadline: `None` when it had to be killed.
    fn run_within(&self, args: &[&str], limit: Duration) -> Option<Output> {
        let mut child = self
            .env
            .std_cmd()
            .args(args)
            .env(PW_VAR, greader::PASSWORD)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(child.wait_with_output().unwrap())
    }
}

/// A server with two feeds of 2 and 3 articles, and a device that synced with it.
fn synced() -> (GreaderServer, Device) {
    let server = GreaderServer::start();
    let a = server.add_feed("https://a.example/feed", "Feed A");
    let b = server.add_feed("https://b.example/feed", "Feed B");
    server.add_items(&a, 2);
    server.add_items(&b, 3);
    let device = Device::new(&server);
    let report = device.sync();
    assert_eq!(report["items"]["new"], 5, "{report}");
    (server, device)
}

#[test]
fn an_answer_without_its_list_is_an_error_and_loses_nothing() {
    let (server, device) = synced();
    for body in
        [json!({}), json!({"error": "Service temporarily down"}), json!({"subscriptions": null}), json!([])]
    {
        server.answer(endpoint::LIST, Reply::json(&body));
        let said = device.sync_fails();
        assert!(said.contains("the subscription list"), "{body}: {said}");
        assert_eq!(device.feeds().len(), 2, "{body}: the feeds stay");
        assert_eq!(device.articles().len(), 5, "{body}: their articles stay");
    }
    server.unscript(endpoint::LIST);

    // The unread and starred lists: `{}` is not "nothing is unread".
    server.script(endpoint::IDS, |req, _| {
        (req.param("xt") == Some(greader::READ)).then(|| Reply::json(&json!({})))
    });
    let said = device.sync_fails();
    assert!(said.contains("the unread list"), "{said}");
    assert_eq!(device.unread(), 5, "nothing was marked read");
    server.script(endpoint::IDS, |req, _| {
        (req.param("s") == Some(greader::STARRED)).then(|| Reply::json(&json!({"error": "no"})))
    });
    assert!(device.sync_fails().contains("the starred list"));
    server.unscript(endpoint::IDS);

    // Articles: an answer without `items` does not move past the articles asked for.
    let a = server.feeds()[0].id.clone();
    server.add_items(&a, 1);
    server.answer(endpoint::CONTENTS, Reply::json(&json!({"id": "x"})));
    assert!(device.sync_fails().contains("articles"));
    server.unscript(endpoint::CONTENTS);
    assert_eq!(device.sync()["items"]["new"], 1, "the article comes at the next sync");

    // A read/star change the server answers with something else than OK stays to be sent.
    let first = device.articles()[0]["id"].to_string();
    assert!(device.run(&["mark", "--read", &first]).status.success());
    server.answer(endpoint::EDIT_TAG, Reply::json(&json!({"error": "read-only account"})));
    assert!(device.sync_fails().contains("read/star change"));
    server.unscript(endpoint::EDIT_TAG);
    assert_eq!(device.sync()["sent"], 1, "the change waited");

    // Lists that are there and empty are applied: everything read on the server.
    server.mark_read(&server.item_ids());
    let report = device.sync();
    assert_eq!(device.unread(), 0, "{report}");
}

/// Ids that never end: every page new ids and a new continuation.
fn endless_ids(server: &GreaderServer) {
    server.script(endpoint::IDS, |req, seen| {
        if req.param("r") != Some("o") {
            return None;
        }
        let first = greader::FIRST_ID + 1_000_000_000 + (seen as i64) * 10_000_000_000;
        let refs: Vec<Value> = (0..10_000).map(|k| json!({"id": (first + k * 1000).to_string()})).collect();
        Some(Reply::json(&json!({"itemRefs": refs, "continuation": format!("page-{seen}")})))
    });
}

#[test]
fn endless_pages_end_the_listing_and_the_next_sync_goes_on() {
    let (server, device) = synced();
    endless_ids(&server);
    server.clear_log();
    let Some(out) = device.run_within(&["sync", "--json"], Duration::from_secs(60)) else {
        panic!("the sync still ran after 60 s: {} pages of ids", server.hits(endpoint::IDS).len());
    };
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let pages = server.hits(endpoint::IDS).iter().filter(|r| r.param("r") == Some("o")).count();
    assert!(pages <= 20, "{pages} pages of ids");
    assert_eq!(report["more"], true, "{report}");
    // The next sync lists from where this one stopped, not from the start.
    let last = server.hits(endpoint::IDS).iter().filter(|r| r.param("r") == Some("o")).count();
    server.clear_log();
    let _ = device.run_within(&["sync", "--json"], Duration::from_secs(60)).unwrap();
    let first = server.hits(endpoint::IDS).into_iter().find(|r| r.param("r") == Some("o")).unwrap();
    let ot: i64 = first.param("ot").unwrap().parse().unwrap();
    assert!(ot * 1_000_000 > greader::FIRST_ID + 1_000_000_000, "ot={ot} after {last} pages");

    // Two continuations taking turns, over the same ids.
    server.script(endpoint::IDS, |req, seen| {
        let refs: Vec<Value> = (0..5).map(|k| json!({"id": (greader::FIRST_ID + k).to_string()})).collect();
        let token = if seen % 2 == 0 { "a" } else { "b" };
        (req.param("r") == Some("o")).then(|| Reply::json(&json!({"itemRefs": refs, "continuation": token})))
    });
    server.clear_log();
    let out = device.run_within(&["sync"], Duration::from_secs(60)).expect("it ends");
    let pages = server.hits(endpoint::IDS).iter().filter(|r| r.param("r") == Some("o")).count();
    assert!(pages <= 3, "{pages} pages: {}", String::from_utf8_lossy(&out.stderr));

    // The unread list without end: a clear error, and nothing marked.
    server.script(endpoint::IDS, |req, seen| {
        if req.param("xt") != Some(greader::READ) {
            return None;
        }
        let first = (seen as i64) * 100_000;
        let refs: Vec<Value> = (0..10_000).map(|k| json!({"id": (first + k).to_string()})).collect();
        Some(Reply::json(&json!({"itemRefs": refs, "continuation": format!("u{seen}")})))
    });
    let out = device.run_within(&["sync"], Duration::from_secs(120)).expect("it ends");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains("the unread list"), "{said}");
    assert!(said.contains("more than"), "{said}");
}

#[test]
fn a_feed_back_in_the_list_brings_its_history() {
    let server = GreaderServer::start();
    let a = server.add_feed("https://a.example/feed", "Feed A");
    let b = server.add_feed("https://b.example/feed", "Feed B");
    server.add_items(&a, 5);
    server.add_items(&b, 5);
    let device = Device::new(&server);
    assert_eq!(device.sync()["items"]["new"], 10);
    // Gone from the list for a while (an archived feed on FreshRSS), while B moves on.
    server.set_listed(&a, false);
    server.add_items(&b, 2);
    device.sync();
    server.set_listed(&a, true);
    server.clear_log();
    let report = device.sync();
    let of_a = device.articles().iter().filter(|x| x["feed_title"] == "Feed A").count();
    assert_eq!(of_a, 5, "Feed A's articles came back: {report}");
    let asked = server.hits(endpoint::IDS).into_iter().find(|r| r.param("s") == Some(a.as_str()));
    let n: usize = asked.expect("the feed's own ids were asked for").param("n").unwrap().parse().unwrap();
    assert!(n <= 1000, "n={n}");

    // A server that will not list a feed's own articles costs that feed its history only.
    let c = server.add_feed("https://c.example/feed", "Feed C");
    server.add_items(&c, 2);
    let stream = c.clone();
    server.script(endpoint::IDS, move |req, _| {
        (req.param("s") == Some(stream.as_str())).then(|| Reply::raw(400, "no"))
    });
    assert_eq!(device.sync()["items"]["new"], 2);
    server.clear_log();
    device.sync();
    assert!(server.hits(endpoint::IDS).iter().all(|r| r.param("s") != Some(c.as_str())), "asked once only");
}

#[test]
fn an_article_of_a_feed_never_listed_is_held_back_once() {
    let server = GreaderServer::start();
    let a = server.add_feed("https://a.example/feed", "Feed A");
    server.add_items(&a, 2);
    let stray = server.add_items("feed/99", 1)[0];
    let device = Device::new(&server);
    let first = device.sync();
    assert_eq!((first["items"]["new"].as_u64(), first["items"]["unknown_feed"].as_u64()), (Some(2), Some(1)));
    let asked_for_stray = |server: &GreaderServer| {
        server
            .hits(endpoint::CONTENTS)
            .iter()
            .filter(|r| r.form_values("i").contains(&stray.to_string()))
            .count()
    };
    server.clear_log();
    device.sync();
    device.sync();
    device.sync();
    assert!(asked_for_stray(&server) <= 1, "asked for {} times", asked_for_stray(&server));
    // Newer articles still come.
    server.add_items(&a, 1);
    assert_eq!(device.sync()["items"]["new"], 1);
}

#[test]
fn articles_that_cannot_be_read_are_skipped_and_counted() {
    let (server, device) = synced();
    let a = server.feeds()[0].id.clone();
    let ids = server.add_items(&a, 2);
    let good = GreaderServer::item_json(
        ids[0],
        &greader::Item {
            feed: a.clone(),
            title: "Good".into(),
            link: "https://a.example/good".into(),
            read: false,
            starred: false,
        },
    );
    let mut unasked = good.clone();
    unasked["id"] = json!("12345");
    unasked["canonical"] = json!([{"href": "https://a.example/unasked"}]);
    let body =
        json!({"items": [0, "x", null, [1, 2], {"id": ids[1].to_string()}, {"id": {"x": 1}}, good, unasked]});
    server.answer(endpoint::CONTENTS, Reply::json(&body));
    let report = device.sync();
    assert_eq!(report["items"]["new"], 1, "{report}");
    assert!(report["items"]["unreadable"].as_u64().unwrap() >= 6, "{report}");
    assert!(device.articles().iter().all(|x| x["link"] != "https://a.example/unasked"));
}

#[test]
fn the_sync_follows_no_redirect_to_another_host_and_sends_no_referer() {
    let server = GreaderServer::start();
    server.add_items(&server.add_feed("https://a.example/feed", "Feed A"), 1);
    let other = GreaderServer::start_on("127.0.0.2".parse().unwrap());
    let device = Device::new(&server);

    // The login, redirected with 307 (which keeps the body) to another host.
    server.answer(endpoint::LOGIN, Reply::redirect(307, &other.endpoint_url(endpoint::LOGIN)));
    let said = device.sync_fails();
    assert!(other.log().is_empty(), "the other host was sent {:?}", other.log());
    assert!(said.contains("127.0.0.2"), "says where it was sent: {said}");
    server.unscript(endpoint::LOGIN);

    // A read, redirected to another host: not followed, no Referer anywhere.
    server.answer(endpoint::LIST, Reply::redirect(302, &other.endpoint_url(endpoint::LIST)));
    device.sync_fails();
    assert!(other.log().is_empty(), "the other host was sent {:?}", other.log());
    // Within the server, a redirect is followed, without a Referer.
    server.script(endpoint::LIST, |req, _| {
        (req.param("moved").is_none())
            .then(|| Reply::redirect(301, "/api/reader/api/0/subscription/list?output=json&moved=1"))
    });
    assert_eq!(device.sync()["items"]["new"], 1);
    assert!(server.log().iter().all(|r| r.header("referer").is_none()), "a Referer was sent");
}

/// Where a secret could show: `needles` must appear in none of them.
fn assert_nowhere(device: &Device, outputs: &[&Output], needles: &[&str]) {
    let mut places: Vec<(String, String)> = outputs
        .iter()
        .enumerate()
        .flat_map(|(i, o)| {
            [
                (format!("stdout {i}"), String::from_utf8_lossy(&o.stdout).into_owned()),
                (format!("stderr {i}"), String::from_utf8_lossy(&o.stderr).into_owned()),
            ]
        })
        .collect();
    places.push(("log".into(), std::fs::read_to_string(device.env.paths().log_file()).unwrap_or_default()));
    let store = device.env.store();
    places.push(("last_error".into(), store.sync_value("greader.last_error").unwrap().unwrap_or_default()));
    for (place, text) in &places {
        for needle in needles {
            assert!(!text.contains(needle), "{needle:?} in the {place}: {text}");
        }
    }
}

#[test]
fn a_failing_password_command_is_named_by_its_program_and_status_only() {
    let (_server, device) = synced();
    let config = std::fs::read_to_string(device.env.paths().config_file()).unwrap();
    let failing = config.replace(
        &format!("password_env = \"{PW_VAR}\""),
        "password_command = [\"sh\", \"-c\", \"echo token=LEAKED-ON-STDERR >&2; exit 3\", \"sh\", \"--passphrase=hunter2\"]",
    );
    device.env.config(&failing);
    let sync = device.run(&["sync"]);
    let said = String::from_utf8_lossy(&sync.stderr).into_owned();
    assert!(!sync.status.success());
    assert!(said.contains("password_command `sh` exited with 3"), "{said}");
    let json = device.run(&["sync", "--json"]);
    let refresh = device.run(&["refresh"]);
    let feeds = device.run(&["feeds"]);
    assert!(String::from_utf8_lossy(&feeds.stdout).contains("last sync failed"));
    // What the reader shows is the engine's message.
    let config = device.env.load_config();
    let mut store = device.env.store();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut account = tidings::sync::Account::new(config.sync.as_ref().unwrap(), &config).unwrap();
    let reader = rt
        .block_on(account.sync(&mut store, &config, tidings::store::Removals::Few, &mut |_| {}))
        .unwrap_err()
        .to_string();
    let reader = Output { status: sync.status, stdout: reader.into_bytes(), stderr: Vec::new() };
    assert_nowhere(&device, &[&sync, &json, &refresh, &feeds, &reader], &["hunter2", "LEAKED", "-c", "echo"]);
}

#[test]
fn an_endless_password_command_is_stopped_at_its_cap() {
    let device = Device::at("http://127.0.0.1:9/api");
    let config = std::fs::read_to_string(device.env.paths().config_file()).unwrap();
    device
        .env
        .config(&config.replace(&format!("password_env = \"{PW_VAR}\""), "password_command = [\"yes\"]"));
    let started = Instant::now();
    let out = device.run_within(&["sync"], Duration::from_secs(90)).expect("it ends");
    let took = started.elapsed();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("printed more than a password"), "{said}");
    assert!(took < Duration::from_secs(10), "it took {took:?}");
}

#[test]
fn a_refusal_to_subscribe_is_cleaned_and_never_called_a_success() {
    let (server, device) = synced();
    let error =
        format!("\u{1b}]0;pwned\u{7}\u{1b}[2JNot a feed\r\nSubscribed to everything {}", "x".repeat(5000));
    server.answer(endpoint::QUICKADD, Reply::json(&json!({"numResults": 0, "error": error})));
    let add = device.run(&["add", "https://c.example/feed", "--no-fetch"]);
    let (stdout, stderr) = (String::from_utf8_lossy(&add.stdout), String::from_utf8_lossy(&add.stderr));
    assert!(!stdout.contains("on the server"), "a refusal called a success: {stdout}");
    assert!(!add.status.success(), "{stdout}{stderr}");
    assert!(stderr.contains("Not a feed") && stderr.contains("c.example"), "{stderr}");
    let json = device.run(&["sync", "--json"]);
    let sync = device.run(&["sync"]);
    for out in [&add, &json, &sync] {
        let text =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!text.contains(['\u{1b}', '\u{7}', '\r']), "{text:?}");
        assert!(text.lines().all(|l| l.chars().count() < 600), "a line too long: {text}");
    }
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(report["subscribe_failed"][0][1].as_str().unwrap().contains("Not a feed"), "{report}");
}

#[test]
fn cron_hears_of_a_server_away_only_once_it_has_lasted_a_day() {
    let (server, device) = synced();
    let feed = device.env.file("local.xml");
    std::fs::write(&feed, common::rss("Local", &[("l1", "One")])).unwrap();
    let url = format!("file://{}", feed.display());
    assert!(device.run(&["add", &url]).status.success());
    drop(server);

    // Away: every local feed refreshed, the changes wait; cron hears nothing.
    let quiet = device.run(&["refresh", "-q"]);
    assert_eq!(quiet.status.code(), Some(0), "{}", String::from_utf8_lossy(&quiet.stderr));
    assert!(quiet.stdout.is_empty() && quiet.stderr.is_empty(), "{}", String::from_utf8_lossy(&quiet.stderr));
    let loud = device.run(&["refresh"]);
    assert_eq!(loud.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&loud.stderr).contains("cannot reach the sync server"));
    // `sync` itself says it did not happen: 75, a temporary failure.
    let sync = device.run(&["sync", "-q"]);
    assert_eq!(sync.status.code(), Some(75));
    assert!(sync.stderr.is_empty(), "{}", String::from_utf8_lossy(&sync.stderr));
    assert_eq!(device.run(&["sync"]).status.code(), Some(75));

    // A day later: once, a summary; then quiet again for a day (and still a failure).
    let mut store = device.env.store();
    let two_days_ago = (chrono::Utc::now() - chrono::Duration::days(2)).timestamp().to_string();
    store.set_sync_value("greader.failing_since", Some(&two_days_ago)).unwrap();
    drop(store);
    let day = device.run(&["refresh", "-q"]);
    let said = String::from_utf8_lossy(&day.stderr);
    assert_eq!(day.status.code(), Some(1), "{said}");
    assert!(said.contains("since") && said.contains("cannot reach the sync server"), "{said}");
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    let next = device.run(&["refresh", "-q"]);
    assert_eq!(next.status.code(), Some(1));
    assert!(next.stderr.is_empty() && next.stdout.is_empty(), "{}", String::from_utf8_lossy(&next.stderr));

    // Trouble that needs someone is said at once.
    let server = GreaderServer::start();
    let wrong = Device::new(&server);
    let out = wrong.env.cmd().args(["refresh", "-q"]).env(PW_VAR, "wrong").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refused user"));
}
