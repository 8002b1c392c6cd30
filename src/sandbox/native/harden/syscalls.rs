//! The seccomp filter of a hardened call: what no agent command needs is answered with
//! `EPERM` (never a kill, so programs see an ordinary error), sockets other than `AF_UNIX`
//! (and `AF_INET`/`AF_INET6` when the network is granted) are refused, and `clone3`, whose
//! flags a filter cannot read, says `ENOSYS` so the C library falls back to `clone`, whose
//! namespace flags it can.
//!
//! The classic BPF program is built here, once per process (one for each network choice),
//! as a binary search over the few system call numbers it treats specially; the child only
//! installs it. Its size matters at every install: the kernel checks and compiles the
//! program, then runs it for every system call number of the architecture to find those it
//! always allows (which then skip the filter at run time). A search over the ~40 numbers
//! walks about six comparisons per number where a chain of comparisons walks all of them
//! (docs/performance.md, "Hardened calls"). The program is:
//!
//! 1. the architecture: a system call of another ABI (i386 through `int 0x80`, x32) has
//!    other numbers and is refused whole;
//! 2. the number, searched among [`DENIED`], `clone`, `clone3`, `socket` and `socketpair`;
//!    every other number is allowed;
//! 3. for `clone` the namespace flags, for the socket calls the family (the first
//!    argument's low word: both are 32-bit values the kernel reads as such).

use libc::sock_filter;
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
const NAMESPACE_FLAGS: u32 = (libc::CLONE_NEWNS
    | libc::CLONE_NEWUTS
    | libc::CLONE_NEWIPC
    | libc::CLONE_NEWUSER
    | libc::CLONE_NEWPID
    | libc::CLONE_NEWNET
    | libc::CLONE_NEWCGROUP) as u32;

/// `__AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE` of the kernel's `audit.h`: a 64-bit little-endian ABI.
const AUDIT_ARCH_64_LE: u32 = 0x8000_0000 | 0x4000_0000;

/// The x32 ABI's system calls carry this bit in their number under the x86-64 architecture
/// value: without its own check they would pass a filter that compares plain numbers.
#[cfg(target_arch = "x86_64")]
const X32_SYSCALL_BIT: u32 = 0x4000_0000;

/// The offsets in `struct seccomp_data`: the number, the architecture, and the low word of
/// the first argument (little-endian, see [`audit_arch`]).
const NR: u32 = 0;
const ARCH: u32 = 4;
const ARG0_LOW: u32 = 16;

/// The answers a filter gives.
const ALLOW: u32 = libc::SECCOMP_RET_ALLOW;
const EPERM: u32 = libc::SECCOMP_RET_ERRNO | libc::EPERM as u32;
const ENOSYS: u32 = libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32;

/// The names of the refused system calls, for `symbi doctor` and the docs.
pub fn denied_names() -> impl Iterator<Item = &'static str> {
    DENIED.iter().map(|(_, name)| *name)
}

/// This architecture's `AUDIT_ARCH_*` value, the one every system call of the native ABI
/// carries (`None`: no filter is built for this architecture, and hardened calls are
/// refused). Only little-endian 64-bit ABIs, whose argument words the program reads at
/// fixed offsets.
pub fn audit_arch() -> Option<u32> {
    let machine = match std::env::consts::ARCH {
        "x86_64" => libc::EM_X86_64,
        "aarch64" => libc::EM_AARCH64,
        "riscv64" => libc::EM_RISCV,
        _ => return None,
    };
    Some(AUDIT_ARCH_64_LE | u32::from(machine))
}

/// A compiled filter, ready to install.
pub type Program = Vec<sock_filter>;

/// The filter of a call with (`network`) or without the network, built on first use.
pub fn program(network: bool) -> Result<&'static Program, String> {
    static WITH: OnceLock<Result<Program, String>> = OnceLock::new();
    static WITHOUT: OnceLock<Result<Program, String>> = OnceLock::new();
    let cell = if network { &WITH } else { &WITHOUT };
    cell.get_or_init(|| build(network)).as_ref().map_err(Clone::clone)
}

/// What the program does with one of the numbers it searches for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Treatment {
    /// `EPERM`.
    Deny,
    /// `ENOSYS` (`clone3`).
    NotThere,
    /// `EPERM` when a namespace flag is set (`clone`).
    Clone,
    /// `EPERM` unless the family is allowed (`socket`, `socketpair`).
    Socket,
}

/// Where a jump goes: a number of instructions forward, or one of the program's answers,
/// which end it (one `ret` each, shared by every jump to it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum To {
    /// Skip this many instructions.
    Skip(usize),
    /// `ret` with this answer.
    Answer(u32),
}

/// An instruction before its jumps are resolved.
#[derive(Clone, Copy, Debug)]
struct Ins {
    code: u32,
    k: u32,
    jt: To,
    jf: To,
}

