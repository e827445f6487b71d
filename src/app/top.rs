//! "Top stories": the day's stories ranked by how many feeds cover them, shown in the list
//! (each row is a story's newest article; Enter opens it with the story's other sources in
//! "read also"), and marking them read.

use std::collections::HashSet;

use super::effect::Effect;
use super::list;
use super::msg::PageKind;
use super::state::{Confirm, Confirmed, Popup, State, TopRow, TopState, Undo, View, ViewKind};
use crate::domain::{ArticleId, TopStories};
use crate::layout;
use crate::store::Mark;

/// `T`: the list shows "Top stories" (again from the store when it does already).
pub fn show(s: &mut State, fx: &mut Vec<Effect>) {
    let view = View { kind: ViewKind::TopStories, unread_only: s.view.unread_only };
    list::switch_view(s, view, fx);
    list::focus(s);
}

/// The stories arrived: the rows are their newest articles. Returns whether they were used
/// (not when the user has moved on since they were asked for).
pub fn loaded(s: &mut State, req: u64, kind: PageKind, top: TopStories, fx: &mut Vec<Effect>) -> bool {
    if s.list.loading != Some(req) || s.view.kind != ViewKind::TopStories {
        return false;
    }
    let rows: Vec<_> = top.stories.iter().map(|t| t.article.clone()).collect();
    let unread = rows.iter().filter(|r| !r.read).count() as u64;
    let counts = (rows.len() as u64, unread);
    s.top = TopState {
        rows: top
            .stories
            .into_iter()
            .map(|t| (t.article.id, TopRow { feeds: t.feeds, unread: t.unread }))
            .collect(),
        until: Some(top.until),
        earlier: top.earlier,
    };
    list::page_loaded(s, req, kind, rows, false, counts, fx)
}

/// The search index has taken in every article: stories form as it does, so "Top stories",
/// when shown, is read again (keeping the selected story).
pub fn index_caught_up(s: &mut State, fx: &mut Vec<Effect>) {
    if s.view.kind == ViewKind::TopStories {
        list::show_new_articles(s, fx);
    }
}

/// `A` in "Top stories": every article of the listed stories is marked read (asking first when
/// they are more than a screen of stories); `U` undoes.
pub fn mark_read(s: &mut State, fx: &mut Vec<Effect>) {
    let mut ids: Vec<ArticleId> = Vec::new();
    for row in &s.list.rows {
        let members = s.top.rows.get(&row.id).map_or(&[][..], |t| t.unread.as_slice());
        // The row's own mark is the live one (read here since the stories were loaded).
        let own = (!row.read).then_some(row.id);
        for id in own.into_iter().chain(members.iter().copied().filter(|&m| m != row.id)) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    if ids.is_empty() {
        s.info("Nothing unread in Top stories");
        return;
    }
    let stories = s.list.rows.len();
    if stories > layout::list_height(&s.shape()) {
        let question = format!("Mark the {stories} top stories read ({} unread articles)?", ids.len());
        s.popup = Some(Popup::Confirm(Confirm { question, on_yes: Confirmed::MarkStoriesRead { ids } }));
    } else {
        confirmed_mark_read(s, ids, fx);
    }
}

/// Marks these articles of the listed stories read (asked and answered yes, or few enough).
pub fn confirmed_mark_read(s: &mut State, ids: Vec<ArticleId>, fx: &mut Vec<Effect>) {
    let set: HashSet<ArticleId> = ids.iter().copied().collect();
    for r in s.list.rows.iter_mut().chain(s.related.items.iter_mut()).filter(|r| set.contains(&r.id)) {
        r.read = true;
    }
    for row in s.top.rows.values_mut() {
        row.unread.retain(|id| !set.contains(id));
    }
    s.list.unread = 0;
    let n = ids.len();
    s.info(format!("Marked {n} article{} of the top stories read — U undoes", if n == 1 { "" } else { "s" }));
    s.undo = Some(Undo::MarkRead { ids: ids.clone() });
    fx.push(Effect::Mark { ids, mark: Mark::Read });
    fx.push(Effect::LoadSidebar);
}
