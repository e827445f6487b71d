//! The sync's storage against a real SQLite file.

use chrono::Utc;
use rusqlite::OptionalExtension;

use super::*;
use crate::config::RetentionConfig;
use crate::domain::{ArticleFilter, NewArticle, NewFeed};
use crate::store::Mark;
use crate::store::PreparedArticle;

const SRC: &str = "greader";

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("t.db")).expect("store");
    (dir, store)
}

fn remote(id: &str, url: &str, folders: &[&str]) -> RemoteFeed {
    RemoteFeed {
        remote_id: id.into(),
        url: url.into(),
        title: Some(format!("Feed {id}")),
        site_url: None,
        folders: folders.iter().map(|f| (*f).to_string()).collect(),
    }
}

fn item(remote_id: i64, feed: &str, read: bool, starred: bool) -> RemoteItem {
    let article = NewArticle {
        key: format!("https://example.org/{remote_id}"),
        title: format!("Item {remote_id}"),
        link: Some(format!("https://example.org/{remote_id}")),
        author: None,
        published: Some(Utc::now()),
        updated: None,
        categories: vec![],
        summary_html: Some("<p>text</p>".into()),
        content_html: None,
        enclosures: vec![],
    };
    RemoteItem { remote_id, feed: feed.into(), article: PreparedArticle::from(article), read, starred }
}

fn retention() -> RetentionConfig {
    RetentionConfig { keep_days: 0, keep_per_feed: 0, ..RetentionConfig::default() }
}

fn id_of(store: &Store, remote_id: i64) -> crate::domain::ArticleId {
    crate::domain::ArticleId(
        store
            .conn
            .query_row("SELECT id FROM articles WHERE remote_id = ?1", [remote_id], |r| r.get(0))
            .expect("article"),
    )
}

