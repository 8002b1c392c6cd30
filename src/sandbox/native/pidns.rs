//! The call's own PID and mount namespaces: a supervisor the child cannot reach, and a
//! tree that dies with symbi.
//!
//! Where symbi may create namespaces (root, or `CAP_SYS_ADMIN`), each call's direct child
//! is the init (pid 1) of a new PID namespace. It never runs the program: it gives itself
//! a private mount namespace with a fresh `/proc` (showing the namespace's processes only)
//! and every cgroup filesystem read-only, starts the program as pid 2 (without copying its
//! memory: `start`), reaps, and exits with it. The kernel then does the rest:
//!
//! - when the init exits or is killed, every process of the namespace is killed, wherever
//!   it moved (`setsid`, double fork, another cgroup): the call's teardown is one `SIGKILL`
//!   to the init;
//! - the init has `PR_SET_PDEATHSIG` = `SIGKILL`, so a symbi killed by any means takes the
//!   namespace with it, with no code of symbi's running after the kill;
//! - symbi has no pid inside the namespace and is not in its `/proc`: the program cannot
//!   signal, stop, trace or read symbi, nor signal its own init (pid 1 ignores signals from
//!   inside its namespace);
//! - the program runs without `CAP_SYS_ADMIN` (which could unmount the private `/proc` or
//!   mount a cgroup filesystem again) and `CAP_SYS_PTRACE`.
//!
//! The init is forked by the spawner (`spawner`) where symbi has one, otherwise by symbi.
//! `PR_SET_PDEATHSIG` fires when the *thread* that forked the init exits, not the process:
//! the spawner is single-threaded; symbi forks it on the thread that awaits the call (the
//! interpreter's thread in `symbi run`, which outlives every call).
//!
//! `unshare(CLONE_NEWPID)` changes the namespace of the calling thread's next children;
//! [`Entered`] undoes it with `setns` right after the fork, so nothing else this thread
//! starts later lands in a namespace whose init is gone.

#![allow(
    unsafe_code,
    reason = "clones into a new PID namespace and runs an init there: raw clone, setns, prctl and waitpid between fork and exec, which nix does not cover"
)]

use super::caps;
use super::start::{self, ProgramImage};
use std::ffi::CString;
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// The teardown's name in `ExecResult.containment` and `symbi doctor`.
pub const TEARDOWN: &str = "pid-namespace";

/// What the program may not keep: it could unmount the private `/proc` or remount the cgroup
/// filesystems (`CAP_SYS_ADMIN`) or trace its way around them (`CAP_SYS_PTRACE`).
const DROPPED_CAPS: [u32; 2] = [caps::CAP_SYS_PTRACE, caps::CAP_SYS_ADMIN];

/// symbi's own PID namespace, to return to after each fork (`None`: namespaces are not
/// available on this host to this process).
fn own_namespace() -> Option<&'static File> {
    static OWN: OnceLock<Option<File>> = OnceLock::new();
    OWN.get_or_init(|| {
        let own = File::open("/proc/self/ns/pid").ok()?;
        probe(&own).then_some(own)
    })
    .as_ref()
}

/// Starts one init with the whole setup (namespaces, mounts, capabilities) whose pid 2
/// exits instead of `exec`ing: whether it all worked. A host may allow the namespace and
/// refuse a step (a container whose `/proc` has masked paths refuses a new `/proc`
/// mount); calls then fall back rather than fail.
fn probe(own: &File) -> bool {
    let Ok((read, write)) = status_pipe() else { return false };
    let Ok(image) = ProgramImage::new(std::path::Path::new("/"), ["/"], []) else { return false };
    let setup = InitSetup::new(write.as_raw_fd(), image);
    let mut command = std::process::Command::new("/");
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    // SAFETY: `InitSetup::run` only makes async-signal-safe system calls; `_exit` too.
    // The program's process exits right after the setup instead of `exec`ing.
    unsafe { command.pre_exec(move || Err(setup.run(&|| libc::_exit(0)))) };
    let Ok(entered) = Entered::enter(own) else { return false };
    let spawned = command.spawn();
    drop(entered);
    drop(write);
    let Ok(child) = spawned else { return false };
    // The init writes the status once its program has exited, then exits itself. That exit
    // (the kernel tearing down a copy of symbi's memory and the namespaces) takes a few
    // hundred microseconds on a quiet machine and milliseconds under load
    // (docs/performance.md): it is reaped off the first call's path.
    let works = wait_readable(&read) && read_status(&read) == Some(0);
    let slot = Arc::new(Mutex::new(Some(child)));
    let theirs = slot.clone();
    let reaper = std::thread::Builder::new().name("symbi-probe-reap".into());
    let reap = move |slot: &Mutex<Option<std::process::Child>>| {
        if let Some(mut child) = slot.lock().unwrap_or_else(PoisonError::into_inner).take() {
            let _ = child.wait();
        }
    };
    if reaper.spawn(move || reap(&theirs)).is_err() {
        // No thread to spare: wait here rather than leave a zombie.
        reap(&slot);
    }
    works
}

