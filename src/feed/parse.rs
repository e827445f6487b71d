//! Bytes to a normalised feed: charset decoding, then feed-rs, then [`super::normalize`].

use crate::domain::ParsedFeed;

use super::{cdata, charset, normalize, repair};

/// Why a body is not a usable feed.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The body is a web page; `tidings add` looks for the feed it links to.
    #[error("not a feed: the server sent an HTML page")]
    Html,
    /// The body is empty.
    #[error("not a feed: the response is empty")]
    Empty,
    /// The parser gave up.
    #[error("not a valid feed: {0}")]
    Invalid(String),
}

/// Parses a feed body fetched from `url` (relative links resolve against it).
pub fn parse(body: &[u8], http_charset: Option<&str>, url: &str) -> Result<ParsedFeed, ParseError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    let (text, _) = charset::decode(body, http_charset);
    if looks_like_html(&text) {
        return Err(ParseError::Html);
    }
    let text = repair::fix_root(&text);
    cdata::with_rewritten(&text, |text| parse_decoded(text, url))
}

/// Parses decoded text with feed-rs, with one lenient retry for documents that fail, and
/// normalises the result.
pub fn parse_decoded(text: &str, url: &str) -> Result<ParsedFeed, ParseError> {
    let parsed = match feed_rs_parse(text, url) {
        Ok(feed) => feed,
        Err(first) => {
            let json = text.trim_start().starts_with('{');
            let fixed = if json {
                repair::fix_json(text)
            } else {
                let entities = repair::fix_entities(text);
                let types = repair::fix_text_types(entities.as_deref().unwrap_or(text));
                types.or(entities)
            };
            fixed.and_then(|f| feed_rs_parse(&f, url).ok()).ok_or(first)?
        }
    };
    Ok(normalize::feed(parsed, url))
}

fn feed_rs_parse(text: &str, url: &str) -> Result<feed_rs::model::Feed, ParseError> {
    feed_rs::parser::Builder::new()
        .base_uri(Some(url))
        // Entries without an id get our own stable key later, never a random UUID.
        .id_generator(|_, _, _| String::new())
        .sanitize_content(false)
        .build()
        .parse(text.as_bytes())
        .map_err(|e| ParseError::Invalid(e.to_string()))
}

/// True for an HTML document (with or without a doctype), which no feed parser should see.
pub fn looks_like_html(text: &str) -> bool {
    let head: String = text.trim_start_matches('\u{feff}').trim_start().chars().take(512).collect();
    let lower = head.to_ascii_lowercase();
    let mut rest = lower.as_str();
    // Skip an XML declaration and comments before the root element.
    loop {
        rest = rest.trim_start();
        if rest.starts_with("<?xml") || rest.starts_with("<!--") {
            let close = if rest.starts_with("<?xml") { "?>" } else { "-->" };
            match rest.find(close) {
                Some(end) => rest = &rest[end + close.len()..],
                None => return false,
            }
        } else {
            break;
        }
    }
    rest.starts_with("<!doctype html") || rest.starts_with("<html") || rest.starts_with("<head")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_recognised() {
        assert!(looks_like_html("<!DOCTYPE html><html><head>"));
        assert!(looks_like_html("  <html lang=en>"));
        assert!(looks_like_html(
            "<?xml version=\"1.0\"?>\n<!-- x --><html xmlns=\"http://www.w3.org/1999/xhtml\">"
        ));
        assert!(!looks_like_html("<?xml version=\"1.0\"?><rss version=\"2.0\">"));
        assert!(!looks_like_html("{\"version\": \"https://jsonfeed.org/version/1.1\"}"));
    }

    #[test]
    fn parses_rss_with_relative_links() {
        let xml = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>T &amp; Co</title>
            <link>https://example.com/</link>
            <item><title>One</title><link>/a/1</link><description>&lt;p&gt;Hi&lt;/p&gt;</description></item>
            </channel></rss>"#;
        let feed = parse(xml, None, "https://example.com/feed.xml").unwrap();
        assert_eq!(feed.title.as_deref(), Some("T & Co"));
        assert_eq!(feed.entries.len(), 1);
        assert_eq!(feed.entries[0].link.as_deref(), Some("https://example.com/a/1"));
        assert_eq!(feed.entries[0].key, "https://example.com/a/1");
    }

    #[test]
    fn empty_and_garbage_are_errors() {
        assert!(matches!(parse(b"  \n", None, "http://x/"), Err(ParseError::Empty)));
        assert!(matches!(parse(b"<html><body>hi", None, "http://x/"), Err(ParseError::Html)));
        assert!(matches!(parse(b"hello", None, "http://x/"), Err(ParseError::Invalid(_))));
    }
}
