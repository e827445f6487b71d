//! The article list: moving the selection, paging rows in from the cache by keyset both ways
//! (a window of at most [`MAX_ROWS`] rows), switching views, finding the next unread article.

use super::article;
use super::effect::Effect;
use super::msg::PageKind;
use super::state::{ListState, Pane, State, View, ViewKind};
use crate::domain::{ArticleFilter, ArticleId, ArticleSummary, Cursor};
use crate::layout;
use crate::store::Page;

/// Rows asked for per page.
pub const PAGE_SIZE: usize = 200;
/// Rows kept loaded at most; the far end of the window is dropped beyond this.
pub const MAX_ROWS: usize = 15 * PAGE_SIZE;
/// A page is fetched when the selection comes this close to the end of what is loaded.
pub const PRELOAD_MARGIN: usize = 50;

impl ListState {
    /// The selected row.
    pub fn current(&self) -> Option<&ArticleSummary> {
        self.rows.get(self.selected)
    }

    /// The row of an article, if loaded.
    pub fn position(&self, id: ArticleId) -> Option<usize> {
        self.rows.iter().position(|r| r.id == id)
    }

    /// Selects the row of `id` if it is loaded.
    pub fn select(&mut self, id: ArticleId) {
        if let Some(at) = self.position(id) {
            self.selected = at;
        }
    }

    /// Moves the selection by `delta` rows within what is loaded.
    pub fn step(&mut self, delta: isize) {
        self.selected = self.selected.saturating_add_signed(delta).min(self.rows.len().saturating_sub(1));
    }

    /// Keeps the selection inside a window of `rows` rows.
    pub fn keep_visible(&mut self, rows: usize) {
        self.offset = layout::scroll_to(self.selected, self.offset, rows);
    }

    /// The page to fetch because the selection nears an end of the loaded rows, if any.
    pub fn page_to_preload(&self) -> Option<(Page, PageKind)> {
        if self.loading.is_some() {
            return None;
        }
        if self.more_older && self.selected + PRELOAD_MARGIN >= self.rows.len() {
            self.rows.last().map(|r| (older(r), PageKind::Append))
        } else if self.more_newer && self.selected < PRELOAD_MARGIN {
            self.rows.first().map(|r| (newer(r), PageKind::Prepend))
        } else {
            None
        }
    }

    /// The load that shows articles a refresh stored, when the list shows its newest end: they
    /// may sort anywhere among the loaded rows (a feed's dates are its own), so the rows are
    /// read again from the newest, as many as are loaded. `None` while the window is scrolled
    /// away from the newest end (what it shows is a stretch of older articles).
    pub fn refill_page(&self) -> Option<(Page, PageKind, usize)> {
        if self.more_newer {
            return None;
        }
        let limit = self.rows.len().clamp(PAGE_SIZE, MAX_ROWS);
        Some((Page::Newest, PageKind::Refill, limit))
    }

    /// The index of the next (or previous) unread row after (before) `from`.
    pub fn next_unread(&self, from: usize, forward: bool) -> Option<usize> {
        if forward {
            self.rows.iter().enumerate().skip(from + 1).find(|(_, r)| !r.read).map(|(i, _)| i)
        } else {
            self.rows.iter().enumerate().take(from).rev().find(|(_, r)| !r.read).map(|(i, _)| i)
        }
    }

    /// The page beyond the loaded rows in a direction, if there may be one.
    pub fn page_beyond(&self, forward: bool) -> Option<(Page, PageKind)> {
        if forward {
            self.more_older.then(|| self.rows.last().map(|r| (older(r), PageKind::Append))).flatten()
        } else {
            self.more_newer.then(|| self.rows.first().map(|r| (newer(r), PageKind::Prepend))).flatten()
        }
    }

    /// Puts a page that arrived into the list, keeping the window at most [`MAX_ROWS`] rows.
    pub fn apply_page(&mut self, kind: PageKind, rows: Vec<ArticleSummary>, full: bool, counts: (u64, u64)) {
        self.loading = None;
        (self.total, self.unread) = counts;
        match kind {
            PageKind::Replace { from_end } => {
                let keep = self.current().map(|r| r.id);
                self.rows = rows;
                self.more_older = full && !from_end;
                self.more_newer = full && from_end;
                let fallback = if from_end { self.rows.len().saturating_sub(1) } else { 0 };
                self.selected = keep.and_then(|id| self.position(id)).unwrap_or(fallback);
                self.offset = 0;
            }
            PageKind::Append => {
                self.rows.extend(rows);
                self.more_older = full;
                if self.rows.len() > MAX_ROWS {
                    let drop = self.rows.len() - MAX_ROWS;
                    self.rows.drain(..drop);
                    self.selected = self.selected.saturating_sub(drop);
                    self.offset = self.offset.saturating_sub(drop);
                    self.more_newer = true;
                }
            }
            PageKind::Refill => {
                let keep = self.current().map(|r| r.id);
                let line = self.selected.saturating_sub(self.offset);
                self.rows = rows;
                self.more_newer = false;
                self.more_older = full;
                if let Some(at) = keep.and_then(|id| self.position(id)) {
                    // A list scrolled to its top shows the new ones arrive above the selected
                    // article; a list scrolled down keeps that article on its line.
                    if self.offset > 0 {
                        self.offset = at.saturating_sub(line);
                    }
                    self.selected = at;
                }
            }
            PageKind::Prepend => {
                let n = rows.len();
                let mut merged = rows;
                merged.append(&mut self.rows);
                self.rows = merged;
                // The same article stays selected; a list scrolled to its top shows the new
                // ones arrive above it, a list scrolled down keeps its rows where they are.
                if self.loaded && self.rows.len() > n {
                    self.selected += n;
                    if self.offset > 0 {
                        self.offset += n;
                    }
                }
                self.more_newer = full;
                if self.rows.len() > MAX_ROWS {
                    self.rows.truncate(MAX_ROWS);
                    self.more_older = true;
                }
            }
        }
        self.loaded = true;
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }
}

