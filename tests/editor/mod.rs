//! `symbi lsp` inside real editors, driven headless: the setups docs/editors.md gives, used
//! through each editor's own language client rather than a JSON-RPC harness of ours.
//!
//! An editor that is not installed skips its test, except under `CI=true`, where
//! `ci/setup-editors.sh` has installed it and a missing editor is a failure.

mod emacs;
mod neovim;
mod vscode;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Whether `program` is on `PATH`; under CI a missing editor fails the test.
fn editor_available(program: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(found || !ci, "CI=true but `{program}` is not installed (ci/setup-editors.sh installs it)");
    if !found {
        eprintln!("skipping: `{program}` is not installed (set CI=true to make this a failure)");
    }
    found
}

/// Runs an editor to completion, killing it after a generous bound so a hang fails the test.
fn run_bounded(mut command: Command, bound: Duration) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the editor starts");
    let start = Instant::now();
    while child.try_wait().expect("wait on the editor").is_none() {
        if start.elapsed() > bound {
            let _ = child.kill();
            let out = child.wait_with_output().expect("collect the editor's output");
            panic!(
                "the editor did not finish within {bound:?}\nstdout: {}\nstderr: {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("collect the editor's output")
}

/// Writes the agent the editor tests open, with the config.toml that consents to tier None.
fn write_project(dir: &Path) -> std::path::PathBuf {
    std::fs::write(dir.join("config.toml"), "[security]\nallow_native_execution = true\n").unwrap();
    let agent = dir.join("agent.symbi");
    std::fs::write(&agent, AGENT).unwrap();
    agent
}

/// An agent with one error (`nope`, after an emoji that is 4 bytes and 2 UTF-16 units) and
/// otherwise in canonical `symbi fmt` layout.
const AGENT: &str = r#"agent Worker {
  security {
    tier: None
    capabilities: ["local_filesystem", "network"]
  }

  on trigger "start" {
    let count = 3
    print("🎉 done " + nope)
    helper(count)
  }

  fn helper(n: Int) -> Int {
    return n
  }
}
"#;

/// [`AGENT`] with the error mended as the editor tests mend it.
fn mended() -> String {
    AGENT.replace("nope", "to_string(count)")
}
