//! Where newsboat keeps its files, found the way newsboat finds them.

use std::path::{Path, PathBuf};

use super::NewsboatError;

/// The files to import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sources {
    /// The urls file.
    pub urls: PathBuf,
    /// The cache, when there is one (without it only subscriptions are imported).
    pub cache: Option<PathBuf>,
}

/// The files in `dir` (`urls` and `cache.db` side by side, as in `~/.newsboat/`), or, without a
/// directory, newsboat's own: its XDG directories when `$XDG_CONFIG_HOME/newsboat/` (default
/// `~/.config/newsboat/`) exists — urls there, cache.db in `$XDG_DATA_HOME/newsboat/` (default
/// `~/.local/share/newsboat/`) — else `~/.newsboat/`.
pub fn locate(dir: Option<&Path>) -> Result<Sources, NewsboatError> {
    let (urls, cache) = if let Some(dir) = dir {
        if !dir.is_dir() {
            return Err(NewsboatError::Missing { path: dir.to_path_buf(), what: "the directory" });
        }
        (dir.join("urls"), dir.join("cache.db"))
    } else {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
        let var = |name| std::env::var_os(name).map(PathBuf::from).filter(|p| p.is_absolute());
        default_files(&home, var("XDG_CONFIG_HOME"), var("XDG_DATA_HOME"))
    };
    if !urls.is_file() {
        return Err(NewsboatError::Missing { path: urls, what: "newsboat's urls file" });
    }
    Ok(Sources { urls, cache: cache.is_file().then_some(cache) })
}

/// newsboat's lookup: XDG when its config directory exists, else the dot directory.
fn default_files(home: &Path, xdg_config: Option<PathBuf>, xdg_data: Option<PathBuf>) -> (PathBuf, PathBuf) {
    let config = xdg_config.unwrap_or_else(|| home.join(".config")).join("newsboat");
    if config.is_dir() {
        let data = xdg_data.unwrap_or_else(|| home.join(".local/share")).join("newsboat");
        return (config.join("urls"), data.join("cache.db"));
    }
    let dot = home.join(".newsboat");
    (dot.join("urls"), dot.join("cache.db"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xdg_wins_when_its_config_dir_exists_else_the_dot_dir() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path();
        std::fs::create_dir_all(h.join(".newsboat")).unwrap();
        assert_eq!(default_files(h, None, None), (h.join(".newsboat/urls"), h.join(".newsboat/cache.db")));
        std::fs::create_dir_all(h.join(".config/newsboat")).unwrap();
        assert_eq!(
            default_files(h, None, None),
            (h.join(".config/newsboat/urls"), h.join(".local/share/newsboat/cache.db"))
        );
        let (urls, cache) = default_files(h, Some(h.join(".config")), Some(h.join("data")));
        assert_eq!((urls, cache), (h.join(".config/newsboat/urls"), h.join("data/newsboat/cache.db")));
    }

    #[test]
    fn a_directory_without_urls_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let e = locate(Some(dir.path())).unwrap_err().to_string();
        assert!(e.contains(&dir.path().join("urls").display().to_string()), "{e}");
        let e = locate(Some(&dir.path().join("nope"))).unwrap_err().to_string();
        assert!(e.contains("does not exist"), "{e}");
        std::fs::write(dir.path().join("urls"), "http://127.0.0.1/\n").unwrap();
        let found = locate(Some(dir.path())).unwrap();
        assert_eq!(found.cache, None);
    }
}
