//! Prompts: one-line fields edited as in a shell (Ctrl-U, Ctrl-W, Ctrl-A/E, Ctrl-K, arrows,
//! Home/End, word moves), Tab between fields, Up/Down through what was submitted before, and
//! what Enter does for each kind of prompt. Keys reach here as actions of the `[prompt]`
//! keymap context; anything typed that is not bound there is text.

use super::action::Action;
use super::effect::Effect;
use super::list;
use super::state::{Field, Popup, Prompt, PromptKind, State, View, ViewKind};
use crate::domain::NewFeed;

/// History entries kept, all prompts together.
const HISTORY: usize = 200;

impl Field {
    /// An empty field.
    pub fn new(label: &'static str) -> Self {
        Self { label, text: String::new(), cursor: 0 }
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// The byte offset of character `at`.
    fn byte(&self, at: usize) -> usize {
        self.text.char_indices().nth(at).map_or(self.text.len(), |(b, _)| b)
    }

    /// Replaces the text, the cursor at its end.
    pub fn set(&mut self, text: &str) {
        self.text = text.to_string();
        self.cursor = self.len();
    }

    /// Inserts text at the cursor (typed or pasted): control sequences removed, line breaks and
    /// tabs become spaces, spaces kept as typed.
    pub fn insert(&mut self, text: &str) {
        let clean: String = crate::text::sanitize::clean_text(text)
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect();
        let at = self.byte(self.cursor);
        self.text.insert_str(at, &clean);
        self.cursor += clean.chars().count();
    }

    fn delete(&mut self, from: usize, to: usize) {
        let (a, b) = (self.byte(from), self.byte(to));
        self.text.replace_range(a..b, "");
        self.cursor = from;
    }

    /// Where the word before the cursor starts (spaces before it are skipped first).
    fn word_start(&self) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut at = self.cursor.min(chars.len());
        while at > 0 && chars[at - 1].is_whitespace() {
            at -= 1;
        }
        while at > 0 && !chars[at - 1].is_whitespace() {
            at -= 1;
        }
        at
    }

    /// Where the word after the cursor ends.
    fn word_end(&self) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut at = self.cursor.min(chars.len());
        while at < chars.len() && chars[at].is_whitespace() {
            at += 1;
        }
        while at < chars.len() && !chars[at].is_whitespace() {
            at += 1;
        }
        at
    }

    /// Runs an editing action; false for actions that are not editing.
    pub fn edit(&mut self, action: Action) -> bool {
        let (at, len) = (self.cursor.min(self.len()), self.len());
        match action {
            Action::DeleteBack if at > 0 => self.delete(at - 1, at),
            Action::DeleteForward if at < len => self.delete(at, at + 1),
            Action::DeleteWordBack => self.delete(self.word_start(), at),
            Action::DeleteToStart => self.delete(0, at),
            Action::DeleteToEnd => self.delete(at, len),
            Action::CursorLeft => self.cursor = at.saturating_sub(1),
            Action::CursorRight => self.cursor = (at + 1).min(len),
            Action::WordLeft => self.cursor = self.word_start(),
            Action::WordRight => self.cursor = self.word_end(),
            Action::LineStart => self.cursor = 0,
            Action::LineEnd => self.cursor = len,
            Action::DeleteBack | Action::DeleteForward => {}
            _ => return false,
        }
        true
    }
}

impl Prompt {
    /// An empty prompt of `kind`.
    pub fn new(kind: PromptKind) -> Self {
        let fields = match kind {
            PromptKind::AddFeed => vec![Field::new("URL"), Field::new("Tags")],
            PromptKind::Import => vec![Field::new("File")],
            PromptKind::Search => vec![Field::new("Words")],
        };
        Self { kind, fields, focus: 0, history_at: None, draft: String::new() }
    }

    /// What the prompt asks, for its title.
    pub fn title(&self) -> &'static str {
        match self.kind {
            PromptKind::AddFeed => "Subscribe: feed or web page URL (Tab: tags)",
            PromptKind::Import => "Import: path of an OPML or urls file",
            PromptKind::Search => "Search — words \"phrase\" pre* -not feed: tag: author: is: after:",
        }
    }

    /// The field being edited.
    pub fn field(&self) -> &Field {
        &self.fields[self.focus.min(self.fields.len() - 1)]
    }

    fn field_mut(&mut self) -> &mut Field {
        let at = self.focus.min(self.fields.len() - 1);
        &mut self.fields[at]
    }

    /// Moves to the next (or previous) field, round.
    fn next_field(&mut self, forward: bool) {
        let n = self.fields.len();
        self.focus = if forward { (self.focus + 1) % n } else { (self.focus + n - 1) % n };
    }

    /// Shows an older (`back`) or newer entry of `history` (this kind's, newest first) in the
    /// first field; past the newest, what was typed before.
    fn browse(&mut self, history: &[&str], back: bool) {
        let next = match (self.history_at, back) {
            (None, true) if !history.is_empty() => Some(0),
            (Some(i), true) if i + 1 < history.len() => Some(i + 1),
            (Some(0), false) => None,
            (Some(i), false) => Some(i - 1),
            (at, _) => at,
        };
        if next == self.history_at {
            return;
        }
        if self.history_at.is_none() {
            self.draft = self.fields[0].text.clone();
        }
        self.history_at = next;
        self.focus = 0;
        let text =
            next.and_then(|i| history.get(i).copied()).map_or_else(|| self.draft.clone(), str::to_string);
        self.fields[0].set(&text);
    }
}

