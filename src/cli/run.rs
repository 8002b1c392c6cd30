//! `symbi run`.

use super::{RunArgs, usage_error};

/// Runs `symbi run`; returns the exit status.
pub fn run(_args: RunArgs) -> u8 {
    usage_error("`symbi run` is not available in this build yet")
}
