//! "Top stories": opening it (sidebar and `T`), its one ranked page, a refresh, Enter with the
//! story's other sources in read also, marking the stories read, an earlier day's notice.

use super::*;
use crate::app::state::{Pane, Popup, SidebarEntry, ViewKind};
use crate::domain::{TopStories, TopStory};

/// A story whose newest article is `id`, covered by `feeds` (the first is the article's own),
/// with these unread articles.
fn story(id: i64, feeds: &[&str], unread: &[i64]) -> TopStory {
    let mut article = row(id, 1, !unread.contains(&id));
    article.story = Some(id);
    article.sources = feeds.len().saturating_sub(1) as u32;
    TopStory {
        article,
        feeds: feeds.iter().map(|f| (*f).to_string()).collect(),
        unread: unread.iter().map(|&i| ArticleId(i)).collect(),
    }
}

fn top(stories: Vec<TopStory>, earlier: bool) -> TopStories {
    TopStories { until: now(), earlier, stories }
}

/// The request for "Top stories" among `fx`.
fn top_req(fx: &[Effect]) -> Option<(u64, PageKind)> {
    fx.iter().find_map(|e| match e {
        Effect::LoadTopStories { req, kind, now: at, .. } => {
            assert_eq!(*at, now(), "the day is measured from the state's clock");
            Some((*req, *kind))
        }
        _ => None,
    })
}

/// A state showing "Top stories" with three stories loaded.
fn showing_top() -> State {
    let mut s = state_with(10, (80, 24), false);
    let fx = act(&mut s, Action::TopStories);
    let (req, kind) = top_req(&fx).expect("T loads the top stories");
    assert_eq!(kind, PageKind::Replace { from_end: false });
    assert!(!fx.iter().any(|e| matches!(e, Effect::LoadPage { .. })), "not a page of articles: {fx:?}");
    let stories = vec![
        story(30, &["Feed 1", "Feed 2", "Feed 3"], &[30, 31, 32]),
        story(40, &["Feed 2", "Feed 1"], &[40]),
        story(50, &["Feed 3", "Feed 1"], &[]),
    ];
    update(&mut s, Msg::TopStoriesLoaded { req, kind, top: Box::new(top(stories, false)) });
    s
}

#[test]
fn t_and_the_sidebar_open_top_stories_as_one_ranked_page() {
    let s = showing_top();
    assert_eq!(s.view.kind, ViewKind::TopStories);
    assert_eq!(s.view.title(), "Top stories");
    let ids: Vec<i64> = s.list.rows.iter().map(|r| r.id.0).collect();
    assert_eq!(ids, [30, 40, 50], "in the store's order");
    assert_eq!((s.list.total, s.list.unread), (3, 2));
    assert!(!s.list.more_older && !s.list.more_newer, "nothing to page to");
    assert_eq!(s.top.rows[&ArticleId(30)].feeds, ["Feed 1", "Feed 2", "Feed 3"]);
    assert_eq!(s.focus, Pane::List);

    // The sidebar lists it under All articles; Enter there opens it too.
    let mut s = state_with(10, (120, 40), false);
    act(&mut s, Action::ToggleSidebar);
    let entry = s.sidebar.entries.iter().position(
        |e| matches!(e, SidebarEntry::View { kind: ViewKind::TopStories, label, .. } if label == "Top stories"),
    );
    assert_eq!(entry, Some(2), "right under All articles: {:?}", s.sidebar.entries);
    act(&mut s, Action::Down);
    let fx = act(&mut s, Action::Open);
    assert!(top_req(&fx).is_some(), "{fx:?}");
    assert_eq!((s.view.kind.clone(), s.focus), (ViewKind::TopStories, Pane::List));
    // q goes back to all articles.
    let fx = act(&mut s, Action::Back);
    assert_eq!(s.view.kind, ViewKind::All);
    assert!(page_req(&fx).is_some());
}

#[test]
fn an_answer_for_a_view_left_is_dropped() {
    let mut s = state_with(10, (80, 24), false);
    let fx = act(&mut s, Action::TopStories);
    let (req, kind) = top_req(&fx).unwrap();
    act(&mut s, Action::Back);
    let before = s.list.rows.clone();
    update(
        &mut s,
        Msg::TopStoriesLoaded { req, kind, top: Box::new(top(vec![story(30, &["A", "B"], &[30])], false)) },
    );
    assert_eq!(s.list.rows, before);
    assert!(s.top.rows.is_empty());
}

#[test]
fn enter_opens_the_newest_article_with_the_others_in_read_also() {
    let mut s = showing_top();
    act(&mut s, Action::Down);
    let fx = act(&mut s, Action::Open);
    assert_eq!(loads_article(&fx), Some(ArticleId(40)));
    let related = fx.iter().find_map(|e| match e {
        Effect::LoadRelated { req, id } => Some((*req, *id)),
        _ => None,
    });
    let (req, id) = related.expect("read also is asked for");
    assert_eq!(id, ArticleId(40));
    // The worker answers with the story's other sources first (Store::story_of).
    let mut other = row(41, 1, false);
    other.story = Some(40);
    update(&mut s, Msg::RelatedLoaded { req, items: vec![row(7, 3, false)], story: vec![other] });
    assert_eq!(s.related.same_story, 1);
    assert_eq!(s.related.items[0].id, ArticleId(41));
    assert!(s.list.rows[1].read, "opening marks it read");
}

