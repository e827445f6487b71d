//! OSC 8 hyperlinks in the article pane.
//!
//! ratatui's buffer has no notion of a hyperlink, and an escape sequence put into a span is
//! counted as columns (and cut into cells as text). So links are added after everything is
//! drawn, cell by cell: each cell of a visible link gets a symbol that opens the link, holds
//! the cell's own glyph and closes the link again, and its diff width is forced to the glyph's
//! width (`CellDiffOption::ForcedWidth`), so the layout and ratatui's diffing count the columns
//! the terminal shows. Every linked cell stands on its own: when the diff rewrites only part
//! of a link (a scroll, a popup closing), what it writes is still linked, and never leaves a
//! link open over the cells after it. The cells of one link share an `id=`, so a terminal
//! underlines a wrapped link as one on hover.
//!
//! What is written inside the sequence comes from a feed, so only http, https and mailto
//! targets are linked, at most [`MAX_URL`] bytes, printable ASCII only (anything else is
//! percent-encoded): no ESC, BEL or other C0/C1 control can end the sequence early.

use ratatui::buffer::{Buffer, CellDiffOption};
use unicode_width::UnicodeWidthStr;

/// Longest target written (longer links are shown without a hyperlink: cutting one would
/// link somewhere else). Terminals cap it around here too (VTE: 2083 bytes).
pub const MAX_URL: usize = 2048;

/// One row's run of cells that belong to a link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkRun {
    /// First column.
    pub x: u16,
    /// Row.
    pub y: u16,
    /// Columns.
    pub width: u16,
    /// The link's number in the article (`[n]`), its hover id.
    pub number: u32,
    /// The target, already made safe by [`safe_target`].
    pub url: String,
}

/// The target to write for `url`, or `None` when it is not linked: only http, https and mailto
/// URLs, parsed and re-serialised (which percent-encodes spaces and non-ASCII), checked to be
/// printable ASCII, at most [`MAX_URL`] bytes.
pub fn safe_target(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    if !matches!(parsed.scheme(), "http" | "https" | "mailto") {
        return None;
    }
    let s = parsed.as_str();
    let printable = s.bytes().all(|b| b.is_ascii_graphic());
    (printable && s.len() <= MAX_URL).then(|| s.to_string())
}

/// The sequence that opens link `number` to `url` (OSC 8, ended by ST).
fn open(number: u32, url: &str) -> String {
    format!("\x1b]8;id=tidings-{number};{url}\x1b\\")
}

/// The sequence that closes a link.
const CLOSE: &str = "\x1b]8;;\x1b\\";

/// Links the cells of `runs` in `buf` (see the module docs). Cells outside the buffer, blank
/// cells and the cell a wide glyph covers are left as they are.
pub fn apply(buf: &mut Buffer, runs: &[LinkRun]) {
    for run in runs {
        let start = open(run.number, &run.url);
        let mut x = run.x;
        let end = run.x.saturating_add(run.width);
        while x < end {
            let Some(cell) = buf.cell_mut((x, run.y)) else { break };
            let glyph = cell.symbol().to_string();
            let width = u16::try_from(glyph.width()).unwrap_or(1);
            let Some(forced) = std::num::NonZeroU16::new(width) else {
                x += 1;
                continue;
            };
            if glyph.trim().is_empty() {
                x += forced.get();
                continue;
            }
            cell.set_symbol(&format!("{start}{glyph}{CLOSE}"));
            cell.set_diff_option(CellDiffOption::ForcedWidth(forced));
            x += forced.get();
        }
    }
}

