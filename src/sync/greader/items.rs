//! Articles from `stream/items/contents`, read one at a time as the answer is parsed: each item
//! is typed as it is met (never a generic JSON value for the whole answer, which took 1 GB for
//! 62 MB of tiny values), one that cannot be read is skipped and counted, and only the items
//! asked for are kept (a server cannot fill memory with articles nobody wanted).

use std::collections::HashSet;
use std::fmt;

use chrono::{DateTime, TimeZone, Utc};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::answers::{MAX_SMALL_LIST, capped};
use crate::domain::{Enclosure, NewArticle};
use crate::store::{PreparedArticle, RemoteItem};
use crate::sync::ItemPage;
use crate::text::address;
use crate::text::sanitize::{clean_text, html_to_line};

/// An item id in either form as the 64-bit number it is: the long form
/// (`tag:google.com,2005:reader/item/` + 16 hex digits) or the short one (decimal).
pub(super) fn item_id(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    if let Some(hex) = raw.rsplit_once('/').map(|(_, h)| h) {
        return u64::from_str_radix(hex, 16).ok().map(|n| n as i64);
    }
    raw.parse::<i64>().ok().or_else(|| raw.parse::<u64>().ok().map(|n| n as i64))
}

/// Reads a `stream/items/contents` answer: the items among `wanted`, each once.
pub(super) fn read_items(body: &[u8], wanted: &[i64]) -> Result<ItemPage, serde_json::Error> {
    let wanted: HashSet<i64> = wanted.iter().copied().collect();
    let mut de = serde_json::Deserializer::from_slice(body);
    let page = Contents { wanted: &wanted }.deserialize(&mut de)?;
    de.end()?;
    Ok(page)
}

/// The answer: an object whose `items` must be there.
struct Contents<'a> {
    wanted: &'a HashSet<i64>,
}

impl<'de> DeserializeSeed<'de> for Contents<'_> {
    type Value = ItemPage;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ItemPage, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Contents<'_> {
    type Value = ItemPage;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with `items`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ItemPage, A::Error> {
        let mut page = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "items" && page.is_none() {
                page = Some(map.next_value_seed(Items { wanted: self.wanted })?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        page.ok_or_else(|| de::Error::missing_field("items"))
    }
}

/// The `items` list, item by item.
struct Items<'a> {
    wanted: &'a HashSet<i64>,
}

impl<'de> DeserializeSeed<'de> for Items<'_> {
    type Value = ItemPage;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ItemPage, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Items<'_> {
    type Value = ItemPage;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of items")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ItemPage, A::Error> {
        let mut page = ItemPage::default();
        let mut kept = HashSet::new();
        // Each item is first only delimited (a slice of the answer, nothing copied), then read
        // as an item: one that is not an item is skipped without failing the rest.
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            let item = serde_json::from_str::<Item>(raw.get()).ok().and_then(to_item);
            match item {
                Some(item) if self.wanted.contains(&item.remote_id) && kept.insert(item.remote_id) => {
                    page.items.push(item);
                }
                _ => page.unreadable += 1,
            }
        }
        Ok(page)
    }
}

#[derive(Deserialize)]
struct Item {
    id: String,
    #[serde(default)]
    published: Option<i64>,
    #[serde(default)]
    updated: Option<i64>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default, deserialize_with = "capped::<_, _, MAX_SMALL_LIST>")]
    canonical: Vec<Href>,
    #[serde(default, deserialize_with = "capped::<_, _, MAX_SMALL_LIST>")]
    alternate: Vec<Href>,
    #[serde(default, deserialize_with = "capped::<_, _, MAX_SMALL_LIST>")]
    categories: Vec<String>,
    #[serde(default)]
    origin: Option<Origin>,
    #[serde(default)]
    summary: Option<Body>,
    #[serde(default)]
    content: Option<Body>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default, deserialize_with = "capped::<_, _, MAX_SMALL_LIST>")]
    enclosure: Vec<Media>,
}

#[derive(Deserialize)]
struct Href {
    href: String,
}

#[derive(Deserialize)]
struct Origin {
    #[serde(rename = "streamId")]
    stream_id: String,
}

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    content: String,
}

#[derive(Deserialize)]
struct Media {
    href: String,
    #[serde(rename = "type", default)]
    mime: Option<String>,
    #[serde(default, deserialize_with = "length")]
    length: Option<u64>,
}

/// An enclosure's length: a number, or a number in a string; anything else is no length (and
/// is skipped without being kept).
fn length<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    struct Length;
    impl<'de> Visitor<'de> for Length {
        type Value = Option<u64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a length")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(u64::try_from(v).ok())
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.trim().parse().ok())
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }
    d.deserialize_any(Length)
}

fn time(secs: Option<i64>) -> Option<DateTime<Utc>> {
    secs.filter(|s| *s > 0).and_then(|s| Utc.timestamp_opt(s, 0).single())
}

