//! The reader's state: what is shown, what is selected, what is loading. Only `update`
//! changes it; rendering reads it.

use chrono::{DateTime, FixedOffset, Utc};

use super::msg::SidebarData;
use crate::domain::{Article, ArticleFilter, ArticleId, ArticleSummary, FeedId};
use crate::text::Line;

/// A pane of the reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pane {
    /// Views, tags and feeds.
    Sidebar,
    /// The list of articles.
    List,
    /// The open article.
    Article,
    /// Articles related to the open one.
    Related,
}

/// Which articles the list shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViewKind {
    /// Everything, newest first.
    All,
    /// Unread articles.
    Unread,
    /// Starred articles.
    Starred,
    /// One feed.
    Feed {
        /// Its id.
        id: FeedId,
        /// Its title.
        title: String,
    },
    /// The feeds with a tag.
    Tag(String),
    /// Articles matching words.
    Search(String),
}

/// The list's view: which articles, and whether only unread ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    /// Which articles.
    pub kind: ViewKind,
    /// Only unread ones (the `u` toggle).
    pub unread_only: bool,
}

impl View {
    /// The store filter for this view.
    pub fn filter(&self) -> ArticleFilter {
        let mut f = ArticleFilter { unread: self.unread_only, ..ArticleFilter::default() };
        match &self.kind {
            ViewKind::All => {}
            ViewKind::Unread => f.unread = true,
            ViewKind::Starred => f.starred = true,
            ViewKind::Feed { id, .. } => f.feed = Some(*id),
            ViewKind::Tag(t) => f.tag = Some(t.clone()),
            ViewKind::Search(q) => f.search = Some(q.clone()),
        }
        f
    }

    /// The view's name for the list header.
    pub fn title(&self) -> String {
        let base = match &self.kind {
            ViewKind::All => "All articles".to_string(),
            ViewKind::Unread => "Unread".to_string(),
            ViewKind::Starred => "Starred".to_string(),
            ViewKind::Feed { title, .. } => title.clone(),
            ViewKind::Tag(t) => format!("Tag: {t}"),
            ViewKind::Search(q) => format!("Search: {q}"),
        };
        if self.unread_only && self.kind != ViewKind::Unread { format!("{base} (unread)") } else { base }
    }
}

/// The article list: a window of rows paged in from the cache as the selection moves.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListState {
    /// Loaded rows, newest first.
    pub rows: Vec<ArticleSummary>,
    /// Index of the selected row.
    pub selected: usize,
    /// Index of the first row drawn.
    pub offset: usize,
    /// Older rows may exist after the last one.
    pub more_older: bool,
    /// Newer rows may exist before the first one.
    pub more_newer: bool,
    /// The page request in flight, if any.
    pub loading: Option<u64>,
    /// Articles in the view.
    pub total: u64,
    /// Unread articles in the view.
    pub unread: u64,
    /// The first page has arrived.
    pub loaded: bool,
}

impl ListState {
    /// The selected row.
    pub fn current(&self) -> Option<&ArticleSummary> {
        self.rows.get(self.selected)
    }

    /// The row of an article, if loaded.
    pub fn position(&self, id: ArticleId) -> Option<usize> {
        self.rows.iter().position(|r| r.id == id)
    }
}

/// The open article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleState {
    /// Its id.
    pub id: ArticleId,
    /// Its list entry (shown while the text loads).
    pub summary: ArticleSummary,
    /// The loaded article.
    pub article: Option<Article>,
    /// Its text wrapped to `lines_width`.
    pub lines: Vec<Line>,
    /// The width `lines` were wrapped to.
    pub lines_width: usize,
    /// Numbered links, `links[0]` is `[1]`.
    pub links: Vec<String>,
    /// First line drawn.
    pub scroll: usize,
}

/// "Read also".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RelatedState {
    /// Related articles, best first.
    pub items: Vec<ArticleSummary>,
    /// The selected one.
    pub selected: usize,
    /// A request is in flight.
    pub loading: bool,
}

/// One line of the sidebar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SidebarEntry {
    /// A section title.
    Heading(&'static str),
    /// A view to switch to.
    View {
        /// The view.
        kind: ViewKind,
        /// What is shown.
        label: String,
        /// Unread count.
        unread: u64,
        /// The feed's last refresh failed.
        failed: bool,
    },
}

