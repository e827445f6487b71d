//! `config.toml`: read once at start, every key checked. A missing file means the defaults; an
//! unknown key or a bad value stops the program with the file, line and key.

pub(crate) mod check;
mod feeds;
mod size;
mod sync;

use std::num::{NonZeroU64, NonZeroUsize};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::text::sanitize::single_line;

pub use feeds::{FeedSettings, apply_to_feeds, settings_for, unmatched as unmatched_feed_settings};
pub use size::ByteSize;
pub use sync::{PASSWORD_ENV, SyncConfig, SyncKind};

/// Everything `config.toml` can set.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// How feeds are fetched.
    pub refresh: RefreshConfig,
    /// How long articles are kept.
    pub retention: RetentionConfig,
    /// How the reader looks and behaves.
    pub reader: ReaderConfig,
    /// How "read also" ranks related articles.
    pub related: crate::index::RelatedConfig,
    /// Saved searches shown in the sidebar: name = query.
    pub searches: std::collections::BTreeMap<String, String>,
    /// Per-feed settings, by feed URL or id: `[feeds."https://…"]`, `[feeds.12]`.
    pub feeds: std::collections::BTreeMap<String, FeedSettings>,
    /// The killfile: `[[kill]]` rules applied to new articles as they are stored.
    pub kill: Vec<KillRule>,
    /// A server to sync with (subscriptions, articles, read and starred state).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync: Option<SyncConfig>,
}

/// One `[[kill]]` rule: articles matching `query` are hidden or marked read when stored.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KillRule {
    /// A search, in the search syntax (`strike* -rail tag:news author:Smith` …); parsed when
    /// the config is read, and a query with a mistake stops the program with its line.
    #[serde(deserialize_with = "kill_query")]
    pub query: KillQuery,
    /// What to do with a matching article.
    #[serde(default)]
    pub action: KillAction,
    /// Only articles of these feeds (title, URL or id, as `feed:`); all feeds when empty.
    #[serde(default)]
    pub feeds: Vec<String>,
    /// A note for the reader of the file; not used.
    #[serde(default)]
    pub comment: Option<String>,
}

/// A killfile rule's query, as written and as parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KillQuery {
    /// As written in the file.
    pub text: String,
    /// Parsed once, when the config is read.
    pub parsed: crate::index::SearchQuery,
}

impl Serialize for KillQuery {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// What a killfile rule does.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum KillAction {
    /// Stored, but left out of every list, count and search (`is:hidden` finds it).
    #[default]
    Hide,
    /// Stored already read.
    Read,
}

fn kill_query<'de, D: serde::Deserializer<'de>>(d: D) -> Result<KillQuery, D::Error> {
    use serde::de::Error as _;
    let text = String::deserialize(d)?;
    let parsed = crate::index::SearchQuery::parse(&text);
    if let Some(problem) = parsed.problems.first() {
        // A long query is named by its start.
        let shown: String = text.chars().take(60).collect();
        let shown = if shown.len() < text.len() { format!("{shown}…") } else { shown };
        return Err(D::Error::custom(format!("{problem} (in the query `{shown}`)")));
    }
    if parsed.hidden {
        return Err(D::Error::custom("is:hidden cannot be part of a killfile rule"));
    }
    if parsed.is_empty() {
        return Err(D::Error::custom(format!(
            "the query `{text}` asks for nothing: give words or filters it must match"
        )));
    }
    if parsed.terms.is_empty() && !parsed.excluded.is_empty() {
        return Err(D::Error::custom(format!(
            "the query `{text}` has only excluded words, which match nothing (as in search): add a word it must match"
        )));
    }
    Ok(KillQuery { text, parsed })
}

