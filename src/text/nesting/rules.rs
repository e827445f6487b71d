//! The tree construction rules [`super::model`] follows: which start tags close open elements
//! first (a `<p>` before a `<div>`, the previous `<li>`, table parts), which end tags close
//! what, and the element scopes that bound their search. They follow html5ever 0.40 where it
//! departs from older versions of the standard (a `<select>` holds any markup and bounds the
//! default scope).

use super::formatting::FORMATTING;
use super::model::{Model, Ns, Open};
use super::tags::{HEADINGS, IMPLIED_END, ROW_GROUPS, SCOPED_END, SPECIAL, TABLE_PARTS};

impl Open {
    fn is(&self, name: &str) -> bool {
        self.ns == Ns::Html && self.name == name
    }

    fn is_any(&self, names: &[&str]) -> bool {
        self.ns == Ns::Html && names.contains(&self.name.as_str())
    }

    /// A foreign element whose children are HTML again.
    pub(super) fn is_integration_point(&self) -> bool {
        self.ns != Ns::Html && self.html_inside
    }

    /// In the "special" category (stops the search of many end tags).
    fn is_special(&self) -> bool {
        self.is_any(SPECIAL)
    }

    /// An integration point that bounds the default scope (html5ever leaves out annotation-xml).
    fn bounds_scope(&self) -> bool {
        match self.ns {
            Ns::Html => false,
            Ns::Svg => matches!(self.name.as_str(), "foreignobject" | "desc" | "title"),
            Ns::MathMl => matches!(self.name.as_str(), "mi" | "mo" | "mn" | "ms" | "mtext"),
        }
    }
}

/// The boundaries of an element scope.
#[derive(Clone, Copy)]
enum Scope {
    Default,
    /// Also `<ol>` and `<ul>`.
    ListItem,
    /// Also `<button>`.
    Button,
    /// Only `<html>`, `<table>` and `<template>`.
    Table,
}

impl Scope {
    fn bounded_by(self, open: &Open) -> bool {
        const DEFAULT: &[&str] =
            &["applet", "caption", "html", "table", "td", "th", "marquee", "object", "select", "template"];
        let default = || open.is_any(DEFAULT) || open.bounds_scope();
        match self {
            Scope::Table => open.is_any(&["html", "table", "template"]),
            Scope::Default => default(),
            Scope::ListItem => default() || open.is_any(&["ol", "ul"]),
            Scope::Button => default() || open.is("button"),
        }
    }
}

impl Model {
    /// The position of the innermost element of `names` in `scope`.
    fn in_scope(&self, names: &[&str], scope: Scope) -> Option<usize> {
        for (i, open) in self.open.iter().enumerate().rev() {
            if open.is_any(names) {
                return Some(i);
            }
            if scope.bounded_by(open) {
                return None;
            }
        }
        None
    }

    /// The innermost element of `names` with nothing special above it but `transparent` ones
    /// (an `<li>` closes the previous one through a `<span>` or a `<div>`, not a `<ul>`).
    fn innermost(&self, names: &[&str], transparent: &[&str]) -> Option<usize> {
        for (i, open) in self.open.iter().enumerate().rev() {
            if open.is_any(names) {
                return Some(i);
            }
            if open.is_special() && !open.is_any(transparent) {
                return None;
            }
        }
        None
    }

    /// The innermost element of `targets` or `<table>` in the nearest table; `None` outside a
    /// table.
    fn table_part(&self, targets: &[&str]) -> Option<usize> {
        self.in_scope(&["table"], Scope::Table)?;
        self.open.iter().rposition(|o| o.is_any(targets) || o.is("table"))
    }

    /// Whether the nearest table or template is a template.
    fn in_template(&self) -> bool {
        self.open.iter().rev().find(|o| o.is_any(&["table", "template"])).is_some_and(|o| o.is("template"))
    }

    pub(super) fn close_p(&mut self) {
        if let Some(i) = self.in_scope(&["p"], Scope::Button) {
            self.truncate(i);
        }
    }

