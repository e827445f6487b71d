//! Runs every file of ../shared/corpus (or a directory given as the first argument, or else in
//! `TIDINGS_CORPUS`, with its manifest.tsv) through tidings' parser and prints what happened,
//! grouped by outcome: a tool for finding the kinds of feeds the parser still loses.
//!
//! cargo run --release --example corpus_report [-- CORPUS_DIR] [--verbose]
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose");
    let dir = args.iter().find(|a| !a.starts_with("--")).map_or_else(
        || match std::env::var_os("TIDINGS_CORPUS") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        },
        PathBuf::from,
    );
    let manifest = match std::fs::read_to_string(dir.join("manifest.tsv")) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("corpus_report: cannot read {}: {e}", dir.join("manifest.tsv").display());
            std::process::exit(1);
        }
    };
    let mut outcomes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in manifest.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        let (path, format) = (cols[0], cols.get(2).copied().unwrap_or("?"));
        let bytes = std::fs::read(dir.join(path)).unwrap_or_default();
        let outcome = match tidings::feed::parse(&bytes, None, "https://corpus.example/feed") {
            Ok(feed) if feed.entries.is_empty() => format!("{format}: parsed, no entries"),
            Ok(_) => format!("{format}: articles"),
            Err(e) => {
                let msg = e.to_string();
                let short: String = msg.split(" at ").next().unwrap_or(&msg).chars().take(70).collect();
                format!("{format}: {short}")
            }
        };
        outcomes.entry(outcome).or_default().push(path.to_string());
    }
    for (outcome, paths) in &outcomes {
        println!("{:>5}  {outcome}", paths.len());
        if verbose {
            for p in paths.iter().take(if args.iter().any(|a| a == "--all") { usize::MAX } else { 5 }) {
                println!("         {p}");
            }
        }
    }
}
