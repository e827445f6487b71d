//! Opening and reading articles: latest request wins, Space, link numbers, panes, resizing,
//! the article following the selection side by side, browsers.

use super::*;
use crate::app::state::Pane;
use crate::store::Mark;

#[test]
fn opening_requests_text_and_related_and_marks_read() {
    let mut s = state_with(10, (80, 24), false);
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
fn stale_answers_are_dropped_and_draw_nothing() {
    let mut s = state_with(10, (80, 24), false);
    act(&mut s, Action::Open);
    let first_req = s.article_req;
    let first = s.list.rows[0].clone();
    act(&mut s, Action::Back);
    act(&mut s, Action::Down);
    act(&mut s, Action::Open);
    s.dirty = false;
    // The answer for the article the user left arrives late: ignored, nothing to redraw.
    let old = article(&first, 3);
    let prepared = crate::text::article::prepare(&old);
    update(&mut s, Msg::ArticleLoaded { req: first_req, article: Box::new((old, prepared)) });
    assert!(s.article.as_ref().is_some_and(|a| a.article.is_none() && a.id == ArticleId(2)));
    assert!(!s.dirty, "a dropped answer changes nothing on screen");
    loaded(&mut s, 3);
    let open = s.article.as_ref().unwrap();
    assert!(!open.lines.is_empty());
    assert_eq!(open.links().len(), 3);
    assert!(s.dirty);
}

#[test]
fn space_pages_down_then_opens_the_next_unread() {
    let mut s = state_with(10, (80, 24), false);
    act(&mut s, Action::Open);
    loaded(&mut s, 40);
    let total = s.article.as_ref().unwrap().lines.len();
    assert!(total > 40);
    let mut opened_next = false;
    for _ in 0..20 {
        let fx = act(&mut s, Action::ReadOn);
        if loads_article(&fx).is_some() {
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
fn link_numbers_open_links_in_the_browser() {
    let mut s = state_with(3, (120, 40), false);
    s.settings.browser = Some("firefox --new-tab %u".into());
    act(&mut s, Action::Open);
    loaded(&mut s, 12);
    update(&mut s, Msg::Digit(1));
    update(&mut s, Msg::Digit(1));
    let fx = act(&mut s, Action::Open);
    let argv = vec!["firefox".to_string(), "--new-tab".into(), "https://l.example/10".into()];
    assert_eq!(fx, vec![Effect::OpenBrowser { argv, in_terminal: false }]);
    update(&mut s, Msg::Digit(9));
    update(&mut s, Msg::Digit(9));
    let fx = act(&mut s, Action::Open);
    assert!(fx.is_empty());
    assert!(status(&s).contains("No link [99]"), "{}", status(&s));
    let fx = act(&mut s, Action::CopyLink);
    assert_eq!(fx, vec![Effect::CopyToClipboard { text: "https://example.org/1".into() }]);
}

#[test]
fn a_terminal_browser_takes_the_terminal_and_a_gui_one_is_left_to_run() {
    use crate::app::effect::Target;
    let mut s = state_with(3, (80, 24), false);
    s.settings.browser = Some("w3m".into());
    let fx = act(&mut s, Action::OpenInBrowser);
    assert_eq!(
        fx,
        vec![Effect::OpenBrowser {
            argv: vec!["w3m".into(), "https://example.org/1".into()],
            in_terminal: true
        }]
    );
    assert_eq!(fx[0].target(), Target::Terminal);
    s.settings.browser = Some("xdg-open".into());
    let fx = act(&mut s, Action::OpenInBrowser);
    assert_eq!(fx[0].target(), Target::Process, "started by the worker, not waited for: {fx:?}");
    s.settings.browser_in_terminal = Some(true);
    let fx = act(&mut s, Action::OpenInBrowser);
    assert_eq!(fx[0].target(), Target::Terminal, "the setting overrides the name");
    // $BROWSER when reader.browser is not set: its first command of a `:` list.
    s.settings = crate::app::state::Settings { browser_env: Some("lynx:w3m".into()), ..Default::default() };
    let fx = act(&mut s, Action::OpenInBrowser);
    assert_eq!(
        fx,
        vec![Effect::OpenBrowser {
            argv: vec!["lynx".into(), "https://example.org/1".into()],
            in_terminal: true
        }]
    );
    s.settings.browser_env = None;
    assert!(act(&mut s, Action::OpenInBrowser).is_empty());
    assert!(status(&s).contains("no browser"), "{}", status(&s));
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
fn resizing_rewraps_the_article_without_parsing_it_again() {
    let mut s = state_with(3, (200, 60), false);
    act(&mut s, Action::Open);
    loaded(&mut s, 5);
    let parsed = s.article.as_ref().unwrap().article.clone();
    let wide = s.article.as_ref().unwrap().lines_width;
    update(&mut s, Msg::Resize(60, 20));
    let open = s.article.as_ref().unwrap();
    assert!(open.lines_width < wide && open.lines_width <= 56, "{wide} -> {}", open.lines_width);
    assert!(open.lines.iter().all(|l| l.width() <= open.lines_width));
    assert_eq!(open.article, parsed, "the parsed body is kept; only the wrapping changed");
    update(&mut s, Msg::Resize(1, 1));
    assert!(s.article.as_ref().unwrap().lines.iter().all(|l| l.width() <= 1));
}

#[test]
fn side_by_side_the_article_follows_the_selection_without_marking_it_read() {
    let mut s = state_with(10, (200, 60), false);
    // The first page shows the first article beside the list at once.
    assert_eq!(s.article.as_ref().map(|a| a.id), Some(ArticleId(1)));
    let fx = act(&mut s, Action::Down);
    assert_eq!(loads_article(&fx), Some(ArticleId(2)));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Mark { .. })), "pointing at it is not reading it: {fx:?}");
    assert_eq!(s.focus, Pane::List, "the list keeps the focus");
    assert!(!s.list.rows[1].read);
    // The latest request wins: moving on before it arrives drops the answer.
    let stale = s.article_req;
    act(&mut s, Action::Down);
    let a = article(&s.list.rows[1], 2);
    let prepared = crate::text::article::prepare(&a);
    update(&mut s, Msg::ArticleLoaded { req: stale, article: Box::new((a, prepared)) });
    assert!(s.article.as_ref().is_some_and(|a| a.id == ArticleId(3) && a.article.is_none()));
    // Row 4 is unread: Enter opens the one shown (no second load) and marks it read.
    act(&mut s, Action::Down);
    loaded(&mut s, 2);
    let fx = act(&mut s, Action::Open);
    assert_eq!(loads_article(&fx), None, "already loaded");
    assert!(fx.contains(&Effect::Mark { ids: vec![ArticleId(4)], mark: Mark::Read }));
    assert_eq!(s.focus, Pane::Article);
}

#[test]
fn following_the_selection_can_mark_read_or_be_off() {
    let settings = crate::app::state::Settings { mark_read_on_preview: true, ..Default::default() };
    let mut s = state_with_settings(5, (200, 60), false, settings);
    let fx = act(&mut s, Action::Down);
    assert!(fx.contains(&Effect::Mark { ids: vec![ArticleId(2)], mark: Mark::Read }), "{fx:?}");
    let settings = crate::app::state::Settings { preview: false, ..Default::default() };
    let mut s = state_with_settings(5, (200, 60), false, settings);
    assert!(s.article.is_none());
    assert_eq!(loads_article(&act(&mut s, Action::Down)), None);
    // And in one-pane layouts nothing follows: the article is not on screen.
    let mut s = state_with(5, (80, 24), false);
    assert_eq!(loads_article(&act(&mut s, Action::Down)), None);
}

#[test]
fn space_opens_an_article_shown_beside_the_list_even_when_it_fits_the_pane() {
    let mut s = state_with(5, (200, 60), false);
    // Article 1 is shown beside the list, not opened; it is short.
    loaded(&mut s, 1);
    assert!(s.article.as_ref().is_some_and(|a| !a.opened));
    let fx = act(&mut s, Action::ReadOn);
    assert_eq!(s.article.as_ref().map(|a| (a.id, a.opened)), Some((ArticleId(1), true)), "not skipped");
    assert!(fx.contains(&Effect::Mark { ids: vec![ArticleId(1)], mark: Mark::Read }), "{fx:?}");
    assert_eq!(s.focus, Pane::Article);
    // Now at its end, Space moves on to the next unread.
    act(&mut s, Action::ReadOn);
    assert_eq!(s.article.as_ref().map(|a| a.id), Some(ArticleId(2)));
}

/// "Read also" ranked while the index was still filling is ranked again once it has caught up
/// (a first refresh: the article is opened before its neighbours are searchable). The indexer
/// says "0 left" only after a batch that took articles in.
#[test]
fn related_is_ranked_again_when_the_index_catches_up() {
    let mut s = state_with(10, (80, 24), false);
    act(&mut s, Action::Open);
    let first = s.related_req;
    let fx = update(&mut s, Msg::IndexProgress { remaining: 40 });
    assert!(!fx.iter().any(|e| matches!(e, Effect::LoadRelated { .. })), "{fx:?}");
    let fx = update(&mut s, Msg::IndexProgress { remaining: 0 });
    assert!(s.related_req > first);
    assert_eq!(fx, vec![Effect::LoadRelated { req: s.related_req, id: ArticleId(1) }]);
    // With nothing shown, nothing to rank.
    s.article = None;
    assert!(update(&mut s, Msg::IndexProgress { remaining: 0 }).is_empty());
}
