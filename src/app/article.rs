//! The article pane and "read also": showing an article (opened by the user, or following the
//! list's selection in the side-by-side layouts), its text arriving, wrapping it to the pane
//! (the body was parsed once by the worker; only wrapping happens here, once per width), and
//! scrolling.

use super::effect::Effect;
use super::marks;
use super::state::{ArticleState, Pane, RelatedState, State, ViewKind};
use crate::domain::{Article, ArticleSummary};
use crate::layout;
use crate::text::article::Prepared;

impl RelatedState {
    /// Moves the selection by `delta` items, within the list.
    pub fn step(&mut self, delta: isize) {
        self.selected = self.selected.saturating_add_signed(delta).min(self.items.len().saturating_sub(1));
    }
}

/// The user opens an article: it takes the focus, its text and related articles are loaded
/// (unless it is shown already), and it is marked read if so set.
pub fn open(s: &mut State, summary: ArticleSummary, fx: &mut Vec<Effect>) {
    let id = summary.id;
    let unread = !summary.read;
    if s.article.as_ref().is_none_or(|a| a.id != id) {
        show(s, summary, fx);
    }
    if let Some(a) = &mut s.article {
        a.opened = true;
    }
    s.focus = Pane::Article;
    s.list.select(id);
    if unread && s.settings.mark_read_on_open {
        marks::set_read(s, id, true, fx);
    }
}

/// In the side-by-side layouts the article pane shows the selected article, as a news page
/// shows the story pointed at; it is not marked read (unless `mark_read_on_preview`).
pub fn follow_selection(s: &mut State, fx: &mut Vec<Effect>) {
    if !s.settings.preview || !s.shape().mode().side_by_side() || s.focus != Pane::List {
        return;
    }
    let Some(row) = s.list.current().cloned() else { return };
    if s.article.as_ref().is_some_and(|a| a.id == row.id) {
        return;
    }
    let (id, unread) = (row.id, !row.read);
    show(s, row, fx);
    if unread && s.settings.mark_read_on_preview {
        marks::set_read(s, id, true, fx);
    }
}

/// The search index has taken in every article: "read also" for the article shown was ranked
/// on part of the cache (perhaps without the article itself), so it is ranked again.
pub fn index_caught_up(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(id) = s.article.as_ref().map(|a| a.id) else { return };
    s.related_req = s.next_req();
    fx.push(Effect::LoadRelated { req: s.related_req, id });
}

/// Shows an article: asks for its text and related articles (the latest request wins).
fn show(s: &mut State, summary: ArticleSummary, fx: &mut Vec<Effect>) {
    let id = summary.id;
    s.article_req = s.next_req();
    s.related_req = s.next_req();
    fx.push(Effect::LoadArticle { req: s.article_req, id });
    fx.push(Effect::LoadRelated { req: s.related_req, id });
    s.article = Some(ArticleState {
        id,
        summary,
        article: None,
        lines: Vec::new(),
        lines_width: 0,
        scroll: 0,
        opened: false,
        highlight: crate::index::highlight::Highlighter::default(),
        feed_text: false,
    });
    s.related = RelatedState { loading: true, ..RelatedState::default() };
    s.link_digits.clear();
}

/// The text of an article arrived; it is used if it answers the latest request. Returns
/// whether it was.
pub fn loaded(s: &mut State, req: u64, article: Box<(Article, Prepared)>) -> bool {
    if req != s.article_req {
        return false;
    }
    // The search's words are marked in the text, in the article's own language's forms.
    let highlight = match &s.view.kind {
        ViewKind::Search(query) => {
            let text =
                format!("{}. {}", article.0.summary.title, crate::index::index_text(article.0.body_html()));
            let lang = crate::index::analyze::detect(&text, crate::index::Lang::from_code("en"));
            crate::index::highlight::Highlighter::new(query, lang)
        }
        _ => crate::index::highlight::Highlighter::default(),
    };
    let Some(open) = &mut s.article else { return false };
    if open.id != article.0.summary.id {
        return false;
    }
    open.highlight = highlight;
    // The list's copy knows the latest read and star marks; the loaded one may be older.
    let summary = open.summary.clone();
    let mut article = article;
    article.0.summary = summary;
    open.article = Some(article);
    open.lines_width = 0;
    reflow(s);
    true
}

