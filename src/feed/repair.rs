//! Lenient recovery for documents feed-rs would refuse or misread, done on the decoded text:
//! roots it does not recognise (an `<rss>` without a known version, Atom 0.3, RSS 0.90),
//! entities XML does not define (`&nbsp;`, bare `&`), and JSON Feeds with a stray version.
//! The root check is cheap and always runs; the others run only after a first parse failed.

use std::borrow::Cow;

/// Atom 0.3 elements renamed in Atom 1.0.
const ATOM03_RENAMES: &[(&str, &str)] =
    &[("issued", "published"), ("modified", "updated"), ("tagline", "subtitle"), ("copyright", "rights")];

/// Makes the root element one feed-rs dispatches on. Borrowed when nothing needed fixing.
pub fn fix_root(text: &str) -> Cow<'_, str> {
    let Some((start, end)) = root_tag(text) else { return Cow::Borrowed(text) };
    let tag = &text[start..end];
    let name: String =
        tag[1..].chars().take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/').collect();
    if name == "rss" {
        return fix_rss_version(text, start, end);
    }
    let local = name.rsplit(':').next().unwrap_or(&name);
    if local == "feed" && (tag.contains("http://purl.org/atom/ns#") || tag.contains("version=\"0.3\"")) {
        return Cow::Owned(atom03_to_atom10(text));
    }
    if local == "RDF" && text.contains("http://my.netscape.com/rdf/simple/0.9/") {
        return Cow::Owned(
            text.replace("http://my.netscape.com/rdf/simple/0.9/", "http://purl.org/rss/1.0/"),
        );
    }
    Cow::Borrowed(text)
}

/// The byte range of the root element's start tag (after the prolog, comments, doctype).
fn root_tag(text: &str) -> Option<(usize, usize)> {
    let mut at = 0;
    loop {
        let rest = &text[at..];
        let lt = rest.find('<')?;
        let here = at + lt;
        let tail = &text[here..];
        let skip_to = if tail.starts_with("<?") {
            tail.find("?>").map(|i| i + 2)
        } else if tail.starts_with("<!--") {
            tail.find("-->").map(|i| i + 3)
        } else if tail.starts_with("<!") {
            tail.find('>').map(|i| i + 1)
        } else {
            let close = tail.find('>')?;
            return Some((here, here + close + 1));
        };
        at = here + skip_to?;
    }
}

/// feed-rs knows `<rss version="2.0">` (or empty), 0.91 and 0.92; anything else is read as 2.0.
fn fix_rss_version(text: &str, start: usize, end: usize) -> Cow<'_, str> {
    let tag = &text[start..end];
    let version = attribute_span(tag, "version");
    let known = version.is_some_and(|(a, b)| matches!(&tag[a..b], "2.0" | "" | "0.91" | "0.92"));
    if known {
        return Cow::Borrowed(text);
    }
    let new_tag = match version {
        Some((a, b)) => format!("{}2.0{}", &tag[..a], &tag[b..]),
        None => format!("<rss version=\"2.0\"{}", &tag[4..]),
    };
    Cow::Owned(format!("{}{new_tag}{}", &text[..start], &text[end..]))
}

