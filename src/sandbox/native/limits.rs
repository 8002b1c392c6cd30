//! What the child does between `fork` and `exec`: one async-signal-safe `pre_exec`.
//!
//! Everything that needs memory is computed before the fork; [`ChildSetup::apply`] only
//! makes system calls, checks every return value and fails the spawn (the parent sees the
//! error from `spawn`) rather than run a program with a limit missing.

#![allow(
    unsafe_code,
    reason = "runs between fork and exec: raw syscalls on descriptors and cgroup files, no allocation"
)]

use super::harden::ChildConfinement;
use super::pidns::InitSetup;
use crate::sandbox::Limits;
use nix::sched::CpuSet;
use nix::sys::resource::{Resource, getrlimit, setrlimit};
use std::io;
use std::os::fd::RawFd;
use std::sync::OnceLock;

/// One rlimit to set: soft and hard values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rlimit {
    /// Which limit.
    pub resource: Resource,
    /// Soft value (the signal or error comes here).
    pub soft: u64,
    /// Hard value.
    pub hard: u64,
}

/// Everything the child applies to itself before `exec`.
#[derive(Debug, Default)]
pub struct ChildSetup {
    /// Descriptors of each call group's `tasks` (v1) or `cgroup.procs` (v2) to write `0`
    /// to (join the call's groups).
    pub cgroup_joins: Vec<RawFd>,
    /// rlimits, in order.
    pub rlimits: Vec<Rlimit>,
    /// CPU affinity, when cores are limited without a cgroup quota.
    pub affinity: Option<CpuSet>,
    /// symbi's pid: the child dies with SIGKILL when symbi does, and checks that symbi was
    /// still alive when it asked for that.
    pub parent: i32,
    /// The call's own PID namespace: the child is its init, which starts the program and
    /// stays behind; everything above then runs in the program's process.
    pub init: Option<InitSetup>,
    /// The hardened confinement the program applies to itself last.
    pub confinement: Option<ChildConfinement>,
}

/// The rlimits `limits` asks for. Hard values never exceed symbi's own hard limits (raising
/// them would fail for a non-root user); RLIMIT_CPU keeps its hard value one second above
/// the soft one, so the child gets SIGXCPU (and can be reported as such) before SIGKILL.
pub fn rlimits(limits: &Limits) -> Vec<Rlimit> {
    let mut out = vec![Rlimit { resource: Resource::RLIMIT_CORE, soft: 0, hard: 0 }];
    let mut push = |resource: Resource, soft: u64, hard: u64| {
        let current_hard = own_hard_limit(resource);
        let hard = hard.min(current_hard);
        out.push(Rlimit { resource, soft: soft.min(hard), hard });
    };
    if let Some(mb) = limits.max_memory_mb {
        let bytes = mb.saturating_mul(1024 * 1024);
        push(Resource::RLIMIT_AS, bytes, bytes);
    }
    if let Some(secs) = limits.max_cpu_seconds {
        let secs = secs.max(1);
        push(Resource::RLIMIT_CPU, secs, secs + 1);
    }
    if let Some(bytes) = limits.max_file_size_bytes {
        push(Resource::RLIMIT_FSIZE, bytes, bytes);
    }
    if let Some(n) = limits.max_open_files {
        // A program needs its three standard streams and the loader a few more.
        let n = n.max(8);
        push(Resource::RLIMIT_NOFILE, n, n);
    }
    if let Some(n) = limits.max_processes {
        push(Resource::RLIMIT_NPROC, n.max(1), n.max(1));
    }
    out
}

/// symbi's own hard limit of `resource`, read once per process (symbi never changes its
/// own limits; a call's limits are set in the child).
fn own_hard_limit(resource: Resource) -> u64 {
    const READ: [Resource; 5] = [
        Resource::RLIMIT_AS,
        Resource::RLIMIT_CPU,
        Resource::RLIMIT_FSIZE,
        Resource::RLIMIT_NOFILE,
        Resource::RLIMIT_NPROC,
    ];
    static HARD: OnceLock<Vec<(Resource, u64)>> = OnceLock::new();
    let hard = HARD.get_or_init(|| {
        READ.iter().map(|r| (*r, getrlimit(*r).map(|(_, h)| h).unwrap_or(u64::MAX))).collect()
    });
    match hard.iter().find(|(r, _)| *r == resource) {
        Some((_, h)) => *h,
        None => getrlimit(resource).map(|(_, h)| h).unwrap_or(u64::MAX),
    }
}

/// The CPUs symbi may use, read once per process.
fn own_affinity() -> Option<CpuSet> {
    static OWN: OnceLock<Option<CpuSet>> = OnceLock::new();
    *OWN.get_or_init(|| nix::sched::sched_getaffinity(nix::unistd::Pid::from_raw(0)).ok())
}

