//! The `tidings` binary: parse the command line, set up logging to a file, run, map errors to
//! exit codes (1 failure, 2 usage, 3 configuration, 4 database, 75 a sync server away).

use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::{Context as _, Result};
use clap::Parser;
use tracing_subscriber::EnvFilter;

use tidings::cli::{Cli, Command};
use tidings::cmd::{self, Context};
use tidings::config::{Config, ConfigError};
use tidings::paths::Paths;
use tidings::store::StoreError;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<cmd::ExitWith>().is_some() => {
            let (code, message) =
                e.downcast_ref::<cmd::ExitWith>().map_or((1, ""), |x| (x.code, x.message.as_str()));
            if !message.is_empty() {
                eprintln!("tidings: {message}");
                tracing::error!("{message}");
            }
            ExitCode::from(code)
        }
        Err(e) => {
            // Errors repeat what a feed, a server or a config file said: cleaned like all output.
            let message = tidings::text::sanitize::clean_text(&one_line(&e)).into_owned();
            eprintln!("tidings: {message}");
            tracing::error!("{message}");
            exit_code(&e)
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    // Generated from the command line alone: they work before any configuration exists.
    match cli.command {
        Some(Command::Completions { shell }) => {
            return cmd::shell::completions(shell, &mut std::io::stdout());
        }
        Some(Command::Man) => return cmd::shell::man(&mut std::io::stdout()),
        _ => {}
    }
    let paths = Paths::resolve(cli.config_dir.clone(), cli.data_dir.clone())?;
    init_logging(&paths);
    let config = Config::load(&paths.config_file())?;
    tracing::debug!(?paths, "starting");
    cmd::run(cli, &Context { paths, config })
}

/// Logs go to a file; failing to open it costs the log, never the command.
fn init_logging(paths: &Paths) {
    let open = || -> Result<std::fs::File> {
        std::fs::create_dir_all(&paths.log_dir).with_context(|| format!("{}", paths.log_dir.display()))?;
        let file = std::fs::OpenOptions::new().create(true).append(true).open(paths.log_file())?;
        Ok(file)
    };
    let Ok(file) = open() else { return };
    let filter = EnvFilter::try_from_env("TIDINGS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
}

/// The error and its causes on one line, each said once: a cause whose text the line already
/// holds (an error that shows its source in its own message) is left out.
fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

fn exit_code(e: &anyhow::Error) -> ExitCode {
    if e.chain().any(<dyn std::error::Error>::is::<ConfigError>) {
        ExitCode::from(3)
    } else if e.chain().any(<dyn std::error::Error>::is::<StoreError>) {
        ExitCode::from(4)
    } else {
        ExitCode::FAILURE
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
