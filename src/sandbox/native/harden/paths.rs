//! Which host paths a hardened call may read: the system folders a program needs, without
//! the secrets among them, and the installation of each allowed executable.

use std::path::{Path, PathBuf};

/// Folders every program may read and execute from.
pub const SYSTEM: &[&str] = &["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt"];

/// Kernel facts programs ask for to size thread pools (`nproc`, node, Python).
pub const KERNEL_FACTS: &[&str] = &["/sys/devices/system/cpu"];

/// Device nodes programs open as ordinary files, read and written.
pub const DEVICES: &[&str] = &["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"];

/// The secrets of `/etc`, which stay unreadable although the rest of `/etc` is readable.
pub const ETC_SECRETS: &[&str] = &[
    "/etc/shadow",
    "/etc/shadow-",
    "/etc/gshadow",
    "/etc/gshadow-",
    "/etc/sudoers",
    "/etc/sudoers.d",
    "/etc/ssl/private",
    "/etc/security/opasswd",
];

/// The folder of the SSH host keys (`ssh_host_*_key`), whose other files stay readable.
const SSH: &str = "/etc/ssh";

/// Whether `path` is one of `/etc`'s secrets.
pub fn is_secret(path: &Path) -> bool {
    if ETC_SECRETS.iter().any(|s| path == Path::new(s)) {
        return true;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    path.parent() == Some(Path::new(SSH)) && name.starts_with("ssh_host_") && name.ends_with("_key")
}

/// The readable parts of `/etc`: every entry except its secrets. Landlock grants whole
/// trees, so a folder holding a secret is granted entry by entry instead. Entries that
/// are links into `/proc` are left out: they would name symbi's own process.
pub fn etc() -> Vec<PathBuf> {
    let mut out = Vec::new();
    grant_except_secrets(Path::new("/etc"), &mut out);
    out
}

fn grant_except_secrets(dir: &Path, out: &mut Vec<PathBuf>) {
    let holds_secret = ETC_SECRETS.iter().chain([&SSH]).any(|s| Path::new(s).starts_with(dir));
    if !holds_secret {
        out.push(dir.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let into_proc = std::fs::canonicalize(&path).is_ok_and(|target| target.starts_with("/proc"));
        if is_secret(&path) || into_proc {
            continue;
        }
        let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        if is_dir { grant_except_secrets(&path, out) } else { out.push(path) }
    }
}

/// The installation an executable outside the system folders belongs to: the folder
/// above its `bin` (a pyenv or nvm version, a virtual environment), else its own folder.
/// `None` when the system folders already cover it.
pub fn installation(canonical: &Path) -> Option<PathBuf> {
    if SYSTEM.iter().any(|root| canonical.starts_with(root)) {
        return None;
    }
    let folder = canonical.parent()?;
    let root = match folder.file_name().and_then(|n| n.to_str()) {
        Some("bin" | "sbin") => folder.parent().unwrap_or(folder),
        _ => folder,
    };
    // Never a whole home folder or the file system root for a program lying loose there.
    let too_wide =
        root == Path::new("/") || root.parent() == Some(Path::new("/home")) || root == Path::new("/root");
    Some(if too_wide { folder.to_path_buf() } else { root.to_path_buf() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shadow_files_are_never_in_the_readable_part_of_etc() {
        let readable = etc();
        assert!(!readable.is_empty());
        for path in &readable {
            assert!(!is_secret(path), "{}", path.display());
            assert!(!Path::new("/etc/shadow").starts_with(path), "{} covers /etc/shadow", path.display());
            assert!(!Path::new("/etc/gshadow").starts_with(path), "{} covers /etc/gshadow", path.display());
        }
        assert!(readable.iter().any(|p| p == Path::new("/etc/passwd")));
        // `/etc/mtab` is a relative link to `../proc/self/mounts`: symbi's own process.
        assert!(!readable.iter().any(|p| p == Path::new("/etc/mtab")));
    }

    #[test]
    fn a_pyenv_python_brings_its_version_folder() {
        let python = Path::new("/root/.pyenv/versions/3.12.1/bin/python3.12");
        assert_eq!(installation(python), Some(PathBuf::from("/root/.pyenv/versions/3.12.1")));
        assert_eq!(installation(Path::new("/usr/bin/python3.11")), None);
        assert_eq!(installation(Path::new("/root/bin/tool")), Some(PathBuf::from("/root/bin")));
        assert_eq!(installation(Path::new("/srv/tool")), Some(PathBuf::from("/srv")));
    }
}
