//! Render tests: every layout drawn on ratatui's `TestBackend` from a fixed state and a fixed
//! clock, compared with insta snapshots (text), colours checked per cell for two themes, and
//! every size from 1×1 up drawn without a panic.

use chrono::{Duration, FixedOffset, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

use crate::app::action::Action;
use crate::app::msg::{Msg, PageKind, SidebarData};
use crate::app::state::{Settings, State};
use crate::app::update::{start, update};
use crate::domain::{Article, ArticleId, ArticleSummary, Feed, FeedId};
use crate::keymap::Keymap;
use crate::theme::{ColorDepth, Slot, Theme};

fn clock() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 15, 30, 0).single().unwrap()
}

fn summary(
    id: i64,
    feed: i64,
    feed_title: &str,
    title: &str,
    age_minutes: i64,
    read: bool,
    starred: bool,
) -> ArticleSummary {
    ArticleSummary {
        id: ArticleId(id),
        feed_id: FeedId(feed),
        feed_title: feed_title.into(),
        title: title.into(),
        link: Some(format!("https://news.example/{id}")),
        author: Some("Ann Author".into()),
        published: clock() - Duration::minutes(age_minutes),
        read,
        starred,
        story: None,
        sources: 0,
    }
}

fn rows() -> Vec<ArticleSummary> {
    vec![
        summary(
            1,
            1,
            "World Desk",
            "Talks resume as the harbour strike enters its third week",
            20,
            false,
            false,
        ),
        summary(2, 2, "Tech Weekly", "A new Rust release makes compile times shorter", 95, false, true),
        summary(3, 3, "東京ニュース", "東京で新しい図書館が開館 📚", 60 * 30, true, false),
        summary(4, 1, "World Desk", "Weather: storms expected over the weekend", 60 * 24 * 400, true, false),
        summary(5, 2, "Tech Weekly", "Why terminals still matter in 2026", 60 * 50, false, false),
    ]
}

fn article() -> Article {
    Article {
        summary: rows()[1].clone(),
        updated: None,
        categories: vec!["Rust".into(), "Compilers".into()],
        summary_html: None,
        content_html: Some(
            "<p>The <b>compiler</b> team shipped a release that is <em>faster</em>; see \
             <a href=\"https://blog.example/notes\">the notes</a>.</p>\
             <h2>What changed</h2><ul><li>Parallel front end</li><li>Smaller binaries\
             <ul><li>on every platform</li></ul></li></ul>\
             <blockquote><p>It is the biggest change in years.</p></blockquote>\
             <pre>cargo build --release</pre><p>More in <a href=\"https://docs.example/\">the docs</a>.</p>"
                .into(),
        ),
        enclosures: vec![],
        full_text: None,
    }
}

fn feeds() -> Vec<Feed> {
    let feed = |id: i64, title: &str, unread: u64, error: Option<&str>| Feed {
        id: FeedId(id),
        title: title.into(),
        url: format!("https://feed{id}.example/rss"),
        site_url: None,
        tags: vec![],
        unread,
        total: unread + 3,
        last_fetch: None,
        last_status: None,
        last_error: error.map(str::to_string),
        failures: u32::from(error.is_some()),
        source: None,
    };
    vec![
        feed(1, "World Desk", 1, None),
        feed(2, "Tech Weekly", 2, None),
        feed(3, "東京ニュース", 0, Some("HTTP 500")),
    ]
}

/// The fixture: five rows, the second one open with its text and two related articles.
fn fixture(size: (u16, u16), sidebar: bool, open: bool) -> State {
    let mut s = State::new(Settings::default(), size, clock(), FixedOffset::east_opt(0).unwrap());
    let data = SidebarData {
        feeds: feeds(),
        tags: vec![("tech".into(), 2)],
        unread: 3,
        total: 14,
        starred: 1,
        searches: vec![],
    };
    update(&mut s, Msg::SidebarLoaded(Box::new(data)));
    first_page(&mut s, rows(), (5, 3));
    if sidebar {
        update(&mut s, Msg::Action(Action::ToggleSidebar));
        update(&mut s, Msg::Action(Action::ToList));
    }
    if open {
        update(&mut s, Msg::Action(Action::Down));
        update(&mut s, Msg::Action(Action::Open));
        let req = s.article_req;
        let a = article();
        let prepared = crate::text::article::prepare(&a);
        update(&mut s, Msg::ArticleLoaded { req, article: Box::new((a, prepared)) });
        let req = s.related_req;
        let related = vec![rows()[4].clone(), rows()[0].clone()];
        update(&mut s, Msg::RelatedLoaded { req, items: related, story: Vec::new() });
    }
    s
}

