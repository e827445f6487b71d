//! A Google Reader API server on loopback whose every answer a test can script: a small but
//! real implementation of what tidings calls (ClientLogin, token, subscription/list, quickadd,
//! subscription/edit, stream/items/ids, stream/items/contents, edit-tag), FreshRSS-like in its
//! ids (microsecond arrival times), its `ot` and its continuations, plus per-endpoint scripts
//! that answer instead (raw bodies, statuses and headers, endless continuations, redirects,
//! huge bodies). Every request is recorded with its headers and body, so a test can say what
//! a server (or a second one, on another loopback address) was sent.
//!
//! This file uses only crates the tests depend on, so an example can include it with `#[path]`.
#![allow(dead_code, clippy::unwrap_used, clippy::missing_panics_doc)]

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

/// The user every server here knows.
pub const USER: &str = "reader";
/// Its password.
pub const PASSWORD: &str = "s3cret-pw";
/// The stream of every article.
pub const READING_LIST: &str = "user/-/state/com.google/reading-list";
/// The read state.
pub const READ: &str = "user/-/state/com.google/read";
/// The starred state.
pub const STARRED: &str = "user/-/state/com.google/starred";
/// The first item id: a microsecond arrival time, as FreshRSS gives them.
pub const FIRST_ID: i64 = 1_700_000_000_000_000;

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// GET or POST.
    pub method: String,
    /// The endpoint: the path after `/api/` (`reader/api/0/stream/items/ids`).
    pub endpoint: String,
    /// The query's pairs.
    pub query: Vec<(String, String)>,
    /// The request headers.
    pub headers: HeaderMap,
    /// The body as sent.
    pub body: Vec<u8>,
    /// The status answered.
    pub status: u16,
    /// The bytes of the answer's body.
    pub sent: usize,
}

