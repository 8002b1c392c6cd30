//! symbi: a static checker, an interpreter and a language server for agent definition files.
//!
//! The pipeline: source text is parsed (pest, `grammar/symbi.pest`) and lowered into a typed
//! AST ([`syntax`]), checked against the standard library, the configuration and the
//! security model ([`check`]), and run by the interpreter ([`eval`]), whose every process
//! goes through a [`sandbox`] tier. Every problem on the way is a [`diag::Diagnostic`].

// pest is built without its `std` feature (see Cargo.toml); its generated parser names
// `::alloc` paths.
extern crate alloc;

pub mod check;
pub mod cli;
pub mod config;
pub mod diag;
pub mod eval;
pub mod files;
pub mod fmt;
pub mod lsp;
pub mod policy;
pub mod runtime;
pub mod sandbox;
pub mod schedule;
pub mod security;
pub mod service;
pub mod stdlib;
pub mod syntax;
pub mod webhook;

/// Every allocation is counted, so the interpreter can hold a run's values to their heap
/// budget (see `eval::budget`).
#[global_allocator]
static ALLOCATOR: eval::heap::CountingAllocator = eval::heap::CountingAllocator;
