//! The calls in flight, so that symbi can end them all at once when it is interrupted
//! (Ctrl-C) before their futures are dropped in order.

use super::cgroup::Teardown;
use std::collections::BTreeMap;
use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// What it takes to kill one call's tree without its `Tree`: the process group (or the
/// pidfd of the namespace's init, when the spawner forked it) and the call's cgroup teardown.
#[derive(Clone, Debug)]
struct Entry {
    pgid: i32,
    pidfd: Option<Arc<OwnedFd>>,
    teardown: Teardown,
}

static ACTIVE: Mutex<BTreeMap<u64, Entry>> = Mutex::new(BTreeMap::new());

/// Records a call in flight; returns its key for [`forget`].
pub fn record(pgid: i32, pidfd: Option<Arc<OwnedFd>>, teardown: Teardown) -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let key = NEXT.fetch_add(1, Ordering::Relaxed);
    ACTIVE.lock().unwrap_or_else(PoisonError::into_inner).insert(key, Entry { pgid, pidfd, teardown });
    key
}

/// Removes a finished call.
pub fn forget(key: u64) {
    ACTIVE.lock().unwrap_or_else(PoisonError::into_inner).remove(&key);
}

/// Kills every process of every native call in flight (their futures then finish with
/// the children's deaths, or are dropped). For a Ctrl-C handler; returns how many calls
/// were in flight.
pub fn terminate_all() -> usize {
    let entries: Vec<Entry> =
        ACTIVE.lock().unwrap_or_else(PoisonError::into_inner).values().cloned().collect();
    for entry in &entries {
        if let Some(pidfd) = &entry.pidfd {
            super::spawner::signal(pidfd, libc::SIGKILL);
            entry.teardown.kill_all();
            continue;
        }
        let _ = nix::sys::signal::killpg(
            nix::unistd::Pid::from_raw(entry.pgid),
            nix::sys::signal::Signal::SIGKILL,
        );
        entry.teardown.kill_all();
    }
    entries.len()
}
