//! Starting the child: `clone(CLONE_VM | CLONE_VFORK)`, the call's setup, then `exec`.
//!
//! std's `Command` forks whenever a `pre_exec` hook is set, and a fork copies symbi's page
//! tables and leaves every page of symbi copy-on-write until the child has exec'd: on a
//! virtual machine the largest single cost of a call after the cgroup joins. Here the child
//! borrows symbi's memory instead, as `posix_spawn` does, and the spawning thread sleeps
//! until the child has exec'd or failed. The child therefore only makes system calls on
//! data prepared before the clone: no allocation, no locks, no unwinding.

use super::limits::ChildSetup;
use std::ffi::{CString, OsStr, c_char, c_int, c_void};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::ExitStatus;
use std::sync::atomic::{AtomicI32, Ordering};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::net::unix::pipe;

/// The child's stack. Its code is a handful of system calls; this leaves ample room.
const STACK_BYTES: usize = 64 * 1024;

/// What the child is to run, all converted to C strings before the clone.
pub struct Plan {
    program: CString,
    argv: Vec<CString>,
    envp: Vec<CString>,
    cwd: CString,
    stdin: bool,
    setup: ChildSetup,
}

impl Plan {
    /// `program` run as `argv` with exactly the environment `env`, in `cwd`, with `setup`
    /// applied before `exec`; `stdin` asks for a pipe instead of `/dev/null`. Fails when a
    /// string holds a NUL byte.
    pub fn new<K: AsRef<OsStr>, V: AsRef<OsStr>>(
        program: &Path,
        argv: &[String],
        env: impl IntoIterator<Item = (K, V)>,
        cwd: &Path,
        stdin: bool,
        setup: ChildSetup,
    ) -> io::Result<Plan> {
        let c = |bytes: &[u8]| {
            CString::new(bytes)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in the command"))
        };
        Ok(Plan {
            program: c(program.as_os_str().as_bytes())?,
            argv: argv.iter().map(|a| c(a.as_bytes())).collect::<io::Result<_>>()?,
            envp: env
                .into_iter()
                .map(|(k, v)| c(&[k.as_ref().as_bytes(), b"=", v.as_ref().as_bytes()].concat()))
                .collect::<io::Result<_>>()?,
            cwd: c(OsStr::new(cwd).as_bytes())?,
            stdin,
            setup,
        })
    }
}

/// A started child: its pid, a pidfd to wait on, and symbi's ends of its pipes.
pub struct Child {
    pid: i32,
    pidfd: AsyncFd<OwnedFd>,
    status: Option<ExitStatus>,
    /// The write end of the child's stdin, when it was asked for.
    pub stdin: Option<pipe::Sender>,
    /// The read end of the child's stdout.
    pub stdout: Option<pipe::Receiver>,
    /// The read end of the child's stderr.
    pub stderr: Option<pipe::Receiver>,
}

/// Everything the child reads, laid out before the clone.
struct ChildArgs<'a> {
    program: *const c_char,
    argv: *const *const c_char,
    envp: *const *const c_char,
    cwd: *const c_char,
    /// The descriptors to become 0, 1 and 2 (all above 2, so no `dup2` overwrites another).
    stdio: [RawFd; 3],
    setup: &'a ChildSetup,
    /// The errno of the step that failed, or 0 when the child reached `exec`.
    error: AtomicI32,
}

