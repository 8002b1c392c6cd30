//! The real binary on real processes, where timing matters: output that streams while the
//! child runs, SIGINT/SIGTERM ending a run and its whole process tree, the audit log, and
//! the README's example.

use crate::support::procs::{alive, pids};
use crate::support::{root, symbi_bin, wait_at_most};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `symbi run FILE --native ARGS` with a clean environment, its working directory and audit
/// log under `tmp`.
pub(super) fn symbi_run(tmp: &Path, file: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(symbi_bin());
    cmd.arg("run").arg(file).arg("--native").args(args).current_dir(root());
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("SYMBIONT_")) {
        cmd.env_remove(k);
    }
    cmd.env("NO_COLOR", "1")
        .env("SYMBIONT_NATIVE_WORKING_DIR", tmp.join("work"))
        .env("XDG_STATE_HOME", tmp.join("state"));
    cmd
}

pub(super) fn write_agent(tmp: &Path, body: &str) -> std::path::PathBuf {
    let path = tmp.join("agent.symbi");
    let text = format!(
        "agent Live {{\n  security {{ tier: None capabilities: [\"network\"] }}\n  on trigger \"t\" {{\n{body}\n  }}\n}}\n"
    );
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("write agent: {e}"));
    path
}

pub(super) fn spawn(mut cmd: Command) -> Child {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap_or_else(|e| panic!("spawn symbi: {e}"))
}

/// The live descendants of `root` (children, their children, ...), from `/proc`.
fn descendants(root: i32) -> Vec<i32> {
    let parent_of = |pid: i32| {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse::<i32>().ok()
    };
    let all: Vec<(i32, i32)> = pids().into_iter().filter_map(|pid| Some((pid, parent_of(pid)?))).collect();
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(all.iter().filter(|(_, p)| *p == parent).map(|(pid, _)| *pid));
        i += 1;
    }
    found.into_iter().skip(1).filter(|p| alive(*p)).collect()
}

/// The audit log's lines, without the "started" line each execution writes first.
fn audit_lines(tmp: &Path) -> Vec<serde_json::Value> {
    all_audit_lines(tmp).into_iter().filter(|l| l["outcome"] != "started").collect()
}

fn all_audit_lines(tmp: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(tmp.join("state/symbi/audit.jsonl")).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_default()).collect()
}

#[test]
fn output_of_a_long_running_child_appears_before_it_ends() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = write_agent(tmp.path(), "    execute_native(\"sh -c 'echo first; sleep 3; echo second'\")");
    let started = Instant::now();
    let mut child = spawn(symbi_run(tmp.path(), &file, &[]));
    let mut out = BufReader::new(child.stdout.take().unwrap_or_else(|| panic!("stdout")));
    let mut line = String::new();
    let _ = out.read_line(&mut line);
    let first_seen = started.elapsed();
    assert_eq!(line, "first\n");
    assert!(first_seen < Duration::from_millis(2500), "the first line took {first_seen:?}");
    assert!(matches!(child.try_wait(), Ok(None)), "symbi was still running when the line arrived");
    line.clear();
    let _ = out.read_line(&mut line);
    assert_eq!(line, "second\n");
    assert!(wait_at_most(&mut child, Duration::from_secs(10)).success());
}

/// Starts a run whose child prints its own pid and a background grandchild's, then waits;
/// sends `signal` to symbi once both pids are known.
fn interrupt_with(signal: i32) -> (std::process::ExitStatus, Vec<i32>, Duration, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = write_agent(
        tmp.path(),
        "    execute_native(\"sh -c 'sleep 300 & echo $$ $!; wait'\")\n    print(\"not reached\")",
    );
    let mut child = spawn(symbi_run(tmp.path(), &file, &[]));
    let mut out = BufReader::new(child.stdout.take().unwrap_or_else(|| panic!("stdout")));
    let mut line = String::new();
    let _ = out.read_line(&mut line);
    assert_eq!(line.split_whitespace().count(), 2, "pids line: {line:?}");
    // The pids the child printed are those of its own PID namespace; the host's are found
    // from symbi's side: its descendants (the namespace's init, `sh` and `sleep`).
    let pids = descendants(child.id() as i32);
    assert!(pids.len() >= 2, "the children run before the signal: {pids:?}");
    assert!(pids.iter().all(|p| alive(*p)), "the children run before the signal");
    let sent = Instant::now();
    let signal = nix::sys::signal::Signal::try_from(signal).expect("a valid signal");
    assert_eq!(nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), signal), Ok(()));
    let status = wait_at_most(&mut child, Duration::from_secs(10));
    let took = sent.elapsed();
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut out, &mut rest);
    assert!(!rest.contains("not reached"));
    (status, pids, took, tmp)
}

#[test]
fn sigint_ends_the_run_and_every_process_it_started() {
    let (status, pids, took, tmp) = interrupt_with(libc::SIGINT);
    assert_eq!(status.code(), Some(130));
    assert!(took < Duration::from_secs(3), "stopping took {took:?}");
    // The tree is killed before symbi exits; give the kernel a moment to reap re-parented ones.
    std::thread::sleep(Duration::from_millis(200));
    for pid in pids {
        assert!(!alive(pid), "process {pid} survived the interrupted run");
    }
    let audit = audit_lines(tmp.path());
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0]["outcome"], "interrupted");
    assert_eq!(audit[0]["signal"], "SIGINT");
}

