//! Side-by-side refresh benchmark: tidings, newsboat and sfeed fetch the same generated feeds
//! from loopback servers spread over many addresses, in one run. Prints a Markdown table.
//!
//! cargo bench --bench refresh                       # both standard scenarios
//! cargo bench --bench refresh -- --feeds 200 --items 50 --latency-ms 100 --runs 3
//!
//! cargo bench --bench refresh -- --feeds 500 --items 100 --serve urls.txt
//!     only serves: writes the feed URLs to urls.txt and waits (for profiling by hand)
//!
//! newsboat and sfeed are used when installed (`apt-get install newsboat sfeed`); peak memory
//! comes from GNU time (`/usr/bin/time`) when present.
#![allow(clippy::unwrap_used, clippy::missing_panics_doc, missing_docs)]

#[path = "support/feedgen.rs"]
mod feedgen;
#[path = "../tests/common/server.rs"]
mod server;

use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use server::{Route, TestServer};

struct Scenario {
    feeds: usize,
    items: usize,
    latency: Duration,
    hosts: usize,
}

struct Run {
    tool: &'static str,
    phase: &'static str,
    seconds: f64,
    peak_mib: Option<f64>,
    note: String,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let get = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let runs: usize = get("--runs").and_then(|v| v.parse().ok()).unwrap_or(1);
    let peers = !args.iter().any(|a| a == "--no-peers");
    let scenarios = match get("--feeds") {
        Some(feeds) => vec![Scenario {
            feeds: feeds.parse().unwrap(),
            items: get("--items").and_then(|v| v.parse().ok()).unwrap_or(50),
            latency: Duration::from_millis(get("--latency-ms").and_then(|v| v.parse().ok()).unwrap_or(0)),
            hosts: get("--hosts").and_then(|v| v.parse().ok()).unwrap_or(50),
        }],
        None => vec![
            Scenario { feeds: 200, items: 50, latency: Duration::from_millis(100), hosts: 50 },
            Scenario { feeds: 500, items: 100, latency: Duration::ZERO, hosts: 50 },
        ],
    };
    println!("machine: {} cores, {}", cores(), cpu_model());
    for s in &scenarios {
        scenario(s, runs, peers);
    }
}

fn scenario(s: &Scenario, runs: usize, peers: bool) {
    let ips: Vec<IpAddr> = (1..=s.hosts).map(|i| format!("127.0.0.{i}").parse().unwrap()).collect();
    let server = TestServer::start_on(&ips);
    let mut urls = Vec::with_capacity(s.feeds);
    let mut bytes = 0;
    for i in 0..s.feeds {
        let (body, ct) = feedgen::feed(i, s.items);
        bytes += body.len();
        let path = format!("/f{i}.xml");
        server.set(&path, Route::feed(body).content_type(ct));
        urls.push(server.url_on(i, &path));
    }
    server.set_latency(s.latency, 0.5);
    println!(
        "\n## {} feeds × {} items, {} ms ± 50 % latency, {} loopback hosts, {:.0} MB of feeds\n",
        s.feeds,
        s.items,
        s.latency.as_millis(),
        s.hosts,
        bytes as f64 / 1e6
    );
    if let Some(path) = std::env::args().skip_while(|a| a != "--serve").nth(1) {
        std::fs::write(&path, urls.join("\n")).unwrap();
        println!("serving; feed URLs are in {path}; stop with Ctrl-C");
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
    let mut results: Vec<Run> = Vec::new();
    for _ in 0..runs {
        results.extend(tidings(&server, &urls, s));
        if peers && which("newsboat") {
            results.extend(newsboat(&urls));
        }
        if peers && which("sfeed_update") {
            results.extend(sfeed(&urls));
        }
    }
    print_table(&results);
}

fn tidings(server: &TestServer, urls: &[String], s: &Scenario) -> Vec<Run> {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("urls");
    std::fs::write(&list, urls.join("\n")).unwrap();
    let bin = env!("CARGO_BIN_EXE_tidings");
    let base = |cmd: &mut Command| {
        cmd.arg("--config-dir").arg(dir.path().join("config")).arg("--data-dir").arg(dir.path().join("data"));
        cmd.env("NO_PROXY", "*").env_remove("http_proxy").env_remove("HTTP_PROXY");
    };
    let mut import = Command::new(bin);
    base(&mut import);
    assert!(import.arg("import").arg(&list).output().unwrap().status.success());
    let mut out = Vec::new();
    for phase in ["cold", "warm"] {
        server.clear_log();
        let (seconds, peak) = timed(bin, |cmd| {
            base(cmd);
            cmd.args(["refresh", "--quiet"]);
        });
        let log = server.log();
        let not_modified = log.iter().filter(|l| l.status == 304).count();
        let mut feeds = Command::new(bin);
        base(&mut feeds);
        let json: serde_json::Value =
            serde_json::from_slice(&feeds.args(["feeds", "--json"]).output().unwrap().stdout).unwrap();
        let articles: u64 = json.as_array().unwrap().iter().map(|f| f["total"].as_u64().unwrap_or(0)).sum();
        let note = format!("{articles} articles cached, {not_modified}/{} answered 304", log.len());
        if phase == "cold" {
            assert_eq!(articles as usize, s.feeds * s.items, "every article stored");
        }
        out.push(Run { tool: "tidings", phase, seconds, peak_mib: peak, note });
    }
    out
}

fn newsboat(urls: &[String]) -> Vec<Run> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("urls"), urls.join("\n")).unwrap();
    std::fs::write(dir.path().join("config"), "reload-threads 8\n").unwrap();
    let mut out = Vec::new();
    for phase in ["cold", "warm"] {
        let (seconds, peak) = timed("newsboat", |cmd| {
            cmd.env("HOME", dir.path()).current_dir(dir.path());
            cmd.args(["-u", "urls", "-c", "cache.db", "-C", "config", "-x", "reload"]);
        });
        out.push(Run { tool: "newsboat", phase, seconds, peak_mib: peak, note: "reload-threads 8".into() });
    }
    out
}

