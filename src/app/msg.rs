//! Everything that can happen to the reader, as owned data: input already turned into actions,
//! and results sent back by the worker. `update` is the only consumer.

use chrono::{DateTime, Utc};

use super::action::Action;
use crate::domain::{Article, ArticleSummary, Feed};
use crate::keymap::TextKey;
use crate::refresh::{FeedResult, Summary};

/// How a loaded page joins the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageKind {
    /// It is the whole list from now on (a new view, or a jump to the start or end).
    Replace {
        /// The page starts at the oldest article (a jump to the end).
        from_end: bool,
    },
    /// It goes after the last row (older articles).
    Append,
    /// It goes before the first row (newer articles).
    Prepend,
}

/// The sidebar's content.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SidebarData {
    /// Every feed, with counts and its last error.
    pub feeds: Vec<Feed>,
    /// Every tag with its unread count.
    pub tags: Vec<(String, u64)>,
    /// Unread articles in all feeds.
    pub unread: u64,
    /// All articles.
    pub total: u64,
    /// Starred articles.
    pub starred: u64,
}

/// A message for `update`.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// A key (or key sequence) bound to an action.
    Action(Action),
    /// A digit typed while reading: part of a link number.
    Digit(u8),
    /// A key typed into the open prompt.
    Text(TextKey),
    /// The terminal's new size (columns, rows).
    Resize(u16, u16),
    /// Time passes (for "today" in the list and periodic refresh).
    Tick(DateTime<Utc>),
    /// The mouse wheel turned over a cell (`down` for towards the user).
    Scroll {
        /// Column.
        x: u16,
        /// Row.
        y: u16,
        /// Direction.
        down: bool,
    },
    /// A left click on a cell.
    Click {
        /// Column.
        x: u16,
        /// Row.
        y: u16,
    },
    /// A page of the list arrived.
    PageLoaded {
        /// The request it answers.
        req: u64,
        /// Where it goes.
        kind: PageKind,
        /// Its articles, newest first.
        rows: Vec<ArticleSummary>,
        /// Whether the page was full (more may lie beyond it).
        full: bool,
        /// (total, unread) of the view.
        counts: (u64, u64),
    },
    /// The open article's text arrived.
    ArticleLoaded {
        /// The request it answers.
        req: u64,
        /// The article.
        article: Box<Article>,
    },
    /// The "read also" list arrived.
    RelatedLoaded {
        /// The request it answers.
        req: u64,
        /// Related articles, best first.
        items: Vec<ArticleSummary>,
    },
    /// Feeds, tags and counts for the sidebar and the status line.
    SidebarLoaded(Box<SidebarData>),
    /// A refresh began.
    RefreshStarted {
        /// Feeds to fetch.
        total: usize,
    },
    /// One feed of the refresh is stored.
    FeedRefreshed(FeedResult),
    /// The refresh ended.
    RefreshFinished(Summary),
    /// The search index has this many articles left to take in.
    IndexProgress {
        /// Articles not yet searchable.
        remaining: u64,
    },
    /// A feed was subscribed to.
    FeedAdded {
        /// What to tell the user.
        message: String,
    },
    /// Something worth a line in the status bar.
    Notice(String),
    /// Something went wrong; shown in the status bar and logged.
    Error(String),
    /// Leave now (a signal, or the terminal went away).
    Quit,
}
