//! The Google Reader API, as FreshRSS, Miniflux, Inoreader, The Old Reader and BazQux speak it.
//!
//! Login is `accounts/ClientLogin` (user and password for an `Auth` token, sent as
//! `Authorization: GoogleLogin auth=…`); writes also carry a short-lived `T` token from
//! `reader/api/0/token`. A 401 means the login expired (or the password changed): tidings logs
//! in again once, asking for the password again, and repeats the request. Item ids come in a
//! long form (`tag:google.com,2005:reader/item/` + 16 hex digits) and a short form (decimal);
//! both are the same 64-bit number, which is what tidings stores.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use reqwest::StatusCode;
use serde::Deserialize;
use tracing::{debug, warn};

use super::{ItemPage, Remote, SyncError};
use crate::config::{RefreshConfig, SyncConfig};
use crate::domain::{Enclosure, NewArticle};
use crate::feed::fetch::{error_chain, retry_after, root_message};
use crate::store::{PendingFeed, PreparedArticle, RemoteFeed, RemoteItem, StateField};
use crate::text::sanitize::{clean_text, html_to_line};

const READ: &str = "user/-/state/com.google/read";
const STARRED: &str = "user/-/state/com.google/starred";
const READING_LIST: &str = "user/-/state/com.google/reading-list";
const LABEL: &str = "user/-/label/";

/// Ids per page of the unread and starred lists.
const IDS_PER_PAGE: usize = 10_000;
/// The largest response read: a page of a thousand articles with their text is a few MB.
const MAX_RESPONSE: usize = 64 << 20;

/// A Google Reader API server.
pub struct Greader {
    http: reqwest::Client,
    /// The API root, without a trailing slash.
    base: String,
    host: String,
    config: SyncConfig,
    /// The login token, once logged in.
    auth: Option<String>,
    /// The write token, once fetched.
    token: Option<String>,
    requests: u64,
    bytes: u64,
}

/// A request to make.
enum Req<'a> {
    Get(String),
    Post(&'a str, Vec<(&'a str, String)>),
}