fn load(offset: u32) -> Ins {
    Ins { code: libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, k: offset, jt: To::Skip(0), jf: To::Skip(0) }
}

fn jump(op: u32, k: u32, jt: To, jf: To) -> Ins {
    Ins { code: libc::BPF_JMP | op | libc::BPF_K, k, jt, jf }
}

/// The instructions that answer a call whose number was found to need `treatment`, with
/// the argument checks (the first argument's low word).
fn answer(treatment: Treatment, families: &[u32]) -> (To, Vec<Ins>) {
    match treatment {
        Treatment::Deny => (To::Answer(EPERM), Vec::new()),
        Treatment::NotThere => (To::Answer(ENOSYS), Vec::new()),
        Treatment::Clone => (
            To::Skip(0),
            vec![load(ARG0_LOW), jump(libc::BPF_JSET, NAMESPACE_FLAGS, To::Answer(EPERM), To::Answer(ALLOW))],
        ),
        Treatment::Socket => {
            let mut out = vec![load(ARG0_LOW)];
            for (i, family) in families.iter().enumerate() {
                let other = if i + 1 == families.len() { To::Answer(EPERM) } else { To::Skip(0) };
                out.push(jump(libc::BPF_JEQ, *family, To::Answer(ALLOW), other));
            }
            (To::Skip(0), out)
        }
    }
}

/// Numbers compared one after the other at a leaf of the search.
const LEAF: usize = 3;

/// The search over `numbers` (sorted): a leaf compares each in turn and allows what is
/// none of them; a node sends the upper half's numbers past the lower half's code. Jumps in
/// classic BPF only go forward, so the lower half is laid out first.
fn search(numbers: &[(u32, Treatment)], families: &[u32]) -> Vec<Ins> {
    if numbers.len() <= LEAF {
        let mut out = Vec::new();
        for (i, (number, treatment)) in numbers.iter().enumerate() {
            let (found, checks) = answer(*treatment, families);
            let next = if i + 1 == numbers.len() { To::Answer(ALLOW) } else { To::Skip(checks.len()) };
            out.push(jump(libc::BPF_JEQ, *number, found, next));
            out.extend(checks);
        }
        return out;
    }
    let (lower, upper) = numbers.split_at(numbers.len() / 2);
    let lower_code = search(lower, families);
    let mut out = vec![jump(libc::BPF_JGE, upper[0].0, To::Skip(lower_code.len()), To::Skip(0))];
    out.extend(lower_code);
    out.extend(search(upper, families));
    out
}

/// The numbers the program treats specially, sorted.
fn numbers() -> Vec<(u32, Treatment)> {
    let mut numbers: Vec<(u32, Treatment)> =
        DENIED.iter().map(|(number, _)| (*number as u32, Treatment::Deny)).collect();
    numbers.extend([
        (libc::SYS_clone as u32, Treatment::Clone),
        (libc::SYS_clone3 as u32, Treatment::NotThere),
        (libc::SYS_socket as u32, Treatment::Socket),
        (libc::SYS_socketpair as u32, Treatment::Socket),
    ]);
    numbers.sort_by_key(|(number, _)| *number);
    numbers.dedup_by_key(|(number, _)| *number);
    numbers
}

/// Lays out `code` followed by one `ret` per answer, and turns each jump to an answer into
/// its offset.
fn resolve(code: &[Ins]) -> Result<Program, String> {
    let answers = [ALLOW, EPERM, ENOSYS];
    let offset = |at: usize, to: To| {
        let n = match to {
            To::Skip(n) => n,
            To::Answer(a) => code.len() + answers.iter().position(|x| *x == a).unwrap_or(0) - (at + 1),
        };
        u8::try_from(n).map_err(|_| format!("a seccomp jump of {n} instructions is too long"))
    };
    let mut out = Vec::with_capacity(code.len() + answers.len());
    for (at, ins) in code.iter().enumerate() {
        let (jt, jf) = if ins.code & 0x07 == libc::BPF_JMP {
            (offset(at, ins.jt)?, offset(at, ins.jf)?)
        } else {
            (0, 0)
        };
        out.push(sock_filter { code: ins.code as u16, jt, jf, k: ins.k });
    }
    out.extend(answers.map(|k| sock_filter { code: (libc::BPF_RET | libc::BPF_K) as u16, jt: 0, jf: 0, k }));
    Ok(out)
}

