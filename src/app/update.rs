//! `update`: the one function that changes the reader's state. Pure: it takes a message,
//! changes the state and returns the effects to run; no terminal, no database, no network.

use super::effect::Effect;
use super::msg::{Msg, PageKind, SidebarData};
use super::nav;
use super::state::{Pane, Popup, PromptKind, Severity, SidebarEntry, State, View, ViewKind};
use crate::keymap::TextKey;
use crate::refresh::Outcome;

/// Rows asked for per page of the list.
pub const PAGE_SIZE: usize = 200;
/// Rows kept loaded at most; the far end of the window is dropped beyond this.
pub const MAX_ROWS: usize = 15 * PAGE_SIZE;
/// A page is fetched when the selection comes this close to the end of what is loaded.
pub const PRELOAD_MARGIN: usize = 50;

/// Applies `msg` to `state`; returns what should happen outside.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    match msg {
        Msg::Action(action) => nav::action(state, action, &mut fx),
        Msg::Digit(d) => {
            if state.focus == Pane::Article && state.article.is_some() && state.popup.is_none() {
                if state.link_digits.len() >= 5 {
                    state.link_digits.clear();
                }
                state.link_digits.push(char::from(b'0' + d.min(9)));
            }
        }
        Msg::Text(key) => prompt_key(state, key, &mut fx),
        Msg::Resize(w, h) => {
            state.size = (w, h);
            nav::reflow(state);
            nav::keep_visible(state);
        }
        Msg::Tick(now) => {
            state.now = now;
            periodic_refresh(state, &mut fx);
        }
        Msg::Scroll { x, y, down } => nav::scroll_at(state, x, y, down, &mut fx),
        Msg::Click { x, y } => nav::click_at(state, x, y, &mut fx),
        Msg::PageLoaded { req, kind, rows, full, counts } => {
            page_loaded(state, req, kind, rows, full, counts, &mut fx);
        }
        Msg::ArticleLoaded { req, article } => {
            if req == state.article_req
                && let Some(open) = &mut state.article
                && open.id == article.summary.id
            {
                open.article = Some(*article);
                open.lines_width = 0;
                nav::reflow(state);
            }
        }
        Msg::RelatedLoaded { req, items } => {
            if req == state.related_req {
                state.related.items = items;
                state.related.selected = 0;
                state.related.loading = false;
            }
        }
        Msg::SidebarLoaded(data) => sidebar_loaded(state, *data),
        Msg::RefreshStarted { total } => {
            state.refreshing = true;
            state.last_refresh = Some(state.now);
            state.status.refresh = Some((0, total));
            state.status.failed = 0;
        }
        Msg::FeedRefreshed(result) => feed_refreshed(state, &result.outcome, &result.url, &mut fx),
        Msg::RefreshFinished(summary) => {
            state.refreshing = false;
            state.status.refresh = None;
            let text = format!(
                "{} feeds, {} new article{}, {} failed",
                summary.feeds,
                summary.new,
                if summary.new == 1 { "" } else { "s" },
                summary.failed
            );
            let severity = if summary.failed > 0 { Severity::Error } else { Severity::Info };
            state.status.message = Some((text, severity));
            fx.push(Effect::LoadSidebar);
            nav::load_newer_if_at_top(state, &mut fx);
        }
        Msg::IndexProgress { remaining } => state.status.indexing = remaining,
        Msg::FeedAdded { message } => {
            state.status.message = Some((message, Severity::Info));
            fx.push(Effect::LoadSidebar);
            nav::reload(state, &mut fx);
        }
        Msg::Notice(text) => state.status.message = Some((text, Severity::Info)),
        Msg::Error(text) => state.status.message = Some((text, Severity::Error)),
        Msg::Quit => state.quit = true,
    }
    fx
}

fn periodic_refresh(state: &mut State, fx: &mut Vec<Effect>) {
    let minutes = i64::from(state.settings.refresh_interval);
    if minutes == 0 || state.refreshing {
        return;
    }
    let due = state.last_refresh.is_none_or(|last| state.now - last >= chrono::Duration::minutes(minutes));
    if due {
        state.last_refresh = Some(state.now);
        fx.push(Effect::Refresh { feeds: None });
    }
}

fn page_loaded(
    state: &mut State,
    req: u64,
    kind: PageKind,
    rows: Vec<crate::domain::ArticleSummary>,
    full: bool,
    counts: (u64, u64),
    fx: &mut Vec<Effect>,
) {
    if state.list.loading != Some(req) {
        return; // an answer to a request the user has moved on from
    }
    let list = &mut state.list;
    list.loading = None;
    list.loaded = true;
    (list.total, list.unread) = counts;
    match kind {
        PageKind::Replace { from_end } => {
            let keep = list.current().map(|r| r.id);
            list.rows = rows;
            list.more_older = full && !from_end;
            list.more_newer = full && from_end;
            list.selected = keep.and_then(|id| list.position(id)).unwrap_or(if from_end {
                list.rows.len().saturating_sub(1)
            } else {
                0
            });
            list.offset = 0;
        }
        PageKind::Append => {
            list.rows.extend(rows);
            list.more_older = full;
            if list.rows.len() > MAX_ROWS {
                let drop = list.rows.len() - MAX_ROWS;
                list.rows.drain(..drop);
                list.selected = list.selected.saturating_sub(drop);
                list.offset = list.offset.saturating_sub(drop);
                list.more_newer = true;
            }
        }
        PageKind::Prepend => {
            let n = rows.len();
            let mut merged = rows;
            merged.append(&mut list.rows);
            list.rows = merged;
            // The same article stays selected; a list scrolled to its top shows the new ones
            // arrive above it, a list scrolled down keeps its rows where they are.
            if list.loaded && list.rows.len() > n {
                list.selected += n;
                if list.offset > 0 {
                    list.offset += n;
                }
            }
            list.more_newer = full;
            if list.rows.len() > MAX_ROWS {
                list.rows.truncate(MAX_ROWS);
                list.more_older = true;
            }
        }
    }
    list.selected = list.selected.min(list.rows.len().saturating_sub(1));
    nav::keep_visible(state);
    if let Some(forward) = state.seeking_unread.take() {
        nav::seek_unread(state, forward, fx);
    } else {
        nav::preload(state, fx);
    }
}