impl Greader {
    /// A client for `[sync]`, with `[refresh]`'s timeouts, proxy and User-Agent.
    pub fn new(sync: &SyncConfig, refresh: &RefreshConfig) -> Result<Self, SyncError> {
        let url = url::Url::parse(sync.url.trim())
            .map_err(|e| SyncError::Config(format!("[sync] url {:?} is not a URL: {e}", sync.url)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(SyncError::Config(format!(
                "[sync] url {:?} must start with https:// or http://",
                sync.url
            )));
        }
        if sync.user.trim().is_empty() {
            return Err(SyncError::Config("[sync] user is empty".into()));
        }
        let host = url.host_str().unwrap_or("the server").to_string();
        let mut builder = reqwest::Client::builder()
            .user_agent(refresh.user_agent())
            .connect_timeout(refresh.connect_timeout())
            // A page of a thousand articles from a slow server takes longer than a feed.
            .timeout(refresh.timeout().max(Duration::from_secs(120)))
            .gzip(true)
            .brotli(true)
            .deflate(true);
        match &refresh.proxy {
            Some(crate::config::Proxy::None) => builder = builder.no_proxy(),
            Some(crate::config::Proxy::Url(p)) => {
                let proxy = reqwest::Proxy::all(p).map_err(|e| {
                    SyncError::Config(format!("the proxy {p} is not usable: {}", root_message(&e)))
                })?;
                builder = builder.proxy(proxy);
            }
            None => {}
        }
        let http = builder
            .build()
            .map_err(|e| SyncError::Config(format!("cannot make an HTTP client: {}", root_message(&e))))?;
        Ok(Self {
            http,
            base: sync.url.trim().trim_end_matches('/').to_string(),
            host,
            config: sync.clone(),
            auth: None,
            token: None,
            requests: 0,
            bytes: 0,
        })
    }

    fn unreachable(&self, e: &reqwest::Error) -> SyncError {
        debug!(error = %error_chain(e), "sync request failed");
        let reason = if e.is_timeout() { "it did not answer in time".to_string() } else { root_message(e) };
        SyncError::Unreachable { host: self.host.clone(), reason }
    }

    async fn login(&mut self) -> Result<(), SyncError> {
        let password = super::password(&self.config).await?;
        let url = format!("{}/accounts/ClientLogin", self.base);
        self.requests += 1;
        let response = self
            .http
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, FORM)
            .body(form_body(&[("Email", self.config.user.as_str()), ("Passwd", password.as_str())]))
            .send()
            .await
            .map_err(|e| self.unreachable(&e))?;
        let status = response.status();
        if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            return Err(SyncError::Auth {
                host: self.host.clone(),
                user: self.config.user.clone(),
                status: status.as_u16(),
            });
        }
        if matches!(status.as_u16(), 404 | 405 | 501) {
            // Nothing that logs in is there.
            return Err(SyncError::Status {
                host: self.host.clone(),
                status: status.as_u16(),
                what: "the login",
                detail: ". Is [sync] url the API address (FreshRSS: https://HOST/api/greader.php; Miniflux: https://HOST)?"
                    .into(),
            });
        }
        let body = self.body(response, "the login").await?;
        let text = String::from_utf8_lossy(&body);
        let auth = text
            .lines()
            .find_map(|l| l.strip_prefix("Auth="))
            .map(str::trim)
            .filter(|a| !a.is_empty() && a.is_ascii());
        match auth {
            Some(auth) => {
                self.auth = Some(auth.to_string());
                self.token = None;
                Ok(())
            }
            None => Err(SyncError::Protocol {
                host: self.host.clone(),
                what: "a login answer",
                reason: "no Auth= line".into(),
            }),
        }
    }

    /// The write token (`T`), fetched once per login. Its own request (not [`Self::send`],
    /// which asks for it): a refused login is tried once more.
    async fn write_token(&mut self) -> Result<String, SyncError> {
        if let Some(t) = &self.token {
            return Ok(t.clone());
        }
        for attempt in 0..2 {
            if self.auth.is_none() || attempt > 0 {
                self.login().await?;
            }
            let auth = format!("GoogleLogin auth={}", self.auth.as_deref().unwrap_or_default());
            self.requests += 1;
            let response = self
                .http
                .get(format!("{}/reader/api/0/token", self.base))
                .header(reqwest::header::AUTHORIZATION, auth)
                .send()
                .await
                .map_err(|e| self.unreachable(&e))?;
            if response.status() == StatusCode::UNAUTHORIZED {
                continue;
            }
            let body = self.body(response, "the write token").await?;
            let token = String::from_utf8_lossy(&body).trim().to_string();
            if token.is_empty() || !token.is_ascii() {
                return Err(SyncError::Protocol {
                    host: self.host.clone(),
                    what: "a write token",
                    reason: "it is empty".into(),
                });
            }
            self.token = Some(token.clone());
            return Ok(token);
        }
        Err(SyncError::Auth { host: self.host.clone(), user: self.config.user.clone(), status: 401 })
    }

    /// Reads a response body, at most [`MAX_RESPONSE`] bytes; fails on a status other than 2xx.
    async fn body(
        &mut self,
        mut response: reqwest::Response,
        what: &'static str,
    ) -> Result<Vec<u8>, SyncError> {
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
            let now = Utc::now();
            let at = retry_after(response.headers(), now);
            if status == StatusCode::TOO_MANY_REQUESTS || at.is_some() {
                let at = at.unwrap_or(now + chrono::Duration::minutes(5));
                return Err(super::rate_limited(&self.host, at));
            }
        }
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_RESPONSE {
                        return Err(SyncError::Protocol {
                            host: self.host.clone(),
                            what,
                            reason: format!("it is larger than {} MiB", MAX_RESPONSE >> 20),
                        });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(self.unreachable(&e)),
            }
        }
        self.bytes += body.len() as u64;
        if !status.is_success() {
            let text = String::from_utf8_lossy(&body);
            let first = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
            let first = html_to_line(first);
            let detail = if first.is_empty() || first.chars().count() > 120 {
                String::new()
            } else {
                format!(": {first}")
            };
            return Err(SyncError::Status { host: self.host.clone(), status: status.as_u16(), what, detail });
        }
        Ok(body)
    }

    /// Sends an API request, logging in first when needed and once more when the login has
    /// expired; a write whose token went stale gets a new token and is sent again.
    async fn send(&mut self, req: &Req<'_>, what: &'static str) -> Result<Vec<u8>, SyncError> {
        let mut relogged = false;
        let mut retokened = false;
        let mut waited = false;
        loop {
            if self.auth.is_none() {
                self.login().await?;
                relogged = true;
            }
            let auth = format!("GoogleLogin auth={}", self.auth.as_deref().unwrap_or_default());
            let builder = match req {
                Req::Get(path) => self.http.get(format!("{}/{path}", self.base)),
                Req::Post(path, form) => {
                    let token = self.write_token().await?;
                    let mut form = form.clone();
                    form.push(("T", token));
                    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    self.http
                        .post(format!("{}/{path}", self.base))
                        .header(reqwest::header::CONTENT_TYPE, FORM)
                        .body(form_body(&pairs))
                }
            };
            self.requests += 1;
            let response = builder
                .header(reqwest::header::AUTHORIZATION, auth)
                .send()
                .await
                .map_err(|e| self.unreachable(&e))?;
            if response.status() == StatusCode::UNAUTHORIZED {
                let bad_token = response.headers().contains_key("x-reader-google-bad-token");
                if bad_token && matches!(req, Req::Post(..)) && !retokened {
                    debug!("write token refused; fetching a new one");
                    self.token = None;
                    retokened = true;
                    continue;
                }
                if !relogged {
                    debug!("login expired; logging in again");
                    self.auth = None;
                    continue;
                }
                return Err(SyncError::Auth {
                    host: self.host.clone(),
                    user: self.config.user.clone(),
                    status: 401,
                });
            }
            match self.body(response, what).await {
                // A short wait is waited out once, within the run; a long one ends it.
                Err(SyncError::RateLimited { at, .. })
                    if !waited && (at - Utc::now()).to_std().is_ok_and(|d| d <= super::WAIT_AT_MOST) =>
                {
                    let pause = (at - Utc::now()).to_std().unwrap_or_default();
                    debug!(?pause, "rate limited; waiting");
                    tokio::time::sleep(pause).await;
                    waited = true;
                }
                other => return other,
            }
        }
    }

    async fn json<T: for<'de> Deserialize<'de>>(
        &mut self,
        req: &Req<'_>,
        what: &'static str,
    ) -> Result<T, SyncError> {
        let body = self.send(req, what).await?;
        serde_json::from_slice(&body).map_err(|e| SyncError::Protocol {
            host: self.host.clone(),
            what,
            reason: e.to_string(),
        })
    }

    /// Every id of a stream, following continuations; `extra` is added to each query.
    async fn ids(
        &mut self,
        stream: &str,
        exclude: Option<&str>,
        extra: &str,
        what: &'static str,
    ) -> Result<Vec<i64>, SyncError> {
        let mut out = Vec::new();
        let mut continuation: Option<String> = None;
        loop {
            let mut path = format!(
                "reader/api/0/stream/items/ids?output=json&n={IDS_PER_PAGE}&s={}{extra}",
                enc(stream)
            );
            if let Some(x) = exclude {
                path.push_str(&format!("&xt={}", enc(x)));
            }
            if let Some(c) = &continuation {
                path.push_str(&format!("&c={}", enc(c)));
            }
            let page: IdsPage = self.json(&Req::Get(path), what).await?;
            let before = out.len();
            out.extend(page.item_refs.iter().filter_map(|r| item_id(&r.id)));
            match page.continuation.and_then(continuation_text) {
                Some(c) if out.len() > before && continuation.as_deref() != Some(c.as_str()) => {
                    continuation = Some(c);
                }
                _ => return Ok(out),
            }
        }
    }
}

