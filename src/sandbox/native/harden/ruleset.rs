//! The Landlock ruleset of one call or of one confinement's calls: the system paths, the
//! working directory, the temporary folders and the configured paths, which the child then
//! enforces on itself. The system paths are added by raw system call on descriptors opened
//! for the build, or kept open when rulesets are built call after call ([`Reuse`]).
#![allow(
    unsafe_code,
    reason = "adds Landlock rules by raw system call, one per rule, without the crate's per-rule fstat"
)]

use super::paths;
use landlock::{
    ABI, Access, AccessFs, AccessNet, BitFlags, PathBeneath, PathFd, Ruleset, RulesetAttr, RulesetCreatedAttr,
};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The ABI whose rights a ruleset handles: every file system right up to device ioctls
/// (ABI 5) and TCP bind and connect (ABI 4). On an older kernel the rights it lacks are
/// left out ([`HostSupport::require`](super::HostSupport::require) refused the call first
/// if that would leave a rule unenforced).
const TARGET: ABI = ABI::V5;

/// What a call may do beneath one path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    /// Read and execute.
    Read,
    /// Read, write and truncate a device node.
    Device,
    /// Everything: create, write, remove, rename.
    Write,
}

impl Grant {
    /// The Landlock rights of this grant, for a folder or (`file`) a single file.
    pub fn rights(self, file: bool) -> BitFlags<AccessFs> {
        let all = match self {
            Grant::Read => AccessFs::from_read(TARGET),
            Grant::Device => {
                AccessFs::ReadFile | AccessFs::WriteFile | AccessFs::Truncate | AccessFs::IoctlDev
            }
            Grant::Write => AccessFs::from_all(TARGET),
        };
        if file { all & AccessFs::from_file(TARGET) } else { all }
    }
}

/// A path opened for a rule, with its grant.
struct Opened {
    fd: PathFd,
    rights: BitFlags<AccessFs>,
}

/// A system path opened, with the raw rights the kernel takes (already narrowed to what
/// this kernel handles), so a build adds it with one system call and no `fstat`.
struct SystemRule {
    fd: PathFd,
    rights: u64,
}

impl Opened {
    fn open(path: &Path, grant: Grant) -> Option<Opened> {
        let file = !std::fs::metadata(path).ok()?.is_dir();
        Some(Opened { fd: PathFd::new(path).ok()?, rights: grant.rights(file) })
    }
}

/// The file system rights this kernel handles, as raw bits: a rule added by raw system call
/// must not name any other (the crate narrows its own rules the same way).
fn handled() -> u64 {
    let abi = super::HostSupport::get().landlock_abi.unwrap_or(0);
    AccessFs::from_all(ABI::from(abi).min(TARGET)).bits()
}

/// A system path with the raw rights of its rule, found once per process.
struct SystemPath {
    path: PathBuf,
    rights: u64,
}

/// The system part: the system folders, `/etc` without its secrets, the kernel facts and
/// the device nodes, listed (and `/etc` walked, its links resolved) once per process. Paths
/// this host lacks are left out.
fn system_paths() -> &'static [SystemPath] {
    static PATHS: OnceLock<Vec<SystemPath>> = OnceLock::new();
    PATHS.get_or_init(|| {
        let handled = handled();
        let rights = |path: &Path, grant: Grant| {
            let file = !std::fs::metadata(path).ok()?.is_dir();
            Some(SystemPath { path: path.to_path_buf(), rights: grant.rights(file).bits() & handled })
        };
        let read = paths::SYSTEM.iter().chain(paths::KERNEL_FACTS).map(PathBuf::from).chain(paths::etc());
        let read = read.filter_map(|p| rights(&p, Grant::Read));
        let devices = paths::DEVICES.iter().filter_map(|p| rights(Path::new(p), Grant::Device));
        read.chain(devices).filter(|p| p.rights != 0).collect()
    })
}

/// The system part, opened (one `open` each, no `stat`).
fn open_system() -> Vec<SystemRule> {
    let open = |p: &SystemPath| PathFd::new(&p.path).ok().map(|fd| SystemRule { fd, rights: p.rights });
    system_paths().iter().filter_map(open).collect()
}

/// The system part's descriptors kept open for the rulesets built at every call (see
/// [`Reuse`]); empty until such a call.
static KEPT: OnceLock<Vec<SystemRule>> = OnceLock::new();

