//! Behaviour of the keymap: defaults, lookup, user files, errors, help.

use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers as M};

use super::*;

/// The documented default keys and what they run.
const DEFAULT_KEYS: &[(&str, Action)] = &[
    ("j", Action::Down),
    ("down", Action::Down),
    ("k", Action::Up),
    ("up", Action::Up),
    ("g g", Action::First),
    ("home", Action::First),
    ("G", Action::Last),
    ("end", Action::Last),
    ("ctrl-d", Action::HalfPageDown),
    ("ctrl-u", Action::HalfPageUp),
    ("pgdn", Action::PageDown),
    ("pgup", Action::PageUp),
    ("tab", Action::NextPane),
    ("shift-tab", Action::PrevPane),
    ("h", Action::PaneLeft),
    ("left", Action::PaneLeft),
    ("l", Action::PaneRight),
    ("right", Action::PaneRight),
    ("enter", Action::Open),
    ("space", Action::ReadOn),
    ("n", Action::NextUnread),
    ("N", Action::PrevUnread),
    ("o", Action::OpenInBrowser),
    ("y", Action::CopyLink),
    ("F", Action::FullText),
    ("f", Action::LinkHints),
    ("p", Action::PlayEnclosure),
    ("m", Action::ToggleRead),
    ("s", Action::ToggleStar),
    ("A", Action::MarkViewRead),
    ("U", Action::Undo),
    ("r", Action::RefreshFeed),
    ("R", Action::RefreshAll),
    ("/", Action::Search),
    ("u", Action::ToggleUnreadOnly),
    ("c", Action::ToggleStories),
    ("T", Action::TopStories),
    ("+", Action::SaveSearch),
    ("a", Action::AddFeed),
    ("i", Action::Import),
    ("S", Action::StarterFeeds),
    ("b", Action::ToggleSidebar),
    ("?", Action::Help),
    ("M", Action::Messages),
    ("q", Action::Back),
    ("esc", Action::Cancel),
    ("backspace", Action::ToList),
    ("ctrl-c", Action::Quit),
    ("Q", Action::Quit),
];

/// The contexts of the panes (the popups' contexts are modal).
fn panes() -> impl Iterator<Item = Context> {
    Context::ALL.into_iter().filter(|c| !c.is_modal())
}

/// What typing `keys` (a sequence such as `"g g"`) means: the last key looked up with the
/// others pending.
fn typed(keymap: &Keymap, context: Context, keys: &str) -> Lookup {
    let mut events = key_events(keys).unwrap();
    let last = events.pop().unwrap();
    keymap.lookup(context, &events, last)
}

fn user(text: &str) -> Keymap {
    Keymap::from_toml(text, Path::new("/x/keys.toml")).unwrap_or_else(|e| panic!("{e}"))
}

fn error(text: &str) -> String {
    Keymap::from_toml(text, Path::new("/x/keys.toml")).unwrap_err().to_string()
}

#[test]
fn every_default_key_runs_its_action_in_every_pane() {
    let keymap = Keymap::defaults();
    for context in panes() {
        for (keys, action) in DEFAULT_KEYS {
            assert_eq!(typed(&keymap, context, keys), Lookup::Action(*action), "{keys:?} in {context:?}");
        }
    }
}

#[test]
fn digits_are_not_bound() {
    let keymap = Keymap::defaults();
    for context in Context::ALL {
        for d in '0'..='9' {
            let key = KeyEvent::new(KeyCode::Char(d), M::NONE);
            assert_eq!(keymap.lookup(context, &[], key), Lookup::Unbound);
        }
    }
}

#[test]
fn terminal_events_match_their_names() {
    let keymap = Keymap::defaults();
    let look = |code, mods| keymap.lookup(Context::List, &[], KeyEvent::new(code, mods));
    assert_eq!(look(KeyCode::Char('G'), M::SHIFT), Lookup::Action(Action::Last));
    assert_eq!(look(KeyCode::Char('G'), M::NONE), Lookup::Action(Action::Last));
    assert_eq!(look(KeyCode::Char('g'), M::NONE), Lookup::Pending);
    assert_eq!(look(KeyCode::BackTab, M::SHIFT), Lookup::Action(Action::PrevPane));
    assert_eq!(look(KeyCode::BackTab, M::NONE), Lookup::Action(Action::PrevPane));
    assert_eq!(look(KeyCode::Tab, M::NONE), Lookup::Action(Action::NextPane));
    assert_eq!(look(KeyCode::Char('d'), M::CONTROL), Lookup::Action(Action::HalfPageDown));
    assert_eq!(look(KeyCode::Char('d'), M::NONE), Lookup::Unbound);
    assert_eq!(look(KeyCode::Char(' '), M::NONE), Lookup::Action(Action::ReadOn));
    assert_eq!(look(KeyCode::Char('?'), M::SHIFT), Lookup::Action(Action::Help));
    assert_eq!(look(KeyCode::Char('j'), M::ALT), Lookup::Unbound);
    assert_eq!(look(KeyCode::CapsLock, M::NONE), Lookup::Unbound);
}