/// Waits (at most five seconds) until `read` has data or its writers are gone.
fn wait_readable(read: &OwnedFd) -> bool {
    let mut poll = libc::pollfd { fd: read.as_raw_fd(), events: libc::POLLIN, revents: 0 };
    loop {
        // SAFETY: poll(2) on one valid descriptor.
        let r = unsafe { libc::poll(&mut poll, 1, 5_000) };
        if r >= 0 || io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return r > 0;
        }
    }
}

/// Whether calls get their own PID namespace on this host.
pub fn available() -> bool {
    own_namespace().is_some()
}

/// Makes symbi's own process non-dumpable (once): its `/proc/PID/environ`, memory and
/// descriptors are then readable only with `CAP_SYS_PTRACE`, so a child running as the same
/// unprivileged user (no namespace possible) cannot read secrets of symbi's environment.
/// Core dumps of symbi are off as a consequence.
pub fn guard_symbi() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = nix::sys::prctl::set_dumpable(false);
    });
}

/// The calling thread's next child starts a new PID namespace until this is dropped.
pub struct Entered {
    own: RawFd,
}

impl Entered {
    fn enter(own: &File) -> io::Result<Entered> {
        // SAFETY: unshare(2) with a namespace flag only changes this thread's namespaces.
        if unsafe { libc::unshare(libc::CLONE_NEWPID) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Entered { own: own.as_raw_fd() })
    }

    /// Enters a new PID namespace for the next fork of this thread, or `None` when calls
    /// do not get namespaces here.
    pub fn for_next_child() -> Option<Entered> {
        Entered::enter(own_namespace()?).ok()
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        // SAFETY: `own` is symbi's own PID namespace, held open for the whole process.
        unsafe { libc::setns(self.own, libc::CLONE_NEWPID) };
    }
}

/// What the init does before it starts the program. Built before the fork: the init only
/// makes system calls.
#[derive(Debug)]
pub struct InitSetup {
    /// symbi's pid: the init checks, once `PR_SET_PDEATHSIG` is set, that symbi has not
    /// already died.
    pub parent: i32,
    /// Where the init writes the program's wait status (4 bytes) before it exits.
    pub status: RawFd,
    /// The cgroup filesystems, made read-only in the call's mount namespace.
    cgroup_mounts: &'static CgroupMounts,
    /// Where symbi's environment strings lie (`/proc/self/stat`'s `env_start`, `env_end`).
    environment: Option<(usize, usize)>,
    /// What the program's process `exec`s.
    image: ProgramImage,
}

impl InitSetup {
    /// The setup of one call's init, starting `image` and writing its status to `status`.
    pub fn new(status: RawFd, image: ProgramImage) -> InitSetup {
        InitSetup {
            parent: std::process::id() as i32,
            status,
            cgroup_mounts: cgroup_mounts(),
            environment: *environment_area(),
            image,
        }
    }

    /// The setup of an init forked by the spawner, whose environment copy is blank already
    /// ([`blank_environment`]).
    pub fn in_spawner(status: RawFd, image: ProgramImage) -> InitSetup {
        InitSetup { environment: None, ..InitSetup::new(status, image) }
    }
}

/// Reads what an init's setup reads once per process (see `spawner::start`).
pub fn prepare_for_fork() {
    let _ = (environment_area(), cgroup_mounts());
}

/// Blanks this process's copy of symbi's environment strings, which `/proc/PID/environ`
/// shows: for a process forked from symbi that never `exec`s (an init, the spawner).
pub fn blank_environment() {
    if let Some((from, to)) = *environment_area() {
        // SAFETY: the range is this process's environment block (a copy-on-write copy of
        // symbi's, mapped and writable), which nothing in this process reads again.
        unsafe { std::ptr::write_bytes(from as *mut u8, 0, to - from) };
    }
}

