//! Refreshing, subscribing, importing, unsubscribing: the worker reports facts, `update`
//! decides what follows and what the user is told.

use super::*;
use crate::app::msg::{SubscribeOutcome, Task};
use crate::app::state::{Pane, Popup, RefreshRequest, Undo, ViewKind};
use crate::domain::NewFeed;
use crate::refresh::{FeedResult, Outcome, Summary};

#[test]
fn refresh_progress_and_the_periodic_refresh() {
    let mut s = state_with(3, (120, 40), false);
    s.settings.refresh_interval = 10;
    let fx = update(&mut s, Msg::Tick(now()));
    assert_eq!(fx, vec![Effect::Refresh { feeds: None, due_only: true }], "the periodic refresh is polite");
    update(&mut s, Msg::RefreshStarted { total: 4 });
    assert!(update(&mut s, Msg::Tick(now() + Duration::minutes(30))).is_empty(), "not while one runs");
    let failed = FeedResult {
        feed: FeedId(2),
        url: "https://broken/".into(),
        outcome: Outcome::Failed("cannot reach broken: connection refused".into()),
    };
    update(&mut s, Msg::FeedRefreshed(failed));
    assert_eq!(s.status.refresh, Some((1, 4)));
    assert_eq!(s.status.failed, 1);
    let summary = Summary { feeds: 4, new: 1, failed: 1, skipped: 0, unchanged: 2 };
    update(&mut s, Msg::RefreshFinished(summary));
    assert_eq!(s.status.refresh, None);
    assert!(!s.refreshing);
    assert_eq!(status(&s), "4 feeds, 1 new article, 1 failed — M says why");
    let log: Vec<String> = s.messages.lines(&s.tz, 200).into_iter().map(|(_, l)| l).collect();
    assert!(log.iter().any(|l| l.contains("Feed 2: cannot reach broken: connection refused")), "{log:?}");
    // The next periodic refresh comes 10 minutes after this one started.
    assert!(update(&mut s, Msg::Tick(now() + Duration::minutes(5))).is_empty());
}

/// A feed's own `refresh_interval` is honoured by the reader's periodic refresh: with the
/// reader's interval at 0 (never), only that feed is looked at, as often as it asks.
#[test]
fn a_feeds_own_interval_drives_the_periodic_refresh() {
    let mut s = state_with(3, (120, 40), false);
    assert!(!s.overview.feeds.is_empty());
    assert!(update(&mut s, Msg::Tick(now())).is_empty(), "no intervals: no periodic refresh");
    let feed = s.overview.feeds[1].clone();
    let config = crate::config::Config::parse(
        &format!("[feeds.\"{}\"]\nrefresh_interval = 15\n", feed.url),
        std::path::Path::new("config.toml"),
    )
    .unwrap();
    s.settings.feed_settings = config.feeds;
    let fx = update(&mut s, Msg::Tick(now()));
    assert_eq!(fx, vec![Effect::Refresh { feeds: Some(vec![feed.id]), due_only: true }]);
    update(&mut s, Msg::RefreshFinished(Summary { feeds: 1, ..Summary::default() }));
    assert!(update(&mut s, Msg::Tick(now() + Duration::minutes(10))).is_empty(), "not before 15 minutes");
    let fx = update(&mut s, Msg::Tick(now() + Duration::minutes(15)));
    assert_eq!(fx, vec![Effect::Refresh { feeds: Some(vec![feed.id]), due_only: true }]);
    // With the reader's own interval set, every feed is looked at, at the shorter period.
    update(&mut s, Msg::RefreshFinished(Summary::default()));
    s.settings.refresh_interval = 60;
    let fx = update(&mut s, Msg::Tick(now() + Duration::minutes(30)));
    assert_eq!(fx, vec![Effect::Refresh { feeds: None, due_only: true }]);
}

#[test]
fn the_clock_ticks_without_redrawing_unless_the_minute_changes() {
    let mut s = state_with(3, (120, 40), false);
    s.dirty = false;
    update(&mut s, Msg::Tick(now() + Duration::seconds(20)));
    assert!(!s.dirty, "12:00:20 shows as 12:00 too");
    update(&mut s, Msg::Tick(now() + Duration::seconds(61)));
    assert!(s.dirty);
}

