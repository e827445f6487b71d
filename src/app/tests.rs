//! `update` with no terminal, no database, no network: messages in, state and effects out.

use chrono::{Duration, FixedOffset, TimeZone, Utc};

use super::action::Action;
use super::effect::Effect;
use super::msg::{Msg, PageKind, SidebarData};
use super::state::{Pane, Popup, PromptKind, Settings, State, ViewKind};
use super::update::{PAGE_SIZE, update};
use crate::domain::{Article, ArticleId, ArticleSummary, FeedId};
use crate::keymap::TextKey;
use crate::store::{Mark, Page};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).single().unwrap_or_default()
}

fn row(id: i64, feed: i64, read: bool) -> ArticleSummary {
    ArticleSummary {
        id: ArticleId(id),
        feed_id: FeedId(feed),
        feed_title: format!("Feed {feed}"),
        title: format!("Article {id}"),
        link: Some(format!("https://example.org/{id}")),
        author: None,
        published: now() - Duration::minutes(id),
        read,
        starred: false,
    }
}

/// A state at `size` whose list holds `n` rows (every third one read), loaded as a full first
/// page when `full`.
fn state_with(n: i64, size: (u16, u16), full: bool) -> State {
    let mut s = State::new(Settings::default(), size, now(), FixedOffset::east_opt(0).unwrap());
    let fx = super::update::start(&mut s);
    let Some(Effect::LoadPage { req, .. }) =
        fx.iter().find(|e| matches!(e, Effect::LoadPage { .. })).cloned()
    else {
        panic!("start loads a page: {fx:?}")
    };
    let rows: Vec<ArticleSummary> = (1..=n).map(|i| row(i, 1 + i % 3, i % 3 == 0)).collect();
    let unread = rows.iter().filter(|r| !r.read).count() as u64;
    update(
        &mut s,
        Msg::PageLoaded {
            req,
            kind: PageKind::Replace { from_end: false },
            rows,
            full,
            counts: (n as u64, unread),
        },
    );
    s
}

#[allow(clippy::format_collect)] // a test fixture
fn article(summary: &ArticleSummary, paragraphs: usize) -> Article {
    Article {
        summary: summary.clone(),
        updated: None,
        categories: vec![],
        summary_html: None,
        content_html: Some(
            (0..paragraphs)
                .map(|i| format!("<p>Paragraph {i} with <a href=\"https://l.example/{i}\">a link</a>.</p>"))
                .collect(),
        ),
        enclosures: vec![],
    }
}

fn act(s: &mut State, a: Action) -> Vec<Effect> {
    update(s, Msg::Action(a))
}

#[test]
fn moving_and_opening_requests_text_and_related_and_marks_read() {
    let mut s = state_with(10, (120, 40), false);
    act(&mut s, Action::Down);
    act(&mut s, Action::Down);
    assert_eq!(s.list.selected, 2);
    let fx = act(&mut s, Action::Open);
    assert_eq!(s.focus, Pane::Article);
    assert!(fx.contains(&Effect::LoadArticle { req: s.article_req, id: ArticleId(3) }));
    assert!(fx.contains(&Effect::LoadRelated { req: s.related_req, id: ArticleId(3) }));
    // Article 3 was already read: no mark. Open an unread one.
    act(&mut s, Action::Back);
    act(&mut s, Action::Up);
    let unread_before = s.list.unread;
    let fx = act(&mut s, Action::Open);
    assert!(fx.contains(&Effect::Mark { ids: vec![ArticleId(2)], mark: Mark::Read }));
    assert!(s.list.rows[1].read);
    assert_eq!(s.list.unread, unread_before - 1);
}

#[test]
fn stale_answers_are_dropped() {
    let mut s = state_with(10, (120, 40), false);
    act(&mut s, Action::Open);
    let first_req = s.article_req;
    act(&mut s, Action::Back);
    act(&mut s, Action::Down);
    act(&mut s, Action::Open);
    // The answer for the article the user left arrives late: ignored.
    let old = article(&s.list.rows[0], 3);
    update(&mut s, Msg::ArticleLoaded { req: first_req, article: Box::new(old) });
    assert!(s.article.as_ref().is_some_and(|a| a.article.is_none() && a.id == ArticleId(2)));
    let current = article(&s.list.rows[1], 3);
    let req = s.article_req;
    update(&mut s, Msg::ArticleLoaded { req, article: Box::new(current) });
    let open = s.article.as_ref().unwrap();
    assert!(!open.lines.is_empty());
    assert_eq!(open.links.len(), 3);
}