/// Starts the child. Must run inside a tokio runtime (the pipes and the pidfd register with
/// its reactor).
pub fn spawn(plan: &Plan) -> io::Result<Child> {
    let (stdin_child, stdin_ours) = if plan.stdin {
        let (r, w) = pipe_pair()?;
        (r, Some(w))
    } else {
        // SAFETY: a valid NUL-terminated path; the result is checked.
        (owned(unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) })?, None)
    };
    let (stdout_ours, stdout_child) = pipe_pair()?;
    let (stderr_ours, stderr_child) = pipe_pair()?;
    let stdio = [above_stdio(stdin_child)?, above_stdio(stdout_child)?, above_stdio(stderr_child)?];

    let argv: Vec<*const c_char> = plan.argv.iter().map(|a| a.as_ptr()).chain([std::ptr::null()]).collect();
    let envp: Vec<*const c_char> = plan.envp.iter().map(|e| e.as_ptr()).chain([std::ptr::null()]).collect();
    let args = ChildArgs {
        program: plan.program.as_ptr(),
        argv: argv.as_ptr(),
        envp: envp.as_ptr(),
        cwd: plan.cwd.as_ptr(),
        stdio: [stdio[0].as_raw_fd(), stdio[1].as_raw_fd(), stdio[2].as_raw_fd()],
        setup: &plan.setup,
        error: AtomicI32::new(0),
    };
    let mut stack = vec![0u8; STACK_BYTES];
    // The stack grows down from its (16-byte aligned) top.
    let top = ((stack.as_mut_ptr() as usize + STACK_BYTES) & !15) as *mut c_void;
    let mut pidfd: c_int = -1;

    // Every signal stays blocked around the clone, so no handler of symbi's can run in the
    // child while it shares symbi's memory; the child unblocks them once its handlers are
    // back at their defaults.
    let mut all = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
    let mut saved = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
    // SAFETY: sigfillset initialises `all`; pthread_sigmask initialises `saved`.
    unsafe {
        libc::sigfillset(all.as_mut_ptr());
        libc::pthread_sigmask(libc::SIG_SETMASK, all.as_ptr(), saved.as_mut_ptr());
    }
    let flags = libc::CLONE_VM | libc::CLONE_VFORK | libc::CLONE_PIDFD | libc::SIGCHLD;
    // SAFETY: `child` only reads `args`, which outlives the clone (with CLONE_VFORK this
    // thread sleeps until the child has exec'd or exited), and runs on its own stack.
    let pid = unsafe {
        libc::clone(
            child,
            top,
            flags,
            (&args as *const ChildArgs).cast_mut().cast(),
            &mut pidfd as *mut c_int,
        )
    };
    let clone_error = io::Error::last_os_error();
    // SAFETY: `saved` was initialised above.
    unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, saved.as_ptr(), std::ptr::null_mut()) };
    drop(stack);
    drop(stdio);
    if pid < 0 {
        return Err(clone_error);
    }
    let pidfd = owned(pidfd)?;
    let failed = args.error.load(Ordering::Relaxed);
    if failed != 0 {
        // The child has exited already (the clone returned); collect it.
        let mut status = 0;
        // SAFETY: waitpid on our own child with a valid status pointer.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        return Err(io::Error::from_raw_os_error(failed));
    }
    // SAFETY: `pidfd` is an owned descriptor that stays open as long as the `AsyncFd`.
    let pidfd = match unsafe { AsyncFd::register_with_interest(pidfd, Interest::READABLE) } {
        Ok(fd) => fd,
        Err(e) => {
            let (_, e) = e.into_parts();
            // SAFETY: our own unreaped child; kill, then collect it.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, std::ptr::null_mut(), 0);
            }
            return Err(e);
        }
    };
    // From here on, dropping `child` kills and reaps the process.
    let mut child = Child { pid, pidfd, status: None, stdin: None, stdout: None, stderr: None };
    child.stdin = stdin_ours.map(pipe::Sender::from_owned_fd).transpose()?;
    child.stdout = Some(pipe::Receiver::from_owned_fd(stdout_ours)?);
    child.stderr = Some(pipe::Receiver::from_owned_fd(stderr_ours)?);
    Ok(child)
}

impl Child {
    /// The child's pid.
    pub fn id(&self) -> i32 {
        self.pid
    }

    /// Waits for the child to exit and reaps it (cancel-safe: the status is kept).
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        loop {
            if let Some(status) = self.status {
                return Ok(status);
            }
            let mut ready = self.pidfd.readable().await?;
            match reap(self.pid)? {
                Some(status) => self.status = Some(status),
                None => ready.clear_ready(),
            }
        }
    }
}

