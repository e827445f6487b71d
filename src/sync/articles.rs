//! Fetching the server's articles. New ones come by a watermark (the newest item id stored):
//! the ids listed since, oldest first, at most [`MAX_NEW_IDS`] a sync (the next goes on from
//! where this one stopped), then the articles not here yet, in batches, the watermark moving
//! as each is stored. A feed new here brings its recent history too ([`HISTORY_PER_FEED`]),
//! since its articles may be older than the watermark (a feed the server listed again, or one
//! subscribed elsewhere long ago).
//!
//! An article whose feed is not known here is held back once (the watermark stops before it:
//! its feed may have been subscribed on another device between the list and the ids, and the
//! next sync has it); a second time the sync moves on without it. Ids listed again because
//! they share the watermark's second (`ot` is in seconds) and that could not be stored are
//! remembered, so they are not fetched at every sync.

use std::collections::HashSet;

use chrono::Utc;
use tracing::{debug, warn};

use super::{ITEMS_PER_REQUEST, ItemPage, NewIds, Progress, Remote, Report, SyncError, key};
use crate::config::Config;
use crate::store::{ItemsStored, Store, StoreError};

/// The most new ids one sync lists (800 KB of ids; a hundred requests of articles). A server
/// with more goes on at the next sync; one whose listing never ends stops here.
pub const MAX_NEW_IDS: usize = 100_000;
/// The most articles fetched for a feed new here: its newest, whatever their age (fewer when
/// `[retention] keep_per_feed` keeps fewer).
pub const HISTORY_PER_FEED: usize = 1_000;
/// The most ids remembered as fetched and not storable in the watermark's second.
const MAX_PASSED: usize = 10_000;

const WATERMARK: &str = "newest";
/// The id held back last time, for an article whose feed is not known here.
const HELD: &str = "held";
/// Ids of the watermark's second fetched and not stored (JSON array).
const PASSED: &str = "passed";
/// Feeds whose history is still to fetch (JSON array of the server's ids).
const HISTORY: &str = "history";

/// Whether nothing was ever listed from this server (every article is new to this sync).
pub(super) fn first_sync(store: &Store, source: &str) -> Result<bool, StoreError> {
    Ok(store.sync_value(&key(source, WATERMARK))?.is_none())
}

