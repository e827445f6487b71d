//! The reader's real loop, headless: a scripted event source (keys, then waiting for the state
//! to reach a condition) drives `App::run` with the real worker over a real SQLite cache and a
//! loopback feed server; the screen is ratatui's test backend. What the keys did is checked in
//! the state, on the screen and in the cache.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::VecDeque;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use common::server::{Route, TestServer};
use common::{Env, rss};
use tidings::app::events::{self, Event, EventSource};
use tidings::app::msg::Msg;
use tidings::app::run::{App, HeadlessScreen};
use tidings::app::state::{Popup, State, ViewKind};
use tidings::keymap::Keymap;
use tidings::theme::{ColorDepth, Theme};
use tidings::worker::Worker;

/// How long any one condition may take.
const WAIT: Duration = Duration::from_secs(15);

type Check = Box<dyn Fn(&State) -> bool>;

/// One step of a script.
enum Step {
    /// Keys by their keymap names (`"g g"`, `"enter"`).
    Keys(String),
    /// Text typed into a prompt (as a paste: the keys are not looked up).
    Type(String),
    /// Time passes (the clock ticks this many seconds on).
    Wait(i64),
    /// Let worker messages in until the state satisfies the check.
    Until(String, Check),
}

/// The scripted source: steps in order; while waiting, the worker's messages go to the loop.
struct Script {
    rx: Receiver<Event>,
    steps: VecDeque<Step>,
}

impl Script {
    fn keys(&mut self, keys: &str) -> &mut Self {
        self.steps.push_back(Step::Keys(keys.into()));
        self
    }
    fn type_text(&mut self, text: &str) -> &mut Self {
        self.steps.push_back(Step::Type(text.into()));
        self
    }
    fn wait(&mut self, seconds: i64) -> &mut Self {
        self.steps.push_back(Step::Wait(seconds));
        self
    }
    fn until(&mut self, what: &str, check: impl Fn(&State) -> bool + 'static) -> &mut Self {
        self.steps.push_back(Step::Until(what.into(), Box::new(check)));
        self
    }
}

impl EventSource for Script {
    fn next(&mut self, state: &State) -> Option<Vec<Event>> {
        loop {
            match self.steps.front()? {
                Step::Keys(keys) => {
                    let events = tidings::keymap::key_events(keys).unwrap();
                    self.steps.pop_front();
                    let keys = events.into_iter().map(|k| Event::Input(crossterm::event::Event::Key(k)));
                    return Some(keys.collect());
                }
                Step::Type(text) => {
                    let event = Event::Input(crossterm::event::Event::Paste(text.clone()));
                    self.steps.pop_front();
                    return Some(vec![event]);
                }
                Step::Wait(seconds) => {
                    let tick = Msg::Tick(state.now + chrono::Duration::seconds(*seconds));
                    self.steps.pop_front();
                    return Some(vec![Event::Msg(tick)]);
                }
                Step::Until(what, check) => {
                    if check(state) {
                        self.steps.pop_front();
                        continue;
                    }
                    let what = what.clone();
                    let start = Instant::now();
                    let first = self.rx.recv_timeout(WAIT).unwrap_or_else(|_| {
                        panic!(
                            "waiting for {what}: nothing more came in {:?}; the status line says {:?}",
                            start.elapsed(),
                            state.messages.current().map(|m| &m.text)
                        )
                    });
                    let mut batch = vec![first];
                    batch.extend(self.rx.try_iter());
                    return Some(batch);
                }
            }
        }
    }
}

/// The reader on `env`, headless at `width` × `height`, with its real worker.
struct Harness {
    app: App,
    screen: HeadlessScreen,
    worker: Worker,
    script: Script,
}

impl Harness {
    fn new(env: &Env, width: u16, height: u16) -> Self {
        let paths = env.paths();
        let config = env.load_config();
        let mut settings = tidings::app::run::settings(&config);
        // What the test's own terminal and desktop offer (TERM, WAYLAND_DISPLAY …) must not
        // change what is drawn or run here: no hyperlinks, no clipboard tool but a configured one.
        settings.hyperlinks = false;
        settings.copy_command.clone_from(&config.reader.copy_command);
        let mut state = State::new(
            settings,
            (width, height),
            chrono::Utc::now(),
            chrono::FixedOffset::east_opt(0).unwrap(),
        );
        let (later, _) = tidings::app::run::first_screen(&paths, &mut state).unwrap();
        let theme = Theme::load("default", &paths.config_dir, ColorDepth::TrueColor, false).unwrap();
        let app = App::new(state, Keymap::defaults(), theme, false);
        let (out, tx, rx) = events::channel_pair();
        drop(tx);
        let worker = Worker::start(&paths, &config, &out).unwrap();
        for effect in later {
            worker.run(effect).unwrap();
        }
        Self {
            app,
            screen: HeadlessScreen::new(width, height),
            worker,
            script: Script { rx, steps: VecDeque::new() },
        }
    }

