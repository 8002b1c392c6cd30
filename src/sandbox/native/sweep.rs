//! The fallback teardown when no cgroup can hold a call: symbi becomes a child subreaper,
//! so every orphan of a call (a `setsid` escapee whose parent died, a double-forked daemon)
//! is re-parented to symbi instead of init, and a sweep kills and reaps them.
//!
//! A process can only be recognised as a call's orphan by being symbi's child without
//! being the direct child of a call in flight; this assumes the native runner is what
//! starts processes in symbi (true of the `symbi` binary). A spawn holds a shared lock
//! from the fork until its child is registered, and a sweep holds it exclusively, so a sweep
//! never mistakes a call's freshly started child for an orphan, while spawns never wait for
//! one another (concurrent calls do not serialise).

use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;
use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock, PoisonError, RwLock, RwLockReadGuard};
use std::time::{Duration, Instant};

/// The direct children of native calls in flight.
static IN_FLIGHT: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());

/// Shared by spawns between fork and registration, exclusive for a sweep.
static SPAWNING: RwLock<()> = RwLock::new(());

/// Held while a child is spawned and until [`register`]: no sweep runs meanwhile, other
/// spawns do.
pub fn spawning() -> RwLockReadGuard<'static, ()> {
    SPAWNING.read().unwrap_or_else(PoisonError::into_inner)
}

/// Records the direct child of a call in flight.
pub fn register(pid: i32) {
    IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner).insert(pid);
}

/// Forgets a call's direct child once it is reaped.
pub fn forget(pid: i32) {
    IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner).remove(&pid);
}

/// Makes symbi a child subreaper (once); whether that worked.
pub fn enable_subreaper() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| nix::sys::prctl::set_child_subreaper(true).is_ok())
}

/// symbi's children: every thread's `/proc/self/task/TID/children` (orphans are adopted by
/// some thread of the subreaper), or a scan of `/proc` where the kernel lacks that file.
fn own_children() -> Vec<i32> {
    let me = std::process::id() as i32;
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return scan_children_of(me) };
    let mut out = Vec::new();
    for task in tasks.flatten() {
        match std::fs::read_to_string(task.path().join("children")) {
            Ok(list) => out.extend(list.split_whitespace().filter_map(|p| p.parse::<i32>().ok())),
            Err(_) => return scan_children_of(me),
        }
    }
    out
}

/// The pids whose parent is `parent`, from a scan of `/proc`.
fn scan_children_of(parent: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| parent_of(*pid) == Some(parent))
        .collect()
}

/// The parent pid of `pid` (field 4 of `/proc/PID/stat`, after the parenthesised name).
pub fn parent_of(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// Kills and reaps symbi's children that belong to no call in flight, until none is left
/// (each kill can orphan that process's own children, which then come to symbi).
pub fn sweep() {
    let _no_spawn = SPAWNING.write().unwrap_or_else(PoisonError::into_inner);
    for _ in 0..64 {
        let in_flight = IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let orphans: Vec<i32> = own_children().into_iter().filter(|p| !in_flight.contains(p)).collect();
        if orphans.is_empty() {
            return;
        }
        for pid in &orphans {
            let _ = kill(Pid::from_raw(*pid), Signal::SIGKILL);
        }
        for pid in orphans {
            reap(pid);
        }
    }
}

/// Waits (briefly) for a killed orphan and collects its status; only that pid is waited
/// for, so the children tokio tracks are never reaped behind its back.
fn reap(pid: i32) {
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        let alive =
            matches!(waitpid(Pid::from_raw(pid), Some(WaitPidFlag::WNOHANG)), Ok(WaitStatus::StillAlive));
        if !alive || Instant::now() > deadline {
            return;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}
