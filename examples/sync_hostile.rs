//! What a hostile sync server costs tidings: time, requests and peak memory of one sync against
//! the tests' scriptable Google Reader server (`tests/common/greader.rs`) on loopback.
//!
//!   cargo run --release --example sync_hostile -- endless [SECONDS]   ids without end (default 60 s)
//!   cargo run --release --example sync_hostile -- contents [MB]       one answer of MB (default 62) of tiny values
//!   cargo run --release --example sync_hostile -- password [SECONDS]  a password command that never stops printing
//!
//! The sync runs in a child process (this example again, `client URL SECONDS`), so its peak
//! resident memory (VmHWM) is the client's alone, not the server's.

#[path = "../tests/common/greader.rs"]
mod greader;

use std::time::{Duration, Instant};

use greader::{GreaderServer, Reply, endpoint};
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    match arg(0) {
        Some("client") => client(arg(1).unwrap_or_default(), arg(2).unwrap_or("60").parse()?, arg(3)),
        Some("endless") => endless(arg(1).unwrap_or("60").parse()?),
        Some("contents") => contents(arg(1).unwrap_or("62").parse()?),
        Some("password") => password(arg(1).unwrap_or("90").parse()?),
        _ => Err("usage: sync_hostile endless [SECONDS] | contents [MB] | password [SECONDS]".into()),
    }
}

/// A server with one feed of one article, so a sync asks for its ids and its contents.
fn server() -> GreaderServer {
    let server = GreaderServer::start();
    let feed = server.add_feed("https://a.example/feed", "Feed A");
    server.add_items(&feed, 1);
    server
}

fn endless(seconds: u64) -> Result<(), Box<dyn std::error::Error>> {
    let server = server();
    server.script(endpoint::IDS, |req, seen| {
        if req.param("r") != Some("o") {
            return None;
        }
        let first = greader::FIRST_ID + 1_000_000_000 + (seen as i64) * 10_000_000_000;
        let refs: Vec<serde_json::Value> =
            (0..10_000).map(|k| json!({"id": (first + k * 1000).to_string()})).collect();
        Some(Reply::json(&json!({"itemRefs": refs, "continuation": format!("page-{seen}")})))
    });
    let child = run_client(&server.url(), seconds, None)?;
    let pages = server.hits(endpoint::IDS).len();
    let sent: usize = server.log().iter().map(|r| r.sent).sum();
    println!(
        "endless ids: {child}; {pages} pages of ids, {} requests, {:.0} MB sent by the server",
        server.log().len(),
        sent as f64 / 1e6
    );
    Ok(())
}

fn contents(mb: usize) -> Result<(), Box<dyn std::error::Error>> {
    let server = server();
    let values = mb * 1_000_000 / 2;
    let mut body = String::with_capacity(values * 2 + 16);
    body.push_str("{\"items\":[");
    for i in 0..values {
        body.push_str(if i + 1 == values { "0" } else { "0," });
    }
    body.push_str("]}");
    let size = body.len();
    server.answer(endpoint::CONTENTS, Reply::json_text(body));
    let child = run_client(&server.url(), 300, None)?;
    println!("contents of {:.1} MB ({values} tiny values): {child}", size as f64 / 1e6);
    Ok(())
}

fn password(seconds: u64) -> Result<(), Box<dyn std::error::Error>> {
    let server = server();
    let child = run_client(&server.url(), seconds, Some("yes"))?;
    println!("password_command [\"yes\"]: {child}");
    Ok(())
}

/// Runs one sync in a child process; its one-line report.
fn run_client(url: &str, seconds: u64, command: Option<&str>) -> Result<String, Box<dyn std::error::Error>> {
    let mut cmd = std::process::Command::new(std::env::current_exe()?);
    cmd.args(["client", url, &seconds.to_string()]);
    if let Some(c) = command {
        cmd.arg(c);
    }
    let out = cmd.output()?;
    if !out.status.success() {
        return Err(format!("the client failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The child: one sync with `url`, at most `seconds`; prints how it ended, how long it took
/// and its peak resident memory.
fn client(url: &str, seconds: u64, command: Option<&str>) -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let password = match command {
        Some(c) => format!("password_command = [\"{c}\"]"),
        None => format!("password = \"{}\"", greader::PASSWORD),
    };
    let text =
        format!("[sync]\nkind = \"greader\"\nurl = \"{url}\"\nuser = \"{}\"\n{password}\n", greader::USER);
    let config = tidings::config::Config::parse(&text, &dir.path().join("config.toml"))?;
    let sync = config.sync.clone().ok_or("no [sync]")?;
    let mut store = tidings::store::Store::open(&dir.path().join("tidings.db"))?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let mut account = tidings::sync::Account::new(&sync, &config)?;
    let started = Instant::now();
    let mut progress = |_| {};
    let outcome = rt.block_on(async {
        let run = account.sync(&mut store, &config, tidings::store::Removals::Few, &mut progress);
        match tokio::time::timeout(Duration::from_secs(seconds), run).await {
            Ok(Ok(report)) => format!("synced ({report})"),
            Ok(Err(e)) => format!("failed ({e})"),
            Err(_) => format!("still running after {seconds} s, stopped"),
        }
    });
    let took = started.elapsed();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).map_or("?", str::trim).to_string();
    println!("{outcome} in {:.1} s, peak RSS {peak}", took.as_secs_f64());
    Ok(())
}
