//! Theme files: parsing with line numbers, overlaying a user file on a builtin, and resolving
//! palette references into styles.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use toml::Spanned;

use super::ThemeError;
use super::color::parse_color;
use super::slot::Slot;

/// A theme file exactly as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    name: Option<String>,
    #[serde(default)]
    palette: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    slots: BTreeMap<Spanned<String>, Spanned<RawStyle>>,
}

/// One slot's style table as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a style table such as { fg = \"accent\", bold = true }")]
struct RawStyle {
    fg: Option<Spanned<String>>,
    bg: Option<Spanned<String>>,
    bold: Option<bool>,
    italic: Option<bool>,
    underline: Option<bool>,
    reversed: Option<bool>,
    dim: Option<bool>,
}

/// A colour as a slot refers to it: a palette name or a literal, and where it was written.
#[derive(Debug, Clone)]
struct ColorRef {
    text: String,
    line: usize,
}

/// A slot's style before palette names are resolved.
#[derive(Debug, Clone)]
struct SlotSpec {
    fg: Option<ColorRef>,
    bg: Option<ColorRef>,
    add: Modifier,
    sub: Modifier,
    /// The file the slot was written in, for error messages.
    file: PathBuf,
}

/// A parsed and checked theme file whose slots may still refer to palette names.
#[derive(Debug, Clone)]
pub(super) struct ThemeSource {
    /// The `name` field, if the file has one.
    pub name: Option<String>,
    palette: HashMap<String, Color>,
    slots: Vec<Option<SlotSpec>>,
}

impl ThemeSource {
    /// Parses the text of a theme file; `file` names it in errors.
    pub fn parse(text: &str, file: &Path) -> Result<Self, ThemeError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| toml_error(text, file, &e))?;
        let mut palette = HashMap::new();
        for (key, value) in raw.palette {
            let color = parse_color(value.get_ref()).ok_or_else(|| ThemeError::Invalid {
                file: file.to_path_buf(),
                line: line_of(text, value.span().start),
                key: format!("palette.{key}"),
                message: bad_colour(value.get_ref()),
            })?;
            palette.insert(key, color);
        }
        let mut slots = vec![None; Slot::COUNT];
        for (key, style) in raw.slots {
            let slot = Slot::from_name(key.get_ref()).ok_or_else(|| ThemeError::Invalid {
                file: file.to_path_buf(),
                line: line_of(text, key.span().start),
                key: format!("slots.{}", key.get_ref()),
                message: unknown_slot(key.get_ref()),
            })?;
            slots[slot.index()] = Some(SlotSpec::new(style.into_inner(), text, file));
        }
        Ok(ThemeSource { name: raw.name, palette, slots })
    }

    /// Whether the file defines `slot` itself.
    #[cfg(test)]
    pub fn defines(&self, slot: Slot) -> bool {
        self.slots[slot.index()].is_some()
    }

    /// `user` on top of `self`: its palette entries and slots replace those of the same name.
    /// Slots kept from `self` see the combined palette, so a user file can re-tint a builtin.
    /// The `name` field is the user's (a user file need not repeat the builtin's).
    pub fn overlay(mut self, user: ThemeSource) -> ThemeSource {
        self.palette.extend(user.palette);
        for (mine, theirs) in self.slots.iter_mut().zip(user.slots) {
            if theirs.is_some() {
                *mine = theirs;
            }
        }
        self.name = user.name;
        self
    }

    /// Every slot's style; a slot the file leaves out gets the empty style.
    pub fn resolve(&self) -> Result<Vec<Style>, ThemeError> {
        Slot::ALL
            .iter()
            .map(|&slot| match &self.slots[slot.index()] {
                Some(spec) => self.resolve_slot(slot, spec),
                None => Ok(Style::default()),
            })
            .collect()
    }

    /// One slot's style, palette names replaced by colours.
    fn resolve_slot(&self, slot: Slot, spec: &SlotSpec) -> Result<Style, ThemeError> {
        let colour = |r: &Option<ColorRef>| -> Result<Option<Color>, ThemeError> {
            let Some(r) = r else { return Ok(None) };
            let found = self.palette.get(&r.text).copied().or_else(|| parse_color(&r.text));
            found.map(Some).ok_or_else(|| ThemeError::Invalid {
                file: spec.file.clone(),
                line: r.line,
                key: format!("slots.{}", slot.name()),
                message: if looks_literal(&r.text) {
                    bad_colour(&r.text)
                } else {
                    format!("unknown palette colour `{}`", r.text)
                },
            })
        };
        let mut style = Style::default().add_modifier(spec.add).remove_modifier(spec.sub);
        style.fg = colour(&spec.fg)?;
        style.bg = colour(&spec.bg)?;
        Ok(style)
    }
}

