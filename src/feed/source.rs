//! Where a subscription's document comes from, decided in one place: the web (`http://`,
//! `https://`), a local file (`file:///path/feed.xml`, for feeds that scripts write) or the
//! output of a command (`exec:/usr/local/bin/mkfeed --flag "two words"`, as newsboat has it).
//!
//! A command line is split into words with shell quoting rules and run directly, never through
//! a shell. `~/` at the start of the program (and of `file:` paths, which must otherwise be
//! absolute) stands for the home directory, since that is how newsboat users write them. The
//! HTTP fetcher never follows a redirect to anything but http(s), so neither kind is reachable
//! from the network.

use std::path::{Path, PathBuf};
use std::time::Duration;

use url::Url;

use super::fetch::{FetchError, Fetched, Fetcher, RequestExtras, Validators, parse_http_url};
use super::pool::PooledBuf;
use crate::config::ByteSize;

/// A subscription's address, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A web address.
    Http(Url),
    /// A regular file.
    File(PathBuf),
    /// A command and its arguments.
    Exec(Vec<String>),
}

impl Source {
    /// Parses a stored or typed address. Anything not `file:` or `exec:` must be an absolute
    /// http(s) URL.
    pub fn parse(address: &str) -> Result<Self, FetchError> {
        let address = address.trim();
        if let Some(command) = strip_prefix_ignore_case(address, "exec:") {
            let mut words = shell_words::split(command).map_err(|e| {
                FetchError::BadUrl(format!(
                    "cannot split the exec: command into words ({e}); check its quotes"
                ))
            })?;
            let Some(program) = words.first_mut() else {
                return Err(FetchError::BadUrl("exec: names no command".into()));
            };
            *program = expand_home(program);
            return Ok(Self::Exec(words));
        }
        if let Some(rest) = strip_prefix_ignore_case(address, "file:") {
            return file_path(rest).map(Self::File);
        }
        parse_http_url(address).map(Self::Http)
    }

