//! feed-rs's model to ours: plain-text titles, absolute links, stable keys, HTML bodies with
//! control characters removed, enclosures.

use feed_rs::model::{self, Entry, Text};
use url::Url;

use crate::domain::{Enclosure, NewArticle, ParsedFeed};
use crate::text::address::LINK_SCHEMES;
use crate::text::sanitize::{clean_owned, clean_text, html_to_line};

/// Titles made from body text are cut to this many characters.
const SNIPPET_CHARS: usize = 80;

/// Normalises a parsed feed fetched from `feed_url`.
pub fn feed(feed: model::Feed, feed_url: &str) -> ParsedFeed {
    let base = Url::parse(feed_url).ok();
    let title = feed.title.as_ref().map(|t| html_to_line(&t.content)).filter(|t| !t.is_empty());
    let site_url = feed
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r.eq_ignore_ascii_case("alternate")))
        .and_then(|l| absolute(&l.href, base.as_ref()))
        .filter(|u| u != feed_url);
    let entries = feed.entries.into_iter().map(|e| entry(e, base.as_ref())).collect();
    ParsedFeed { title, site_url, entries, ttl: feed.ttl }
}

/// Normalises one entry. Even an entry with nothing tidings understands is kept (as
/// "(untitled)"): the feed has it, and dropping it would lose it silently.
fn entry(e: Entry, feed_base: Option<&Url>) -> NewArticle {
    let entry_base = e.base.as_deref().and_then(|b| Url::parse(b).ok());
    let base = entry_base.as_ref().or(feed_base);
    let link = pick_link(&e.links, base);
    let enclosures = enclosures(&e, base);
    // Bodies are moved out of feed-rs's model, not copied: they are most of the bytes.
    let mut content_html = e.content.and_then(content_html);
    let mut summary_html = e.summary.and_then(text_html);
    if content_html.is_none() && summary_html.is_none() {
        // YouTube and podcast feeds keep the text in media:description.
        summary_html = e.media.into_iter().find_map(|m| m.description.and_then(text_html));
    }
    if content_html.as_deref() == summary_html.as_deref() {
        content_html = None;
    }
    let title = e.title.as_ref().map(|t| html_to_line(&t.content)).filter(|t| !t.is_empty());
    let date = e.published.or(e.updated);
    let id = clean_text(e.id.trim()).trim().to_string();
    let key = if !id.is_empty() {
        id
    } else if let Some(link) = &link {
        link.clone()
    } else {
        let mut material = title.clone().unwrap_or_default();
        material.push('\u{1f}');
        material.push_str(&date.map(|d| d.to_rfc3339()).unwrap_or_default());
        if title.is_none() {
            material.push_str(summary_html.as_deref().or(content_html.as_deref()).unwrap_or_default());
        }
        format!("hash:{:016x}", xxhash_rust::xxh3::xxh3_64(material.as_bytes()))
    };
    let title = title.unwrap_or_else(|| snippet(summary_html.as_deref().or(content_html.as_deref())));
    NewArticle {
        key,
        title,
        link,
        author: author(&e.authors),
        published: e.published,
        updated: e.updated,
        categories: categories(&e.categories),
        summary_html,
        content_html,
        enclosures,
    }
}

/// The entry's web page: an `alternate` (or unlabelled) link, HTML preferred.
fn pick_link(links: &[model::Link], base: Option<&Url>) -> Option<String> {
    let is_page = |l: &&model::Link| l.rel.as_deref().is_none_or(|r| r.eq_ignore_ascii_case("alternate"));
    let html = |l: &&model::Link| l.media_type.as_deref().is_none_or(|t| t.contains("html"));
    links
        .iter()
        .filter(is_page)
        .find(html)
        .or_else(|| links.iter().find(is_page))
        .and_then(|l| absolute(&l.href, base))
}

/// Resolves `href` against `base`; only web and mail links survive.
fn absolute(href: &str, base: Option<&Url>) -> Option<String> {
    let href = clean_text(href.trim());
    if href.is_empty() {
        return None;
    }
    let url = match Url::parse(&href) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => base?.join(&href).ok()?,
        Err(_) => return None,
    };
    LINK_SCHEMES.contains(&url.scheme()).then(|| url.to_string())
}

