//! Shared test helpers: paths and running the built binary.

#![allow(dead_code)]

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
