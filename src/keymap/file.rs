//! Reading keymap files: the embedded defaults, then the user's `keys.toml` on top.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::{Spanned, Value};

use super::{Binding, Context, Keymap, Origin, parse_sequence};
use crate::app::action::Action;
use crate::text::sanitize::single_line;

/// The built-in bindings.
const DEFAULT_KEYS: &str = include_str!("default.toml");

/// Why a keymap file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeymapError {
    /// The file exists but could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The keymap file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or an entry is wrong.
    #[error("{}:{line}: {}{}", path.display(), key_prefix(key), single_line(message))]
    Invalid {
        /// The keymap file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// The entry, as `context."key"` (or the table name); empty when no entry is involved.
        key: String,
        /// What is wrong.
        message: String,
    },
}

/// `key: `, or nothing for an error that names no key.
fn key_prefix(key: &str) -> String {
    if key.is_empty() { String::new() } else { format!("{}: ", single_line(key)) }
}

/// A keymap file as TOML sees it: one table per context, entries checked afterwards so their
/// errors can name the context and key.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    global: RawTable,
    #[serde(default)]
    list: RawTable,
    #[serde(default)]
    article: RawTable,
    #[serde(default)]
    related: RawTable,
    #[serde(default)]
    sidebar: RawTable,
    #[serde(default)]
    help: RawTable,
    #[serde(default)]
    prompt: RawTable,
    #[serde(default)]
    confirm: RawTable,
    #[serde(default)]
    hints: RawTable,
}

/// Key sequence as written → entry, both with their place in the file.
type RawTable = BTreeMap<Spanned<String>, Spanned<Value>>;

impl RawFile {
    /// The tables with their contexts.
    fn into_tables(self) -> [(Context, RawTable); 9] {
        [
            (Context::Global, self.global),
            (Context::List, self.list),
            (Context::Article, self.article),
            (Context::Related, self.related),
            (Context::Sidebar, self.sidebar),
            (Context::Help, self.help),
            (Context::Prompt, self.prompt),
            (Context::Confirm, self.confirm),
            (Context::Hints, self.hints),
        ]
    }
}

/// An error at `line` about the entry `context."written"`.
struct EntryError {
    line: usize,
    key: String,
    message: String,
}

impl EntryError {
    fn new(context: Context, written: &str, line: usize, message: impl Into<String>) -> EntryError {
        EntryError { line, key: entry_name(context, written), message: message.into() }
    }

    fn into_error(self, path: &Path) -> KeymapError {
        KeymapError::Invalid {
            path: path.to_path_buf(),
            line: self.line,
            key: self.key,
            message: self.message,
        }
    }
}

/// How an entry is named in messages: `list."ctrl-q"`.
fn entry_name(context: Context, written: &str) -> String {
    format!("{}.{written:?}", context.name())
}

/// The embedded defaults. They are checked by the tests, so failing here is a build defect.
pub(super) fn defaults() -> Keymap {
    let empty = Keymap { tables: Default::default() };
    match apply_layer(empty, DEFAULT_KEYS, Path::new("<built-in>/default.toml"), Origin::Default) {
        Ok(keymap) => keymap,
        Err(e) => panic!("the built-in keymap is invalid: {e}"),
    }
}

/// The defaults plus the file at `path`; a missing file gives the defaults.
pub(super) fn load(path: &Path) -> Result<Keymap, KeymapError> {
    match std::fs::read_to_string(path) {
        Ok(text) => apply(defaults(), &text, path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(defaults()),
        Err(source) => Err(KeymapError::Read { path: path.to_path_buf(), source }),
    }
}

/// `base` with the entries of the user's keymap file applied; `path` names it in errors.
pub(super) fn apply(base: Keymap, text: &str, path: &Path) -> Result<Keymap, KeymapError> {
    apply_layer(base, text, path, Origin::User)
}

/// `base` with the entries of a keymap file from `origin` applied.
fn apply_layer(mut base: Keymap, text: &str, path: &Path, origin: Origin) -> Result<Keymap, KeymapError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| toml_error(&e, text, path))?;
    let mut parsed = Vec::new();
    for (context, table) in raw.into_tables() {
        for binding in read_table(context, table, text, origin).map_err(|e| e.into_error(path))? {
            parsed.push((context, binding));
        }
    }
    for (context, binding) in parsed {
        let table = base.table_mut(context);
        match table.iter_mut().find(|b| b.keys == binding.keys) {
            Some(old) => *old = binding,
            None => table.push(binding),
        }
    }
    check_prefixes(&base).map_err(|e| e.into_error(path))?;
    Ok(base)
}

