//! Shared test helpers: paths and running the built binary.

#![allow(dead_code)]

pub mod engine;
pub mod procs;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output};
use std::time::{Duration, Instant};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `symbi` binary cargo built for these tests.
pub fn symbi_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_symbi"))
}

/// Runs `symbi` with `args` in the repository root, without colour.
pub fn symbi(args: &[&str]) -> Output {
    Command::new(symbi_bin())
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("SYMBIONT_CONFIG")
        .output()
        .expect("the symbi binary runs")
}

/// Every `.rs` file below `dir`.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out
}

/// Waits for `child` at most `limit`; kills and reaps it and fails the test past that.
pub fn wait_at_most(child: &mut Child, limit: Duration) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the child process did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Polls `done` until it holds or `limit` passes: the time it took, or `None` past the
/// limit (`done` is asked once more after the limit, so a late truth still counts). The
/// pause between polls grows from 10 ms to 100 ms: quick for what is soon done, cheap for
/// a poll that runs `docker ps`.
pub fn within(limit: Duration, mut done: impl FnMut() -> bool) -> Option<Duration> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(10);
    loop {
        if done() {
            return Some(started.elapsed());
        }
        if started.elapsed() > limit {
            return None;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// Whether this run is CI's (`CI=true` or `CI=1`), where every prerequisite must be there.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The one rule for a test that needs something this host may lack (a Docker engine,
/// gVisor, an editor): true when `available`; otherwise, under CI, the test fails with
/// `reason`, and locally it prints `SKIPPED: <reason>` and the caller returns early.
///
/// libtest has no "skipped" result, so a skipped test is tallied as passed; the `SKIPPED:`
/// line is written to the stderr handle itself, which the harness does not capture, so it
/// shows in every `cargo test` output beside the test's name (CONTRIBUTING.md, "Tests that
/// need the host").
pub fn prerequisite(available: bool, reason: &str) -> bool {
    prerequisite_in(under_ci(), available, reason)
}

/// [`prerequisite`] with the CI answer given, for its own test.
pub fn prerequisite_in(ci: bool, available: bool, reason: &str) -> bool {
    use std::io::Write;
    if available {
        return true;
    }
    assert!(!ci, "CI=true but {reason}: under CI a missing prerequisite is a failure");
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED: {reason} (CI=true makes this a failure)");
    false
}

#[test]
fn under_ci_a_missing_prerequisite_fails_and_locally_it_skips() {
    assert!(prerequisite_in(true, true, "present"));
    assert!(
        !prerequisite_in(false, false, "an example prerequisite of this helper's own test"),
        "locally: skipped, the caller returns"
    );
    let failed = std::panic::catch_unwind(|| prerequisite_in(true, false, "no engine"));
    assert!(failed.is_err(), "under CI a missing prerequisite fails the test");
}

#[test]
fn within_answers_as_soon_as_the_condition_holds_and_none_past_the_limit() {
    let quick = within(Duration::from_secs(5), || true);
    assert!(quick.is_some_and(|took| took < Duration::from_secs(1)), "{quick:?}");
    let mut asked = 0;
    let late = within(Duration::from_millis(50), || {
        asked += 1;
        asked == 3
    });
    assert!(late.is_some(), "the third poll held, within the limit or as the last one");
    let started = Instant::now();
    assert_eq!(within(Duration::from_millis(50), || false), None);
    assert!(started.elapsed() >= Duration::from_millis(50), "gave up early: {:?}", started.elapsed());
}
