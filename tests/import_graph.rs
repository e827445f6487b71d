//! One direction of flow (STYLE.md): the crate's top-level modules must not import each other in
//! a circle. The graph is read from the sources (every `crate::name` a module's non-test code
//! names); its strongly connected components are the circles. The circles that were there when
//! this check came are listed below as debts (the architecture issue dissolves them): the check
//! fails on any new circle, on a known one that grew, and on a known one that is gone (so the
//! list only ever shrinks).
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Circles known when this check was written, each sorted.
const KNOWN: &[&[&str]] = &[&["app", "keymap", "ui", "worker"], &["config", "index", "store"]];

/// The top-level module a source file belongs to (`src/store/sync/mod.rs` → `store`).
fn module_of(path: &Path, src: &Path) -> Option<String> {
    let rel = path.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then(|| name.to_string())
}

/// The file's code without its test modules (a file of tests, or what follows
/// `#[cfg(test)]` at the start of a line: test code may reach anywhere).
fn production_code(path: &Path, text: &str) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let in_tests = path.components().any(|c| c.as_os_str() == "tests");
    if name == "tests.rs" || name.ends_with("_tests.rs") || in_tests {
        return None;
    }
    let end = text.find("\n#[cfg(test)]").unwrap_or(text.len());
    Some(text[..end].to_string())
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// module → the modules it names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(f, &src)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let Some(from) = module_of(file, &src) else { continue };
        let Some(code) = production_code(file, &std::fs::read_to_string(file).unwrap()) else { continue };
        for (at, _) in code.match_indices("crate::") {
            let name: String =
                code[at + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if name != from && modules.contains(&name) {
                edges.entry(from.clone()).or_default().insert(name);
            }
        }
    }
    edges
}

/// The circles of the graph (components of more than one module), each sorted.
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<Vec<String>> {
    let reaches = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(m) = stack.pop() {
            for next in edges.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let all: BTreeMap<&String, BTreeSet<String>> = edges.keys().map(|m| (m, reaches(m))).collect();
    let mut out = BTreeSet::new();
    for (m, reach) in &all {
        let mut circle: Vec<String> = reach
            .iter()
            .filter(|other| all.get(other).is_some_and(|back| back.contains(*m)))
            .cloned()
            .collect();
        if circle.len() > 1 || circle.first().is_some_and(|c| c != *m) {
            if !circle.contains(m) {
                circle.push((*m).clone());
            }
            circle.sort();
            out.insert(circle);
        }
    }
    out
}

#[test]
fn the_top_level_modules_import_each_other_in_no_new_circle() {
    let edges = graph();
    assert!(edges.len() > 10, "the sources were read: {edges:?}");
    let found = circles(&edges);
    let known: BTreeSet<Vec<String>> =
        KNOWN.iter().map(|c| c.iter().map(ToString::to_string).collect()).collect();
    let new: Vec<&Vec<String>> = found.difference(&known).collect();
    assert!(
        new.is_empty(),
        "modules that import each other in a circle: {new:?}. Move the shared piece down into a \
         module both can use (STYLE.md, one direction of flow). The graph: {edges:#?}"
    );
    let gone: Vec<&Vec<String>> = known.difference(&found).collect();
    assert!(gone.is_empty(), "these circles are gone: take them out of KNOWN in {}: {gone:?}", file!());
}

#[test]
fn a_circle_is_found_where_there_is_one() {
    let edge = |a: &str, b: &[&str]| (a.to_string(), b.iter().map(ToString::to_string).collect());
    let edges: BTreeMap<String, BTreeSet<String>> =
        [edge("a", &["b"]), edge("b", &["c"]), edge("c", &["a", "d"]), edge("d", &[])].into_iter().collect();
    let found = circles(&edges);
    assert_eq!(found, BTreeSet::from([vec!["a".to_string(), "b".to_string(), "c".to_string()]]));
}
