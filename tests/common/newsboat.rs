//! A real newsboat for the tests that read its cache: found on PATH, or installed with apt-get.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::is_ci;

/// The newsboat binary, installed with apt-get when missing and running as root; `None` (the
/// test skips) when it cannot be had outside CI; under CI a missing newsboat fails the test.
pub fn newsboat_or_skip(test: &str) -> Option<PathBuf> {
    let find = || {
        std::env::var_os("PATH")
            .and_then(|p| std::env::split_paths(&p).map(|d| d.join("newsboat")).find(|f| f.is_file()))
    };
    if let Some(found) = find() {
        return Some(found);
    }
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    if root {
        let _ = Command::new("apt-get")
            .args(["install", "-y", "-q", "--no-install-recommends", "newsboat"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .output();
    }
    if let Some(found) = find() {
        return Some(found);
    }
    let why = "newsboat is not installed and could not be installed (apt-get install newsboat, as root)";
    assert!(
        !is_ci(std::env::var("CI").ok().as_deref()),
        "{test}: {why}; under CI this fails rather than skips"
    );
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("SKIPPED: {test}: {why}; this test did not run (under CI=true it fails)\n").as_bytes(),
    );
    None
}

/// Runs newsboat on `dir`'s urls and cache.db with a private HOME and no proxy.
pub fn newsboat(bin: &Path, dir: &Path, args: &[&str]) {
    let mut cmd = Command::new(bin);
    cmd.arg("-u").arg(dir.join("urls")).arg("-c").arg(dir.join("cache.db")).args(args);
    cmd.env("HOME", dir.join("home")).env("NO_PROXY", "*").env("no_proxy", "*");
    for var in ["http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
        cmd.env_remove(var);
    }
    cmd.env_remove("XDG_CONFIG_HOME").env_remove("XDG_DATA_HOME");
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "newsboat {args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
