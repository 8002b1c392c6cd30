#!/usr/bin/env bash
# Where the CPU of `symbi run` with 500 native calls goes, per process of a call and per
# kernel mechanism (docs/performance.md, "The per-call floor"). Samples every process the
# run starts (symbi, each call's init, the program before and after its `exec`) with
# `perf record -e cpu-clock -g` and sorts each sample by the process it hit and by the
# first known kernel function on its stack. CPU samples, unlike wall time, are not made
# longer by other programs waiting for the CPU. Needs a release build, perf and python3.
#   benches/run/profile.sh                 # the 500-call agent
#   AGENT=true_once benches/run/profile.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
symbi="${CARGO_TARGET_DIR:-target}/release/symbi"
agent="${AGENT:-true_500}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
perf record -q -e cpu-clock -F 4000 -g -o "$out/perf.data" -- \
  "$symbi" run "benches/run/$agent.symbi" --config benches/run/config.toml >/dev/null 2>"$out/run.err" \
  || { cat "$out/run.err"; exit 1; }
perf script -i "$out/perf.data" --show-task-events -F pid,tid,comm,event,ip,sym 2>/dev/null >"$out/stacks"
python3 - "$out/stacks" "$agent" <<'PY'
import collections, re, sys
# The first of these found on a sample's stack (innermost frame first) names its mechanism.
MECHANISMS = [
    ("fork: copy the address space", ["dup_mmap"]),
    ("fork: the rest of the new process", ["copy_process"]),
    ("exec: drop the forked address space", ["exec_mmap", "begin_new_exec"]),
    ("exec: load the program", ["load_elf_binary", "bprm_execve", "do_execveat_common"]),
    ("exit", ["do_exit", "do_group_exit"]),
    ("mount namespace: copy the mount table", ["copy_mnt_ns", "copy_tree"]),
    ("new PID namespace", ["copy_pid_ns"]),
    ("mounts: /proc and the read-only cgroup remounts", ["path_mount", "__x64_sys_mount"]),
    ("page faults (copy-on-write, first touch)", ["exc_page_fault", "asm_exc_page_fault"]),
    ("wait, poll, epoll", ["do_epoll_wait", "do_sys_poll", "kernel_wait4", "do_wait"]),
    ("open, stat, readlink", ["do_sys_openat2", "vfs_statx", "do_readlinkat", "filename_lookup"]),
    ("close", ["__x64_sys_close", "__x64_sys_close_range"]),
    ("pipes, sockets, read, write", ["ksys_read", "ksys_write", "do_pipe2", "__sys_socketpair", "__sys_recvfrom"]),
    ("mmap, munmap, brk", ["do_mmap", "__vm_munmap", "do_brk_flags"]),
    ("cgroup files", ["cgroup_", "css_"]),
]
KERNEL_ENTRY = ("entry_SYSCALL_64_after_hwframe", "asm_exc_page_fault", "asm_sysvec_apic_timer_interrupt")
text = open(sys.argv[1]).read()
root, parent = None, {}
counts = collections.defaultdict(collections.Counter)
for block in text.split("\n\n"):
    lines = [l for l in block.split("\n") if l.strip()]
    sample = None
    for j, line in enumerate(lines):
        fork = re.match(r"\s*.+?\s+\d+/\d+\s+PERF_RECORD_FORK\((\d+):\d+\):\((\d+):\d+\)", line)
        if fork and fork.group(1) != fork.group(2):
            parent[int(fork.group(1))] = int(fork.group(2))
        hit = re.match(r"\s*(.+?)\s+(\d+)/\d+\s+cpu-clock:", line)
        if hit:
            sample = (hit.group(1), int(hit.group(2)), j)
    if sample is None:
        continue
    comm, pid, j = sample
    root = pid if root is None else root
    depth, p = 0, pid
    while p in parent and p != root:
        p, depth = parent[p], depth + 1
    who = {0: "symbi", 1: "the call's init (pid 1)", 2: "the program"}.get(depth, "deeper processes")
    if depth == 2:
        who += " before exec" if comm.startswith("symbi") else " after exec"
    frames = [l.split()[1].split("+")[0] for l in lines[j + 1:] if len(l.split()) >= 2]
    what = next((name for name, keys in MECHANISMS if any(f.startswith(k) for f in frames for k in keys)), None)
    if what is None:
        what = "other kernel work" if any(f in KERNEL_ENTRY for f in frames) else "user space"
    counts[who][what] += 1
total = sum(sum(c.values()) for c in counts.values())
calls = 500 if sys.argv[2] == "true_500" else 1
print(f"{total} samples at 4000 Hz = {total / 4:.0f} ms of CPU; per call (/{calls}): µs, share of all samples")
for who, c in sorted(counts.items(), key=lambda kv: -sum(kv[1].values())):
    n = sum(c.values())
    print(f"{who:34} {n * 250 / calls:8.0f} µs {100 * n / total:5.1f} %")
    for what, k in c.most_common():
        print(f"    {what:46} {k * 250 / calls:6.0f} µs {100 * k / total:5.1f} %")
PY
