//! A call's direct child, whoever forked it: symbi itself (`std::process`, the fallback) or
//! the spawner (a namespaced call's init, [`Spawned`]).

use super::spawned::Spawned;
use std::os::fd::OwnedFd;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::sync::Arc;

/// A call's direct child.
pub enum Process {
    /// Forked by symbi, which reaps it.
    Forked(tokio::process::Child),
    /// A namespace's init forked by the spawner, which reaps it.
    Spawned(Spawned),
}

impl Process {
    /// Its pid (0 once a forked child was reaped).
    pub fn pid(&self) -> i32 {
        match self {
            Process::Forked(child) => child.id().map_or(0, |p| p as i32),
            Process::Spawned(init) => init.pid,
        }
    }

    /// The pidfd that ends it, for an init of the spawner's.
    pub fn pidfd(&self) -> Option<Arc<OwnedFd>> {
        match self {
            Process::Forked(_) => None,
            Process::Spawned(init) => Some(init.pidfd()),
        }
    }

    /// Waits for it to exit: its status, where symbi reaps it. An init of the spawner's has
    /// none for symbi (the program's own comes through the status pipe): it counts as killed,
    /// which is what an init that wrote no status was.
    pub async fn wait(&mut self) -> Option<ExitStatus> {
        match self {
            Process::Forked(child) => child.wait().await.ok(),
            Process::Spawned(init) => {
                init.wait().await.ok()?;
                Some(ExitStatus::from_raw(libc::SIGKILL))
            }
        }
    }
}
