//! Control groups: detected on the host, never assumed.
//!
//! Each call gets its own group in the hierarchies it needs: a v1 `pids` group (a
//! process-count limit that applies to root, unlike RLIMIT_NPROC, and the list of members
//! the call's teardown kills), a v1 `cpu` group (a CFS quota for `max_cpu_cores`) and, only
//! where there is no v1 `pids` hierarchy, a v1 `freezer` group or a cgroup v2 group with
//! `cgroup.kill`. The child joins them in `pre_exec`, before `exec`, so nothing it starts is
//! ever outside them. Unusable hierarchies are left out and reported.
//!
//! Why v1 groups come first: the child joins a v1 group by writing `0` to its `tasks`,
//! which moves only the calling thread (all a child has between `fork` and `exec`), and current
//! kernels skip the global `cgroup_threadgroup_rwsem` for a thread moving itself: tens of
//! microseconds. Joining through `cgroup.procs` (the only way into a v2 group) takes that
//! lock for writing, which waits for an RCU grace period: a millisecond or more per call.
//! (A kernel that takes the lock for `tasks` too costs what `cgroup.procs` would.)

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::fd::{AsRawFd, RawFd};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

mod pool;
pub use pool::release as release_pooled;

/// The cgroup hierarchies of this host that symbi can create groups in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hierarchies {
    /// Our own v2 group, when it offers `cgroup.kill`.
    pub unified_kill: Option<PathBuf>,
    /// Our own v1 `pids` group.
    pub pids: Option<PathBuf>,
    /// Our own v1 `cpu` group (CFS quota).
    pub cpu: Option<PathBuf>,
    /// Our own v1 `freezer` group.
    pub freezer: Option<PathBuf>,
}

/// The hierarchies, detected once per process.
pub fn host() -> &'static Hierarchies {
    static HOST: OnceLock<Hierarchies> = OnceLock::new();
    HOST.get_or_init(detect)
}

/// Reads `/proc/self/mountinfo` and `/proc/self/cgroup` and keeps our own group in each
/// hierarchy. Whether groups can really be made there is learnt from the first call group
/// ([`Kind::settle`]): no test group is created and removed at start-up.
fn detect() -> Hierarchies {
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let membership = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    let mut found = Hierarchies::default();
    for line in mountinfo.lines() {
        let Some((left, right)) = line.split_once(" - ") else { continue };
        let left: Vec<&str> = left.split(' ').collect();
        let right: Vec<&str> = right.split(' ').collect();
        let (Some(root), Some(mount), Some(fstype)) = (left.get(3), left.get(4), right.first()) else {
            continue;
        };
        let options = right.get(2).copied().unwrap_or("");
        match *fstype {
            "cgroup2" => {
                found.unified_kill = own_group(mount, root, &membership, |c| c.is_empty());
            }
            "cgroup" => {
                let has = |name: &str| options.split(',').any(|o| o == name);
                for (name, slot) in
                    [("pids", &mut found.pids), ("cpu", &mut found.cpu), ("freezer", &mut found.freezer)]
                {
                    if has(name) && slot.is_none() {
                        *slot = own_group(mount, root, &membership, |c| c.split(',').any(|x| x == name));
                    }
                }
            }
            _ => {}
        }
    }
    let mut swept = Vec::new();
    for (dir, kind) in [
        (&found.unified_kill, Kind::Unified),
        (&found.pids, Kind::Pids),
        (&found.cpu, Kind::Cpu),
        (&found.freezer, Kind::Freezer),
    ] {
        if let Some(dir) = dir {
            swept.extend(collect_stale(dir, kind));
        }
    }
    let _ = SWEPT.set(swept);
    found
}

/// The leftover groups this process collected when it detected the hierarchies.
static SWEPT: OnceLock<Vec<Leftover>> = OnceLock::new();

/// A call group left behind by a symbi process that no longer exists, and collected.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Leftover {
    /// The group's directory.
    pub group: String,
    /// How many processes were still in it (and were killed).
    pub killed: usize,
    /// Whether the group could be removed.
    pub removed: bool,
}

/// The leftover groups collected at this process's start (detecting the hierarchies first
/// if nothing has yet).
pub fn swept() -> &'static [Leftover] {
    host();
    SWEPT.get().map_or(&[], Vec::as_slice)
}

/// Which hierarchy a parent directory belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Unified,
    Pids,
    Cpu,
    Freezer,
}

