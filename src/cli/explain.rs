//! `symbi explain`.

use super::{ExplainArgs, usage_error};

/// Runs `symbi explain`; returns the exit status.
pub fn run(_args: ExplainArgs) -> u8 {
    usage_error("`symbi explain` is not available in this build yet")
}
