//! The Google Reader API, as FreshRSS, Miniflux, Inoreader, The Old Reader and BazQux speak it.
//!
//! Login is `accounts/ClientLogin` (user and password for an `Auth` token, sent as
//! `Authorization: GoogleLogin auth=…`); writes also carry a short-lived `T` token from
//! `reader/api/0/token`. A 401 means the login expired (or the password changed): tidings logs
//! in again once, asking for the password again, and repeats the request. Item ids come in a
//! long form (`tag:google.com,2005:reader/item/` + 16 hex digits) and a short form (decimal);
//! both are the same 64-bit number, which is what tidings stores.
//!
//! The server is not trusted: [`session`] follows no redirect off the server's origin, sends
//! no Referer, caps every body and ends every listing; [`answers`] reads an answer without the
//! list it is for as an error (never as an empty list) and refuses lists longer than any real
//! server sends; [`items`] reads articles one at a time, skipping what it cannot read.

mod answers;
mod items;
mod session;

use std::time::Duration;

use tracing::warn;

use self::answers::{QuickAdd, SubscriptionList, outside_words};
use self::session::{Bound, Req, enc};
use super::{ItemPage, NewIds, Remote, SyncError};
use crate::config::{RefreshConfig, SyncConfig};
use crate::feed::fetch::root_message;
use crate::store::{PendingFeed, RemoteFeed, StateField};

const READ: &str = "user/-/state/com.google/read";
const STARRED: &str = "user/-/state/com.google/starred";
const READING_LIST: &str = "user/-/state/com.google/reading-list";
const LABEL: &str = "user/-/label/";

/// The largest response read: a page of a thousand articles with their text is a few MB.
const MAX_RESPONSE: usize = 64 << 20;
/// The most ids the unread and the starred list may hold (8 MB of ids each): a longer list
/// is refused with a message, not read in part (what it left out would be marked read).
pub const MAX_STATE_IDS: usize = 1_000_000;

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

impl Greader {
    /// A client for `[sync]`, with `[refresh]`'s timeouts, proxy and User-Agent. It follows
    /// redirects within the server's origin only (a login redirected elsewhere would post the
    /// password there) and sends no Referer.
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
        let origin = url.origin();
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 10 {
                attempt.error("too many redirects")
            } else if attempt.url().origin() == origin {
                attempt.follow()
            } else {
                // Not followed: the redirect is the answer, and says where it pointed.
                attempt.stop()
            }
        });
        let mut builder = reqwest::Client::builder()
            .user_agent(refresh.user_agent())
            .connect_timeout(refresh.connect_timeout())
            // A page of a thousand articles from a slow server takes longer than a feed.
            .timeout(refresh.timeout().max(Duration::from_secs(120)))
            .redirect(redirects)
            .referer(false)
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
        Ok(list.feeds())
    }

    async fn subscribe(&mut self, feed: &PendingFeed) -> Result<String, SyncError> {
        let added: QuickAdd = self
            .json(
                &Req::Post("reader/api/0/subscription/quickadd", vec![("quickadd", feed.url.clone())]),
                "a subscription",
            )
            .await?;
        let Some(id) = added.stream_id.filter(|s| !s.is_empty()) else {
            let reason = added.error.as_deref().map(outside_words).filter(|e| !e.is_empty());
            return Err(SyncError::Refused {
                host: self.host.clone(),
                reason: reason.unwrap_or_else(|| "it gave no reason".into()),
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
                self.write(&Req::Post("reader/api/0/subscription/edit", form), "a subscription edit").await
            {
                warn!("cannot set the title or folder of {}: {e}", feed.url);
            }
        }
        Ok(id)
    }

    async fn unsubscribe(&mut self, remote_id: &str) -> Result<(), SyncError> {
        let form = vec![("ac", "unsubscribe".to_string()), ("s", remote_id.to_string())];
        match self.write(&Req::Post("reader/api/0/subscription/edit", form), "an unsubscription").await {
            // Gone already (from another device): done.
            Err(SyncError::Status { status: 400 | 404, .. }) | Ok(()) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn new_item_ids(&mut self, since: Option<i64>, max: usize) -> Result<NewIds, SyncError> {
        // `ot` is in seconds of the time the server took the item in (FreshRSS's ids are that
        // time in microseconds): the ids of that second come again, and are known here.
        let mut query = format!("s={}&r=o", enc(READING_LIST));
        if let Some(since) = since {
            let secs = if since > 1_000_000_000_000_000 { since / 1_000_000 } else { since };
            query.push_str(&format!("&ot={}", secs.max(0)));
        }
        let listing =
            self.listing(&query, answers::IDS_PER_PAGE, "the list of new articles", Bound::Part(max)).await?;
        let mut ids = listing.ids;
        // Oldest first whatever the server's order, so the watermark only moves forward.
        ids.sort_unstable();
        Ok(NewIds { ids, more: listing.more })
    }

    async fn feed_item_ids(&mut self, feed: &str, max: usize) -> Result<Vec<i64>, SyncError> {
        let query = format!("s={}", enc(feed));
        Ok(self.listing(&query, max, "the list of a feed's articles", Bound::Part(max)).await?.ids)
    }

    async fn items(&mut self, ids: &[i64]) -> Result<ItemPage, SyncError> {
        let form: Vec<(&str, String)> = ids.iter().map(|id| ("i", id.to_string())).collect();
        let req = Req::Post("reader/api/0/stream/items/contents?output=json", form);
        let body = self.send(&req, "articles").await?;
        let page = items::read_items(&body, ids).map_err(|e| SyncError::Protocol {
            host: self.host.clone(),
            what: "articles",
            reason: outside_words(&e.to_string()),
        })?;
        if page.unreadable > 0 {
            warn!(
                count = page.unreadable,
                "the sync server sent articles tidings cannot read or did not ask for; skipped"
            );
        }
        Ok(page)
    }

    async fn unread_ids(&mut self) -> Result<Vec<i64>, SyncError> {
        let query = format!("s={}&xt={}", enc(READING_LIST), enc(READ));
        let what = "the unread list";
        Ok(self.listing(&query, answers::IDS_PER_PAGE, what, Bound::Whole(MAX_STATE_IDS)).await?.ids)
    }

    async fn starred_ids(&mut self) -> Result<Vec<i64>, SyncError> {
        let query = format!("s={}", enc(STARRED));
        let what = "the starred list";
        Ok(self.listing(&query, answers::IDS_PER_PAGE, what, Bound::Whole(MAX_STATE_IDS)).await?.ids)
    }

    async fn set_state(&mut self, ids: &[i64], field: StateField, on: bool) -> Result<(), SyncError> {
        let tag = match field {
            StateField::Read => READ,
            StateField::Starred => STARRED,
        };
        let mut form: Vec<(&str, String)> = ids.iter().map(|id| ("i", id.to_string())).collect();
        form.push((if on { "a" } else { "r" }, tag.to_string()));
        self.write(&Req::Post("reader/api/0/edit-tag", form), "a read/star change").await
    }
}
