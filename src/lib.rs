//! tidings: a keyboard-driven terminal reader for RSS, Atom and JSON feeds.
//!
//! The library holds everything; the binary is a thin shell over [`cmd`]. The flow is
//! subscriptions → [`feed::fetch`] → [`feed::parse`] → [`feed::normalize`] → [`store`], driven
//! by [`refresh`], and [`text`] turns stored HTML into wrapped text for the terminal.

pub mod app;
pub mod cli;
pub mod cmd;
pub mod command;
pub mod config;
pub mod domain;
pub mod feed;
pub mod fulltext;
pub mod import;
pub mod index;
pub mod keymap;
pub mod layout;
pub mod paths;
pub mod refresh;
pub mod store;
pub mod subscribe;
pub mod sync;
pub mod text;
pub mod theme;
pub mod tui;
pub mod ui;
pub mod worker;
