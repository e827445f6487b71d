//! Shared test support: an isolated tidings environment, the real binary, a loopback server,
//! and small feed builders.
#![allow(dead_code, clippy::unwrap_used, clippy::missing_panics_doc)]

pub mod freshrss;
pub mod greader;
pub mod newsboat;
pub mod server;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tidings::config::Config;
use tidings::paths::Paths;
use tidings::store::Store;

/// A temporary config and data directory, removed on drop.
pub struct Env {
    /// The temporary root.
    pub dir: tempfile::TempDir,
}

impl Env {
    /// A fresh, empty environment.
    pub fn new() -> Self {
        Self { dir: tempfile::tempdir().unwrap() }
    }

    /// Its paths.
    pub fn paths(&self) -> Paths {
        Paths::isolated(self.dir.path())
    }

    /// Writes `config.toml`.
    pub fn config(&self, text: &str) {
        let dir = self.paths().config_dir;
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), text).unwrap();
    }

    /// The loaded config.
    pub fn load_config(&self) -> Config {
        Config::load(&self.paths().config_file()).unwrap()
    }

    /// Opens the database.
    pub fn store(&self) -> Store {
        Store::open(&self.paths().database()).unwrap()
    }

    /// The real `tidings` binary pointed at this environment, with no proxy from the
    /// environment (tests only ever talk to loopback).
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// The same as [`Env::cmd`], as a plain `std::process::Command` (to spawn and poll).
    pub fn std_cmd(&self) -> std::process::Command {
        let paths = self.paths();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tidings"));
        cmd.arg("--config-dir").arg(&paths.config_dir).arg("--data-dir").arg(&paths.data_dir);
        for var in ["http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
            cmd.env_remove(var);
        }
        cmd.env("NO_PROXY", "*").env_remove("TIDINGS_CONFIG_DIR").env_remove("TIDINGS_DATA_DIR");
        cmd
    }

    /// The same program, arguments and environment as [`Env::std_cmd`], to run in a
    /// pseudo-terminal (from the environment's directory).
    pub fn pty_command(&self) -> portable_pty::CommandBuilder {
        let model = self.std_cmd();
        let mut cmd = portable_pty::CommandBuilder::new(model.get_program());
        cmd.args(model.get_args());
        for (key, value) in model.get_envs() {
            match value {
                Some(value) => cmd.env(key, value),
                None => cmd.env_remove(key),
            }
        }
        cmd.cwd(self.dir.path());
        cmd
    }

    /// Runs the binary with `args`, asserts success, returns stdout.
    pub fn run_ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "tidings {args:?} failed ({}):\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// A file path inside the environment.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// An RSS 2.0 document with items `(guid, title)`. Each item's date depends on its guid only
/// (so reordering items does not change them), between 00:00 and 23:00 on 2026-11-02.
pub fn rss(title: &str, items: &[(&str, &str)]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>{title}</title>\
         <link>https://example.org/</link>\n"
    );
    for (guid, t) in items {
        let hour = 23 - guid.bytes().map(u32::from).sum::<u32>() % 24;
        s.push_str(&format!(
            "<item><guid>{guid}</guid><title>{t}</title><link>https://example.org/{guid}</link>\
             <pubDate>Mon, 02 Nov 2026 {hour:02}:00:00 GMT</pubDate>\
             <description>&lt;p&gt;Body of {t}.&lt;/p&gt;</description></item>\n"
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

/// Where the shared corpus is looked for: `TIDINGS_CORPUS` when set, else `../shared/corpus`
/// beside the checkout.
pub fn corpus_path() -> PathBuf {
    match std::env::var_os("TIDINGS_CORPUS") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    }
}

/// The shared corpus directory, if present (it holds `manifest.tsv`).
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = corpus_path();
    dir.join("manifest.tsv").is_file().then_some(dir)
}

/// The corpus for the test named `test`, or `None` when the test should skip: absent corpus,
/// not under CI. Under CI (see [`is_ci`]) an absent corpus fails the test instead. Every test
/// that reads the corpus starts with this.
///
/// The skip is written to the process's stderr handle rather than with `eprintln!`: the test
/// harness captures `print!`/`eprint!` output of passing tests, so only a direct write shows up
/// under a plain `cargo test`.
pub fn corpus_dir_or_skip(test: &str) -> Option<PathBuf> {
    if let Some(dir) = corpus_dir() {
        return Some(dir);
    }
    let ci = is_ci(std::env::var("CI").ok().as_deref());
    match missing_corpus(test, &corpus_path(), ci) {
        Ok(skipped) => {
            // A failed write to stderr leaves nowhere better to report it.
            let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{skipped}\n").as_bytes());
            None
        }
        Err(failure) => panic!("{failure}"),
    }
}

/// Whether a value of the `CI` variable means a CI run: `true` (any case) or `1`.
pub fn is_ci(value: Option<&str>) -> bool {
    value.map(str::trim).is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// What the test named `test` does when the corpus is absent from `path`: outside CI, skip with
/// the `SKIPPED: …` line returned; under CI, fail with the message returned as the error.
pub fn missing_corpus(test: &str, path: &Path, ci: bool) -> Result<String, String> {
    if ci {
        Err(format!(
            "{test}: the test corpus is missing ({} has no manifest.tsv) and CI is set, so this \
             fails rather than skips: put the corpus at ../shared/corpus beside the checkout, or \
             point TIDINGS_CORPUS at it",
            path.display()
        ))
    } else {
        Ok(format!(
            "SKIPPED: {test}: the test corpus is absent ({} has no manifest.tsv); this test did \
             not run (under CI=true it fails)",
            path.display()
        ))
    }
}

/// Makes a directory and the files in it unwritable for the test's life: mode bits for a normal
/// user; for root (who ignores them) the immutable attribute, which stops root too.
pub struct ReadOnly {
    paths: Vec<PathBuf>,
    immutable: bool,
}

impl ReadOnly {
    /// `None` when it cannot be done here (root on a file system without `chattr +i`).
    pub fn apply(dir: &Path) -> Option<Self> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        paths.push(dir.to_path_buf());
        let root =
            std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0");
        if root {
            let ok = std::process::Command::new("chattr")
                .arg("+i")
                .args(&paths)
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                let _ = std::process::Command::new("chattr").arg("-i").args(&paths).status();
                return None;
            }
        } else {
            use std::os::unix::fs::PermissionsExt as _;
            for p in &paths {
                let mode = if p.is_dir() { 0o555 } else { 0o444 };
                std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
            }
        }
        // Proof that it took: nothing can be created in the directory.
        let probe = dir.join("probe");
        assert!(std::fs::write(&probe, b"x").is_err(), "{} is still writable", dir.display());
        Some(Self { paths, immutable: root })
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if self.immutable {
            let _ = std::process::Command::new("chattr").arg("-i").args(&self.paths).status();
        } else {
            use std::os::unix::fs::PermissionsExt as _;
            for p in &self.paths {
                let mode = if p.is_dir() { 0o755 } else { 0o644 };
                let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
            }
        }
    }
}

/// Damages the cache file's header the way a bad disk or a stray write would, after moving
/// everything into the main file (so the WAL does not mask the damage). Returns the damaged
/// file's bytes, to check it is kept as it was.
pub fn damage_header(db: &Path) -> Vec<u8> {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    drop(conn);
    let mut bytes = std::fs::read(db).unwrap();
    bytes[..32].copy_from_slice(b"this is no longer a sqlite file!");
    std::fs::write(db, &bytes).unwrap();
    bytes
}
