//! The front end: source text to a typed syntax tree, with syntax diagnostics.

pub mod ast;
