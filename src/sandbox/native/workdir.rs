//! The working-directory rules of a native call.
//!
//! The directory must be absolute; it is created when missing (mode 0700) and canonicalised,
//! and it is refused when it is, or lies inside, a sensitive host root, or when it is exactly
//! one of the shared directories (`/tmp`, `/home`, ...) whose subdirectories are fine. The
//! rules are checked twice: on the path as it would resolve before anything is created (so
//! nothing is ever created inside `/etc`), and on the canonical path after creation (so a
//! symlink cannot lead there). Then its ownership is checked ([`trust`]): the child runs in it
//! with `HOME` pointing at it, so a directory another user could write to would let that
//! user plant start-up files (`.gitconfig`, a `.pth` file) that the child runs as symbi's user.

use crate::diag::codes;
use crate::sandbox::SandboxError;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

/// Host roots a native call may not work in (nor anywhere below).
pub const SENSITIVE_ROOTS: [&str; 20] = [
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
    "/run",
    "/var/lib",
    "/var/spool",
    "/var/log",
    "/var/cache",
    "/var/mail",
    "/var/backups",
];

/// Shared directories refused as themselves: a directory of one's own inside them is fine.
pub const SHARED_DIRS: [&str; 8] = ["/tmp", "/var/tmp", "/home", "/var", "/srv", "/opt", "/mnt", "/media"];

/// Whether `path` (absolute, normalised) is `/`, a sensitive root, or inside one.
fn refusal_reason(path: &Path) -> Option<String> {
    if path == Path::new("/") {
        return Some("it is the root directory `/`".into());
    }
    if SHARED_DIRS.iter().any(|shared| path == Path::new(shared)) {
        return Some("it is a shared directory itself; use a directory of its own inside it".into());
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
        codes::WORKDIR_REFUSED,
        format!("working directory `{}` is refused: {reason}", path.display()),
    )
    .with_help(
        "set `native_execution.working_directory` to a directory of its own, such as /srv/agents/work",
    );
    if shown != path {
        e = e.with_note(format!("`{}` resolves to `{}`", path.display(), shown.display()));
    }
    e.with_note(format!(
        "refused: `/`, {} themselves, and everything under {}",
        SHARED_DIRS.join(", "),
        SENSITIVE_ROOTS.join(", ")
    ))
}

/// Who may own the working directory itself (its parents always follow the same rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// Tier None: only the user symbi runs as, since programs run there as that user with
    /// `HOME` pointing at it.
    Symbi,
    /// Container tiers: also any other user but root, since the container then runs as that
    /// user (docs/containers.md) and nothing of the host runs code found there.
    SymbiOrContainerUser,
}

impl Owner {
    /// The rule of the tier whose calls run in the directory.
    pub fn for_tier(tier: crate::security::Tier) -> Owner {
        if tier == crate::security::Tier::None { Owner::Symbi } else { Owner::SymbiOrContainerUser }
    }
}

/// Applies the rules to `path` and returns the canonical directory to run in, creating it
/// (and any missing parent, each mode 0700) when missing.
pub fn prepare(path: &Path) -> Result<PathBuf, SandboxError> {
    prepare_for(path, Owner::Symbi)
}

/// [`prepare`] with the owner rule of the tier that will use the directory.
pub fn prepare_for(path: &Path, owner: Owner) -> Result<PathBuf, SandboxError> {
    if !path.is_absolute() {
        return Err(SandboxError::new(
            codes::WORKDIR_NOT_ABSOLUTE,
            format!("working directory `{}` is not absolute", path.display()),
        )
        .with_help("give an absolute path, such as /srv/agents/work"));
    }
    let prospective = resolve_prospective(path).map_err(|why| unusable(path, why))?;
    if let Some(reason) = refusal_reason(&prospective) {
        return Err(refused(path, &prospective, reason));
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&prospective)
        .map_err(|e| unusable(path, format!("it cannot be created: {e}")))?;
    let canonical = std::fs::canonicalize(&prospective).map_err(|e| unusable(path, e.to_string()))?;
    if let Some(reason) = refusal_reason(&canonical) {
        return Err(refused(path, &canonical, reason));
    }
    if !canonical.is_dir() {
        return Err(unusable(path, "it is not a directory".into()));
    }
    trust_for(&canonical, owner).map_err(|why| untrusted(path, &canonical, why))?;
    Ok(canonical)
}

