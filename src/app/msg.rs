//! Everything that can happen to the reader, as owned data: input already turned into actions,
//! time passing, and facts reported by the worker (what it did, never what to do next).
//! `update` is the only consumer, and decides every follow-up.

use chrono::{DateTime, Utc};

use super::action::Action;
use crate::domain::{Article, ArticleId, ArticleSummary, Feed, NewFeed};
use crate::refresh::{FeedResult, Summary};
use crate::text::article::Prepared;

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
    /// It replaces the loaded rows after a refresh stored new articles, which may sort
    /// anywhere among them: the newest end again, as many rows, the same article selected on
    /// the same line.
    Refill,
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
    /// Saved searches with their unread counts.
    pub searches: Vec<(crate::store::SavedSearch, u64)>,
}

/// What the worker was doing when something failed: named in the message the user sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    /// Reading a page of the list from the cache.
    LoadList,
    /// Reading an article from the cache.
    LoadArticle,
    /// Finding related articles.
    LoadRelated,
    /// Reading feeds and counts from the cache.
    LoadSidebar,
    /// Writing read or starred marks.
    Mark,
    /// Marking a view read.
    MarkAllRead,
    /// Refreshing feeds.
    Refresh,
    /// Importing a subscription list.
    Import,
    /// Unsubscribing.
    Unsubscribe,
    /// Bringing an unsubscribed feed back.
    Restore,
    /// Saving or removing a saved search.
    Searches,
    /// Starting the browser.
    Browser,
    /// Writing to the terminal (the clipboard sequence), or the local clipboard command.
    Clipboard,
    /// Fetching an article's full text.
    FullText,
    /// Starting the enclosure player.
    Player,
}

impl Task {
    /// What was being done, as the start of a sentence ("Marking articles failed: …").
    pub fn doing(self) -> &'static str {
        match self {
            Task::LoadList => "Reading the list from the cache",
            Task::LoadArticle => "Reading the article from the cache",
            Task::LoadRelated => "Looking for related articles",
            Task::LoadSidebar => "Reading the feeds from the cache",
            Task::Mark => "Saving the read and star marks",
            Task::MarkAllRead => "Marking the view read",
            Task::Refresh => "The refresh",
            Task::Import => "The import",
            Task::Unsubscribe => "Unsubscribing",
            Task::Restore => "Bringing the feed back",
            Task::Searches => "Saving the sidebar's searches",
            Task::Browser => "Opening the browser",
            Task::Clipboard => "Copying the link",
            Task::FullText => "Fetching the full text",
            Task::Player => "Playing the enclosure",
        }
    }
}

/// The outcome of subscribing to one URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubscribeOutcome {
    /// Subscribed (or it was already).
    Subscribed {
        /// The feed's title.
        title: String,
        /// The URL subscribed to (the feed a page advertised, after redirects).
        url: String,
        /// False when it was subscribed already.
        created: bool,
        /// Articles stored now.
        new: usize,
        /// Other feeds the page advertised.
        others: Vec<String>,
    },
    /// It failed; nothing was subscribed.
    Failed {
        /// One sentence: what happened.
        reason: String,
        /// The server could not be reached at all (no network, no such host, refused).
        unreachable: bool,
    },
}

/// A message for `update`.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// A key (or key sequence) bound to an action.
    Action(Action),
    /// A digit typed while reading: part of a link number.
    Digit(u8),
    /// Text typed or pasted into the open prompt.
    Text(String),
    /// The terminal's new size (columns, rows).
    Resize(u16, u16),
    /// Time passes: the clock for "today" in the list, messages and the periodic refresh.
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
    /// A page of the list was read.
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
        /// What the user should know about the view's query (a filter that matched nothing).
        notes: Vec<String>,
    },
    /// "Top stories" was read: the list's rows are their newest articles.
    TopStoriesLoaded {
        /// The request it answers.
        req: u64,
        /// Where it goes (the whole list; a refill after a refresh keeps the selection).
        kind: PageKind,
        /// The day's stories.
        top: Box<crate::domain::TopStories>,
    },
    /// An article was read and its body parsed.
    ArticleLoaded {
        /// The request it answers.
        req: u64,
        /// The article and its parsed body.
        article: Box<(Article, Prepared)>,
    },
    /// An article's full text was fetched and stored, or could not be.
    FullTextFetched {
        /// The article.
        id: ArticleId,
        /// Its title (for the message).
        title: String,
        /// The article with its full text, parsed; or why there is none (one sentence).
        result: Result<Box<(Article, Prepared)>, String>,
    },
    /// Related articles were found.
    RelatedLoaded {
        /// The request it answers.
        req: u64,
        /// Related articles, best first.
        items: Vec<ArticleSummary>,
        /// The other sources of its story, newest first (not among `items`).
        story: Vec<ArticleSummary>,
    },
    /// Feeds, tags and counts were read.
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
    /// A sync with the server of `[sync]` is at this step (shown until it ends).
    SyncProgress(String),
    /// A sync ended: its summary, or why it failed (what happened and what to do).
    SyncFinished(Result<String, String>),
    /// The search index took articles in and has this many left (sent at most twice a second,
    /// and always when it reaches 0).
    IndexProgress {
        /// Articles not yet searchable.
        remaining: u64,
    },
    /// Subscribing to feeds ended: one outcome per feed asked for, in order.
    Subscribed(Vec<(NewFeed, SubscribeOutcome)>),
    /// A subscription list was read into the cache.
    Imported {
        /// The file.
        path: String,
        /// Feeds new to the cache.
        added: usize,
        /// Feeds already there.
        present: usize,
        /// Lines refused, with why: (line, reason).
        rejected: Vec<(usize, String)>,
    },
    /// These articles were unread and are now marked read (a mark-all).
    MarkedRead(Vec<ArticleId>),
    /// A feed was unsubscribed: it is kept as a tombstone (its articles hidden, its starred
    /// ones still shown) until `retention.keep_unsubscribed_days` have passed.
    Unsubscribed {
        /// Its id (kept, for undo).
        id: crate::domain::FeedId,
        /// Its title.
        title: String,
        /// The sync server held it: it is unsubscribed there at the next sync.
        synced: bool,
        /// Its starred articles, which stay in view.
        starred: u64,
    },
    /// A saved search was removed from the sidebar.
    SearchForgotten {
        /// The query.
        query: String,
        /// When it had been saved (`None`: it was not saved).
        saved: Option<chrono::DateTime<chrono::Utc>>,
        /// The sidebar without it.
        sidebar: Box<SidebarData>,
    },
    /// An unsubscribed feed is back as it was (undo).
    Restored {
        /// The feed.
        id: crate::domain::FeedId,
        /// Its title.
        title: String,
    },
    /// A sync left synced feeds alone that the server no longer lists, because they are
    /// most of them: the user is asked whether to unsubscribe from them here.
    SyncRemovalsHeld {
        /// The server.
        host: String,
        /// Feeds the server no longer lists.
        held: usize,
        /// Synced feeds in all.
        synced: usize,
    },
    /// Something the worker did failed.
    Failed {
        /// What it was doing.
        task: Task,
        /// One sentence: what happened (the detail is in the log).
        error: String,
    },
    /// A worker thread stopped (it panicked); what it did no longer happens.
    WorkerStopped {
        /// The thread's name.
        thread: String,
        /// Why, as far as known.
        reason: String,
    },
    /// A problem found while starting (a bad theme or keys file): shown until read.
    Warning(String),
    /// The worker is running: the reader may start its work (the refresh on start).
    Ready,
    /// Leave now (a signal, or the terminal went away).
    Quit,
}
