//! `symbi doctor`.

use super::{DoctorArgs, usage_error};

/// Runs `symbi doctor`; returns the exit status.
pub fn run(_args: DoctorArgs) -> u8 {
    usage_error("`symbi doctor` is not available in this build yet")
}
