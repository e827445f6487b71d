//! Key names: `"j"`, `"ctrl-d"`, `"PgDn"`, `"g g"` to keys and back.
//!
//! A [`Key`] is one press normalised so that what the terminal reports and what a keymap file
//! names compare equal: Shift is folded into characters (`G`, never `Shift-g`), and Shift-Tab is
//! `Tab` with Shift whether the terminal says `BackTab` or not.

use std::fmt;
use std::str::FromStr;

/// A key without its modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// A character key; `' '` is the space bar.
    Char(char),
    /// Enter (Return).
    Enter,
    /// Escape.
    Esc,
    /// Tab; Shift-Tab is `Tab` with Shift.
    Tab,
    /// Backspace.
    Backspace,
    /// Delete.
    Delete,
    /// Insert.
    Insert,
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Arrow left.
    Left,
    /// Arrow right.
    Right,
    /// Home.
    Home,
    /// End.
    End,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// A function key, `F1` to `F24`.
    F(u8),
}

/// One key press: a code and its modifiers, normalised (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    code: Code,
    ctrl: bool,
    alt: bool,
    shift: bool,
}

/// Why a key name could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyNameError {
    /// Nothing was written.
    #[error("empty key name")]
    Empty,
    /// The name is not a character, a known key name or a modifier followed by one.
    #[error(
        "unknown key name `{0}` (write a character such as `j` or `?`, or a name such as `enter`, \
         `space`, `pgdn` or `f1`, optionally after `ctrl-`, `alt-` or `shift-`)"
    )]
    Unknown(String),
}

/// The highest function key a name may give.
const MAX_F: u8 = 24;

/// Named keys as they are written in files (lower case) and what they mean; the first name of
/// each code is not necessarily its display form (see [`Code::label`]).
const NAMES: &[(&str, Code)] = &[
    ("enter", Code::Enter),
    ("return", Code::Enter),
    ("esc", Code::Esc),
    ("escape", Code::Esc),
    ("tab", Code::Tab),
    ("space", Code::Char(' ')),
    ("backspace", Code::Backspace),
    ("delete", Code::Delete),
    ("del", Code::Delete),
    ("insert", Code::Insert),
    ("up", Code::Up),
    ("down", Code::Down),
    ("left", Code::Left),
    ("right", Code::Right),
    ("home", Code::Home),
    ("end", Code::End),
    ("pageup", Code::PageUp),
    ("pgup", Code::PageUp),
    ("pagedown", Code::PageDown),
    ("pgdn", Code::PageDown),
];

impl Code {
    /// The display form of the code alone (`PgDn`, `Space`, `?`).
    fn label(self) -> String {
        let named = match self {
            Code::Char(' ') => "Space",
            Code::Char(c) => return c.to_string(),
            Code::F(n) => return format!("F{n}"),
            Code::Enter => "Enter",
            Code::Esc => "Esc",
            Code::Tab => "Tab",
            Code::Backspace => "Backspace",
            Code::Delete => "Delete",
            Code::Insert => "Insert",
            Code::Up => "Up",
            Code::Down => "Down",
            Code::Left => "Left",
            Code::Right => "Right",
            Code::Home => "Home",
            Code::End => "End",
            Code::PageUp => "PgUp",
            Code::PageDown => "PgDn",
        };
        named.to_string()
    }

    /// Reads the part of a key name after its modifiers; `Ok((code, shift))` where `shift` is
    /// set by `backtab`.
    fn parse(name: &str) -> Result<(Code, bool), KeyNameError> {
        let mut chars = name.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            // Control characters and other white space are only reachable by name, so that a
            // displayed sequence (`g Space`) always splits back into its keys.
            if c.is_control() || (c.is_whitespace() && c != ' ') {
                return Err(KeyNameError::Unknown(name.escape_debug().to_string()));
            }
            return Ok((Code::Char(c), false));
        }
        let lower = name.to_ascii_lowercase();
        if lower == "backtab" {
            return Ok((Code::Tab, true));
        }
        if let Some((_, code)) = NAMES.iter().find(|(n, _)| *n == lower) {
            return Ok((*code, false));
        }
        let function = lower.strip_prefix('f').filter(|d| !d.starts_with('0')).and_then(|d| d.parse().ok());
        match function {
            Some(n) if (1..=MAX_F).contains(&n) => Ok((Code::F(n), false)),
            _ => Err(KeyNameError::Unknown(name.escape_debug().to_string())),
        }
    }
}

impl Key {
    /// A key from its parts, normalised: Shift with a lower-case letter gives the upper-case
    /// letter, and Shift is dropped from every character key.
    pub fn new(code: Code, ctrl: bool, alt: bool, shift: bool) -> Key {
        match code {
            Code::Char(c) if shift => Key { code: Code::Char(upper(c)), ctrl, alt, shift: false },
            _ => Key { code, ctrl, alt, shift },
        }
    }

    /// A key without modifiers.
    pub fn plain(code: Code) -> Key {
        Key::new(code, false, false, false)
    }

    /// The code of the key.
    pub fn code(self) -> Code {
        self.code
    }

    /// Whether Ctrl is held.
    pub fn ctrl(self) -> bool {
        self.ctrl
    }

    /// Whether Alt is held.
    pub fn alt(self) -> bool {
        self.alt
    }

    /// Whether Shift is held (never for a character key: it is in the character).
    pub fn shift(self) -> bool {
        self.shift
    }
}

