//! Feeds: refreshing (one at a time; a refresh asked for while one runs starts after it),
//! subscribing, importing, unsubscribing, and what the reader says about each outcome. The
//! worker reports what happened; every follow-up is decided here.

use super::effect::Effect;
use super::list;
use super::messages::Severity;
use super::msg::SubscribeOutcome;
use super::state::{Confirm, Confirmed, Pane, Popup, RefreshRequest, State, Undo, View, ViewKind};
use crate::domain::{FeedId, NewFeed};
use crate::refresh::{FeedResult, Outcome, Summary};

/// Refreshes some feeds or all: now, or after the refresh that is running.
pub fn refresh(s: &mut State, request: RefreshRequest, fx: &mut Vec<Effect>) {
    if s.refreshing {
        s.refresh_queued = Some(match (s.refresh_queued.take(), request) {
            (Some(RefreshRequest::All), _) | (_, RefreshRequest::All) => RefreshRequest::All,
            (Some(queued), RefreshRequest::Due | RefreshRequest::DueFeeds(_)) => queued,
            (_, polite @ (RefreshRequest::Due | RefreshRequest::DueFeeds(_))) => polite,
            (Some(RefreshRequest::Feeds(mut a)), RefreshRequest::Feeds(b)) => {
                for f in b {
                    if !a.contains(&f) {
                        a.push(f);
                    }
                }
                RefreshRequest::Feeds(a)
            }
            // Named feeds after a queued polite run, or nothing queued: the new request.
            (Some(RefreshRequest::Due | RefreshRequest::DueFeeds(_)) | None, request) => request,
        });
        s.info("A refresh is running; this one starts when it ends");
        return;
    }
    s.refreshing = true;
    s.last_refresh = Some(s.now);
    let (feeds, due_only) = match request {
        RefreshRequest::All => (None, false),
        RefreshRequest::Due => (None, true),
        RefreshRequest::Feeds(ids) => (Some(ids), false),
        RefreshRequest::DueFeeds(ids) => (Some(ids), true),
    };
    fx.push(Effect::Refresh { feeds, due_only });
}

/// `r`: the feed selected in the sidebar (retrying a failed one), else the focused article's
/// feed, else the feed the list shows.
pub fn refresh_focused(s: &mut State, fx: &mut Vec<Effect>) {
    let feed = if s.focus == Pane::Sidebar {
        s.sidebar_feed().map(|f| f.id)
    } else {
        super::marks::focused_article(s).map(|a| a.feed_id).or(match &s.view.kind {
            ViewKind::Feed { id, .. } => Some(*id),
            _ => None,
        })
    };
    match feed {
        Some(id) => {
            let title = feed_title(s, id);
            s.info(format!("Refreshing “{title}”…"));
            refresh(s, RefreshRequest::Feeds(vec![id]), fx);
        }
        None if s.focus == Pane::Sidebar => s.info("Select a feed to refresh it (R refreshes all)"),
        None => s.info("No feed here to refresh (R refreshes all)"),
    }
}

/// On the clock's tick: a polite refresh every `reader.refresh_interval` minutes, or as often
/// as the shortest `refresh_interval` of a feed's own settings asks. When the reader's interval
/// is 0 (never), only the feeds with an interval of their own are looked at.
pub fn periodic(s: &mut State, fx: &mut Vec<Effect>) -> bool {
    if s.refreshing || (s.overview.feeds.is_empty() && !s.settings.sync) {
        return false;
    }
    let global = s.settings.refresh_interval;
    let own: Vec<(FeedId, u32)> = s
        .overview
        .feeds
        .iter()
        .filter_map(|f| {
            let minutes =
                crate::config::settings_for(&s.settings.feed_settings, f.id, &f.url)?.refresh_interval?;
            (minutes > 0).then_some((f.id, minutes))
        })
        .collect();
    let Some(period) = own.iter().map(|&(_, m)| m).chain((global > 0).then_some(global)).min() else {
        return false;
    };
    let due = s.last_refresh.is_none_or(|last| s.now - last >= chrono::Duration::minutes(i64::from(period)));
    if due {
        // Nobody asked: polite, so feeds not due yet (interval, <ttl>, max-age) are skipped.
        let request = if global > 0 {
            RefreshRequest::Due
        } else {
            RefreshRequest::DueFeeds(own.into_iter().map(|(id, _)| id).collect())
        };
        refresh(s, request, fx);
    }
    due
}

/// A refresh began.
pub fn started(s: &mut State, total: usize) {
    s.refreshing = true;
    s.status.refresh = Some((0, total));
    s.status.failed = 0;
}