impl Recorded {
    /// The first value of `name` in the query.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The form body's pairs.
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body).into_owned().collect()
    }

    /// Every value of `name` in the form body.
    pub fn form_values(&self, name: &str) -> Vec<String> {
        self.form().into_iter().filter(|(k, _)| k == name).map(|(_, v)| v).collect()
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// An answer a script gives.
#[derive(Clone, Debug)]
pub struct Reply {
    /// The status.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
}

impl Reply {
    /// A 200 with `body` as JSON.
    pub fn json(body: &Value) -> Self {
        Self::json_text(body.to_string())
    }

    /// A 200 with `body`, JSON already written.
    pub fn json_text(body: impl Into<Bytes>) -> Self {
        Self::raw(200, body).header("Content-Type", "application/json; charset=UTF-8")
    }

    /// `status` with `body` as it is.
    pub fn raw(status: u16, body: impl Into<Bytes>) -> Self {
        Self { status, headers: Vec::new(), body: body.into() }
    }

    /// A redirect to `location`.
    pub fn redirect(status: u16, location: &str) -> Self {
        Self::raw(status, Bytes::new()).header("Location", location)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A script for one endpoint: called with each request (and how many came to that endpoint
/// before it); `Some` answers instead of the server, `None` lets the server answer.
pub type Script = Arc<dyn Fn(&Recorded, usize) -> Option<Reply> + Send + Sync>;

/// The endpoints, as [`Recorded::endpoint`] names them.
pub mod endpoint {
    /// `accounts/ClientLogin`.
    pub const LOGIN: &str = "accounts/ClientLogin";
    /// `reader/api/0/token`.
    pub const TOKEN: &str = "reader/api/0/token";
    /// `reader/api/0/subscription/list`.
    pub const LIST: &str = "reader/api/0/subscription/list";
    /// `reader/api/0/subscription/quickadd`.
    pub const QUICKADD: &str = "reader/api/0/subscription/quickadd";
    /// `reader/api/0/subscription/edit`.
    pub const EDIT: &str = "reader/api/0/subscription/edit";
    /// `reader/api/0/stream/items/ids`.
    pub const IDS: &str = "reader/api/0/stream/items/ids";
    /// `reader/api/0/stream/items/contents`.
    pub const CONTENTS: &str = "reader/api/0/stream/items/contents";
    /// `reader/api/0/edit-tag`.
    pub const EDIT_TAG: &str = "reader/api/0/edit-tag";
}

/// A subscription.
#[derive(Clone, Debug)]
pub struct Feed {
    /// `feed/N`.
    pub id: String,
    /// Its URL.
    pub url: String,
    /// Its title.
    pub title: String,
    /// Its folder.
    pub folder: Option<String>,
    /// Whether `subscription/list` shows it (FreshRSS hides an archived feed).
    pub listed: bool,
}

/// An article.
#[derive(Clone, Debug)]
pub struct Item {
    /// `feed/N` (need not be a subscription: a server may send what it never lists).
    pub feed: String,
    /// Title.
    pub title: String,
    /// Link.
    pub link: String,
    /// Read.
    pub read: bool,
    /// Starred.
    pub starred: bool,
}

#[derive(Default)]
struct World {
    feeds: Vec<Feed>,
    items: BTreeMap<i64, Item>,
    next_id: i64,
}

#[derive(Default)]
struct Shared {
    world: Mutex<World>,
    scripts: Mutex<BTreeMap<String, Script>>,
    log: Mutex<Vec<Recorded>>,
}

/// A running server; stops when dropped.
pub struct GreaderServer {
    /// Where it listens.
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl GreaderServer {
    /// Starts on 127.0.0.1 at a free port.
    pub fn start() -> Self {
        Self::start_on("127.0.0.1".parse().unwrap())
    }

    /// Starts on `ip` (any loopback address: 127.0.0.2 is another origin) at a free port.
    pub fn start_on(ip: IpAddr) -> Self {
        let shared = Arc::new(Shared::default());
        shared.world.lock().unwrap().next_id = FIRST_ID;
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let state = Arc::clone(&shared);
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
                ready_tx.send(listener.local_addr().unwrap()).unwrap();
                let app = axum::Router::new().fallback(handle).with_state(state);
                let server = axum::serve(listener, app).with_graceful_shutdown(async {
                    let _ = stop_rx.await;
                });
                let _ = server.await;
            });
        });
        let addr = ready_rx.recv().unwrap();
        Self { addr, shared, stop: Some(stop_tx), thread: Some(thread) }
    }

    /// The API's base URL, for `[sync] url`.
    pub fn url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// The URL of `endpoint` (see [`endpoint`]).
    pub fn endpoint_url(&self, endpoint: &str) -> String {
        format!("{}/{endpoint}", self.url())
    }

    /// Answers `endpoint` with `script` from now on (replacing any script it had).
    pub fn script(
        &self,
        endpoint: &str,
        script: impl Fn(&Recorded, usize) -> Option<Reply> + Send + Sync + 'static,
    ) {
        self.shared.scripts.lock().unwrap().insert(endpoint.to_string(), Arc::new(script));
    }

    /// Answers `endpoint` with `reply`, always.
    pub fn answer(&self, endpoint: &str, reply: Reply) {
        self.script(endpoint, move |_, _| Some(reply.clone()));
    }

    /// Lets the server answer `endpoint` itself again.
    pub fn unscript(&self, endpoint: &str) {
        self.shared.scripts.lock().unwrap().remove(endpoint);
    }

    /// Every request so far.
    pub fn log(&self) -> Vec<Recorded> {
        self.shared.log.lock().unwrap().clone()
    }

    /// The requests to `endpoint` so far.
    pub fn hits(&self, endpoint: &str) -> Vec<Recorded> {
        self.log().into_iter().filter(|r| r.endpoint == endpoint).collect()
    }

    /// Forgets the requests so far.
    pub fn clear_log(&self) {
        self.shared.log.lock().unwrap().clear();
    }

    /// Subscribes the server to a feed: its id, `feed/N`.
    pub fn add_feed(&self, url: &str, title: &str) -> String {
        let mut world = self.shared.world.lock().unwrap();
        let id = format!("feed/{}", world.feeds.len() + 1);
        world.feeds.push(Feed {
            id: id.clone(),
            url: url.into(),
            title: title.into(),
            folder: None,
            listed: true,
        });
        id
    }

    /// Adds `n` unread articles to `feed` (which need not be listed): their ids, oldest first.
    pub fn add_items(&self, feed: &str, n: usize) -> Vec<i64> {
        let mut world = self.shared.world.lock().unwrap();
        (0..n)
            .map(|_| {
                // A second apart, so `ot` (in seconds) tells them apart.
                let id = world.next_id;
                world.next_id += 1_000_000;
                let k = (id - FIRST_ID) / 1_000_000;
                world.items.insert(
                    id,
                    Item {
                        feed: feed.to_string(),
                        title: format!("Item {k} of {feed}"),
                        link: format!("https://site.example/{}/{k}", feed.replace('/', "-")),
                        read: false,
                        starred: false,
                    },
                );
                id
            })
            .collect()
    }

    /// Whether `subscription/list` shows `feed`.
    pub fn set_listed(&self, feed: &str, listed: bool) {
        let mut world = self.shared.world.lock().unwrap();
        for f in world.feeds.iter_mut().filter(|f| f.id == feed) {
            f.listed = listed;
        }
    }

    /// The subscriptions.
    pub fn feeds(&self) -> Vec<Feed> {
        self.shared.world.lock().unwrap().feeds.clone()
    }

    /// Every article's id, oldest first.
    pub fn item_ids(&self) -> Vec<i64> {
        self.shared.world.lock().unwrap().items.keys().copied().collect()
    }

    /// The unread articles' ids, oldest first.
    pub fn unread_ids(&self) -> Vec<i64> {
        let world = self.shared.world.lock().unwrap();
        world.items.iter().filter(|(_, i)| !i.read).map(|(id, _)| *id).collect()
    }

    /// Marks articles read on the server.
    pub fn mark_read(&self, ids: &[i64]) {
        let mut world = self.shared.world.lock().unwrap();
        for id in ids {
            if let Some(item) = world.items.get_mut(id) {
                item.read = true;
            }
        }
    }

    /// An item as `stream/items/contents` gives it (the long id form, as FreshRSS).
    pub fn item_json(id: i64, item: &Item) -> Value {
        let mut categories = vec![READING_LIST.to_string()];
        if item.read {
            categories.push(READ.into());
        }
        if item.starred {
            categories.push(STARRED.into());
        }
        json!({
            "id": format!("tag:google.com,2005:reader/item/{:016x}", id as u64),
            "crawlTimeMsec": (id / 1000).to_string(),
            "timestampUsec": id.to_string(),
            "published": id / 1_000_000,
            "title": item.title,
            "canonical": [{"href": item.link}],
            "alternate": [{"href": item.link, "type": "text/html"}],
            "categories": categories,
            "origin": {"streamId": item.feed, "title": item.feed},
            "summary": {"content": format!("<p>{}</p>", item.title)},
        })
    }
}

impl Drop for GreaderServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let query: Vec<(String, String)> = req
        .uri()
        .query()
        .map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let headers = req.headers().clone();
    let body = axum::body::to_bytes(req.into_body(), 64 << 20).await.map(|b| b.to_vec()).unwrap_or_default();
    let endpoint = path.strip_prefix("/api/").unwrap_or(&path).to_string();
    let mut rec = Recorded { method, endpoint, query, headers, body, status: 0, sent: 0 };
    let seen = shared.log.lock().unwrap().iter().filter(|r| r.endpoint == rec.endpoint).count();
    let script = shared.scripts.lock().unwrap().get(&rec.endpoint).cloned();
    let reply = script.and_then(|s| s(&rec, seen)).unwrap_or_else(|| serve(&shared, &rec));
    rec.status = reply.status;
    rec.sent = reply.body.len();
    shared.log.lock().unwrap().push(rec);
    let mut builder = Response::builder().status(reply.status);
    for (k, v) in &reply.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    builder.body(Body::from(reply.body)).unwrap()
}

