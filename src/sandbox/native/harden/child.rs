//! What the program's process does to itself just before `exec`: empty its capability
//! sets, set `no_new_privs`, enter its Landlock domain and install the seccomp filters.
//! Everything that needs memory was prepared in the parent; this only makes system calls
//! (async-signal-safe), and every failure fails the spawn.
#![allow(
    unsafe_code,
    reason = "prctl, Landlock's restrict_self and seccomp in the child before exec; nix wraps none"
)]

use crate::sandbox::native::caps;
use std::ffi::CStr;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::Arc;

/// The confinement one call's program applies to itself.
#[derive(Debug)]
pub struct ChildConfinement {
    /// The call's Landlock ruleset (shared with other calls of the same confinement).
    pub ruleset: Arc<OwnedFd>,
    /// The `/proc` the program may read: the call's own (`/proc`, in its PID namespace), or
    /// only its own process (`/proc/self`) when `/proc` is the host's.
    pub proc_path: &'static CStr,
    /// The Landlock rights on it.
    pub proc_rights: u64,
    /// The seccomp program.
    pub filter: &'static super::syscalls::Program,
    /// Whether the program may use the network (which `filter` was built for).
    pub network: bool,
    /// The highest capability number of this kernel.
    pub last_cap: u32,
    /// Emptying the bounding set must succeed (symbi is root); an unprivileged symbi has no
    /// capability to lose, and `no_new_privs` keeps the program from gaining any.
    pub must_drop_capabilities: bool,
}

fn check(r: libc::c_long) -> io::Result<()> {
    if r < 0 { Err(io::Error::last_os_error()) } else { Ok(()) }
}

impl ChildConfinement {
    /// Applies the confinement to the calling process (between fork and exec).
    pub fn apply(&self) -> io::Result<()> {
        self.drop_capabilities()?;
        self.add_proc_rule();
        // SAFETY: prctl and the Landlock system calls with integer arguments and a
        // descriptor this process holds.
        unsafe {
            check(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0).into())?;
            check(libc::syscall(libc::SYS_landlock_restrict_self, self.ruleset.as_raw_fd(), 0u32))?;
        }
        let program = libc::sock_fprog {
            len: self.filter.len() as libc::c_ushort,
            filter: self.filter.as_ptr().cast_mut(),
        };
        // SAFETY: the program outlives the call (a static); the kernel copies it.
        unsafe {
            check(libc::syscall(
                libc::SYS_seccomp,
                libc::SECCOMP_SET_MODE_FILTER,
                0u32,
                &program as *const libc::sock_fprog,
            ))
        }
    }

    /// Empties the bounding, ambient and inheritable sets, so that the `exec` of any
    /// program, root's or setuid, ends with no capability at all.
    fn drop_capabilities(&self) -> io::Result<()> {
        caps::drop_bounding(0..=self.last_cap, self.must_drop_capabilities)?;
        caps::clear_ambient();
        // Root's `exec` keeps what is inheritable: nothing may be.
        caps::set_sets(caps::Sets::clear_inheritable)
    }

    /// Lets the program read the `/proc` of its call. Opened here, not in the parent: the
    /// call's `/proc` exists only in its mount namespace. A failure leaves `/proc` closed.
    fn add_proc_rule(&self) {
        // SAFETY: open(2) of a static path; the descriptor is closed below.
        let fd = unsafe { libc::open(self.proc_path.as_ptr(), libc::O_PATH | libc::O_CLOEXEC) };
        if fd < 0 {
            return;
        }
        super::ruleset::add_path_rule(&self.ruleset, fd, self.proc_rights);
        // SAFETY: closing the descriptor opened above.
        unsafe { libc::close(fd) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;

    /// Runs `f` in a forked child and returns its exit code.
    fn in_child(f: impl FnOnce() -> i32) -> i32 {
        // SAFETY: the child runs `f` (system calls only) and exits without returning.
        match unsafe { libc::fork() } {
            0 => {
                let code = f();
                // SAFETY: ends the child at once, without the parent's exit handlers.
                unsafe { libc::_exit(code) }
            }
            pid => match nix::sys::wait::waitpid(nix::unistd::Pid::from_raw(pid), None) {
                Ok(nix::sys::wait::WaitStatus::Exited(_, code)) => code,
                other => panic!("{other:?}"),
            },
        }
    }

    /// Why a shared ruleset is rebuilt (`shared::REBUILD_AFTER`): the `/proc` rule one
    /// call's program adds goes into the kernel's ruleset that every call of the
    /// confinement enforces, so a later call's domain grants that path too.
    #[test]
    fn a_rule_added_by_one_program_reaches_the_next_calls_domain() {
        if super::super::HostSupport::get().require(true).is_err() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f"), "x").unwrap();
        let ruleset = super::super::ruleset::create(
            &super::super::ruleset::CallPaths { read: Vec::new(), write: Vec::new() },
            true,
            super::super::ruleset::Reuse::ManyCalls,
        )
        .unwrap();
        let ruleset = Arc::new(ruleset);
        let file = CString::new(dir.path().join("f").as_os_str().as_bytes()).unwrap();
        // Reads `f` under the ruleset as it is now: 0 when it could.
        let read_confined = || {
            in_child(|| {
                // SAFETY: prctl, Landlock and open(2) with live arguments.
                unsafe {
                    libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
                    if libc::syscall(libc::SYS_landlock_restrict_self, ruleset.as_raw_fd(), 0u32) != 0 {
                        return 2;
                    }
                    if libc::open(file.as_ptr(), libc::O_RDONLY) >= 0 { 0 } else { 1 }
                }
            })
        };
        assert_eq!(read_confined(), 1, "the folder is not in the ruleset yet");
        let path: &'static CStr =
            Box::leak(CString::new(dir.path().as_os_str().as_bytes()).unwrap().into_boxed_c_str());
        let first_call = ChildConfinement {
            ruleset: ruleset.clone(),
            proc_path: path,
            proc_rights: super::super::ruleset::proc_rights(),
            filter: super::super::syscalls::program(true).unwrap(),
            network: true,
            last_cap: 0,
            must_drop_capabilities: false,
        };
        assert_eq!(
            in_child(|| {
                first_call.add_proc_rule();
                0
            }),
            0
        );
        assert_eq!(read_confined(), 0, "the first call's rule stayed in the shared ruleset");
    }
}