fn state(store: &Store, remote_id: i64) -> (bool, bool) {
    store
        .conn
        .query_row("SELECT read, starred FROM articles WHERE remote_id = ?1", [remote_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("article")
}

fn synced_store() -> (tempfile::TempDir, Store) {
    let (dir, mut store) = store();
    store
        .apply_subscriptions(
            SRC,
            &[remote("feed/1", "https://example.org/feed", &["News"])],
            Removals::Few,
            Utc::now(),
        )
        .expect("subs");
    let items =
        [item(10, "feed/1", false, false), item(11, "feed/1", true, false), item(12, "feed/1", false, true)];
    let (stored, unknown) = store.store_remote_items(SRC, &items, &retention(), Utc::now()).expect("items");
    assert_eq!((stored.new, unknown), (3, None));
    (dir, store)
}

#[test]
fn server_articles_come_in_with_their_state_once() {
    let (_dir, mut store) = synced_store();
    assert_eq!(state(&store, 10), (false, false));
    assert_eq!(state(&store, 11), (true, false));
    assert_eq!(state(&store, 12), (false, true));
    // The feed's counters follow (one of three is read).
    let feed = store.feeds().expect("feeds").pop().expect("feed");
    assert_eq!((feed.total, feed.unread, feed.source.as_deref()), (3, 2, Some(SRC)));
    assert_eq!(feed.tags, vec!["News".to_string()]);
    // Sent again, nothing is duplicated, and the server's state did not go to the outbox.
    let again = [item(10, "feed/1", false, false), item(11, "feed/1", true, false)];
    let (stored, _) = store.store_remote_items(SRC, &again, &retention(), Utc::now()).expect("items");
    assert_eq!((stored.new, stored.present), (0, 2));
    assert_eq!(store.article_count().expect("count"), 3);
    assert_eq!(store.outbox_len().expect("outbox"), 0);
}

#[test]
fn every_local_mark_is_queued_with_its_latest_value() {
    let (_dir, mut store) = synced_store();
    let a = id_of(&store, 10);
    store.mark(&[a], Mark::Read).expect("mark");
    store.mark(&[a], Mark::Star).expect("mark");
    store.mark(&[a], Mark::Unread).expect("mark");
    let queued = store.outbox(10).expect("outbox");
    let mut seen: Vec<(i64, StateField, bool)> =
        queued.iter().map(|e| (e.remote_id, e.field, e.value)).collect();
    seen.sort_by_key(|(id, f, _)| (*id, *f == StateField::Starred));
    assert_eq!(seen, vec![(10, StateField::Read, false), (10, StateField::Starred, true)]);
    // Mark-all-read is a way of marking too.
    store.mark_all_read(&ArticleFilter::default()).expect("all read");
    assert!(
        store
            .outbox(10)
            .expect("outbox")
            .iter()
            .any(|e| e.remote_id == 12 && e.field == StateField::Read && e.value)
    );
}

#[test]
fn a_waiting_local_change_outlives_the_servers_older_state() {
    let (_dir, mut store) = synced_store();
    let a = id_of(&store, 10);
    store.mark(&[a], Mark::Read).expect("mark");
    // The server still lists 10 as unread (it has not had the change yet): local wins.
    let changes = store.apply_remote_state(&[10, 12], &[12]).expect("state");
    assert_eq!(state(&store, 10), (true, false));
    assert_eq!(changes.read, 0);
    // Once sent, the server's state counts again.
    let sent = store.outbox(10).expect("outbox");
    store.outbox_sent(&sent).expect("sent");
    store.apply_remote_state(&[10, 12], &[12]).expect("state");
    assert_eq!(state(&store, 10), (false, false));
    // Server-side changes both ways: 11 unread again, 12 read and unstarred, 10 starred.
    let changes = store.apply_remote_state(&[11], &[10]).expect("state");
    assert_eq!(state(&store, 10), (true, true));
    assert_eq!(state(&store, 11), (false, false));
    assert_eq!(state(&store, 12), (true, false));
    assert_eq!((changes.read, changes.starred), (3, 2));
    assert_eq!(store.outbox_len().expect("outbox"), 0, "the server's own changes are not sent back");
    assert_eq!(store.unread_count(None, None).expect("unread"), 1);
}

#[test]
fn a_change_made_while_sending_is_not_lost() {
    let (_dir, mut store) = synced_store();
    let a = id_of(&store, 10);
    store.mark(&[a], Mark::Read).expect("mark");
    let read_then = store.outbox(10).expect("outbox");
    std::thread::sleep(std::time::Duration::from_millis(5));
    store.mark(&[a], Mark::Unread).expect("mark");
    store.outbox_sent(&read_then).expect("sent");
    let left = store.outbox(10).expect("outbox");
    assert_eq!(left.len(), 1);
    assert!(!left[0].value, "the newer unread waits to be sent");
}

#[test]
fn subscriptions_follow_the_server_and_local_feeds_are_adopted() {
    let (_dir, mut store) = store();
    let local = store
        .add_feed(&NewFeed { url: "https://a.example/feed".into(), title: None, tags: vec![] }, Utc::now())
        .expect("add");
    let changes = store
        .apply_subscriptions(
            SRC,
            &[
                remote("feed/1", "https://a.example/feed", &["Tech"]),
                remote("feed/2", "https://b.example/feed", &[]),
            ],
            Removals::Few,
            Utc::now(),
        )
        .expect("subs");
    assert_eq!((changes.added, changes.adopted, changes.removed), (1, 1, 0));
    let a = store.feed(local.id).expect("feed").expect("there");
    assert_eq!((a.source.as_deref(), a.tags.clone()), (Some(SRC), vec!["Tech".to_string()]));
    // Folder renamed on the server; feed/2 unsubscribed on another device.
    let changes = store
        .apply_subscriptions(
            SRC,
            &[remote("feed/1", "https://a.example/feed", &["Science"])],
            Removals::Few,
            Utc::now(),
        )
        .expect("subs");
    assert_eq!(changes.removed, 1);
    assert_eq!(store.feed(local.id).expect("feed").expect("there").tags, vec!["Science".to_string()]);
    assert_eq!(store.feed_count().expect("count"), 1);
    // Local feeds are never fetched by tidings once the server holds them.
    assert!(store.fetch_targets(None).expect("targets").is_empty());
}

#[test]
fn an_unsubscription_waits_for_the_server_and_resubscribing_takes_it_back() {
    let (_dir, mut store) = synced_store();
    let feed = store.feeds().expect("feeds")[0].id;
    store.remove_feed(feed, Utc::now()).expect("remove");
    assert_eq!(
        store.pending_unsubscriptions(SRC).expect("pending"),
        vec![("feed/1".to_string(), "https://example.org/feed".to_string())]
    );
    // The server still lists it (not told yet): it does not come back here.
    let subs = [remote("feed/1", "https://example.org/feed", &[])];
    store.apply_subscriptions(SRC, &subs, Removals::Few, Utc::now()).expect("subs");
    assert_eq!(store.feed_count().expect("count"), 0);
    // Undo: subscribed again before the sync; it is the server's feed/1 again, not a new one.
    let new = NewFeed { url: "https://example.org/feed".into(), title: None, tags: vec![] };
    store.add_synced_feed(SRC, &new, Utc::now()).expect("add");
    assert!(store.pending_unsubscriptions(SRC).expect("pending").is_empty());
    assert!(store.pending_subscriptions(SRC).expect("pending").is_empty());
    store.apply_subscriptions(SRC, &subs, Removals::Few, Utc::now()).expect("subs");
    assert_eq!(store.feed_count().expect("count"), 1);
}

#[test]
fn a_synced_article_the_killfile_marks_read_is_a_change_the_server_hears_of() {
    let (_dir, mut store) = store();
    let config = crate::config::Config::parse(
        "[[kill]]\nquery = \"crypto*\"\naction = \"read\"\n",
        std::path::Path::new("config.toml"),
    )
    .expect("config");
    store.set_kill_rules(&config.kill);
    store
        .apply_subscriptions(
            SRC,
            &[remote("feed/1", "https://example.org/feed", &[])],
            Removals::Few,
            Utc::now(),
        )
        .expect("subs");
    let mut crypto = item(21, "feed/1", false, false);
    crypto.article.title = "Crypto coins rally again".into();
    let items = [item(20, "feed/1", false, false), crypto];
    store.store_remote_items(SRC, &items, &retention(), Utc::now()).expect("items");
    assert_eq!(state(&store, 21), (true, false));
    assert_eq!(state(&store, 20), (false, false));
    let queued: Vec<(i64, bool)> =
        store.outbox(10).expect("outbox").iter().map(|e| (e.remote_id, e.value)).collect();
    assert_eq!(queued, vec![(21, true)]);
    // So the server's older "unread" does not undo it before it is sent.
    store.apply_remote_state(&[20, 21], &[]).expect("state");
    assert_eq!(state(&store, 21), (true, false));
}

#[test]
fn a_subscription_the_server_had_under_another_url_keeps_the_feed_here() {
    let (_dir, mut store) = synced_store();
    let starred = id_of(&store, 12);
    let new = NewFeed { url: "http://example.org/feed".into(), title: None, tags: vec![] };
    let pending = store.add_synced_feed(SRC, &new, Utc::now()).expect("add").id;
    assert_eq!(store.pending_subscriptions(SRC).expect("pending").len(), 1);
    // The server answers the subscription with the feed it has: feed/1.
    store.set_remote_feed(pending, SRC, "feed/1").expect("map");
    assert_eq!(store.feed_count().expect("count"), 1);
    assert!(store.feed(pending).expect("feed").is_none());
    let kept = store.article(starred).expect("article").expect("still here");
    assert!(kept.summary.starred);
    assert!(store.pending_subscriptions(SRC).expect("pending").is_empty());
}

#[test]
fn articles_of_an_unknown_feed_hold_the_watermark_and_local_articles_are_matched_by_link() {
    let (_dir, mut store) = store();
    let local = store
        .add_feed(&NewFeed { url: "https://example.org/feed".into(), title: None, tags: vec![] }, Utc::now())
        .expect("add");
    // An article this feed had locally, under its guid, with the server's link.
    let mut own = item(0, "", false, false).article;
    own.key = "guid-10".into();
    own.key_hash = xxhash_rust::xxh3::xxh3_64(own.key.as_bytes()) as i64;
    own.link = Some("https://example.org/10".into());
    {
        let mut batch = store.batch().expect("batch");
        batch
            .import_articles(
                local.id,
                None,
                &[crate::store::ImportedArticle { article: own, read: false, starred: false }],
                &retention(),
                Utc::now(),
            )
            .expect("import");
        batch.commit().expect("commit");
    }
    store
        .apply_subscriptions(
            SRC,
            &[remote("feed/1", "https://example.org/feed", &[])],
            Removals::Few,
            Utc::now(),
        )
        .expect("subs");
    let items =
        [item(10, "feed/1", true, false), item(9, "feed/9", false, false), item(11, "feed/1", false, false)];
    let (stored, unknown) = store.store_remote_items(SRC, &items, &retention(), Utc::now()).expect("items");
    assert_eq!((stored.new, stored.present, stored.unknown_feed), (1, 1, 1));
    assert_eq!(unknown, Some(9));
    assert_eq!(store.article_count().expect("count"), 2, "the local copy of 10 is the server's 10");
}

/// Feeds the server drops, lists again, or lists without a usable address; removals held.
mod removals {
    use super::*;

    /// A subscription of the server, without title or folders.
    fn remote(id: &str, url: &str) -> RemoteFeed {
        super::remote(id, url, &[])
    }

    /// An unread, unstarred article of the server.
    fn item(remote_id: i64, feed: &str) -> RemoteItem {
        super::item(remote_id, feed, false, false)
    }

    /// Three synced feeds of two articles each (ids 10·f + 1, 10·f + 2).
    fn three_feeds() -> (tempfile::TempDir, Store, Vec<RemoteFeed>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(&dir.path().join("t.db")).expect("store");
        let feeds: Vec<RemoteFeed> =
            (1..=3).map(|f| remote(&format!("feed/{f}"), &format!("https://f{f}.example/feed"))).collect();
        store.apply_subscriptions(SRC, &feeds, Removals::Few, Utc::now()).expect("subs");
        let items: Vec<RemoteItem> = (1..=3)
            .flat_map(|f| [item(10 * f + 1, &format!("feed/{f}")), item(10 * f + 2, &format!("feed/{f}"))])
            .collect();
        store.store_remote_items(SRC, &items, &retention(), Utc::now()).expect("items");
        (dir, store, feeds)
    }

    fn article(store: &Store, remote_id: i64) -> Option<(i64, bool, bool, i64)> {
        store
            .conn
            .query_row(
                "SELECT id, read, starred, hidden FROM articles WHERE remote_id = ?1",
                [remote_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .expect("query")
    }

    fn visible(store: &Store) -> usize {
        store.articles(&ArticleFilter::default(), None, 100).expect("page").len()
    }

    #[test]
    fn a_feed_the_server_drops_keeps_its_starred_articles_and_comes_back_as_it_was() {
        let (_dir, mut store, feeds) = three_feeds();
        let (starred, ..) = article(&store, 11).expect("11");
        let (read, ..) = article(&store, 12).expect("12");
        store.mark(&[crate::domain::ArticleId(starred)], Mark::Star).expect("star");
        store.mark(&[crate::domain::ArticleId(read)], Mark::Read).expect("read");
        let sent = store.outbox(10).expect("outbox");
        store.outbox_sent(&sent).expect("sent");
        let changes = store.apply_subscriptions(SRC, &feeds[1..], Removals::Few, Utc::now()).expect("subs");
        assert_eq!(changes.removed, 1);
        assert_eq!(store.feed_count().expect("count"), 2);
        assert_eq!(visible(&store), 5, "the starred one of feed 1 stays in view");
        // The server's lists no longer have feed 1's articles: its starred one stays starred.
        store.apply_remote_state(&[21, 22, 31, 32], &[]).expect("state");
        assert_eq!(article(&store, 11).map(|a| a.2), Some(true));
        // Listed again under its id: back with its marks.
        let changes = store.apply_subscriptions(SRC, &feeds, Removals::Few, Utc::now()).expect("subs");
        assert_eq!((changes.restored, changes.added), (1, 0));
        assert_eq!(visible(&store), 6);
        assert_eq!(article(&store, 12).map(|a| (a.1, a.3)), Some((true, 0)));
    }

    #[test]
    fn a_dropped_feed_listed_again_under_a_new_id_is_the_same_feed() {
        let (_dir, mut store, feeds) = three_feeds();
        let before = store.resolve_feed("https://f1.example/feed").expect("resolve").expect("there");
        let (starred, ..) = article(&store, 11).expect("11");
        store.mark(&[crate::domain::ArticleId(starred)], Mark::Star).expect("star");
        let sent = store.outbox(10).expect("outbox");
        store.outbox_sent(&sent).expect("sent");
        store.apply_subscriptions(SRC, &feeds[1..], Removals::Few, Utc::now()).expect("subs");
        let mut again = feeds.clone();
        again[0].remote_id = "feed/9".into();
        let changes = store.apply_subscriptions(SRC, &again, Removals::Few, Utc::now()).expect("subs");
        assert_eq!((changes.restored, changes.added), (1, 0));
        assert_eq!(store.resolve_feed("https://f1.example/feed").expect("resolve"), Some(before));
        assert_eq!(store.feed_count().expect("count"), 3);
        // Its articles wait to be matched with the server's new items by link.
        let (stored, _) =
            store.store_remote_items(SRC, &[item(91, "feed/9")], &retention(), Utc::now()).expect("items");
        assert_eq!(stored.new, 1);
        let mut same = item(92, "feed/9");
        same.article = item(11, "feed/9").article;
        let (stored, _) = store.store_remote_items(SRC, &[same], &retention(), Utc::now()).expect("items");
        assert_eq!((stored.new, stored.present), (0, 1), "matched by link, not a copy");
        // Its star, which the server's new item lacks, is sent to the server, and meanwhile
        // the server's lists do not take it away.
        let queued: Vec<(i64, StateField, bool)> =
            store.outbox(10).expect("outbox").iter().map(|e| (e.remote_id, e.field, e.value)).collect();
        assert_eq!(queued, vec![(92, StateField::Starred, true)]);
        store.apply_remote_state(&[91, 92], &[]).expect("state");
        assert_eq!(article(&store, 92).map(|a| (a.0, a.2)), Some((starred, true)));
    }

    #[test]
    fn undoing_an_unsubscription_the_server_has_heard_of_subscribes_there_again() {
        let (_dir, mut store, feeds) = three_feeds();
        let feed = store.resolve_feed("https://f1.example/feed").expect("resolve").expect("there");
        let (starred, ..) = article(&store, 11).expect("11");
        store.mark(&[crate::domain::ArticleId(starred)], Mark::Star).expect("star");
        let sent = store.outbox(10).expect("outbox");
        store.outbox_sent(&sent).expect("sent");
        // Undone before the server heard: nothing to send, the same ids.
        store.remove_feed(feed, Utc::now()).expect("remove");
        assert_eq!(store.pending_unsubscriptions(SRC).expect("pending").len(), 1);
        store.restore_feed(feed).expect("restore");
        assert!(store.pending_unsubscriptions(SRC).expect("pending").is_empty());
        assert!(store.pending_subscriptions(SRC).expect("pending").is_empty());
        assert_eq!(article(&store, 11).map(|a| a.0), Some(starred));
        // Undone after the server heard: subscribed there again, the articles matched by link
        // when the server's come, the star kept meanwhile.
        store.remove_feed(feed, Utc::now()).expect("remove");
        store.unsubscription_sent(SRC, "feed/1").expect("sent");
        store.apply_subscriptions(SRC, &feeds[1..], Removals::Few, Utc::now()).expect("subs");
        store.restore_feed(feed).expect("restore");
        let pending: Vec<FeedId> =
            store.pending_subscriptions(SRC).expect("pending").iter().map(|p| p.id).collect();
        assert_eq!(pending, vec![feed]);
        let kept = store.article(crate::domain::ArticleId(starred)).expect("article").expect("there");
        assert!(kept.summary.starred);
        assert_eq!(visible(&store), 6);
    }

    #[test]
    fn a_listed_feed_without_a_usable_address_stays_and_none_is_added() {
        let (_dir, mut store, mut feeds) = three_feeds();
        feeds[0].url = String::new();
        feeds.push(remote("feed/7", ""));
        let changes = store.apply_subscriptions(SRC, &feeds, Removals::Few, Utc::now()).expect("subs");
        assert_eq!((changes.removed, changes.added), (0, 0));
        assert_eq!(store.feed_count().expect("count"), 3);
        assert_eq!(visible(&store), 6);
    }

    #[test]
    fn a_list_dropping_most_feeds_unsubscribes_none_until_confirmed() {
        let (_dir, mut store, feeds) = three_feeds();
        let changes = store.apply_subscriptions(SRC, &feeds[..1], Removals::Few, Utc::now()).expect("subs");
        assert_eq!((changes.removed, changes.held, changes.synced), (0, 2, 3));
        assert_eq!(store.feed_count().expect("count"), 3);
        assert_eq!(visible(&store), 6);
        let changes = store.apply_subscriptions(SRC, &feeds[..1], Removals::All, Utc::now()).expect("subs");
        assert_eq!((changes.removed, changes.held), (2, 0));
        assert_eq!(store.feed_count().expect("count"), 1);
        // One of three is not "most".
        assert!(!is_mass_removal(1, 3) && !is_mass_removal(1, 1) && is_mass_removal(2, 3));
    }

    #[test]
    fn a_duplicate_subscription_gives_its_stars_to_the_feed_that_stays() {
        let (_dir, mut store, _) = three_feeds();
        let new = NewFeed { url: "http://f1.example/feed".into(), title: None, tags: vec![] };
        let dup = store.add_synced_feed(SRC, &new, Utc::now()).expect("add").id;
        let copy = PreparedArticle::from(crate::domain::NewArticle {
            key: "https://example.org/11".into(),
            title: "Item 11".into(),
            link: Some("https://example.org/11".into()),
            ..crate::domain::NewArticle::default()
        });
        let own = PreparedArticle::from(crate::domain::NewArticle {
            key: "only-here".into(),
            title: "Only here".into(),
            ..crate::domain::NewArticle::default()
        });
        let parsed =
            crate::store::PreparedFeed { title: None, site_url: None, articles: vec![copy, own], ttl: None };
        {
            let mut batch = store.batch().expect("batch");
            batch
                .ingest(dup, &crate::store::FetchRecord::default(), &parsed, &retention(), Utc::now())
                .expect("ingest");
            batch.commit().expect("commit");
        }
        let ids: Vec<crate::domain::ArticleId> = store
            .articles(&ArticleFilter { feed: Some(dup), ..ArticleFilter::default() }, None, 10)
            .expect("page")
            .iter()
            .map(|a| a.id)
            .collect();
        store.mark(&ids, Mark::Star).expect("star");
        store.set_remote_feed(dup, SRC, "feed/1").expect("map");
        assert!(store.feed(dup).expect("feed").is_none());
        assert_eq!(article(&store, 11).map(|a| a.2), Some(true), "the kept copy is starred");
        let starred = store
            .articles(&ArticleFilter { starred: true, ..ArticleFilter::default() }, None, 10)
            .expect("page");
        let titles: Vec<&str> = starred.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles.len(), 2, "{titles:?}");
        assert!(titles.contains(&"Only here"));
        let kept = store.resolve_feed("https://f1.example/feed").expect("resolve").expect("there");
        let feed = store.feed(kept).expect("feed").expect("there");
        assert_eq!((feed.total, feed.unread), (3, 3), "the moved article is counted");
    }
}
