//! How long the syncs with a server have been failing, for cron: a server that is away loses
//! nothing (changes wait in the cache), so it is worth a mail only once it has been away a day,
//! and then once a day.

use chrono::{DateTime, Duration, Utc};

use super::key;
use crate::store::{Store, StoreError, to_time};

/// When the first failed sync since the last one that went through started.
const SINCE: &str = "failing_since";
/// When someone was last told of the failure (by `refresh -q` or `sync -q`).
const TOLD: &str = "failure_told";

/// The syncs with a server have been failing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outage {
    /// Since the first failed sync after the last that went through.
    pub since: DateTime<Utc>,
    /// It has lasted a day or more.
    pub lasted_a_day: bool,
    /// It has lasted a day and nobody was told in the last day.
    pub tell: bool,
}

fn time(store: &Store, key: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    Ok(store.sync_value(key)?.and_then(|v| v.parse::<i64>().ok()).map(to_time))
}

/// How long the syncs with the server of protocol `source` have been failing, if they are.
pub fn outage(store: &Store, source: &str, now: DateTime<Utc>) -> Result<Option<Outage>, StoreError> {
    let Some(since) = time(store, &key(source, SINCE))? else { return Ok(None) };
    let lasted_a_day = now - since >= Duration::days(1);
    let told = time(store, &key(source, TOLD))?;
    let tell = lasted_a_day && told.is_none_or(|t| now - t >= Duration::days(1));
    Ok(Some(Outage { since, lasted_a_day, tell }))
}

/// Someone was told of the failure now: not again for a day.
pub fn reminded(store: &mut Store, source: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    store.set_sync_value(&key(source, TOLD), Some(&now.timestamp().to_string()))
}

/// A sync failed at `now`: the outage starts now, unless it already had.
pub(super) fn failed(store: &mut Store, source: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    if store.sync_value(&key(source, SINCE))?.is_none() {
        store.set_sync_value(&key(source, SINCE), Some(&now.timestamp().to_string()))?;
    }
    Ok(())
}

/// A sync went through: the outage, if any, is over.
pub(super) fn ended(store: &mut Store, source: &str) -> Result<(), StoreError> {
    store.set_sync_value(&key(source, SINCE), None)?;
    store.set_sync_value(&key(source, TOLD), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_is_told_once_it_has_lasted_a_day_and_then_once_a_day() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join("t.db")).expect("store");
        let start = Utc::now() - Duration::days(3);
        assert_eq!(outage(&store, "greader", start).expect("outage"), None);
        failed(&mut store, "greader", start).expect("failed");
        failed(&mut store, "greader", start + Duration::hours(1)).expect("failed");
        let hour = outage(&store, "greader", start + Duration::hours(2)).expect("outage").expect("some");
        assert_eq!(hour.since.timestamp(), start.timestamp(), "the first failure counts");
        assert!(!hour.lasted_a_day && !hour.tell);
        let day = start + Duration::hours(25);
        assert!(outage(&store, "greader", day).expect("outage").expect("some").tell);
        reminded(&mut store, "greader", day).expect("told");
        let later = outage(&store, "greader", day + Duration::hours(2)).expect("outage").expect("some");
        assert!(later.lasted_a_day && !later.tell);
        assert!(outage(&store, "greader", day + Duration::hours(24)).expect("outage").expect("some").tell);
        ended(&mut store, "greader").expect("ended");
        assert_eq!(outage(&store, "greader", day).expect("outage"), None);
    }
}
