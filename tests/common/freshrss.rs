//! A real FreshRSS server (PHP's built-in web server on SQLite, started by
//! `../shared/servers/freshrss/start.sh`) for the sync tests and the sync benchmark, with a small
//! Google Reader API client of the test's own and a loopback feed generator to fill it.
//!
//! FreshRSS fetches feeds itself, so the feeds it holds come from a [`TestServer`] on loopback:
//! [`serve_feeds`] makes one, [`FreshRss::populate`] subscribes FreshRSS to it. Nothing here
//! talks to any address but 127.0.0.1.
//!
//! The server is set up for tests as it starts (see [`FreshRss::start`]): no retention (no
//! per-feed maximum, no age limit), no refresh interval and no fetch cache, so
//! [`FreshRss::actualize`] always fetches every feed again.
//!
//! This file uses only `super::server`, so a benchmark can include it beside `server.rs` with
//! `#[path]` (as benches/refresh.rs does for `server.rs`).
#![allow(dead_code, clippy::unwrap_used, clippy::missing_panics_doc)]

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::server::{Route, TestServer};

/// The stream of every article.
pub const READING_LIST: &str = "user/-/state/com.google/reading-list";
/// The read state (as a tag).
pub const READ: &str = "user/-/state/com.google/read";
/// The starred state (as a tag).
pub const STARRED: &str = "user/-/state/com.google/starred";

/// One subscription as `subscription/list` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    /// Stream id, `feed/N`.
    pub id: String,
    /// Title.
    pub title: String,
    /// The feed's URL.
    pub url: String,
    /// Labels (`user/-/label/X`).
    pub categories: Vec<String>,
}

/// A running FreshRSS; killed on drop (its directory is removed with it).
pub struct FreshRss {
    /// The directory start.sh runs in (FreshRSS's files, its data and `server.log`).
    root: tempfile::TempDir,
    port: u16,
    url: String,
    user: String,
    password: String,
    /// FreshRSS's own directory (`FRESHRSS_DIR`), where `cli/` and `data/` are.
    app: PathBuf,
    /// The server's pid, `None` once stopped.
    pid: Option<u32>,
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
    /// The `Auth` of the last ClientLogin.
    auth: RefCell<Option<String>>,
}

/// Where start.sh is looked for: `TIDINGS_FRESHRSS_START` when set, else
/// `../shared/servers/freshrss/start.sh` beside the checkout.
pub fn start_script() -> PathBuf {
    match std::env::var_os("TIDINGS_FRESHRSS_START") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/servers/freshrss/start.sh"),
    }
}

