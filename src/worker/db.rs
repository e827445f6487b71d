//! The database thread: pages, articles (parsed here, off the UI thread), related articles,
//! marks, imports, unsubscriptions; one connection, requests in order, superseded loads skipped.

use std::sync::mpsc::Receiver;

use tracing::{debug, warn};

use crate::app::effect::Effect;
use crate::app::events::MsgSender;
use crate::app::msg::{Msg, PageKind, SidebarData, Task};
use crate::app::state::RELATED_SHOWN;
use crate::domain::ArticleFilter;
use crate::store::{Store, StoreError};

/// The database thread: effects in order; a load that a later one of the same kind supersedes
/// is skipped.
pub(super) fn run(mut store: Store, effects: &Receiver<Effect>, ui: &MsgSender) {
    while let Ok(first) = effects.recv() {
        let mut batch = vec![first];
        batch.extend(effects.try_iter());
        for effect in supersede(batch) {
            if let Some(msg) = answer(&mut store, effect)
                && !ui.send(msg)
            {
                return;
            }
        }
    }
}

/// Drops loads made pointless by a later load of the same kind in the same batch.
pub(super) fn supersede(batch: Vec<Effect>) -> Vec<Effect> {
    let same = |a: &Effect, b: &Effect| {
        matches!(
            (a, b),
            (
                Effect::LoadArticle { .. } | Effect::ShowArticleText { .. },
                Effect::LoadArticle { .. } | Effect::ShowArticleText { .. }
            ) | (Effect::LoadRelated { .. }, Effect::LoadRelated { .. })
                | (Effect::LoadSidebar, Effect::LoadSidebar)
                | (
                    Effect::LoadPage { .. } | Effect::LoadTopStories { .. },
                    Effect::LoadPage { kind: PageKind::Replace { .. } | PageKind::Refill, .. }
                        | Effect::LoadTopStories { .. }
                )
        )
    };
    let keep: Vec<bool> =
        batch.iter().enumerate().map(|(i, e)| !batch[i + 1..].iter().any(|later| same(e, later))).collect();
    batch.into_iter().zip(keep).filter_map(|(e, k)| k.then_some(e)).collect()
}

/// What the database thread was doing for an effect, for failure messages.
fn task_of(effect: &Effect) -> Task {
    match effect {
        Effect::LoadPage { .. } | Effect::LoadTopStories { .. } => Task::LoadList,
        Effect::LoadArticle { .. } | Effect::ShowArticleText { .. } => Task::LoadArticle,
        Effect::FetchFullText { .. } => Task::FullText,
        Effect::LoadRelated { .. } => Task::LoadRelated,
        Effect::LoadSidebar => Task::LoadSidebar,
        Effect::Mark { .. } => Task::Mark,
        Effect::MarkAllRead { .. } => Task::MarkAllRead,
        Effect::Import { .. } => Task::Import,
        Effect::Unsubscribe { .. } => Task::Unsubscribe,
        Effect::RestoreFeed { .. } => Task::Restore,
        Effect::SaveSearch { .. } | Effect::ForgetSearch { .. } => Task::Searches,
        Effect::Refresh { .. } | Effect::Subscribe { .. } | Effect::SyncConfirmingRemovals => Task::Refresh,
        Effect::OpenBrowser { .. } => Task::Browser,
        Effect::CopyToClipboard { .. } | Effect::CopyWithCommand { .. } => Task::Clipboard,
        Effect::Play { .. } => Task::Player,
    }
}

/// Stories "Top stories" lists, at most: a day rarely has more covered by two feeds.
const TOP_STORIES: usize = 200;

/// Results a search view lists, at most.
const SEARCH_RESULTS: usize = 500;

/// A search view's list: its best results in order of relevance, in one page (a jump to
/// either end gets them again; there is nothing beyond them to page to).
fn search_page(
    store: &Store,
    req: u64,
    filter: &crate::domain::ArticleFilter,
    page: crate::store::Page,
    kind: crate::app::msg::PageKind,
) -> Result<Msg, crate::store::StoreError> {
    use crate::store::Page;
    let mut query = crate::index::SearchQuery::parse(filter.search.as_deref().unwrap_or_default());
    if filter.unread {
        query.unread = Some(true);
    }
    let (rows, notes) = match page {
        Page::Newest | Page::Oldest => {
            let found = store.search(&query, SEARCH_RESULTS)?;
            (found.articles.into_iter().map(|(a, _)| a).collect::<Vec<_>>(), found.problems)
        }
        Page::Older(_) | Page::Newer(_) => (Vec::new(), Vec::new()),
    };
    let unread = rows.iter().filter(|r| !r.read).count() as u64;
    let counts = if filter.unread { (unread, unread) } else { (rows.len() as u64, unread) };
    Ok(Msg::PageLoaded { req, kind, full: false, rows, counts, notes })
}