/// An item as tidings stores it: text cleaned as a feed's would be (control characters out,
/// titles to one plain line), keyed by its link (so a feed that was local before keeps its
/// articles) or else by the server's id.
fn to_item(item: Item) -> Option<RemoteItem> {
    let remote_id = item_id(&item.id)?;
    let feed = item.origin?.stream_id;
    let link = item.canonical.iter().chain(&item.alternate).find_map(|h| address::web(&h.href));
    let body =
        |b: Option<Body>| b.map(|b| clean_text(&b.content).into_owned()).filter(|s| !s.trim().is_empty());
    let content_html = body(item.content);
    let summary_html = body(item.summary);
    let title = item.title.as_deref().map(html_to_line).filter(|t| !t.is_empty());
    let title = title.unwrap_or_else(|| {
        let text = html_to_line(content_html.as_deref().or(summary_html.as_deref()).unwrap_or(""));
        if text.is_empty() { "(untitled)".to_string() } else { text.chars().take(80).collect() }
    });
    let enclosures = item
        .enclosure
        .iter()
        .filter_map(|m| {
            Some(Enclosure {
                url: address::web(&m.href)?,
                mime: m.mime.as_deref().map(html_to_line).filter(|t| !t.is_empty()),
                length: m.length,
            })
        })
        .collect();
    let key = link.clone().unwrap_or_else(|| format!("greader:{remote_id}"));
    let article = NewArticle {
        key,
        title,
        link,
        author: item.author.as_deref().map(html_to_line).filter(|a| !a.is_empty()),
        published: time(item.published),
        updated: time(item.updated),
        categories: Vec::new(),
        summary_html,
        content_html,
        enclosures,
    };
    Some(RemoteItem {
        remote_id,
        feed,
        read: item.categories.iter().any(|c| is_state(c, "read")),
        starred: item.categories.iter().any(|c| is_state(c, "starred")),
        article: PreparedArticle::from(article),
    })
}

/// `user/-/state/com.google/NAME` or `user/1234/state/com.google/NAME`.
fn is_state(category: &str, name: &str) -> bool {
    category
        .strip_prefix("user/")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(_, tail)| tail.strip_prefix("state/com.google/").is_some_and(|n| n == name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(json: &serde_json::Value) -> Option<RemoteItem> {
        to_item(serde_json::from_value(json.clone()).expect("item"))
    }

    #[test]
    fn item_ids_in_both_forms_are_one_number() {
        assert_eq!(item_id("tag:google.com,2005:reader/item/000661a8acf0a479"), Some(0x0006_61a8_acf0_a479));
        assert_eq!(item_id("1796226944115833"), Some(1_796_226_944_115_833));
        assert_eq!(item_id("tag:google.com,2005:reader/item/ffffffffffffffff"), Some(-1));
        assert_eq!(item_id("-5"), Some(-5));
        assert_eq!(item_id("not an id"), None);
    }

    #[test]
    fn an_item_is_cleaned_like_a_feed_entry() {
        let json = serde_json::json!({
            "id": "tag:google.com,2005:reader/item/000000000000000a",
            "published": 1_700_000_000,
            "title": "A &amp; B\u{1b}[31m",
            "canonical": [{"href": "javascript:alert(1)"}],
            "alternate": [{"href": "https://example.org/a"}],
            "categories": ["user/-/state/com.google/reading-list", "user/12/state/com.google/read"],
            "origin": {"streamId": "feed/3"},
            "summary": {"content": "<p>Hi\u{7}</p>"},
            "enclosure": [{"href": "https://example.org/a.mp3", "type": "audio/mpeg", "length": "123"}]
        });
        let item = one(&json).expect("kept");
        assert_eq!(item.remote_id, 10);
        assert_eq!(item.feed, "feed/3");
        assert!(item.read && !item.starred);
        assert_eq!(item.article.title, "A & B");
        assert_eq!(item.article.link.as_deref(), Some("https://example.org/a"));
        assert_eq!(item.article.key, "https://example.org/a");
        assert!(
            item.article.enclosures.as_deref().is_some_and(|e| e.contains("audio/mpeg") && e.contains("123"))
        );
    }

    #[test]
    fn an_item_without_a_link_is_keyed_by_its_id_and_one_without_a_feed_is_refused() {
        let json = serde_json::json!({"id": "77", "origin": {"streamId": "feed/1"}, "content": {"content": "Text only"}});
        let item = one(&json).expect("kept");
        assert_eq!(item.article.key, "greader:77");
        assert_eq!(item.article.title, "Text only");
        assert!(one(&serde_json::json!({"id": "78"})).is_none());
    }

    #[test]
    fn an_answer_is_read_item_by_item_keeping_only_what_was_asked_for() {
        let item = |id: i64| format!(r#"{{"id":"{id}","origin":{{"streamId":"feed/1"}},"title":"T{id}"}}"#);
        let body = format!(
            r#"{{"id":"x","items":[0,"s",null,[1],{{"id":{{}}}},{},{},{},{}],"updated":1}}"#,
            item(1),
            item(1),
            item(2),
            item(99)
        );
        let page = read_items(body.as_bytes(), &[1, 2, 3]).expect("page");
        let ids: Vec<i64> = page.items.iter().map(|i| i.remote_id).collect();
        assert_eq!(ids, vec![1, 2]);
        assert_eq!(page.unreadable, 7, "5 non-items, a second 1, and 99 not asked for");
        for bad in ["{}", r#"{"error":"x"}"#, r#"{"items":null}"#, "[]", r#"{"items":[]} x"#] {
            assert!(read_items(bad.as_bytes(), &[1]).is_err(), "{bad}");
        }
        assert!(read_items(br#"{"items":[]}"#, &[1]).expect("empty").items.is_empty());
    }

    #[test]
    fn an_enclosure_length_of_any_shape_is_no_failure() {
        for length in [serde_json::json!([1, 2]), serde_json::json!({"a": 1}), serde_json::json!(-3)] {
            let json = serde_json::json!({"id": "5", "origin": {"streamId": "feed/1"},
                "enclosure": [{"href": "https://example.org/a.mp3", "length": length}]});
            let item = one(&json).expect("kept");
            assert!(item.article.enclosures.is_some());
        }
    }
}