fn read_json<T: serde::de::DeserializeOwned + Default>(store: &Store, key: &str) -> Result<T, StoreError> {
    Ok(store.sync_value(key)?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
}

fn write_json<T: serde::Serialize>(
    store: &mut Store,
    key: &str,
    value: &T,
    empty: bool,
) -> Result<(), StoreError> {
    let text = if empty { None } else { serde_json::to_string(value).ok() };
    store.set_sync_value(key, text.as_deref())
}

/// The second of an id that is a microsecond time (FreshRSS's), as `ot` counts.
fn second(id: i64) -> i64 {
    id.div_euclid(1_000_000)
}

/// Lists the articles new since the watermark and fetches those not here.
pub(super) async fn new_articles<R: Remote>(
    remote: &mut R,
    store: &mut Store,
    config: &Config,
    report: &mut Report,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<(), SyncError> {
    let source = remote.source();
    let since = store.sync_value(&key(source, WATERMARK))?.and_then(|v| v.parse::<i64>().ok());
    let held_before = store.sync_value(&key(source, HELD))?.and_then(|v| v.parse::<i64>().ok());
    let passed: HashSet<i64> = read_json::<Vec<i64>>(store, &key(source, PASSED))?.into_iter().collect();
    progress(Progress::Articles(0));
    let NewIds { ids: listed, more } = remote.new_item_ids(since, MAX_NEW_IDS).await?;
    report.more = more;
    let wanted: Vec<i64> =
        store.unknown_remote_ids(&listed)?.into_iter().filter(|id| !passed.contains(id)).collect();
    debug!(listed = listed.len(), wanted = wanted.len(), more, "new item ids");
    let mut hold: Option<i64> = None;
    let mut mark = since;
    for chunk in wanted.chunks(ITEMS_PER_REQUEST) {
        let got = remote.items(chunk).await?;
        let unknown = store_page(store, source, config, report, &got)?;
        if let Some(u) = unknown.filter(|u| held_before.is_none_or(|h| *u > h)) {
            hold = Some(hold.map_or(u, |c| c.min(u)));
        }
        if let Some(&newest) = chunk.last() {
            mark = advance(store, source, mark, hold, newest)?;
        }
        progress(Progress::Articles(report.items.new));
    }
    if let Some(&newest) = listed.last() {
        mark = advance(store, source, mark, hold, newest)?;
    }
    store.set_sync_value(&key(source, HELD), hold.map(|h| h.to_string()).as_deref())?;
    // What the watermark's second holds and could not be stored (its feed is not here after
    // its one hold, retention let it go): not fetched again at the next sync.
    let Some(mark) = mark else { return Ok(()) };
    let recent: Vec<i64> = wanted
        .iter()
        .chain(&passed)
        .copied()
        .filter(|id| *id <= mark && second(*id) == second(mark) && Some(*id) != hold)
        .collect();
    let mut still_away = store.unknown_remote_ids(&recent)?;
    still_away.sort_unstable();
    still_away.dedup();
    let keep_from = still_away.len().saturating_sub(MAX_PASSED);
    let still_away = &still_away[keep_from..];
    write_json(store, &key(source, PASSED), &still_away, still_away.is_empty())?;
    Ok(())
}

/// Moves the watermark to `newest`, or to just before the article held back; never back.
fn advance(
    store: &mut Store,
    source: &str,
    mark: Option<i64>,
    hold: Option<i64>,
    newest: i64,
) -> Result<Option<i64>, StoreError> {
    let to = hold.map_or(newest, |c| (c - 1).min(newest));
    if mark.is_some_and(|m| to <= m) {
        return Ok(mark);
    }
    store.set_sync_value(&key(source, WATERMARK), Some(&to.to_string()))?;
    Ok(Some(to))
}

/// Queues the feeds new here (added or adopted by this sync's subscription list) for their
/// history, at once, so a sync cut short before it is fetched still fetches it next time. Not
/// on a first sync: it lists every article anyway.
pub(super) fn queue_histories(store: &mut Store, source: &str, feeds: &[String]) -> Result<(), StoreError> {
    if feeds.is_empty() {
        return Ok(());
    }
    let pending_key = key(source, HISTORY);
    let mut pending: Vec<String> = read_json(store, &pending_key)?;
    for id in feeds {
        if !pending.contains(id) {
            pending.push(id.clone());
        }
    }
    write_json(store, &pending_key, &pending, pending.is_empty())
}

/// Fetches the recent articles of the feeds queued by [`queue_histories`]. A feed whose list
/// the server will not give (HTTP 4xx, an answer that is not one) is passed over: only its
/// older articles are missed, and the sync goes on.
pub(super) async fn histories<R: Remote>(
    remote: &mut R,
    store: &mut Store,
    config: &Config,
    report: &mut Report,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<(), SyncError> {
    let source = remote.source();
    let pending_key = key(source, HISTORY);
    let mut pending: Vec<String> = read_json(store, &pending_key)?;
    let keep = config.retention.keep_per_feed as usize;
    let max = if keep > 0 { keep.min(HISTORY_PER_FEED) } else { HISTORY_PER_FEED };
    while let Some(feed) = pending.first().cloned() {
        match remote.feed_item_ids(&feed, max).await {
            Ok(ids) => {
                let wanted = store.unknown_remote_ids(&ids)?;
                debug!(feed, listed = ids.len(), wanted = wanted.len(), "a new feed's history");
                for chunk in wanted.chunks(ITEMS_PER_REQUEST) {
                    let got = remote.items(chunk).await?;
                    store_page(store, source, config, report, &got)?;
                    progress(Progress::Articles(report.items.new));
                }
            }
            Err(e @ (SyncError::Status { status: 400..=499, .. } | SyncError::Protocol { .. })) => {
                warn!(feed, "the articles a feed had before cannot be listed: {e}");
            }
            Err(e) => return Err(e),
        }
        pending.remove(0);
        write_json(store, &pending_key, &pending, pending.is_empty())?;
    }
    Ok(())
}

/// Stores a batch; the oldest id of an article whose feed is not known here.
fn store_page(
    store: &mut Store,
    source: &str,
    config: &Config,
    report: &mut Report,
    got: &ItemPage,
) -> Result<Option<i64>, SyncError> {
    let (stored, unknown) = store.store_remote_items(source, &got.items, &config.retention, Utc::now())?;
    add_items(&mut report.items, stored);
    report.items.unreadable += got.unreadable;
    Ok(unknown)
}

fn add_items(total: &mut ItemsStored, page: ItemsStored) {
    total.new += page.new;
    total.present += page.present;
    total.unknown_feed += page.unknown_feed;
    total.dropped += page.dropped;
    total.unreadable += page.unreadable;
}
