//! The parser's list of active formatting elements, as [`super::flatten`] estimates it.
//!
//! A `<b>` or `<font>` that a `</p>` or `</li>` closes stays on this list, and the parser
//! opens a copy of it again before the next text: `<p><b>one</p><p>two` makes the second
//! paragraph bold too. So unclosed formatting elements nest the rest of the document one level
//! deeper each, and the estimate follows them here. The parser keeps at most three identical
//! ones (same name and attributes) since the last marker (a table cell, an `<object>` …); this
//! list also keeps at most a fixed number of any kind, so that the copies the parser makes for
//! each piece of text stay few: past that, formatting tags are left out.

/// The formatting elements.
pub(super) const FORMATTING: &[&str] =
    &["a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"];

/// Elements that put a marker on the list (and clear it to the marker when they close).
pub(super) const MARKERS: &[&str] = &["td", "th", "caption", "applet", "marquee", "object", "template"];

#[derive(Debug)]
enum Entry {
    Marker,
    Element {
        name: String,
        /// The attributes as written (the parser compares them as a set; comparing the text
        /// counts more elements as different, never fewer).
        attributes: String,
        /// The open element it stands for (it may have been closed since).
        id: u64,
    },
}

/// The list.
#[derive(Debug, Default)]
pub(super) struct ActiveFormatting {
    entries: Vec<Entry>,
    /// Where the markers are, innermost last (entries are only ever removed after the last).
    markers: Vec<usize>,
}

impl ActiveFormatting {
    /// Where the entries after the last marker start.
    fn since_marker(&self) -> usize {
        self.markers.last().map_or(0, |&i| i + 1)
    }

    /// How many elements there are after the last marker.
    pub(super) fn len(&self) -> usize {
        self.entries.len() - self.since_marker()
    }

    /// Adds an element just opened; the oldest of three identical ones goes (the standard's
    /// "Noah's Ark" clause).
    pub(super) fn push(&mut self, name: &str, attributes: &str, id: u64) {
        let from = self.since_marker();
        let same = |e: &Entry| matches!(e, Entry::Element { name: n, attributes: a, .. } if n == name && a == attributes);
        let identical: Vec<usize> = (from..self.entries.len()).filter(|&i| same(&self.entries[i])).collect();
        if identical.len() >= 3 {
            self.entries.remove(identical[0]);
        }
        self.entries.push(Entry::Element { name: name.to_owned(), attributes: attributes.to_owned(), id });
    }

    pub(super) fn marker(&mut self) {
        self.markers.push(self.entries.len());
        self.entries.push(Entry::Marker);
    }

    /// Forgets the entries after the last marker, and the marker.
    pub(super) fn clear_to_marker(&mut self) {
        if let Some(at) = self.markers.pop() {
            self.entries.truncate(at);
        }
    }

    /// The last element named `name` after the last marker: its place in the list and the id of
    /// the element it stands for.
    pub(super) fn last_named(&self, name: &str) -> Option<(usize, u64)> {
        let from = self.since_marker();
        (from..self.entries.len()).rev().find_map(|i| match &self.entries[i] {
            Entry::Element { name: n, id, .. } if n == name => Some((i, *id)),
            _ => None,
        })
    }

    pub(super) fn remove(&mut self, index: usize) {
        self.entries.remove(index);
    }

    /// The entries the parser opens again before text: those after the last one still open
    /// (or the last marker), oldest first.
    pub(super) fn to_reopen(&self, is_open: impl Fn(u64) -> bool) -> std::ops::Range<usize> {
        let mut start = self.entries.len();
        while start > 0 {
            match &self.entries[start - 1] {
                Entry::Element { id, .. } if !is_open(*id) => start -= 1,
                _ => break,
            }
        }
        start..self.entries.len()
    }

    /// The name of the element at `index`.
    pub(super) fn name(&self, index: usize) -> &str {
        match &self.entries[index] {
            Entry::Element { name, .. } => name,
            Entry::Marker => "",
        }
    }

    /// The element at `index` was opened again as `id`.
    pub(super) fn reopened(&mut self, index: usize, new_id: u64) {
        if let Some(Entry::Element { id, .. }) = self.entries.get_mut(index) {
            *id = new_id;
        }
    }
}
