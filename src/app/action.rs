//! What a key can ask the reader to do. Keys become actions through the keymap; the reader
//! never looks at key codes. Each action has the name keymap files use, a description for the
//! help, and the keymap contexts it means something in.

/// Where an action can be bound: a set of keymap contexts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope(u8);

impl Scope {
    /// The panes (`[global]`, `[list]`, `[article]`, `[related]`, `[sidebar]`).
    pub const PANES: Scope = Scope(1);
    /// The help and the message log (`[help]`).
    pub const HELP: Scope = Scope(2);
    /// Text prompts (`[prompt]`).
    pub const PROMPT: Scope = Scope(4);
    /// Yes/no questions (`[confirm]`).
    pub const CONFIRM: Scope = Scope(8);
    /// The link hints (`[hints]`).
    pub const HINTS: Scope = Scope(16);
    /// Everywhere.
    pub const ALL: Scope = Scope(31);

    /// Both scopes.
    #[must_use]
    pub const fn and(self, other: Scope) -> Scope {
        Scope(self.0 | other.0)
    }

    /// Whether `other` is part of this scope.
    pub fn contains(self, other: Scope) -> bool {
        self.0 & other.0 == other.0
    }
}

macro_rules! actions {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal, $desc:literal, $scope:expr;)*) => {
        /// A named thing the user can do. `name()` is the word used in keymap files.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Action {
            /// Every action, in help order.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The name used in keymap files (`run = "next_unread"`).
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name,)* }
            }

            /// A one-line description, used when a keymap entry gives none.
            pub fn describe(self) -> &'static str {
                match self { $(Action::$variant => $desc,)* }
            }

            /// The keymap contexts the action means something in.
            pub fn scope(self) -> Scope {
                match self { $(Action::$variant => $scope,)* }
            }
        }
    };
}