/// The sidebar.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SidebarState {
    /// Shown.
    pub visible: bool,
    /// Its lines.
    pub entries: Vec<SidebarEntry>,
    /// The selected line (never a heading when there are views).
    pub selected: usize,
    /// First line drawn.
    pub offset: usize,
}

/// What a prompt asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// A feed or page URL to subscribe to.
    AddFeed,
    /// The path of an OPML or urls file.
    Import,
    /// Words to search for.
    Search,
}

/// A one-line text prompt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    /// What it asks for.
    pub kind: PromptKind,
    /// The text typed.
    pub input: String,
    /// Cursor position, in characters.
    pub cursor: usize,
}

/// A window over the panes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Popup {
    /// The key help.
    Help {
        /// First line drawn.
        scroll: usize,
    },
    /// A text prompt.
    Prompt(Prompt),
}

/// How serious a status message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Information.
    Info,
    /// A failure.
    Error,
}

/// The status line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Status {
    /// The last message.
    pub message: Option<(String, Severity)>,
    /// Refresh progress: (feeds done, feeds in all).
    pub refresh: Option<(usize, usize)>,
    /// Feeds that failed in the running (or last) refresh.
    pub failed: usize,
    /// Articles the search index has yet to take in.
    pub indexing: u64,
}

/// Settings the reader uses at run time (from `[reader]` in config.toml).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Widest article text, in columns.
    pub max_width: usize,
    /// Opening an article marks it read.
    pub mark_read_on_open: bool,
    /// Minutes between automatic refreshes (0: never).
    pub refresh_interval: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self { max_width: 100, mark_read_on_open: true, refresh_interval: 0 }
    }
}

/// Everything the reader shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    /// Run-time settings.
    pub settings: Settings,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// The focused pane.
    pub focus: Pane,
    /// The list's view.
    pub view: View,
    /// The list.
    pub list: ListState,
    /// The open article.
    pub article: Option<ArticleState>,
    /// "Read also".
    pub related: RelatedState,
    /// The sidebar.
    pub sidebar: SidebarState,
    /// Counts and feeds behind the sidebar.
    pub overview: SidebarData,
    /// The popup, if one is open.
    pub popup: Option<Popup>,
    /// The status line.
    pub status: Status,
    /// Digits typed for a link number.
    pub link_digits: String,
    /// The clock (injected: tests set it).
    pub now: DateTime<Utc>,
    /// The local time zone's offset, for times shown.
    pub tz: FixedOffset,
    /// The latest request number handed out.
    pub last_req: u64,
    /// The request the open article's text answers.
    pub article_req: u64,
    /// The request the related list answers.
    pub related_req: u64,
    /// Looking for the next (true) or previous (false) unread article across pages.
    pub seeking_unread: Option<bool>,
    /// When the last refresh started (for the periodic refresh).
    pub last_refresh: Option<DateTime<Utc>>,
    /// A refresh is running.
    pub refreshing: bool,
    /// Leave the loop.
    pub quit: bool,
}

impl State {
    /// A fresh state for a terminal of `size`, at time `now`.
    pub fn new(settings: Settings, size: (u16, u16), now: DateTime<Utc>, tz: FixedOffset) -> Self {
        Self {
            settings,
            size,
            focus: Pane::List,
            view: View { kind: ViewKind::All, unread_only: false },
            list: ListState::default(),
            article: None,
            related: RelatedState::default(),
            sidebar: SidebarState::default(),
            overview: SidebarData::default(),
            popup: None,
            status: Status::default(),
            link_digits: String::new(),
            now,
            tz,
            last_req: 0,
            article_req: 0,
            related_req: 0,
            seeking_unread: None,
            last_refresh: None,
            refreshing: false,
            quit: false,
        }
    }

    /// A new request number.
    pub fn next_req(&mut self) -> u64 {
        self.last_req += 1;
        self.last_req
    }

    /// No feed is subscribed (the welcome screen shows).
    pub fn is_empty(&self) -> bool {
        self.overview.feeds.is_empty() && self.list.rows.is_empty()
    }
}
