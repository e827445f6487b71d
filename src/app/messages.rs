//! The reader's messages: the last [`KEPT`] of them with their full text (the `M` popup lists
//! them), and which one the status line shows.
//!
//! A warning or an error is *sticky*: it stays on the status line, even when newer
//! information arrives, until the user has had it in front of them for [`READ_AFTER`] and
//! pressed a key (or opened the message list). So a start-up warning is not replaced by the
//! refresh summary a quarter of a second later; the status line says how many newer messages
//! wait behind it. Other messages give way to the unread count at the first key pressed
//! [`SHOWN_FOR`] after they came.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

/// How many messages are kept.
pub const KEPT: usize = 50;
/// A sticky message counts as read after it has been shown this long and a key was pressed.
pub const READ_AFTER: chrono::TimeDelta = chrono::TimeDelta::seconds(1);
/// Any other message leaves the status line at the first key pressed after this long.
pub const SHOWN_FOR: chrono::TimeDelta = chrono::TimeDelta::seconds(5);

/// How serious a message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Information.
    Info,
    /// Something the user should know (a bad config line, a feed that failed).
    Warning,
    /// An action failed.
    Error,
}

/// One message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Its text, in full.
    pub text: String,
    /// How serious.
    pub severity: Severity,
    /// When it arrived.
    pub at: DateTime<Utc>,
    /// It stays on the status line until read (warnings and errors, unless posted as detail).
    pub sticky: bool,
    /// Detail of something the status line sums up: it goes to the log only.
    pub detail: bool,
    /// The user has seen it (pressed a key while it was shown, or opened the list).
    pub read: bool,
}

/// The message log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Messages {
    /// Oldest first, at most [`KEPT`].
    log: VecDeque<Message>,
    /// Since when the status line shows what it shows.
    since: Option<DateTime<Utc>>,
}

impl Messages {
    /// Adds a message; warnings and errors are sticky.
    pub fn post(&mut self, severity: Severity, text: impl Into<String>, at: DateTime<Utc>) {
        let sticky = severity >= Severity::Warning;
        self.push(Message { text: text.into(), severity, at, sticky, detail: false, read: false });
    }

    /// Adds a message that shows as the newest but does not stay once read (a refresh's
    /// summary, even when feeds failed: it comes back every refresh).
    pub fn note(&mut self, severity: Severity, text: impl Into<String>, at: DateTime<Utc>) {
        self.push(Message { text: text.into(), severity, at, sticky: false, detail: false, read: false });
    }

    /// Adds a message that goes to the log without holding the status line (the detail of a
    /// summary shown there, such as each failed feed of a refresh).
    pub fn detail(&mut self, severity: Severity, text: impl Into<String>, at: DateTime<Utc>) {
        self.push(Message { text: text.into(), severity, at, sticky: false, detail: true, read: false });
    }

    fn push(&mut self, message: Message) {
        let before = self.current().cloned();
        let at = message.at;
        if self.log.len() == KEPT {
            self.log.pop_front();
        }
        self.log.push_back(message);
        if before.as_ref() != self.current() {
            self.since = Some(at);
        }
    }

    /// The message the status line shows: the oldest unread sticky one, else the newest that
    /// is not detail, unless it has been read (then none: the line shows the unread count).
    pub fn current(&self) -> Option<&Message> {
        self.log
            .iter()
            .find(|m| m.sticky && !m.read)
            .or_else(|| self.log.iter().rev().find(|m| !m.detail).filter(|m| !m.read))
    }

    /// Messages newer than the one shown (the status line says "+N more").
    pub fn waiting(&self) -> usize {
        let Some(shown) = self.current() else { return 0 };
        let at = self.log.iter().position(|m| std::ptr::eq(m, shown)).unwrap_or(self.log.len());
        self.log.iter().skip(at + 1).filter(|m| !m.read).count()
    }

    /// A key was pressed at `now`: sticky messages shown long enough count as read. Returns
    /// whether the status line changes.
    pub fn key_pressed(&mut self, now: DateTime<Utc>) -> bool {
        let before = self.current().cloned();
        // Only the one on screen was shown; the others behind it were not.
        let shown = match self.log.iter().position(|m| m.sticky && !m.read) {
            Some(sticky) => Some((sticky, READ_AFTER)),
            None => self.log.iter().rposition(|m| !m.detail).map(|newest| (newest, SHOWN_FOR)),
        };
        let since = self.since;
        if let Some((at, long_enough)) = shown
            && let Some(m) = self.log.get_mut(at)
            && now - since.map_or(m.at, |s| s.max(m.at)) >= long_enough
        {
            m.read = true;
        }
        let changed = before.as_ref() != self.current();
        if changed {
            self.since = Some(now);
        }
        changed
    }

