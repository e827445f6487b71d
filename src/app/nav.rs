//! What actions do to the state: moving, opening, marking, switching views. Part of `update`.

use super::action::Action;
use super::effect::Effect;
use super::msg::PageKind;
use super::state::{
    ArticleState, Pane, Popup, Prompt, PromptKind, RelatedState, Severity, SidebarEntry, State, View,
    ViewKind,
};
use super::update::{PAGE_SIZE, PRELOAD_MARGIN};
use crate::domain::{ArticleId, ArticleSummary, Cursor};
use crate::store::{Mark, Page};
use crate::ui::layout;

/// Runs an action.
pub fn action(s: &mut State, a: Action, fx: &mut Vec<Effect>) {
    if let Some(Popup::Help { scroll }) = &mut s.popup {
        match a {
            Action::Down => *scroll += 1,
            Action::Up => *scroll = scroll.saturating_sub(1),
            Action::PageDown | Action::HalfPageDown => *scroll += 10,
            Action::PageUp | Action::HalfPageUp => *scroll = scroll.saturating_sub(10),
            Action::Quit => s.quit = true,
            _ => s.popup = None,
        }
        return;
    }
    if a != Action::Open {
        s.link_digits.clear();
    }
    match a {
        Action::Down => step(s, 1, fx),
        Action::Up => step(s, -1, fx),
        Action::HalfPageDown => step(s, page_size(s) as isize / 2, fx),
        Action::HalfPageUp => step(s, -(page_size(s) as isize) / 2, fx),
        Action::PageDown => step(s, page_size(s) as isize, fx),
        Action::PageUp => step(s, -(page_size(s) as isize), fx),
        Action::First => to_end(s, false, fx),
        Action::Last => to_end(s, true, fx),
        Action::NextPane => cycle_focus(s, 1),
        Action::PrevPane => cycle_focus(s, -1),
        Action::PaneLeft => pane_left(s),
        Action::PaneRight => pane_right(s, fx),
        Action::Open => open_focused(s, fx),
        Action::ReadOn => read_on(s, fx),
        Action::NextUnread => seek_unread(s, true, fx),
        Action::PrevUnread => seek_unread(s, false, fx),
        Action::OpenInBrowser => {
            if let Some(url) = focused_link(s) {
                fx.push(Effect::OpenUrl { url });
            } else {
                s.status.message = Some(("This article has no link".into(), Severity::Error));
            }
        }
        Action::CopyLink => {
            if let Some(url) = focused_link(s) {
                s.status.message = Some((format!("Copied {url}"), Severity::Info));
                fx.push(Effect::CopyUrl { url });
            }
        }
        Action::ToggleRead => toggle(s, true, fx),
        Action::ToggleStar => toggle(s, false, fx),
        Action::MarkViewRead => mark_view_read(s, fx),
        Action::RefreshFeed => refresh_feed(s, fx),
        Action::RefreshAll => refresh_all(s, fx),
        Action::Search => {
            let input = match &s.view.kind {
                ViewKind::Search(q) => q.clone(),
                _ => String::new(),
            };
            open_prompt(s, PromptKind::Search, input);
        }
        Action::ToggleUnreadOnly => {
            let view = View { kind: s.view.kind.clone(), unread_only: !s.view.unread_only };
            switch_view(s, view, fx);
        }
        Action::AddFeed => open_prompt(s, PromptKind::AddFeed, String::new()),
        Action::Import => open_prompt(s, PromptKind::Import, String::new()),
        Action::StarterFeeds => {
            if s.is_empty() {
                s.status.message = Some(("Subscribing to the starter feeds…".into(), Severity::Info));
                fx.push(Effect::SubscribeStarter);
            }
        }
        Action::ToggleSidebar => {
            s.sidebar.visible = !s.sidebar.visible;
            s.focus = if s.sidebar.visible {
                Pane::Sidebar
            } else if s.focus == Pane::Sidebar {
                Pane::List
            } else {
                s.focus
            };
            if s.sidebar.visible {
                fx.push(Effect::LoadSidebar);
            }
            reflow(s);
        }
        Action::Help => s.popup = Some(Popup::Help { scroll: 0 }),
        Action::Back => back(s, fx),
        // Esc closes a popup; with none open it leaves a pane for the list (never quits).
        Action::Cancel => {
            if s.popup.take().is_none() {
                s.focus = Pane::List;
            }
        }
        Action::ToList => s.focus = Pane::List,
        Action::Quit => s.quit = true,
    }
    keep_visible(s);
}

