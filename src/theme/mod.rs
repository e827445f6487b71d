//! Colour themes as data.
//!
//! A theme is a TOML file (`themes/<name>.toml`): a `[palette]` of named colours and `[slots]`
//! giving each semantic [`Slot`] a style that refers to palette names or literal colours. It
//! is resolved once at load into a [`Theme`]; draw code asks `theme.style(Slot::ListUnread)`
//! and never names a colour. The shipped themes are embedded; a file of the same name in the
//! config dir's `themes/` overrides one, slot by slot. See `themes/README.md` for the format.

mod adapt;
mod color;
mod file;
mod slot;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use ratatui::style::{Modifier, Style};

pub use color::{ColorDepth, parse_color};
pub use slot::Slot;

use file::ThemeSource;

use crate::text::sanitize::single_line;

/// The shipped themes, in the order they are offered.
const BUILTINS: [(&str, &str); 6] = [
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
    ("solarized-dark", include_str!("../../themes/solarized-dark.toml")),
    ("gruvbox", include_str!("../../themes/gruvbox.toml")),
    ("ssh-16", include_str!("../../themes/ssh-16.toml")),
];

/// The names of [`BUILTINS`].
const NAMES: [&str; 6] = ["default", "light", "high-contrast", "solarized-dark", "gruvbox", "ssh-16"];

/// The theme used when none is configured or the configured one fails to load.
pub const DEFAULT_THEME: &str = "default";

/// Why a theme could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// No builtin and no user file has this name.
    // Names and messages repeat what a file or the command line said: shown cleaned.
    #[error("unknown theme `{}` (available: {})", single_line(name), single_line(available))]
    UnknownTheme {
        /// The name asked for.
        name: String,
        /// The names that exist, comma-separated.
        available: String,
    },
    /// The user's theme file exists but could not be read.
    #[error("cannot read {}: {source}", file.display())]
    Read {
        /// The theme file.
        file: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or has an unknown key, slot, colour or palette name.
    #[error("{}:{line}: {}: {}", file.display(), single_line(key), single_line(message))]
    Invalid {
        /// The theme file (`themes/<name>.toml` for a builtin).
        file: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// The dotted key (`slots.list.item`, `palette.accent`), or `-`.
        key: String,
        /// What is wrong.
        message: String,
    },
}

/// Resolved styles for every [`Slot`], fitted to the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    name: String,
    display_name: Option<String>,
    styles: Vec<Style>,
}

