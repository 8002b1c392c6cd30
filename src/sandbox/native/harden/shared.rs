//! One Landlock ruleset for all the calls of one confinement, built once and enforced by
//! each call's program, and the temporary folders those calls take turns with.
//!
//! Calls with the same working directory (the same folder, not only the same path), the
//! same allowlist, network choice and configured paths are granted exactly the same paths,
//! so they can share a ruleset: a call then costs one `landlock_restrict_self` instead of
//! about 155 rule insertions and the descriptors' churn (docs/performance.md). The ruleset
//! can only grow, so:
//!
//! - the temporary folders are fixed folders of the confinement (`t0`, `t1`, ... in one
//!   private parent): a call takes a free one as its `TMPDIR`, and it is emptied (and its
//!   mode reset) before the next call takes it. Each is granted by a rule of its own, not
//!   through the parent, so no call can create, remove or replace anything beside them.
//!   The calls of one confinement may read and write each other's folders while they run
//!   (docs/security.md); other confinements' rulesets do not hold them;
//! - each program adds a rule for its own `/proc` before it enforces the ruleset (that
//!   `/proc` exists only in its mount namespace). Only calls with their own PID and mount
//!   namespace share a ruleset: another call's `/proc` rule then names a file system no
//!   path of theirs reaches. A call without a namespace gets a ruleset of its own, since its
//!   `/proc/self` rule would name its process in the host's `/proc`. As those rules pile up
//!   in the kernel (and in every domain made from the ruleset), the ruleset is built anew
//!   every [`REBUILD_AFTER`] calls.

use super::super::code::PrivateDir;
use super::ruleset::{self, Grant};
use std::os::fd::OwnedFd;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

/// Calls made from one ruleset before it is built anew without their `/proc` rules.
pub const REBUILD_AFTER: u32 = 32;

/// Confinements kept at once; the least recently used goes first (a long-running symbi
/// serving many working directories keeps only this many rulesets and parents).
const KEPT: usize = 32;

/// What makes two calls' confinements the same.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// The working directory's path, device and inode.
    pub workdir: (PathBuf, u64, u64),
    /// The allowlist as written (its installations are derived from it).
    pub allowed: Vec<String>,
    /// `readable_paths`.
    pub readable: Vec<PathBuf>,
    /// `writable_paths`.
    pub writable: Vec<PathBuf>,
    /// The agent declared `network`.
    pub network: bool,
}

/// The paths a confinement grants besides its temporary folders.
pub struct Grants {
    /// Read.
    pub read: Vec<PathBuf>,
    /// Written.
    pub write: Vec<PathBuf>,
}

/// One confinement: its ruleset and its temporary folders.
pub struct Confinement {
    network: bool,
    grants: Grants,
    parent: PrivateDir,
    state: Mutex<State>,
}

struct State {
    ruleset: Arc<OwnedFd>,
    calls: u32,
    made: usize,
    folders: Vec<PathBuf>,
    free: Vec<PathBuf>,
}

