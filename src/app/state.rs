//! The reader's state: what is shown, what is selected, what is loading. Plain data: the
//! modules beside this one (`list`, `article`, `marks`, `sidebar`, `prompt`, `modal`, `mouse`)
//! give it behaviour, only `update` changes it, and rendering reads it.

use chrono::{DateTime, FixedOffset, Utc};

use super::messages::{Messages, Severity};
use super::msg::SidebarData;
use crate::domain::{Article, ArticleFilter, ArticleId, ArticleSummary, FeedId};
pub use crate::layout::Pane;
use crate::layout::Shape;
use crate::text::Line;
use crate::text::article::Prepared;

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
    /// Today's stories, by how many feeds cover them (the front page).
    TopStories,
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
    /// Every article, newest first: where the reader starts.
    pub const ALL: View = View { kind: ViewKind::All, unread_only: false };

    /// The store filter for this view.
    pub fn filter(&self) -> ArticleFilter {
        let mut f = ArticleFilter { unread: self.unread_only, ..ArticleFilter::default() };
        match &self.kind {
            ViewKind::All | ViewKind::TopStories => {}
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
            ViewKind::TopStories => "Top stories".to_string(),
        };
        if self.unread_only && self.kind != ViewKind::Unread { format!("{base} (unread)") } else { base }
    }
}

/// The article list: a window of rows paged in from the cache as the selection moves (its
/// paging lives in `app::list`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // independent facts about the loaded window
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
    /// New articles were stored while a page was loading: the list is filled again when it
    /// arrives.
    pub refill_pending: bool,
}

/// The article shown in the article pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleState {
    /// Its id.
    pub id: ArticleId,
    /// Its list entry (shown while the text loads).
    pub summary: ArticleSummary,
    /// The loaded article and its parsed body (parsed once, off the UI thread).
    pub article: Option<Box<(Article, Prepared)>>,
    /// Its text wrapped to `lines_width`.
    pub lines: Vec<Line>,
    /// The width `lines` were wrapped to (0: not wrapped yet).
    pub lines_width: usize,
    /// First line drawn.
    pub scroll: usize,
    /// Opened by the user (Enter, n, Space …), not only shown because the list selection
    /// points at it in a side-by-side layout.
    pub opened: bool,
    /// The search it was found by, to mark its words in the text.
    pub highlight: crate::index::highlight::Highlighter,
    /// The user switched from its full text back to the feed's text (`F`).
    pub feed_text: bool,
}

impl ArticleState {
    /// The body's numbered links, `links()[0]` is `[1]`.
    pub fn links(&self) -> &[String] {
        self.article.as_ref().map_or(&[], |a| a.1.links())
    }
}

/// What a row of "Top stories" stands for, beyond its newest article.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TopRow {
    /// The feeds that cover the story, the row's own first.
    pub feeds: Vec<String>,
    /// The story's unread articles, as loaded.
    pub unread: Vec<ArticleId>,
}

/// "Top stories": the day shown, and each row's story (the rows are the list's).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TopState {
    /// Each row's story, by the row's article.
    pub rows: std::collections::HashMap<ArticleId, TopRow>,
    /// The end of the day shown (`None` until loaded).
    pub until: Option<DateTime<Utc>>,
    /// The last 24 hours had no story: the newest day with some is shown.
    pub earlier: bool,
}

/// Related articles listed under an article at most (after its story's other sources).
pub const RELATED_SHOWN: usize = 6;

/// "Read also".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RelatedState {
    /// The other sources of the article's story, then related articles, best first.
    pub items: Vec<ArticleSummary>,
    /// How many of `items` (the first ones) are other sources of the same story.
    pub same_story: usize,
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PromptKind {
    /// A feed or page URL to subscribe to (and its tags).
    AddFeed,
    /// The path of an OPML or urls file.
    Import,
    /// Words to search for.
    Search,
}

/// One line of text being edited.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Field {
    /// What it is for.
    pub label: &'static str,
    /// The text typed.
    pub text: String,
    /// Cursor position, in characters.
    pub cursor: usize,
}

/// A text prompt: one or more fields (Tab moves between them), with history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    /// What it asks for.
    pub kind: PromptKind,
    /// Its fields; the first is the one the history recalls.
    pub fields: Vec<Field>,
    /// The field being edited.
    pub focus: usize,
    /// Which history entry the first field shows (0 is the newest), while browsing it.
    pub history_at: Option<usize>,
    /// What was typed before browsing the history began.
    pub draft: String,
}

