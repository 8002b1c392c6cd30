//! The spawner: a small process, forked from symbi before symbi grows, that forks every
//! namespaced call's init.
//!
//! Each call's init used to be a `fork` of symbi itself. The kernel then copies symbi's page
//! tables and marks its memory copy-on-write, and holds symbi's memory-map lock for writing
//! meanwhile: in `symbi up`, every API thread that faults a page during a run's fork waits
//! (docs/performance.md, "Where the 202 waited"), and in `symbi run` the copy was the largest
//! part of a call's cost that was symbi's own. The spawner is forked once, from the main
//! thread while it is still the only one (a fork of a process with other threads could
//! inherit a lock some other thread held), so its address space is a few pages; it receives
//! a call's whole setup as data and its descriptors over a socket (`wire`), and forks the
//! init from itself (`serve`).
//!
//! What it changes for containment is nothing, and the chain of deaths stays the kernel's:
//!
//! - the spawner has `PR_SET_PDEATHSIG` = `SIGKILL` against symbi's main thread, which lives
//!   as long as symbi;
//! - each init has `PR_SET_PDEATHSIG` = `SIGKILL` against the spawner (single-threaded);
//! - an init's death kills its PID namespace.
//!
//! So a `SIGKILL` of symbi kills the spawner, which kills every init, which kills every
//! process of every call. symbi holds each init's pidfd: it learns of the init's exit by
//! polling it and ends the call by signalling it, with no pid that could be reused; the
//! program's status comes through the call's status pipe as before.
//!
//! Embedders of the library, who never call [`start`], and hosts where symbi cannot have
//! namespaces keep forking the init from symbi itself.

#![allow(unsafe_code, reason = "forks the spawner from the main thread and signals inits by pidfd")]

mod serve;
pub mod wire;

use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::{Mutex, OnceLock, PoisonError};

/// The spawner of this process, once started.
static SPAWNER: OnceLock<Spawner> = OnceLock::new();

/// symbi's end of the spawner.
#[derive(Debug)]
pub struct Spawner {
    /// The socket; one request and its answer at a time.
    socket: Mutex<UnixStream>,
}

/// Starts the spawner (at most once), `nice` below symbi's priority; every call's processes
/// inherit that priority. Does nothing unless this process may create PID namespaces (root) and is
/// still single-threaded: the calls then fork their inits from symbi itself.
pub fn start(nice: i32) {
    if SPAWNER.get().is_some() || !nix::unistd::geteuid().is_root() || !single_threaded() {
        return;
    }
    let Ok((ours, theirs)) = UnixStream::pair() else { return };
    let symbi = std::process::id() as i32;
    // SAFETY: this process has one thread (checked above), so the child may go on running
    // ordinary code; it never returns from `serve`.
    match unsafe { libc::fork() } {
        0 => {
            drop(ours);
            serve::serve(theirs, symbi, nice)
        }
        pid if pid > 0 => {
            drop(theirs);
            // The spawner is symbi's child for all of symbi's life: a subreaper sweep for a
            // call's orphans must not take it for one.
            super::sweep::register(pid);
            let _ = SPAWNER.set(Spawner { socket: Mutex::new(ours) });
        }
        _ => {}
    }
}

/// The spawner, when one was started.
pub fn get() -> Option<&'static Spawner> {
    SPAWNER.get()
}

/// Whether this process has exactly one thread.
fn single_threaded() -> bool {
    std::fs::read_dir("/proc/self/task").map(|tasks| tasks.count() == 1).unwrap_or(false)
}

impl Spawner {
    /// Has the spawner fork the init `request` describes: its pid and pidfd. The init has not
    /// necessarily started the program yet; its error pipe (`fds.error`) says whether it did.
    pub fn spawn(&self, request: &wire::Request, fds: wire::Fds<RawFd>) -> io::Result<(i32, OwnedFd)> {
        let socket = self.socket.lock().unwrap_or_else(PoisonError::into_inner);
        wire::send_request(&socket, request, fds)?;
        wire::receive_answer(&socket)
    }
}

/// Sends `signal` to the process of `pidfd` (nothing happens if it has already exited).
pub fn signal(pidfd: &OwnedFd, signal: i32) {
    // SAFETY: pidfd_send_signal(2) with a live descriptor and no siginfo.
    unsafe {
        libc::syscall(libc::SYS_pidfd_send_signal, pidfd.as_raw_fd(), signal, std::ptr::null::<u8>(), 0u32);
    }
}
