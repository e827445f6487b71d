//! HTTP for feeds: conditional GET, redirects followed by hand (so permanent ones can move the
//! subscription and loops are named), decompressed bodies streamed under a cap, Retry-After.

mod classify;
mod private;
pub(crate) use classify::{chain as error_chain, root_message};
pub use private::is_private;
// `retry_after` is shared with the sync client.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use url::Url;

use tracing::warn;

use super::pool::{BufferPool, PooledBuf};
use crate::config::{Proxy, RefreshConfig};
use classify::{Cause, cause, chain};

/// What we accept, best first.
const ACCEPT: &str = "application/atom+xml, application/rss+xml, application/feed+json, application/json;q=0.9, \
     application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1";

/// Why a fetch failed: one sentence a user can act on. The full error chain behind a network
/// failure goes to the log, never into the message.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The address cannot be fetched at all (the message says why; the caller names the URL).
    #[error("{0}")]
    BadUrl(String),
    /// A local source (`file:` or `exec:`) failed; the message names it and says why.
    #[error("{0}")]
    Local(String),
    /// The server answered with an error status.
    #[error("the server answered {}", status_text(*status, reason.as_deref(), *retry_after))]
    Status {
        /// The status code.
        status: u16,
        /// Its reason phrase.
        reason: Option<String>,
        /// When to ask again, from Retry-After (429 and 503).
        retry_after: Option<DateTime<Utc>>,
    },
    /// Redirects went in a circle.
    #[error("redirect loop: {0} was visited twice")]
    RedirectLoop(String),
    /// More redirects than allowed.
    #[error("too many redirects (more than {0}, refresh.max_redirects)")]
    TooManyRedirects(u8),
    /// A redirect to something other than http(s): `file:`, `exec:` … are never followed.
    #[error("the server redirected to a `{0}:` address; only http:// and https:// redirects are followed")]
    RedirectScheme(String),
    /// A redirect status without a usable Location.
    #[error("the server answered {0} (a redirect) without a valid Location header")]
    BadRedirect(u16),
    /// The body is bigger than the configured cap.
    #[error("response larger than the {0} limit (refresh.max_body)")]
    TooLarge(crate::config::ByteSize),
    /// No (complete) answer in time.
    #[error("no answer from {host} within {secs} s")]
    Timeout {
        /// The host (and port, if the URL names one).
        host: String,
        /// The limit that ran out (refresh.connect_timeout or refresh.timeout).
        secs: u64,
    },
    /// No connection could be made.
    #[error("cannot reach {host}: {why}")]
    Unreachable {
        /// The host (and port, if the URL names one).
        host: String,
        /// Why.
        why: ConnectFailure,
    },
    /// The connection was made but TLS could not be set up.
    #[error("TLS handshake with {host} failed: {reason}")]
    Tls {
        /// The host (and port, if the URL names one).
        host: String,
        /// A short reason.
        reason: String,
    },
    /// A page fetched on a feed's behalf is on a private address ([`is_private`]) other than
    /// the feed's own server.
    #[error("refused to fetch {url}: {why}; set refresh.allow_private_pages = true to allow it")]
    Private {
        /// The page (the hop of a redirect chain that was refused).
        url: String,
        /// `a private address`, or which private address its name resolves to.
        why: String,
    },
    /// The connection failed after it was made (reset, broken body …).
    #[error("the connection to {host} failed: {detail}")]
    Network {
        /// The host (and port, if the URL names one).
        host: String,
        /// A short reason.
        detail: String,
    },
}

/// Why no connection could be made to a host.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConnectFailure {
    /// The host name does not resolve.
    #[error("the name does not resolve (check the address or the network)")]
    NoSuchHost,
    /// Nothing listens on that port.
    #[error("connection refused")]
    Refused,
    /// Anything else, in a few words.
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    /// The HTTP status, when the failure came with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// True when no HTTP exchange happened because no usable connection could be made
    /// (refused, TLS failure, timeout, …), but the name did resolve: another scheme may work.
    pub fn could_not_connect(&self) -> bool {
        match self {
            Self::Unreachable { why, .. } => *why != ConnectFailure::NoSuchHost,
            Self::Tls { .. } | Self::Timeout { .. } => true,
            _ => false,
        }
    }
}

