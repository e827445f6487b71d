//! Reading an article out of a web page, within bounds whatever the page holds.
//!
//! The page is parsed as all outside HTML is ([`crate::text::bounded`]: nesting flattened past
//! [`MAX_DEPTH`](crate::text::bounded::MAX_DEPTH) levels, a time budget), into the tree
//! [`dom_smoothie`] reads. Readability walks that tree by recursion and in time that grows with
//! its depth, so before it runs the tree is measured (without recursion) and refused when it is
//! deeper than [`MAX_PAGE_DEPTH`] (markup that fooled the flattening) or larger than
//! [`MAX_ELEMENTS`]. [`read_page`] runs all this on a thread of its own with a stack to spare,
//! and stops waiting for it after [`READ_BUDGET`].

use std::time::Duration;

use html5ever::tree_builder::TreeBuilderOpts;
use tracing::{debug, warn};

use super::FullTextError;
use crate::text::bounded::{self, PARSE_BUDGET};

/// Extracted text shorter than this many characters is not an article (a sign-in wall, an
/// empty page that a script fills in, a cookie banner).
const MIN_TEXT_CHARS: usize = 200;

/// Pages whose tree is deeper than this (after flattening) are not read.
pub const MAX_PAGE_DEPTH: usize = 512;

/// Pages with more elements than this are not read (large real pages have tens of thousands).
pub const MAX_ELEMENTS: usize = 200_000;

/// How long [`read_page`] waits for the text of one page.
pub const READ_BUDGET: Duration = Duration::from_secs(20);

/// The stack of the thread that reads a page: readability recurses once per level of the tree,
/// which [`MAX_PAGE_DEPTH`] bounds; this leaves room many times over.
const READ_STACK: usize = 64 << 20;

/// Extracts the main text of a web page as HTML; `url` is the page's address (relative links
/// are resolved against it by the renderer later). Fails with [`FullTextError::NoText`] when
/// nothing on the page reads like an article, and with the reason when the page is beyond the
/// bounds above.
pub fn extract(page: &str, url: &str) -> Result<String, FullTextError> {
    extract_within(page, url, MAX_PAGE_DEPTH, MAX_ELEMENTS)
}

/// [`extract`], refusing pages deeper than `max_depth` or with more than `max_elements`.
fn extract_within(
    page: &str,
    url: &str,
    max_depth: usize,
    max_elements: usize,
) -> Result<String, FullTextError> {
    let no_text = || FullTextError::NoText { url: url.to_string() };
    // A relative or odd URL only costs link resolution; extraction still works without it.
    let document_url = url::Url::parse(url).ok().filter(|u| u.scheme().starts_with("http"));
    // As dom_smoothie parses: without scripting (a <noscript> holds markup it may want).
    let opts = html5ever::ParseOpts {
        tree_builder: TreeBuilderOpts { scripting_enabled: false, ..TreeBuilderOpts::default() },
        ..html5ever::ParseOpts::default()
    };
    let parser = html5ever::parse_document(dom_query::Document::default(), opts);
    let parsed = bounded::parse(parser, page, false, PARSE_BUDGET);
    if parsed.cut {
        return Err(FullTextError::TooSlow { url: url.to_string(), seconds: PARSE_BUDGET.as_secs() });
    }
    let (depth, elements) = shape(&parsed.tree);
    debug!(depth, elements, flattened = parsed.flattened, "the page of {url}");
    if depth > max_depth {
        return Err(FullTextError::TooDeep { url: url.to_string(), limit: max_depth });
    }
    if elements > max_elements {
        return Err(FullTextError::TooLarge { url: url.to_string(), limit: max_elements });
    }
    let mut reader = dom_smoothie::Readability::with_document(
        parsed.tree,
        document_url.as_ref().map(url::Url::as_str),
        None,
    )
    .map_err(|e| {
        debug!("readability refused {url}: {e}");
        no_text()
    })?;
    let article = reader.parse().map_err(|e| {
        debug!("no article in {url}: {e}");
        no_text()
    })?;
    if article.text_content.trim().chars().count() < MIN_TEXT_CHARS {
        return Err(no_text());
    }
    Ok(article.content.to_string())
}

