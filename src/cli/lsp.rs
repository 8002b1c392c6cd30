//! `symbi lsp`.

use super::{LspArgs, usage_error};

/// Runs `symbi lsp`; returns the exit status.
pub fn run(_args: LspArgs) -> u8 {
    usage_error("`symbi lsp` is not available in this build yet")
}