impl Theme {
    /// The names of the builtin themes.
    pub fn names() -> &'static [&'static str] {
        &NAMES
    }

    /// A builtin theme as shipped: true colour, colours on.
    pub fn builtin(name: &str) -> Option<Theme> {
        let source = builtin_source(name)?.ok()?;
        Self::finish(&source, name, ColorDepth::TrueColor, false).ok()
    }

    /// A theme by name: `<config_dir>/themes/<name>.toml` overrides the builtin of that name
    /// (a user file may omit slots: they come from the builtin of the same name, else
    /// `default`; its palette entries also replace the builtin's). Names match ignoring case:
    /// `Gruvbox` is `gruvbox`, and `mytheme` selects `themes/MyTheme.toml` (a file spelled
    /// exactly as asked wins over one that differs in case).
    pub fn load(
        name: &str,
        config_dir: &Path,
        depth: ColorDepth,
        no_color: bool,
    ) -> Result<Theme, ThemeError> {
        let unknown =
            || ThemeError::UnknownTheme { name: name.to_string(), available: available(config_dir) };
        if !valid_name(name) {
            return Err(unknown());
        }
        let builtin = builtin_name(name);
        let user_file = user_file(config_dir, name);
        let user = match user_file.as_ref().map(|f| (f, std::fs::read_to_string(f))) {
            Some((file, Ok(text))) => Some(ThemeSource::parse(&text, file)?),
            Some((_, Err(e))) if e.kind() == std::io::ErrorKind::NotFound => None,
            Some((file, Err(source))) => return Err(ThemeError::Read { file: file.clone(), source }),
            None => None,
        };
        // The name it is known by: the builtin's, else the file's stem, else as asked.
        let canonical = builtin
            .map(str::to_string)
            .or_else(|| {
                user_file.as_deref().and_then(Path::file_stem).map(|s| s.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| name.to_string());
        let source = match (user, builtin.and_then(builtin_source)) {
            (Some(user), Some(builtin)) => builtin?.overlay(user),
            (Some(user), None) => default_source()?.overlay(user),
            (None, Some(builtin)) => builtin?,
            (None, None) => return Err(unknown()),
        };
        Self::finish(&source, &canonical, depth, no_color)
    }

    /// Like [`Theme::load`], but any error gives the `default` theme and the error message to show.
    pub fn load_or_default(
        name: &str,
        config_dir: &Path,
        depth: ColorDepth,
        no_color: bool,
    ) -> (Theme, Option<String>) {
        match Self::load(name, config_dir, depth, no_color) {
            Ok(theme) => (theme, None),
            Err(e) => {
                let fallback = default_source()
                    .and_then(|s| Self::finish(&s, DEFAULT_THEME, depth, no_color))
                    .unwrap_or_else(|_| Self::plain());
                (fallback, Some(e.to_string()))
            }
        }
    }

    /// The names [`Theme::load`] accepts: the builtins, then the user's theme files.
    pub fn available(config_dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = NAMES.iter().map(ToString::to_string).collect();
        let mut user: Vec<String> = std::fs::read_dir(themes_dir(config_dir))
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let path = entry.path();
                let stem = path.file_stem()?.to_str()?.to_string();
                (path.extension()? == "toml" && valid_name(&stem)).then_some(stem)
            })
            .filter(|stem| builtin_name(stem).is_none())
            .collect();
        // Names match ignoring case: `MyTheme.toml` and `mytheme.toml` are one name, listed
        // in the spelling that sorts first.
        user.sort_by_cached_key(|stem| (stem.to_lowercase(), stem.clone()));
        user.dedup_by(|later, first| later.to_lowercase() == first.to_lowercase());
        names.append(&mut user);
        names
    }

    /// The name the theme was loaded by (what the configuration and [`Theme::available`] use).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name to show: the file's `name` field, else [`Theme::name`].
    pub fn display_name(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.name)
    }

    /// The style of `slot`.
    pub fn style(&self, slot: Slot) -> Style {
        self.styles.get(slot.index()).copied().unwrap_or_default()
    }

    /// Resolves `source` and fits it to the terminal.
    fn finish(
        source: &ThemeSource,
        name: &str,
        depth: ColorDepth,
        no_color: bool,
    ) -> Result<Theme, ThemeError> {
        let mut styles = source.resolve()?;
        if no_color {
            adapt::strip_colours(&mut styles);
        } else {
            adapt::fit_depth(&mut styles, depth);
        }
        Ok(Theme { name: name.to_string(), display_name: source.name.clone(), styles })
    }

    /// A colourless theme with reversed selections, in case even `default` cannot be built.
    fn plain() -> Theme {
        let selected =
            [Slot::ListSelected, Slot::ListSelectedUnfocused, Slot::SidebarSelected, Slot::RelatedSelected];
        let styles = Slot::ALL
            .iter()
            .map(|s| {
                if selected.contains(s) {
                    Style::new().add_modifier(Modifier::REVERSED)
                } else {
                    Style::new()
                }
            })
            .collect();
        Theme { name: DEFAULT_THEME.to_string(), display_name: None, styles }
    }
}

/// The user's theme directory under `config_dir`.
fn themes_dir(config_dir: &Path) -> PathBuf {
    config_dir.join("themes")
}

/// The names [`Theme::available`] lists, comma-separated.
fn available(config_dir: &Path) -> String {
    Theme::available(config_dir).join(", ")
}

/// Whether `name` can be a theme file's stem: no path separators, no leading dot.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The builtin called `name`, ignoring case (`SSH-16` is `ssh-16`).
fn builtin_name(name: &str) -> Option<&'static str> {
    NAMES.iter().copied().find(|n| n.eq_ignore_ascii_case(name))
}

