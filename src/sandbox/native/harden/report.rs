//! What a hardened call enforces on this host, for `symbi doctor`: the kernel's mechanisms
//! and, rule by rule, what `Moderate` on tier None gets here (or why it is refused).

use super::host::{ABI_WITH_NETWORK, ABI_WITHOUT_NETWORK, HostSupport};
use super::{paths, syscalls};
use crate::diag::codes::{HARDENING_NO_LANDLOCK, HARDENING_NO_SECCOMP};
use serde::Serialize;

/// The hardening of tier None on this host.
#[derive(Clone, Debug, Serialize)]
pub struct HardeningReport {
    /// The kernel's mechanisms.
    pub host: HostSupport,
    /// A hardened call without `network` runs here (else it is refused: E0480/E0481).
    pub runs_without_network: bool,
    /// A hardened call with `network` runs here.
    pub runs_with_network: bool,
    /// What a hardened call may write.
    pub writes: String,
    /// What a hardened call may read.
    pub reads: String,
    /// What becomes of the network.
    pub network: String,
    /// Privileges and refused system calls.
    pub privileges: String,
}

/// Describes the hardening this host gives.
pub fn report() -> HardeningReport {
    let host = HostSupport::get().clone();
    let secrets: Vec<&str> = paths::ETC_SECRETS.to_vec();
    HardeningReport {
        runs_without_network: host.require(false).is_ok(),
        runs_with_network: host.require(true).is_ok(),
        writes: "the working directory, the call's private TMPDIR, `native_execution.writable_paths`".into(),
        reads: format!(
            "{}, {}, /etc without {} and the SSH host keys, {}, the call's own /proc, the working directory, \
             the installation of each allowed executable, `native_execution.readable_paths`",
            paths::SYSTEM.join(" "),
            paths::KERNEL_FACTS.join(" "),
            secrets.join(" "),
            paths::DEVICES.join(" ")
        ),
        network: "unless `network` is declared: TCP bind and connect refused (Landlock), sockets other than \
                  AF_UNIX refused (seccomp); with it AF_INET and AF_INET6 too"
            .into(),
        privileges: format!(
            "no_new_privs, every capability dropped (bounding, inheritable, ambient), EPERM for {}, \
             clone of new namespaces; ENOSYS for clone3",
            syscalls::denied_names().collect::<Vec<_>>().join(" ")
        ),
        host,
    }
}

impl HardeningReport {
    /// The human form, one line per fact, indented for `symbi doctor`.
    pub fn human(&self) -> String {
        let landlock = match self.host.landlock_abi {
            None => "not available".to_string(),
            Some(abi) => format!(
                "ABI {abi} (files from ABI {ABI_WITH_NETWORK}: {}, TCP rules from ABI {ABI_WITHOUT_NETWORK}: {})",
                yes(abi >= ABI_WITH_NETWORK),
                yes(abi >= ABI_WITHOUT_NETWORK)
            ),
        };
        let verdict = match (self.runs_without_network, self.runs_with_network) {
            (true, _) => "enforced: every call confined before exec".to_string(),
            (false, true) => format!(
                "enforced only for agents declaring `network`; others refused ({HARDENING_NO_LANDLOCK})"
            ),
            (false, false) => {
                let code = if self.host.landlock_abi.is_none() {
                    HARDENING_NO_LANDLOCK
                } else {
                    HARDENING_NO_SECCOMP
                };
                format!("refused ({code}): use a container tier, or `sandbox: Permissive` without `harden`")
            }
        };
        let mut s =
            String::from("\nHardened native (tier None with Moderate, or `native_execution.harden`)\n");
        s.push_str(&format!("  landlock:   {landlock}\n"));
        s.push_str(&format!(
            "  seccomp:    {}\n",
            if self.host.seccomp { "filters available" } else { "not available" }
        ));
        s.push_str(&format!("  Moderate:   {verdict}\n"));
        s.push_str(&format!("  writes:     {}\n", self.writes));
        s.push_str(&format!("  reads:      {}\n", self.reads));
        s.push_str(&format!("  network:    {}\n", self.network));
        s.push_str(&format!("  privileges: {}\n", self.privileges));
        s
    }
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