/// `404 Not Found`, `503 Service Unavailable; retrying after 14:05`.
fn status_text(status: u16, reason: Option<&str>, retry_after: Option<DateTime<Utc>>) -> String {
    let mut text = status.to_string();
    if let Some(reason) = reason {
        text.push(' ');
        text.push_str(reason);
    }
    if let Some(at) = retry_after {
        text.push_str("; retrying after ");
        text.push_str(&local_clock(at, chrono::Local::now()));
    }
    text
}

/// A time as the user's clock shows it: `14:05` today, `2026-11-28 14:05` on another day.
fn local_clock(at: DateTime<Utc>, now: DateTime<chrono::Local>) -> String {
    let local = at.with_timezone(&chrono::Local);
    if local.date_naive() == now.date_naive() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// Validators from the last full response, sent back so an unchanged feed costs a 304.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validators {
    /// ETag.
    pub etag: Option<String>,
    /// Last-Modified.
    pub last_modified: Option<String>,
}

/// What one feed's requests carry besides the client's defaults (`[feeds."…"]` settings).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestExtras {
    /// A User-Agent replacing `refresh.user_agent`.
    pub user_agent: Option<String>,
    /// Extra headers, name and value (checked when the config was read; bad ones are skipped).
    pub headers: Vec<(String, String)>,
}

/// A response worth looking at.
#[derive(Debug)]
pub struct Fetched {
    /// Final status: 200-class, or 304.
    pub status: u16,
    /// The URL that answered.
    pub final_url: String,
    /// Where the permanent redirects at the start of the chain lead, if there were any.
    pub moved_to: Option<String>,
    /// Content-Type, if any.
    pub content_type: Option<String>,
    /// Validators for the next request.
    pub validators: Validators,
    /// Until when the server says the response stays fresh (Cache-Control max-age, else
    /// Expires); `None` when it says nothing or forbids caching.
    pub fresh_until: Option<DateTime<Utc>>,
    /// The decompressed body (empty for 304).
    pub body: PooledBuf,
    /// The share of the body budget this body holds; dropping it (after parsing) frees it.
    pub budget: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl Fetched {
    /// True for 304 Not Modified.
    pub fn not_modified(&self) -> bool {
        self.status == StatusCode::NOT_MODIFIED.as_u16()
    }

    /// The `charset` parameter of Content-Type.
    pub fn charset(&self) -> Option<&str> {
        let ct = self.content_type.as_deref()?;
        ct.split(';').skip(1).find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim().eq_ignore_ascii_case("charset").then(|| v.trim().trim_matches('"'))
        })
    }
}

/// Bodies held in memory at once (downloaded, not yet parsed) are limited to this many KiB.
/// With no network latency, downloads outrun parsing; without a limit, every fetch slot would
/// sit on a full body. A fetch reserves its share once, before reading, so reservations never
/// wait on each other.
const BODY_BUDGET_KIB: u32 = 16 * 1024;
/// One body reserves at most this share of the budget (and at least 64 KiB).
const BODY_SHARE_MAX_KIB: u32 = BODY_BUDGET_KIB / 4;

/// On whose behalf a fetch is made.
#[derive(Clone, Copy, Debug)]
enum Behalf<'a> {
    /// A subscribed feed (or an address the user gave): fetched wherever it is.
    Feed,
    /// A page a feed (at this address, if it is one) or a page pointed to.
    PageOf(Option<&'a Url>),
}

/// The HTTP client, shared by every fetch of a run (connections are reused).
#[derive(Clone, Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    /// The client for pages fetched on a feed's behalf: its resolver keeps only public
    /// addresses. `None` with `refresh.allow_private_pages`.
    pages: Option<reqwest::Client>,
    max_body: crate::config::ByteSize,
    max_redirects: u8,
    connect_timeout: Duration,
    timeout: Duration,
    budget: Arc<tokio::sync::Semaphore>,
    buffers: Arc<BufferPool>,
}