const FORM: &str = "application/x-www-form-urlencoded";

/// A form body (reqwest's `form` would need its serde_urlencoded feature for this one use).
fn form_body(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn continuation_text(v: serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An item id in either form as the 64-bit number it is.
fn item_id(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    if let Some(hex) = raw.rsplit_once('/').map(|(_, h)| h) {
        return u64::from_str_radix(hex, 16).ok().map(|n| n as i64);
    }
    raw.parse::<i64>().ok().or_else(|| raw.parse::<u64>().ok().map(|n| n as i64))
}

#[derive(Deserialize)]
struct IdsPage {
    #[serde(rename = "itemRefs", default)]
    item_refs: Vec<ItemRef>,
    #[serde(default)]
    continuation: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct ItemRef {
    id: String,
}

#[derive(Deserialize)]
struct SubscriptionList {
    #[serde(default)]
    subscriptions: Vec<Subscription>,
}

#[derive(Deserialize)]
struct Subscription {
    id: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
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

#[derive(Deserialize)]
struct Stream {
    #[serde(default)]
    items: Vec<serde_json::Value>,
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
    #[serde(default)]
    canonical: Vec<Href>,
    #[serde(default)]
    alternate: Vec<Href>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    origin: Option<Origin>,
    #[serde(default)]
    summary: Option<Body>,
    #[serde(default)]
    content: Option<Body>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
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
    #[serde(default)]
    length: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct QuickAdd {
    #[serde(rename = "streamId", default)]
    stream_id: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

fn time(secs: Option<i64>) -> Option<DateTime<Utc>> {
    secs.filter(|s| *s > 0).and_then(|s| Utc.timestamp_opt(s, 0).single())
}

/// A web link, or nothing.
fn web_link(href: &str) -> Option<String> {
    let href = clean_text(href.trim());
    let url = url::Url::parse(&href).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

/// An item as tidings stores it: text cleaned as a feed's would be (control characters out,
/// titles to one plain line), keyed by its link (so a feed that was local before keeps its
/// articles) or else by the server's id.
fn to_item(item: Item) -> Option<RemoteItem> {
    let remote_id = item_id(&item.id)?;
    let feed = item.origin?.stream_id;
    let link = item.canonical.iter().chain(&item.alternate).find_map(|h| web_link(&h.href));
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
                url: web_link(&m.href)?,
                mime: m.mime.as_deref().map(html_to_line).filter(|t| !t.is_empty()),
                length: m.length.as_ref().and_then(|l| match l {
                    serde_json::Value::Number(n) => n.as_u64(),
                    serde_json::Value::String(s) => s.trim().parse().ok(),
                    _ => None,
                }),
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

impl Remote for Greader {
    fn source(&self) -> &'static str {
        "greader"
    }

    fn host(&self) -> &str {
        &self.host
    }

    fn traffic(&self) -> (u64, u64) {
        (self.requests, self.bytes)
    }

    async fn subscriptions(&mut self) -> Result<Vec<RemoteFeed>, SyncError> {
        let list: SubscriptionList = self
            .json(&Req::Get("reader/api/0/subscription/list?output=json".into()), "the subscription list")
            .await?;
        Ok(list
            .subscriptions
            .into_iter()
            .filter_map(|s| {
                // Servers give the feed's URL as `url`, or only in the id (`feed/URL`).
                let url = s
                    .url
                    .as_deref()
                    .and_then(web_link)
                    .or_else(|| s.id.strip_prefix("feed/").and_then(web_link))?;
                let folders = s
                    .categories
                    .iter()
                    .filter_map(|c| {
                        c.label.clone().or_else(|| c.id.rsplit_once("/label/").map(|(_, l)| l.to_string()))
                    })
                    .map(|l| html_to_line(&l))
                    .filter(|l| !l.is_empty())
                    .collect();
                Some(RemoteFeed {
                    remote_id: s.id,
                    url,
                    title: s.title.as_deref().map(html_to_line).filter(|t| !t.is_empty()),
                    site_url: s.html_url.as_deref().and_then(web_link),
                    folders,
                })
            })
            .collect())
    }

    async fn subscribe(&mut self, feed: &PendingFeed) -> Result<String, SyncError> {
        let added: QuickAdd = self
            .json(
                &Req::Post("reader/api/0/subscription/quickadd", vec![("quickadd", feed.url.clone())]),
                "a subscription",
            )
            .await?;
        let Some(id) = added.stream_id.filter(|s| !s.is_empty()) else {
            return Err(SyncError::Status {
                host: self.host.clone(),
                status: 200,
                what: "a subscription",
                detail: format!(": {}", added.error.unwrap_or_else(|| "it did not subscribe".into())),
            });
        };
        // The title given here and the first tag (as a folder) go along.
        let mut form = vec![("ac", "edit".to_string()), ("s", id.clone())];
        if let Some(t) = &feed.title {
            form.push(("t", t.clone()));
        }
        if let Some(tag) = feed.tags.first() {
            form.push(("a", format!("{LABEL}{tag}")));
        }
        if form.len() > 2 {
            // Best effort: the subscription is there either way.
            if let Err(e) =
                self.send(&Req::Post("reader/api/0/subscription/edit", form), "a subscription edit").await
            {
                warn!("cannot set the title or folder of {}: {e}", feed.url);
            }
        }
        Ok(id)
    }

    async fn unsubscribe(&mut self, remote_id: &str) -> Result<(), SyncError> {
        let form = vec![("ac", "unsubscribe".to_string()), ("s", remote_id.to_string())];
        match self.send(&Req::Post("reader/api/0/subscription/edit", form), "an unsubscription").await {
            // Gone already (from another device): done.
            Err(SyncError::Status { status: 400 | 404, .. }) | Ok(_) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn new_item_ids(&mut self, since: Option<i64>) -> Result<Vec<i64>, SyncError> {
        // `ot` is in seconds of the time the server took the item in (FreshRSS's ids are that
        // time in microseconds): the ids of that second come again, and are known here.
        let extra = match since {
            Some(since) => {
                let secs = if since > 1_000_000_000_000_000 { since / 1_000_000 } else { since };
                format!("&r=o&ot={}", secs.max(0))
            }
            None => "&r=o".to_string(),
        };
        let mut ids = self.ids(READING_LIST, None, &extra, "the list of new articles").await?;
        // Oldest first whatever the server's order, so the watermark only moves forward.
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    async fn items(&mut self, ids: &[i64]) -> Result<ItemPage, SyncError> {
        let form: Vec<(&str, String)> = ids.iter().map(|id| ("i", id.to_string())).collect();
        let stream: Stream =
            self.json(&Req::Post("reader/api/0/stream/items/contents?output=json", form), "articles").await?;
        let mut out = ItemPage::default();
        for raw in stream.items {
            match serde_json::from_value::<Item>(raw).ok().and_then(to_item) {
                Some(item) => out.items.push(item),
                None => out.unreadable += 1,
            }
        }
        if out.unreadable > 0 {
            warn!(count = out.unreadable, "the sync server sent articles tidings cannot read; skipped");
        }
        Ok(out)
    }

    async fn unread_ids(&mut self) -> Result<Vec<i64>, SyncError> {
        self.ids(READING_LIST, Some(READ), "", "the unread list").await
    }

    async fn starred_ids(&mut self) -> Result<Vec<i64>, SyncError> {
        self.ids(STARRED, None, "", "the starred list").await
    }

    async fn set_state(&mut self, ids: &[i64], field: StateField, on: bool) -> Result<(), SyncError> {
        let tag = match field {
            StateField::Read => READ,
            StateField::Starred => STARRED,
        };
        let mut form: Vec<(&str, String)> = ids.iter().map(|id| ("i", id.to_string())).collect();
        form.push((if on { "a" } else { "r" }, tag.to_string()));
        self.send(&Req::Post("reader/api/0/edit-tag", form), "a read/star change").await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let item = to_item(serde_json::from_value(json).expect("item")).expect("kept");
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
        let item = to_item(serde_json::from_value(json).expect("item")).expect("kept");
        assert_eq!(item.article.key, "greader:77");
        assert_eq!(item.article.title, "Text only");
        let json = serde_json::json!({"id": "78"});
        assert!(to_item(serde_json::from_value(json).expect("item")).is_none());
    }
}
