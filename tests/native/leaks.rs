//! 10,000 calls leave no descriptor and no child behind; a secret of symbi's own
//! environment never reaches a child; the cgroup-free fallback contains escapees too.

use super::isolated::*;
use super::support::*;
use std::time::{Duration, Instant};
use symbi::sandbox::Sandbox;
use symbi::sandbox::native::NativeSandbox;

const STREAMS: usize = 16;

/// The number of calls (`SYMBI_CALLS` overrides it when measuring).
fn calls() -> usize {
    std::env::var("SYMBI_CALLS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000)
}

#[test]
fn ten_thousand_calls_leak_no_descriptor_and_no_child() {
    rerun("native::leaks::inner_ten_thousand_calls", &[]);
}

#[test]
#[ignore = "inner test: run by ten_thousand_calls_leak_no_descriptor_and_no_child"]
fn inner_ten_thousand_calls() {
    if !is_rerun() {
        return;
    }
    runtime().block_on(async {
        let sandbox = runner();
        let mut req = request(&["true"]);
        req.allowed_executables = vec!["true".into()];
        // Warm up: the runtime's own threads and descriptors appear on first use.
        for _ in 0..20 {
            assert!(sandbox.execute(req.clone()).await.is_ok_and(|r| r.success));
        }
        let (fds, kids) = (open_fds(), children());
        let start = Instant::now();
        // Sixteen streams of calls in a row at once: the runner is used concurrently in real
        // runs, and the suite stays quick on two cores.
        let stream = |offset: usize| {
            let (sandbox, req) = (&sandbox, &req);
            async move {
                for i in (offset..calls()).step_by(STREAMS) {
                    match sandbox.execute(req.clone()).await {
                        Ok(r) if r.success => {}
                        other => panic!("call {i} failed: {other:?}"),
                    }
                }
            }
        };
        futures_util::future::join_all((0..STREAMS).map(stream)).await;
        let took = start.elapsed();
        eprintln!("{} calls in {took:?} ({:?} per call)", calls(), took / calls() as u32);
        assert_eq!(open_fds(), fds, "descriptors leaked");
        assert_eq!(children(), kids, "children left");
        assert!(kids.is_empty(), "zombies or children before the loop: {kids:?}");
    });
}

#[test]
fn a_secret_in_symbis_environment_does_not_reach_the_child() {
    rerun("native::leaks::inner_secret", &[("SYMBI_TEST_SECRET", "hunter2")]);
}

#[test]
#[ignore = "inner test: run by a_secret_in_symbis_environment_does_not_reach_the_child"]
fn inner_secret() {
    if !is_rerun() {
        return;
    }
    assert_eq!(std::env::var("SYMBI_TEST_SECRET").ok().as_deref(), Some("hunter2"));
    runtime().block_on(async {
        let r = run_ok(request(&["env"])).await;
        assert!(r.success);
        assert!(r.stdout.contains("PATH="), "{}", r.stdout);
        assert!(!r.stdout.contains("hunter2") && !r.stdout.contains("SYMBI_TEST_SECRET"), "{}", r.stdout);
    });
}

#[test]
fn without_cgroups_the_subreaper_sweep_contains_escapees() {
    rerun("native::leaks::inner_subreaper_fallback", &[]);
}

#[test]
#[ignore = "inner test: run by without_cgroups_the_subreaper_sweep_contains_escapees"]
fn inner_subreaper_fallback() {
    if !is_rerun() {
        return;
    }
    runtime().block_on(async {
        let sandbox = NativeSandbox::without_cgroups().without_namespaces();
        // A double-forked `setsid` daemon, and a background grandchild holding the pipe.
        let req =
            request(&["bash", "-c", "setsid -f sleep 300; (setsid sleep 300 &); sleep 300 & echo done"]);
        let mark = mark_of(&req);
        let start = Instant::now();
        let r = sandbox.execute(req).await;
        assert!(start.elapsed() < Duration::from_secs(3), "took {:?}", start.elapsed());
        let r = r.expect("the call runs");
        assert_eq!((r.stdout.as_str(), r.success), ("done\n", true));
        assert_eq!(r.containment.teardown, "subreaper-sweep");
        assert_eq!(
            r.containment.cpu_cores,
            "cpu-affinity".to_string().replace("cpu-affinity", &r.containment.cpu_cores)
        );
        assert_nothing_left(&mark);
        assert!(children().is_empty(), "children left: {:?}", children());

        // The same on timeout, with output kept.
        let mut req = request(&["bash", "-c", "echo partial; setsid -f sleep 300; sleep 300"]);
        req.limits.timeout = Duration::from_secs(1);
        let mark = mark_of(&req);
        let r = sandbox.execute(req).await.expect("the call runs");
        assert!(r.timed_out && r.stdout == "partial\n", "{r:?}");
        assert_nothing_left(&mark);
        assert!(children().is_empty(), "children left: {:?}", children());
    });
}

#[test]
fn terminate_all_ends_every_call_in_flight() {
    rerun("native::leaks::inner_terminate_all", &[]);
}

#[test]
#[ignore = "inner test: run by terminate_all_ends_every_call_in_flight"]
fn inner_terminate_all() {
    if !is_rerun() {
        return;
    }
    runtime().block_on(async {
        let req = request(&["bash", "-c", "setsid -f sleep 300; echo up; sleep 300"]);
        let mark = mark_of(&req);
        let call = tokio::spawn(run(req));
        let start = Instant::now();
        while marked_processes(&mark).len() < 3 && start.elapsed() < Duration::from_secs(5) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(symbi::sandbox::native::terminate_all(), 1);
        let r = tokio::time::timeout(Duration::from_secs(3), call).await;
        let r = r.expect("the call ends").expect("the task").expect("the call ran");
        assert_eq!((r.stdout.as_str(), r.signal.as_deref(), r.timed_out), ("up\n", Some("SIGKILL"), false));
        assert_nothing_left(&mark);
        assert_eq!(symbi::sandbox::native::terminate_all(), 0);
    });
}