/// The related articles arrived; used if they answer the latest request.
pub fn related_loaded(
    s: &mut State,
    req: u64,
    items: Vec<ArticleSummary>,
    story: Vec<ArticleSummary>,
    fx: &mut Vec<Effect>,
) -> bool {
    if req != s.related_req {
        return false;
    }
    let same_story = story.len();
    let mut all = story;
    all.extend(items);
    s.related = RelatedState { items: all, same_story, selected: 0, loading: false };
    // An opened article was marked read before its story was known: its other sources follow.
    let opened_read = s.article.as_ref().is_some_and(|a| a.opened && a.summary.read);
    if opened_read && s.settings.story_read && s.settings.mark_read_on_open {
        let unread: Vec<crate::domain::ArticleId> =
            s.related.items[..same_story].iter().filter(|r| !r.read).map(|r| r.id).collect();
        // One by one: these are the story's sources already, no need to look for theirs.
        for other in unread {
            marks::set_one_read(s, other, true, fx);
        }
    }
    true
}

/// Wraps the article to its pane's width (once per width), keeping the scroll in range.
pub fn reflow(s: &mut State) {
    let width = layout::article_width(&s.shape(), s.settings.max_width);
    let tz = s.tz;
    if let Some(open) = &mut s.article
        && let Some(loaded) = &open.article
        && open.lines_width != width
    {
        open.lines = crate::text::article::layout(&loaded.0, &loaded.1, width, &tz);
        open.lines_width = width;
    }
    let max = max_scroll(s);
    if let Some(open) = &mut s.article {
        open.scroll = open.scroll.min(max);
    }
}

/// The furthest the article can scroll.
pub fn max_scroll(s: &State) -> usize {
    s.article.as_ref().map_or(0, |a| a.lines.len().saturating_sub(layout::article_height(&s.shape())))
}

/// Scrolls the article by `delta` lines.
pub fn scroll(s: &mut State, delta: isize) {
    let max = max_scroll(s);
    if let Some(a) = &mut s.article {
        a.scroll = a.scroll.saturating_add_signed(delta).min(max);
    }
}

/// The top or the end of the article.
pub fn to_end(s: &mut State, last: bool) {
    let max = max_scroll(s);
    if let Some(a) = &mut s.article {
        a.scroll = if last { max } else { 0 };
    }
}

/// Rows a page of the article scrolls.
pub fn page(s: &State) -> usize {
    layout::article_height(&s.shape()).saturating_sub(1).max(1)
}

/// Space in the article: an article only shown beside the list is opened first (reading on is
/// opening it: it takes the focus and is marked read); an open one pages down. False when there
/// is nothing further to read in it.
pub fn read_on(s: &mut State, fx: &mut Vec<Effect>) -> bool {
    let Some(a) = &s.article else { return false };
    if !a.opened {
        let summary = a.summary.clone();
        open(s, summary, fx);
        return true;
    }
    let max = max_scroll(s);
    if a.article.is_none() || a.scroll >= max {
        return false;
    }
    let page = page(s);
    scroll(s, page as isize);
    s.focus = Pane::Article;
    true
}

/// The link typed as digits, if the article has it; `Err` with the digits when it does not.
pub fn typed_link(s: &mut State) -> Option<Result<String, String>> {
    let digits = std::mem::take(&mut s.link_digits);
    if digits.is_empty() {
        return None;
    }
    let link = digits
        .parse::<usize>()
        .ok()
        .and_then(|n| s.article.as_ref().and_then(|a| a.links().get(n.wrapping_sub(1))).cloned());
    Some(link.ok_or(digits))
}