fn older(r: &ArticleSummary) -> Page {
    Page::Older(Cursor { time: r.published.timestamp(), id: r.id })
}

fn newer(r: &ArticleSummary) -> Page {
    Page::Newer(Cursor { time: r.published.timestamp(), id: r.id })
}

/// Asks for a page of the current view.
pub fn load(s: &mut State, page: Page, kind: PageKind, fx: &mut Vec<Effect>) {
    load_rows(s, page, kind, PAGE_SIZE, fx);
}

fn load_rows(s: &mut State, page: Page, kind: PageKind, limit: usize, fx: &mut Vec<Effect>) {
    let req = s.next_req();
    s.list.loading = Some(req);
    s.list.refill_pending = false;
    if s.view.kind == ViewKind::TopStories {
        // One ranked page, never more (nothing lies before or after it to page to).
        let kind = if kind == PageKind::Refill { kind } else { PageKind::Replace { from_end: false } };
        fx.push(Effect::LoadTopStories { req, now: s.now, unread_only: s.view.unread_only, kind });
        return;
    }
    fx.push(Effect::LoadPage { req, filter: view_filter(s), page, limit, kind });
}

/// Loads the view again from its newest article (keeping the selected article if it is there).
pub fn reload(s: &mut State, fx: &mut Vec<Effect>) {
    load(s, Page::Newest, PageKind::Replace { from_end: false }, fx);
}

/// Shows another view, from its newest article.
pub fn switch_view(s: &mut State, view: View, fx: &mut Vec<Effect>) {
    s.view = view;
    s.list.more_newer = false;
    s.list.more_older = false;
    reload(s, fx);
}

/// A page arrived: it joins the list unless the user has moved on since it was asked for.
/// Returns whether it was used.
pub fn page_loaded(
    s: &mut State,
    req: u64,
    kind: PageKind,
    rows: Vec<ArticleSummary>,
    full: bool,
    counts: (u64, u64),
    fx: &mut Vec<Effect>,
) -> bool {
    if s.list.loading != Some(req) {
        return false;
    }
    let before = s.list.current().map(|r| r.id);
    s.list.apply_page(kind, rows, full, counts);
    keep_visible(s);
    if s.list.refill_pending {
        show_new_articles(s, fx);
    }
    if let Some(forward) = s.seeking_unread.take() {
        seek_unread(s, forward, fx);
    } else {
        preload(s, fx);
        if s.list.current().map(|r| r.id) != before {
            article::follow_selection(s, fx);
        }
    }
    true
}

/// Keeps the selection inside the list's drawn rows.
pub fn keep_visible(s: &mut State) {
    let rows = layout::list_height(&s.shape());
    s.list.keep_visible(rows);
}

/// Requests the next page when the selection nears either end of the loaded rows.
pub fn preload(s: &mut State, fx: &mut Vec<Effect>) {
    if let Some((page, kind)) = s.list.page_to_preload() {
        load(s, page, kind, fx);
    }
}

/// After new articles were stored: show them if the list shows the newest end (once the page
/// in flight, if any, has arrived: it may have been read before they were written).
pub fn show_new_articles(s: &mut State, fx: &mut Vec<Effect>) {
    if s.list.loading.is_some() {
        s.list.refill_pending = true;
    } else if let Some((page, kind, limit)) = s.list.refill_page() {
        load_rows(s, page, kind, limit, fx);
    }
}

/// Moves the selection by `delta` rows, paging in more and showing the selected article
/// beside the list where it is drawn there.
pub fn step(s: &mut State, delta: isize, fx: &mut Vec<Effect>) {
    let before = s.list.selected;
    s.list.step(delta);
    preload(s, fx);
    if s.list.selected != before {
        article::follow_selection(s, fx);
    }
}

/// Selects the row at `index` (a click).
pub fn select_index(s: &mut State, index: usize, fx: &mut Vec<Effect>) {
    if index < s.list.rows.len() && index != s.list.selected {
        s.list.selected = index;
        preload(s, fx);
        article::follow_selection(s, fx);
    }
}