/// A `Text` as HTML: HTML kinds pass through, plain text is escaped.
fn text_html(t: Text) -> Option<String> {
    let kind = t.content_type.as_str().to_ascii_lowercase();
    let body = clean_owned(t.content);
    if body.trim().is_empty() {
        return None;
    }
    Some(if kind.contains("html") || kind.contains("xml") { body } else { escape_plain(&body) })
}

/// A `Content` as HTML, when it is text of some kind.
fn content_html(c: model::Content) -> Option<String> {
    let kind = c.content_type.as_str().to_ascii_lowercase();
    let body = clean_owned(c.body?);
    if body.trim().is_empty() {
        return None;
    }
    if kind.contains("html") || kind.contains("xml") {
        Some(body)
    } else if kind.starts_with("text/") {
        Some(escape_plain(&body))
    } else {
        None
    }
}

/// Plain text as HTML paragraphs.
fn escape_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        out.push_str("<p>");
        for c in para.chars() {
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '\n' => out.push_str("<br>"),
                c => out.push(c),
            }
        }
        out.push_str("</p>");
    }
    out
}

fn author(people: &[model::Person]) -> Option<String> {
    people.iter().find_map(|p| {
        let name = p.name.as_deref().map(|n| display_name(&html_to_line(n))).filter(|n| !n.is_empty());
        name.or_else(|| p.email.as_deref().map(html_to_line).filter(|n| !n.is_empty()))
    })
}

/// RSS `<author>` is "email (Name)" by the spec; what readers want to see is the name.
fn display_name(raw: &str) -> String {
    let trimmed = raw.trim();
    if let Some(open) = trimmed.find('(')
        && trimmed.ends_with(')')
    {
        let inside = trimmed[open + 1..trimmed.len() - 1].trim();
        let before = trimmed[..open].trim();
        if !inside.is_empty() && (before.is_empty() || before.contains('@')) {
            return inside.to_string();
        }
    }
    trimmed.to_string()
}

fn categories(cats: &[model::Category]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in cats {
        let label = html_to_line(c.label.as_deref().unwrap_or(&c.term));
        if !label.is_empty() && !out.contains(&label) {
            out.push(label);
        }
    }
    out
}

fn enclosures(e: &Entry, base: Option<&Url>) -> Vec<Enclosure> {
    let mut out: Vec<Enclosure> = Vec::new();
    let mut push = |url: Option<String>, mime: Option<String>, length: Option<u64>| {
        if let Some(url) = url
            && !out.iter().any(|x| x.url == url)
        {
            out.push(Enclosure { url, mime, length: length.filter(|n| *n > 0) });
        }
    };
    let enclosure = |l: &&model::Link| l.rel.as_deref().is_some_and(|r| r.eq_ignore_ascii_case("enclosure"));
    // JSON Feed attachments: feed-rs files them as links with a media type and no rel (the
    // item's own `url` has neither).
    let attachment =
        |l: &&model::Link| l.rel.is_none() && l.media_type.as_deref().is_some_and(|t| !t.contains("html"));
    for l in e.links.iter().filter(|l| enclosure(l) || attachment(l)) {
        push(absolute(&l.href, base), l.media_type.clone(), l.length);
    }
    for m in &e.media {
        for c in &m.content {
            let url = c.url.as_ref().and_then(|u| absolute(u.as_str(), base));
            push(url, c.content_type.as_ref().map(ToString::to_string), c.size);
        }
    }
    out
}