/// How many CPUs symbi may use (`usize::MAX` when unknown).
pub fn own_cpu_count() -> usize {
    static COUNT: OnceLock<usize> = OnceLock::new();
    *COUNT.get_or_init(|| {
        own_affinity().map_or(usize::MAX, |set| {
            (0..CpuSet::count()).filter(|c| set.is_set(*c).unwrap_or(false)).count()
        })
    })
}

/// The cores `cores` CPUs of this machine (the first ones symbi may use), for affinity.
pub fn affinity_for(cores: f64) -> Option<CpuSet> {
    let own = own_affinity()?;
    let wanted = cores.ceil().max(1.0) as usize;
    // Affinity to every CPU we have anyway limits nothing.
    if wanted >= own_cpu_count() {
        return None;
    }
    let mut set = CpuSet::new();
    let mut taken = 0;
    for cpu in 0..CpuSet::count() {
        if taken == wanted {
            break;
        }
        if own.is_set(cpu).unwrap_or(false) && set.set(cpu).is_ok() {
            taken += 1;
        }
    }
    (taken > 0).then_some(set)
}

impl ChildSetup {
    /// The hook body. Async-signal-safe: system calls only, no allocation, no locks.
    pub fn apply(&self) -> io::Result<()> {
        if let Some(init) = &self.init {
            // The init returns only when the program could not start.
            return Err(init.run(&|| self.in_program()));
        }
        // First of all, so the window in which symbi's death would leave this child is the
        // shortest (the confinement below takes the longest of the setup).
        nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)?;
        // symbi may have died between fork and prctl: then nobody would kill this child.
        if nix::unistd::getppid().as_raw() != self.parent {
            return Err(io::Error::from_raw_os_error(libc::ESRCH));
        }
        self.in_program()
    }

    /// What the program's own process applies to itself, last thing before its `exec`.
    fn in_program(&self) -> io::Result<()> {
        // First, while RLIMIT_NOFILE still covers every descriptor symbi may hold.
        close_inherited_on_exec()?;
        for fd in &self.cgroup_joins {
            // The child has one thread here, so `0` in a v1 `tasks` moves the whole process.
            // SAFETY: `fd` is an open descriptor inherited from the parent; the buffer is static.
            let written = unsafe { libc::write(*fd, b"0".as_ptr().cast(), 1) };
            if written != 1 {
                return Err(io::Error::last_os_error());
            }
        }
        for r in &self.rlimits {
            setrlimit(r.resource, r.soft, r.hard)?;
        }
        if let Some(set) = &self.affinity {
            nix::sched::sched_setaffinity(nix::unistd::Pid::from_raw(0), set)?;
        }
        match &self.confinement {
            Some(confinement) => confinement.apply(),
            None => Ok(()),
        }
    }
}

/// Marks every descriptor above the standard streams close-on-exec. symbi opens its own
/// with `O_CLOEXEC`, but it may have inherited others (a build tool's jobserver pipe, an
/// editor's socket) that would otherwise pass on to the child. They stay open until `exec`
/// itself, so the spawn's own error pipe still works.
fn close_inherited_on_exec() -> io::Result<()> {
    // SAFETY: close_range(2) with CLOSE_RANGE_CLOEXEC only changes descriptor flags.
    let r = unsafe { libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, libc::CLOSE_RANGE_CLOEXEC) };
    if r == 0 {
        return Ok(());
    }
    let err = io::Error::last_os_error();
    if err.raw_os_error() != Some(libc::ENOSYS) && err.raw_os_error() != Some(libc::EINVAL) {
        return Err(err);
    }
    // Kernels before 5.11: walk the descriptor table.
    let open_max = nix::unistd::sysconf(nix::unistd::SysconfVar::OPEN_MAX).ok().flatten();
    let max = open_max.unwrap_or(0).clamp(3, 1 << 20) as i32;
    for fd in 3..max {
        // SAFETY: fcntl on a closed descriptor fails with EBADF, which is ignored; no memory
        // is passed. (nix's fcntl wants a borrowed descriptor, which would need unsafe too.)
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
        // SAFETY: as above, on a descriptor just seen open; only its flags change.
        if flags >= 0 && unsafe { libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC) } < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_soft_limit_is_below_hard() {
        let limits = Limits { max_cpu_seconds: Some(2), ..Limits::default() };
        let cpu = rlimits(&limits).into_iter().find(|r| r.resource == Resource::RLIMIT_CPU);
        let cpu = cpu.map(|r| (r.soft, r.hard));
        assert!(matches!(cpu, Some((2, 3)) | Some((2, 2))), "{cpu:?}");
    }

    #[test]
    fn core_dumps_are_always_off_and_unset_limits_are_left_out() {
        let limits = Limits {
            max_memory_mb: None,
            max_cpu_seconds: None,
            max_file_size_bytes: None,
            max_open_files: None,
            max_processes: None,
            ..Limits::default()
        };
        assert_eq!(rlimits(&limits), vec![Rlimit { resource: Resource::RLIMIT_CORE, soft: 0, hard: 0 }]);
    }
}
