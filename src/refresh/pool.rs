//! The parse pool: a fixed set of background-priority threads that turn fetched bodies into
//! prepared feeds.
//!
//! Fixed, because every thread that allocates gets its own allocator arena and keeps its own
//! rewrite buffer; tokio's blocking pool starts threads as it likes. Background priority,
//! because parsing is the bulk of a refresh's CPU and must not starve the writer thread (or,
//! in the reader, the UI): on 500 feeds the writer's wait for a core fell from ~0.5 s to
//! ~0.1 s and the run from ~1.6 s to ~1.4 s.

use std::sync::{Arc, Mutex, mpsc};

use tokio::sync::oneshot;
use tracing::debug;

use crate::feed::fetch::Fetched;
use crate::feed::parse::ParseError;
use crate::store::PreparedFeed;

type Task = Box<dyn FnOnce() + Send>;

/// A fixed pool of parse threads.
pub struct ParsePool {
    tasks: Option<mpsc::Sender<Task>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl ParsePool {
    /// Starts one thread per core (at least one).
    pub fn new() -> std::io::Result<Self> {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let (tx, rx) = mpsc::channel::<Task>();
        let rx = Arc::new(Mutex::new(rx));
        let mut threads = Vec::with_capacity(cores);
        for n in 0..cores {
            let rx = Arc::clone(&rx);
            threads.push(std::thread::Builder::new().name(format!("tidings-parse-{n}")).spawn(
                move || {
                    background_priority();
                    loop {
                        // The lock is held only while waiting for the next task, not while running it.
                        let task = match rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        match task {
                            // A panic in one feed's parser costs that feed (its caller sees the
                            // channel close), not the thread.
                            Ok(task) => {
                                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(task));
                            }
                            Err(_) => return, // the pool was dropped
                        }
                    }
                },
            )?);
        }
        Ok(Self { tasks: Some(tx), threads })
    }

    /// Parses and prepares a fetched body; the body (and its share of the body budget) is
    /// dropped as soon as parsing ends.
    pub async fn parse(&self, fetched: Fetched) -> Result<PreparedFeed, ParseError> {
        let (tx, rx) = oneshot::channel();
        let task: Task = Box::new(move || {
            let parsed = crate::feed::parse(&fetched.body, fetched.charset(), &fetched.final_url)
                .map(PreparedFeed::from);
            drop(fetched);
            let _ = tx.send(parsed);
        });
        let sent = self.tasks.as_ref().is_some_and(|tasks| tasks.send(task).is_ok());
        if !sent {
            return Err(ParseError::Invalid("the parser is not running".into()));
        }
        rx.await
            .unwrap_or_else(|_| Err(ParseError::Invalid("the parser stopped while reading this feed".into())))
    }
}

impl Drop for ParsePool {
    fn drop(&mut self) {
        self.tasks.take();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// Lowers the calling thread's priority; failing to is not worth more than a log line.
fn background_priority() {
    if let Err(e) = thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min) {
        debug!("cannot lower the parse thread's priority: {e:?}");
    }
}