/// Whether this is a CI run (`CI` is `true` in any case, or `1`): there a missing FreshRSS fails
/// the test instead of skipping it (the same rule as `common::is_ci`).
fn ci() -> bool {
    std::env::var("CI")
        .ok()
        .map(|v| v.trim().to_string())
        .is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// Why start.sh cannot run here, if it cannot: the script is missing, or php is (start.sh exits
/// with 2 when php-cli or one of its extensions is missing and it cannot install them).
enum Unavailable {
    NoScript(PathBuf),
    NoPhp(String),
}

impl FreshRss {
    /// Starts a fresh FreshRSS on a free loopback port, in a new temporary directory. Panics
    /// when it cannot (use [`FreshRss::start_or_skip`] in tests that may skip).
    pub fn start() -> Self {
        match Self::try_start() {
            Ok(f) => f,
            Err(Unavailable::NoScript(p)) => panic!("FreshRSS's start.sh is missing at {}", p.display()),
            Err(Unavailable::NoPhp(e)) => panic!("FreshRSS cannot start (no php?): {e}"),
        }
    }

    /// [`FreshRss::start`], or `None` when the test named `test` should skip: start.sh or php is
    /// missing and this is not CI. Under CI (`CI=true`) a missing server fails the test. The skip
    /// is written to the process's stderr (not captured by the test harness).
    pub fn start_or_skip(test: &str) -> Option<Self> {
        let why = match Self::try_start() {
            Ok(f) => return Some(f),
            Err(Unavailable::NoScript(p)) => format!("FreshRSS's start.sh is absent ({})", p.display()),
            Err(Unavailable::NoPhp(e)) => format!("php for FreshRSS is missing ({})", e.trim()),
        };
        assert!(!ci(), "{test}: {why}, and CI is set, so this fails rather than skips");
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("SKIPPED: {test}: {why}; this test did not run (under CI=true it fails)\n").as_bytes(),
        );
        None
    }

    fn try_start() -> Result<Self, Unavailable> {
        let script = start_script();
        if !script.is_file() {
            return Err(Unavailable::NoScript(script));
        }
        let root = tempfile::Builder::new().prefix("freshrss-").tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let http = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(300)).build().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let mut f = Self {
            root,
            port,
            url: String::new(),
            user: String::new(),
            password: String::new(),
            app: PathBuf::new(),
            pid: None,
            rt,
            http,
            auth: RefCell::new(None),
        };
        f.run_start_script()?;
        f.configure_for_tests();
        Ok(f)
    }

    /// Runs start.sh on this server's directory and port and takes its assignments.
    fn run_start_script(&mut self) -> Result<(), Unavailable> {
        let out = Command::new("bash")
            .arg(start_script())
            .arg(self.root.path())
            .arg(self.port.to_string())
            .env("NO_PROXY", "*")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if out.status.code() == Some(2) {
            return Err(Unavailable::NoPhp(stderr));
        }
        assert!(out.status.success(), "start.sh failed ({}): {stderr}", out.status);
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            let Some((k, v)) = line.split_once('=') else { continue };
            match k {
                "FRESHRSS_URL" => self.url = v.to_string(),
                "FRESHRSS_USER" => self.user = v.to_string(),
                "FRESHRSS_API_PASSWORD" => self.password = v.to_string(),
                "FRESHRSS_PID" => self.pid = Some(v.parse().unwrap()),
                "FRESHRSS_DIR" => self.app = PathBuf::from(v),
                _ => {}
            }
        }
        assert!(self.pid.is_some() && !self.url.is_empty(), "start.sh printed no server: {stderr}");
        Ok(())
    }

    /// Turns off what would make tests flaky: the user's retention (`archiving`: `keep_max` 200
    /// articles per feed and `keep_period` 3 months by default, applied at random on one
    /// actualize in 30), its refresh interval (`ttl_default`, 3600 s by default: actualize skips
    /// a feed fetched less than that ago) and the system's fetch cache (`limits.cache_duration`,
    /// 800 s: a fetch in that time reads FreshRSS's cached copy of the feed).
    fn configure_for_tests(&self) {
        let user_conf = self.app.join("data/users").join(&self.user).join("config.php");
        php_edit(
            &user_conf,
            "$c['ttl_default'] = -1; $c['archiving']['keep_max'] = false; \
             $c['archiving']['keep_period'] = false; $c['archiving']['keep_min'] = 0;",
        );
        php_edit(&self.app.join("data/config.php"), "$c['limits']['cache_duration'] = 0;");
    }

    /// The Google Reader API's base, `http://127.0.0.1:PORT/api/greader.php`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The user name.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The API password.
    pub fn password(&self) -> &str {
        &self.password
    }

    /// FreshRSS's directory (`FRESHRSS_DIR`: `cli/`, `data/`).
    pub fn dir(&self) -> &Path {
        &self.app
    }

    /// The port it listens on (the same after a restart).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's log: one line per request, `[STATUS]: METHOD PATH?QUERY`, in order, since it
    /// last started (start.sh truncates `server.log`, so a restart empties it).
    pub fn requests(&self) -> Vec<String> {
        let log = std::fs::read_to_string(self.root.path().join("server.log")).unwrap_or_default();
        log.lines()
            .filter_map(|l| l.split_once("]: "))
            .filter_map(|(a, b)| {
                let status = a.rsplit_once('[')?.1;
                (status.len() == 3 && status.bytes().all(|c| c.is_ascii_digit()))
                    .then(|| format!("[{status}]: {b}"))
            })
            .collect()
    }

    /// Whether the server is running (started and not stopped).
    pub fn is_running(&self) -> bool {
        self.pid.is_some()
    }

    /// Stops the server (kills it and waits until its port refuses connections). Its data stays.
    pub fn stop(&mut self) {
        let Some(pid) = self.pid.take() else { return };
        // The pid is `timeout`'s, which passes the TERM on to php.
        let _ = Command::new("kill").arg(pid.to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
            assert!(
                Instant::now() < deadline,
                "FreshRSS (pid {pid}) still listens on {} after 10 s",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // Reap nothing: the server is not our child (start.sh backgrounds it).
    }

    /// Stops the server if it runs and starts it again on the same directory and port: the same
    /// data, subscriptions, states and password (an outage, from a client's point of view).
    pub fn restart(&mut self) {
        self.stop();
        self.run_start_script().unwrap_or_else(|_| panic!("FreshRSS did not start again"));
    }

    /// Changes the API password (through FreshRSS's CLI), as a user would on the server; the
    /// client here logs in again with it.
    pub fn set_api_password(&mut self, new: &str) {
        self.php_cli("update-user.php", &["--user", &self.user.clone(), "--api-password", new]);
        self.password = new.to_string();
        self.auth.replace(None);
    }

    /// Sets a feed's priority in FreshRSS's database, as its feed settings would:
    /// `-10` archives it (`subscription/list` no longer shows it), `10` shows it again.
    pub fn set_feed_priority(&self, stream_id: &str, priority: i32) {
        let id: i64 = stream_id.strip_prefix("feed/").and_then(|n| n.parse().ok()).unwrap();
        let db = self.app.join("data/users").join(&self.user).join("db.sqlite");
        let script = format!(
            "$p = new PDO('sqlite:' . $argv[1]); \
             $p->exec('UPDATE feed SET priority = {priority} WHERE id = {id}') === 1 or exit(1);"
        );
        let status = Command::new("php").arg("-r").arg(script).arg(&db).status().unwrap();
        assert!(status.success(), "could not set the priority of {stream_id}");
    }

    /// Makes FreshRSS fetch every feed now (`cli/actualize-user.php`). Returns its report line.
    pub fn actualize(&self) -> String {
        self.php_cli("actualize-user.php", &["--user", &self.user])
    }

    fn php_cli(&self, script: &str, args: &[&str]) -> String {
        let out = Command::new("php")
            .arg(self.app.join("cli").join(script))
            .args(args)
            .env("NO_PROXY", "*")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        // actualize-user.php exits 1 ("failed!") when it fetched no feed at all (no subscriptions).
        let nothing_to_fetch = script == "actualize-user.php" && text.contains("actualized 0 feeds");
        assert!(
            out.status.success() || nothing_to_fetch,
            "{script} failed ({}): {text}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        text
    }

    // ---- the Google Reader API, for the test's own use ----

    /// Logs in (ClientLogin) and returns the `Auth` value, cached until the password changes.
    pub fn login(&self) -> String {
        if let Some(a) = self.auth.borrow().as_ref() {
            return a.clone();
        }
        let body = form(&[("Email", self.user.as_str()), ("Passwd", self.password.as_str())]);
        let (status, text) = self.send(reqwest::Method::POST, "accounts/ClientLogin", None, Some(body));
        assert_eq!(status, 200, "ClientLogin failed: {text}");
        let auth =
            text.lines().find_map(|l| l.strip_prefix("Auth=")).expect("no Auth= in ClientLogin").to_string();
        self.auth.replace(Some(auth.clone()));
        auth
    }

    /// An edit token (`T`).
    pub fn token(&self) -> String {
        self.get("reader/api/0/token").trim().to_string()
    }

    /// GET `path` (under the API base) with the login; panics unless 200. Returns the body.
    pub fn get(&self, path: &str) -> String {
        let auth = self.login();
        let (status, text) = self.send(reqwest::Method::GET, path, Some(&auth), None);
        assert_eq!(status, 200, "GET {path}: {text}");
        text
    }

    /// POST `params` (form-encoded, with the edit token `T` added) to `path` with the login;
    /// panics unless 200. Returns the body.
    pub fn post(&self, path: &str, params: &[(&str, &str)]) -> String {
        let auth = self.login();
        let token = self.token();
        let mut all = vec![("T", token.as_str())];
        all.extend_from_slice(params);
        let (status, text) = self.send(reqwest::Method::POST, path, Some(&auth), Some(form(&all)));
        assert_eq!(status, 200, "POST {path}: {text}");
        text
    }

    /// One request; returns the status and body. Panics when the server cannot be reached.
    pub fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        auth: Option<&str>,
        body: Option<String>,
    ) -> (u16, String) {
        let url = format!("{}/{path}", self.url);
        let mut req = self.http.request(method, &url);
        if let Some(a) = auth {
            req = req.header("Authorization", format!("GoogleLogin auth={a}"));
        }
        if let Some(b) = body {
            req = req.header("Content-Type", "application/x-www-form-urlencoded").body(b);
        }
        self.rt.block_on(async {
            let resp = req.send().await.unwrap_or_else(|e| panic!("{url}: {e}"));
            let status = resp.status().as_u16();
            (status, resp.text().await.unwrap())
        })
    }

    /// Subscribes to `feed_url` (`subscription/quickadd`; FreshRSS fetches it right away) and
    /// returns its stream id, `feed/N`.
    pub fn subscribe(&self, feed_url: &str) -> String {
        let text = self.post("reader/api/0/subscription/quickadd", &[("quickadd", feed_url)]);
        let v: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("quickadd: {e}: {text}"));
        v["streamId"].as_str().unwrap_or_else(|| panic!("quickadd of {feed_url} failed: {text}")).to_string()
    }

    /// Unsubscribes from `stream_id` (`feed/N`).
    pub fn unsubscribe(&self, stream_id: &str) {
        self.post("reader/api/0/subscription/edit", &[("ac", "unsubscribe"), ("s", stream_id)]);
    }

    /// Puts `stream_id` under the label `label`.
    pub fn set_label(&self, stream_id: &str, label: &str) {
        let a = format!("user/-/label/{label}");
        self.post("reader/api/0/subscription/edit", &[("ac", "edit"), ("s", stream_id), ("a", &a)]);
    }

    /// Every subscription.
    pub fn subscriptions(&self) -> Vec<Subscription> {
        let text = self.get("reader/api/0/subscription/list?output=json");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["subscriptions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| Subscription {
                id: s["id"].as_str().unwrap_or_default().to_string(),
                title: s["title"].as_str().unwrap_or_default().to_string(),
                url: s["url"].as_str().unwrap_or_default().to_string(),
                categories: s["categories"]
                    .as_array()
                    .map(|c| c.iter().filter_map(|c| c["id"].as_str().map(str::to_string)).collect())
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// The ids (decimal, as `stream/items/ids` gives them: FreshRSS's microsecond arrival
    /// times) in `stream`, without those tagged `exclude` (if any), newest arrival first.
    pub fn ids(&self, stream: &str, exclude: Option<&str>) -> Vec<String> {
        let mut out = Vec::new();
        let mut continuation = String::new();
        loop {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            q.append_pair("s", stream).append_pair("n", "10000").append_pair("output", "json");
            if let Some(x) = exclude {
                q.append_pair("xt", x);
            }
            if !continuation.is_empty() {
                q.append_pair("c", &continuation);
            }
            let text = self.get(&format!("reader/api/0/stream/items/ids?{}", q.finish()));
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            let refs = v["itemRefs"].as_array().cloned().unwrap_or_default();
            let before = out.len();
            out.extend(refs.iter().filter_map(|r| r["id"].as_str().map(str::to_string)));
            match v["continuation"].as_str() {
                Some(c) if out.len() > before => continuation = c.to_string(),
                _ => return out,
            }
        }
    }

    /// Every article's id.
    pub fn all_ids(&self) -> Vec<String> {
        self.ids(READING_LIST, None)
    }

    /// The unread articles' ids.
    pub fn unread_ids(&self) -> Vec<String> {
        self.ids(READING_LIST, Some(READ))
    }

    /// The starred articles' ids.
    pub fn starred_ids(&self) -> Vec<String> {
        self.ids(STARRED, None)
    }

    /// Every article in full (`stream/contents` of the reading list, all pages): the JSON items,
    /// newest arrival first. Their `id` is the long form, `tag:google.com,2005:reader/item/HEX`.
    pub fn items(&self) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        let mut continuation = String::new();
        loop {
            let mut path = format!("reader/api/0/stream/contents/{READING_LIST}?n=1000&output=json");
            if !continuation.is_empty() {
                path.push_str(&format!("&c={continuation}"));
            }
            let v: serde_json::Value = serde_json::from_str(&self.get(&path)).unwrap();
            let items = v["items"].as_array().cloned().unwrap_or_default();
            let got = items.len();
            out.extend(items);
            match v["continuation"].as_str() {
                Some(c) if got > 0 => continuation = c.to_string(),
                _ => return out,
            }
        }
    }

    /// Adds and removes tags on articles (`edit-tag`), in batches. Ids in either form.
    pub fn edit_tag(&self, ids: &[String], add: Option<&str>, remove: Option<&str>) {
        for chunk in ids.chunks(500) {
            let mut params: Vec<(&str, &str)> = chunk.iter().map(|i| ("i", i.as_str())).collect();
            if let Some(a) = add {
                params.push(("a", a));
            }
            if let Some(r) = remove {
                params.push(("r", r));
            }
            let text = self.post("reader/api/0/edit-tag", &params);
            assert_eq!(text.trim(), "OK", "edit-tag: {text}");
        }
    }

    /// Marks articles read.
    pub fn mark_read(&self, ids: &[String]) {
        self.edit_tag(ids, Some(READ), None);
    }

    /// Marks articles unread.
    pub fn mark_unread(&self, ids: &[String]) {
        self.edit_tag(ids, None, Some(READ));
    }

    /// Stars articles.
    pub fn star(&self, ids: &[String]) {
        self.edit_tag(ids, Some(STARRED), None);
    }

    /// Unstars articles.
    pub fn unstar(&self, ids: &[String]) {
        self.edit_tag(ids, None, Some(STARRED));
    }

    /// Subscribes FreshRSS to `feeds` feeds of [`serve_feeds`]'s `server` (each fetched as it is
    /// added) and checks it then holds `feeds * per_feed` articles, actualizing once if not.
    pub fn populate(&self, server: &TestServer, feeds: usize, per_feed: usize) {
        for f in 0..feeds {
            self.subscribe(&server.url(&feed_path(f)));
        }
        let want = feeds * per_feed;
        if self.all_ids().len() != want {
            self.actualize();
        }
        let got = self.all_ids().len();
        assert_eq!(got, want, "FreshRSS holds {got} articles after populate, not {want}");
    }
}

impl Drop for FreshRss {
    fn drop(&mut self) {
        if let Some(pid) = self.pid.take() {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
}

/// Rewrites a FreshRSS PHP config file (`<?php return array(...);`) with `code` run on it as `$c`.
fn php_edit(file: &Path, code: &str) {
    let script = format!(
        "$f = $argv[1]; $c = include $f; {code} \
         file_put_contents($f, \"<?php\\nreturn \" . var_export($c, true) . \";\\n\") or exit(1);"
    );
    let status = Command::new("php").arg("-r").arg(script).arg(file).status().unwrap();
    assert!(status.success(), "could not edit {}", file.display());
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

// ---- the feed generator ----

/// The path of feed `f` on a [`serve_feeds`] server.
pub fn feed_path(f: usize) -> String {
    format!("/feeds/{f}.xml")
}

/// The time the generated dates count from: this process's start, to the minute.
fn anchor() -> i64 {
    static ANCHOR: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *ANCHOR.get_or_init(|| chrono::Utc::now().timestamp() / 60 * 60)
}

/// When item `i` of feed `f` was published: within the last 30 days, distinct for every
/// `(f, i)` with `f < 1000`, and later for a larger `i` (so appended items are the newest, as long
/// as `i` stays under ~2,500).
pub fn item_date(f: usize, i: usize) -> chrono::DateTime<chrono::Utc> {
    let secs = anchor() - 30 * 86_400 + (i as i64) * 1000 + f as i64;
    chrono::DateTime::from_timestamp(secs, 0).unwrap()
}

/// The guid of item `i` of feed `f`.
pub fn item_guid(f: usize, i: usize) -> String {
    format!("tidings-sync-{f}-{i}")
}

/// RSS 2.0 for feed `f` with the items `items` (newest first in the document), linking to `base`
/// (the loopback server's root, so nothing points outside it). Each item has a distinct guid,
/// link and date and a few paragraphs.
pub fn feed_xml(base: &str, f: usize, items: std::ops::Range<usize>) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Sync feed {f}</title><link>{base}/site/{f}/</link><description>Generated feed {f}</description>\n"
    );
    for i in items.rev() {
        let date = item_date(f, i).to_rfc2822();
        let guid = item_guid(f, i);
        s.push_str(&format!(
            "<item><guid isPermaLink=\"false\">{guid}</guid><title>Feed {f}, article {i}</title>\
             <link>{base}/site/{f}/{i}.html</link><pubDate>{date}</pubDate><description>\
             &lt;p&gt;Article {i} of feed {f}: the first paragraph says what happened and where.&lt;/p&gt;\
             &lt;p&gt;The second paragraph ({guid}) gives the background, the names and the numbers \
             that a reader would want before deciding whether to read on.&lt;/p&gt;\
             &lt;p&gt;The third paragraph quotes someone, and the last one says what comes next.&lt;/p&gt;\
             </description></item>\n"
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

/// A loopback server with `feeds` RSS feeds of `per_feed` items each, at [`feed_path`]`(0..feeds)`.
pub fn serve_feeds(feeds: usize, per_feed: usize) -> TestServer {
    let server = TestServer::start();
    let base = server.url("");
    for f in 0..feeds {
        server.set(&feed_path(f), Route::feed(feed_xml(&base, f, 0..per_feed)));
    }
    server
}

/// Sets feed `f` on `server` to hold `items` (to add or drop items before an actualize).
pub fn set_feed_items(server: &TestServer, f: usize, items: std::ops::Range<usize>) {
    server.set(&feed_path(f), Route::feed(feed_xml(&server.url(""), f, items)));
}
