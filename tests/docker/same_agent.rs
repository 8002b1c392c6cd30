//! The same agent file run on `none`, `tier1` and `tier2` gives the same transcript apart
//! from tier-specific lines (the tier, its containment, its working directory, timings, tier
//! None's warning).

use super::harness;
use crate::support::engine::{self, IMAGE};
use crate::support::symbi_bin;
use std::process::Command;

const AGENT: &str = r#"agent Same {
  security {
    capabilities: ["local_filesystem"]
  }

  on trigger "go" {
    let r = execute_native("sh -c 'echo hello; echo warn >&2; exit 3'")
    print(r.stdout.trim())
    print(r.exit_code)
    print(r.success)
    let s = execute_native("echo done")
    print(s.success)
    let w = execute_native("sh -c 'echo data > out.txt; cat out.txt'")
    print(w.stdout.trim())
    let t = execute_native("sh -c 'echo partial; sleep 30'", timeout: 1s)
    print(t.timed_out)
    print(t.stdout.trim())
  }
}
"#;

/// `(stdout, stderr lines without tier-specific ones, sorted)` of one run.
fn transcript(dir: &std::path::Path, tier: &str) -> (String, Vec<String>, Option<i32>) {
    let config = format!("{tier}.toml");
    let out = Command::new(symbi_bin())
        .args(["run", "agent.symbi", "--config", &config, "--sandbox-tier", tier])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("SYMBIONT_CONFIG")
        .output()
        .unwrap_or_else(|e| panic!("symbi run: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Tier None's W0005 block comes before the run starts; everything after is comparable.
    let body = stderr.split_once("symbi: running trigger").map_or(stderr.as_ref(), |(_, rest)| rest);
    let mut lines: Vec<String> = body
        .lines()
        .skip(1)
        // Each tier has its own working directory (a container's is not root's).
        .filter(|l| !l.starts_with("symbi: containment:") && !l.starts_with("symbi: working directory:"))
        .map(|l| match l.split_once(" after ") {
            Some((head, _)) if l.starts_with("symbi:") => format!("{head} after _"),
            _ => l.to_string(),
        })
        .collect();
    // stdout and stderr of one child are two streams: their interleaving is not defined.
    lines.sort();
    (String::from_utf8_lossy(&out.stdout).into_owned(), lines, out.status.code())
}

#[test]
#[cfg_attr(
    not(all(symbi_docker, symbi_gvisor)),
    ignore = "needs Docker with gVisor's runsc (probed at build time, see build.rs)"
)]
fn the_same_agent_runs_alike_on_none_tier1_and_tier2() {
    let Some(_engine) = engine::shared() else { return };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("agent.symbi"), AGENT).unwrap_or_else(|e| panic!("{e}"));
    // Containers never run as root: theirs is a workspace of an unprivileged user, whom
    // they run as (tier None's stays root's own), inside a parent of root's, since a parent
    // another user owns could swap the workspace (E0411).
    let containers = harness::workspace((0, 0), 0o755);
    for (tier, work) in [
        ("none", dir.path().join("work")),
        ("tier1", containers.path().join("tier1")),
        ("tier2", containers.path().join("tier2")),
    ] {
        if tier != "none" {
            std::fs::create_dir(&work).unwrap_or_else(|e| panic!("{e}"));
            std::os::unix::fs::chown(&work, Some(1000), Some(1000)).unwrap_or_else(|e| panic!("{e}"));
        }
        let config = format!(
            "[security]\nallow_native_execution = true\n\n[native_execution]\nworking_directory = \"{}\"\n\
             allowed_executables = [\"sh\", \"echo\"]\n\n[docker]\nimage = \"{IMAGE}\"\n",
            work.display()
        );
        std::fs::write(dir.path().join(format!("{tier}.toml")), config).unwrap_or_else(|e| panic!("{e}"));
    }
    let none = transcript(dir.path(), "none");
    // Every result is bound, so the terminal shows only what the agent prints of them.
    assert_eq!(none.0, "hello\n3\nfalse\ntrue\ndata\ntrue\npartial\n", "{none:?}");
    assert_eq!(none.2, Some(0), "{none:?}");
    for tier in ["tier1", "tier2"] {
        assert_eq!(transcript(dir.path(), tier), none, "{tier} differs from none");
    }
    assert_eq!(harness::leftover_containers(), Vec::<String>::new());
}

const SLEEPER: &str = r#"agent Sleeper {
  on trigger "go" {
    execute_native("sh -c 'echo started; sleep 60'")
  }
}
"#;

#[test]
#[cfg_attr(not(symbi_docker), ignore = "needs a Docker engine (probed at build time, see build.rs)")]
fn ctrl_c_in_symbi_run_removes_the_container() {
    let Some(_engine) = engine::exclusive() else { return };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("agent.symbi"), SLEEPER).unwrap_or_else(|e| panic!("{e}"));
    let config =
        format!("[native_execution]\nallowed_executables = [\"sh\"]\n\n[docker]\nimage = \"{IMAGE}\"\n");
    std::fs::write(dir.path().join("config.toml"), config).unwrap_or_else(|e| panic!("{e}"));
    for tier in ["tier1", "tier2"] {
        let child = Command::new(symbi_bin())
            .args(["run", "agent.symbi", "--config", "config.toml", "--sandbox-tier", tier])
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let pid = child.id();
        // Wait until the call's container exists.
        let names = || {
            let out =
                Command::new("docker").args(["ps", "-q", "--filter", &format!("name=symbi-{pid}-")]).output();
            out.map(|o| String::from_utf8_lossy(&o.stdout).split_whitespace().count()).unwrap_or(0)
        };
        let started = std::time::Instant::now();
        while names() == 0 && started.elapsed() < std::time::Duration::from_secs(20) {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        assert_eq!(names(), 1, "{tier}: the container never ran");
        let _ =
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), nix::sys::signal::Signal::SIGINT);
        let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(130), "{tier}");
        let left =
            Command::new("docker").args(["ps", "-aq", "--filter", &format!("name=symbi-{pid}-")]).output();
        let left = left.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
        assert_eq!(left.trim(), "", "{tier}: a container outlived Ctrl-C");
    }
}