/// The `[reader]` table.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // independent on/off settings, as written in the file
#[serde(deny_unknown_fields, default)]
pub struct ReaderConfig {
    /// Theme name: a builtin, or a file `themes/<name>.toml` in the config dir.
    pub theme: String,
    /// The widest the article text is set, in columns.
    pub max_width: std::num::NonZeroU16,
    /// Opening an article marks it read.
    pub mark_read_on_open: bool,
    /// Refresh every feed when the reader starts (after drawing from the cache).
    pub refresh_on_start: bool,
    /// Refresh every feed every this many minutes while the reader runs (0: never). Such runs
    /// (and `tidings refresh` without names) skip feeds not due; this is also every feed's
    /// interval unless `[feeds."…"] refresh_interval` sets its own.
    #[serde(deserialize_with = "check::minutes")]
    pub refresh_interval: u32,
    /// Mouse wheel scrolls and a click selects.
    pub mouse: bool,
    /// Show the sidebar of views, tags and feeds at start.
    pub sidebar: bool,
    /// The browser command, `%u` standing for the URL (default: `$BROWSER`). Run directly,
    /// never through a shell.
    pub browser: Option<String>,
    /// Whether the browser runs in the terminal (the reader steps aside until it exits) or in
    /// a window of its own (started and left to run). Unset: known terminal browsers (w3m,
    /// lynx, links, elinks …) by their name.
    pub browser_in_terminal: Option<bool>,
    /// Where the list and the article are side by side (100 columns and more), the article
    /// pane shows the selected article.
    pub preview: bool,
    /// Showing an article that way marks it read (otherwise only opening it does).
    pub mark_read_on_preview: bool,
    /// Marking an article read or unread marks the other sources of its story too.
    pub story_read: bool,
    /// Links in the article pane as OSC 8 hyperlinks (clickable, also when a long URL wraps):
    /// `"auto"` (unless the terminal is known not to take them: the Linux console, `dumb`,
    /// GNU screen outside tmux), `"always"` or `"never"`.
    pub hyperlinks: Hyperlinks,
    /// The command that plays an enclosure (podcast, video), an argument vector with `%u` for
    /// its URL, run directly (never through a shell): `["mpv", "--no-video", "%u"]`. Unset:
    /// `p` says how to set it.
    pub player: Option<Vec<String>>,
    /// The player runs in the terminal (the reader steps aside until it exits, as mpv does
    /// with audio); `false`: it is started and left to run in a window of its own.
    pub player_in_terminal: bool,
    /// The command that puts copied text on the clipboard (it reads the text on stdin), an
    /// argument vector: `["wl-copy"]`. Unset: outside SSH, wl-copy (Wayland), xclip or xsel
    /// (X11) or pbcopy (macOS) when found. OSC 52 is written to the terminal either way.
    pub copy_command: Option<Vec<String>>,
}

/// The `reader.hyperlinks` setting.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Hyperlinks {
    /// On, unless the terminal is known not to handle OSC 8.
    #[default]
    Auto,
    /// Always written.
    Always,
    /// Never written.
    Never,
}

impl Default for ReaderConfig {
    fn default() -> Self {
        Self {
            theme: "default".into(),
            max_width: std::num::NonZeroU16::new(100).unwrap_or(std::num::NonZeroU16::MIN),
            mark_read_on_open: true,
            story_read: true,
            refresh_on_start: true,
            refresh_interval: 0,
            mouse: true,
            sidebar: false,
            browser: None,
            browser_in_terminal: None,
            preview: true,
            mark_read_on_preview: false,
            hyperlinks: Hyperlinks::Auto,
            player: None,
            player_in_terminal: true,
            copy_command: None,
        }
    }
}

/// The `[refresh]` table.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct RefreshConfig {
    /// Feeds fetched at once, over all hosts.
    #[serde(deserialize_with = "check::parallel")]
    pub concurrency: NonZeroUsize,
    /// Feeds fetched at once from one host.
    #[serde(deserialize_with = "check::parallel")]
    pub per_host: NonZeroUsize,
    /// Seconds to wait for a connection.
    #[serde(deserialize_with = "check::seconds")]
    pub connect_timeout: NonZeroU64,
    /// Seconds one feed's whole request may take, body included.
    #[serde(deserialize_with = "check::seconds")]
    pub timeout: NonZeroU64,
    /// The largest body accepted, counted after decompression.
    #[serde(deserialize_with = "check::body_cap")]
    pub max_body: ByteSize,
    /// Redirects followed before giving up.
    pub max_redirects: u8,
    /// The User-Agent header; default `tidings/<version>`.
    #[serde(deserialize_with = "check::user_agent")]
    pub user_agent: Option<String>,
    /// A proxy URL (`http://`, `https://`, `socks5://`), or `"none"`; default: the environment's
    /// `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` and `NO_PROXY`.
    #[serde(deserialize_with = "proxy_setting")]
    pub proxy: Option<Proxy>,
    /// Pages fetched on a feed's behalf (full text, the feed a page advertises) may be on
    /// private addresses (this machine, the local network) other than the feed's own server.
    pub allow_private_pages: bool,
}

/// The `proxy` key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Proxy {
    /// Connect directly, whatever the environment says.
    None,
    /// Connect through this proxy.
    Url(String),
}

impl Serialize for Proxy {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Proxy::None => s.serialize_str("none"),
            Proxy::Url(url) => s.serialize_str(url),
        }
    }
}

