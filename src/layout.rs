//! Where each pane goes: pure arithmetic on a [`Shape`] (the terminal's size and the few facts
//! of the reader's state that decide the layout). The reader's `update` uses it to wrap the
//! article to its pane, to page and to cycle the focus; drawing uses it to place the panes. It
//! knows neither of them, so both can use it.

use ratatui::layout::{Position, Rect};

/// A pane of the reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pane {
    /// Views, tags and feeds.
    Sidebar,
    /// The list of articles.
    List,
    /// The open article.
    Article,
    /// Articles related to the open one.
    Related,
}

/// The layouts the reader switches between by width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// ≥ 160 columns: list | article | read also.
    Wide,
    /// 100–159 columns: list | article, read also under the article.
    Medium,
    /// < 100 columns (80×24 over SSH): one pane at a time.
    Narrow,
}

impl Mode {
    /// Whether the list and the article are side by side (the article follows the selection).
    pub fn side_by_side(self) -> bool {
        self != Mode::Narrow
    }
}

/// Columns of the sidebar when it is shown beside the list.
pub const SIDEBAR_WIDTH: u16 = 26;
/// Columns of the read-also pane in the wide layout.
pub const RELATED_WIDTH: u16 = 36;
/// Rows of the read-also pane under the article in the medium layout.
pub const RELATED_HEIGHT: u16 = 9;
/// Rows a notice takes at the top of the list (a failed feed's last error).
pub const NOTICE_HEIGHT: u16 = 2;

/// The layout for a terminal `width` columns wide.
pub fn mode(width: u16) -> Mode {
    match width {
        160.. => Mode::Wide,
        100..=159 => Mode::Medium,
        _ => Mode::Narrow,
    }
}

/// What decides the layout: the screen's size and a few facts of the reader's state.
#[allow(clippy::struct_excessive_bools)] // independent facts, each deciding one part
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Columns.
    pub width: u16,
    /// Rows.
    pub height: u16,
    /// The focused pane.
    pub focus: Pane,
    /// The sidebar is shown.
    pub sidebar: bool,
    /// An article is open (or shown beside the list).
    pub article: bool,
    /// The list starts with a notice (see [`NOTICE_HEIGHT`]).
    pub notice: bool,
    /// The sidebar has the focus on a feed, which it describes under its entries.
    pub feed_detail: bool,
}

impl Shape {
    /// A shape with only the list, focused.
    pub fn new(width: u16, height: u16) -> Self {
        Self {
            width,
            height,
            focus: Pane::List,
            sidebar: false,
            article: false,
            notice: false,
            feed_detail: false,
        }
    }

    /// The layout mode for this width.
    pub fn mode(&self) -> Mode {
        mode(self.width)
    }
}

/// The rectangles of everything drawn; a pane that is not shown has none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Areas {
    /// Views, tags and feeds.
    pub sidebar: Option<Rect>,
    /// The article list.
    pub list: Option<Rect>,
    /// The article.
    pub article: Option<Rect>,
    /// Read also.
    pub related: Option<Rect>,
    /// The status line (empty on a one-row terminal).
    pub status: Rect,
}

impl Areas {
    /// The pane under a screen cell, if any.
    pub fn pane_at(&self, x: u16, y: u16) -> Option<Pane> {
        let hit = |r: Option<Rect>| r.is_some_and(|r| r.contains(Position { x, y }));
        [
            (self.sidebar, Pane::Sidebar),
            (self.list, Pane::List),
            (self.article, Pane::Article),
            (self.related, Pane::Related),
        ]
        .into_iter()
        .find(|(r, _)| hit(*r))
        .map(|(_, p)| p)
    }
}