#[test]
fn the_list_pages_in_as_the_selection_moves() {
    let mut s = state_with(PAGE_SIZE as i64, (120, 40), true);
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
    update(&mut s, Msg::PageLoaded { req, kind, rows: more, full: false, counts: (250, 200) });
    assert_eq!(s.list.rows.len(), PAGE_SIZE + 50);
    assert!(!s.list.more_older);
    // The selection can now go into the new rows.
    act(&mut s, Action::Last);
    assert_eq!(s.list.selected, PAGE_SIZE + 49);
}

#[test]
fn new_articles_arrive_above_without_moving_the_selection() {
    let mut s = state_with(10, (120, 40), false);
    act(&mut s, Action::Down);
    act(&mut s, Action::Down);
    let selected = s.list.current().unwrap().id;
    let result = crate::refresh::FeedResult {
        feed: FeedId(1),
        url: "https://x/".into(),
        outcome: crate::refresh::Outcome::Updated { new: 2, updated: 0 },
    };
    let fx = update(&mut s, Msg::FeedRefreshed(result));
    let Some(Effect::LoadPage { req, kind: PageKind::Prepend, page: Page::Newer(_), .. }) =
        fx.iter().find(|e| matches!(e, Effect::LoadPage { .. })).cloned()
    else {
        panic!("newer articles are requested: {fx:?}")
    };
    let newer = vec![row(-2, 2, false), row(-1, 2, false)];
    update(
        &mut s,
        Msg::PageLoaded { req, kind: PageKind::Prepend, rows: newer, full: false, counts: (12, 9) },
    );
    assert_eq!(s.list.rows.len(), 12);
    assert_eq!(s.list.current().unwrap().id, selected, "the same article stays selected");
}

#[test]
fn space_pages_down_then_opens_the_next_unread() {
    let mut s = state_with(10, (80, 24), false);
    act(&mut s, Action::Open);
    let first = s.list.rows[0].clone();
    let req = s.article_req;
    update(&mut s, Msg::ArticleLoaded { req, article: Box::new(article(&first, 40)) });
    let total = s.article.as_ref().unwrap().lines.len();
    assert!(total > 40);
    let mut opened_next = false;
    for _ in 0..20 {
        let fx = act(&mut s, Action::ReadOn);
        if fx.iter().any(|e| matches!(e, Effect::LoadArticle { .. })) {
            opened_next = true;
            break;
        }
        assert!(s.article.as_ref().unwrap().scroll > 0);
    }
    assert!(opened_next, "reaching the end moves on");
    // Rows 1 and 2 are unread, row 3 is read: the next unread after row 1 is row 2.
    assert_eq!(s.article.as_ref().unwrap().id, ArticleId(2));
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
    assert!(s.status.message.as_ref().is_some_and(|m| m.0.contains("No more unread")));
}

#[test]
fn toggles_star_and_read_on_the_focused_article() {
    let mut s = state_with(5, (120, 40), false);
    let fx = act(&mut s, Action::ToggleStar);
    assert_eq!(fx, vec![Effect::Mark { ids: vec![ArticleId(1)], mark: Mark::Star }]);
    assert!(s.list.rows[0].starred);
    let fx = act(&mut s, Action::ToggleRead);
    assert_eq!(fx, vec![Effect::Mark { ids: vec![ArticleId(1)], mark: Mark::Read }]);
    let fx = act(&mut s, Action::ToggleRead);
    assert_eq!(fx, vec![Effect::Mark { ids: vec![ArticleId(1)], mark: Mark::Unread }]);
    let fx = act(&mut s, Action::MarkViewRead);
    assert!(matches!(&fx[..], [Effect::MarkAllRead { .. }]));
    assert!(s.list.rows.iter().all(|r| r.read) && s.list.unread == 0);
}

