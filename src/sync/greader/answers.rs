//! The server's answers, read strictly and within bounds: an answer without the list it is
//! for (`{}`, `{"error": …}`, `null`) is a protocol error, never an empty list (an empty
//! subscription list removes every synced feed here; an empty unread list marks every article
//! read); lists longer than any real server sends are refused while they are read, before they
//! take memory; anything else the client does not use is skipped without being kept.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};

use super::items::item_id;
use crate::store::RemoteFeed;
use crate::text::sanitize::{html_to_line, single_line};

/// Ids per page of a listing (`n`); a page with more than this is not the protocol.
pub(super) const IDS_PER_PAGE: usize = 10_000;
/// The most subscriptions a list may hold.
const MAX_SUBSCRIPTIONS: usize = 100_000;
/// The most entries of a small list inside an answer (a feed's folders, an item's links).
pub(super) const MAX_SMALL_LIST: usize = 1_000;
/// The longest continuation token (it is sent back in a URL).
const MAX_TOKEN: usize = 1_024;
/// The most characters of a server's own words shown in a message.
const MAX_SHOWN: usize = 200;

/// A `Vec` of at most `N` elements: more is an error as soon as element `N + 1` is met.
pub(super) fn capped<'de, D, T, const N: usize>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Capped<T, const N: usize>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for Capped<T, N> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a list of at most {N} entries")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(N).min(1024));
            while let Some(x) = seq.next_element()? {
                if out.len() == N {
                    return Err(de::Error::custom(format_args!("a list of more than {N} entries")));
                }
                out.push(x);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Capped::<T, N>(std::marker::PhantomData))
}

/// A page of `stream/items/ids`.
#[derive(Deserialize)]
pub(super) struct IdsPage {
    /// The ids (those that could not be read as ids left out).
    #[serde(rename = "itemRefs", deserialize_with = "item_refs")]
    pub ids: Vec<i64>,
    /// Where the next page starts, if there is one.
    #[serde(default, deserialize_with = "token")]
    pub continuation: Option<String>,
}

/// `[{"id": "…"}, …]` as ids, at most [`IDS_PER_PAGE`].
fn item_refs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    let refs: Vec<ItemRef> = capped::<D, ItemRef, IDS_PER_PAGE>(d)?;
    Ok(refs.into_iter().filter_map(|r| r.0).collect())
}

/// One `{"id": …}`: its id, when it is one (a string in either form, or a number).
struct ItemRef(Option<i64>);

impl<'de> Deserialize<'de> for ItemRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(deserialize_with = "scalar")]
            id: Option<String>,
        }
        let raw = Raw::deserialize(d)?;
        Ok(Self(raw.id.as_deref().and_then(item_id)))
    }
}

/// A string or a number, as text; anything else is skipped (without being kept).
fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct Scalar;
    impl<'de> Visitor<'de> for Scalar {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or a number")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok((v.len() <= MAX_TOKEN).then(|| v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }
    d.deserialize_any(Scalar)
}

/// A continuation: a token (string, or number as Miniflux may send it), or none. A token
/// that is not a short string or a number is not the protocol.
fn token<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct Token;
    impl Visitor<'_> for Token {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a continuation token (a string of at most {MAX_TOKEN} bytes, or a number)")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.len() > MAX_TOKEN {
                return Err(E::invalid_length(v.len(), &self));
            }
            Ok((!v.is_empty()).then(|| v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(Token)
}

/// `subscription/list`.
#[derive(Deserialize)]
pub(super) struct SubscriptionList {
    #[serde(deserialize_with = "capped::<_, _, MAX_SUBSCRIPTIONS>")]
    subscriptions: Vec<Subscription>,
}

#[derive(Deserialize)]
struct Subscription {
    id: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default, deserialize_with = "capped::<_, _, MAX_SMALL_LIST>")]
    categories: Vec<Category>,
    #[serde(default)]
    url: Option<String>,
    #[serde(rename = "htmlUrl", default)]
    html_url: Option<String>,
}

#[derive(Deserialize)]
struct Category {
    id: String,
    #[serde(default)]
    label: Option<String>,
}