/// Starts the reader's state and answers its first page request with `rows`.
fn first_page(state: &mut State, rows: Vec<ArticleSummary>, counts: (u64, u64)) {
    let req = start(state)
        .iter()
        .find_map(|e| match e {
            crate::app::effect::Effect::LoadPage { req, .. } => Some(*req),
            _ => None,
        })
        .unwrap();
    let kind = PageKind::Replace { from_end: false };
    update(state, Msg::PageLoaded { req, kind, rows, full: false, counts, notes: Vec::new() });
}

fn render(state: &State, theme: &Theme) -> Buffer {
    let backend = TestBackend::new(state.size.0, state.size.1);
    let mut terminal = Terminal::new(backend).unwrap();
    let keymap = Keymap::defaults();
    let help = keymap.help();
    terminal.draw(|f| super::draw(f, state, theme, &keymap, &help)).unwrap();
    terminal.backend().buffer().clone()
}

/// The screen as text; a wide character's second cell is not repeated.
fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            line.push_str(symbol);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn theme(name: &str, depth: ColorDepth) -> Theme {
    let dir = tempfile::tempdir().unwrap();
    Theme::load(name, dir.path(), depth, false).unwrap()
}

#[test]
fn layouts_at_every_size() {
    let default = theme("default", ColorDepth::TrueColor);
    for (w, h) in [(200, 60), (120, 40), (80, 24), (40, 12), (1, 1)] {
        let state = fixture((w, h), w >= 120, true);
        insta::assert_snapshot!(format!("open_{w}x{h}"), text(&render(&state, &default)));
        let list_only = fixture((w, h), false, false);
        insta::assert_snapshot!(format!("list_{w}x{h}"), text(&render(&list_only, &default)));
    }
}

#[test]
fn narrow_layouts_show_one_pane_at_a_time() {
    let default = theme("default", ColorDepth::TrueColor);
    let mut state = fixture((80, 24), false, true);
    let article = text(&render(&state, &default));
    assert!(article.contains("What changed") && !article.contains("Talks resume"), "{article}");
    update(&mut state, Msg::Action(Action::NextPane));
    insta::assert_snapshot!("related_80x24", text(&render(&state, &default)));
    update(&mut state, Msg::Action(Action::ToList));
    let list = text(&render(&state, &default));
    assert!(list.contains("Talks resume") && !list.contains("What changed"), "{list}");
}

#[test]
fn popups_and_the_welcome_screen() {
    let default = theme("default", ColorDepth::TrueColor);
    let mut state = fixture((100, 30), false, false);
    update(&mut state, Msg::Action(Action::Help));
    insta::assert_snapshot!("help_100x30", text(&render(&state, &default)));
    let mut state = fixture((100, 30), false, false);
    update(&mut state, Msg::Action(Action::AddFeed));
    update(&mut state, Msg::Text("https://example.org/".into()));
    insta::assert_snapshot!("prompt_100x30", text(&render(&state, &default)));
    let mut empty = State::new(Settings::default(), (80, 24), clock(), FixedOffset::east_opt(0).unwrap());
    first_page(&mut empty, vec![], (0, 0));
    insta::assert_snapshot!("welcome_80x24", text(&render(&empty, &default)));
}

/// Every cell's colours for a slot's style, where the style sets them.
fn assert_cell_style(buffer: &Buffer, x: u16, y: u16, theme: &Theme, slot: Slot) {
    let cell = &buffer[(x, y)];
    let style = theme.style(slot);
    assert!(style.fg.is_some() || style.bg.is_some(), "{slot} sets no colour: the check would prove nothing");
    if let Some(fg) = style.fg {
        assert_eq!(cell.fg, fg, "fg of ({x},{y}) `{}` should be {slot}", cell.symbol());
    }
    if let Some(bg) = style.bg {
        assert_eq!(cell.bg, bg, "bg of ({x},{y}) `{}` should be {slot}", cell.symbol());
    }
}

/// The cell where `needle` starts on screen, between columns `from` and `to`.
fn find(buffer: &Buffer, needle: &str, from: u16, to: u16) -> (u16, u16) {
    let t = text(buffer);
    for (y, line) in t.lines().enumerate() {
        let mut col = 0;
        for (byte, c) in line.char_indices() {
            if col >= usize::from(from) && col < usize::from(to) && line[byte..].starts_with(needle) {
                return (col as u16, y as u16);
            }
            col += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        }
    }
    panic!("`{needle}` not on screen between columns {from} and {to}:\n{t}");
}