impl Fetcher {
    /// Builds the client from the `[refresh]` settings.
    pub fn new(cfg: &RefreshConfig) -> Result<Self, FetchError> {
        let client = build_client(cfg, None)?;
        let pages = if cfg.allow_private_pages {
            None
        } else {
            let resolver = private::Resolver { exempt: private::proxy_hosts(cfg.proxy.as_ref()) };
            Some(build_client(cfg, Some(resolver))?)
        };
        Ok(Self {
            client,
            pages,
            max_body: cfg.max_body,
            max_redirects: cfg.max_redirects,
            connect_timeout: cfg.connect_timeout(),
            timeout: cfg.timeout(),
            budget: Arc::new(tokio::sync::Semaphore::new(BODY_BUDGET_KIB as usize)),
            buffers: BufferPool::new(2 * cfg.concurrency.get(), 4 << 20),
        })
    }

    /// The largest body accepted (refresh.max_body), for local sources too.
    pub fn max_body(&self) -> crate::config::ByteSize {
        self.max_body
    }

    /// How long one feed may take (refresh.timeout), for local sources too.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// GETs `url`, following redirects, conditional on `validators`.
    pub async fn fetch(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        self.fetch_with(url, validators, &RequestExtras::default()).await
    }

    /// [`Fetcher::fetch`] with one feed's own User-Agent and headers on every request of the
    /// chain. Redirects are followed to http:// and https:// only: a `Location` naming any
    /// other scheme (`file:`, `exec:` …) is a failed fetch, never a read.
    pub async fn fetch_with(
        &self,
        url: &str,
        validators: &Validators,
        extras: &RequestExtras,
    ) -> Result<Fetched, FetchError> {
        self.follow(url, validators, extras, Behalf::Feed).await
    }

    /// GETs a page on a feed's behalf (an article's full text, the feed a web page advertises)
    /// like [`Fetcher::fetch`], except that no request of the chain goes to a private address
    /// ([`is_private`]), whether written as an IP or resolved from a name
    /// ([`FetchError::Private`]), unless it is on the host and port of `on_behalf_of` (the
    /// feed's or the page's own address) or `refresh.allow_private_pages` is set.
    pub async fn fetch_page(&self, url: &str, on_behalf_of: &str) -> Result<Fetched, FetchError> {
        let origin = Url::parse(on_behalf_of).ok();
        let behalf = Behalf::PageOf(origin.as_ref());
        self.follow(url, &Validators::default(), &RequestExtras::default(), behalf).await
    }

