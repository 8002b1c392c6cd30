//! Hardened tier None: every process of a call confined by the kernel before `exec`.
//!
//! - writes only beneath the working directory, the call's `TMPDIR` and the
//!   configured `writable_paths`; reads only of the system folders, `/etc` without its
//!   secrets, a few device nodes, the call's own `/proc`, the working directory, the
//!   installation of each allowed executable and the configured `readable_paths`
//!   (Landlock, `ruleset`);
//! - no TCP bind or connect (Landlock) and no socket but `AF_UNIX` (seccomp) unless the
//!   agent declares `network`, which then allows `AF_INET` and `AF_INET6` too;
//! - `no_new_privs`, every capability gone, and a deny-list of system calls answered with
//!   `EPERM` (`syscalls`).
//!
//! The ruleset and the filter are prepared in symbi, once for all the calls of one
//! confinement (`shared`); the program's process only enforces them on itself (`child`),
//! so its descendants inherit them. A host that cannot enforce
//! a rule refuses the call (`host`): E0480 (Landlock), E0481 (seccomp), E0482 (the
//! confinement cannot be prepared), E0483 (no private temporary folder).

mod child;
mod host;
mod paths;
mod report;
mod ruleset;
mod shared;
pub(super) mod syscalls;

pub use child::ChildConfinement;
pub use host::{ABI_WITH_NETWORK, ABI_WITHOUT_NETWORK, HostSupport, PRETEND_NO_LANDLOCK, PRETEND_NO_SECCOMP};
pub use report::{HardeningReport, report};

use super::code::PrivateDir;
use super::resolve;
use crate::diag::codes;
use crate::sandbox::SandboxError;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The configured part of a hardened runner (`[native_execution]`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// `writable_paths`: folders every hardened call may also write.
    pub writable: Vec<PathBuf>,
    /// `readable_paths`: folders and files every hardened call may also read.
    pub readable: Vec<PathBuf>,
}

/// One call's facts the confinement depends on.
pub struct Call<'a> {
    /// The checked working directory.
    pub workdir: &'a Path,
    /// The allowlist, whose installations are readable.
    pub allowed_executables: &'a [String],
    /// The folder of the call's code file, if it has one.
    pub code_dir: Option<&'a Path>,
    /// The agent declared `network`.
    pub network: bool,
    /// The call runs in its own PID and mount namespace (its `/proc` is its own).
    pub namespaced: bool,
}

/// A call's confinement, ready for the child, and its private temporary folder (removed
/// when this is dropped, after the call).
pub struct Prepared {
    /// What the program applies to itself before `exec`.
    pub child: ChildConfinement,
    /// The call's `TMPDIR`.
    pub tmpdir: TempDir,
    /// The mechanisms, for the transcript's `containment:` line.
    pub report: String,
}

/// A hardened call's `TMPDIR`, emptied when dropped, after the call.
pub enum TempDir {
    /// A folder of its own, removed.
    Own(PrivateDir),
    /// One of its confinement's folders, emptied and given back.
    Shared(shared::Folder),
}

impl TempDir {
    /// The folder.
    pub fn path(&self) -> &Path {
        match self {
            TempDir::Own(dir) => &dir.path,
            TempDir::Shared(folder) => &folder.path,
        }
    }
}

impl Settings {
    /// What makes `call`'s confinement the same as other calls', when it can be shared
    /// with them.
    fn key(&self, call: &Call<'_>) -> Option<shared::Key> {
        if !call.namespaced || call.code_dir.is_some() {
            return None;
        }
        let meta = std::fs::metadata(call.workdir).ok()?;
        Some(shared::Key {
            workdir: (call.workdir.to_path_buf(), meta.dev(), meta.ino()),
            allowed: call.allowed_executables.to_vec(),
            readable: self.readable.clone(),
            writable: self.writable.clone(),
            network: call.network,
        })
    }