#[test]
fn a_refresh_reads_the_stories_again_keeping_the_selection() {
    let mut s = showing_top();
    act(&mut s, Action::Down);
    let fx = update(
        &mut s,
        Msg::FeedRefreshed(crate::refresh::FeedResult {
            feed: FeedId(1),
            url: "https://x/".into(),
            outcome: crate::refresh::Outcome::Updated { new: 3, updated: 0 },
        }),
    );
    let (req, kind) = top_req(&fx).expect("the stories are read again");
    assert_eq!(kind, PageKind::Refill);
    let stories = vec![
        story(60, &["Feed 1", "Feed 2", "Feed 3", "Feed 4"], &[60]),
        story(30, &["Feed 1", "Feed 2", "Feed 3"], &[30]),
        story(40, &["Feed 2", "Feed 1"], &[40]),
    ];
    update(&mut s, Msg::TopStoriesLoaded { req, kind, top: Box::new(top(stories, false)) });
    assert_eq!(s.list.current().map(|r| r.id), Some(ArticleId(40)), "the same story stays selected");
    assert!(!s.top.rows.contains_key(&ArticleId(50)), "a story no longer listed is forgotten");
}

#[test]
fn stories_formed_by_the_indexer_show_up_when_it_catches_up() {
    let mut s = showing_top();
    let fx = update(&mut s, Msg::IndexProgress { remaining: 120 });
    assert!(top_req(&fx).is_none(), "not while it indexes: {fx:?}");
    let fx = update(&mut s, Msg::IndexProgress { remaining: 0 });
    assert_eq!(top_req(&fx).map(|(_, kind)| kind), Some(PageKind::Refill), "{fx:?}");
    // Elsewhere the list stays as it is.
    let mut s = state_with(10, (80, 24), false);
    let fx = update(&mut s, Msg::IndexProgress { remaining: 0 });
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::LoadPage { .. } | Effect::LoadTopStories { .. })),
        "{fx:?}"
    );
}

#[test]
fn marking_top_stories_read_marks_their_articles_and_can_be_undone() {
    let mut s = showing_top();
    let fx = act(&mut s, Action::MarkViewRead);
    assert!(s.popup.is_none(), "three stories fit on the screen: no question");
    let marked: Vec<ArticleId> = fx
        .iter()
        .find_map(|e| match e {
            Effect::Mark { ids, mark: crate::store::Mark::Read } => Some(ids.clone()),
            _ => None,
        })
        .expect("the articles are marked read");
    assert_eq!(marked, [30, 31, 32, 40].map(ArticleId), "every unread article of the stories, never all");
    assert!(!fx.iter().any(|e| matches!(e, Effect::MarkAllRead { .. })), "not the whole cache: {fx:?}");
    assert!(s.list.rows.iter().all(|r| r.read));
    assert!(status(&s).contains("U undoes"), "{}", status(&s));
    let fx = act(&mut s, Action::Undo);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Mark { ids, mark: crate::store::Mark::Unread } if *ids == marked))
    );
    assert!(top_req(&fx).is_some(), "read again after the undo: {fx:?}");

    // More stories than the screen shows: asked first.
    let mut s = state_with(10, (80, 24), false);
    let (req, kind) = top_req(&act(&mut s, Action::TopStories)).unwrap();
    let many = (1..=40).map(|i| story(100 + i, &["A", "B"], &[100 + i])).collect();
    update(&mut s, Msg::TopStoriesLoaded { req, kind, top: Box::new(top(many, false)) });
    let fx = act(&mut s, Action::MarkViewRead);
    assert!(
        matches!(&s.popup, Some(Popup::Confirm(c)) if c.question.contains("40 top stories")),
        "{:?}",
        s.popup
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::Mark { .. })));
    let fx = act(&mut s, Action::Yes);
    assert!(fx.iter().any(|e| matches!(e, Effect::Mark { ids, .. } if ids.len() == 40)), "{fx:?}");
}

#[test]
fn an_earlier_day_takes_a_notice_above_the_rows() {
    let mut s = state_with(10, (80, 24), false);
    let rows_before = crate::layout::list_height(&s.shape());
    let (req, kind) = top_req(&act(&mut s, Action::TopStories)).unwrap();
    update(
        &mut s,
        Msg::TopStoriesLoaded { req, kind, top: Box::new(top(vec![story(30, &["A", "B"], &[30])], true)) },
    );
    assert!(s.top_earlier() && s.shape().notice);
    assert_eq!(crate::layout::list_height(&s.shape()), rows_before - 2);
    // `c` has nothing to switch here; `u` keeps the view, unread only.
    act(&mut s, Action::ToggleStories);
    assert!(status(&s).contains("one row per story"), "{}", status(&s));
    let fx = act(&mut s, Action::ToggleUnreadOnly);
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadTopStories { unread_only: true, .. })), "{fx:?}");
    assert_eq!(s.view.title(), "Top stories (unread)");
}
