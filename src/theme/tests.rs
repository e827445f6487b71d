//! Behaviour of the theme module: the shipped themes, degradation, NO_COLOR, user files, errors.

use std::path::Path;

use ratatui::style::{Color, Modifier, Style};

use super::color::is_ansi;
use super::{BUILTINS, ColorDepth, Slot, Theme, ThemeError, builtin_source};

const DEPTHS: [ColorDepth; 3] = [ColorDepth::TrueColor, ColorDepth::Palette256, ColorDepth::Basic16];

/// Selection slots and the unselected slots they stand out from.
const SELECTIONS: [(Slot, Slot); 4] = [
    (Slot::ListSelected, Slot::ListItem),
    (Slot::ListSelectedUnfocused, Slot::ListItem),
    (Slot::SidebarSelected, Slot::SidebarItem),
    (Slot::RelatedSelected, Slot::RelatedItem),
];

/// Every builtin at every depth, with and without colour, loaded from an empty config dir.
fn every_variant() -> Vec<(String, Theme)> {
    let empty = tempfile::tempdir().expect("tempdir");
    let mut out = Vec::new();
    for name in Theme::names() {
        for depth in DEPTHS {
            for no_color in [false, true] {
                let theme = Theme::load(name, empty.path(), depth, no_color).expect(name);
                out.push((format!("{name} {depth:?} no_color={no_color}"), theme));
            }
        }
    }
    out
}

/// Writes `<dir>/themes/<name>.toml`.
fn write_theme(dir: &Path, name: &str, text: &str) {
    std::fs::create_dir_all(dir.join("themes")).expect("mkdir");
    std::fs::write(dir.join("themes").join(format!("{name}.toml")), text).expect("write");
}

/// The error a user theme file `mine.toml` containing `text` gives.
fn error_for(text: &str) -> (String, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    write_theme(dir.path(), "mine", text);
    let err = Theme::load("mine", dir.path(), ColorDepth::TrueColor, false).expect_err("should fail");
    assert!(matches!(err, ThemeError::Invalid { .. }), "{err:?}");
    let file = dir.path().join("themes/mine.toml");
    (err.to_string(), file)
}

#[test]
fn builtin_list_matches_the_embedded_files() {
    let embedded: Vec<&str> = BUILTINS.iter().map(|(n, _)| *n).collect();
    assert_eq!(Theme::names(), embedded.as_slice());
    assert_eq!(Theme::names(), ["default", "light", "high-contrast", "solarized-dark", "gruvbox", "ssh-16"]);
    for name in Theme::names() {
        let theme = Theme::builtin(name).expect(name);
        assert_eq!(theme.name(), *name);
    }
    assert!(Theme::builtin("nope").is_none());
}

#[test]
fn every_builtin_defines_every_slot_explicitly() {
    for name in Theme::names() {
        let source = builtin_source(name).expect("builtin").expect("parses");
        let missing: Vec<&str> =
            Slot::ALL.iter().filter(|s| !source.defines(**s)).map(|s| s.name()).collect();
        assert!(missing.is_empty(), "{name} leaves out {missing:?}");
    }
}

#[test]
fn every_slot_of_every_builtin_resolves_at_every_depth() {
    for (label, theme) in every_variant() {
        for slot in Slot::ALL {
            let style = theme.style(*slot);
            for color in [style.fg, style.bg].into_iter().flatten() {
                assert!(!matches!(color, Color::Rgb(..)) || label.contains("TrueColor"), "{label} {slot}");
                assert!(!matches!(color, Color::Indexed(_)) || !label.contains("Basic16"), "{label} {slot}");
            }
        }
    }
    // The colour themes paint the whole screen; ssh-16 keeps the terminal's own colours.
    for name in ["default", "light", "high-contrast", "solarized-dark", "gruvbox"] {
        let base = Theme::builtin(name).expect(name).style(Slot::Base);
        assert!(base.fg.is_some() && base.bg.is_some(), "{name}");
    }
}

#[test]
fn ssh_16_uses_only_ansi_colours_at_every_depth() {
    let empty = tempfile::tempdir().expect("tempdir");
    for depth in DEPTHS {
        let theme = Theme::load("ssh-16", empty.path(), depth, false).expect("ssh-16");
        assert_eq!(theme, Theme::builtin("ssh-16").expect("builtin"), "{depth:?} changed colours");
        for slot in Slot::ALL {
            let style = theme.style(*slot);
            for color in [style.fg, style.bg].into_iter().flatten() {
                assert!(is_ansi(color), "{slot}: {color:?}");
            }
        }
    }
}

