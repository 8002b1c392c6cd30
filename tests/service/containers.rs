//! A Tier1 agent served by `symbi up`: a trigger fired over HTTP runs in a container of the
//! test image and answers with its output, and a cancelled run leaves no container behind.
//! Skipped without an engine, except under `CI=true` (the container tests' rule).

use super::harness::Up;
use crate::docker::harness as docker;
use crate::support::engine::{self, IMAGE};
use crate::support::within;
use std::time::Duration;
use symbi::sandbox::docker::owner::PID_LABEL;

const AGENT: &str = r#"agent Boxed {
    security { tier: Tier1 }
    on trigger "go" {
        let r = execute_native("echo from-a-container")
        print(r.stdout.trim())
    }
    on trigger "slow" {
        execute_native("sleep 120")
    }
}
"#;

/// Containers (running or not) that the service with process id `pid` owns.
fn containers_of(pid: u32) -> Vec<String> {
    docker::containers(&format!("label={PID_LABEL}={pid}"))
}

#[test]
#[cfg_attr(not(symbi_docker), ignore = "needs a Docker engine (probed at build time, see build.rs)")]
fn a_tier1_trigger_runs_in_a_container_and_a_cancel_leaves_none() {
    let Some(_engine) = engine::shared() else { return };
    let dir = tempfile::tempdir().expect("a temporary folder");
    // A container runs as an unprivileged user in a workspace it owns, below a parent of
    // root's (a parent another user owns could swap the workspace).
    let parent = docker::workspace((0, 0), 0o755);
    let work = parent.path().join("work");
    std::fs::create_dir(&work).expect("the workspace");
    std::os::unix::fs::chown(&work, Some(1000), Some(1000)).expect("chown the workspace");
    let config = format!(
        "[native_execution]\nworking_directory = \"{}\"\nallowed_executables = [\"echo\", \"sleep\"]\n\
         [docker]\nimage = \"{IMAGE}\"\n[api]\nport = 0\n[storage]\naudit_log = \"{}\"\n",
        work.display(),
        dir.path().join("audit.jsonl").display()
    );
    std::fs::write(dir.path().join("agent.symbi"), AGENT).expect("write the agent");
    std::fs::write(dir.path().join("config.toml"), config).expect("write the config");
    let up = Up::start(dir.path(), &["--config", "config.toml"], &[]);
    let pid = up.child.id();

    let done = up.post("/api/v1/agents/Boxed/triggers/go?wait=true", "");
    let run = done.json();
    assert_eq!((done.status, run["status"].as_str()), (200, Some("succeeded")), "{}", done.body);
    assert!(run["output"].as_str().is_some_and(|o| o.contains("from-a-container")), "{run}");

    let slow = up.post("/api/v1/agents/Boxed/triggers/slow", "");
    assert_eq!(slow.status, 202, "{}", slow.body);
    let id = slow.json()["run_id"].as_str().expect("a run id").to_string();
    assert!(
        within(Duration::from_secs(30), || !containers_of(pid).is_empty()).is_some(),
        "no container started"
    );
    assert_eq!(up.post(&format!("/api/v1/runs/{id}/cancel"), "").status, 202);
    let run = up.wait_status(&id, &["cancelled"]);
    assert_eq!(run["status"], "cancelled", "{run}");
    assert!(
        within(Duration::from_secs(15), || containers_of(pid).is_empty()).is_some(),
        "{:?}",
        containers_of(pid)
    );
}
