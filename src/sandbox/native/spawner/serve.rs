//! The spawner process: it waits for requests on its socket, forks each call's init into a
//! new PID namespace and answers with the init's pid and pidfd; it reaps the inits that
//! exit and ends when symbi does.

#![allow(
    unsafe_code,
    reason = "fork, unshare and setns around it, and the init's raw set-up (dup2, chdir, setpgid) before it runs the call"
)]

use super::wire::{self, Fds, Request};
use crate::sandbox::native::harden::ChildConfinement;
use crate::sandbox::native::limits::ChildSetup;
use crate::sandbox::native::pidns::{self, InitSetup};
use crate::sandbox::native::start::ProgramImage;
use nix::sched::CpuSet;
use nix::sys::signal::{SigSet, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use std::ffi::CString;
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::sync::Arc;

/// Initialises, in symbi, what the spawner reads through a `OnceLock`, so that a fork taken
/// while another thread was initialising one cannot leave the spawner waiting for it.
pub fn initialise() {
    pidns::prepare_for_fork();
    let _ = crate::sandbox::native::harden::syscalls::program(false);
    let _ = crate::sandbox::native::harden::syscalls::program(true);
}

/// The spawner's life, in the child of symbi's fork: set itself up, then serve until symbi's
/// end of the socket closes. Never returns.
pub fn serve(socket: UnixStream, symbi: i32, nice: i32) -> ! {
    let code = match prepare(symbi, nice, socket.as_raw_fd()) {
        Ok(children) => {
            serve_requests(&socket, &children);
            0
        }
        Err(_) => 1,
    };
    // SAFETY: ends the spawner without running symbi's exit handlers (its copies of them).
    unsafe { libc::_exit(code) }
}

/// What the spawner sets up once: dies with symbi, leaves symbi's process group (a Ctrl-C
/// at the terminal is symbi's to handle), holds nothing of symbi's but its socket, and
/// waits for its inits' exits through a signalfd.
fn prepare(symbi: i32, nice: i32, socket: i32) -> io::Result<(SignalFd, File)> {
    nix::sys::prctl::set_pdeathsig(Signal::SIGKILL)?;
    // symbi may have died before the line above: then nobody would end this process.
    if nix::unistd::getppid().as_raw() != symbi {
        return Err(io::Error::from_raw_os_error(libc::ESRCH));
    }
    nix::sys::prctl::set_dumpable(false)?;
    // SAFETY: setpgid and setpriority on this process only.
    unsafe {
        libc::setpgid(0, 0);
        if nice != 0 {
            let now = libc::getpriority(libc::PRIO_PROCESS, 0);
            libc::setpriority(libc::PRIO_PROCESS, 0, (now + nice).min(19));
        }
    }
    // Every init copies this process: none of symbi's handlers, and SIGPIPE back to its
    // default (std ignores it in symbi; a program started with it ignored would not die of
    // a closed pipe).
    for signal in Signal::iterator() {
        if signal != Signal::SIGKILL && signal != Signal::SIGSTOP {
            // SAFETY: setting the default action installs no handler.
            let _ = unsafe { nix::sys::signal::signal(signal, nix::sys::signal::SigHandler::SigDfl) };
        }
    }
    let null = File::options().read(true).write(true).open("/dev/null")?;
    // SAFETY: dup2 onto the standard streams and close_range above them, keeping the socket
    // and /dev/null: symbi's terminal, pipes and files are not the spawner's to hold.
    unsafe {
        for target in 0..3 {
            libc::dup2(null.as_raw_fd(), target);
        }
        let (low, high) = (socket.min(null.as_raw_fd()) as u32, socket.max(null.as_raw_fd()) as u32);
        libc::syscall(libc::SYS_close_range, 3u32, low.saturating_sub(1), 0u32);
        libc::syscall(libc::SYS_close_range, low + 1, high.saturating_sub(1), 0u32);
        libc::syscall(libc::SYS_close_range, high + 1, u32::MAX, 0u32);
    }
    drop(null);
    pidns::blank_environment();
    let mut exits = SigSet::empty();
    exits.add(Signal::SIGCHLD);
    exits.thread_block()?;
    let children = SignalFd::with_flags(&exits, SfdFlags::SFD_CLOEXEC | SfdFlags::SFD_NONBLOCK)?;
    let own_namespace = File::open("/proc/self/ns/pid")?;
    Ok((children, own_namespace))
}

/// Answers requests until symbi's end closes; reaps exited inits as they go.
fn serve_requests(socket: &UnixStream, (children, own_namespace): &(SignalFd, File)) {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    loop {
        let mut fds = [
            PollFd::new(socket.as_fd(), PollFlags::POLLIN),
            PollFd::new(children.as_fd(), PollFlags::POLLIN),
        ];
        match poll(&mut fds, PollTimeout::NONE) {
            Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => return,
            Ok(_) => {}
        }
        let request_ready = fds[0].any().unwrap_or(true);
        if fds[1].any().unwrap_or(false) {
            while let Ok(Some(_)) = children.read_signal() {}
            reap();
        }
        if !request_ready {
            continue;
        }
        let (request, call_fds) = match wire::receive_request(socket) {
            Ok(Some(received)) => received,
            Ok(None) | Err(_) => return,
        };
        let launched = launch(request, call_fds, own_namespace);
        let answer = match &launched {
            Ok((pid, pidfd)) => Ok((*pid, pidfd)),
            Err(e) => Err(io::Error::from_raw_os_error(e.raw_os_error().unwrap_or(libc::EIO))),
        };
        if wire::send_answer(socket, answer).is_err() {
            return;
        }
    }
}

/// Reaps every init that has exited.
fn reap() {
    loop {
        let mut status = 0;
        // SAFETY: waitpid with a valid status pointer, not blocking.
        if unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) } <= 0 {
            return;
        }
    }
}