#[test]
fn colours_come_from_the_theme_per_cell() {
    for theme in [theme("default", ColorDepth::TrueColor), theme("gruvbox", ColorDepth::Palette256)] {
        let mut state = fixture((200, 60), false, true);
        update(&mut state, Msg::Action(Action::ToList));
        let buffer = render(&state, &theme);
        // The selected row (article 2, the list has the focus) has the selection colours.
        let (x, y) = find(&buffer, "A new Rust release", 0, 60);
        assert_cell_style(&buffer, x, y, &theme, Slot::ListSelected);
        // An unread row, not selected.
        let (x, y) = find(&buffer, "Talks resume", 0, 60);
        let unread = theme.style(Slot::ListItem).patch(theme.style(Slot::ListUnread));
        assert_eq!(Some(buffer[(x, y)].fg), unread.fg, "unread row colour");
        // The focused pane's border, the article's heading and its links.
        assert_cell_style(&buffer, 0, 1, &theme, Slot::BorderFocused);
        let (x, y) = find(&buffer, "What changed", 60, 200);
        assert_eq!(Some(buffer[(x, y)].fg), theme.style(Slot::ArticleHeading).fg, "heading colour");
        let (x, y) = find(&buffer, "the notes", 60, 200);
        let link = theme.style(Slot::ArticleText).patch(theme.style(Slot::ArticleLink));
        assert_eq!(Some(buffer[(x, y)].fg), link.fg, "link colour");
    }
}

#[test]
fn the_16_colour_theme_draws_only_ansi_colours() {
    let ssh = theme("ssh-16", ColorDepth::Basic16);
    let buffer = render(&fixture((200, 60), true, true), &ssh);
    for cell in buffer.content() {
        for c in [cell.fg, cell.bg] {
            assert!(!matches!(c, Color::Rgb(..) | Color::Indexed(_)), "{c:?} on `{}`", cell.symbol());
        }
    }
}

#[test]
fn no_size_panics_or_draws_outside() {
    let default = theme("default", ColorDepth::TrueColor);
    for w in (1..=220).step_by(7).chain([1, 2, 3, 99, 100, 159, 160]) {
        for h in [1u16, 2, 3, 4, 7, 12, 24, 61] {
            for (sidebar, open) in [(false, false), (true, true), (false, true)] {
                let state = fixture((w, h), sidebar, open);
                // TestBackend's buffer is exactly the screen: drawing outside it would panic.
                let buffer = render(&state, &default);
                assert_eq!(buffer.area.width, w);
            }
        }
    }
}

/// The bottom row of the screen.
fn status_row(buffer: &Buffer) -> String {
    text(buffer).lines().last().unwrap_or_default().to_string()
}

#[test]
fn a_long_message_is_cut_but_says_where_to_read_it_and_what_waits() {
    let default = theme("default", ColorDepth::TrueColor);
    let mut state = fixture((80, 24), false, false);
    let long = "/home/someone/.config/tidings/keys.toml:12: list.\"ctrl-q\": unknown action `quitt` — the default keys are used";
    update(&mut state, Msg::Warning(long.into()));
    update(&mut state, Msg::RefreshFinished(crate::refresh::Summary { feeds: 3, ..Default::default() }));
    let row = status_row(&render(&state, &default));
    assert!(row.starts_with(" /home/someone/.config/tidings/keys.toml:12"), "{row}");
    assert!(row.contains("…") && row.contains("(+1 more)") && row.ends_with("M messages"), "{row}");
    // Read (a key a while later): the summary shows, with the usual hints.
    state.now += Duration::seconds(5);
    update(&mut state, Msg::Action(Action::Down));
    let row = status_row(&render(&state, &default));
    assert!(
        row.starts_with(" 3 feeds, 0 new articles, 0 failed") && row.contains("? help  Enter read"),
        "{row}"
    );
    // The message log shows it in full, wrapped.
    update(&mut state, Msg::Action(Action::Messages));
    insta::assert_snapshot!("messages_80x24", text(&render(&state, &default)));
}