fn sidebar_loaded(state: &mut State, data: SidebarData) {
    let selected_label = match state.sidebar.entries.get(state.sidebar.selected) {
        Some(SidebarEntry::View { kind, .. }) => Some(kind.clone()),
        _ => None,
    };
    let mut entries = vec![
        SidebarEntry::Heading("Views"),
        SidebarEntry::View {
            kind: ViewKind::All,
            label: "All articles".into(),
            unread: data.unread,
            failed: false,
        },
        SidebarEntry::View {
            kind: ViewKind::Unread,
            label: "Unread".into(),
            unread: data.unread,
            failed: false,
        },
        SidebarEntry::View {
            kind: ViewKind::Starred,
            label: "Starred".into(),
            unread: data.starred,
            failed: false,
        },
    ];
    if !data.tags.is_empty() {
        entries.push(SidebarEntry::Heading("Tags"));
        for (tag, unread) in &data.tags {
            entries.push(SidebarEntry::View {
                kind: ViewKind::Tag(tag.clone()),
                label: tag.clone(),
                unread: *unread,
                failed: false,
            });
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
    state.sidebar.selected = selected_label
        .and_then(|kind| {
            entries.iter().position(|e| matches!(e, SidebarEntry::View { kind: k, .. } if *k == kind))
        })
        .unwrap_or(1)
        .min(entries.len().saturating_sub(1));
    state.sidebar.entries = entries;
    if state.view.kind == ViewKind::All && !state.view.unread_only {
        (state.list.total, state.list.unread) = (data.total, data.unread);
    }
    state.overview = data;
}

fn feed_refreshed(state: &mut State, outcome: &Outcome, url: &str, fx: &mut Vec<Effect>) {
    if let Some((done, total)) = state.status.refresh {
        state.status.refresh = Some(((done + 1).min(total), total));
    }
    match outcome {
        Outcome::Failed(why) => {
            state.status.failed += 1;
            state.status.message = Some((format!("{url}: {why}"), Severity::Error));
        }
        Outcome::Updated { new, .. } if *new > 0 => {
            nav::load_newer_if_at_top(state, fx);
            if state.sidebar.visible {
                fx.push(Effect::LoadSidebar);
            }
        }
        _ => {}
    }
}

fn prompt_key(state: &mut State, key: TextKey, fx: &mut Vec<Effect>) {
    let Some(Popup::Prompt(prompt)) = &mut state.popup else { return };
    let chars: Vec<char> = prompt.input.chars().collect();
    let at = prompt.cursor.min(chars.len());
    let byte = |i: usize| chars[..i].iter().map(|c| c.len_utf8()).sum::<usize>();
    match key {
        TextKey::Char(c) if !c.is_control() => {
            prompt.input.insert(byte(at), c);
            prompt.cursor = at + 1;
        }
        TextKey::Paste(text) => {
            let clean = crate::text::sanitize::single_line(&text);
            prompt.input.insert_str(byte(at), &clean);
            prompt.cursor = at + clean.chars().count();
        }
        TextKey::Backspace if at > 0 => {
            prompt.input.remove(byte(at - 1));
            prompt.cursor = at - 1;
        }
        TextKey::Delete if at < chars.len() => {
            prompt.input.remove(byte(at));
        }
        TextKey::Left => prompt.cursor = at.saturating_sub(1),
        TextKey::Right => prompt.cursor = (at + 1).min(chars.len()),
        TextKey::Home => prompt.cursor = 0,
        TextKey::End => prompt.cursor = chars.len(),
        TextKey::Esc => state.popup = None,
        TextKey::Enter => {
            let (kind, input) = (prompt.kind, prompt.input.trim().to_string());
            state.popup = None;
            submit_prompt(state, kind, input, fx);
        }
        _ => {}
    }
}

fn submit_prompt(state: &mut State, kind: PromptKind, input: String, fx: &mut Vec<Effect>) {
    match kind {
        PromptKind::AddFeed if !input.is_empty() => {
            state.status.message = Some((format!("Subscribing to {input}…"), Severity::Info));
            fx.push(Effect::AddFeed { url: input });
        }
        PromptKind::Import if !input.is_empty() => {
            state.status.message = Some((format!("Importing {input}…"), Severity::Info));
            fx.push(Effect::Import { path: input });
        }
        PromptKind::Search => {
            let kind = if input.is_empty() { ViewKind::All } else { ViewKind::Search(input) };
            nav::switch_view(state, View { kind, unread_only: state.view.unread_only }, fx);
        }
        _ => {}
    }
}

/// The effects that load the first screen: the list, the sidebar and counts.
pub fn start(state: &mut State) -> Vec<Effect> {
    let mut fx = vec![Effect::LoadSidebar];
    nav::reload(state, &mut fx);
    fx
}