/// The depth of the deepest element of a parsed page and how many elements it has, walked
/// without recursion.
fn shape(doc: &dom_query::Document) -> (usize, usize) {
    let (mut deepest, mut elements) = (0, 0);
    let mut stack = vec![(doc.root(), 0_usize)];
    while let Some((node, depth)) = stack.pop() {
        if node.is_element() {
            elements += 1;
            deepest = deepest.max(depth);
        }
        let mut child = node.first_child();
        while let Some(c) = child {
            child = c.next_sibling();
            stack.push((c, depth + 1));
        }
    }
    (deepest, elements)
}

/// [`extract`] on a thread of its own (with a stack to spare), waited for at most
/// [`READ_BUDGET`]. A read that takes longer goes on alone until it ends, and its result is
/// dropped.
pub async fn read_page(page: String, url: String) -> Result<String, FullTextError> {
    read_page_within(page, url, READ_BUDGET).await
}

/// [`read_page`] with a budget of `budget`.
pub async fn read_page_within(page: String, url: String, budget: Duration) -> Result<String, FullTextError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let at = url.clone();
    let spawned = std::thread::Builder::new().name("tidings-read-page".into()).stack_size(READ_STACK).spawn(
        move || {
            // The receiver may have stopped waiting.
            let _ = tx.send(extract(&page, &at));
        },
    );
    if let Err(e) = spawned {
        return Err(FullTextError::Stopped { url, why: format!("no thread to read it on ({e})") });
    }
    match tokio::time::timeout(budget, rx).await {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(_)) => {
            warn!("reading {url} stopped without an answer");
            Err(FullTextError::Stopped { url, why: "an internal error".into() })
        }
        Err(_) => {
            warn!("reading {url} took over {budget:?}; it is left to finish alone");
            Err(FullTextError::TooSlow { url, seconds: budget.as_secs() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = include_str!("../../tests/data/fulltext/article.html");
    const URL: &str = "https://gazette.example/tide";

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
    }

    #[test]
    fn pages_beyond_the_bounds_are_refused_with_the_reason() {
        let deep = extract_within(ARTICLE, URL, 5, MAX_ELEMENTS).unwrap_err();
        assert_eq!(deep.to_string(), format!("the page {URL} is nested too deeply to read (over 5 levels)"));
        let large = extract_within(ARTICLE, URL, MAX_PAGE_DEPTH, 20).unwrap_err();
        assert_eq!(large.to_string(), format!("the page {URL} is too large to read (over 20 elements)"));
        assert!(!deep.transient() && !large.transient());
        assert!(extract_within(ARTICLE, URL, 30, 2_000).is_ok(), "the real page is within both");
    }

    #[test]
    fn a_page_read_too_slowly_is_given_up() {
        let slow = runtime().block_on(read_page_within(ARTICLE.repeat(50), URL.into(), Duration::ZERO));
        assert_eq!(slow.unwrap_err().to_string(), format!("reading the page {URL} took over 0 s"));
    }

    #[test]
    fn pages_nested_100k_deep_are_read_or_refused_without_crashing() {
        let article: String = ARTICLE.lines().filter(|l| l.contains("<p>")).collect();
        for (open, close) in [("<span><b>", "</b></span>"), ("<div>", "</div>"), ("<ul><li>", "</li></ul>")] {
            let page = format!(
                "<html><body>{}{article}{}</body></html>",
                open.repeat(100_000),
                close.repeat(100_000)
            );
            let outcome = runtime().block_on(read_page(page, URL.into()));
            let text = outcome.unwrap_or_else(|e| panic!("{open}: {e}"));
            assert!(text.contains("lowest tides of the year"), "{open}: {text}");
        }
    }
}
