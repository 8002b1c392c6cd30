//! What symbi and its spawner say to each other over their socket: a request is one framed
//! message (`u32` length, then the body) whose descriptors travel with its first bytes
//! (`SCM_RIGHTS`); the answer is the init's pid, with its pidfd, or an errno.

#![allow(
    unsafe_code,
    reason = "wraps descriptors received with SCM_RIGHTS, which arrive as raw numbers the receiver owns"
)]

use crate::sandbox::native::limits::Rlimit;
use nix::sys::resource::Resource;
use nix::sys::socket::{ControlMessage, ControlMessageOwned, MsgFlags, recvmsg, sendmsg};
use std::ffi::CString;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;

/// The most descriptors one request carries: five streams and pipes, a ruleset and one join
/// per cgroup hierarchy (at most a dozen on any host).
pub const MAX_FDS: usize = 32;

/// A body larger than this is refused (the kernel's own limit on argv plus envp is lower).
const MAX_BODY: usize = 64 << 20;

/// The rlimits a request may carry, by their index on the wire.
const RESOURCES: [Resource; 6] = [
    Resource::RLIMIT_CORE,
    Resource::RLIMIT_AS,
    Resource::RLIMIT_CPU,
    Resource::RLIMIT_FSIZE,
    Resource::RLIMIT_NOFILE,
    Resource::RLIMIT_NPROC,
];

/// The hardened confinement of a call, as the spawner rebuilds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Confinement {
    /// The program reads its namespace's `/proc` (otherwise only `/proc/self`).
    pub proc_namespaced: bool,
    /// The Landlock rights on that `/proc`.
    pub proc_rights: u64,
    /// Whether the network is granted (which seccomp filter applies).
    pub network: bool,
    /// The highest capability number of this kernel.
    pub last_cap: u32,
    /// Emptying the bounding set must succeed.
    pub must_drop_capabilities: bool,
}

/// One call's init, as requested: what it `exec`s, where, under which limits.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    /// The program's path.
    pub path: CString,
    /// Its arguments, its name first.
    pub args: Vec<CString>,
    /// Its environment, `NAME=value`.
    pub vars: Vec<CString>,
    /// Its working directory.
    pub workdir: CString,
    /// The rlimits, in order.
    pub rlimits: Vec<Rlimit>,
    /// The CPUs it may run on (empty: no affinity set).
    pub affinity: Vec<u32>,
    /// The hardened confinement, if any.
    pub confinement: Option<Confinement>,
    /// Whether a stdin descriptor comes with the request (otherwise `/dev/null`).
    pub stdin: bool,
    /// How many cgroup join descriptors come with it.
    pub cgroup_joins: u32,
}

/// The descriptors of a request, in their order on the wire.
#[derive(Debug)]
pub struct Fds<F> {
    /// The program's standard output and error.
    pub stdout: F,
    /// See `stdout`.
    pub stderr: F,
    /// Where the init writes the program's wait status.
    pub status: F,
    /// Where the init writes the errno of a setup that failed (closed when it succeeded).
    pub error: F,
    /// The program's stdin, if not `/dev/null`.
    pub stdin: Option<F>,
    /// The call groups' `tasks`/`cgroup.procs` files.
    pub cgroup_joins: Vec<F>,
    /// The Landlock ruleset of a hardened call.
    pub ruleset: Option<F>,
}

impl<F> Fds<F> {
    fn into_vec(self) -> Vec<F> {
        let mut all = vec![self.stdout, self.stderr, self.status, self.error];
        all.extend(self.stdin);
        all.extend(self.cgroup_joins);
        all.extend(self.ruleset);
        all
    }
}

/// Sends `request` with its descriptors.
pub fn send_request(socket: &UnixStream, request: &Request, fds: Fds<RawFd>) -> io::Result<()> {
    let body = encode(request);
    let mut frame = Vec::with_capacity(4 + body.len());
    frame.extend_from_slice(&(body.len() as u32).to_ne_bytes());
    frame.extend_from_slice(&body);
    send_with_fds(socket, &frame, &fds.into_vec())
}

