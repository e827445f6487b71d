//! The sidebar: views, tags and feeds with unread counts (built from what the worker loads),
//! moving over them, switching the list to one, and asking before unsubscribing a feed.

use super::effect::Effect;
use super::list;
use super::msg::SidebarData;
use super::state::{Confirm, Confirmed, Pane, Popup, SidebarEntry, SidebarState, State, View, ViewKind};
use crate::domain::FeedId;
use crate::layout;

impl SidebarState {
    /// Moves the selection `delta` views (headings are skipped), stopping at the ends.
    pub fn step(&mut self, delta: isize) {
        let mut at = self.selected;
        let dir = delta.signum();
        for _ in 0..delta.unsigned_abs().min(self.entries.len()) {
            // The next view line in that direction, skipping headings; none means the end.
            let mut next = at;
            let found = loop {
                match next.checked_add_signed(dir) {
                    Some(n) if n < self.entries.len() => next = n,
                    _ => break None,
                }
                if matches!(self.entries[next], SidebarEntry::View { .. }) {
                    break Some(next);
                }
            };
            match found {
                Some(n) => at = n,
                None => break,
            }
        }
        self.selected = at;
    }

    /// Keeps the selection inside a window of `rows` rows.
    pub fn keep_visible(&mut self, rows: usize) {
        self.offset = layout::scroll_to(self.selected, self.offset, rows);
    }
}

/// Builds the sidebar from freshly loaded data, keeping the selected view selected.
pub fn loaded(s: &mut State, mut data: SidebarData) {
    // Configured titles and tags are shown, not stored (see config::apply_to_feeds).
    crate::config::apply_to_feeds(&s.settings.feed_settings, &mut data.feeds);
    let selected_kind = match s.sidebar.entries.get(s.sidebar.selected) {
        Some(SidebarEntry::View { kind, .. }) => Some(kind.clone()),
        _ => None,
    };
    let view = |kind: ViewKind, label: &str, unread: u64| SidebarEntry::View {
        kind,
        label: label.to_string(),
        unread,
        failed: false,
    };
    let mut entries = vec![
        SidebarEntry::Heading("Views"),
        view(ViewKind::All, "All articles", data.unread),
        view(ViewKind::TopStories, "Top stories", 0),
        view(ViewKind::Unread, "Unread", data.unread),
        view(ViewKind::Starred, "Starred", data.starred),
    ];
    if !data.searches.is_empty() {
        entries.push(SidebarEntry::Heading("Searches"));
        for (saved, unread) in &data.searches {
            entries.push(view(ViewKind::Search(saved.query.clone()), &saved.name, *unread));
        }
    }
    if !data.tags.is_empty() {
        entries.push(SidebarEntry::Heading("Tags"));
        for (tag, unread) in &data.tags {
            entries.push(view(ViewKind::Tag(tag.clone()), tag, *unread));
        }
    }
    if !data.feeds.is_empty() {
        entries.push(SidebarEntry::Heading("Feeds"));
        for f in &data.feeds {
            entries.push(SidebarEntry::View {
                kind: ViewKind::Feed { id: f.id, title: f.title.clone() },
                label: f.title.clone(),
                unread: f.unread,
                failed: f.last_error.is_some(),
            });
        }
    }
    s.sidebar.selected = selected_kind
        .and_then(|kind| {
            entries.iter().position(|e| matches!(e, SidebarEntry::View { kind: k, .. } if *k == kind))
        })
        .unwrap_or(1)
        .min(entries.len().saturating_sub(1));
    s.sidebar.entries = entries;
    if s.view == View::ALL {
        (s.list.total, s.list.unread) = (data.total, data.unread);
    }
    s.overview = data;
    keep_visible(s);
}

/// Keeps the selection inside the sidebar's drawn rows.
pub fn keep_visible(s: &mut State) {
    let rows = layout::sidebar_height(&s.shape());
    s.sidebar.keep_visible(rows);
}

/// Shows or hides the sidebar (it takes the focus when shown).
pub fn toggle(s: &mut State, fx: &mut Vec<Effect>) {
    s.sidebar.visible = !s.sidebar.visible;
    if s.sidebar.visible {
        s.focus = Pane::Sidebar;
        fx.push(Effect::LoadSidebar);
    } else if s.focus == Pane::Sidebar {
        s.focus = Pane::List;
    }
}

/// Enter on the sidebar: the list shows the selected view, and takes the focus.
pub fn open_selected(s: &mut State, fx: &mut Vec<Effect>) {
    if let Some(SidebarEntry::View { kind, .. }) = s.sidebar.entries.get(s.sidebar.selected) {
        let view = View { kind: kind.clone(), unread_only: s.view.unread_only };
        list::switch_view(s, view, fx);
        s.focus = Pane::List;
    }
}

/// Asks whether to unsubscribe from a feed, saying what goes with it.
pub fn ask_unsubscribe(s: &mut State, id: FeedId) {
    let Some(feed) = s.overview.feeds.iter().find(|f| f.id == id) else { return };
    let (title, total) = (feed.title.clone(), feed.total);
    let question = format!(
        "Unsubscribe from “{title}”? Its {total} cached article{} go with it, but for starred ones (U brings {} back).",
        if total == 1 { "" } else { "s" },
        if total == 1 { "it" } else { "them" }
    );
    s.popup = Some(Popup::Confirm(Confirm { question, on_yes: Confirmed::Unsubscribe { feed: id, title } }));
}

/// `+`: keeps the current search in the sidebar.
pub fn save_search(s: &mut State, fx: &mut Vec<Effect>) {
    let ViewKind::Search(query) = &s.view.kind else {
        s.info("Search first (/), then + keeps that search in the sidebar with its unread count");
        return;
    };
    let query = query.clone();
    let saved = s.overview.searches.iter().any(|(saved, _)| saved.query == query);
    if saved {
        s.info(format!("“{query}” is already in the sidebar (b)"));
        return;
    }
    s.info(format!("Saved “{query}”: it is in the sidebar (b) with its unread count; d there removes it"));
    fx.push(Effect::SaveSearch { query, at: None });
}

/// `d` on a saved search in the sidebar: removes it (saving it again is `+` on its results).
/// Returns whether the selection was a saved search.
pub fn forget_search(s: &mut State, fx: &mut Vec<Effect>) -> bool {
    if s.focus != Pane::Sidebar {
        return false;
    }
    let Some(SidebarEntry::View { kind: ViewKind::Search(query), .. }) =
        s.sidebar.entries.get(s.sidebar.selected)
    else {
        return false;
    };
    let query = query.clone();
    let from_config = s.overview.searches.iter().any(|(saved, _)| saved.query == query && saved.from_config);
    if from_config {
        s.info("This search is set in config.toml ([searches]): remove it there");
    } else {
        s.info(format!("Removed the saved search “{query}” — U brings it back"));
        fx.push(Effect::ForgetSearch { query });
    }
    true
}
