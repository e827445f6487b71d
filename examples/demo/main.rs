//! `cargo run --example demo`: tidings with no network at all. Serves the feeds bundled in
//! examples/demo/ (RSS, Atom and JSON Feed, with article pages and a podcast episode) from a
//! loopback server, subscribes a fresh temporary cache to them and opens the reader on it. The
//! temporary config and data directories are removed when the reader closes.
//!
//! `cargo run --example demo -- --serve` only serves the feeds (to try them in another reader,
//! or with your own tidings cache) and prints their addresses until Ctrl-c.

use std::net::SocketAddr;

use anyhow::{Context as _, Result, bail};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{Duration, Utc};
use clap::Parser as _;

use tidings::cli::Cli;
use tidings::cmd::{self, Context};
use tidings::config::Config;
use tidings::domain::NewFeed;
use tidings::paths::Paths;
use tidings::store::Store;

/// The bundled feeds: path on the server, file, content type, title and tags to subscribe with.
const FEEDS: &[(&str, &str, &str, &[&str])] = &[
    ("/herald.xml", include_str!("feeds/herald.xml"), "application/rss+xml", &["news"]),
    ("/terminal.atom", include_str!("feeds/terminal.atom"), "application/atom+xml", &["tech"]),
    ("/science.json", include_str!("feeds/science.json"), "application/feed+json", &["science", "news"]),
];

/// The article pages of the Herald, whose feed carries only summaries (`F` fetches them).
const PAGES: &[(&str, &str)] = &[
    ("swing-bridge.html", include_str!("pages/swing-bridge.html")),
    ("ferry-timetable.html", include_str!("pages/ferry-timetable.html")),
    ("rail-strike.html", include_str!("pages/rail-strike.html")),
    ("mackerel.html", include_str!("pages/mackerel.html")),
    ("car-free.html", include_str!("pages/car-free.html")),
    ("library.html", include_str!("pages/library.html")),
];

fn main() -> Result<()> {
    let serve_only = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--serve") => true,
        Some(other) => bail!("unknown argument `{other}`; the only one is --serve"),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .context("cannot start the demo server's runtime")?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .context("cannot listen on 127.0.0.1")?;
    let addr = listener.local_addr()?;
    let app = routes(addr);
    runtime.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let urls: Vec<String> = FEEDS.iter().map(|(path, ..)| format!("http://{addr}{path}")).collect();

    if serve_only {
        println!("Serving the demo feeds (Ctrl-c stops):");
        for url in &urls {
            println!("  {url}");
        }
        runtime.block_on(async {
            let _ = tokio::signal::ctrl_c().await;
        });
        return Ok(());
    }

    let dir = tempfile::Builder::new()
        .prefix("tidings-demo-")
        .tempdir()
        .context("cannot make a temporary directory")?;
    let (config_dir, data_dir) = (dir.path().join("config"), dir.path().join("data"));
    let paths = Paths::resolve(Some(config_dir.clone()), Some(data_dir.clone()))?;
    {
        std::fs::create_dir_all(&data_dir)?;
        let mut store = Store::open(&paths.database())?;
        for (url, (_, _, _, tags)) in urls.iter().zip(FEEDS) {
            let feed = NewFeed {
                url: url.clone(),
                title: None,
                tags: tags.iter().map(|t| (*t).to_string()).collect(),
            };
            store.add_feed(&feed, Utc::now())?;
        }
    }
    // The reader, exactly as `tidings --config-dir … --data-dir …` opens it: it draws the empty
    // cache, then refreshes from the demo server on start.
    let cli = Cli::parse_from([
        "tidings".as_ref(),
        "--config-dir".as_ref(),
        config_dir.as_os_str(),
        "--data-dir".as_ref(),
        data_dir.as_os_str(),
    ]);
    let config = Config::default();
    let result = cmd::run(cli, &Context { paths, config });
    drop(runtime);
    result?;
    println!("The demo's cache was in {}; it is removed now.", dir.path().display());
    Ok(())
}

/// The demo server: the feeds (with this server's address and dates relative to now filled
/// in), the article pages inside a news site's chrome, and a short silent podcast episode.
fn routes(addr: SocketAddr) -> Router {
    let base = format!("http://{addr}");
    let mut router = Router::new();
    for (path, text, content_type, _) in FEEDS {
        let (text, content_type) = (*text, *content_type);
        router = router.route(
            path,
            get(move |State(base): State<String>| async move {
                ([(header::CONTENT_TYPE, content_type)], fill(text, &base)).into_response()
            }),
        );
    }
    router
        .route("/pages/{name}", get(page))
        .route("/audio/bridges.wav", get(|| async { ([(header::CONTENT_TYPE, "audio/wav")], silence()) }))
        .with_state(base)
}

async fn page(Path(name): Path<String>) -> Response {
    let Some((_, body)) = PAGES.iter().find(|(n, _)| *n == name) else {
        return (StatusCode::NOT_FOUND, "no such page").into_response();
    };
    let html = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Harbourside Herald</title></head><body>\
         <header><nav><a href=\"/\">Home</a> | <a href=\"/town\">Town</a> | <a href=\"/sea\">Sea</a> | \
         <a href=\"/subscribe\">Subscribe for 1 a month</a></nav></header>\
         <main><article>{body}</article></main>\
         <aside><h3>Most read</h3><ul><li><a href=\"/a\">Gull steals ice cream</a></li>\
         <li><a href=\"/b\">Tide tables for December</a></li></ul></aside>\
         <footer><p>Harbourside Herald, a paper that does not exist. Cookie settings. Privacy.</p></footer>\
         </body></html>"
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

/// `{{BASE}}` becomes the server's address; `{{rfc2822 -3h}}` and `{{rfc3339 -3h}}` a time that
/// many hours ago, so the demo's articles are always recent.
fn fill(text: &str, base: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find("}}") else { break };
        let token = &rest[start + 2..start + len];
        out.push_str(&expand(token, base).unwrap_or_else(|| token.to_string()));
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

fn expand(token: &str, base: &str) -> Option<String> {
    if token == "BASE" {
        return Some(base.to_string());
    }
    let (format, offset) = token.split_once(' ')?;
    let hours: i64 = offset.strip_prefix('-')?.strip_suffix('h')?.parse().ok()?;
    let at = Utc::now() - Duration::hours(hours);
    match format {
        "rfc2822" => Some(at.to_rfc2822()),
        "rfc3339" => Some(at.to_rfc3339()),
        _ => None,
    }
}

/// Two seconds of silence as a WAV file (8 kHz, 16-bit, mono).
fn silence() -> Vec<u8> {
    const RATE: u32 = 8000;
    let data_len = RATE * 2 * 2;
    let mut wav = Vec::with_capacity(44 + data_len as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes()); // format chunk size
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&RATE.to_le_bytes());
    wav.extend_from_slice(&(RATE * 2).to_le_bytes()); // bytes per second
    wav.extend_from_slice(&2u16.to_le_bytes()); // bytes per frame
    wav.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    wav.resize(44 + data_len as usize, 0);
    wav
}
