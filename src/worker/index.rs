//! The indexer: fills the search index in the background, at low priority.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use tracing::{debug, warn};

use crate::app::events::MsgSender;
use crate::app::msg::Msg;
use crate::store::Store;

/// Articles the indexer takes per call: small enough that a refresh writing beside it is not
/// held up (index_bench at 1M, zero-latency loopback feeds: 200 per call slowed the refresh
/// by 32 %, 50 by 7 %).
const INDEX_BATCH: usize = 50;

/// The indexer: takes in new articles, then older ones, in small transactions at low priority;
/// sleeps when done until a refresh or a subscription wakes it.
pub(super) fn run(mut store: Store, wake: &Receiver<()>, ui: &MsgSender) {
    if let Err(e) = thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min) {
        debug!("cannot lower the indexer's priority: {e:?}");
    }
    let mut last_report = std::time::Instant::now();
    loop {
        let wait = match store.index_some(INDEX_BATCH) {
            Ok(p) if p.indexed > 0 => {
                if last_report.elapsed() > Duration::from_millis(500) || p.remaining == 0 {
                    last_report = std::time::Instant::now();
                    if !ui.send(Msg::IndexProgress { remaining: p.remaining }) {
                        return;
                    }
                }
                Duration::from_millis(2)
            }
            Ok(_) => Duration::from_secs(60),
            Err(e) => {
                warn!("indexing: {e}");
                Duration::from_secs(30)
            }
        };
        match wake.recv_timeout(wait) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}