/// Whether to write hyperlinks: `always` and `never` say so; `auto` writes them unless the
/// terminal is known not to take OSC 8 — the Linux console (`TERM=linux`, it shows the
/// sequence's text), `dumb`, and GNU screen outside tmux (`TERM=screen*` with no `$TMUX`:
/// screen drops or mangles it). tmux 3.4 and later pass OSC 8 through; older tmux versions
/// drop it silently, which costs nothing, so tmux counts as capable.
pub fn enabled(mode: crate::config::Hyperlinks, term: Option<&str>, in_tmux: bool) -> bool {
    use crate::config::Hyperlinks;
    match mode {
        Hyperlinks::Always => true,
        Hyperlinks::Never => false,
        Hyperlinks::Auto => {
            let term = term.unwrap_or("");
            !(term.is_empty()
                || term == "linux"
                || term == "dumb"
                || (term.starts_with("screen") && !in_tmux))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Hyperlinks;
    use ratatui::layout::Rect;

    #[test]
    fn a_hostile_url_cannot_smuggle_control_characters() {
        for hostile in [
            "https://e.com/\x1b]8;;https://evil/\x1b\\",
            "https://e.com/a\x07b",
            "https://e.com/\u{9b}31m",
            "https://e.com/\u{9c}",
            "https://e.com/a\rb\nc\td",
            "https://e.com/\x7f",
            "https://e.com/ä ö",
        ] {
            if let Some(safe) = safe_target(hostile) {
                assert!(safe.bytes().all(|b| b.is_ascii_graphic()), "{hostile:?} gave {safe:?}");
                assert!(!safe.contains('\x1b') && !safe.contains('\x07'));
            }
        }
        assert_eq!(safe_target("https://e.com/ä ö").as_deref(), Some("https://e.com/%C3%A4%20%C3%B6"));
        assert_eq!(safe_target("javascript:alert(1)"), None);
        assert_eq!(safe_target("file:///etc/passwd"), None);
        assert_eq!(safe_target("/relative"), None);
        assert_eq!(safe_target(&format!("https://e.com/{}", "a".repeat(MAX_URL))), None);
        assert_eq!(safe_target("mailto:a@b.c").as_deref(), Some("mailto:a@b.c"));
    }

    #[test]
    fn each_linked_cell_opens_and_closes_and_keeps_its_width() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 1));
        buf.set_string(0, 0, "a日b c", ratatui::style::Style::default());
        let url = "https://e.com/x".to_string();
        apply(&mut buf, &[LinkRun { x: 0, y: 0, width: 6, number: 3, url }]);
        let open = "\x1b]8;id=tidings-3;https://e.com/x\x1b\\";
        assert_eq!(buf[(0, 0)].symbol(), format!("{open}a{CLOSE}"));
        assert_eq!(buf[(1, 0)].symbol(), format!("{open}日{CLOSE}"));
        assert_eq!(
            buf[(1, 0)].diff_option,
            CellDiffOption::ForcedWidth(std::num::NonZeroU16::MIN.saturating_add(1))
        );
        // The cell the wide glyph covers and the space are left alone.
        assert_eq!(buf[(2, 0)].symbol(), " ");
        assert_eq!(buf[(4, 0)].symbol(), " ");
        assert_eq!(buf[(5, 0)].symbol(), format!("{open}c{CLOSE}"));
        assert_eq!(buf[(6, 0)].symbol(), " ", "after the run");
        // Off the buffer: nothing happens, nothing panics.
        apply(&mut buf, &[LinkRun { x: 8, y: 5, width: 9, number: 1, url: "https://e.com/".into() }]);
    }

    #[test]
    fn auto_leaves_out_terminals_known_not_to_link() {
        assert!(enabled(Hyperlinks::Auto, Some("xterm-256color"), false));
        assert!(enabled(Hyperlinks::Auto, Some("tmux-256color"), true));
        assert!(enabled(Hyperlinks::Auto, Some("screen-256color"), true), "tmux's default TERM");
        assert!(!enabled(Hyperlinks::Auto, Some("screen"), false));
        assert!(!enabled(Hyperlinks::Auto, Some("linux"), false));
        assert!(!enabled(Hyperlinks::Auto, Some("dumb"), false));
        assert!(!enabled(Hyperlinks::Auto, None, false));
        assert!(enabled(Hyperlinks::Always, Some("linux"), false));
        assert!(!enabled(Hyperlinks::Never, Some("xterm"), false));
    }
}