/// Opens an empty prompt of `kind`.
pub fn open(s: &mut State, kind: PromptKind) {
    s.popup = Some(Popup::Prompt(Prompt::new(kind)));
}

/// Text typed or pasted into the open prompt.
pub fn text(s: &mut State, text: &str) {
    if let Some(Popup::Prompt(p)) = &mut s.popup {
        p.field_mut().insert(text);
        p.history_at = None;
    }
}

/// An action of the `[prompt]` context.
pub fn action(s: &mut State, action: Action, fx: &mut Vec<Effect>) {
    let Some(Popup::Prompt(p)) = &mut s.popup else { return };
    match action {
        Action::Submit => submit(s, fx),
        Action::Cancel => s.popup = None,
        Action::NextField => p.next_field(true),
        Action::PrevField => p.next_field(false),
        Action::HistoryPrev | Action::HistoryNext => {
            let kind = p.kind;
            let past: Vec<&str> =
                s.history.iter().filter(|(k, _)| *k == kind).map(|(_, t)| t.as_str()).collect();
            if let Some(Popup::Prompt(p)) = &mut s.popup {
                p.browse(&past, action == Action::HistoryPrev);
            }
        }
        Action::Quit => s.quit = true,
        other => {
            p.field_mut().edit(other);
        }
    }
}

/// Enter: closes the prompt and does what it asked for.
fn submit(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(Popup::Prompt(p)) = s.popup.take() else { return };
    let first = p.fields[0].text.trim().to_string();
    if !first.is_empty() {
        remember(s, p.kind, &first);
    }
    match p.kind {
        PromptKind::AddFeed if !first.is_empty() => {
            let tags: Vec<String> = p
                .fields
                .get(1)
                .map(|f| {
                    f.text.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect()
                })
                .unwrap_or_default();
            s.info(format!("Subscribing to {first}…"));
            fx.push(Effect::Subscribe { feeds: vec![NewFeed { url: first, title: None, tags }] });
        }
        PromptKind::Import if !first.is_empty() => {
            s.info(format!("Importing {first}…"));
            fx.push(Effect::Import { path: first });
        }
        PromptKind::Search => {
            let kind = if first.is_empty() { ViewKind::All } else { ViewKind::Search(first) };
            list::switch_view(s, View { kind, unread_only: s.view.unread_only }, fx);
            list::focus(s);
        }
        PromptKind::AddFeed | PromptKind::Import => {}
    }
}

/// Keeps a submitted entry, newest first, once.
fn remember(s: &mut State, kind: PromptKind, text: &str) {
    s.history.retain(|(k, t)| !(*k == kind && t == text));
    s.history.insert(0, (kind, text.to_string()));
    s.history.truncate(HISTORY);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(text: &str, cursor: usize) -> Field {
        Field { label: "x", text: text.into(), cursor }
    }

    #[test]
    fn shell_line_editing() {
        let mut f = field("rust async runtime", 18);
        f.edit(Action::DeleteWordBack);
        assert_eq!((f.text.as_str(), f.cursor), ("rust async ", 11));
        f.edit(Action::DeleteWordBack);
        assert_eq!((f.text.as_str(), f.cursor), ("rust ", 5));
        f.edit(Action::LineStart);
        f.insert("über ");
        assert_eq!((f.text.as_str(), f.cursor), ("über rust ", 5));
        f.edit(Action::DeleteToEnd);
        assert_eq!(f.text, "über ");
        f.edit(Action::LineEnd);
        f.insert("crab");
        f.edit(Action::WordLeft);
        assert_eq!(f.cursor, 5);
        f.edit(Action::CursorLeft);
        f.edit(Action::DeleteBack);
        assert_eq!((f.text.as_str(), f.cursor), ("übe crab", 3));
        f.edit(Action::DeleteForward);
        assert_eq!(f.text, "übecrab");
        f.edit(Action::WordRight);
        assert_eq!(f.cursor, 7);
        f.edit(Action::DeleteToStart);
        assert_eq!((f.text.as_str(), f.cursor), ("", 0));
        // At the ends nothing happens, nothing panics.
        f.edit(Action::DeleteBack);
        f.edit(Action::DeleteForward);
        f.edit(Action::CursorLeft);
        assert_eq!((f.text.as_str(), f.cursor), ("", 0));
    }

    #[test]
    fn pasted_text_is_one_clean_line() {
        let mut f = field("", 0);
        f.insert("https://e.org/\n\x1b[31mfeed");
        assert!(!f.text.contains('\n') && !f.text.contains('\x1b'), "{:?}", f.text);
        assert_eq!(f.cursor, f.text.chars().count());
    }

    #[test]
    fn history_goes_back_and_returns_to_the_draft() {
        let mut p = Prompt::new(PromptKind::Search);
        p.fields[0].set("dra");
        let past = ["newest", "older"];
        p.browse(&past, true);
        assert_eq!(p.fields[0].text, "newest");
        p.browse(&past, true);
        assert_eq!(p.fields[0].text, "older");
        p.browse(&past, true);
        assert_eq!(p.fields[0].text, "older", "the oldest stays");
        p.browse(&past, false);
        p.browse(&past, false);
        assert_eq!((p.fields[0].text.as_str(), p.history_at), ("dra", None));
    }
}
