//! The cache on a hostile disk, through the real binary: a damaged database file, a read-only
//! data directory, a full disk. Each says what happened and what to do; nothing is lost.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::server::{Route, TestServer};
use common::{Env, ReadOnly, rss};

/// Writes straight to the test's stderr (the harness captures `eprintln!` of passing tests).
fn note(text: &str) {
    let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{text}\n").as_bytes());
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// An environment subscribed to three feeds on `server`, refreshed, one article read and one
/// starred.
fn filled_env(server: &TestServer) -> Env {
    let env = Env::new();
    fill(&env, server, false);
    env
}

/// Subscribes `env` to three feeds on `server` and refreshes; marks the first article read and
/// the last (with `same`: the first too) starred.
fn fill(env: &Env, server: &TestServer, same: bool) {
    for f in 0..3 {
        let items: Vec<(String, String)> =
            (0..4).map(|j| (format!("s{f}-{j}"), format!("Story {j} of {f}"))).collect();
        let items: Vec<(&str, &str)> = items.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        server.set(&format!("/s{f}.xml"), Route::feed(rss(&format!("Source {f}"), &items)));
        env.run_ok(&["add", "--no-fetch", &server.url(&format!("/s{f}.xml"))]);
    }
    env.run_ok(&["refresh", "-q"]);
    let ids = states(&env.paths().database());
    let first = ids.keys().next().unwrap().to_string();
    let starred = if same { first.clone() } else { ids.keys().last().unwrap().to_string() };
    env.run_ok(&["mark", "--read", &first]);
    env.run_ok(&["mark", "--star", &starred]);
}

/// `id -> (title, read, starred)` straight from the file.
fn states(db: &Path) -> BTreeMap<i64, (String, bool, bool)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT id, title, read, starred FROM articles").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap()
}

fn assert_no_lock_error(out: &str) {
    let lower = out.to_lowercase();
    assert!(!lower.contains("database is locked") && !lower.contains("busy"), "{out}");
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", p.display()))
}

/// A database whose header was overwritten is moved aside with its WAL, never deleted; the
/// command says where it went and what to do, and goes on with a fresh cache.
#[test]
fn a_damaged_database_is_moved_aside_and_a_fresh_one_started() {
    let server = TestServer::start();
    let env = filled_env(&server);
    let db = env.paths().database();
    let bytes = common::damage_header(&db);
    let wal = std::fs::read(with_suffix(&db, "-wal")).ok();

    let out = env.cmd().args(["articles"]).output().unwrap();
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("was damaged") && said.contains("moved aside to"), "{said}");
    assert!(said.contains("nothing was deleted") && said.contains("tidings import"), "what to do: {said}");
    let moved: Vec<PathBuf> = std::fs::read_dir(&env.paths().data_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("tidings.db.corrupt-"))
        .filter(|p| !p.to_string_lossy().ends_with("-wal") && !p.to_string_lossy().ends_with("-shm"))
        .collect();
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert!(said.contains(&moved[0].display().to_string()), "the moved file is named: {said}");
    let kept = std::fs::read(&moved[0]).unwrap();
    let first_diff = kept.iter().zip(&bytes).position(|(a, b)| a != b);
    assert!(
        kept == bytes,
        "the damaged file is kept as it was: {} vs {} bytes, first difference at {first_diff:?}",
        kept.len(),
        bytes.len()
    );
    if let Some(wal) = wal {
        let kept = std::fs::read(with_suffix(&moved[0], "-wal")).unwrap();
        assert!(kept == wal, "its WAL moved with it: {} vs {} bytes", kept.len(), wal.len());
    }
    // The fresh cache works and is empty.
    assert_eq!(integrity(&db), "ok");
    assert!(states(&db).is_empty());
    let feeds = text(&env.cmd().args(["feeds"]).output().unwrap());
    assert!(feeds.contains("No subscriptions yet"), "{feeds}");
    // A second run finds nothing wrong.
    let out = env.cmd().args(["articles"]).output().unwrap();
    assert!(out.status.success() && !text(&out).contains("damaged"), "{}", text(&out));
}

/// Damage while the WAL still holds the latest pages: the file and its WAL are moved aside
/// exactly as they were (nothing is copied from one into the other on the way).
#[test]
fn a_damaged_database_moves_aside_with_its_wal_untouched() {
    let server = TestServer::start();
    let env = filled_env(&server);
    let db = env.paths().database();
    let wal = std::fs::read(with_suffix(&db, "-wal")).unwrap();
    assert!(!wal.is_empty(), "the test needs pages in the WAL");
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[..16].copy_from_slice(b"not sqlite, no!!");
    std::fs::write(&db, &bytes).unwrap();
    let out = env.cmd().args(["articles"]).output().unwrap();
    assert!(out.status.success() && text(&out).contains("moved aside to"), "{}", text(&out));
    let moved = std::fs::read_dir(&env.paths().data_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with("tidings.db.corrupt-") && !name.ends_with("-wal") && !name.ends_with("-shm")
        })
        .unwrap();
    assert!(std::fs::read(&moved).unwrap() == bytes, "the damaged file is kept as it was");
    assert!(std::fs::read(with_suffix(&moved, "-wal")).unwrap() == wal, "its WAL is kept as it was");
}

