//! What can go wrong with the cache file, said so the user knows what to do; and a damaged
//! cache found at start-up moved aside (never deleted) so tidings can start a fresh one.

use std::fmt;
use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

use super::Store;

/// What went wrong with the cache.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused an operation.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    /// The database could not be opened or created.
    #[error("cannot open the database {}: {source}", path.display())]
    Open {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The directory for the database could not be created.
    #[error(
        "cannot create the data directory {}: {source}; make its parent writable or choose another with --data-dir",
        path.display()
    )]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The database was written by a newer tidings.
    #[error(
        "the database has schema version {found}, newer than this tidings knows ({known}); upgrade tidings"
    )]
    TooNew {
        /// The version in the file.
        found: usize,
        /// The newest version this build knows.
        known: usize,
    },
    /// The thread that owns the connection stopped unexpectedly.
    #[error("the database writer stopped: {0}")]
    Writer(String),
    /// A value stored in the database could not be read back.
    #[error("the database holds a value tidings cannot read: {0}")]
    Corrupt(String),
    /// The disk (or the file-size limit) is full.
    #[error(
        "the disk is full: tidings could not write to its cache{}; what it held before is intact. Free some space and try again",
        at(path.as_deref())
    )]
    DiskFull {
        /// The database file, when known.
        path: Option<PathBuf>,
    },
    /// A read or write of the file failed (a file-size limit, a failing disk).
    #[error(
        "a disk read or write of the cache{} failed (the disk may be full, over a file-size limit, or failing); \
         what it held before is intact. Check the disk and free some space, then try again",
        at(path.as_deref())
    )]
    DiskIo {
        /// The database file, when known.
        path: Option<PathBuf>,
    },
    /// The database file or its directory cannot be written.
    #[error(
        "the cache{} is read-only: tidings cannot write to it (it also needs to create its -wal and -shm files beside it). \
         Make the data directory and the file writable, or choose another directory with --data-dir",
        at(path.as_deref())
    )]
    ReadOnly {
        /// The database file, when known.
        path: Option<PathBuf>,
    },
    /// SQLite found the file damaged or not a database at all.
    #[error(
        "the cache{} is damaged ({source}). Quit tidings, move the file aside (tidings then starts a fresh cache and keeps the old one to recover from)",
        at(path.as_deref())
    )]
    Damaged {
        /// The database file, when known.
        path: Option<PathBuf>,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// A damaged cache could not be moved aside.
    #[error("the cache {} is damaged and could not be moved aside: {source}; move it aside yourself and run tidings again", path.display())]
    MoveAside {
        /// The database file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
}

fn at(path: Option<&Path>) -> String {
    path.map(|p| format!(" {}", p.display())).unwrap_or_default()
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        classify(e, None)
    }
}

/// The SQLite error code of `e`, if it is a failure of the database engine.
fn code(e: &rusqlite::Error) -> Option<ErrorCode> {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    }
}

/// A disk-full, read-only or damaged-file error becomes its own variant; anything else stays a
/// plain SQLite error.
fn classify(e: rusqlite::Error, path: Option<&Path>) -> StoreError {
    let path = path.map(Path::to_path_buf);
    match code(&e) {
        Some(ErrorCode::DiskFull) => StoreError::DiskFull { path },
        Some(ErrorCode::ReadOnly) => StoreError::ReadOnly { path },
        Some(ErrorCode::SystemIoFailure) => StoreError::DiskIo { path },
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Damaged { path, source: e },
        _ => StoreError::Sqlite(e),
    }
}

/// An error while opening `path` (connection set-up), with the file named.
pub(super) fn at_open(path: &Path, e: rusqlite::Error) -> StoreError {
    match classify(e, Some(path)) {
        StoreError::Sqlite(source) if code(&source) == Some(ErrorCode::CannotOpen) && !dir_writable(path) => {
            StoreError::ReadOnly { path: Some(path.to_path_buf()) }
        }
        StoreError::Sqlite(source) => StoreError::Open { path: path.to_path_buf(), source },
        other => other,
    }
}