#[test]
fn search_prompt_switches_the_view() {
    let mut s = state_with(5, (120, 40), false);
    act(&mut s, Action::Search);
    assert!(matches!(&s.popup, Some(Popup::Prompt(p)) if p.kind == PromptKind::Search));
    for c in "rüst".chars() {
        update(&mut s, Msg::Text(TextKey::Char(c)));
    }
    update(&mut s, Msg::Text(TextKey::Backspace));
    update(&mut s, Msg::Text(TextKey::Char('t')));
    let fx = update(&mut s, Msg::Text(TextKey::Enter));
    assert_eq!(s.view.kind, ViewKind::Search("rüst".into()));
    assert!(s.popup.is_none());
    let Some(Effect::LoadPage { filter, .. }) = fx.first() else { panic!("{fx:?}") };
    assert_eq!(filter.search.as_deref(), Some("rüst"));
    // q goes back to all articles, then quits.
    act(&mut s, Action::Back);
    assert_eq!(s.view.kind, ViewKind::All);
    assert!(!s.quit);
    act(&mut s, Action::Back);
    assert!(s.quit);
}

#[test]
fn link_numbers_open_links() {
    let mut s = state_with(3, (120, 40), false);
    act(&mut s, Action::Open);
    let first = s.list.rows[0].clone();
    let req = s.article_req;
    update(&mut s, Msg::ArticleLoaded { req, article: Box::new(article(&first, 12)) });
    update(&mut s, Msg::Digit(1));
    update(&mut s, Msg::Digit(1));
    let fx = act(&mut s, Action::Open);
    assert_eq!(fx, vec![Effect::OpenUrl { url: "https://l.example/10".into() }]);
    update(&mut s, Msg::Digit(9));
    update(&mut s, Msg::Digit(9));
    let fx = act(&mut s, Action::Open);
    assert!(fx.is_empty());
    assert!(s.status.message.as_ref().is_some_and(|m| m.0.contains("No link [99]")));
    assert_eq!(act(&mut s, Action::CopyLink), vec![Effect::CopyUrl { url: "https://example.org/1".into() }]);
}

#[test]
fn narrow_layout_cycles_panes_and_returns_to_the_list() {
    let mut s = state_with(3, (80, 24), false);
    act(&mut s, Action::NextPane);
    assert_eq!(s.focus, Pane::List, "nothing else to show without an article");
    act(&mut s, Action::Open);
    assert_eq!(s.focus, Pane::Article);
    act(&mut s, Action::NextPane);
    assert_eq!(s.focus, Pane::Related);
    act(&mut s, Action::NextPane);
    assert_eq!(s.focus, Pane::List);
    act(&mut s, Action::PrevPane);
    assert_eq!(s.focus, Pane::Related);
    act(&mut s, Action::ToList);
    assert_eq!(s.focus, Pane::List);
}

#[test]
fn resizing_rewraps_the_article() {
    let mut s = state_with(3, (200, 60), false);
    act(&mut s, Action::Open);
    let first = s.list.rows[0].clone();
    let req = s.article_req;
    update(&mut s, Msg::ArticleLoaded { req, article: Box::new(article(&first, 5)) });
    let wide = s.article.as_ref().unwrap().lines_width;
    update(&mut s, Msg::Resize(60, 20));
    let narrow = s.article.as_ref().unwrap().lines_width;
    assert!(narrow < wide && narrow <= 56, "{wide} -> {narrow}");
    assert!(s.article.as_ref().unwrap().lines.iter().all(|l| l.width() <= narrow));
    update(&mut s, Msg::Resize(1, 1));
    assert!(s.article.as_ref().unwrap().lines.iter().all(|l| l.width() <= 1));
}

#[test]
fn the_sidebar_switches_views() {
    let mut s = state_with(3, (200, 60), false);
    let data = SidebarData {
        feeds: vec![crate::domain::Feed {
            id: FeedId(7),
            title: "Seven".into(),
            url: "https://7/".into(),
            site_url: None,
            tags: vec![],
            unread: 3,
            total: 5,
            last_fetch: None,
            last_status: None,
            last_error: Some("HTTP 500".into()),
            failures: 1,
        }],
        tags: vec![("news".into(), 2)],
        unread: 3,
        total: 5,
        starred: 0,
    };
    update(&mut s, Msg::SidebarLoaded(Box::new(data)));
    act(&mut s, Action::ToggleSidebar);
    assert_eq!(s.focus, Pane::Sidebar);
    act(&mut s, Action::Last);
    let fx = act(&mut s, Action::Open);
    assert_eq!(s.view.kind, ViewKind::Feed { id: FeedId(7), title: "Seven".into() });
    assert_eq!(s.focus, Pane::List);
    let Some(Effect::LoadPage { filter, .. }) = fx.first() else { panic!("{fx:?}") };
    assert_eq!(filter.feed, Some(FeedId(7)));
}

