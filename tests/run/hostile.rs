//! Attacks on the interpreter itself, run as root against the real binary: files that are
//! not files (a FIFO, a device node), an audit log the agent could reach, values that grow
//! without end, recursion that would overflow the stack, and a run that must stop at the
//! second signal. Each asserts a prompt, clean end with the diagnostic's code.

use super::live::{spawn, symbi_run};
use crate::support::wait_at_most;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

/// The bound within which every case here must end; generous, for hang detection only.
const PROMPT: Duration = Duration::from_secs(30);

/// Writes an agent on tier None that may use files, whose trigger `t` runs `body`.
fn write_agent(tmp: &Path, body: &str) -> std::path::PathBuf {
    let path = tmp.join("agent.symbi");
    let text = format!(
        "agent Hostile {{\n  security {{ tier: None capabilities: [\"network\", \"local_filesystem\"] }}\n  on trigger \"t\" {{\n{body}\n  }}\n}}\n"
    );
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("write agent: {e}"));
    path
}

/// Runs `symbi run` on an agent with `body` (working directory `tmp/work`, created first),
/// with `config` lines, and waits at most [`PROMPT`].
fn run_agent(tmp: &Path, body: &str, config: &str) -> (Output, Duration) {
    let _ = std::fs::create_dir_all(tmp.join("work"));
    let file = write_agent(tmp, body);
    let mut cmd = symbi_run(tmp, &file, &[]);
    if !config.is_empty() {
        let path = tmp.join("config.toml");
        let _ = std::fs::write(&path, config);
        cmd.arg("--config").arg(path);
    }
    let started = Instant::now();
    let mut child = spawn(cmd);
    let status = wait_at_most(&mut child, PROMPT);
    let took = started.elapsed();
    let mut out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    out.status = status;
    (out, took)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn mkfifo(path: &Path) {
    let made = nix::unistd::mkfifo(path, nix::sys::stat::Mode::from_bits_truncate(0o600));
    assert!(made.is_ok(), "mkfifo {}: {made:?}", path.display());
}

/// Asserts the run failed with exit status 1 (not a signal) and `code` in its diagnostics.
fn assert_refused(out: &Output, code: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("[{code}]")), "expected {code}: {err}");
}

#[test]
fn read_file_of_a_fifo_fails_promptly_instead_of_blocking() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::create_dir_all(tmp.path().join("work"));
    mkfifo(&tmp.path().join("work/pipe"));
    let (out, took) = run_agent(tmp.path(), "    print(read_file(\"pipe\"))", "");
    assert_refused(&out, "E0470");
    assert!(stderr(&out).contains("a FIFO"), "{}", stderr(&out));
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn read_file_of_a_device_node_planted_by_root_fails_promptly() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let work = tmp.path().join("work");
    let _ = std::fs::create_dir_all(&work);
    // The device a root child would plant: /dev/zero's numbers (character 1, 5).
    let made = nix::sys::stat::mknod(
        &work.join("zero"),
        nix::sys::stat::SFlag::S_IFCHR,
        nix::sys::stat::Mode::from_bits_truncate(0o666),
        nix::sys::stat::makedev(1, 5),
    );
    assert!(made.is_ok(), "mknod needs root (as in CI): {made:?}");
    let (out, took) = run_agent(tmp.path(), "    print(read_file(\"zero\").len())", "");
    assert_refused(&out, "E0470");
    assert!(stderr(&out).contains("a character device"), "{}", stderr(&out));
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn write_file_to_a_fifo_with_or_without_a_reader_is_refused() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let work = tmp.path().join("work");
    let _ = std::fs::create_dir_all(&work);
    mkfifo(&work.join("pipe"));
    let (out, took) = run_agent(tmp.path(), "    write_file(\"pipe\", \"x\")", "");
    assert_refused(&out, "E0470");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    // With a reader holding the other end open, the open succeeds: fstat still refuses it.
    let reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(work.join("pipe"))
        .unwrap_or_else(|e| panic!("open the FIFO's read end: {e}"));
    let (out, _) = run_agent(tmp.path(), "    write_file(\"pipe\", \"x\")", "");
    assert_refused(&out, "E0470");
    drop(reader);
}

#[test]
fn write_file_past_max_file_size_mb_is_refused_before_writing() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let config = "[security]\nallow_native_execution = true\n[native_execution]\nmax_file_size_mb = 1\n";
    let body = "    let s = \"0123456789abcdef\"\n    let i = 0\n    while i < 17 {\n      s = s + s\n      i += 1\n    }\n    write_file(\"small.txt\", \"ok\")\n    write_file(\"big.txt\", s)";
    let (out, _) = run_agent(tmp.path(), body, config);
    assert_refused(&out, "E0471");
    assert_eq!(std::fs::read_to_string(tmp.path().join("work/small.txt")).ok().as_deref(), Some("ok"));
    assert!(!tmp.path().join("work/big.txt").exists(), "nothing of the refused file is written");
}

