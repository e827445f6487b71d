//! The sync password: from `password_command` (run without a shell), the environment, or
//! config.toml itself (which then should be readable by its owner alone).

use std::path::Path;
use std::time::Duration;

use super::SyncError;
use crate::config::{PASSWORD_ENV, SyncConfig};

/// How long `password_command` may take (a password manager may ask for a passphrase).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// The most `password_command` may print (`pass` prints the password and other lines).
const PASSWORD_CAP: u64 = 64 * 1024;

/// The password, from the first of `password_command`, `password_env` (else
/// `TIDINGS_SYNC_PASSWORD`) and `password` that is set.
pub async fn password(sync: &SyncConfig) -> Result<String, SyncError> {
    if let Some(argv) = &sync.password_command {
        return from_command(argv).await;
    }
    let var = sync.password_env.as_deref().unwrap_or(PASSWORD_ENV);
    if let Ok(value) = std::env::var(var)
        && !value.is_empty()
    {
        return Ok(value);
    }
    if let Some(pw) = &sync.password {
        return Ok(pw.clone());
    }
    Err(SyncError::Password(match &sync.password_env {
        Some(var) => format!("the environment variable {var} (password_env in [sync]) is not set"),
        None => format!(
            "[sync] gives none: set password_command (such as [\"pass\", \"show\", \"freshrss\"]), or the environment variable {PASSWORD_ENV}, or password"
        ),
    }))
}

/// Runs `password_command`. A failure names the program and how it ended, nothing more: its
/// arguments may hold a passphrase, and what it wrote to stderr may echo one; and this message
/// goes to the terminal, the log, the cache (`tidings feeds`) and the reader.
async fn from_command(argv: &[String]) -> Result<String, SyncError> {
    use crate::command::Failure;
    let Some(program) = argv.first() else {
        return Err(SyncError::Password("password_command in [sync] is empty".into()));
    };
    let shown = crate::text::sanitize::single_line(program);
    let out = crate::command::run(argv, PASSWORD_CAP, COMMAND_TIMEOUT).await.map_err(|failure| {
        SyncError::Password(match failure {
            Failure::Timeout => {
                format!("password_command `{shown}` did not finish within {} s", COMMAND_TIMEOUT.as_secs())
            }
            Failure::TooLarge => format!(
                "password_command `{shown}` printed more than a password (over {} KiB); it was stopped",
                PASSWORD_CAP >> 10
            ),
            Failure::Exit { code, .. } => format!(
                "password_command `{shown}` {code} (what it said is not shown, as it may hold secrets: run the command yourself to see it)"
            ),
            Failure::Start(why) => format!("password_command `{shown}`: {why}"),
            Failure::Io(_) => format!("password_command `{shown}`: its output could not be read"),
        })
    })?;
    // The first line, as `pass` prints it.
    let text = String::from_utf8_lossy(&out);
    let first = text.lines().next().unwrap_or("").trim_end_matches('\r');
    if first.is_empty() {
        return Err(SyncError::Password(format!("password_command `{shown}` printed nothing")));
    }
    Ok(first.to_string())
}

/// A warning when config.toml holds the password and others may read the file.
pub fn config_file_warning(sync: &SyncConfig, path: &Path) -> Option<String> {
    sync.password.as_ref()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            return Some(format!(
                "{} holds the sync password and others can read it (mode {:o}): run `chmod 600 {}`, or use password_command",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    None
}