#[test]
fn a_refresh_asked_for_while_one_runs_starts_after_it() {
    let mut s = state_with(3, (80, 24), false);
    assert_eq!(act(&mut s, Action::RefreshAll), vec![Effect::Refresh { feeds: None, due_only: false }]);
    assert!(s.refreshing, "running from the moment it is asked for");
    assert!(act(&mut s, Action::RefreshFeed).is_empty());
    assert_eq!(s.refresh_queued, Some(RefreshRequest::Feeds(vec![FeedId(2)])));
    assert!(status(&s).contains("starts when it ends"), "{}", status(&s));
    update(&mut s, Msg::RefreshStarted { total: 3 });
    let fx = update(&mut s, Msg::RefreshFinished(Summary { feeds: 3, ..Summary::default() }));
    assert!(fx.contains(&Effect::Refresh { feeds: Some(vec![FeedId(2)]), due_only: false }), "{fx:?}");
    assert!(s.refreshing && s.refresh_queued.is_none());
}

#[test]
fn a_failed_feed_says_why_and_r_in_the_sidebar_retries_it() {
    let mut s = state_with(3, (200, 60), false);
    let error = "cannot reach feed9.example: connection refused";
    update(&mut s, Msg::SidebarLoaded(Box::new(sidebar_data(vec![feed(1, None), feed(9, Some(error))]))));
    act(&mut s, Action::ToggleSidebar);
    act(&mut s, Action::Last);
    assert_eq!(s.sidebar_feed().map(|f| f.id), Some(FeedId(9)));
    let fx = act(&mut s, Action::RefreshFeed);
    assert_eq!(fx, vec![Effect::Refresh { feeds: Some(vec![FeedId(9)]), due_only: false }]);
    assert_eq!(status(&s), "Refreshing “Feed 9”…");
    // Its view shows the notice: the list has two rows less for articles.
    let rows_before = crate::layout::list_height(&s.shape());
    act(&mut s, Action::Open);
    assert_eq!(s.failed_feed().and_then(|f| f.last_error.as_deref()), Some(error));
    assert_eq!(crate::layout::list_height(&s.shape()), rows_before - 2);
}

#[test]
fn unsubscribing_asks_first_and_can_be_undone() {
    let mut s = state_with(3, (120, 40), false);
    let mut feeds = vec![feed(1, None), feed(2, None)];
    feeds[1].tags = vec!["news".into()];
    update(&mut s, Msg::SidebarLoaded(Box::new(sidebar_data(feeds))));
    act(&mut s, Action::ToggleSidebar);
    act(&mut s, Action::Last);
    assert!(act(&mut s, Action::Unsubscribe).is_empty());
    let Some(Popup::Confirm(q)) = &s.popup else { panic!("{:?}", s.popup) };
    assert!(
        q.question.contains("Unsubscribe from “Feed 2”? Its 5 cached articles go with it, but for starred ones (U brings them back)"),
        "{}",
        q.question
    );
    let fx = act(&mut s, Action::Yes);
    assert_eq!(fx, vec![Effect::Unsubscribe { feed: FeedId(2) }]);
    let fx =
        update(&mut s, Msg::Unsubscribed { id: FeedId(2), title: "Feed 2".into(), synced: true, starred: 2 });
    assert!(fx.contains(&Effect::LoadSidebar));
    assert!(
        status(&s).contains("Unsubscribed from “Feed 2” — U brings it back; on the server at the next sync; its 2 starred articles stay"),
        "{}",
        status(&s)
    );
    assert_eq!(s.undo, Some(Undo::Unsubscribe { id: FeedId(2), title: "Feed 2".into() }));
    // Undo is the same feed back, not a new subscription (which with a sync server would
    // subscribe on the server and lose the read and star marks).
    assert_eq!(act(&mut s, Action::Undo), vec![Effect::RestoreFeed { feed: FeedId(2) }]);
    let fx = update(&mut s, Msg::Restored { id: FeedId(2), title: "Feed 2".into() });
    assert!(fx.contains(&Effect::LoadSidebar));
    assert!(status(&s).contains("“Feed 2” is back"), "{}", status(&s));
    // Without the sidebar's selection, d on a feed's view asks about that feed; elsewhere it says how.
    s.focus = Pane::List;
    act(&mut s, Action::Unsubscribe);
    assert!(s.popup.is_none() && status(&s).contains("Select a feed in the sidebar"));
    let view = crate::app::state::View {
        kind: ViewKind::Feed { id: FeedId(1), title: "Feed 1".into() },
        unread_only: false,
    };
    crate::app::list::switch_view(&mut s, view, &mut Vec::new());
    act(&mut s, Action::Unsubscribe);
    let Some(Popup::Confirm(q)) = &s.popup else { panic!("{:?}", s.popup) };
    assert!(q.question.contains("“Feed 1”"), "{}", q.question);
}

