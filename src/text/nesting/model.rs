//! The parser's stack of open elements, as [`super::flatten`] estimates it: the tree
//! construction rules of the HTML standard that change how deep the next element goes, kept to
//! the ones ordinary markup relies on ([`super::rules`]), with the formatting elements the
//! parser reopens ([`super::formatting`]). Where a rule is left out, the estimate errs deep (an
//! element counted open that the parser closed) rather than shallow, as far as it can.

use std::collections::{HashMap, HashSet};

use super::formatting::{ActiveFormatting, FORMATTING, MARKERS};
use super::scan::{self, Raw, Tag};
use super::tags::{BREAKS_OUT, CLOSES_P, NO_REOPENING, VOID};

/// Formatting elements kept open at most (since the last marker) for a nesting limit.
pub(super) fn formatting_limit(limit: usize) -> usize {
    (limit / 8).clamp(2, 32)
}

/// What to do with a tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Keep it.
    Keep,
    /// Leave it out: it opens (or closes) an element past the limit.
    Drop,
    /// Keep it; raw text follows, up to its end tag.
    Raw(Raw),
}

/// The namespace of an open element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ns {
    Html,
    Svg,
    MathMl,
}

#[derive(Debug)]
pub(super) struct Open {
    pub(super) name: String,
    pub(super) ns: Ns,
    pub(super) id: u64,
    /// A foreign element whose content is HTML again (an "integration point").
    pub(super) html_inside: bool,
    /// A template's content whose first element is a `<col>`: the parser ignores everything
    /// in it but columns and templates.
    pub(super) columns: bool,
    /// A template's content that has had an element (its first decides how it is read).
    pub(super) started: bool,
}

/// The estimated stack, the formatting elements, and the elements left out past the limit.
pub(super) struct Model {
    limit: usize,
    /// Formatting elements kept at most (since the last marker).
    formatting_limit: usize,
    scripting: bool,
    pub(super) open: Vec<Open>,
    ids: HashSet<u64>,
    next_id: u64,
    pub(super) formatting: ActiveFormatting,
    /// Elements left out past the limit, innermost last, with a count per name.
    past: Vec<String>,
    past_count: HashMap<String, usize>,
    /// Formatting elements left out past their own limit, per name: their end tags go too.
    formatting_left_out: HashMap<String, usize>,
    deepest: usize,
}

impl Model {
    pub(super) fn new(limit: usize, scripting: bool) -> Self {
        Self {
            limit,
            formatting_limit: formatting_limit(limit),
            scripting,
            open: Vec::new(),
            ids: HashSet::new(),
            next_id: 0,
            formatting: ActiveFormatting::default(),
            past: Vec::new(),
            past_count: HashMap::new(),
            formatting_left_out: HashMap::new(),
            deepest: 0,
        }
    }

    /// The deepest nesting seen.
    pub(super) fn deepest(&self) -> usize {
        self.deepest
    }

    /// Whether the next tag is read as foreign content (SVG or MathML).
    pub(super) fn in_foreign_content(&self) -> bool {
        self.open.last().is_some_and(|top| top.ns != Ns::Html && !top.is_integration_point())
    }

    /// Text: the parser reopens the formatting elements closed around it.
    pub(super) fn text(&mut self) {
        if !self.in_foreign_content() {
            self.reopen_formatting();
        }
    }

    /// A start tag with its `attributes` as written.
    pub(super) fn start(&mut self, tag: &Tag, attributes: &str) -> Verdict {
        let name = tag.name.as_str();
        let mut foreign = self.in_foreign_content();
        // A tag that ends foreign content is kept whatever the limits: without it, the parser
        // would read what follows as foreign content still.
        let mut force = false;
        if foreign && (BREAKS_OUT.contains(&name) || (name == "font" && tag.font_attributes)) {
            while self.in_foreign_content() {
                self.truncate(self.open.len() - 1);
            }
            (foreign, force) = (false, true);
        }
        if let Some(top) = self.open.last_mut().filter(|top| top.name == "#content" && !foreign) {
            // A template's content taken as columns: the parser ignores all else in it.
            if !top.started && name == "col" {
                top.columns = true;
            }
            top.started = true;
            if top.columns && name != "template" {
                return Verdict::Keep;
            }
        }
        if !foreign && let Some(raw) = self.raw_text(name) {
            // Kept even past the limit: without it, its text would be read as markup. It opens
            // one level, for its text only.
            if matches!(name, "xmp" | "plaintext") && self.past.is_empty() {
                self.close_p();
            }
            if name == "xmp" {
                self.reopen_formatting();
            }
            return Verdict::Raw(raw);
        }
        if !self.past.is_empty() {
            let empty = if foreign { tag.self_closing } else { VOID.contains(&name) };
            if !empty {
                self.leave_out(name);
            }
            return Verdict::Drop;
        }
        if foreign {
            if tag.self_closing {
                return Verdict::Keep;
            }
            let ns = match name {
                "svg" => Ns::Svg,
                "math" => Ns::MathMl,
                _ => self.open.last().map_or(Ns::Svg, |top| top.ns),
            };
            let verdict = self.push(name, ns, &[], false);
            if let Some(top) = self.open.last_mut().filter(|_| verdict == Verdict::Keep) {
                top.html_inside = match (ns, name) {
                    (Ns::Svg, "foreignobject" | "desc" | "title")
                    | (Ns::MathMl, "mi" | "mo" | "mn" | "ms" | "mtext") => true,
                    (Ns::MathMl, "annotation-xml") => {
                        scan::attribute(attributes, "encoding").is_some_and(|e| {
                            e.eq_ignore_ascii_case("text/html")
                                || e.eq_ignore_ascii_case("application/xhtml+xml")
                        })
                    }
                    _ => false,
                };
            }
            return verdict;
        }
        self.start_html(name, tag.self_closing, attributes, force)
    }