/// Lays out the panes of `shape` on a screen whose top-left corner is (0, 0).
pub fn areas(shape: &Shape) -> Areas {
    let area = Rect::new(0, 0, shape.width, shape.height);
    let status_height = u16::from(area.height >= 2);
    let body = Rect { height: area.height - status_height, ..area };
    let status = Rect { y: area.y + body.height, height: status_height, ..area };
    let mut out = Areas { status, ..Areas::default() };
    if body.width == 0 || body.height == 0 {
        return out;
    }
    match shape.mode() {
        Mode::Narrow => {
            let pane = match shape.focus {
                Pane::Article | Pane::Related if !shape.article => Pane::List,
                Pane::Sidebar if !shape.sidebar => Pane::List,
                p => p,
            };
            match pane {
                Pane::Sidebar => out.sidebar = Some(body),
                Pane::List => out.list = Some(body),
                Pane::Article => out.article = Some(body),
                Pane::Related => out.related = Some(body),
            }
        }
        Mode::Medium | Mode::Wide => {
            let mut rest = body;
            if shape.sidebar {
                let (side, right) = split_h(rest, SIDEBAR_WIDTH);
                out.sidebar = Some(side);
                rest = right;
            }
            if shape.mode() == Mode::Wide {
                let (left, related) = split_h_right(rest, RELATED_WIDTH);
                out.related = Some(related);
                rest = left;
            }
            let list_width = (u32::from(rest.width) * 2 / 5).max(30).min(u32::from(rest.width)) as u16;
            let (list, article) = split_h(rest, list_width);
            out.list = Some(list);
            if shape.mode() == Mode::Medium && shape.article {
                let height = RELATED_HEIGHT.min(article.height / 2);
                let (top, bottom) = split_v_bottom(article, height);
                out.article = Some(top);
                out.related = Some(bottom).filter(|r| r.height > 0);
            } else {
                out.article = Some(article);
            }
        }
    }
    out
}

/// The panes Tab cycles through, left to right.
pub fn cycle(shape: &Shape) -> Vec<Pane> {
    let mut panes = Vec::with_capacity(4);
    if shape.sidebar {
        panes.push(Pane::Sidebar);
    }
    panes.push(Pane::List);
    if shape.article {
        panes.push(Pane::Article);
        panes.push(Pane::Related);
    }
    panes
}

/// Columns of the help and the message log (less on a narrower screen).
pub const TEXT_POPUP_WIDTH: u16 = 76;

/// A `width` × `height` rectangle centred on the screen (clipped to it).
pub fn centered(shape: &Shape, width: u16, height: u16) -> Rect {
    let (w, h) = (width.min(shape.width), height.min(shape.height));
    Rect { x: (shape.width - w) / 2, y: (shape.height - h) / 2, width: w, height: h }
}

/// Where the help and the message log are drawn: wide, nearly the whole height.
pub fn text_popup(shape: &Shape) -> Rect {
    centered(shape, TEXT_POPUP_WIDTH, shape.height.saturating_sub(4).max(3))
}

/// Columns the article text is wrapped to: its pane's inside, less a margin, at most
/// `max_width`; at least 1.
pub fn article_width(shape: &Shape, max_width: usize) -> usize {
    // Wrap for the pane the article has when focused (in the narrow layout the article is
    // only drawn when it has the focus), with an article open.
    let pane = areas(&Shape { focus: Pane::Article, article: true, ..*shape })
        .article
        .map_or(shape.width, |r| r.width);
    usize::from(pane.saturating_sub(4)).clamp(1, max_width.max(1))
}

/// Rows of text the article pane shows (for paging).
pub fn article_height(shape: &Shape) -> usize {
    let shape = Shape { focus: Pane::Article, article: true, ..*shape };
    areas(&shape).article.map_or(1, |r| usize::from(r.height.saturating_sub(2)).max(1))
}

/// Rows of articles the list pane shows (for paging and keeping the selection in view).
pub fn list_height(shape: &Shape) -> usize {
    let notice = if shape.notice { usize::from(NOTICE_HEIGHT) } else { 0 };
    areas(&Shape { focus: Pane::List, ..*shape })
        .list
        .map_or(1, |r| usize::from(r.height.saturating_sub(2)).saturating_sub(notice).max(1))
}

/// Rows at the bottom of the focused sidebar that describe the selected feed (its address,
/// counts, last check and last error), when the sidebar is tall enough.
pub const SIDEBAR_DETAIL: u16 = 9;

/// Rows of the sidebar's detail (0 when no feed is selected in the focused sidebar, or it is
/// too short to spare them).
pub fn sidebar_detail(shape: &Shape) -> u16 {
    if !shape.feed_detail {
        return 0;
    }
    let inner = areas(&Shape { focus: Pane::Sidebar, sidebar: true, ..*shape })
        .sidebar
        .map_or(0, |r| r.height.saturating_sub(2));
    if shape.focus == Pane::Sidebar && inner >= 2 * SIDEBAR_DETAIL { SIDEBAR_DETAIL } else { 0 }
}