/// The `[retention]` table.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    /// Articles older than this many days are removed (0: keep forever). Starred ones stay.
    #[serde(deserialize_with = "check::days")]
    pub keep_days: u32,
    /// At most this many articles are kept per feed, newest first (0: no limit). Starred ones stay.
    pub keep_per_feed: u32,
    /// An unsubscribed feed's articles are kept this many days (at least 1), so that
    /// subscribing again (or `U` in the reader) brings them back; starred ones stay for good.
    #[serde(deserialize_with = "at_least_one_day")]
    pub keep_unsubscribed_days: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self { keep_days: 0, keep_per_feed: 0, keep_unsubscribed_days: 7 }
    }
}

fn at_least_one_day<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    use serde::de::Error as _;
    let days = u32::deserialize(d)?;
    if days == 0 {
        return Err(D::Error::custom(
            "must be at least 1 (the days an unsubscribed feed's articles are kept for undo)",
        ));
    }
    Ok(days)
}

impl Default for RefreshConfig {
    fn default() -> Self {
        Self {
            concurrency: NonZeroUsize::new(32).unwrap_or(NonZeroUsize::MIN),
            per_host: NonZeroUsize::new(4).unwrap_or(NonZeroUsize::MIN),
            connect_timeout: NonZeroU64::new(10).unwrap_or(NonZeroU64::MIN),
            timeout: NonZeroU64::new(60).unwrap_or(NonZeroU64::MIN),
            max_body: ByteSize(16 * 1024 * 1024),
            max_redirects: 10,
            user_agent: None,
            proxy: None,
            allow_private_pages: false,
        }
    }
}

impl RefreshConfig {
    /// The connect timeout as a duration.
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout.get())
    }

    /// The per-request timeout as a duration.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout.get())
    }

    /// The User-Agent header to send.
    pub fn user_agent(&self) -> String {
        self.user_agent.clone().unwrap_or_else(default_user_agent)
    }
}

/// `tidings/<version> (+https://github.com/tidings-rs/tidings)`.
pub fn default_user_agent() -> String {
    format!("tidings/{} (terminal feed reader)", env!("CARGO_PKG_VERSION"))
}

fn proxy_setting<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Proxy>, D::Error> {
    let raw = String::deserialize(d)?;
    let trimmed = raw.trim();
    if trimmed.eq_ignore_ascii_case("none") || trimmed.is_empty() {
        return Ok(Some(Proxy::None));
    }
    let parsed = url::Url::parse(trimmed)
        .map_err(|e| serde::de::Error::custom(format!("`{trimmed}` is not a proxy URL ({e})")))?;
    match parsed.scheme() {
        "http" | "https" | "socks5" | "socks5h" => Ok(Some(Proxy::Url(trimmed.to_string()))),
        other => Err(serde::de::Error::custom(format!(
            "proxy scheme `{other}` is not supported; use http, https, socks5 or \"none\""
        ))),
    }
}

/// Why the configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The config file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has a bad key or value.
    #[error("{}:{line}: {key}: {message}", path.display())]
    Invalid {
        /// The config file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// The dotted key (`refresh.concurrency`), or `-` when no key is involved.
        key: String,
        /// What is wrong.
        message: String,
    },
}

impl Config {
    /// Reads `path`; a missing file gives the defaults.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(ConfigError::Read { path: path.to_path_buf(), source }),
        }
    }

    /// Parses the text of a config file; `path` only names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let (line, key) = locate(text, offset);
            // Both repeat what the file says, which may hold escape sequences.
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                key: single_line(&key),
                message: single_line(e.message()),
            }
        })
    }
}

