//! The sync password: from `password_command` (run without a shell), the environment, or
//! config.toml itself (which then should be readable by its owner alone).

use std::path::Path;
use std::time::Duration;

use super::SyncError;
use crate::config::{PASSWORD_ENV, SyncConfig};

/// How long `password_command` may take (a password manager may ask for a passphrase).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

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

async fn from_command(argv: &[String]) -> Result<String, SyncError> {
    let shown = shell_words::join(argv);
    let Some((program, args)) = argv.split_first() else {
        return Err(SyncError::Password("password_command in [sync] is empty".into()));
    };
    let run = tokio::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = match tokio::time::timeout(COMMAND_TIMEOUT, run).await {
        Err(_) => {
            return Err(SyncError::Password(format!(
                "password_command `{shown}` did not finish within {} s",
                COMMAND_TIMEOUT.as_secs()
            )));
        }
        Ok(Err(e)) => return Err(SyncError::Password(format!("cannot run password_command `{shown}`: {e}"))),
        Ok(Ok(out)) => out,
    };
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
        let last = crate::text::sanitize::clean_text(last);
        return Err(SyncError::Password(format!(
            "password_command `{shown}` failed ({}){}{last}",
            out.status,
            if last.is_empty() { "" } else { ": " }
        )));
    }
    // The first line, as `pass` prints it.
    let text = String::from_utf8_lossy(&out.stdout);
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
