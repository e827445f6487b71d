//! Where each pane goes, as pure arithmetic on the terminal size and the state. `update`
//! uses it (to wrap the article to its pane, to cycle focus), and so does drawing.

use ratatui::layout::Rect;

use crate::app::state::{Pane, State};

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

/// Columns of the sidebar when it is shown beside the list.
pub const SIDEBAR_WIDTH: u16 = 26;
/// Columns of the read-also pane in the wide layout.
pub const RELATED_WIDTH: u16 = 36;
/// Rows of the read-also pane under the article in the medium layout.
pub const RELATED_HEIGHT: u16 = 9;

/// The layout for a terminal `width` columns wide.
pub fn mode(width: u16) -> Mode {
    match width {
        160.. => Mode::Wide,
        100..=159 => Mode::Medium,
        _ => Mode::Narrow,
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

/// What of the state decides the layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// The focused pane.
    pub focus: Pane,
    /// The sidebar is shown.
    pub sidebar: bool,
    /// An article is open.
    pub article: bool,
}

impl Shape {
    /// The shape of `state`.
    pub fn of(state: &State) -> Self {
        Self { focus: state.focus, sidebar: state.sidebar.visible, article: state.article.is_some() }
    }
}

/// Lays out the panes for `state` in `area`.
pub fn areas(area: Rect, state: &State) -> Areas {
    areas_for(area, Shape::of(state))
}

/// Lays out the panes for a shape in `area`.
pub fn areas_for(area: Rect, shape: Shape) -> Areas {
    let status_height = u16::from(area.height >= 2);
    let body = Rect { height: area.height - status_height, ..area };
    let status = Rect { y: area.y + body.height, height: status_height, ..area };
    let mut out = Areas { status, ..Areas::default() };
    if body.width == 0 || body.height == 0 {
        return out;
    }
    match mode(area.width) {
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
            if mode(area.width) == Mode::Wide {
                let (left, related) = split_h_right(rest, RELATED_WIDTH);
                out.related = Some(related);
                rest = left;
            }
            let list_width = (u32::from(rest.width) * 2 / 5).max(30).min(u32::from(rest.width)) as u16;
            let (list, article) = split_h(rest, list_width);
            out.list = Some(list);
            if mode(area.width) == Mode::Medium && shape.article {
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
pub fn cycle(state: &State) -> Vec<Pane> {
    let mut panes = Vec::with_capacity(4);
    if state.sidebar.visible {
        panes.push(Pane::Sidebar);
    }
    panes.push(Pane::List);
    if state.article.is_some() {
        panes.push(Pane::Article);
        panes.push(Pane::Related);
    }
    panes
}

/// Columns the article text is wrapped to: its pane's inside, less a margin, at most
/// `max_width`; at least 1.
pub fn article_width(state: &State) -> usize {
    // Wrap for the pane the article has when focused (in the narrow layout the article is
    // only drawn when it has the focus), with an article open.
    let shape = Shape { focus: Pane::Article, article: true, ..Shape::of(state) };
    let pane = screen_areas(state, shape).article.map_or(state.size.0, |r| r.width);
    usize::from(pane.saturating_sub(4)).clamp(1, state.settings.max_width.max(1))
}

/// Rows of text the article pane shows (for paging).
pub fn article_height(state: &State) -> usize {
    let shape = Shape { focus: Pane::Article, article: true, ..Shape::of(state) };
    screen_areas(state, shape).article.map_or(1, |r| usize::from(r.height.saturating_sub(2)).max(1))
}

/// Rows of the list pane (for paging).
pub fn list_height(state: &State) -> usize {
    let shape = Shape { focus: Pane::List, ..Shape::of(state) };
    screen_areas(state, shape).list.map_or(1, |r| usize::from(r.height.saturating_sub(2)).max(1))
}

fn screen_areas(state: &State, shape: Shape) -> Areas {
    areas_for(Rect::new(0, 0, state.size.0, state.size.1), shape)
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
    use crate::app::state::Settings;

    fn state(w: u16, h: u16) -> State {
        State::new(Settings::default(), (w, h), chrono::Utc::now(), chrono::FixedOffset::east_opt(0).unwrap())
    }

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
                let s = state(w, h);
                let screen = Rect::new(0, 0, w, h);
                let a = areas(screen, &s);
                for r in [a.sidebar, a.list, a.article, a.related].into_iter().flatten().chain([a.status]) {
                    assert!(screen.union(r) == screen || r.area() == 0, "{w}x{h}: {r:?} outside");
                }
            }
        }
    }

    #[test]
    fn narrow_shows_one_pane() {
        let s = state(80, 24);
        let a = areas(Rect::new(0, 0, 80, 24), &s);
        assert_eq!(a.list, Some(Rect::new(0, 0, 80, 23)));
        assert!(a.article.is_none() && a.related.is_none() && a.sidebar.is_none());
        assert_eq!(a.status, Rect::new(0, 23, 80, 1));
    }
}
