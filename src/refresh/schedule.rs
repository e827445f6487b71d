//! When a feed is next worth checking: its last check plus the longest of the interval it is
//! given (per feed, else `reader.refresh_interval`), its RSS `<ttl>` and the freshness its
//! server gave the last answer (Cache-Control max-age / Expires). What the feed or server says
//! counts for at most a day, so a typo'd `<ttl>` cannot silence a feed for weeks; Retry-After
//! and 410 Gone are checked before this, in `skip_reason`.

use chrono::{DateTime, Duration, Utc};

use crate::store::FetchTarget;

/// What a feed or its server says counts for at most this long.
const SAID_CAP: Duration = Duration::hours(24);

/// The next time `target` is worth checking and why, or `None` when it is due now (never
/// checked, or nothing asks to wait). `interval` is in minutes (0: none).
pub fn not_before(
    target: &FetchTarget,
    interval: u32,
    now: DateTime<Utc>,
) -> Option<(DateTime<Utc>, String)> {
    let last = target.last_fetch?;
    let mut best: Option<(DateTime<Utc>, String)> = None;
    let mut consider = |at: DateTime<Utc>, why: String| {
        if best.as_ref().is_none_or(|(b, _)| at > *b) {
            best = Some((at, why));
        }
    };
    if interval > 0 {
        consider(last + Duration::minutes(i64::from(interval)), format!("checked every {interval} min"));
    }
    if let Some(ttl) = target.ttl.filter(|t| *t > 0) {
        consider(last + Duration::minutes(i64::from(ttl)).min(SAID_CAP), format!("ttl {ttl} min"));
    }
    if let Some(fresh) = target.fresh_until {
        let capped = fresh.min(last + SAID_CAP);
        let secs = (capped - last).num_seconds();
        consider(capped, format!("the server's max-age {}", human_span(secs)));
    }
    best.filter(|(at, _)| *at > now)
}

/// `45 s`, `10 min`, `2 h`.
fn human_span(secs: i64) -> String {
    match secs {
        s if s < 120 => format!("{s} s"),
        s if s < 7_200 => format!("{} min", s / 60),
        s => format!("{} h", s / 3_600),
    }
}

/// A time as the user's clock shows it: `14:05` today, `2026-11-28 14:05` on another day.
pub fn clock(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let (at, now) = (at.with_timezone(&chrono::Local), now.with_timezone(&chrono::Local));
    if at.date_naive() == now.date_naive() {
        at.format("%H:%M").to_string()
    } else {
        at.format("%Y-%m-%d %H:%M").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FeedId;

    fn target(last: Option<DateTime<Utc>>) -> FetchTarget {
        FetchTarget {
            id: FeedId(1),
            url: "https://x/".into(),
            etag: None,
            last_modified: None,
            body_hash: None,
            gone: false,
            retry_after: None,
            last_fetch: last,
            ttl: None,
            fresh_until: None,
        }
    }

    #[test]
    fn the_longest_wait_wins_and_what_feeds_say_is_capped() {
        let now = Utc::now();
        let last = now - Duration::minutes(1);
        assert_eq!(not_before(&target(None), 60, now), None, "never checked: due");
        assert_eq!(not_before(&target(Some(last)), 0, now), None, "nothing asks to wait");
        let at = |t: &FetchTarget, i| not_before(t, i, now).map(|(at, why)| ((at - last).num_minutes(), why));
        assert_eq!(at(&target(Some(last)), 30), Some((30, "checked every 30 min".into())));
        let ttl = FetchTarget { ttl: Some(60), ..target(Some(last)) };
        assert_eq!(at(&ttl, 30), Some((60, "ttl 60 min".into())));
        let huge = FetchTarget { ttl: Some(100_000), ..target(Some(last)) };
        assert_eq!(at(&huge, 0).map(|(m, _)| m), Some(24 * 60));
        let cached = FetchTarget { fresh_until: Some(last + Duration::minutes(90)), ..ttl.clone() };
        assert_eq!(at(&cached, 0), Some((90, "the server's max-age 90 min".into())));
        let long_ago = target(Some(now - Duration::hours(2)));
        assert_eq!(not_before(&FetchTarget { ttl: Some(60), ..long_ago }, 30, now), None, "past due");
    }
}
