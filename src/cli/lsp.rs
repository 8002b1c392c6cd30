//! `symbi lsp`.

use super::{EXIT_FAILURE, LspArgs};

/// Runs `symbi lsp` on stdin/stdout; returns the exit status.
pub fn run(_args: LspArgs) -> u8 {
    match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => {
            let status = runtime.block_on(crate::lsp::serve_stdio());
            // A read of stdin may still be pending on a blocking thread; do not wait for it.
            runtime.shutdown_background();
            status
        }
        Err(e) => {
            eprintln!("error: cannot start the language server: {e}");
            EXIT_FAILURE
        }
    }
}