    /// Runs the script through the real loop, until it ends or the reader quits.
    fn run(&mut self) {
        self.app.run(&mut self.script, &mut self.screen, &self.worker);
        assert!(self.script.steps.is_empty() || self.app.state.quit, "the loop ended early");
    }

    /// The screen's text.
    fn screen(&self) -> String {
        let buffer = self.screen.terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            for x in 0..buffer.area.width {
                out.push_str(buffer[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    fn status(&self) -> String {
        self.app.state.messages.current().map(|m| m.text.clone()).unwrap_or_default()
    }
}

const GARDEN: &[(&str, &str)] =
    &[("gn-7", "Beekeepers prepare hives for winter"), ("gn-4", "Pruning roses before the first frost")];

/// Subscribing by typing an address without a scheme, reading, marking a view read and undoing
/// it, through the real loop.
#[test]
fn subscribe_read_mark_and_undo_through_the_real_loop() {
    let server = TestServer::start();
    server.set("/garden.xml", Route::feed(rss("Garden Notes", GARDEN)));
    let env = Env::new();
    env.config("[reader]\nrefresh_on_start = false\nmouse = false\n");
    let mut h = Harness::new(&env, 80, 24);
    let address = server.url("/garden.xml").trim_start_matches("http://").to_string();
    let frames_before = h.screen.frames;
    h.script
        .keys("a")
        .type_text(&address)
        .keys("tab")
        .type_text("Garden")
        .keys("enter")
        .until("the feed's two articles", |s| s.list.rows.len() == 2)
        .until("the subscription message", |s| {
            s.messages.current().is_some_and(|m| m.text.starts_with("Subscribed to “Garden Notes”"))
        })
        .keys("enter")
        .until("the article's text", |s| s.article.as_ref().is_some_and(|a| !a.lines.is_empty()))
        .keys("q")
        .keys("A")
        .until("the answer to the mark-all", |s| s.undo.is_some())
        .wait(5)
        .keys("U")
        .until("the undo reloaded", |s| s.undo.is_none() && s.list.loading.is_none() && s.list.unread == 1)
        .keys("q");
    h.run();
    assert!(h.app.state.quit);
    assert!(h.screen.frames > frames_before, "frames were drawn");
    // The subscription is the http:// address (https:// was tried first), with its tag.
    let feeds = env.store().feeds().unwrap();
    assert_eq!(feeds.len(), 1);
    assert_eq!(feeds[0].url, format!("http://{address}"));
    assert_eq!(feeds[0].tags, ["Garden"]);
    // Opening read one; the mark-all read the other; undo made exactly that one unread again.
    let articles: serde_json::Value = serde_json::from_str(&env.run_ok(&["articles", "--json"])).unwrap();
    let read: Vec<bool> = articles.as_array().unwrap().iter().map(|a| a["read"].as_bool().unwrap()).collect();
    assert_eq!(read, [true, false], "{articles}");
    assert!(h.status().contains("unread again"), "{}", h.status());
}

/// A feed that fails says why in its view, the sidebar's detail says it in full, and `r` in the
/// sidebar retries it; a closed port and a page without a feed say what happened.
#[test]
fn failures_say_why_and_r_retries() {
    let server = TestServer::start();
    server.set("/garden.xml", Route::status(404));
    let env = Env::new();
    env.config("[reader]\nrefresh_on_start = true\nmouse = false\n");
    env.run_ok(&["add", "--no-fetch", &server.url("/garden.xml")]);
    let mut h = Harness::new(&env, 120, 40);
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_url = format!("http://{}/feed.xml", closed.local_addr().unwrap());
    drop(closed);
    h.app.handle(Msg::Ready, &mut h.script, &mut h.screen, &h.worker);
    h.script
        .until("the refresh to end with the failure", |s| {
            !s.refreshing && s.overview.feeds.first().is_some_and(|f| f.last_error.is_some())
        })
        .keys("b G enter")
        .until("the feed's view", |s| {
            matches!(s.view.kind, ViewKind::Feed { .. }) && s.failed_feed().is_some()
        });
    h.run();
    let screen = h.screen();
    assert!(screen.contains("! the server answered 404 Not Found"), "{screen}");
    assert!(screen.contains("failed 1 time in a row"), "{screen}");
    // The sidebar's detail says it in full.
    h.script.keys("h").until("the sidebar focused", |s| s.focus == tidings::layout::Pane::Sidebar);
    h.run();
    let screen = h.screen();
    assert!(screen.contains("! Failed 1 time in a") && screen.contains("r retries now"), "{screen}");
    // r there retries it; the feed works again.
    server.set("/garden.xml", Route::feed(rss("Garden Notes", GARDEN)));
    h.script.keys("r").until("the retry to succeed", |s| {
        !s.refreshing && s.overview.feeds.first().is_some_and(|f| f.last_error.is_none())
    });
    h.run();
    assert!(!h.screen().contains("Failed 1 time"), "{}", h.screen());
    assert_eq!(h.app.state.list.rows.len(), 2, "its articles are in its view now");
    // A closed port: one clear sentence, in the reader.
    h.script.keys("esc").wait(5).keys("a").type_text(&closed_url).keys("enter").until("the failure", |s| {
        s.messages.current().is_some_and(|m| m.text.starts_with("Cannot subscribe"))
    });
    h.run();
    let status = h.status();
    assert!(status.contains("connection refused") && !status.contains("Connect"), "{status}");
    // M shows it in full.
    h.script.keys("M").until("the message log", |s| matches!(s.popup, Some(Popup::Messages { .. })));
    h.run();
    assert!(h.screen().contains("connection refused"), "{}", h.screen());
}

/// `d` in the sidebar asks, `y` unsubscribes (the cache forgets the feed), `U` subscribes again.
#[test]
fn unsubscribe_asks_and_undo_subscribes_again() {
    let server = TestServer::start();
    server.set("/garden.xml", Route::feed(rss("Garden Notes", GARDEN)));
    let env = Env::new();
    env.config("[reader]\nrefresh_on_start = false\nmouse = false\n");
    env.run_ok(&["add", "--tag", "outdoors", &server.url("/garden.xml")]);
    let mut h = Harness::new(&env, 80, 24);
    h.script
        .keys("b G d")
        .until("the question", |s| matches!(s.popup, Some(Popup::Confirm(_))))
        .keys("n")
        .until("no change", |s| s.popup.is_none())
        .keys("d y")
        .until("the feed gone", |s| s.overview.feeds.is_empty() && s.undo.is_some());
    h.run();
    assert!(env.store().feeds().unwrap().is_empty(), "unsubscribed in the cache");
    h.script.wait(5).keys("U").until("the feed back", |s| s.overview.feeds.len() == 1);
    h.run();
    let feeds = env.store().feeds().unwrap();
    assert_eq!((feeds.len(), feeds[0].tags.clone()), (1, vec!["outdoors".to_string()]), "with its tag");
}

/// With a sync server set, `d` then `U` on a feed of this device alone brings back the same
/// feed: still local (not subscribed on the server), the same id, every article with its read
/// and star marks. The server is never asked (its address is closed).
#[test]
fn undo_of_an_unsubscription_restores_the_feed_exactly_even_with_a_sync_server() {
    let server = TestServer::start();
    server.set("/garden.xml", Route::feed(rss("Garden Notes", GARDEN)));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let sync_url = format!("http://{}/api/greader.php", closed.local_addr().unwrap());
    drop(closed);
    let env = Env::new();
    env.config(&format!(
        "[reader]\nrefresh_on_start = false\nmouse = false\n[sync]\nkind = \"greader\"\nurl = \"{sync_url}\"\nuser = \"me\"\npassword_command = [\"echo\", \"pw\"]\n"
    ));
    env.run_ok(&["add", "--local", "--tag", "outdoors", &server.url("/garden.xml")]);
    let listed: serde_json::Value = serde_json::from_str(&env.run_ok(&["articles", "--json"])).unwrap();
    let ids: Vec<String> = listed.as_array().unwrap().iter().map(|a| a["id"].to_string()).collect();
    env.run_ok(&["mark", "--star", &ids[0]]);
    env.run_ok(&["mark", "--read", &ids[1]]);
    let before = env.run_ok(&["articles", "--json"]);
    let feed_before = env.store().feeds().unwrap();

    let mut h = Harness::new(&env, 80, 24);
    h.script
        .keys("b G d y")
        .until("the feed gone", |s| s.overview.feeds.is_empty() && s.undo.is_some())
        .wait(5)
        .keys("U")
        .until("the feed back", |s| s.overview.feeds.len() == 1);
    h.run();
    assert!(h.status().contains("is back"), "{}", h.status());
    let feeds = env.store().feeds().unwrap();
    assert_eq!(feeds, feed_before, "the same feed, still local, with its tag and counts");
    assert_eq!(env.run_ok(&["articles", "--json"]), before, "every article with its marks");
}