/// The 1-based line of `offset` and the dotted key written there (table prefix included).
fn locate(text: &str, offset: usize) -> (usize, String) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line_no = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("").trim();
    let mut table = String::new();
    for earlier in before[..line_start].lines().rev() {
        let t = earlier.trim();
        if t.starts_with('[') {
            table = t.trim_matches(|c| c == '[' || c == ']').trim().to_string();
            break;
        }
    }
    let key = if line.starts_with('[') {
        line.trim_matches(|c| c == '[' || c == ']').trim().to_string()
    } else if let Some((k, _)) = line.split_once('=') {
        let k = k.trim().trim_matches('"');
        if table.is_empty() { k.to_string() } else { format!("{table}.{k}") }
    } else {
        "-".to_string()
    };
    (line_no, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/x/config.toml"))
    }

    #[test]
    fn empty_file_is_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
        assert_eq!(Config::default().refresh.concurrency.get(), 32);
        assert_eq!(Config::default().refresh.per_host.get(), 4);
    }

    #[test]
    fn values_are_read() {
        let c = parse(
            "[refresh]\nconcurrency = 8\nmax_body = \"2 MiB\"\nproxy = \"socks5://127.0.0.1:1080\"\n[retention]\nkeep_days = 30\n",
        )
        .unwrap();
        assert_eq!(c.refresh.concurrency.get(), 8);
        assert_eq!(c.refresh.max_body, ByteSize(2 * 1024 * 1024));
        assert_eq!(c.refresh.proxy, Some(Proxy::Url("socks5://127.0.0.1:1080".into())));
        assert_eq!(c.retention.keep_days, 30);
        let r = parse("[reader]\ntheme = \"gruvbox\"\nmax_width = 72\nrefresh_on_start = false\n")
            .unwrap()
            .reader;
        assert_eq!((r.theme.as_str(), r.max_width.get(), r.refresh_on_start), ("gruvbox", 72, false));
        assert!(parse("[reader]\nmax_width = 0\n").is_err());
        assert_eq!(parse("[refresh]\nproxy = \"none\"").unwrap().refresh.proxy, Some(Proxy::None));
    }

    #[test]
    fn related_and_searches_are_read() {
        let c = parse(
            "[related]\nrecency_weight = 0.5\nfeedback = 0\n[reader]\nstory_read = false\n[searches]\n\"Rail\" = \"strike* tag:rail is:unread\"\n",
        )
        .unwrap();
        assert!((c.related.recency_weight - 0.5).abs() < 1e-6 && c.related.feedback.abs() < 1e-6);
        assert!((c.related.half_life_days - 30.0).abs() < 1e-6, "unset keys keep their defaults");
        assert!(!c.reader.story_read);
        assert_eq!(c.searches.get("Rail").map(String::as_str), Some("strike* tag:rail is:unread"));
        let err = parse("[related]\nrecency = 1\n").unwrap_err().to_string();
        assert!(err.contains("related.recency"), "{err}");
    }

    #[test]
    fn link_settings_are_read() {
        let r = parse(
            "[reader]\nhyperlinks = \"never\"\nplayer = [\"mpv\", \"--no-video\", \"%u\"]\nplayer_in_terminal = false\ncopy_command = [\"xsel\", \"-b\"]\n",
        )
        .unwrap()
        .reader;
        assert_eq!(r.hyperlinks, Hyperlinks::Never);
        assert_eq!(r.player, Some(vec!["mpv".into(), "--no-video".into(), "%u".into()]));
        assert!(!r.player_in_terminal);
        assert_eq!(r.copy_command, Some(vec!["xsel".into(), "-b".into()]));
        assert_eq!(Config::default().reader.hyperlinks, Hyperlinks::Auto);
        let err = parse("[reader]\nhyperlinks = \"sometimes\"\n").unwrap_err().to_string();
        assert!(err.contains(":2: reader.hyperlinks:"), "{err}");
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let err = parse("[refresh]\nconcurrency = 8\nconcurency = 9\n").unwrap_err().to_string();
        assert!(err.starts_with("/x/config.toml:3: refresh.concurency: unknown field"), "{err}");
    }

    #[test]
    fn bad_values_name_their_key() {
        let err = parse("\n[refresh]\nper_host = 0\n").unwrap_err().to_string();
        assert!(err.starts_with("/x/config.toml:3: refresh.per_host:"), "{err}");
        let err = parse("[refresh]\ntimeout = \"soon\"\n").unwrap_err().to_string();
        assert!(err.contains(":2: refresh.timeout:"), "{err}");
        let err = parse("[refresh]\nproxy = \"ftp://x\"\n").unwrap_err().to_string();
        assert!(err.contains(":2: refresh.proxy: proxy scheme `ftp`"), "{err}");
        let err = parse("[refresh]\nmax_body = \"lots\"\n").unwrap_err().to_string();
        assert!(err.contains(":2: refresh.max_body:"), "{err}");
    }

    #[test]
    fn unknown_table_and_broken_toml_are_errors() {
        let err = parse("[refrsh]\nconcurrency = 1\n").unwrap_err().to_string();
        assert!(err.contains(":1: refrsh: unknown field"), "{err}");
        let err = parse("[refresh\n").unwrap_err().to_string();
        assert!(err.starts_with("/x/config.toml:1:"), "{err}");
    }

    #[test]
    fn per_feed_settings_are_read_by_url_and_id() {
        let c = parse(
            "[feeds.\"https://example.org/feed.xml\"]\ntitle = \"Example\"\ntags = [\"a\", \"b\"]\nrefresh_interval = 120\nkeep = 50\nfull_text = true\nuser_agent = \"bot/1\"\nheaders = { Authorization = \"Bearer x\" }\n[feeds.12]\nkeep = 5\n",
        )
        .unwrap();
        let id = crate::domain::FeedId(1);
        let s = settings_for(&c.feeds, id, "https://example.org/feed.xml/").unwrap();
        assert_eq!(s.title.as_deref(), Some("Example"));
        assert_eq!((s.refresh_interval, s.keep, s.full_text()), (Some(120), Some(50), true));
        assert_eq!(s.headers.get("Authorization").map(String::as_str), Some("Bearer x"));
        assert_eq!(s.user_agent.as_deref(), Some("bot/1"));
        let by_id = settings_for(&c.feeds, crate::domain::FeedId(12), "https://other/").unwrap();
        assert_eq!(by_id.keep, Some(5));
        assert!(settings_for(&c.feeds, crate::domain::FeedId(3), "https://other/").is_none());
        let warnings = unmatched_feed_settings(&c.feeds, &[(id, "https://example.org/feed.xml".into())]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("[feeds.\"12\"] names no subscribed feed"), "{warnings:?}");
    }

    #[test]
    fn configured_titles_show_without_being_stored() {
        let c = parse("[feeds.2]\ntitle = \"Mine\"\ntags = [\"News\", \"extra\"]\n").unwrap();
        let feed = |id| crate::domain::Feed {
            id: crate::domain::FeedId(id),
            title: "Own".into(),
            url: format!("https://x/{id}"),
            site_url: None,
            unread: 0,
            total: 0,
            last_fetch: None,
            last_status: None,
            last_error: None,
            failures: 0,
            source: None,
            tags: vec!["news".into()],
        };
        let mut feeds = vec![feed(1), feed(2)];
        apply_to_feeds(&c.feeds, &mut feeds);
        assert_eq!((feeds[0].title.as_str(), feeds[0].tags.len()), ("Own", 1));
        assert_eq!(feeds[1].title, "Mine");
        assert_eq!(feeds[1].tags, vec!["news"], "tags are stored by Store::set_config_tags, not shown here");
    }

    #[test]
    fn bad_per_feed_settings_name_file_and_line() {
        let err =
            parse("[feeds.\"https://x/\"]\nheaders = { \"Bad Name\" = \"v\" }\n").unwrap_err().to_string();
        assert!(err.starts_with("/x/config.toml:2: feeds.\"https://x/\".headers:"), "{err}");
        assert!(err.contains("not a valid HTTP header name"), "{err}");
        let err = parse("[feeds.1]\n\nheaders = { X = \"a\\nb\" }\n").unwrap_err().to_string();
        assert!(err.contains(":3:") && err.contains("must be text on one line"), "{err}");
        let err = parse("[feeds.1]\nrefresh = 5\n").unwrap_err().to_string();
        assert!(err.contains(":2: feeds.1.refresh: unknown field"), "{err}");
    }

    #[test]
    fn kill_rules_are_parsed_and_checked() {
        let c = parse(
            "[[kill]]\nquery = \"crypto* -rust\"\n\n[[kill]]\nquery = \"tag:sport\"\naction = \"read\"\nfeeds = [\"Daily\"]\ncomment = \"no sport\"\n",
        )
        .unwrap();
        assert_eq!(c.kill.len(), 2);
        assert_eq!(c.kill[0].action, KillAction::Hide, "hide is the default");
        assert_eq!(c.kill[0].query.parsed.excluded.len(), 1);
        assert_eq!(
            (c.kill[1].action, c.kill[1].feeds.as_slice()),
            (KillAction::Read, &["Daily".to_string()][..])
        );
        for (text, says) in [
            ("[[kill]]\nquery = \"after:yesterday\"\n", ":2: kill.query: after:yesterday: not a date"),
            ("[[kill]]\nquery = \"-rust\"\n", ":2: kill.query: the query `-rust`"),
            ("[[kill]]\nquery = \"\"\n", ":2: kill.query: the query ``"),
            ("\n[[kill]]\nquery = \"is:hidden\"\n", ":3: kill.query: is:hidden"),
            ("[[kill]]\nquery = \"x\"\naction = \"delete\"\n", ":3: kill.action: unknown variant"),
            ("[[kill]]\nquery = \"x\"\nqurey = 1\n", ":3: kill.qurey: unknown field"),
        ] {
            let err = parse(text).unwrap_err().to_string();
            assert!(err.contains(says), "{text:?}: {err}");
        }
    }

    #[test]
    fn missing_file_is_defaults() {
        let c = Config::load(Path::new("/nonexistent/tidings/config.toml")).unwrap();
        assert_eq!(c, Config::default());
    }
}
