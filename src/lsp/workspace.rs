//! Which configuration a document is checked with.
//!
//! The same discovery as `symbi check FILE` run from a folder ([`config::discover_file_in`]):
//! `--config P`, else `$SYMBIONT_CONFIG`, else `./config.toml`, else a `config.toml` beside
//! the file in a folder trusted with `symbi trust`, else the user's configuration file, else
//! the defaults. An editor has no command line and its working directory is arbitrary, so
//! the workspace folder that holds the file plays the part of `.`, and
//! `initializationOptions.config` the part of `--config` (a relative path is resolved
//! against the first workspace folder).

use crate::config::{self, Discovery, EnvVars};
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
    /// Which configuration file the document at `file` (`None` when unsaved) is checked with,
    /// and the untrusted `config.toml` beside it that was passed over.
    pub fn discover(&self, file: Option<&Path>, env: &EnvVars) -> Discovery {
        let explicit = self.explicit.as_ref().map(|explicit| match self.roots.first() {
            Some(root) if explicit.is_relative() => root.join(explicit),
            _ => explicit.clone(),
        });
        // The innermost workspace folder holding the file stands for the current directory.
        let root = match file {
            Some(f) => self.roots.iter().filter(|r| f.starts_with(r)).max_by_key(|r| r.as_os_str().len()),
            None => self.roots.first(),
        };
        let dir = root.map_or(Path::new("."), PathBuf::as_path);
        let named = explicit.as_deref().map(|p| (p, "initializationOptions.config"));
        config::discover_file_in(dir, file, named, env)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of(found: Discovery) -> Option<PathBuf> {
        found.found.path().map(Path::to_path_buf)
    }

    #[test]
    fn the_workspace_folder_first_then_beside_the_file_when_trusted() -> Result<(), String> {
        let ws = tempfile::tempdir().map_err(|e| e.to_string())?;
        let root = ws.path().to_path_buf();
        let write = |path: PathBuf, text: &str| std::fs::write(path, text).map_err(|e| e.to_string());
        std::fs::create_dir_all(root.join("agents")).map_err(|e| e.to_string())?;
        let choice = ConfigChoice { roots: vec![root.clone()], explicit: None };
        // The trust store lives in a HOME of this test's own.
        let home = root.join("home");
        let env = EnvVars::from_pairs([("HOME", home.to_str().unwrap_or_default())]);
        let file = root.join("agents/a.symbi");
        assert_eq!(path_of(choice.discover(Some(&file), &env)), None);
        write(root.join("agents/config.toml"), "")?;
        // Beside the file but not trusted: passed over, and said so.
        let found = choice.discover(Some(&file), &env);
        assert_eq!(found.ignored.map(|i| i.path), Some(root.join("agents/config.toml")));
        assert_eq!(found.found, config::Discovered::Defaults);
        let mut store = config::trust::TrustStore::open(&env)?;
        let folder = std::fs::canonicalize(root.join("agents")).map_err(|e| e.to_string())?;
        store.trust(folder, config::sha256_hex(b""));
        store.save()?;
        assert_eq!(path_of(choice.discover(Some(&file), &env)), Some(root.join("agents/config.toml")));
        write(root.join("config.toml"), "")?;
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