/// The upper-case form of a letter when it is a single character; other characters unchanged.
fn upper(c: char) -> char {
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

impl FromStr for Key {
    type Err = KeyNameError;

    /// Reads one key name: modifiers (`ctrl-`, `alt-`, `shift-`, any case) then a character or
    /// a key name (any case). A lone character is always itself, so `"-"` is the minus key.
    fn from_str(name: &str) -> Result<Key, KeyNameError> {
        if name.is_empty() {
            return Err(KeyNameError::Empty);
        }
        let (mut ctrl, mut alt, mut shift) = (false, false, false);
        let mut rest = name;
        while rest.chars().nth(1).is_some() {
            let Some((head, tail)) = rest.split_once('-') else { break };
            if tail.is_empty() {
                break;
            }
            match head.to_ascii_lowercase().as_str() {
                "ctrl" => ctrl = true,
                "alt" => alt = true,
                "shift" => shift = true,
                _ => break,
            }
            rest = tail;
        }
        let (code, backtab) = Code::parse(rest).map_err(|e| match e {
            KeyNameError::Unknown(_) if rest != name => {
                KeyNameError::Unknown(name.escape_debug().to_string())
            }
            other => other,
        })?;
        Ok(Key::new(code, ctrl, alt, shift || backtab))
    }
}

impl fmt::Display for Key {
    /// The form the help shows: `Ctrl-d`, `Shift-Tab`, `PgDn`, `Space`, `?`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        if self.shift {
            f.write_str("Shift-")?;
        }
        f.write_str(&self.code.label())
    }
}

/// Reads a key sequence: key names separated by spaces (`"g g"`). A lone `" "` is the space bar.
pub fn parse_sequence(text: &str) -> Result<Vec<Key>, KeyNameError> {
    if text == " " {
        return Ok(vec![Key::plain(Code::Char(' '))]);
    }
    let keys = text.split_whitespace().map(str::parse).collect::<Result<Vec<Key>, _>>()?;
    if keys.is_empty() {
        return Err(KeyNameError::Empty);
    }
    Ok(keys)
}

/// The display form of a key sequence (`g g`, `Ctrl-d`); reads back with [`parse_sequence`].
pub fn format_sequence(keys: &[Key]) -> String {
    keys.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Key {
        s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    #[test]
    fn every_named_key_round_trips_with_every_modifier_set() {
        let mut names: Vec<String> = NAMES.iter().map(|(n, _)| (*n).to_string()).collect();
        names.extend((1..=MAX_F).map(|n| format!("f{n}")));
        names.extend(["backtab", "j", "G", "?", "/", "-", " ", "é"].map(String::from));
        for name in &names {
            for mods in ["", "ctrl-", "alt-", "shift-", "ctrl-alt-", "ctrl-alt-shift-", "Alt-Shift-"] {
                let written = format!("{mods}{name}");
                let parsed = key(&written);
                let shown = parsed.to_string();
                assert_eq!(key(&shown), parsed, "{written:?} shows as {shown:?}");
                assert_eq!(Key::from_event(&parsed.to_event()), Some(parsed), "{written:?} as an event");
            }
        }
    }

    #[test]
    fn display_forms_are_what_the_help_shows() {
        let cases = [
            ("ctrl-d", "Ctrl-d"),
            ("shift-tab", "Shift-Tab"),
            ("backtab", "Shift-Tab"),
            ("BackTab", "Shift-Tab"),
            ("pgdn", "PgDn"),
            ("pagedown", "PgDn"),
            ("PageUp", "PgUp"),
            ("enter", "Enter"),
            ("space", "Space"),
            (" ", "Space"),
            ("?", "?"),
            ("G", "G"),
            ("shift-g", "G"),
            ("CTRL-ALT-x", "Ctrl-Alt-x"),
            ("ctrl--", "Ctrl--"),
            ("f12", "F12"),
            ("esc", "Esc"),
            ("Down", "Down"),
        ];
        for (written, shown) in cases {
            assert_eq!(key(written).to_string(), shown, "{written:?}");
        }
        assert_eq!(key("shift-tab"), key("backtab"));
    }

    #[test]
    fn sequences_split_on_spaces_and_round_trip() {
        let seq = parse_sequence("g g").unwrap();
        assert_eq!(seq, vec![key("g"), key("g")]);
        assert_eq!(format_sequence(&seq), "g g");
        let seq = parse_sequence("g space ctrl-x shift-tab").unwrap();
        let shown = format_sequence(&seq);
        assert_eq!(shown, "g Space Ctrl-x Shift-Tab");
        assert_eq!(parse_sequence(&shown).unwrap(), seq);
        assert_eq!(parse_sequence(" ").unwrap(), vec![key("space")]);
        assert_eq!(parse_sequence(""), Err(KeyNameError::Empty));
        assert_eq!(parse_sequence("   "), Err(KeyNameError::Empty));
    }

    #[test]
    fn bad_names_are_rejected_whole() {
        for bad in ["ctlr-q", "ctrl-", "pgdown", "f0", "f25", "f01", "hyper-x", "\t", "ctrl-\u{7}", "gg"] {
            let err = bad.parse::<Key>().unwrap_err();
            assert!(matches!(err, KeyNameError::Unknown(_)), "{bad:?}: {err:?}");
        }
        assert_eq!(
            "ctlr-q".parse::<Key>().unwrap_err().to_string().split(' ').take(4).collect::<Vec<_>>(),
            ["unknown", "key", "name", "`ctlr-q`"]
        );
    }
}
