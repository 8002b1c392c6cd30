//! Tests that need a process of their own: counting the process's descriptors and children
//! (other tests would change the counts), a variable in symbi's own environment, and the
//! subreaper fallback (a process-wide setting). Each outer test runs this test binary again
//! for one inner test, which does nothing unless started that way.

use std::process::Command;

/// Set in the environment of a re-run.
pub const ISOLATED: &str = "SYMBI_NATIVE_ISOLATED";

/// Runs the inner test `name` in a new process of this test binary and asserts it passed.
pub fn rerun(name: &str, env: &[(&str, &str)]) {
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = Command::new(exe)
        .args(["--exact", name, "--ignored", "--nocapture", "--test-threads=1"])
        .env(ISOLATED, "1")
        .envs(env.iter().copied())
        .output()
        .expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{name} failed in its own process:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether this process is a re-run (inner tests do nothing otherwise).
pub fn is_rerun() -> bool {
    std::env::var_os(ISOLATED).is_some()
}

/// A current-thread runtime for an inner test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime")
}

/// This process's open descriptors.
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map(|d| d.count()).unwrap_or(usize::MAX)
}

/// This process's children, zombies included.
pub fn children() -> Vec<i32> {
    let me = std::process::id() as i32;
    let spawner = symbi::sandbox::native::spawner_pid();
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let ppid =
                stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse().ok());
            ppid == Some(me)
        })
        // The spawner lives as long as the process: it is the runner's, not a call's.
        .filter(|pid| Some(*pid) != spawner)
        .collect()
}
