//! The one gate of what comes in: every article passes [`article`] on its way to a
//! [`PreparedArticle`](super::PreparedArticle) and every feed title, address and tag passes the
//! functions below where the store writes them, whichever way they came (a feed, the sync
//! server, newsboat's cache, a subscription list, the command line). Text that could drive the
//! terminal goes ([`crate::text::sanitize`]); addresses keep only the schemes
//! [`crate::text::address`] allows.
//!
//! Feeds clean their text while parsing already; this makes the guarantee independent of the
//! way in, so a new one cannot forget it. On text that is already clean it changes nothing (so
//! fingerprints, and with them "unchanged" refreshes, stay as they were).

use std::borrow::Cow;

use crate::domain::{Enclosure, NewArticle};
use crate::text::address;
use crate::text::sanitize::{clean_owned, clean_text, single_line};

/// What an article without a usable title is called.
const UNTITLED: &str = "(untitled)";

/// `entry` made safe to store: title, author and categories on one clean line each, bodies
/// without controls, a link of a known scheme, enclosures of http(s) only with a clean type.
pub(super) fn article(mut entry: NewArticle) -> NewArticle {
    entry.title =
        Some(single_line(&entry.title)).filter(|t| !t.is_empty()).unwrap_or_else(|| UNTITLED.into());
    entry.link = entry.link.as_deref().and_then(address::link);
    entry.author = title(entry.author.as_deref());
    let mut categories: Vec<String> = Vec::with_capacity(entry.categories.len());
    for category in entry.categories.iter().map(|c| single_line(c)) {
        if !category.is_empty() && !categories.contains(&category) {
            categories.push(category);
        }
    }
    entry.categories = categories;
    entry.summary_html = entry.summary_html.map(clean_owned);
    entry.content_html = entry.content_html.map(clean_owned);
    entry.enclosures = enclosures(std::mem::take(&mut entry.enclosures));
    entry
}

/// Enclosures a player may be handed: http(s) addresses, each once, with a clean type.
pub(super) fn enclosures(list: Vec<Enclosure>) -> Vec<Enclosure> {
    let mut out: Vec<Enclosure> = Vec::with_capacity(list.len());
    for e in list {
        let Some(url) = address::web(&e.url) else { continue };
        if out.iter().any(|o| o.url == url) {
            continue;
        }
        out.push(Enclosure { url, mime: title(e.mime.as_deref()), length: e.length });
    }
    out
}

/// A title, name or type on one clean line; `None` when nothing is left.
pub(super) fn title(raw: Option<&str>) -> Option<String> {
    raw.map(single_line).filter(|t| !t.is_empty())
}

/// A feed's web site: http(s) only.
pub(super) fn site(raw: Option<&str>) -> Option<String> {
    raw.and_then(address::web)
}

/// A feed's address as subscribed (http(s), `file:` or `exec:`), without controls. An address
/// that is clean already is returned as it is, byte for byte.
pub(super) fn feed_url(raw: &str) -> Cow<'_, str> {
    clean_text(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{9b}2J\u{202e}evil\u{2066}\r";

    #[test]
    fn every_field_of_an_article_is_cleaned() {
        let entry = NewArticle {
            key: "k".into(),
            title: format!("A {HOSTILE} title"),
            link: Some("javascript:alert(1)".into()),
            author: Some(HOSTILE.into()),
            categories: vec![format!("x{HOSTILE}"), "xevil".into(), HOSTILE.into(), "\u{1b}[0m".into()],
            summary_html: Some(format!("<p>{HOSTILE}</p>")),
            content_html: Some("<p>clean</p>".into()),
            enclosures: vec![
                Enclosure { url: "file:///etc/passwd".into(), mime: Some("audio/mpeg".into()), length: None },
                Enclosure {
                    url: "https://cdn.example/a.mp3".into(),
                    mime: Some(HOSTILE.into()),
                    length: Some(9),
                },
                Enclosure { url: "https://cdn.example/a.mp3".into(), mime: None, length: None },
            ],
            ..NewArticle::default()
        };
        let clean = article(entry);
        assert_eq!(clean.title, "A evil title");
        assert_eq!(clean.link, None);
        assert_eq!(clean.author.as_deref(), Some("evil"));
        assert_eq!(clean.categories, ["xevil", "evil"]);
        assert_eq!(clean.summary_html.as_deref(), Some("<p>evil</p>"));
        assert_eq!(clean.content_html.as_deref(), Some("<p>clean</p>"));
        assert_eq!(
            clean.enclosures,
            [Enclosure {
                url: "https://cdn.example/a.mp3".into(),
                mime: Some("evil".into()),
                length: Some(9)
            }]
        );
    }

    #[test]
    fn clean_articles_come_out_as_they_went_in() {
        let entry = NewArticle {
            key: "k".into(),
            title: "Tom & Jerry: <b> is not a tag here".into(),
            link: Some("https://example.org/a?b=c#d".into()),
            author: Some("Ann".into()),
            categories: vec!["rust".into()],
            summary_html: Some("<p>a\tb\nc</p>".into()),
            enclosures: vec![Enclosure { url: "https://cdn.example/a.mp3".into(), mime: None, length: None }],
            ..NewArticle::default()
        };
        assert_eq!(article(entry.clone()), entry);
        let untitled = NewArticle { title: HOSTILE.replace("evil", ""), ..entry };
        assert_eq!(article(untitled).title, UNTITLED);
    }
}