#[test]
fn sequences_wait_then_run_or_fall_through() {
    let keymap = Keymap::defaults();
    let g = KeyEvent::new(KeyCode::Char('g'), M::NONE);
    let j = KeyEvent::new(KeyCode::Char('j'), M::NONE);
    assert_eq!(keymap.lookup(Context::Article, &[], g), Lookup::Pending);
    assert_eq!(keymap.lookup(Context::Article, &[g], g), Lookup::Action(Action::First));
    // `g j` is no binding; the caller drops `g` and looks `j` up alone.
    assert_eq!(keymap.lookup(Context::Article, &[g], j), Lookup::Unbound);
    assert_eq!(keymap.lookup(Context::Article, &[], j), Lookup::Action(Action::Down));
    assert_eq!(typed(&keymap, Context::List, "g g g"), Lookup::Unbound);
}

#[test]
fn press_keeps_and_drops_pending_keys() {
    let keymap = Keymap::defaults();
    let mut pending = Vec::new();
    let mut press = |keys: &str| {
        let key = key_events(keys).unwrap()[0];
        keymap.press(Context::List, &mut pending, key)
    };
    assert_eq!(press("g"), None);
    assert_eq!(press("g"), Some(Action::First));
    assert_eq!(press("g"), None);
    assert_eq!(press("j"), Some(Action::Down), "`g j` runs `j`");
    assert_eq!(press("g"), None);
    assert_eq!(press("5"), None);
    assert_eq!(press("g"), None, "the digit dropped the pending `g`");
    assert_eq!(press("G"), Some(Action::Last));
    assert_eq!(press("d"), None);
    assert!(pending.is_empty());
}

#[test]
fn a_pane_table_is_tried_before_global() {
    let keymap = user("[list]\n\"j\" = \"open\"\n\"z z\" = \"toggle_star\"\n");
    assert_eq!(typed(&keymap, Context::List, "j"), Lookup::Action(Action::Open));
    assert_eq!(typed(&keymap, Context::Article, "j"), Lookup::Action(Action::Down));
    assert_eq!(typed(&keymap, Context::Global, "j"), Lookup::Action(Action::Down));
    assert_eq!(typed(&keymap, Context::List, "z"), Lookup::Pending);
    assert_eq!(typed(&keymap, Context::List, "z z"), Lookup::Action(Action::ToggleStar));
    assert_eq!(typed(&keymap, Context::Article, "z"), Lookup::Unbound);
    // Global sequences still work in the pane beside its own.
    assert_eq!(typed(&keymap, Context::List, "g g"), Lookup::Action(Action::First));
    assert_eq!(keymap.keys_for(Context::List, Action::Down), ["Down"]);
    assert_eq!(keymap.keys_for(Context::List, Action::Open), ["j", "Enter"]);
    assert_eq!(keymap.keys_for(Context::Article, Action::Down), ["j", "Down"]);
}

#[test]
fn a_pane_binding_shadows_a_global_sequence() {
    let keymap = user("[article]\n\"g\" = \"toggle_star\"\n");
    assert_eq!(typed(&keymap, Context::Article, "g"), Lookup::Action(Action::ToggleStar));
    assert_eq!(keymap.keys_for(Context::Article, Action::First), ["Home"]);
    assert_eq!(keymap.keys_for(Context::List, Action::First), ["g g", "Home"]);
}