/// One feed of the refresh is stored: progress, new articles at the top, failures logged.
pub fn feed_refreshed(s: &mut State, result: &FeedResult, fx: &mut Vec<Effect>) {
    if let Some((done, total)) = s.status.refresh {
        s.status.refresh = Some(((done + 1).min(total), total));
    }
    match &result.outcome {
        Outcome::Failed(why) => {
            s.status.failed += 1;
            let name =
                s.overview.feeds.iter().find(|f| f.id == result.feed).map_or(&result.url, |f| &f.title);
            let text = format!("{name}: {why}");
            s.messages.detail(Severity::Warning, text, s.now);
        }
        Outcome::Updated { new, .. } if *new > 0 => {
            list::show_new_articles(s, fx);
            if s.sidebar.visible {
                fx.push(Effect::LoadSidebar);
            }
        }
        _ => {}
    }
}

/// The refresh ended: the summary, fresh counts, and the queued refresh if any.
pub fn finished(s: &mut State, summary: &Summary, fx: &mut Vec<Effect>) {
    s.refreshing = false;
    s.status.refresh = None;
    let mut text = summary.to_string();
    if summary.failed > 0 {
        text.push_str(" — M says why");
        s.messages.note(Severity::Warning, text, s.now);
    } else if summary.feeds > 0 || !s.settings.sync {
        // With every feed on the sync server, the sync's own line says it all.
        s.messages.note(Severity::Info, text, s.now);
    }
    fx.push(Effect::LoadSidebar);
    list::show_new_articles(s, fx);
    if let Some(next) = s.refresh_queued.take() {
        refresh(s, next, fx);
    }
}

/// How a failed sync's message starts.
const SYNC_FAILED: &str = "Sync failed:";

/// A sync ended: its summary (or why it failed, as a lasting error), fresh counts and lists.
pub fn synced(s: &mut State, result: Result<String, String>, fx: &mut Vec<Effect>) {
    s.status.sync = None;
    match result {
        Ok(summary) => {
            // An earlier failure not yet read is old news now.
            s.messages.put_right(SYNC_FAILED);
            s.messages.note(Severity::Info, summary, s.now);
        }
        Err(why) => s.error(format!("{SYNC_FAILED} {why}")),
    }
    fx.push(Effect::LoadSidebar);
    list::show_new_articles(s, fx);
}

/// `S` on the welcome screen: the starter feeds (each is fetched first; only those that
/// answer are subscribed).
pub fn starter(s: &mut State, fx: &mut Vec<Effect>) {
    if !s.is_empty() {
        s.info("The starter feeds are offered when nothing is subscribed yet");
        return;
    }
    s.info(format!("Fetching the {} starter feeds…", super::starter::FEEDS.len()));
    let feeds = super::starter::FEEDS
        .iter()
        .map(|(url, tag)| NewFeed { url: (*url).to_string(), title: None, tags: vec![(*tag).to_string()] })
        .collect();
    fx.push(Effect::Subscribe { feeds });
}

/// Subscribing ended. One feed: what became of it. Several: how many, the failures in the
/// log; none reachable means no network, and nothing was subscribed.
pub fn subscribed(s: &mut State, results: &[(NewFeed, SubscribeOutcome)], fx: &mut Vec<Effect>) {
    let ok = results.iter().filter(|(_, o)| matches!(o, SubscribeOutcome::Subscribed { .. })).count();
    if ok > 0 {
        fx.push(Effect::LoadSidebar);
        list::reload(s, fx);
    }
    if let [(_, outcome)] = results {
        match outcome {
            SubscribeOutcome::Subscribed { title, created: true, new, others, .. } => {
                let mut text =
                    format!("Subscribed to “{title}”: {new} article{}", if *new == 1 { "" } else { "s" });
                if !others.is_empty() {
                    text.push_str(&format!("; the page offers {} more feed(s), listed in M", others.len()));
                    for other in others {
                        s.messages.detail(Severity::Info, format!("Also offered: {other}"), s.now);
                    }
                }
                s.info(text);
            }
            SubscribeOutcome::Subscribed { title, .. } => s.info(format!("Already subscribed to “{title}”")),
            // The reason names the address.
            SubscribeOutcome::Failed { reason, .. } => s.error(format!("Cannot subscribe: {reason}")),
        }
        return;
    }
    let mut unreachable = 0;
    for (_, outcome) in results {
        if let SubscribeOutcome::Failed { reason, unreachable: u } = outcome {
            unreachable += usize::from(*u);
            s.messages.detail(Severity::Warning, reason.clone(), s.now);
        }
    }
    let failed = results.len() - ok;
    if ok == 0 && unreachable == results.len() {
        s.error(format!(
            "No network: nothing was subscribed (none of the {} feeds could be reached; M says why)",
            results.len()
        ));
    } else if ok == 0 {
        s.error(format!("Nothing was subscribed: all {} feeds failed (M says why)", results.len()));
    } else if failed > 0 {
        s.warn(format!("Subscribed to {ok} of {} feeds; {failed} failed (M says why)", results.len()));
    } else {
        s.info(format!("Subscribed to {ok} feeds"));
    }
}

