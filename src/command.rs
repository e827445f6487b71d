//! Running a user's command without a shell: stdout captured up to a cap, within a time limit,
//! and a failure that names the last line it wrote to stderr. `exec:` feeds and the sync's
//! `password_command` both run this way.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncReadExt;

/// How much of a command's stderr is read: enough for its last lines, never unbounded.
const STDERR_CAP: u64 = 64 * 1024;

/// Why a command gave no output to use. Callers add which setting bounds what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// It could not be started, and why ("not found (give its full path, or check PATH)").
    Start(String),
    /// Its output was larger than the cap.
    TooLarge,
    /// It did not finish within the limit (it was killed).
    Timeout,
    /// It exited unsuccessfully: how ("exited with 1"), and the last line of its stderr.
    Exit {
        /// "exited with N" or "was killed by a signal".
        code: String,
        /// The last non-empty line of its stderr, or "nothing on stderr".
        last: String,
    },
    /// Reading its output or waiting for it failed.
    Io(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Start(why) | Self::Io(why) => f.write_str(why),
            Self::TooLarge => f.write_str("output larger than the limit"),
            Self::Timeout => f.write_str("no answer in time"),
            Self::Exit { code, last } => write!(f, "{code}: {last}"),
        }
    }
}

/// Runs `argv` (no shell, stdin closed) and returns its stdout: at most `cap` bytes, within
/// `limit`; the command is killed when the limit passes, or as soon as it prints more than
/// `cap`.
pub async fn run(argv: &[String], cap: u64, limit: Duration) -> Result<Vec<u8>, Failure> {
    let Some((program, args)) = argv.split_first() else {
        return Err(Failure::Start("no command given".into()));
    };
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            Failure::Start(match e.kind() {
                std::io::ErrorKind::NotFound => "not found (give its full path, or check PATH)".into(),
                std::io::ErrorKind::PermissionDenied => "cannot be run (is it executable?)".into(),
                _ => format!("cannot be started ({e})"),
            })
        })?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(Failure::Io("its output could not be captured".into()));
    };
    // Stdout is read up to one byte past the cap: a command that prints more (one that never
    // stops, as `yes`) fails at once and is killed, without waiting for the time limit. Stderr
    // is kept up to its cap and the rest drained, so a chatty command is never blocked on it.
    let read_out = async move {
        let mut out = Vec::new();
        stdout
            .take(cap + 1)
            .read_to_end(&mut out)
            .await
            .map_err(|e| Failure::Io(format!("reading its output failed ({e})")))?;
        if out.len() as u64 > cap {
            return Err(Failure::TooLarge);
        }
        Ok(out)
    };
    let read_err = async move {
        let mut err = Vec::new();
        let mut stderr = stderr;
        if let Err(e) = (&mut stderr).take(STDERR_CAP).read_to_end(&mut err).await {
            tracing::debug!(%program, "reading stderr failed: {e}");
        }
        let _ = tokio::io::copy(&mut stderr, &mut tokio::io::sink()).await;
        Ok::<_, Failure>(err)
    };
    let work = async {
        let (out, err) = tokio::try_join!(read_out, read_err)?;
        let status = child.wait().await.map_err(|e| Failure::Io(format!("waiting for it failed ({e})")))?;
        Ok((status, out, err))
    };
    let (status, out, err) = match tokio::time::timeout(limit, work).await {
        Ok(done) => done?,
        // Dropping the child kills it (kill_on_drop).
        Err(_) => return Err(Failure::Timeout),
    };
    if !status.success() {
        let said = String::from_utf8_lossy(&err);
        let last = said.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or("nothing on stderr");
        let code = status
            .code()
            .map_or_else(|| "was killed by a signal".to_string(), |c| format!("exited with {c}"));
        return Err(Failure::Exit { code, last: crate::text::sanitize::clean_text(last).into_owned() });
    }
    Ok(out)
}