/// Checks that `dir` (canonical) is owned by the effective user and writable by nobody else,
/// and that each parent up to `/` is owned by that user or root and writable by nobody else
/// unless its sticky bit is set (as on `/tmp`, where no one can replace another's entry).
pub fn trust(dir: &Path) -> Result<(), String> {
    trust_for(dir, Owner::Symbi)
}

/// [`trust`] with the owner rule of the tier that will use the directory.
pub fn trust_for(dir: &Path, owner: Owner) -> Result<(), String> {
    let euid = nix::unistd::geteuid().as_raw();
    let meta = std::fs::symlink_metadata(dir).map_err(|e| format!("`{}`: {e}", dir.display()))?;
    let owner_ok = meta.uid() == euid || (owner == Owner::SymbiOrContainerUser && meta.uid() != 0);
    if !owner_ok {
        return Err(format!(
            "it is owned by {} (mode {:04o}), not by the user symbi runs as ({})",
            user(meta.uid()),
            meta.mode() & 0o7777,
            user(euid)
        ));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(format!("it is writable by group or others (mode {:04o})", meta.mode() & 0o7777));
    }
    for parent in dir.ancestors().skip(1) {
        let meta = std::fs::symlink_metadata(parent).map_err(|e| format!("`{}`: {e}", parent.display()))?;
        if meta.uid() != euid && meta.uid() != 0 {
            return Err(format!(
                "its parent `{}` is owned by {} (mode {:04o}), neither root nor the user symbi runs as",
                parent.display(),
                user(meta.uid()),
                meta.mode() & 0o7777
            ));
        }
        if meta.mode() & 0o022 != 0 && meta.mode() & 0o1000 == 0 {
            return Err(format!(
                "its parent `{}` is writable by group or others without the sticky bit (mode {:04o})",
                parent.display(),
                meta.mode() & 0o7777
            ));
        }
    }
    Ok(())
}

/// `uid 65534 (nobody)`, or `uid N` when the name is unknown.
fn user(uid: u32) -> String {
    match nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid)) {
        Ok(Some(u)) => format!("uid {uid} ({})", u.name),
        _ => format!("uid {uid}"),
    }
}

fn untrusted(path: &Path, canonical: &Path, why: String) -> SandboxError {
    let mut e = SandboxError::new(
        codes::WORKDIR_UNTRUSTED,
        format!("working directory `{}` is not trusted: {why}", path.display()),
    )
    .with_note(
        "the program runs there with HOME set to it, so whoever can write there can plant start-up \
         files (.gitconfig, .bashrc, python .pth files) that it would run",
    )
    .with_help(
        "use a directory owned by the user symbi runs as and writable only by it (chmod go-w), \
         inside parents owned by that user or root; or remove it and let symbi create it",
    );
    if canonical != path {
        e = e.with_note(format!("`{}` resolves to `{}`", path.display(), canonical.display()));
    }
    e
}

fn unusable(path: &Path, why: String) -> SandboxError {
    SandboxError::new(
        codes::WORKDIR_UNUSABLE,
        format!("working directory `{}` cannot be used: {why}", path.display()),
    )
    .with_help("point `native_execution.working_directory` at a directory symbi can create and enter")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_roots_and_their_insides_are_refused() {
        for p in [
            "/",
            "/etc",
            "/etc/ssl",
            "/usr/lib",
            "/lib64/x",
            "/libexec",
            "/proc/1",
            "/var/lib/docker/v",
            "/var/lib",
            "/var/lib/postgresql",
            "/var/spool/cron",
            "/var/log",
            "/var/cache/apt",
            "/var/mail",
            "/run/user/0",
            "/tmp",
            "/var/tmp",
            "/home",
            "/var",
            "/srv",
        ] {
            assert!(refusal_reason(Path::new(p)).is_some(), "{p} should be refused");
        }
        for p in ["/tmp/x", "/tmp/etc", "/home/x", "/var/tmp/x", "/srv/usr", "/opt/library", "/var/www"] {
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
