//! Read and starred state: the server's lists applied here, and the outbox of local changes
//! (filled by triggers) waiting to be sent.

use rusqlite::params;

use super::{OutboxEntry, StateField, quietly};
use crate::store::{Store, StoreError};

/// What applying the server's state changed here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct StateChanges {
    /// Articles whose read state changed.
    pub read: usize,
    /// Articles whose star changed.
    pub starred: usize,
}

impl Store {
    /// Makes local state follow the server's: `unread` and `starred` are the server's complete
    /// lists of unread and starred item ids. Articles with a local change still waiting in the
    /// outbox keep it (it is newer than what the server had when it was listed).
    pub fn apply_remote_state(
        &mut self,
        unread: &[i64],
        starred: &[i64],
    ) -> Result<StateChanges, StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let changes = quietly(&tx, |tx| {
            tx.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS remote_unread (id INTEGER PRIMARY KEY);
                 CREATE TEMP TABLE IF NOT EXISTS remote_starred (id INTEGER PRIMARY KEY);
                 DELETE FROM temp.remote_unread; DELETE FROM temp.remote_starred;",
            )?;
            {
                let mut put = tx.prepare("INSERT OR IGNORE INTO temp.remote_unread (id) VALUES (?1)")?;
                for id in unread {
                    put.execute([id])?;
                }
                let mut put = tx.prepare("INSERT OR IGNORE INTO temp.remote_starred (id) VALUES (?1)")?;
                for id in starred {
                    put.execute([id])?;
                }
            }
            let mut changes = StateChanges::default();
            for (field, list) in
                [(StateField::Read, "remote_unread"), (StateField::Starred, "remote_starred")]
            {
                let col = field.column();
                // Read is the complement of the unread list; starred is the list itself.
                let (on_list, off_list) = if field == StateField::Read { (0, 1) } else { (1, 0) };
                // A waiting local change wins; so does the state of an unsubscribed feed's
                // articles (the server may have dropped them, starred ones included).
                let pending = format!(
                    "remote_id NOT IN (SELECT remote_id FROM sync_outbox WHERE field = '{col}')
                     AND feed_id NOT IN (SELECT id FROM feeds WHERE removed IS NOT NULL)"
                );
                let n = tx.execute(
                    &format!(
                        "UPDATE articles SET {col} = {on_list} WHERE {col} = {off_list}
                         AND remote_id IN (SELECT id FROM temp.{list}) AND {pending}"
                    ),
                    [],
                )?;
                // Only the unread (starred) articles are looked at, through their partial
                // index, not every synced article: a few thousand rows of a million.
                let few = if field == StateField::Read { "articles_unread" } else { "articles_starred" };
                let m = tx.execute(
                    &format!(
                        "UPDATE articles INDEXED BY {few} SET {col} = {off_list} WHERE {col} = {on_list}
                         AND remote_id IS NOT NULL AND remote_id NOT IN (SELECT id FROM temp.{list}) AND {pending}"
                    ),
                    [],
                )?;
                match field {
                    StateField::Read => changes.read = n + m,
                    StateField::Starred => changes.starred = n + m,
                }
            }
            tx.execute_batch("DELETE FROM temp.remote_unread; DELETE FROM temp.remote_starred;")?;
            Ok(changes)
        })?;
        tx.commit()?;
        Ok(changes)
    }

    /// Local changes waiting to be sent, oldest first, at most `limit`.
    pub fn outbox(&self, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT remote_id, field, value, changed FROM sync_outbox ORDER BY changed, remote_id LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            let field: String = r.get(1)?;
            Ok(OutboxEntry {
                remote_id: r.get(0)?,
                field: if field == "read" { StateField::Read } else { StateField::Starred },
                value: r.get(2)?,
                changed: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many local changes wait to be sent.
    pub fn outbox_len(&self) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row("SELECT count(*) FROM sync_outbox", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// The server has these changes: they leave the outbox, unless the state changed again
    /// since they were read (that newer change is sent next time).
    pub fn outbox_sent(&mut self, sent: &[OutboxEntry]) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut del = tx.prepare_cached(
                "DELETE FROM sync_outbox WHERE remote_id = ?1 AND field = ?2 AND changed = ?3",
            )?;
            for e in sent {
                del.execute(params![e.remote_id, e.field.column(), e.changed])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
