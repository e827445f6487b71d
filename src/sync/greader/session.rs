//! The HTTP session with a Google Reader API server: login (`ClientLogin`, then
//! `Authorization: GoogleLogin auth=…`), the write token `T`, one retry after an expired login
//! or a stale token, a short rate limit waited out once, bodies read within a cap, redirects
//! only within the server's own origin, and listings of ids that end whatever the server does.

use std::collections::HashSet;

use chrono::Utc;
use reqwest::StatusCode;
use serde::Deserialize;
use tracing::{debug, warn};

use super::answers::{IDS_PER_PAGE, IdsPage, outside_words};
use super::{Greader, MAX_RESPONSE};
use crate::feed::fetch::retry_after;
use crate::sync::SyncError;
use crate::text::sanitize::html_to_line;

const FORM: &str = "application/x-www-form-urlencoded";

/// A request to make.
pub(super) enum Req<'a> {
    Get(String),
    Post(&'a str, Vec<(&'a str, String)>),
}

/// How far a listing of ids goes.
#[derive(Clone, Copy, Debug)]
pub(super) enum Bound {
    /// At most this many ids; the rest waits for the next sync (the listing says so).
    Part(usize),
    /// The whole list, which may hold at most this many ids: a part would be taken for the
    /// whole (the unread list: everything left out would be marked read).
    Whole(usize),
}

impl Bound {
    fn max(self) -> usize {
        match self {
            Self::Part(n) | Self::Whole(n) => n,
        }
    }
}

/// The ids a listing brought.
#[derive(Debug, Default)]
pub(super) struct Listing {
    /// The ids, each once, in the server's order.
    pub ids: Vec<i64>,
    /// The server has more than [`Bound::Part`] let in.
    pub more: bool,
}

