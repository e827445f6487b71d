//! Turning a feed body into UTF-8 before the parser sees it: the byte-order mark decides first,
//! then the HTTP `charset`, then the XML declaration; UTF-16 without a BOM is recognised from
//! its first bytes, and a body that claims UTF-8 but is not falls back to windows-1252.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How the body was decoded (for logs and tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// Whether undecodable bytes were replaced with U+FFFD.
    pub lossy: bool,
}

/// Decodes `body` to UTF-8 text. `http_charset` is the `charset` parameter of Content-Type.
/// The XML declaration of the result, if any, is rewritten to say UTF-8 so the XML parser
/// does not decode a second time.
pub fn decode<'a>(body: &'a [u8], http_charset: Option<&str>) -> (Cow<'a, str>, Decoded) {
    let (encoding, skip) = pick_encoding(body, http_charset);
    let bytes = &body[skip..];
    let (text, used, lossy) = match simdutf8::basic::from_utf8(bytes) {
        Ok(s) if encoding == UTF_8 => (Cow::Borrowed(s), UTF_8, false),
        // Declared (or assumed) UTF-8 but it isn't: the usual culprit is windows-1252.
        Err(_) if encoding == UTF_8 && http_charset.is_none() => {
            (WINDOWS_1252.decode_without_bom_handling(bytes).0, WINDOWS_1252, false)
        }
        _ => {
            let (text, lossy) = encoding.decode_without_bom_handling(bytes);
            (text, encoding, lossy)
        }
    };
    (rewrite_declaration(text), Decoded { encoding: used, lossy })
}

/// The encoding to use and how many leading bytes (a BOM) to skip.
fn pick_encoding(body: &[u8], http_charset: Option<&str>) -> (&'static Encoding, usize) {
    if let Some((enc, len)) = Encoding::for_bom(body) {
        return (enc, len);
    }
    // UTF-16 without a BOM: `<?` as two-byte units (XML 1.0, appendix F).
    if body.starts_with(&[0, b'<', 0, b'?']) || body.starts_with(&[0, b'<', 0, b'r']) {
        return (UTF_16BE, 0);
    }
    if body.starts_with(&[b'<', 0, b'?', 0]) || body.starts_with(&[b'<', 0, b'r', 0]) {
        return (UTF_16LE, 0);
    }
    if let Some(enc) = http_charset.and_then(label) {
        // A single-byte HTTP charset cannot describe a UTF-16 body; trust it otherwise.
        return (enc, 0);
    }
    if let Some(enc) = declared_encoding(body).and_then(label) {
        return (enc, 0);
    }
    (UTF_8, 0)
}

/// Maps a charset label to an encoding; UTF-16 labels on an ASCII-compatible body (which is how
/// a declaration could be read at all) mean the label is wrong, so they are ignored.
fn label(name: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(name.trim().trim_matches(|c| c == '"' || c == '\'').as_bytes())?;
    (enc != UTF_16BE && enc != UTF_16LE).then_some(enc)
}

/// The `encoding="…"` of an XML declaration at the start of the body.
fn declared_encoding(body: &[u8]) -> Option<&str> {
    let start = body.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = body.get(start..)?.get(..body.len().saturating_sub(start).min(512))?;
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    attribute(decl, "encoding")
}

/// The value of `name="value"` (or single-quoted) inside an XML declaration.
fn attribute<'a>(decl: &'a str, name: &str) -> Option<&'a str> {
    let at = decl.find(name)?;
    let rest = decl[at + name.len()..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    value.find(quote).map(|end| &value[..end])
}

/// Replaces the declaration's encoding with UTF-8 (the text is UTF-8 now), and drops
/// whitespace before the declaration, which makes XML parsers give up.
fn rewrite_declaration(text: Cow<'_, str>) -> Cow<'_, str> {
    let trimmed = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if !trimmed.starts_with("<?xml") {
        return text;
    }
    let Some(end) = trimmed.find("?>") else { return text };
    let decl = &trimmed[..end];
    let needs_rewrite = attribute(decl, "encoding").is_some_and(|e| !e.eq_ignore_ascii_case("utf-8"));
    let leading = text.len() - trimmed.len();
    if !needs_rewrite && leading == 0 {
        return text;
    }
    let mut out = String::with_capacity(trimmed.len());
    if needs_rewrite {
        out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"");
        // Keep `standalone`, which matters to nobody here but costs nothing.
        if let Some(s) = attribute(decl, "standalone") {
            out.push_str(&format!(" standalone=\"{s}\""));
        }
        out.push_str(&trimmed[end..]);
    } else {
        out.push_str(trimmed);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declaration_decides_without_http_charset() {
        let mut body = b"<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss><t>".to_vec();
        body.extend_from_slice(&[0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]); // "Привет"
        let (text, d) = decode(&body, None);
        assert!(text.contains("Привет"), "{text}");
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"), "{text}");
        assert_eq!(d.encoding.name(), "windows-1251");
    }

    #[test]
    fn http_charset_beats_declaration_and_bom_beats_both() {
        let (text, _) =
            decode("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><a>é</a>".as_bytes(), Some("utf-8"));
        assert!(text.contains("<a>é</a>"));
        let mut bom = vec![0xef, 0xbb, 0xbf];
        bom.extend_from_slice("<a>é</a>".as_bytes());
        let (text, _) = decode(&bom, Some("iso-8859-1"));
        assert_eq!(text, "<a>é</a>");
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let src = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss>ü</rss>";
        let le: Vec<u8> = src.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = src.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for body in [le, be] {
            let (text, _) = decode(&body, None);
            assert!(text.contains("<rss>ü</rss>"), "{text}");
            assert!(text.contains("encoding=\"utf-8\""));
        }
    }

    #[test]
    fn false_utf8_falls_back_to_windows_1252() {
        let body = b"<?xml version=\"1.0\"?><a>caf\xe9 \x93quoted\x94</a>";
        let (text, d) = decode(body, None);
        assert!(text.contains("café \u{201c}quoted\u{201d}"), "{text}");
        assert_eq!(d.encoding, WINDOWS_1252);
    }

    #[test]
    fn leading_whitespace_before_declaration_is_dropped() {
        let (text, _) = decode(b"\n  <?xml version=\"1.0\"?><a/>", None);
        assert_eq!(text, "<?xml version=\"1.0\"?><a/>");
    }

    #[test]
    fn plain_utf8_is_borrowed() {
        let (text, _) = decode(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>", None);
        assert!(matches!(text, Cow::Borrowed(_)));
    }
}
