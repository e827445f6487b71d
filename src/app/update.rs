//! `update`: the one function that changes the reader's state. Pure: it takes a message,
//! changes the state and returns the effects to run; no terminal, no database, no network.
//! It routes each message to the module of the state it concerns; actions go to the open
//! popup (the modal layer) or, with none open, to the focused pane.

use super::action::Action;
use super::article;
use super::browser;
use super::effect::Effect;
use super::feeds;
use super::full_text;
use super::list;
use super::marks;
use super::modal;
use super::mouse;
use super::msg::{Msg, PageKind, Task};
use super::prompt;
use super::sidebar;
use super::state::{Pane, PromptKind, RefreshRequest, State, Undo, View, ViewKind};
use super::top;
use crate::layout;

/// Applies `msg` to `state`; returns what should happen outside. Sets `state.dirty` when
/// something shown changed.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    if handle(state, msg, &mut fx) {
        state.dirty = true;
    }
    fx
}

/// The effects that load the first screen: the list, the sidebar and counts.
pub fn start(state: &mut State) -> Vec<Effect> {
    let mut fx = vec![Effect::LoadSidebar];
    list::reload(state, &mut fx);
    fx
}

/// Handles one message; returns whether anything shown changed.
fn handle(s: &mut State, msg: Msg, fx: &mut Vec<Effect>) -> bool {
    match msg {
        Msg::Action(action) => {
            s.messages.key_pressed(s.now);
            if s.popup.is_some() {
                modal::action(s, action, fx);
            } else {
                pane_action(s, action, fx);
            }
            list::keep_visible(s);
            sidebar::keep_visible(s);
        }
        Msg::Digit(d) => {
            s.messages.key_pressed(s.now);
            if s.focus == Pane::Article && s.article.is_some() && s.popup.is_none() {
                if s.link_digits.len() >= 5 {
                    s.link_digits.clear();
                }
                s.link_digits.push(char::from(b'0' + d.min(9)));
            }
        }
        Msg::Text(text) if matches!(s.popup, Some(super::state::Popup::Hints(_))) => {
            s.messages.key_pressed(s.now);
            super::hints::typed(s, &text, fx);
        }
        Msg::Text(text) => prompt::text(s, &text),
        Msg::Resize(w, h) => {
            s.size = (w, h);
            article::reflow(s);
            list::keep_visible(s);
            sidebar::keep_visible(s);
            article::follow_selection(s, fx);
        }
        Msg::Tick(now) => {
            let minute = |t: chrono::DateTime<chrono::Utc>| t.timestamp() / 60;
            let changed = minute(now) != minute(s.now);
            s.now = now;
            return feeds::periodic(s, fx) || changed;
        }
        Msg::Scroll { x, y, down } => mouse::scroll_at(s, x, y, down, fx),
        Msg::Click { x, y } => {
            s.messages.key_pressed(s.now);
            mouse::click_at(s, x, y, fx);
        }
        Msg::PageLoaded { req, kind, rows, full, counts, notes } => {
            let replaced = matches!(kind, PageKind::Replace { .. });
            if !list::page_loaded(s, req, kind, rows, full, counts, fx) {
                return false;
            }
            if let ViewKind::Search(words) = &s.view.kind
                && replaced
            {
                let mut text = if s.list.rows.is_empty() {
                    format!("No matches for “{words}”")
                } else {
                    String::new()
                };
                for note in notes {
                    if !text.is_empty() {
                        text.push_str(" — ");
                    }
                    text.push_str(&note);
                }
                if !text.is_empty() {
                    s.info(text);
                }
            }
        }
        Msg::TopStoriesLoaded { req, kind, top: stories } => return top::loaded(s, req, kind, *stories, fx),
        Msg::ArticleLoaded { req, article } => return article::loaded(s, req, article),
        Msg::FullTextFetched { id, title, result } => full_text::fetched(s, id, &title, result),
        Msg::RelatedLoaded { req, items, story } => return article::related_loaded(s, req, items, story, fx),
        Msg::SidebarLoaded(data) => sidebar::loaded(s, *data),
        Msg::RefreshStarted { total } => feeds::started(s, total),
        Msg::FeedRefreshed(result) => feeds::feed_refreshed(s, &result, fx),
        Msg::RefreshFinished(summary) => feeds::finished(s, &summary, fx),
        Msg::SyncProgress(step) => s.status.sync = Some(step),
        Msg::SyncFinished(result) => feeds::synced(s, result, fx),
        Msg::IndexProgress { remaining } => {
            let changed = s.status.indexing != remaining;
            // The indexer says 0 after a batch that made articles searchable: "read also"
            // may find them now.
            if remaining == 0 {
                article::index_caught_up(s, fx);
                top::index_caught_up(s, fx);
            }
            s.status.indexing = remaining;
            return changed;
        }
        Msg::Subscribed(results) => feeds::subscribed(s, &results, fx),
        Msg::Imported { path, added, present, rejected } => {
            feeds::imported(s, &path, (added, present), &rejected, fx);
        }
        Msg::MarkedRead(ids) => {
            marks::marked_read(s, ids);
            fx.push(Effect::LoadSidebar);
        }
        Msg::Unsubscribed { id, title, synced, starred } => {
            feeds::unsubscribed(s, id, title, synced, starred, fx);
        }
        Msg::Restored { id, title } => feeds::restored(s, id, &title, fx),
        Msg::SearchForgotten { query, saved, sidebar: data } => {
            sidebar::loaded(s, *data);
            if let Some(saved) = saved {
                s.undo = Some(Undo::ForgetSearch { query, saved });
            }
        }
        Msg::SyncRemovalsHeld { host, held, synced } => feeds::removals_held(s, &host, held, synced),
        Msg::Failed { task, error } => {
            s.error(format!("{} failed: {error}", task.doing()));
            if task == Task::LoadList {
                s.list.loading = None;
            }
        }
        Msg::WorkerStopped { thread, reason } => {
            let lost = match thread.as_str() {
                "tidings-db" => "the list and articles no longer load",
                "tidings-net" => "refreshing, subscribing and fetching full text no longer work",
                "tidings-index" => "search and read also no longer take in new articles",
                "tidings-related" => "read also no longer loads",
                _ => "some work no longer happens",
            };
            s.error(format!(
                "Internal error: {thread} stopped ({reason}); {lost}. Restart tidings (the log has details)"
            ));
            if thread == "tidings-net" {
                s.refreshing = false;
                s.status.refresh = None;
                s.status.full_text.clear();
            }
        }
        Msg::Warning(text) => s.warn(text),
        Msg::Ready => {
            if s.settings.refresh_on_start && (!s.overview.feeds.is_empty() || s.settings.sync) {
                feeds::refresh(s, RefreshRequest::All, fx);
            }
        }
        Msg::Quit => s.quit = true,
    }
    true
}

