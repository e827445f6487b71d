//! Feed autodiscovery: the `<link rel="alternate">` feeds an HTML page announces.

use scraper::Selector;
use url::Url;

use crate::text::sanitize::single_line;

/// A feed an HTML page links to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovered {
    /// Absolute feed URL.
    pub url: String,
    /// The link's title attribute, if any.
    pub title: Option<String>,
    /// `rss`, `atom` or `json`.
    pub kind: &'static str,
}

/// The feeds `html` (fetched from `page_url`) announces, in page order, without duplicates.
pub fn discover(html: &str, page_url: &Url) -> Vec<Discovered> {
    let doc = crate::text::bounded::document(html).tree;
    let (Ok(links), Ok(base_sel)) = (Selector::parse("link[href]"), Selector::parse("base[href]")) else {
        return Vec::new();
    };
    let base = doc
        .select(&base_sel)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|href| page_url.join(href.trim()).ok())
        .unwrap_or_else(|| page_url.clone());
    let mut found: Vec<Discovered> = Vec::new();
    for link in doc.select(&links) {
        let el = link.value();
        let is_alternate = el
            .attr("rel")
            .is_some_and(|rel| rel.split_ascii_whitespace().any(|t| t.eq_ignore_ascii_case("alternate")));
        let kind = match el.attr("type").map(|t| t.trim().to_ascii_lowercase()).as_deref() {
            Some("application/rss+xml") => "rss",
            Some("application/atom+xml") => "atom",
            Some("application/feed+json" | "application/json") => "json",
            _ => continue,
        };
        let Some(href) = el.attr("href").map(str::trim).filter(|h| !h.is_empty()) else { continue };
        let Ok(url) = base.join(href) else { continue };
        if !is_alternate || !matches!(url.scheme(), "http" | "https") {
            continue;
        }
        let url = url.to_string();
        if found.iter().any(|f| f.url == url) {
            continue;
        }
        let title = el.attr("title").map(single_line).filter(|t| !t.is_empty());
        found.push(Discovered { url, title, kind });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_alternates_in_page_order() {
        let page = Url::parse("https://example.com/blog/index.html").unwrap();
        let html = r#"<!doctype html><html><head>
            <link rel="stylesheet" href="/s.css">
            <link rel="alternate" type="application/atom+xml" title="Atom" href="atom.xml">
            <link rel="Alternate home" type="application/rss+xml" title="RSS &amp; more" href="/rss">
            <link rel="alternate" type="application/feed+json" href="https://example.com/feed.json">
            <link rel="alternate" type="application/rss+xml" href="/rss">
            <link rel="alternate" type="text/html" href="/other">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            </head><body></body></html>"#;
        let found = discover(html, &page);
        let urls: Vec<&str> = found.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://example.com/blog/atom.xml", "https://example.com/rss", "https://example.com/feed.json"]
        );
        assert_eq!(found[1].title.as_deref(), Some("RSS & more"));
        assert_eq!(found[1].kind, "rss");
    }

    #[test]
    fn base_element_is_honoured() {
        let page = Url::parse("https://example.com/a/b").unwrap();
        let html = r#"<html><head><base href="https://cdn.example.net/x/">
            <link rel="alternate" type="application/rss+xml" href="feed"></head></html>"#;
        assert_eq!(discover(html, &page)[0].url, "https://cdn.example.net/x/feed");
    }
}
