//! Sync with a real FreshRSS (the Google Reader API): two tidings data dirs, a "laptop" and a
//! "server box", and one server. Every test starts its own FreshRSS (`tests/common/freshrss.rs`);
//! the feeds FreshRSS fetches come from a loopback server of the test.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;

use common::Env;
use common::freshrss::{self, FreshRss};
use serde_json::Value;

/// A tidings data dir synced with `server`; the password comes from a file through
/// `password_command`, so a test can change it.
struct Device {
    env: Env,
    password_file: PathBuf,
}

impl Device {
    fn new(server: &FreshRss) -> Self {
        let env = Env::new();
        let password_file = env.file("password");
        std::fs::write(&password_file, format!("{}\n", server.password())).unwrap();
        env.config(&format!(
            "[reader]\nrefresh_on_start = false\n[sync]\nkind = \"greader\"\nurl = \"{}\"\nuser = \"{}\"\npassword_command = [\"cat\", \"{}\"]\n",
            server.url(),
            server.user(),
            password_file.display()
        ));
        Self { env, password_file }
    }

    fn set_password(&self, pw: &str) {
        std::fs::write(&self.password_file, pw).unwrap();
    }

    /// `tidings sync --json`, which must succeed.
    fn sync(&self) -> Value {
        serde_json::from_str(&self.env.run_ok(&["sync", "--json"])).unwrap()
    }

    /// `tidings sync`, which must fail: its stderr.
    fn sync_fails(&self) -> String {
        let out = self.env.cmd().arg("sync").output().unwrap();
        assert!(!out.status.success(), "sync succeeded: {}", String::from_utf8_lossy(&out.stdout));
        String::from_utf8(out.stderr).unwrap()
    }

    fn feeds(&self) -> Vec<Value> {
        serde_json::from_str::<Vec<Value>>(&self.env.run_ok(&["feeds", "--json"])).unwrap()
    }

    fn articles(&self) -> Vec<Value> {
        serde_json::from_str(&self.env.run_ok(&["articles", "--json", "--limit", "100000"])).unwrap()
    }

    /// (read, starred) of the article linking to `link`.
    fn state_of(&self, link: &str) -> (bool, bool) {
        let a =
            self.articles().into_iter().find(|a| a["link"] == link).unwrap_or_else(|| panic!("no {link}"));
        (a["read"].as_bool().unwrap(), a["starred"].as_bool().unwrap())
    }

    fn id_of(&self, link: &str) -> String {
        let a =
            self.articles().into_iter().find(|a| a["link"] == link).unwrap_or_else(|| panic!("no {link}"));
        a["id"].to_string()
    }
}

fn link(feeds: &common::server::TestServer, f: usize, i: usize) -> String {
    format!("{}/site/{f}/{i}.html", feeds.url(""))
}