#[test]
fn user_entries_override_add_and_unbind() {
    let keymap = user(concat!(
        "[global]\n",
        "\"q\" = \"quit\"\n",
        "\"x\" = { run = \"toggle_star\", desc = \"Star it\" }\n",
        "\"s\" = \"none\"\n",
        "[article]\n",
        "\"m\" = \"none\"\n",
    ));
    for context in panes() {
        assert_eq!(typed(&keymap, context, "q"), Lookup::Action(Action::Quit));
        assert_eq!(typed(&keymap, context, "x"), Lookup::Action(Action::ToggleStar));
        assert_eq!(typed(&keymap, context, "s"), Lookup::Unbound);
        assert_eq!(typed(&keymap, context, "j"), Lookup::Action(Action::Down), "defaults stay");
    }
    assert_eq!(typed(&keymap, Context::Article, "m"), Lookup::Unbound);
    assert_eq!(typed(&keymap, Context::List, "m"), Lookup::Action(Action::ToggleRead));
    assert_eq!(keymap.keys_for(Context::Global, Action::ToggleStar), ["x"]);
    assert_eq!(keymap.keys_for(Context::Article, Action::ToggleRead), Vec::<String>::new());
    assert_eq!(keymap.keys_for(Context::Global, Action::Back), Vec::<String>::new());
    assert_eq!(keymap.keys_for(Context::Global, Action::Quit), ["q", "Ctrl-c", "Q"]);
    let help = keymap.help();
    let star = help.iter().find(|e| e.action == Action::ToggleStar).unwrap();
    assert_eq!((star.keys.clone(), star.desc.as_str()), (vec!["x".to_string()], "Star it"));
    assert!(help.iter().all(|e| e.action != Action::Back));
}

#[test]
fn shorthand_takes_the_actions_own_description() {
    let keymap = user("[global]\n\"?\" = \"help\"\n\"F1\" = { run = \"help\", desc = \"\" }\n");
    let help = keymap.help();
    let entry = help.iter().find(|e| e.action == Action::Help).unwrap();
    assert_eq!(entry.desc, Action::Help.describe());
    assert_eq!(entry.keys, ["?", "F1"]);
}

#[test]
fn unbinding_a_default_sequence_frees_its_prefix() {
    let keymap = user("[global]\n\"g\" = \"first\"\n\"g g\" = \"none\"\n");
    assert_eq!(typed(&keymap, Context::List, "g"), Lookup::Action(Action::First));
    let keymap = user("[list]\n\"g g\" = \"none\"\n");
    assert_eq!(typed(&keymap, Context::List, "g g"), Lookup::Unbound);
    assert_eq!(typed(&keymap, Context::Article, "g g"), Lookup::Action(Action::First));
}

#[test]
fn errors_name_file_line_and_key() {
    let cases = [
        ("[list]\n\n\n\"ctrl-q\" = \"quitt\"\n", "/x/keys.toml:4: list.\"ctrl-q\": unknown action `quitt`"),
        ("[global]\n\"ctlr-q\" = \"quit\"\n", "/x/keys.toml:2: global.\"ctlr-q\": unknown key name `ctlr-q`"),
        ("[global]\n\"j k\" = \"down\"\n\"\" = \"up\"\n", "/x/keys.toml:3: global.\"\": empty key name"),
        ("# keys\n[lsit]\n\"j\" = \"down\"\n", "/x/keys.toml:2: lsit: unknown field `lsit`"),
        ("\"j\" = \"down\"\n", "/x/keys.toml:1: j: unknown field `j`, expected one of `global`"),
        (
            "[list]\n\"j\" = { run = \"down\", descr = \"x\" }\n",
            "/x/keys.toml:2: list.\"j\": unknown field `descr`",
        ),
        ("[list]\n\"j\" = { desc = \"x\" }\n", "/x/keys.toml:2: list.\"j\": missing `run`"),
        ("[list]\n\"j\" = 3\n", "/x/keys.toml:2: list.\"j\": expected an action name"),
        ("[list]\n\"j\" = { run = 3 }\n", "/x/keys.toml:2: list.\"j\": `run` must be"),
        ("global = 3\n", "/x/keys.toml:1: global: "),
        ("[list]\nj = \"down\"\n\"k\" = { run = \"up\"\n", "/x/keys.toml:3: list.\"k\": "),
        ("[list]\n\"j\" = \"down\"\n\"j\" = \"up\"\n", "/x/keys.toml:3: list.\"j\": "),
        (
            "[global]\n\"space\" = \"open\"\n\" \" = \"down\"\n",
            "/x/keys.toml:3: global.\" \": the same key as global.\"space\"",
        ),
        ("[global]\n\"shift-n\" = \"open\"\n", ""),
    ];
    for (text, expected) in cases {
        if expected.is_empty() {
            user(text);
            continue;
        }
        let err = error(text);
        assert!(err.starts_with(expected), "{text:?}\n got: {err}\nwant: {expected}");
        assert!(!err.contains('\n'), "one line: {err}");
    }
}

