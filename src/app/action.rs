//! What a key can ask the reader to do. Keys become actions through the keymap; the reader
//! never looks at key codes.

/// A named thing the user can do. `name()` is the word used in keymap files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Move the selection (or the article) down one line.
    Down,
    /// Move the selection (or the article) up one line.
    Up,
    /// Go to the first item (the top of the article).
    First,
    /// Go to the last item (the end of the article).
    Last,
    /// Half a page down.
    HalfPageDown,
    /// Half a page up.
    HalfPageUp,
    /// A page down.
    PageDown,
    /// A page up.
    PageUp,
    /// Focus the next pane.
    NextPane,
    /// Focus the previous pane.
    PrevPane,
    /// Focus the pane on the left.
    PaneLeft,
    /// Focus the pane on the right.
    PaneRight,
    /// Open the selected article, view or related article.
    Open,
    /// Page down in the article; at its end, open the next unread article.
    ReadOn,
    /// Open the next unread article.
    NextUnread,
    /// Open the previous unread article.
    PrevUnread,
    /// Open the article's link in the browser.
    OpenInBrowser,
    /// Copy the article's link to the clipboard (OSC 52, works over SSH).
    CopyLink,
    /// Toggle read/unread.
    ToggleRead,
    /// Toggle the star.
    ToggleStar,
    /// Mark every article of the current view read.
    MarkViewRead,
    /// Refresh the selected article's feed.
    RefreshFeed,
    /// Refresh every feed.
    RefreshAll,
    /// Search titles and text.
    Search,
    /// Show only unread articles, or all again.
    ToggleUnreadOnly,
    /// Subscribe to a feed.
    AddFeed,
    /// Import subscriptions from an OPML or newsboat urls file.
    Import,
    /// Subscribe to the starter set of feeds (from the welcome screen).
    StarterFeeds,
    /// Show or hide the sidebar of views, tags and feeds.
    ToggleSidebar,
    /// Show the help.
    Help,
    /// Go back (close the article, leave the sidebar), or quit from the list.
    Back,
    /// Close a popup or cancel what is being typed.
    Cancel,
    /// Go back to the article list.
    ToList,
    /// Quit at once.
    Quit,
}

impl Action {
    /// Every action, in help order.
    pub const ALL: &'static [Action] = &[
        Action::Down,
        Action::Up,
        Action::First,
        Action::Last,
        Action::HalfPageDown,
        Action::HalfPageUp,
        Action::PageDown,
        Action::PageUp,
        Action::NextPane,
        Action::PrevPane,
        Action::PaneLeft,
        Action::PaneRight,
        Action::Open,
        Action::ReadOn,
        Action::NextUnread,
        Action::PrevUnread,
        Action::OpenInBrowser,
        Action::CopyLink,
        Action::ToggleRead,
        Action::ToggleStar,
        Action::MarkViewRead,
        Action::RefreshFeed,
        Action::RefreshAll,
        Action::Search,
        Action::ToggleUnreadOnly,
        Action::AddFeed,
        Action::Import,
        Action::StarterFeeds,
        Action::ToggleSidebar,
        Action::Help,
        Action::Back,
        Action::Cancel,
        Action::ToList,
        Action::Quit,
    ];

    /// The name used in keymap files (`run = "next_unread"`).
    pub fn name(self) -> &'static str {
        match self {
            Action::Down => "down",
            Action::Up => "up",
            Action::First => "first",
            Action::Last => "last",
            Action::HalfPageDown => "half_page_down",
            Action::HalfPageUp => "half_page_up",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::NextPane => "next_pane",
            Action::PrevPane => "prev_pane",
            Action::PaneLeft => "pane_left",
            Action::PaneRight => "pane_right",
            Action::Open => "open",
            Action::ReadOn => "read_on",
            Action::NextUnread => "next_unread",
            Action::PrevUnread => "prev_unread",
            Action::OpenInBrowser => "open_in_browser",
            Action::CopyLink => "copy_link",
            Action::ToggleRead => "toggle_read",
            Action::ToggleStar => "toggle_star",
            Action::MarkViewRead => "mark_view_read",
            Action::RefreshFeed => "refresh_feed",
            Action::RefreshAll => "refresh_all",
            Action::Search => "search",
            Action::ToggleUnreadOnly => "toggle_unread_only",
            Action::AddFeed => "add_feed",
            Action::Import => "import",
            Action::StarterFeeds => "starter_feeds",
            Action::ToggleSidebar => "toggle_sidebar",
            Action::Help => "help",
            Action::Back => "back",
            Action::Cancel => "cancel",
            Action::ToList => "to_list",
            Action::Quit => "quit",
        }
    }

    /// The action with this keymap name.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// A one-line description, used when a keymap entry gives none.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Down => "Down one line",
            Action::Up => "Up one line",
            Action::First => "First item",
            Action::Last => "Last item",
            Action::HalfPageDown => "Half a page down",
            Action::HalfPageUp => "Half a page up",
            Action::PageDown => "Page down",
            Action::PageUp => "Page up",
            Action::NextPane => "Next pane",
            Action::PrevPane => "Previous pane",
            Action::PaneLeft => "Pane to the left",
            Action::PaneRight => "Pane to the right",
            Action::Open => "Open",
            Action::ReadOn => "Page down, then the next unread article",
            Action::NextUnread => "Next unread article",
            Action::PrevUnread => "Previous unread article",
            Action::OpenInBrowser => "Open the link in the browser",
            Action::CopyLink => "Copy the link",
            Action::ToggleRead => "Toggle read",
            Action::ToggleStar => "Toggle star",
            Action::MarkViewRead => "Mark the whole view read",
            Action::RefreshFeed => "Refresh this feed",
            Action::RefreshAll => "Refresh all feeds",
            Action::Search => "Search titles and text",
            Action::ToggleUnreadOnly => "Unread only / all",
            Action::AddFeed => "Add a feed",
            Action::Import => "Import an OPML or urls file",
            Action::StarterFeeds => "Subscribe to the starter feeds",
            Action::ToggleSidebar => "Show / hide the sidebar",
            Action::Help => "Help",
            Action::Back => "Back; quit from the list",
            Action::Cancel => "Close a popup",
            Action::ToList => "Back to the list",
            Action::Quit => "Quit",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(*a));
        }
        let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
    }
}
