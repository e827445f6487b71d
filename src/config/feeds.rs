//! Per-feed settings: `[feeds."https://example.org/feed.xml"]` or `[feeds.12]` (the feed's id)
//! tables in `config.toml`. Header names and values are checked when the file is read, so a bad
//! one stops the program with its file and line instead of failing every refresh.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::domain::FeedId;

/// One `[feeds."…"]` table.
#[derive(Clone, Debug, Default, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct FeedSettings {
    /// The title shown for the feed, instead of its own (and of one given to `tidings add`).
    pub title: Option<String>,
    /// Tags added to the feed's own (stored as tags, replaced whenever the config is read).
    pub tags: Vec<String>,
    /// Check the feed at most every this many minutes in automatic refreshes (the reader's
    /// periodic one and `tidings refresh` without names); default `reader.refresh_interval`.
    #[serde(deserialize_with = "super::check::some_minutes")]
    pub refresh_interval: Option<u32>,
    /// At most this many articles are kept, newest first (0: no limit); overrides
    /// `retention.keep_per_feed`. Starred ones stay.
    pub keep: Option<u32>,
    /// Fetch the full article text for new articles.
    pub full_text: bool,
    /// The User-Agent header for this feed; default `refresh.user_agent`.
    #[serde(deserialize_with = "super::check::user_agent")]
    pub user_agent: Option<String>,
    /// Extra request headers, name = value (`Authorization = "Bearer …"`).
    #[serde(deserialize_with = "headers")]
    pub headers: BTreeMap<String, String>,
}

impl FeedSettings {
    /// Whether new articles of this feed get their full text fetched.
    pub fn full_text(&self) -> bool {
        self.full_text
    }
}

/// The settings that apply to the feed `id` at `url`: the table named by its id, else the one
/// named by its URL (a trailing `/` does not matter).
pub fn settings_for<'a>(
    all: &'a BTreeMap<String, FeedSettings>,
    id: FeedId,
    url: &str,
) -> Option<&'a FeedSettings> {
    if all.is_empty() {
        return None;
    }
    all.get(&id.0.to_string()).or_else(|| all.get(url)).or_else(|| {
        let bare = url.trim_end_matches('/');
        all.iter().find(|(key, _)| key.trim_end_matches('/') == bare).map(|(_, s)| s)
    })
}

/// Shows the configured titles on `feeds` (as listed by the store). They are applied when
/// shown, never written to the database: the stored title (the feed's own, or one given to
/// `tidings add`) stays, and removing a setting brings it back. (Configured tags are stored,
/// marked as such: `Store::set_config_tags`.)
pub fn apply_to_feeds(all: &BTreeMap<String, FeedSettings>, feeds: &mut [crate::domain::Feed]) {
    for feed in feeds {
        let Some(settings) = settings_for(all, feed.id, &feed.url) else { continue };
        let title = settings.title.as_deref().map(crate::text::sanitize::single_line);
        if let Some(title) = title.filter(|t| !t.is_empty()) {
            feed.title = title;
        }
    }
}

/// A warning for each settings table that names no subscribed feed (`feeds` as id and URL).
pub fn unmatched(all: &BTreeMap<String, FeedSettings>, feeds: &[(FeedId, String)]) -> Vec<String> {
    all.keys()
        .filter(|key| {
            !feeds.iter().any(|(id, url)| {
                key.as_str() == id.0.to_string() || key.trim_end_matches('/') == url.trim_end_matches('/')
            })
        })
        .map(|key| {
            format!(
                "config.toml: [feeds.\"{key}\"] names no subscribed feed (use its URL or id from `tidings feeds`)"
            )
        })
        .collect()
}

fn headers<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let raw = BTreeMap::<String, String>::deserialize(d)?;
    for (name, value) in &raw {
        if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(serde::de::Error::custom(format!(
                "`{name}` is not a valid HTTP header name (letters, digits and -_ only)"
            )));
        }
        if reqwest::header::HeaderValue::from_str(value).is_err() {
            return Err(serde::de::Error::custom(format!(
                "the value of header `{name}` must be text on one line, without control characters"
            )));
        }
    }
    Ok(raw)
}
