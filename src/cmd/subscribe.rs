//! `add`, `remove`, `import`, `export`.

use std::io::Read;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use chrono::Utc;

use super::{Context, Out, resolve_feed, runtime};
use crate::domain::NewFeed;
use crate::feed::fetch::Fetcher;
use crate::feed::opml;
use crate::feed::subscriptions::ListFormat;
use crate::store::Removals;
use crate::subscribe::{Address, SubscribeError};

pub(super) fn add(
    ctx: &Context,
    out: &mut Out,
    input: &str,
    title: Option<String>,
    tags: Vec<String>,
    no_fetch: bool,
    local: bool,
) -> Result<()> {
    let title = title.map(|t| crate::text::sanitize::single_line(&t)).filter(|t| !t.is_empty());
    // With a sync server, a web feed is subscribed on the server (file: and exec: feeds only
    // exist here).
    if let Some(sync) = ctx.config.sync.as_ref().filter(|_| !local)
        && !crate::feed::source::Source::is_local_address(input)
    {
        return add_on_server(
            ctx,
            out,
            input,
            NewFeed { url: String::new(), title, tags },
            no_fetch,
            sync.kind.name(),
        );
    }
    if no_fetch && crate::feed::source::Source::is_local_address(input) {
        let url = input.trim().to_string();
        crate::feed::source::Source::parse(&url)
            .map_err(|error| SubscribeError::Fetch { url: url.clone(), error })?;
        let mut store = ctx.open_store()?;
        let added = store.add_feed(&NewFeed { url: url.clone(), title, tags }, Utc::now())?;
        let verb = if added.created { "Subscribed to" } else { "Already subscribed to" };
        return out.line(format!("{verb} {url} (id {})", added.id));
    }
    if no_fetch {
        let address = Address::parse(input)
            .map_err(|error| SubscribeError::Fetch { url: input.trim().to_string(), error })?;
        let url = address.preferred().to_string();
        let mut store = ctx.open_store()?;
        let added = store.add_feed(&NewFeed { url: url.clone(), title, tags }, Utc::now())?;
        let verb = if added.created { "Subscribed to" } else { "Already subscribed to" };
        out.line(format!("{verb} {url} (id {})", added.id))?;
        if matches!(address, Address::SchemeLess { .. }) {
            out.line("No scheme given: assumed https:// (not checked: --no-fetch).")?;
        }
        return Ok(());
    }
    let mut store = ctx.open_store()?;
    let fetcher = Fetcher::new(&ctx.config.refresh)?;
    let mut found = runtime()?.block_on(crate::subscribe::find_feed(&fetcher, input))?;
    let (feed_url, others, guessed) =
        (found.url.clone(), std::mem::take(&mut found.others), found.guessed.take());
    let done = crate::subscribe::store_found(&mut store, found, title, tags, &ctx.config.retention)?;
    if done.created {
        out.line(format!(
            "Subscribed to “{}” — {feed_url} (id {}), {} article{}",
            done.title,
            done.id,
            done.new,
            if done.new == 1 { "" } else { "s" }
        ))?;
    } else {
        out.line(format!("Already subscribed to “{}” — {feed_url} (id {})", done.title, done.id))?;
    }
    if let Some(guessed) = guessed {
        out.line(guessed.to_string())?;
    }
    if !others.is_empty() {
        out.line("The page also advertises:")?;
        for other in &others {
            let label = other.title.as_deref().map(|t| format!(" “{t}”")).unwrap_or_default();
            out.line(format!("  {} ({}){label}", other.url, other.kind))?;
        }
    }
    Ok(())
}