/// What a yes/no question does on yes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Confirmed {
    /// Mark every article of a view read.
    MarkViewRead {
        /// The view's filter.
        filter: ArticleFilter,
        /// The view's title.
        title: String,
    },
    /// Unsubscribe from a feed.
    Unsubscribe {
        /// The feed.
        feed: FeedId,
        /// Its title.
        title: String,
    },
    /// Sync again, unsubscribing here from the feeds the server no longer lists.
    SyncRemovals,
    /// Mark the stories "Top stories" lists read: these articles.
    MarkStoriesRead {
        /// Their unread articles.
        ids: Vec<ArticleId>,
    },
}

/// A yes/no question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirm {
    /// The question.
    pub question: String,
    /// What yes does.
    pub on_yes: Confirmed,
}

/// A window over the panes; while one is open it takes every key (its own keymap context).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Popup {
    /// The key help.
    Help {
        /// First line drawn.
        scroll: usize,
    },
    /// The last messages, newest first, in full.
    Messages {
        /// First line drawn.
        scroll: usize,
    },
    /// A text prompt.
    Prompt(Prompt),
    /// A yes/no question.
    Confirm(Confirm),
    /// Link hints: every link of the article with a label to type.
    Hints(super::hints::Hints),
}

/// What `U` can undo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Undo {
    /// A view marked read: these articles were unread.
    MarkRead {
        /// The articles.
        ids: Vec<ArticleId>,
    },
    /// A saved search removed from the sidebar: save it again, in its place.
    ForgetSearch {
        /// The query.
        query: String,
        /// When it had been saved.
        saved: DateTime<Utc>,
    },
    /// A feed unsubscribed (kept as a tombstone): restore it as it was.
    Unsubscribe {
        /// The feed.
        id: FeedId,
        /// Its title.
        title: String,
    },
}

/// Refresh progress and index progress for the status line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Status {
    /// Refresh progress: (feeds done, feeds in all).
    pub refresh: Option<(usize, usize)>,
    /// Feeds that failed in the running (or last) refresh.
    pub failed: usize,
    /// Articles the search index has yet to take in.
    pub indexing: u64,
    /// Articles whose full text is being fetched: (id, title), oldest first.
    pub full_text: Vec<(ArticleId, String)>,
    /// A sync is running, at this step.
    pub sync: Option<String>,
}

/// Settings the reader uses at run time (from `[reader]` in config.toml).
#[allow(clippy::struct_excessive_bools)] // independent switches, as the config file has them
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Widest article text, in columns.
    pub max_width: usize,
    /// Opening an article marks it read.
    pub mark_read_on_open: bool,
    /// Marking an article read or unread marks the other sources of its story too.
    pub story_read: bool,
    /// Minutes between automatic refreshes (0: never).
    pub refresh_interval: u32,
    /// Refresh every feed once the reader has started.
    pub refresh_on_start: bool,
    /// In side-by-side layouts the article pane shows the selected article.
    pub preview: bool,
    /// Showing an article that way marks it read.
    pub mark_read_on_preview: bool,
    /// The browser command from `reader.browser`.
    pub browser: Option<String>,
    /// `$BROWSER`, used when `reader.browser` is not set.
    pub browser_env: Option<String>,
    /// Whether the browser runs in the terminal (`None`: decided by its name).
    pub browser_in_terminal: Option<bool>,
    /// `[feeds."…"]` settings: their titles and tags are shown on the feeds the sidebar lists.
    pub feed_settings: std::collections::BTreeMap<String, crate::config::FeedSettings>,
    /// Links in the article are drawn as OSC 8 hyperlinks (`reader.hyperlinks`, resolved
    /// against the terminal at start).
    pub hyperlinks: bool,
    /// The enclosure player's argument vector (`reader.player`), `%u` for the URL.
    pub player: Option<Vec<String>>,
    /// The player runs in the terminal (`reader.player_in_terminal`).
    pub player_in_terminal: bool,
    /// The local clipboard command copied text is also given to (on stdin), if any: the
    /// configured one, else the tool found for this session (none over SSH).
    pub copy_command: Option<Vec<String>>,
    /// A sync server is configured (`[sync]`): refreshes sync with it, even with no feed here.
    pub sync: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            max_width: 100,
            mark_read_on_open: true,
            story_read: true,
            refresh_interval: 0,
            refresh_on_start: false,
            preview: true,
            mark_read_on_preview: false,
            browser: None,
            browser_env: None,
            browser_in_terminal: None,
            feed_settings: std::collections::BTreeMap::new(),
            hyperlinks: false,
            player: None,
            player_in_terminal: true,
            copy_command: None,
            sync: false,
        }
    }
}