actions! {
    /// Move the selection (or the article, or a popup's text) down one line.
    Down => "down", "Down one line", Scope::PANES.and(Scope::HELP);
    /// Move the selection (or the article, or a popup's text) up one line.
    Up => "up", "Up one line", Scope::PANES.and(Scope::HELP);
    /// Go to the first item (the top of the article).
    First => "first", "First item", Scope::PANES.and(Scope::HELP);
    /// Go to the last item (the end of the article).
    Last => "last", "Last item", Scope::PANES.and(Scope::HELP);
    /// Half a page down.
    HalfPageDown => "half_page_down", "Half a page down", Scope::PANES.and(Scope::HELP);
    /// Half a page up.
    HalfPageUp => "half_page_up", "Half a page up", Scope::PANES.and(Scope::HELP);
    /// A page down.
    PageDown => "page_down", "Page down", Scope::PANES.and(Scope::HELP);
    /// A page up.
    PageUp => "page_up", "Page up", Scope::PANES.and(Scope::HELP);
    /// Focus the next pane.
    NextPane => "next_pane", "Next pane", Scope::PANES;
    /// Focus the previous pane.
    PrevPane => "prev_pane", "Previous pane", Scope::PANES;
    /// Focus the pane on the left.
    PaneLeft => "pane_left", "Pane to the left", Scope::PANES;
    /// Focus the pane on the right.
    PaneRight => "pane_right", "Pane to the right", Scope::PANES;
    /// Open the selected article, view or related article.
    Open => "open", "Open", Scope::PANES;
    /// Page down in the article; at its end, open the next unread article.
    ReadOn => "read_on", "Page down, then the next unread article", Scope::PANES;
    /// Open the next unread article.
    NextUnread => "next_unread", "Next unread article", Scope::PANES;
    /// Open the previous unread article.
    PrevUnread => "prev_unread", "Previous unread article", Scope::PANES;
    /// Open the article's link in the browser.
    OpenInBrowser => "open_in_browser", "Open the link in the browser", Scope::PANES;
    /// Copy the article's link to the clipboard (OSC 52, works over SSH).
    CopyLink => "copy_link", "Copy the link", Scope::PANES;
    /// Fetch the article's full text from its page; when it is shown, switch to the feed's text
    /// and back.
    FullText => "full_text", "Fetch the full article text", Scope::PANES;
    /// Label every link of the article with letters: a label opens its link, Shift copies it.
    LinkHints => "link_hints", "Link hints: open or copy any link by its letters", Scope::PANES;
    /// Play the article's enclosure (the one whose number was typed, else the first) with
    /// `reader.player`.
    PlayEnclosure => "play_enclosure", "Play the enclosure (podcast, video)", Scope::PANES;
    /// Toggle read/unread.
    ToggleRead => "toggle_read", "Toggle read", Scope::PANES;
    /// Toggle the star.
    ToggleStar => "toggle_star", "Toggle star", Scope::PANES;
    /// Mark every article of the current view read (asks first when it is more than a screen).
    MarkViewRead => "mark_view_read", "Mark the whole view read", Scope::PANES;
    /// Undo the last mark-all or unsubscription.
    Undo => "undo", "Undo marking a view read, or an unsubscription", Scope::PANES;
    /// Refresh the selected feed (in the sidebar) or the article's feed.
    RefreshFeed => "refresh_feed", "Refresh this feed (retry a failed one)", Scope::PANES;
    /// Refresh every feed.
    RefreshAll => "refresh_all", "Refresh all feeds", Scope::PANES;
    /// Search titles and text.
    Search => "search", "Search titles and text", Scope::PANES;
    /// One row per story, or every source as its own row (per view).
    ToggleStories => "toggle_stories", "One row per story / every source", Scope::PANES;
    /// Show "Top stories": today's stories by how many feeds cover them.
    TopStories => "top_stories", "Top stories: today's news by how many of your feeds cover it", Scope::PANES;
    /// Keep the current search in the sidebar.
    SaveSearch => "save_search", "Save this search in the sidebar", Scope::PANES;
    /// Show only unread articles, or all again.
    ToggleUnreadOnly => "toggle_unread_only", "Unread only / all", Scope::PANES;
    /// Subscribe to a feed.
    AddFeed => "add_feed", "Add a feed", Scope::PANES;
    /// Import subscriptions from an OPML or newsboat urls file.
    Import => "import", "Import an OPML or urls file", Scope::PANES;
    /// Subscribe to the starter set of feeds (from the welcome screen).
    StarterFeeds => "starter_feeds", "Subscribe to the starter feeds", Scope::PANES;
    /// Unsubscribe from the feed selected in the sidebar (asks first).
    Unsubscribe => "unsubscribe", "Unsubscribe from the selected feed", Scope::PANES;
    /// Show or hide the sidebar of views, tags and feeds.
    ToggleSidebar => "toggle_sidebar", "Show / hide the sidebar", Scope::PANES;
    /// Show the help (in the help: close it).
    Help => "help", "Help", Scope::PANES.and(Scope::HELP);
    /// Show the last messages in full.
    Messages => "messages", "The last messages, in full", Scope::PANES.and(Scope::HELP);
    /// Go back (close the article, leave the sidebar), or quit from the list.
    Back => "back", "Back; quit from the list", Scope::PANES;
    /// Close a popup, cancel a prompt, answer no.
    Cancel => "cancel", "Close; cancel", Scope::ALL;
    /// Go back to the article list.
    ToList => "to_list", "Back to the list", Scope::PANES;
    /// Quit at once.
    Quit => "quit", "Quit", Scope::ALL;
    /// Accept what was typed.
    Submit => "submit", "Accept", Scope::PROMPT;
    /// Delete the character before the cursor.
    DeleteBack => "delete_back", "Delete the character before the cursor", Scope::PROMPT;
    /// Delete the character under the cursor.
    DeleteForward => "delete_forward", "Delete the character under the cursor", Scope::PROMPT;
    /// Delete the word before the cursor.
    DeleteWordBack => "delete_word_back", "Delete the word before the cursor", Scope::PROMPT;
    /// Delete everything before the cursor.
    DeleteToStart => "delete_to_start", "Delete to the start of the line", Scope::PROMPT;
    /// Delete everything after the cursor.
    DeleteToEnd => "delete_to_end", "Delete to the end of the line", Scope::PROMPT;
    /// Cursor one character left.
    CursorLeft => "cursor_left", "Cursor left", Scope::PROMPT;
    /// Cursor one character right.
    CursorRight => "cursor_right", "Cursor right", Scope::PROMPT;
    /// Cursor to the start of the previous word.
    WordLeft => "word_left", "Cursor a word left", Scope::PROMPT;
    /// Cursor to the end of the next word.
    WordRight => "word_right", "Cursor a word right", Scope::PROMPT;
    /// Cursor to the start of the line.
    LineStart => "line_start", "Cursor to the start", Scope::PROMPT;
    /// Cursor to the end of the line.
    LineEnd => "line_end", "Cursor to the end", Scope::PROMPT;
    /// What was entered here before (older).
    HistoryPrev => "history_prev", "Earlier entry", Scope::PROMPT;
    /// What was entered here before (newer).
    HistoryNext => "history_next", "Later entry", Scope::PROMPT;
    /// The next field of the prompt.
    NextField => "next_field", "Next field", Scope::PROMPT;
    /// The previous field of the prompt.
    PrevField => "prev_field", "Previous field", Scope::PROMPT;
    /// Answer yes to a question.
    Yes => "yes", "Yes", Scope::CONFIRM;
}

impl Action {
    /// The action with this keymap name.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
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

    #[test]
    fn scopes() {
        assert!(Action::Quit.scope().contains(Scope::PROMPT));
        assert!(Action::Down.scope().contains(Scope::HELP));
        assert!(!Action::ToggleStar.scope().contains(Scope::PROMPT));
        assert!(!Action::DeleteWordBack.scope().contains(Scope::PANES));
        assert!(Action::Yes.scope().contains(Scope::CONFIRM) && !Action::Yes.scope().contains(Scope::HELP));
    }
}