/// An action with no popup open: what it does in the focused pane.
fn pane_action(s: &mut State, a: Action, fx: &mut Vec<Effect>) {
    // Typed digits are a link number for Enter, an enclosure number for `p`.
    let digits = std::mem::take(&mut s.link_digits);
    if matches!(a, Action::Open | Action::PlayEnclosure) {
        s.link_digits = digits;
    }
    match a {
        Action::Down => step(s, 1, fx),
        Action::Up => step(s, -1, fx),
        Action::HalfPageDown => step(s, page(s) as isize / 2, fx),
        Action::HalfPageUp => step(s, -(page(s) as isize) / 2, fx),
        Action::PageDown => step(s, page(s) as isize, fx),
        Action::PageUp => step(s, -(page(s) as isize), fx),
        Action::First | Action::Last => to_end(s, a == Action::Last, fx),
        Action::NextPane => cycle_focus(s, 1),
        Action::PrevPane => cycle_focus(s, -1),
        Action::PaneLeft => pane_left(s),
        Action::PaneRight => pane_right(s, fx),
        Action::Open => open(s, fx),
        Action::ReadOn => {
            if s.article.is_none() {
                list::open_selected(s, fx);
            } else if !article::read_on(s, fx) {
                list::seek_unread(s, true, fx);
            }
        }
        Action::NextUnread => list::seek_unread(s, true, fx),
        Action::PrevUnread => list::seek_unread(s, false, fx),
        Action::OpenInBrowser => match focused_link(s) {
            Some(url) => open_url(s, &url, fx),
            None => s.info("This article has no link"),
        },
        Action::CopyLink => match focused_link(s) {
            Some(url) => copy(s, url, fx),
            None => s.info("This article has no link"),
        },
        Action::FullText => full_text::toggle(s, fx),
        Action::LinkHints => super::hints::open(s),
        Action::PlayEnclosure => play_enclosure(s, fx),
        Action::ToggleRead => marks::toggle_read(s, fx),
        Action::ToggleStar => marks::toggle_star(s, fx),
        Action::MarkViewRead => marks::mark_view_read(s, fx),
        Action::Undo => undo(s, fx),
        Action::RefreshFeed => feeds::refresh_focused(s, fx),
        Action::RefreshAll => feeds::refresh(s, RefreshRequest::All, fx),
        Action::Search => prompt::open(s, PromptKind::Search),
        Action::AddFeed => prompt::open(s, PromptKind::AddFeed),
        Action::Import => prompt::open(s, PromptKind::Import),
        Action::StarterFeeds => feeds::starter(s, fx),
        Action::Unsubscribe => unsubscribe(s, fx),
        Action::ToggleStories => list::toggle_stories(s, fx),
        Action::TopStories => top::show(s, fx),
        Action::SaveSearch => sidebar::save_search(s, fx),
        Action::ToggleUnreadOnly => {
            let view = View { kind: s.view.kind.clone(), unread_only: !s.view.unread_only };
            list::switch_view(s, view, fx);
        }
        Action::ToggleSidebar => {
            sidebar::toggle(s, fx);
            article::reflow(s);
        }
        Action::Help => modal::open_help(s),
        Action::Messages => modal::open_messages(s),
        Action::Back => back(s, fx),
        // Esc with no popup open leaves a pane for the list (never quits).
        Action::Cancel | Action::ToList => s.focus = Pane::List,
        Action::Quit => s.quit = true,
        // Prompt and question actions mean nothing here (the keymap does not bind them here).
        Action::Submit
        | Action::DeleteBack
        | Action::DeleteForward
        | Action::DeleteWordBack
        | Action::DeleteToStart
        | Action::DeleteToEnd
        | Action::CursorLeft
        | Action::CursorRight
        | Action::WordLeft
        | Action::WordRight
        | Action::LineStart
        | Action::LineEnd
        | Action::HistoryPrev
        | Action::HistoryNext
        | Action::NextField
        | Action::PrevField
        | Action::Yes => {}
    }
}