/// The address range of symbi's environment strings, which `/proc/PID/environ` shows.
fn environment_area() -> &'static Option<(usize, usize)> {
    static AREA: OnceLock<Option<(usize, usize)>> = OnceLock::new();
    AREA.get_or_init(|| {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // Fields 50 and 51 (`env_start`, `env_end`); the third field follows the name.
        let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
        let start = fields.nth(50 - 3)?.parse().ok()?;
        let end = fields.next()?.parse().ok()?;
        (start < end && end - start < 1 << 24).then_some((start, end))
    })
}

/// The host's cgroup filesystems: every mount point, and the outermost ones.
#[derive(Debug, Default)]
struct CgroupMounts {
    /// Every cgroup and cgroup2 mount point, and the tmpfs holding them.
    all: Vec<CString>,
    /// Those not below another one (on most hosts only `/sys/fs/cgroup`): one recursive
    /// `mount_setattr` of each covers all.
    outermost: Vec<CString>,
}

/// The host's cgroup mounts, read once per process.
fn cgroup_mounts() -> &'static CgroupMounts {
    static MOUNTS: OnceLock<CgroupMounts> = OnceLock::new();
    MOUNTS.get_or_init(|| {
        parse_cgroup_mounts(&std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default())
    })
}

/// The cgroup mounts listed in a `/proc/PID/mountinfo` text.
fn parse_cgroup_mounts(mountinfo: &str) -> CgroupMounts {
    let mut paths = Vec::new();
    for line in mountinfo.lines() {
        let Some((left, right)) = line.split_once(" - ") else { continue };
        let Some(mount) = left.split(' ').nth(4) else { continue };
        let fstype = right.split(' ').next().unwrap_or("");
        let cgroupfs = fstype == "cgroup" || fstype == "cgroup2";
        if (cgroupfs || (fstype == "tmpfs" && mount == "/sys/fs/cgroup")) && !mount.contains('\\') {
            paths.push(mount.to_string());
        }
    }
    let below =
        |inner: &str, outer: &str| inner.strip_prefix(outer).is_some_and(|rest| rest.starts_with('/'));
    let outermost = paths.iter().filter(|p| !paths.iter().any(|o| below(p, o))).cloned().collect::<Vec<_>>();
    let c = |list: Vec<String>| list.into_iter().filter_map(|p| CString::new(p).ok()).collect();
    CgroupMounts { all: c(paths), outermost: c(outermost) }
}

/// A pipe for the program's status: (read end, write end), both close-on-exec.
pub fn status_pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 writes two descriptors into the array.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: both descriptors were just created and are owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// The program's wait status as the init wrote it, once the init has exited.
pub fn read_status(read: &OwnedFd) -> Option<i32> {
    let mut buf = [0u8; 4];
    // SAFETY: reading at most 4 bytes into a 4-byte buffer.
    let n = unsafe { libc::read(read.as_raw_fd(), buf.as_mut_ptr().cast(), 4) };
    (n == 4).then(|| i32::from_ne_bytes(buf))
}

impl InitSetup {
    /// Runs in the init (pid 1 of the new namespace) between fork and exec: sets the
    /// namespace up, starts the program (pid 2) with `program_setup` run in its process
    /// before its `exec`, and supervises it. Returns only why the program could not start
    /// (the spawn then fails with it); otherwise the init ends with the program.
    /// Async-signal-safe: system calls only.
    pub fn run(&self, program_setup: &dyn Fn() -> io::Result<()>) -> io::Error {
        match self.start(program_setup) {
            Ok(program) => self.supervise(program),
            Err(e) => e,
        }
    }

