//! What a call returns: output, exit status, failures, timeouts, caps, live output.

use super::harness::{self, Recorder, request, run, sh};
use crate::per_tier;
use std::time::{Duration, Instant};
use symbi::sandbox::{Program, Stream};
use symbi::security::Tier;

per_tier!(output_and_exit_status, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    let r = run(&sb, request(&["echo", "hi"])).await;
    assert_eq!((r.stdout.as_str(), r.exit_code, r.success), ("hi\n", Some(0), true), "{r:?}");
    assert_eq!(r.tier, tier);
    assert_eq!(r.executable, "echo");
    let r = run(&sb, sh("echo out; echo err >&2; exit 3")).await;
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("out\n", "err\n"));
    assert_eq!((r.exit_code, r.signal.as_deref(), r.success), (Some(3), None, false));
    assert!(!r.timed_out && !r.stdout_truncated && !r.stderr_truncated && !r.oom_killed);
});

per_tier!(a_failing_command, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    let r = run(&sb, request(&["false"])).await;
    assert_eq!((r.exit_code, r.success), (Some(1), false));
    // The shell is PID 1, which ignores signals from inside; a child shell kills itself.
    let r = run(&sb, sh("sh -c 'kill -9 $$'; exit $?")).await;
    assert_eq!((r.exit_code, r.signal.as_deref()), (None, Some("SIGKILL")), "{r:?}");
    let r = run(&sb, sh("cat /nonexistent")).await;
    assert_eq!(r.exit_code, Some(1));
    assert!(r.stderr.contains("No such file"), "{r:?}");
});

per_tier!(stdin_and_program_text, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    let mut req = request(&["cat"]);
    req.stdin = Some(b"from stdin".to_vec());
    let r = run(&sb, req).await;
    assert_eq!(r.stdout, "from stdin");
    let mut req = request(&["sh"]);
    req.program = Program::Code { code: "echo from code; exit 4".into(), interpreter: "sh".into() };
    let r = run(&sb, req).await;
    assert_eq!((r.stdout.as_str(), r.exit_code), ("from code\n", Some(4)));
    // Without stdin the child reads end-of-file at once, never the test's terminal.
    let r = run(&sb, request(&["cat"])).await;
    assert_eq!((r.stdout.as_str(), r.exit_code), ("", Some(0)));
});

per_tier!(output_is_streamed_live, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    let rec = Recorder::shared();
    let mut req = sh("echo first; sleep 2; echo second >&2");
    req.sink = Some(rec.clone());
    let r = run(&sb, req).await;
    let ended = Instant::now();
    let chunks = rec.chunks.lock().map(|c| c.clone()).unwrap_or_default();
    assert_eq!(chunks.first().map(|c| (c.1, c.2.clone())), Some((Stream::Stdout, b"first\n".to_vec())));
    assert_eq!(chunks.last().map(|c| (c.1, c.2.clone())), Some((Stream::Stderr, b"second\n".to_vec())));
    let early = chunks.first().map_or(Duration::ZERO, |c| ended.duration_since(c.0));
    assert!(early >= Duration::from_millis(1500), "the first line arrived only {early:?} before the end");
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("first\n", "second\n"));
});

per_tier!(output_cap_truncates_and_kills, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    let mut req = sh("echo start; while true; do echo 0123456789; done");
    req.limits.max_output_bytes = 1000;
    req.limits.timeout = Duration::from_secs(20);
    let started = Instant::now();
    let r = run(&sb, req).await;
    assert!(started.elapsed() < Duration::from_secs(15), "the cap must end the call, not the timeout");
    assert_eq!(r.stdout.len(), 1000);
    assert!(r.stdout.starts_with("start\n"));
    assert!(r.stdout_truncated && !r.stderr_truncated && !r.timed_out && !r.success, "{r:?}");
    // Exactly at the cap is not truncation.
    let mut req = sh("printf 12345");
    req.limits.max_output_bytes = 5;
    let r = run(&sb, req).await;
    assert_eq!((r.stdout.as_str(), r.stdout_truncated, r.success), ("12345", false, true));
});

per_tier!(exit_status_names_signals, |tier: Tier| async move {
    let sb = harness::sandbox(tier);
    let r = run(&sb, sh("sh -c 'kill -TERM $$'; exit $?")).await;
    assert_eq!((r.exit_code, r.signal.as_deref()), (None, Some("SIGTERM")), "{r:?}");
});