#[test]
fn the_starter_set_with_no_network_subscribes_nothing_and_says_so() {
    let mut s = State::new(Settings::default(), (80, 24), now(), chrono::FixedOffset::east_opt(0).unwrap());
    let req = page_req(&super::super::update::start(&mut s)).unwrap();
    update(
        &mut s,
        Msg::PageLoaded {
            req,
            kind: PageKind::Replace { from_end: false },
            rows: vec![],
            full: false,
            counts: (0, 0),
            notes: Vec::new(),
        },
    );
    assert!(s.is_empty());
    let fx = act(&mut s, Action::StarterFeeds);
    let Some(Effect::Subscribe { feeds }) = fx.first() else { panic!("{fx:?}") };
    assert_eq!(feeds.len(), crate::app::starter::FEEDS.len());
    let unreachable = SubscribeOutcome::Failed {
        reason: "cannot reach x: the name does not resolve".into(),
        unreachable: true,
    };
    let results = feeds.iter().map(|f| (f.clone(), unreachable.clone())).collect();
    let fx = update(&mut s, Msg::Subscribed(results));
    assert!(fx.is_empty(), "nothing to reload: {fx:?}");
    assert!(status(&s).starts_with("No network: nothing was subscribed"), "{}", status(&s));
    seen(&mut s);
    // Some answering: those are subscribed, the others named in the log.
    let ok = SubscribeOutcome::Subscribed {
        title: "A".into(),
        url: "https://a/".into(),
        created: true,
        new: 3,
        others: vec![],
    };
    let results = vec![(feeds[0].clone(), ok), (feeds[1].clone(), unreachable)];
    let fx = update(&mut s, Msg::Subscribed(results));
    assert!(fx.contains(&Effect::LoadSidebar), "{fx:?}");
    assert_eq!(status(&s), "Subscribed to 1 of 2 feeds; 1 failed (M says why)");
}

#[test]
fn one_subscription_says_what_came_of_it() {
    let mut s = state_with(3, (80, 24), false);
    let asked = NewFeed { url: "lwn.net".into(), ..NewFeed::default() };
    let failed = SubscribeOutcome::Failed {
        reason: "https://lwn.net/: the server answered 404 Not Found".into(),
        unreachable: false,
    };
    update(&mut s, Msg::Subscribed(vec![(asked.clone(), failed)]));
    assert_eq!(status(&s), "Cannot subscribe: https://lwn.net/: the server answered 404 Not Found");
    seen(&mut s);
    let others = vec!["https://lwn.net/comments/rss".to_string()];
    let ok = SubscribeOutcome::Subscribed {
        title: "LWN".into(),
        url: "https://lwn.net/headlines/rss".into(),
        created: true,
        new: 1,
        others,
    };
    update(&mut s, Msg::Subscribed(vec![(asked, ok)]));
    assert_eq!(status(&s), "Subscribed to “LWN”: 1 article; the page offers 1 more feed(s), listed in M");
}

