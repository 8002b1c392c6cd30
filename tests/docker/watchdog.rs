//! No container outlives the symbi that started it: after `kill -9` of symbi the watchdog
//! removes its containers within seconds, and a leftover of a dead symbi is removed at the
//! next start (while a live owner's container is left alone).

use super::harness::{self, request, run};
use crate::support::engine::{self, IMAGE};
use crate::support::within;
use std::process::{Command, Stdio};
use std::time::Duration;
use symbi::sandbox::docker::owner;

/// Ids of the containers (running or not) labelled with `label=value`.
fn labelled(label: &str, value: &str) -> Vec<String> {
    harness::containers(&format!("label={label}={value}"))
}

#[test]
#[cfg_attr(not(symbi_docker), ignore = "needs a Docker engine (probed at build time, see build.rs)")]
fn a_killed_symbi_leaves_no_container() {
    let Some(_engine) = engine::shared() else { return };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let agent = "agent A {\n  on trigger \"t\" {\n    execute_native(\"sleep 300\")\n  }\n}\n";
    std::fs::write(dir.path().join("a.symbi"), agent).unwrap_or_else(|e| panic!("{e}"));
    let cfg = format!(
        "[security]\nallow_native_execution = true\n\n[native_execution]\nallowed_executables = [\"sleep\"]\n\
         max_execution_time_seconds = 600\n\n[docker]\nimage = \"{IMAGE}\"\n"
    );
    std::fs::write(dir.path().join("config.toml"), cfg).unwrap_or_else(|e| panic!("{e}"));
    for tier in ["tier1", "tier2"] {
        let mut symbi = Command::new(crate::support::symbi_bin())
            .args(["run", "a.symbi", "--config", "config.toml", "--sandbox-tier", tier, "--timeout", "600"])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("symbi run: {e}"));
        let pid = symbi.id().to_string();
        let running = || {
            let filter = format!("label={}={pid}", owner::PID_LABEL);
            let out = Command::new("docker").args(["ps", "-q", "--filter", &filter]).output();
            out.is_ok_and(|o| !o.stdout.is_empty())
        };
        let up = within(Duration::from_secs(60), running);
        assert!(up.is_some(), "{tier}: the container of symbi {pid} never ran");
        let _ = symbi.kill(); // SIGKILL: symbi runs no code of its own after this.
        let _ = symbi.wait();
        let gone = within(Duration::from_secs(10), || labelled(owner::PID_LABEL, &pid).is_empty());
        let left = labelled(owner::PID_LABEL, &pid);
        for id in &left {
            let _ = Command::new("docker").args(["rm", "-f", id]).output();
        }
        assert!(
            gone.is_some(),
            "{tier}: containers of the killed symbi {pid} still there after 10 s: {left:?}"
        );
        eprintln!("{tier}: the killed symbi's container was removed {:?} after the kill", gone);
    }
}

/// Creates (without starting: another symbi's sweep may remove a dead owner's container at
/// any moment, even between create and start) a container labelled as owned by `pid`
/// started at `start`.
fn planted_leftover(pid: u32, start: &str) -> String {
    let labels = [
        "dev.symbi.managed=true".to_string(),
        format!("{}={pid}", owner::PID_LABEL),
        format!("{}={start}", owner::START_LABEL),
        format!("{}={}", owner::HOST_LABEL, owner::host_id()),
    ];
    let mut args = vec!["create".to_string(), "--network".into(), "none".into()];
    for l in labels {
        args.extend(["--label".to_string(), l]);
    }
    args.extend([IMAGE.to_string(), "sleep".into(), "300".into()]);
    let out = Command::new("docker").args(&args).output().unwrap_or_else(|e| panic!("docker create: {e}"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(symbi_docker), ignore = "needs a Docker engine (probed at build time, see build.rs)")]
async fn a_dead_owners_leftover_is_removed_at_the_next_start() {
    let Some(_engine) = engine::shared() else { return };
    let me = owner::Owner::me();
    // This pid with another start time is a dead symbi whose pid was reused.
    let dead = planted_leftover(me.pid, "1");
    let live = planted_leftover(me.pid, &me.start);
    let exists = |id: &str| {
        let out = Command::new("docker")
            .args(["ps", "-aq", "--no-trunc", "--filter", &format!("id={id}")])
            .output();
        out.is_ok_and(|o| !o.stdout.is_empty())
    };
    // A new sandbox is a new start: its first call sweeps.
    let sb = harness::sandbox(symbi::security::Tier::Tier1);
    let r = run(&sb, request(&["echo", "hi"])).await;
    assert_eq!(r.stdout, "hi\n");
    let (dead_left, live_left) = (exists(&dead), exists(&live));
    let _ = Command::new("docker").args(["rm", "-f", &dead, &live]).output();
    assert!(!dead_left, "the dead owner's leftover {dead} is still there");
    assert!(live_left, "the live owner's container {live} was removed");
}