    async fn follow(
        &self,
        url: &str,
        validators: &Validators,
        extras: &RequestExtras,
        behalf: Behalf<'_>,
    ) -> Result<Fetched, FetchError> {
        let mut current = parse_http_url(url)?;
        let mut visited = vec![current.clone()];
        let mut moved_to = None;
        let mut still_permanent = true;
        for hop in 0..=self.max_redirects {
            let client = self.client_for(&current, behalf)?;
            let response = self.request(client, &current, validators, extras).await?;
            let status = response.status();
            if !status.is_redirection() || status == StatusCode::NOT_MODIFIED {
                return self.finish(response, current, moved_to).await;
            }
            if hop == self.max_redirects {
                break;
            }
            let next =
                location(response.headers(), &current).ok_or(FetchError::BadRedirect(status.as_u16()))?;
            if !matches!(next.scheme(), "http" | "https") {
                return Err(FetchError::RedirectScheme(next.scheme().to_string()));
            }
            if visited.contains(&next) {
                return Err(FetchError::RedirectLoop(next.to_string()));
            }
            still_permanent &=
                matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT);
            if still_permanent {
                moved_to = Some(next.to_string());
            }
            visited.push(next.clone());
            current = next;
        }
        Err(FetchError::TooManyRedirects(self.max_redirects))
    }

    /// The client to fetch `url` with, or why it must not be fetched.
    fn client_for(&self, url: &Url, behalf: Behalf<'_>) -> Result<&reqwest::Client, FetchError> {
        let (Behalf::PageOf(origin), Some(pages)) = (behalf, &self.pages) else { return Ok(&self.client) };
        if origin.is_some_and(|origin| private::same_server(url, origin)) {
            return Ok(&self.client);
        }
        match private::literal_ip(url) {
            Some(ip) if is_private(ip) => {
                Err(FetchError::Private { url: url.to_string(), why: "a private address".into() })
            }
            _ => Ok(pages),
        }
    }

    async fn request(
        &self,
        client: &reqwest::Client,
        url: &Url,
        validators: &Validators,
        extras: &RequestExtras,
    ) -> Result<reqwest::Response, FetchError> {
        let mut req = client.get(url.clone()).header(header::ACCEPT, ACCEPT);
        if let Some(ua) = extras.user_agent.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
            req = req.header(header::USER_AGENT, ua);
        }
        for (name, value) in &extras.headers {
            let parsed = (header::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value));
            if let (Ok(name), Ok(value)) = parsed {
                req = req.header(name, value);
            } else {
                warn!(header = %name, "skipping an invalid header from the config");
            }
        }
        if let Some(etag) = validators.etag.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
            req = req.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(lm) = validators.last_modified.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
            req = req.header(header::IF_MODIFIED_SINCE, lm);
        }
        req.send().await.map_err(|e| match private::private_name(&e) {
            Some(refused) => FetchError::Private { url: url.to_string(), why: refused.to_string() },
            None => self.classify(&e, url),
        })
    }

    async fn finish(
        &self,
        mut response: reqwest::Response,
        url: Url,
        moved_to: Option<String>,
    ) -> Result<Fetched, FetchError> {
        let status = response.status();
        let headers = response.headers();
        if !(status.is_success() || status == StatusCode::NOT_MODIFIED) {
            let retry_after = match status {
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
                    retry_after(headers, Utc::now())
                }
                _ => None,
            };
            return Err(FetchError::Status {
                status: status.as_u16(),
                reason: status.canonical_reason().map(str::to_string),
                retry_after,
            });
        }
        let text_header =
            |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok()).map(str::to_string);
        let content_type = text_header(header::CONTENT_TYPE);
        let validators =
            Validators { etag: text_header(header::ETAG), last_modified: text_header(header::LAST_MODIFIED) };
        let fresh_until = fresh_until(headers, Utc::now());
        let cap = self.max_body.0;
        // Content-Length is the compressed size, a lower bound of what we would read.
        if response.content_length().is_some_and(|n| n > cap) {
            return Err(FetchError::TooLarge(self.max_body));
        }
        let mut body = PooledBuf::default();
        let mut budget = None;
        if status != StatusCode::NOT_MODIFIED {
            let expected = response.content_length().map_or(64 * 1024, |n| n.min(cap));
            let kib = (expected / 1024).clamp(64, u64::from(BODY_SHARE_MAX_KIB)) as u32;
            budget = Arc::clone(&self.budget).acquire_many_owned(kib).await.ok();
            body = self.buffers.take(expected as usize);
            while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(&e, &url))? {
                if body.len() as u64 + chunk.len() as u64 > cap {
                    return Err(FetchError::TooLarge(self.max_body));
                }
                body.extend_from_slice(&chunk);
            }
        }
        Ok(Fetched {
            status: status.as_u16(),
            final_url: url.to_string(),
            moved_to,
            content_type,
            validators,
            fresh_until,
            body,
            budget,
        })
    }

    /// One sentence for a failed request; the whole chain goes to the log.
    fn classify(&self, e: &reqwest::Error, url: &Url) -> FetchError {
        let host = host_label(url);
        let connecting = e.is_connect();
        let error = match cause(e, connecting) {
            Cause::Timeout => {
                let limit = if connecting { self.connect_timeout } else { self.timeout };
                FetchError::Timeout { host, secs: limit.as_secs() }
            }
            Cause::NoSuchHost => FetchError::Unreachable { host, why: ConnectFailure::NoSuchHost },
            Cause::Refused => FetchError::Unreachable { host, why: ConnectFailure::Refused },
            Cause::Tls(reason) => FetchError::Tls { host, reason },
            Cause::Other(detail) if connecting => {
                FetchError::Unreachable { host, why: ConnectFailure::Other(detail) }
            }
            Cause::Other(detail) => FetchError::Network { host, detail },
        };
        warn!(url = %url, error = %chain(e), "fetch failed: {error}");
        error
    }
}

