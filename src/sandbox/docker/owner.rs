//! Which symbi process owns a container, and removing the containers of dead owners.
//!
//! Every container carries its owner's pid, the owner's start time (field 22 of
//! `/proc/<pid>/stat`, so a reused pid is not mistaken for the owner) and where that pid
//! means something: the host's boot id and symbi's pid namespace, so an engine shared by
//! several machines or containers never has one judge another's pids.
//! A container whose owner on this host is gone is a leftover: [`sweep_dead_owners`]
//! removes those when a container tier is first used and in `symbi doctor`, and the
//! [`super::watchdog`] removes a dead owner's containers within seconds.

use super::engine::{self, Bound};
use super::spec::MANAGED_LABEL;
use bollard::Docker;
use bollard::query_parameters::ListContainersOptionsBuilder;
use std::collections::HashMap;

/// The owner's pid.
pub const PID_LABEL: &str = "dev.symbi.owner-pid";
/// The owner's start time in clock ticks since boot.
pub const START_LABEL: &str = "dev.symbi.owner-start";
/// The boot id of the owner's host and its pid namespace (`<boot id>/pid:[<inode>]`).
pub const HOST_LABEL: &str = "dev.symbi.owner-host";

/// One process as the labels name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    /// The pid.
    pub pid: u32,
    /// Its start time (`/proc/<pid>/stat` field 22).
    pub start: String,
    /// The host's boot id and the pid namespace.
    pub host: String,
}

impl Owner {
    /// This process.
    pub fn me() -> Owner {
        let pid = std::process::id();
        Owner { pid, start: start_time(pid).unwrap_or_default(), host: host_id() }
    }

    /// The labels a container of this owner carries (besides the managed label).
    pub fn labels(&self) -> HashMap<String, String> {
        HashMap::from([
            (PID_LABEL.to_string(), self.pid.to_string()),
            (START_LABEL.to_string(), self.start.clone()),
            (HOST_LABEL.to_string(), self.host.clone()),
        ])
    }

    /// Whether this owner is still running: the pid exists with the same start time.
    pub fn alive(&self) -> bool {
        start_time(self.pid).is_some_and(|s| s == self.start)
    }
}

/// The start time of `pid` (field 22 of its stat line), if it exists.
pub fn start_time(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses: count from its end.
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(19).map(String::from)
}

/// Where this process's pids mean something: the boot id and the pid namespace.
pub fn host_id() -> String {
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").unwrap_or_default();
    let ns = std::fs::read_link("/proc/self/ns/pid").map(|p| p.display().to_string()).unwrap_or_default();
    format!("{}/{ns}", boot.trim())
}

/// Removes the containers of `owner` (its pid and start time); returns how many.
pub async fn remove_owned_by(docker: &Docker, owner: &Owner) -> usize {
    let filters = HashMap::from([(
        "label",
        vec![
            format!("{MANAGED_LABEL}=true"),
            format!("{PID_LABEL}={}", owner.pid),
            format!("{START_LABEL}={}", owner.start),
        ],
    )]);
    let opts = ListContainersOptionsBuilder::new().all(true).filters(&filters).build();
    let Ok(list) = engine::bounded(Bound::Short, docker.list_containers(Some(opts))).await else { return 0 };
    let mut removed = 0;
    for id in list.into_iter().filter_map(|c| c.id) {
        if super::guard::remove(docker, &id).await.is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Removes every managed container whose owner on this host is dead; returns their ids.
/// Containers without owner labels (older symbi versions) and those of other hosts are
/// left alone: their owners cannot be judged from here.
pub async fn sweep_dead_owners(docker: &Docker) -> Vec<String> {
    let filters = HashMap::from([("label", vec![format!("{MANAGED_LABEL}=true"), PID_LABEL.to_string()])]);
    let opts = ListContainersOptionsBuilder::new().all(true).filters(&filters).build();
    let Ok(list) = engine::bounded(Bound::Short, docker.list_containers(Some(opts))).await else {
        return Vec::new();
    };
    let host = host_id();
    let mut removed = Vec::new();
    for c in list {
        let labels = c.labels.unwrap_or_default();
        let owner = Owner {
            pid: labels.get(PID_LABEL).and_then(|p| p.parse().ok()).unwrap_or(0),
            start: labels.get(START_LABEL).cloned().unwrap_or_default(),
            host: labels.get(HOST_LABEL).cloned().unwrap_or_default(),
        };
        if owner.pid == 0 || owner.host != host || owner.alive() {
            continue;
        }
        if let Some(id) = c.id
            && super::guard::remove(docker, &id).await.is_ok()
        {
            removed.push(id);
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_reused_pid_is_not() {
        let me = Owner::me();
        assert!(!me.start.is_empty() && !me.host.is_empty(), "{me:?}");
        assert!(me.alive());
        let reused = Owner { start: "1".into(), ..me.clone() };
        assert!(!reused.alive(), "same pid, other start time: another process");
        let gone = Owner { pid: u32::MAX, ..me };
        assert!(!gone.alive());
    }
}