/// The byte range of `name`'s value inside a start tag.
fn attribute_span(tag: &str, name: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(found) = tag[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before_ok = tag[..at].ends_with(|c: char| c.is_whitespace());
        let rest = tag[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value = rest[1..].trim_start();
        let quote = value.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let value_start = tag.len() - value.len() + 1;
        let len = tag[value_start..].find(quote)?;
        return Some((value_start, value_start + len));
    }
    None
}

fn atom03_to_atom10(text: &str) -> String {
    let mut out = text.replace("http://purl.org/atom/ns#", "http://www.w3.org/2005/Atom");
    for (old, new) in ATOM03_RENAMES {
        for (from, to) in
            [(format!("<{old}>"), format!("<{new}>")), (format!("</{old}>"), format!("</{new}>"))]
        {
            out = out.replace(&from, &to);
        }
        out = out.replace(&format!("<{old} "), &format!("<{new} "));
    }
    fix_text_types(&out).unwrap_or(out)
}

/// Atom text constructs (title, subtitle, summary, rights) may only be `text`, `html` or
/// `xhtml`; Atom 0.3's MIME types and `mode`, blank and made-up types are mapped onto those.
/// `None` when nothing changed.
pub fn fix_text_types(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..end];
        let name: String = tag[1..].chars().take_while(|c| c.is_alphanumeric() || *c == ':').collect();
        let local = name.rsplit(':').next().unwrap_or(&name);
        let fixed = matches!(local, "title" | "subtitle" | "summary" | "rights")
            .then(|| fix_text_type(tag))
            .flatten();
        match fixed {
            Some(new_tag) => {
                out.push_str(&new_tag);
                changed = true;
            }
            None => out.push_str(tag),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

fn fix_text_type(tag: &str) -> Option<String> {
    let (a, b) = attribute_span(tag, "type")?;
    let escaped = attribute_span(tag, "mode").is_some_and(|(m, n)| &tag[m..n] == "escaped");
    let new = match tag[a..b].trim().to_ascii_lowercase().as_str() {
        "text" | "html" | "xhtml" | "text/html" => return None,
        "application/xhtml+xml" if !escaped => "xhtml",
        t if escaped || t.contains("html") => "html",
        _ => "text",
    };
    Some(format!("{}{new}{}", &tag[..a], &tag[b..]))
}

/// Escapes bare `&` and turns HTML named references XML does not define into numeric ones,
/// leaving CDATA sections and comments alone. `None` when nothing changed.
pub fn fix_entities(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut changed = false;
    let mut rest = text;
    while let Some(i) = rest.find(['&', '<']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            let end = if rest.starts_with("<![CDATA[") {
                rest.find("]]>").map_or(rest.len(), |e| e + 3)
            } else if rest.starts_with("<!--") {
                rest.find("-->").map_or(rest.len(), |e| e + 3)
            } else {
                1
            };
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        let used = xml_reference_len(rest);
        if used > 0 {
            out.push_str(&rest[..used]);
            rest = &rest[used..];
            continue;
        }
        changed = true;
        let mut decoded = String::new();
        if let Some(len) = crate::text::entities::decode_at(rest, &mut decoded) {
            for c in decoded.chars() {
                out.push_str(&format!("&#{};", u32::from(c)));
            }
            rest = &rest[len..];
        } else {
            out.push_str("&amp;");
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// The length of a reference XML itself accepts at the start of `s` (`&amp;`, `&#38;`, `&#x26;`),
/// or 0.
fn xml_reference_len(s: &str) -> usize {
    let body = &s[1..];
    let Some(semi) = body.find(';').filter(|&i| i <= 12) else { return 0 };
    let name = &body[..semi];
    let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
        || name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")).is_some_and(|h| {
            !h.is_empty()
                && h.chars().all(|c| c.is_ascii_hexdigit())
                && u32::from_str_radix(h, 16).is_ok_and(valid_xml_char)
        })
        || name.strip_prefix('#').is_some_and(|d| {
            !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()) && d.parse().is_ok_and(valid_xml_char)
        });
    if ok { semi + 2 } else { 0 }
}

fn valid_xml_char(c: u32) -> bool {
    matches!(c, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x1_0000..=0x10_FFFF)
}

/// JSON Feed: an unknown `version` becomes 1.1, a missing `title` an empty one, missing `items`
/// an empty list. `None` when the text is not an object that looks like a JSON Feed (an `items`
/// array or a jsonfeed.org version), or when nothing changed.
pub fn fix_json(text: &str) -> Option<String> {
    let mut value: serde_json::Value = serde_json::from_str(text).ok()?;
    let obj = value.as_object_mut()?;
    let looks_like_feed = obj.get("items").is_some_and(serde_json::Value::is_array)
        || obj.get("version").and_then(|v| v.as_str()).is_some_and(|v| v.contains("jsonfeed"));
    if !looks_like_feed {
        return None;
    }
    let mut changed = false;
    let version_ok = obj
        .get("version")
        .and_then(|v| v.as_str())
        .is_some_and(|v| v.starts_with("https://jsonfeed.org/version/1"));
    if !version_ok {
        obj.insert("version".into(), "https://jsonfeed.org/version/1.1".into());
        changed = true;
    }
    if !obj.get("title").is_some_and(serde_json::Value::is_string) {
        obj.insert("title".into(), "".into());
        changed = true;
    }
    if !obj.get("items").is_some_and(serde_json::Value::is_array) {
        obj.insert("items".into(), serde_json::Value::Array(Vec::new()));
        changed = true;
    }
    changed.then(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_versions() {
        assert_eq!(fix_root("<!-- c --><rss>\n</rss>"), "<!-- c --><rss version=\"2.0\">\n</rss>");
        assert_eq!(
            fix_root("<?xml version=\"1.0\"?><rss version='0.94' a=\"b\">"),
            "<?xml version=\"1.0\"?><rss version='2.0' a=\"b\">"
        );
        assert!(matches!(fix_root("<rss version=\"0.91\"></rss>"), Cow::Borrowed(_)));
        assert!(matches!(fix_root("<rss xmlns:x=\"y\" version=\"2.0\">"), Cow::Borrowed(_)));
    }

    #[test]
    fn atom03_becomes_atom10() {
        let fixed = fix_root(
            "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><entry><issued>x</issued></entry></feed>",
        );
        assert_eq!(
            fixed,
            "<feed version=\"0.3\" xmlns=\"http://www.w3.org/2005/Atom\"><entry><published>x</published></entry></feed>"
        );
    }

    #[test]
    fn text_types() {
        let fixed = fix_text_types(
            "<title type=\"text/plain\">a</title><summary type='' x='1'>b</summary><content type=\"image/png\"/>",
        );
        assert_eq!(
            fixed.as_deref(),
            Some(
                "<title type=\"text\">a</title><summary type='text' x='1'>b</summary><content type=\"image/png\"/>"
            )
        );
        let fixed = fix_text_types("<title type=\"application/xhtml+xml\" mode=\"escaped\">a</title>");
        assert_eq!(fixed.as_deref(), Some("<title type=\"html\" mode=\"escaped\">a</title>"));
        assert_eq!(fix_text_types("<title type=\"html\">x</title>"), None);
    }

    #[test]
    fn entities() {
        assert_eq!(
            fix_entities("<t>Fish & Chips &amp; more &lt;3</t>").as_deref(),
            Some("<t>Fish &amp; Chips &amp; more &lt;3</t>")
        );
        assert_eq!(fix_entities("<t>a&nbsp;b &eacute;</t>").as_deref(), Some("<t>a&#160;b &#233;</t>"));
        assert_eq!(fix_entities("<![CDATA[a & b]]><t>&#x41;</t>"), None);
        assert_eq!(fix_entities("<t>&#0;</t>").as_deref(), Some("<t>&#65533;</t>"));
    }

    #[test]
    fn json_feed() {
        let fixed = fix_json("{\"version\":\"1.0\",\"items\":[]}").unwrap();
        assert!(fixed.contains("https://jsonfeed.org/version/1.1") && fixed.contains("\"title\":\"\""));
        assert_eq!(
            fix_json("{\"version\":\"https://jsonfeed.org/version/1\",\"title\":\"t\",\"items\":[]}"),
            None
        );
        assert_eq!(fix_json("[1]"), None);
        assert_eq!(fix_json("{\"title\":\"an API answer\"}"), None);
    }
}
