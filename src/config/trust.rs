//! The trust store: the folders whose `config.toml` the user has trusted with `symbi trust`,
//! each with the SHA-256 of the file as it was then. A `config.toml` beside an agent file
//! is read only when its folder is here and its content is unchanged, as direnv's `allow`
//! and mise's `trust` do, because such a file can consent to tier None, lift the limits and
//! move the audit log: settings that must come from the user, not from the agent's author.
//!
//! The store is `$XDG_DATA_HOME/symbi/trusted.json`, else
//! `$HOME/.local/share/symbi/trusted.json`: JSON, one entry per folder.

use super::env::EnvVars;
use super::regular::{io_reason, read_regular_file};
use serde::{Deserialize, Serialize};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The largest trust store symbi reads.
const MAX_STORE_BYTES: u64 = 16 * 1024 * 1024;

/// One trusted folder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustEntry {
    /// The folder, canonical (symlinks resolved).
    pub folder: PathBuf,
    /// SHA-256 of its `config.toml` when it was trusted, 64 lowercase hex digits.
    pub sha256: String,
    /// When, RFC 3339 UTC.
    pub trusted_at: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct StoreFile {
    version: u32,
    folders: Vec<TrustEntry>,
}

/// The trust store, read from its file (empty when the file does not exist yet).
#[derive(Debug)]
pub struct TrustStore {
    path: PathBuf,
    entries: Vec<TrustEntry>,
}

/// Where the trust store lives; `None` without an absolute `XDG_DATA_HOME` or `HOME`.
pub fn store_path(env: &EnvVars) -> Option<PathBuf> {
    if let Some(data) = env.get("XDG_DATA_HOME").filter(|p| p.starts_with('/')) {
        return Some(PathBuf::from(data).join("symbi/trusted.json"));
    }
    let home = env.get("HOME").filter(|p| p.starts_with('/') && *p != "/")?;
    Some(PathBuf::from(home).join(".local/share/symbi/trusted.json"))
}

impl TrustStore {
    /// Opens the store of this user. A store another user could have written (not owned by
    /// the effective user, or writable by group or others) is refused: trusting its entries
    /// would let that user consent for this one.
    pub fn open(env: &EnvVars) -> Result<TrustStore, String> {
        let path = store_path(env).ok_or("neither XDG_DATA_HOME nor HOME is an absolute path")?;
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(TrustStore { path, entries: Vec::new() });
            }
            Err(e) => {
                return Err(format!("cannot read the trust store `{}`: {}", path.display(), io_reason(&e)));
            }
        };
        let euid = nix::unistd::geteuid().as_raw();
        if meta.uid() != euid || meta.mode() & 0o022 != 0 {
            return Err(format!(
                "the trust store `{}` is not owned by uid {euid} or is writable by others, so it is not used",
                path.display()
            ));
        }
        let bytes = read_regular_file(&path, MAX_STORE_BYTES)
            .map_err(|e| format!("cannot read the trust store `{}`: {e}", path.display()))?;
        let file: StoreFile = serde_json::from_slice(&bytes)
            .map_err(|e| format!("the trust store `{}` is not valid: {e}", path.display()))?;
        Ok(TrustStore { path, entries: file.folders })
    }

    /// The file the store is kept in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every trusted folder, in the order they were trusted.
    pub fn entries(&self) -> &[TrustEntry] {
        &self.entries
    }

    /// The entry of a folder (give it canonical).
    pub fn entry(&self, folder: &Path) -> Option<&TrustEntry> {
        self.entries.iter().find(|e| e.folder == folder)
    }

    /// Records `folder` (canonical) with the hash of its `config.toml`, replacing an older
    /// entry of the same folder.
    pub fn trust(&mut self, folder: PathBuf, sha256: String) {
        self.entries.retain(|e| e.folder != folder);
        let trusted_at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        self.entries.push(TrustEntry { folder, sha256, trusted_at });
    }

    /// Forgets `folder`; false when it was not trusted.
    pub fn revoke(&mut self, folder: &Path) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.folder != folder);
        self.entries.len() != before
    }

    /// Writes the store: a private file (0600) in a private folder (0700), replaced at once
    /// by a rename so a reader never sees half of it.
    pub fn save(&self) -> Result<(), String> {
        let fail = |e: std::io::Error| {
            format!("cannot write the trust store `{}`: {}", self.path.display(), io_reason(&e))
        };
        let dir = self.path.parent().ok_or_else(|| fail(std::io::Error::other("it has no folder")))?;
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(fail)?;
        let text = serde_json::to_string_pretty(&StoreFile { version: 1, folders: self.entries.clone() })
            .map_err(|e| fail(std::io::Error::other(e)))?;
        let tmp = dir.join(format!(".trusted.json.{}", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        {
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .custom_flags(libc::O_NOFOLLOW)
                .open(&tmp)
                .map_err(fail)?;
            file.write_all(text.as_bytes()).and_then(|()| file.write_all(b"\n")).map_err(fail)?;
            file.sync_all().map_err(fail)?;
        }
        // A store created under another umask keeps 0600 whatever that umask was.
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600)).map_err(fail)?;
        std::fs::rename(&tmp, &self.path).map_err(fail)
    }
}

