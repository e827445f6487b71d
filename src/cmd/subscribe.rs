//! `add`, `remove`, `import`, `export`.

use std::io::Read;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use chrono::Utc;

use super::{Context, Out, resolve_feed, runtime};
use crate::domain::{NewFeed, ParsedFeed};
use crate::feed::discover::{Discovered, discover};
use crate::feed::fetch::{Fetched, Fetcher, Validators, parse_http_url};
use crate::feed::subscriptions::{ListFormat, read_list};
use crate::feed::{ParseError, charset, opml};
use crate::store::{FetchRecord, PreparedFeed};

/// A feed found at the URL the user gave, ready to subscribe to.
struct Found {
    url: String,
    fetched: Fetched,
    feed: ParsedFeed,
    /// Other feeds the page advertised.
    others: Vec<Discovered>,
}

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
    let found = runtime()?.block_on(find_feed(&fetcher, &url))?;
    let added = store.add_feed(&NewFeed { url: found.url.clone(), title, tags }, Utc::now())?;
    let record = FetchRecord {
        status: Some(found.fetched.status),
        etag: found.fetched.validators.etag.clone(),
        last_modified: found.fetched.validators.last_modified.clone(),
        body_hash: Some(xxhash_rust::xxh3::xxh3_64(&found.fetched.body) as i64),
        new_url: None,
    };
    let stored = store.ingest(
        added.id,
        &record,
        &PreparedFeed::from(found.feed),
        &ctx.config.retention,
        Utc::now(),
    )?;
    let name = store.feed(added.id)?.map_or_else(|| found.url.clone(), |f| f.title);
    if added.created {
        out.line(format!(
            "Subscribed to “{name}” — {} (id {}), {} articles",
            found.url, added.id, stored.new
        ))?;
    } else {
        out.line(format!("Already subscribed to “{name}” — {} (id {})", found.url, added.id))?;
    }
    if !found.others.is_empty() {
        out.line("The page also advertises:")?;
        for other in &found.others {
            let label = other.title.as_deref().map(|t| format!(" “{t}”")).unwrap_or_default();
            out.line(format!("  {} ({}){label}", other.url, other.kind))?;
        }
    }
    Ok(())
}

/// Fetches `url`; a feed is taken as is, a web page is searched for the feeds it advertises.
async fn find_feed(fetcher: &Fetcher, url: &str) -> Result<Found> {
    let fetched =
        fetcher.fetch(url, &Validators::default()).await.with_context(|| format!("cannot fetch {url}"))?;
    let feed_url = fetched.moved_to.clone().unwrap_or_else(|| url.to_string());
    match crate::feed::parse(&fetched.body, fetched.charset(), &fetched.final_url) {
        Ok(feed) => return Ok(Found { url: feed_url, fetched, feed, others: Vec::new() }),
        Err(ParseError::Html) => {}
        Err(e) => bail!("{url} is {}", lowercase_first(&e.to_string())),
    }
    let (page, _) = charset::decode(&fetched.body, fetched.charset());
    let base = url::Url::parse(&fetched.final_url)?;
    let mut candidates = discover(&page, &base);
    if candidates.is_empty() {
        bail!("{url} is a web page that advertises no feed; look for an RSS or Atom link on it");
    }
    let first = candidates.remove(0);
    let fetched = fetcher
        .fetch(&first.url, &Validators::default())
        .await
        .with_context(|| format!("the page advertises {}, but it cannot be fetched", first.url))?;
    let feed = crate::feed::parse(&fetched.body, fetched.charset(), &fetched.final_url)
        .with_context(|| format!("the page advertises {}, but it is not a usable feed", first.url))?;
    let url = fetched.moved_to.clone().unwrap_or(first.url);
    Ok(Found { url, fetched, feed, others: candidates })
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
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
    let (text, _) = charset::decode(&bytes, None);
    let (format, list) = read_list(&text);
    let mut store = ctx.open_store()?;
    let (mut added, mut present) = (0, 0);
    let now = Utc::now();
    for entry in &list.entries {
        let new = NewFeed { url: entry.url.clone(), title: entry.title.clone(), tags: entry.tags.clone() };
        if store.add_feed(&new, now)?.created {
            added += 1;
        } else {
            present += 1;
        }
    }
    for r in &list.rejected {
        eprintln!("{}:{}: rejected {}: {}", file.display(), r.line, r.what, r.reason);
    }
    let kind = match format {
        ListFormat::Opml => "OPML",
        ListFormat::NewsboatUrls => "newsboat urls",
    };
    out.line(format!(
        "Imported {} ({kind}): {added} added, {present} already there, {} rejected",
        file.display(),
        list.rejected.len()
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
