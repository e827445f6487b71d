//! Runs the reader's effects off the UI thread and reports what happened as messages. It only
//! executes: every decision about what to do next (a refresh after an import, "a refresh is
//! running") is `update`'s.
//!
//! Four threads: the database thread (pages, articles, marks, imports: one connection,
//! requests in order, superseded loads skipped), the related thread (the "read also" ranking,
//! on a connection of its own so it never holds up the list; only the latest request runs),
//! the network thread (refreshes, one
//! at a time, and subscriptions on a tokio runtime), and the indexer (fills the search index in
//! the background, at low priority). A thread that panics says so before it ends, so the reader
//! can tell the user. None of them touches the UI state.

mod db;
mod index;
mod net;

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{Sender, channel};

use tracing::warn;

use crate::app::effect::{Effect, Target};
use crate::app::events::MsgSender;
use crate::app::msg::{Msg, Task};
use crate::config::Config;
use crate::domain::{FeedId, NewFeed};
use crate::paths::Paths;
use crate::store::{Store, StoreError};

pub use db::answer;

/// Work for the network thread.
enum NetJob {
    Refresh(Option<Vec<FeedId>>, bool),
    Subscribe(Vec<NewFeed>),
    FullText(crate::domain::ArticleId),
    /// Read/star changes were made: send them to the sync server shortly.
    SendChanges,
    /// Sync alone, unsubscribing from what the server no longer lists (the user confirmed).
    SyncConfirmingRemovals,
}

