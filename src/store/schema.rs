//! The database schema as a list of migrations; `PRAGMA user_version` records how many ran.

use rusqlite::Connection;

use super::StoreError;

/// One migration: SQL, or Rust for what SQL alone cannot do (SQLite's `lower()` folds only
/// ASCII).
enum Step {
    /// Statements run as a batch.
    Sql(&'static str),
    /// A function run inside the migration's transaction.
    Code(fn(&Connection) -> rusqlite::Result<()>),
}

/// Each entry moves the schema one version forward. Never edit a shipped entry: append.
const MIGRATIONS: &[Step] = &[
    // 1: feeds, tags, articles, bodies. feeds.unread/total are kept so the sidebar and `feeds`
    //    never count a million rows: triggers follow deletions and read changes; inserts happen
    //    only in store/ingest.rs, which adds its count once per feed (a per-row trigger costs a
    //    feed-row update per article).
    Step::Sql(
        r"
    CREATE TABLE feeds (
        id             INTEGER PRIMARY KEY,
        url            TEXT    NOT NULL UNIQUE,
        user_title     TEXT,
        feed_title     TEXT,
        site_url       TEXT,
        added          INTEGER NOT NULL,
        etag           TEXT,
        last_modified  TEXT,
        body_hash      INTEGER,
        last_fetch     INTEGER,
        last_status    INTEGER,
        last_error     TEXT,
        failures       INTEGER NOT NULL DEFAULT 0,
        gone           INTEGER NOT NULL DEFAULT 0,
        retry_after    INTEGER,
        unread         INTEGER NOT NULL DEFAULT 0,
        total          INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE feed_tags (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        tag     TEXT    NOT NULL,
        PRIMARY KEY (feed_id, tag)
    ) WITHOUT ROWID;
    CREATE INDEX feed_tags_by_tag ON feed_tags(tag, feed_id);

    CREATE TABLE articles (
        id          INTEGER PRIMARY KEY,
        feed_id     INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        key_hash    INTEGER NOT NULL,
        key         TEXT    NOT NULL,
        fingerprint INTEGER NOT NULL,
        title       TEXT    NOT NULL,
        link        TEXT,
        author      TEXT,
        published   INTEGER NOT NULL,
        updated     INTEGER,
        first_seen  INTEGER NOT NULL,
        read        INTEGER NOT NULL DEFAULT 0,
        starred     INTEGER NOT NULL DEFAULT 0,
        categories  TEXT
    );
    CREATE UNIQUE INDEX articles_key ON articles(feed_id, key_hash);
    CREATE INDEX articles_newest ON articles(published DESC, id DESC);
    CREATE INDEX articles_feed_newest ON articles(feed_id, published DESC, id DESC);
    CREATE INDEX articles_unread ON articles(published DESC, id DESC) WHERE read = 0;
    CREATE INDEX articles_starred ON articles(published DESC, id DESC) WHERE starred = 1;

    -- summary and content are encoded by store/body.rs (a codec byte, then the bytes).
    CREATE TABLE bodies (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        summary    BLOB,
        content    BLOB,
        enclosures TEXT
    );

    CREATE TRIGGER articles_counted_out AFTER DELETE ON articles BEGIN
        UPDATE feeds SET total = total - 1, unread = unread - (OLD.read = 0) WHERE id = OLD.feed_id;
    END;
    CREATE TRIGGER articles_read_changed AFTER UPDATE OF read ON articles
        WHEN OLD.read != NEW.read BEGIN
        UPDATE feeds SET unread = unread + (NEW.read = 0) - (OLD.read = 0) WHERE id = NEW.feed_id;
    END;
    ",
    ),
    // 2: the full-text index for search and "read also" (contentless: the text lives in the
    //    articles; rowid = article id), and the indexer's progress: ids in [low, high] are
    //    indexed, stale ones are queued when an article changes.
    Step::Sql(
        r"
    CREATE VIRTUAL TABLE article_index USING fts5(
        title, body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE VIRTUAL TABLE article_terms USING fts5vocab(article_index, 'row');
    CREATE TABLE index_state (
        id   INTEGER PRIMARY KEY CHECK (id = 1),
        low  INTEGER,
        high INTEGER
    );
    INSERT INTO index_state (id, low, high) VALUES (1, NULL, NULL);
    CREATE TABLE index_stale (article_id INTEGER PRIMARY KEY);
    CREATE TRIGGER articles_unindexed AFTER DELETE ON articles BEGIN
        DELETE FROM article_index WHERE rowid = OLD.id;
        DELETE FROM index_stale WHERE article_id = OLD.id;
    END;
    CREATE TRIGGER articles_changed AFTER UPDATE OF fingerprint ON articles BEGIN
        INSERT OR IGNORE INTO index_stale (article_id) VALUES (NEW.id);
    END;
    ",
    ),
    // 3: tags match case-insensitively: `tag_key` (the tag lowercased by Rust, so non-ASCII
    //    letters fold too) is unique per feed, and `tag` (the spelling shown) compares NOCASE
    //    so `WHERE tag = ?` ignores ASCII case. Case-duplicates are merged into the spelling
    //    first seen (the oldest feed's).
    Step::Code(tags_ignore_case),
    // 4: the index holds analysed text (stemmed per article language, diacritics folded by
    //    the analyzer, CJK as character pairs), and every article gets a term vector for
    //    "read also"; `term_df` counts the articles each term occurs in (keyed by the term's
    //    64-bit hash), `index_state.docs` how many were counted, `index_langs` which languages
    //    the cache holds (a query word is looked up in each one's stemmed form). The old index is
    //    dropped and rebuilt in the background.
    Step::Sql(
        r"
    DROP TABLE article_terms;
    DROP TRIGGER articles_unindexed;
    DROP TABLE article_index;
    CREATE VIRTUAL TABLE article_index USING fts5(
        title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0'
    );
    CREATE TABLE article_vectors (
        article_id INTEGER PRIMARY KEY,
        terms      BLOB NOT NULL
    );
    CREATE TABLE term_df (
        term INTEGER PRIMARY KEY,
        df   INTEGER NOT NULL
    );
    CREATE TABLE index_langs (
        lang TEXT PRIMARY KEY,
        docs INTEGER NOT NULL
    ) WITHOUT ROWID;
    ALTER TABLE index_state ADD COLUMN docs INTEGER NOT NULL DEFAULT 0;
    UPDATE index_state SET low = NULL, high = NULL, docs = 0;
    DELETE FROM index_stale;
    CREATE TRIGGER articles_unindexed AFTER DELETE ON articles BEGIN
        DELETE FROM article_index WHERE rowid = OLD.id;
        DELETE FROM article_vectors WHERE article_id = OLD.id;
        DELETE FROM index_stale WHERE article_id = OLD.id;
    END;
    ",
    ),
    // 5: same-story groups and saved searches. `stories` maps an article to its group (the id
    //    of the group's first article; an article in no group has no row), `article_links`
    //    holds the hash of each indexed article's canonical link (other feeds' copies of one
    //    page), `saved_searches` the searches kept in the reader's sidebar. The index is
    //    rebuilt so that the articles already in it are grouped too.
    Step::Sql(
        r"
    CREATE TABLE stories (
        article_id INTEGER PRIMARY KEY,
        story      INTEGER NOT NULL
    );
    CREATE INDEX stories_by_story ON stories(story);
    CREATE TABLE article_links (
        hash       INTEGER NOT NULL,
        article_id INTEGER NOT NULL,
        PRIMARY KEY (hash, article_id)
    ) WITHOUT ROWID;
    CREATE TABLE saved_searches (
        query TEXT PRIMARY KEY,
        added INTEGER NOT NULL
    );
    DROP TRIGGER articles_unindexed;
    CREATE TRIGGER articles_unindexed AFTER DELETE ON articles BEGIN
        DELETE FROM article_index WHERE rowid = OLD.id;
        DELETE FROM article_vectors WHERE article_id = OLD.id;
        DELETE FROM index_stale WHERE article_id = OLD.id;
        DELETE FROM stories WHERE article_id = OLD.id;
        DELETE FROM article_links WHERE article_id = OLD.id;
    END;
    DELETE FROM article_index;
    DELETE FROM article_vectors;
    DELETE FROM term_df;
    DELETE FROM index_langs;
    DELETE FROM index_stale;
    UPDATE index_state SET low = NULL, high = NULL, docs = 0;
    ",
    ),
    // 6: a story member's date beside it, so "one row per story" finds a newer member with one
    //    index seek instead of reading every member's article.
    Step::Sql(
        r"
    ALTER TABLE stories ADD COLUMN published INTEGER NOT NULL DEFAULT 0;
    UPDATE stories SET published = coalesce((SELECT published FROM articles WHERE id = stories.article_id), 0);
    CREATE INDEX stories_newest ON stories(story, published, article_id);
    ",
    ),
    // 7: what feeds and servers said about checking again (RSS <ttl> in minutes; the time
    //    Cache-Control max-age / Expires ends), for automatic refreshes to skip feeds not due.
    Step::Sql(
        r"
    ALTER TABLE feeds ADD COLUMN ttl INTEGER;
    ALTER TABLE feeds ADD COLUMN fresh_until INTEGER;
    ",
    ),
    // 8: the full text of articles whose feed carries only a summary, fetched from the article's
    //    page (`F`, or a feed's `full_text = true`): the extracted HTML (encoded by
    //    store/body.rs), the page it came from and when, or the last failure and when. Deleted
    //    with its article (foreign keys are on).
    Step::Sql(
        r"
    CREATE TABLE full_text (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        html       BLOB,
        url        TEXT,
        fetched    INTEGER,
        error      TEXT,
        failed     INTEGER
    );
    ",
    ),
    // 9: the killfile hides articles without deleting them: `hidden` (0 for every existing
    //    article; adding a column with a default rewrites no row). Hidden articles are left out
    //    of the feeds' counters, so the counting triggers follow `hidden` as well as `read`;
    //    the partial index finds the hidden ones (`is:hidden`, unhiding) without a scan.
    Step::Sql(
        r"
    ALTER TABLE articles ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX articles_hidden ON articles(published DESC, id DESC) WHERE hidden = 1;
    DROP TRIGGER articles_counted_out;
    CREATE TRIGGER articles_counted_out AFTER DELETE ON articles BEGIN
        UPDATE feeds SET total = total - (OLD.hidden = 0), unread = unread - (OLD.read = 0 AND OLD.hidden = 0)
        WHERE id = OLD.feed_id;
    END;
    DROP TRIGGER articles_read_changed;
    CREATE TRIGGER articles_read_changed AFTER UPDATE OF read, hidden ON articles
        WHEN OLD.read != NEW.read OR OLD.hidden != NEW.hidden BEGIN
        UPDATE feeds SET
            unread = unread + (NEW.read = 0 AND NEW.hidden = 0) - (OLD.read = 0 AND OLD.hidden = 0),
            total = total + (NEW.hidden = 0) - (OLD.hidden = 0)
        WHERE id = NEW.feed_id;
    END;
    ",
    ),
    // 10: tags given in config.toml (`[feeds."…"] tags`) are stored as tags like any other,
    //     marked, so they are replaced as a whole each time the config is read and removing
    //     them from the file removes them here.
    Step::Sql(
        r"
    ALTER TABLE feed_tags ADD COLUMN from_config INTEGER NOT NULL DEFAULT 0;
    ",
    ),
    // 11: sync with a server. A feed the server holds has a `source` (the sync protocol,
    //     "greader") and, once subscribed there, the server's id for it; its articles carry the
    //     server's item id (a 64-bit number in the Google Reader API); `unmatched` marks a feed
    //     that was local before and may hold articles not yet matched with the server's (by
    //     link), so only such feeds are searched for them. A tag the server's folders
    //     give has from_config = 2 (1 is config.toml), so a sync replaces them as a whole.
    //     Local read/star changes of synced articles go to `sync_outbox` by trigger, one row per
    //     article and field holding the latest value and when it changed, so every way of marking
    //     (reader, `mark`, mark-all, killfile, undo) is caught and survives restarts until sent.
    //     A sync applying the server's state sets a row in `sync_quiet` inside its transaction
    //     (no other connection ever sees it) so its own writes are not queued back.
    Step::Sql(
        r"
    ALTER TABLE feeds ADD COLUMN source TEXT;
    ALTER TABLE feeds ADD COLUMN remote_id TEXT;
    ALTER TABLE feeds ADD COLUMN unmatched INTEGER NOT NULL DEFAULT 0;
    CREATE UNIQUE INDEX feeds_remote ON feeds(source, remote_id) WHERE remote_id IS NOT NULL;
    ALTER TABLE articles ADD COLUMN remote_id INTEGER;
    CREATE UNIQUE INDEX articles_remote ON articles(remote_id) WHERE remote_id IS NOT NULL;
    CREATE TABLE sync_outbox (
        remote_id INTEGER NOT NULL,
        field     TEXT    NOT NULL,
        value     INTEGER NOT NULL,
        changed   INTEGER NOT NULL,
        PRIMARY KEY (remote_id, field)
    ) WITHOUT ROWID;
    CREATE TABLE sync_unsubscribed (
        source    TEXT NOT NULL,
        remote_id TEXT NOT NULL,
        url       TEXT NOT NULL,
        queued    INTEGER NOT NULL,
        PRIMARY KEY (source, remote_id)
    ) WITHOUT ROWID;
    CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE sync_quiet (on_purpose INTEGER);
    CREATE TRIGGER sync_read_changed AFTER UPDATE OF read ON articles
        WHEN OLD.read != NEW.read AND NEW.remote_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sync_quiet)
    BEGIN
        INSERT INTO sync_outbox (remote_id, field, value, changed)
        VALUES (NEW.remote_id, 'read', NEW.read, CAST(unixepoch('subsec') * 1000 AS INTEGER))
        ON CONFLICT (remote_id, field) DO UPDATE SET value = excluded.value, changed = excluded.changed;
    END;
    CREATE TRIGGER sync_starred_changed AFTER UPDATE OF starred ON articles
        WHEN OLD.starred != NEW.starred AND NEW.remote_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sync_quiet)
    BEGIN
        INSERT INTO sync_outbox (remote_id, field, value, changed)
        VALUES (NEW.remote_id, 'starred', NEW.starred, CAST(unixepoch('subsec') * 1000 AS INTEGER))
        ON CONFLICT (remote_id, field) DO UPDATE SET value = excluded.value, changed = excluded.changed;
    END;
    ",
    ),
    // 12: unsubscribing keeps a tombstone. `removed` is when a feed was unsubscribed (here, or
    //     by the sync server no longer listing it) and `removed_by` who did it ("you",
    //     "server"); such a feed is neither fetched nor synced nor listed, and its articles
    //     are hidden (bit 2 of `hidden`; bit 1 stays the killfile's), so undo restores the
    //     same feed with the same articles and marks. Starred articles are never hidden nor
    //     deleted that way: they stay readable, and the feed row stays for them once the
    //     rest is purged. The trigger makes that a property of the database: a starred
    //     article cannot be deleted by any statement, a feed's deletion included.
    Step::Sql(
        r"
    ALTER TABLE feeds ADD COLUMN removed INTEGER;
    ALTER TABLE feeds ADD COLUMN removed_by TEXT;
    CREATE TRIGGER articles_starred_kept BEFORE DELETE ON articles WHEN OLD.starred = 1 BEGIN
        SELECT RAISE(ABORT, 'a starred article is never deleted: unstar it first');
    END;
    ",
    ),
    // 13: stories by date, for "Top stories": the stories of a day are found by one range of
    //     this index (and the newest day with any by one seek), whatever the size of the cache.
    Step::Sql(
        r"
    CREATE INDEX stories_by_published ON stories(published, story);
    ",
    ),
];

/// Migration 3: rebuilds `feed_tags` with `tag COLLATE NOCASE` and `tag_key`, merging tags that
/// differ only in case into one spelling per key across the database.
fn tags_ignore_case(conn: &Connection) -> rusqlite::Result<()> {
    let old: Vec<(i64, String)> = conn
        .prepare("SELECT feed_id, tag FROM feed_tags ORDER BY feed_id, tag")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    conn.execute_batch(
        r"
        CREATE TABLE feed_tags_v3 (
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            tag     TEXT    NOT NULL COLLATE NOCASE,
            tag_key TEXT    NOT NULL,
            PRIMARY KEY (feed_id, tag_key)
        ) WITHOUT ROWID;
        ",
    )?;
    let mut spelling: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    {
        let mut insert =
            conn.prepare("INSERT OR IGNORE INTO feed_tags_v3 (feed_id, tag, tag_key) VALUES (?1, ?2, ?3)")?;
        for (feed, tag) in old {
            let key = super::feeds::tag_key(&tag);
            let shown = spelling.entry(key.clone()).or_insert(tag);
            insert.execute(rusqlite::params![feed, shown.as_str(), key])?;
        }
    }
    conn.execute_batch(
        r"
        DROP TABLE feed_tags;
        ALTER TABLE feed_tags_v3 RENAME TO feed_tags;
        CREATE INDEX feed_tags_by_tag ON feed_tags(tag, feed_id);
        CREATE INDEX feed_tags_by_key ON feed_tags(tag_key);
        ",
    )
}

/// Brings the schema up to date, each step in its own transaction.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    migrate_to(conn, MIGRATIONS.len())
}

