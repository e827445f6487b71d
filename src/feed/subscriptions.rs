//! Subscription lists read from files (OPML or newsboat's urls), format detected from content.

use super::fetch::parse_http_url;
use super::source::Source;

/// A feed found in a subscription list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportEntry {
    /// 1-based line in the file.
    pub line: usize,
    /// The feed URL (checked: absolute http or https).
    pub url: String,
    /// The title the list gives it.
    pub title: Option<String>,
    /// Tags (folders, categories, newsboat tags).
    pub tags: Vec<String>,
}

/// A line that could not be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    /// 1-based line in the file.
    pub line: usize,
    /// What was there.
    pub what: String,
    /// Why it was refused.
    pub reason: String,
}

/// Everything read from a list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportList {
    /// Feeds to subscribe to, in file order.
    pub entries: Vec<ImportEntry>,
    /// Lines refused.
    pub rejected: Vec<Rejected>,
}

impl ImportList {
    /// Adds a feed after checking its URL: http(s) only. A bad one becomes a rejection, and so
    /// does a `file:` or `exec:` one, said plainly: a list from elsewhere (an OPML download)
    /// must not make tidings run commands or read local files.
    pub(super) fn push(&mut self, line: usize, url: &str, title: Option<String>, tags: Vec<String>) {
        if Source::is_local_address(url) {
            let reason = "not subscribed: a list from elsewhere must not make tidings run a command or read \
                          a local file; if it is yours, add it with `tidings add`"
                .to_string();
            self.rejected.push(Rejected { line, what: url.to_string(), reason });
            return;
        }
        match parse_http_url(url) {
            Ok(parsed) => self.entries.push(ImportEntry { line, url: parsed.to_string(), title, tags }),
            Err(e) => self.rejected.push(Rejected { line, what: url.to_string(), reason: e.to_string() }),
        }
    }

    /// Adds a feed of the user's own list (newsboat's urls file), where `file:` and `exec:`
    /// subscriptions are the user's own and kept as written.
    pub(super) fn push_own(&mut self, line: usize, url: &str, title: Option<String>, tags: Vec<String>) {
        if !Source::is_local_address(url) {
            return self.push(line, url, title, tags);
        }
        match Source::parse(url) {
            Ok(_) => self.entries.push(ImportEntry { line, url: url.trim().to_string(), title, tags }),
            Err(e) => self.rejected.push(Rejected { line, what: url.to_string(), reason: e.to_string() }),
        }
    }
}

/// The formats `tidings import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    /// OPML 1.0 or 2.0.
    Opml,
    /// newsboat's urls file.
    NewsboatUrls,
}

/// Reads a subscription list, telling OPML from a urls file by its first character.
pub fn read_list(text: &str) -> (ListFormat, ImportList) {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with('<') {
        (ListFormat::Opml, super::opml::read(text))
    } else {
        (ListFormat::NewsboatUrls, super::urls::read(text))
    }
}