fn sfeed(urls: &[String]) -> Vec<Run> {
    let dir = tempfile::tempdir().unwrap();
    let mut rc = format!("sfeedpath=\"{}/feeds\"\nfeeds() {{\n", dir.path().display());
    for (i, u) in urls.iter().enumerate() {
        writeln!(rc, "\tfeed \"f{i}\" \"{u}\"").unwrap();
    }
    rc.push_str("}\n");
    let rc_path = dir.path().join("sfeedrc");
    std::fs::write(&rc_path, rc).unwrap();
    let mut out = Vec::new();
    for phase in ["cold", "warm"] {
        let (seconds, peak) = timed("sfeed_update", |cmd| {
            cmd.env("HOME", dir.path()).arg(&rc_path);
        });
        out.push(Run {
            tool: "sfeed",
            phase,
            seconds,
            peak_mib: peak,
            note: "sfeed_update, maxjobs 8".into(),
        });
    }
    out
}

/// Runs a command (under GNU time when available), returning wall seconds and peak RSS.
fn timed(program: &str, setup: impl FnOnce(&mut Command)) -> (f64, Option<f64>) {
    let gnu_time = Path::new("/usr/bin/time").exists();
    let report = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = if gnu_time {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-f").arg("%M").arg("-o").arg(report.path()).arg(program);
        c
    } else {
        Command::new(program)
    };
    setup(&mut cmd);
    cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    let started = Instant::now();
    let status = cmd.status().unwrap();
    let seconds = started.elapsed().as_secs_f64();
    if !status.success() {
        eprintln!("warning: {program} exited with {status}");
    }
    let peak = std::fs::read_to_string(report.path())
        .ok()
        .and_then(|t| t.lines().last().and_then(|l| l.trim().parse::<f64>().ok()))
        .map(|kib| kib / 1024.0);
    (seconds, peak)
}

fn print_table(runs: &[Run]) {
    let best = |tool: &str, phase: &str| {
        runs.iter()
            .filter(|r| r.tool == tool && r.phase == phase)
            .map(|r| r.seconds)
            .fold(f64::INFINITY, f64::min)
    };
    println!("| tool | refresh | time (s) | × tidings | peak RSS (MiB) | notes |");
    println!("| --- | --- | ---: | ---: | ---: | --- |");
    for r in runs {
        let ratio = r.seconds / best("tidings", r.phase);
        let peak = r.peak_mib.map_or_else(|| "n/a".to_string(), |p| format!("{p:.1}"));
        println!("| {} | {} | {:.2} | {:.1} | {} | {} |", r.tool, r.phase, r.seconds, ratio, peak, r.note);
    }
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|p| p.join(program).is_file()))
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