/// A title made from the start of the body, for entries without one.
fn snippet(html: Option<&str>) -> String {
    let text = html.map(html_to_line).unwrap_or_default();
    if text.is_empty() {
        return "(untitled)".to_string();
    }
    let mut cut: String = text.chars().take(SNIPPET_CHARS).collect();
    if cut.len() < text.len() {
        if let Some(space) = cut.rfind(' ').filter(|&i| i > SNIPPET_CHARS / 2) {
            cut.truncate(space);
        }
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(xml: &str) -> ParsedFeed {
        let f = feed_rs::parser::Builder::new()
            .base_uri(Some("https://example.org/feed"))
            .id_generator(|_, _, _| String::new())
            .build()
            .parse(xml.as_bytes())
            .unwrap();
        feed(f, "https://example.org/feed")
    }

    #[test]
    fn keys_prefer_id_then_link_then_hash() {
        let f = parse(
            r#"<rss version="2.0"><channel><title>x</title>
            <item><guid>urn:1</guid><link>https://e/1</link><title>A</title></item>
            <item><link>https://e/2</link><title>B</title></item>
            <item><title>C</title><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item>
            <item><title>C</title><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item>
            </channel></rss>"#,
        );
        let keys: Vec<&str> = f.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys[0], "urn:1");
        assert_eq!(keys[1], "https://e/2");
        assert!(keys[2].starts_with("hash:"));
        assert_eq!(keys[2], keys[3], "same title and date hash alike");
    }

    #[test]
    fn titles_are_plain_and_untitled_entries_get_a_snippet() {
        let f = parse(
            r#"<rss version="2.0"><channel><title>x</title>
            <item><title>&lt;b&gt;Bold&lt;/b&gt; &amp;amp; co&#x1b;[31m</title><link>https://e/1</link></item>
            <item><description>&lt;p&gt;Only a body, with words enough to make a snippet of it for the list.&lt;/p&gt;</description></item>
            </channel></rss>"#,
        );
        assert_eq!(f.entries[0].title, "Bold & co");
        assert!(f.entries[1].title.starts_with("Only a body"), "{}", f.entries[1].title);
    }

    #[test]
    fn rss_authors_show_the_name() {
        assert_eq!(display_name("desk@example.com (The Desk)"), "The Desk");
        assert_eq!(display_name("(Desk 0)"), "Desk 0");
        assert_eq!(display_name("Ann (Editor) Smith"), "Ann (Editor) Smith");
        assert_eq!(display_name("Bob (ed.)"), "Bob (ed.)");
    }

    #[test]
    fn atom_links_and_enclosures() {
        let f = parse(
            r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.org/blog/"><title>x</title>
            <link rel="self" href="https://example.org/feed"/><link href="/"/>
            <entry><id>tag:1</id><title type="html">A &amp;amp; B</title>
              <link rel="alternate" type="text/html" href="posts/1"/>
              <link rel="enclosure" type="audio/mpeg" length="123" href="https://cdn/e.mp3"/>
              <author><name>Ann</name></author><category term="rust" label="Rust"/>
              <content type="text">line one
line two</content></entry></feed>"#,
        );
        let e = &f.entries[0];
        assert_eq!(f.site_url.as_deref(), Some("https://example.org/"));
        assert_eq!(e.link.as_deref(), Some("https://example.org/blog/posts/1"));
        assert_eq!(e.title, "A & B");
        assert_eq!(e.author.as_deref(), Some("Ann"));
        assert_eq!(e.categories, vec!["Rust"]);
        assert_eq!(e.enclosures[0].url, "https://cdn/e.mp3");
        assert_eq!(e.enclosures[0].length, Some(123));
        assert_eq!(e.content_html.as_deref(), Some("<p>line one<br>line two</p>"));
    }

    #[test]
    fn json_feed_attachments_are_enclosures() {
        let f = parse(
            r#"{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": [{"id": "1",
              "url": "https://example.org/ep1", "title": "Episode 1", "content_html": "<p>Hi</p>",
              "attachments": [{"url": "https://cdn.example/ep1.mp3", "mime_type": "audio/mpeg",
                "size_in_bytes": 4096}]}]}"#,
        );
        let e = &f.entries[0];
        assert_eq!(e.link.as_deref(), Some("https://example.org/ep1"), "the page, not the audio");
        assert_eq!(
            e.enclosures,
            vec![Enclosure {
                url: "https://cdn.example/ep1.mp3".into(),
                mime: Some("audio/mpeg".into()),
                length: Some(4096)
            }]
        );
    }
}
