//! The subcommands, each a thin layer over the library: resolve arguments, call, print.

mod find;
mod newsboat;
mod output;
mod read;
mod refresh;
pub mod shell;
mod subscribe;
mod sync;

use std::io::IsTerminal;

use anyhow::{Context as _, Result};

use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::paths::Paths;
use crate::store::Store;

pub use output::{Out, warn};

/// What every command needs: where files are and the configuration.
#[derive(Debug)]
pub struct Context {
    /// Resolved directories.
    pub paths: Paths,
    /// The loaded configuration.
    pub config: Config,
}

impl Context {
    /// Opens the cache. A damaged cache is moved aside (never deleted) and a fresh one started;
    /// stderr says where the old one went and what to do.
    pub fn open_store(&self) -> Result<Store> {
        let (mut store, moved) = Store::open_or_move_aside(&self.paths.database())?;
        if let Some(moved) = moved {
            warn(format!("tidings: warning: {moved}"));
        }
        store.set_kill_rules(&self.config.kill);
        if let Err(e) = store.set_config_tags(&self.config.feeds) {
            // A read-only cache still reads; its tags from config.toml wait for a writable one.
            warn(format!("tidings: warning: the tags config.toml gives feeds could not be stored: {e}"));
        }
        Ok(store)
    }
}

/// Runs the command line's command.
pub fn run(cli: Cli, ctx: &Context) -> Result<()> {
    let mut out = Out::stdout();
    match cli.command {
        None if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() => {
            let options = crate::app::Options { theme: cli.theme.clone() };
            crate::app::run(&ctx.paths, &ctx.config, &options)
        }
        None => read::latest(ctx, &mut out),
        Some(Command::Add { url, title, tags, no_fetch, local }) => {
            subscribe::add(ctx, &mut out, &url, title, tags, no_fetch, local)
        }
        Some(Command::Sync { quiet, json, confirm_removal }) => {
            sync::run(ctx, &mut out, quiet, json, confirm_removal)
        }
        Some(Command::Remove { feed }) => subscribe::remove(ctx, &mut out, &feed),
        Some(Command::Import { newsboat: Some(dir), json, .. }) => {
            newsboat::import(ctx, &mut out, dir.as_deref(), json)
        }
        Some(Command::Import { file, .. }) => {
            subscribe::import(ctx, &mut out, file.as_deref().unwrap_or(std::path::Path::new("-")))
        }
        Some(Command::Export) => subscribe::export(ctx, &mut out),
        Some(Command::Feeds { json }) => read::feeds(ctx, &mut out, json),
        Some(Command::Refresh { feeds, quiet }) => refresh::run(ctx, &mut out, &feeds, quiet),
        Some(Command::Articles(args)) => read::articles(ctx, &mut out, &args),
        Some(Command::Mark(args)) => read::mark(ctx, &mut out, &args),
        Some(Command::Show { id, width, full }) => read::show(ctx, &mut out, id, width, full),
        Some(Command::Search { query, limit, json }) => {
            find::search(ctx, &mut out, &query.join(" "), limit, json)
        }
        Some(Command::Related { id, limit, json, now }) => find::related(ctx, &mut out, id, limit, json, now),
        Some(Command::Unread { feed, tag, json }) => {
            read::unread(ctx, &mut out, feed.as_deref(), tag.as_deref(), json)
        }
        Some(Command::Kill { apply }) => read::kill(ctx, &mut out, apply),
        Some(Command::Completions { shell }) => shell::completions(shell, &mut std::io::stdout()),
        Some(Command::Man) => shell::man(&mut std::io::stdout()),
    }?;
    out.flush()
}

/// A command's end with a given exit code; an empty message prints nothing (`-q` for cron,
/// when there is nothing worth a mail).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ExitWith {
    /// The exit code.
    pub code: u8,
    /// What to say on stderr, if anything.
    pub message: String,
}

/// A tokio runtime for one command's network work.
fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")
}

/// Resolves a feed given by URL or id, or says it is unknown.
fn resolve_feed(store: &Store, spec: &str) -> Result<crate::domain::FeedId> {
    store
        .resolve_feed(spec)?
        .ok_or_else(|| anyhow::anyhow!("no subscription matches `{spec}` (see `tidings feeds`)"))
}