    fn start(&self, program_setup: &dyn Fn() -> io::Result<()>) -> io::Result<i32> {
        nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)?;
        // symbi may have died between fork and prctl: then nobody would kill this init.
        // `getppid` says 0 inside the namespace, so ask the host's /proc (still mounted).
        if host_parent().is_some_and(|p| p != self.parent) {
            return Err(io::Error::from_raw_os_error(libc::ESRCH));
        }
        // The init is a copy of symbi's memory and environment that never `exec`s: only
        // `CAP_SYS_PTRACE` (which the program lacks) may read it.
        nix::sys::prctl::set_dumpable(false)?;
        // Yet a root reader without it still gets `/proc/1/environ` (current kernels check
        // only the owner there), and the init's environment is symbi's: blank the copy.
        // The program's own environment was built before the fork and does not live here.
        if let Some((from, to)) = self.environment {
            // SAFETY: the range is this process's environment block (a copy-on-write copy
            // of symbi's, mapped and writable), which nothing in the init reads again.
            unsafe { std::ptr::write_bytes(from as *mut u8, 0, to - from) };
        }
        private_mounts(self.cgroup_mounts)?;
        let in_program = || {
            // The program dies if its init does (the kernel kills the namespace then anyway;
            // this covers the moment before the init is reaped).
            nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)?;
            drop_capabilities()?;
            program_setup()
        };
        start::program(&in_program, &self.image)
    }

    /// The init's life: hold nothing of the call's (so pipes close when the program's tree
    /// is gone), reap every orphan, and exit once the program has, passing its status on.
    fn supervise(&self, program: i32) -> ! {
        let status_fd = self.status as u32;
        // SAFETY: close_range(2) on descriptors of this process only; the status pipe stays.
        unsafe {
            libc::syscall(libc::SYS_close_range, 0u32, status_fd.saturating_sub(1), 0u32);
            libc::syscall(libc::SYS_close_range, status_fd + 1, u32::MAX, 0u32);
        }
        loop {
            let mut status = 0;
            // SAFETY: waitpid with a valid status pointer.
            let r = unsafe { libc::waitpid(-1, &mut status, 0) };
            if r == program {
                let bytes = status.to_ne_bytes();
                // SAFETY: write(2) of a 4-byte stack buffer; _exit(2) ends the init, and the
                // kernel then kills whatever is left in the namespace.
                unsafe {
                    libc::write(self.status, bytes.as_ptr().cast(), 4);
                    let code = if libc::WIFEXITED(status) {
                        libc::WEXITSTATUS(status)
                    } else {
                        128 + libc::WTERMSIG(status)
                    };
                    libc::_exit(code);
                }
            }
            if r < 0 && io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
                // SAFETY: no child left to wait for: end the namespace.
                unsafe { libc::_exit(127) };
            }
        }
    }
}

/// The parent pid of this process as the host's `/proc` numbers it, if readable.
fn host_parent() -> Option<i32> {
    let mut buf = [0u8; 512];
    // SAFETY: open/read/close with a static path and a stack buffer.
    let n = unsafe {
        let fd = libc::open(c"/proc/self/stat".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return None;
        }
        let n = libc::read(fd, buf.as_mut_ptr().cast(), buf.len());
        libc::close(fd);
        n
    };
    let stat = buf.get(..usize::try_from(n).ok()?)?;
    // `pid (comm) state ppid ...`: the name may hold anything, so parse from the last ')'.
    let close = stat.iter().rposition(|b| *b == b')')?;
    let mut fields = stat[close + 1..].split(|b| *b == b' ').filter(|f| !f.is_empty());
    let ppid = fields.nth(1)?;
    let mut value: i32 = 0;
    for digit in ppid {
        value =
            value.checked_mul(10)?.checked_add(i32::from(digit.checked_sub(b'0').filter(|d| *d < 10)?))?;
    }
    Some(value)
}

/// A private copy of the mount table with a `/proc` of the new namespace and the cgroup
/// filesystems read-only, so the program neither sees the host's processes nor moves
/// itself out of its groups or raises their limits.
fn private_mounts(cgroups: &CgroupMounts) -> io::Result<()> {
    let check = |r: libc::c_int| if r == 0 { Ok(()) } else { Err(io::Error::last_os_error()) };
    // SAFETY: unshare and mount with static or prepared NUL-terminated strings.
    unsafe {
        check(libc::unshare(libc::CLONE_NEWNS))?;
        // Nothing mounted here may propagate back to the host.
        check(libc::mount(
            c"none".as_ptr(),
            c"/".as_ptr(),
            std::ptr::null(),
            libc::MS_REC | libc::MS_PRIVATE,
            std::ptr::null(),
        ))?;
        check(libc::mount(
            c"proc".as_ptr(),
            c"/proc".as_ptr(),
            c"proc".as_ptr(),
            libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
            std::ptr::null(),
        ))?;
    }
    if cgroups.outermost.iter().all(|mount| read_only_tree(mount).is_ok()) {
        return Ok(());
    }
    // Kernels before 5.12 (no `mount_setattr`): one re-mount per cgroup filesystem.
    for mount in &cgroups.all {
        // SAFETY: a bind re-mount of a prepared NUL-terminated path.
        check(unsafe {
            libc::mount(
                std::ptr::null(),
                mount.as_ptr(),
                std::ptr::null(),
                libc::MS_REMOUNT
                    | libc::MS_BIND
                    | libc::MS_RDONLY
                    | libc::MS_NOSUID
                    | libc::MS_NODEV
                    | libc::MS_NOEXEC,
                std::ptr::null(),
            )
        })?;
    }
    Ok(())
}

