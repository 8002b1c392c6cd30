//! Opening the files a user or an agent names: regular files only, opened without blocking,
//! read up to a cap.
//!
//! The one reader of agent sources (`syntax::read_source`), configuration files and
//! `--input @FILE` (`config::read_regular_file`) and the interpreter's file builtins and
//! audit log (`eval`). It sits below them all and uses no other module.

pub mod regular;

pub use regular::{Links, Refusal, io_reason, irregular_kind, open_write, read};
