//! Printing for commands: buffered stdout, JSON, and aligned text columns.

use std::io::{self, BufWriter, Write};

use anyhow::Result;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Buffered standard output. A closed pipe (`tidings articles | head`) ends output quietly.
pub struct Out {
    inner: Box<dyn Write>,
}

impl Out {
    /// Standard output, buffered.
    pub fn stdout() -> Self {
        Self { inner: Box::new(BufWriter::new(io::stdout())) }
    }

    /// Writes one line.
    pub fn line(&mut self, text: impl AsRef<str>) -> Result<()> {
        self.inner.write_all(text.as_ref().as_bytes())?;
        self.inner.write_all(b"\n")?;
        Ok(())
    }

    /// Writes a value as pretty JSON followed by a newline.
    pub fn json<T: serde::Serialize>(&mut self, value: &T) -> Result<()> {
        serde_json::to_writer_pretty(&mut self.inner, value)?;
        self.inner.write_all(b"\n")?;
        Ok(())
    }

    /// Flushes what is buffered.
    pub fn flush(&mut self) -> Result<()> {
        self.inner.flush()?;
        Ok(())
    }
}

/// Cuts `text` to at most `width` columns, marking a cut with `…`, and pads it to `width`.
pub fn fit(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    if text.width() <= width {
        out.push_str(text);
        used = text.width();
    } else if width > 0 {
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            out.push(c);
            used += w;
        }
        out.push('…');
        used += 1;
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_by_columns() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("日本語です", 5), "日本…");
        assert_eq!(fit("日本語です", 6), "日本… ");
        assert_eq!(fit("x", 0), "");
    }
}