fn open_prompt(s: &mut State, kind: PromptKind, input: String) {
    let cursor = input.chars().count();
    s.popup = Some(Popup::Prompt(Prompt { kind, input, cursor }));
}

fn page_size(s: &State) -> usize {
    match s.focus {
        Pane::Article => layout::article_height(s).saturating_sub(1).max(1),
        _ => layout::list_height(s).max(1),
    }
}

/// Moves the focused pane's selection (or the article) by `delta` lines.
fn step(s: &mut State, delta: isize, fx: &mut Vec<Effect>) {
    let moved = |at: usize, len: usize| at.saturating_add_signed(delta).min(len.saturating_sub(1));
    match s.focus {
        Pane::List => {
            s.list.selected = moved(s.list.selected, s.list.rows.len());
            preload(s, fx);
        }
        Pane::Article => {
            let max = max_scroll(s);
            if let Some(a) = &mut s.article {
                a.scroll = a.scroll.saturating_add_signed(delta).min(max);
            }
        }
        Pane::Related => s.related.selected = moved(s.related.selected, s.related.items.len()),
        Pane::Sidebar => sidebar_step(s, delta),
    }
}

fn sidebar_step(s: &mut State, delta: isize) {
    let entries = &s.sidebar.entries;
    let mut at = s.sidebar.selected;
    let dir = delta.signum();
    for _ in 0..delta.unsigned_abs() {
        // The next view line in that direction, skipping headings; none means the end.
        let mut next = at;
        let found = loop {
            match next.checked_add_signed(dir) {
                Some(n) if n < entries.len() => next = n,
                _ => break None,
            }
            if matches!(entries[next], SidebarEntry::View { .. }) {
                break Some(next);
            }
        };
        match found {
            Some(n) => at = n,
            None => break,
        }
    }
    s.sidebar.selected = at;
}

fn max_scroll(s: &State) -> usize {
    s.article.as_ref().map_or(0, |a| a.lines.len().saturating_sub(layout::article_height(s)))
}

fn to_end(s: &mut State, last: bool, fx: &mut Vec<Effect>) {
    match s.focus {
        Pane::List => {
            let needs_load = if last { s.list.more_older } else { s.list.more_newer };
            if needs_load {
                let page = if last { Page::Oldest } else { Page::Newest };
                load(s, page, PageKind::Replace { from_end: last }, fx);
                // The rows go; the selection is placed when the page arrives.
                s.list.rows.clear();
                s.list.selected = 0;
                s.list.offset = 0;
            } else {
                s.list.selected = if last { s.list.rows.len().saturating_sub(1) } else { 0 };
            }
        }
        Pane::Article => {
            let max = max_scroll(s);
            if let Some(a) = &mut s.article {
                a.scroll = if last { max } else { 0 };
            }
        }
        Pane::Related => s.related.selected = if last { s.related.items.len().saturating_sub(1) } else { 0 },
        Pane::Sidebar => sidebar_step(s, if last { isize::MAX / 2 } else { -(isize::MAX / 2) }),
    }
}

fn cycle_focus(s: &mut State, dir: isize) {
    let panes = layout::cycle(s);
    let at = panes.iter().position(|p| *p == s.focus).unwrap_or(0);
    s.focus = panes[(at as isize + dir).rem_euclid(panes.len() as isize) as usize];
}

fn pane_left(s: &mut State) {
    s.focus = match s.focus {
        Pane::Related => Pane::Article,
        Pane::Article => Pane::List,
        Pane::List if s.sidebar.visible => Pane::Sidebar,
        other => other,
    };
}

fn pane_right(s: &mut State, fx: &mut Vec<Effect>) {
    match s.focus {
        Pane::Sidebar => s.focus = Pane::List,
        Pane::List if s.article.is_some() => s.focus = Pane::Article,
        Pane::List => open_selected(s, fx),
        Pane::Article => s.focus = Pane::Related,
        Pane::Related => {}
    }
}

