//! `feeds`, `articles`, `mark`, `show`, and the default listing.

use std::io::IsTerminal;

use anyhow::{Result, bail};
use chrono::{DateTime, Local, Utc};

use super::{Context, Out, resolve_feed};
use crate::cli::ArticlesArgs;
use crate::domain::{ArticleFilter, ArticleId, ArticleSummary, Feed};
use crate::store::Mark;
use crate::text::columns::pad;

/// Without a subcommand (until the reader lands): the latest articles, or how to begin.
pub(super) fn latest(ctx: &Context, out: &mut Out) -> Result<()> {
    let store = ctx.open_store()?;
    if store.feed_count()? == 0 {
        out.line("tidings: no subscriptions yet.")?;
        out.line(
            "  tidings add https://example.com/         subscribe (web pages are searched for their feed)",
        )?;
        out.line("  tidings import subscriptions.opml        import OPML or a newsboat urls file")?;
        out.line("  tidings refresh                          fetch new articles")?;
        return out.line("  tidings --help                           everything else");
    }
    let page = store.articles(&ArticleFilter::default(), None, 30)?;
    if page.is_empty() {
        return out.line("No articles cached yet: run `tidings refresh`.");
    }
    print_articles(out, &page)
}

/// An article as `articles --json` prints it: its fields, and where its feed comes from
/// ("local", or the sync protocol of the server that holds it).
#[derive(serde::Serialize)]
struct Sourced<'a> {
    #[serde(flatten)]
    article: &'a crate::domain::ArticleSummary,
    source: &'a str,
}

pub(super) fn feeds(ctx: &Context, out: &mut Out, json: bool) -> Result<()> {
    let store = ctx.open_store()?;
    let mut feeds = store.feeds()?;
    // `[feeds."…"]` titles and tags show here as in the reader; they are not stored.
    crate::config::apply_to_feeds(&ctx.config.feeds, &mut feeds);
    if json {
        return out.json(&feeds);
    }
    if feeds.is_empty() {
        return out.line("No subscriptions yet: add one with `tidings add URL` or `tidings import FILE`.");
    }
    out.line(format!(
        "{:>4}  {:>6}  {:>6}  {}  {}  {}",
        "ID",
        "UNREAD",
        "TOTAL",
        pad("TITLE", 32),
        pad("LAST FETCH", 16),
        "STATUS"
    ))?;
    let synced = match &ctx.config.sync {
        Some(s) => crate::sync::last_sync(&store, s.kind.name())?,
        None => crate::sync::LastSync::default(),
    };
    // Subscribed here for the server, which has not taken them (yet, or it refused).
    let pending: std::collections::HashSet<_> = match &ctx.config.sync {
        Some(s) => store.pending_subscriptions(s.kind.name())?.into_iter().map(|p| p.id).collect(),
        None => std::collections::HashSet::new(),
    };
    for f in &feeds {
        // A feed the server holds was last "fetched" by the last sync.
        let (fetched, status) = if pending.contains(&f.id) {
            (None, "not on the server yet: offered to it at each sync".to_string())
        } else if f.source.is_some() {
            (synced.at, synced_status(&synced, ctx.config.sync.is_some()))
        } else {
            (f.last_fetch, status(f))
        };
        out.line(format!(
            "{:>4}  {:>6}  {:>6}  {}  {}  {}",
            f.id.0,
            f.unread,
            f.total,
            pad(&f.title, 32),
            pad(&fetched.map_or_else(|| "never".into(), local_time), 16),
            status
        ))?;
        let tags = if f.tags.is_empty() { String::new() } else { format!("  [{}]", f.tags.join(", ")) };
        out.line(format!("{:>4}  {}{tags}", "", f.url))?;
    }
    Ok(())
}

fn status(f: &Feed) -> String {
    match (&f.last_error, f.last_status) {
        (Some(e), _) if f.failures > 1 => format!("{e} ({} failures in a row)", f.failures),
        (Some(e), _) => e.clone(),
        (None, Some(s)) => format!("ok ({s})"),
        (None, None) => "not fetched yet".into(),
    }
}

/// The status of a feed the sync server holds: how the last syncs went.
fn synced_status(last: &crate::sync::LastSync, configured: bool) -> String {
    match (&last.error, last.at) {
        _ if !configured => "from a sync server, but config.toml has no [sync] now".into(),
        (Some(e), _) => format!("last sync failed: {e}"),
        (None, Some(_)) => "synced".into(),
        (None, None) => "not synced yet (`tidings sync`)".into(),
    }
}

pub(super) fn articles(ctx: &Context, out: &mut Out, args: &ArticlesArgs) -> Result<()> {
    let store = ctx.open_store()?;
    let feed = args.feed.as_deref().map(|f| resolve_feed(&store, f)).transpose()?;
    // Tags match ignoring case: use the stored spelling (an unknown tag matches nothing).
    let tag = match &args.tag {
        Some(t) => Some(store.find_tag(t)?.unwrap_or_else(|| t.clone())),
        None => None,
    };
    let filter = ArticleFilter {
        feed,
        tag,
        unread: args.unread,
        starred: args.starred,
        // The killfile's hidden articles are listed through the search's `is:hidden`.
        search: args.hidden.then(|| "is:hidden".to_string()),
        one_per_story: false,
    };
    let page = store.articles(&filter, None, args.limit)?;
    if args.json {
        let sources = store.feed_sources()?;
        let rows: Vec<Sourced<'_>> = page
            .iter()
            .map(|a| Sourced { article: a, source: sources.get(&a.feed_id).map_or("local", String::as_str) })
            .collect();
        return out.json(&rows);
    }
    print_articles(out, &page)
}

