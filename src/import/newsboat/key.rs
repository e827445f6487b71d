//! newsboat's item identity turned into the key a tidings refresh gives the same entry
//! ([`crate::feed::normalize`]: entry id, else link, else a hash of title and date).
//!
//! newsboat keeps the feed's guid (RSS `guid`, Atom `id`) when there is one; otherwise it uses
//! the link followed by the raw date text, else the link, else the title.

use chrono::{DateTime, Utc};

/// The tidings key of a newsboat item.
///
/// `guid`, `raw_link` and `title` are the cache's columns; `link` is the raw link as tidings
/// normalises it; `published` is the cache's date.
pub fn article_key(
    guid: &str,
    raw_link: &str,
    link: Option<&str>,
    title: &str,
    content: &str,
    published: DateTime<Utc>,
) -> String {
    let guid = guid.trim();
    let raw_link = raw_link.trim();
    if let Some(link) = link {
        // No guid: newsboat used the link, or the link and the date text.
        if guid.is_empty() || guid == raw_link || guid == link {
            return link.to_string();
        }
        if let Some(rest) = guid.strip_prefix(raw_link).filter(|_| !raw_link.is_empty())
            && is_date_text(rest)
        {
            return link.to_string();
        }
        return guid.to_string();
    }
    if guid.is_empty() || guid == title.trim() {
        return title_key(title.trim(), content, published);
    }
    guid.to_string()
}

/// The key of an entry with neither id nor link, as a refresh computes it.
fn title_key(title: &str, content: &str, published: DateTime<Utc>) -> String {
    let mut material = title.to_string();
    material.push('\u{1f}');
    material.push_str(&published.to_rfc3339());
    if title.is_empty() {
        material.push_str(content);
    }
    format!("hash:{:016x}", xxhash_rust::xxh3::xxh3_64(material.as_bytes()))
}

/// Whether `text` is a feed's date as written (RFC 822/2822, RFC 3339, or starting with an ISO
/// date): what newsboat appends to a link to make a guid.
fn is_date_text(text: &str) -> bool {
    let text = text.trim();
    DateTime::parse_from_rfc2822(text).is_ok()
        || DateTime::parse_from_rfc3339(text).is_ok()
        || text.get(..10).is_some_and(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn when() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-03T10:00:00Z").unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_guid_is_the_key() {
        let k = article_key(" urn:a:1 ", "http://h/1", Some("http://h/1"), "One", "", when());
        assert_eq!(k, "urn:a:1");
        // A guid that merely starts with the link is still a guid.
        let k = article_key("http://h/1#c", "http://h/1", Some("http://h/1"), "One", "", when());
        assert_eq!(k, "http://h/1#c");
    }

    #[test]
    fn link_and_date_guids_become_the_link() {
        let rfc822 = "http://h/2Tue, 03 Nov 2026 10:00:00 +0000";
        assert_eq!(article_key(rfc822, "http://h/2", Some("http://h/2"), "Two", "", when()), "http://h/2");
        let iso = "http://h/22026-11-03T10:00:00Z";
        assert_eq!(article_key(iso, "http://h/2", Some("http://h/2"), "Two", "", when()), "http://h/2");
        // The link only, and the normalised form of it.
        assert_eq!(article_key("http://H/3", "http://H/3", Some("http://h/3"), "", "", when()), "http://h/3");
    }

    #[test]
    fn without_guid_or_link_the_title_and_date_are_hashed() {
        let a = article_key("Hello", "", None, "Hello", "", when());
        assert!(a.starts_with("hash:"), "{a}");
        assert_ne!(a, article_key("Hello", "", None, "Hello", "", when() + chrono::Duration::hours(1)));
        assert_eq!(article_key("urn:x", "", None, "Hello", "", when()), "urn:x");
    }
}