fn build(network: bool) -> Result<Program, String> {
    let arch = audit_arch().ok_or_else(|| format!("no seccomp filter for {}", std::env::consts::ARCH))?;
    let mut families = vec![libc::AF_UNIX as u32];
    if network {
        families.extend([libc::AF_INET as u32, libc::AF_INET6 as u32]);
    }
    let mut code = vec![load(ARCH), jump(libc::BPF_JEQ, arch, To::Skip(0), To::Answer(EPERM)), load(NR)];
    #[cfg(target_arch = "x86_64")]
    code.push(jump(libc::BPF_JGE, X32_SYSCALL_BIT, To::Answer(EPERM), To::Skip(0)));
    code.extend(search(&numbers(), &families));
    resolve(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the kernel would answer: runs `program` on a system call, for the instructions
    /// the program uses (anything else fails the test).
    fn run(program: &[sock_filter], arch: u32, nr: u32, arg0: u64) -> u32 {
        walk(program, arch, nr, arg0).0
    }

    /// The instructions run for a call of `nr` without arguments.
    fn steps(program: &[sock_filter], arch: u32, nr: u32) -> usize {
        walk(program, arch, nr, 0).1
    }

    /// The answer and the number of instructions run.
    fn walk(program: &[sock_filter], arch: u32, nr: u32, arg0: u64) -> (u32, usize) {
        let mut data = [0u8; 64];
        data[0..4].copy_from_slice(&nr.to_le_bytes());
        data[4..8].copy_from_slice(&arch.to_le_bytes());
        data[16..24].copy_from_slice(&arg0.to_le_bytes());
        let (mut pc, mut acc, mut count) = (0usize, 0u32, 0usize);
        loop {
            let ins = program[pc];
            count += 1;
            let code = u32::from(ins.code);
            let taken = |cond: bool| if cond { usize::from(ins.jt) } else { usize::from(ins.jf) };
            pc += 1;
            match code {
                c if c == libc::BPF_LD | libc::BPF_W | libc::BPF_ABS => {
                    let at = ins.k as usize;
                    acc = u32::from_le_bytes(data[at..at + 4].try_into().unwrap());
                }
                c if c == libc::BPF_RET | libc::BPF_K => return (ins.k, count),
                c if c == libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K => pc += taken(acc == ins.k),
                c if c == libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K => pc += taken(acc >= ins.k),
                c if c == libc::BPF_JMP | libc::BPF_JSET | libc::BPF_K => pc += taken(acc & ins.k != 0),
                other => panic!("unexpected instruction {other:#x} at {}", pc - 1),
            }
        }
    }

    #[test]
    fn every_number_gets_the_answer_the_deny_list_says() {
        let Some(arch) = audit_arch() else { return };
        for network in [false, true] {
            let program = program(network).unwrap();
            for nr in 0..1024u32 {
                let nr_l = libc::c_long::from(nr);
                let expected = if DENIED.iter().any(|(n, _)| *n == nr_l) {
                    EPERM
                } else if nr_l == libc::SYS_clone3 {
                    ENOSYS
                } else {
                    ALLOW
                };
                if nr_l != libc::SYS_clone && nr_l != libc::SYS_socket && nr_l != libc::SYS_socketpair {
                    assert_eq!(run(program, arch, nr, 0), expected, "system call {nr}");
                }
            }
        }
    }

    #[test]
    fn clone_is_refused_only_with_a_namespace_flag() {
        let Some(arch) = audit_arch() else { return };
        let program = program(false).unwrap();
        let clone = libc::SYS_clone as u32;
        let thread = (libc::CLONE_VM | libc::CLONE_THREAD | libc::CLONE_SIGHAND) as u64;
        assert_eq!(run(program, arch, clone, thread), ALLOW);
        assert_eq!(run(program, arch, clone, libc::SIGCHLD as u64), ALLOW);
        for flag in [libc::CLONE_NEWNS, libc::CLONE_NEWUSER, libc::CLONE_NEWNET, libc::CLONE_NEWPID] {
            assert_eq!(run(program, arch, clone, thread | flag as u64), EPERM, "{flag:#x}");
        }
    }

    #[test]
    fn sockets_follow_the_network_choice() {
        let Some(arch) = audit_arch() else { return };
        for call in [libc::SYS_socket as u32, libc::SYS_socketpair as u32] {
            for (network, inet) in [(false, EPERM), (true, ALLOW)] {
                let program = program(network).unwrap();
                assert_eq!(run(program, arch, call, libc::AF_UNIX as u64), ALLOW);
                assert_eq!(run(program, arch, call, libc::AF_INET as u64), inet);
                assert_eq!(run(program, arch, call, libc::AF_INET6 as u64), inet);
                for other in [libc::AF_PACKET, libc::AF_NETLINK, libc::AF_VSOCK, libc::AF_ALG] {
                    assert_eq!(run(program, arch, call, other as u64), EPERM, "{other}");
                }
                // The high word of the argument is not the family: only the low word counts.
                assert_eq!(run(program, arch, call, (1 << 32) | libc::AF_UNIX as u64), ALLOW);
            }
        }
    }

    #[test]
    fn another_abi_is_refused_whole() {
        let Some(arch) = audit_arch() else { return };
        let program = program(true).unwrap();
        // i386's `getpid` (20) and any number of a foreign architecture value.
        assert_eq!(run(program, 0x4000_0003, 20, 0), EPERM);
        assert_eq!(run(program, arch ^ 1, libc::SYS_getpid as u32, 0), EPERM);
        #[cfg(target_arch = "x86_64")]
        assert_eq!(run(program, arch, X32_SYSCALL_BIT | libc::SYS_mount as u32, 0), EPERM);
        assert_eq!(run(program, arch, libc::SYS_getpid as u32, 0), ALLOW);
    }

    #[test]
    fn the_program_is_a_short_search() {
        let Some(arch) = audit_arch() else { return };
        let program = program(false).unwrap();
        // ~40 numbers: a chain would compare ~40 times for each allowed call; the search
        // about log2(40 / LEAF) + LEAF, after the architecture checks.
        let longest = (0..512u32).map(|nr| steps(program, arch, nr)).max().unwrap();
        assert!(longest <= 14, "{longest} instructions for one number");
        assert!(program.len() < 80, "{} instructions", program.len());
    }

    /// Installs `program` in a forked child and returns what each system call answered
    /// there: `-errno`, or the result.
    #[allow(unsafe_code, reason = "fork, and raw system calls under the filter in the child")]
    fn answers_in_a_child(program: &[sock_filter], calls: &[(libc::c_long, libc::c_long)]) -> Vec<i64> {
        let (read, write) = nix::unistd::pipe().unwrap();
        // SAFETY: the child only makes system calls and exits.
        match unsafe { libc::fork() } {
            0 => {
                let fprog =
                    libc::sock_fprog { len: program.len() as u16, filter: program.as_ptr().cast_mut() };
                let mut out = [0i64; 64];
                // SAFETY: prctl, seccomp with a live program, and calls with integer arguments
                // (null pointers: a call the filter lets through fails on them, harmlessly).
                unsafe {
                    libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
                    if libc::syscall(libc::SYS_seccomp, libc::SECCOMP_SET_MODE_FILTER, 0u32, &fprog) != 0 {
                        libc::_exit(2);
                    }
                    for (slot, (nr, arg0)) in out.iter_mut().zip(calls) {
                        let r = libc::syscall(*nr, *arg0, 0, 0, 0, 0, 0);
                        *slot = if r < 0 { -i64::from(*libc::__errno_location()) } else { r as i64 };
                    }
                    libc::write(
                        std::os::fd::AsRawFd::as_raw_fd(&write),
                        out.as_ptr().cast(),
                        8 * calls.len(),
                    );
                    libc::_exit(0);
                }
            }
            pid => {
                drop(write);
                let status = nix::sys::wait::waitpid(nix::unistd::Pid::from_raw(pid), None).unwrap();
                assert_eq!(status, nix::sys::wait::WaitStatus::Exited(nix::unistd::Pid::from_raw(pid), 0));
                let mut all = Vec::new();
                std::io::Read::read_to_end(&mut std::fs::File::from(read), &mut all).unwrap();
                all.chunks_exact(8).map(|c| i64::from_le_bytes(c.try_into().unwrap())).collect()
            }
        }
    }

    #[test]
    fn the_kernel_answers_as_the_program_says() {
        if audit_arch().is_none() {
            return;
        }
        let eperm = -i64::from(libc::EPERM);
        let mut calls: Vec<(libc::c_long, libc::c_long)> = DENIED.iter().map(|(nr, _)| (*nr, 0)).collect();
        calls.extend([
            (libc::SYS_clone3, 0),
            (libc::SYS_socket, libc::AF_INET.into()),
            (libc::SYS_socket, libc::AF_NETLINK.into()),
            (libc::SYS_socket, libc::AF_UNIX.into()),
            (libc::SYS_getpid, 0),
        ]);
        assert!(calls.len() <= 64);
        let answers = answers_in_a_child(program(false).unwrap(), &calls);
        assert_eq!(answers.len(), calls.len());
        for ((_, name), answer) in DENIED.iter().zip(&answers) {
            assert_eq!(*answer, eperm, "{name}");
        }
        let rest = &answers[DENIED.len()..];
        assert_eq!(rest[0], -i64::from(libc::ENOSYS), "clone3");
        assert_eq!(rest[1], eperm, "AF_INET without network");
        assert_eq!(rest[2], eperm, "AF_NETLINK");
        // `socket(AF_UNIX, 0, 0)`: past the filter, the kernel itself answers (no type 0).
        assert_ne!(rest[3], eperm, "AF_UNIX");
        assert!(rest[4] > 0, "getpid");
    }
}
