//! The nouns of tidings: feeds, articles and their ids, independent of storage and network.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// The database id of a subscribed feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct FeedId(pub i64);

/// The database id of a cached article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ArticleId(pub i64);

impl std::fmt::Display for FeedId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Display for ArticleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A subscription with its refresh bookkeeping and article counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Feed {
    /// Database id.
    pub id: FeedId,
    /// The title shown to the user: the one they gave, else the feed's own, else the URL.
    pub title: String,
    /// The URL fetched on refresh.
    pub url: String,
    /// The web site the feed belongs to, when the feed names one.
    pub site_url: Option<String>,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Unread articles in the cache.
    pub unread: u64,
    /// All articles in the cache.
    pub total: u64,
    /// When the feed was last checked (successfully or not).
    pub last_fetch: Option<DateTime<Utc>>,
    /// The HTTP status of the last check, when one was received.
    pub last_status: Option<u16>,
    /// Why the last check failed, when it did.
    pub last_error: Option<String>,
    /// Consecutive failed checks.
    pub failures: u32,
    /// The sync protocol of the server that holds this feed ("greader"); `None` for a feed
    /// tidings fetches itself (shown as "local").
    #[serde(serialize_with = "source_name")]
    pub source: Option<String>,
}

/// A feed's source as `--json` shows it: the sync protocol, or "local".
#[allow(clippy::ref_option)] // serde's serialize_with signature
fn source_name<S: serde::Serializer>(source: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(source.as_deref().unwrap_or("local"))
}

/// A subscription to make: the URL, and the title and tags the user chose.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewFeed {
    /// The feed's URL.
    pub url: String,
    /// A title chosen by the user.
    pub title: Option<String>,
    /// Tags chosen by the user.
    pub tags: Vec<String>,
}

/// An article as the list shows it: everything but the body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArticleSummary {
    /// Database id.
    pub id: ArticleId,
    /// The feed it came from.
    pub feed_id: FeedId,
    /// That feed's display title.
    pub feed_title: String,
    /// Plain-text title.
    pub title: String,
    /// Absolute link to the article on the web.
    pub link: Option<String>,
    /// Author name.
    pub author: Option<String>,
    /// The date the list sorts by: published, else updated, else when first seen.
    pub published: DateTime<Utc>,
    /// Whether the user has read it.
    pub read: bool,
    /// Whether the user starred it.
    pub starred: bool,
    /// Its same-story group (the id of the group's first article), if it is in one.
    pub story: Option<i64>,
    /// Other feeds with an article in its story (its own feed is never counted).
    pub sources: u32,
}

/// A story on the "Top stories" page: its newest report, and the feeds that covered it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TopStory {
    /// Its newest article: the row shows it, Enter opens it (the others are its "read also").
    pub article: ArticleSummary,
    /// The feeds with an article in it, each once: the newest article's first, then the others
    /// by their latest report.
    pub feeds: Vec<String>,
    /// Its unread articles, newest first (what marking the whole story read changes).
    pub unread: Vec<ArticleId>,
}

/// A day's stories, most covered first: the front page made from the user's own feeds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TopStories {
    /// The end of the day shown: now, or the newest story's date when the last 24 hours had
    /// none (see `earlier`).
    pub until: DateTime<Utc>,
    /// The last 24 hours had no story covered by two feeds: this is the newest day that had.
    pub earlier: bool,
    /// The stories, by how many feeds cover them, then newest first.
    pub stories: Vec<TopStory>,
}

/// An enclosure (podcast audio, attached image …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Enclosure {
    /// Absolute URL.
    pub url: String,
    /// MIME type, when given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub mime: Option<String>,
    /// Size in bytes, when given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub length: Option<u64>,
}

/// File name extensions taken to mean an image when an enclosure gives no MIME type.
const IMAGE_EXTENSIONS: [&str; 7] = ["jpg", "jpeg", "png", "gif", "webp", "svg", "avif"];

impl Enclosure {
    /// Whether this is an image (feeds attach avatars and thumbnails this way): its MIME type is
    /// `image/…`, or, when it gives none, its URL's path ends in a common image extension (jpg,
    /// jpeg, png, gif, webp, svg, avif; any case, query and fragment ignored).
    pub fn is_image(&self) -> bool {
        match self.mime.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            Some(mime) => mime.get(..6).is_some_and(|kind| kind.eq_ignore_ascii_case("image/")),
            None => url_path_extension(&self.url)
                .is_some_and(|ext| IMAGE_EXTENSIONS.iter().any(|image| ext.eq_ignore_ascii_case(image))),
        }
    }
}

/// The extension of the last segment of a URL's path (`png` for `https://h/a/b.png?s=64`), if it
/// has one. A URL that does not parse is read as a path.
fn url_path_extension(url: &str) -> Option<String> {
    let path = match url::Url::parse(url.trim()) {
        Ok(parsed) => parsed.path().to_owned(),
        Err(_) => url.split(['?', '#']).next().unwrap_or_default().to_owned(),
    };
    let name = path.rsplit('/').next().unwrap_or_default();
    let (stem, extension) = name.rsplit_once('.')?;
    (!stem.is_empty() && !extension.is_empty()).then(|| extension.to_owned())
}

