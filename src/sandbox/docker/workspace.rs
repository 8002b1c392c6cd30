//! The host directory mounted at `/workspace` with `local_filesystem`.
//!
//! A bind mount is a hole in the container's wall, so the directory is checked the way the
//! native tier checks its working directory: absolute, created if missing, canonical, and
//! never a sensitive host root.

use super::errors;
use crate::sandbox::SandboxError;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Host trees that are never mounted into a container (nor anything below them).
const SENSITIVE: [&str; 13] = [
    "/etc",
    "/boot",
    "/proc",
    "/sys",
    "/root",
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib64",
    "/dev",
    "/run",
    "/var/lib/docker",
];

/// Creates and canonicalises `dir`; returns it with its owner's uid and gid.
pub fn prepare(dir: &Path) -> Result<(PathBuf, (u32, u32)), SandboxError> {
    if !dir.is_absolute() {
        return Err(errors::workspace_unusable(dir, "the path is not absolute"));
    }
    std::fs::create_dir_all(dir).map_err(|e| errors::workspace_unusable(dir, &e.to_string()))?;
    let canonical = dir.canonicalize().map_err(|e| errors::workspace_unusable(dir, &e.to_string()))?;
    if canonical == Path::new("/") {
        return Err(errors::workspace_unusable(dir, "the host's root directory is never mounted"));
    }
    if let Some(root) = SENSITIVE.iter().find(|r| canonical.starts_with(r)) {
        return Err(errors::workspace_unusable(
            dir,
            &format!("it is inside the sensitive host directory {root}"),
        ));
    }
    let meta = std::fs::metadata(&canonical).map_err(|e| errors::workspace_unusable(dir, &e.to_string()))?;
    if !meta.is_dir() {
        return Err(errors::workspace_unusable(dir, "it is not a directory"));
    }
    Ok((canonical, (meta.uid(), meta.gid())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::codes;

    #[test]
    fn refuses_relative_root_and_sensitive_trees() {
        assert_eq!(prepare(Path::new("rel")).err().map(|e| e.code), Some(codes::WORKSPACE_UNUSABLE));
        assert_eq!(prepare(Path::new("/")).err().map(|e| e.code), Some(codes::WORKSPACE_UNUSABLE));
        assert_eq!(prepare(Path::new("/etc")).err().map(|e| e.code), Some(codes::WORKSPACE_UNUSABLE));
        assert_eq!(prepare(Path::new("/usr/share")).err().map(|e| e.code), Some(codes::WORKSPACE_UNUSABLE));
    }

    #[test]
    fn accepts_and_creates_a_plain_directory() {
        let Ok(tmp) = tempfile::tempdir() else { return };
        let dir = tmp.path().join("a/b");
        let got = prepare(&dir).map(|(p, _)| p);
        assert_eq!(got.ok(), dir.canonicalize().ok());
    }
}