/// A file that is not a database at all: the same.
#[test]
fn a_garbage_file_is_moved_aside() {
    let env = Env::new();
    let db = env.paths().database();
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let garbage = "not a database\n".repeat(500);
    std::fs::write(&db, &garbage).unwrap();
    let out = env.cmd().args(["feeds"]).output().unwrap();
    let said = text(&out);
    assert!(out.status.success() && said.contains("moved aside to"), "{said}");
    let kept = std::fs::read_dir(&env.paths().data_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("tidings.db.corrupt-"))
        .unwrap();
    assert_eq!(std::fs::read_to_string(kept).unwrap(), garbage);
}

/// A read-only data directory: `refresh` and `articles` say so and what to do, exit with the
/// database code, and everything is still there afterwards.
#[test]
fn a_read_only_data_dir_is_said_plainly_and_loses_nothing() {
    let server = TestServer::start();
    let env = filled_env(&server);
    let db = env.paths().database();
    let before = states(&db);
    {
        let Some(_guard) = ReadOnly::apply(&env.paths().data_dir) else {
            // Only on a file system without the immutable attribute, as root.
            assert!(
                !common::is_ci(std::env::var("CI").ok().as_deref()),
                "cannot make the data dir read-only"
            );
            note(
                "SKIPPED a_read_only_data_dir_is_said_plainly: running as root on a file system without chattr +i",
            );
            return;
        };
        for args in [&["refresh", "-q"][..], &["articles"][..]] {
            let out = env.cmd().args(args).output().unwrap();
            let said = text(&out);
            note(&format!("read-only, tidings {args:?}: {said}"));
            assert_eq!(out.status.code(), Some(4), "tidings {args:?}: {said}");
            assert!(said.contains("read-only") && said.contains("--data-dir"), "tidings {args:?}: {said}");
            assert!(!said.contains("panicked"), "{said}");
            assert_no_lock_error(&said);
        }
    }
    assert_eq!(integrity(&db), "ok");
    assert_eq!(states(&db), before, "nothing lost");
    env.run_ok(&["refresh", "-q"]);
}

/// A small tmpfs mounted over a directory for the test's life (root only).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Self> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Self(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Text that LZ4 cannot shrink much, so bodies take their size on disk.
fn noise(seed: u64, len: usize) -> String {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b'a' + (x % 26) as u8)
        })
        .collect()
}

/// A full disk during a refresh: the refresh says the disk is full and fails with the
/// database code; the cache is intact with everything it had.
#[test]
fn a_full_disk_is_said_plainly_and_loses_nothing() {
    let server = TestServer::start();
    let env = Env::new();
    let data = env.paths().data_dir;
    // A tmpfs when we may mount one (root, as CI); else a file-size limit on the child.
    // TIDINGS_TEST_NO_TMPFS=1 tries the fallback where a tmpfs could be mounted.
    let tmpfs =
        if std::env::var_os("TIDINGS_TEST_NO_TMPFS").is_some() { None } else { Tmpfs::mount(&data, "4m") };
    if tmpfs.is_none() {
        note("a_full_disk: cannot mount a tmpfs here; using a file-size limit (ulimit -f) instead");
    }
    fill(&env, &server, true);
    let db = env.paths().database();
    let before = states(&db);
    assert_eq!(before.len(), 12);
    // The feeds grow by far more than the disk holds.
    for f in 0..3u64 {
        let items: Vec<(String, String)> = (0..400)
            .map(|j| (format!("big{f}-{j}"), format!("Long {j} {}", noise(f * 1000 + j, 8000))))
            .collect();
        let items: Vec<(&str, &str)> = items.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        server.set(&format!("/s{f}.xml"), Route::feed(rss(&format!("Source {f}"), &items)));
    }
    let out = if tmpfs.is_some() {
        env.cmd().args(["refresh", "-q"]).output().unwrap()
    } else {
        // SIGXFSZ ignored, so a write past the limit fails instead of killing the process.
        let model = env.std_cmd();
        let mut cmd = std::process::Command::new("sh");
        cmd.args(["-c", "trap '' XFSZ; ulimit -f 8192; exec \"$0\" \"$@\""]).arg(model.get_program());
        cmd.args(model.get_args()).args(["refresh", "-q"]);
        for (k, v) in model.get_envs() {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        cmd.output().unwrap()
    };
    let said = text(&out);
    note(&format!("full disk, tidings refresh: {said}"));
    assert_eq!(out.status.code(), Some(4), "{said}");
    if tmpfs.is_some() {
        assert!(said.contains("disk is full") && said.contains("Free some space"), "{said}");
    } else {
        // Past a file-size limit a write fails with EFBIG, which SQLite reports as an I/O error.
        let plain = said.contains("disk is full") || said.contains("over a file-size limit");
        assert!(plain && said.to_lowercase().contains("free some space"), "{said}");
    }
    assert!(!said.contains("panicked"), "{said}");
    assert_eq!(integrity(&db), "ok");
    let after = states(&db);
    for (id, state) in &before {
        assert_eq!(after.get(id), Some(state), "article {id} kept with its state");
    }
    drop(tmpfs);
}
