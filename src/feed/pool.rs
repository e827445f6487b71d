//! Reused body buffers. Every refresh reads hundreds of bodies of hundreds of KiB; allocating
//! each afresh on whichever thread runs the task leaves the allocator holding freed blocks in
//! every thread's arena. Reusing buffers took ~5 MiB off the peak of the 500-feed benchmark
//! (most of what remains is hyper's read buffers, which tidings cannot reuse).

use std::sync::{Arc, Mutex};

/// A pool of byte buffers.
#[derive(Debug)]
pub struct BufferPool {
    free: Mutex<Vec<Vec<u8>>>,
    /// Buffers kept for reuse at most.
    keep: usize,
    /// Buffers larger than this are not kept.
    max_capacity: usize,
}

impl BufferPool {
    /// A pool keeping up to `keep` buffers of at most `max_capacity` bytes.
    pub fn new(keep: usize, max_capacity: usize) -> Arc<Self> {
        Arc::new(Self { free: Mutex::new(Vec::new()), keep, max_capacity })
    }

    /// An empty buffer with room for at least `want` bytes, reused when one is free.
    pub fn take(self: &Arc<Self>, want: usize) -> PooledBuf {
        let reused = self.free.lock().ok().and_then(|mut free| {
            // The smallest free buffer that fits, else the largest (it will grow).
            let best = free
                .iter()
                .enumerate()
                .filter(|(_, b)| b.capacity() >= want)
                .min_by_key(|(_, b)| b.capacity())
                .or_else(|| free.iter().enumerate().max_by_key(|(_, b)| b.capacity()))
                .map(|(i, _)| i)?;
            Some(free.swap_remove(best))
        });
        let mut buf = reused.unwrap_or_default();
        buf.reserve(want);
        PooledBuf { buf, pool: Some(Arc::clone(self)) }
    }

    fn give(&self, mut buf: Vec<u8>) {
        if buf.capacity() > self.max_capacity {
            return;
        }
        buf.clear();
        if let Ok(mut free) = self.free.lock()
            && free.len() < self.keep
        {
            free.push(buf);
        }
    }
}

/// A buffer that goes back to its pool when dropped.
#[derive(Debug, Default)]
pub struct PooledBuf {
    buf: Vec<u8>,
    pool: Option<Arc<BufferPool>>,
}

impl PooledBuf {
    /// Appends bytes.
    pub fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }
}

impl std::ops::Deref for PooledBuf {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.buf
    }
}

impl Drop for PooledBuf {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            pool.give(std::mem::take(&mut self.buf));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_are_reused_and_bounded() {
        let pool = BufferPool::new(2, 1 << 20);
        let mut a = pool.take(1000);
        a.extend_from_slice(b"hello");
        let ptr = a.as_ptr();
        drop(a);
        let b = pool.take(10);
        assert_eq!(b.as_ptr(), ptr, "the freed buffer comes back");
        assert!(b.is_empty(), "and it comes back empty");
        let huge = pool.take(2 << 20);
        drop(huge);
        assert!(pool.free.lock().unwrap().is_empty(), "over-large buffers are not kept");
    }
}
