//! `add`, `remove`, `import`, `export`.

use std::io::Read;
use std::path::Path;

use anyhow::{Context as _, Result};
use chrono::Utc;

use super::{Context, Out, resolve_feed, runtime};
use crate::domain::NewFeed;
use crate::feed::fetch::{Fetcher, parse_http_url};
use crate::feed::opml;
use crate::feed::subscriptions::ListFormat;

pub(super) fn add(
    ctx: &Context,
    out: &mut Out,
    url: &str,
    title: Option<String>,
    tags: Vec<String>,
    no_fetch: bool,
) -> Result<()> {
    let url = parse_http_url(url)?.to_string();
    let title = title.map(|t| crate::text::sanitize::single_line(&t)).filter(|t| !t.is_empty());
    let mut store = ctx.open_store()?;
    if no_fetch {
        let added = store.add_feed(&NewFeed { url: url.clone(), title, tags }, Utc::now())?;
        let verb = if added.created { "Subscribed to" } else { "Already subscribed to" };
        return out.line(format!("{verb} {url} (id {})", added.id));
    }
    let fetcher = Fetcher::new(&ctx.config.refresh)?;
    let mut found = runtime()?.block_on(crate::subscribe::find_feed(&fetcher, &url))?;
    let (feed_url, others) = (found.url.clone(), std::mem::take(&mut found.others));
    let done = crate::subscribe::store_found(&mut store, found, title, tags, &ctx.config.retention)?;
    if done.created {
        out.line(format!(
            "Subscribed to “{}” — {feed_url} (id {}), {} articles",
            done.title, done.id, done.new
        ))?;
    } else {
        out.line(format!("Already subscribed to “{}” — {feed_url} (id {})", done.title, done.id))?;
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

pub(super) fn remove(ctx: &Context, out: &mut Out, spec: &str) -> Result<()> {
    let mut store = ctx.open_store()?;
    let id = resolve_feed(&store, spec)?;
    let feed = store.feed(id)?;
    store.remove_feed(id)?;
    match feed {
        Some(f) => {
            out.line(format!("Unsubscribed from “{}” — {} ({} articles deleted)", f.title, f.url, f.total))
        }
        None => out.line(format!("Unsubscribed from feed {id}")),
    }
}

pub(super) fn import(ctx: &Context, out: &mut Out, file: &Path) -> Result<()> {
    let bytes = read_input(file)?;
    let mut store = ctx.open_store()?;
    let crate::subscribe::Imported { format, added, present, rejected } =
        crate::subscribe::import(&mut store, &bytes)?;
    for r in &rejected {
        eprintln!("{}:{}: rejected {}: {}", file.display(), r.line, r.what, r.reason);
    }
    let kind = match format {
        ListFormat::Opml => "OPML",
        ListFormat::NewsboatUrls => "newsboat urls",
    };
    out.line(format!(
        "Imported {} ({kind}): {added} added, {present} already there, {} rejected",
        file.display(),
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