    /// A start tag in HTML content. A tag left out must change nothing in the estimate (the
    /// parser never sees it), so the decision comes before the elements it closes.
    fn start_html(&mut self, name: &str, self_closing: bool, attributes: &str, force: bool) -> Verdict {
        if matches!(name, "html" | "head" | "body") {
            return Verdict::Keep;
        }
        let formatting = FORMATTING.contains(&name);
        if formatting && !force {
            // A link in a link replaces the first on the list.
            let replaced = matches!(name, "a" | "nobr") && self.formatting.last_named(name).is_some();
            if self.formatting.len() - usize::from(replaced) >= self.formatting_limit {
                *self.formatting_left_out.entry(name.to_owned()).or_default() += 1;
                return Verdict::Drop;
            }
        }
        let before = self.open.len();
        if CLOSES_P.contains(&name) {
            self.close_p();
        }
        let Some(parents) = self.implied(name) else {
            // The parser ignores it here.
            return Verdict::Keep;
        };
        // Having closed elements for it, it must be kept: it fits where they were.
        let force = force || self.open.len() < before;
        if !NO_REOPENING.contains(&name) {
            self.reopen_formatting();
        }
        if VOID.contains(&name) || (self_closing && matches!(name, "svg" | "math")) {
            return Verdict::Keep;
        }
        let ns = match name {
            "svg" => Ns::Svg,
            "math" => Ns::MathMl,
            _ => Ns::Html,
        };
        let verdict = self.push(name, ns, parents, force);
        if verdict == Verdict::Keep {
            let id = self.open.last().map_or(0, |o| o.id);
            if formatting {
                self.formatting.push(name, attributes.trim(), id);
            } else if MARKERS.contains(&name) {
                self.formatting.marker();
            }
            if name == "template" {
                // Its content goes in a fragment of its own: one level more.
                self.open_element("#content", Ns::Html);
            }
        }
        verdict
    }

    /// An end tag: left out when it closes an element left out.
    pub(super) fn end(&mut self, name: &str) -> Verdict {
        if self.past_count.get(name).is_some_and(|&n| n > 0) {
            while let Some(top) = self.past.pop() {
                if let Some(n) = self.past_count.get_mut(&top) {
                    *n -= 1;
                }
                if top == name {
                    break;
                }
            }
            return Verdict::Drop;
        }
        if self.open.last().is_some_and(|top| top.columns) && name != "template" {
            return Verdict::Keep;
        }
        if let Some(n) = self.formatting_left_out.get_mut(name).filter(|n| **n > 0) {
            *n -= 1;
            return Verdict::Drop;
        }
        self.close(name);
        Verdict::Keep
    }

    /// How the content of `name` (in HTML) is read, if it is raw text.
    fn raw_text(&self, name: &str) -> Option<Raw> {
        match name {
            "script" => Some(Raw::Script),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" | "title" | "textarea" => Some(Raw::Text),
            "noscript" if self.scripting => Some(Raw::Text),
            "plaintext" => Some(Raw::Plaintext),
            _ => None,
        }
    }

    /// Opens `name`, after the elements the parser inserts for it (`<tbody>` and `<tr>` for a
    /// `<td>` straight in a table), unless that goes past the limit (and it is not `forced`).
    fn push(&mut self, name: &str, ns: Ns, parents: &[&str], forced: bool) -> Verdict {
        if self.open.len() + parents.len() >= self.limit && !forced {
            self.leave_out(name);
            return Verdict::Drop;
        }
        for parent in parents {
            self.open_element(parent, Ns::Html);
        }
        self.open_element(name, ns);
        Verdict::Keep
    }

    fn open_element(&mut self, name: &str, ns: Ns) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.ids.insert(id);
        self.open.push(Open {
            name: name.to_owned(),
            ns,
            id,
            html_inside: false,
            columns: false,
            started: false,
        });
        self.deepest = self.deepest.max(self.open.len() + self.past.len());
        id
    }

    /// Closes the elements from `at` up; cells and the like clear the formatting elements
    /// opened in them. Whatever was left out past the limit was inside, and goes too.
    pub(super) fn truncate(&mut self, at: usize) {
        if at >= self.open.len() {
            return;
        }
        for closed in self.open.drain(at..).rev() {
            self.ids.remove(&closed.id);
            if closed.ns == Ns::Html && MARKERS.contains(&closed.name.as_str()) {
                self.formatting.clear_to_marker();
            }
        }
        self.past.clear();
        self.past_count.clear();
    }

    /// Closes the element at `at` alone (`</form>` leaves what is inside it open).
    pub(super) fn remove(&mut self, at: usize) {
        let closed = self.open.remove(at);
        self.ids.remove(&closed.id);
    }

    /// Whether the element `id` is open.
    pub(super) fn is_open(&self, id: u64) -> bool {
        self.ids.contains(&id)
    }

    /// Opens again the formatting elements that were closed without their end tag (they can
    /// take the stack past the limit, by the few the list holds).
    pub(super) fn reopen_formatting(&mut self) {
        for i in self.formatting.to_reopen(|id| self.ids.contains(&id)) {
            let name = self.formatting.name(i).to_owned();
            let id = self.open_element(&name, Ns::Html);
            self.formatting.reopened(i, id);
        }
    }

    fn leave_out(&mut self, name: &str) {
        self.past.push(name.to_owned());
        *self.past_count.entry(name.to_owned()).or_default() += 1;
        self.deepest = self.deepest.max(self.open.len() + self.past.len());
    }
}
