//! The reader: state, messages, effects, the pure `update`, and the loop that ties them to the
//! terminal and the worker.
//!
//! The loop ([`run::App::run`]) waits for events from an [`events::EventSource`] (the terminal,
//! a clock tick, signals, the worker), turns input into messages through the keymap, runs
//! `update` on each, routes the effects ([`effect::Effect::target`]), and draws once when
//! something shown changed.
//!
//! `update` routes each message to the module of the state it concerns: `list` (paging,
//! views), `article` (the article pane and read also), `marks`, `sidebar`, `feeds` (refresh,
//! subscribe, import), `prompt` and `modal` (popups), `mouse`. They share the plain data of
//! `state`; none of them imports another that imports it back.

pub mod action;
pub mod article;
pub mod browser;
pub mod effect;
pub mod events;
pub mod feeds;
pub mod full_text;
pub mod hints;
pub mod input;
pub mod list;
pub mod marks;
pub mod messages;
pub mod modal;
pub mod mouse;
pub mod msg;
pub mod prompt;
pub mod run;
pub mod sidebar;
pub mod starter;
pub mod state;
pub mod top;
pub mod update;

#[cfg(test)]
mod tests;

pub use run::{Options, run};
