//! Parsing outside HTML within bounds: every parse of a feed's content or a fetched page goes
//! through here. The markup's nesting is first kept within [`MAX_DEPTH`] levels
//! ([`super::nesting::flatten`]), which keeps the parser's work linear; then html5ever is fed
//! the markup in chunks, and a parse still running when its time budget is spent stops where it
//! got to (the rest is left out, and the caller says so).

use std::time::{Duration, Instant};

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::TreeSink;
use html5ever::{ParseOpts, QualName, local_name, ns};
use scraper::{Html, HtmlTreeSink};
use tracing::{debug, warn};

use super::nesting;

/// Elements nested deeper than this are flattened: their tags are left out, their text kept.
/// Real pages stay well within it (the deepest seen run to about a hundred levels).
pub const MAX_DEPTH: usize = 256;

/// How long one parse of outside HTML may take. A linear parse of the largest body a feed may
/// send takes a fraction of it.
pub const PARSE_BUDGET: Duration = Duration::from_secs(5);

/// How much markup the parser is given between two looks at the clock.
const CHUNK: usize = 32 << 10;

/// A parse of outside HTML, and what was done to keep it within bounds.
#[derive(Debug)]
pub struct Parsed<T> {
    /// The tree.
    pub tree: T,
    /// Tags left out because they nested too deeply.
    pub flattened: usize,
    /// Whether the time ran out before the end of the markup (the rest was left out).
    pub cut: bool,
}

/// Parses a body fragment (feed content), the way [`Html::parse_fragment`] does, within bounds.
pub fn fragment(html: &str) -> Parsed<Html> {
    fragment_within(html, PARSE_BUDGET)
}

/// [`fragment`] with a time budget of `budget`.
pub fn fragment_within(html: &str, budget: Duration) -> Parsed<Html> {
    let context = QualName::new(None, ns!(html), local_name!("body"));
    let parser = html5ever::parse_fragment(
        HtmlTreeSink::new(Html::new_fragment()),
        ParseOpts::default(),
        context,
        Vec::new(),
        false,
    );
    // scraper parses with scripting on: a <noscript> holds text.
    parse(parser, html, true, budget)
}

/// Parses a whole page, the way [`Html::parse_document`] does, within bounds.
pub fn document(html: &str) -> Parsed<Html> {
    let parser = html5ever::parse_document(HtmlTreeSink::new(Html::new_document()), ParseOpts::default());
    parse(parser, html, true, PARSE_BUDGET)
}

/// Flattens `html` (with the parser's `scripting` flag) and feeds it to `parser` in chunks, until
/// the end or until `budget` is spent.
pub(crate) fn parse<S: TreeSink>(
    mut parser: html5ever::Parser<S>,
    html: &str,
    scripting: bool,
    budget: Duration,
) -> Parsed<S::Output> {
    let started = Instant::now();
    let flat = nesting::flatten(html, MAX_DEPTH, scripting);
    if flat.dropped > 0 {
        debug!(deepest = flat.deepest, dropped = flat.dropped, "markup nested too deeply was flattened");
    }
    let mut rest: &str = &flat.html;
    let mut cut = false;
    while !rest.is_empty() {
        if started.elapsed() > budget {
            warn!(left = rest.len(), "parsing stopped after {budget:?}: the rest of the markup is left out");
            cut = true;
            break;
        }
        let mut end = CHUNK.min(rest.len());
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        parser.process(StrTendril::from_slice(&rest[..end]));
        rest = &rest[end..];
    }
    Parsed { tree: parser.finish(), flattened: flat.dropped, cut }
}