/// A list was imported: say what came of it; fetch the new feeds.
pub fn imported(
    s: &mut State,
    path: &str,
    (added, present): (usize, usize),
    rejected: &[(usize, String)],
    fx: &mut Vec<Effect>,
) {
    for (line, reason) in rejected {
        s.messages.detail(Severity::Warning, format!("{path}:{line}: {reason}"), s.now);
    }
    if added + present == 0 {
        s.error(format!(
            "Nothing to import in {path}: no feed URLs found (OPML and newsboat urls files are read{})",
            if rejected.is_empty() {
                String::new()
            } else {
                format!("; {} lines rejected, M says why", rejected.len())
            }
        ));
        return;
    }
    let mut text = format!("Imported {path}: {added} added, {present} already there");
    if !rejected.is_empty() {
        text.push_str(&format!(", {} rejected (M says why)", rejected.len()));
    }
    if rejected.is_empty() {
        s.info(text);
    } else {
        s.warn(text);
    }
    fx.push(Effect::LoadSidebar);
    list::reload(s, fx);
    if added > 0 {
        refresh(s, RefreshRequest::All, fx);
    }
}

/// A feed was unsubscribed: the views forget it (but for its starred articles); `U` brings it
/// back as it was.
pub fn unsubscribed(
    s: &mut State,
    id: FeedId,
    title: String,
    synced: bool,
    starred: u64,
    fx: &mut Vec<Effect>,
) {
    // What to do first: a long title or note is cut at the end of the line (M shows it whole).
    let server = if synced { "; on the server at the next sync" } else { "" };
    let kept = match starred {
        0 => String::new(),
        1 => "; its starred article stays".to_string(),
        n => format!("; its {n} starred articles stay"),
    };
    s.info(format!("Unsubscribed from “{title}” — U brings it back{server}{kept}"));
    s.undo = Some(Undo::Unsubscribe { id, title });
    if matches!(&s.view.kind, ViewKind::Feed { id: shown, .. } if *shown == id) {
        list::switch_view(s, View::ALL, fx);
    } else {
        list::reload(s, fx);
    }
    if s.article.as_ref().is_some_and(|a| a.summary.feed_id == id) {
        s.article = None;
        s.related = super::state::RelatedState::default();
        if matches!(s.focus, Pane::Article | Pane::Related) {
            s.focus = Pane::List;
        }
    }
    fx.push(Effect::LoadSidebar);
}

/// `U` after an unsubscription: the feed comes back as it was.
pub fn restore(s: &mut State, id: FeedId, title: &str, fx: &mut Vec<Effect>) {
    s.info(format!("Bringing “{title}” back…"));
    fx.push(Effect::RestoreFeed { feed: id });
}

/// An unsubscribed feed is back, with its articles and their marks.
pub fn restored(s: &mut State, _id: FeedId, title: &str, fx: &mut Vec<Effect>) {
    s.info(format!("“{title}” is back, with its articles as they were"));
    fx.push(Effect::LoadSidebar);
    list::reload(s, fx);
}

/// A sync found most synced feeds gone from the server's list and kept them: ask.
pub fn removals_held(s: &mut State, host: &str, held: usize, synced: usize) {
    if s.removals_declined.is_some_and(|at| s.now - at < chrono::Duration::days(1)) {
        s.warn(format!(
            "The sync server {host} still does not list {held} of your {synced} synced feeds; they are kept (`tidings sync --confirm-removal` unsubscribes from them)"
        ));
        return;
    }
    let question = format!(
        "The sync server {host} no longer lists {held} of your {synced} synced feeds, so they were kept. Unsubscribe from them here? (Their starred articles stay.)"
    );
    s.popup = Some(Popup::Confirm(Confirm { question, on_yes: Confirmed::SyncRemovals }));
}

/// A feed's title, for messages.
fn feed_title(s: &State, id: FeedId) -> String {
    s.overview.feeds.iter().find(|f| f.id == id).map_or_else(|| format!("feed {id}"), |f| f.title.clone())
}
