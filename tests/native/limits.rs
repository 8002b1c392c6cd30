//! rlimits and cgroup limits: memory, CPU time, file size, and signal reporting.

use super::support::*;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_one_gib_allocation_fails_under_256_mib() {
    let mut req = request(&["python3", "-S", "-c", "b = bytearray(1024 ** 3); print('allocated')"]);
    req.limits.max_memory_mb = Some(256);
    let start = Instant::now();
    let r = run_ok(req).await;
    assert!(start.elapsed() < Duration::from_secs(10), "took {:?}", start.elapsed());
    assert!(!r.success);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("MemoryError"), "{}", r.stderr);
    assert_eq!(r.exit_code, Some(1));
}

#[tokio::test]
async fn a_cpu_spin_gets_sigxcpu_after_one_second_of_cpu() {
    let mut req = request(&["bash", "-c", "while :; do :; done"]);
    req.limits.max_cpu_seconds = Some(1);
    // The deadline is far away so only RLIMIT_CPU can end the spin.
    req.limits.timeout = Duration::from_secs(60);
    let start = Instant::now();
    let r = run_ok(req).await;
    // One CPU second; tests running beside it share two cores, so the wall-time bound only
    // catches a spin that no limit stopped.
    assert!(start.elapsed() < Duration::from_secs(30), "took {:?}", start.elapsed());
    assert_eq!((r.exit_code, r.signal.as_deref()), (None, Some("SIGXCPU")));
    assert!(!r.success && !r.timed_out);
}

#[tokio::test]
async fn a_file_size_bomb_stops_at_the_limit_with_sigxfsz() {
    let mut req = request(&["dd", "if=/dev/zero", "of=big", "bs=65536", "count=160"]);
    req.limits.max_file_size_bytes = Some(1024 * 1024);
    let dir = req.working_dir.clone();
    let start = Instant::now();
    let r = run_ok(req).await;
    assert!(start.elapsed() < Duration::from_secs(5), "took {:?}", start.elapsed());
    assert_eq!((r.exit_code, r.signal.as_deref()), (None, Some("SIGXFSZ")));
    let size = std::fs::metadata(dir.join("big")).map(|m| m.len()).ok();
    assert_eq!(size, Some(1024 * 1024));
}

#[tokio::test]
async fn open_files_and_core_dumps_are_limited() {
    let mut req = request(&["bash", "-c", "ulimit -n; ulimit -c; ulimit -v"]);
    req.limits.max_open_files = Some(64);
    req.limits.max_memory_mb = Some(512);
    let r = run_ok(req).await;
    assert_eq!(r.stdout, "64\n0\n524288\n");
}

#[tokio::test]
async fn cores_are_limited_and_reported() {
    let mut req = request(&["true"]);
    req.limits.max_cpu_cores = Some(0.5);
    let r = run_ok(req).await;
    let host = symbi::sandbox::native::probe();
    assert_eq!(r.containment.cpu_cores, host.cpu_cores);
    assert!(r.containment.cpu_cores == "cpu-cgroup-quota" || r.containment.cpu_cores == "cpu-affinity");
}

#[tokio::test]
async fn without_enforcement_no_limit_is_applied_and_that_is_said() {
    let mut req = request(&["bash", "-c", "ulimit -v"]);
    req.limits.enforce = false;
    let r = run_ok(req).await;
    assert_eq!(r.stdout, "unlimited\n");
    assert!(r.containment.processes.starts_with("none: resource limits are not enforced"));
}