/// The server's own answer.
fn serve(shared: &Shared, req: &Recorded) -> Reply {
    if req.endpoint == endpoint::LOGIN {
        let form = req.form();
        let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        if get("Email") == Some(USER) && get("Passwd") == Some(PASSWORD) {
            return Reply::raw(200, "SID=tok\nLSID=tok\nAuth=tok\n");
        }
        return Reply::raw(401, "Error=BadAuthentication\n");
    }
    if req.header("authorization") != Some("GoogleLogin auth=tok") {
        return Reply::raw(401, "Unauthorized");
    }
    let mut world = shared.world.lock().unwrap();
    match req.endpoint.as_str() {
        endpoint::TOKEN => Reply::raw(200, "T0KEN"),
        endpoint::LIST => {
            let subs: Vec<Value> = world
                .feeds
                .iter()
                .filter(|f| f.listed)
                .map(|f| {
                    let categories: Vec<Value> = f
                        .folder
                        .iter()
                        .map(|l| json!({"id": format!("user/-/label/{l}"), "label": l}))
                        .collect();
                    json!({"id": f.id, "title": f.title, "url": f.url, "htmlUrl": "", "categories": categories})
                })
                .collect();
            Reply::json(&json!({ "subscriptions": subs }))
        }
        endpoint::QUICKADD => {
            let Some(url) = req.form_values("quickadd").pop() else {
                return Reply::raw(400, "no quickadd");
            };
            let url = url.strip_prefix("feed/").unwrap_or(&url).to_string();
            let existing = world.feeds.iter().find(|f| f.url == url).map(|f| f.id.clone());
            let id = existing.unwrap_or_else(|| {
                let id = format!("feed/{}", world.feeds.len() + 1);
                world.feeds.push(Feed {
                    id: id.clone(),
                    url: url.clone(),
                    title: url.clone(),
                    folder: None,
                    listed: true,
                });
                id
            });
            Reply::json(&json!({"numResults": 1, "query": url, "streamId": id, "streamName": url}))
        }
        endpoint::EDIT => {
            let s = req.form_values("s").pop().unwrap_or_default();
            match req.form_values("ac").pop().as_deref() {
                Some("unsubscribe") => world.feeds.retain(|f| f.id != s),
                Some("edit") => {
                    let label = req
                        .form_values("a")
                        .pop()
                        .and_then(|a| a.strip_prefix("user/-/label/").map(str::to_string));
                    let title = req.form_values("t").pop();
                    for f in world.feeds.iter_mut().filter(|f| f.id == s) {
                        if label.is_some() {
                            f.folder.clone_from(&label);
                        }
                        if let Some(t) = &title {
                            f.title.clone_from(t);
                        }
                    }
                }
                _ => return Reply::raw(400, "bad ac"),
            }
            Reply::raw(200, "OK")
        }
        endpoint::IDS => ids(&world, req),
        endpoint::CONTENTS => {
            let items: Vec<Value> = req
                .form_values("i")
                .iter()
                .filter_map(|raw| parse_id(raw))
                .filter_map(|id| world.items.get(&id).map(|item| GreaderServer::item_json(id, item)))
                .collect();
            Reply::json(&json!({"id": READING_LIST, "updated": 0, "items": items}))
        }
        endpoint::EDIT_TAG => {
            let ids: Vec<i64> = req.form_values("i").iter().filter_map(|raw| parse_id(raw)).collect();
            for (list, on) in [("a", true), ("r", false)] {
                for tag in req.form_values(list) {
                    for id in &ids {
                        if let Some(item) = world.items.get_mut(id) {
                            if tag == READ {
                                item.read = on;
                            } else if tag == STARRED {
                                item.starred = on;
                            }
                        }
                    }
                }
            }
            Reply::raw(200, "OK")
        }
        _ => Reply::raw(404, "not found"),
    }
}