#[test]
fn an_import_refreshes_only_when_it_added_feeds() {
    let mut s = state_with(3, (80, 24), false);
    let fx = update(&mut s, Msg::Imported { path: "x.opml".into(), added: 0, present: 0, rejected: vec![] });
    assert!(fx.is_empty());
    assert!(status(&s).starts_with("Nothing to import in x.opml"), "{}", status(&s));
    seen(&mut s);
    let rejected = vec![(4, "not an http(s) URL".to_string())];
    let fx = update(&mut s, Msg::Imported { path: "x.opml".into(), added: 2, present: 1, rejected });
    assert!(fx.contains(&Effect::Refresh { feeds: None, due_only: false }), "{fx:?}");
    assert_eq!(status(&s), "Imported x.opml: 2 added, 1 already there, 1 rejected (M says why)");
}

#[test]
fn failures_name_what_failed() {
    let mut s = state_with(3, (80, 24), false);
    update(
        &mut s,
        Msg::Failed { task: Task::Import, error: "cannot read x.opml: No such file or directory".into() },
    );
    assert_eq!(status(&s), "The import failed: cannot read x.opml: No such file or directory");
    seen(&mut s);
    update(&mut s, Msg::WorkerStopped { thread: "tidings-db".into(), reason: "boom".into() });
    assert!(
        status(&s).contains("tidings-db stopped (boom); the list and articles no longer load"),
        "{}",
        status(&s)
    );
    assert_eq!(s.view.kind, ViewKind::All);
}

#[test]
fn a_search_is_saved_to_the_sidebar_and_removed_from_it() {
    use crate::app::state::{SidebarEntry, View};
    use crate::store::SavedSearch;
    let mut s = super::state_with(5, (100, 30), false);
    let fx = act(&mut s, Action::SaveSearch);
    assert!(fx.is_empty() && status(&s).contains("Search first"), "{}", status(&s));
    crate::app::list::switch_view(
        &mut s,
        View { kind: ViewKind::Search("reef".into()), unread_only: false },
        &mut Vec::new(),
    );
    let fx = act(&mut s, Action::SaveSearch);
    assert_eq!(fx, vec![Effect::SaveSearch { query: "reef".into(), at: None }]);
    // The worker answers with the sidebar: the search is a view with its unread count.
    let mut data = super::sidebar_data(vec![super::feed(1, None)]);
    let saved =
        |query: &str, from_config| SavedSearch { name: query.into(), query: query.into(), from_config };
    data.searches = vec![(saved("reef", false), 4), (saved("rust", true), 1)];
    update(&mut s, Msg::SidebarLoaded(Box::new(data.clone())));
    let at = s
        .sidebar
        .entries
        .iter()
        .position(
            |e| matches!(e, SidebarEntry::View { kind: ViewKind::Search(q), unread: 4, .. } if q == "reef"),
        )
        .expect("a view in the sidebar");
    assert!(s.sidebar.entries[..at].contains(&SidebarEntry::Heading("Searches")));
    // d on it removes it; a config search is removed in the config.
    s.focus = Pane::Sidebar;
    s.sidebar.selected = at;
    let fx = act(&mut s, Action::Unsubscribe);
    assert_eq!(fx, vec![Effect::ForgetSearch { query: "reef".into() }]);
    assert!(status(&s).contains("U brings it back"), "{}", status(&s));
    // U puts it back where it was (saved at the same time, so in the same place).
    let saved = now() - chrono::Duration::days(3);
    let without = sidebar_data(vec![feed(1, None)]);
    update(
        &mut s,
        Msg::SearchForgotten { query: "reef".into(), saved: Some(saved), sidebar: Box::new(without) },
    );
    assert_eq!(act(&mut s, Action::Undo), vec![Effect::SaveSearch { query: "reef".into(), at: Some(saved) }]);
    update(&mut s, Msg::SidebarLoaded(Box::new(data)));
    s.sidebar.selected = at + 1;
    let fx = act(&mut s, Action::Unsubscribe);
    assert!(fx.is_empty() && status(&s).contains("config.toml"), "{}", status(&s));
}