/// A call's temporary folder, given back (emptied) when dropped.
pub struct Folder {
    /// The folder, the call's `TMPDIR`.
    pub path: PathBuf,
    owner: Arc<Confinement>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The confinements kept, least recently used first.
type Kept = Mutex<Vec<(Key, Arc<Confinement>)>>;

/// The confinement of `key`, made by `grants` (called only when it is not kept yet).
pub fn get(key: &Key, grants: impl FnOnce() -> Grants) -> Result<Arc<Confinement>, TakeError> {
    static KEPT_NOW: OnceLock<Kept> = OnceLock::new();
    let mut kept = lock(KEPT_NOW.get_or_init(Default::default));
    if let Some(at) = kept.iter().position(|(k, _)| k == key) {
        let entry = kept.remove(at);
        let found = entry.1.clone();
        kept.push(entry);
        return Ok(found);
    }
    let grants = grants();
    let parent = PrivateDir::create().map_err(TakeError::Folder)?;
    let ruleset = build(&grants, &[], key.network).map_err(TakeError::Ruleset)?;
    let made = Arc::new(Confinement {
        network: key.network,
        grants,
        parent,
        state: Mutex::new(State {
            ruleset: Arc::new(ruleset),
            calls: 0,
            made: 0,
            folders: Vec::new(),
            free: Vec::new(),
        }),
    });
    if kept.len() >= KEPT {
        kept.remove(0);
    }
    kept.push((key.clone(), made.clone()));
    Ok(made)
}

fn build(grants: &Grants, folders: &[PathBuf], network: bool) -> Result<OwnedFd, String> {
    let write = grants.write.iter().chain(folders).map(PathBuf::as_path).collect();
    ruleset::create(
        &ruleset::CallPaths { read: grants.read.clone(), write },
        network,
        ruleset::Reuse::ManyCalls,
    )
}

impl Confinement {
    /// A temporary folder for one call, and the ruleset that grants it. `Err` when no folder
    /// can be made (a full or read-only temporary directory).
    pub fn take(self: &Arc<Self>) -> Result<(Folder, Arc<OwnedFd>), TakeError> {
        let mut state = lock(&self.state);
        let path = match state.free.pop() {
            Some(path) => path,
            None => {
                let path = self.parent.path.join(format!("t{}", state.made));
                state.made += 1;
                std::fs::DirBuilder::new().mode(0o700).create(&path).map_err(TakeError::Folder)?;
                ruleset::add(&state.ruleset, &path, Grant::Write).map_err(TakeError::Ruleset)?;
                state.folders.push(path.clone());
                path
            }
        };
        state.calls += 1;
        if state.calls > REBUILD_AFTER {
            let fresh = build(&self.grants, &state.folders, self.network);
            match fresh {
                Ok(fresh) => {
                    state.ruleset = Arc::new(fresh);
                    state.calls = 1;
                }
                Err(e) => {
                    state.free.push(path);
                    return Err(TakeError::Ruleset(e));
                }
            }
        }
        Ok((Folder { path, owner: self.clone() }, state.ruleset.clone()))
    }
}

/// Why a call got no temporary folder or ruleset.
#[derive(Debug)]
pub enum TakeError {
    /// The folder cannot be created.
    Folder(std::io::Error),
    /// The ruleset cannot be extended or rebuilt.
    Ruleset(String),
}

impl Drop for Folder {
    fn drop(&mut self) {
        // The call's processes are gone: nothing of it stays for the next call. A folder
        // that cannot be emptied (or was turned into something else) is not given out again.
        if empty(&self.path).is_ok() {
            lock(&self.owner.state).free.push(std::mem::take(&mut self.path));
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
            lock(&self.owner.state).folders.retain(|f| *f != self.path);
        }
    }
}

/// Removes everything inside `dir` and gives it back mode 0700, the folder as symbi made
/// it. Links are removed, never followed.
fn empty(dir: &Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(dir)?;
    if !meta.is_dir() || meta.uid() != nix::unistd::geteuid().as_raw() {
        return Err(std::io::ErrorKind::InvalidData.into());
    }
    if meta.mode() & 0o7777 != 0o700 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rule a call's program adds to its ruleset (its `/proc`, `ChildConfinement`) stays
    /// in the ruleset for the calls after it: the kernel's ruleset is one object behind
    /// every copy of the descriptor. So the calls given one ruleset are bounded: after 1000
    /// calls of one confinement, no ruleset has served more than `REBUILD_AFTER` of them,
    /// and a call's domain carries at most that many other calls' `/proc` rules (each
    /// costs ~0.3 µs more in `landlock_restrict_self`, docs/performance.md).
    #[test]
    fn no_ruleset_serves_more_than_rebuild_after_calls() {
        if super::super::HostSupport::get().require(false).is_err() {
            return;
        }
        let workdir = tempfile::tempdir().unwrap();
        let meta = std::fs::metadata(workdir.path()).unwrap();
        let key = Key {
            workdir: (workdir.path().to_path_buf(), meta.dev(), meta.ino()),
            allowed: vec!["/bin/true".into()],
            readable: Vec::new(),
            writable: Vec::new(),
            network: false,
        };
        let grants = || Grants { read: Vec::new(), write: vec![workdir.path().to_path_buf()] };
        let confinement = get(&key, grants).unwrap();
        let mut served: Vec<(i32, u32)> = Vec::new();
        let mut held = Vec::new();
        for _ in 0..1000 {
            let (folder, ruleset) = confinement.take().unwrap();
            let fd = std::os::fd::AsRawFd::as_raw_fd(&*ruleset);
            match served.last_mut() {
                Some((last, n)) if *last == fd => *n += 1,
                _ => served.push((fd, 1)),
            }
            // Keep the previous ruleset alive, as a running call would, so a new one
            // cannot reuse its descriptor number.
            held.push(ruleset);
            if held.len() > 2 {
                held.remove(0);
            }
            drop(folder);
        }
        assert!(served.len() >= 1000 / REBUILD_AFTER as usize, "{} rulesets", served.len());
        assert!(served.iter().all(|(_, n)| *n <= REBUILD_AFTER), "{served:?}");
    }
}
