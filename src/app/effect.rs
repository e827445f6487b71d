//! What `update` asks the outside world to do. The worker runs the ones that touch the
//! database or the network; the loop runs the ones that touch the terminal (browser, copy).

use super::msg::PageKind;
use crate::domain::{ArticleFilter, ArticleId, FeedId};
use crate::store::{Mark, Page};

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
    /// Load an article's text; answered by `ArticleLoaded`.
    LoadArticle {
        /// Request number.
        req: u64,
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
    /// Change read or starred state (already shown; errors come back as `Error`).
    Mark {
        /// The articles.
        ids: Vec<ArticleId>,
        /// The change.
        mark: Mark,
    },
    /// Mark every article of a view read.
    MarkAllRead {
        /// The view.
        filter: ArticleFilter,
    },
    /// Refresh some feeds, or all; progress comes back as `RefreshStarted`, `FeedRefreshed`…
    Refresh {
        /// The feeds, or `None` for all.
        feeds: Option<Vec<FeedId>>,
    },
    /// Subscribe to a URL (autodiscovery included); answered by `FeedAdded` or `Error`.
    AddFeed {
        /// Feed or page URL.
        url: String,
    },
    /// Import an OPML or newsboat urls file.
    Import {
        /// Its path.
        path: String,
    },
    /// Subscribe to the starter set of feeds.
    SubscribeStarter,
    /// Open a URL in the browser (run by the loop: a terminal browser needs the terminal).
    OpenUrl {
        /// The URL.
        url: String,
    },
    /// Put a URL on the clipboard with OSC 52 (run by the loop: it writes to the terminal).
    CopyUrl {
        /// The URL.
        url: String,
    },
}
