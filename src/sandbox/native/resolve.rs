//! Executable resolution and the allowlist.
//!
//! A bare name is looked up through a fixed PATH (never the child's or symbi's own), a word
//! with a `/` is taken as a path (relative to the working directory, where the child would
//! find it). Either way the result is canonicalised (every symlink resolved) and allowed only
//! when that canonical path is one of the canonicalised `allowed_executables`. The canonical
//! path is what runs, so a name cannot mean one file when checked and another when executed.

use crate::diag::codes;
use crate::sandbox::SandboxError;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The PATH used to resolve bare names, and the child's PATH unless the request sets one.
pub const FIXED_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// One allowlist entry and what it resolved to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedEntry {
    /// The entry as configured (`python3`, `/usr/bin/node`).
    pub entry: String,
    /// Its canonical path, or `None` when it names nothing runnable on this host.
    pub canonical: Option<PathBuf>,
}

/// Finds the file `word` names, before canonicalisation.
fn locate(word: &str, workdir: &Path) -> Option<PathBuf> {
    if word.contains('/') {
        let path = Path::new(word);
        let path = if path.is_absolute() { path.to_path_buf() } else { workdir.join(path) };
        return is_executable_file(&path).then_some(path);
    }
    FIXED_PATH.split(':').map(|dir| Path::new(dir).join(word)).find(|p| is_executable_file(p))
}

/// A regular file (after following symlinks) with an execute bit.
fn is_executable_file(path: &Path) -> bool {
    std::fs::metadata(path).map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0).unwrap_or(false)
}

/// Resolves `word` to the canonical absolute path of the file it names.
pub fn canonical_executable(word: &str, workdir: &Path) -> Option<PathBuf> {
    locate(word, workdir).and_then(|p| std::fs::canonicalize(p).ok())
}

/// Canonicalises the allowlist. Relative paths (`./tool`) are not resolvable without a
/// working directory and would mean different files in different places, so they allow
/// nothing.
pub fn canonical_allowlist(entries: &[String]) -> Vec<AllowedEntry> {
    canonical_allowlist_iter(entries).collect()
}

/// [`canonical_allowlist`], lazily.
fn canonical_allowlist_iter(entries: &[String]) -> impl Iterator<Item = AllowedEntry> + '_ {
    entries.iter().map(|entry| {
        let canonical = if entry.contains('/') && !entry.starts_with('/') {
            None
        } else {
            canonical_executable(entry, Path::new("/"))
        };
        AllowedEntry { entry: entry.clone(), canonical }
    })
}

/// Resolves `word` and checks it against `allowed`; returns the canonical path to execute.
pub fn authorize(word: &str, allowed: &[String], workdir: &Path) -> Result<PathBuf, SandboxError> {
    let allowed_note = || describe_allowlist(&canonical_allowlist(allowed));
    let Some(located) = locate(word, workdir) else {
        let place = if word.contains('/') {
            format!("`{word}` is not an executable file (relative paths start at {})", workdir.display())
        } else {
            format!("`{word}` was not found in the fixed PATH {FIXED_PATH}")
        };
        return Err(SandboxError::new(codes::EXECUTABLE_NOT_FOUND, format!("executable `{word}` not found"))
            .with_help("name an installed program, by name or by absolute path")
            .with_note(place)
            .with_note(allowed_note()));
    };
    let canonical = std::fs::canonicalize(&located).map_err(|e| {
        SandboxError::new(codes::EXECUTABLE_NOT_FOUND, format!("executable `{word}` cannot be resolved: {e}"))
            .with_note(format!("found at {}", located.display()))
    })?;
    // Entries are resolved one by one and the first match wins: the common case touches
    // few files, and nothing is cached that could go stale between calls.
    if canonical_allowlist_iter(allowed).any(|a| a.canonical.as_deref() == Some(canonical.as_path())) {
        return Ok(canonical);
    }
    let resolved = if located == canonical {
        format!("`{word}` resolved to {}", canonical.display())
    } else {
        format!("`{word}` resolved to {} (through {})", canonical.display(), located.display())
    };
    Err(SandboxError::new(
        codes::NATIVE_EXECUTABLE_NOT_ALLOWED,
        format!("executable `{word}` is not allowed"),
    )
    .with_help(
        "add its canonical path to `native_execution.allowed_executables` (and to the agent's \
             `allowed_executables`, if it has one), or run an allowed program",
    )
    .with_note(resolved)
    .with_note(allowed_note()))
}

/// `allowed: python3 = /usr/bin/python3.11, ...` for notes.
fn describe_allowlist(list: &[AllowedEntry]) -> String {
    if list.is_empty() {
        return "allowed: nothing (the allowlist is empty)".into();
    }
    let items: Vec<String> = list
        .iter()
        .map(|a| match &a.canonical {
            Some(p) if p.as_os_str() == a.entry.as_str() => a.entry.clone(),
            Some(p) => format!("{} = {}", a.entry, p.display()),
            None => format!("{} (not found)", a.entry),
        })
        .collect();
    format!("allowed: {}", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_names_use_the_fixed_path_and_canonicalise() {
        let sh = canonical_executable("sh", Path::new("/"));
        assert!(sh.as_ref().is_some_and(|p| p.is_absolute()), "{sh:?}");
        assert_eq!(canonical_executable("no-such-program-xyz", Path::new("/")), None);
    }

    #[test]
    fn relative_allowlist_entries_allow_nothing() {
        let list = canonical_allowlist(&["./sh".to_string()]);
        assert_eq!(list[0].canonical, None);
    }

    #[test]
    fn an_allowed_name_authorizes_its_canonical_path() {
        let allowed = vec!["sh".to_string()];
        let by_name = authorize("sh", &allowed, Path::new("/"));
        let by_path = authorize("/bin/sh", &allowed, Path::new("/"));
        assert!(by_name.is_ok(), "{by_name:?}");
        assert_eq!(by_name, by_path);
        let refused = authorize("true", &allowed, Path::new("/"));
        assert_eq!(refused.map_err(|e| e.code), Err(codes::NATIVE_EXECUTABLE_NOT_ALLOWED));
    }
}