/// `stream/items/ids` as FreshRSS answers it: `s` (reading list, starred or `feed/N`), `xt`
/// (read), `r=o` oldest first (else newest first), `ot` (seconds: ids from then on), `n`, and
/// `c`, the last id of the previous page; a full page carries a continuation.
fn ids(world: &World, req: &Recorded) -> Reply {
    let stream = req.param("s").unwrap_or_default();
    let exclude_read = req.param("xt") == Some(READ);
    let n: usize = req.param("n").and_then(|n| n.parse().ok()).unwrap_or(20);
    let oldest_first = req.param("r") == Some("o");
    let since = req.param("ot").and_then(|t| t.parse::<i64>().ok()).map_or(0, |t| t * 1_000_000);
    let after: Option<i64> = req.param("c").and_then(|c| c.parse().ok());
    let mut ids: Vec<i64> = world
        .items
        .iter()
        .filter(|(id, _)| **id >= since)
        .filter(|(_, i)| match stream {
            READING_LIST => true,
            STARRED => i.starred,
            feed => i.feed == feed,
        })
        .filter(|(_, i)| !(exclude_read && i.read))
        .map(|(id, _)| *id)
        .collect();
    if !oldest_first {
        ids.reverse();
    }
    if let Some(c) = after {
        ids.retain(|id| if oldest_first { *id > c } else { *id < c });
    }
    ids.truncate(n);
    let refs: Vec<Value> = ids.iter().map(|id| json!({"id": id.to_string()})).collect();
    let mut page = json!({ "itemRefs": refs });
    if ids.len() == n
        && let Some(last) = ids.last()
    {
        page["continuation"] = json!(last.to_string());
    }
    Reply::json(&page)
}

/// An item id in either form.
fn parse_id(raw: &str) -> Option<i64> {
    match raw.rsplit_once('/') {
        Some((_, hex)) => u64::from_str_radix(hex, 16).ok().map(|n| n as i64),
        None => raw.parse().ok(),
    }
}
