//! `search` and `related`: the reader's search and "read also" lists on the command line.

use anyhow::{Result, bail};
use serde::Serialize;

use super::read::print_articles;
use super::{Context, Out};
use crate::domain::{ArticleId, ArticleSummary};
use crate::index::SearchQuery;
use crate::store::Store;

/// An article as `--json` prints it: the fields of `articles --json`, plus its score.
#[derive(Serialize)]
struct Scored<'a> {
    #[serde(flatten)]
    article: &'a ArticleSummary,
    source: &'a str,
    score: f32,
}

/// Articles waiting to be indexed beyond which the user is told why the answer takes a while.
const SAY_INDEXING: u64 = 2_000;

/// Indexes what the reader has not indexed yet, so the answer covers the whole cache.
fn catch_up(store: &mut Store) -> Result<()> {
    let mut told = false;
    loop {
        let progress = store.index_some(500)?;
        if progress.remaining == 0 {
            return Ok(());
        }
        if !told && progress.remaining > SAY_INDEXING {
            super::warn(format!(
                "tidings: indexing {} articles first (the reader does this in the background)…",
                progress.remaining
            ));
            told = true;
        }
    }
}

fn print(out: &mut Out, store: &Store, found: &[(ArticleSummary, f32)], json: bool) -> Result<()> {
    if json {
        let sources = store.feed_sources()?;
        let rows: Vec<Scored<'_>> = found
            .iter()
            .map(|(article, score)| Scored {
                article,
                source: sources.get(&article.feed_id).map_or("local", String::as_str),
                score: *score,
            })
            .collect();
        return out.json(&rows);
    }
    let page: Vec<ArticleSummary> = found.iter().map(|(a, _)| a.clone()).collect();
    print_articles(out, &page)
}

pub(super) fn search(ctx: &Context, out: &mut Out, query: &str, limit: usize, json: bool) -> Result<()> {
    let mut store = ctx.open_store()?;
    catch_up(&mut store)?;
    let parsed = SearchQuery::parse(query);
    if parsed.is_empty() {
        bail!("nothing to search for in {query:?} (see `tidings search --help`)");
    }
    let results = store.search(&parsed, limit)?;
    for p in &results.problems {
        super::warn(format!("tidings: {p}"));
    }
    if results.articles.is_empty() && !json {
        return out.line(format!("No articles match {query:?}."));
    }
    print(out, &store, &results.articles, json)
}

pub(super) fn related(
    ctx: &Context,
    out: &mut Out,
    id: i64,
    limit: usize,
    json: bool,
    now: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> Result<()> {
    let mut store = ctx.open_store()?;
    let Some(article) = store.article(ArticleId(id))? else {
        bail!("no article with id {id} (see `tidings articles`)");
    };
    catch_up(&mut store)?;
    let now = now.map_or_else(|| chrono::Utc::now().timestamp(), |t| t.timestamp());
    let found = store.related_scored(&article, limit, now, &ctx.config.related)?;
    if found.is_empty() && !json {
        return out.line("Nothing closely related: no other cached article shares enough of its subject.");
    }
    print(out, &store, &found, json)
}
