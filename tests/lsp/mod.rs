//! Integration tests: `symbi lsp` spoken to over JSON-RPC, as an editor would.

mod client;
mod features;
mod framing;
mod live;
mod perf;
mod protocol;
mod recovery;
