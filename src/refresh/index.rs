//! After a refresh: the index takes in what it stored, so that search and same-story groups are
//! current without the reader running (a cron `tidings refresh`, then `tidings articles`).

use crate::store::{Store, StoreError};

/// Articles per indexing transaction.
const BATCH: usize = 500;

/// Times in a row another process (the reader's indexer) may take the batch planned here
/// before this gives up: it is indexing the same articles.
const YIELDS: usize = 3;

/// Indexes the articles stored or changed since the indexer last ran, at most `most` of them,
/// in transactions of [`BATCH`]; the older backlog is left to the reader's background indexer.
/// Returns how many were indexed.
pub fn index_new(store: &mut Store, most: usize) -> Result<usize, StoreError> {
    let pending = usize::try_from(store.unindexed_new(most)?).unwrap_or(most).min(most);
    let (mut done, mut yielded) = (0, 0);
    while done < pending {
        let progress = store.index_some((pending - done).min(BATCH))?;
        done += progress.indexed;
        if progress.remaining == 0 {
            break;
        }
        if progress.indexed == 0 {
            yielded += 1;
            if yielded >= YIELDS {
                break;
            }
        }
    }
    Ok(done)
}