fn open_focused(s: &mut State, fx: &mut Vec<Effect>) {
    match s.focus {
        Pane::List => open_selected(s, fx),
        Pane::Article => {
            let digits = std::mem::take(&mut s.link_digits);
            let link = digits
                .parse::<usize>()
                .ok()
                .and_then(|n| s.article.as_ref().and_then(|a| a.links.get(n.wrapping_sub(1))).cloned());
            match (digits.is_empty(), link) {
                (true, _) => {}
                (false, Some(url)) => fx.push(Effect::OpenUrl { url }),
                (false, None) => s.status.message = Some((format!("No link [{digits}]"), Severity::Error)),
            }
        }
        Pane::Related => {
            if let Some(item) = s.related.items.get(s.related.selected).cloned() {
                open(s, item, fx);
            }
        }
        Pane::Sidebar => {
            if let Some(SidebarEntry::View { kind, .. }) = s.sidebar.entries.get(s.sidebar.selected) {
                let view = View { kind: kind.clone(), unread_only: s.view.unread_only };
                switch_view(s, view, fx);
                s.focus = Pane::List;
            }
        }
    }
}

fn open_selected(s: &mut State, fx: &mut Vec<Effect>) {
    if let Some(row) = s.list.current().cloned() {
        open(s, row, fx);
    }
}

/// Opens an article: its text and related articles are requested; it is marked read if so set.
pub fn open(s: &mut State, summary: ArticleSummary, fx: &mut Vec<Effect>) {
    let id = summary.id;
    s.article_req = s.next_req();
    s.related_req = s.next_req();
    fx.push(Effect::LoadArticle { req: s.article_req, id });
    fx.push(Effect::LoadRelated { req: s.related_req, id });
    let unread = !summary.read;
    s.article = Some(ArticleState {
        id,
        summary,
        article: None,
        lines: Vec::new(),
        lines_width: 0,
        links: Vec::new(),
        scroll: 0,
    });
    s.related = RelatedState { loading: true, ..RelatedState::default() };
    s.focus = Pane::Article;
    if let Some(at) = s.list.position(id) {
        s.list.selected = at;
    }
    if unread && s.settings.mark_read_on_open {
        set_read(s, id, true, fx);
    }
}

/// Space: page down the article; at its end, the next unread article.
fn read_on(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(a) = &s.article else { return open_selected(s, fx) };
    let page = layout::article_height(s).saturating_sub(1).max(1);
    let max = max_scroll(s);
    if a.article.is_some() && a.scroll < max {
        if let Some(a) = &mut s.article {
            a.scroll = (a.scroll + page).min(max);
        }
        s.focus = Pane::Article;
    } else {
        seek_unread(s, true, fx);
    }
}

/// Opens the next (or previous) unread article after the open one (or the selection),
/// loading further pages when the loaded rows have none.
pub fn seek_unread(s: &mut State, forward: bool, fx: &mut Vec<Effect>) {
    let from = s.article.as_ref().and_then(|a| s.list.position(a.id)).unwrap_or(s.list.selected);
    let rows = &s.list.rows;
    let found = if forward {
        rows.iter()
            .enumerate()
            .skip(from + 1)
            .find(|(i, r)| !r.read && Some(*i) != Some(from))
            .map(|(i, _)| i)
    } else {
        rows.iter().enumerate().take(from).rev().find(|(_, r)| !r.read).map(|(i, _)| i)
    };
    if let Some(at) = found {
        let row = rows[at].clone();
        s.list.selected = at;
        open(s, row, fx);
        return;
    }
    let more = if forward { s.list.more_older } else { s.list.more_newer };
    if more && s.list.loading.is_none() {
        s.seeking_unread = Some(forward);
        let kind = if forward { PageKind::Append } else { PageKind::Prepend };
        let page = if forward { s.list.rows.last().map(older) } else { s.list.rows.first().map(newer) };
        load(s, page.unwrap_or(Page::Newest), kind, fx);
    } else if !more {
        s.status.message = Some(("No more unread articles".into(), Severity::Info));
    }
}

fn older(r: &ArticleSummary) -> Page {
    Page::Older(Cursor { time: r.published.timestamp(), id: r.id })
}

fn newer(r: &ArticleSummary) -> Page {
    Page::Newer(Cursor { time: r.published.timestamp(), id: r.id })
}

/// Requests the next page when the selection nears either end of the loaded rows.
pub fn preload(s: &mut State, fx: &mut Vec<Effect>) {
    if s.list.loading.is_some() {
        return;
    }
    let len = s.list.rows.len();
    if s.list.more_older && s.list.selected + PRELOAD_MARGIN >= len {
        if let Some(page) = s.list.rows.last().map(older) {
            load(s, page, PageKind::Append, fx);
        }
    } else if s.list.more_newer
        && s.list.selected < PRELOAD_MARGIN
        && let Some(page) = s.list.rows.first().map(newer)
    {
        load(s, page, PageKind::Prepend, fx);
    }
}