/// Receives one request; `Ok(None)` at end of stream (symbi has gone).
pub fn receive_request(socket: &UnixStream) -> io::Result<Option<(Request, Fds<OwnedFd>)>> {
    let mut length = [0u8; 4];
    let Some(fds) = receive_with_fds(socket, &mut length)? else { return Ok(None) };
    let length = u32::from_ne_bytes(length) as usize;
    if length > MAX_BODY {
        return Err(invalid("request too large"));
    }
    let mut body = vec![0u8; length];
    (&*socket).read_exact(&mut body)?;
    let request = decode(&body)?;
    let expected = 4
        + usize::from(request.stdin)
        + request.cgroup_joins as usize
        + usize::from(request.confinement.is_some());
    if fds.len() != expected {
        return Err(invalid("descriptor count does not match the request"));
    }
    let mut fds = fds.into_iter();
    let mut next = || fds.next().ok_or_else(|| invalid("descriptor missing"));
    let (stdout, stderr, status, error) = (next()?, next()?, next()?, next()?);
    let stdin = if request.stdin { Some(next()?) } else { None };
    let cgroup_joins = (0..request.cgroup_joins).map(|_| next()).collect::<io::Result<Vec<_>>>()?;
    let ruleset = if request.confinement.is_some() { Some(next()?) } else { None };
    Ok(Some((request, Fds { stdout, stderr, status, error, stdin, cgroup_joins, ruleset })))
}

/// The answer to a request: the init's pid and pidfd, or why there is none.
pub fn send_answer(socket: &UnixStream, answer: Result<(i32, &OwnedFd), io::Error>) -> io::Result<()> {
    match answer {
        Ok((pid, pidfd)) => send_with_fds(socket, &pid.to_ne_bytes(), &[pidfd.as_raw_fd()]),
        Err(e) => {
            let errno = e.raw_os_error().unwrap_or(libc::EIO);
            send_with_fds(socket, &(-errno).to_ne_bytes(), &[])
        }
    }
}