/// What the trust store says of a folder's `config.toml` with the given content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Trusted, with this content.
    Trusted,
    /// The folder was never trusted (or was revoked).
    NotTrusted,
    /// The folder is trusted, but the file changed since.
    Changed,
}

impl TrustStore {
    /// Whether the `config.toml` of `folder` (canonical) with content `text` is trusted.
    pub fn verdict(&self, folder: &Path, text: &[u8]) -> Verdict {
        match self.entry(folder) {
            None => Verdict::NotTrusted,
            Some(entry) if entry.sha256 == super::sha256::sha256_hex(text) => Verdict::Trusted,
            Some(_) => Verdict::Changed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_is_per_folder_and_per_content() -> Result<(), String> {
        let home = tempfile::tempdir().map_err(|e| e.to_string())?;
        let home_s = home.path().to_string_lossy().into_owned();
        let env = EnvVars::from_pairs([("HOME", home_s.as_str())]);
        let mut store = TrustStore::open(&env)?;
        assert!(store.entries().is_empty());
        let folder = PathBuf::from("/srv/agents");
        assert_eq!(store.verdict(&folder, b"a"), Verdict::NotTrusted);
        store.trust(folder.clone(), super::super::sha256::sha256_hex(b"a"));
        store.save()?;
        let store = TrustStore::open(&env)?;
        assert_eq!(store.path(), home.path().join(".local/share/symbi/trusted.json"));
        assert_eq!(store.verdict(&folder, b"a"), Verdict::Trusted);
        assert_eq!(store.verdict(&folder, b"b"), Verdict::Changed);
        assert_eq!(store.verdict(Path::new("/srv"), b"a"), Verdict::NotTrusted);
        let mode = std::fs::metadata(store.path()).map_err(|e| e.to_string())?.permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        Ok(())
    }

    #[test]
    fn a_store_others_can_write_is_refused() -> Result<(), String> {
        let home = tempfile::tempdir().map_err(|e| e.to_string())?;
        let home_s = home.path().to_string_lossy().into_owned();
        let env = EnvVars::from_pairs([("HOME", home_s.as_str())]);
        let mut store = TrustStore::open(&env)?;
        store.trust(PathBuf::from("/x"), "00".into());
        store.save()?;
        std::fs::set_permissions(store.path(), std::fs::Permissions::from_mode(0o666))
            .map_err(|e| e.to_string())?;
        assert!(TrustStore::open(&env).is_err_and(|e| e.contains("writable by others")));
        assert!(TrustStore::open(&EnvVars::default()).is_err());
        Ok(())
    }
}
