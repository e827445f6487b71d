//! Decoding HTML character references in text that does not go through the HTML parser.
//!
//! The common named references are answered from a small table; the rare rest (HTML defines
//! more than two thousand) are handed to html5ever, which knows them all.

use scraper::Html;

/// The longest name worth asking the parser about (the longest HTML entity name has 31 bytes).
const MAX_NAME_LEN: usize = 40;

/// Decodes the character reference at the start of `s` (which begins with `&`) into `out` and
/// returns its length in bytes, or returns `None` (writing nothing) when `s` does not start with
/// a reference that decodes.
pub(crate) fn decode_at(s: &str, out: &mut String) -> Option<usize> {
    let body = s.strip_prefix('&')?;
    if let Some(number) = body.strip_prefix('#') {
        return decode_numeric(number, out).map(|len| len + 2);
    }
    let name_len = body.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(body.len());
    if name_len == 0 || name_len > MAX_NAME_LEN {
        return None;
    }
    let name = &body[..name_len];
    if body[name_len..].starts_with(';') {
        if let Some(text) = common_entity(name) {
            out.push_str(text);
        } else {
            out.push_str(&decode_with_parser(name)?);
        }
        return Some(name_len + 2);
    }
    // The few legacy forms that browsers also accept without a semicolon.
    let text = match name {
        "amp" | "AMP" => "&",
        "lt" | "LT" => "<",
        "gt" | "GT" => ">",
        "quot" | "QUOT" => "\"",
        "nbsp" => "\u{a0}",
        _ => return None,
    };
    out.push_str(text);
    Some(name_len + 1)
}

/// Decodes the digits after `&#`; returns how many bytes after `&#` were used.
fn decode_numeric(s: &str, out: &mut String) -> Option<usize> {
    let (prefix, radix) = if s.starts_with(['x', 'X']) { (1, 16) } else { (0, 10) };
    let digits = &s[prefix..];
    let len = digits.find(|c: char| !c.is_digit(radix)).unwrap_or(digits.len());
    if len == 0 {
        return None;
    }
    let value = digits[..len]
        .chars()
        .fold(0_u32, |acc, c| acc.saturating_mul(radix).saturating_add(c.to_digit(radix).unwrap_or(0)));
    out.push(numeric_char(value));
    let semicolon = usize::from(digits[len..].starts_with(';'));
    Some(prefix + len + semicolon)
}

/// The character a numeric reference stands for, with the HTML standard's replacements: NUL,
/// surrogates and out-of-range values become U+FFFD, and 0x80–0x9F are read as windows-1252
/// (feeds written on Windows use `&#146;` for an apostrophe).
fn numeric_char(value: u32) -> char {
    const WINDOWS_1252: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
        '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match value {
        0 => '\u{fffd}',
        0x80..=0x9f => WINDOWS_1252[(value - 0x80) as usize],
        _ => char::from_u32(value).unwrap_or('\u{fffd}'),
    }
}

/// The named references that turn up in feed titles often enough to deserve a fast path.
fn common_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "ndash" => "–",
        "mdash" => "—",
        "hellip" => "…",
        "lsquo" => "‘",
        "rsquo" => "’",
        "sbquo" => "‚",
        "ldquo" => "“",
        "rdquo" => "”",
        "bdquo" => "„",
        "laquo" => "«",
        "raquo" => "»",
        "lsaquo" => "‹",
        "rsaquo" => "›",
        "bull" => "•",
        "middot" => "·",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "deg" => "°",
        "plusmn" => "±",
        "times" => "×",
        "divide" => "÷",
        "euro" => "€",
        "pound" => "£",
        "yen" => "¥",
        "cent" => "¢",
        "sect" => "§",
        "para" => "¶",
        "iexcl" => "¡",
        "iquest" => "¿",
        "shy" => "\u{ad}",
        "thinsp" => "\u{2009}",
        "ensp" => "\u{2002}",
        "emsp" => "\u{2003}",
        "zwj" => "\u{200d}",
        "zwnj" => "\u{200c}",
        "aacute" => "á",
        "eacute" => "é",
        "iacute" => "í",
        "oacute" => "ó",
        "uacute" => "ú",
        "agrave" => "à",
        "egrave" => "è",
        "auml" => "ä",
        "ouml" => "ö",
        "uuml" => "ü",
        "Auml" => "Ä",
        "Ouml" => "Ö",
        "Uuml" => "Ü",
        "szlig" => "ß",
        "ccedil" => "ç",
        "ntilde" => "ñ",
        _ => return None,
    })
}

/// Asks html5ever about a named reference missing from the table. Returns `None` for names it
/// does not know either (they then stay as written).
fn decode_with_parser(name: &str) -> Option<String> {
    let fragment = Html::parse_fragment(&format!("&{name};"));
    let mut text = String::new();
    for node in fragment.tree.nodes() {
        if let Some(t) = node.value().as_text() {
            text.push_str(t);
        }
    }
    // An unknown name comes back unchanged, or with only a legacy prefix decoded
    // (`&notaname;` -> `¬aname;`); both keep the semicolon.
    (!text.is_empty() && !text.contains([';', '&'])).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(s: &str) -> (String, Option<usize>) {
        let mut out = String::new();
        let len = decode_at(s, &mut out);
        (out, len)
    }

    #[test]
    fn numeric_references() {
        assert_eq!(decode("&#65;x"), ("A".into(), Some(5)));
        assert_eq!(decode("&#x41"), ("A".into(), Some(5)));
        assert_eq!(decode("&#x1F600;"), ("😀".into(), Some(9)));
        assert_eq!(decode("&#99999999999999;"), ("\u{fffd}".into(), Some(17)));
        assert_eq!(decode("&#x9C;"), ("œ".into(), Some(6)));
        assert_eq!(decode("&#;"), (String::new(), None));
        assert_eq!(decode("&#xg;"), (String::new(), None));
    }

    #[test]
    fn named_references() {
        assert_eq!(decode("&amp;"), ("&".into(), Some(5)));
        assert_eq!(decode("&amp rest"), ("&".into(), Some(4)));
        assert_eq!(decode("&ampx"), (String::new(), None));
        assert_eq!(decode("&Eacute;"), ("É".into(), Some(8)));
        assert_eq!(decode("&notaname;"), (String::new(), None));
        assert_eq!(decode("&;"), (String::new(), None));
        assert_eq!(decode("& b"), (String::new(), None));
    }
}