/// Rows a page moves in the focused pane.
fn page(s: &State) -> usize {
    match s.focus {
        Pane::Article => article::page(s),
        _ => layout::list_height(&s.shape()).max(1),
    }
}

/// Moves the focused pane's selection (or the article) by `delta` lines.
fn step(s: &mut State, delta: isize, fx: &mut Vec<Effect>) {
    match s.focus {
        Pane::List => list::step(s, delta, fx),
        Pane::Article => article::scroll(s, delta),
        Pane::Related => s.related.step(delta),
        Pane::Sidebar => s.sidebar.step(delta),
    }
}

fn to_end(s: &mut State, last: bool, fx: &mut Vec<Effect>) {
    match s.focus {
        Pane::List => list::to_end(s, last, fx),
        Pane::Article => article::to_end(s, last),
        Pane::Related => s.related.selected = if last { s.related.items.len().saturating_sub(1) } else { 0 },
        Pane::Sidebar => s.sidebar.step(if last { isize::MAX / 2 } else { -(isize::MAX / 2) }),
    }
}

fn cycle_focus(s: &mut State, dir: isize) {
    let panes = layout::cycle(&s.shape());
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

/// Right from the list reads the article (opening the one shown beside it).
fn pane_right(s: &mut State, fx: &mut Vec<Effect>) {
    match s.focus {
        Pane::Sidebar => s.focus = Pane::List,
        Pane::List => match s.article.as_ref().map(|a| (a.opened, a.summary.clone())) {
            Some((true, _)) => s.focus = Pane::Article,
            Some((false, summary)) => article::open(s, summary, fx),
            None => list::open_selected(s, fx),
        },
        Pane::Article => s.focus = Pane::Related,
        Pane::Related => {}
    }
}

/// Enter: open the selected article, view or related article; in the article, the link whose
/// number was typed.
fn open(s: &mut State, fx: &mut Vec<Effect>) {
    match s.focus {
        Pane::List => list::open_selected(s, fx),
        Pane::Article => match article::typed_link(s) {
            Some(Ok(url)) => open_url(s, &url, fx),
            Some(Err(digits)) => s.info(format!("No link [{digits}] in this article")),
            None => {}
        },
        Pane::Related => {
            if let Some(item) = s.related.items.get(s.related.selected).cloned() {
                article::open(s, item, fx);
            }
        }
        Pane::Sidebar => sidebar::open_selected(s, fx),
    }
}

/// Copies `text`: OSC 52 to the terminal always, and to the local clipboard command when the
/// session has one (outside SSH). The status line says which.
pub(super) fn copy(s: &mut State, text: String, fx: &mut Vec<Effect>) {
    match s.settings.copy_command.clone() {
        Some(argv) => {
            s.info(format!("Copied {text} (OSC 52 and {})", argv[0]));
            fx.push(Effect::CopyWithCommand { argv, text: text.clone() });
        }
        None => s.info(format!("Copied {text} (OSC 52; in tmux this needs set-clipboard on)")),
    }
    fx.push(Effect::CopyToClipboard { text });
}

/// `p`: plays the enclosure whose number was typed before it, else the first.
fn play_enclosure(s: &mut State, fx: &mut Vec<Effect>) {
    let digits = std::mem::take(&mut s.link_digits);
    let Some(open) = &s.article else {
        s.info("No article is shown: open one to play its enclosure");
        return;
    };
    let Some(loaded) = &open.article else {
        s.info("The article is still loading");
        return;
    };
    let urls: Vec<String> = crate::text::article::attachments(&loaded.0).map(|e| e.url.clone()).collect();
    let n = if digits.is_empty() { 1 } else { digits.parse::<usize>().unwrap_or(0) };
    match urls.get(n.wrapping_sub(1)) {
        Some(url) => {
            let url = url.clone();
            play_url(s, &url, fx);
        }
        None if urls.is_empty() => s.info("This article has no enclosure to play"),
        None => s.info(format!("No enclosure {digits}: this article has {}", urls.len())),
    }
}

/// Hands an enclosure to the configured player.
pub(super) fn play_url(s: &mut State, url: &str, fx: &mut Vec<Effect>) {
    match browser::player_command(s.settings.player.as_deref(), url) {
        Ok(argv) => {
            let in_terminal = s.settings.player_in_terminal;
            s.info(format!("Playing {url} with {}", argv[0]));
            fx.push(Effect::Play { argv, in_terminal });
        }
        Err(e) => s.error(e.to_string()),
    }
}

/// Hands a link to the browser: in the terminal for terminal browsers, left to run otherwise.
pub(super) fn open_url(s: &mut State, url: &str, fx: &mut Vec<Effect>) {
    match browser::command(s.settings.browser.as_deref(), s.settings.browser_env.as_deref(), url) {
        Ok(argv) => {
            let in_terminal = browser::runs_in_terminal(&argv[0], s.settings.browser_in_terminal);
            if !in_terminal {
                s.info(format!("Opening {url} in {}", argv[0]));
            }
            fx.push(Effect::OpenBrowser { argv, in_terminal });
        }
        Err(e) => s.error(e.to_string()),
    }
}

/// The link of the article the focus is on.
fn focused_link(s: &State) -> Option<String> {
    marks::focused_article(s).or_else(|| s.article.as_ref().map(|a| a.summary.clone())).and_then(|a| a.link)
}

/// `q`: back one level (a popup is handled by the modal layer); quits from the list of all
/// articles.
fn back(s: &mut State, fx: &mut Vec<Effect>) {
    match s.focus {
        Pane::Article | Pane::Related | Pane::Sidebar => s.focus = Pane::List,
        Pane::List if s.view != View::ALL => list::switch_view(s, View::ALL, fx),
        Pane::List => s.quit = true,
    }
}

/// `d`: the feed selected in the sidebar, or the feed the list shows.
fn unsubscribe(s: &mut State, fx: &mut Vec<Effect>) {
    if sidebar::forget_search(s, fx) {
        return;
    }
    let feed = if s.focus == Pane::Sidebar {
        s.sidebar_feed().map(|f| f.id)
    } else {
        match &s.view.kind {
            ViewKind::Feed { id, .. } => Some(*id),
            _ => None,
        }
    };
    match feed {
        Some(id) => sidebar::ask_unsubscribe(s, id),
        None => s.info("Select a feed in the sidebar (b) to unsubscribe from it"),
    }
}

/// `U`: undoes the last mark-all, unsubscription or removal of a saved search.
fn undo(s: &mut State, fx: &mut Vec<Effect>) {
    match s.undo.take() {
        Some(Undo::MarkRead { ids }) => {
            marks::undo_mark_read(s, ids, fx);
            list::reload(s, fx);
        }
        Some(Undo::Unsubscribe { id, title }) => feeds::restore(s, id, &title, fx),
        Some(Undo::ForgetSearch { query, saved }) => {
            s.info(format!("The search “{query}” is back in the sidebar"));
            fx.push(Effect::SaveSearch { query, at: Some(saved) });
        }
        None => s.info("Nothing to undo"),
    }
}
