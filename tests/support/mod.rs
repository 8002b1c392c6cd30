//! Shared test helpers: paths and running the built binary.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

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