/// `unread`: one number from the feeds' counters, for status bars.
pub(super) fn unread(
    ctx: &Context,
    out: &mut Out,
    feed: Option<&str>,
    tag: Option<&str>,
    json: bool,
) -> Result<()> {
    let store = ctx.open_store()?;
    let feed = feed.map(|f| resolve_feed(&store, f)).transpose()?;
    let n = store.unread_count(feed, tag)?;
    if json {
        return out.json(&serde_json::json!({ "unread": n }));
    }
    out.line(n.to_string())
}

pub(super) fn print_articles(out: &mut Out, page: &[ArticleSummary]) -> Result<()> {
    for a in page {
        let flags = format!("{}{}", if a.read { ' ' } else { 'N' }, if a.starred { '*' } else { ' ' });
        out.line(format!(
            "{:>7} {flags} {}  {}  {}",
            a.id.0,
            local_time(a.published),
            pad(&a.feed_title, 20),
            a.title
        ))?;
    }
    Ok(())
}

fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

pub(super) fn mark(ctx: &Context, out: &mut Out, args: &crate::cli::MarkArgs) -> Result<()> {
    let mut store = ctx.open_store()?;
    let ids: Vec<ArticleId> = args.ids.iter().copied().map(ArticleId).collect();
    let mark = args.mark();
    let found = store.mark(&ids, mark)?;
    let missing: Vec<String> = ids.iter().filter(|id| !found.contains(id)).map(ToString::to_string).collect();
    let verb = match mark {
        Mark::Read => "read",
        Mark::Unread => "unread",
        Mark::Star => "starred",
        Mark::Unstar => "unstarred",
    };
    out.line(format!("Marked {} article{} {verb}", found.len(), if found.len() == 1 { "" } else { "s" }))?;
    if !missing.is_empty() {
        bail!("no article with id {}", missing.join(", "));
    }
    Ok(())
}

pub(super) fn show(ctx: &Context, out: &mut Out, id: i64, width: Option<u16>, full: bool) -> Result<()> {
    let mut store = ctx.open_store()?;
    let Some(mut article) = store.article(ArticleId(id))? else {
        bail!("no article with id {id} (see `tidings articles`)");
    };
    if full && article.full_text.is_none() {
        match fetch_full_text(ctx, &mut store, ArticleId(id))? {
            Ok(text) => article.full_text = Some(text),
            Err(why) => super::warn(format!("tidings: no full text: {why}; showing the feed's text")),
        }
    }
    let width = width.map_or_else(terminal_width, usize::from).max(1);
    for line in crate::text::article::render(&article, width, Local::now().fixed_offset().offset()) {
        out.line(line.text().trim_end())?;
    }
    Ok(())
}

/// Fetches, extracts and stores an article's full text; the inner error is why there is none
/// (recorded in the cache too), the outer one a cache that cannot be used.
fn fetch_full_text(
    ctx: &Context,
    store: &mut crate::store::Store,
    id: ArticleId,
) -> Result<Result<crate::domain::FullText, crate::fulltext::FullTextError>> {
    let Some(target) = store.full_text_target(id)? else {
        bail!("no article with id {} (see `tidings articles`)", id.0);
    };
    let fetcher = crate::feed::Fetcher::new(&ctx.config.refresh)?;
    let runtime = super::runtime()?;
    let outcome = match runtime.block_on(crate::fulltext::fetch_target(&target, &fetcher)) {
        Ok(page) => {
            // Recorded as tried before it is read (see `fulltext::mark_reading`).
            crate::fulltext::mark_reading(store, id, Utc::now())?;
            runtime.block_on(crate::fulltext::read(page))
        }
        Err(e) => Err(e),
    };
    crate::fulltext::store_outcome(store, id, &outcome, Utc::now())?;
    Ok(outcome)
}

/// The terminal's width when stdout is one, else 80.
fn terminal_width() -> usize {
    if std::io::stdout().is_terminal() {
        crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w))
    } else {
        80
    }
}

/// `kill`: judges the cached articles by the killfile again (or says what that would do).
pub(super) fn kill(ctx: &Context, out: &mut Out, apply: bool) -> Result<()> {
    let mut store = ctx.open_store()?;
    let r = store.apply_kill_rules(!apply)?;
    let would = if apply { "" } else { "would be " };
    out.line(format!(
        "{} articles checked against {} rule{}: {} {would}hidden, {} {would}marked read, {} {would}shown again",
        r.checked,
        ctx.config.kill.len(),
        if ctx.config.kill.len() == 1 { "" } else { "s" },
        r.hidden,
        r.marked_read,
        r.unhidden
    ))?;
    if !apply {
        out.line("Run `tidings kill --apply` to make these changes.")?;
    }
    Ok(())
}