#[test]
fn selections_stand_out_in_every_theme_and_mode() {
    for (label, theme) in every_variant() {
        let base_bg = theme.style(Slot::Base).bg;
        let reversed = |s: Style| s.add_modifier.contains(Modifier::REVERSED);
        for (selected, plain) in SELECTIONS {
            let (sel, item) = (theme.style(selected), theme.style(plain));
            let different_bg = sel.bg.or(base_bg) != item.bg.or(base_bg);
            assert!(different_bg || reversed(sel) != reversed(item), "{label}: {selected} vs {plain}");
        }
        if !label.contains("no_color=true") {
            let (focused, unfocused) =
                (theme.style(Slot::ListSelected), theme.style(Slot::ListSelectedUnfocused));
            assert_ne!(focused.bg, unfocused.bg, "{label}: focus is invisible in the list");
            assert_ne!(theme.style(Slot::Border), theme.style(Slot::BorderFocused), "{label}");
        }
    }
}

#[test]
fn unread_and_read_items_differ_in_every_theme_and_mode() {
    for (label, theme) in every_variant() {
        assert_ne!(theme.style(Slot::ListUnread), theme.style(Slot::ListRead), "{label}");
        assert_ne!(theme.style(Slot::ArticleText), theme.style(Slot::ArticleLink), "{label}");
    }
}

#[test]
fn degraded_themes_keep_text_apart_from_its_background() {
    for (label, theme) in every_variant() {
        let base = theme.style(Slot::Base);
        for slot in Slot::ALL {
            let style = theme.style(*slot);
            let under = style.bg.or(base.bg);
            assert!(style.fg.is_none() || style.fg != under, "{label} {slot}: {style:?}");
            if *slot != Slot::Base && style.bg.is_some() && under.is_some() {
                assert_ne!(style.bg, base.bg, "{label} {slot}: background vanished");
            }
        }
    }
}

#[test]
fn degradation_of_a_whole_theme() {
    let empty = tempfile::tempdir().expect("tempdir");
    let at = |depth| Theme::load("gruvbox", empty.path(), depth, false).expect("gruvbox");
    // #282828 is grey 235 on the ramp; #fabd2f (yellow) is cube 214; #fb4934 (red) is cube 203.
    assert_eq!(at(ColorDepth::Palette256).style(Slot::Base).bg, Some(Color::Indexed(235)));
    assert_eq!(at(ColorDepth::Palette256).style(Slot::BorderFocused).fg, Some(Color::Indexed(214)));
    assert_eq!(at(ColorDepth::Palette256).style(Slot::SidebarError).fg, Some(Color::Indexed(203)));
    assert_eq!(at(ColorDepth::Basic16).style(Slot::Base).bg, Some(Color::Black));
    assert_eq!(at(ColorDepth::Basic16).style(Slot::BorderFocused).fg, Some(Color::LightYellow));
    // Modifiers survive degradation.
    assert!(at(ColorDepth::Basic16).style(Slot::ListUnread).add_modifier.contains(Modifier::BOLD));
}

#[test]
fn no_color_removes_colours_and_reverses_selections() {
    let empty = tempfile::tempdir().expect("tempdir");
    for name in Theme::names() {
        for depth in DEPTHS {
            let theme = Theme::load(name, empty.path(), depth, true).expect(name);
            for slot in Slot::ALL {
                let style = theme.style(*slot);
                assert_eq!((style.fg, style.bg), (None, None), "{name} {slot}");
            }
            for (selected, _) in SELECTIONS {
                assert!(theme.style(selected).add_modifier.contains(Modifier::REVERSED), "{name} {selected}");
            }
            assert!(!theme.style(Slot::Base).add_modifier.contains(Modifier::REVERSED), "{name}");
            let colour = Theme::builtin(name).expect(name);
            assert_eq!(
                theme.style(Slot::ListUnread).add_modifier,
                colour.style(Slot::ListUnread).add_modifier,
                "{name}: modifiers kept"
            );
        }
    }
}