    /// Prepares the confinement of `call`, or refuses it when the host cannot enforce it.
    pub fn prepare(&self, call: &Call<'_>) -> Result<Prepared, SandboxError> {
        let host = HostSupport::get();
        host.require(call.network)?;
        let unprepared = |detail: String| {
            SandboxError::new(
                codes::HARDENING_UNPREPARED,
                format!("the confinement of this hardened call cannot be prepared: {detail}"),
            )
            .with_help(
                "check that every path in `native_execution.readable_paths` and `writable_paths` exists, \
                     or run the agent on a container tier",
            )
        };
        let filter = syscalls::program(call.network).map_err(unprepared)?;
        let no_tmpdir = |e: std::io::Error| {
            SandboxError::new(
                codes::HARDENING_NO_TMPDIR,
                format!("the private temporary folder of a hardened call cannot be created: {e}"),
            )
            .with_note(format!("under {}", std::env::temp_dir().display()))
            .with_help("make the temporary directory ($TMPDIR, else /tmp) writable by symbi")
        };
        let taken = |e: shared::TakeError| match e {
            shared::TakeError::Folder(e) => no_tmpdir(e),
            shared::TakeError::Ruleset(detail) => unprepared(detail),
        };
        let grants = || {
            let mut read: Vec<PathBuf> = installations(call.allowed_executables, call.workdir);
            read.extend(call.code_dir.map(Path::to_path_buf));
            read.extend(self.readable.iter().cloned());
            let mut write = vec![call.workdir.to_path_buf()];
            write.extend(self.writable.iter().cloned());
            shared::Grants { read, write }
        };
        // A code file's folder is new at every call, and a call without its own namespace
        // names its process in its `/proc` rule: those calls get a ruleset of their own
        // (`shared` says why).
        let (ruleset, tmpdir) = match self.key(call) {
            Some(key) => {
                let (folder, ruleset) = shared::get(&key, grants).and_then(|c| c.take()).map_err(taken)?;
                (ruleset, TempDir::Shared(folder))
            }
            None => {
                let tmpdir = PrivateDir::create().map_err(no_tmpdir)?;
                let shared::Grants { read, write } = grants();
                let mut write: Vec<&Path> = write.iter().map(PathBuf::as_path).collect();
                write.push(&tmpdir.path);
                let ruleset = ruleset::create(
                    &ruleset::CallPaths { read, write },
                    call.network,
                    ruleset::Reuse::OneCall,
                )
                .map_err(unprepared)?;
                (std::sync::Arc::new(ruleset), TempDir::Own(tmpdir))
            }
        };
        let root = nix::unistd::geteuid().is_root();
        let child = ChildConfinement {
            ruleset,
            proc_path: if call.namespaced { c"/proc" } else { c"/proc/self" },
            proc_rights: ruleset::proc_rights(),
            filter,
            network: call.network,
            last_cap: last_capability(),
            must_drop_capabilities: root,
        };
        let abi = host.landlock_abi.unwrap_or(0);
        let network = if call.network { "network granted" } else { "network refused" };
        let report =
            format!("landlock ABI {abi} ({network}), seccomp deny-list, no_new_privs, no capabilities");
        Ok(Prepared { child, tmpdir, report })
    }
}

/// The installations of the allowed executables that lie outside the system folders.
fn installations(allowed: &[String], workdir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for entry in allowed {
        let Some(canonical) = resolve::canonical_executable(entry, workdir) else { continue };
        if let Some(place) = paths::installation(&canonical)
            && !out.contains(&place)
        {
            out.push(place);
        }
    }
    out
}

/// The highest capability number this kernel knows (`/proc/sys/kernel/cap_last_cap`), or
/// the highest libc names when that cannot be read.
fn last_capability() -> u32 {
    static LAST: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *LAST.get_or_init(|| {
        std::fs::read_to_string("/proc/sys/kernel/cap_last_cap")
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(40)
    })
}