/// Runs one database effect; what happened comes back as a message.
pub fn answer(store: &mut Store, effect: Effect) -> Option<Msg> {
    let task = task_of(&effect);
    let result: Result<Option<Msg>, String> = (|| {
        Ok(match effect {
            Effect::LoadPage { req, filter, page, limit: _, kind } if filter.search.is_some() => {
                Some(search_page(store, req, &filter, page, kind).map_err(cache)?)
            }
            Effect::LoadPage { req, filter, page, limit, kind } => {
                let rows = store.page(&filter, page, limit).map_err(cache)?;
                let counts = store.counts(&filter).map_err(cache)?;
                Some(Msg::PageLoaded {
                    req,
                    kind,
                    full: rows.len() == limit,
                    rows,
                    counts,
                    notes: Vec::new(),
                })
            }
            Effect::LoadTopStories { req, now, unread_only, kind } => {
                let top = store.top_stories(now, unread_only, TOP_STORIES).map_err(cache)?;
                Some(Msg::TopStoriesLoaded { req, kind, top: Box::new(top) })
            }
            Effect::LoadArticle { req, id } => {
                let article = store.article(id).map_err(cache)?.ok_or("it is no longer in the cache")?;
                let prepared = crate::text::article::prepare(&article);
                Some(Msg::ArticleLoaded { req, article: Box::new((article, prepared)) })
            }
            Effect::ShowArticleText { req, id, full_text } => {
                let mut article = store.article(id).map_err(cache)?.ok_or("it is no longer in the cache")?;
                if !full_text {
                    article.full_text = None;
                }
                let prepared = crate::text::article::prepare(&article);
                Some(Msg::ArticleLoaded { req, article: Box::new((article, prepared)) })
            }
            Effect::LoadRelated { req, id } => {
                let story = store.story_of(id).map_err(cache)?;
                let items = match store.article(id).map_err(cache)? {
                    Some(article) => store.related(&article, RELATED_SHOWN + story.len()).map_err(cache)?,
                    None => Vec::new(),
                };
                let mut items: Vec<_> =
                    items.into_iter().filter(|a| !story.iter().any(|s| s.id == a.id)).collect();
                items.truncate(RELATED_SHOWN);
                Some(Msg::RelatedLoaded { req, items, story })
            }
            Effect::LoadSidebar => Some(Msg::SidebarLoaded(Box::new(sidebar(store).map_err(cache)?))),
            Effect::SaveSearch { query, at } => {
                store.save_search(&query, at.unwrap_or_else(chrono::Utc::now)).map_err(cache)?;
                Some(Msg::SidebarLoaded(Box::new(sidebar(store).map_err(cache)?)))
            }
            Effect::ForgetSearch { query } => {
                let saved = store.forget_search(&query).map_err(cache)?;
                Some(Msg::SearchForgotten { query, saved, sidebar: Box::new(sidebar(store).map_err(cache)?) })
            }
            Effect::Mark { ids, mark } => {
                store.mark(&ids, mark).map_err(cache)?;
                None
            }
            Effect::MarkAllRead { filter } => {
                Some(Msg::MarkedRead(store.mark_all_read(&filter).map_err(cache)?))
            }
            Effect::Import { path } => Some(import(store, &path)?),
            Effect::Unsubscribe { feed } => {
                let found = store.feed(feed).map_err(cache)?.ok_or("the feed is no longer subscribed")?;
                if !store.remove_feed(feed, chrono::Utc::now()).map_err(cache)? {
                    return Err("the feed is no longer subscribed".into());
                }
                let starred = store
                    .counts(&ArticleFilter { feed: Some(feed), starred: true, ..ArticleFilter::default() })
                    .map_err(cache)?
                    .0;
                Some(Msg::Unsubscribed {
                    id: feed,
                    title: found.title,
                    synced: found.source.is_some(),
                    starred,
                })
            }
            Effect::RestoreFeed { feed } => {
                if !store.restore_feed(feed).map_err(cache)? {
                    return Err(
                        "it is no longer kept (unsubscribed too long ago, or subscribed again)".into()
                    );
                }
                let title = store.feed(feed).map_err(cache)?.map(|f| f.title).unwrap_or_default();
                Some(Msg::Restored { id: feed, title })
            }
            Effect::Refresh { .. }
            | Effect::Subscribe { .. }
            | Effect::FetchFullText { .. }
            | Effect::SyncConfirmingRemovals
            | Effect::OpenBrowser { .. }
            | Effect::Play { .. }
            | Effect::CopyToClipboard { .. }
            | Effect::CopyWithCommand { .. } => None,
        })
    })();
    result.unwrap_or_else(|error| {
        warn!("{}: {error}", task.doing());
        Some(Msg::Failed { task, error })
    })
}

/// A cache error as the user sees it.
#[allow(clippy::needless_pass_by_value)] // used as `map_err(cache)`
fn cache(e: StoreError) -> String {
    debug!("cache: {e:?}");
    e.to_string()
}

/// Feeds, tags and totals.
fn sidebar(store: &Store) -> Result<SidebarData, StoreError> {
    let feeds = store.feeds()?;
    let (total, unread) = store.counts(&ArticleFilter::default())?;
    let mut searches = Vec::new();
    for saved in store.saved_searches()? {
        let filter =
            ArticleFilter { search: Some(saved.query.clone()), unread: true, ..ArticleFilter::default() };
        let (unread, _) = store.counts(&filter)?;
        searches.push((saved, unread));
    }
    Ok(SidebarData {
        tags: store.tag_counts()?,
        starred: store.starred_count()?,
        feeds,
        unread,
        total,
        searches,
    })
}

fn import(store: &mut Store, path: &str) -> Result<Msg, String> {
    let expanded = expand_home(path);
    let bytes = std::fs::read(&expanded).map_err(|e| format!("cannot read {path}: {e}"))?;
    let done = crate::subscribe::import(store, &bytes).map_err(cache)?;
    Ok(Msg::Imported {
        path: path.to_string(),
        added: done.added,
        present: done.present,
        rejected: done.rejected.into_iter().map(|r| (r.line, r.reason)).collect(),
    })
}

fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::PathBuf::from(home).join(rest),
        _ => std::path::PathBuf::from(path),
    }
}
