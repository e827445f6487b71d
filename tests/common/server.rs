//! A real HTTP server on loopback for tests and benchmarks: routes set at run time, conditional
//! GET with ETag/Last-Modified, gzip, redirects, stalls, latency, and a log of every request.
#![allow(dead_code, clippy::unwrap_used, clippy::missing_panics_doc)]

use std::collections::HashMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

/// What the server answers on one path.
#[derive(Clone, Debug)]
pub struct Route {
    /// Status code.
    pub status: u16,
    /// Body bytes (sent as is, or gzip-compressed when `gzip`).
    pub body: Vec<u8>,
    /// Content-Type.
    pub content_type: String,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// ETag to send and honour.
    pub etag: Option<String>,
    /// Last-Modified to send and honour.
    pub last_modified: Option<String>,
    /// Compress with gzip when the client accepts it.
    pub gzip: bool,
    /// Never answer.
    pub stall: bool,
}

impl Route {
    /// A 200 feed with an ETag.
    pub fn feed(body: impl Into<Vec<u8>>) -> Self {
        let body = body.into();
        let etag = format!("\"{:x}\"", xxhash_rust::xxh3::xxh3_64(&body));
        Self {
            status: 200,
            body,
            content_type: "application/rss+xml".into(),
            headers: Vec::new(),
            etag: Some(etag),
            last_modified: None,
            gzip: false,
            stall: false,
        }
    }

    /// A bare status with an empty body.
    pub fn status(status: u16) -> Self {
        Self { status, etag: None, content_type: "text/plain".into(), ..Self::feed(Vec::new()) }
    }

    /// A redirect to `location`.
    pub fn redirect(status: u16, location: &str) -> Self {
        Self::status(status).header("Location", location)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the Content-Type.
    pub fn content_type(mut self, ct: &str) -> Self {
        self.content_type = ct.into();
        self
    }

    /// Drops the ETag (and optionally sets Last-Modified instead).
    pub fn last_modified(mut self, lm: Option<&str>) -> Self {
        self.etag = None;
        self.last_modified = lm.map(str::to_string);
        self
    }
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Logged {
    /// Path.
    pub path: String,
    /// Request headers.
    pub headers: HeaderMap,
    /// The status answered.
    pub status: u16,
}

#[derive(Default)]
struct Shared {
    routes: Mutex<HashMap<String, Route>>,
    log: Mutex<Vec<Logged>>,
    /// Base latency and ± jitter fraction.
    latency: Mutex<(Duration, f64)>,
    counter: std::sync::atomic::AtomicU64,
}

/// A running server; stops when dropped.
pub struct TestServer {
    /// Where it listens.
    pub addrs: Vec<SocketAddr>,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    /// Starts on 127.0.0.1 at a free port.
    pub fn start() -> Self {
        Self::start_on(&["127.0.0.1".parse().unwrap()])
    }

    /// Starts one listener per loopback address (each at a free port), all sharing the routes.
    pub fn start_on(ips: &[IpAddr]) -> Self {
        let shared = Arc::new(Shared::default());
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let ips = ips.to_vec();
        let state = Arc::clone(&shared);
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                let mut addrs = Vec::new();
                let mut servers = tokio::task::JoinSet::new();
                for ip in ips {
                    let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
                    addrs.push(listener.local_addr().unwrap());
                    let app = axum::Router::new().fallback(handle).with_state(Arc::clone(&state));
                    servers.spawn(async move { axum::serve(listener, app).await });
                }
                ready_tx.send(addrs).unwrap();
                let _ = stop_rx.await;
                servers.abort_all();
            });
        });
        let addrs = ready_rx.recv().unwrap();
        Self { addrs, shared, stop: Some(stop_tx), thread: Some(thread) }
    }

    /// The URL of `path` on the first listener.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addrs[0])
    }

    /// The URL of `path` on listener `i`.
    pub fn url_on(&self, i: usize, path: &str) -> String {
        format!("http://{}{path}", self.addrs[i % self.addrs.len()])
    }

    /// Sets what `path` answers.
    pub fn set(&self, path: &str, route: Route) {
        self.shared.routes.lock().unwrap().insert(path.to_string(), route);
    }

    /// Delays every answer by `base` ± `jitter` (a fraction of `base`).
    pub fn set_latency(&self, base: Duration, jitter: f64) {
        *self.shared.latency.lock().unwrap() = (base, jitter);
    }

    /// Every request so far.
    pub fn log(&self) -> Vec<Logged> {
        self.shared.log.lock().unwrap().clone()
    }

    /// Requests to `path` so far.
    pub fn hits(&self, path: &str) -> Vec<Logged> {
        self.log().into_iter().filter(|l| l.path == path).collect()
    }

    /// Forgets the request log.
    pub fn clear_log(&self) {
        self.shared.log.lock().unwrap().clear();
    }
}

impl Drop for TestServer {
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
    let path = req.uri().path().to_string();
    let headers = req.headers().clone();
    let route = shared.routes.lock().unwrap().get(&path).cloned();
    let (base, jitter) = *shared.latency.lock().unwrap();
    if !base.is_zero() {
        // A cheap deterministic spread in [1 - jitter, 1 + jitter].
        let n = shared.counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let unit = ((n.wrapping_mul(2_654_435_761) % 1000) as f64 / 999.0) * 2.0 - 1.0;
        tokio::time::sleep(base.mul_f64((1.0 + jitter * unit).max(0.0))).await;
    }
    let response = match route {
        None => plain(404, "not found"),
        Some(route) if route.stall => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            plain(500, "unreachable")
        }
        Some(route) => answer(&route, &headers),
    };
    shared.log.lock().unwrap().push(Logged { path, headers, status: response.status().as_u16() });
    response
}

fn answer(route: &Route, req: &HeaderMap) -> Response {
    let hv = |name: header::HeaderName| req.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let fresh = match (&route.etag, hv(header::IF_NONE_MATCH)) {
        (Some(etag), Some(sent)) => sent.split(',').any(|s| s.trim() == etag),
        _ => match (&route.last_modified, hv(header::IF_MODIFIED_SINCE)) {
            (Some(lm), Some(sent)) => lm == &sent,
            _ => false,
        },
    };
    let mut builder = Response::builder();
    for (k, v) in &route.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    if let Some(etag) = &route.etag {
        builder = builder.header(header::ETAG, etag);
    }
    if let Some(lm) = &route.last_modified {
        builder = builder.header(header::LAST_MODIFIED, lm);
    }
    if fresh && route.status == 200 {
        return builder.status(304).body(Body::empty()).unwrap();
    }
    let accepts_gzip = hv(header::ACCEPT_ENCODING).is_some_and(|v| v.contains("gzip"));
    let body = if route.gzip && accepts_gzip {
        builder = builder.header(header::CONTENT_ENCODING, "gzip");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&route.body).unwrap();
        enc.finish().unwrap()
    } else {
        route.body.clone()
    };
    builder
        .status(route.status)
        .header(header::CONTENT_TYPE, HeaderValue::from_str(&route.content_type).unwrap())
        .body(Body::from(body))
        .unwrap()
}

fn plain(status: u16, text: &'static str) -> Response {
    Response::builder().status(status).body(Body::from(text)).unwrap()
}
