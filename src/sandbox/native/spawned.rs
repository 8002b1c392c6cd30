//! A call's init as the spawner started it: its pidfd, its output pipes and its stdin,
//! and how symbi waits for it and ends it.

#![allow(unsafe_code, reason = "creates the call's pipes with pipe2 and reads the init's error pipe")]

use super::limits::ChildSetup;
use super::spawner::{self, Spawner, wire};
use super::start::ProgramImage;
use nix::sched::CpuSet;
use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::Arc;
use tokio::io::unix::AsyncFd;
use tokio::net::unix::pipe;

/// An init started by the spawner.
pub struct Spawned {
    /// Its pid, as symbi's PID namespace numbers it.
    pub pid: i32,
    /// Its pidfd: readable once it has exited.
    pidfd: AsyncFd<Arc<OwnedFd>>,
    /// The program's standard output, standard error and standard input.
    pub stdout: Option<pipe::Receiver>,
    /// See `stdout`.
    pub stderr: Option<pipe::Receiver>,
    /// See `stdout`.
    pub stdin: Option<pipe::Sender>,
    /// Whether its exit was seen.
    exited: bool,
}

/// The descriptors of one spawned call, as symbi opens them.
pub struct Launch<'a> {
    /// Where the init writes the program's status.
    pub status: &'a OwnedFd,
    /// The call groups' join files.
    pub cgroup_joins: Vec<i32>,
    /// The Landlock ruleset of a hardened call.
    pub ruleset: Option<i32>,
    /// Whether the program gets a stdin pipe (otherwise `/dev/null`).
    pub stdin: bool,
}

/// A pipe: (read end, write end), both close-on-exec.
fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 writes two new descriptors into the array.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: both descriptors were just created and are owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Makes symbi's end of a pipe non-blocking (the program's end stays blocking).
fn nonblocking(fd: &OwnedFd) -> io::Result<()> {
    // SAFETY: fcntl(2) on a descriptor this process owns.
    if unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Has `spawner` start the init of `request`, and waits until it has started the program
/// (or failed to: its errno).
pub fn spawn(spawner: &Spawner, request: &wire::Request, launch: Launch<'_>) -> io::Result<Spawned> {
    let (out_read, out_write) = pipe()?;
    let (err_read, err_write) = pipe()?;
    let (error_read, error_write) = pipe()?;
    let stdin = if launch.stdin { Some(pipe()?) } else { None };
    let fds = wire::Fds {
        stdout: out_write.as_raw_fd(),
        stderr: err_write.as_raw_fd(),
        status: launch.status.as_raw_fd(),
        error: error_write.as_raw_fd(),
        stdin: stdin.as_ref().map(|(read, _)| read.as_raw_fd()),
        cgroup_joins: launch.cgroup_joins,
        ruleset: launch.ruleset,
    };
    let (pid, pidfd) = spawner.spawn(request, fds)?;
    // Only the init holds the program's ends now: end of output is the program's own.
    drop((out_write, err_write, error_write));
    let stdin = stdin.map(|(_, write)| write);
    let pidfd = Arc::new(pidfd);
    if let Some(errno) = read_error(&error_read) {
        spawner::signal(&pidfd, libc::SIGKILL);
        return Err(io::Error::from_raw_os_error(errno));
    }
    for fd in [&out_read, &err_read].into_iter().chain(stdin.as_ref()) {
        nonblocking(fd)?;
    }
    // SAFETY: the `Arc` registered owns the descriptor, so it stays open and the same for
    // the registration's whole life.
    let pidfd = unsafe { AsyncFd::register_with_interest(pidfd, tokio::io::Interest::READABLE) }
        .map_err(io::Error::from)?;
    Ok(Spawned {
        pid,
        pidfd,
        stdout: Some(pipe::Receiver::from_owned_fd_unchecked(out_read)?),
        stderr: Some(pipe::Receiver::from_owned_fd_unchecked(err_read)?),
        stdin: stdin.map(pipe::Sender::from_owned_fd_unchecked).transpose()?,
        exited: false,
    })
}

/// The errno the init wrote when its setup failed; `None` once the pipe closed empty (the
/// init started the program and closed it).
fn read_error(read: &OwnedFd) -> Option<i32> {
    let mut buf = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        // SAFETY: reading into the rest of a 4-byte stack buffer.
        let n = unsafe { libc::read(read.as_raw_fd(), buf[got..].as_mut_ptr().cast(), 4 - got) };
        match n {
            0 => break,
            n if n > 0 => got += n as usize,
            _ if io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) => {}
            _ => break,
        }
    }
    (got == 4).then(|| i32::from_ne_bytes(buf))
}

impl Spawned {
    /// Waits for the init to exit.
    pub async fn wait(&mut self) -> io::Result<()> {
        if !self.exited {
            let _ready = self.pidfd.readable().await?;
            self.exited = true;
        }
        Ok(())
    }

    /// The init's pidfd, to end the call with.
    pub fn pidfd(&self) -> Arc<OwnedFd> {
        self.pidfd.get_ref().clone()
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        // A call dropped mid-run (cancelled): its init goes, and its namespace with it.
        if !self.exited {
            spawner::signal(self.pidfd.get_ref(), libc::SIGKILL);
        }
    }
}

/// The spawner's request for a call: its image, where it runs, and the parts of `setup`
/// that are data (the descriptors travel beside it, in [`Launch`]).
pub fn request(
    setup: &ChildSetup,
    image: ProgramImage,
    workdir: &std::path::Path,
    stdin: bool,
) -> io::Result<wire::Request> {
    use std::os::unix::ffi::OsStrExt;
    let (path, args, vars) = image.into_parts();
    let workdir = CString::new(workdir.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "nul byte found in provided data"))?;
    let affinity = setup.affinity.as_ref().map_or_else(Vec::new, |set| {
        (0..CpuSet::count()).filter(|cpu| set.is_set(*cpu).unwrap_or(false)).map(|cpu| cpu as u32).collect()
    });
    let confinement = setup.confinement.as_ref().map(|c| wire::Confinement {
        proc_namespaced: c.proc_path == c"/proc",
        proc_rights: c.proc_rights,
        network: c.network,
        last_cap: c.last_cap,
        must_drop_capabilities: c.must_drop_capabilities,
    });
    Ok(wire::Request {
        path,
        args,
        vars,
        workdir,
        rlimits: setup.rlimits.clone(),
        affinity,
        confinement,
        stdin,
        cgroup_joins: setup.cgroup_joins.len() as u32,
    })
}