/// After new articles arrived: fetch them if the list shows the newest end.
pub fn load_newer_if_at_top(s: &mut State, fx: &mut Vec<Effect>) {
    if s.list.more_newer || s.list.loading.is_some() {
        return;
    }
    match s.list.rows.first().map(newer) {
        Some(page) => load(s, page, PageKind::Prepend, fx),
        None => load(s, Page::Newest, PageKind::Replace { from_end: false }, fx),
    }
}

fn load(s: &mut State, page: Page, kind: PageKind, fx: &mut Vec<Effect>) {
    let req = s.next_req();
    s.list.loading = Some(req);
    fx.push(Effect::LoadPage { req, filter: s.view.filter(), page, limit: PAGE_SIZE, kind });
}

/// Loads the view again from its newest article (keeping the selected article if it is there).
pub fn reload(s: &mut State, fx: &mut Vec<Effect>) {
    load(s, Page::Newest, PageKind::Replace { from_end: false }, fx);
}

/// Shows another view.
pub fn switch_view(s: &mut State, view: View, fx: &mut Vec<Effect>) {
    s.view = view;
    s.list.more_newer = false;
    s.list.more_older = false;
    reload(s, fx);
}

fn back(s: &mut State, fx: &mut Vec<Effect>) {
    if s.popup.take().is_some() {
        return;
    }
    match s.focus {
        Pane::Article | Pane::Related | Pane::Sidebar => s.focus = Pane::List,
        Pane::List if s.view != (View { kind: ViewKind::All, unread_only: false }) => {
            switch_view(s, View { kind: ViewKind::All, unread_only: false }, fx);
        }
        Pane::List => s.quit = true,
    }
}

/// The link of the article the focus is on.
fn focused_link(s: &State) -> Option<String> {
    let summary = match s.focus {
        Pane::Article => s.article.as_ref().map(|a| &a.summary),
        Pane::Related => s.related.items.get(s.related.selected),
        _ => s.list.current().or(s.article.as_ref().map(|a| &a.summary)),
    };
    summary.and_then(|a| a.link.clone())
}

/// The article the focus is on.
fn focused_article(s: &State) -> Option<ArticleSummary> {
    match s.focus {
        Pane::Article => s.article.as_ref().map(|a| a.summary.clone()),
        Pane::Related => s.related.items.get(s.related.selected).cloned(),
        _ => s.list.current().cloned(),
    }
}

fn toggle(s: &mut State, read: bool, fx: &mut Vec<Effect>) {
    let Some(article) = focused_article(s) else { return };
    if read {
        set_read(s, article.id, !article.read, fx);
    } else {
        let starred = !article.starred;
        for_each_copy(s, article.id, |r| r.starred = starred);
        if starred {
            s.overview.starred += 1;
        } else {
            s.overview.starred = s.overview.starred.saturating_sub(1);
        }
        fx.push(Effect::Mark {
            ids: vec![article.id],
            mark: if starred { Mark::Star } else { Mark::Unstar },
        });
    }
}

/// Marks an article read or unread here (list, open article, related, counts) and in the cache.
fn set_read(s: &mut State, id: ArticleId, read: bool, fx: &mut Vec<Effect>) {
    let mut changed = false;
    let mut feed = None;
    for_each_copy(s, id, |r| {
        changed |= r.read != read;
        feed = Some(r.feed_id);
        r.read = read;
    });
    if changed {
        let adjust = |n: &mut u64| *n = if read { n.saturating_sub(1) } else { *n + 1 };
        adjust(&mut s.list.unread);
        adjust(&mut s.overview.unread);
        if let Some(f) = s.overview.feeds.iter_mut().find(|f| Some(f.id) == feed) {
            adjust(&mut f.unread);
        }
    }
    fx.push(Effect::Mark { ids: vec![id], mark: if read { Mark::Read } else { Mark::Unread } });
}

fn for_each_copy(s: &mut State, id: ArticleId, mut f: impl FnMut(&mut ArticleSummary)) {
    for r in s.list.rows.iter_mut().filter(|r| r.id == id) {
        f(r);
    }
    for r in s.related.items.iter_mut().filter(|r| r.id == id) {
        f(r);
    }
    if let Some(a) = s.article.as_mut().filter(|a| a.id == id) {
        f(&mut a.summary);
        if let Some(full) = &mut a.article {
            f(&mut full.summary);
        }
    }
}