/// Kills the members of call groups left by symbi processes that no longer exist (a symbi
/// killed before it could end its calls), then removes the groups.
fn collect_stale(parent: &Path, kind: Kind) -> Vec<Leftover> {
    let Ok(entries) = std::fs::read_dir(parent) else { return Vec::new() };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix("symbi-")) else { continue };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        let dir = entry.path();
        let teardown = match kind {
            Kind::Pids => Teardown { pids: Some(dir.clone()), ..Teardown::default() },
            Kind::Freezer => Teardown { freezer: Some(dir.clone()), ..Teardown::default() },
            Kind::Unified => Teardown { unified: Some(dir.clone()), ..Teardown::default() },
            // A v1 cpu group has no `cgroup.kill`: its members are killed one by one.
            Kind::Cpu => Teardown { unified: Some(dir.clone()), ..Teardown::default() },
        };
        let killed = teardown.members().len();
        let deadline = Instant::now() + Duration::from_secs(1);
        while !teardown.members().is_empty() && Instant::now() < deadline {
            teardown.kill_all();
            std::thread::sleep(Duration::from_millis(2));
        }
        let removed = std::fs::remove_dir(&dir).is_ok();
        out.push(Leftover { group: dir.display().to_string(), killed, removed });
    }
    out
}

/// The directory of our own group in the hierarchy mounted at `mount`.
fn own_group(mount: &str, root: &str, membership: &str, wanted: impl Fn(&str) -> bool) -> Option<PathBuf> {
    let path = membership.lines().find_map(|line| {
        let mut parts = line.splitn(3, ':');
        let (_id, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        wanted(controllers).then(|| path.to_string())
    })?;
    // Inside a cgroup namespace the mount root and our path are both relative to it.
    let relative = path.strip_prefix(root.trim_end_matches('/')).unwrap_or(&path);
    let dir = Path::new(mount).join(relative.trim_start_matches('/'));
    dir.is_dir().then_some(dir)
}

/// The hierarchies in which a group can really be created and has the file it is wanted
/// for, for `symbi doctor`: each not yet settled by a call is settled now by making one
/// group (left in the pool, so the next call reuses it).
pub fn verified() -> Hierarchies {
    let host = host();
    let keep = |kind: Kind, dir: &Option<PathBuf>| {
        dir.clone().filter(|parent| {
            if kind.state() == UNKNOWN {
                let mut probe = CallGroup::default();
                if probe.join(kind, parent, &fresh_name(), |_| true).is_some() {
                    probe.remove();
                }
            }
            kind.state() == USABLE
        })
    };
    Hierarchies {
        unified_kill: keep(Kind::Unified, &host.unified_kill),
        pids: keep(Kind::Pids, &host.pids),
        cpu: keep(Kind::Cpu, &host.cpu),
        freezer: keep(Kind::Freezer, &host.freezer),
    }
}

const UNKNOWN: u8 = 0;
const USABLE: u8 = 1;
const UNUSABLE: u8 = 2;

/// Per hierarchy: whether groups can be made in it, learnt from the first attempt.
static STATES: [AtomicU8; 4] = [const { AtomicU8::new(UNKNOWN) }; 4];

impl Kind {
    /// What the first group made in this hierarchy showed.
    fn state(self) -> u8 {
        STATES[self as usize].load(Ordering::Relaxed)
    }

    /// Records the outcome of the first group made here; later outcomes change nothing (a
    /// hierarchy that fails for one call is left out of that call only).
    fn settle(self, usable: bool) {
        let _ = STATES[self as usize].compare_exchange(
            UNKNOWN,
            if usable { USABLE } else { UNUSABLE },
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    /// The file a group of this hierarchy must have to be of use.
    fn needed_file(self) -> &'static str {
        match self {
            Kind::Unified => "cgroup.kill",
            Kind::Pids => "pids.max",
            Kind::Cpu => "cpu.cfs_quota_us",
            Kind::Freezer => "freezer.state",
        }
    }

    /// The file a child writes `0` to in order to join a group of this hierarchy.
    fn join_file(self) -> &'static str {
        match self {
            // Only the v2 group must be joined through `cgroup.procs` (see the module doc).
            Kind::Unified => "cgroup.procs",
            _ => "tasks",
        }
    }
}

/// A new group name: `symbi-<pid>-<n>`, which [`collect_stale`] recognises once the pid is
/// gone.
fn fresh_name() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("symbi-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// How a call's tree is ended on a host with the hierarchies `hosts` (the report of
/// `symbi doctor`): [`Teardown::mechanism`]'s order of preference, which
/// [`CallGroup::create`] follows.
pub fn teardown_mechanism(hosts: &Hierarchies) -> Option<&'static str> {
    Teardown { pids: hosts.pids.clone(), freezer: hosts.freezer.clone(), unified: hosts.unified_kill.clone() }
        .mechanism()
}

/// The hierarchies calls create groups in on this host: pids and cpu, and the freezer or the
/// v2 hierarchy only as the teardown of a host without a v1 pids hierarchy.
pub fn call_hierarchies(hosts: &Hierarchies) -> Vec<&PathBuf> {
    let fallback = if hosts.pids.is_some() {
        &None
    } else {
        hosts.freezer.as_ref().map_or(&hosts.unified_kill, |_| &hosts.freezer)
    };
    [&hosts.pids, &hosts.cpu, fallback].into_iter().flatten().collect()
}

const PIDS_SWEEP: &str = "pids-cgroup-sweep";
const FREEZER_KILL: &str = "freezer-cgroup-kill";
const CGROUP_KILL: &str = "cgroup-kill";

/// What ends one call's tree: the group that lists its members, and how it is killed.
/// Cheap to clone, so the registry of calls in flight can end them too.
#[derive(Clone, Debug, Default)]
pub struct Teardown {
    /// The v1 pids group: forks are stopped (`pids.max` 0), then the members are killed.
    pids: Option<PathBuf>,
    /// The v1 freezer group: frozen, members killed, thawed.
    freezer: Option<PathBuf>,
    /// The v2 group, whose `cgroup.kill` ends the call.
    unified: Option<PathBuf>,
}

impl Teardown {
    /// The mechanism's name for `ExecResult.containment`, or `None` without any group. The
    /// order is the order of preference: the v1 groups first, since joining them is cheap.
    pub fn mechanism(&self) -> Option<&'static str> {
        if self.pids.is_some() {
            Some(PIDS_SWEEP)
        } else if self.freezer.is_some() {
            Some(FREEZER_KILL)
        } else if self.unified.is_some() {
            Some(CGROUP_KILL)
        } else {
            None
        }
    }

    /// The members of the call's group.
    pub fn members(&self) -> Vec<i32> {
        let Some(dir) = self.pids.as_ref().or(self.freezer.as_ref()).or(self.unified.as_ref()) else {
            return Vec::new();
        };
        std::fs::read_to_string(dir.join("cgroup.procs"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect()
    }

    /// Kills every member, without waiting for them to be gone.
    pub fn kill_all(&self) {
        if let Some(dir) = &self.pids {
            // With `pids.max` at 0 no member can fork any more (fork fails with EAGAIN), so
            // the list can only shrink: a fork that was already past its check shows its
            // child by the next pass. This is what makes the sweep complete, as a freeze
            // would, without a second group to join.
            let _ = write(&dir.join("pids.max"), "0");
            for _ in 0..64 {
                if self.signal_members() == 0 {
                    break;
                }
            }
            return;
        }
        if let Some(dir) = &self.freezer {
            // Frozen processes cannot fork, so one pass over the list kills everyone.
            let state = dir.join("freezer.state");
            if write(&state, "FROZEN") {
                let deadline = Instant::now() + Duration::from_millis(500);
                while Instant::now() < deadline
                    && std::fs::read_to_string(&state).map(|s| s.trim() != "FROZEN").unwrap_or(false)
                {
                    std::thread::sleep(Duration::from_micros(200));
                }
                self.signal_members();
                let _ = write(&state, "THAWED");
                return;
            }
        }
        if let Some(dir) = &self.unified
            && write(&dir.join("cgroup.kill"), "1")
        {
            return;
        }
        self.signal_members();
    }

    fn signal_members(&self) -> usize {
        let members = self.members();
        for pid in &members {
            let _ =
                nix::sys::signal::kill(nix::unistd::Pid::from_raw(*pid), nix::sys::signal::Signal::SIGKILL);
        }
        members.len()
    }
}

/// One call's groups.
#[derive(Debug, Default)]
pub struct CallGroup {
    /// The groups created for this call.
    dirs: Vec<PathBuf>,
    /// The file of each group the child writes `0` to, opened before the fork so the child
    /// only writes: `tasks` for v1 groups, `cgroup.procs` for the v2 group.
    joins: Vec<File>,
    /// How the call's tree is ended.
    teardown: Teardown,
    /// A `pids.max` limit was set.
    pub limits_processes: bool,
    /// A CPU quota was set.
    pub limits_cpu: bool,
}

/// Which limits the call wants from cgroups.
#[derive(Clone, Copy, Debug, Default)]
pub struct GroupLimits {
    /// `pids.max`.
    pub max_processes: Option<u64>,
    /// CFS quota in cores.
    pub max_cpu_cores: Option<f64>,
    /// The groups must also end the call's tree (no PID namespace does).
    pub teardown: bool,
}

impl CallGroup {
    /// Creates this call's groups in the usable hierarchies it needs. A hierarchy that fails
    /// now is left out (and the call falls back), never a reason to refuse the call.
    pub fn create(hosts: &Hierarchies, limits: GroupLimits) -> CallGroup {
        let name = fresh_name();
        let mut group = CallGroup::default();
        // The pids group is made even without a process limit when it is also the member
        // list that teardown needs (no PID namespace), at the cost of one cheap join. A
        // pooled group still holds the last call's `pids.max` (0 after a sweep): always set.
        if let Some(parent) =
            hosts.pids.as_ref().filter(|_| limits.teardown || limits.max_processes.is_some())
        {
            let max = limits.max_processes.map_or("max".to_string(), |m| m.max(1).to_string());
            group.teardown.pids =
                group.join(Kind::Pids, parent, &name, |dir| write(&dir.join("pids.max"), &max));
            group.limits_processes = group.teardown.pids.is_some() && limits.max_processes.is_some();
        }
        // A quota of at least every CPU symbi may use limits nothing; skipping it saves a
        // group (and the child's migration into it).
        let cpus = super::limits::own_cpu_count();
        if let (Some(parent), Some(cores)) = (&hosts.cpu, limits.max_cpu_cores.filter(|c| *c < cpus as f64)) {
            let quota = ((cores * 100_000.0) as u64).max(1_000);
            group.limits_cpu = group
                .join(Kind::Cpu, parent, &name, |dir| {
                    write(&dir.join("cpu.cfs_period_us"), "100000")
                        && write(&dir.join("cpu.cfs_quota_us"), &quota.to_string())
                })
                .is_some();
        }
        if limits.teardown
            && group.teardown.pids.is_none()
            && let Some(parent) = &hosts.freezer
        {
            group.teardown.freezer =
                group.join(Kind::Freezer, parent, &name, |dir| write(&dir.join("freezer.state"), "THAWED"));
        }
        if limits.teardown
            && group.teardown.mechanism().is_none()
            && let Some(parent) = &hosts.unified_kill
        {
            group.teardown.unified = group.join(Kind::Unified, parent, &name, |_| true);
        }
        group
    }

    /// Takes an emptied group of this hierarchy from the pool, or creates `parent/name`;
    /// configures it and opens its join file. The first group of a hierarchy settles whether
    /// the hierarchy is usable at all.
    fn join(
        &mut self,
        kind: Kind,
        parent: &Path,
        name: &str,
        configure: impl Fn(&Path) -> bool,
    ) -> Option<PathBuf> {
        if kind.state() == UNUSABLE {
            return None;
        }
        let dir = match pool::take(parent) {
            Some(dir) => dir,
            None => {
                let dir = parent.join(name);
                if std::fs::create_dir(&dir).is_err() {
                    kind.settle(false);
                    return None;
                }
                dir
            }
        };
        let settled = kind.state() == USABLE;
        let joining = OpenOptions::new().write(true).open(dir.join(kind.join_file()));
        match joining {
            Ok(file) if (settled || dir.join(kind.needed_file()).exists()) && configure(&dir) => {
                kind.settle(true);
                self.joins.push(file);
                self.dirs.push(dir.clone());
                Some(dir)
            }
            _ => {
                kind.settle(false);
                let _ = std::fs::remove_dir(&dir);
                None
            }
        }
    }

    /// The descriptors the child writes `0` to (joining every group).
    pub fn join_fds(&self) -> Vec<RawFd> {
        self.joins.iter().map(|f| f.as_raw_fd()).collect()
    }

    /// How the call's tree is ended.
    pub fn teardown(&self) -> &Teardown {
        &self.teardown
    }

    /// Kills every member, without waiting for them to be gone.
    pub fn kill_all(&self) {
        self.teardown.kill_all();
    }

    /// Whether no process is left in the groups.
    pub fn is_empty(&self) -> bool {
        self.teardown.members().is_empty()
    }

    /// Gives the groups back: an emptied group goes to the pool for the next call, any
    /// other is removed (it must be empty; a group that is not yet is retried briefly).
    pub fn remove(&mut self) {
        self.joins.clear();
        let deadline = Instant::now() + Duration::from_secs(2);
        self.dirs.retain(|dir| {
            if pool::put(dir) {
                return false;
            }
            while std::fs::remove_dir(dir).is_err() {
                if Instant::now() > deadline || !dir.exists() {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            false
        });
    }

    /// Whether any group was created.
    pub fn is_active(&self) -> bool {
        !self.dirs.is_empty()
    }
}

impl Drop for CallGroup {
    fn drop(&mut self) {
        if self.dirs.is_empty() {
            return;
        }
        self.kill_all();
        self.remove();
    }
}

fn write(path: &Path, value: &str) -> bool {
    OpenOptions::new().write(true).open(path).and_then(|mut f| f.write_all(value.as_bytes())).is_ok()
}