/// The exit status of our child `pid`, if it has exited (it is then reaped).
fn reap(pid: i32) -> io::Result<Option<ExitStatus>> {
    let mut status = 0;
    // SAFETY: waitpid on our own, not yet reaped child with a valid status pointer.
    let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((r == pid).then(|| ExitStatus::from_raw(status)))
}

impl Drop for Child {
    /// A child dropped unreaped (a cancelled call) is killed and reaped off this thread.
    fn drop(&mut self) {
        if self.status.is_some() {
            return;
        }
        // SAFETY: the pid is our unreaped child, so it cannot have been reused.
        unsafe { libc::kill(self.pid, libc::SIGKILL) };
        if matches!(reap(self.pid), Ok(Some(_))) {
            return;
        }
        let pid = self.pid;
        let _ = std::thread::Builder::new().name("symbi-native-reap".into()).spawn(move || {
            let mut status = 0;
            // SAFETY: as above; blocking is fine on this thread of its own.
            unsafe { libc::waitpid(pid, &mut status, 0) };
        });
    }
}

/// The child, on its own stack in symbi's memory: set up, then `exec`, or record the errno
/// and exit.
extern "C" fn child(arg: *mut c_void) -> c_int {
    // SAFETY: `arg` is the `ChildArgs` the parent keeps alive until this child execs or exits.
    let args = unsafe { &*(arg as *const ChildArgs) };
    let errno = match prepare_and_exec(args) {
        Err(e) => e.raw_os_error().unwrap_or(libc::EINVAL),
        Ok(()) => libc::EINVAL,
    };
    args.error.store(errno.max(1), Ordering::Relaxed);
    // SAFETY: _exit ends this child without running anything of symbi's.
    unsafe { libc::_exit(127) }
}

/// The child's steps; returns only on failure (or `Ok` if `execve` somehow returned).
fn prepare_and_exec(args: &ChildArgs) -> io::Result<()> {
    let check = |r: c_int| if r < 0 { Err(io::Error::last_os_error()) } else { Ok(()) };
    // SAFETY (this block): plain system calls on descriptors and pointers prepared by the
    // parent, all valid until the child execs.
    unsafe {
        // Handlers of symbi's must not run here; `exec` would reset them anyway. SIGPIPE goes
        // back to its default (symbi ignores it), as std does for its children.
        for signal in 1..=libc::SIGRTMAX() {
            if signal == libc::SIGKILL || signal == libc::SIGSTOP {
                continue;
            }
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(signal, std::ptr::null(), &mut old) == 0
                && (old.sa_sigaction != libc::SIG_IGN || signal == libc::SIGPIPE)
                && old.sa_sigaction != libc::SIG_DFL
            {
                let mut default: libc::sigaction = std::mem::zeroed();
                default.sa_sigaction = libc::SIG_DFL;
                libc::sigaction(signal, &default, std::ptr::null_mut());
            }
        }
        for (target, fd) in args.stdio.iter().enumerate() {
            check(libc::dup2(*fd, target as c_int))?;
        }
        check(libc::chdir(args.cwd))?;
        check(libc::setpgid(0, 0))?;
    }
    args.setup.apply()?;
    // SAFETY: as above; the empty set is initialised by sigemptyset.
    unsafe {
        let mut none = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
        libc::sigemptyset(none.as_mut_ptr());
        check(libc::pthread_sigmask(libc::SIG_SETMASK, none.as_ptr(), std::ptr::null_mut()))?;
        libc::execve(args.program, args.argv, args.envp);
    }
    Err(io::Error::last_os_error())
}

/// A pipe as (read end, write end), both close-on-exec.
fn pipe_pair() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as c_int; 2];
    // SAFETY: pipe2 fills `fds` on success.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((owned(fds[0])?, owned(fds[1])?))
}

/// `fd` moved above the standard streams (only when symbi itself runs without some of them).
fn above_stdio(fd: OwnedFd) -> io::Result<OwnedFd> {
    if fd.as_raw_fd() > 2 {
        return Ok(fd);
    }
    // SAFETY: F_DUPFD_CLOEXEC on an open descriptor; the result is checked.
    owned(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 3) })
}

fn owned(fd: c_int) -> io::Result<OwnedFd> {
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh descriptor nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}