    /// Messages starting with `prefix` that wait to be read no longer hold the status line:
    /// what they said has been put right (a sync that failed, then went through). They stay in
    /// the list.
    pub fn put_right(&mut self, prefix: &str) {
        let before = self.current().cloned();
        for m in self.log.iter_mut().filter(|m| !m.read && m.text.starts_with(prefix)) {
            m.read = true;
        }
        if before.as_ref() != self.current() {
            self.since = self.log.back().map(|m| m.at);
        }
    }

    /// The user opened the message list: everything is read.
    pub fn read_all(&mut self) {
        for m in &mut self.log {
            m.read = true;
        }
    }

    /// Every message, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &Message> {
        self.log.iter().rev()
    }

    /// The message log as lines of at most `width` columns, newest first: each message's
    /// local time and text, wrapped, a blank line between messages.
    pub fn lines(&self, tz: &chrono::FixedOffset, width: usize) -> Vec<(Severity, String)> {
        let mut out = Vec::new();
        for m in self.newest_first() {
            if !out.is_empty() {
                out.push((Severity::Info, String::new()));
            }
            let mark = match m.severity {
                Severity::Info => "",
                Severity::Warning => "warning: ",
                Severity::Error => "error: ",
            };
            let text = format!("{} {mark}{}", m.at.with_timezone(tz).format("%H:%M:%S"), m.text);
            for line in crate::text::columns::wrap(&text, width) {
                out.push((m.severity, line));
            }
        }
        out
    }

    /// How many messages are kept.
    pub fn len(&self) -> usize {
        self.log.len()
    }

    /// No message yet.
    pub fn is_empty(&self) -> bool {
        self.log.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + secs, 0).single().unwrap_or_default()
    }

    #[test]
    fn a_warning_outlives_newer_information_until_read() {
        let mut m = Messages::default();
        m.post(Severity::Warning, "unknown theme `solarised`", t(0));
        m.post(Severity::Info, "3 feeds, 2 new articles, 0 failed", t(0));
        assert_eq!(m.current().map(|c| c.text.as_str()), Some("unknown theme `solarised`"));
        assert_eq!(m.waiting(), 1);
        // A key at once does not count: the warning was not in front of the user yet.
        assert!(!m.key_pressed(t(0)));
        assert_eq!(m.current().map(|c| c.severity), Some(Severity::Warning));
        // A key a second later does: the newest message shows.
        assert!(m.key_pressed(t(2)));
        assert_eq!(m.current().map(|c| c.text.as_str()), Some("3 feeds, 2 new articles, 0 failed"));
        assert_eq!(m.waiting(), 0);
    }

    #[test]
    fn sticky_messages_are_read_one_at_a_time_oldest_first() {
        let mut m = Messages::default();
        m.post(Severity::Warning, "first", t(0));
        m.post(Severity::Error, "second", t(1));
        assert_eq!(m.current().map(|c| c.text.as_str()), Some("first"));
        m.key_pressed(t(5));
        assert_eq!(m.current().map(|c| c.text.as_str()), Some("second"));
        m.key_pressed(t(5));
        assert_eq!(m.current().map(|c| c.text.as_str()), Some("second"), "not shown for a second yet");
        m.key_pressed(t(7));
        assert_eq!(m.current(), None, "both read: the line shows the unread count");
    }

    #[test]
    fn detail_goes_to_the_log_only() {
        let mut m = Messages::default();
        m.post(Severity::Info, "Refreshing…", t(0));
        m.detail(Severity::Warning, "Feed A: cannot reach a.example", t(1));
        assert_eq!(m.current().map(|c| c.text.as_str()), Some("Refreshing…"));
        assert_eq!(m.len(), 2);
        // Information goes at the first key pressed a while later.
        assert!(!m.key_pressed(t(2)));
        assert!(m.key_pressed(t(6)));
        assert_eq!(m.current(), None);
    }

    #[test]
    fn the_log_keeps_the_last_fifty_and_opening_it_reads_them() {
        let mut m = Messages::default();
        for i in 0..60 {
            m.post(Severity::Error, format!("error {i}"), t(i));
        }
        assert_eq!(m.len(), KEPT);
        assert_eq!(m.newest_first().next().map(|c| c.text.as_str()), Some("error 59"));
        assert_eq!(m.newest_first().last().map(|c| c.text.as_str()), Some("error 10"));
        assert_eq!(m.current().map(|c| c.text.as_str()), Some("error 10"));
        m.read_all();
        assert_eq!(m.current(), None);
        assert_eq!(m.waiting(), 0);
    }
}
