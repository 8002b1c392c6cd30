//! What containment this host offers tier None, for `symbi doctor` and the docs.

use super::cgroup::{self, Leftover};
use super::pidns;
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
    /// Each call gets its own PID and mount namespace (the child cannot reach symbi, and
    /// its whole tree dies with symbi).
    pub pid_namespace: bool,
    /// Call groups of symbi processes that died during a call, collected now: their
    /// remaining processes killed and the groups removed.
    pub leftover_groups: Vec<Leftover>,
}

/// Detects the host's containment mechanisms (cgroups are probed by creating and removing
/// a test group, namespaces by creating one for no process; leftover call groups of dead
/// symbi processes are collected).
pub fn probe() -> HostContainment {
    let verified = cgroup::verified();
    cgroup::release_pooled();
    let host = &verified;
    let root = nix::unistd::geteuid().is_root();
    let processes = if host.pids.is_some() {
        "pids-cgroup".to_string()
    } else if !root {
        "rlimit-nproc".to_string()
    } else {
        "none: running as root, where RLIMIT_NPROC does not apply, and no pids cgroup is writable".to_string()
    };
    let cpu_cores = if host.cpu.is_some() { "cpu-cgroup-quota" } else { "cpu-affinity" }.to_string();
    let pid_namespace = pidns::available();
    let teardown = if pid_namespace {
        pidns::TEARDOWN
    } else {
        cgroup::teardown_mechanism(host).unwrap_or("subreaper-sweep")
    }
    .to_string();
    let cgroups = cgroup::call_hierarchies(host).into_iter().map(|p| p.display().to_string()).collect();
    let leftover_groups = cgroup::swept().to_vec();
    HostContainment { processes, cpu_cores, teardown, cgroups, root, pid_namespace, leftover_groups }
}
