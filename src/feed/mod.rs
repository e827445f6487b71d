//! Everything between a feed URL and a normalised feed: HTTP, charsets, parsing, normalising,
//! autodiscovery, and the subscription list formats (OPML, newsboat urls).

pub mod cdata;
pub mod charset;
pub mod discover;
pub mod fetch;
pub mod normalize;
pub mod opml;
pub mod parse;
pub mod pool;
pub mod repair;
pub mod source;
pub mod subscriptions;
pub mod urls;

pub use fetch::{FetchError, Fetched, Fetcher, Validators};
pub use parse::{ParseError, parse};