/// A client from the `[refresh]` settings, with `resolver` in place of the system's.
fn build_client(
    cfg: &RefreshConfig,
    resolver: Option<private::Resolver>,
) -> Result<reqwest::Client, FetchError> {
    let mut builder = reqwest::Client::builder()
        .user_agent(cfg.user_agent())
        .connect_timeout(cfg.connect_timeout())
        .timeout(cfg.timeout())
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(cfg.per_host.get())
        .pool_idle_timeout(Duration::from_secs(30))
        .tcp_nodelay(true)
        .gzip(true)
        .brotli(true)
        .deflate(true);
    match &cfg.proxy {
        Some(Proxy::None) => builder = builder.no_proxy(),
        Some(Proxy::Url(url)) => {
            let proxy = reqwest::Proxy::all(url).map_err(|e| {
                warn!(proxy = %url, error = %chain(&e), "unusable proxy");
                FetchError::BadUrl(format!("the proxy {url} is not usable: {}", root_message(&e)))
            })?;
            builder = builder.proxy(proxy);
        }
        None => {}
    }
    if let Some(resolver) = resolver {
        builder = builder.dns_resolver(resolver);
    }
    builder.build().map_err(|e| {
        warn!(error = %chain(&e), "cannot build the HTTP client");
        FetchError::Network { host: "any host".into(), detail: root_message(&e) }
    })
}