#[test]
fn prefix_conflicts_name_both_bindings() {
    let err = error("[global]\n# comment\n\"g\" = \"first\"\n");
    assert!(
        err.starts_with(
            "/x/keys.toml:3: global.\"g\": is also the start of global.\"g g\" (a default binding)"
        ),
        "{err}"
    );
    let err = error("[list]\n\"z z\" = \"up\"\n\"z\" = \"down\"\n");
    assert!(
        err.starts_with("/x/keys.toml:3: list.\"z\": is also the start of list.\"z z\" (line 2)"),
        "{err}"
    );
    let err = error("[list]\n\"z\" = \"down\"\n\"z z\" = \"up\"\n");
    assert!(err.starts_with("/x/keys.toml:3: list.\"z z\": starts with list.\"z\" (line 2)"), "{err}");
    assert!(err.contains("\"none\""), "says how to fix it: {err}");
    // Across tables a pane simply shadows global: no error.
    user("[list]\n\"g\" = \"toggle_star\"\n");
}

#[test]
fn missing_file_is_the_defaults_and_files_are_read() {
    let missing = Keymap::load(Path::new("/nonexistent/tidings/keys.toml")).unwrap();
    assert_eq!(missing, Keymap::defaults());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.toml");
    std::fs::write(&path, "[sidebar]\n\"x\" = \"open\"\n").unwrap();
    let keymap = Keymap::load(&path).unwrap();
    assert_eq!(typed(&keymap, Context::Sidebar, "x"), Lookup::Action(Action::Open));
    std::fs::write(&path, "[sidebar]\n\"x\" = \"opne\"\n").unwrap();
    let err = Keymap::load(&path).unwrap_err().to_string();
    assert_eq!(err, format!("{}:2: sidebar.\"x\": unknown action `opne`", path.display()));
    let err = Keymap::load(dir.path()).unwrap_err();
    assert!(matches!(err, KeymapError::Read { .. }), "{err}");
    assert_eq!(user(""), Keymap::defaults());
}

#[test]
fn help_lists_every_default_binding_once_per_action() {
    let keymap = Keymap::defaults();
    let help = keymap.help();
    assert_eq!(help.first().map(|e| e.context), Some(Context::Global));
    for (keys, action) in DEFAULT_KEYS {
        let shown = format_sequence(&parse_sequence(keys).unwrap());
        let entry = help.iter().find(|e| e.action == *action).unwrap();
        assert!(entry.keys.contains(&shown), "{shown} missing from {entry:?}");
    }
    let listed: usize = help.iter().filter(|e| e.context == Context::Global).map(|e| e.keys.len()).sum();
    assert_eq!(listed, DEFAULT_KEYS.len(), "no extra default bindings");
    for (i, entry) in help.iter().enumerate() {
        assert!(!entry.desc.trim().is_empty(), "{entry:?}");
        let twice = help[..i].iter().any(|e| e.context == entry.context && e.action == entry.action);
        assert!(!twice, "{entry:?} listed twice");
    }
    let first = help.iter().find(|e| e.action == Action::First).unwrap();
    assert_eq!(first.keys, ["g g", "Home"]);
    let pgdn = help.iter().find(|e| e.action == Action::PageDown).unwrap();
    assert_eq!(pgdn.keys, ["PgDn"]);
}

#[test]
fn help_groups_pane_tables_after_global() {
    let keymap = user("[article]\n\"J\" = \"down\"\n\"K\" = \"up\"\n[list]\n\"x\" = \"open\"\n");
    let contexts: Vec<Context> = keymap.help().iter().map(|e| e.context).collect();
    let mut sorted = contexts.clone();
    sorted.sort();
    assert_eq!(contexts, sorted);
    let article: Vec<(Action, Vec<String>)> = keymap
        .help()
        .into_iter()
        .filter(|e| e.context == Context::Article)
        .map(|e| (e.action, e.keys))
        .collect();
    assert_eq!(article, [(Action::Down, vec!["J".to_string()]), (Action::Up, vec!["K".to_string()])]);
}

