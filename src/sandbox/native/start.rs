//! Starting the program from the call's init without copying memory.
//!
//! The init is a copy of symbi (std forks it); a second `fork` for the program would copy
//! that address space again (page tables, then a copy-on-write fault for every page either
//! side touches) only for `exec` to throw the copy away. The profile of a call put the two
//! copies at about a third of its cost (docs/performance.md). So the init starts the
//! program `vfork`-style: `clone(CLONE_VM | CLONE_VFORK)` on a stack of its own, the init
//! suspended until the program has `exec`ed or died. The program's process shares the init's
//! memory until then, and is otherwise a process of its own: its own credentials
//! (capabilities, `no_new_privs`, Landlock domain, seccomp filter), rlimits, signal
//! handlers, descriptor table and cgroup membership, so everything it applies to itself
//! before `exec` stays its own. glibc's `posix_spawn` starts processes the same way.
//!
//! What runs in the program's process before `exec` may write only its own stack and the
//! error slot: the init's memory is shared, and the init resumes with it.

#![allow(
    unsafe_code,
    reason = "clone(CLONE_VM | CLONE_VFORK) with a stack of its own, sigaction and execve in the child: raw system calls with no safe wrapper"
)]

use std::ffi::{CString, c_int, c_void};
use std::io;
use std::sync::atomic::{AtomicI32, Ordering};

/// The stack of the program's process until `exec`: the setup is a few frames of system
/// calls (capabilities, rlimits, Landlock, seccomp), far below this in any build.
const STACK_SIZE: usize = 256 * 1024;

/// What the program's process `exec`s: built in symbi before the fork, since the child
/// may not allocate.
pub struct ProgramImage {
    path: CString,
    /// The arguments, the program's name first; owns what `argv` points at.
    args: Vec<CString>,
    /// The `NAME=value` strings; owns what `envp` points at.
    vars: Vec<CString>,
    argv: Vec<*const libc::c_char>,
    envp: Vec<*const libc::c_char>,
}

// SAFETY: the pointers point into `args` and `vars`, owned by the same value and never
// changed after construction; the image is only read, by the child, after it is built.
unsafe impl Send for ProgramImage {}
// SAFETY: as above: nothing mutates the image after `new`.
unsafe impl Sync for ProgramImage {}

impl std::fmt::Debug for ProgramImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgramImage").field("path", &self.path).field("argc", &self.args.len()).finish()
    }
}

impl ProgramImage {
    /// The image of `path` run with `argv` (its first word the program's name) and exactly
    /// the variables `env`. Fails on a NUL byte inside any of them, as `std::process` does.
    pub fn new<'a>(
        path: &std::path::Path,
        argv: impl IntoIterator<Item = &'a str>,
        env: impl IntoIterator<Item = (&'a std::ffi::OsStr, &'a std::ffi::OsStr)>,
    ) -> io::Result<ProgramImage> {
        use std::os::unix::ffi::OsStrExt;
        let nul = |_| io::Error::new(io::ErrorKind::InvalidInput, "nul byte found in provided data");
        let path = CString::new(path.as_os_str().as_bytes()).map_err(nul)?;
        let args = argv.into_iter().map(|a| CString::new(a).map_err(nul)).collect::<io::Result<Vec<_>>>()?;
        let vars = env
            .into_iter()
            .map(|(k, v)| CString::new([k.as_bytes(), b"=", v.as_bytes()].concat()).map_err(nul))
            .collect::<io::Result<Vec<_>>>()?;
        Ok(ProgramImage::from_parts(path, args, vars))
    }

    /// The image of `path` with these arguments and `NAME=value` strings.
    pub fn from_parts(path: CString, args: Vec<CString>, vars: Vec<CString>) -> ProgramImage {
        let pointers = |strings: &[CString]| {
            strings.iter().map(|s| s.as_ptr()).chain(std::iter::once(std::ptr::null())).collect::<Vec<_>>()
        };
        // A CString's buffer does not move when the CString itself moves into the image.
        let (argv, envp) = (pointers(&args), pointers(&vars));
        ProgramImage { path, args, vars, argv, envp }
    }

    /// The path, the arguments and the `NAME=value` strings: what [`ProgramImage::from_parts`]
    /// takes.
    pub fn into_parts(self) -> (CString, Vec<CString>, Vec<CString>) {
        (self.path, self.args, self.vars)
    }
}

/// What the child gets: its setup, its image, and where it reports why it did not `exec`.
struct Start<'a> {
    setup: &'a dyn Fn() -> io::Result<()>,
    image: &'a ProgramImage,
    /// The signal mask to `exec` with (the init's, from before everything was blocked).
    mask: libc::sigset_t,
    /// 0, or the errno of the step that failed.
    error: AtomicI32,
}

