//! Time to first frame and peak memory: the reader started on a filled cache in a 120×40 pty,
//! timed from the spawn until the list's first row shows the newest article; VmHWM read after
//! that frame and again after paging down and jumping to the end.

use std::time::Duration;

use anyhow::{Context as _, Result};
use tidings::paths::Paths;

use crate::pty::{Pty, show};
use crate::reader::{self, COLS, ROWS, Tidings};

/// How long the first frame may take before the run counts as failed.
const FIRST_FRAME_LIMIT: Duration = Duration::from_secs(60);
/// How long a key's frame may take.
const KEY_LIMIT: Duration = Duration::from_secs(10);
/// Without paging, how long the reader sits idle before its peak memory is read again.
pub const SETTLE: Duration = Duration::from_secs(1);
/// PgDn presses before `G`.
const PAGES: usize = 5;

/// One start of the reader.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    /// Spawn to the frame showing the newest article.
    pub first_frame: Duration,
    /// Spawn to the first output byte.
    pub first_output: Duration,
    /// VmHWM just after the first frame, KiB.
    pub hwm_first: Option<u64>,
    /// VmHWM just before quitting (after paging, or after [`SETTLE`]), KiB.
    pub hwm_end: Option<u64>,
    /// `G` to the frame showing the oldest article selected.
    pub to_end: Option<Duration>,
}

/// Starts the reader on `paths` once. With `oldest`, pages down and jumps to the end before
/// quitting (to see the memory that costs); without, sits idle for [`SETTLE`].
pub fn measure(t: &Tidings, paths: &Paths, newest: &str, oldest: Option<&str>, verbose: bool) -> Result<Run> {
    let want = reader::prefix(newest, 16);
    // The whole frame: the list's first row shows the newest article and the status line, drawn
    // last, is there.
    let check = Box::new(move |s: &vt100::Screen| {
        reader::list_row(s, 1).contains(&want)
            && s.rows(0, COLS).nth(usize::from(ROWS) - 1).is_some_and(|r| !r.trim().is_empty())
    });
    let mut pty = Pty::spawn(t.reader(paths), COLS, ROWS, check)?;
    let first = pty.wait(FIRST_FRAME_LIMIT);
    let first_frame = first.matched.with_context(|| {
        format!("no first frame showing {newest:?} within {FIRST_FRAME_LIMIT:?}:\n{}", show(&pty.screen()))
    })?;
    let hwm_first = pty.status_kib("VmHWM");
    if verbose {
        eprintln!("first frame after {first_frame:?}:\n{}", show(&pty.screen()));
    }
    let to_end = if let Some(oldest) = oldest {
        Some(reader::page_through(&pty, PAGES, oldest, KEY_LIMIT)?)
    } else {
        std::thread::sleep(SETTLE);
        None
    };
    let hwm_end = pty.status_kib("VmHWM");
    if verbose && oldest.is_some() {
        eprintln!("after PgDn ×{PAGES} and G:\n{}", show(&pty.screen()));
    }
    pty.quit(b"q", KEY_LIMIT)?;
    Ok(Run { first_frame, first_output: first.output.unwrap_or_default(), hwm_first, hwm_end, to_end })
}