#[test]
fn refresh_progress_and_the_periodic_refresh() {
    let mut s = state_with(3, (120, 40), false);
    s.settings.refresh_interval = 10;
    let fx = update(&mut s, Msg::Tick(now()));
    assert_eq!(fx, vec![Effect::Refresh { feeds: None }]);
    update(&mut s, Msg::RefreshStarted { total: 4 });
    assert!(update(&mut s, Msg::Tick(now() + Duration::minutes(30))).is_empty(), "not while one runs");
    let failed = crate::refresh::FeedResult {
        feed: FeedId(2),
        url: "https://broken/".into(),
        outcome: crate::refresh::Outcome::Failed("HTTP 500".into()),
    };
    update(&mut s, Msg::FeedRefreshed(failed));
    assert_eq!(s.status.refresh, Some((1, 4)));
    assert_eq!(s.status.failed, 1);
    let summary = crate::refresh::Summary { feeds: 4, new: 1, failed: 1, skipped: 0, unchanged: 2 };
    update(&mut s, Msg::RefreshFinished(summary));
    assert_eq!(s.status.refresh, None);
    assert!(!s.refreshing);
}

#[test]
fn help_popup_scrolls_and_closes() {
    let mut s = state_with(3, (120, 40), false);
    act(&mut s, Action::Help);
    act(&mut s, Action::Down);
    assert_eq!(s.popup, Some(Popup::Help { scroll: 1 }));
    act(&mut s, Action::Cancel);
    assert!(s.popup.is_none());
    act(&mut s, Action::Help);
    act(&mut s, Action::Back);
    assert!(s.popup.is_none() && !s.quit, "q closes the popup first");
}

#[test]
fn key_sequences_go_through_the_keymap() {
    let keymap = crate::keymap::Keymap::defaults();
    let mut s = state_with(8, (120, 40), false);
    let mut pending = Vec::new();
    let mut press = |s: &mut State, keys: &str| {
        let mut effects = Vec::new();
        for key in crate::keymap::key_events(keys).unwrap() {
            let event = crossterm::event::Event::Key(key);
            if let Some(msg) = super::input::translate(&keymap, &mut pending, s, &event, true) {
                effects.extend(update(s, msg));
            }
        }
        effects
    };
    press(&mut s, "j j j");
    assert_eq!(s.list.selected, 3);
    press(&mut s, "g g");
    assert_eq!(s.list.selected, 0);
    press(&mut s, "G");
    assert_eq!(s.list.selected, 7);
    let effects = press(&mut s, "enter");
    assert_eq!(s.focus, Pane::Article);
    assert!(effects.iter().any(|e| matches!(e, Effect::LoadArticle { id: ArticleId(8), .. })));
    // Digits type a link number in the article; in the list they mean nothing.
    press(&mut s, "1 2");
    assert_eq!(s.link_digits, "12");
    press(&mut s, "esc");
    assert_eq!(s.focus, Pane::List);
    press(&mut s, "/ r u s t enter");
    assert_eq!(s.view.kind, ViewKind::Search("rust".into()));
    press(&mut s, "q q");
    assert!(s.quit);
}

#[test]
fn jumping_to_the_end_of_a_long_list_loads_the_oldest_page() {
    let mut s = state_with(PAGE_SIZE as i64, (120, 40), true);
    act(&mut s, Action::Down);
    let fx = act(&mut s, Action::Last);
    let Some(Effect::LoadPage { req, page: Page::Oldest, kind, .. }) = fx.first().cloned() else {
        panic!("{fx:?}")
    };
    assert_eq!(kind, PageKind::Replace { from_end: true });
    assert!(s.list.rows.is_empty() && s.list.selected == 0);
    let oldest: Vec<ArticleSummary> = (5000..5000 + PAGE_SIZE as i64).map(|i| row(i, 1, true)).collect();
    update(&mut s, Msg::PageLoaded { req, kind, rows: oldest, full: true, counts: (9000, 10) });
    assert_eq!(s.list.selected, PAGE_SIZE - 1, "the last row is selected");
    assert!(s.list.more_newer && !s.list.more_older);
    // Going back to the top reloads the newest page.
    let fx = act(&mut s, Action::First);
    assert!(matches!(fx.first(), Some(Effect::LoadPage { page: Page::Newest, .. })), "{fx:?}");
}
