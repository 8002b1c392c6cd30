//! Stopping: SIGTERM drains, SIGKILL leaves no process of any run, a restart marks the
//! runs it left `interrupted`.

use super::harness::{Up, agent, appears, config, folder, gone_within, marker};
use nix::sys::signal::Signal;
use std::time::Duration;

fn quick_then_slow(mark: &str) -> String {
    agent(mark).replace(
        "on trigger \"fail\"",
        "on trigger \"two_seconds\" {\n        execute_native(\"sleep 1.5\")\n    }\n    on trigger \"fail\"",
    )
}

#[test]
fn sigterm_lets_runs_finish_refuses_new_ones_and_exits_0() {
    let dir = folder(&quick_then_slow(&marker()), &config("shutdown_grace_seconds = 30"));
    let up = Up::start(dir.path(), &[], &[]);
    let id = up.fire("two_seconds");
    std::thread::sleep(Duration::from_millis(300));
    up.signal(Signal::SIGTERM);
    std::thread::sleep(Duration::from_millis(200));
    let refused = up.post("/api/v1/agents/Hello/triggers/go", "");
    assert_eq!((refused.status, refused.json()["error"]["code"].clone()), (503, "draining".into()));
    assert_eq!(up.get("/api/v1/health/ready").status, 503);
    let dir_path = up.dir.clone();
    let (code, stderr) = up.wait_exit();
    assert_eq!(code, Some(0), "{stderr}");
    // The run finished during the drain, and its record is there for the next instance.
    let again = Up::start(&dir_path, &[], &[]);
    assert_eq!(again.get(&format!("/api/v1/runs/{id}")).json()["status"], "succeeded");
}

#[test]
fn after_the_grace_period_runs_are_cancelled_and_their_processes_killed() {
    let mark = marker();
    let dir = folder(&agent(&mark), &config("shutdown_grace_seconds = 1"));
    let up = Up::start(dir.path(), &[], &[]);
    let id = up.fire("slow");
    assert!(appears(&mark));
    up.signal(Signal::SIGTERM);
    let dir_path = up.dir.clone();
    let (code, stderr) = up.wait_exit();
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(gone_within(&mark, Duration::from_secs(5)), Vec::<i32>::new());
    let again = Up::start(&dir_path, &[], &[]);
    assert_eq!(again.get(&format!("/api/v1/runs/{id}")).json()["status"], "cancelled");
}

#[test]
fn sigkill_leaves_no_process_and_the_restart_marks_runs_interrupted() {
    let mark = marker();
    let dir = folder(&agent(&mark), &config(""));
    let up = Up::start(dir.path(), &[], &[]);
    let ids: Vec<String> = (0..3).map(|_| up.fire("slow")).collect();
    assert!(appears(&mark));
    std::thread::sleep(Duration::from_millis(300));
    assert!(processes_running(&mark) >= 1);
    up.signal(Signal::SIGKILL);
    let dir_path = up.dir.clone();
    let (code, _) = up.wait_exit();
    assert_eq!(code, None, "killed by a signal");
    assert_eq!(gone_within(&mark, Duration::from_secs(5)), Vec::<i32>::new(), "processes outlived symbi up");
    let again = Up::start(&dir_path, &[], &[]);
    for id in &ids {
        let run = again.get(&format!("/api/v1/runs/{id}")).json();
        assert_eq!(run["status"], "interrupted", "{run}");
        assert!(run["finished_at"].is_string());
    }
}

fn processes_running(mark: &str) -> usize {
    crate::support::procs::processes_with(mark).len()
}