/// A form body (reqwest's `form` would need its serde_urlencoded feature for this one use).
fn form_body(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

pub(super) fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl Greader {
    pub(super) fn unreachable(&self, e: &reqwest::Error) -> SyncError {
        debug!(error = %crate::feed::fetch::error_chain(e), "sync request failed");
        let reason = if e.is_timeout() {
            "it did not answer in time".to_string()
        } else {
            crate::feed::fetch::root_message(e)
        };
        SyncError::Unreachable { host: self.host.clone(), reason }
    }

    fn protocol(&self, what: &'static str, reason: &str) -> SyncError {
        SyncError::Protocol { host: self.host.clone(), what, reason: outside_words(reason) }
    }

    async fn login(&mut self) -> Result<(), SyncError> {
        let password = crate::sync::password(&self.config).await?;
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
            .filter(|a| !a.is_empty() && a.len() <= 4096 && a.bytes().all(|b| b.is_ascii_graphic()));
        match auth {
            Some(auth) => {
                self.auth = Some(auth.to_string());
                self.token = None;
                Ok(())
            }
            None => Err(self.protocol("a login answer", "no Auth= line")),
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
            if token.is_empty() || token.len() > 4096 || !token.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(self.protocol("a write token", "it is not a token"));
            }
            self.token = Some(token.clone());
            return Ok(token);
        }
        Err(SyncError::Auth { host: self.host.clone(), user: self.config.user.clone(), status: 401 })
    }

    /// Reads a response body, at most [`MAX_RESPONSE`] bytes; fails on a status other than
    /// 2xx, and on a redirect (only those within the server's origin are followed, by the
    /// client itself).
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
                return Err(crate::sync::rate_limited(&self.host, at));
            }
        }
        if status.is_redirection() {
            let to = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .and_then(|l| response.url().join(l).ok())
                .map_or_else(|| "an address it did not give".to_string(), |u| shown_address(&u));
            return Err(SyncError::Redirected { host: self.host.clone(), what, to });
        }
        let expected = response.content_length().map_or(0, |n| (n as usize).min(MAX_RESPONSE));
        let mut body = Vec::with_capacity(expected);
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_RESPONSE {
                        return Err(
                            self.protocol(what, &format!("it is larger than {} MiB", MAX_RESPONSE >> 20))
                        );
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(self.unreachable(&e)),
            }
        }
        self.bytes += body.len() as u64;
        if !status.is_success() {
            let text = String::from_utf8_lossy(&body[..body.len().min(4096)]);
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
    pub(super) async fn send(&mut self, req: &Req<'_>, what: &'static str) -> Result<Vec<u8>, SyncError> {
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
                    if !waited
                        && (at - Utc::now()).to_std().is_ok_and(|d| d <= crate::sync::WAIT_AT_MOST) =>
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

    /// Sends a request whose answer is JSON of type `T`; an answer that is not is a protocol
    /// error (with the parser's reason, shortened).
    pub(super) async fn json<T: for<'de> Deserialize<'de>>(
        &mut self,
        req: &Req<'_>,
        what: &'static str,
    ) -> Result<T, SyncError> {
        let body = self.send(req, what).await?;
        serde_json::from_slice(&body).map_err(|e| self.protocol(what, &e.to_string()))
    }

    /// Sends a write whose answer must be `OK`: anything else (an error in JSON, a web page)
    /// says the server did not do it.
    pub(super) async fn write(&mut self, req: &Req<'_>, what: &'static str) -> Result<(), SyncError> {
        let body = self.send(req, what).await?;
        let text = String::from_utf8_lossy(&body[..body.len().min(512)]);
        if text.trim().eq_ignore_ascii_case("ok") {
            return Ok(());
        }
        let reason = format!("{what} was answered {:?} instead of OK", outside_words(&text));
        Err(self.protocol("an answer", &reason))
    }

    /// The ids of `query` (`s=…` and the rest), page by page (`n` each, at most
    /// [`IDS_PER_PAGE`]), within `bound`. The listing ends when the server gives no
    /// continuation, or when it goes round: a page with nothing new, or a continuation seen
    /// before (for [`Bound::Whole`] that is an error: the list cannot be trusted whole).
    pub(super) async fn listing(
        &mut self,
        query: &str,
        n: usize,
        what: &'static str,
        bound: Bound,
    ) -> Result<Listing, SyncError> {
        let n = n.clamp(1, IDS_PER_PAGE);
        let max = bound.max();
        // Pages of fewer than 1,000 ids (10,000 are asked for) are not how servers answer
        // this; a listing of more pages than that needs goes round.
        let max_pages = max / 1_000 + 2;
        let mut seen = HashSet::new();
        let mut tokens = HashSet::new();
        let mut out = Listing::default();
        let mut continuation: Option<String> = None;
        for _ in 0..max_pages {
            let mut path = format!("reader/api/0/stream/items/ids?output=json&n={n}&{query}");
            if let Some(c) = &continuation {
                path.push_str(&format!("&c={}", enc(c)));
            }
            let page: IdsPage = self.json(&Req::Get(path), what).await?;
            let before = out.ids.len();
            let listed = page.ids.len();
            out.ids.extend(page.ids.into_iter().filter(|id| seen.insert(*id)));
            if out.ids.len() > max {
                return match bound {
                    Bound::Part(_) => {
                        out.ids.truncate(max);
                        out.more = true;
                        Ok(out)
                    }
                    Bound::Whole(_) => Err(SyncError::TooMany { host: self.host.clone(), what, max }),
                };
            }
            let Some(token) = page.continuation else { return Ok(out) };
            let round = (listed > 0 && out.ids.len() == before) || !tokens.insert(token.clone());
            if round || listed == 0 {
                if round && matches!(bound, Bound::Whole(_)) {
                    return Err(
                        self.protocol(what, "its pages go round (a page or a continuation came twice)")
                    );
                }
                if round {
                    warn!(what, "the sync server's pages go round; the listing ends here");
                }
                return Ok(out);
            }
            if matches!(bound, Bound::Part(_)) && out.ids.len() == max {
                out.more = true;
                return Ok(out);
            }
            continuation = Some(token);
        }
        match bound {
            Bound::Part(_) => {
                out.more = true;
                Ok(out)
            }
            Bound::Whole(_) => Err(SyncError::TooMany { host: self.host.clone(), what, max }),
        }
    }
}

/// An address from the server, for a message: scheme, host, port and path, cleaned and short
/// (its query may carry anything).
fn shown_address(url: &url::Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_password(None);
    let _ = shown.set_username("");
    outside_words(shown.as_str())
}
