//! Where the loop's events come from. [`EventSource`] is what the loop waits on; the real one,
//! [`TerminalEvents`], merges terminal input, a clock tick, caught signals and the worker's
//! messages into one channel. Tests drive the same loop with a scripted source (keys, and
//! waiting for the state to reach a condition), headless.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use chrono::Utc;

use super::msg::Msg;
use super::state::State;

/// How often the clock ticks, whatever else happens.
pub const TICK: Duration = Duration::from_secs(1);
/// How long the input thread waits for an event before looking at the pause flag again.
const INPUT_POLL: Duration = Duration::from_millis(40);

/// What arrives at the loop.
#[derive(Debug)]
pub enum Event {
    /// A terminal event (keys, resize, mouse, paste), translated by the loop through the keymap.
    Input(crossterm::event::Event),
    /// A message: from the worker, the clock, or a signal.
    Msg(Msg),
}

/// What the loop waits on.
pub trait EventSource {
    /// The next events: waits for at least one, then takes every one already queued. `None`
    /// ends the loop. `state` is what the loop shows now (a scripted source waits on it).
    fn next(&mut self, state: &State) -> Option<Vec<Event>>;

    /// Stops (or resumes) reading the terminal, while a program run in it needs the keys.
    fn pause_input(&mut self, _paused: bool) {}
}

/// Sends messages into the loop's channel; what the worker and the helper threads hold.
#[derive(Clone, Debug)]
pub struct MsgSender(Sender<Event>);

impl MsgSender {
    /// A sender into `tx`.
    pub fn new(tx: Sender<Event>) -> Self {
        Self(tx)
    }

    /// Sends a message; false when the loop has gone.
    pub fn send(&self, msg: Msg) -> bool {
        self.0.send(Event::Msg(msg)).is_ok()
    }
}

/// The loop's channel: a sender for everyone who reports to the loop, and its receiver.
pub fn channel_pair() -> (MsgSender, Sender<Event>, Receiver<Event>) {
    let (tx, rx) = channel();
    (MsgSender(tx.clone()), tx, rx)
}

/// Waits for an event, then takes every one already queued; `None` when every sender is gone.
pub fn next_batch(rx: &Receiver<Event>) -> Option<Vec<Event>> {
    let first = rx.recv().ok()?;
    let mut batch = vec![first];
    batch.extend(rx.try_iter());
    Some(batch)
}

/// The real source: the terminal, the clock, signals and the worker.
pub struct TerminalEvents {
    rx: Receiver<Event>,
    paused: Arc<AtomicBool>,
}

impl TerminalEvents {
    /// Starts the input, tick and signal threads sending into `tx`; the loop reads `rx`.
    pub fn start(
        tx: &Sender<Event>,
        rx: Receiver<Event>,
        signals: Option<signal_hook::iterator::Signals>,
    ) -> Self {
        let paused = Arc::new(AtomicBool::new(false));
        spawn_input(tx.clone(), Arc::clone(&paused));
        spawn_ticker(tx.clone());
        if let Some(signals) = signals {
            spawn_signals(signals, tx.clone());
        }
        Self { rx, paused }
    }
}

impl EventSource for TerminalEvents {
    fn next(&mut self, _state: &State) -> Option<Vec<Event>> {
        next_batch(&self.rx)
    }

    fn pause_input(&mut self, paused: bool) {
        self.paused.store(paused, Ordering::SeqCst);
        if paused {
            // Let the input thread finish its current wait before another program reads keys.
            std::thread::sleep(INPUT_POLL + Duration::from_millis(10));
        }
    }
}

/// Reads terminal events on a thread of their own.
fn spawn_input(tx: Sender<Event>, paused: Arc<AtomicBool>) {
    let _ = std::thread::Builder::new().name("tidings-input".into()).spawn(move || {
        loop {
            if paused.load(Ordering::SeqCst) {
                std::thread::sleep(INPUT_POLL);
                continue;
            }
            let event = match crossterm::event::poll(INPUT_POLL) {
                Ok(true) => crossterm::event::read(),
                Ok(false) => continue,
                Err(e) => Err(e),
            };
            // Reading fails when the terminal is gone: leave through the loop.
            let (event, quit) = match event {
                Ok(ev) => (Event::Input(ev), false),
                Err(_) => (Event::Msg(Msg::Quit), true),
            };
            if tx.send(event).is_err() || quit {
                return;
            }
        }
    });
}

/// Ticks the clock every [`TICK`], whatever else arrives, until the loop is gone.
fn spawn_ticker(tx: Sender<Event>) {
    let _ = std::thread::Builder::new().name("tidings-tick".into()).spawn(move || {
        loop {
            std::thread::sleep(TICK);
            if tx.send(Event::Msg(Msg::Tick(Utc::now()))).is_err() {
                return;
            }
        }
    });
}

/// SIGTERM, SIGHUP (a dropped SSH link), SIGINT and SIGQUIT end the reader through the loop,
/// so the terminal is restored on the way out.
pub fn catch_signals() -> Option<signal_hook::iterator::Signals> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT]).ok()
}

/// Turns caught signals into a quit message for the loop.
fn spawn_signals(mut signals: signal_hook::iterator::Signals, tx: Sender<Event>) {
    let _ = std::thread::Builder::new().name("tidings-signals".into()).spawn(move || {
        if signals.forever().next().is_some() {
            let _ = tx.send(Event::Msg(Msg::Quit));
        }
    });
}
