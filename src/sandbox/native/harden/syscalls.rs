//! The seccomp filters of a hardened call: what no agent command needs is answered with
//! `EPERM` (never a kill, so programs see an ordinary error), sockets other than `AF_UNIX`
//! (and `AF_INET`/`AF_INET6` when the network is granted) are refused, and `clone3`, whose
//! flags a filter cannot read, says `ENOSYS` so the C library falls back to `clone`, whose
//! namespace flags it can.
//!
//! Compiled once per process (one program pair for each network choice) by `seccompiler`;
//! the child only installs them.

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter, SeccompRule,
    TargetArch,
};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// System calls refused outright: kernel, mount, namespace, tracing and keyring
/// operations, and `io_uring`, whose submissions a seccomp filter would not see.
const DENIED: &[(libc::c_long, &str)] = &[
    (libc::SYS_ptrace, "ptrace"),
    (libc::SYS_process_vm_readv, "process_vm_readv"),
    (libc::SYS_process_vm_writev, "process_vm_writev"),
    (libc::SYS_mount, "mount"),
    (libc::SYS_umount2, "umount2"),
    (libc::SYS_pivot_root, "pivot_root"),
    (libc::SYS_chroot, "chroot"),
    (libc::SYS_fsopen, "fsopen"),
    (libc::SYS_fsmount, "fsmount"),
    (libc::SYS_fsconfig, "fsconfig"),
    (libc::SYS_fspick, "fspick"),
    (libc::SYS_move_mount, "move_mount"),
    (libc::SYS_open_tree, "open_tree"),
    (libc::SYS_mount_setattr, "mount_setattr"),
    (libc::SYS_open_by_handle_at, "open_by_handle_at"),
    (libc::SYS_kexec_load, "kexec_load"),
    (libc::SYS_kexec_file_load, "kexec_file_load"),
    (libc::SYS_bpf, "bpf"),
    (libc::SYS_perf_event_open, "perf_event_open"),
    (libc::SYS_keyctl, "keyctl"),
    (libc::SYS_add_key, "add_key"),
    (libc::SYS_request_key, "request_key"),
    (libc::SYS_init_module, "init_module"),
    (libc::SYS_finit_module, "finit_module"),
    (libc::SYS_delete_module, "delete_module"),
    (libc::SYS_swapon, "swapon"),
    (libc::SYS_swapoff, "swapoff"),
    (libc::SYS_reboot, "reboot"),
    (libc::SYS_unshare, "unshare"),
    (libc::SYS_setns, "setns"),
    (libc::SYS_io_uring_setup, "io_uring_setup"),
    (libc::SYS_io_uring_enter, "io_uring_enter"),
    (libc::SYS_io_uring_register, "io_uring_register"),
];

/// The `clone` flags that create namespaces.
const NAMESPACE_FLAGS: [libc::c_int; 7] = [
    libc::CLONE_NEWNS,
    libc::CLONE_NEWUTS,
    libc::CLONE_NEWIPC,
    libc::CLONE_NEWUSER,
    libc::CLONE_NEWPID,
    libc::CLONE_NEWNET,
    libc::CLONE_NEWCGROUP,
];

/// The names of the refused system calls, for `symbi doctor` and the docs.
pub fn denied_names() -> impl Iterator<Item = &'static str> {
    DENIED.iter().map(|(_, name)| *name)
}

/// This architecture as seccompiler knows it (`None`: no filter can be compiled here).
pub fn target_arch() -> Option<TargetArch> {
    TargetArch::try_from(std::env::consts::ARCH).ok()
}

/// The filters of a call with (`network`) or without the network, compiled on first use.
pub fn programs(network: bool) -> Result<&'static [BpfProgram], String> {
    static WITH: OnceLock<Result<Vec<BpfProgram>, String>> = OnceLock::new();
    static WITHOUT: OnceLock<Result<Vec<BpfProgram>, String>> = OnceLock::new();
    let cell = if network { &WITH } else { &WITHOUT };
    cell.get_or_init(|| compile(network)).as_ref().map(Vec::as_slice).map_err(Clone::clone)
}

fn compile(network: bool) -> Result<Vec<BpfProgram>, String> {
    let arch = target_arch().ok_or_else(|| format!("no seccomp support for {}", std::env::consts::ARCH))?;
    let error = |e: seccompiler::BackendError| e.to_string();
    let condition =
        |arg, op, value| SeccompCondition::new(arg, SeccompCmpArgLen::Qword, op, value).map_err(error);

    let mut refused: BTreeMap<i64, Vec<SeccompRule>> =
        DENIED.iter().map(|(number, _)| (*number, Vec::new())).collect();
    let mut namespaced = Vec::new();
    for flag in NAMESPACE_FLAGS {
        let flag = flag as u64;
        namespaced
            .push(SeccompRule::new(vec![condition(0, SeccompCmpOp::MaskedEq(flag), flag)?]).map_err(error)?);
    }
    refused.insert(libc::SYS_clone, namespaced);
    let mut families = vec![libc::AF_UNIX];
    if network {
        families.extend([libc::AF_INET, libc::AF_INET6]);
    }
    // One rule whose conditions all hold: the domain is none of the allowed families.
    let other_family = families
        .iter()
        .map(|family| {
            SeccompCondition::new(0, SeccompCmpArgLen::Dword, SeccompCmpOp::Ne, *family as u64).map_err(error)
        })
        .collect::<Result<Vec<_>, _>>()?;
    for call in [libc::SYS_socket, libc::SYS_socketpair] {
        refused.insert(call, vec![SeccompRule::new(other_family.clone()).map_err(error)?]);
    }
    let eperm =
        SeccompFilter::new(refused, SeccompAction::Allow, SeccompAction::Errno(libc::EPERM as u32), arch)
            .map_err(error)?;
    let no_clone3 = SeccompFilter::new(
        BTreeMap::from([(libc::SYS_clone3, Vec::new())]),
        SeccompAction::Allow,
        SeccompAction::Errno(libc::ENOSYS as u32),
        arch,
    )
    .map_err(error)?;
    Ok(vec![eperm.try_into().map_err(error)?, no_clone3.try_into().map_err(error)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_filter_sets_compile_on_this_host() {
        if target_arch().is_some() {
            assert_eq!(programs(false).unwrap().len(), 2);
            assert_eq!(programs(true).unwrap().len(), 2);
            assert_ne!(programs(false).unwrap()[0], programs(true).unwrap()[0]);
        }
    }
}
