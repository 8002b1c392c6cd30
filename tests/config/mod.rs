//! Integration tests: config.

mod cli;
mod docs;
mod errors;
mod limit_flags;
mod precedence;
mod report;
mod robust;
mod seed;
mod special_files;
mod trust;

use std::path::{Path, PathBuf};
use symbi::config::{Config, ConfigError, EnvVars, load};

/// A case file under `tests/cases/config/`, as a path relative to the repository root
/// (tests run there), so rendered diagnostics name it the same on every machine.
pub fn case(name: &str) -> PathBuf {
    Path::new("tests/cases/config").join(name)
}

/// Loads a case file with the given environment.
pub fn load_case(name: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
    load(Some(&case(name)), &EnvVars::from_pairs(env.iter().copied()))
}
