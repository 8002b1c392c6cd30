//! Where commands run: with no working directory configured, on tier None, in the agent
//! file's folder; a configured one wins; a folder refused by the trust rules says why and
//! which key chooses another; a command failing for a missing file names the directory.

use crate::support::symbi_bin;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

const AGENT: &str = "agent Beside {\n  security { tier: None capabilities: [\"network\"] }\n  on trigger \"t\" {\n    execute_native(\"sh script.sh\")\n  }\n}\n";

/// A folder holding the agent and, beside it, `script.sh`.
fn project(tmp: &Path, name: &str) -> std::path::PathBuf {
    let dir = tmp.join(name);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("agent.symbi"), AGENT).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("script.sh"), "echo ran beside the agent\n").unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// `symbi run agent.symbi --native` from another folder, with no configuration or
/// working-directory variable of the machine taking part (`extra` adds variables).
fn run(tmp: &Path, dir: &Path, extra: &[(&str, &Path)]) -> (Output, String, String) {
    let mut cmd = Command::new(symbi_bin());
    cmd.arg("run").arg(dir.join("agent.symbi")).arg("--native").current_dir(tmp);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("SYMBIONT_") || k.starts_with("XDG_")) {
        cmd.env_remove(k);
    }
    cmd.env("NO_COLOR", "1")
        .env("HOME", tmp.join("home"))
        .env("XDG_STATE_HOME", tmp.join("state"))
        .env("XDG_CONFIG_HOME", tmp.join("config-home"));
    for (k, v) in extra {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("symbi runs: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

fn canonical(p: &Path) -> String {
    std::fs::canonicalize(p).unwrap_or_else(|e| panic!("{e}")).display().to_string()
}

#[test]
fn commands_run_in_the_agent_files_folder_by_default() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = project(tmp.path(), "project");
    let (out, stdout, stderr) = run(tmp.path(), &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("ran beside the agent"), "{stdout}");
    assert!(stderr.contains(&format!("working directory: {}", canonical(&dir))), "{stderr}");
}

#[test]
fn a_configured_working_directory_wins_and_a_missing_file_names_it() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = project(tmp.path(), "project");
    let work = tmp.path().join("work");
    let (out, stdout, stderr) = run(tmp.path(), &dir, &[("SYMBIONT_NATIVE_WORKING_DIR", &work)]);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(!stdout.contains("ran beside the agent"), "{stdout}");
    assert!(
        stderr.contains(&format!("relative paths start in the working directory `{}`", canonical(&work))),
        "{stderr}"
    );
    assert!(stderr.contains("native_execution.working_directory"), "{stderr}");
}

#[test]
fn a_folder_others_can_write_is_refused_with_the_reason_and_the_key() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = project(tmp.path(), "shared");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap_or_else(|e| panic!("{e}"));
    let (out, stdout, stderr) = run(tmp.path(), &dir, &[]);
    assert_ne!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(!stdout.contains("ran beside the agent"), "nothing ran: {stdout}");
    assert!(stderr.contains("commands run in the agent file's folder"), "{stderr}");
    assert!(stderr.contains("native_execution.working_directory"), "{stderr}");
}