/// A worker thread is gone: what was sent to it will not happen.
#[derive(Debug, thiserror::Error)]
#[error("the {0} thread has stopped")]
pub struct Stopped(pub &'static str);

/// The running worker; dropping it stops its threads.
pub struct Worker {
    db: Option<Sender<Effect>>,
    related: Option<Sender<Effect>>,
    net: Option<tokio::sync::mpsc::UnboundedSender<NetJob>>,
    index_wake: Option<Sender<()>>,
    out: MsgSender,
    threads: Vec<std::thread::JoinHandle<()>>,
    /// A sync server is configured: marks are sent to it soon after they are made.
    sync: bool,
}

impl Worker {
    /// Starts the threads. `out` receives every result.
    pub fn start(paths: &Paths, config: &Config, out: &MsgSender) -> Result<Self, StoreError> {
        let mut db_store = Store::open(&paths.database())?;
        db_store.set_config_searches(config.searches.iter().map(|(n, q)| (n.clone(), q.clone())).collect());
        if let Err(e) = db_store.set_config_tags(&config.feeds) {
            warn!("the tags config.toml gives feeds could not be stored: {e}");
        }
        let index_store = Store::open(&paths.database())?;
        let mut related_store = Store::open(&paths.database())?;
        related_store.set_related_config(config.related);
        let (db_tx, db_rx) = channel::<Effect>();
        let (related_tx, related_rx) = channel::<Effect>();
        let (net_tx, net_rx) = tokio::sync::mpsc::unbounded_channel::<NetJob>();
        let (wake_tx, wake_rx) = channel::<()>();
        let mut threads = Vec::new();
        let to_ui = out.clone();
        threads.push(spawn("tidings-db", out, move || db::run(db_store, &db_rx, &to_ui))?);
        let to_ui = out.clone();
        threads.push(spawn("tidings-related", out, move || db::run(related_store, &related_rx, &to_ui))?);
        let (to_ui, wake) = (out.clone(), wake_tx.clone());
        let sync = config.sync.is_some();
        let (config, db_path) = (config.clone(), paths.database());
        threads.push(spawn("tidings-net", out, move || net::run(net_rx, &config, &db_path, &to_ui, &wake))?);
        let to_ui = out.clone();
        threads.push(spawn("tidings-index", out, move || index::run(index_store, &wake_rx, &to_ui))?);
        Ok(Self {
            db: Some(db_tx),
            related: Some(related_tx),
            net: Some(net_tx),
            index_wake: Some(wake_tx),
            out: out.clone(),
            threads,
            sync,
        })
    }

    /// Runs an effect on the thread its [`Effect::target`] names (terminal effects belong to
    /// the loop and are ignored here). Fails when that thread has stopped.
    pub fn run(&self, effect: Effect) -> Result<(), Stopped> {
        match effect.target() {
            Target::Database => {
                let marks = self.sync && matches!(effect, Effect::Mark { .. } | Effect::MarkAllRead { .. });
                let sent = self.db.as_ref().is_some_and(|db| db.send(effect).is_ok());
                if marks && let Some(net) = &self.net {
                    // Best effort: the next sync sends whatever this does not.
                    let _ = net.send(NetJob::SendChanges);
                }
                if sent { Ok(()) } else { Err(Stopped("tidings-db")) }
            }
            Target::Related => {
                let sent = self.related.as_ref().is_some_and(|r| r.send(effect).is_ok());
                if sent { Ok(()) } else { Err(Stopped("tidings-related")) }
            }
            Target::Network => {
                let job = match effect {
                    Effect::Refresh { feeds, due_only } => NetJob::Refresh(feeds, due_only),
                    Effect::Subscribe { feeds } => NetJob::Subscribe(feeds),
                    Effect::FetchFullText { id } => NetJob::FullText(id),
                    Effect::SyncConfirmingRemovals => NetJob::SyncConfirmingRemovals,
                    _ => return Ok(()),
                };
                let sent = self.net.as_ref().is_some_and(|net| net.send(job).is_ok());
                if sent { Ok(()) } else { Err(Stopped("tidings-net")) }
            }
            Target::Process => {
                match effect {
                    Effect::OpenBrowser { argv, .. } => start(&argv, Task::Browser, self.out.clone()),
                    Effect::Play { argv, .. } => start(&argv, Task::Player, self.out.clone()),
                    Effect::CopyWithCommand { argv, text } => copy_with(&argv, text, self.out.clone()),
                    _ => {}
                }
                Ok(())
            }
            Target::Terminal => {
                warn!("a terminal effect reached the worker: {effect:?}");
                Ok(())
            }
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.db.take();
        self.related.take();
        self.net.take();
        self.index_wake.take();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// Starts a named thread that reports a panic to the loop before it ends.
fn spawn(
    name: &'static str,
    out: &MsgSender,
    body: impl FnOnce() + Send + 'static,
) -> Result<std::thread::JoinHandle<()>, StoreError> {
    let out = out.clone();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            if let Err(panic) = std::panic::catch_unwind(AssertUnwindSafe(body)) {
                let reason = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".to_string());
                tracing::error!("the {name} thread stopped: {reason}");
                out.send(Msg::WorkerStopped { thread: name.to_string(), reason });
            }
        })
        .map_err(|e| StoreError::Writer(format!("cannot start the {name} thread: {e}")))
}

/// Starts a browser (or a player) that runs outside the terminal and lets it run; one that
/// cannot be started, or exits with a failure, is reported as `task`.
fn start(argv: &[String], task: Task, out: MsgSender) {
    let Some((program, args)) = argv.split_first() else { return };
    let mut command = std::process::Command::new(program);
    command
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // Its own process group: a Ctrl-c in the reader's terminal is not the browser's.
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    match command.spawn() {
        Ok(mut child) => {
            let program = program.clone();
            // Waited for on a thread of its own (no zombie, no wait in the reader).
            let _ = std::thread::Builder::new().name("tidings-browser".into()).spawn(move || {
                if let Ok(status) = child.wait()
                    && !status.success()
                {
                    let error = format!("{program} exited with {status}");
                    out.send(Msg::Failed { task, error });
                }
            });
        }
        Err(e) => {
            out.send(Msg::Failed { task, error: format!("cannot run {program}: {e}") });
        }
    }
}

/// Hands `text` to a local clipboard command on its stdin, on a thread of its own (the tool
/// may take a moment; xclip stays to serve the selection after its first process exits). A
/// tool that cannot be started or fails is reported; OSC 52 was written either way.
pub fn copy_with(argv: &[String], text: String, out: MsgSender) {
    let Some((program, args)) = argv.split_first() else { return };
    let mut command = std::process::Command::new(program);
    command
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let program = program.clone();
    let failed = move |error: String| {
        warn!("copying with {program}: {error}");
        out.send(Msg::Failed { task: Task::Clipboard, error });
    };
    match command.spawn() {
        Ok(mut child) => {
            let name = argv[0].clone();
            let _ = std::thread::Builder::new().name("tidings-copy".into()).spawn(move || {
                if let Some(mut stdin) = child.stdin.take()
                    && let Err(e) = std::io::Write::write_all(&mut stdin, text.as_bytes())
                {
                    failed(format!("cannot give the text to {name}: {e}"));
                }
                // Dropping stdin ends the text; then the tool's exit is awaited (no zombie).
                match child.wait() {
                    Ok(status) if !status.success() => failed(format!("{name} exited with {status}")),
                    Err(e) => failed(format!("cannot wait for {name}: {e}")),
                    Ok(_) => {}
                }
            });
        }
        Err(e) => {
            failed(format!("cannot run {}: {e} (set reader.copy_command, or leave it to OSC 52)", argv[0]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::db::supersede;
    use super::*;

    #[test]
    fn a_thread_that_panics_says_so_before_it_ends() {
        let (out, _tx, rx) = crate::app::events::channel_pair();
        let handle = spawn("tidings-test", &out, || panic!("the index is on fire")).unwrap();
        handle.join().unwrap();
        let Ok(crate::app::events::Event::Msg(Msg::WorkerStopped { thread, reason })) = rx.try_recv() else {
            panic!("no report")
        };
        assert_eq!((thread.as_str(), reason.as_str()), ("tidings-test", "the index is on fire"));
        // A thread that ends normally says nothing.
        spawn("tidings-test", &out, || {}).unwrap().join().unwrap();
        assert!(rx.try_recv().is_err());
    }

    #[test]
    fn later_loads_supersede_earlier_ones_of_their_kind_only() {
        use crate::domain::ArticleId;
        use crate::store::Mark;
        let batch = vec![
            Effect::LoadArticle { req: 1, id: ArticleId(1) },
            Effect::Mark { ids: vec![ArticleId(1)], mark: Mark::Read },
            Effect::LoadRelated { req: 2, id: ArticleId(1) },
            Effect::LoadArticle { req: 3, id: ArticleId(2) },
            Effect::Mark { ids: vec![ArticleId(2)], mark: Mark::Read },
        ];
        let kept = supersede(batch);
        assert_eq!(
            kept,
            vec![
                Effect::Mark { ids: vec![ArticleId(1)], mark: Mark::Read },
                Effect::LoadRelated { req: 2, id: ArticleId(1) },
                Effect::LoadArticle { req: 3, id: ArticleId(2) },
                Effect::Mark { ids: vec![ArticleId(2)], mark: Mark::Read },
            ],
            "every mark is kept, in order"
        );
    }

    /// A script that writes its stdin to `out` (as a clipboard tool would take it).
    fn recorder(dir: &std::path::Path, name: &str, out: &std::path::Path) -> std::path::PathBuf {
        use std::os::unix::fs::PermissionsExt as _;
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\ncat > '{}.tmp' && mv '{0}.tmp' '{0}'\n", out.display()))
            .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[test]
    fn the_copy_tool_gets_the_text_on_stdin_off_the_ui_thread() {
        let dir = tempfile::tempdir().unwrap();
        let out_file = dir.path().join("clipboard");
        let tool = recorder(dir.path(), "wl-copy", &out_file);
        let (out, _tx, rx) = crate::app::events::channel_pair();
        let argv = vec![tool.display().to_string()];
        copy_with(&argv, "https://e.com/a b ünï".into(), out.clone());
        let start = std::time::Instant::now();
        while !out_file.exists() {
            assert!(start.elapsed() < std::time::Duration::from_secs(10), "the tool never wrote");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "https://e.com/a b ünï");
        // A tool that is not there is reported, naming it.
        copy_with(&["/nonexistent/xclip".to_string()], "x".into(), out);
        let Ok(crate::app::events::Event::Msg(Msg::Failed { task, error })) =
            rx.recv_timeout(std::time::Duration::from_secs(10))
        else {
            panic!("no report")
        };
        assert_eq!(task, Task::Clipboard);
        assert!(error.contains("cannot run /nonexistent/xclip"), "{error}");
    }
}