/// The user's theme file for `name`: `themes/<name>.toml` if it exists, else a `.toml` file
/// whose stem equals `name` ignoring case (the first in sorted order); `None` when the directory
/// has no such file (an unreadable directory counts as none).
fn user_file(config_dir: &Path, name: &str) -> Option<PathBuf> {
    let dir = themes_dir(config_dir);
    let exact = dir.join(format!("{name}.toml"));
    if std::fs::symlink_metadata(&exact).is_ok() {
        return Some(exact);
    }
    let wanted = name.to_lowercase();
    let mut matches: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "toml")
                && path.file_stem().and_then(|s| s.to_str()).is_some_and(|s| s.to_lowercase() == wanted)
        })
        .collect();
    matches.sort();
    matches.into_iter().next()
}

/// The embedded file of a builtin, parsed; `None` when there is no builtin of that name.
fn builtin_source(name: &str) -> Option<Result<ThemeSource, ThemeError>> {
    let (_, text) = BUILTINS.iter().find(|(n, _)| *n == name)?;
    Some(ThemeSource::parse(text, &builtin_path(name)))
}

/// The `default` builtin, parsed.
fn default_source() -> Result<ThemeSource, ThemeError> {
    builtin_source(DEFAULT_THEME).unwrap_or_else(|| Err(unknown_builtin(DEFAULT_THEME)))
}

/// How a builtin is named in error messages.
fn builtin_path(name: &str) -> PathBuf {
    PathBuf::from(format!("themes/{name}.toml"))
}

/// The error for a builtin that does not exist.
fn unknown_builtin(name: &str) -> ThemeError {
    ThemeError::UnknownTheme { name: name.to_string(), available: NAMES.join(", ") }
}

#[cfg(test)]
mod name_tests {
    use super::*;

    fn load(name: &str, dir: &Path) -> Result<Theme, ThemeError> {
        Theme::load(name, dir, ColorDepth::TrueColor, false)
    }

    #[test]
    fn builtin_names_ignore_case() {
        let empty = tempfile::tempdir().expect("tempdir");
        for (asked, known) in [("Gruvbox", "gruvbox"), ("SSH-16", "ssh-16"), ("DEFAULT", "default")] {
            let theme = load(asked, empty.path()).expect(asked);
            assert_eq!(theme.name(), known);
            assert_eq!(theme, load(known, empty.path()).expect(known), "{asked} is {known}");
        }
        assert!(load("gruvbox2", empty.path()).is_err());
    }

    #[test]
    fn user_files_are_found_ignoring_case() {
        let dir = tempfile::tempdir().expect("tempdir");
        let themes = dir.path().join("themes");
        std::fs::create_dir_all(&themes).expect("mkdir");
        let tinted = "[palette]\n[slots]\n\"status.error\" = { fg = \"#123456\" }\n";
        std::fs::write(themes.join("MyTheme.toml"), tinted).expect("write");
        let mine = load("mytheme", dir.path()).expect("mytheme selects MyTheme.toml");
        assert_eq!(mine.name(), "MyTheme");
        assert_eq!(mine.style(Slot::StatusError).fg, Some(ratatui::style::Color::Rgb(0x12, 0x34, 0x56)));
        assert_eq!(load("MYTHEME", dir.path()).expect("any case"), mine);
        // A file overriding a builtin is found whatever the case of either name.
        std::fs::write(themes.join("Gruvbox.toml"), tinted).expect("write");
        let gruvbox = load("GRUVBOX", dir.path()).expect("gruvbox");
        assert_eq!(gruvbox.name(), "gruvbox");
        assert_eq!(gruvbox.style(Slot::StatusError).fg, Some(ratatui::style::Color::Rgb(0x12, 0x34, 0x56)));
        // Listed once each.
        std::fs::write(themes.join("mytheme.toml"), tinted).expect("write");
        std::fs::write(themes.join("Other.toml"), tinted).expect("write");
        let available = Theme::available(dir.path());
        assert_eq!(
            available.iter().filter(|n| n.eq_ignore_ascii_case("mytheme")).count(),
            1,
            "{available:?}"
        );
        assert_eq!(
            available.iter().filter(|n| n.eq_ignore_ascii_case("gruvbox")).count(),
            1,
            "{available:?}"
        );
    }
}
