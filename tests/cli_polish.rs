//! Command-line polish for scripts, cron and shells: `completions`, `man`, `refresh --quiet`,
//! `unread`, driving the real binary.
#![allow(clippy::unwrap_used)]

mod common;

use clap::CommandFactory;
use common::server::{Route, TestServer};
use common::{Env, rss};

/// Every subcommand's name, from the real command tree.
fn subcommands() -> Vec<String> {
    let names: Vec<String> =
        tidings::cli::Cli::command().get_subcommands().map(|s| s.get_name().to_string()).collect();
    assert!(names.len() >= 15, "{names:?}");
    names
}

#[test]
fn bash_completion_names_every_subcommand_and_is_valid_bash() {
    let env = Env::new();
    let script = env.run_ok(&["completions", "bash"]);
    for name in subcommands() {
        assert!(script.contains(&format!("tidings,{name})")), "the script completes after {name}");
    }
    let file = env.file("tidings.bash");
    std::fs::write(&file, &script).unwrap();
    let checked = std::process::Command::new("bash").arg("-n").arg(&file).output();
    if let Ok(out) = checked {
        assert!(out.status.success(), "bash -n: {}", String::from_utf8_lossy(&out.stderr));
    }
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let script = env.run_ok(&["completions", shell]);
        assert!(script.contains("refresh") && script.contains("unread"), "{shell}");
    }
    env.cmd().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_is_roff_with_every_subcommand_even_with_a_broken_config() {
    let env = Env::new();
    env.config("[refresh\n"); // needs no configuration
    let page = env.run_ok(&["man"]);
    assert!(
        page.lines()
            .find(|l| !l.starts_with(".ie ") && !l.starts_with(".el "))
            .unwrap()
            .starts_with(".TH TIDINGS 1"),
        "{}",
        &page[..200]
    );
    assert_eq!(page.matches(".TH ").count(), 1, "one page");
    for name in subcommands().iter().filter(|n| *n != "help") {
        assert!(page.contains(&format!(".SH \"TIDINGS {}\"", name.to_uppercase())), "a section for {name}");
    }
    assert!(page.contains("\\-\\-quiet"), "options are listed");
}

#[test]
fn refresh_quiet_prints_nothing_when_all_went_well_and_only_failures_otherwise() {
    let server = TestServer::start();
    let env = Env::new();
    server.set("/a.xml", Route::feed(rss("A", &[("a1", "One")])));
    server.set("/b.xml", Route::feed(rss("B", &[("b1", "Two")])));
    env.run_ok(&["add", "--no-fetch", &server.url("/a.xml")]);
    env.run_ok(&["add", "--no-fetch", &server.url("/b.xml")]);
    let out = env.cmd().args(["refresh", "--quiet"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!((out.stdout.as_slice(), out.stderr.as_slice()), (&b""[..], &b""[..]), "cron hears nothing");

    server.set("/b.xml", Route::status(500));
    let out = env.cmd().args(["refresh", "-q"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "a failed feed is recorded, not a failed run (README)");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "2 feeds, 0 new articles, 1 failed\n");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "one line per failed feed: {stderr}");
    assert!(stderr.contains(&server.url("/b.xml")) && stderr.contains("500"), "{stderr}");
    assert!(!stderr.contains(&server.url("/a.xml")), "{stderr}");

    // Without subscriptions there is nothing to do, which is not a failure either.
    let empty = Env::new();
    let out = empty.cmd().args(["refresh", "--quiet"]).output().unwrap();
    assert_eq!((out.status.code(), out.stdout.len(), out.stderr.len()), (Some(0), 0, 0));
}

#[test]
fn unread_prints_one_number_from_the_cache() {
    let server = TestServer::start();
    let env = Env::new();
    assert_eq!(env.run_ok(&["unread"]), "0\n", "an empty cache");
    server.set("/a.xml", Route::feed(rss("A", &[("a1", "One"), ("a2", "Two"), ("a3", "Three")])));
    server.set("/b.xml", Route::feed(rss("B", &[("b1", "Four")])));
    env.run_ok(&["add", "--no-fetch", &server.url("/a.xml"), "--tag", "Tech"]);
    env.run_ok(&["add", "--no-fetch", &server.url("/b.xml")]);
    env.run_ok(&["refresh", "-q"]);
    assert_eq!(env.run_ok(&["unread"]), "4\n");
    let articles: serde_json::Value = serde_json::from_str(&env.run_ok(&["articles", "--json"])).unwrap();
    let one = articles.as_array().unwrap().iter().find(|a| a["title"] == "One").unwrap()["id"].to_string();
    env.run_ok(&["mark", &one, "--read"]);
    assert_eq!(env.run_ok(&["unread"]), "3\n");
    assert_eq!(env.run_ok(&["unread", "--feed", &server.url("/a.xml")]), "2\n");
    assert_eq!(env.run_ok(&["unread", "--tag", "tech"]), "2\n", "tags ignore case");
    assert_eq!(env.run_ok(&["unread", "--tag", "nope"]), "0\n");
    let json: serde_json::Value = serde_json::from_str(&env.run_ok(&["unread", "--json"])).unwrap();
    assert_eq!(json, serde_json::json!({ "unread": 3 }));
    env.cmd().args(["unread", "--feed", "https://unknown.example/"]).assert().code(1);
}