    /// Closes what a start tag closes; returns the parents the parser inserts for it, or `None`
    /// when the parser ignores the tag.
    pub(super) fn implied(&mut self, name: &str) -> Option<&'static [&'static str]> {
        let top_is = |m: &Model, names: &[&str]| m.open.last().is_some_and(|top| top.is_any(names));
        match name {
            _ if HEADINGS.contains(&name) && top_is(self, HEADINGS) => self.truncate(self.open.len() - 1),
            "li" => self.close_at(self.innermost(&["li"], &["address", "div", "p"])),
            "dd" | "dt" => self.close_at(self.innermost(&["dd", "dt"], &["address", "div", "p"])),
            "button" => self.close_at(self.in_scope(&["button"], Scope::Default)),
            "a" | "nobr" => {
                // A link in a link ends the first.
                if let Some((index, id)) = self.formatting.last_named(name) {
                    self.close_at(
                        self.open.iter().rposition(|o| o.id == id).filter(|&i| !self.special_above(i)),
                    );
                    self.formatting.remove(index);
                }
            }
            "option" | "optgroup" => {
                if self.in_scope(&["select"], Scope::Default).is_some() {
                    // In a select, the option (or group) before ends.
                    let ends = |o: &Open| o.is_any(IMPLIED_END) && !(name == "option" && o.is("optgroup"));
                    while self.open.last().is_some_and(ends) {
                        self.truncate(self.open.len() - 1);
                    }
                } else if top_is(self, &["option"]) {
                    self.truncate(self.open.len() - 1);
                }
            }
            "select" | "input" => {
                if let Some(i) = self.in_scope(&["select"], Scope::Default) {
                    // A select (or an input) in a select ends it; the select is then ignored.
                    self.truncate(i);
                    if name == "select" {
                        return None;
                    }
                }
            }
            // A template takes table parts as they come.
            _ if TABLE_PARTS.contains(&name) && name != "table" && self.in_template() => {}
            "caption" | "colgroup" | "tbody" | "thead" | "tfoot" => {
                let i = self.table_part(&[])?;
                self.truncate(i + 1);
            }
            "tr" => {
                let i = self.table_part(ROW_GROUPS)?;
                let table = self.open[i].is("table");
                self.truncate(i + 1);
                return Some(if table { &["tbody"] } else { &[] });
            }
            "td" | "th" => {
                let i = self.table_part(&["tr", "tbody", "thead", "tfoot"])?;
                let parents: &'static [&'static str] = match self.open[i].name.as_str() {
                    "table" => &["tbody", "tr"],
                    "tr" => &[],
                    _ => &["tr"],
                };
                self.truncate(i + 1);
                return Some(parents);
            }
            // A table straight in a table (not in a cell) ends the first.
            "table" if top_is(self, &["table", "tbody", "thead", "tfoot", "tr"]) => {
                self.close_at(self.open.iter().rposition(|o| o.is("table")));
            }
            _ => {}
        }
        Some(&[])
    }

    fn close_at(&mut self, at: Option<usize>) {
        if let Some(i) = at {
            self.truncate(i);
        }
    }

    /// Whether a special element is open above position `i`.
    fn special_above(&self, i: usize) -> bool {
        self.open[i + 1..].iter().any(Open::is_special)
    }

    /// Closes what an end tag closes.
    pub(super) fn close(&mut self, name: &str) {
        if matches!(name, "br" | "p") && self.in_foreign_content() {
            // These end foreign content.
            while self.in_foreign_content() {
                self.truncate(self.open.len() - 1);
            }
        }
        if name == "br" {
            // Read as a `<br>`, before which the parser reopens formatting elements.
            self.reopen_formatting();
        }
        // Foreign elements on top close by name.
        let mut top = self.open.len();
        while top > 0 && self.open[top - 1].ns != Ns::Html {
            if self.open[top - 1].name == name {
                self.truncate(top - 1);
                return;
            }
            top -= 1;
        }
        let found = match name {
            "html" | "body" | "head" | "br" => None,
            "p" => self.in_scope(&["p"], Scope::Button),
            "li" => self.in_scope(&["li"], Scope::ListItem),
            _ if HEADINGS.contains(&name) => self.in_scope(HEADINGS, Scope::Default),
            _ if SCOPED_END.contains(&name) => self.in_scope(&[name], Scope::Default),
            _ if TABLE_PARTS.contains(&name) => self.in_scope(&[name], Scope::Table),
            "form" => {
                // Only the form goes; what is open inside it stays open.
                if let Some(i) = self.in_scope(&["form"], Scope::Default) {
                    self.remove(i);
                }
                return;
            }
            _ if FORMATTING.contains(&name) => return self.close_formatting(name),
            // The innermost of that name, with nothing special above it.
            _ => self.innermost(&[name], &[]),
        };
        self.close_at(found);
    }

    /// A formatting element's end tag (the standard's "adoption agency"), simplified: with
    /// nothing special open inside it, it closes like any element; with a block inside, the
    /// parser moves elements around without nesting deeper, and the estimate keeps it open.
    fn close_formatting(&mut self, name: &str) {
        let Some((index, id)) = self.formatting.last_named(name) else {
            self.close_at(self.innermost(&[name], &[]));
            return;
        };
        if !self.is_open(id) {
            self.formatting.remove(index);
            return;
        }
        let Some(at) = self.open.iter().rposition(|o| o.id == id) else { return };
        if self.open[at + 1..].iter().any(|o| Scope::Default.bounded_by(o)) {
            // Not in scope: the parser ignores the tag.
            return;
        }
        if !self.special_above(at) {
            self.formatting.remove(index);
            self.truncate(at);
        }
    }
}
