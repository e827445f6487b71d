//! Keys to actions, as data.
//!
//! The default bindings live in `default.toml` beside this file (embedded); a user's
//! `keys.toml` overrides, adds to or unbinds them, one table per [`Context`]. The rest of the
//! reader sees [`Action`]s, typed text and digits; only this module knows crossterm's key
//! types. The help overlay is generated from [`Keymap::help`].
//!
//! Lookup in a pane tries that pane's table, then `[global]`: a pane's binding, a pane's
//! longer binding starting with the keys typed so far, or a pane's `"none"` shadows `[global]`.
//! Popups are modal: the help and the message log (`[help]`), prompts (`[prompt]`) and
//! questions (`[confirm]`) look only in their own table; a key a prompt does not bind is text.

mod event;
mod file;
mod keys;
mod text;

#[cfg(test)]
mod tests;

use crossterm::event::KeyEvent;

use crate::app::action::{Action, Scope};

pub use event::key_events;
pub use file::KeymapError;
pub use keys::{Code, Key, KeyNameError, format_sequence, parse_sequence};
pub use text::{digit, is_press, typed};

/// Where keys are looked up: a pane's own table, then the global one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// Bindings that apply in every pane (`[global]`).
    Global,
    /// The article list (`[list]`).
    List,
    /// The article being read (`[article]`).
    Article,
    /// The "read also" list of related articles (`[related]`).
    Related,
    /// The sidebar of views, tags and feeds (`[sidebar]`).
    Sidebar,
    /// The help and the message log (`[help]`).
    Help,
    /// A text prompt (`[prompt]`): keys it does not bind are typed.
    Prompt,
    /// A yes/no question (`[confirm]`).
    Confirm,
    /// The link hints (`[hints]`): keys it does not bind type a hint's letters.
    Hints,
}

impl Context {
    /// Every context, in help order (global first).
    pub const ALL: [Context; 9] = [
        Context::Global,
        Context::List,
        Context::Article,
        Context::Related,
        Context::Sidebar,
        Context::Help,
        Context::Prompt,
        Context::Confirm,
        Context::Hints,
    ];

    /// The table name in keymap files.
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::List => "list",
            Context::Article => "article",
            Context::Related => "related",
            Context::Sidebar => "sidebar",
            Context::Help => "help",
            Context::Prompt => "prompt",
            Context::Confirm => "confirm",
            Context::Hints => "hints",
        }
    }

    /// The actions that can be bound in this context.
    pub fn scope(self) -> Scope {
        match self {
            Context::Global | Context::List | Context::Article | Context::Related | Context::Sidebar => {
                Scope::PANES
            }
            Context::Help => Scope::HELP,
            Context::Prompt => Scope::PROMPT,
            Context::Confirm => Scope::CONFIRM,
            Context::Hints => Scope::HINTS,
        }
    }

    /// Whether the context belongs to a popup (no `[global]` fallback).
    pub fn is_modal(self) -> bool {
        matches!(self, Context::Help | Context::Prompt | Context::Confirm | Context::Hints)
    }

    /// The position of the context's table in [`Keymap`].
    fn index(self) -> usize {
        self as usize
    }
}

/// What a key press means, given the keys already pending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The keys so far are a complete binding: run this action (and clear the pending keys).
    Action(Action),
    /// The keys so far start a longer binding: keep them pending and wait for the next key.
    Pending,
    /// Nothing is bound to these keys. Drop the pending keys; if there were any, look the new
    /// key up alone (so `g j` still runs `j`).
    Unbound,
}

/// One line of the help overlay: an action and every key that runs it in a context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpEntry {
    /// The table the bindings come from.
    pub context: Context,
    /// The display forms of the keys (`g g`, `Home`), in file order.
    pub keys: Vec<String>,
    /// What the keys run.
    pub action: Action,
    /// The description of the first of these bindings.
    pub desc: String,
}

/// Which file a binding was written in, for error messages. Ordered: user entries come last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Origin {
    /// The embedded defaults.
    Default,
    /// The user's keymap file.
    User,
}

/// One key sequence in one table.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Binding {
    /// The keys, normalised.
    keys: Vec<Key>,
    /// What they run; `None` when the user unbound them with `"none"`.
    action: Option<Action>,
    /// The help text.
    desc: String,
    /// The key as written in its file, for error messages.
    written: String,
    /// Which file it came from.
    origin: Origin,
    /// Its 1-based line in that file.
    line: usize,
}

/// Every binding of every context: the defaults with the user's file applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keymap {
    /// One table per context, indexed by [`Context::index`], in file order.
    tables: [Vec<Binding>; 9],
}

impl Keymap {
    /// The built-in keys (`default.toml`).
    pub fn defaults() -> Keymap {
        file::defaults()
    }

    /// Defaults plus `path` (a missing file is the defaults). Errors name the file, the line
    /// and the key: ``/x/keys.toml:4: list."ctrl-q": unknown action `quitt` ``.
    pub fn load(path: &std::path::Path) -> Result<Keymap, KeymapError> {
        file::load(path)
    }

