//! The language server (`symbi lsp`): live diagnostics, hover, completion, navigation,
//! formatting and quick fixes for agent files, over LSP on stdin/stdout.
//!
//! One concept per module: [`position`] converts byte offsets to LSP positions,
//! [`documents`] stores open texts, [`analysis`] runs the parser and checker, [`server`]
//! maps LSP messages onto the feature modules.

pub mod actions;
pub mod analysis;
pub mod completion;
pub mod diagnostics;
pub mod documents;
pub mod formatting;
pub mod framing;
pub mod hover;
pub mod index;
pub mod navigation;
pub mod position;
pub mod reference;
pub mod server;
pub mod trigger_hover;
pub mod workspace;

use server::Backend;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tower_lsp_server::{LspService, Server};

/// Serves LSP on stdin/stdout until `exit`; returns the process exit status: 0 when
/// `shutdown` came before `exit` (or the client closed the stream after it), else 1,
/// as the protocol asks.
pub async fn serve_stdio() -> u8 {
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&shut_down);
    let (service, socket) = LspService::new(move |client| Backend::new(client, flag));
    // The library reads and writes through pipes; `framing` sits between them and
    // stdin/stdout so that malformed messages are answered instead of ending the input.
    let (server_in, feed) = tokio::io::duplex(1 << 16);
    let (server_out, drain) = tokio::io::duplex(1 << 16);
    let (answers, answers_rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(framing::pump_input(tokio::io::stdin(), feed, answers));
    let output = tokio::spawn(framing::pump_output(drain, tokio::io::stdout(), answers_rx));
    // One message at a time: `didChange` notifications must apply in order, and an
    // analysis takes milliseconds, so nothing is gained by running handlers side by side.
    Server::new(server_in, server_out, socket).concurrency_level(1).serve(service).await;
    // The library's output pipe is closed now; wait until everything is written.
    let _ = output.await;
    if shut_down.load(Ordering::SeqCst) { 0 } else { 1 }
}