#[test]
fn questions_the_sidebar_detail_and_a_failed_feed() {
    let default = theme("default", ColorDepth::TrueColor);
    // 60 unread in the view: A asks.
    let mut state = fixture((80, 24), false, false);
    state.list.unread = 60;
    update(&mut state, Msg::Action(Action::MarkViewRead));
    insta::assert_snapshot!("confirm_80x24", text(&render(&state, &default)));
    // The sidebar on the failed feed, with its detail; then its view with the notice.
    let mut state = fixture((120, 40), true, false);
    update(&mut state, Msg::Action(Action::ToggleSidebar));
    update(&mut state, Msg::Action(Action::ToggleSidebar));
    update(&mut state, Msg::Action(Action::Last));
    insta::assert_snapshot!("sidebar_failed_120x40", text(&render(&state, &default)));
    update(&mut state, Msg::Action(Action::Open));
    insta::assert_snapshot!("feed_failed_120x40", text(&render(&state, &default)));
}

/// The fixture at 80×24 with the article open and an enclosure beside its links.
fn reading_with_enclosure() -> State {
    let mut state = fixture((80, 24), false, true);
    let open = state.article.as_mut().and_then(|a| a.article.as_mut()).unwrap();
    open.0.enclosures.push(crate::domain::Enclosure {
        url: "https://cdn.example/episode-12.mp3".into(),
        mime: Some("audio/mpeg".into()),
        length: Some(24 << 20),
    });
    state.article.as_mut().unwrap().lines_width = 0;
    crate::app::article::reflow(&mut state);
    state
}

#[test]
fn link_hints_label_every_link() {
    let default = theme("default", ColorDepth::TrueColor);
    let mut state = reading_with_enclosure();
    update(&mut state, Msg::Action(Action::LinkHints));
    let screen = text(&render(&state, &default));
    insta::assert_snapshot!("hints_80x24", screen);
}

#[test]
fn links_are_osc8_hyperlinks_cell_by_cell_when_on() {
    let default = theme("default", ColorDepth::TrueColor);
    let mut state = reading_with_enclosure();
    let plain = render(&state, &default);
    assert!(!plain.content().iter().any(|c| c.symbol().contains('\x1b')), "off by default");
    state.settings.hyperlinks = true;
    let linked = render(&state, &default);
    let (x, y) = find(&plain, "the notes [1]", 0, 80);
    let open = "\x1b]8;id=tidings-1;https://blog.example/notes\x1b\\";
    for (i, ch) in "the notes [1]".chars().enumerate() {
        let cell = &linked[(x + i as u16, y)];
        if ch == ' ' {
            assert_eq!(cell.symbol(), " ", "spaces are not rewritten");
        } else {
            assert_eq!(cell.symbol(), format!("{open}{ch}\x1b]8;;\x1b\\"), "cell {i}");
        }
    }
    // The article's own link in the header is linked too, as link 0.
    let (hx, hy) = find(&plain, "https://news.example/2", 0, 80);
    let own = "\x1b]8;id=tidings-0;https://news.example/2\x1b\\";
    assert_eq!(linked[(hx, hy)].symbol(), format!("{own}h\x1b]8;;\x1b\\"));
    assert_eq!(linked[(hx + 21, hy)].symbol(), format!("{own}2\x1b]8;;\x1b\\"));
    assert_eq!(linked[(hx + 22, hy)].symbol(), " ");
    // The text around is untouched, and nothing else on screen is linked but the links.
    let linked_cells = linked.content().iter().filter(|c| c.symbol().contains("\x1b]8;")).count();
    assert!(linked_cells > 10, "{linked_cells}");
    assert_eq!(linked[(x - 1, y)].symbol(), plain[(x - 1, y)].symbol());
    // Under a popup no cell is linked (the popup may cover them).
    update(&mut state, Msg::Action(Action::LinkHints));
    let covered = render(&state, &default);
    assert!(!covered.content().iter().any(|c| c.symbol().contains('\x1b')));
}

#[test]
fn a_wrapped_article_link_is_linked_on_every_line() {
    let default = theme("default", ColorDepth::TrueColor);
    let mut state = fixture((80, 24), false, true);
    let long = format!("https://news.example/{}", "very-long-path-segment/".repeat(4));
    let open = state.article.as_mut().unwrap();
    open.summary.link = Some(long.clone());
    open.article.as_mut().unwrap().0.summary.link = Some(long.clone());
    open.lines_width = 0;
    crate::app::article::reflow(&mut state);
    state.settings.hyperlinks = true;
    let linked = render(&state, &default);
    let own = format!("\x1b]8;id=tidings-0;{long}\x1b\\");
    let rows: Vec<u16> =
        (0..24).filter(|&y| (0..80).any(|x| linked[(x, y)].symbol().starts_with(&own))).collect();
    assert_eq!(rows.len(), 2, "the link wraps over two lines, both linked: {rows:?}");
    assert_eq!(rows[1], rows[0] + 1);
}

