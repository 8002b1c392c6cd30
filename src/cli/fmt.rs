//! `symbi fmt`.

use super::{FmtArgs, usage_error};

/// Runs `symbi fmt`; returns the exit status.
pub fn run(_args: FmtArgs) -> u8 {
    usage_error("`symbi fmt` is not available in this build yet")
}
