//! Process trees end with the call: timeouts, escapees, pipe holders, fork bombs,
//! cancellation.

use super::support::*;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_timeout_returns_promptly_and_keeps_partial_output() {
    let mut req = request(&["bash", "-c", "echo started; echo err >&2; sleep 30"]);
    req.limits.timeout = Duration::from_secs(1);
    let mark = mark_of(&req);
    let start = Instant::now();
    let r = run_ok(req).await;
    assert!(start.elapsed() < Duration::from_secs(2), "took {:?}", start.elapsed());
    assert!(r.timed_out);
    assert!(!r.success);
    assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("started\n", "err\n"));
    assert_eq!((r.exit_code, r.signal.as_deref()), (None, Some("SIGKILL")));
    assert_nothing_left(&mark);
}

#[tokio::test]
async fn a_setsid_escapee_is_gone_after_the_call() {
    let req = request(&["bash", "-c", "setsid -f sleep 300 >/dev/null 2>&1 </dev/null; echo spawned"]);
    let mark = mark_of(&req);
    let start = Instant::now();
    let r = run_ok(req).await;
    assert_eq!(r.stdout, "spawned\n");
    assert!(r.success, "{r:?}");
    assert!(start.elapsed() < Duration::from_secs(5), "took {:?}", start.elapsed());
    assert_nothing_left(&mark);
}

#[tokio::test]
async fn a_grandchild_holding_the_pipe_does_not_hold_the_call() {
    let req = request(&["bash", "-c", "sleep 30 & echo done"]);
    let mark = mark_of(&req);
    let start = Instant::now();
    let r = run_ok(req).await;
    assert!(start.elapsed() < Duration::from_secs(3), "took {:?}", start.elapsed());
    assert_eq!(r.stdout, "done\n");
    assert!(r.success && !r.timed_out, "{r:?}");
    assert_nothing_left(&mark);
}

#[tokio::test]
async fn a_fork_bomb_is_contained_and_leaves_nothing() {
    let probe = symbi::sandbox::native::probe();
    // Without a pids cgroup a root fork bomb would be bounded by nothing: never run one then.
    if probe.processes.starts_with("none") {
        eprintln!("skipped: this host cannot contain a fork bomb ({})", probe.processes);
        return;
    }
    let mut req = request(&["bash", "-c", "b() { b | b & }; b; sleep 5"]);
    req.limits.max_processes = Some(64);
    req.limits.timeout = Duration::from_secs(3);
    let mark = mark_of(&req);
    let start = Instant::now();
    let r = run_ok(req).await;
    assert!(start.elapsed() < Duration::from_secs(6), "took {:?}", start.elapsed());
    assert!(!r.success);
    assert_eq!(r.containment.processes, probe.processes);
    assert_nothing_left(&mark);
}

#[tokio::test]
async fn dropping_the_future_kills_the_whole_tree() {
    let req = request(&["bash", "-c", "setsid -f sleep 300; sleep 300 & sleep 300"]);
    let mark = mark_of(&req);
    let mut call = Box::pin(run(req));
    let running = tokio::select! {
        r = call.as_mut() => panic!("the call ended early: {r:?}"),
        n = async {
            tokio::time::sleep(Duration::from_millis(700)).await;
            marked_processes(&mark).len()
        } => n,
    };
    assert!(running >= 3, "expected the shell, its sleep and the escapee, saw {running}");
    drop(call);
    assert_gone_within(&mark, Duration::from_secs(2)).await;
}