/// Receives the answer to a request.
pub fn receive_answer(socket: &UnixStream) -> io::Result<(i32, OwnedFd)> {
    let mut word = [0u8; 4];
    let fds = receive_with_fds(socket, &mut word)?
        .ok_or_else(|| io::Error::new(io::ErrorKind::BrokenPipe, "the spawner has exited"))?;
    let value = i32::from_ne_bytes(word);
    if value < 0 {
        return Err(io::Error::from_raw_os_error(-value));
    }
    let pidfd = fds.into_iter().next().ok_or_else(|| invalid("answer without a pidfd"))?;
    Ok((value, pidfd))
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

/// Writes all of `bytes`, the descriptors with the first part (a stream socket may take a
/// large message in several writes).
fn send_with_fds(socket: &UnixStream, bytes: &[u8], fds: &[RawFd]) -> io::Result<()> {
    let rights = [ControlMessage::ScmRights(fds)];
    let cmsgs: &[ControlMessage<'_>] = if fds.is_empty() { &[] } else { &rights };
    let sent = loop {
        match sendmsg::<()>(socket.as_raw_fd(), &[IoSlice::new(bytes)], cmsgs, MsgFlags::MSG_NOSIGNAL, None) {
            Err(nix::errno::Errno::EINTR) => continue,
            other => break other.map_err(io::Error::from)?,
        }
    };
    (&*socket).write_all(&bytes[sent..])
}

/// Fills `buf` (a few bytes) and returns the descriptors that came with them (all
/// close-on-exec); `None` at end of stream.
fn receive_with_fds(socket: &UnixStream, buf: &mut [u8]) -> io::Result<Option<Vec<OwnedFd>>> {
    let mut space = nix::cmsg_space!([RawFd; MAX_FDS]);
    let (got, fds) = loop {
        let mut iov = [IoSliceMut::new(buf)];
        match recvmsg::<()>(socket.as_raw_fd(), &mut iov, Some(&mut space), MsgFlags::MSG_CMSG_CLOEXEC) {
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
            Ok(message) => {
                let mut fds = Vec::new();
                for cmsg in message.cmsgs().map_err(io::Error::from)? {
                    if let ControlMessageOwned::ScmRights(received) = cmsg {
                        // SAFETY: descriptors received with SCM_RIGHTS are new in this
                        // process and owned by nobody else.
                        fds.extend(received.into_iter().map(|fd| unsafe { OwnedFd::from_raw_fd(fd) }));
                    }
                }
                if message.flags.contains(MsgFlags::MSG_CTRUNC) {
                    return Err(invalid("too many descriptors"));
                }
                break (message.bytes, fds);
            }
        }
    };
    if got == 0 {
        return Ok(None);
    }
    (&*socket).read_exact(&mut buf[got..])?;
    Ok(Some(fds))
}

/// The body of a request.
fn encode(r: &Request) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let bytes = |out: &mut Vec<u8>, b: &[u8]| {
        out.extend_from_slice(&(b.len() as u32).to_ne_bytes());
        out.extend_from_slice(b);
    };
    let strings = |out: &mut Vec<u8>, list: &[CString]| {
        out.extend_from_slice(&(list.len() as u32).to_ne_bytes());
        for s in list {
            bytes(out, s.as_bytes());
        }
    };
    bytes(&mut out, r.path.as_bytes());
    strings(&mut out, &r.args);
    strings(&mut out, &r.vars);
    bytes(&mut out, r.workdir.as_bytes());
    out.extend_from_slice(&(r.rlimits.len() as u32).to_ne_bytes());
    for limit in &r.rlimits {
        let index = RESOURCES.iter().position(|x| *x == limit.resource).unwrap_or(usize::MAX);
        out.extend_from_slice(&(index as u32).to_ne_bytes());
        out.extend_from_slice(&limit.soft.to_ne_bytes());
        out.extend_from_slice(&limit.hard.to_ne_bytes());
    }
    out.extend_from_slice(&(r.affinity.len() as u32).to_ne_bytes());
    for cpu in &r.affinity {
        out.extend_from_slice(&cpu.to_ne_bytes());
    }
    match &r.confinement {
        None => out.push(0),
        Some(c) => {
            out.push(1);
            out.push(u8::from(c.proc_namespaced));
            out.extend_from_slice(&c.proc_rights.to_ne_bytes());
            out.push(u8::from(c.network));
            out.extend_from_slice(&c.last_cap.to_ne_bytes());
            out.push(u8::from(c.must_drop_capabilities));
        }
    }
    out.push(u8::from(r.stdin));
    out.extend_from_slice(&r.cgroup_joins.to_ne_bytes());
    out
}

/// Reads a body written by [`encode`].
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> io::Result<&[u8]> {
        if self.0.len() < n {
            return Err(invalid("request truncated"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn u8(&mut self) -> io::Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn flag(&mut self) -> io::Result<bool> {
        Ok(self.u8()? != 0)
    }
    fn u32(&mut self) -> io::Result<u32> {
        Ok(u32::from_ne_bytes(self.take(4)?.try_into().map_err(|_| invalid("u32"))?))
    }
    fn u64(&mut self) -> io::Result<u64> {
        Ok(u64::from_ne_bytes(self.take(8)?.try_into().map_err(|_| invalid("u64"))?))
    }
    fn string(&mut self) -> io::Result<CString> {
        let n = self.u32()? as usize;
        CString::new(self.take(n)?.to_vec()).map_err(|_| invalid("NUL inside a string"))
    }
    fn strings(&mut self) -> io::Result<Vec<CString>> {
        let n = self.u32()? as usize;
        (0..n).map(|_| self.string()).collect()
    }
}

fn decode(body: &[u8]) -> io::Result<Request> {
    let mut r = Reader(body);
    let path = r.string()?;
    let args = r.strings()?;
    let vars = r.strings()?;
    let workdir = r.string()?;
    let limits = r.u32()?;
    let mut rlimits = Vec::new();
    for _ in 0..limits {
        let resource = *RESOURCES.get(r.u32()? as usize).ok_or_else(|| invalid("unknown resource limit"))?;
        rlimits.push(Rlimit { resource, soft: r.u64()?, hard: r.u64()? });
    }
    let cpus = r.u32()?;
    let affinity = (0..cpus).map(|_| r.u32()).collect::<io::Result<Vec<_>>>()?;
    let confinement = if r.flag()? {
        Some(Confinement {
            proc_namespaced: r.flag()?,
            proc_rights: r.u64()?,
            network: r.flag()?,
            last_cap: r.u32()?,
            must_drop_capabilities: r.flag()?,
        })
    } else {
        None
    };
    let stdin = r.flag()?;
    let cgroup_joins = r.u32()?;
    if !r.0.is_empty() {
        return Err(invalid("trailing bytes after the request"));
    }
    Ok(Request { path, args, vars, workdir, rlimits, affinity, confinement, stdin, cgroup_joins })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> CString {
        CString::new(s).unwrap()
    }

    fn sample() -> Request {
        Request {
            path: c("/bin/true"),
            args: vec![c("true"), c("a b"), c("")],
            vars: vec![c("PATH=/usr/bin"), c("HOME=/tmp/x")],
            workdir: c("/tmp"),
            rlimits: vec![
                Rlimit { resource: Resource::RLIMIT_CORE, soft: 0, hard: 0 },
                Rlimit { resource: Resource::RLIMIT_CPU, soft: 2, hard: 3 },
            ],
            affinity: vec![0, 3],
            confinement: Some(Confinement {
                proc_namespaced: true,
                proc_rights: 0x1234,
                network: false,
                last_cap: 40,
                must_drop_capabilities: true,
            }),
            stdin: true,
            cgroup_joins: 2,
        }
    }

    #[test]
    fn a_request_reads_back_as_written() {
        let request = sample();
        assert_eq!(decode(&encode(&request)).unwrap(), request);
        let plain = Request { confinement: None, affinity: Vec::new(), stdin: false, ..sample() };
        assert_eq!(decode(&encode(&plain)).unwrap(), plain);
    }

    #[test]
    fn a_truncated_or_padded_body_is_refused() {
        let body = encode(&sample());
        assert!(decode(&body[..body.len() - 1]).is_err());
        let mut padded = body.clone();
        padded.push(0);
        assert!(decode(&padded).is_err());
    }

    #[test]
    fn a_request_and_its_descriptors_cross_a_socket() {
        let (a, b) = UnixStream::pair().unwrap();
        let files: Vec<std::fs::File> = (0..7).map(|_| tempfile::tempfile().unwrap()).collect();
        let raw = |i: usize| files[i].as_raw_fd();
        let fds = Fds {
            stdout: raw(0),
            stderr: raw(1),
            status: raw(2),
            error: raw(3),
            stdin: Some(raw(4)),
            cgroup_joins: vec![raw(5)],
            ruleset: Some(raw(6)),
        };
        let request = Request { cgroup_joins: 1, ..sample() };
        send_request(&a, &request, fds).unwrap();
        let (got, fds) = receive_request(&b).unwrap().unwrap();
        assert_eq!(got, request);
        // The same open files arrive, in their roles: write through one, read through the other.
        let mut through = std::fs::File::from(fds.cgroup_joins.into_iter().next().unwrap());
        through.write_all(b"join").unwrap();
        let mut original = &files[5];
        std::io::Seek::rewind(&mut original).unwrap();
        let mut text = String::new();
        original.read_to_string(&mut text).unwrap();
        assert_eq!(text, "join");
        drop(a);
        assert!(receive_request(&b).unwrap().is_none(), "end of stream is no request");
    }

    #[test]
    fn an_answer_carries_a_pid_and_its_descriptor_or_an_errno() {
        let (a, b) = UnixStream::pair().unwrap();
        let file: OwnedFd = tempfile::tempfile().unwrap().into();
        send_answer(&a, Ok((42, &file))).unwrap();
        assert_eq!(receive_answer(&b).unwrap().0, 42);
        send_answer(&a, Err(io::Error::from_raw_os_error(libc::EAGAIN))).unwrap();
        assert_eq!(receive_answer(&b).unwrap_err().raw_os_error(), Some(libc::EAGAIN));
    }
}