/// How a URL's server is named in messages: the host, with the port when the URL gives one.
fn host_label(url: &Url) -> String {
    let host = url.host_str().unwrap_or("the server");
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// Parses a URL we are willing to fetch: absolute http or https. The error does not repeat
/// the URL; the caller names it.
pub fn parse_http_url(url: &str) -> Result<Url, FetchError> {
    let parsed =
        Url::parse(url.trim()).map_err(|e| FetchError::BadUrl(format!("not a web address ({e})")))?;
    match parsed.scheme() {
        "http" | "https" if parsed.host().is_some() => Ok(parsed),
        "http" | "https" => Err(FetchError::BadUrl("the address has no host name".into())),
        other => Err(FetchError::BadUrl(format!(
            "only http:// and https:// addresses can be fetched, not `{other}:`"
        ))),
    }
}

fn location(headers: &HeaderMap, base: &Url) -> Option<Url> {
    let raw = headers.get(header::LOCATION)?.to_str().ok()?;
    base.join(raw.trim()).ok()
}

/// Until when a response is fresh: `Cache-Control: max-age` (ignored with `no-cache` or
/// `no-store`), else `Expires`. Past times and unreadable values count as nothing said.
fn fresh_until(headers: &HeaderMap, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let control = headers.get_all(header::CACHE_CONTROL).iter().filter_map(|v| v.to_str().ok());
    let mut max_age = None;
    for directive in control.flat_map(|v| v.split(',')) {
        let directive = directive.trim();
        let (name, value) = directive.split_once('=').unwrap_or((directive, ""));
        match name.trim().to_ascii_lowercase().as_str() {
            "no-cache" | "no-store" => return None,
            "max-age" => max_age = value.trim().trim_matches('"').parse::<u32>().ok(),
            _ => {}
        }
    }
    if let Some(secs) = max_age {
        return (secs > 0).then(|| now + chrono::Duration::seconds(i64::from(secs)));
    }
    let raw = headers.get(header::EXPIRES)?.to_str().ok()?;
    let at = DateTime::parse_from_rfc2822(raw.trim()).ok()?.with_timezone(&Utc);
    (at > now).then_some(at)
}

/// Retry-After as seconds or an HTTP date, capped at a week.
pub(crate) fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let raw = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    let at = if let Ok(secs) = raw.parse::<u64>() {
        now + chrono::Duration::seconds(secs.min(7 * 86_400) as i64)
    } else {
        DateTime::parse_from_rfc2822(raw).ok()?.with_timezone(&Utc)
    };
    Some(at.min(now + chrono::Duration::days(7)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness_from_cache_control_and_expires() {
        let now = Utc::now();
        let with = |pairs: &[(header::HeaderName, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.append(k.clone(), HeaderValue::from_static(v));
            }
            fresh_until(&h, now)
        };
        let cc = header::CACHE_CONTROL;
        assert_eq!(with(&[(cc.clone(), "public, max-age=600")]), Some(now + chrono::Duration::seconds(600)));
        assert_eq!(with(&[(cc.clone(), "max-age=600, no-cache")]), None);
        assert_eq!(with(&[(cc.clone(), "max-age=0")]), None);
        let future = (now + chrono::Duration::hours(2)).to_rfc2822();
        let future: &'static str = Box::leak(future.into_boxed_str());
        assert_eq!(
            with(&[(header::EXPIRES, future)]).map(|t| t.timestamp()),
            Some((now + chrono::Duration::hours(2)).timestamp())
        );
        assert_eq!(with(&[(header::EXPIRES, "Wed, 21 Oct 2015 07:28:00 GMT")]), None);
        assert_eq!(with(&[(header::EXPIRES, "0")]), None);
        assert_eq!(with(&[]), None);
    }

    #[test]
    fn retry_after_forms() {
        let now = Utc::now();
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("120"));
        assert_eq!(retry_after(&h, now), Some(now + chrono::Duration::seconds(120)));
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(retry_after(&h, now).map(|t| t.timestamp()), Some(1_445_412_480));
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h, now), None);
    }

    #[test]
    fn status_messages_are_one_sentence() {
        let e = FetchError::Status { status: 404, reason: Some("Not Found".into()), retry_after: None };
        assert_eq!(e.to_string(), "the server answered 404 Not Found");
        assert!(!e.could_not_connect(), "an answer: another scheme is not tried");
        let refused = FetchError::Unreachable { host: "127.0.0.1:9".into(), why: ConnectFailure::Refused };
        assert_eq!(refused.to_string(), "cannot reach 127.0.0.1:9: connection refused");
        assert!(refused.could_not_connect());
        let now = chrono::Local::now();
        let soon = now.with_timezone(&Utc) + chrono::Duration::seconds(1);
        let e = FetchError::Status {
            status: 503,
            reason: Some("Service Unavailable".into()),
            retry_after: Some(soon),
        };
        let expected = format!(
            "the server answered 503 Service Unavailable; retrying after {}",
            local_clock(soon, chrono::Local::now())
        );
        assert_eq!(e.to_string(), expected);
        let noon = DateTime::parse_from_rfc3339("2026-11-28T12:00:00+00:00").unwrap().with_timezone(&Utc);
        let same_day = noon.with_timezone(&chrono::Local);
        assert_eq!(local_clock(noon, same_day), same_day.format("%H:%M").to_string());
        let next_week = same_day + chrono::Duration::days(7);
        assert_eq!(local_clock(noon, next_week), same_day.format("%Y-%m-%d %H:%M").to_string());
    }

    #[test]
    fn only_http_urls() {
        assert!(parse_http_url("https://example.com/feed").is_ok());
        assert!(parse_http_url("file:///etc/passwd").is_err());
        assert!(parse_http_url("not a url").is_err());
    }

    #[test]
    fn charset_parameter() {
        let f = Fetched {
            status: 200,
            final_url: String::new(),
            moved_to: None,
            content_type: Some("application/rss+xml; Charset=\"windows-1251\"".into()),
            validators: Validators::default(),
            fresh_until: None,
            body: PooledBuf::default(),
            budget: None,
        };
        assert_eq!(f.charset(), Some("windows-1251"));
    }
}