/// Whether a ruleset is built for one call or for many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reuse {
    /// Built for one call (a call without its own namespace, or with a code file): the
    /// system part's ~155 descriptors are opened once and kept, so the next such call
    /// does not look the paths up again.
    OneCall,
    /// Built once for many calls: the descriptors are opened for this build and closed
    /// after it, unless already kept. Kept descriptors are copied into every `fork` and
    /// closed again in every child (docs/performance.md, "Hardened calls").
    ManyCalls,
}

/// `struct landlock_path_beneath_attr` of the kernel's uapi (packed there too).
#[repr(C, packed)]
pub struct PathBeneathAttr {
    /// The rights granted beneath the path.
    pub allowed_access: u64,
    /// The path, opened with `O_PATH`.
    pub parent_fd: i32,
}

/// `LANDLOCK_RULE_PATH_BENEATH`.
pub const RULE_PATH_BENEATH: libc::c_int = 1;

/// Adds one path rule with raw rights: the system part's fast path, and the child's `/proc`.
/// Returns the system call's result (0, or -1 with `errno`).
pub fn add_path_rule(ruleset: &OwnedFd, parent: libc::c_int, rights: u64) -> libc::c_long {
    let attr = PathBeneathAttr { allowed_access: rights, parent_fd: parent };
    // SAFETY: the attribute is a live, correctly laid out stack value; the descriptors are
    // valid for the call. Async-signal-safe (one system call).
    unsafe {
        libc::syscall(
            libc::SYS_landlock_add_rule,
            ruleset.as_raw_fd(),
            RULE_PATH_BENEATH,
            &attr as *const PathBeneathAttr,
            0u32,
        )
    }
}

/// One call's extra paths.
pub struct CallPaths<'a> {
    /// Folders and files read (working directory's siblings never: only what is listed).
    pub read: Vec<PathBuf>,
    /// Folders written.
    pub write: Vec<&'a Path>,
}

/// Creates the ruleset of one call: the system part, `paths`, and (unless `network`) no
/// TCP bind or connect at all. A listed path that cannot be opened is an error naming it.
pub fn create(paths: &CallPaths<'_>, network: bool, reuse: Reuse) -> Result<OwnedFd, String> {
    let error = |e: landlock::RulesetError| format!("the Landlock ruleset cannot be built: {e}");
    let mut ruleset = Ruleset::default().handle_access(AccessFs::from_all(TARGET)).map_err(error)?;
    if !network {
        ruleset = ruleset.handle_access(AccessNet::from_all(TARGET)).map_err(error)?;
    }
    let mut created = ruleset.create().map_err(error)?;
    let listed = paths.read.iter().map(|p| (p.as_path(), Grant::Read));
    for (path, grant) in listed.chain(paths.write.iter().map(|p| (*p, Grant::Write))) {
        let opened = Opened::open(path, grant)
            .ok_or_else(|| format!("`{}` cannot be opened for a Landlock rule", path.display()))?;
        created = created.add_rule(PathBeneath::new(&opened.fd, opened.rights)).map_err(error)?;
    }
    let fd: Option<OwnedFd> = created.into();
    let fd = fd.ok_or_else(|| "the kernel did not create a Landlock ruleset".to_string())?;
    let opened_now;
    let system: &[SystemRule] = match (reuse, KEPT.get()) {
        (_, Some(kept)) => kept,
        (Reuse::OneCall, None) => KEPT.get_or_init(open_system),
        (Reuse::ManyCalls, None) => {
            opened_now = open_system();
            &opened_now
        }
    };
    for rule in system {
        if add_path_rule(&fd, rule.fd.as_fd().as_raw_fd(), rule.rights) != 0 {
            return Err(format!("a Landlock rule cannot be added: {}", std::io::Error::last_os_error()));
        }
    }
    Ok(fd)
}

/// Adds `path` with `grant` to an existing ruleset (a shared one's new temporary folder):
/// calls whose domain is made from it afterwards may use the path, earlier domains are
/// unchanged.
pub fn add(ruleset: &OwnedFd, path: &Path, grant: Grant) -> Result<(), String> {
    let opened = Opened::open(path, grant)
        .ok_or_else(|| format!("`{}` cannot be opened for a Landlock rule", path.display()))?;
    if add_path_rule(ruleset, opened.fd.as_fd().as_raw_fd(), opened.rights.bits() & handled()) != 0 {
        return Err(format!("a Landlock rule cannot be added: {}", std::io::Error::last_os_error()));
    }
    Ok(())
}

/// The rights of `/proc` for the child's own rule (added in the child, where `/proc` is
/// the call's own), as the raw bits the kernel takes.
pub fn proc_rights() -> u64 {
    Grant::Read.rights(false).bits()
}
