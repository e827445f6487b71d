//! What examples/ promises: `examples/config.toml` is a working config file that shows every
//! setting tidings reads, each with its default.

use std::collections::BTreeSet;
use std::path::Path;

use tidings::config::Config;

const EXAMPLE: &str = include_str!("../examples/config.toml");
const PATH: &str = "examples/config.toml";

/// The example with its commented-out settings (`#key = value`, no space after the `#`) turned on.
fn with_optional_settings(text: &str) -> String {
    text.lines()
        .map(|line| match line.strip_prefix('#') {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '"' || c == '[') => {
                rest
            }
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every leaf key path of a JSON value (`reader.theme`, `kill.0.query`); an empty table or
/// list is a leaf of its own.
fn json_paths(value: &serde_json::Value, prefix: &mut Vec<String>, out: &mut BTreeSet<Vec<String>>) {
    match value {
        serde_json::Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                prefix.push(k.clone());
                json_paths(v, prefix, out);
                prefix.pop();
            }
        }
        serde_json::Value::Array(items) if items.iter().any(serde_json::Value::is_object) => {
            for (i, v) in items.iter().enumerate() {
                prefix.push(i.to_string());
                json_paths(v, prefix, out);
                prefix.pop();
            }
        }
        _ => {
            out.insert(prefix.clone());
        }
    }
}

#[test]
fn the_example_config_is_the_defaults() {
    let parsed = Config::parse(EXAMPLE, Path::new(PATH)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed, Config::default(), "a value in {PATH} differs from its default");
}

#[test]
fn the_example_config_names_every_setting() {
    let full = with_optional_settings(EXAMPLE);
    // With the optional settings on, it is still a valid config (each is a real key with a
    // value of the right kind)…
    let config = Config::parse(&full, Path::new(PATH))
        .unwrap_or_else(|e| panic!("with the optional settings on: {e}"));
    assert_ne!(config, Config::default(), "{PATH} shows no optional setting");
    // … and every key of the Config struct, down to the tables of map and list entries it
    // shows, is written in it.
    let mut wanted = BTreeSet::new();
    let json = serde_json::to_value(&config).unwrap_or_else(|e| panic!("{e}"));
    json_paths(&json, &mut Vec::new(), &mut wanted);
    let mut written = BTreeSet::new();
    // What the file writes, seen the same way (a TOML table is a JSON object).
    let toml: toml::Value = toml::from_str(&full).unwrap_or_else(|e| panic!("{e}"));
    let toml = serde_json::to_value(toml).unwrap_or_else(|e| panic!("{e}"));
    json_paths(&toml, &mut Vec::new(), &mut written);
    let missing: Vec<String> = wanted.difference(&written).map(|p| p.join(".")).collect();
    assert!(missing.is_empty(), "{PATH} does not show these settings: {missing:?}");
    // The check itself sees keys: the struct has dozens.
    assert!(wanted.len() > 30, "{wanted:?}");
}
