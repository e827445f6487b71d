//! `refresh`: progress on stderr (a bar on a terminal, a line per feed otherwise), then the
//! totals line on stdout.

use std::io::IsTerminal;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::mpsc;

use super::{Context, Out, resolve_feed, runtime};
use crate::refresh::{self, FeedResult, Outcome, Selection, Summary};
use crate::store::StoreError;
use crate::text::sanitize::clean_text;

/// Articles a refresh indexes at most before it exits (about ten seconds of indexing at the
/// speed the README's benchmark measured, 600–800 articles a second). A cron run on a few hundred
/// feeds stores far fewer; a first refresh of a large import stores more, and the reader's
/// background indexer (or the next refresh) takes the rest.
const INDEX_AFTER_REFRESH: usize = 8_000;

pub(super) fn run(ctx: &Context, out: &mut Out, names: &[String], quiet: bool) -> Result<()> {
    let done = fetch_and_sync(ctx, out, names, quiet);
    // Whatever became of the feeds and the sync, what they stored is made searchable and
    // grouped into stories now, not when the reader next runs; unless the cache itself failed.
    let cache_failed = done.as_ref().is_err_and(|e| e.chain().any(<dyn std::error::Error>::is::<StoreError>));
    if !cache_failed {
        index_new(ctx);
    }
    done
}

/// Indexes what the refresh stored (bounded by [`INDEX_AFTER_REFRESH`]). A failure is said on
/// stderr, with `-q` too, but is no failure of the refresh: the reader indexes them later.
fn index_new(ctx: &Context) {
    let indexed =
        ctx.open_store().and_then(|mut store| Ok(refresh::index_new(&mut store, INDEX_AFTER_REFRESH)?));
    match indexed {
        Ok(n) => tracing::debug!("indexed {n} new articles after the refresh"),
        Err(e) => {
            tracing::warn!("indexing after the refresh: {e:#}");
            super::warn(format!(
                "tidings: warning: the new articles could not be indexed for search and stories ({e:#}); the reader indexes them when it runs"
            ));
        }
    }
}

fn fetch_and_sync(ctx: &Context, out: &mut Out, names: &[String], quiet: bool) -> Result<()> {
    let mut store = ctx.open_store()?;
    // All feeds, or a named one the server holds: a sync too (it updates the server's feeds).
    let mut with_sync = ctx.config.sync.is_some() && names.is_empty();
    let mut local_names = Vec::new();
    for name in names {
        let id = resolve_feed(&store, name)?;
        if store.feed(id)?.is_some_and(|f| f.source.is_some()) {
            with_sync = ctx.config.sync.is_some();
            if !with_sync {
                anyhow::bail!(
                    "feed {name} comes from a sync server, and config.toml has no [sync] section any more"
                );
            }
        } else {
            local_names.push(name.clone());
        }
    }
    let local = if names.is_empty() || !local_names.is_empty() {
        refresh_local(ctx, out, &local_names, quiet)
    } else {
        Ok(())
    };
    if !with_sync {
        return local;
    }
    // A sync failure is reported after the local feeds' result. A server away for less than
    // a day is no failure of the refresh: its changes wait here (see `sync::Failed::exit`).
    let synced =
        runtime()?.block_on(super::sync::sync_report(ctx, &mut store, quiet, crate::store::Removals::Few));
    local?;
    match synced? {
        Ok(report) => {
            super::sync::tell_refusals(&report);
            if !quiet {
                out.line(report.to_string())?;
            }
            // The server's list dropped most feeds: that needs someone (exit 1, said).
            super::sync::held_removals(&report)?;
        }
        Err(failed) => {
            let message = failed.exit(ctx, &mut store, quiet)?;
            if !quiet {
                super::warn(format!("tidings: warning: {message}"));
            }
        }
    }
    Ok(())
}

fn refresh_local(ctx: &Context, out: &mut Out, names: &[String], quiet: bool) -> Result<()> {
    let mut store = ctx.open_store()?;
    let (targets, selection) = if names.is_empty() {
        // Without names, as from cron: polite (intervals, <ttl>, Cache-Control honoured).
        (store.fetch_targets(None)?, Selection::Due)
    } else {
        let ids = names.iter().map(|n| resolve_feed(&store, n)).collect::<Result<Vec<_>>>()?;
        (store.fetch_targets(Some(&ids))?, Selection::Named)
    };
    let subscribed: Vec<_> = targets.iter().map(|t| (t.id, t.url.clone())).collect();
    if names.is_empty() && !subscribed.is_empty() {
        for problem in crate::config::unmatched_feed_settings(&ctx.config.feeds, &subscribed) {
            tracing::warn!("{problem}");
            super::warn(format!("warning: {problem}"));
        }
    }
    if targets.is_empty() {
        // The refresh's writer purges old unsubscriptions; with nothing to fetch, here.
        store.purge_removed(ctx.config.retention.keep_unsubscribed_days, chrono::Utc::now())?;
        if ctx.config.sync.is_some() && names.is_empty() {
            return Ok(()); // every feed is the server's
        }
        if quiet {
            return Ok(()); // nothing to do is not a failure: cron hears nothing
        }
        super::warn("No subscriptions yet: add one with `tidings add URL` or `tidings import FILE`.");
        return out.line(Summary::default().to_string());
    }
    let total = targets.len();
    let (tx, rx) = mpsc::unbounded_channel();
    let rt = runtime()?;
    let printer = rt.spawn(report(rx, total, quiet));
    let result = rt.block_on(refresh::run(store, &ctx.config, targets, selection, tx));
    // The sender is gone once `run` returns, so the printer finishes.
    let _ = rt.block_on(printer);
    let (_, summary) = result?;
    if quiet && summary.failed == 0 {
        // Cron mails whatever a job prints: a run that went well prints nothing.
        return Ok(());
    }
    // Progress went to stderr; the totals are the command's output.
    out.line(summary.to_string())
}

async fn report(mut rx: mpsc::UnboundedReceiver<FeedResult>, total: usize, quiet: bool) {
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(total as u64);
        let style = ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} feeds {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        bar
    });
    let mut done = 0;
    while let Some(result) = rx.recv().await {
        done += 1;
        let line = describe(&result, done, total);
        match &bar {
            Some(bar) => {
                if matches!(result.outcome, Outcome::Failed(_)) {
                    bar.println(clean_text(&line));
                }
                bar.set_message(clean_text(&result.url).into_owned());
                bar.inc(1);
            }
            None if !quiet || matches!(result.outcome, Outcome::Failed(_)) => super::warn(line),
            None => {}
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}

fn describe(r: &FeedResult, done: usize, total: usize) -> String {
    let width = total.to_string().len();
    let what = match &r.outcome {
        Outcome::Updated { new, updated } => format!("ok        {new} new, {updated} updated"),
        Outcome::NotModified => "ok        not modified".to_string(),
        Outcome::Unchanged => "ok        unchanged".to_string(),
        Outcome::Skipped(why) => format!("skipped   {why}"),
        Outcome::Failed(why) => format!("FAILED    {why}"),
    };
    format!("[{done:>width$}/{total}] {}  {what}", r.url)
}
