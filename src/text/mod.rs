//! Feed text: sanitising, HTML to blocks, and blocks to wrapped terminal lines.
//!
//! The pipeline is `html::parse` (once per article) followed by `reflow::reflow` (once per
//! article and width; the UI caches the lines and only slices them when drawing). For a whole
//! article with its header, `article::prepare` does the parsing once and `article::layout` the
//! wrapping at each width. Titles and names go through `sanitize::html_to_line`. Every string that leaves this module has been
//! through `sanitize::clean_text`, so none of it can drive the terminal.

pub mod address;
pub mod article;
pub mod bounded;
pub mod columns;
pub(crate) mod entities;
#[cfg(test)]
mod hostile_tests;
pub mod html;
pub mod nesting;
pub mod reflow;
pub mod sanitize;
#[cfg(test)]
mod test_support;

pub use html::{Block, Document, Inline, Style, parse};
pub use reflow::{Line, LineKind, Span, reflow};
pub use sanitize::{clean_text, html_to_line, single_line};