/// Rows of entries the sidebar shows.
pub fn sidebar_height(shape: &Shape) -> usize {
    let detail = usize::from(sidebar_detail(shape));
    areas(&Shape { focus: Pane::Sidebar, sidebar: true, ..*shape })
        .sidebar
        .map_or(1, |r| usize::from(r.height.saturating_sub(2)).saturating_sub(detail).max(1))
}

/// The first row to draw of a scrolled list `rows` high, from the current one, so that the
/// `selected` row is in view (moving as little as possible).
pub fn scroll_to(selected: usize, offset: usize, rows: usize) -> usize {
    let rows = rows.max(1);
    if selected < offset {
        selected
    } else if selected >= offset + rows {
        selected + 1 - rows
    } else {
        offset
    }
}

fn split_h(r: Rect, left: u16) -> (Rect, Rect) {
    let left = left.min(r.width);
    (Rect { width: left, ..r }, Rect { x: r.x + left, width: r.width - left, ..r })
}

fn split_h_right(r: Rect, right: u16) -> (Rect, Rect) {
    let right = right.min(r.width);
    split_h(r, r.width - right)
}

fn split_v_bottom(r: Rect, bottom: u16) -> (Rect, Rect) {
    let bottom = bottom.min(r.height);
    (Rect { height: r.height - bottom, ..r }, Rect { y: r.y + r.height - bottom, height: bottom, ..r })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_by_width() {
        assert_eq!(mode(200), Mode::Wide);
        assert_eq!(mode(160), Mode::Wide);
        assert_eq!(mode(159), Mode::Medium);
        assert_eq!(mode(100), Mode::Medium);
        assert_eq!(mode(99), Mode::Narrow);
        assert_eq!(mode(1), Mode::Narrow);
    }

    #[test]
    fn every_area_fits_inside_the_screen_at_any_size() {
        for w in 0..=220u16 {
            for h in [0u16, 1, 2, 3, 5, 12, 24, 60] {
                for (sidebar, article, focus) in
                    [(false, false, Pane::List), (true, true, Pane::Article), (true, false, Pane::Sidebar)]
                {
                    let shape = Shape { focus, sidebar, article, ..Shape::new(w, h) };
                    let screen = Rect::new(0, 0, w, h);
                    let a = areas(&shape);
                    for r in [a.sidebar, a.list, a.article, a.related].into_iter().flatten().chain([a.status])
                    {
                        assert!(screen.union(r) == screen || r.area() == 0, "{w}x{h}: {r:?} outside");
                    }
                }
            }
        }
    }

    #[test]
    fn narrow_shows_one_pane() {
        let a = areas(&Shape::new(80, 24));
        assert_eq!(a.list, Some(Rect::new(0, 0, 80, 23)));
        assert!(a.article.is_none() && a.related.is_none() && a.sidebar.is_none());
        assert_eq!(a.status, Rect::new(0, 23, 80, 1));
        assert_eq!(a.pane_at(5, 5), Some(Pane::List));
        assert_eq!(a.pane_at(5, 23), None, "the status line is no pane");
    }

    #[test]
    fn scrolling_keeps_the_selection_in_view() {
        assert_eq!(scroll_to(5, 0, 10), 0);
        assert_eq!(scroll_to(12, 0, 10), 3);
        assert_eq!(scroll_to(2, 3, 10), 2);
        assert_eq!(scroll_to(7, 3, 0), 7, "a window of no rows still shows the selection");
    }

    #[test]
    fn a_notice_takes_rows_from_the_list() {
        let plain = Shape::new(80, 24);
        let notice = Shape { notice: true, ..plain };
        assert_eq!(list_height(&plain), 21);
        assert_eq!(list_height(&notice), 21 - usize::from(NOTICE_HEIGHT));
    }

    #[test]
    fn the_article_is_wrapped_to_its_pane_at_most_max_width() {
        let wide = Shape { article: true, ..Shape::new(200, 60) };
        // 200 columns: read also takes 36, the list 2/5 of the rest (65), the article 99.
        assert_eq!(article_width(&wide, 100), 95);
        assert_eq!(article_width(&wide, 60), 60);
        let narrow = Shape::new(80, 24);
        assert_eq!(article_width(&narrow, 100), 76, "the whole width less borders and margins");
        assert_eq!(article_width(&Shape::new(1, 1), 100), 1);
    }
}
