//! Emptied call groups kept for the next call, so that a run of calls creates and removes
//! each group once rather than once per call (`mkdir` and `rmdir` of a cgroup are the
//! dearest file operations of a call: the kernel allocates, then offlines and frees, every
//! controller's state).
//!
//! A group is pooled only when it is empty in every sense that matters to the next call: no
//! member (`cgroup.procs`), nothing still charged (`pids.current` 0: a dead member is
//! uncharged only once reaped), and no child group (a member could have made one to hide
//! in). The next call sets every limit file it relies on again. Pooled groups keep the
//! `symbi-<pid>-<n>` name, so the groups of a symbi killed with SIGKILL are collected by
//! the next start like any other call group; [`release`] removes them at the end of a run.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// Groups kept at most, over all hierarchies: enough for the calls a run makes at once in
/// the common case, small enough that an idle symbi holds few kernel objects.
const SIZE: usize = 16;

static POOL: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// An emptied group whose parent is `parent`, if one is pooled.
pub fn take(parent: &Path) -> Option<PathBuf> {
    let mut pool = POOL.lock().unwrap_or_else(PoisonError::into_inner);
    let at = pool.iter().position(|dir| dir.parent() == Some(parent))?;
    Some(pool.swap_remove(at))
}

/// Keeps `dir` for the next call when it is reusable and the pool has room; whether it was
/// kept (otherwise the caller removes it).
pub fn put(dir: &Path) -> bool {
    if !reusable(dir) {
        return false;
    }
    let mut pool = POOL.lock().unwrap_or_else(PoisonError::into_inner);
    if pool.len() >= SIZE {
        return false;
    }
    pool.push(dir.to_path_buf());
    true
}

/// Removes every pooled group (at the end of a run).
pub fn release() {
    let groups = std::mem::take(&mut *POOL.lock().unwrap_or_else(PoisonError::into_inner));
    for dir in groups {
        let _ = std::fs::remove_dir(dir);
    }
}

/// No member, nothing charged, no child group.
fn reusable(dir: &Path) -> bool {
    // A cgroup directory's link count is 2 plus its child groups.
    let childless = std::fs::metadata(dir).is_ok_and(|m| m.nlink() == 2);
    let memberless = std::fs::read_to_string(dir.join("cgroup.procs")).is_ok_and(|s| s.trim().is_empty());
    let uncharged = match std::fs::read_to_string(dir.join("pids.current")) {
        Ok(current) => current.trim() == "0",
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    };
    childless && memberless && uncharged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_with_a_child_group_or_a_member_is_not_pooled() {
        let Some(parent) = crate::sandbox::native::cgroup::host().pids.clone() else { return };
        let dir = parent.join(format!("symbi-{}-pooltest", std::process::id()));
        if std::fs::create_dir(&dir).is_err() {
            return;
        }
        let _ = std::fs::create_dir(dir.join("hide"));
        assert!(!reusable(&dir), "a group with a child group was reusable");
        let _ = std::fs::remove_dir(dir.join("hide"));
        let mut sleeper = std::process::Command::new("sleep").arg("30").spawn().expect("sleep");
        let _ = std::fs::write(dir.join("cgroup.procs"), sleeper.id().to_string());
        assert!(!reusable(&dir), "a group with a member was reusable");
        let _ = sleeper.kill();
        let _ = sleeper.wait();
        assert!(reusable(&dir), "an emptied group was not reusable");
        let _ = std::fs::remove_dir(&dir);
    }
}
