//! `[sync]`: the server tidings syncs subscriptions, articles and read/star state with.

use serde::{Deserialize, Serialize};

/// The protocols tidings speaks to a sync server.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SyncKind {
    /// The Google Reader API: FreshRSS, Miniflux, Inoreader, The Old Reader, BazQux…
    #[default]
    Greader,
}

impl SyncKind {
    /// The name stored on synced feeds (`feeds --json` shows it as their source).
    pub fn name(self) -> &'static str {
        match self {
            Self::Greader => "greader",
        }
    }
}

/// `[sync]` in config.toml.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SyncConfig {
    /// The protocol.
    #[serde(default)]
    pub kind: SyncKind,
    /// The API's address (FreshRSS: `https://HOST/api/greader.php`).
    pub url: String,
    /// The user name on the server.
    pub user: String,
    /// A command printing the password (an argument vector, run without a shell), such as
    /// `["pass", "show", "freshrss"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_command: Option<Vec<String>>,
    /// The environment variable holding the password [default: TIDINGS_SYNC_PASSWORD].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    /// The password itself (then config.toml should be readable by you alone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// The environment variable read for the password when `[sync]` names no other way.
pub const PASSWORD_ENV: &str = "TIDINGS_SYNC_PASSWORD";