    /// True for `file:` and `exec:` addresses (the user's own machine, not the network).
    pub fn is_local_address(address: &str) -> bool {
        let address = address.trim();
        strip_prefix_ignore_case(address, "exec:").is_some()
            || strip_prefix_ignore_case(address, "file:").is_some()
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

/// `~/x` as the home directory's `x`; anything else unchanged.
fn expand_home(word: &str) -> String {
    match (word.strip_prefix("~/"), directories::BaseDirs::new()) {
        (Some(rest), Some(dirs)) => dirs.home_dir().join(rest).to_string_lossy().into_owned(),
        _ => word.to_string(),
    }
}

/// The path of a `file:` address: `file:///abs/path` (percent-escapes decoded) or `file:~/path`.
fn file_path(rest: &str) -> Result<PathBuf, FetchError> {
    let bad = |why: &str| FetchError::BadUrl(format!("{why}; write file:///absolute/path/feed.xml"));
    let path = if rest.starts_with("~/") {
        PathBuf::from(expand_home(rest))
    } else if rest.starts_with("//") {
        let url =
            Url::parse(&format!("file:{rest}")).map_err(|e| bad(&format!("not a file address ({e})")))?;
        url.to_file_path().map_err(|()| bad("a file: address names a file on this machine"))?
    } else {
        return Err(bad("a file: address needs an absolute path"));
    };
    if path.is_absolute() { Ok(path) } else { Err(bad("a file: address needs an absolute path")) }
}

/// Fetches a subscription from wherever its [`Source`] says: the web through `fetcher` (with
/// the feed's `extras`), or a local file or command under the same body cap and time limit.
pub async fn fetch(
    fetcher: &Fetcher,
    source: &Source,
    validators: &Validators,
    extras: &RequestExtras,
) -> Result<Fetched, FetchError> {
    match source {
        Source::Http(url) => fetcher.fetch_with(url.as_str(), validators, extras).await,
        Source::File(path) => read_file(path, validators, fetcher.max_body(), fetcher.timeout()).await,
        Source::Exec(argv) => run_command(argv, fetcher.max_body(), fetcher.timeout()).await,
    }
}

fn local_fetched(status: u16, address: String, stamp: Option<String>, bytes: &[u8]) -> Fetched {
    let mut body = PooledBuf::default();
    body.extend_from_slice(bytes);
    Fetched {
        status,
        final_url: address,
        moved_to: None,
        content_type: None,
        validators: Validators { etag: stamp, last_modified: None },
        fresh_until: None,
        body,
        budget: None,
    }
}

/// Reads a regular file (never a device, FIFO or directory) of at most `cap` bytes. The file's
/// modification time and size stand in for an ETag: both unchanged means 304-like "unchanged".
async fn read_file(
    path: &Path,
    validators: &Validators,
    cap: ByteSize,
    limit: Duration,
) -> Result<Fetched, FetchError> {
    let shown = path.display().to_string();
    let fail = move |what: String| FetchError::Local(format!("{shown}: {what}"));
    let owned = path.to_path_buf();
    let known = validators.etag.clone();
    let read = tokio::task::spawn_blocking(move || -> Result<Option<(String, Vec<u8>)>, String> {
        let meta = std::fs::metadata(&owned).map_err(|e| io_reason(&e))?;
        if !meta.is_file() {
            return Err("not a regular file (devices, FIFOs and directories are not read)".into());
        }
        let stamp = stamp(&meta);
        if known.as_deref() == Some(stamp.as_str()) {
            return Ok(None);
        }
        if meta.len() > cap.0 {
            return Err(format!("larger than the {cap} limit (refresh.max_body)"));
        }
        let file = std::fs::File::open(&owned).map_err(|e| io_reason(&e))?;
        // What was opened is checked again: the path may have been swapped meanwhile.
        let opened = file.metadata().map_err(|e| io_reason(&e))?;
        if !opened.is_file() {
            return Err("not a regular file (devices, FIFOs and directories are not read)".into());
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(file, cap.0 + 1), &mut bytes)
            .map_err(|e| io_reason(&e))?;
        if bytes.len() as u64 > cap.0 {
            return Err(format!("larger than the {cap} limit (refresh.max_body)"));
        }
        Ok(Some((stamp, bytes)))
    });
    let address = format!("file://{}", path.display());
    match tokio::time::timeout(limit, read).await {
        Err(_) => Err(fail(format!("not read within {} s (refresh.timeout)", limit.as_secs()))),
        Ok(Err(e)) => Err(fail(format!("the read failed ({e})"))),
        Ok(Ok(Err(why))) => Err(fail(why)),
        Ok(Ok(Ok(None))) => Ok(local_fetched(304, address, validators.etag.clone(), &[])),
        Ok(Ok(Ok(Some((stamp, bytes))))) => Ok(local_fetched(200, address, Some(stamp), &bytes)),
    }
}

/// Modification time (nanoseconds) and size, as one validator.
fn stamp(meta: &std::fs::Metadata) -> String {
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!("file:{mtime}:{}", meta.len())
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file (check the path)".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied (check the file's permissions)".into(),
        _ => e.to_string(),
    }
}

/// Runs `argv` (no shell), its stdout the feed: at most `cap` bytes, within `limit`. A non-zero
/// exit is a failure naming the last line the command wrote to stderr.
async fn run_command(argv: &[String], cap: ByteSize, limit: Duration) -> Result<Fetched, FetchError> {
    use crate::command::Failure;
    let Some(program) = argv.first() else {
        return Err(FetchError::BadUrl("exec: names no command".into()));
    };
    let out = crate::command::run(argv, cap.0, limit).await.map_err(|failure| {
        let what = match failure {
            Failure::TooLarge => format!("output larger than the {cap} limit (refresh.max_body)"),
            Failure::Timeout => format!("no answer within {} s (refresh.timeout)", limit.as_secs()),
            other => other.to_string(),
        };
        FetchError::Local(format!("command `{program}`: {what}"))
    })?;
    Ok(local_fetched(200, format!("exec:{}", shell_words::join(argv)), None, &out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_told_apart() {
        assert_eq!(
            Source::parse("exec:/usr/local/bin/mkfeed --flag \"two words\"").unwrap(),
            Source::Exec(vec!["/usr/local/bin/mkfeed".into(), "--flag".into(), "two words".into()])
        );
        assert_eq!(Source::parse("file:///tmp/a%20b.xml").unwrap(), Source::File("/tmp/a b.xml".into()));
        assert!(matches!(Source::parse("https://example.org/f").unwrap(), Source::Http(_)));
        assert!(Source::parse("file:relative.xml").is_err());
        assert!(Source::parse("file://otherhost/x.xml").is_err());
        assert!(Source::parse("exec:").is_err());
        assert!(Source::parse("exec:/bin/x \"unclosed").unwrap_err().to_string().contains("quotes"));
        assert!(Source::parse("ftp://example.org/f").is_err());
        assert!(Source::is_local_address(" EXEC:/bin/true") && !Source::is_local_address("https://x/"));
    }
}