/// Subscribes through the sync server: the feed is stored here as the server's (so it works
/// offline and is sent even when the server is away now), then a sync sends it and brings its
/// articles.
fn add_on_server(
    ctx: &Context,
    out: &mut Out,
    input: &str,
    mut new: NewFeed,
    no_fetch: bool,
    source: &str,
) -> Result<()> {
    let rt = runtime()?;
    let mut store = ctx.open_store()?;
    new.url = if no_fetch {
        let address = Address::parse(input)
            .map_err(|error| SubscribeError::Fetch { url: input.trim().to_string(), error })?;
        address.preferred().to_string()
    } else {
        // Autodiscovery from here: the server is given the feed's own address. Its articles
        // are stored now, so they are there even while the server is away (the sync matches
        // them up with the server's by link).
        let fetcher = Fetcher::new(&ctx.config.refresh)?;
        let found = rt.block_on(crate::subscribe::find_feed(&fetcher, input))?;
        let url = found.url.clone();
        if store.resolve_feed(&url)?.is_none() {
            crate::subscribe::store_found(
                &mut store,
                found,
                new.title.clone(),
                new.tags.clone(),
                &ctx.config.retention,
            )?;
        }
        url
    };
    let known = store.resolve_feed(&new.url)?.and_then(|id| store.feed(id).ok().flatten());
    if let Some(f) = known.as_ref().filter(|f| f.source.is_some()) {
        return out.line(format!("Already subscribed to {} (id {})", f.url, f.id));
    }
    let added = store.add_synced_feed(source, &new, Utc::now())?;
    let synced = match rt.block_on(super::sync::sync_report(ctx, &mut store, true, Removals::Few)) {
        Ok(Ok(report)) => Ok(report),
        Ok(Err(failed)) => Err(failed.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let report = match synced {
        Ok(report) => report,
        Err(why) => {
            out.line(format!(
                "Subscribed to {} here (id {}); it goes to the server at the next sync.",
                new.url, added.id
            ))?;
            super::warn(format!("tidings: {why}"));
            return Ok(());
        }
    };
    // The server's refusal is no success, whatever else the sync did.
    if let Some((_, why)) = report.subscribe_failed.iter().find(|(url, _)| *url == new.url) {
        bail!(
            "{} is not subscribed on the server: {why}. It stays here (id {}) and is offered again at each sync; `tidings remove {}` drops it",
            new.url,
            added.id,
            added.id
        );
    }
    super::sync::tell_refusals(&report);
    match store.feed(added.id)? {
        Some(f) if f.source.is_some() => {
            out.line(format!("Subscribed to “{}” — {} (id {}) on the server", f.title, f.url, f.id))?;
            out.line(report.to_string())
        }
        _ => out.line(format!("Subscribed to {} on the server", new.url)),
    }
}

pub(super) fn remove(ctx: &Context, out: &mut Out, spec: &str) -> Result<()> {
    let mut store = ctx.open_store()?;
    let id = resolve_feed(&store, spec)?;
    let feed = store.feed(id)?;
    store.remove_feed(id, Utc::now())?;
    let starred = store
        .counts(&crate::domain::ArticleFilter { feed: Some(id), starred: true, ..Default::default() })?
        .0;
    let days = ctx.config.retention.keep_unsubscribed_days;
    match &feed {
        Some(f) => out.line(format!(
            "Unsubscribed from “{}” — {}. Its articles are kept for {days} day{} (`tidings add {}` brings the feed back with them){}.",
            f.title,
            f.url,
            if days == 1 { "" } else { "s" },
            f.url,
            match starred {
                0 => String::new(),
                1 => "; its starred article stays".to_string(),
                n => format!("; its {n} starred articles stay"),
            }
        ))?,
        None => out.line(format!("Unsubscribed from feed {id}"))?,
    }
    // A feed the server holds is unsubscribed there too: now, or at the next sync.
    if feed.is_some_and(|f| f.source.is_some()) && ctx.config.sync.is_some() {
        let synced = match runtime()?.block_on(super::sync::sync_report(ctx, &mut store, true, Removals::Few))
        {
            Ok(Ok(report)) => Ok(report),
            Ok(Err(failed)) => Err(failed.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match synced {
            Ok(report) => {
                super::sync::tell_refusals(&report);
                out.line("Unsubscribed on the server too.")?;
            }
            Err(why) => {
                out.line("The server is told at the next sync.")?;
                super::warn(format!("tidings: {why}"));
            }
        }
    }
    Ok(())
}

pub(super) fn import(ctx: &Context, out: &mut Out, file: &Path) -> Result<()> {
    let bytes = read_input(file)?;
    let name =
        if file.as_os_str() == "-" { "standard input".to_string() } else { file.display().to_string() };
    let mut store = ctx.open_store()?;
    let crate::subscribe::Imported { format, added, present, rejected } =
        crate::subscribe::import(&mut store, &bytes)?;
    for r in &rejected {
        super::warn(format!("{name}:{}: rejected {}: {}", r.line, r.what, r.reason));
    }
    if added + present == 0 {
        let refused = match rejected.len() {
            0 => String::new(),
            1 => " (1 entry rejected)".to_string(),
            n => format!(" ({n} entries rejected)"),
        };
        bail!(
            "nothing to import from {name}: no feed addresses found{refused}; \
             tidings reads OPML 1.0/2.0 (outlines with xmlUrl) and newsboat urls files (one URL a line)"
        );
    }
    let kind = match format {
        ListFormat::Opml => "OPML",
        ListFormat::NewsboatUrls => "newsboat urls",
    };
    out.line(format!(
        "Imported {name} ({kind}): {added} added, {present} already there, {} rejected",
        rejected.len()
    ))?;
    if added > 0 {
        out.line("Run `tidings refresh` to fetch their articles.")?;
    }
    Ok(())
}

fn read_input(file: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if file.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut bytes).context("cannot read standard input")?;
    } else {
        bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    }
    Ok(bytes)
}

pub(super) fn export(ctx: &Context, out: &mut Out) -> Result<()> {
    let store = ctx.open_store()?;
    let feeds = store.feeds()?;
    let text = opml::write(&feeds, Utc::now());
    out.line(text.trim_end())
}
