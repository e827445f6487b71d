//! "Top stories" on a real SQLite file, grouped by the real indexer: the last 24 hours' stories
//! ranked by how many feeds cover them, then by recency; single-source articles left out; an
//! earlier day when the last 24 hours had none.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, Duration, Utc};
use common::Env;
use tidings::config::RetentionConfig;
use tidings::domain::{FeedId, NewArticle, NewFeed, ParsedFeed, TopStories};
use tidings::store::{FetchRecord, Mark, PreparedFeed, Store};

/// What each story is about: one body per event, shared by its reports.
const HARBOUR: &str = "Dock workers in Rotterdam accepted the pay offer and the harbour strike ended after \
                       three weeks; container ships are loading again at the port terminals.";
const ELECTION: &str = "Voters in the northern province elected a new governor after a recount of ballots; \
                        turnout was the highest since the referendum on regional autonomy.";
const COMET: &str = "Astronomers tracked the comet's closest approach with telescopes in Chile; its tail of \
                     ice and dust will stay visible to the naked eye until the new moon.";
const FLOOD: &str = "Heavy rain flooded the river valley overnight; firefighters evacuated villages, \
                     bridges were closed and the railway line between the two towns is under water.";
const BAKERY: &str = "A family bakery won the national prize for sourdough bread with a recipe that uses \
                      rye flour, honey and a starter kept alive for forty years.";

/// One report: (feed, key, title, body, hours before `now`).
type Report = (usize, &'static str, &'static str, &'static str, i64);

/// A cache with four feeds holding `reports`, indexed (and so grouped) as the reader does.
fn cache(env: &Env, now: DateTime<Utc>, reports: &[Report]) -> (Store, Vec<FeedId>) {
    let mut store = env.store();
    let names = ["World Desk", "Harbour Gazette", "Daily Courier", "Evening Post"];
    let feeds: Vec<FeedId> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let new = NewFeed {
                url: format!("https://feed{i}.example/rss"),
                title: Some((*name).into()),
                tags: vec![],
            };
            store.add_feed(&new, now - Duration::days(3)).unwrap().id
        })
        .collect();
    for (f, feed) in feeds.iter().enumerate() {
        let entries: Vec<NewArticle> = reports
            .iter()
            .filter(|r| r.0 == f)
            .map(|&(_, key, title, body, hours)| NewArticle {
                key: key.into(),
                title: title.into(),
                link: Some(format!("https://feed{f}.example/{key}")),
                published: Some(now - Duration::hours(hours)),
                content_html: Some(format!("<p>{body}</p>")),
                ..NewArticle::default()
            })
            .collect();
        let parsed: PreparedFeed = ParsedFeed { entries, ..ParsedFeed::default() }.into();
        let retention = RetentionConfig { keep_days: 0, keep_per_feed: 0, ..RetentionConfig::default() };
        store.ingest(*feed, &FetchRecord::default(), &parsed, &retention, now).unwrap();
    }
    while store.index_some(100).unwrap().remaining > 0 {}
    (store, feeds)
}

/// Each story as (its newest title, its feeds).
fn shown(top: &TopStories) -> Vec<(&str, Vec<&str>)> {
    top.stories
        .iter()
        .map(|s| (s.article.title.as_str(), s.feeds.iter().map(String::as_str).collect()))
        .collect()
}

#[test]
fn the_days_stories_by_how_many_feeds_cover_them_then_newest_first() {
    let env = Env::new();
    let now = Utc::now();
    let (mut store, _) = cache(
        &env,
        now,
        &[
            // Three feeds, this morning.
            (0, "h0", "Harbour strike ends in Rotterdam", HARBOUR, 6),
            (1, "h1", "Rotterdam dockers accept pay offer", HARBOUR, 5),
            (2, "h2", "Ships load again as harbour strike ends", HARBOUR, 4),
            // Two feeds, the newest of all.
            (3, "e3", "Recount gives the north a new governor", ELECTION, 2),
            (2, "e2", "Northern province elects governor after recount", ELECTION, 1),
            // Two feeds, older than the election.
            (1, "c1", "Comet at its closest tonight", COMET, 4),
            (0, "c0", "Telescopes in Chile track the comet", COMET, 3),
            // One feed only: not a top story.
            (3, "b3", "Sourdough bakery wins national prize", BAKERY, 1),
            // Two feeds, but a day and a half ago.
            (0, "f0", "Floods close the valley railway", FLOOD, 37),
            (3, "f3", "Villages evacuated as the river floods", FLOOD, 36),
        ],
    );
    let top = store.top_stories(now, false, 50).unwrap();
    assert!(!top.earlier);
    assert_eq!(
        shown(&top),
        [
            (
                "Ships load again as harbour strike ends",
                vec!["Daily Courier", "Harbour Gazette", "World Desk"]
            ),
            ("Northern province elects governor after recount", vec!["Daily Courier", "Evening Post"]),
            ("Telescopes in Chile track the comet", vec!["World Desk", "Harbour Gazette"]),
        ]
    );
    let first = &top.stories[0];
    assert_eq!((first.article.sources, first.unread.len()), (2, 3));
    assert_eq!(store.top_stories(now, false, 2).unwrap().stories.len(), 2, "at most the limit");

    // Read stories are left out with unread_only; every article read, the story is gone.
    let ids: Vec<_> = store.story_of(first.article.id).unwrap().iter().map(|a| a.id).collect();
    store.mark(&[first.article.id], Mark::Read).unwrap();
    let unread = store.top_stories(now, true, 50).unwrap();
    assert_eq!(unread.stories.len(), 3, "an unread report keeps the story: {:?}", shown(&unread));
    store.mark(&ids, Mark::Read).unwrap();
    let unread = store.top_stories(now, true, 50).unwrap();
    assert_eq!(unread.stories.len(), 2, "{:?}", shown(&unread));
    assert!(!unread.earlier);
}

#[test]
fn with_nothing_in_the_last_24_hours_the_newest_day_with_stories_is_shown() {
    let env = Env::new();
    let now = Utc::now();
    let (store, _) = cache(
        &env,
        now,
        &[
            (0, "f0", "Floods close the valley railway", FLOOD, 74),
            (3, "f3", "Villages evacuated as the river floods", FLOOD, 72),
            (1, "c1", "Comet at its closest tonight", COMET, 90),
            (0, "c0", "Telescopes in Chile track the comet", COMET, 89),
            (2, "h2", "Ships load again as harbour strike ends", HARBOUR, 200),
            (1, "h1", "Rotterdam dockers accept pay offer", HARBOUR, 201),
            (3, "b3", "Sourdough bakery wins national prize", BAKERY, 1),
        ],
    );
    let top = store.top_stories(now, false, 50).unwrap();
    assert!(top.earlier, "the last 24 hours had no story");
    assert_eq!((now - top.until).num_hours(), 72, "the day ends with its newest report");
    let titles: Vec<&str> = shown(&top).into_iter().map(|(t, _)| t).collect();
    assert_eq!(titles, ["Villages evacuated as the river floods", "Telescopes in Chile track the comet"]);
    // Unread only never goes back further: it says there is nothing unread today.
    let unread = store.top_stories(now, true, 50).unwrap();
    assert!(unread.stories.is_empty() && !unread.earlier);

    let empty = Env::new();
    let (store, _) = cache(&empty, now, &[(3, "b3", "Sourdough bakery wins national prize", BAKERY, 1)]);
    let top = store.top_stories(now, false, 50).unwrap();
    assert!(top.stories.is_empty() && !top.earlier, "no story at all: nothing, and no earlier day");
}
