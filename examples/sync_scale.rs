//! What a sync's bookkeeping costs on a large cache: stores N synced articles (default
//! 1,000,000) into a fresh cache, then times the steps every sync repeats whatever changed —
//! finding which of the server's new ids are unknown here, and applying the server's unread and
//! starred lists — and the outbox round trip of a mark-all-read.
//!
//!   cargo run --release --example sync_scale [-- ARTICLES [UNREAD]]
//!
//! The cache is a temporary file; nothing talks to a network.

use std::time::Instant;

use chrono::Utc;
use tidings::config::RetentionConfig;
use tidings::domain::{ArticleFilter, NewArticle};
use tidings::store::{PreparedArticle, RemoteFeed, RemoteItem, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let total: i64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1_000_000);
    let unread: i64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(10_000);
    let feeds = 500i64;
    let dir = tempfile::tempdir()?;
    let mut store = Store::open(&dir.path().join("tidings.db"))?;
    let remote: Vec<RemoteFeed> = (0..feeds)
        .map(|f| RemoteFeed {
            remote_id: format!("feed/{f}"),
            url: format!("https://feeds.example/{f}.xml"),
            title: Some(format!("Feed {f}")),
            site_url: None,
            folders: vec![format!("Folder {}", f % 10)],
        })
        .collect();
    store.apply_subscriptions("greader", &remote, tidings::store::Removals::Few, Utc::now())?;
    let keep_all = RetentionConfig { keep_days: 0, keep_per_feed: 0, ..RetentionConfig::default() };
    let started = Instant::now();
    let first_id = 1_700_000_000_000_000i64;
    for batch in 0..(total / 1000).max(1) {
        let items: Vec<RemoteItem> = (0..1000)
            .map(|i| {
                let n = batch * 1000 + i;
                let article = NewArticle {
                    key: format!("https://site.example/{n}"),
                    title: format!("Article {n} about subject {}", n % 977),
                    link: Some(format!("https://site.example/{n}")),
                    author: None,
                    published: Some(Utc::now() - chrono::Duration::seconds(total - n)),
                    updated: None,
                    categories: vec![],
                    summary_html: Some(format!("<p>Text of article {n}.</p>")),
                    content_html: None,
                    enclosures: vec![],
                };
                RemoteItem {
                    remote_id: first_id + n,
                    feed: format!("feed/{}", n % feeds),
                    article: PreparedArticle::from(article),
                    // The newest `unread` are unread, the rest read, as on a long-used server.
                    read: n < total - unread,
                    starred: n % 1000 == 0,
                }
            })
            .collect();
        store.store_remote_items("greader", &items, &keep_all, Utc::now())?;
    }
    println!(
        "stored {} synced articles in {:.1} s ({} unread)",
        store.article_count()?,
        started.elapsed().as_secs_f64(),
        store.unread_count(None, None)?
    );

    // The server's new ids of a sync: 20,000, of which the last 100 are new here.
    let listed: Vec<i64> = (first_id + total - 19_900..first_id + total + 100).collect();
    let t = Instant::now();
    let unknown = store.unknown_remote_ids(&listed)?;
    println!("unknown of 20,000 listed ids: {} in {:.1} ms", unknown.len(), t.elapsed().as_secs_f64() * 1e3);

    // The server's lists, unchanged: nothing to do, which must not cost a walk of the cache.
    let unread_ids: Vec<i64> = (first_id + total - unread..first_id + total).collect();
    let starred_ids: Vec<i64> = (0..total).filter(|n| n % 1000 == 0).map(|n| first_id + n).collect();
    let t = Instant::now();
    let changes = store.apply_remote_state(&unread_ids, &starred_ids)?;
    println!(
        "apply the server's lists ({} unread, {} starred), nothing changed ({} + {}): {:.1} ms",
        unread_ids.len(),
        starred_ids.len(),
        changes.read,
        changes.starred,
        t.elapsed().as_secs_f64() * 1e3
    );
    // Half the unread read on another device.
    let t = Instant::now();
    let changes = store.apply_remote_state(&unread_ids[unread_ids.len() / 2..], &starred_ids)?;
    println!(
        "apply the server's lists, {} read elsewhere: {:.1} ms",
        changes.read,
        t.elapsed().as_secs_f64() * 1e3
    );

    // Mark all read here: every change is queued, then read back to send.
    let t = Instant::now();
    let marked = store.mark_all_read(&ArticleFilter::default())?;
    let queued = store.outbox_len()?;
    let page = store.outbox(5_000)?;
    store.outbox_sent(&page)?;
    println!(
        "mark all read: {} marked, {} queued, first 5,000 read and cleared, in {:.1} ms",
        marked.len(),
        queued,
        t.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}
