//! Which addresses from outside (a feed, the sync server, another reader's cache) tidings keeps,
//! and in what form: absolute, of a known scheme, and serialised by the `url` crate, which
//! percent-encodes every control and non-ASCII character, so a kept address cannot drive the
//! terminal either.

use url::Url;

use super::sanitize::clean_text;

/// Schemes an article's link may have: web pages, mail, and the small web. `javascript:`,
/// `data:`, `file:` and the like never are.
pub const LINK_SCHEMES: &[&str] = &["http", "https", "mailto", "ftp", "gemini", "gopher"];

/// Schemes of what is handed to a player or browser without being shown first: enclosures and
/// a feed's web site.
pub const WEB_SCHEMES: &[&str] = &["http", "https"];

/// `raw` as an absolute address of one of `schemes`, or `None`. Controls and escape sequences
/// are removed first (a feed that puts them in an address gets the address without them).
pub fn absolute(raw: &str, schemes: &[&str]) -> Option<String> {
    let cleaned = clean_text(raw.trim());
    let url = Url::parse(cleaned.trim()).ok()?;
    schemes.contains(&url.scheme()).then(|| url.into())
}

/// An article's link: [`LINK_SCHEMES`].
pub fn link(raw: &str) -> Option<String> {
    absolute(raw, LINK_SCHEMES)
}

/// An enclosure or a web site: http and https only.
pub fn web(raw: &str) -> Option<String> {
    absolute(raw, WEB_SCHEMES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_addresses_of_known_schemes_are_kept() {
        assert_eq!(link("https://example.org/a b").as_deref(), Some("https://example.org/a%20b"));
        assert_eq!(link(" mailto:desk@example.org ").as_deref(), Some("mailto:desk@example.org"));
        assert_eq!(link("gemini://example.org/").as_deref(), Some("gemini://example.org/"));
        for refused in ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "/relative", ""] {
            assert_eq!(link(refused), None, "{refused}");
        }
        assert_eq!(web("mailto:desk@example.org"), None);
        assert_eq!(web("ftp://example.org/a.mp3"), None);
        assert_eq!(web("HTTPS://CDN.example/a.mp3").as_deref(), Some("https://cdn.example/a.mp3"));
    }

    #[test]
    fn kept_addresses_carry_no_control_or_bidi_character() {
        let hostile = "https://e.example/a\u{1b}]0;x\u{7}b\u{202e}c?q=\u{9b}1m#\u{2066}f\u{e0041}";
        let kept = link(hostile).unwrap();
        assert!(kept.chars().all(|c| c.is_ascii_graphic()), "{kept}");
        assert_eq!(kept, "https://e.example/abc?q=#f");
        let mail = link("mailto:a\u{1b}[2J@b.example?subject=\u{202e}x").unwrap();
        assert!(mail.chars().all(|c| c.is_ascii_graphic()), "{mail}");
    }
}
