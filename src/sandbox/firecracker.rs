//! Tier3 (Firecracker): its configuration and an honest preflight.
//!
//! Firecracker cannot run on the machines symbi is developed and tested on (no binary in
//! the package registries, and nested KVM guests do not boot), so this tier never runs a
//! command. [`preflight`] lists exactly what is missing; with nothing missing, the call
//! still fails, saying that micro-VM execution is not part of this build.

use crate::config::FirecrackerConfig;
use crate::diag::codes::FIRECRACKER_UNAVAILABLE;
use crate::sandbox::{BoxFuture, ExecRequest, ExecResult, Sandbox, SandboxError};
use crate::security::Tier;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One thing Tier3 needs, and whether this host has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// `firecracker binary`, `/dev/kvm`, `guest kernel`, `guest rootfs`.
    pub what: String,
    /// Present and usable.
    pub ok: bool,
    /// Where it was looked for, or why it is unusable.
    pub detail: String,
}

/// Checks the binary, `/dev/kvm`, the kernel and the rootfs.
pub fn requirements(cfg: &FirecrackerConfig) -> Vec<Requirement> {
    let binary = find_binary(&cfg.binary);
    let kvm = Path::new("/dev/kvm");
    let kvm_ok = std::fs::OpenOptions::new().read(true).write(true).open(kvm).is_ok();
    vec![
        Requirement {
            what: "firecracker binary".into(),
            ok: binary.is_some(),
            detail: match &binary {
                Some(p) => p.display().to_string(),
                None => format!("`{}` not found on PATH (firecracker.binary)", cfg.binary),
            },
        },
        Requirement {
            what: "/dev/kvm".into(),
            ok: kvm_ok,
            detail: if kvm_ok {
                "readable and writable".into()
            } else if kvm.exists() {
                "present but not readable and writable by this user".into()
            } else {
                "absent: the host offers no KVM (nested virtualisation off?)".into()
            },
        },
        file_requirement("guest kernel", "firecracker.kernel", cfg.kernel.as_deref()),
        file_requirement("guest rootfs", "firecracker.rootfs", cfg.rootfs.as_deref()),
    ]
}

fn file_requirement(what: &str, key: &str, path: Option<&Path>) -> Requirement {
    match path {
        None => Requirement { what: what.into(), ok: false, detail: format!("`{key}` is not set") },
        Some(p) if p.is_file() => {
            Requirement { what: what.into(), ok: true, detail: p.display().to_string() }
        }
        Some(p) => Requirement {
            what: what.into(),
            ok: false,
            detail: format!("{} does not exist ({key})", p.display()),
        },
    }
}

fn find_binary(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        return Path::new(name).is_file().then(|| PathBuf::from(name));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

/// E0455 listing every missing requirement, or `Ok` when all are present.
pub fn preflight(cfg: &FirecrackerConfig) -> Result<(), SandboxError> {
    let missing: Vec<Requirement> = requirements(cfg).into_iter().filter(|r| !r.ok).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = missing.iter().map(|r| r.what.as_str()).collect();
    let mut err = SandboxError::new(
        FIRECRACKER_UNAVAILABLE,
        format!("Tier3 (Firecracker) cannot run on this host: missing {}", names.join(", ")),
    );
    for r in &missing {
        err = err.with_note(format!("{}: {}", r.what, r.detail));
    }
    Err(err.with_help(
        "run on a host with KVM and the firecracker binary and set `[firecracker] kernel` and \
         `rootfs`, or choose `--sandbox-tier tier2` (gVisor) for strong isolation here",
    ))
}

/// The Tier3 sandbox: constructed only when the preflight passes, and still refuses to run.
pub struct FirecrackerSandbox;

impl FirecrackerSandbox {
    /// Runs the preflight; E0455 lists what is missing.
    pub fn new(cfg: &FirecrackerConfig) -> Result<Self, SandboxError> {
        preflight(cfg).map(|()| FirecrackerSandbox)
    }
}

impl Sandbox for FirecrackerSandbox {
    fn tier(&self) -> Tier {
        Tier::Tier3
    }

    fn execute(&self, _request: ExecRequest) -> BoxFuture<'_, Result<ExecResult, SandboxError>> {
        Box::pin(async {
            Err(SandboxError::new(
                FIRECRACKER_UNAVAILABLE,
                "Tier3 (Firecracker) micro-VM execution is not part of this build",
            )
            .with_help("choose `--sandbox-tier tier2` (gVisor) for strong isolation"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::codes;

    #[test]
    fn preflight_lists_each_missing_part() {
        let cfg = FirecrackerConfig {
            binary: "/nonexistent/firecracker".into(),
            kernel: None,
            rootfs: Some(PathBuf::from("/nonexistent/rootfs.ext4")),
            vcpus: 1,
            memory_mb: 128,
        };
        let err = preflight(&cfg).err();
        assert_eq!(err.as_ref().map(|e| e.code), Some(codes::FIRECRACKER_UNAVAILABLE));
        let msg = err.map(|e| (e.message, e.notes.len())).unwrap_or_default();
        assert!(msg.0.contains("firecracker binary"), "{}", msg.0);
        assert!(msg.0.contains("guest kernel") && msg.0.contains("guest rootfs"), "{}", msg.0);
        assert!(msg.1 >= 3);
    }
}
