//! Which configuration a document is checked with.
//!
//! `symbi check FILE` run from a folder uses `--config P`, else `$SYMBIONT_CONFIG`, else
//! `./config.toml`, else a `config.toml` beside the file, else the defaults
//! ([`config::discover_for_file`]). An editor has no command line and its working directory
//! is arbitrary, so the workspace folder that holds the file plays the part of `.`, and
//! `initializationOptions.config` the part of `--config` (a relative path is resolved
//! against the first workspace folder).

use crate::config::{self, Discovered, EnvVars};

/// The name of the configuration file looked for.
const CONFIG_FILE: &str = "config.toml";
use std::path::{Path, PathBuf};

/// The workspace facts from `initialize` that decide the configuration.
#[derive(Clone, Debug, Default)]
pub struct ConfigChoice {
    /// The workspace folders, as paths.
    pub roots: Vec<PathBuf>,
    /// `initializationOptions.config`, like `--config`.
    pub explicit: Option<PathBuf>,
}

impl ConfigChoice {
    /// Which configuration file the document at `file` (`None` when unsaved) is checked with.
    pub fn discover(&self, file: Option<&Path>, env: &EnvVars) -> Discovered {
        if let Some(explicit) = &self.explicit {
            let path = match self.roots.first() {
                Some(root) if explicit.is_relative() => root.join(explicit),
                _ => explicit.clone(),
            };
            return Discovered::Named { path, by: "initializationOptions.config" };
        }
        // The innermost workspace folder holding the file stands for the current directory.
        let root = match file {
            Some(f) => self.roots.iter().filter(|r| f.starts_with(r)).max_by_key(|r| r.as_os_str().len()),
            None => self.roots.first(),
        };
        let found = match root {
            Some(root) => config::discover_in(root, None, env),
            None => config::discover_in(Path::new("."), None, env),
        };
        // Then a config.toml beside the file, as `discover_for_file` does.
        let beside = file.and_then(Path::parent).map(|dir| dir.join(CONFIG_FILE));
        match (found, beside) {
            (Discovered::Defaults, Some(beside)) if beside.is_file() => Discovered::Local(beside),
            (found, _) => found,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of(found: Discovered) -> Option<PathBuf> {
        match found {
            Discovered::Named { path, .. } | Discovered::Local(path) => Some(path),
            Discovered::Defaults => None,
        }
    }

    #[test]
    fn the_workspace_folder_first_then_beside_the_file() -> std::io::Result<()> {
        let ws = tempfile::tempdir()?;
        let root = ws.path().to_path_buf();
        std::fs::create_dir_all(root.join("agents"))?;
        let choice = ConfigChoice { roots: vec![root.clone()], explicit: None };
        let env = EnvVars::default();
        let file = root.join("agents/a.symbi");
        assert_eq!(path_of(choice.discover(Some(&file), &env)), None);
        std::fs::write(root.join("agents/config.toml"), "")?;
        assert_eq!(path_of(choice.discover(Some(&file), &env)), Some(root.join("agents/config.toml")));
        std::fs::write(root.join("config.toml"), "")?;
        assert_eq!(path_of(choice.discover(Some(&file), &env)), Some(root.join("config.toml")));
        Ok(())
    }

    #[test]
    fn the_explicit_option_is_like_dash_dash_config() {
        let env = EnvVars::default();
        let choice = ConfigChoice { roots: vec![PathBuf::from("/ws")], explicit: Some("conf/x.toml".into()) };
        let found = choice.discover(Some(Path::new("/ws/a.symbi")), &env);
        assert_eq!(path_of(found), Some(PathBuf::from("/ws/conf/x.toml")));
        let abs = ConfigChoice { roots: vec![], explicit: Some("/etc/s.toml".into()) };
        assert_eq!(path_of(abs.discover(None, &env)), Some(PathBuf::from("/etc/s.toml")));
    }

    #[test]
    fn symbiont_config_comes_before_files_found_by_looking() -> std::io::Result<()> {
        let ws = tempfile::tempdir()?;
        std::fs::write(ws.path().join("config.toml"), "")?;
        let mut vars = std::collections::BTreeMap::new();
        vars.insert(config::CONFIG_VAR.to_string(), "/elsewhere.toml".to_string());
        let choice = ConfigChoice { roots: vec![ws.path().to_path_buf()], explicit: None };
        let found = choice.discover(Some(&ws.path().join("a.symbi")), &EnvVars(vars));
        assert_eq!(path_of(found), Some(PathBuf::from("/elsewhere.toml")));
        Ok(())
    }
}
