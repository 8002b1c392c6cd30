//! The language server (`symbi lsp`).
