//! The seccomp filters of a hardened call: what no agent command needs is answered with
//! `EPERM` (never a kill, so programs see an ordinary error), sockets other than `AF_UNIX`
//! (and `AF_INET`/`AF_INET6` when the network is granted) are refused, and `clone3`, whose
//! flags a filter cannot read, says `ENOSYS` so the C library falls back to `clone`, whose
//! namespace flags it can.
//!
//! Compiled once per process (one program for each network choice) by `seccompiler`; the
//! child only installs it. One program, not two: the kernel checks, translates and compiles
//! a filter at every install and works out which system calls it always allows, so each
//! filter installed costs every call (docs/performance.md, "Hardened calls").

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter, SeccompRule,
    TargetArch, sock_filter,
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

/// The filter of a call with (`network`) or without the network, compiled on first use.
pub fn program(network: bool) -> Result<&'static BpfProgram, String> {
    static WITH: OnceLock<Result<BpfProgram, String>> = OnceLock::new();
    static WITHOUT: OnceLock<Result<BpfProgram, String>> = OnceLock::new();
    let cell = if network { &WITH } else { &WITHOUT };
    cell.get_or_init(|| compile(network)).as_ref().map_err(Clone::clone)
}

/// `clone3` answered with `ENOSYS`, ahead of the rest: a seccompiler filter has one action
/// for every rule it matches (`EPERM` here), so this one is written out. It reads only the
/// system call number; whatever it lets through meets the whole filter, architecture check
/// first (a jump in classic BPF is relative, so the prefix leaves the rest intact). On
/// another architecture's call with the same number it refuses too: refusing more is safe.
fn clone3_prefix() -> [sock_filter; 3] {
    let op = |code: u32| code as u16;
    [
        // The number is the first word of `struct seccomp_data`.
        sock_filter { code: op(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS), jt: 0, jf: 0, k: 0 },
        sock_filter {
            code: op(libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K),
            jt: 0,
            jf: 1,
            k: libc::SYS_clone3 as u32,
        },
        sock_filter {
            code: op(libc::BPF_RET | libc::BPF_K),
            jt: 0,
            jf: 0,
            k: libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32,
        },
    ]
}

fn compile(network: bool) -> Result<BpfProgram, String> {
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
    let eperm: BpfProgram = eperm.try_into().map_err(error)?;
    Ok(clone3_prefix().into_iter().chain(eperm).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_filters_compile_on_this_host_and_differ_in_the_network() {
        if target_arch().is_some() {
            let (without, with) = (program(false).unwrap(), program(true).unwrap());
            assert_ne!(without, with);
            // The clone3 prefix comes first, then seccompiler's architecture check.
            for p in [without, with] {
                assert_eq!(p[..3], clone3_prefix());
                assert_eq!(p[3].k, 4, "seccompiler's program starts by loading the architecture");
            }
        }
    }
}