/// Starts the program's process from the calling (single-threaded) init: `setup` runs in
/// it, then `exec` of `image`. Returns its pid once it has `exec`ed; the error of `setup`
/// or of `exec` once it has died (it is reaped then). `setup` may end the process itself
/// (`_exit`) instead of returning: the init then sees a pid whose exit it will reap.
///
/// Async-signal-safe: system calls only (the stack is mapped here, not allocated).
pub fn program(setup: &dyn Fn() -> io::Result<()>, image: &ProgramImage) -> io::Result<i32> {
    // SAFETY: an anonymous private mapping, unmapped below on every path.
    let stack = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            STACK_SIZE,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_STACK,
            -1,
            0,
        )
    };
    if stack == libc::MAP_FAILED {
        return Err(io::Error::last_os_error());
    }
    // No handler of symbi's may run in the child before its `exec` (it would run on shared
    // memory): every signal is blocked across the clone, the child resets the handlers it
    // inherited and `exec`s with the mask the init had.
    // SAFETY: sigset_t is plain data; sigfillset and sigprocmask only fill and swap masks.
    let mut start = unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        let mut mask: libc::sigset_t = std::mem::zeroed();
        libc::sigprocmask(libc::SIG_SETMASK, &all, &mut mask);
        Start { setup, image, mask, error: AtomicI32::new(0) }
    };
    // SAFETY: the child runs `child_main` on its own stack (its top passed, as x86_64 and
    // aarch64 stacks grow down) with a pointer to `start`, which outlives it: with
    // CLONE_VFORK this thread is suspended until the child has `exec`ed or exited.
    let pid = unsafe {
        libc::clone(
            child_main,
            stack.cast::<u8>().add(STACK_SIZE).cast(),
            libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD,
            (&raw mut start).cast::<c_void>(),
        )
    };
    let cloned = io::Error::last_os_error();
    // SAFETY: restoring the init's own mask; unmapping the stack nobody runs on any more.
    unsafe {
        libc::sigprocmask(libc::SIG_SETMASK, &start.mask, std::ptr::null_mut());
        libc::munmap(stack, STACK_SIZE);
    }
    if pid < 0 {
        return Err(cloned);
    }
    match start.error.load(Ordering::Acquire) {
        0 => Ok(pid),
        errno => {
            let mut status = 0;
            // SAFETY: reaping the child that just died.
            unsafe { libc::waitpid(pid, &mut status, 0) };
            Err(io::Error::from_raw_os_error(errno))
        }
    }
}

/// The program's process: default signal handlers, the setup, the init's mask, `exec`.
extern "C" fn child_main(arg: *mut c_void) -> c_int {
    // SAFETY: `arg` is the `Start` of `program`, alive while this process runs (vfork).
    let start = unsafe { &*arg.cast::<Start<'_>>() };
    reset_signal_handlers();
    let errno = match (start.setup)() {
        Ok(()) => {
            // SAFETY: the image's path, argv and envp are NUL-terminated and null-ended;
            // the mask is the init's own, from `program`.
            unsafe {
                libc::sigprocmask(libc::SIG_SETMASK, &start.mask, std::ptr::null_mut());
                libc::execve(start.image.path.as_ptr(), start.image.argv.as_ptr(), start.image.envp.as_ptr());
            }
            io::Error::last_os_error().raw_os_error()
        }
        Err(e) => e.raw_os_error(),
    };
    start.error.store(errno.filter(|e| *e != 0).unwrap_or(libc::EINVAL), Ordering::Release);
    // SAFETY: ending this process without running anything of the init's.
    unsafe { libc::_exit(127) }
}

/// Puts every caught signal back to its default action (ignored ones stay ignored, as
/// `exec` would keep them).
fn reset_signal_handlers() {
    for signal in 1..libc::SIGRTMAX() {
        if signal == libc::SIGKILL || signal == libc::SIGSTOP {
            continue;
        }
        // SAFETY: sigaction reads into and writes from stack values of its own type.
        unsafe {
            let mut current: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(signal, std::ptr::null(), &mut current) == 0
                && current.sa_sigaction != libc::SIG_DFL
                && current.sa_sigaction != libc::SIG_IGN
            {
                let mut default: libc::sigaction = std::mem::zeroed();
                default.sa_sigaction = libc::SIG_DFL;
                libc::sigaction(signal, &default, std::ptr::null_mut());
            }
        }
    }
}
