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
    /// The spawner's pid.
    pid: i32,
}

/// Set to anything, no spawner is started: the calls fork their inits from symbi itself
/// (to exercise and measure that path).
pub const NO_SPAWNER: &str = "SYMBI_TEST_NO_SPAWNER";

/// Starts the spawner (at most once), `nice` below symbi's priority; every call's processes
/// inherit that priority. Does nothing unless this process may create PID namespaces
/// (root): the calls then fork their inits from symbi itself.
///
/// Called by a single-threaded process, the spawner is forked from the calling thread, which
/// must live as long as the process (the main thread: the spawner dies when it exits).
/// Otherwise (a test harness, an embedding program) it is forked from a thread of its own
/// that never exits, after everything the spawner uses that a lock guards was initialised
/// (a fork copies another thread's lock as it was; glibc's `fork` takes care of `malloc`).
pub fn start(nice: i32) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if !nix::unistd::geteuid().is_root() || std::env::var_os(NO_SPAWNER).is_some() {
            return;
        }
        if single_threaded() {
            if let Some(spawner) = fork_spawner(nice) {
                let _ = SPAWNER.set(spawner);
            }
            return;
        }
        serve::initialise();
        let (tx, rx) = std::sync::mpsc::channel();
        let parent = std::thread::Builder::new().name("symbi-spawner-parent".into()).spawn(move || {
            let _ = tx.send(fork_spawner(nice));
            // The spawner's `PR_SET_PDEATHSIG` watches this thread: it must never end.
            loop {
                std::thread::park();
            }
        });
        if parent.is_ok()
            && let Ok(Some(spawner)) = rx.recv()
        {
            let _ = SPAWNER.set(spawner);
        }
    });
}

/// Forks the spawner from the calling thread.
fn fork_spawner(nice: i32) -> Option<Spawner> {
    let (ours, theirs) = UnixStream::pair().ok()?;
    let symbi = std::process::id() as i32;
    // SAFETY: the child only runs `serve`, which never returns, and uses nothing another
    // thread could have held locked at the fork (see `start`).
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
            Some(Spawner { socket: Mutex::new(ours), pid })
        }
        _ => None,
    }
}

/// The spawner, when one was started.
pub fn get() -> Option<&'static Spawner> {
    SPAWNER.get()
}

/// Whether this process has a spawner.
pub fn running() -> bool {
    SPAWNER.get().is_some()
}

/// The spawner's pid, when one was started: a child of this process for its whole life.
pub fn pid() -> Option<i32> {
    SPAWNER.get().map(|spawner| spawner.pid)
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
        let answer = wire::send_request(&socket, request, fds).and_then(|()| wire::receive_answer(&socket));
        answer.map_err(|e| match e.kind() {
            // Something outside symbi killed it: symbi does not start another behind its back.
            io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset | io::ErrorKind::UnexpectedEof => {
                io::Error::new(e.kind(), "symbi's spawner process has exited (was it killed?)")
            }
            _ => e,
        })
    }
}

/// Sends `signal` to the process of `pidfd` (nothing happens if it has already exited).
pub fn signal(pidfd: &OwnedFd, signal: i32) {
    // SAFETY: pidfd_send_signal(2) with a live descriptor and no siginfo.
    unsafe {
        libc::syscall(libc::SYS_pidfd_send_signal, pidfd.as_raw_fd(), signal, std::ptr::null::<u8>(), 0u32);
    }
}