#[test]
fn two_devices_share_subscriptions_read_and_starred_state() {
    let Some(server) = FreshRss::start_or_skip("two_devices_share_subscriptions_read_and_starred_state")
    else {
        return;
    };
    let feeds = freshrss::serve_feeds(2, 10);
    let (laptop, box_) = (Device::new(&server), Device::new(&server));

    // Subscribed on the laptop: it is on the server, and the box sees it with its articles.
    let added = laptop.env.run_ok(&["add", &feeds.url(&freshrss::feed_path(0)), "--tag", "Tech"]);
    assert!(added.contains("on the server"), "{added}");
    let on_server = server.subscriptions();
    assert_eq!(on_server.len(), 1, "{on_server:?}");
    assert_eq!(on_server[0].categories, vec!["user/-/label/Tech".to_string()]);
    let report = box_.sync();
    assert_eq!(report["items"]["new"], 10, "{report}");
    let box_feeds = box_.feeds();
    assert_eq!(box_feeds.len(), 1);
    assert_eq!(box_feeds[0]["source"], "greader");
    assert!(box_feeds[0]["tags"].as_array().unwrap().iter().any(|t| t == "Tech"), "{box_feeds:?}");
    // The laptop has the feed's articles once (fetched here at `add`, matched up with the
    // server's by link), not twice.
    assert_eq!(laptop.articles().len(), 10);
    assert!(laptop.articles().iter().all(|a| a["source"] == "greader"));

    // Subscribed on the server directly (another client, with a folder): both see it.
    let stream = server.subscribe(&feeds.url(&freshrss::feed_path(1)));
    server.set_label(&stream, "Science");
    laptop.sync();
    assert_eq!(laptop.feeds().len(), 2);
    assert_eq!(laptop.articles().len(), 20);

    // Read and starred on the laptop, seen on the box after both sync.
    let (a, b) = (link(&feeds, 0, 3), link(&feeds, 1, 5));
    laptop.env.run_ok(&["mark", "--read", &laptop.id_of(&a), &laptop.id_of(&b)]);
    laptop.env.run_ok(&["mark", "--star", &laptop.id_of(&b)]);
    let sent = laptop.sync();
    assert_eq!(sent["sent"], 3, "{sent}");
    let got = box_.sync();
    assert_eq!(got["items"]["new"], 10, "feed 1's articles: {got}");
    assert_eq!(box_.state_of(&a), (true, false));
    assert_eq!(box_.state_of(&b), (true, true));
    assert_eq!(server.unread_ids().len(), 18);
    assert_eq!(server.starred_ids().len(), 1);

    // The other way: unread and unstarred on the box, then the laptop follows.
    box_.env.run_ok(&["mark", "--unread", &box_.id_of(&b)]);
    box_.env.run_ok(&["mark", "--unstar", &box_.id_of(&b)]);
    box_.sync();
    let got = laptop.sync();
    assert_eq!(got["state"]["read"], 1, "{got}");
    assert_eq!(got["state"]["starred"], 1, "{got}");
    assert_eq!(laptop.state_of(&b), (false, false));
    assert_eq!(laptop.state_of(&a), (true, false));
    // Refreshing a feed the server holds, by name, is a sync (tidings never fetches it).
    let feed1 = laptop.feeds().into_iter().find(|f| f["title"] == "Sync feed 1").unwrap();
    let refreshed = laptop.env.run_ok(&["refresh", &feed1["id"].to_string()]);
    assert!(refreshed.contains("synced with 127.0.0.1"), "{refreshed}");
    let by_tidings = feeds.hits(&freshrss::feed_path(1)).into_iter().filter(|h| {
        h.headers.get("user-agent").and_then(|v| v.to_str().ok()).is_some_and(|ua| ua.starts_with("tidings"))
    });
    assert_eq!(by_tidings.count(), 0, "tidings itself never fetched it");

    // Unsubscribed on the box: gone from the server, then from the laptop.
    let feed0 = box_.feeds().into_iter().find(|f| f["title"] == "Sync feed 0").unwrap();
    let removed = box_.env.run_ok(&["remove", &feed0["id"].to_string()]);
    assert!(removed.contains("on the server too"), "{removed}");
    assert_eq!(server.subscriptions().len(), 1);
    let got = laptop.sync();
    assert_eq!(got["subscriptions"]["removed"], 1, "{got}");
    assert_eq!(laptop.feeds().len(), 1);
}