/// A whole article: the summary plus what the article pane shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Article {
    /// Everything the list shows.
    pub summary: ArticleSummary,
    /// When the article was last updated, if the feed says.
    pub updated: Option<DateTime<Utc>>,
    /// Categories, in feed order.
    pub categories: Vec<String>,
    /// Summary HTML, if any.
    pub summary_html: Option<String>,
    /// Full content HTML, if any.
    pub content_html: Option<String>,
    /// Enclosures.
    pub enclosures: Vec<Enclosure>,
    /// The article's text as extracted from its web page, when it was fetched (`F`).
    pub full_text: Option<FullText>,
}

/// An article's main text, extracted from its web page and kept in the cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FullText {
    /// The extracted HTML (shown through the same renderer and sanitiser as feed content).
    pub html: String,
    /// The page it was extracted from (after redirects).
    pub url: String,
    /// When it was fetched.
    pub fetched: DateTime<Utc>,
}

impl Article {
    /// What the article pane shows: the full text when it was fetched, else
    /// [`Article::body_html`].
    pub fn reading_html(&self) -> &str {
        match &self.full_text {
            Some(full) => &full.html,
            None => self.body_html(),
        }
    }

    /// The richest body available: the content when present, else the summary.
    pub fn body_html(&self) -> &str {
        match (&self.content_html, &self.summary_html) {
            (Some(c), _) if !c.trim().is_empty() => c,
            (_, Some(s)) => s,
            (Some(c), None) => c,
            (None, None) => "",
        }
    }
}

/// How a list of articles is filtered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArticleFilter {
    /// Only this feed.
    pub feed: Option<FeedId>,
    /// Only feeds with this tag.
    pub tag: Option<String>,
    /// Only unread articles.
    pub unread: bool,
    /// Only starred articles.
    pub starred: bool,
    /// Only articles whose title or text matches these words.
    pub search: Option<String>,
    /// One row per story: an article is left out when a newer article of its story is in the
    /// same list (which shows how many other sources it has).
    pub one_per_story: bool,
}

/// A position in the newest-first order, for keyset pagination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// The sort time of the last row seen, in Unix seconds.
    pub time: i64,
    /// The id of the last row seen (ties on time are broken by id, descending).
    pub id: ArticleId,
}

/// A feed document after parsing and normalising, ready to store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedFeed {
    /// The feed's own title, plain text.
    pub title: Option<String>,
    /// The web site it belongs to.
    pub site_url: Option<String>,
    /// Its entries, in document order.
    pub entries: Vec<NewArticle>,
    /// RSS `<ttl>`: minutes the feed may be cached before it is checked again.
    pub ttl: Option<u32>,
}

/// One normalised entry of a feed document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewArticle {
    /// Stable identity within the feed: entry id, else link, else a hash of title and date.
    pub key: String,
    /// Plain-text title (never empty: falls back to a snippet of the text or "(untitled)").
    pub title: String,
    /// Absolute link.
    pub link: Option<String>,
    /// Author name.
    pub author: Option<String>,
    /// Publication time, when given.
    pub published: Option<DateTime<Utc>>,
    /// Last update time, when given.
    pub updated: Option<DateTime<Utc>>,
    /// Category labels.
    pub categories: Vec<String>,
    /// Summary HTML.
    pub summary_html: Option<String>,
    /// Content HTML.
    pub content_html: Option<String>,
    /// Enclosures.
    pub enclosures: Vec<Enclosure>,
}

impl NewArticle {
    /// The date the entry carries: published, else updated.
    pub fn date(&self) -> Option<DateTime<Utc>> {
        self.published.or(self.updated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enclosure(url: &str, mime: Option<&str>) -> Enclosure {
        Enclosure { url: url.into(), mime: mime.map(Into::into), length: None }
    }

    #[test]
    fn an_image_mime_type_makes_an_image() {
        for mime in ["image/jpeg", "image/png", "IMAGE/WebP", " image/svg+xml; charset=utf-8"] {
            assert!(enclosure("https://e.com/avatar", Some(mime)).is_image(), "{mime}");
        }
        for mime in ["audio/mpeg", "video/mp4", "application/pdf", "imagery/x", "text/image"] {
            // The type decides, whatever the URL says.
            assert!(!enclosure("https://e.com/cover.jpg", Some(mime)).is_image(), "{mime}");
        }
    }

    #[test]
    fn without_a_mime_type_the_url_extension_decides() {
        for url in [
            "https://e.com/a/photo.jpg",
            "https://e.com/a/photo.JPEG?size=64",
            "https://e.com/p.png#top",
            "https://e.com/anim.gif",
            "https://e.com/x.webp",
            "https://e.com/logo.svg",
            "https://e.com/new.avif",
            "/relative/thumb.png?w=100",
        ] {
            assert!(enclosure(url, None).is_image(), "{url}");
            assert!(enclosure(url, Some("  ")).is_image(), "{url} with a blank type");
        }
        for url in [
            "https://e.com/episode.mp3",
            "https://e.com/talk.mp4?t=1",
            "https://e.com/paper.pdf",
            "https://e.com/download",
            "https://cdn.png/",
            "https://e.com/.png",
            "https://e.com/file.png/download",
            "https://e.com/page?img=a.png",
            "",
        ] {
            assert!(!enclosure(url, None).is_image(), "{url}");
        }
    }
}
