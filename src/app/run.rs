//! The loop: wait for events, turn them into messages, `update`, route the effects, draw when
//! something shown changed. [`run`] sets it up on the real terminal; tests set up the same
//! [`App`] on a headless screen with a scripted event source.

use std::io;

use anyhow::{Context as _, Result};
use chrono::Utc;
use crossterm::event::KeyEvent;
use ratatui::backend::TestBackend;

use super::effect::{Effect, Target};
use super::events::{self, EventSource, TerminalEvents};
use super::input;
use super::msg::{Msg, Task};
use super::state::{Settings, State};
use super::update;
use crate::config::Config;
use crate::keymap::{HelpEntry, Keymap};
use crate::paths::Paths;
use crate::store::MovedAside;
use crate::theme::{ColorDepth, Theme};
use crate::worker::Worker;

/// Options from the command line.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--theme`, overriding `reader.theme`.
    pub theme: Option<String>,
}

/// Where the loop draws, and what it needs of a terminal.
pub trait Screen {
    /// Draws a frame.
    fn draw(&mut self, render: &mut dyn FnMut(&mut ratatui::Frame<'_>)) -> io::Result<()>;
    /// Gives the terminal to another program (a terminal browser).
    fn suspend(&mut self) -> io::Result<()>;
    /// Takes it back; the next frame repaints everything.
    fn resume(&mut self) -> io::Result<()>;
    /// Writes bytes straight to the terminal (an OSC 52 clipboard sequence).
    fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()>;
}

impl Screen for crate::tui::Terminal {
    fn draw(&mut self, render: &mut dyn FnMut(&mut ratatui::Frame<'_>)) -> io::Result<()> {
        crate::tui::Terminal::draw(self, |f| render(f))
    }
    fn suspend(&mut self) -> io::Result<()> {
        crate::tui::Terminal::suspend(self)
    }
    fn resume(&mut self) -> io::Result<()> {
        crate::tui::Terminal::resume(self)
    }
    fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        crate::tui::Terminal::write_raw(self, bytes)
    }
}

/// A screen in memory: ratatui's test backend, and what was written to it raw.
pub struct HeadlessScreen {
    /// The terminal drawn on.
    pub terminal: ratatui::Terminal<TestBackend>,
    /// Bytes written raw (clipboard sequences).
    pub written: Vec<u8>,
    /// Frames drawn.
    pub frames: usize,
}

impl HeadlessScreen {
    /// A `width` × `height` screen.
    pub fn new(width: u16, height: u16) -> Self {
        let terminal = match ratatui::Terminal::new(TestBackend::new(width, height)) {
            Ok(t) => t,
            Err(never) => match never {},
        };
        Self { terminal, written: Vec::new(), frames: 0 }
    }
}

impl Screen for HeadlessScreen {
    fn draw(&mut self, render: &mut dyn FnMut(&mut ratatui::Frame<'_>)) -> io::Result<()> {
        self.frames += 1;
        match self.terminal.draw(|f| render(f)) {
            Ok(_) => Ok(()),
            Err(never) => match never {},
        }
    }
    fn suspend(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn resume(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.written.extend_from_slice(bytes);
        Ok(())
    }
}

/// The reader's loop and what it holds besides the state.
pub struct App {
    /// What is shown.
    pub state: State,
    keymap: Keymap,
    theme: Theme,
    help: Vec<HelpEntry>,
    /// Keys of a sequence being typed (`g` of `g g`).
    pending: Vec<KeyEvent>,
    mouse: bool,
}

impl App {
    /// An app over `state`, keys from `keymap`, drawn with `theme`.
    pub fn new(mut state: State, keymap: Keymap, theme: Theme, mouse: bool) -> Self {
        let help = keymap.help();
        state.help_len = crate::ui::help_len(&help);
        Self { state, keymap, theme, help, pending: Vec::new(), mouse }
    }

    /// Runs until the user quits, the events end, or the terminal is gone.
    pub fn run(&mut self, events: &mut dyn EventSource, screen: &mut dyn Screen, worker: &Worker) {
        loop {
            if self.state.dirty {
                if self.draw(screen).is_err() {
                    break; // the terminal is gone (a dropped SSH link)
                }
                self.state.dirty = false;
            }
            if self.state.quit || crate::tui::PANICKED.load(std::sync::atomic::Ordering::SeqCst) {
                break;
            }
            let Some(batch) = events.next(&self.state) else { break };
            for event in batch {
                let msg = match event {
                    events::Event::Msg(msg) => Some(msg),
                    events::Event::Input(ev) => {
                        input::translate(&self.keymap, &mut self.pending, &self.state, &ev, self.mouse)
                    }
                };
                if let Some(msg) = msg {
                    self.handle(msg, events, screen, worker);
                }
            }
        }
    }

    /// Draws the state.
    pub fn draw(&self, screen: &mut dyn Screen) -> io::Result<()> {
        let (state, theme, keymap, help) = (&self.state, &self.theme, &self.keymap, &self.help);
        screen.draw(&mut |f| crate::ui::draw(f, state, theme, keymap, help))
    }

    /// Runs `update` on a message and routes its effects.
    pub fn handle(
        &mut self,
        msg: Msg,
        events: &mut dyn EventSource,
        screen: &mut dyn Screen,
        worker: &Worker,
    ) {
        let mut queue = std::collections::VecDeque::from(update::update(&mut self.state, msg));
        while let Some(effect) = queue.pop_front() {
            let report = match effect.target() {
                Target::Terminal => terminal_effect(effect, events, screen).err(),
                _ => worker.run(effect).err().map(|stopped| Msg::WorkerStopped {
                    thread: stopped.0.to_string(),
                    reason: "it is no longer running".to_string(),
                }),
            };
            if let Some(msg) = report {
                queue.extend(update::update(&mut self.state, msg));
            }
        }
    }
}

/// Runs an effect that needs the terminal; a failure comes back as the message to handle.
fn terminal_effect(effect: Effect, events: &mut dyn EventSource, screen: &mut dyn Screen) -> Result<(), Msg> {
    let task = if matches!(effect, Effect::Play { .. }) { Task::Player } else { Task::Browser };
    match effect {
        Effect::OpenBrowser { argv, .. } | Effect::Play { argv, .. } => {
            let Some((program, args)) = argv.split_first() else { return Ok(()) };
            events.pause_input(true);
            let _ = screen.suspend();
            let status = std::process::Command::new(program).args(args).status();
            let _ = screen.resume();
            events.pause_input(false);
            status.map(|_| ()).map_err(|e| Msg::Failed { task, error: format!("cannot run {program}: {e}") })
        }
        Effect::CopyToClipboard { text } => screen.write_raw(&super::browser::osc52(&text)).map_err(|e| {
            Msg::Failed { task: Task::Clipboard, error: format!("cannot write to the terminal: {e}") }
        }),
        _ => Ok(()),
    }
}

/// The reader's settings from the configuration (and `$BROWSER`).
pub fn settings(config: &Config) -> Settings {
    let r = &config.reader;
    Settings {
        max_width: usize::from(r.max_width.get()),
        mark_read_on_open: r.mark_read_on_open,
        story_read: r.story_read,
        refresh_interval: r.refresh_interval,
        refresh_on_start: r.refresh_on_start,
        preview: r.preview,
        mark_read_on_preview: r.mark_read_on_preview,
        browser: r.browser.clone(),
        browser_env: std::env::var("BROWSER").ok(),
        browser_in_terminal: r.browser_in_terminal,
        feed_settings: config.feeds.clone(),
        hyperlinks: crate::ui::hyperlink::enabled(
            r.hyperlinks,
            std::env::var("TERM").ok().as_deref(),
            std::env::var_os("TMUX").is_some_and(|v| !v.is_empty()),
        ),
        player: r.player.clone(),
        player_in_terminal: r.player_in_terminal,
        copy_command: super::browser::copy_command(r.copy_command.as_deref(), session(), in_path),
        sync: config.sync.is_some(),
    }
}

/// What the environment says of the session, for the clipboard tool.
fn session() -> super::browser::Session {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    super::browser::Session {
        ssh: set("SSH_TTY") || set("SSH_CONNECTION"),
        wayland: set("WAYLAND_DISPLAY"),
        x11: set("DISPLAY"),
        macos: cfg!(target_os = "macos"),
    }
}

/// Whether an executable named `program` is in `$PATH` (looked up once, at start).
fn in_path(program: &str) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            std::fs::metadata(dir.join(program))
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    })
}

/// Runs the reader until the user quits.
pub fn run(paths: &Paths, config: &Config, options: &Options) -> Result<()> {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme_name = options.theme.as_deref().unwrap_or(&config.reader.theme);
    let (theme, theme_problem) =
        Theme::load_or_default(theme_name, &paths.config_dir, ColorDepth::detect(), no_color);
    let (keymap, keymap_problem) = match Keymap::load(&paths.config_dir.join("keys.toml")) {
        Ok(k) => (k, None),
        Err(e) => (Keymap::defaults(), Some(format!("{e} — the default keys are used"))),
    };
    // Signals are caught from before the terminal changes mode, so none can end the process
    // with the terminal left raw.
    let signals = events::catch_signals();
    let mut terminal =
        crate::tui::Terminal::enter(config.reader.mouse).context("cannot set up the terminal")?;
    let size = terminal.size().unwrap_or((80, 24));
    let tz = *chrono::Local::now().offset();
    let mut state = State::new(settings(config), size, Utc::now(), tz);
    state.sidebar.visible = config.reader.sidebar;
    // The first frame comes from the cache, before any network work.
    let (later, moved) = first_screen(paths, &mut state)?;
    let moved = moved.map(|m| m.to_string());
    let sync_problem =
        config.sync.as_ref().and_then(|s| crate::sync::config_file_warning(s, &paths.config_file()));
    for problem in [moved, theme_problem, keymap_problem, sync_problem].into_iter().flatten() {
        update::update(&mut state, Msg::Warning(problem));
    }
    if !state.overview.feeds.is_empty() {
        let subscribed: Vec<_> = state.overview.feeds.iter().map(|f| (f.id, f.url.clone())).collect();
        for problem in crate::config::unmatched_feed_settings(&config.feeds, &subscribed) {
            tracing::warn!("{problem}");
            update::update(&mut state, Msg::Warning(problem));
        }
    }
    let mut app = App::new(state, keymap, theme, config.reader.mouse);
    app.draw(&mut terminal)?;
    app.state.dirty = false;

    let (out, tx, rx) = events::channel_pair();
    let worker = Worker::start(paths, config, &out).context("cannot start the worker")?;
    let mut source = TerminalEvents::start(&tx, rx, signals);
    drop(tx);
    for effect in later {
        if let Err(stopped) = worker.run(effect) {
            tracing::error!("{stopped}");
        }
    }
    app.handle(Msg::Ready, &mut source, &mut terminal, &worker);
    app.run(&mut source, &mut terminal, &worker);
    drop(terminal);
    drop(worker);
    Ok(())
}

/// Loads the sidebar data and the first page synchronously, straight from the cache. Returns
/// the other effects that asked for (the article shown beside the list), for the worker, and
/// where a damaged cache was moved aside to, if it was (a fresh one is started instead).
pub fn first_screen(paths: &Paths, state: &mut State) -> Result<(Vec<Effect>, Option<MovedAside>)> {
    let (mut store, moved) = crate::store::Store::open_or_move_aside(&paths.database())?;
    let mut effects = std::collections::VecDeque::from(update::start(state));
    let mut later = Vec::new();
    while let Some(effect) = effects.pop_front() {
        if matches!(effect, Effect::LoadPage { .. } | Effect::LoadSidebar) {
            // Answered here, as the worker's database thread would answer them.
            if let Some(msg) = crate::worker::answer(&mut store, effect) {
                effects.extend(update::update(state, msg));
            }
        } else {
            later.push(effect);
        }
    }
    Ok((later, moved))
}