#[test]
fn changes_made_while_the_server_is_down_are_sent_when_it_is_back() {
    let Some(mut server) =
        FreshRss::start_or_skip("changes_made_while_the_server_is_down_are_sent_when_it_is_back")
    else {
        return;
    };
    let feeds = freshrss::serve_feeds(1, 6);
    server.populate(&feeds, 1, 6);
    let (laptop, box_) = (Device::new(&server), Device::new(&server));
    laptop.sync();
    box_.sync();
    server.stop();

    let (a, b) = (link(&feeds, 0, 1), link(&feeds, 0, 2));
    laptop.env.run_ok(&["mark", "--read", &laptop.id_of(&a)]);
    laptop.env.run_ok(&["mark", "--star", &laptop.id_of(&b)]);
    let said = laptop.sync_fails();
    assert!(said.contains("cannot reach the sync server 127.0.0.1"), "{said}");
    assert!(said.contains("2 read/star changes waiting"), "{said}");
    assert_eq!(said.trim().lines().count(), 1, "one clear sentence: {said}");
    // Nothing lost locally, through any number of failed syncs and restarts of tidings.
    laptop.sync_fails();
    let listed = laptop.env.run_ok(&["feeds"]);
    assert!(listed.contains("last sync failed: cannot reach the sync server 127.0.0.1"), "{listed}");
    assert_eq!(laptop.state_of(&a), (true, false));
    assert_eq!(laptop.state_of(&b), (false, true));
    // `refresh` (cron) after the local feeds (there are none): a server away for less than a
    // day is nothing to mail about (the changes wait), so `-q` says nothing and exits 0; the
    // sync itself says it did not go through (75, a temporary failure).
    let out = laptop.env.cmd().args(["refresh", "--quiet"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty() && out.stdout.is_empty());
    let out = laptop.env.cmd().args(["refresh"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: cannot reach the sync server"));
    assert_eq!(laptop.env.cmd().arg("sync").output().unwrap().status.code(), Some(75));

    server.restart();
    let sent = laptop.sync();
    assert_eq!(sent["sent"], 2, "{sent}");
    let listed = laptop.env.run_ok(&["feeds"]);
    assert!(listed.contains("synced") && !listed.contains("failed"), "{listed}");
    assert_eq!(server.unread_ids().len(), 5);
    assert_eq!(server.starred_ids().len(), 1);
    box_.sync();
    assert_eq!(box_.state_of(&a), (true, false));
    assert_eq!(box_.state_of(&b), (false, true));
    // Sent once: the outbox is empty now.
    assert_eq!(laptop.sync()["sent"], 0);
}

#[test]
fn a_wrong_password_is_said_plainly_and_a_changed_one_is_taken_up() {
    let Some(mut server) =
        FreshRss::start_or_skip("a_wrong_password_is_said_plainly_and_a_changed_one_is_taken_up")
    else {
        return;
    };
    let feeds = freshrss::serve_feeds(1, 3);
    server.populate(&feeds, 1, 3);
    let laptop = Device::new(&server);
    laptop.sync();
    assert_eq!(laptop.articles().len(), 3);

    laptop.set_password("not-the-password");
    let said = laptop.sync_fails();
    assert!(said.contains("refused user \"tidings\" and its password (HTTP 401)"), "{said}");
    assert!(said.contains("API password"), "says which password FreshRSS wants: {said}");
    assert_eq!(laptop.articles().len(), 3, "nothing lost");

    // The password changed on the server; tidings is given the new one.
    server.set_api_password("api-password-2");
    laptop.set_password("api-password-2");
    laptop.sync();
}

/// A login that expires while the reader runs (here: the password changed on the server) is
/// renewed with the password asked for again, and the request that met the expiry goes through.
#[test]
fn an_expired_login_is_renewed_within_a_session() {
    let Some(mut server) = FreshRss::start_or_skip("an_expired_login_is_renewed_within_a_session") else {
        return;
    };
    let feeds = freshrss::serve_feeds(1, 4);
    server.populate(&feeds, 1, 4);
    let laptop = Device::new(&server);
    let config = laptop.env.load_config();
    let mut store = laptop.env.store();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut account = tidings::sync::Account::new(config.sync.as_ref().unwrap(), &config).unwrap();
    let mut progress = |_: tidings::sync::Progress| {};
    let first =
        rt.block_on(account.sync(&mut store, &config, tidings::store::Removals::Few, &mut progress)).unwrap();
    assert_eq!(first.items.new, 4);

    server.set_api_password("api-password-3");
    laptop.set_password("api-password-3");
    let logins_before = server.requests().iter().filter(|r| r.contains("ClientLogin")).count();
    let second =
        rt.block_on(account.sync(&mut store, &config, tidings::store::Removals::Few, &mut progress)).unwrap();
    assert_eq!(second.items.new, 0);
    let logins = server.requests().iter().filter(|r| r.contains("ClientLogin")).count() - logins_before;
    assert_eq!(logins, 1, "one new login, for the expired one: {:?}", server.requests());
    assert!(server.requests().iter().any(|r| r.starts_with("[401]")), "the old login was refused first");
}

#[test]
fn a_first_sync_of_5000_articles_comes_in_pages_and_the_next_brings_only_changes() {
    let Some(server) = FreshRss::start_or_skip(
        "a_first_sync_of_5000_articles_comes_in_pages_and_the_next_brings_only_changes",
    ) else {
        return;
    };
    let (n_feeds, per_feed) = (25, 200);
    let feeds = freshrss::serve_feeds(n_feeds, per_feed);
    server.populate(&feeds, n_feeds, per_feed);
    let laptop = Device::new(&server);
    let before = server.requests().len();
    let first = laptop.sync();
    assert_eq!(first["items"]["new"], 5000, "{first}");
    assert_eq!(laptop.feeds().len(), n_feeds);
    let pages = server.requests()[before..].iter().filter(|r| r.contains("/stream/items/contents")).count();
    assert!(pages >= 5, "5,000 articles in pages of at most 1,000: {pages} requests");

    // On the server: 3 read elsewhere, 5 new articles in one feed.
    let some: Vec<String> = server.unread_ids().into_iter().take(3).collect();
    server.mark_read(&some);
    freshrss::set_feed_items(&feeds, 0, 0..per_feed + 5);
    server.actualize();
    let before = server.requests().len();
    let second = laptop.sync();
    assert_eq!(second["items"]["new"], 5, "{second}");
    assert_eq!(second["items"]["present"], 0, "only what is new is fetched: {second}");
    assert_eq!(second["state"]["read"], 3, "{second}");
    let second_requests = &server.requests()[before..];
    let contents = second_requests.iter().filter(|r| r.contains("/stream/items/contents")).count();
    assert_eq!(contents, 1, "{second_requests:?}");
    let (first_bytes, second_bytes) = (first["bytes"].as_u64().unwrap(), second["bytes"].as_u64().unwrap());
    assert!(
        second_bytes * 10 < first_bytes,
        "the second sync received {second_bytes} bytes, the first {first_bytes}"
    );
    // And one with nothing new brings nothing new.
    let third = laptop.sync();
    assert_eq!(
        (third["items"]["new"].as_u64(), third["state"]["read"].as_u64()),
        (Some(0), Some(0)),
        "{third}"
    );
    assert_eq!(laptop.articles().len(), 5005);
    let unread: u64 = laptop.env.run_ok(&["unread"]).trim().parse().unwrap();
    assert_eq!(unread, 5005 - 3);
}

/// What FreshRSS answers when a list is empty is a list (`{"subscriptions":[]}`,
/// `{"itemRefs":[]}`), and tidings takes it as one: no feeds, nothing unread, nothing starred.
#[test]
fn empty_lists_from_freshrss_are_applied() {
    let Some(server) = FreshRss::start_or_skip("empty_lists_from_freshrss_are_applied") else {
        return;
    };
    let laptop = Device::new(&server);
    let first = laptop.sync();
    assert_eq!(first["subscriptions"]["added"], 0, "{first}");
    assert_eq!(server.get("reader/api/0/subscription/list?output=json").trim(), r#"{"subscriptions":[]}"#);

    let feeds = freshrss::serve_feeds(1, 3);
    server.populate(&feeds, 1, 3);
    let ids = server.all_ids();
    server.star(&ids[..1]);
    assert_eq!(laptop.sync()["items"]["new"], 3);
    assert_eq!(laptop.env.run_ok(&["unread"]).trim(), "3");
    // Everything read and nothing starred on the server: the lists are empty, and applied.
    server.mark_read(&ids);
    server.unstar(&ids[..1]);
    let unread = format!(
        "reader/api/0/stream/items/ids?output=json&n=10000&s={}&xt={}",
        freshrss::READING_LIST,
        freshrss::READ
    );
    assert_eq!(server.get(&unread).trim(), r#"{"itemRefs":[]}"#);
    let got = laptop.sync();
    assert_eq!(
        (got["state"]["read"].as_u64(), got["state"]["starred"].as_u64()),
        (Some(3), Some(1)),
        "{got}"
    );
    assert_eq!(laptop.env.run_ok(&["unread"]).trim(), "0");
    assert!(laptop.articles().iter().all(|a| a["starred"] == false));
}

/// A feed FreshRSS stops listing for a while (archived in its settings) and lists again comes
/// back here with its articles, though they are older than what the last sync saw.
#[test]
fn a_feed_freshrss_lists_again_brings_its_history() {
    let Some(server) = FreshRss::start_or_skip("a_feed_freshrss_lists_again_brings_its_history") else {
        return;
    };
    let feeds = freshrss::serve_feeds(2, 5);
    server.populate(&feeds, 2, 5);
    let laptop = Device::new(&server);
    assert_eq!(laptop.sync()["items"]["new"], 10);
    let archived = server.subscriptions().into_iter().find(|s| s.title == "Sync feed 0").unwrap().id;
    server.set_feed_priority(&archived, -10);
    assert_eq!(server.subscriptions().len(), 1);
    freshrss::set_feed_items(&feeds, 1, 0..7);
    server.actualize();
    laptop.sync();
    server.set_feed_priority(&archived, 10);
    let back = laptop.sync();
    let of_feed0 = laptop.articles().iter().filter(|a| a["feed_title"] == "Sync feed 0").count();
    assert_eq!(of_feed0, 5, "{back}");
    assert_eq!(laptop.articles().len(), 12);
}

// The failures FreshRSS cannot be made to produce are served by the tests' own loopback server.

fn device_at(url: &str) -> Env {
    let env = Env::new();
    env.config(&format!("[sync]\nurl = \"{url}\"\nuser = \"me\"\npassword_env = \"TIDINGS_TEST_SYNC_PW\"\n"));
    env
}

fn sync_stderr(env: &Env) -> String {
    let out = env.cmd().arg("sync").env("TIDINGS_TEST_SYNC_PW", "pw").output().unwrap();
    assert!(!out.status.success(), "sync succeeded: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn a_rate_limit_is_waited_out_without_asking_again() {
    let api = common::server::TestServer::start();
    api.set("/api/accounts/ClientLogin", common::server::Route::status(429).header("Retry-After", "3600"));
    let env = device_at(&api.url("/api"));
    let said = sync_stderr(&env);
    assert!(said.contains("asked to wait until") && said.contains("HTTP 429"), "{said}");
    assert!(said.contains("Nothing is lost"), "{said}");
    // The next sync, within the hour, does not knock again and says the same.
    let again = sync_stderr(&env);
    assert!(again.contains("asked to wait until"), "{again}");
    assert_eq!(api.hits("/api/accounts/ClientLogin").len(), 1);
}

#[test]
fn an_address_that_is_not_the_api_says_so() {
    let api = common::server::TestServer::start();
    api.set(
        "/accounts/ClientLogin",
        common::server::Route::feed("<html><body>Welcome to my blog</body></html>").content_type("text/html"),
    );
    let env = device_at(&api.url(""));
    let said = sync_stderr(&env);
    assert!(said.contains("Is [sync] url the API address?"), "{said}");
    // No server at all, and no password: each says what to do.
    let env = Env::new();
    env.config(
        "[sync]\nurl = \"http://127.0.0.1:9/api\"\nuser = \"me\"\npassword_env = \"TIDINGS_NO_SUCH_VAR\"\n",
    );
    let out = env.cmd().arg("sync").env_remove("TIDINGS_NO_SUCH_VAR").output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("TIDINGS_NO_SUCH_VAR") && said.contains("not set"), "{said}");
    // A password command that fails is named by its program and how it ended: its arguments
    // and what it wrote may hold secrets (tests/hostile_sync.rs checks every place).
    let env = Env::new();
    env.config(
        "[sync]\nurl = \"http://127.0.0.1:9/api\"\nuser = \"me\"\npassword_command = [\"sh\", \"-c\", \"echo vault locked >&2; exit 3\"]\n",
    );
    let out = env.cmd().arg("sync").output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("password_command `sh` exited with 3"), "{said}");
    assert!(!said.contains("vault locked") && !said.contains("-c"), "{said}");
    let env = Env::new();
    let out = env.cmd().arg("sync").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("add a [sync] section"));
}

#[cfg(unix)]
#[test]
fn a_password_in_a_readable_config_file_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.config("[sync]\nurl = \"http://127.0.0.1:9/api\"\nuser = \"me\"\npassword = \"secret\"\n");
    let file = env.paths().config_file();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = env.cmd().arg("sync").output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("holds the sync password and others can read it (mode 644)"), "{said}");
    assert!(said.contains("chmod 600"), "{said}");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = env.cmd().arg("sync").output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("others can read"));
}

