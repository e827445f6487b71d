//! The reader: state, messages, effects, the pure `update`, and the loop that ties them to the
//! terminal and the worker.
//!
//! The loop waits for the next message (a terminal event, a worker result, or a tick), drains
//! every message already queued, runs `update` on each, hands the effects out, and draws once.

pub mod action;
pub mod browser;
pub mod effect;
pub mod input;
pub mod msg;
mod nav;
pub mod starter;
pub mod state;
pub mod update;

#[cfg(test)]
mod tests;

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use anyhow::{Context as _, Result};
use chrono::Utc;

use self::effect::Effect;
use self::msg::Msg;
use self::state::{Settings, State};
use crate::config::Config;
use crate::keymap::Keymap;
use crate::paths::Paths;
use crate::theme::{ColorDepth, Theme};
use crate::tui::Terminal;
use crate::worker::Worker;

/// Set while a browser runs in the terminal: the input thread stops reading so the browser
/// gets every key.
static INPUT_PAUSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// How often the clock ticks when nothing else happens.
const TICK: Duration = Duration::from_secs(15);
/// How long the input thread waits for an event before looking at `INPUT_PAUSED` again.
const INPUT_POLL: Duration = Duration::from_millis(40);

/// What arrives at the loop.
enum Incoming {
    /// A message from the worker (or a signal).
    Msg(Msg),
    /// A terminal event.
    Term(crossterm::event::Event),
}

/// Options from the command line.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--theme`, overriding `reader.theme`.
    pub theme: Option<String>,
}

/// Runs the reader until the user quits.
pub fn run(paths: &Paths, config: &Config, options: &Options) -> Result<()> {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme_name = options.theme.as_deref().unwrap_or(&config.reader.theme);
    let (theme, theme_problem) =
        Theme::load_or_default(theme_name, &paths.config_dir, ColorDepth::detect(), no_color);
    let (keymap, keymap_problem) = match Keymap::load(&paths.config_dir.join("keys.toml")) {
        Ok(k) => (k, None),
        Err(e) => (Keymap::defaults(), Some(e.to_string())),
    };
    let settings = Settings {
        max_width: usize::from(config.reader.max_width.get()),
        mark_read_on_open: config.reader.mark_read_on_open,
        refresh_interval: config.reader.refresh_interval,
    };
    // Signals are caught from before the terminal changes mode, so none can end the process
    // with the terminal left raw.
    let signals = catch_signals();
    let mut terminal = Terminal::enter(config.reader.mouse).context("cannot set up the terminal")?;
    let size = terminal.size().unwrap_or((80, 24));
    let tz = *chrono::Local::now().offset();
    let mut state = State::new(settings, size, Utc::now(), tz);
    state.sidebar.visible = config.reader.sidebar;
    // The first frame comes from the cache, before any network work.
    first_screen(paths, &mut state)?;
    if let Some(problem) = theme_problem.or(keymap_problem) {
        update::update(&mut state, Msg::Error(problem));
    }
    let help = keymap.help();
    terminal.draw(|f| crate::ui::draw(f, &state, &theme, &help))?;

    let (tx, rx) = channel::<Incoming>();
    let worker = Worker::start(paths, config, &forwarder(&tx)).context("cannot start the worker")?;
    spawn_input(tx.clone());
    spawn_signals(signals, &tx);
    if config.reader.refresh_on_start && !state.overview.feeds.is_empty() {
        run_effect(&mut terminal, &worker, &mut state, config, Effect::Refresh { feeds: None });
    }
    let mut pending = Vec::new();
    let mouse = config.reader.mouse;
    while !state.quit && !crate::tui::PANICKED.load(std::sync::atomic::Ordering::SeqCst) {
        let batch = next_batch(&rx);
        for incoming in batch {
            let msg = match incoming {
                Incoming::Msg(m) => Some(m),
                Incoming::Term(ev) => input::translate(&keymap, &mut pending, &state, &ev, mouse),
            };
            if let Some(msg) = msg {
                for effect in update::update(&mut state, msg) {
                    run_effect(&mut terminal, &worker, &mut state, config, effect);
                }
            }
        }
        if terminal.draw(|f| crate::ui::draw(f, &state, &theme, &help)).is_err() {
            break; // the terminal is gone (a dropped SSH link)
        }
    }
    drop(terminal);
    drop(worker);
    Ok(())
}

