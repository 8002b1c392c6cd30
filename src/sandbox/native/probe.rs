//! What containment this host offers tier None, for `symbi doctor` and the docs.

use super::cgroup;
use serde::Serialize;

/// The mechanisms tier None would use on this host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostContainment {
    /// How process counts are limited (`pids-cgroup`, `rlimit-nproc`, `none: ...`).
    pub processes: String,
    /// How CPU cores are limited (`cpu-cgroup-quota`, `cpu-affinity`).
    pub cpu_cores: String,
    /// How a call's process tree is ended (`pids-cgroup-sweep`, `freezer-cgroup-kill`,
    /// `cgroup-kill`, `subreaper-sweep`).
    pub teardown: String,
    /// The cgroup directories symbi creates call groups under.
    pub cgroups: Vec<String>,
    /// symbi runs as root (RLIMIT_NPROC does not apply).
    pub root: bool,
}

/// Detects the host's containment mechanisms (cgroups are probed by creating and removing
/// a test group; nothing else is changed).
pub fn probe() -> HostContainment {
    let host = cgroup::host();
    let root = nix::unistd::geteuid().is_root();
    let processes = if host.pids.is_some() {
        "pids-cgroup".to_string()
    } else if !root {
        "rlimit-nproc".to_string()
    } else {
        "none: running as root, where RLIMIT_NPROC does not apply, and no pids cgroup is writable".to_string()
    };
    let cpu_cores = if host.cpu.is_some() { "cpu-cgroup-quota" } else { "cpu-affinity" }.to_string();
    let teardown = cgroup::teardown_mechanism(host).unwrap_or("subreaper-sweep").to_string();
    let cgroups = cgroup::call_hierarchies(host).into_iter().map(|p| p.display().to_string()).collect();
    HostContainment { processes, cpu_cores, teardown, cgroups, root }
}
