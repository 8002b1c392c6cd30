//! What this host's kernel can enforce for a hardened call: the Landlock ABI and seccomp.
//!
//! Probed once per process. Two switches simulate a kernel without the mechanism; they
//! exist only for the tests of the refusal (a real host is never asked to pretend).
#![allow(
    unsafe_code,
    reason = "probes the Landlock ABI and the seccomp mode, which neither std nor nix exposes"
)]

use crate::diag::codes;
use crate::sandbox::SandboxError;
use serde::Serialize;
use std::sync::OnceLock;

/// Test-only: when set (to anything), this process behaves as on a kernel without Landlock.
pub const PRETEND_NO_LANDLOCK: &str = "SYMBI_TEST_PRETEND_NO_LANDLOCK";
/// Test-only: when set (to anything), this process behaves as on a kernel without seccomp.
pub const PRETEND_NO_SECCOMP: &str = "SYMBI_TEST_PRETEND_NO_SECCOMP";

/// The Landlock ABI a hardened call needs when the network is granted: ABI 3 is the first
/// that controls truncation, without which a root program could empty any readable file.
pub const ABI_WITH_NETWORK: i32 = 3;
/// The Landlock ABI a hardened call needs when the network is refused: ABI 4 adds TCP
/// bind and connect rules.
pub const ABI_WITHOUT_NETWORK: i32 = 4;

/// The kernel mechanisms a hardened call uses, as found on this host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostSupport {
    /// The Landlock ABI version, `None` when Landlock is absent or disabled.
    pub landlock_abi: Option<i32>,
    /// seccomp filters can be installed (the kernel has them and symbi knows this
    /// architecture's system call table).
    pub seccomp: bool,
}

impl HostSupport {
    /// The mechanisms as probed (once per process).
    pub fn get() -> &'static HostSupport {
        static SUPPORT: OnceLock<HostSupport> = OnceLock::new();
        SUPPORT.get_or_init(|| HostSupport {
            landlock_abi: if std::env::var_os(PRETEND_NO_LANDLOCK).is_some() { None } else { landlock_abi() },
            seccomp: std::env::var_os(PRETEND_NO_SECCOMP).is_none() && seccomp_available(),
        })
    }

    /// Refuses (E0480, E0481) unless every mechanism a call with or without the network
    /// needs is there: a hardened call never runs with a rule missing.
    pub fn require(&self, network: bool) -> Result<(), SandboxError> {
        let needed = if network { ABI_WITH_NETWORK } else { ABI_WITHOUT_NETWORK };
        let help = "run the agent on a container tier (`tier: Tier1` or higher), or, if it may run \
                    unconfined on the host, give it `sandbox: Permissive` and leave \
                    `native_execution.harden` unset";
        match self.landlock_abi {
            None => {
                return Err(SandboxError::new(
                    codes::HARDENING_NO_LANDLOCK,
                    "this hardened call cannot run: the kernel does not offer Landlock",
                )
                .with_note(format!(
                    "a hardened call confines reads and writes with Landlock (ABI {needed} or later for this call); \
                     Linux 5.13+ built with CONFIG_SECURITY_LANDLOCK and `landlock` in the `lsm=` boot list provide it"
                ))
                .with_help(help));
            }
            Some(abi) if abi < needed => {
                let why = if network { "truncation rules" } else { "TCP bind and connect rules" };
                return Err(SandboxError::new(
                    codes::HARDENING_NO_LANDLOCK,
                    format!("this hardened call cannot run: the kernel's Landlock ABI {abi} lacks {why} (ABI {needed})"),
                )
                .with_note("a newer kernel provides them (ABI 3: Linux 6.2, ABI 4: Linux 6.7)")
                .with_help(help));
            }
            Some(_) => {}
        }
        if !self.seccomp {
            return Err(SandboxError::new(
                codes::HARDENING_NO_SECCOMP,
                "this hardened call cannot run: seccomp filters are not available on this host",
            )
            .with_note(format!(
                "a hardened call refuses dangerous system calls with a seccomp filter; the kernel needs \
                 CONFIG_SECCOMP_FILTER and symbi must know the architecture ({})",
                std::env::consts::ARCH
            ))
            .with_help(help));
        }
        Ok(())
    }
}

/// The kernel's Landlock ABI version, asked of the kernel itself.
fn landlock_abi() -> Option<i32> {
    const LANDLOCK_CREATE_RULESET_VERSION: libc::c_uint = 1;
    // SAFETY: with the version flag and no attribute, the call only returns a number.
    let version = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<libc::c_void>(),
            0usize,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    };
    (version > 0).then_some(version as i32)
}

/// Whether this process may install seccomp filters.
fn seccomp_available() -> bool {
    // SAFETY: prctl with integer arguments; the mode is 0 (none yet) on a kernel that has
    // seccomp, and fails with EINVAL on one that does not.
    let mode = unsafe { libc::prctl(libc::PR_GET_SECCOMP, 0, 0, 0, 0) };
    mode >= 0 && super::syscalls::audit_arch().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kernel_without_landlock_refuses_with_e0480() {
        let host = HostSupport { landlock_abi: None, seccomp: true };
        let e = host.require(false).unwrap_err();
        assert_eq!(e.code, codes::HARDENING_NO_LANDLOCK);
        assert!(e.message.contains("Landlock"), "{}", e.message);
    }

    #[test]
    fn an_old_abi_refuses_only_what_it_cannot_enforce() {
        let host = HostSupport { landlock_abi: Some(3), seccomp: true };
        assert!(host.require(true).is_ok());
        assert_eq!(host.require(false).unwrap_err().code, codes::HARDENING_NO_LANDLOCK);
    }

    #[test]
    fn a_kernel_without_seccomp_refuses_with_e0481() {
        let host = HostSupport { landlock_abi: Some(7), seccomp: false };
        assert_eq!(host.require(true).unwrap_err().code, codes::HARDENING_NO_SECCOMP);
    }
}