/// Loads the sidebar data and the first page synchronously, straight from the cache.
fn first_screen(paths: &Paths, state: &mut State) -> Result<()> {
    let store = crate::store::Store::open(&paths.database())?;
    let data = crate::worker::sidebar(&store)?;
    update::update(state, Msg::SidebarLoaded(Box::new(data)));
    for effect in update::start(state) {
        if let Effect::LoadPage { req, filter, page, limit, kind } = effect {
            let rows = store.page(&filter, page, limit)?;
            let counts = store.counts(&filter)?;
            update::update(state, Msg::PageLoaded { req, kind, full: rows.len() == limit, rows, counts });
        }
    }
    Ok(())
}

/// Waits for a message (or the tick), then takes every message already queued.
fn next_batch(rx: &Receiver<Incoming>) -> Vec<Incoming> {
    let first = match rx.recv_timeout(TICK) {
        Ok(m) => m,
        Err(RecvTimeoutError::Timeout) => Incoming::Msg(Msg::Tick(Utc::now())),
        Err(RecvTimeoutError::Disconnected) => Incoming::Msg(Msg::Quit),
    };
    let mut batch = vec![first];
    batch.extend(rx.try_iter());
    batch
}

/// Effects on the terminal run here; the rest go to the worker.
fn run_effect(terminal: &mut Terminal, worker: &Worker, state: &mut State, config: &Config, effect: Effect) {
    match effect {
        Effect::OpenUrl { url } => {
            let env = std::env::var("BROWSER").ok();
            match browser::command(config.reader.browser.as_deref(), env.as_deref(), &url) {
                Ok(argv) => {
                    INPUT_PAUSED.store(true, std::sync::atomic::Ordering::SeqCst);
                    // Let the input thread finish its current wait before the browser reads keys.
                    std::thread::sleep(INPUT_POLL + Duration::from_millis(10));
                    let _ = terminal.suspend();
                    let status = std::process::Command::new(&argv[0]).args(&argv[1..]).status();
                    let _ = terminal.resume();
                    INPUT_PAUSED.store(false, std::sync::atomic::Ordering::SeqCst);
                    if let Err(e) = status {
                        update::update(state, Msg::Error(format!("cannot run {}: {e}", argv[0])));
                    }
                }
                Err(e) => {
                    update::update(state, Msg::Error(e.to_string()));
                }
            }
        }
        Effect::CopyUrl { url } => {
            if terminal.write_raw(&browser::osc52(&url)).is_err() {
                update::update(state, Msg::Error("cannot write to the terminal".into()));
            }
        }
        other => worker.run(other),
    }
}

/// A sender of worker messages into the loop's channel.
fn forwarder(tx: &Sender<Incoming>) -> Sender<Msg> {
    let (msg_tx, msg_rx) = channel::<Msg>();
    let tx = tx.clone();
    let _ = std::thread::Builder::new().name("tidings-forward".into()).spawn(move || {
        for msg in msg_rx {
            if tx.send(Incoming::Msg(msg)).is_err() {
                return;
            }
        }
    });
    msg_tx
}

/// Reads terminal events on a thread of their own.
fn spawn_input(tx: Sender<Incoming>) {
    let _ = std::thread::Builder::new().name("tidings-input".into()).spawn(move || {
        loop {
            if INPUT_PAUSED.load(std::sync::atomic::Ordering::SeqCst) {
                std::thread::sleep(INPUT_POLL);
                continue;
            }
            let event = match crossterm::event::poll(INPUT_POLL) {
                Ok(true) => crossterm::event::read(),
                Ok(false) => continue,
                Err(e) => Err(e),
            };
            // Reading fails when the terminal is gone: leave through the loop.
            let incoming = event.map_or(Incoming::Msg(Msg::Quit), Incoming::Term);
            let quit = matches!(incoming, Incoming::Msg(Msg::Quit));
            if tx.send(incoming).is_err() || quit {
                return;
            }
        }
    });
}

/// SIGTERM, SIGHUP (a dropped SSH link), SIGINT and SIGQUIT end the reader through the loop,
/// so the terminal is restored on the way out.
fn catch_signals() -> Option<signal_hook::iterator::Signals> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT]).ok()
}

/// Turns caught signals into a quit message for the loop.
fn spawn_signals(signals: Option<signal_hook::iterator::Signals>, tx: &Sender<Incoming>) {
    let Some(mut signals) = signals else { return };
    let tx = tx.clone();
    let _ = std::thread::Builder::new().name("tidings-signals".into()).spawn(move || {
        if signals.forever().next().is_some() {
            let _ = tx.send(Incoming::Msg(Msg::Quit));
        }
    });
}
