//! `kill -9` at random points of a 200-feed refresh, twenty times: the database stays intact,
//! every article stored before keeps its read and star state, and the next refresh completes.
//! The real binary, a real loopback server on several 127.0.0.x addresses, a real SQLite file.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use common::server::{Route, TestServer};
use common::{Env, rss};
use tidings::domain::NewFeed;

const FEEDS: usize = 200;
const ITEMS: usize = 6;
const ROUNDS: usize = 20;

/// A small xorshift generator: the test needs reproducible randomness, not quality.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The seed: `TIDINGS_CRASH_SEED` to replay a failure, else the clock.
fn seed() -> u64 {
    std::env::var("TIDINGS_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        (nanos as u64) | 1
    })
}

/// Feed `i` in generation `g`: its own items and the previous generation's (older ones have
/// dropped off the feed but stay in the cache), bodies long enough that parsing and writing
/// take real time.
fn feed_body(i: usize, generation: usize) -> String {
    let mut items: Vec<(String, String)> = Vec::new();
    for g in (generation.saturating_sub(1)..=generation).rev() {
        for j in 0..ITEMS {
            let filler = "lorem ipsum dolor sit amet ".repeat(8);
            items.push((format!("f{i}-g{g}-{j}"), format!("Feed {i} gen {g} item {j} {filler}")));
        }
    }
    let items: Vec<(&str, &str)> = items.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    rss(&format!("Feed {i}"), &items)
}

/// `id -> (read, starred)` of every article, straight from the file.
fn states(env: &Env) -> BTreeMap<i64, (bool, bool)> {
    let conn = rusqlite::Connection::open(env.paths().database()).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    let mut stmt = conn.prepare("SELECT id, read, starred FROM articles").unwrap();
    stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, (r.get::<_, bool>(1)?, r.get::<_, bool>(2)?))))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Every article's key (its guid here).
fn keys(env: &Env) -> std::collections::HashSet<String> {
    let conn = rusqlite::Connection::open(env.paths().database()).unwrap();
    let mut stmt = conn.prepare("SELECT key FROM articles").unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect()
}

fn integrity(env: &Env) -> String {
    let conn = rusqlite::Connection::open(env.paths().database()).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).unwrap()
}

fn run_refresh(env: &Env) -> (bool, String, String) {
    // Not --quiet: that prints nothing when all went well, and the totals are checked.
    let out = env.cmd().args(["refresh"]).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn kill_9_during_refresh_loses_nothing() {
    let seed = seed();
    // Printed straight to stderr so it shows even when the harness captures output.
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("kill_9_during_refresh_loses_nothing: seed {seed} (TIDINGS_CRASH_SEED={seed} replays)\n")
            .as_bytes(),
    );
    let mut rng = Rng(seed);
    let ips: Vec<IpAddr> = (1..=8).map(|i| format!("127.0.0.{i}").parse().unwrap()).collect();
    let server = TestServer::start_on(&ips);
    let env = Env::new();
    let mut generation = vec![0usize; FEEDS];
    {
        let mut store = env.store();
        for i in 0..FEEDS {
            let path = format!("/f{i}.xml");
            server.set(&path, Route::feed(feed_body(i, 0)));
            let feed = NewFeed { url: server.url_on(i, &path), ..NewFeed::default() };
            store.add_feed(&feed, chrono::Utc::now()).unwrap();
        }
    }
    let started = Instant::now();
    let (ok, stdout, stderr) = run_refresh(&env);
    let full = started.elapsed();
    assert!(ok, "first refresh: {stdout}\n{stderr}");
    assert!(stdout.contains(&format!("{FEEDS} feeds, {} new articles, 0 failed", FEEDS * ITEMS)), "{stdout}");

    // A known set of articles read and starred through the binary.
    let before = states(&env);
    let ids: Vec<i64> = before.keys().copied().collect();
    let read: Vec<String> = ids.iter().step_by(7).map(ToString::to_string).collect();
    let star: Vec<String> = ids.iter().skip(3).step_by(11).map(ToString::to_string).collect();
    let mut mark_read = vec!["mark", "--read"];
    mark_read.extend(read.iter().map(String::as_str));
    env.run_ok(&mark_read);
    let mut mark_star = vec!["mark", "--star"];
    mark_star.extend(star.iter().map(String::as_str));
    env.run_ok(&mark_star);
    let mut known = states(&env);
    assert_eq!(known.values().filter(|s| s.0).count(), read.len());
    assert_eq!(known.values().filter(|s| s.1).count(), star.len());

    // Every round changes some feeds so the refresh has parsing and writing to do; the kill
    // lands anywhere from the first requests to after the last write.
    let window = full.as_millis().max(200) as u64 * 5 / 4;
    let mut landed = Vec::new();
    for round in 0..ROUNDS {
        for (i, g) in generation.iter_mut().enumerate() {
            if rng.below(3) == 0 {
                *g += 1;
                server.set(&format!("/f{i}.xml"), Route::feed(feed_body(i, *g)));
            }
        }
        let delay = Duration::from_millis(rng.below(window));
        let mut child =
            env.std_cmd().args(["refresh", "--quiet"]).stdout(std::process::Stdio::null()).spawn().unwrap();
        std::thread::sleep(delay);
        let exited_first = child.try_wait().unwrap().is_some();
        // `Child::kill` is SIGKILL on Unix.
        let _ = child.kill();
        child.wait().unwrap();
        landed.push((delay.as_millis(), exited_first));

        assert_eq!(integrity(&env), "ok", "round {round} (seed {seed}, kill after {delay:?})");
        let now = states(&env);
        for (id, state) in &known {
            assert_eq!(
                now.get(id),
                Some(state),
                "article {id} after round {round} (seed {seed}, kill after {delay:?})"
            );
        }
        // What this round stored must survive the next kill too.
        known = now;
    }
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("full refresh {full:?}; kills after (ms, had already exited): {landed:?}\n").as_bytes(),
    );

    let (ok, stdout, stderr) = run_refresh(&env);
    assert!(ok, "refresh after the kills: {stdout}\n{stderr}");
    assert!(stdout.contains(&format!("{FEEDS} feeds,")) && stdout.contains(" 0 failed"), "{stdout}");
    assert_eq!(integrity(&env), "ok");
    let after = states(&env);
    for (id, state) in &known {
        assert_eq!(after.get(id), Some(state), "article {id} after the last refresh (seed {seed})");
    }
    let keys = keys(&env);
    for (i, g) in generation.iter().enumerate() {
        for g in g.saturating_sub(1)..=*g {
            for j in 0..ITEMS {
                let key = format!("f{i}-g{g}-{j}");
                assert!(keys.contains(&key), "{key} is in its feed now but not in the cache (seed {seed})");
            }
        }
    }
}
