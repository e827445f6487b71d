//! The semantic slots a theme styles. Draw code asks for a slot, never for a colour.

/// Declares [`Slot`] once: variant, the name used in theme files, and its documentation.
macro_rules! slots {
    ($($variant:ident = $name:literal : $doc:literal,)*) => {
        /// A place on screen that a theme gives a style to.
        ///
        /// Theme files name slots by their dotted name (`list.item.unread`); see [`Slot::name`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Slot {
            $(#[doc = $doc] $variant,)*
        }

        impl Slot {
            /// Every slot, in declaration order.
            pub const ALL: &'static [Slot] = &[$(Slot::$variant,)*];

            /// The slot's name in theme files, e.g. `"list.item.unread"`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Slot::$variant => $name,)*
                }
            }

            /// The slot with this theme-file name, if there is one.
            pub fn from_name(name: &str) -> Option<Slot> {
                match name {
                    $($name => Some(Slot::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

slots! {
    Base = "base": "The whole screen: default text colour and background.",
    Border = "border": "Pane borders of panes without focus.",
    BorderFocused = "border.focused": "The border of the focused pane.",
    Title = "title": "Pane titles of panes without focus.",
    TitleFocused = "title.focused": "The title of the focused pane.",
    ListItem = "list.item": "An article row in the list (the row's base style).",
    ListUnread = "list.item.unread": "Patch for an unread article row.",
    ListRead = "list.item.read": "Patch for an article row already read.",
    ListSelected = "list.item.selected": "The selected row while the list has focus.",
    ListSelectedUnfocused = "list.item.selected.unfocused": "The selected row while another pane has focus.",
    ListStar = "list.star": "The star marker of a starred article.",
    ListTime = "list.time": "The date/age column of the list.",
    ListFeed = "list.feed": "The feed-name column of the list.",
    ListHeader = "list.header": "The list's header line.",
    SidebarHeading = "sidebar.heading": "Section headings in the feed sidebar.",
    SidebarItem = "sidebar.item": "A feed or folder in the sidebar.",
    SidebarSelected = "sidebar.item.selected": "The selected sidebar entry.",
    SidebarCount = "sidebar.count": "Unread counts in the sidebar.",
    SidebarError = "sidebar.error": "A feed whose last refresh failed.",
    ArticleTitle = "article.title": "The article's title.",
    ArticleMeta = "article.meta": "Author, date and feed under the article title.",
    ArticleText = "article.text": "Body text of the article.",
    ArticleHeading = "article.heading": "Headings inside the article body.",
    ArticleBold = "article.bold": "Patch for bold/strong text in the body.",
    ArticleItalic = "article.italic": "Patch for emphasised text in the body.",
    ArticleCode = "article.code": "Patch for inline code and code blocks.",
    ArticleQuote = "article.quote": "Patch for block quotes.",
    ArticleLink = "article.link": "Patch for link text in the body.",
    ArticleImage = "article.image": "Patch for image placeholders.",
    ArticleRule = "article.rule": "Horizontal rules.",
    ArticleTable = "article.table": "Patch for table cells and their separators.",
    ArticleLinkList = "article.linklist": "The numbered list of link targets after the body.",
    RelatedHeading = "related.heading": "The heading of the \"read also\" pane.",
    RelatedItem = "related.item": "An entry in the \"read also\" pane.",
    RelatedSelected = "related.item.selected": "The selected \"read also\" entry.",
    RelatedMeta = "related.meta": "Feed and date of a \"read also\" entry.",
    Status = "status": "The status bar.",
    StatusError = "status.error": "Patch for an error message in the status bar.",
    StatusProgress = "status.progress": "Patch for refresh progress in the status bar.",
    StatusHint = "status.hint": "Patch for key hints in the status bar.",
    HelpKey = "help.key": "Key names in the help overlay.",
    HelpDesc = "help.desc": "Binding descriptions in the help overlay.",
    PopupBorder = "popup.border": "The border of popups and overlays.",
    PopupText = "popup.text": "Text and background of popups and overlays.",
    Input = "input": "Text being typed (search, add feed).",
    WelcomeTitle = "welcome.title": "The title of the first-run screen.",
    WelcomeText = "welcome.text": "The text of the first-run screen.",
}

impl Slot {
    /// How many slots there are.
    pub const COUNT: usize = Slot::ALL.len();

    /// The position of this slot in [`Slot::ALL`].
    pub(super) const fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Slot;

    #[test]
    fn names_round_trip_and_are_unique() {
        for (i, slot) in Slot::ALL.iter().enumerate() {
            assert_eq!(slot.index(), i);
            assert_eq!(Slot::from_name(slot.name()), Some(*slot));
        }
        let mut names: Vec<_> = Slot::ALL.iter().map(|s| s.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Slot::COUNT);
        assert_eq!(Slot::COUNT, 47);
        assert_eq!(Slot::from_name("list.itme"), None);
    }
}