#[test]
fn keys_for_gives_display_forms() {
    let keymap = Keymap::defaults();
    assert_eq!(keymap.keys_for(Context::Global, Action::First), ["g g", "Home"]);
    assert_eq!(keymap.keys_for(Context::Article, Action::HalfPageDown), ["Ctrl-d"]);
    assert_eq!(keymap.keys_for(Context::Related, Action::PrevPane), ["Shift-Tab"]);
    assert_eq!(keymap.keys_for(Context::List, Action::ReadOn), ["Space"]);
    assert_eq!(keymap.keys_for(Context::Sidebar, Action::Quit), ["Ctrl-c", "Q"]);
}

#[test]
fn popups_look_only_in_their_own_table() {
    let keymap = Keymap::defaults();
    // In a prompt, letters are not bound (they are typed); editing keys are.
    for keys in ["q", "j", "G", "?", "space", "1"] {
        assert_eq!(typed(&keymap, Context::Prompt, keys), Lookup::Unbound, "{keys}");
    }
    for (keys, action) in [
        ("ctrl-u", Action::DeleteToStart),
        ("ctrl-w", Action::DeleteWordBack),
        ("ctrl-a", Action::LineStart),
        ("ctrl-e", Action::LineEnd),
        ("left", Action::CursorLeft),
        ("right", Action::CursorRight),
        ("home", Action::LineStart),
        ("end", Action::LineEnd),
        ("up", Action::HistoryPrev),
        ("tab", Action::NextField),
        ("enter", Action::Submit),
        ("esc", Action::Cancel),
    ] {
        assert_eq!(typed(&keymap, Context::Prompt, keys), Lookup::Action(action), "{keys}");
    }
    // The help scrolls with j and closes with q; a question answers y or n, nothing else.
    assert_eq!(typed(&keymap, Context::Help, "j"), Lookup::Action(Action::Down));
    assert_eq!(typed(&keymap, Context::Help, "q"), Lookup::Action(Action::Cancel));
    assert_eq!(typed(&keymap, Context::Help, "s"), Lookup::Unbound, "no pane action in the help");
    assert_eq!(typed(&keymap, Context::Confirm, "y"), Lookup::Action(Action::Yes));
    assert_eq!(typed(&keymap, Context::Confirm, "n"), Lookup::Action(Action::Cancel));
    assert_eq!(typed(&keymap, Context::Confirm, "enter"), Lookup::Unbound, "a yes takes a y");
    // Every popup can be closed and every one can quit.
    for context in [Context::Help, Context::Prompt, Context::Confirm] {
        assert!(!keymap.keys_for(context, Action::Cancel).is_empty(), "{context:?}");
    }
    assert_eq!(keymap.keys_for(Context::Sidebar, Action::Unsubscribe), ["d"]);
}

#[test]
fn an_action_bound_where_it_means_nothing_is_an_error() {
    let e = error("[prompt]\n\"x\" = \"toggle_star\"\n");
    assert!(e.contains("/x/keys.toml:2: prompt.\"x\": `toggle_star` does nothing in [prompt]"), "{e}");
    let e = error("[list]\n\"ctrl-w\" = \"delete_word_back\"\n");
    assert!(e.contains("does nothing in [list]"), "{e}");
    let keymap = user("[prompt]\n\"ctrl-x\" = \"delete_to_end\"\n[help]\n\"x\" = \"cancel\"\n");
    assert_eq!(typed(&keymap, Context::Prompt, "ctrl-x"), Lookup::Action(Action::DeleteToEnd));
    assert_eq!(typed(&keymap, Context::Help, "x"), Lookup::Action(Action::Cancel));
}

#[test]
fn keys_and_actions_echoed_in_errors_are_clean() {
    for text in [
        "[list]\n\"\\u001b]0;pwned\\u0007\" = \"quit\"\n",
        "[list]\n\"q\" = \"\\u001b[2Jquit\\u202e\"\n",
        "[list\u{1b}]0;pwned\u{7}]\n",
    ] {
        let err = error(text);
        assert!(
            err.starts_with("/x/keys.toml:") && !err.contains(['\u{1b}', '\u{7}', '\u{202e}']),
            "{err:?}"
        );
    }
}