    /// Defaults plus the text of a keymap file; `path` only names it in errors.
    pub fn from_toml(text: &str, path: &std::path::Path) -> Result<Keymap, KeymapError> {
        file::apply(Keymap::defaults(), text, path)
    }

    /// What `pending` followed by `key` means in `context` (see [`Lookup`]). Keys no keymap
    /// can name (media keys, lone modifiers) are `Unbound`.
    pub fn lookup(&self, context: Context, pending: &[KeyEvent], key: KeyEvent) -> Lookup {
        let keys: Option<Vec<Key>> = pending.iter().chain([&key]).map(Key::from_event).collect();
        match keys {
            Some(keys) => self.resolve(context, &keys),
            None => Lookup::Unbound,
        }
    }

    /// Handles one press with the pending keys kept by the caller: runs [`Keymap::lookup`],
    /// keeps `key` pending when it starts a longer binding, and when `pending + key` is
    /// unbound, drops the pending keys and tries `key` alone (so `g j` runs `j`). Returns the
    /// action to run, if any; `pending` is empty afterwards unless a sequence is under way.
    pub fn press(&self, context: Context, pending: &mut Vec<KeyEvent>, key: KeyEvent) -> Option<Action> {
        match self.lookup(context, pending, key) {
            Lookup::Action(action) => {
                pending.clear();
                Some(action)
            }
            Lookup::Pending => {
                pending.push(key);
                None
            }
            Lookup::Unbound if pending.is_empty() => None,
            Lookup::Unbound => {
                pending.clear();
                self.press(context, pending, key)
            }
        }
    }

    /// Every binding, grouped for the help overlay (global first, then each pane's own
    /// bindings), each action once per context with all its keys, actions in
    /// [`Action::ALL`] order. Unbound (`"none"`) entries are left out.
    pub fn help(&self) -> Vec<HelpEntry> {
        let mut entries = Vec::new();
        for context in Context::ALL {
            let table = self.table(context);
            for &action in Action::ALL {
                let mut bound = table.iter().filter(|b| b.action == Some(action));
                let Some(first) = bound.next() else { continue };
                let desc = first.desc.clone();
                let keys = std::iter::once(first).chain(bound).map(|b| format_sequence(&b.keys)).collect();
                entries.push(HelpEntry { context, keys, action, desc });
            }
        }
        entries
    }

    /// The display forms of the keys that run `action` in `context`: the pane's own bindings,
    /// then the global ones the pane does not shadow. For status-line hints.
    pub fn keys_for(&self, context: Context, action: Action) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        for ctx in Keymap::search_order(context) {
            for binding in self.table(*ctx) {
                if binding.action == Some(action) && self.reachable(context, &binding.keys, action) {
                    let shown = format_sequence(&binding.keys);
                    if !found.contains(&shown) {
                        found.push(shown);
                    }
                }
            }
        }
        found
    }

    /// The tables tried for `context`, in order.
    fn search_order(context: Context) -> &'static [Context] {
        match context {
            Context::Global => &[Context::Global],
            Context::List => &[Context::List, Context::Global],
            Context::Article => &[Context::Article, Context::Global],
            Context::Related => &[Context::Related, Context::Global],
            Context::Sidebar => &[Context::Sidebar, Context::Global],
            Context::Help => &[Context::Help],
            Context::Prompt => &[Context::Prompt],
            Context::Confirm => &[Context::Confirm],
            Context::Hints => &[Context::Hints],
        }
    }

    /// What a normalised key sequence means in `context`.
    fn resolve(&self, context: Context, keys: &[Key]) -> Lookup {
        for ctx in Keymap::search_order(context) {
            let table = self.table(*ctx);
            let exact = table.iter().find(|b| b.keys == keys);
            if let Some(Binding { action: Some(action), .. }) = exact {
                return Lookup::Action(*action);
            }
            let starts_longer =
                |b: &Binding| b.action.is_some() && b.keys.len() > keys.len() && b.keys.starts_with(keys);
            if table.iter().any(starts_longer) {
                return Lookup::Pending;
            }
            if exact.is_some() {
                // Unbound here with "none": the global binding is shadowed too.
                return Lookup::Unbound;
            }
        }
        Lookup::Unbound
    }

    /// Whether typing `keys` in `context` runs `action`: each shorter part waits for more.
    fn reachable(&self, context: Context, keys: &[Key], action: Action) -> bool {
        (1..keys.len()).all(|n| self.resolve(context, &keys[..n]) == Lookup::Pending)
            && self.resolve(context, keys) == Lookup::Action(action)
    }

    /// The bindings written in one context's table.
    fn table(&self, context: Context) -> &[Binding] {
        &self.tables[context.index()]
    }

    /// The bindings of one context's table, for loading.
    fn table_mut(&mut self, context: Context) -> &mut Vec<Binding> {
        &mut self.tables[context.index()]
    }
}