#[test]
fn user_file_replaces_some_slots_and_inherits_the_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_theme(
        dir.path(),
        "gruvbox",
        r##"
[palette]
yellow = "#ffcc00"
pink = "#ff00aa"

[slots]
"article.link" = { fg = "pink", underline = true }
"list.item.read" = { fg = "#808080", italic = true, bold = false }
"##,
    );
    let mine = Theme::load("gruvbox", dir.path(), ColorDepth::TrueColor, false).expect("loads");
    let shipped = Theme::builtin("gruvbox").expect("builtin");
    assert_eq!((mine.name(), mine.display_name()), ("gruvbox", "gruvbox"));
    let link = mine.style(Slot::ArticleLink);
    assert_eq!(link.fg, Some(Color::Rgb(0xff, 0, 0xaa)));
    assert!(link.add_modifier.contains(Modifier::UNDERLINED));
    let read = mine.style(Slot::ListRead);
    assert_eq!(read.fg, Some(Color::Rgb(128, 128, 128)));
    assert!(read.add_modifier.contains(Modifier::ITALIC));
    assert!(read.sub_modifier.contains(Modifier::BOLD), "`bold = false` removes bold when patched");
    // Inherited slots are the builtin's, but see the user's palette: yellow is re-tinted.
    assert_eq!(mine.style(Slot::ArticleText), shipped.style(Slot::ArticleText));
    assert_eq!(mine.style(Slot::ListUnread), shipped.style(Slot::ListUnread));
    assert_eq!(mine.style(Slot::BorderFocused).fg, Some(Color::Rgb(0xff, 0xcc, 0)));
    assert_eq!(shipped.style(Slot::BorderFocused).fg, Some(Color::Rgb(0xfa, 0xbd, 0x2f)));
}

#[test]
fn user_theme_without_a_builtin_inherits_from_default() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_theme(
        dir.path(),
        "mine",
        "name = \"Mine\"\n[slots]\n\"status\" = { fg = \"black\", bg = \"color214\" }\n",
    );
    let mine = Theme::load("mine", dir.path(), ColorDepth::TrueColor, false).expect("loads");
    let default = Theme::builtin("default").expect("default");
    assert_eq!((mine.name(), mine.display_name()), ("mine", "Mine"));
    assert_eq!(mine.style(Slot::Status), Style::new().fg(Color::Black).bg(Color::Indexed(214)));
    for slot in Slot::ALL.iter().filter(|s| **s != Slot::Status) {
        assert_eq!(mine.style(*slot), default.style(*slot), "{slot}");
    }
    // A 256-colour index maps down to an ANSI colour on a 16-colour terminal.
    let basic = Theme::load("mine", dir.path(), ColorDepth::Basic16, false).expect("loads");
    assert!(basic.style(Slot::Status).bg.is_some_and(is_ansi));
    assert_eq!(Theme::available(dir.path()).last().map(String::as_str), Some("mine"));
}

#[test]
fn errors_name_file_line_and_key() {
    let cases = [
        (
            "[slots]\n\"list.itme\" = { fg = \"red\" }\n",
            ":2: slots.list.itme: unknown slot `list.itme` (did you mean `list.item`?)",
        ),
        (
            "[palette]\naccent = \"blue\"\n\n[slots]\n\"list.item\" = { fg = \"acent\" }\n",
            ":5: slots.list.item: unknown palette colour `acent`",
        ),
        ("[palette]\nbg = \"#12345\"\n", ":2: palette.bg: bad colour `#12345`"),
        ("[slots]\n\"base\" = { bg = \"#zzzzzz\" }\n", ":2: slots.base: bad colour `#zzzzzz`"),
        ("[slots]\n\"base\" = { fg = \"red\", blod = true }\n", ":2: slots.base: unknown field `blod`"),
        ("[slots]\n\"base\" = { bold = \"yes\" }\n", ":2: slots.base: invalid type"),
        ("name = \"x\"\n[slots]\n\"base\" = { fg = \"red\"\n", ":3: slots.base: "),
        ("name = \"x\"\ncolours = 3\n", ":2: colours: unknown field `colours`"),
        ("[slots]\nlist.item = { fg = \"red\" }\n", "slot names contain dots, so quote them"),
        (
            "[slots.\"list.item\"]\nfg = \"red\"\nshade = 1\n",
            ":3: slots.list.item.shade: unknown field `shade`",
        ),
    ];
    for (text, expected) in cases {
        let (message, file) = error_for(text);
        assert!(message.starts_with(&format!("{}:", file.display())), "{message}");
        assert!(message.contains(expected), "{text:?}\n gave  {message}\n wanted {expected}");
    }
}