#[test]
fn a_doubling_string_ends_with_a_runtime_error_not_the_oom_killer() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let body = "    let s = \"ab\"\n    let i = 0\n    while i < 40 {\n      s = s + s\n      i += 1\n    }\n    print(s.len())";
    let (out, took) = run_agent(tmp.path(), body, "");
    assert_refused(&out, "E0472");
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[test]
fn values_accumulated_in_a_list_end_at_the_heap_budget() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // Every item is a fresh 8 MiB string: no single value is too large, the sum is.
    let body = "    let s = \"ab\"\n    let i = 0\n    while i < 22 {\n      s = s + s\n      i += 1\n    }\n    let xs = []\n    while true {\n      xs += [s + \"x\"]\n    }";
    let (out, took) = run_agent(tmp.path(), body, "");
    assert_refused(&out, "E0472");
    assert!(stderr(&out).contains("MiB of memory"), "{}", stderr(&out));
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[test]
fn values_nested_without_end_are_refused() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let body = "    let x = []\n    while true {\n      x = [x]\n    }";
    let (out, _) = run_agent(tmp.path(), body, "");
    assert_refused(&out, "E0472");
    assert!(stderr(&out).contains("nest more than"), "{}", stderr(&out));
}

/// A recursive function whose every frame evaluates a 120-term expression around the call.
fn deep_recursion(depth: u32) -> String {
    let terms = " + n".repeat(120);
    format!(
        "fn f(n: Int) -> Int {{\n  if n <= 0 {{ return 0 }}\n  return f(n - 1){terms}\n}}\n\
         agent Deep {{\n  security {{ tier: None capabilities: [\"network\"] }}\n  on trigger \"t\" {{\n    print(f({depth}))\n  }}\n}}\n"
    )
}

#[test]
fn recursion_at_the_largest_allowed_depth_errors_cleanly_never_overflows() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::create_dir_all(tmp.path().join("work"));
    let file = tmp.path().join("deep.symbi");
    let _ = std::fs::write(&file, deep_recursion(9_990));
    let config = tmp.path().join("config.toml");
    let _ = std::fs::write(&config, "[runtime]\nmax_call_depth = 10000\n");
    let mut cmd = symbi_run(tmp.path(), &file, &[]);
    cmd.arg("--config").arg(&config);
    let mut child = spawn(cmd);
    let status = wait_at_most(&mut child, Duration::from_secs(60));
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&out.stderr);
    // Either the recursion fits, or it stops with E0473: never a signal (SIGABRT, SIGSEGV).
    assert!(status.code().is_some(), "symbi died of a signal: {status:?}\n{err}");
    if status.code() != Some(0) {
        assert!(err.contains("[E0473]"), "{err}");
    }
    // A modest depth of the same program still runs to the end.
    let _ = std::fs::write(&file, deep_recursion(300));
    let mut cmd = symbi_run(tmp.path(), &file, &[]);
    cmd.arg("--config").arg(&config);
    let out = cmd.output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), (120 * (300 * 301 / 2)).to_string());
}

/// A config whose audit log is `audit`.
fn audit_config(audit: &Path) -> String {
    format!("[storage]\naudit_log = \"{}\"\n", audit.display())
}

#[test]
fn an_audit_log_inside_the_working_directory_is_refused_at_start() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let audit = tmp.path().join("work/logs/audit.jsonl");
    let (out, _) = run_agent(tmp.path(), "    print(\"ran\")", &audit_config(&audit));
    assert_refused(&out, "E0474");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("ran"), "nothing runs");
    assert!(!audit.exists());
}

#[test]
fn an_audit_log_that_is_a_symbolic_link_is_refused() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let audit = tmp.path().join("audit.jsonl");
    let _ = std::os::unix::fs::symlink(tmp.path().join("elsewhere.jsonl"), &audit);
    let (out, _) = run_agent(tmp.path(), "    print(\"ran\")", &audit_config(&audit));
    assert_refused(&out, "E0474");
    assert!(!tmp.path().join("elsewhere.jsonl").exists(), "the link was not followed");
}

#[test]
fn an_audit_log_that_is_a_fifo_is_refused_promptly() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let audit = tmp.path().join("audit.fifo");
    mkfifo(&audit);
    let (out, took) = run_agent(tmp.path(), "    execute_native(\"sh -c true\")", &audit_config(&audit));
    assert_refused(&out, "E0474");
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn a_second_sigint_ends_symbi_at_once() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::create_dir_all(tmp.path().join("work"));
    let file = write_agent(tmp.path(), "    print(\"started\")\n    execute_native(\"sh -c 'sleep 100'\")");
    let mut child = spawn(symbi_run(tmp.path(), &file, &[]));
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap_or_else(|| panic!("stdout")));
    let mut line = String::new();
    let _ = std::io::BufRead::read_line(&mut out, &mut line);
    assert_eq!(line, "started\n");
    std::thread::sleep(Duration::from_millis(300));
    let sent = Instant::now();
    for _ in 0..2 {
        assert_eq!(
            nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(child.id() as i32),
                nix::sys::signal::Signal::SIGINT
            ),
            Ok(())
        );
    }
    let status = wait_at_most(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(130));
    assert!(sent.elapsed() < Duration::from_secs(5), "took {:?}", sent.elapsed());
}

#[test]
fn an_argument_cannot_rewrite_the_echoed_command_line() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // A carriage return and "erase line" would hide `sh -c :` behind an innocent text.
    let body = r#"    execute_native("sh -c : 'x\r\u{1b}[2Kls' '<in' 'a>b'")"#;
    let (out, _) = run_agent(tmp.path(), body, "");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "raw control characters: {err:?}");
    assert!(err.contains(r"$ sh -c : $'x\r\x1b[2Kls' '<in' 'a>b'"), "{err}");
}
