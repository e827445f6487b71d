//! Why a sync did not complete, in one sentence that says what to do.

use chrono::{DateTime, Utc};

use crate::store::StoreError;

/// Why a sync did not complete. Every message says what happened and what to do; nothing
/// local is lost by any of them.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// `[sync]` is missing or unusable.
    #[error("{0}")]
    Config(String),
    /// The password could not be had.
    #[error("cannot get the sync password: {0}")]
    Password(String),
    /// The server did not answer.
    #[error(
        "cannot reach the sync server {host}: {reason}. Nothing is lost: changes made here wait and go at the next sync."
    )]
    Unreachable {
        /// The server.
        host: String,
        /// What failed.
        reason: String,
    },
    /// The server refused the credentials.
    #[error(
        "the sync server {host} refused user \"{user}\" and its password (HTTP {status}). Check `user` and the password in [sync]; FreshRSS wants the API password set under Settings → Profile, not the login password."
    )]
    Auth {
        /// The server.
        host: String,
        /// The user.
        user: String,
        /// 401 or 403.
        status: u16,
    },
    /// The server asked to wait.
    #[error(
        "the sync server {host} asked to wait until {until} (HTTP 429). Nothing is lost; tidings syncs again after that."
    )]
    RateLimited {
        /// The server.
        host: String,
        /// Until when (local time, for people).
        until: String,
        /// Until when.
        at: DateTime<Utc>,
    },
    /// Any other HTTP failure.
    #[error("the sync server {host} answered HTTP {status} to {what}{detail}")]
    Status {
        /// The server.
        host: String,
        /// The status.
        status: u16,
        /// The request, for people ("the subscription list").
        what: &'static str,
        /// The server's own words, when short (": …").
        detail: String,
    },
    /// The server sent something that is not the protocol.
    #[error(
        "the sync server {host} sent {what} tidings cannot read: {reason}. Is [sync] url the API address?"
    )]
    Protocol {
        /// The server.
        host: String,
        /// What it was.
        what: &'static str,
        /// Why it could not be read.
        reason: String,
    },
    /// The server pointed a request to another address, which tidings does not follow.
    #[error(
        "the sync server {host} sent {what} on to another address, {to}; tidings follows it nowhere else (nothing was sent there). If the API has moved, set [sync] url to its new address"
    )]
    Redirected {
        /// The server.
        host: String,
        /// The request, for people.
        what: &'static str,
        /// Where it pointed (cleaned, without its query).
        to: String,
    },
    /// The server would not subscribe to a feed.
    #[error("the sync server {host} refused it: {reason}")]
    Refused {
        /// The server.
        host: String,
        /// The server's own words, cleaned and shortened.
        reason: String,
    },
    /// A list the server sent is longer than tidings reads.
    #[error(
        "the sync server {host} sent {what} with more than {max} articles, more than tidings reads; nothing here changed (mark old articles read on the server to shorten it)"
    )]
    TooMany {
        /// The server.
        host: String,
        /// The list, for people ("the unread list").
        what: &'static str,
        /// The most read.
        max: usize,
    },
    /// The cache failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncError {
    /// Whether it is the server being away or busy (unreachable, a rate limit, HTTP 5xx):
    /// it passes by itself, and nothing is lost meanwhile. Anything else needs someone.
    pub fn is_temporary(&self) -> bool {
        match self {
            Self::Unreachable { .. } | Self::RateLimited { .. } => true,
            Self::Status { status, .. } => *status >= 500,
            _ => false,
        }
    }
}
