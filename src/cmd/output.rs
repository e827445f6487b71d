//! Printing for commands: buffered stdout, JSON, and aligned text columns.

use std::io::{self, BufWriter, Write};

use anyhow::Result;

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