/// Forks one call's init into a new PID namespace: its pid and pidfd.
fn launch(request: Request, fds: Fds<OwnedFd>, own_namespace: &File) -> io::Result<(i32, OwnedFd)> {
    let Request { path, args, vars, workdir, rlimits, affinity, confinement, .. } = request;
    let mut cpus = CpuSet::new();
    for cpu in &affinity {
        cpus.set(*cpu as usize).map_err(io::Error::from)?;
    }
    let ruleset = fds.ruleset.map(Arc::new);
    let confinement = match (confinement, ruleset) {
        (Some(c), Some(ruleset)) => Some(ChildConfinement {
            ruleset,
            proc_path: if c.proc_namespaced { c"/proc" } else { c"/proc/self" },
            proc_rights: c.proc_rights,
            filter: crate::sandbox::native::harden::syscalls::program(c.network)
                .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?,
            network: c.network,
            last_cap: c.last_cap,
            must_drop_capabilities: c.must_drop_capabilities,
        }),
        _ => None,
    };
    let image = ProgramImage::from_parts(path, args, vars);
    let setup = ChildSetup {
        cgroup_joins: fds.cgroup_joins.iter().map(AsRawFd::as_raw_fd).collect(),
        rlimits,
        affinity: (!affinity.is_empty()).then_some(cpus),
        parent: std::process::id() as i32,
        init: Some(InitSetup::in_spawner(fds.status.as_raw_fd(), image)),
        confinement,
    };
    let streams = Streams {
        stdin: fds.stdin.as_ref().map(AsRawFd::as_raw_fd),
        stdout: fds.stdout.as_raw_fd(),
        stderr: fds.stderr.as_raw_fd(),
        error: fds.error.as_raw_fd(),
    };
    // SAFETY: unshare(2) with a namespace flag only changes this process's next children.
    if unsafe { libc::unshare(libc::CLONE_NEWPID) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the spawner is single-threaded; the child runs `init` and never returns.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        init(&setup, &streams, &workdir);
    }
    let forked = io::Error::last_os_error();
    // SAFETY: back to the spawner's own PID namespace for the next request's fork.
    unsafe { libc::setns(own_namespace.as_raw_fd(), libc::CLONE_NEWPID) };
    if pid < 0 {
        return Err(forked);
    }
    // The init is this process's child and is reaped only here, after this: the pid cannot
    // have been reused.
    // SAFETY: pidfd_open(2) of a child pid; the descriptor is new and ours.
    let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if pidfd < 0 {
        let e = io::Error::last_os_error();
        // SAFETY: kill(2) of our own unreaped child.
        unsafe { libc::kill(pid, libc::SIGKILL) };
        return Err(e);
    }
    // SAFETY: a new descriptor owned by nobody else.
    Ok((pid, unsafe { OwnedFd::from_raw_fd(pidfd as i32) }))
}

/// The init's standard streams and error pipe, as this process numbers them.
struct Streams {
    stdin: Option<i32>,
    stdout: i32,
    stderr: i32,
    error: i32,
}

/// The init, right after the fork: what `std::process::Command` would have done (standard
/// streams, process group, working directory), then the call's own setup, which starts the
/// program and supervises it. Reports why it could not to the error pipe.
fn init(setup: &ChildSetup, streams: &Streams, workdir: &CString) -> ! {
    let result = (|| -> io::Result<()> {
        let check = |r: libc::c_int| if r < 0 { Err(io::Error::last_os_error()) } else { Ok(r) };
        // SAFETY: system calls on descriptors this process holds and a NUL-terminated path.
        unsafe {
            let mut none: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut none);
            libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
            let stdin = match streams.stdin {
                Some(fd) => fd,
                None => check(libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC))?,
            };
            for (from, to) in [(stdin, 0), (streams.stdout, 1), (streams.stderr, 2)] {
                check(libc::dup2(from, to))?;
            }
            check(libc::setpgid(0, 0))?;
            check(libc::chdir(workdir.as_ptr()))?;
        }
        // Returns only why the program could not start.
        setup.apply()
    })();
    let errno = result.err().and_then(|e| e.raw_os_error()).filter(|e| *e != 0).unwrap_or(libc::EINVAL);
    // SAFETY: a 4-byte write to the error pipe, then the end of the init.
    unsafe {
        libc::write(streams.error, errno.to_ne_bytes().as_ptr().cast(), 4);
        libc::_exit(127)
    }
}
