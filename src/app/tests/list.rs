//! The list: paging, new articles from a refresh, unread navigation, views, search.

use super::*;
use crate::app::list::PAGE_SIZE;
use crate::app::state::{Pane, Popup, PromptKind, ViewKind};
use crate::store::Page;

#[test]
fn the_list_pages_in_as_the_selection_moves() {
    let mut s = state_with(PAGE_SIZE as i64, (80, 24), true);
    assert!(s.list.more_older);
    let mut fx = Vec::new();
    for _ in 0..PAGE_SIZE {
        fx.extend(act(&mut s, Action::Down));
    }
    let loads: Vec<&Effect> = fx.iter().filter(|e| matches!(e, Effect::LoadPage { .. })).collect();
    assert_eq!(loads.len(), 1, "one page request while it is in flight: {loads:?}");
    let Effect::LoadPage { req, page, kind, .. } = loads[0].clone() else { unreachable!() };
    assert_eq!(kind, PageKind::Append);
    let last = s.list.rows.last().unwrap();
    assert_eq!(page, Page::Older(crate::domain::Cursor { time: last.published.timestamp(), id: last.id }));
    let more: Vec<ArticleSummary> = (1000..1050).map(|i| row(i, 1, false)).collect();
    update(
        &mut s,
        Msg::PageLoaded { req, kind, rows: more, full: false, counts: (250, 200), notes: Vec::new() },
    );
    assert_eq!(s.list.rows.len(), PAGE_SIZE + 50);
    assert!(!s.list.more_older);
    // The selection can now go into the new rows.
    act(&mut s, Action::Last);
    assert_eq!(s.list.selected, PAGE_SIZE + 49);
}

#[test]
fn new_articles_arrive_above_without_moving_the_selection() {
    let mut s = state_with(10, (80, 24), false);
    act(&mut s, Action::Down);
    act(&mut s, Action::Down);
    let selected = s.list.current().unwrap().id;
    let fx = update(&mut s, new_articles(2));
    let Some(Effect::LoadPage { req, kind: PageKind::Refill, page: Page::Newest, limit, .. }) =
        fx.iter().find(|e| matches!(e, Effect::LoadPage { .. })).cloned()
    else {
        panic!("the list is read again from the newest: {fx:?}")
    };
    assert_eq!(limit, PAGE_SIZE, "at least as many rows as are loaded");
    let mut rows = vec![row(-2, 2, false), row(-1, 2, false)];
    rows.extend(s.list.rows.iter().cloned());
    let page =
        Msg::PageLoaded { req, kind: PageKind::Refill, rows, full: false, counts: (12, 9), notes: vec![] };
    update(&mut s, page);
    assert_eq!(s.list.rows.len(), 12);
    assert_eq!(s.list.current().unwrap().id, selected, "the same article stays selected");
}

/// A feed's articles may be older than the newest loaded one: they show up where they sort,
/// not only above the first row; the selected article keeps its line on screen.
#[test]
fn new_articles_that_sort_among_the_rows_show_up_too() {
    let mut s = state_with(60, (80, 24), false);
    for _ in 0..30 {
        act(&mut s, Action::Down);
    }
    let (selected, line) = (s.list.current().unwrap().id, s.list.selected - s.list.offset);
    assert!(s.list.offset > 0, "scrolled down");
    let fx = update(&mut s, new_articles(1));
    let Some(Effect::LoadPage { req, kind: PageKind::Refill, .. }) =
        fx.iter().find(|e| matches!(e, Effect::LoadPage { .. })).cloned()
    else {
        panic!("{fx:?}")
    };
    // The new article sorts between rows 5 and 6.
    let mut rows = s.list.rows.clone();
    rows.insert(5, row(1000, 1, false));
    let page =
        Msg::PageLoaded { req, kind: PageKind::Refill, rows, full: false, counts: (61, 40), notes: vec![] };
    update(&mut s, page);
    assert_eq!(s.list.rows[5].id, ArticleId(1000));
    assert_eq!(s.list.current().unwrap().id, selected);
    assert_eq!(s.list.selected - s.list.offset, line, "the selected article stays on its line");
}

/// Articles stored while a page is loading are shown once it arrives (it may have been read
/// before they were written).
#[test]
fn new_articles_during_a_load_are_fetched_after_it() {
    let mut s = state_with(10, (80, 24), false);
    let fx = update(&mut s, new_articles(1));
    let Some(Effect::LoadPage { req, .. }) =
        fx.iter().find(|e| matches!(e, Effect::LoadPage { .. })).cloned()
    else {
        panic!("{fx:?}")
    };
    let fx = update(&mut s, new_articles(3));
    assert!(!fx.iter().any(|e| matches!(e, Effect::LoadPage { .. })), "one load at a time: {fx:?}");
    let rows = s.list.rows.clone();
    let fx = update(
        &mut s,
        Msg::PageLoaded { req, kind: PageKind::Refill, rows, full: false, counts: (10, 7), notes: vec![] },
    );
    assert!(
        fx.iter().any(|e| matches!(e, Effect::LoadPage { kind: PageKind::Refill, .. })),
        "the second feed's articles are fetched now: {fx:?}"
    );
}

