//! The database schema as a list of migrations; `PRAGMA user_version` records how many ran.

use rusqlite::Connection;

use super::StoreError;

/// Each entry moves the schema one version forward. Never edit a shipped entry: append.
const MIGRATIONS: &[&str] = &[
    // 1: feeds, tags, articles, bodies. feeds.unread/total are kept so the sidebar and `feeds`
    //    never count a million rows: triggers follow deletions and read changes; inserts happen
    //    only in store/ingest.rs, which adds its count once per feed (a per-row trigger costs a
    //    feed-row update per article).
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
    // 2: the full-text index for search and "read also" (contentless: the text lives in the
    //    articles; rowid = article id), and the indexer's progress: ids in [low, high] are
    //    indexed, stale ones are queued when an article changes.
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
];

/// Brings the schema up to date, each step in its own transaction.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: usize = conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
    if current > MIGRATIONS.len() {
        return Err(StoreError::TooNew { found: current, known: MIGRATIONS.len() });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now as usize > index {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema version this build writes.
pub const VERSION: usize = MIGRATIONS.len();
