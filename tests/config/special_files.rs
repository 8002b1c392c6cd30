//! `--config` and `--input @FILE` take regular files only: a device that never ends
//! (`/dev/zero`) or a FIFO nobody writes to ends the command at once with a diagnostic,
//! instead of exhausting memory or waiting for good.

use crate::support::symbi_bin;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Far above the milliseconds these take; only a hang reaches it.
const HANG: Duration = Duration::from_secs(30);

/// Runs symbi with `args` in `dir`, killing it (and failing the test) if it hangs.
fn bounded(dir: &std::path::Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(symbi_bin());
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1").env("HOME", dir).env_remove("SYMBIONT_CONFIG");
    let mut child =
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap_or_else(|e| panic!("spawn: {e}"));
    let start = Instant::now();
    while child.try_wait().ok().flatten().is_none() {
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("symbi {args:?} hung for {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
}

fn fifo_in(dir: &std::path::Path) -> String {
    let fifo = dir.join("fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600))
        .unwrap_or_else(|e| panic!("{e}"));
    fifo.display().to_string()
}

fn agent_in(dir: &std::path::Path) -> String {
    let agent = dir.join("agent.symbi");
    std::fs::write(&agent, "agent A {\n  on trigger \"t\" (event) {\n    print(event)\n  }\n}\n")
        .unwrap_or_else(|e| panic!("{e}"));
    agent.display().to_string()
}

#[test]
fn config_dev_zero_and_a_fifo_are_refused_at_once() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let fifo = fifo_in(tmp.path());
    let agent = agent_in(tmp.path());
    for (config, what) in
        [("/dev/zero", "it is a character device, not a regular file"), (fifo.as_str(), "FIFO")]
    {
        for sub in [&["check", &agent][..], &["run", &agent][..], &["doctor"][..]] {
            let mut args = sub.to_vec();
            args.extend(["--config", config]);
            let out = bounded(tmp.path(), &args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains("E0501"), "{args:?}: {stderr}");
            assert!(stderr.contains(what), "{args:?}: {stderr}");
        }
    }
}

#[test]
fn input_at_dev_zero_and_at_a_fifo_are_refused_at_once() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let fifo = fifo_in(tmp.path());
    let agent = agent_in(tmp.path());
    for (input, what) in [("@/dev/zero".to_string(), "character device"), (format!("@{fifo}"), "FIFO")] {
        let out = bounded(tmp.path(), &["run", &agent, "--input", &input]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{input}: {stderr}");
        assert!(stderr.contains("E0449"), "{input}: {stderr}");
        assert!(stderr.contains(what), "{input}: {stderr}");
    }
    // A regular file is still read. (The agent runs from a folder of its own: beside it is
    // where its commands run, and HOME's audit log must not be inside that.)
    let payload = tmp.path().join("p.json");
    std::fs::write(&payload, "{\"n\": 7}").unwrap_or_else(|e| panic!("{e}"));
    let own = tmp.path().join("agent");
    std::fs::create_dir(&own).unwrap_or_else(|e| panic!("{e}"));
    let agent = agent_in(&own);
    let out =
        bounded(tmp.path(), &["run", &agent, "--native", "--input", &format!("@{}", payload.display())]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("\"n\": 7")
            || String::from_utf8_lossy(&out.stdout).contains("\"n\":7"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
