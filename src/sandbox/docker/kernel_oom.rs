//! The kernel's own record of a memory-cgroup OOM kill of a container.
//!
//! The engine's `OOMKilled` flag is set from an event its shim may miss: under gVisor on a
//! loaded host the container was seen to die of the kernel's OOM killer (the kernel log
//! names the container's cgroup) while the engine recorded a plain exit 137, in about one
//! run in four. The kernel's log is the authority, so when the engine cannot explain a
//! SIGKILL symbi did not send, it is asked. Reading `/dev/kmsg` needs `CAP_SYSLOG` (or
//! `kernel.dmesg_restrict = 0`); without it the answer is "not known", and the kill is
//! reported as unexplained, never guessed.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::os::unix::fs::OpenOptionsExt;

/// Whether the kernel log holds an OOM kill in the memory cgroup of the container `id`
/// (`oom-kill:... oom_memcg=/docker/<id>` or `/system.slice/docker-<id>.scope`).
/// `None` when the log cannot be read.
pub fn kernel_reported_oom(id: &str) -> Option<bool> {
    if id.len() < 12 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(false);
    }
    let mut kmsg =
        std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open("/dev/kmsg").ok()?;
    Some(records(&mut kmsg).any(|line| line.contains("oom-kill:") && line.contains(id)))
}

/// Every record of the kernel's ring buffer, oldest first: one `read` returns one record,
/// and `EAGAIN` ends the buffer (the file was opened non-blocking). A record overwritten
/// while reading (`EPIPE`) is skipped.
fn records(kmsg: &mut File) -> impl Iterator<Item = String> + '_ {
    let mut buf = vec![0u8; 8192];
    std::iter::from_fn(move || {
        loop {
            match kmsg.read(&mut buf) {
                Ok(0) => return None,
                Ok(n) => return Some(String::from_utf8_lossy(&buf[..n]).into_owned()),
                Err(e) if e.kind() == ErrorKind::BrokenPipe => continue,
                Err(_) => return None,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::kernel_reported_oom;

    #[test]
    fn a_name_that_is_not_a_container_id_is_never_found() {
        // A short or non-hex "id" would match unrelated lines.
        assert_eq!(kernel_reported_oom("docker"), Some(false));
        assert_eq!(kernel_reported_oom(""), Some(false));
    }
}