#[test]
fn a_sync_in_progress_shows_on_the_status_line_at_80_columns() {
    let default = theme("default", ColorDepth::TrueColor);
    let mut state = fixture((80, 24), false, false);
    update(&mut state, Msg::SyncProgress("3000 new articles so far".into()));
    let buffer = render(&state, &default);
    let last = text(&buffer).lines().last().unwrap_or_default().to_string();
    assert!(last.contains("sync: 3000 new articles so far"), "{last}");
    let (x, y) = find(&buffer, "sync: 3000", 0, 80);
    assert_cell_style(&buffer, x, y, &default, Slot::StatusProgress);
}

#[test]
fn the_welcome_screen_with_a_sync_server_says_r_brings_its_feeds() {
    let default = theme("default", ColorDepth::TrueColor);
    let settings = Settings { sync: true, ..Settings::default() };
    let mut empty = State::new(settings, (80, 24), clock(), FixedOffset::east_opt(0).unwrap());
    first_page(&mut empty, vec![], (0, 0));
    let screen = text(&render(&empty, &default));
    assert!(screen.contains("R  sync with your server ([sync] in config.toml)"), "{screen}");
    assert!(screen.contains("a  add a feed"), "{screen}");
}

/// "Top stories" with `stories` loaded (the day ending now, or an earlier one).
fn top_stories(size: (u16, u16), stories: Vec<crate::domain::TopStory>, earlier: bool) -> State {
    let mut state = fixture(size, false, false);
    let fx = update(&mut state, Msg::Action(Action::TopStories));
    let (req, kind) = fx
        .iter()
        .find_map(|e| match e {
            crate::app::effect::Effect::LoadTopStories { req, kind, .. } => Some((*req, *kind)),
            _ => None,
        })
        .unwrap();
    let until = if earlier { clock() - Duration::days(3) } else { clock() };
    let top = crate::domain::TopStories { until, earlier, stories };
    update(&mut state, Msg::TopStoriesLoaded { req, kind, top: Box::new(top) });
    state
}

fn top_story(row: usize, feeds: &[&str]) -> crate::domain::TopStory {
    let mut article = rows()[row].clone();
    article.sources = feeds.len() as u32 - 1;
    let unread = if article.read { vec![] } else { vec![article.id] };
    crate::domain::TopStory { article, feeds: feeds.iter().map(|f| (*f).to_string()).collect(), unread }
}

#[test]
fn top_stories_rank_the_days_news_with_their_sources() {
    let default = theme("default", ColorDepth::TrueColor);
    let stories = vec![
        top_story(0, &["World Desk", "Tech Weekly", "東京ニュース", "Harbour Gazette", "Courier"]),
        top_story(1, &["Tech Weekly", "World Desk", "Evening Post"]),
        top_story(2, &["東京ニュース", "World Desk"]),
        top_story(4, &["Tech Weekly", "A Feed With A Very Long Name Indeed"]),
    ];
    let state = top_stories((80, 24), stories.clone(), false);
    insta::assert_snapshot!("top_80x24", text(&render(&state, &default)));
    // Beside the article at 200 columns: the sources shrink before the titles do.
    let mut wide = top_stories((200, 50), stories.clone(), false);
    update(&mut wide, Msg::Action(Action::Open));
    let screen = text(&render(&wide, &default));
    assert!(screen.contains("Top stories · last 24 h · 4 stories"), "{screen}");
    // An earlier day: said above the rows.
    let earlier = top_stories((80, 24), stories, true);
    let screen = text(&render(&earlier, &default));
    assert!(
        screen.contains("No story in the last 24 hours: the newest day with some, up to Nov 24 15:30"),
        "{screen}"
    );
    assert!(screen.contains("Top stories · up to Nov 24 15:30 · 4 stories"), "{screen}");
    // None: why, and what to do.
    let empty = top_stories((80, 24), vec![], false);
    insta::assert_snapshot!("top_empty_80x24", text(&render(&empty, &default)));
    // Any size: nothing drawn outside, no panic.
    for w in (1..=220).step_by(13).chain([2, 3, 8, 24, 47, 48]) {
        for h in [1u16, 2, 3, 4, 5, 12, 24] {
            for (stories, earlier) in
                [(vec![], false), (vec![top_story(0, &["World Desk", "東京ニュース"])], true)]
            {
                let state = top_stories((w, h), stories, earlier);
                assert_eq!(render(&state, &default).area.width, w);
            }
        }
    }
}
