//! Integration tests: lsp.
