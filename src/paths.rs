//! Where tidings keeps its files: the platform's directories, unless flags or the environment
//! say otherwise (tests and benchmarks run isolated that way).

use std::path::{Path, PathBuf};

/// Could not work out where tidings' files belong.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot find a home directory for tidings' files; pass --config-dir and --data-dir (or set TIDINGS_CONFIG_DIR and TIDINGS_DATA_DIR)"
)]
pub struct NoHomeDir;

/// The directories and files tidings uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paths {
    /// Holds `config.toml` (and later themes and keymaps).
    pub config_dir: PathBuf,
    /// Holds the database.
    pub data_dir: PathBuf,
    /// Holds the log file.
    pub log_dir: PathBuf,
}

impl Paths {
    /// Resolves the directories: each override wins, the platform's directories fill the rest.
    /// With a data-dir override and no platform directories, logs go to the data dir.
    pub fn resolve(config_dir: Option<PathBuf>, data_dir: Option<PathBuf>) -> Result<Self, NoHomeDir> {
        let project = directories::ProjectDirs::from("", "", "tidings");
        let platform = |pick: fn(&directories::ProjectDirs) -> PathBuf| project.as_ref().map(pick);
        let config_dir = config_dir.or_else(|| platform(|p| p.config_dir().to_path_buf()));
        let log_dir = match &data_dir {
            // An isolated run keeps its log beside its database.
            Some(dir) => Some(dir.clone()),
            None => platform(|p| p.state_dir().unwrap_or_else(|| p.data_local_dir()).to_path_buf()),
        };
        let data_dir = data_dir.or_else(|| platform(|p| p.data_dir().to_path_buf()));
        match (config_dir, data_dir, log_dir) {
            (Some(config_dir), Some(data_dir), Some(log_dir)) => Ok(Self { config_dir, data_dir, log_dir }),
            _ => Err(NoHomeDir),
        }
    }

    /// `config.toml` in the config dir.
    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    /// `tidings.db` in the data dir.
    pub fn database(&self) -> PathBuf {
        self.data_dir.join("tidings.db")
    }

    /// `tidings.log` in the log dir.
    pub fn log_file(&self) -> PathBuf {
        self.log_dir.join("tidings.log")
    }

    /// Paths rooted in one directory, for tests and benchmarks.
    pub fn isolated(root: &Path) -> Self {
        Self { config_dir: root.join("config"), data_dir: root.join("data"), log_dir: root.join("data") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_win_and_logs_follow_the_data_dir() {
        let paths = Paths::resolve(Some("/c".into()), Some("/d".into())).unwrap();
        assert_eq!(paths.config_file(), PathBuf::from("/c/config.toml"));
        assert_eq!(paths.database(), PathBuf::from("/d/tidings.db"));
        assert_eq!(paths.log_file(), PathBuf::from("/d/tidings.log"));
    }
}
