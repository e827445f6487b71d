//! newsboat's `cache.db`, opened read-only (newsboat may be running: a busy timeout, never a
//! write) and read a feed at a time, a row at a time.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::NewsboatError;

/// The columns tidings reads, by table. newsboat has had them since its first releases.
const NEEDED: [(&str, &[&str]); 2] = [
    ("rss_feed", &["rssurl", "title"]),
    (
        "rss_item",
        &["guid", "title", "author", "url", "feedurl", "pubDate", "content", "unread", "flags", "deleted"],
    ),
];

/// A feed newsboat has cached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedFeed {
    /// The URL as written in the urls file.
    pub rssurl: String,
    /// The feed's own title.
    pub title: String,
}

/// One cached article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedItem {
    /// newsboat's identity for it (see [`super::key`]).
    pub guid: String,
    /// Title, plain text.
    pub title: String,
    /// Author.
    pub author: String,
    /// Link.
    pub url: String,
    /// Publication time, Unix seconds (newsboat puts the fetch time when the feed gave none).
    pub pub_date: i64,
    /// Body HTML.
    pub content: String,
    /// Unread in newsboat.
    pub unread: bool,
    /// newsboat's flags, letters `A`–`Z`, `a`–`z`.
    pub flags: String,
    /// Deleted in newsboat (kept there only until the feed drops it).
    pub deleted: bool,
    /// Podcast enclosure URL.
    pub enclosure_url: Option<String>,
    /// Its MIME type.
    pub enclosure_type: Option<String>,
}

/// An open newsboat cache.
#[derive(Debug)]
pub struct Cache {
    conn: Connection,
    path: PathBuf,
}

impl Cache {
    /// Opens `path` read-only and checks it has the tables and columns tidings reads.
    pub fn open(path: &Path) -> Result<Self, NewsboatError> {
        let fail = |source| NewsboatError::Cache { path: path.to_path_buf(), source };
        if !path.is_file() {
            return Err(NewsboatError::Missing { path: path.to_path_buf(), what: "newsboat's cache" });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(fail)?;
        // newsboat holds its cache open while it runs and writes it on reload.
        conn.busy_timeout(Duration::from_secs(10)).map_err(fail)?;
        let cache = Self { conn, path: path.to_path_buf() };
        cache.check_schema()?;
        Ok(cache)
    }

    fn check_schema(&self) -> Result<(), NewsboatError> {
        for (table, columns) in NEEDED {
            let present = self.columns(table)?;
            let missing: Vec<&str> =
                columns.iter().copied().filter(|c| !present.iter().any(|p| p == c)).collect();
            if !missing.is_empty() {
                return Err(NewsboatError::Schema {
                    path: self.path.clone(),
                    table,
                    missing: missing.join(", "),
                });
            }
        }
        Ok(())
    }

    fn columns(&self, table: &str) -> Result<Vec<String>, NewsboatError> {
        let fail = |source| NewsboatError::Cache { path: self.path.clone(), source };
        let mut stmt = self.conn.prepare("SELECT name FROM pragma_table_info(?1)").map_err(fail)?;
        let rows = stmt.query_map([table], |r| r.get::<_, String>(0)).map_err(fail)?;
        rows.collect::<Result<_, _>>().map_err(fail)
    }

    /// Every cached feed.
    pub fn feeds(&self) -> Result<Vec<CachedFeed>, NewsboatError> {
        let fail = |source| NewsboatError::Cache { path: self.path.clone(), source };
        let mut stmt =
            self.conn.prepare("SELECT rssurl, title FROM rss_feed ORDER BY rssurl").map_err(fail)?;
        let rows =
            stmt.query_map([], |r| Ok(CachedFeed { rssurl: r.get(0)?, title: text(r, 1)? })).map_err(fail)?;
        rows.collect::<Result<_, _>>().map_err(fail)
    }

    /// Calls `each` with the articles of the feed `rssurl`, oldest first, one row at a time.
    pub fn for_each_item(
        &self,
        rssurl: &str,
        mut each: impl FnMut(CachedItem) -> Result<(), NewsboatError>,
    ) -> Result<(), NewsboatError> {
        let fail = |source| NewsboatError::Cache { path: self.path.clone(), source };
        let mut stmt = self
            .conn
            .prepare(
                "SELECT guid, title, author, url, pubDate, content, unread, flags, deleted, enclosure_url,
                     enclosure_type
                 FROM rss_item WHERE feedurl = ?1 ORDER BY id",
            )
            .or_else(|_| {
                // Caches from before enclosures: the same without them.
                self.conn.prepare(
                    "SELECT guid, title, author, url, pubDate, content, unread, flags, deleted, NULL, NULL
                     FROM rss_item WHERE feedurl = ?1 ORDER BY id",
                )
            })
            .map_err(fail)?;
        let mut rows = stmt.query([rssurl]).map_err(fail)?;
        while let Some(row) = rows.next().map_err(fail)? {
            each(item(row).map_err(fail)?)?;
        }
        Ok(())
    }
}

fn item(r: &rusqlite::Row<'_>) -> rusqlite::Result<CachedItem> {
    Ok(CachedItem {
        guid: text(r, 0)?,
        title: text(r, 1)?,
        author: text(r, 2)?,
        url: text(r, 3)?,
        pub_date: r.get::<_, Option<i64>>(4)?.unwrap_or_default(),
        content: text(r, 5)?,
        unread: r.get::<_, Option<i64>>(6)?.unwrap_or(1) != 0,
        flags: text(r, 7)?,
        deleted: r.get::<_, Option<i64>>(8)?.unwrap_or(0) != 0,
        enclosure_url: r.get::<_, Option<String>>(9)?.filter(|u| !u.trim().is_empty()),
        enclosure_type: r.get::<_, Option<String>>(10)?.filter(|t| !t.trim().is_empty()),
    })
}

/// A text column that may be NULL or hold bytes that are not UTF-8 (newsboat stores what feeds
/// send): read lossily rather than refused.
fn text(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<String> {
    Ok(match r.get_ref(i)? {
        rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => {
            String::from_utf8_lossy(b).into_owned()
        }
        rusqlite::types::ValueRef::Integer(n) => n.to_string(),
        rusqlite::types::ValueRef::Real(x) => x.to_string(),
        rusqlite::types::ValueRef::Null => String::new(),
    })
}
