//! `symbi check`.

use super::{CheckArgs, usage_error};

/// Runs `symbi check`; returns the exit status.
pub fn run(_args: CheckArgs) -> u8 {
    usage_error("`symbi check` is not available in this build yet")
}
