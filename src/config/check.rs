//! Values that parse but mean nothing are refused when the file is read, with its line and what
//! to write instead, rather than making every feed fail later (a User-Agent with a line break),
//! emptying a list with a misleading message (`duplicate = -1`), or crashing (a retention of
//! four billion days overflows the calendar). Each function is a serde `deserialize_with`.

use std::num::{NonZeroU64, NonZeroUsize};

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

use super::ByteSize;

/// The longest timeout, in seconds: an hour.
const MAX_SECONDS: u64 = 3600;
/// The most fetches at once.
const MAX_PARALLEL: usize = 1000;
/// The largest body cap: a fetch trusts Content-Length up to it when it reserves memory.
const MAX_BODY: u64 = 1 << 30;
/// The longest time in days: a hundred years.
const MAX_DAYS: u32 = 36_500;
/// The longest refresh interval, in minutes: a year.
const MAX_MINUTES: u32 = 525_600;

/// Seconds, from 1 to an hour (`refresh.timeout`, `connect_timeout`).
pub(crate) fn seconds<'de, D: Deserializer<'de>>(d: D) -> Result<NonZeroU64, D::Error> {
    let n = u64::deserialize(d)?;
    NonZeroU64::new(n).filter(|n| n.get() <= MAX_SECONDS).ok_or_else(|| {
        D::Error::custom(format!("{n} s is not a timeout: write a number of seconds from 1 to {MAX_SECONDS}"))
    })
}

/// Fetches at once, from 1 to [`MAX_PARALLEL`] (`refresh.concurrency`, `per_host`).
pub(crate) fn parallel<'de, D: Deserializer<'de>>(d: D) -> Result<NonZeroUsize, D::Error> {
    let n = usize::deserialize(d)?;
    NonZeroUsize::new(n).filter(|n| n.get() <= MAX_PARALLEL).ok_or_else(|| {
        D::Error::custom(format!("{n} fetches at once: write a number from 1 to {MAX_PARALLEL}"))
    })
}

/// A body cap of at most 1 GiB (`refresh.max_body`).
pub(crate) fn body_cap<'de, D: Deserializer<'de>>(d: D) -> Result<ByteSize, D::Error> {
    let size = ByteSize::deserialize(d)?;
    if size.0 <= MAX_BODY {
        return Ok(size);
    }
    Err(D::Error::custom(format!("{size} is more than a feed or page needs: write at most \"1 GiB\"")))
}

/// Days kept, 0 for ever, at most a hundred years (`retention.keep_days`).
pub(crate) fn days<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let n = u32::deserialize(d)?;
    if n <= MAX_DAYS {
        return Ok(n);
    }
    Err(D::Error::custom(format!(
        "{n} days is more than a hundred years: write at most {MAX_DAYS}, or 0 to keep articles for ever"
    )))
}

/// Minutes between refreshes, 0 for never, at most a year (`reader.refresh_interval`).
pub(crate) fn minutes<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let n = u32::deserialize(d)?;
    if n <= MAX_MINUTES {
        return Ok(n);
    }
    Err(D::Error::custom(format!("{n} minutes is more than a year: write at most {MAX_MINUTES}")))
}

/// [`minutes`] for a setting that may be left out (`[feeds."…"] refresh_interval`).
pub(crate) fn some_minutes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    minutes(d).map(Some)
}

/// A User-Agent: visible ASCII on one line, so that every request can carry it.
pub(crate) fn user_agent<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let raw = String::deserialize(d)?;
    reqwest::header::HeaderValue::from_str(&raw).map_err(|_| {
        D::Error::custom(
            "a User-Agent must be visible ASCII text on one line (no line breaks or control characters)",
        )
    })?;
    Ok(Some(raw))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::Config;

    fn error(text: &str) -> String {
        Config::parse(text, Path::new("/x/config.toml")).unwrap_err().to_string()
    }

    #[test]
    fn related_settings_out_of_range_are_refused() {
        for (text, says) in [
            ("[related]\nduplicate = -1\n", ":2: related.duplicate: -1 is not a similarity"),
            ("[related]\nduplicate = 0\n", ":2: related.duplicate: 0 is not a similarity"),
            ("[related]\nsame_story = 1.5\n", ":2: related.same_story:"),
            ("[related]\nrecency_weight = nan\n", ":2: related.recency_weight: NaN is not a weight"),
            ("[related]\nproximity_weight = -0.1\n", ":2: related.proximity_weight:"),
            ("[related]\nfeedback = inf\n", ":2: related.feedback: inf is not a weight"),
            ("[related]\nhalf_life_days = 0\n", ":2: related.half_life_days: 0 is not a half-life"),
            ("[related]\nproximity_half_life_days = -inf\n", ":2: related.proximity_half_life_days:"),
            ("[related]\nper_story = 0\n", ":2: related.per_story: 0 would list no article"),
        ] {
            let err = error(text);
            assert!(err.contains(says), "{text:?}: {err}");
        }
        let ok =
            Config::parse("[related]\nduplicate = 1\nfeedback = 0\nrecency_weight = 1\n", Path::new("x"));
        assert!(ok.is_ok(), "{ok:?}");
    }

    #[test]
    fn refresh_and_retention_nonsense_is_refused() {
        for (text, says) in [
            (
                "[refresh]\nuser_agent = \"bot\\r\\nX-Evil: 1\"\n",
                ":2: refresh.user_agent: a User-Agent must be",
            ),
            ("[refresh]\nuser_agent = \"bot\\u001b[31m\"\n", ":2: refresh.user_agent:"),
            ("[refresh]\ntimeout = 0\n", ":2: refresh.timeout: 0 s is not a timeout"),
            ("[refresh]\nconnect_timeout = 86400\n", ":2: refresh.connect_timeout: 86400 s"),
            ("[refresh]\nconcurrency = 100000\n", ":2: refresh.concurrency: 100000 fetches at once"),
            ("[refresh]\nper_host = 0\n", ":2: refresh.per_host:"),
            ("[refresh]\nmax_body = \"64 GiB\"\n", ":2: refresh.max_body: 65536 MiB is more than"),
            ("[retention]\nkeep_days = 4000000000\n", ":2: retention.keep_days: 4000000000 days"),
            ("[reader]\nrefresh_interval = 4000000000\n", ":2: reader.refresh_interval: 4000000000 minutes"),
            ("[feeds.1]\nrefresh_interval = 600000\n", ":2: feeds.1.refresh_interval: 600000 minutes"),
        ] {
            let err = error(text);
            assert!(err.contains(says), "{text:?}: {err}");
        }
        let c = Config::parse(
            "[refresh]\nuser_agent = \"bot/1 (+https://example.org)\"\ntimeout = 3600\nmax_body = \"1 GiB\"\n\
             [retention]\nkeep_days = 36500\n[feeds.1]\nrefresh_interval = 60\n",
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(c.refresh.user_agent(), "bot/1 (+https://example.org)");
        assert_eq!(c.feeds["1"].refresh_interval, Some(60));
    }
}
