//! Read and starred marks: shown at once everywhere the article appears (list, article, read
//! also, counts), written to the cache by the worker; marking a whole view read asks first
//! when it reaches beyond the screen, and can be undone.

use std::collections::HashSet;

use super::effect::Effect;
use super::state::{Confirm, Confirmed, Pane, Popup, State, Undo};
use crate::domain::{ArticleFilter, ArticleId, ArticleSummary};
use crate::layout;
use crate::store::Mark;

/// The article the focus is on: the open one, the selected related one, or the selected row.
pub fn focused_article(s: &State) -> Option<ArticleSummary> {
    match s.focus {
        Pane::Article => s.article.as_ref().map(|a| a.summary.clone()),
        Pane::Related => s.related.items.get(s.related.selected).cloned(),
        Pane::List | Pane::Sidebar => s.list.current().cloned(),
    }
}

/// `m`: toggles the focused article between read and unread.
pub fn toggle_read(s: &mut State, fx: &mut Vec<Effect>) {
    if let Some(article) = focused_article(s) {
        set_read(s, article.id, !article.read, fx);
    }
}

/// `s`: stars or unstars the focused article.
pub fn toggle_star(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(article) = focused_article(s) else { return };
    let starred = !article.starred;
    for_each_copy(s, article.id, |r| r.starred = starred);
    if starred {
        s.overview.starred += 1;
    } else {
        s.overview.starred = s.overview.starred.saturating_sub(1);
    }
    fx.push(Effect::Mark { ids: vec![article.id], mark: if starred { Mark::Star } else { Mark::Unstar } });
}

/// Marks an article read or unread here (list, article, related, counts) and in the cache;
/// with `story_read`, the other sources of its story the reader knows of too.
pub fn set_read(s: &mut State, id: ArticleId, read: bool, fx: &mut Vec<Effect>) {
    set_one_read(s, id, read, fx);
    if s.settings.story_read {
        for other in story_members(s, id) {
            set_one_read(s, other, read, fx);
        }
    }
}

/// The other sources of an article's story among the list's rows and the open article's
/// "Read also".
pub fn story_members(s: &State, id: ArticleId) -> Vec<ArticleId> {
    let story = s
        .list
        .rows
        .iter()
        .chain(s.related.items.iter())
        .chain(s.article.as_ref().map(|a| &a.summary))
        .find(|r| r.id == id)
        .and_then(|r| r.story);
    let Some(story) = story else { return Vec::new() };
    let mut out: Vec<ArticleId> = Vec::new();
    for r in s.list.rows.iter().chain(s.related.items.iter()) {
        if r.story == Some(story) && r.id != id && !out.contains(&r.id) {
            out.push(r.id);
        }
    }
    out
}

/// Marks one article read or unread here and in the cache.
pub(super) fn set_one_read(s: &mut State, id: ArticleId, read: bool, fx: &mut Vec<Effect>) {
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
        if let Some(loaded) = &mut a.article {
            f(&mut loaded.0.summary);
        }
    }
}

/// `A`: marks every article of the view read. When that reaches beyond what the list shows,
/// a question comes first.
pub fn mark_view_read(s: &mut State, fx: &mut Vec<Effect>) {
    if s.view.kind == super::state::ViewKind::TopStories {
        // Its rows are stories, not a filter over the cache.
        super::top::mark_read(s, fx);
        return;
    }
    let unread = s.list.unread;
    let title = s.view.title();
    if unread == 0 {
        s.info(format!("Nothing unread in “{title}”"));
        return;
    }
    let filter = super::list::view_filter(s);
    if unread > layout::list_height(&s.shape()) as u64 {
        let question =
            format!("Mark {unread} unread article{} in “{title}” read?", if unread == 1 { "" } else { "s" });
        s.popup =
            Some(Popup::Confirm(Confirm { question, on_yes: Confirmed::MarkViewRead { filter, title } }));
    } else {
        confirmed_mark_view_read(s, filter, &title, fx);
    }
}

/// Marks a view read (asked and answered yes, or small enough not to ask).
pub fn confirmed_mark_view_read(s: &mut State, filter: ArticleFilter, title: &str, fx: &mut Vec<Effect>) {
    if filter == super::list::view_filter(s) {
        for r in &mut s.list.rows {
            r.read = true;
        }
        s.list.unread = 0;
    }
    s.info(format!("Marking “{title}” read…"));
    fx.push(Effect::MarkAllRead { filter });
}

/// The cache marked these articles read for a mark-all: they can be marked unread again.
pub fn marked_read(s: &mut State, ids: Vec<ArticleId>) {
    let n = ids.len();
    s.info(format!("Marked {n} article{} read — U undoes", if n == 1 { "" } else { "s" }));
    s.undo = Some(Undo::MarkRead { ids });
}

/// Marks unread again what a mark-all marked read (the list and counts reload afterwards).
pub fn undo_mark_read(s: &mut State, ids: Vec<ArticleId>, fx: &mut Vec<Effect>) {
    let set: HashSet<ArticleId> = ids.iter().copied().collect();
    for r in s.list.rows.iter_mut().filter(|r| set.contains(&r.id)) {
        r.read = false;
    }
    let n = ids.len();
    s.info(format!("{n} article{} unread again", if n == 1 { " is" } else { "s are" }));
    fx.push(Effect::Mark { ids, mark: Mark::Unread });
    fx.push(Effect::LoadSidebar);
}
