//! Printing for commands: buffered stdout, JSON, and aligned text columns.
//!
//! Everything printed is cleaned on the way out ([`clean_text`]), as the reader cleans what it
//! draws: text is cleaned when it is stored, but a cache written by an older version or by
//! another program must not reach the terminal raw either. JSON strings are cleaned too (a
//! `jq -r` would print an escaped ESC raw).

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};

use anyhow::Result;

use crate::text::sanitize::clean_text;

/// Buffered standard output. A closed pipe (`tidings articles | head`) ends output quietly.
pub struct Out {
    inner: Box<dyn Write>,
}

impl Out {
    /// Standard output, buffered.
    pub fn stdout() -> Self {
        Self { inner: Box::new(BufWriter::new(io::stdout())) }
    }

    /// Writes one line, cleaned.
    pub fn line(&mut self, text: impl AsRef<str>) -> Result<()> {
        self.inner.write_all(clean_text(text.as_ref()).as_bytes())?;
        self.inner.write_all(b"\n")?;
        Ok(())
    }

    /// Writes a value as pretty JSON followed by a newline, its strings cleaned.
    pub fn json<T: serde::Serialize>(&mut self, value: &T) -> Result<()> {
        let text = serde_json::to_string_pretty(value)?;
        self.inner.write_all(clean_json(&text)?.as_bytes())?;
        self.inner.write_all(b"\n")?;
        Ok(())
    }

    /// Flushes what is buffered.
    pub fn flush(&mut self) -> Result<()> {
        self.inner.flush()?;
        Ok(())
    }
}

/// Writes a line to standard error, cleaned like standard output.
pub fn warn(text: impl AsRef<str>) {
    eprintln!("{}", clean_text(text.as_ref()));
}

/// JSON text (as serde_json writes it) with every string, keys included, decoded, cleaned and
/// encoded again; layout and key order stay. Text with nothing to clean is returned as it is.
fn clean_json(text: &str) -> Result<Cow<'_, str>> {
    // serde_json writes a control character as `\u00XX` (or `\b`, `\f`, `\r`); anything else
    // that needs cleaning is written raw, where `clean_text` sees it.
    let escaped = ["\\u", "\\b", "\\f", "\\r"].iter().any(|e| text.contains(e));
    if !escaped && matches!(clean_text(text), Cow::Borrowed(_)) {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        out.push_str(&rest[..start]);
        let literal = &rest[start..start + string_len(&rest[start..])];
        let decoded: String = serde_json::from_str(literal)?;
        match clean_text(&decoded) {
            Cow::Borrowed(_) => out.push_str(literal),
            Cow::Owned(cleaned) => out.push_str(&serde_json::to_string(&cleaned)?),
        }
        rest = &rest[start + literal.len()..];
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

/// The length in bytes of the JSON string literal at the start of `s` (quotes included; all of
/// `s` when it is not closed, which serde_json never writes).
fn string_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_and_keys_are_cleaned_in_place() {
        let value = serde_json::json!({
            "title": "a\u{1b}]0;pwned\u{7}b \u{202e}c\r",
            "tags": ["x\u{9b}31my", "plain \"quoted\" \\ text\n"],
            "k\u{1b}[1mey": 1,
        });
        let text = serde_json::to_string_pretty(&value).unwrap();
        let cleaned = clean_json(&text).unwrap();
        let back: serde_json::Value = serde_json::from_str(&cleaned).unwrap();
        assert_eq!(
            back,
            serde_json::json!({"title": "ab c", "tags": ["xy", "plain \"quoted\" \\ text\n"], "key": 1})
        );
        let clean = serde_json::to_string_pretty(&back).unwrap();
        assert!(matches!(clean_json(&clean).unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn an_escaped_backslash_is_not_an_escape() {
        let text = serde_json::to_string(&serde_json::json!({"path": "C:\\u\\r\\"})).unwrap();
        assert_eq!(clean_json(&text).unwrap(), text);
    }
}
