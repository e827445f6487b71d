//! What `update` asks the outside world to do. [`Effect::target`] is the one place that says
//! who runs each: the worker's database thread, its network thread, a process of its own, or
//! the loop itself (what needs the terminal).

use super::msg::PageKind;
use crate::domain::{ArticleFilter, ArticleId, FeedId, NewFeed};
use crate::store::{Mark, Page};

/// Who runs an effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The worker's database thread (in order; superseded loads skipped).
    Database,
    /// The worker's thread for related articles: ranking takes longer than a page, so it has
    /// a connection of its own and never holds up the list (only the latest request runs).
    Related,
    /// The worker's network thread.
    Network,
    /// A child process started and watched by the worker (a GUI browser).
    Process,
    /// The loop: it owns the terminal.
    Terminal,
}

/// A request for work, answered (if at all) by a [`super::msg::Msg`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Load a page of the list; answered by `PageLoaded` with the same `req`.
    LoadPage {
        /// Request number: answers to older requests are dropped.
        req: u64,
        /// Which articles.
        filter: ArticleFilter,
        /// From where.
        page: Page,
        /// How many.
        limit: usize,
        /// Where the page goes in the list.
        kind: PageKind,
    },
    /// Load "Top stories" (one ranked page: nothing lies beyond it); answered by
    /// `TopStoriesLoaded` with the same `req`.
    LoadTopStories {
        /// Request number: answers to older requests are dropped.
        req: u64,
        /// Now: the day is the 24 hours before it.
        now: chrono::DateTime<chrono::Utc>,
        /// Only stories with an unread article.
        unread_only: bool,
        /// Where it goes in the list.
        kind: PageKind,
    },
    /// Load an article and parse its body; answered by `ArticleLoaded`.
    LoadArticle {
        /// Request number.
        req: u64,
        /// The article.
        id: ArticleId,
    },
    /// Load an article showing its full text (`true`, when stored) or the feed's text; answered
    /// by `ArticleLoaded`.
    ShowArticleText {
        /// Request number (shared with `LoadArticle`).
        req: u64,
        /// The article.
        id: ArticleId,
        /// The full text rather than the feed's.
        full_text: bool,
    },
    /// Fetch an article's page, extract and store its full text; answered by
    /// `FullTextFetched`.
    FetchFullText {
        /// The article.
        id: ArticleId,
    },
    /// Find articles related to one; answered by `RelatedLoaded`.
    LoadRelated {
        /// Request number.
        req: u64,
        /// The article.
        id: ArticleId,
    },
    /// Load feeds, tags and counts; answered by `SidebarLoaded`.
    LoadSidebar,
    /// Change read or starred state (already shown; a failure comes back as `Failed`).
    Mark {
        /// The articles.
        ids: Vec<ArticleId>,
        /// The change.
        mark: Mark,
    },
    /// Mark every article of a view read; answered by `MarkedRead` with what changed.
    MarkAllRead {
        /// The view.
        filter: ArticleFilter,
    },
    /// Refresh some feeds, or all; progress comes back as `RefreshStarted`, `FeedRefreshed`…
    Refresh {
        /// The feeds, or `None` for all.
        feeds: Option<Vec<FeedId>>,
        /// Of all feeds, only those due (the periodic refresh); see `refresh::Selection`.
        due_only: bool,
    },
    /// Subscribe to URLs (web pages are searched for their feed); answered by `Subscribed`.
    Subscribe {
        /// What to subscribe to.
        feeds: Vec<NewFeed>,
    },
    /// Import an OPML or newsboat urls file; answered by `Imported` or `Failed`.
    Import {
        /// Its path (`~/` is the home directory).
        path: String,
    },
    /// Unsubscribe from a feed (kept as a tombstone for undo); answered by `Unsubscribed`.
    Unsubscribe {
        /// The feed.
        feed: FeedId,
    },
    /// Bring an unsubscribed feed back as it was; answered by `Restored`.
    RestoreFeed {
        /// The feed.
        feed: FeedId,
    },
    /// Sync with the server of `[sync]` alone, unsubscribing here from whatever feeds it no
    /// longer lists (the user confirmed); answered like a refresh's sync.
    SyncConfirmingRemovals,
    /// Keep a search in the sidebar; answered by `SidebarLoaded`.
    SaveSearch {
        /// The query.
        query: String,
        /// Its place among the saved searches: when it was saved (`None`: now).
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Remove a search saved in the reader; answered by `SearchForgotten`.
    ForgetSearch {
        /// The query.
        query: String,
    },
    /// Run a browser command (an argument vector, never a shell).
    OpenBrowser {
        /// The command and its arguments.
        argv: Vec<String>,
        /// It runs in the terminal (w3m, lynx): the reader steps aside until it exits.
        /// Otherwise it is started and left to run.
        in_terminal: bool,
    },
    /// Put text on the clipboard with OSC 52 (written to the terminal).
    CopyToClipboard {
        /// The text.
        text: String,
    },
    /// Hand text to a local clipboard command on its stdin (wl-copy, xclip …; an argument
    /// vector, never a shell). Run by the worker's process runner: the loop never waits on it.
    CopyWithCommand {
        /// The command and its arguments.
        argv: Vec<String>,
        /// The text.
        text: String,
    },
    /// Play an enclosure with the configured player (an argument vector, never a shell).
    Play {
        /// The command and its arguments.
        argv: Vec<String>,
        /// It runs in the terminal: the reader steps aside until it exits. Otherwise it is
        /// started and left to run.
        in_terminal: bool,
    },
}

impl Effect {
    /// Who runs this effect.
    pub fn target(&self) -> Target {
        match self {
            Effect::LoadPage { .. }
            | Effect::LoadTopStories { .. }
            | Effect::LoadArticle { .. }
            | Effect::ShowArticleText { .. }
            | Effect::LoadSidebar
            | Effect::Mark { .. }
            | Effect::MarkAllRead { .. }
            | Effect::Import { .. }
            | Effect::Unsubscribe { .. }
            | Effect::RestoreFeed { .. }
            | Effect::SaveSearch { .. }
            | Effect::ForgetSearch { .. } => Target::Database,
            Effect::LoadRelated { .. } => Target::Related,
            Effect::Refresh { .. }
            | Effect::Subscribe { .. }
            | Effect::FetchFullText { .. }
            | Effect::SyncConfirmingRemovals => Target::Network,
            Effect::OpenBrowser { in_terminal: false, .. }
            | Effect::Play { in_terminal: false, .. }
            | Effect::CopyWithCommand { .. } => Target::Process,
            Effect::OpenBrowser { in_terminal: true, .. }
            | Effect::Play { in_terminal: true, .. }
            | Effect::CopyToClipboard { .. } => Target::Terminal,
        }
    }
}
