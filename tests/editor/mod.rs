//! `symbi lsp` inside real editors, driven headless: the setups docs/editors.md gives, used
//! through each editor's own language client rather than a JSON-RPC harness of ours.
//!
//! An editor that is not installed skips its test, except under `CI=true`, where
//! `ci/setup-editors.sh` has installed it and a missing editor is a failure.

mod emacs;
mod neovim;
mod vscode;

use crate::support::symbi_bin;
use serde_json::{Value, json};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Whether `program` is on `PATH`; under CI a missing editor fails the test.
fn editor_available(program: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    crate::support::prerequisite(
        found,
        &format!("`{program}` is not installed (ci/setup-editors.sh installs it)"),
    )
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

/// Runs an editor's script on the project (`config.toml` consenting to tier None, and
/// [`AGENT`]) in a fresh folder, which is also its `HOME`, so no user setup interferes. The
/// script reads `SYMBI_BIN`, `AGENT` and `RESULT` and writes what the editor saw to `RESULT`;
/// returns that, after failing the test on a step the script reports as failed.
fn drive(editor: &str, mut command: Command) -> Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "[security]\nallow_native_execution = true\n").unwrap();
    let agent = dir.path().join("agent.symbi");
    std::fs::write(&agent, AGENT).unwrap();
    let result = dir.path().join("result.json");
    command
        .env("SYMBI_BIN", symbi_bin())
        .env("AGENT", &agent)
        .env("RESULT", &result)
        .env("HOME", dir.path())
        .env_remove("SYMBIONT_CONFIG")
        .current_dir(dir.path());
    let out = run_bounded(command, Duration::from_secs(120));
    let text = std::fs::read_to_string(&result).unwrap_or_else(|e| {
        panic!("no result from {editor} ({e}); stderr: {}", String::from_utf8_lossy(&out.stderr))
    });
    let seen: Value = serde_json::from_str(&text).unwrap();
    assert!(seen.get("error").is_none(), "a step failed in {editor}: {}", seen["error"]);
    seen
}

/// What every editor must have seen after the diagnostics: hover, completion, navigation,
/// the outline, formatting and the server's end.
fn assert_editor_features(seen: &Value) {
    assert!(seen["hover_function"].as_str().unwrap().contains("fn helper(n: Int) -> Int"));
    assert!(seen["hover_builtin"].as_str().unwrap().contains("Prints a value"), "doc from stdlib/");
    let labels: Vec<&str> =
        seen["completion"].as_array().unwrap().iter().filter_map(|l| l.as_str()).collect();
    for want in ["let", "execute_native", "helper", "count", "emit"] {
        assert!(labels.contains(&want), "completion offers `{want}`: {labels:?}");
    }
    let mut unique = labels.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), labels.len(), "no label offered twice: {labels:?}");
    assert_eq!(seen["definition"], json!({"line": 12, "character": 5}), "helper's definition");
    assert_eq!(seen["references"], 2, "helper: its definition and its call");
    assert_eq!(seen["symbols"], json!(["Worker", "on trigger \"start\"", "helper"]));
    assert_eq!(seen["formatted"].as_str().unwrap(), mended(), "formatting restores the layout");
    assert_eq!(seen["stopped"], true, "the server is gone after the editor stops it");
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