#[test]
fn a_short_rate_limit_is_waited_out_once_within_the_sync() {
    let api = common::server::TestServer::start();
    api.set(
        "/api/accounts/ClientLogin",
        common::server::Route::feed("SID=x\nAuth=me/abc\n").content_type("text/plain"),
    );
    let list = "/api/reader/api/0/subscription/list";
    api.set(list, common::server::Route::status(429).header("Retry-After", "1"));
    let env = device_at(&api.url("/api"));
    let started = std::time::Instant::now();
    let said = sync_stderr(&env);
    assert!(said.contains("asked to wait until"), "{said}");
    assert_eq!(api.hits(list).len(), 2, "asked again once, after the wait");
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
}

/// A feed unsubscribed on another device goes here too, but its starred article stays, with
/// its text; subscribed to again on the server, the feed comes back here as it was (the same
/// feed, its articles once, their read and star marks). A list that drops most feeds at once
/// unsubscribes none of them until the user confirms.
#[test]
fn feeds_the_server_drops_keep_their_starred_articles_and_most_at_once_need_a_yes() {
    let Some(server) = FreshRss::start_or_skip(
        "feeds_the_server_drops_keep_their_starred_articles_and_most_at_once_need_a_yes",
    ) else {
        return;
    };
    let feeds = freshrss::serve_feeds(3, 4);
    server.populate(&feeds, 3, 4);
    let laptop = Device::new(&server);
    laptop.sync();
    let (starred, read) = (link(&feeds, 0, 1), link(&feeds, 0, 2));
    laptop.env.run_ok(&["mark", "--star", &laptop.id_of(&starred)]);
    laptop.env.run_ok(&["mark", "--read", &laptop.id_of(&read)]);
    laptop.sync();
    let feed0 = laptop.feeds().into_iter().find(|f| f["title"] == "Sync feed 0").unwrap()["id"].clone();
    let stream = |f: usize| {
        let url = feeds.url(&freshrss::feed_path(f));
        server.subscriptions().into_iter().find(|s| s.url == url).unwrap().id
    };

    // Unsubscribed elsewhere: gone here, but for the starred article.
    server.unsubscribe(&stream(0));
    let got = laptop.sync();
    assert_eq!(got["subscriptions"]["removed"], 1, "{got}");
    assert_eq!(laptop.feeds().len(), 2);
    let kept: Vec<Value> =
        serde_json::from_str(&laptop.env.run_ok(&["articles", "--json", "--starred"])).unwrap();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0]["link"], starred.as_str());
    let shown = laptop.env.run_ok(&["show", &kept[0]["id"].to_string()]);
    assert!(shown.contains("Item 1 of feed 0") || shown.contains(&starred), "its text: {shown}");

    // Subscribed again on the server: the same feed, its articles once, their marks kept.
    server.subscribe(&feeds.url(&freshrss::feed_path(0)));
    let got = laptop.sync();
    assert_eq!(got["subscriptions"]["restored"], 1, "{got}");
    let back = laptop.feeds().into_iter().find(|f| f["title"] == "Sync feed 0").unwrap();
    assert_eq!(back["id"], feed0);
    assert_eq!(laptop.articles().len(), 12, "no copies");
    assert_eq!(laptop.state_of(&starred), (false, true));
    assert_eq!(laptop.state_of(&read), (true, false));
    // The star went to the server's new copy of the article.
    laptop.sync();
    assert_eq!(server.starred_ids().len(), 1);

    // Two of three dropped at once: kept until confirmed.
    server.unsubscribe(&stream(1));
    server.unsubscribe(&stream(2));
    let said = laptop.sync_fails();
    assert!(said.contains("no longer lists 2 of your 3 synced feeds"), "{said}");
    assert!(said.contains("tidings sync --confirm-removal"), "{said}");
    assert_eq!(laptop.feeds().len(), 3);
    laptop.env.run_ok(&["sync", "--confirm-removal"]);
    assert_eq!(laptop.feeds().len(), 1);
}
