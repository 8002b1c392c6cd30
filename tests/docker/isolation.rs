//! The isolation settings, observed from inside the container.

use super::harness::{self, request, run, sh};
use crate::per_tier;
use std::os::unix::fs::MetadataExt;
use std::time::{Duration, Instant};
use symbi::security::Tier;

per_tier!(memory_limit_reports_oom, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    // awk doubles a string until the limit stops it.
    let mut req = sh("awk 'BEGIN { s = \"x\"; while (1) s = s s }'; echo survived $?");
    req.limits.max_memory_mb = Some(48);
    let r = run(&sb, req).await;
    assert!(r.oom_killed, "{r:?}");
    assert!(!r.success);
    assert!(!r.stdout.contains("survived 0"), "{r:?}");
});

per_tier!(pids_limit_contains_a_fork_bomb, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    let mut req = sh(
        // Counting with builtins only: once the limit is reached nothing can fork.
        "(i=0; while [ $i -lt 200 ]; do sleep 30 & i=$((i+1)); done; echo spawned all) 2>/dev/null; \
         set -- /proc/[0-9]*; echo $#",
    );
    req.limits.max_processes = Some(32);
    req.limits.timeout = Duration::from_secs(25);
    let started = Instant::now();
    let r = run(&sb, req).await;
    assert!(started.elapsed() < Duration::from_secs(20), "{r:?}");
    assert!(!r.stdout.contains("spawned all") && !r.timed_out, "{r:?}");
    let count: u64 = r.stdout.trim().parse().unwrap_or(u64::MAX);
    assert!(count <= 33, "{count} processes ran under a limit of 32: {r:?}");
});

/// Interface names seen by `ip -o link`.
fn interfaces(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.split(':').nth(1))
        .map(|n| n.trim().split('@').next().unwrap_or("").to_string())
        .collect()
}

per_tier!(network_only_when_declared, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    let r = run(&sb, request(&["ip", "-o", "link"])).await;
    assert_eq!(interfaces(&r.stdout), vec!["lo".to_string()], "{r:?}");
    let mut req = request(&["ip", "-o", "link"]);
    req.network = true;
    let r = run(&sb, req).await;
    let names = interfaces(&r.stdout);
    assert!(names.contains(&"lo".to_string()) && names.len() >= 2, "{r:?}");
});

per_tier!(read_only_root_and_writable_tmp, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    // The user's own home: only the read-only mount can refuse the write.
    let r = run(&sb, sh("touch /home/symbi/probe")).await;
    assert!(!r.success && r.stderr.contains("Read-only file system"), "{r:?}");
    let r = run(&sb, sh("echo x > /tmp/probe && cat /tmp/probe && pwd")).await;
    assert_eq!((r.stdout.as_str(), r.exit_code), ("x\n/tmp\n", Some(0)), "{r:?}");
});

per_tier!(no_capabilities_and_not_root, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    let r = run(&sb, sh("id -u; grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status")).await;
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.first().copied(), Some("1000"), "the image's user `symbi`: {r:?}");
    for l in &lines[1..] {
        if l.starts_with("Cap") {
            assert!(l.ends_with("0000000000000000"), "{l}");
        }
        if l.starts_with("NoNewPrivs") {
            assert!(l.ends_with('1'), "{l}");
        }
    }
});

per_tier!(workspace_only_with_local_filesystem, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    // Owned by an unprivileged user, whom the container then runs as.
    let dir = harness::workspace((1000, 1000), 0o755);
    std::fs::write(dir.path().join("marker.txt"), "host file\n").unwrap_or_else(|e| panic!("{e}"));
    let mut req = sh("cat /workspace/marker.txt");
    req.working_dir = dir.path().to_path_buf();
    let r = run(&sb, req.clone()).await;
    assert!(!r.success && !r.stdout.contains("host file"), "{r:?}");
    let mut req = sh("cat marker.txt && pwd && echo written > out.txt");
    req.working_dir = dir.path().to_path_buf();
    req.local_filesystem = true;
    let r = run(&sb, req).await;
    assert_eq!((r.stdout.as_str(), r.exit_code), ("host file\n/workspace\n", Some(0)), "{r:?}");
    let written = std::fs::read_to_string(dir.path().join("out.txt")).unwrap_or_default();
    assert_eq!(written, "written\n");
    let owner = std::fs::metadata(dir.path().join("out.txt")).map(|m| (m.uid(), m.gid())).ok();
    assert_eq!(owner, Some((1000, 1000)), "files written there belong to the workspace's owner");
});

per_tier!(host_env_is_not_visible, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    assert!(std::env::var("CARGO_MANIFEST_DIR").is_ok() || std::env::var("PATH").is_ok());
    let mut req = request(&["env"]);
    req.env.insert("GREETING".into(), "hello".into());
    let r = run(&sb, req).await;
    let mut keys: Vec<&str> = r.stdout.lines().filter_map(|l| l.split('=').next()).collect();
    keys.sort_unstable();
    assert_eq!(keys, vec!["GREETING", "HOME", "HOSTNAME", "LANG", "PATH"], "{r:?}");
    assert!(r.stdout.contains("GREETING=hello\n") && r.stdout.contains("HOME=/tmp\n"));
});