#[test]
fn sigterm_ends_the_run_with_143() {
    let (status, pids, _, _tmp) = interrupt_with(libc::SIGTERM);
    assert_eq!(status.code(), Some(143));
    std::thread::sleep(Duration::from_millis(200));
    assert!(pids.iter().all(|p| !alive(*p)));
}

#[test]
fn the_audit_log_records_every_execution_without_env_values() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let body = r#"
    let a = execute_native("sh -c 'exit 4'", env: { API_TOKEN: "s3cret-value" })
    let tool = "ca" + "t"
    try { execute_native(tool) } catch e { print(e.code) }
    execute_native("sh -c true")
    "#;
    let file = write_agent(tmp.path(), body);
    let out = symbi_run(tmp.path(), &file, &["--timeout", "9"]).output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let raw = std::fs::read_to_string(tmp.path().join("state/symbi/audit.jsonl")).unwrap_or_default();
    assert!(!raw.contains("s3cret-value"), "an env value leaked into the audit log");
    let all = all_audit_lines(tmp.path());
    // Each execution has its "started" line before its outcome's.
    let outcomes: Vec<&str> = all.iter().map(|l| l["outcome"].as_str().unwrap_or("")).collect();
    assert_eq!(outcomes, ["started", "exited", "started", "refused", "started", "exited"], "{raw}");
    assert_eq!(all[0]["argv"], all[1]["argv"]);
    let audit = audit_lines(tmp.path());
    assert_eq!(audit.len(), 3, "{raw}");
    let first = &audit[0];
    assert_eq!(first["agent"], "Live");
    assert_eq!(first["trigger"], "t");
    assert_eq!(first["tier"], "None");
    assert_eq!(first["argv"], serde_json::json!(["sh", "-c", "exit 4"]));
    assert_eq!(first["env_keys"], serde_json::json!(["API_TOKEN"]));
    assert_eq!(first["outcome"], "exited");
    assert_eq!(first["exit_code"], 4);
    assert_eq!(first["limits"]["timeout"], 9000);
    assert!(first["time"].as_str().is_some_and(|t| t.ends_with('Z') && t.contains('T')), "{}", first["time"]);
    assert!(first["duration_ms"].is_u64());
    assert!(first["working_directory"].as_str().is_some_and(|w| w.ends_with("/work")));
    assert_eq!(audit[1]["outcome"], "refused");
    assert_eq!(audit[1]["error"], "E0401");
    assert_eq!(audit[2]["outcome"], "exited");
    assert_eq!(audit[2]["exit_code"], 0);
}

#[test]
fn an_unwritable_audit_log_is_a_warning_not_a_failure() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = write_agent(tmp.path(), "    execute_native(\"sh -c true\")");
    let config = tmp.path().join("config.toml");
    let _ = std::fs::write(&config, "[storage]\naudit_log = \"/proc/no-such-dir/audit.jsonl\"\n");
    let out = symbi_run(tmp.path(), &file, &["--config", config.to_str().unwrap_or_default()])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("W0430"), "{stderr}");
}

#[test]
fn the_readme_example_runs_with_its_process_py_wherever_it_is() {
    // The README's first command, as written there, in a fresh checkout by a new user: no
    // configuration of their own, no trusted folder.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap_or_default();
    let line = readme.lines().find(|l| l.starts_with("cargo run --release -- run ")).unwrap_or_default();
    let args: Vec<&str> = line.split_whitespace().skip(4).collect();
    assert!(args.first() == Some(&"run"), "the README names its first command: {line:?}");
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let examples = tmp.path().join("examples");
    let _ = std::fs::create_dir_all(&examples);
    for name in ["native_worker.symbi", "process.py", "config.toml"] {
        let _ = std::fs::copy(root().join("examples").join(name), examples.join(name));
    }
    let mut cmd = Command::new(symbi_bin());
    cmd.args(&args).current_dir(tmp.path()).env("NO_COLOR", "1").env("HOME", tmp.path().join("home"));
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("SYMBIONT_") || k.starts_with("XDG_")) {
        cmd.env_remove(k);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("process.py: python"), "{stdout}");
    let canonical = std::fs::canonicalize(&examples).unwrap_or_default();
    assert!(stderr.contains(&format!("working directory: {}", canonical.display())), "{stderr}");
    // The header names the configuration file the README's command names.
    assert!(stderr.contains("configuration: examples/config.toml (named by --config)"), "{stderr}");
    assert!(!stderr.contains("W0501"), "{stderr}");
}

/// A command called as a statement streams to the terminal; one whose result is bound is
/// captured (the agent prints what it wants of it, nothing appears twice), and the JSON
/// events keep the output of both.
#[test]
fn bound_results_are_captured_and_statement_calls_stream() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir(tmp.path().join("work")).unwrap_or_else(|e| panic!("{e}"));
    let file = write_agent(
        tmp.path(),
        "    execute_native(\"sh -c 'echo streamed'\")\n    let r = execute_native(\"sh -c 'echo bound'\")\n    print(\"got ${r.stdout.trim()}\")",
    );
    let out = symbi_run(tmp.path(), &file, &[]).output().unwrap_or_else(|e| panic!("{e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout, "streamed\ngot bound\n", "{}", String::from_utf8_lossy(&out.stderr));
    let out = symbi_run(tmp.path(), &file, &["--format", "json"]).output().unwrap_or_else(|e| panic!("{e}"));
    let texts: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["event"] == "output")
        .filter_map(|e| e["text"].as_str().map(str::to_string))
        .collect();
    assert_eq!(texts, ["streamed\n", "bound\n"]);
}