#[test]
fn configured_feed_titles_show_in_the_sidebar() {
    let mut s = state_with(3, (120, 40), false);
    // (Configured tags are stored in the cache and arrive with the feeds' own.)
    let mine = crate::config::FeedSettings {
        title: Some("My own name".into()),
        ..crate::config::FeedSettings::default()
    };
    s.settings.feed_settings.insert("https://feed2.example/rss".into(), mine);
    update(&mut s, Msg::SidebarLoaded(Box::new(sidebar_data(vec![feed(1, None), feed(2, None)]))));
    let shown: Vec<(&str, &[String])> =
        s.overview.feeds.iter().map(|f| (f.title.as_str(), f.tags.as_slice())).collect();
    assert_eq!(shown, vec![("Feed 1", &[][..]), ("My own name", &[][..])]);
}

/// With a sync server, the periodic refresh runs even with no feed here (the server may have
/// some), a sync's progress shows on the status line, a failure stays until read or put right
/// by a later sync, and an all-server refresh does not also say "0 feeds".
#[test]
fn a_sync_says_where_it_is_and_a_later_success_puts_a_failure_right() {
    let mut s = state_with(0, (80, 24), false);
    update(&mut s, Msg::SidebarLoaded(Box::new(sidebar_data(vec![]))));
    s.settings.refresh_interval = 10;
    assert!(update(&mut s, Msg::Tick(now())).is_empty(), "nothing to refresh without a server");
    s.settings.sync = true;
    let fx = update(&mut s, Msg::Tick(now()));
    assert_eq!(fx, vec![Effect::Refresh { feeds: None, due_only: true }]);
    update(&mut s, Msg::RefreshStarted { total: 0 });
    update(&mut s, Msg::SyncProgress("120 new articles so far".into()));
    assert_eq!(s.status.sync.as_deref(), Some("120 new articles so far"));
    update(&mut s, Msg::SyncFinished(Err("cannot reach the sync server rss.example: timed out".into())));
    update(&mut s, Msg::RefreshFinished(Summary::default()));
    assert!(
        status(&s).starts_with("Sync failed: cannot reach the sync server rss.example"),
        "{}",
        status(&s)
    );
    assert_eq!(s.status.sync, None, "progress ends with the sync");
    // The next sync goes through: its line shows, the failure is kept in the list.
    update(&mut s, Msg::SyncFinished(Ok("synced with rss.example: 3 new articles".into())));
    update(&mut s, Msg::RefreshFinished(Summary::default()));
    assert!(status(&s).starts_with("synced with rss.example: 3 new articles"), "{}", status(&s));
    let log: Vec<String> = s.messages.lines(&s.tz, 200).into_iter().map(|(_, l)| l).collect();
    assert!(log.iter().any(|l| l.contains("Sync failed")), "{log:?}");
}

#[test]
fn a_sync_that_kept_most_feeds_asks_before_unsubscribing_from_them() {
    let mut s = state_with(3, (80, 24), false);
    update(&mut s, Msg::SyncFinished(Ok("synced with rss.example: 0 new articles".into())));
    update(&mut s, Msg::SyncRemovalsHeld { host: "rss.example".into(), held: 40, synced: 50 });
    let Some(Popup::Confirm(q)) = &s.popup else { panic!("{:?}", s.popup) };
    assert!(q.question.contains("no longer lists 40 of your 50 synced feeds"), "{}", q.question);
    assert!(q.question.contains("starred articles stay"), "{}", q.question);
    assert_eq!(act(&mut s, Action::Yes), vec![crate::app::effect::Effect::SyncConfirmingRemovals]);
    // Asked again and answered no: nothing happens, and it is not asked again for a day.
    update(&mut s, Msg::SyncRemovalsHeld { host: "rss.example".into(), held: 40, synced: 50 });
    assert!(act(&mut s, Action::Cancel).is_empty());
    update(&mut s, Msg::SyncRemovalsHeld { host: "rss.example".into(), held: 40, synced: 50 });
    assert!(s.popup.is_none());
    assert!(status(&s).contains("--confirm-removal"), "{}", status(&s));
    s.now += chrono::Duration::days(2);
    update(&mut s, Msg::SyncRemovalsHeld { host: "rss.example".into(), held: 40, synced: 50 });
    assert!(matches!(s.popup, Some(Popup::Confirm(_))));
}
