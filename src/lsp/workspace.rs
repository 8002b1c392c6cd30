//! Which configuration a document is checked with.
//!
//! `symbi check FILE` uses `--config P`, else `$SYMBIONT_CONFIG`, else `./config.toml`.
//! An editor has no command line and its working directory is arbitrary, so the server
//! looks for `config.toml` next to the file and in each folder above it up to the
//! workspace folder, then in the workspace folders; `initializationOptions.config` plays
//! the part of `--config` (relative paths are resolved against the first workspace folder).

use std::path::{Path, PathBuf};

/// The name of the configuration file looked for.
pub const CONFIG_FILE: &str = "config.toml";

/// The workspace facts from `initialize` that decide the configuration.
#[derive(Clone, Debug, Default)]
pub struct ConfigChoice {
    /// The workspace folders, as paths.
    pub roots: Vec<PathBuf>,
    /// `initializationOptions.config`, like `--config`.
    pub explicit: Option<PathBuf>,
}

impl ConfigChoice {
    /// The configuration file for a document at `file` (`None` for an unsaved document);
    /// `None` means "no file found": the loader then falls back to `$SYMBIONT_CONFIG`
    /// and the defaults, as `symbi check` does.
    pub fn config_path(&self, file: Option<&Path>) -> Option<PathBuf> {
        if let Some(explicit) = &self.explicit {
            return Some(match self.roots.first() {
                Some(root) if explicit.is_relative() => root.join(explicit),
                _ => explicit.clone(),
            });
        }
        if let Some(dir) = file.and_then(Path::parent) {
            let root = self.roots.iter().filter(|r| dir.starts_with(r)).max_by_key(|r| r.as_os_str().len());
            for folder in dir.ancestors() {
                let candidate = folder.join(CONFIG_FILE);
                if candidate.is_file() {
                    return Some(candidate);
                }
                // Outside every workspace folder only the file's own folder counts.
                if root.is_none_or(|r| folder == r.as_path()) {
                    break;
                }
            }
        }
        self.roots.iter().map(|r| r.join(CONFIG_FILE)).find(|c| c.is_file())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_config_up_to_the_workspace_folder_wins() -> std::io::Result<()> {
        let ws = tempfile::tempdir()?;
        let root = ws.path().to_path_buf();
        std::fs::create_dir_all(root.join("agents/deep"))?;
        std::fs::write(root.join(CONFIG_FILE), "")?;
        let choice = ConfigChoice { roots: vec![root.clone()], explicit: None };
        let file = root.join("agents/deep/a.symbi");
        assert_eq!(choice.config_path(Some(&file)), Some(root.join(CONFIG_FILE)));
        std::fs::write(root.join("agents").join(CONFIG_FILE), "")?;
        assert_eq!(choice.config_path(Some(&file)), Some(root.join("agents").join(CONFIG_FILE)));
        assert_eq!(choice.config_path(None), Some(root.join(CONFIG_FILE)));
        Ok(())
    }

    #[test]
    fn the_explicit_option_is_like_dash_dash_config() {
        let choice = ConfigChoice { roots: vec![PathBuf::from("/ws")], explicit: Some("conf/x.toml".into()) };
        assert_eq!(
            choice.config_path(Some(Path::new("/ws/a.symbi"))),
            Some(PathBuf::from("/ws/conf/x.toml"))
        );
        let abs = ConfigChoice { roots: vec![], explicit: Some("/etc/s.toml".into()) };
        assert_eq!(abs.config_path(None), Some(PathBuf::from("/etc/s.toml")));
    }

    #[test]
    fn nothing_found_means_the_loader_decides() -> std::io::Result<()> {
        let ws = tempfile::tempdir()?;
        let choice = ConfigChoice { roots: vec![ws.path().to_path_buf()], explicit: None };
        assert_eq!(choice.config_path(Some(&ws.path().join("a.symbi"))), None);
        Ok(())
    }
}