/// `struct mount_attr` of `mount_setattr(2)`.
#[repr(C)]
struct MountAttr {
    attr_set: u64,
    attr_clr: u64,
    propagation: u64,
    userns_fd: u64,
}

/// Makes `path` and every mount below it read-only, `nosuid`, `nodev` and `noexec` in this
/// mount namespace, in one system call.
fn read_only_tree(path: &CString) -> io::Result<()> {
    const MOUNT_ATTR_RDONLY: u64 = 0x1;
    const MOUNT_ATTR_NOSUID: u64 = 0x2;
    const MOUNT_ATTR_NODEV: u64 = 0x4;
    const MOUNT_ATTR_NOEXEC: u64 = 0x8;
    const AT_RECURSIVE: libc::c_uint = 0x8000;
    let attr = MountAttr {
        attr_set: MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
        attr_clr: 0,
        propagation: 0,
        userns_fd: 0,
    };
    // SAFETY: mount_setattr(2) with a NUL-terminated path and a struct of the size passed.
    let r = unsafe {
        libc::syscall(
            libc::SYS_mount_setattr,
            libc::AT_FDCWD,
            path.as_ptr(),
            AT_RECURSIVE,
            &attr as *const MountAttr,
            std::mem::size_of::<MountAttr>(),
        )
    };
    if r == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
}

/// Removes the capabilities that would undo the namespace's walls from everything the
/// program runs: out of the bounding set (so `exec` of a root program does not regain
/// them), the inheritable and the ambient sets.
fn drop_capabilities() -> io::Result<()> {
    caps::drop_bounding(DROPPED_CAPS, true)?;
    caps::clear_ambient();
    caps::set_sets(|sets| DROPPED_CAPS.into_iter().for_each(|cap| sets.remove(cap)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_parent_of_this_process_is_its_parent() {
        assert_eq!(host_parent(), Some(nix::unistd::getppid().as_raw()));
    }

    #[test]
    fn the_environment_area_holds_this_process_environment() {
        let (start, end) = environment_area().expect("env_start and env_end are readable");
        let environ = std::fs::read("/proc/self/environ").unwrap_or_default();
        assert_eq!(end - start, environ.len());
    }

    #[test]
    fn a_root_process_gets_namespaces() {
        if nix::unistd::geteuid().is_root() {
            assert!(available());
        }
    }

    #[test]
    fn the_outermost_cgroup_mounts_cover_the_others() {
        let mountinfo = "\
30 25 0:26 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755
31 30 0:27 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids
32 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct
33 25 0:29 / /sys/fs/cgroupx rw - cgroup2 cgroup2 rw
40 25 0:30 / /proc rw - proc proc rw
";
        let mounts = parse_cgroup_mounts(mountinfo);
        let names = |list: &[CString]| {
            list.iter().map(|c| c.to_str().unwrap_or_default().to_string()).collect::<Vec<_>>()
        };
        assert_eq!(
            names(&mounts.all),
            ["/sys/fs/cgroup", "/sys/fs/cgroup/pids", "/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroupx"]
        );
        // A sibling whose name merely starts with another's is not below it.
        assert_eq!(names(&mounts.outermost), ["/sys/fs/cgroup", "/sys/fs/cgroupx"]);
    }

    #[test]
    fn a_status_pipe_reads_nothing_before_the_init_wrote() {
        let (read, _write) = status_pipe().unwrap();
        assert_eq!(read_status(&read), None);
    }
}