/// An error while bringing the schema up to date, with the file named.
pub(super) fn at_open_store(path: &Path, e: StoreError) -> StoreError {
    match e {
        StoreError::Sqlite(source) => at_open(path, source),
        StoreError::DiskFull { path: None } => StoreError::DiskFull { path: Some(path.to_path_buf()) },
        StoreError::ReadOnly { path: None } => StoreError::ReadOnly { path: Some(path.to_path_buf()) },
        StoreError::DiskIo { path: None } => StoreError::DiskIo { path: Some(path.to_path_buf()) },
        StoreError::Damaged { path: None, source } => {
            StoreError::Damaged { path: Some(path.to_path_buf()), source }
        }
        other => other,
    }
}

/// Whether a file can be created in the database's directory (tried, not guessed from the
/// mode bits: root ignores those, while a read-only mount or an immutable directory stops
/// everyone).
fn dir_writable(path: &Path) -> bool {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let probe = dir.join(format!(".tidings-write-test-{}", std::process::id()));
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            true
        }
        Err(e) => e.kind() == std::io::ErrorKind::AlreadyExists,
    }
}

/// A damaged cache that was moved aside at start-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MovedAside {
    /// Where the cache was.
    pub from: PathBuf,
    /// Where it is now (its -wal and -shm files beside it, renamed alike).
    pub to: PathBuf,
    /// What SQLite said about it.
    pub reason: String,
}

impl fmt::Display for MovedAside {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the cache {} was damaged ({}); it was moved aside to {} (nothing was deleted) and a fresh, empty cache \
             was started. Your subscriptions and articles are in the moved file: re-import your subscriptions \
             (`tidings import FILE`), or try `sqlite3 {} .recover | sqlite3 recovered.db`",
            self.from.display(),
            self.reason,
            self.to.display(),
            self.to.display()
        )
    }
}

impl Store {
    /// Opens the cache like [`Store::open`]; when the file turns out to be damaged or not a
    /// database at all, moves it (and its -wal and -shm files) aside to
    /// `<name>.corrupt-<UTC time>` and starts a fresh cache, saying where the old one went.
    pub fn open_or_move_aside(path: &Path) -> Result<(Self, Option<MovedAside>), StoreError> {
        match Self::open(path) {
            Err(StoreError::Damaged { source, .. }) => {
                let moved = move_aside(path)?.map(|to| MovedAside {
                    from: path.to_path_buf(),
                    to,
                    reason: source.to_string(),
                });
                if let Some(moved) = &moved {
                    tracing::warn!("{moved}");
                }
                Ok((Self::open(path)?, moved))
            }
            other => other.map(|store| (store, None)),
        }
    }
}

/// Renames `path` and its -wal and -shm files to a free `<name>.corrupt-<time>[-n]`; `None`
/// when another tidings moved it first.
fn move_aside(path: &Path) -> Result<Option<PathBuf>, StoreError> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let name = path.file_name().map_or_else(|| "tidings.db".into(), |n| n.to_string_lossy().into_owned());
    let free = (0..1000)
        .map(|n| {
            let suffix = if n == 0 { String::new() } else { format!("-{n}") };
            path.with_file_name(format!("{name}.corrupt-{stamp}{suffix}"))
        })
        .find(|p| !p.exists())
        .ok_or_else(|| {
            StoreError::Writer(format!("no free name to move the damaged {} aside", path.display()))
        })?;
    let with = |p: &Path, ext: &str| PathBuf::from(format!("{}{ext}", p.display()));
    let failed = |source: std::io::Error| StoreError::MoveAside { path: path.to_path_buf(), source };
    match std::fs::rename(path, &free) {
        Ok(()) => {}
        // Another tidings moved it first: nothing of ours to move.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(failed(e)),
    }
    for ext in ["-wal", "-shm"] {
        match std::fs::rename(with(path, ext), with(&free, ext)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(failed(e)),
        }
    }
    Ok(Some(free))
}