/// The entries of one table, in file order, checked: key names, action names, fields, and no
/// two entries naming the same key.
fn read_table(
    context: Context,
    table: RawTable,
    text: &str,
    origin: Origin,
) -> Result<Vec<Binding>, EntryError> {
    let mut entries: Vec<_> = table.into_iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    let mut bindings: Vec<Binding> = Vec::new();
    for (written, value) in entries {
        let line = line_of(text, written.span().start);
        let written = written.into_inner();
        let fail = |message: String| EntryError::new(context, &written, line, message);
        let keys = parse_sequence(&written).map_err(|e| fail(e.to_string()))?;
        let (action, desc) = read_entry(value.get_ref()).map_err(fail)?;
        if let Some(action) = action.filter(|a| !a.scope().contains(context.scope())) {
            return Err(fail(format!("`{}` does nothing in [{}]", action.name(), context.name())));
        }
        if let Some(same) = bindings.iter().find(|b| b.keys == keys) {
            let message = format!("the same key as {} above", entry_name(context, &same.written));
            return Err(EntryError::new(context, &written, line, message));
        }
        let desc = match (desc, action) {
            (Some(desc), _) if !desc.trim().is_empty() => desc,
            (_, Some(action)) => action.describe().to_string(),
            (_, None) => String::new(),
        };
        bindings.push(Binding { keys, action, desc, written, origin, line });
    }
    Ok(bindings)
}

/// An entry's action (`None` for `"none"`) and description, if it gives one.
fn read_entry(value: &Value) -> Result<(Option<Action>, Option<String>), String> {
    let (run, desc) = match value {
        Value::String(run) => (run.as_str(), None),
        Value::Table(fields) => {
            if let Some(unknown) = fields.keys().find(|k| *k != "run" && *k != "desc") {
                return Err(format!("unknown field `{unknown}`, expected `run` or `desc`"));
            }
            let run = match fields.get("run") {
                Some(Value::String(run)) => run.as_str(),
                Some(_) => return Err("`run` must be an action name in quotes".to_string()),
                None => return Err("missing `run`, the action to run".to_string()),
            };
            let desc = match fields.get("desc") {
                Some(Value::String(desc)) => Some(desc.clone()),
                Some(_) => return Err("`desc` must be text in quotes".to_string()),
                None => None,
            };
            (run, desc)
        }
        _ => {
            return Err("expected an action name (\"down\") or { run = \"down\", desc = \"…\" }".to_string());
        }
    };
    if run == "none" {
        return Ok((None, desc));
    }
    match Action::from_name(run) {
        Some(action) => Ok((Some(action), desc)),
        None => Err(format!("unknown action `{run}`")),
    }
}

/// Rejects a table where one binding's keys start another's: the shorter one would run before
/// the longer could be typed.
fn check_prefixes(keymap: &Keymap) -> Result<(), EntryError> {
    let mut conflicts = Vec::new();
    for context in Context::ALL {
        let bound: Vec<&Binding> = keymap.table(context).iter().filter(|b| b.action.is_some()).collect();
        for short in &bound {
            for long in &bound {
                if long.keys.len() > short.keys.len() && long.keys.starts_with(&short.keys) {
                    conflicts.push(conflict(context, short, long));
                }
            }
        }
    }
    match conflicts.into_iter().min_by_key(|e| e.line) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// The error for `short` being a prefix of `long`, reported at the one written last (the
/// user's, when the other is a default).
fn conflict(context: Context, short: &Binding, long: &Binding) -> EntryError {
    let place = |b: &Binding| match b.origin {
        Origin::Default => "a default binding".to_string(),
        Origin::User => format!("line {}", b.line),
    };
    let hint = "a key cannot both run an action and start a longer binding; unbind one with \"none\"";
    if (short.origin, short.line) >= (long.origin, long.line) {
        let message =
            format!("is also the start of {} ({}): {hint}", entry_name(context, &long.written), place(long));
        EntryError::new(context, &short.written, short.line, message)
    } else {
        let other = entry_name(context, &short.written);
        let message = format!("starts with {other} ({}), which already runs an action: {hint}", place(short));
        EntryError::new(context, &long.written, long.line, message)
    }
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].split(|&b| b == b'\n').count()
}

/// A TOML-level error (syntax, unknown table, a table that is not a table) with its line and,
/// where one is written there, the table or key.
fn toml_error(error: &toml::de::Error, text: &str, path: &Path) -> KeymapError {
    let mut offset = error.span().map_or(0, |span| span.start).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = line_of(text, offset);
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let here = text[start..].lines().next().unwrap_or("").trim();
    let table = text[..start].lines().rev().map(str::trim).find(|l| l.starts_with('[')).map(header);
    let key = if here.starts_with('[') {
        header(here)
    } else {
        match (here.split_once('=').map(|(k, _)| k.trim().trim_matches('"')), table) {
            (Some(k), Some(table)) if !k.is_empty() => format!("{table}.{k:?}"),
            (Some(k), None) if !k.is_empty() => k.to_string(),
            _ => String::new(),
        }
    };
    let message =
        error.message().lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("; ");
    KeymapError::Invalid { path: path.to_path_buf(), line, key, message }
}

/// The name in a table header line: `[list]  # comment` → `list`.
fn header(line: &str) -> String {
    let inner = line.trim_start_matches('[');
    inner.split(']').next().unwrap_or(inner).trim().to_string()
}
