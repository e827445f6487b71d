//! Byte sizes written as a number of bytes or with a unit: `16777216`, `"16 MiB"`, `"512KiB"`.

use serde::Deserialize;

/// A size in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub u64);

impl ByteSize {
    /// Parses `"16 MiB"`, `"1.5MB"`, `"2048"` (bytes); units: B, KB, KiB, MB, MiB, GB, GiB.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: f64 = number.parse().ok()?;
        let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kb" => 1000,
            "kib" => 1024,
            "m" | "mb" => 1_000_000,
            "mib" => 1024 * 1024,
            "g" | "gb" => 1_000_000_000,
            "gib" => 1024 * 1024 * 1024,
            _ => return None,
        };
        let bytes = number * factor as f64;
        (bytes.is_finite() && bytes >= 1.0 && bytes <= u64::MAX as f64).then_some(Self(bytes as u64))
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bytes(u64),
            Text(String),
        }
        let invalid = |shown: &str| {
            serde::de::Error::custom(format!(
                "`{shown}` is not a size; write a number of bytes or e.g. \"16 MiB\", \"512 KiB\""
            ))
        };
        match Raw::deserialize(d)? {
            Raw::Bytes(0) => Err(invalid("0")),
            Raw::Bytes(n) => Ok(Self(n)),
            Raw::Text(t) => Self::parse(&t).ok_or_else(|| invalid(&t)),
        }
    }
}

impl serde::Serialize for ByteSize {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Written back the way it reads: "16 MiB", or a plain number of bytes.
        if self.0 >= 1024 && self.0.is_multiple_of(1024) {
            s.collect_str(self)
        } else {
            s.serialize_u64(self.0)
        }
    }
}

impl std::fmt::Display for ByteSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const MIB: u64 = 1024 * 1024;
        if self.0 >= MIB && self.0.is_multiple_of(MIB) {
            write!(f, "{} MiB", self.0 / MIB)
        } else if self.0 >= 1024 && self.0.is_multiple_of(1024) {
            write!(f, "{} KiB", self.0 / 1024)
        } else {
            write!(f, "{} bytes", self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(ByteSize::parse("16 MiB"), Some(ByteSize(16 << 20)));
        assert_eq!(ByteSize::parse("512KiB"), Some(ByteSize(512 << 10)));
        assert_eq!(ByteSize::parse("1.5MB"), Some(ByteSize(1_500_000)));
        assert_eq!(ByteSize::parse("2048"), Some(ByteSize(2048)));
        assert_eq!(ByteSize::parse("lots"), None);
        assert_eq!(ByteSize::parse("0"), None);
        assert_eq!(ByteSize::parse("3 parsecs"), None);
        assert_eq!(ByteSize(16 << 20).to_string(), "16 MiB");
    }
}
