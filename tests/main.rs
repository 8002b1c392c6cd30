//! The integration tests: one binary, one module per area.

mod support;

mod check;
mod config;
mod docker;
mod docs;
mod editor;
mod fmt;
mod frontend;
mod lsp;
mod native;
mod policy;
mod run;
mod service;