fn mark_view_read(s: &mut State, fx: &mut Vec<Effect>) {
    for r in &mut s.list.rows {
        r.read = true;
    }
    s.list.unread = 0;
    s.status.message = Some((format!("Marked “{}” read", s.view.title()), Severity::Info));
    fx.push(Effect::MarkAllRead { filter: s.view.filter() });
}

fn refresh_feed(s: &mut State, fx: &mut Vec<Effect>) {
    if s.refreshing {
        s.status.message = Some(("A refresh is already running".into(), Severity::Info));
        return;
    }
    let feed = match (&s.view.kind, focused_article(s)) {
        (_, Some(a)) => Some(a.feed_id),
        (ViewKind::Feed { id, .. }, None) => Some(*id),
        _ => None,
    };
    if let Some(feed) = feed {
        fx.push(Effect::Refresh { feeds: Some(vec![feed]) });
    }
}

fn refresh_all(s: &mut State, fx: &mut Vec<Effect>) {
    if s.refreshing {
        s.status.message = Some(("A refresh is already running".into(), Severity::Info));
    } else {
        fx.push(Effect::Refresh { feeds: None });
    }
}

/// Wraps the open article to its pane's width (once per width).
pub fn reflow(s: &mut State) {
    let width = layout::article_width(s);
    let tz = s.tz;
    if let Some(open) = &mut s.article
        && let Some(article) = &open.article
        && open.lines_width != width
    {
        let (lines, links) = crate::text::article::render_with_links(article, width, &tz);
        open.lines = lines;
        open.links = links;
        open.lines_width = width;
    }
    let max = max_scroll(s);
    if let Some(open) = &mut s.article {
        open.scroll = open.scroll.min(max);
    }
}

/// Keeps the list's and the sidebar's selection inside their drawn windows.
pub fn keep_visible(s: &mut State) {
    let rows = layout::list_height(s);
    let list = &mut s.list;
    if list.selected < list.offset {
        list.offset = list.selected;
    } else if list.selected >= list.offset + rows {
        list.offset = list.selected + 1 - rows;
    }
    let side_rows = usize::from(s.size.1.saturating_sub(3)).max(1);
    let side = &mut s.sidebar;
    if side.selected < side.offset {
        side.offset = side.selected;
    } else if side.selected >= side.offset + side_rows {
        side.offset = side.selected + 1 - side_rows;
    }
}

/// The mouse wheel over a pane scrolls that pane.
pub fn scroll_at(s: &mut State, x: u16, y: u16, down: bool, fx: &mut Vec<Effect>) {
    let Some(pane) = pane_at(s, x, y) else { return };
    let focus = s.focus;
    s.focus = pane;
    step(s, if down { 3 } else { -3 }, fx);
    s.focus = focus;
    keep_visible(s);
}

/// A click focuses the pane under it and selects the row clicked.
pub fn click_at(s: &mut State, x: u16, y: u16, fx: &mut Vec<Effect>) {
    let Some(pane) = pane_at(s, x, y) else { return };
    s.focus = pane;
    let areas = layout::areas(ratatui::layout::Rect::new(0, 0, s.size.0, s.size.1), s);
    match pane {
        // The list's rows start under its top border.
        Pane::List => {
            if let Some(r) = areas.list
                && let Some(row) = usize::from(y).checked_sub(usize::from(r.y) + 1)
                && s.list.offset + row < s.list.rows.len()
            {
                s.list.selected = s.list.offset + row;
                preload(s, fx);
            }
        }
        Pane::Sidebar => {
            if let Some(r) = areas.sidebar
                && let Some(row) = usize::from(y).checked_sub(usize::from(r.y) + 1)
                && matches!(s.sidebar.entries.get(s.sidebar.offset + row), Some(SidebarEntry::View { .. }))
            {
                s.sidebar.selected = s.sidebar.offset + row;
            }
        }
        Pane::Related | Pane::Article => {}
    }
}

fn pane_at(s: &State, x: u16, y: u16) -> Option<Pane> {
    let areas = layout::areas(ratatui::layout::Rect::new(0, 0, s.size.0, s.size.1), s);
    let hit =
        |r: Option<ratatui::layout::Rect>| r.is_some_and(|r| r.contains(ratatui::layout::Position { x, y }));
    [
        (areas.sidebar, Pane::Sidebar),
        (areas.list, Pane::List),
        (areas.article, Pane::Article),
        (areas.related, Pane::Related),
    ]
    .into_iter()
    .find(|(r, _)| hit(*r))
    .map(|(_, p)| p)
}