fn new_articles(new: usize) -> Msg {
    Msg::FeedRefreshed(crate::refresh::FeedResult {
        feed: FeedId(1),
        url: "https://x/".into(),
        outcome: crate::refresh::Outcome::Updated { new, updated: 0 },
    })
}

#[test]
fn next_unread_skips_read_articles_and_says_when_there_are_none() {
    let mut s = state_with(6, (120, 40), false);
    act(&mut s, Action::Down); // row 2
    act(&mut s, Action::NextUnread);
    // Row 3 is read (id 3), so the next unread is id 4.
    assert_eq!(s.article.as_ref().unwrap().id, ArticleId(4));
    act(&mut s, Action::NextUnread);
    act(&mut s, Action::NextUnread);
    assert!(status(&s).contains("No more unread"), "{}", status(&s));
}

#[test]
fn jumping_to_the_end_of_a_long_list_loads_the_oldest_page() {
    let mut s = state_with(PAGE_SIZE as i64, (80, 24), true);
    act(&mut s, Action::Down);
    let fx = act(&mut s, Action::Last);
    let Some(Effect::LoadPage { req, page: Page::Oldest, kind, .. }) = fx.first().cloned() else {
        panic!("{fx:?}")
    };
    assert_eq!(kind, PageKind::Replace { from_end: true });
    assert!(s.list.rows.is_empty() && s.list.selected == 0);
    let oldest: Vec<ArticleSummary> = (5000..5000 + PAGE_SIZE as i64).map(|i| row(i, 1, true)).collect();
    update(
        &mut s,
        Msg::PageLoaded { req, kind, rows: oldest, full: true, counts: (9000, 10), notes: Vec::new() },
    );
    assert_eq!(s.list.selected, PAGE_SIZE - 1, "the last row is selected");
    assert!(s.list.more_newer && !s.list.more_older);
    // Going back to the top reloads the newest page.
    let fx = act(&mut s, Action::First);
    assert!(matches!(fx.first(), Some(Effect::LoadPage { page: Page::Newest, .. })), "{fx:?}");
}

#[test]
fn a_search_focuses_the_list_and_says_when_nothing_matches() {
    // Three panes, the article focused: a search must leave the focus on the results.
    let mut s = state_with(5, (200, 60), false);
    act(&mut s, Action::Open);
    assert_eq!(s.focus, Pane::Article);
    act(&mut s, Action::Search);
    assert!(matches!(&s.popup, Some(Popup::Prompt(p)) if p.kind == PromptKind::Search));
    update(&mut s, Msg::Text("rüst".into()));
    let fx = act(&mut s, Action::Submit);
    assert_eq!(s.view.kind, ViewKind::Search("rüst".into()));
    assert_eq!(s.focus, Pane::List, "the results have the focus");
    assert!(s.popup.is_none());
    let Some(Effect::LoadPage { req, filter, .. }) = fx.first().cloned() else { panic!("{fx:?}") };
    assert_eq!(filter.search.as_deref(), Some("rüst"));
    // Results arrive: Enter opens the selected one.
    let kind = PageKind::Replace { from_end: false };
    update(
        &mut s,
        Msg::PageLoaded {
            req,
            kind,
            rows: vec![row(42, 1, false)],
            full: false,
            counts: (1, 1),
            notes: Vec::new(),
        },
    );
    let fx = act(&mut s, Action::Open);
    assert_eq!(s.article.as_ref().map(|a| a.id), Some(ArticleId(42)));
    assert!(fx.iter().any(|e| matches!(e, Effect::Mark { .. })), "opened, so read: {fx:?}");
    // A search that finds nothing says so.
    act(&mut s, Action::Search);
    update(&mut s, Msg::Text("zzz".into()));
    let fx = act(&mut s, Action::Submit);
    let req = page_req(&fx).unwrap();
    update(
        &mut s,
        Msg::PageLoaded { req, kind, rows: vec![], full: false, counts: (0, 0), notes: Vec::new() },
    );
    assert_eq!(status(&s), "No matches for “zzz”");
    // q goes back to all articles, then quits.
    act(&mut s, Action::Back);
    assert_eq!(s.view.kind, ViewKind::All);
    assert!(!s.quit);
    act(&mut s, Action::Back);
    assert!(s.quit);
}

#[test]
fn the_sidebar_switches_views() {
    let mut s = state_with(3, (200, 60), false);
    update(&mut s, Msg::SidebarLoaded(Box::new(sidebar_data(vec![feed(7, Some("HTTP 500"))]))));
    act(&mut s, Action::ToggleSidebar);
    assert_eq!(s.focus, Pane::Sidebar);
    act(&mut s, Action::Last);
    let fx = act(&mut s, Action::Open);
    assert_eq!(s.view.kind, ViewKind::Feed { id: FeedId(7), title: "Feed 7".into() });
    assert_eq!(s.focus, Pane::List);
    let Some(Effect::LoadPage { filter, .. }) = fx.first() else { panic!("{fx:?}") };
    assert_eq!(filter.feed, Some(FeedId(7)));
}