impl SubscriptionList {
    /// The subscriptions; one without a web address tidings can use has an empty `url` (it is
    /// still listed: a feed here with its id is not removed for it).
    pub(super) fn feeds(self) -> Vec<RemoteFeed> {
        self.subscriptions
            .into_iter()
            .map(|s| {
                // Servers give the feed's URL as `url`, or only in the id (`feed/URL`).
                let url = s
                    .url
                    .as_deref()
                    .and_then(crate::text::address::web)
                    .or_else(|| s.id.strip_prefix("feed/").and_then(crate::text::address::web))
                    .unwrap_or_default();
                let folders = s
                    .categories
                    .iter()
                    .filter_map(|c| {
                        c.label.clone().or_else(|| c.id.rsplit_once("/label/").map(|(_, l)| l.to_string()))
                    })
                    .map(|l| html_to_line(&l))
                    .filter(|l| !l.is_empty())
                    .collect();
                RemoteFeed {
                    remote_id: s.id,
                    url,
                    title: s.title.as_deref().map(html_to_line).filter(|t| !t.is_empty()),
                    site_url: s.html_url.as_deref().and_then(crate::text::address::web),
                    folders,
                }
            })
            .collect()
    }
}

/// `subscription/quickadd`: the new feed's id, or the server's reason for not subscribing.
#[derive(Deserialize)]
pub(super) struct QuickAdd {
    #[serde(rename = "streamId", default)]
    pub stream_id: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

/// Words from the server made fit for a message: one line, no control characters or escape
/// sequences, at most [`MAX_SHOWN`] characters.
pub(super) fn outside_words(s: &str) -> String {
    let line = single_line(s);
    if line.chars().count() <= MAX_SHOWN {
        return line;
    }
    let mut cut: String = line.chars().take(MAX_SHOWN).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_without_its_list_is_refused_and_an_empty_one_is_read() {
        for bad in ["{}", r#"{"error":"down"}"#, r#"{"itemRefs":null}"#, "[]", r#"{"itemRefs":{}}"#] {
            assert!(serde_json::from_str::<IdsPage>(bad).is_err(), "{bad}");
        }
        let empty: IdsPage = serde_json::from_str(r#"{"itemRefs":[]}"#).expect("empty");
        assert!(empty.ids.is_empty() && empty.continuation.is_none());
        let page: IdsPage = serde_json::from_str(
            r#"{"itemRefs":[{"id":"12"},{"id":13},{"id":"x"},{"id":[1]}],"continuation":99}"#,
        )
        .expect("page");
        assert_eq!((page.ids, page.continuation.as_deref()), (vec![12, 13], Some("99")));
        let long = format!(r#"{{"itemRefs":[],"continuation":"{}"}}"#, "c".repeat(MAX_TOKEN + 1));
        assert!(serde_json::from_str::<IdsPage>(&long).is_err());
        assert!(serde_json::from_str::<IdsPage>(r#"{"itemRefs":[],"continuation":[1,2]}"#).is_err());
    }

    #[test]
    fn a_page_longer_than_asked_for_is_refused() {
        let refs = vec![r#"{"id":"1"}"#; IDS_PER_PAGE + 1].join(",");
        let err = serde_json::from_str::<IdsPage>(&format!(r#"{{"itemRefs":[{refs}]}}"#))
            .err()
            .expect("refused")
            .to_string();
        assert!(err.contains("more than 10000"), "{err}");
    }

    #[test]
    fn a_subscription_list_must_be_one() {
        for bad in ["{}", r#"{"error":"x"}"#, r#"{"subscriptions":null}"#, "[]"] {
            assert!(serde_json::from_str::<SubscriptionList>(bad).is_err(), "{bad}");
        }
        let list: SubscriptionList = serde_json::from_str(
            r#"{"subscriptions":[{"id":"feed/1","url":"https://a.example/f","categories":[{"id":"user/-/label/Tech"}]},{"id":"feed/2"}]}"#,
        )
        .expect("list");
        let feeds = list.feeds();
        assert_eq!(feeds[0].folders, vec!["Tech".to_string()]);
        // Listed without an address tidings can use: still listed (so not removed here).
        assert_eq!((feeds[1].remote_id.as_str(), feeds[1].url.as_str()), ("feed/2", ""));
    }

    #[test]
    fn the_servers_words_are_one_clean_short_line() {
        let said = outside_words(&format!("\u{1b}]0;x\u{7}\u{1b}[2JNot\r\na feed {}", "y".repeat(500)));
        assert!(said.starts_with("Not a feed yyy"), "{said}");
        assert!(!said.contains(['\u{1b}', '\u{7}', '\r', '\n']));
        assert_eq!(said.chars().count(), MAX_SHOWN + 1);
    }
}
