//! The working-directory rules of a native call.
//!
//! The directory must be absolute; it is created when missing and canonicalised, and it is
//! refused when it is, or lies inside, a sensitive host root. `/` itself is refused only as
//! that exact path (everything lies inside `/`). The rules are checked twice: on the path as
//! it would resolve before anything is created (so nothing is ever created inside `/etc`),
//! and on the canonical path after creation (so a symlink cannot lead there).

use crate::sandbox::SandboxError;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

/// Host roots a native call may not work in (nor anywhere below).
pub const SENSITIVE_ROOTS: [&str; 14] = [
    "/etc",
    "/boot",
    "/proc",
    "/sys",
    "/dev",
    "/root",
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/var/run",
    "/var/lib/docker",
];

/// Whether `path` (absolute, normalised) is `/`, a sensitive root, or inside one.
fn refusal_reason(path: &Path) -> Option<String> {
    if path == Path::new("/") {
        return Some("it is the root directory `/`".into());
    }
    for candidate in sensitive_candidates() {
        if path.starts_with(candidate) {
            return Some(format!("it is inside the sensitive host directory `{}`", candidate.display()));
        }
    }
    // `/lib*`: any top-level directory whose name starts with `lib`.
    if let Some(Component::Normal(first)) = path.components().nth(1)
        && first.to_string_lossy().starts_with("lib")
    {
        return Some(format!("it is inside the sensitive host directory `/{}`", first.to_string_lossy()));
    }
    None
}

/// Each sensitive root as written and canonicalised (`/bin` -> `/usr/bin`, `/var/run` ->
/// `/run`), so a link on the host cannot open a way around the rule. Resolved once per
/// process: these are the host's system directories, whose links do not change under a
/// running symbi, and resolving them on every call cost dozens of system calls.
fn sensitive_candidates() -> &'static [PathBuf] {
    static CANDIDATES: OnceLock<Vec<PathBuf>> = OnceLock::new();
    CANDIDATES.get_or_init(|| {
        SENSITIVE_ROOTS
            .iter()
            .flat_map(|root| std::iter::once(PathBuf::from(root)).chain(std::fs::canonicalize(root).ok()))
            .collect()
    })
}

/// Resolves `path` as far as it exists (symlinks followed) and appends the missing part,
/// whose `..` are applied lexically since nothing below a missing directory can be a link.
fn resolve_prospective(path: &Path) -> Result<PathBuf, String> {
    let mut existing = path.to_path_buf();
    // Missing trailing parts, last first; `None` stands for `..`.
    let mut missing: Vec<Option<std::ffi::OsString>> = Vec::new();
    loop {
        if let Ok(base) = std::fs::canonicalize(&existing) {
            let mut out = base;
            for part in missing.iter().rev() {
                match part {
                    None => {
                        out.pop();
                    }
                    Some(name) => out.push(name),
                }
            }
            return Ok(out);
        }
        match existing.components().next_back() {
            Some(Component::Normal(name)) => missing.push(Some(name.to_os_string())),
            Some(Component::ParentDir) => missing.push(None),
            Some(Component::CurDir) => {}
            _ => return Err("no part of it exists".into()),
        }
        if !existing.pop() {
            return Err("no part of it exists".into());
        }
    }
}

fn refused(path: &Path, shown: &Path, reason: String) -> SandboxError {
    let mut e = SandboxError::new(
        "E0406",
        format!("working directory `{}` is refused: {reason}", path.display()),
    )
    .with_help(
        "set `native_execution.working_directory` to a directory of its own, such as /tmp/symbiont-native",
    );
    if shown != path {
        e = e.with_note(format!("`{}` resolves to `{}`", path.display(), shown.display()));
    }
    e.with_note(format!("refused: `/` itself and everything under {}", SENSITIVE_ROOTS.join(", ")))
}

/// Applies the rules to `path` and returns the canonical directory to run in, creating it
/// when missing.
pub fn prepare(path: &Path) -> Result<PathBuf, SandboxError> {
    if !path.is_absolute() {
        return Err(SandboxError::new(
            "E0405",
            format!("working directory `{}` is not absolute", path.display()),
        )
        .with_help("give an absolute path, such as /tmp/symbiont-native"));
    }
    let prospective = resolve_prospective(path).map_err(|why| unusable(path, why))?;
    if let Some(reason) = refusal_reason(&prospective) {
        return Err(refused(path, &prospective, reason));
    }
    std::fs::create_dir_all(&prospective)
        .map_err(|e| unusable(path, format!("it cannot be created: {e}")))?;
    let canonical = std::fs::canonicalize(&prospective).map_err(|e| unusable(path, e.to_string()))?;
    if let Some(reason) = refusal_reason(&canonical) {
        return Err(refused(path, &canonical, reason));
    }
    if !canonical.is_dir() {
        return Err(unusable(path, "it is not a directory".into()));
    }
    Ok(canonical)
}

fn unusable(path: &Path, why: String) -> SandboxError {
    SandboxError::new("E0407", format!("working directory `{}` cannot be used: {why}", path.display()))
        .with_help("point `native_execution.working_directory` at a directory symbi can create and enter")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_roots_and_their_insides_are_refused() {
        for p in ["/", "/etc", "/etc/ssl", "/usr/lib", "/lib64/x", "/libexec", "/proc/1", "/var/lib/docker/v"]
        {
            assert!(refusal_reason(Path::new(p)).is_some(), "{p} should be refused");
        }
        for p in ["/tmp", "/tmp/etc", "/home/x", "/var/tmp", "/srv/usr", "/opt/library"] {
            assert_eq!(refusal_reason(Path::new(p)), None, "{p} should be allowed");
        }
    }

    #[test]
    fn missing_parts_resolve_lexically() {
        let r = resolve_prospective(Path::new("/tmp/symbi-no-such/a/../b"));
        assert_eq!(r.ok(), std::fs::canonicalize("/tmp").ok().map(|t| t.join("symbi-no-such/b")));
        let r = resolve_prospective(Path::new("/tmp/symbi-no-such/../../etc/x"));
        assert_eq!(r.ok(), Some(PathBuf::from("/etc/x")));
    }
}