/// Runs the migrations up to version `target`.
fn migrate_to(conn: &mut Connection, target: usize) -> Result<(), StoreError> {
    let current: usize = conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
    if current > MIGRATIONS.len() {
        return Err(StoreError::TooNew { found: current, known: MIGRATIONS.len() });
    }
    for (index, step) in MIGRATIONS.iter().enumerate().take(target).skip(current) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now as usize > index {
            continue;
        }
        match step {
            Step::Sql(sql) => tx.execute_batch(sql)?,
            Step::Code(run) => run(&tx)?,
        }
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema version this build writes.
pub const VERSION: usize = MIGRATIONS.len();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_3_merges_tags_that_differ_only_in_case() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("old.db")).unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        migrate_to(&mut conn, 2).unwrap();
        // A version 2 database: tags compared byte for byte, so case-duplicates exist.
        conn.execute_batch(
            "INSERT INTO feeds (id, url, added) VALUES (1, 'https://a.example/', 0), (2, 'https://b.example/', 0);
             INSERT INTO feed_tags (feed_id, tag) VALUES
                 (1, 'tech'), (1, 'Tech'), (1, 'Été'), (2, 'TECH'), (2, 'été'), (2, 'news');",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version as usize, VERSION);
        let rows: Vec<(i64, String, String)> = conn
            .prepare("SELECT feed_id, tag, tag_key FROM feed_tags ORDER BY feed_id, tag_key")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let row = |feed: i64, tag: &str, key: &str| (feed, tag.to_string(), key.to_string());
        // The oldest feed's spelling wins ("Tech" sorts before "tech" byte for byte).
        assert_eq!(
            rows,
            vec![
                row(1, "Tech", "tech"),
                row(1, "Été", "été"),
                row(2, "news", "news"),
                row(2, "Tech", "tech"),
                row(2, "Été", "été"),
            ]
        );
        // The column ignores ASCII case, and the key keeps one row per tag and feed.
        let n: i64 =
            conn.query_row("SELECT count(*) FROM feed_tags WHERE tag = 'TECH'", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 2);
        let dup =
            conn.execute("INSERT INTO feed_tags (feed_id, tag, tag_key) VALUES (1, 'TECH', 'tech')", []);
        assert!(dup.is_err(), "one row per tag and feed");
        // Cascades still work on the rebuilt table.
        conn.execute("DELETE FROM feeds WHERE id = 1", []).unwrap();
        let n: i64 = conn.query_row("SELECT count(*) FROM feed_tags", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 3);
    }

    #[test]
    fn versions_4_and_5_rebuild_the_index_in_the_new_form() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("old.db")).unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        migrate_to(&mut conn, 3).unwrap();
        conn.execute_batch(
            "INSERT INTO feeds (id, url, added) VALUES (1, 'https://a.example/', 0);
             INSERT INTO articles (id, feed_id, key_hash, key, fingerprint, title, published, first_seen)
                 VALUES (7, 1, 1, 'k', 1, 'Harbour strike', 0, 0);
             INSERT INTO article_index (rowid, title, body) VALUES (7, 'Harbour strike', 'Dock workers');
             UPDATE index_state SET low = 0, high = 7;",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version as usize, VERSION);
        let state: (Option<i64>, Option<i64>, i64) = conn
            .query_row("SELECT low, high, docs FROM index_state", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(state, (None, None, 0), "the indexer starts over");
        let indexed: i64 = conn
            .query_row("SELECT count(*) FROM article_index WHERE article_index MATCH 'harbour'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(indexed, 0);
        // Deleting an article clears what the index and the stories hold of it.
        conn.execute_batch(
            "INSERT INTO stories (article_id, story) VALUES (7, 7); INSERT INTO article_vectors VALUES (7, x'00');
             DELETE FROM articles WHERE id = 7;",
        )
        .unwrap();
        let left: i64 = conn
            .query_row(
                "SELECT (SELECT count(*) FROM stories) + (SELECT count(*) FROM article_vectors)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(left, 0);
    }
}