/// A refresh asked for: every feed, or some.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefreshRequest {
    /// Every feed (R: fetched now unless its server said not before).
    All,
    /// Every feed that is due (the periodic refresh: intervals, `<ttl>`, Cache-Control).
    Due,
    /// These feeds, if due: those with a `refresh_interval` of their own, when the reader's
    /// is 0 (no periodic refresh of the others).
    DueFeeds(Vec<FeedId>),
    /// These feeds.
    Feeds(Vec<FeedId>),
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
    /// Views whose list shows every source of a story as its own row (the `c` toggle); the
    /// others show one row per story.
    pub every_source: Vec<ViewKind>,
    /// The list.
    pub list: ListState,
    /// What the list's rows stand for in "Top stories".
    pub top: TopState,
    /// The article shown.
    pub article: Option<ArticleState>,
    /// "Read also".
    pub related: RelatedState,
    /// The sidebar.
    pub sidebar: SidebarState,
    /// Counts and feeds behind the sidebar.
    pub overview: SidebarData,
    /// The popup, if one is open.
    pub popup: Option<Popup>,
    /// Refresh and index progress.
    pub status: Status,
    /// The last messages; the status line shows the one that matters most.
    pub messages: Messages,
    /// What was submitted in each prompt, newest first.
    pub history: Vec<(PromptKind, String)>,
    /// Lines of the help (it is generated from the keymap, which the state does not hold).
    pub help_len: usize,
    /// Digits typed for a link number.
    pub link_digits: String,
    /// What `U` undoes.
    pub undo: Option<Undo>,
    /// When the user said no to unsubscribing from the feeds a sync server stopped listing:
    /// the question is not asked again for a day.
    pub removals_declined: Option<DateTime<Utc>>,
    /// The clock (injected: tests set it).
    pub now: DateTime<Utc>,
    /// The local time zone's offset, for times shown.
    pub tz: FixedOffset,
    /// The latest request number handed out.
    pub last_req: u64,
    /// The request the article's text answers.
    pub article_req: u64,
    /// The request the related list answers.
    pub related_req: u64,
    /// Looking for the next (true) or previous (false) unread article across pages.
    pub seeking_unread: Option<bool>,
    /// When the last refresh started (for the periodic refresh).
    pub last_refresh: Option<DateTime<Utc>>,
    /// A refresh is running.
    pub refreshing: bool,
    /// A refresh asked for while one ran: it starts when that one ends.
    pub refresh_queued: Option<RefreshRequest>,
    /// Something shown changed since the last frame.
    pub dirty: bool,
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
            view: View::ALL,
            every_source: Vec::new(),
            list: ListState::default(),
            top: TopState::default(),
            article: None,
            related: RelatedState::default(),
            sidebar: SidebarState::default(),
            overview: SidebarData::default(),
            popup: None,
            status: Status::default(),
            messages: Messages::default(),
            history: Vec::new(),
            help_len: 0,
            link_digits: String::new(),
            undo: None,
            removals_declined: None,
            now,
            tz,
            last_req: 0,
            article_req: 0,
            related_req: 0,
            seeking_unread: None,
            last_refresh: None,
            refreshing: false,
            refresh_queued: None,
            dirty: true,
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

    /// What of this state decides the layout.
    pub fn shape(&self) -> Shape {
        Shape {
            width: self.size.0,
            height: self.size.1,
            focus: self.focus,
            sidebar: self.sidebar.visible,
            article: self.article.is_some(),
            notice: self.failed_feed().is_some() || self.top_earlier(),
            feed_detail: self.focus == Pane::Sidebar && self.sidebar_feed().is_some(),
        }
    }

    /// Posts information for the status line (and the message log).
    pub fn info(&mut self, text: impl Into<String>) {
        self.messages.post(Severity::Info, text, self.now);
    }

    /// Posts a warning: it stays on the status line until read.
    pub fn warn(&mut self, text: impl Into<String>) {
        self.messages.post(Severity::Warning, text, self.now);
    }

    /// Posts an error: it stays on the status line until read.
    pub fn error(&mut self, text: impl Into<String>) {
        self.messages.post(Severity::Error, text, self.now);
    }

    /// The feed the list shows, when it is one feed whose last refresh failed.
    pub fn failed_feed(&self) -> Option<&crate::domain::Feed> {
        let ViewKind::Feed { id, .. } = &self.view.kind else { return None };
        self.overview.feeds.iter().find(|f| f.id == *id && f.last_error.is_some())
    }

    /// "Top stories" shows an earlier day, the last 24 hours having no story (a notice says so).
    pub fn top_earlier(&self) -> bool {
        self.view.kind == ViewKind::TopStories && self.top.earlier && !self.list.rows.is_empty()
    }

    /// The feed selected in the sidebar, if a feed is selected there.
    pub fn sidebar_feed(&self) -> Option<&crate::domain::Feed> {
        match self.sidebar.entries.get(self.sidebar.selected) {
            Some(SidebarEntry::View { kind: ViewKind::Feed { id, .. }, .. }) => {
                self.overview.feeds.iter().find(|f| f.id == *id)
            }
            _ => None,
        }
    }
}
