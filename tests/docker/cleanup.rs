//! No container outlives its call: timeouts, cancellation, and many calls in a row.
//! These tests count containers, so they hold the harness's lock exclusively.

use super::harness::{self, leftover_containers, request, run, sh};
use crate::per_tier;
use std::process::Command;
use std::time::{Duration, Instant};
use symbi::security::Tier;

per_tier!(exclusive timeout_kills_removes_and_keeps_partial_output, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    let mut req = sh("echo partial; echo also >&2; sleep 60; echo never");
    req.limits.timeout = Duration::from_secs(2);
    let started = Instant::now();
    let r = run(&sb, req).await;
    assert!(started.elapsed() < Duration::from_secs(12), "took {:?}", started.elapsed());
    assert!(r.timed_out && !r.success, "{r:?}");
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("partial\n", "also\n"));
    assert_eq!((r.exit_code, r.signal.as_deref()), (None, Some("SIGKILL")));
    assert_eq!(leftover_containers(), Vec::<String>::new());
});

per_tier!(exclusive dropping_the_call_removes_the_container, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    let call = symbi::sandbox::Sandbox::execute(&sb, request(&["sleep", "60"]));
    // Dropped after two seconds, as a Ctrl-C in `symbi run` drops it.
    let outcome = tokio::time::timeout(Duration::from_secs(2), call).await;
    assert!(outcome.is_err(), "sleep 60 cannot finish in 2s: {outcome:?}");
    assert_eq!(leftover_containers(), Vec::<String>::new());
});

/// Sockets this process holds open.
fn open_sockets() -> usize {
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else { return 0 };
    dir.filter_map(Result::ok)
        .filter(|e| std::fs::read_link(e.path()).is_ok_and(|t| t.to_string_lossy().starts_with("socket:")))
        .count()
}

/// Dangling (unused anonymous) volumes on the engine.
fn dangling_volumes() -> usize {
    let out = Command::new("docker").args(["volume", "ls", "-q", "--filter", "dangling=true"]).output();
    out.map(|o| String::from_utf8_lossy(&o.stdout).lines().count()).unwrap_or(usize::MAX)
}

/// Set in the environment of a re-run of this test binary, to the tier to test.
const ISOLATED_TIER: &str = "SYMBI_DOCKER_ISOLATED_TIER";

// Counting this process's sockets needs a process of its own: other tests in this binary
// open and close sockets at any time. The outer test runs the inner one in a new process.
per_tier!(exclusive fifty_calls_leave_nothing_behind, |tier: Tier| async move {
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("the test binary: {e}"));
    let out = Command::new(exe)
        .args([
            "--exact",
            "docker::cleanup::inner_fifty_calls",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ISOLATED_TIER, tier.name())
        .output()
        .unwrap_or_else(|e| panic!("the test binary runs again: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "the fifty calls failed in their own process:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "inner test: run by fifty_calls_leave_nothing_behind in a process of its own"]
async fn inner_fifty_calls() {
    let tier = match std::env::var(ISOLATED_TIER).ok().as_deref().and_then(Tier::parse) {
        Some(tier) => tier,
        None => return,
    };
    let volumes_before = dangling_volumes();
    let sb = harness::sandbox(tier);
    // Warm up: the runtime's threads and the first handshake appear on first use.
    let _ = run(&sb, request(&["echo", "warm"])).await;
    let sockets_before = open_sockets();
    for i in 0..50 {
        let r = run(&sb, request(&["echo", &i.to_string()])).await;
        assert_eq!(r.stdout, format!("{i}\n"));
    }
    assert_eq!(leftover_containers(), Vec::<String>::new());
    // Connections close on the runtime's tasks; give them a moment, then count.
    let mut sockets_after = open_sockets();
    for _ in 0..20 {
        if sockets_after <= sockets_before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        sockets_after = open_sockets();
    }
    // `before` may still hold the warm-up call's closing connection, hence at most.
    assert!(sockets_after <= sockets_before, "sockets: {sockets_before} before, {sockets_after} after");
    assert!(dangling_volumes() <= volumes_before, "anonymous volumes were left behind");
}

// The engine writes a container's output into the attach stream and blocks while nobody
// reads it; a kill awaited without reading used to wedge the call and the engine for good.
per_tier!(exclusive a_flood_past_the_cap_ends_every_time, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    for (i, script) in ["yes", "yes >&2"].iter().cycle().take(10).enumerate() {
        let mut req = sh(script);
        req.limits.max_output_bytes = 100_000;
        req.limits.timeout = Duration::from_secs(300);
        let started = Instant::now();
        let call = symbi::sandbox::Sandbox::execute(&sb, req);
        let r = match tokio::time::timeout(Duration::from_secs(60), call).await {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => panic!("run {i} ({script}) failed: {e} {:?}", e.notes),
            Err(_) => panic!("run {i} ({script}) still running after 60 s"),
        };
        let truncated = if i % 2 == 0 { r.stdout_truncated } else { r.stderr_truncated };
        assert!(truncated && !r.timed_out && !r.success, "run {i} ({script}): {r:?}");
        let kept = if i % 2 == 0 { r.stdout.len() } else { r.stderr.len() };
        assert_eq!(kept, 100_000, "run {i} ({script}) keeps exactly the cap");
        eprintln!("run {i} ({script}) on {tier}: {:?}", started.elapsed());
    }
    assert_eq!(leftover_containers(), Vec::<String>::new());
});