/// The first or last article of the view, loading that end of it if it is not loaded.
pub fn to_end(s: &mut State, last: bool, fx: &mut Vec<Effect>) {
    let needs_load = if last { s.list.more_older } else { s.list.more_newer };
    if needs_load {
        let page = if last { Page::Oldest } else { Page::Newest };
        load(s, page, PageKind::Replace { from_end: last }, fx);
        // The rows go; the selection is placed when the page arrives.
        s.list.rows.clear();
        s.list.selected = 0;
        s.list.offset = 0;
    } else {
        let target = if last { s.list.rows.len().saturating_sub(1) } else { 0 };
        let delta = target as isize - s.list.selected as isize;
        step(s, delta, fx);
    }
}

/// Opens the next (or previous) unread article after the open one (or the selection),
/// loading further pages when the loaded rows have none.
pub fn seek_unread(s: &mut State, forward: bool, fx: &mut Vec<Effect>) {
    let from = s.article.as_ref().and_then(|a| s.list.position(a.id)).unwrap_or(s.list.selected);
    if let Some(at) = s.list.next_unread(from, forward) {
        s.list.selected = at;
        let row = s.list.rows[at].clone();
        article::open(s, row, fx);
        keep_visible(s);
        return;
    }
    match s.list.page_beyond(forward) {
        Some((page, kind)) if s.list.loading.is_none() => {
            s.seeking_unread = Some(forward);
            load(s, page, kind, fx);
        }
        Some(_) => {} // a page is on its way; the user may press again
        None => s.info("No more unread articles"),
    }
}

/// Opens the selected article.
pub fn open_selected(s: &mut State, fx: &mut Vec<Effect>) {
    if let Some(row) = s.list.current().cloned() {
        article::open(s, row, fx);
    }
}

/// The store filter for the current view: one row per story unless the user asked for every
/// source in this view (a feed's own list has one source anyway; "Top stories" is stories).
pub fn view_filter(s: &State) -> ArticleFilter {
    let mut filter = s.view.filter();
    filter.one_per_story =
        !matches!(s.view.kind, ViewKind::Feed { .. } | ViewKind::Search(_) | ViewKind::TopStories)
            && !s.every_source.contains(&s.view.kind);
    filter
}

/// `c`: one row per story, or every source as its own row, in this view.
pub fn toggle_stories(s: &mut State, fx: &mut Vec<Effect>) {
    if matches!(s.view.kind, ViewKind::Feed { .. } | ViewKind::Search(_)) {
        s.info("This list shows every article already: one feed's, or a search's results");
        return;
    }
    if s.view.kind == ViewKind::TopStories {
        s.info("Top stories lists one row per story; Enter shows its other sources in read also");
        return;
    }
    let kind = s.view.kind.clone();
    if let Some(i) = s.every_source.iter().position(|k| *k == kind) {
        s.every_source.remove(i);
        s.info("One row per story: other sources show as “+N”");
    } else {
        s.every_source.push(kind);
        s.info("Every source of a story as its own row");
    }
    let view = s.view.clone();
    switch_view(s, view, fx);
}

/// Focuses the list (a new search, a new view).
pub fn focus(s: &mut State) {
    s.focus = Pane::List;
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn rows(ids: std::ops::Range<i64>, read: bool) -> Vec<ArticleSummary> {
        ids.map(|id| ArticleSummary {
            id: ArticleId(id),
            feed_id: crate::domain::FeedId(1),
            feed_title: "F".into(),
            title: format!("A{id}"),
            link: None,
            author: None,
            published: Utc.timestamp_opt(1_800_000_000 - id, 0).single().unwrap_or_default(),
            read,
            starred: false,
            story: None,
            sources: 0,
        })
        .collect()
    }

    #[test]
    fn the_window_keeps_at_most_max_rows_and_the_selected_article() {
        let mut list = ListState::default();
        list.apply_page(
            PageKind::Replace { from_end: false },
            rows(0..PAGE_SIZE as i64, false),
            true,
            (0, 0),
        );
        for page in 1..16 {
            let start = page * PAGE_SIZE as i64;
            list.selected = list.rows.len() - 1;
            let selected = list.current().map(|r| r.id);
            list.apply_page(PageKind::Append, rows(start..start + PAGE_SIZE as i64, false), true, (0, 0));
            assert!(list.rows.len() <= MAX_ROWS);
            assert_eq!(list.current().map(|r| r.id), selected, "page {page}");
        }
        assert!(list.more_newer && list.more_older);
        assert_eq!(list.page_to_preload(), None, "the selection is far from both ends");
    }

    #[test]
    fn next_unread_looks_both_ways() {
        let mut list = ListState::default();
        let mut r = rows(0..6, true);
        r[1].read = false;
        r[4].read = false;
        list.apply_page(PageKind::Replace { from_end: false }, r, false, (6, 2));
        assert_eq!(list.next_unread(1, true), Some(4));
        assert_eq!(list.next_unread(4, true), None);
        assert_eq!(list.next_unread(4, false), Some(1));
        assert_eq!(list.page_beyond(true), None, "a page that was not full has nothing beyond");
    }
}