impl SlotSpec {
    /// Records a raw style table: colour references with their lines, modifiers as given.
    /// A modifier set to `false` is removed when the style patches another.
    fn new(raw: RawStyle, text: &str, file: &Path) -> Self {
        let reference = |v: Option<Spanned<String>>| {
            v.map(|v| ColorRef { line: line_of(text, v.span().start), text: v.into_inner() })
        };
        let mut add = Modifier::empty();
        let mut sub = Modifier::empty();
        let flags = [
            (raw.bold, Modifier::BOLD),
            (raw.italic, Modifier::ITALIC),
            (raw.underline, Modifier::UNDERLINED),
            (raw.reversed, Modifier::REVERSED),
            (raw.dim, Modifier::DIM),
        ];
        for (value, modifier) in flags {
            match value {
                Some(true) => add |= modifier,
                Some(false) => sub |= modifier,
                None => {}
            }
        }
        SlotSpec { fg: reference(raw.fg), bg: reference(raw.bg), add, sub, file: file.to_path_buf() }
    }
}

/// Whether a colour reference was meant as a literal rather than a palette name.
fn looks_literal(text: &str) -> bool {
    let t = text.trim().to_ascii_lowercase();
    t.starts_with('#') || t.strip_prefix("color").is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
}

/// The message for a colour that does not parse.
fn bad_colour(text: &str) -> String {
    format!(
        "bad colour `{text}` (expected \"#rrggbb\", an ANSI name such as \"red\" or \"bright-blue\", \
         \"color0\"..\"color255\", or \"reset\")"
    )
}

/// The message for an unknown slot name, with the closest real one when it is a likely typo.
fn unknown_slot(name: &str) -> String {
    let closest = Slot::ALL.iter().map(|s| (edit_distance(name, s.name()), s.name())).min();
    match closest {
        Some((d, real)) if d <= 3 => format!("unknown slot `{name}` (did you mean `{real}`?)"),
        _ => format!("unknown slot `{name}` (see themes/README.md for the list)"),
    }
}

/// Levenshtein distance between two short strings.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// A TOML or shape error as a [`ThemeError`] naming file, line and key.
fn toml_error(text: &str, file: &Path, error: &toml::de::Error) -> ThemeError {
    let offset = error.span().map_or(0, |s| s.start);
    let (key, unquoted_dotted) = key_at(text, offset);
    let mut message = error.message().trim().to_string();
    if unquoted_dotted && key.starts_with("slots.") {
        message.push_str(" (slot names contain dots, so quote them: \"list.item\" = { … })");
    }
    ThemeError::Invalid { file: file.to_path_buf(), line: line_of(text, offset), key, message }
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let before = text.get(..offset).unwrap_or(text);
    before.matches('\n').count() + 1
}

/// The dotted key written on the line holding `offset` (with its table), or `-`; and whether
/// that key was written with unquoted dots.
fn key_at(text: &str, offset: usize) -> (String, bool) {
    let line_index = line_of(text, offset) - 1;
    let lines: Vec<&str> = text.lines().collect();
    let line = lines.get(line_index).map_or("", |l| l.trim());
    if let Some(header) = table_header(line) {
        return (header, false);
    }
    let table = lines[..line_index.min(lines.len())].iter().rev().find_map(|l| table_header(l.trim()));
    let Some((key, _)) = line.split_once('=') else {
        return (table.unwrap_or_else(|| "-".to_string()), false);
    };
    let unquoted_dotted = !key.contains(['"', '\'']) && key.contains('.');
    let key = unquote(key);
    match table {
        Some(table) => (format!("{table}.{key}"), unquoted_dotted),
        None => (key, unquoted_dotted),
    }
}

/// The name of a `[table]` header line, unquoted.
fn table_header(line: &str) -> Option<String> {
    let inner = line.strip_prefix('[')?.split(']').next()?;
    Some(unquote(inner))
}

/// A TOML key with its quotes and the spaces around its dots removed.
fn unquote(key: &str) -> String {
    key.trim().replace(['"', '\''], "").split('.').map(str::trim).collect::<Vec<_>>().join(".")
}