#[test]
fn load_or_default_falls_back_with_the_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_theme(dir.path(), "light", "[slots]\n\"border\" = { fg = \"nope\" }\n");
    let (theme, message) = Theme::load_or_default("light", dir.path(), ColorDepth::Basic16, false);
    let expected = Theme::load("default", dir.path(), ColorDepth::Basic16, false).expect("default");
    assert_eq!(theme, expected);
    let message = message.expect("a message");
    assert!(message.contains("light.toml:2: slots.border: unknown palette colour `nope`"), "{message}");

    let (theme, message) =
        Theme::load_or_default("light", Path::new("/nonexistent"), ColorDepth::TrueColor, false);
    assert_eq!(theme.name(), "light");
    assert_eq!(message, None);
}

#[test]
fn unknown_theme_lists_the_available_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_theme(dir.path(), "zebra", "");
    for name in ["foo", "../themes/zebra", ""] {
        let err = Theme::load(name, dir.path(), ColorDepth::TrueColor, false).expect_err(name);
        assert_eq!(
            err.to_string(),
            format!(
                "unknown theme `{name}` (available: default, light, high-contrast, solarized-dark, gruvbox, \
                 ssh-16, zebra)"
            )
        );
    }
    let (theme, message) = Theme::load_or_default("foo", dir.path(), ColorDepth::TrueColor, true);
    assert_eq!(theme.name(), "default");
    assert!(message.is_some_and(|m| m.starts_with("unknown theme `foo`")));
}

/// WCAG contrast ratio of two RGB colours.
fn contrast(a: Color, b: Color) -> f64 {
    let luminance = |c: Color| {
        let Color::Rgb(red, green, blue) = c else { panic!("not RGB: {c:?}") };
        let linear = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.040_45 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    };
    let (lighter, darker) = (luminance(a).max(luminance(b)), luminance(a).min(luminance(b)));
    (lighter + 0.05) / (darker + 0.05)
}

#[test]
fn text_is_readable_in_the_true_colour_themes() {
    // Solarized's accents sit at 3.3–4.8:1 on its background by design; Gruvbox's red at 4.3:1.
    let floors =
        [("default", 4.5), ("light", 4.5), ("high-contrast", 7.0), ("solarized-dark", 3.0), ("gruvbox", 4.0)];
    for (name, floor) in floors {
        let theme = Theme::builtin(name).expect(name);
        let bg_of = |slot: Slot| theme.style(slot).bg.or(theme.style(Slot::Base).bg).expect("a background");
        for slot in Slot::ALL.iter().filter(|s| !matches!(s, Slot::Border | Slot::ArticleRule)) {
            let Some(fg) = theme.style(*slot).fg else { continue };
            let sits_on = match slot.name() {
                n if n.starts_with("status.") => Slot::Status,
                n if n.starts_with("help.") => Slot::PopupText,
                _ => *slot,
            };
            let bg = theme.style(*slot).bg.unwrap_or_else(|| bg_of(sits_on));
            let ratio = contrast(fg, bg);
            assert!(ratio >= floor, "{name} {slot}: {ratio:.2} < {floor}");
        }
    }
}

#[test]
fn names_and_messages_from_files_are_shown_clean() {
    let dir = tempfile::tempdir().unwrap();
    let err = Theme::load("\u{1b}]0;pwned\u{7}x", dir.path(), ColorDepth::TrueColor, false).unwrap_err();
    assert!(err.to_string().starts_with("unknown theme `x`"), "{err}");
    let themes = dir.path().join("themes");
    std::fs::create_dir_all(&themes).unwrap();
    std::fs::write(themes.join("mine.toml"), "[palette]\n\"a\\u001b[2Jb\" = \"not a colour\\u202e\"\n")
        .unwrap();
    let err = Theme::load("mine", dir.path(), ColorDepth::TrueColor, false).unwrap_err().to_string();
    assert!(err.contains(":2: palette.ab: ") && !err.contains(['\u{1b}', '\u{202e}']), "{err}");
}
